//! The Fabric Livy API for one lakehouse (`/v1/workspaces/{ws}/lakehouses/{lh}/livyapi/...`).

use reqwest::Method;
use serde_json::Value;

use super::{ApiError, Endpoint, Idempotency};

pub const API_VERSION: &str = "2023-12-01";

#[derive(Debug, Clone)]
pub struct LivyClient {
    ep: Endpoint,
    base_path: String,
}

impl LivyClient {
    pub fn new(ep: Endpoint, workspace_id: &str, lakehouse_id: &str) -> Self {
        let base_path =
            format!("/v1/workspaces/{workspace_id}/lakehouses/{lakehouse_id}/livyapi/versions/{API_VERSION}");
        Self { ep, base_path }
    }

    /// One page of `GET /sessions` or `/batches` (`$top`/`$skip`): the items, and the total the
    /// service reports.
    async fn activity_page(
        &self,
        what: &str,
        top: usize,
        skip: usize,
    ) -> Result<(Vec<Value>, Option<u64>), ApiError> {
        let query = [("$top", top.to_string()), ("$skip", skip.to_string())];
        let page = self
            .ep
            .json(Method::GET, &format!("{}/{what}", self.base_path), &query, None, Idempotency::Safe)
            .await?;
        let items = page.get("items").and_then(Value::as_array).cloned().unwrap_or_default();
        Ok((items, page.get("totalCountOfMatchedItems").and_then(Value::as_u64)))
    }

    /// Up to `limit` sessions, newest first, fetching only the pages needed.
    pub async fn sessions(&self, limit: usize) -> Result<Vec<Value>, ApiError> {
        self.collect("sessions", limit).await
    }

    pub async fn batches(&self, limit: usize) -> Result<Vec<Value>, ApiError> {
        self.collect("batches", limit).await
    }

    /// `GET /sessions/{id}`.
    pub async fn session(&self, id: &str) -> Result<Value, ApiError> {
        self.ep
            .json(Method::GET, &format!("{}/sessions/{id}", self.base_path), &[], None, Idempotency::Safe)
            .await
    }

    /// `GET /batches/{id}`.
    pub async fn batch(&self, id: &str) -> Result<Value, ApiError> {
        self.ep
            .json(Method::GET, &format!("{}/batches/{id}", self.base_path), &[], None, Idempotency::Safe)
            .await
    }

    async fn collect(&self, what: &str, limit: usize) -> Result<Vec<Value>, ApiError> {
        const PAGE: usize = 100;
        let mut out = Vec::new();
        loop {
            let (items, total) = self.activity_page(what, PAGE.min(limit - out.len()), out.len()).await?;
            let got = items.len();
            out.extend(items);
            if got == 0 || out.len() >= limit || total.is_some_and(|t| out.len() as u64 >= t) {
                return Ok(out);
            }
        }
    }
}
