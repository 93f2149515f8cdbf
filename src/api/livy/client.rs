//! The Fabric Livy API for one lakehouse.

use reqwest::Method;
use serde_json::Value;

use super::models::*;
use crate::api::paging::{Page, Pages};
use crate::api::wire::{Fetched, ItemsOf, Unread, decode_items, seg, unread_items};
use crate::api::{ApiError, Endpoint, ErrorKind};

pub const API_VERSION: &str = "2023-12-01";

/// Page size for `GET /sessions` and `/batches` (`$top`).
const ACTIVITY_PAGE: usize = 100;

/// Livy calls for one lakehouse: `{base}/v1/workspaces/{ws}/lakehouses/{lh}/livyapi/versions/2023-12-01`.
#[derive(Debug, Clone)]
pub struct LivyClient {
    ep: Endpoint,
    /// The Livy API root under the lakehouse.
    livy: String,
    lakehouse_id: String,
}

/// A DELETE answered 404 removed nothing because there was nothing left to remove: the
/// reference notes that clients accept it (sessions end by themselves after their idle timeout).
fn already_gone(result: Result<(), ApiError>) -> Result<(), ApiError> {
    match result {
        Err(e) if e.kind == ErrorKind::NotFound => {
            tracing::debug!("{e}: already gone");
            Ok(())
        }
        other => other,
    }
}

/// What a `$top/$skip` cursor holds.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Offset(usize);

impl LivyClient {
    /// Ids are GUIDs; anything that is not a valid path segment is refused.
    pub fn new(ep: Endpoint, workspace_id: &str, lakehouse_id: &str) -> Result<Self, ApiError> {
        let lakehouse_path =
            format!("/v1/workspaces/{}/lakehouses/{}", seg(workspace_id)?, seg(lakehouse_id)?);
        let livy = format!("{lakehouse_path}/livyapi/versions/{API_VERSION}");
        Ok(Self { ep, livy, lakehouse_id: lakehouse_id.to_string() })
    }

    pub fn lakehouse_id(&self) -> &str {
        &self.lakehouse_id
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.ep
    }

    // ---- sessions ----

    /// `POST /sessions` (202); `req` is a [`SessionRequest`] or a JSON body made from one. Never
    /// retried once it may have reached the service: a retried create is a second billed Spark
    /// session.
    pub async fn create_session<R: serde::Serialize + ?Sized>(
        &self,
        req: &R,
    ) -> Result<Fetched<SessionResponse>, ApiError> {
        self.ep.call(Method::POST, format!("{}/sessions", self.livy)).json(req).fetch().await
    }

    /// `GET /sessions`, page by page.
    pub fn sessions(&self) -> Pages<LivySparkActivity> {
        self.activities("sessions", decode_items)
    }

    /// As [`LivyClient::sessions`], the items left undecoded (`Fetched::decoded`).
    pub fn sessions_unread(&self) -> Pages<Unread> {
        self.activities("sessions", unread_items)
    }

    pub async fn session(&self, id: &str) -> Result<Fetched<SessionResponse>, ApiError> {
        self.ep.call(Method::GET, format!("{}/sessions/{}", self.livy, seg(id)?)).fetch().await
    }

    /// `DELETE /sessions/{id}`: stops the session. A 404 means it already ended (Fabric ends
    /// idle sessions by itself), which is what was asked.
    pub async fn delete_session(&self, id: &str) -> Result<(), ApiError> {
        already_gone(
            self.ep.call(Method::DELETE, format!("{}/sessions/{}", self.livy, seg(id)?)).execute().await,
        )
    }

    /// `POST /sessions/{id}/reset-timeout` (204): restarts the 20-minute idle clock.
    pub async fn reset_session_timeout(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("{}/sessions/{}/reset-timeout", self.livy, seg(id)?);
        self.ep.call(Method::POST, path).idempotent().execute().await
    }

    // ---- statements in a regular session ----

    /// `POST /sessions/{id}/statements`: not retried once sent (the code would run twice).
    pub async fn submit_statement(
        &self,
        session_id: &str,
        req: &StatementRequest,
    ) -> Result<Fetched<StatementResponse>, ApiError> {
        let path = format!("{}/sessions/{}/statements", self.livy, seg(session_id)?);
        self.ep.call(Method::POST, path).json(req).fetch().await
    }

    pub async fn statements(&self, session_id: &str) -> Result<Fetched<StatementsResponse>, ApiError> {
        self.ep
            .call(Method::GET, format!("{}/sessions/{}/statements", self.livy, seg(session_id)?))
            .fetch()
            .await
    }

    pub async fn statement(&self, session_id: &str, id: i64) -> Result<Fetched<StatementResponse>, ApiError> {
        let path = format!("{}/sessions/{}/statements/{id}", self.livy, seg(session_id)?);
        self.ep.call(Method::GET, path).fetch().await
    }

    pub async fn cancel_statement(
        &self,
        session_id: &str,
        id: i64,
    ) -> Result<Fetched<StatementCancellationResponse>, ApiError> {
        let path = format!("{}/sessions/{}/statements/{id}/cancel", self.livy, seg(session_id)?);
        self.ep.call(Method::POST, path).idempotent().fetch().await
    }

    // ---- batches ----

    /// `POST /batches` (202), never retried once sent.
    /// `req` is a [`BatchRequest`], or a JSON body made from one.
    pub async fn create_batch<R: serde::Serialize + ?Sized>(
        &self,
        req: &R,
    ) -> Result<Fetched<BatchResponse>, ApiError> {
        self.ep.call(Method::POST, format!("{}/batches", self.livy)).json(req).fetch().await
    }

