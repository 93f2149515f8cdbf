//! Workspace SCIM: the calling identity (`Me`) and service principals.

use reqwest::Method;
use serde_json::Value;

use super::DatabricksClient;
use super::models::*;
use crate::api::paging::{Page, Pages};
use crate::api::wire::{decode_items, seg};
use crate::api::{ApiError, Fetched};

const SPS: &str = "/api/2.0/preview/scim/v2/ServicePrincipals";
/// SCIM page size (`count`).
const SCIM_PAGE: u64 = 100;

impl DatabricksClient {
    /// `GET /Me`: who the token belongs to (what `doctor` shows).
    pub async fn me(&self) -> Result<Fetched<User>, ApiError> {
        self.ep.call(Method::GET, "/api/2.0/preview/scim/v2/Me").fetch().await
    }

    /// `GET /ServicePrincipals`, optionally with a SCIM filter (`applicationId eq "..."`),
    /// paged by 1-based `startIndex`.
    pub fn service_principals(&self, filter: Option<&str>) -> Pages<ServicePrincipal> {
        let ep = self.ep.clone();
        let filter = filter.map(str::to_string);
        Pages::new("GET", SPS, 1u64, move |start| {
            let (ep, filter) = (ep.clone(), filter.clone());
            async move {
                let call = ep.call(Method::GET, SPS).query("startIndex", start).query("count", SCIM_PAGE);
                let mut body = call.query_opt("filter", filter).send_list("Resources").await?;
                let total = body.get("totalResults").and_then(Value::as_u64);
                let items = decode_items::<ServicePrincipal>("GET", SPS, &mut body, "Resources")?;
                let seen = start - 1 + items.len() as u64;
                let next = total.is_some_and(|t| seen < t).then_some(seen + 1);
                Ok((Page { items, total }, next))
            }
        })
    }

    pub async fn service_principal(&self, id: &str) -> Result<Fetched<ServicePrincipal>, ApiError> {
        self.ep.call(Method::GET, format!("{SPS}/{}", seg(id)?)).fetch().await
    }

    /// `POST /ServicePrincipals` ("add"); never re-sent. A duplicate is a SCIM 409 error.
    pub async fn create_service_principal(
        &self,
        sp: &NewServicePrincipal,
    ) -> Result<Fetched<ServicePrincipal>, ApiError> {
        self.ep.call(Method::POST, SPS).json(sp).fetch().await
    }
}
