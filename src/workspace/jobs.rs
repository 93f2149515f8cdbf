//! Databricks jobs as rows with their recent runs (the Jobs pane, `sparkdeck jobs list`), and
//! what is done to a job: run it now (with parameters the way the job takes them), repair its
//! last failed run, cancel all its runs.
//!
//! Requests: one `jobs/list` page per 100 jobs, then one `runs/list?job_id=…&limit=N` per job
//! (at most [`PARALLEL`] at a time): a job's last runs are exact even when other jobs run far
//! more often, which a workspace-wide `runs/list` (25 a page) cannot promise.

use std::sync::Arc;

use futures::{StreamExt, TryStreamExt};

use super::actions::databricks;
use super::convert::run_row;
use super::{Error, Workspace};
use jiff::SignedDuration;

use crate::api::databricks::models::{Job, PauseStatus, RunNowRequest, RunTask};
use crate::api::{ApiError, Fetched};
use crate::domain::job::{RECENT_RUNS, RecentRun, RunParameters};
use crate::domain::timeline::{TaskSpan, Timeline};
use crate::domain::{Detail, Kind, Resource, Status};

/// `runs/list` requests in flight at once for one workspace's jobs.
const PARALLEL: usize = 4;

/// The jobs of a workspace (at most `limit`), each with its last [`RECENT_RUNS`] runs.
pub async fn rows(ws: &Workspace, limit: usize) -> Result<Vec<Resource>, Error> {
    rows_where(ws, &JobQuery { limit, ..JobQuery::default() }).await
}

/// Which jobs to list.
#[derive(Debug, Clone, Default)]
pub struct JobQuery {
    /// At most this many jobs (after `contains`).
    pub limit: usize,
    /// Only the job of exactly this name, any case (the service's own `name` filter).
    pub exact_name: Option<String>,
    /// Only jobs whose name holds this text, any case (the service has no such filter: pages
    /// are read until `limit` jobs match).
    pub contains: Option<String>,
}

impl JobQuery {
    fn keeps(&self, job: &Job) -> bool {
        let Some(part) = &self.contains else { return true };
        let name = job.settings.as_ref().and_then(|s| s.name.as_deref()).unwrap_or_default();
        name.to_lowercase().contains(&part.to_lowercase())
    }
}

/// The jobs `query` names, each with its last [`RECENT_RUNS`] runs: jobs are filtered before
/// their runs are read, so a narrow query costs a few `runs/list` requests, not one per job.
pub async fn rows_where(ws: &Workspace, query: &JobQuery) -> Result<Vec<Resource>, Error> {
    let d = databricks(ws)?;
    let jobs: Vec<Fetched<Job>> = d
        .jobs(query.exact_name.as_deref())
        .items()
        .try_filter(|job| std::future::ready(query.keeps(&job.value)))
        .take(query.limit)
        .try_collect()
        .await?;
    let with_runs = futures::stream::iter(jobs.into_iter().map(|job| async move {
        let runs = match job.value.job_id {
            Some(id) => d.recent_runs(id, RECENT_RUNS).await?,
            None => Vec::new(),
        };
        Ok::<_, ApiError>((job, runs))
    }))
    .buffered(PARALLEL)
    .try_collect::<Vec<_>>()
    .await?;
    Ok(with_runs.into_iter().map(|(job, runs)| job_row(&ws.name, &ws.base_url, job, runs)).collect())
}

