//! Rows from API objects: the typed models `api/` decoded (and repaired) go in, domain rows come
//! out. Every field may still be missing (sparse Fabric bodies, list items that carry less than a
//! get, new Databricks fields), and the raw object is handed on whole, unread, for the details
//! view and `-o json`.

use std::sync::Arc;

use jiff::Timestamp;

use crate::api::Fetched;
use crate::api::databricks::models::{ClusterDetails, Run, RunTask};
use crate::api::livy::models::{LivyInfo, LivyJob, LivySession, LivySparkActivity, SchedulerInfo};
use crate::domain::{Detail, IDLE_TIMEOUT, Kind, Resource, Status};

/// Text that says something: the services send `""` for "not set".
fn text(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

fn owned(s: Option<&str>) -> Option<String> {
    text(s).map(str::to_string)
}

/// The first of these RFC 3339 times that parses (list items and full bodies keep their times
/// in different places, and a time may be missing from any of them).
fn first_time(candidates: &[Option<&str>]) -> Option<Timestamp> {
    candidates.iter().flatten().find_map(|s| s.parse().ok())
}

/// Databricks timestamps are epoch milliseconds; 0 means "not yet".
fn millis(ms: Option<i64>) -> Option<Timestamp> {
    ms.filter(|ms| *ms > 0).and_then(|ms| Timestamp::from_millisecond(ms).ok())
}

/// What a Livy row is made of, from either body that describes a session or batch.
struct Livy<'a> {
    id: Option<&'a str>,
    name: Option<&'a str>,
    app_id: Option<&'a str>,
    owner: Option<&'a str>,
    /// `state` (full bodies), `livyState` (list items), `livyInfo.currentState` (bodies whose
    /// top level state is missing while starting): the reference says robust clients read all
    /// three.
    livy_state: Option<&'a str>,
    /// Fabric's acquisition state (full bodies only).
    fabric_state: Option<&'a str>,
    result: Option<&'a str>,
    scheduler_state: Option<&'a str>,
    started: Vec<Option<&'a str>>,
    ended: Vec<Option<&'a str>>,
    /// `livyInfo.idleAt`, for the idle-timeout countdown.
    idle_at: Option<&'a str>,
    /// A batch's main file, as submitted.
    file: Option<&'a str>,
}

/// A Livy session or batch from a `LivySparkActivityList` item (`GET /sessions`, `/batches`).
pub fn activity_row(
    kind: Kind,
    workspace: &str,
    lakehouse: Option<&str>,
    item: Fetched<LivySparkActivity>,
) -> Resource {
    let Fetched { value: a, raw } = item;
    let facts = Livy {
        id: a.id.as_deref(),
        name: a.name.as_deref(),
        app_id: a.app_id.as_deref(),
        owner: text(a.submitter_name.as_deref()).or(text(a.submitter_id.as_deref())),
        livy_state: text(a.livy_state.as_ref().map(|s| s.as_str())),
        fabric_state: None,
        result: a.result.as_ref().map(|r| r.as_str()),
        scheduler_state: a.scheduler_state.as_ref().map(|s| s.as_str()),
        started: vec![a.started_at.as_deref(), a.submitted_at.as_deref()],
        ended: vec![a.ended_at.as_deref()],
        idle_at: None,
        file: None,
    };
    livy_resource(kind, workspace, lakehouse, &facts, raw)
}

