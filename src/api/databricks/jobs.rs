//! Jobs API 2.2: jobs, runs, outputs, cancel, repair.

use reqwest::Method;
use serde_json::json;

use super::models::*;
use super::{DatabricksClient, JOBS_PAGE_MAX, RUNS_PAGE_MAX, done, flag, id_body};
use crate::api::paging::Pages;
use crate::api::wire::{Unread, unread_items};
use crate::api::{ApiError, Fetched};

/// A token the Jobs API deduplicates creates by (64 characters at most).
pub fn idempotency_token() -> String {
    format!("sparkdeck-{}", uuid::Uuid::new_v4())
}

impl DatabricksClient {
    /// `jobs/list` (up to 100 per page), optionally by exact name (case-insensitive).
    pub fn jobs(&self, name: Option<&str>) -> Pages<Job> {
        let mut query = vec![("limit", JOBS_PAGE_MAX.to_string())];
        if let Some(n) = name {
            query.push(("name", n.to_string()));
        }
        self.token_pages("/api/2.2/jobs/list", "jobs", query)
    }

    /// `jobs/get`. 2.2 caps arrays at 100 items and sets `next_page_token`.
    pub async fn job(&self, job_id: i64) -> Result<Fetched<Job>, ApiError> {
        self.ep.call(Method::GET, "/api/2.2/jobs/get").query("job_id", job_id).fetch().await
    }

    /// The next page of a 2.2 job's arrays (`tasks`, `job_clusters`, ...), from its
    /// `next_page_token`.
    pub async fn job_page(&self, job_id: i64, page_token: &str) -> Result<Fetched<Job>, ApiError> {
        let call = self.ep.call(Method::GET, "/api/2.2/jobs/get").query("job_id", job_id);
        call.query("page_token", page_token).fetch().await
    }

    /// `jobs/run-now`: a create made safe to repeat by its `idempotency_token` (a fresh one
    /// when the caller sets none): after a 5xx or a lost answer it is sent again with the same
    /// token, and the service answers with the run it already started.
    pub async fn run_now(&self, req: &RunNowRequest) -> Result<Fetched<RunNowResponse>, ApiError> {
        let mut req = req.clone();
        req.idempotency_token.get_or_insert_with(idempotency_token);
        self.ep.call(Method::POST, "/api/2.2/jobs/run-now").json(&req).deduplicated().fetch().await
    }

    /// `jobs/runs/submit` with a [`SubmitRunRequest`] (or a JSON body made from one), with an
    /// `idempotency_token` as [`DatabricksClient::run_now`] (the caller's own, else a fresh one):
    /// the service answers a repeat with the run the first one started.
    pub async fn submit_run<R: serde::Serialize + ?Sized>(
        &self,
        req: &R,
    ) -> Result<Fetched<SubmitRunResponse>, ApiError> {
        let mut body = serde_json::to_value(req).map_err(|e| ApiError::invalid_input(e.to_string()))?;
        if let serde_json::Value::Object(map) = &mut body {
            let given = map
                .get("idempotency_token")
                .and_then(serde_json::Value::as_str)
                .is_some_and(|t| !t.is_empty());
            if !given {
                map.insert("idempotency_token".into(), idempotency_token().into());
            }
        }
        self.ep.call(Method::POST, "/api/2.2/jobs/runs/submit").json(&body).deduplicated().fetch().await
    }

    /// `jobs/runs/list`, newest first, 25 per page (the service maximum).
    pub fn runs(&self, filter: &RunFilter) -> Pages<Run> {
        self.token_pages(RUNS, "runs", runs_query(filter))
    }

    /// [`Self::runs`], each item left as its text until [`Fetched::decoded`].
    pub fn runs_unread(&self, filter: &RunFilter) -> Pages<Unread> {
        self.token_pages_as(RUNS, "runs", runs_query(filter), unread_items)
    }