/// One job and its runs (newest first) as a row: its state is its last run's.
pub fn job_row(
    workspace: &str,
    base_url: &str,
    job: Fetched<Job>,
    runs: Vec<Fetched<crate::api::databricks::models::Run>>,
) -> Resource {
    let Fetched { value: j, raw } = job;
    let settings = j.settings.unwrap_or_default();
    let job_id = j.job_id.unwrap_or_default();
    let runs: Vec<Resource> = runs.into_iter().map(|r| run_row(workspace, r)).collect();
    let recent: Vec<RecentRun> = runs
        .iter()
        .map(|r| RecentRun {
            run_id: r.id.clone(),
            status: r.status,
            state: r.state_label().into_owned(),
            started_at: r.started_at,
            ended_at: r.ended_at,
        })
        .collect();
    let last = runs.first();
    // The job's page: its last run's page without the run, else the workspace's jobs page.
    let url = last
        .and_then(|r| r.raw.get("run_page_url").and_then(|u| u.as_str()))
        .and_then(|u| u.rsplit_once("/run/").map(|(job, _)| job.to_string()))
        .or_else(|| {
            (!base_url.is_empty()).then(|| crate::api::databricks::pages::job(base_url, &job_id.to_string()))
        });
    let (schedule, paused) = schedule(&settings);
    let parameters = settings
        .parameters
        .iter()
        .filter_map(|p| Some((p.name.clone()?, p.default.clone().unwrap_or_default())))
        .collect();
    Resource {
        kind: Kind::Job,
        workspace: workspace.to_string(),
        id: job_id.to_string(),
        name: settings.name.clone().unwrap_or_default(),
        status: last.map_or(Status::Unknown, |r| r.status),
        raw_state: last.map_or_else(|| "no runs".into(), |r| r.state_label().into_owned()),
        owner: j.creator_user_name.clone(),
        started_at: last.and_then(|r| r.started_at),
        ended_at: last.and_then(|r| r.ended_at),
        state_message: last.and_then(|r| r.state_message.clone()),
        detail: Detail::Job { job_id, schedule, paused, parameters, recent, url },
        raw: Arc::new(raw),
    }
}

/// One job by id with its recent runs (an unknown id is the service's error: `NotFound`). Its
/// JSON is the whole `jobs/get` object: 2.2 pages arrays over 100 items (`tasks`,
/// `job_clusters`, `parameters`, `environments`), and the later pages are appended here.
pub async fn job(ws: &Workspace, job_id: i64) -> Result<Resource, Error> {
    let d = databricks(ws)?;
    let first = d.job(job_id).await?;
    let mut raw = first.raw.into_value();
    let mut token = first.value.next_page_token.clone().filter(|t| !t.is_empty());
    let mut pages = 1;
    while let Some(t) = token.take() {
        // A service that never stops paging is cut off rather than followed for ever.
        if pages >= MAX_JOB_PAGES {
            break;
        }
        let page = d.job_page(job_id, &t).await?;
        token = page.value.next_page_token.clone().filter(|next| !next.is_empty() && *next != t);
        append_arrays(&mut raw, &page.raw);
        pages += 1;
    }
    if let Some(map) = raw.as_object_mut() {
        map.remove("next_page_token");
        map.remove("has_more");
    }
    let value: Job = serde_json::from_value(raw.clone()).unwrap_or(first.value);
    let runs = d.recent_runs(job_id, RECENT_RUNS).await?;
    Ok(job_row(&ws.name, &ws.base_url, Fetched { value, raw: raw.into() }, runs))
}

/// Pages of one `jobs/get` read at most (100 array items each).
const MAX_JOB_PAGES: usize = 50;

/// A later `jobs/get` page's arrays appended to the first page's settings.
fn append_arrays(into: &mut serde_json::Value, page: &serde_json::Value) {
    use serde_json::Value;
    let Some(settings) = into.get_mut("settings").and_then(Value::as_object_mut) else { return };
    for key in ["tasks", "job_clusters", "parameters", "environments"] {
        let Some(Value::Array(more)) = page.get("settings").and_then(|s| s.get(key)) else { continue };
        match settings.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
            Value::Array(items) => items.extend(more.iter().cloned()),
            other => *other = Value::Array(more.clone()),
        }
    }
}

/// "0 0 2 * * ? UTC", "file arrival", "every 4 hours", "continuous"; and whether it is paused.
fn schedule(s: &crate::api::databricks::models::JobSettings) -> (Option<String>, bool) {
    let paused = |p: &Option<PauseStatus>| *p == Some(PauseStatus::Paused);
    if let Some(c) = &s.schedule {
        let cron = c.quartz_cron_expression.clone().unwrap_or_default();
        let text = match &c.timezone_id {
            Some(tz) => format!("{cron} {tz}"),
            None => cron,
        };
        return (Some(text), paused(&c.pause_status));
    }
    if let Some(t) = &s.trigger {
        let text = if t.file_arrival.is_some() {
            "file arrival".to_string()
        } else if t.table_update.is_some() || t.table.is_some() {
            "table update".to_string()
        } else if let Some(p) = &t.periodic {
            format!("every {} {}", p.interval.unwrap_or(1), p.unit.as_deref().unwrap_or("").to_lowercase())
        } else {
            "trigger".to_string()
        };
        return (Some(text), paused(&t.pause_status));
    }
    match &s.continuous {
        Some(c) => (Some("continuous".into()), paused(&c.pause_status)),
        None => (None, false),
    }
}