/// A Livy session or batch as `GET /sessions/{id}` or `/batches/{id}` answers (whose state lives
/// in `state` / `fabric*StateInfo`).
pub fn livy_row(kind: Kind, workspace: &str, lakehouse: Option<&str>, job: Fetched<LivyJob>) -> Resource {
    let Fetched { value: j, raw } = job;
    let (no_info, no_scheduler) = (LivyInfo::default(), SchedulerInfo::default());
    let info = j.livy_info.as_ref().unwrap_or(&no_info);
    let scheduler = j.scheduler_info.as_ref().unwrap_or(&no_scheduler);
    let facts = Livy {
        id: j.id.as_deref(),
        name: j.name.as_deref(),
        app_id: j.app_id.as_deref(),
        owner: text(j.submitter_name.as_deref()).or(text(j.submitter_id.as_deref())),
        livy_state: text(j.state.as_ref().map(|s| s.as_str()))
            .or_else(|| text(info.current_state.as_ref().map(|s| s.as_str()))),
        fabric_state: j.fabric_state_word(),
        result: j.result.as_ref().map(|r| r.as_str()),
        scheduler_state: None,
        started: vec![info.starting_at.as_deref(), scheduler.submitted_at.as_deref()],
        ended: vec![
            info.dead_at.as_deref(),
            info.killed_at.as_deref(),
            info.success_at.as_deref(),
            scheduler.ended_at.as_deref(),
        ],
        idle_at: info.idle_at.as_deref(),
        file: info.job_creation_request.as_ref().and_then(|r| r.file.as_deref()),
    };
    livy_resource(kind, workspace, lakehouse, &facts, raw)
}

fn livy_resource(
    kind: Kind,
    workspace: &str,
    lakehouse: Option<&str>,
    l: &Livy,
    raw: crate::raw_json::Raw,
) -> Resource {
    let result = text(l.result);
    let status = Status::from_livy_item(l.livy_state, l.fabric_state, result);
    let raw_state = l
        .livy_state
        .or(l.fabric_state)
        .or(result.filter(|r| *r != "Uncertain"))
        .or(text(l.scheduler_state))
        .unwrap_or("unknown")
        .to_string();
    let app_id = owned(l.app_id);
    let detail = match kind {
        Kind::Batch => Detail::Batch {
            file: l.file.map(str::to_string),
            lakehouse: lakehouse.map(str::to_string),
            app_id,
        },
        _ => Detail::Session {
            idle_timeout_at: idle_timeout_at(l.idle_at, status),
            high_concurrency: text(l.name).is_some_and(|n| n.starts_with("HC_")),
            read_only: false,
            lakehouse: lakehouse.map(str::to_string),
            app_id,
        },
    };
    Resource {
        kind,
        workspace: workspace.to_string(),
        id: owned(l.id).unwrap_or_default(),
        name: owned(l.name).unwrap_or_default(),
        status,
        raw_state,
        owner: l.owner.map(str::to_string),
        started_at: first_time(&l.started),
        ended_at: first_time(&l.ended).filter(|_| status.is_terminal()),
        state_message: None,
        detail,
        raw: Arc::new(raw),
    }
}

/// An idle session's end: its last `livyInfo.idleAt` plus the idle timeout.
fn idle_timeout_at(idle_at: Option<&str>, status: Status) -> Option<Timestamp> {
    if status != Status::Ready {
        return None;
    }
    let idle_at: Timestamp = idle_at?.parse().ok()?;
    idle_at.checked_add(IDLE_TIMEOUT).ok()
}

/// Whether a monitoring list item is a row of `kind` (a batch or a session).
pub fn monitoring_shows(kind: Kind, s: &LivySession) -> bool {
    let job_type = text(s.job_type.as_ref().map(|t| t.as_str())).unwrap_or_default();
    job_type.eq_ignore_ascii_case("SparkBatch") == (kind == Kind::Batch)
}

