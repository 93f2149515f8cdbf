//! Simulated Azure Databricks REST API (clusters, jobs, command execution 1.2, tokens, secrets,
//! SCIM, OAuth). STUB: filled in by the Databricks work item.

use std::sync::Arc;

use axum::Router;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::SimShared;
use super::clock::SimMillis;

pub struct DatabricksState {}

impl DatabricksState {
    pub fn seeded(seed: u64, scale: u32, now: SimMillis, base_url: &str) -> Self {
        let _ = (seed, scale, now, base_url);
        Self {}
    }

    pub fn describe(&self, base_url: &str) -> Vec<String> {
        vec![format!("Databricks: {base_url}")]
    }
}

pub fn router(shared: Arc<SimShared>) -> Router {
    let _ = shared;
    Router::new()
}

pub fn not_found_route(method: &Method, path: &str) -> Response {
    let body = serde_json::json!({
        "error_code": "ENDPOINT_NOT_FOUND",
        "message": format!("No API found for '{method} {path}'"),
    });
    (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
}