    /// A job's most recent runs, newest first: one `runs/list?job_id=…&limit=N` (N ≤ 25).
    pub async fn recent_runs(&self, job_id: i64, limit: usize) -> Result<Vec<Fetched<Run>>, ApiError> {
        let limit = limit.clamp(1, RUNS_PAGE_MAX);
        let query = vec![("job_id", job_id.to_string()), ("limit", limit.to_string())];
        self.token_pages(RUNS, "runs", query).collect(limit).await
    }

    /// `jobs/runs/get`, with its tasks (2.2: the first 100; `page_token` for more).
    pub async fn run(&self, run_id: i64) -> Result<Fetched<Run>, ApiError> {
        self.ep.call(Method::GET, "/api/2.2/jobs/runs/get").query("run_id", run_id).fetch().await
    }

    /// The next page of a 2.2 run's arrays (`tasks`, ...), from its `next_page_token`.
    pub async fn run_page(&self, run_id: i64, page_token: &str) -> Result<Fetched<Run>, ApiError> {
        let call = self.ep.call(Method::GET, "/api/2.2/jobs/runs/get").query("run_id", run_id);
        call.query("page_token", page_token).fetch().await
    }

    /// `jobs/runs/get-output` of a task run (a single-task run's id also works).
    pub async fn run_output(&self, run_id: i64) -> Result<Fetched<RunOutput>, ApiError> {
        self.ep.call(Method::GET, "/api/2.2/jobs/runs/get-output").query("run_id", run_id).fetch().await
    }

    /// `jobs/runs/cancel` (asynchronous: the run goes TERMINATING, then CANCELED).
    pub async fn cancel_run(&self, run_id: i64) -> Result<(), ApiError> {
        let body = id_body("run_id", run_id);
        self.ep
            .call(Method::POST, "/api/2.2/jobs/runs/cancel")
            .json(&body)
            .idempotent()
            .send()
            .await
            .map(done)
    }

    /// `jobs/runs/cancel-all`: every active run of a job, or every queued run.
    pub async fn cancel_all_runs(&self, job_id: Option<i64>, all_queued_runs: bool) -> Result<(), ApiError> {
        let mut body = json!({});
        if let Some(job) = job_id {
            body["job_id"] = job.into();
        }
        if all_queued_runs {
            body["all_queued_runs"] = true.into();
        }
        self.ep
            .call(Method::POST, "/api/2.2/jobs/runs/cancel-all")
            .json(&body)
            .idempotent()
            .send()
            .await
            .map(done)
    }

    /// `jobs/runs/repair`: starts new task runs and has no idempotency token, so it is a create:
    /// never re-sent once it may have been carried out.
    pub async fn repair_run(&self, req: &RepairRunRequest) -> Result<Fetched<RepairRunResponse>, ApiError> {
        self.ep.call(Method::POST, "/api/2.2/jobs/runs/repair").json(req).fetch().await
    }

    /// `jobs/runs/delete` (refused while the run is active).
    pub async fn delete_run(&self, run_id: i64) -> Result<(), ApiError> {
        let body = id_body("run_id", run_id);
        self.ep
            .call(Method::POST, "/api/2.2/jobs/runs/delete")
            .json(&body)
            .idempotent()
            .send()
            .await
            .map(done)
    }
}

const RUNS: &str = "/api/2.2/jobs/runs/list";

/// The `runs/list` query for `filter`, 25 a page.
fn runs_query(filter: &RunFilter) -> Vec<(&'static str, String)> {
    let mut query = vec![("limit", RUNS_PAGE_MAX.to_string())];
    if filter.active_only {
        query.push(("active_only", flag(true)));
    }
    if filter.completed_only {
        query.push(("completed_only", flag(true)));
    }
    if filter.expand_tasks {
        query.push(("expand_tasks", flag(true)));
    }
    if let Some(job) = filter.job_id {
        query.push(("job_id", job.to_string()));
    }
    if let Some(t) = &filter.run_type {
        query.push(("run_type", t.to_string()));
    }
    if let Some(from) = filter.start_time_from {
        query.push(("start_time_from", from.to_string()));
    }
    if let Some(to) = filter.start_time_to {
        query.push(("start_time_to", to.to_string()));
    }
    query
}