/// An item of the workspace monitoring list (`/spark/livySessions`): a Spark session or batch
/// started anywhere in the workspace (notebooks, Spark job definitions, pipelines). Read-only:
/// the Livy API cannot act on what it did not start. `None` when its `jobType` is not `kind`.
pub fn monitoring_row(kind: Kind, workspace: &str, item: Fetched<LivySession>) -> Option<Resource> {
    if !monitoring_shows(kind, &item.value) {
        return None;
    }
    let Fetched { value: s, raw } = item;
    let is_batch = kind == Kind::Batch;
    let raw_state = owned(s.state.as_ref().map(|s| s.as_str())).unwrap_or_else(|| "Unknown".into());
    let item_name = owned(s.item_name.as_deref());
    let app_id = owned(s.spark_application_id.as_deref());
    let detail = if is_batch {
        Detail::Batch { file: None, lakehouse: item_name.clone(), app_id }
    } else {
        Detail::Session {
            idle_timeout_at: None,
            high_concurrency: s.is_high_concurrency.unwrap_or(false),
            read_only: true,
            lakehouse: item_name.clone(),
            app_id,
        }
    };
    Some(Resource {
        kind,
        workspace: workspace.to_string(),
        id: owned(s.livy_id.as_deref()).unwrap_or_default(),
        name: owned(s.livy_name.as_deref()).or(item_name).unwrap_or_default(),
        status: Status::from_monitoring(&raw_state),
        raw_state,
        owner: s.submitter.as_ref().and_then(|p| p.id.clone()),
        started_at: first_time(&[s.start_date_time.as_deref(), s.submitted_date_time.as_deref()]),
        ended_at: first_time(&[s.end_date_time.as_deref()]),
        state_message: None,
        detail,
        raw: Arc::new(raw),
    })
}

/// A Databricks cluster from `clusters/list` or `clusters/get`.
pub fn cluster_row(workspace: &str, cluster: Fetched<ClusterDetails>) -> Resource {
    let Fetched { value: c, raw } = cluster;
    let state = owned(c.state.as_ref().map(|s| s.as_str())).unwrap_or_else(|| "UNKNOWN".into());
    let reason = c.termination_reason.as_ref();
    let termination_type = reason.and_then(|r| r.reason_type.as_ref()).map(|t| t.as_str());
    let status = Status::from_cluster(&state, termination_type);
    let raw_state = match reason.and_then(|r| r.code.as_ref()) {
        Some(code) if state == "TERMINATED" || state == "ERROR" => format!("{state} ({code})"),
        _ => state,
    };
    let autoscale = c.autoscale.as_ref();
    let workers =
        match (autoscale.and_then(|a| a.min_workers), autoscale.and_then(|a| a.max_workers), c.num_workers) {
            (Some(min), Some(max), _) => format!("{min}–{max}"),
            (_, _, Some(0)) => "single node".into(),
            (_, _, Some(n)) => n.to_string(),
            _ => String::new(),
        };
    Resource {
        kind: Kind::Cluster,
        workspace: workspace.to_string(),
        id: owned(c.cluster_id.as_deref()).unwrap_or_default(),
        name: owned(c.cluster_name.as_deref()).unwrap_or_default(),
        status,
        raw_state,
        owner: owned(c.creator_user_name.as_deref()),
        started_at: millis(c.start_time),
        ended_at: millis(c.terminated_time).filter(|_| status.is_terminal()),
        state_message: owned(c.state_message.as_deref()),
        detail: Detail::Cluster {
            workers,
            runtime: owned(c.spark_version.as_deref()),
            node_type: owned(c.node_type_id.as_deref()),
            source: owned(c.cluster_source.as_ref().map(|s| s.as_str())),
            pinned: c.is_pinned.unwrap_or(false),
        },
        raw: Arc::new(raw),
    }
}

/// One task of a run for reading: "ingest: TERMINATED / SUCCESS" (the legacy `state` when
/// present, else the newer `status` object).
pub fn task_line(t: &RunTask) -> String {
    let key = t.task_key.as_deref().unwrap_or("?");
    let (life, result) = task_state(t);
    let deps: Vec<&str> = t.depends_on.iter().filter_map(|d| d.task_key.as_deref()).collect();
    let line = match result {
        Some(result) => format!("{key}: {life} / {result}"),
        None => format!("{key}: {life}"),
    };
    if deps.is_empty() { line } else { format!("{line}  (after {})", deps.join(", ")) }
}

