//! Command execution API 1.2 (camelCase wire; classic all-purpose clusters only).

use reqwest::Method;
use serde_json::json;

use super::DatabricksClient;
use super::models::*;
use crate::api::{ApiError, Fetched};

impl DatabricksClient {
    /// `contexts/create`: a new execution context (at most 145 per cluster); never re-sent.
    pub async fn create_context(
        &self,
        cluster_id: &str,
        language: &Language,
    ) -> Result<Fetched<Created>, ApiError> {
        let body = json!({"clusterId": cluster_id, "language": language});
        self.ep.call(Method::POST, "/api/1.2/contexts/create").json(&body).fetch().await
    }

    pub async fn context_status(
        &self,
        cluster_id: &str,
        context_id: &str,
    ) -> Result<Fetched<ContextStatusResponse>, ApiError> {
        let call = self.ep.call(Method::GET, "/api/1.2/contexts/status").query("clusterId", cluster_id);
        call.query("contextId", context_id).fetch().await
    }

    pub async fn destroy_context(&self, cluster_id: &str, context_id: &str) -> Result<(), ApiError> {
        let body = json!({"clusterId": cluster_id, "contextId": context_id});
        self.ep
            .call(Method::POST, "/api/1.2/contexts/destroy")
            .json(&body)
            .idempotent()
            .send()
            .await
            .map(drop)
    }

    /// `commands/execute`: runs code, so it is never re-sent once it may have arrived.
    pub async fn execute_command(
        &self,
        cluster_id: &str,
        context_id: &str,
        language: &Language,
        command: &str,
    ) -> Result<Fetched<Created>, ApiError> {
        let body = json!({"clusterId": cluster_id, "contextId": context_id, "language": language, "command": command});
        self.ep.call(Method::POST, "/api/1.2/commands/execute").json(&body).fetch().await
    }

    pub async fn command_status(
        &self,
        cluster_id: &str,
        context_id: &str,
        command_id: &str,
    ) -> Result<Fetched<CommandStatusResponse>, ApiError> {
        let call = self.ep.call(Method::GET, "/api/1.2/commands/status").query("clusterId", cluster_id);
        call.query("contextId", context_id).query("commandId", command_id).fetch().await
    }

    pub async fn cancel_command(
        &self,
        cluster_id: &str,
        context_id: &str,
        command_id: &str,
    ) -> Result<(), ApiError> {
        let body = json!({"clusterId": cluster_id, "contextId": context_id, "commandId": command_id});
        self.ep.call(Method::POST, "/api/1.2/commands/cancel").json(&body).idempotent().send().await.map(drop)
    }
}