    pub fn batches(&self) -> Pages<LivySparkActivity> {
        self.activities("batches", decode_items)
    }

    /// As [`LivyClient::batches`], the items left undecoded (`Fetched::decoded`).
    pub fn batches_unread(&self) -> Pages<Unread> {
        self.activities("batches", unread_items)
    }

    pub async fn batch(&self, id: &str) -> Result<Fetched<BatchResponse>, ApiError> {
        self.ep.call(Method::GET, format!("{}/batches/{}", self.livy, seg(id)?)).fetch().await
    }

    /// `DELETE /batches/{id}`: cancels the batch (a 404: it already ended).
    pub async fn delete_batch(&self, id: &str) -> Result<(), ApiError> {
        already_gone(
            self.ep.call(Method::DELETE, format!("{}/batches/{}", self.livy, seg(id)?)).execute().await,
        )
    }

    // ---- high-concurrency sessions ----

    /// `POST /highConcurrencySessions` (202). Not idempotent: each call is a new REPL, so it is
    /// never retried once sent.
    pub async fn acquire_hc_session(
        &self,
        req: &HighConcurrencySessionRequest,
    ) -> Result<Fetched<HighConcurrencySessionResponse>, ApiError> {
        self.ep.call(Method::POST, format!("{}/highConcurrencySessions", self.livy)).json(req).fetch().await
    }

    /// `GET /highConcurrencySessions/{id}` (the HC id, not the Livy session id).
    pub async fn hc_session(&self, id: &str) -> Result<Fetched<HighConcurrencySessionResponse>, ApiError> {
        self.ep.call(Method::GET, format!("{}/highConcurrencySessions/{}", self.livy, seg(id)?)).fetch().await
    }

    /// `DELETE /highConcurrencySessions/{id}`; deleting the last REPL ends the Livy session.
    pub async fn delete_hc_session(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("{}/highConcurrencySessions/{}", self.livy, seg(id)?);
        already_gone(self.ep.call(Method::DELETE, path).execute().await)
    }

    /// Statements of one REPL: these paths take the underlying Livy `sessionId` and the
    /// `replId` from the HC response, not the HC id.
    fn repl_statements(&self, session_id: &str, repl_id: &str) -> Result<String, ApiError> {
        Ok(format!(
            "{}/highConcurrencySessions/{}/repls/{}/statements",
            self.livy,
            seg(session_id)?,
            seg(repl_id)?
        ))
    }

    pub async fn submit_repl_statement(
        &self,
        session_id: &str,
        repl_id: &str,
        req: &StatementRequest,
    ) -> Result<Fetched<StatementResponse>, ApiError> {
        self.ep.call(Method::POST, self.repl_statements(session_id, repl_id)?).json(req).fetch().await
    }

    pub async fn repl_statements_list(
        &self,
        session_id: &str,
        repl_id: &str,
    ) -> Result<Fetched<StatementsResponse>, ApiError> {
        self.ep.call(Method::GET, self.repl_statements(session_id, repl_id)?).fetch().await
    }

    pub async fn repl_statement(
        &self,
        session_id: &str,
        repl_id: &str,
        id: i64,
    ) -> Result<Fetched<StatementResponse>, ApiError> {
        let path = format!("{}/{id}", self.repl_statements(session_id, repl_id)?);
        self.ep.call(Method::GET, path).fetch().await
    }

    pub async fn cancel_repl_statement(
        &self,
        session_id: &str,
        repl_id: &str,
        id: i64,
    ) -> Result<Fetched<StatementCancellationResponse>, ApiError> {
        let path = format!("{}/{id}/cancel", self.repl_statements(session_id, repl_id)?);
        self.ep.call(Method::POST, path).idempotent().fetch().await
    }

    /// `$top/$skip` paging over a `LivySparkActivityList`. The list ends when the reported total
    /// is reached, on an empty page, or (without a total) on a page shorter than the page size.
    /// `items` reads a page's items (decoded, or kept as they came).
    fn activities<T: Send + 'static>(&self, what: &str, items: ItemsOf<T>) -> Pages<T> {
        let ep = self.ep.clone();
        let path = format!("{}/{what}", self.livy);
        Pages::new("GET", path.clone(), Offset(0), move |Offset(skip)| {
            let (ep, path) = (ep.clone(), path.clone());
            async move {
                let mut body = ep
                    .call(Method::GET, path.as_str())
                    .query("$top", ACTIVITY_PAGE)
                    .query("$skip", skip)
                    .send_list("items")
                    .await?;
                let total = body.get("totalCountOfMatchedItems").and_then(Value::as_u64);
                // The service may cap a page below `$top` (it reports its `pageSize`): a short
                // page ends the list only when neither the total nor the page size say otherwise.
                let page_size = body.get("pageSize").and_then(Value::as_u64).filter(|n| *n > 0);
                let items = items("GET", &path, &mut body, "items")?;
                let seen = skip + items.len();
                let full = page_size.map_or(ACTIVITY_PAGE as u64, |p| p.min(ACTIVITY_PAGE as u64));
                let more = !items.is_empty()
                    && match total {
                        Some(t) => (seen as u64) < t,
                        None => items.len() as u64 >= full,
                    };
                Ok((Page { items, total }, more.then_some(Offset(seen))))
            }
        })
    }
}