/// A task's life-cycle state and result (the legacy `state` when present, else the newer
/// `status` object and its termination code).
pub fn task_state(t: &RunTask) -> (String, Option<String>) {
    let (state, status) = (t.state.as_ref(), t.status.as_ref());
    let life = state
        .and_then(|s| s.life_cycle_state.as_ref().map(|l| l.as_str()))
        .or_else(|| status.and_then(|s| s.state.as_ref().map(|s| s.as_str())))
        .unwrap_or("?");
    let result = state.and_then(|s| s.result_state.as_ref().map(|r| r.as_str())).or_else(|| {
        status.and_then(|s| s.termination_details.as_ref()).and_then(|d| d.code.as_ref()).map(|c| c.as_str())
    });
    (life.to_string(), result.map(str::to_string))
}

/// A Databricks job run from `runs/list` or `runs/get`.
pub fn run_row(workspace: &str, run: Fetched<Run>) -> Resource {
    let Fetched { value: r, raw } = run;
    let (state, run_status) = (r.state.as_ref(), r.status.as_ref());
    // The legacy `state` first (every run still carries it); the newer `status` object when
    // `state` is missing or terminated without a result.
    let legacy = owned(state.and_then(|s| s.life_cycle_state.as_ref()).map(|l| l.as_str()));
    let mut result = owned(state.and_then(|s| s.result_state.as_ref()).map(|r| r.as_str()));
    let new_state = owned(run_status.and_then(|s| s.state.as_ref()).map(|s| s.as_str()));
    let mut status = Status::from_run(legacy.as_deref().unwrap_or("UNKNOWN"), result.as_deref());
    if status == Status::Unknown {
        let code = owned(
            run_status
                .and_then(|s| s.termination_details.as_ref())
                .and_then(|d| d.code.as_ref())
                .map(|c| c.as_str()),
        );
        if let Some(new) = new_state.as_deref().map(|s| Status::from_run_status(s, code.as_deref())) {
            status = new;
            result = result.or(code);
        }
    }
    let life = legacy.or(new_state).unwrap_or_else(|| "UNKNOWN".into());
    Resource {
        kind: Kind::Run,
        workspace: workspace.to_string(),
        id: r.run_id.map(|n| n.to_string()).unwrap_or_default(),
        name: owned(r.run_name.as_deref()).unwrap_or_default(),
        status,
        raw_state: life,
        owner: owned(r.creator_user_name.as_deref()),
        started_at: millis(r.start_time),
        ended_at: millis(r.end_time),
        state_message: owned(state.and_then(|s| s.state_message.as_deref())),
        detail: Detail::Run {
            job_id: r.job_id,
            job_name: owned(r.run_name.as_deref()),
            trigger: owned(r.trigger.as_ref().map(|t| t.as_str())),
            result,
            tasks: r.tasks.as_ref().map(|tasks| tasks.iter().map(task_line).collect()),
        },
        raw: Arc::new(raw),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::wire::fetched;

    #[test]
    fn sparse_fabric_bodies_still_make_rows() {
        let row = livy_row(
            Kind::Session,
            "ws",
            None,
            fetched(json!({"fabricSessionStateInfo": {"state": "queued"}})),
        );
        assert_eq!((row.status, row.raw_state.as_str()), (Status::Pending, "queued"));
        let row = activity_row(
            Kind::Session,
            "ws",
            None,
            fetched(json!({"id": "s1", "livyState": "idle", "submitterName": "Ada"})),
        );
        assert_eq!((row.status, row.owner.as_deref()), (Status::Ready, Some("Ada")));
    }

    #[test]
    fn idle_sessions_count_down_from_idle_at() {
        let row = livy_row(
            Kind::Session,
            "ws",
            None,
            fetched(json!({"id": "s", "state": "idle", "livyInfo": {"idleAt": "2026-01-01T10:00:00Z"}})),
        );
        let expected: Timestamp = "2026-01-01T10:20:00Z".parse().unwrap_or_default();
        assert!(matches!(row.detail, Detail::Session { idle_timeout_at: Some(t), .. } if t == expected));
        let busy = livy_row(
            Kind::Session,
            "ws",
            None,
            fetched(json!({"state": "busy", "livyInfo": {"idleAt": "2026-01-01T10:00:00Z"}})),
        );
        assert!(matches!(busy.detail, Detail::Session { idle_timeout_at: None, .. }));
    }

    #[test]
    fn monitoring_items_are_read_only_rows_of_their_job_type() {
        let item = json!({"livyId": "l1", "livyName": "nb", "state": "InProgress", "jobType": "SparkSession",
                          "itemName": "Notebook 1", "submitter": {"id": "u1", "type": "User"},
                          "submittedDateTime": "2026-01-01T10:00:00Z"});
        assert!(monitoring_row(Kind::Batch, "ws", fetched(item.clone())).is_none());
        let row =
            monitoring_row(Kind::Session, "ws", fetched(item)).unwrap_or_else(|| panic!("a session row"));
        assert_eq!((row.id.as_str(), row.status, row.owner.as_deref()), ("l1", Status::Busy, Some("u1")));
        assert!(matches!(row.detail, Detail::Session { read_only: true, .. }));
    }

    #[test]
    fn clusters_show_termination_codes_and_sizes() {
        let row = cluster_row(
            "w",
            fetched(
                json!({"cluster_id": "c", "state": "TERMINATED", "autoscale": {"min_workers": 2, "max_workers": 8},
                   "termination_reason": {"code": "INACTIVITY", "type": "SUCCESS"}, "start_time": 1_700_000_000_000i64}),
            ),
        );
        assert_eq!(row.raw_state, "TERMINATED (INACTIVITY)");
        assert_eq!(row.status, Status::Succeeded);
        assert!(matches!(row.detail, Detail::Cluster { ref workers, .. } if workers == "2–8"));
    }

    #[test]
    fn runs_keep_life_cycle_and_result() {
        let row = run_row(
            "w",
            fetched(
                json!({"run_id": 7, "run_name": "nightly", "state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED"}, "start_time": 0}),
            ),
        );
        assert_eq!((row.id.as_str(), row.status, row.started_at), ("7", Status::Failed, None));
    }

    #[test]
    fn runs_without_a_legacy_state_use_the_status_object_and_string_numbers() {
        let row = run_row(
            "w",
            fetched(json!({"run_id": "9", "job_id": "11", "start_time": "1700000000000",
                   "status": {"state": "TERMINATED", "termination_details": {"code": "USER_CANCELED", "type": "SUCCESS"}}})),
        );
        assert_eq!(
            (row.id.as_str(), row.status, row.raw_state.as_str()),
            ("9", Status::Cancelled, "TERMINATED")
        );
        assert!(row.started_at.is_some());
        assert!(
            matches!(row.detail, Detail::Run { job_id: Some(11), ref result, .. } if result.as_deref() == Some("USER_CANCELED"))
        );
        let waiting = run_row("w", fetched(json!({"run_id": 1, "status": {"state": "WAITING"}})));
        assert_eq!(waiting.status, Status::Pending);
    }

    #[test]
    fn livy_items_fall_back_to_current_state_result_and_livy_info_times() {
        let starting = livy_row(
            Kind::Session,
            "ws",
            None,
            fetched(
                json!({"id": "s", "livyInfo": {"currentState": "idle", "startingAt": "2026-01-01T10:00:00Z"}}),
            ),
        );
        assert_eq!((starting.status, starting.raw_state.as_str()), (Status::Ready, "idle"));
        assert!(starting.started_at.is_some());
        let ended = activity_row(
            Kind::Batch,
            "ws",
            None,
            fetched(json!({"id": "b", "result": "Failed", "schedulerState": "Ended"})),
        );
        assert_eq!((ended.status, ended.raw_state.as_str()), (Status::Failed, "Failed"));
        let rejected = livy_row(
            Kind::Session,
            "ws",
            None,
            fetched(
                json!({"id": "s", "state": "starting", "fabricSessionStateInfo": {"state": "error", "errorMessage": "capacity"}}),
            ),
        );
        assert_eq!(rejected.status, Status::Failed);
    }
}
