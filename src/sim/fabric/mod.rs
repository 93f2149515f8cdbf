//! Simulated Fabric Livy API (sessions, statements, batches, high-concurrency sessions) and the
//! workspace monitoring lists. STUB: filled in by the Fabric work item.

use std::sync::Arc;

use axum::Router;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::SimShared;
use super::clock::SimMillis;

pub struct FabricState {}

impl FabricState {
    pub fn seeded(seed: u64, scale: u32, now: SimMillis) -> Self {
        let _ = (seed, scale, now);
        Self {}
    }

    pub fn describe(&self, base_url: &str) -> Vec<String> {
        vec![format!(
            "Fabric Livy API: {base_url}/v1/workspaces/<ws>/lakehouses/<lh>/livyapi/versions/2023-12-01"
        )]
    }
}

pub fn router(shared: Arc<SimShared>) -> Router {
    let _ = shared;
    Router::new()
}

pub fn not_found_route(method: &Method, path: &str) -> Response {
    let body = serde_json::json!({
        "errorCode": "EntityNotFound",
        "message": format!("The requested resource could not be found: {method} {path}"),
        "requestId": uuid::Uuid::new_v4().to_string(),
    });
    (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
}
