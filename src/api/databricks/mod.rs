//! The Databricks REST API for one workspace: clusters (2.1) and jobs (2.2), the versions the
//! official SDKs use, command execution 1.2, tokens, secrets and SCIM.

mod clusters;
mod commands;
mod jobs;
pub mod models;
pub mod pages;
mod scim;
mod secrets;
mod tokens;

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::paging::{Page, Pages};
use super::wire::{ItemsOf, decode_items};
use super::{ApiError, Endpoint};

pub use models::{ClusterFilter, ClusterSize, RunFilter};

/// Databricks caps `runs/list` at 25 per page.
pub const RUNS_PAGE_MAX: usize = 25;
/// `jobs/list` allows up to 100 per page.
pub const JOBS_PAGE_MAX: usize = 100;
/// `clusters/list` page size we ask for (the service may send fewer).
pub const CLUSTERS_PAGE: usize = 100;

#[derive(Debug, Clone)]
pub struct DatabricksClient {
    ep: Endpoint,
}

impl DatabricksClient {
    /// `ep` points at the workspace URL (`https://adb-….azuredatabricks.net`).
    pub fn new(ep: Endpoint) -> Self {
        Self { ep }
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.ep
    }

    /// A GET list paged with `page_token` / `next_page_token` (clusters, jobs, runs): the SDKs
    /// stop when the token is missing or empty.
    fn token_pages<T: DeserializeOwned + Send + 'static>(
        &self,
        path: &'static str,
        items_key: &'static str,
        query: Vec<(&'static str, String)>,
    ) -> Pages<T> {
        self.token_pages_as(path, items_key, query, decode_items::<T>)
    }

    /// As [`Self::token_pages`], each page's items read by `read_items` (e.g. left unread).
    fn token_pages_as<T: Send + 'static>(
        &self,
        path: &'static str,
        items_key: &'static str,
        query: Vec<(&'static str, String)>,
        read_items: ItemsOf<T>,
    ) -> Pages<T> {
        let ep = self.ep.clone();
        Pages::new("GET", path, None::<String>, move |token| {
            let (ep, query) = (ep.clone(), query.clone());
            async move {
                let mut call = ep.call(Method::GET, path);
                for (k, v) in &query {
                    call = call.query(k, v);
                }
                let mut body = call.query_opt("page_token", token).send_list(items_key).await?;
                let next = next_token(&body).map(Some);
                let items = read_items("GET", path, &mut body, items_key)?;
                Ok((Page { items, total: None }, next))
            }
        })
    }
}

fn next_token(body: &Value) -> Option<String> {
    body.get("next_page_token").and_then(Value::as_str).filter(|t| !t.is_empty()).map(str::to_string)
}

/// An `{ "<key>": <id> }` body for the many POST actions that take only an id.
fn id_body(key: &str, id: impl Into<Value>) -> Value {
    let mut body = serde_json::Map::new();
    body.insert(key.to_string(), id.into());
    Value::Object(body)
}

/// `Ok` for the `{}` answers of POST actions, whatever else the service adds.
fn done(_: Value) {}

/// Query booleans as the SDKs send them.
fn flag(b: bool) -> String {
    if b { "true".into() } else { "false".into() }
}

/// Send `call` and decode its single-list answer (`{"versions": [...]}`, the list under
/// `key`) with per-item raw objects.
async fn list_of<T: DeserializeOwned>(
    method: &str,
    path: &str,
    call: super::http::Call<'_>,
    key: &'static str,
) -> Result<Vec<super::Fetched<T>>, ApiError> {
    decode_items(method, path, &mut call.send_list(key).await?, key)
}
