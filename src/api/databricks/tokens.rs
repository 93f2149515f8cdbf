//! Token API: personal access tokens of the calling identity.

use reqwest::Method;

use super::models::*;
use super::{DatabricksClient, done, id_body, list_of};
use crate::api::wire::Fetched;
use crate::api::{ApiError, ErrorKind};

const CREATE: &str = "/api/2.0/token/create";

impl DatabricksClient {
    /// `token/create` (600 per user per workspace; `QUOTA_EXCEEDED` beyond). Never re-sent.
    /// The answer's raw JSON is dropped: it holds the token in clear.
    pub async fn create_token(&self, req: &CreateTokenRequest) -> Result<CreatedToken, ApiError> {
        let raw = self.ep.call(Method::POST, CREATE).json(req).send().await?;
        serde_json::from_value(raw).map_err(|e| {
            // The serde message names the field, never the value. An answer without the token
            // (an empty 200 from a gateway) says nothing of whether one was made.
            ApiError::transport("POST", CREATE, ErrorKind::Decode, format!("unreadable token answer: {e}"))
                .outcome_unknown()
        })
    }

    pub async fn tokens(&self) -> Result<Vec<Fetched<PublicTokenInfo>>, ApiError> {
        let path = "/api/2.0/token/list";
        list_of("GET", path, self.ep.call(Method::GET, path), "token_infos").await
    }

    /// `token/delete` (revoke).
    pub async fn revoke_token(&self, token_id: &str) -> Result<(), ApiError> {
        let body = id_body("token_id", token_id);
        self.ep.call(Method::POST, "/api/2.0/token/delete").json(&body).idempotent().send().await.map(done)
    }
}