/// A run's tasks against its clock (`runs/get` tasks), for the Gantt chart of its details.
pub fn timeline(tasks: &[RunTask]) -> Timeline {
    let ms = |v: Option<i64>| SignedDuration::from_millis(v.unwrap_or(0).max(0));
    let at = |v: Option<i64>| v.filter(|t| *t > 0).and_then(|t| jiff::Timestamp::from_millisecond(t).ok());
    let tasks = tasks
        .iter()
        .map(|t| {
            let (life, result) = crate::workspace::convert::task_state(t);
            TaskSpan {
                key: t.task_key.clone().unwrap_or_else(|| "?".into()),
                run_id: t.run_id.map(|id| id.to_string()),
                status: Status::from_run(&life, result.as_deref()),
                state: match &result {
                    Some(r) if *r != life => format!("{life}/{r}"),
                    _ => life.clone(),
                },
                depends_on: t.depends_on.iter().filter_map(|d| d.task_key.clone()).collect(),
                start: at(t.start_time),
                end: at(t.end_time),
                queue: ms(t.queue_duration),
                setup: ms(t.setup_duration),
                execution: ms(t.execution_duration),
                cleanup: ms(t.cleanup_duration),
            }
        })
        .collect();
    Timeline { tasks }
}

/// Start job `job_id` now; the new run's id. Parameters go as the job takes them:
/// `job_parameters` when it declares parameters, else `notebook_params`.
pub async fn run_now(ws: &Workspace, job_id: i64, params: &RunParameters) -> Result<i64, Error> {
    let mut req = RunNowRequest { job_id, ..RunNowRequest::default() };
    match params {
        RunParameters::Job(p) => req.job_parameters = p.iter().cloned().collect(),
        RunParameters::Notebook(p) => req.notebook_params = p.iter().cloned().collect(),
    }
    let answer = databricks(ws)?.run_now(&req).await?;
    answer.value.run_id.ok_or_else(|| {
        Error::Api(ApiError::decode("POST", "/api/2.2/jobs/run-now", "the answer has no run_id"))
    })
}

/// Run the target job now with `pairs` (none: its defaults), as the job takes them; says which
/// run started. The user asked, so it goes out even while the workspace waits out a throttle.
pub async fn start(
    ws: &Workspace,
    t: &crate::domain::Target,
    pairs: Vec<(String, String)>,
) -> Result<String, Error> {
    crate::api::user_action(async {
        let job_id = super::actions::run_id(ws, &t.id)?;
        let params = if pairs.is_empty() {
            RunParameters::Job(pairs)
        } else {
            parameters_for(ws, job_id, pairs).await?
        };
        let run = run_now(ws, job_id, &params).await?;
        Ok(match params.pairs() {
            [] => format!("job {job_id} started run {run}"),
            _ => format!("job {job_id} started run {run} with {}", params.describe()),
        })
    })
    .await
}

/// `pairs` the way job `job_id` takes them, from its declared parameters (`jobs/get`).
pub async fn parameters_for(
    ws: &Workspace,
    job_id: i64,
    pairs: Vec<(String, String)>,
) -> Result<RunParameters, Error> {
    Ok(RunParameters::for_job(&declared(ws, job_id).await?, pairs))
}

/// The parameter names job `job_id` declares (`jobs/get`); an unknown job is the service's
/// error (`NotFound`).
pub async fn declared(ws: &Workspace, job_id: i64) -> Result<Vec<String>, Error> {
    let job = databricks(ws)?.job(job_id).await?.value;
    Ok(job.settings.unwrap_or_default().parameters.into_iter().filter_map(|p| p.name).collect())
}

