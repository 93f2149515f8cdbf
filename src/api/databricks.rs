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
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut query: Vec<(&str, String)> =
                vec![("page_size", 100.min(limit - out.len()).max(1).to_string())];
            query.extend(states.iter().map(|s| ("filter_by.cluster_states", (*s).to_string())));
            if let Some(t) = &token {
                query.push(("page_token", t.clone()));
            }
            let page =
                self.ep.json(Method::GET, "/api/2.1/clusters/list", &query, None, Idempotency::Safe).await?;
            out.extend(page.get("clusters").and_then(Value::as_array).cloned().unwrap_or_default());
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

    /// Up to `limit` runs, newest first.
    pub async fn runs(&self, filter: &RunFilter, limit: usize) -> Result<Vec<Value>, ApiError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut query: Vec<(&str, String)> =
                vec![("limit", RUNS_PAGE_MAX.min(limit - out.len()).max(1).to_string())];
            if filter.active_only {
                query.push(("active_only", "true".into()));
            }
            if filter.completed_only {
                query.push(("completed_only", "true".into()));
            }
            if let Some(j) = filter.job_id {
                query.push(("job_id", j.to_string()));
            }
            if let Some(t) = &token {
                query.push(("page_token", t.clone()));
            }
            let page =
                self.ep.json(Method::GET, "/api/2.2/jobs/runs/list", &query, None, Idempotency::Safe).await?;
            out.extend(page.get("runs").and_then(Value::as_array).cloned().unwrap_or_default());
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
