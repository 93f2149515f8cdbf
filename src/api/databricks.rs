//! The Databricks REST API for one workspace: clusters (2.1) and job runs (2.2), the versions the
//! official SDKs use.

use reqwest::Method;
use serde_json::Value;

use super::{ApiError, Endpoint, Idempotency};

/// Databricks caps `runs/list` at 25 per page.
pub const RUNS_PAGE_MAX: usize = 25;

#[derive(Debug, Clone)]
pub struct DatabricksClient {
    ep: Endpoint,
}

/// Filters for `runs/list`, applied by the service.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    pub active_only: bool,
    pub completed_only: bool,
    pub job_id: Option<i64>,
}

impl DatabricksClient {
    pub fn new(ep: Endpoint) -> Self {
        Self { ep }
    }

    /// Up to `limit` clusters, optionally only in the given states (server-side filter), paging
    /// with `page_token` only as far as needed.
    pub async fn clusters(&self, states: &[&str], limit: usize) -> Result<Vec<Value>, ApiError> {
        let filters: Vec<(&str, String)> =
            states.iter().map(|s| ("filter_by.cluster_states", (*s).to_string())).collect();
        self.paged("/api/2.1/clusters/list", "clusters", "page_size", 100, filters, limit).await
    }

    /// Up to `limit` runs, newest first.
    pub async fn runs(&self, filter: &RunFilter, limit: usize) -> Result<Vec<Value>, ApiError> {
        let mut filters: Vec<(&str, String)> = Vec::new();
        if filter.active_only {
            filters.push(("active_only", "true".into()));
        }
        if filter.completed_only {
            filters.push(("completed_only", "true".into()));
        }
        if let Some(j) = filter.job_id {
            filters.push(("job_id", j.to_string()));
        }
        self.paged("/api/2.2/jobs/runs/list", "runs", "limit", RUNS_PAGE_MAX, filters, limit).await
    }

    /// `clusters/get`.
    pub async fn cluster(&self, id: &str) -> Result<Value, ApiError> {
        let query = [("cluster_id", id.to_string())];
        self.ep.json(Method::GET, "/api/2.1/clusters/get", &query, None, Idempotency::Safe).await
    }

    /// `runs/get`, with its tasks.
    pub async fn run(&self, id: i64) -> Result<Value, ApiError> {
        let query = [("run_id", id.to_string())];
        self.ep.json(Method::GET, "/api/2.2/jobs/runs/get", &query, None, Idempotency::Safe).await
    }

    /// Follow `next_page_token` until `limit` items are in hand or the list ends, asking each
    /// page for no more than is still needed.
    async fn paged(
        &self,
        path: &str,
        items_key: &str,
        size_param: &'static str,
        page_max: usize,
        filters: Vec<(&'static str, String)>,
        limit: usize,
    ) -> Result<Vec<Value>, ApiError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut query = filters.clone();
            query.push((size_param, page_max.min(limit - out.len()).max(1).to_string()));
            if let Some(t) = &token {
                query.push(("page_token", t.clone()));
            }
            let page = self.ep.json(Method::GET, path, &query, None, Idempotency::Safe).await?;
            out.extend(page.get(items_key).and_then(Value::as_array).cloned().unwrap_or_default());
            token = page
                .get("next_page_token")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .map(String::from);
            if token.is_none() || out.len() >= limit {
                out.truncate(limit);
                return Ok(out);
            }
        }
    }
}