/// The job's most recent run that ended without success (the one `R` repairs), if any of its
/// last runs did.
pub async fn last_failed_run(ws: &Workspace, job_id: i64) -> Result<Option<String>, Error> {
    let runs = databricks(ws)?.recent_runs(job_id, RECENT_RUNS).await?;
    Ok(runs
        .into_iter()
        .map(|r| run_row(&ws.name, r))
        .find(|r| r.status.is_terminal())
        .filter(|r| r.status != Status::Succeeded)
        .map(|r| r.id))
}

/// The job's newest run (what `l` on a job shows), if it has one.
pub async fn latest_run(ws: &Workspace, job_id: i64) -> Result<Option<String>, Error> {
    let runs = databricks(ws)?.recent_runs(job_id, 1).await?;
    Ok(runs.into_iter().next().map(|r| run_row(&ws.name, r).id))
}

/// The job's runs still going (what `C` cancels), newest first.
pub async fn active_runs(ws: &Workspace, job_id: i64) -> Result<Vec<Resource>, Error> {
    let d = databricks(ws)?;
    let filter =
        crate::api::databricks::RunFilter { job_id: Some(job_id), active_only: true, ..Default::default() };
    Ok(d.runs(&filter).collect(100).await?.into_iter().map(|r| run_row(&ws.name, r)).collect())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::wire::fetched;

    #[test]
    fn a_job_row_carries_its_last_runs_schedule_parameters_and_page() {
        let job = fetched(json!({"job_id": 11, "creator_user_name": "me@corp.com", "settings": {
            "name": "nightly", "schedule": {"quartz_cron_expression": "0 0 2 * * ?", "timezone_id": "UTC",
            "pause_status": "PAUSED"}, "parameters": [{"name": "env", "default": "prod"}, "junk"]}}));
        let runs = vec![
            fetched(
                json!({"run_id": 3, "job_id": 11, "run_page_url": "https://adb-1.1.azuredatabricks.net/?o=1#job/11/run/3",
                "state": {"life_cycle_state": "RUNNING"}, "start_time": 1_718_000_000_000i64}),
            ),
            fetched(
                json!({"run_id": 2, "job_id": 11, "state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED"},
                "start_time": 1_717_000_000_000i64, "end_time": 1_717_000_600_000i64}),
            ),
        ];
        let row = job_row("adb", "https://adb-1.1.azuredatabricks.net", job, runs);
        assert_eq!((row.kind, row.id.as_str(), row.name.as_str()), (Kind::Job, "11", "nightly"));
        assert_eq!((row.status, row.raw_state.as_str()), (Status::Busy, "RUNNING"));
        let Detail::Job { schedule, paused, parameters, recent, url, .. } = &row.detail else {
            panic!("not a job row: {:?}", row.detail)
        };
        assert_eq!((schedule.as_deref(), *paused), (Some("0 0 2 * * ? UTC"), true));
        assert_eq!(parameters, &[("env".to_string(), "prod".to_string())]);
        assert_eq!(
            recent.iter().map(|r| r.state.as_str()).collect::<Vec<_>>(),
            ["RUNNING", "TERMINATED/FAILED"]
        );
        assert_eq!(url.as_deref(), Some("https://adb-1.1.azuredatabricks.net/?o=1#job/11"));
    }

    #[test]
    fn a_job_without_runs_or_schedule_says_so() {
        let job = fetched(
            json!({"job_id": 5, "settings": {"name": "adhoc", "trigger": {"file_arrival": {"url": "abfss://x"}}}}),
        );
        let row = job_row("adb", "https://h/", job, Vec::new());
        assert_eq!((row.status, row.raw_state.as_str()), (Status::Unknown, "no runs"));
        let Detail::Job { schedule, url, recent, .. } = &row.detail else { panic!("not a job row") };
        assert_eq!(
            (schedule.as_deref(), url.as_deref(), recent.len()),
            (Some("file arrival"), Some("https://h/#job/5"), 0)
        );
        let manual = job_row("adb", "", fetched(json!({"job_id": 6, "settings": {}})), Vec::new());
        assert!(matches!(manual.detail, Detail::Job { schedule: None, url: None, .. }));
    }
}
