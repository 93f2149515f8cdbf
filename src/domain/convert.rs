//! Rows from API objects. Reads are tolerant: every field may be missing or of an unexpected
//! type (sparse Fabric bodies, new Databricks fields), and the raw object is kept whole.

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::Value;

use super::{Detail, Kind, Resource, Status};

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Fabric timestamps are RFC 3339 strings.
fn rfc3339(v: &Value, key: &str) -> Option<Timestamp> {
    v.get(key).and_then(Value::as_str).and_then(|s| s.parse().ok())
}

/// A Databricks number that some gateways send as a string (`"run_id": "123"`).
fn int(v: &Value, key: &str) -> Option<i64> {
    match v.get(key)? {
        Value::String(s) => s.trim().parse().ok(),
        n => n.as_i64(),
    }
}

/// Databricks timestamps are epoch milliseconds; 0 means "not yet".
fn millis(v: &Value, key: &str) -> Option<Timestamp> {
    int(v, key).filter(|ms| *ms > 0).and_then(|ms| Timestamp::from_millisecond(ms).ok())
}

/// A Livy session or batch from a `LivySparkActivityList` item (or a full SessionResponse /
/// BatchResponse, whose state lives in `state` / `fabric*StateInfo`).
pub fn livy_row(kind: Kind, workspace: &str, lakehouse: Option<&str>, item: Value) -> Resource {
    let fabric_state = item
        .pointer("/fabricSessionStateInfo/state")
        .or_else(|| item.pointer("/fabricBatchStateInfo/state"))
        .and_then(Value::as_str)
        .map(str::to_string);
    // `state` (full bodies), `livyState` (list items), `livyInfo.currentState` (bodies whose top
    // level state is missing while starting): the reference says robust clients read all three.
    let livy_state = text(&item, "state")
        .or_else(|| text(&item, "livyState"))
        .or_else(|| item.pointer("/livyInfo/currentState").and_then(Value::as_str).map(str::to_string))
        .filter(|s| !s.is_empty());
    let result = text(&item, "result");
    let status = Status::from_livy_item(livy_state.as_deref(), fabric_state.as_deref(), result.as_deref());
    let raw_state = livy_state
        .or(fabric_state)
        .or(result.filter(|r| r != "Uncertain"))
        .or_else(|| text(&item, "schedulerState"))
        .unwrap_or_else(|| "unknown".into());
    let app_id = text(&item, "appId");
    let detail = match kind {
        Kind::Batch => Detail::Batch {
            file: item
                .pointer("/livyInfo/jobCreationRequest/file")
                .and_then(Value::as_str)
                .map(str::to_string),
            lakehouse: lakehouse.map(str::to_string),
            app_id,
        },
        _ => Detail::Session {
            idle_timeout_at: idle_timeout_at(&item, status),
            high_concurrency: text(&item, "name").is_some_and(|n| n.starts_with("HC_")),
            read_only: false,
            lakehouse: lakehouse.map(str::to_string),
            app_id,
        },
    };
    Resource {
        kind,
        workspace: workspace.to_string(),
        id: text(&item, "id").unwrap_or_default(),
        name: text(&item, "name").unwrap_or_default(),
        status,
        raw_state,
        owner: text(&item, "submitterName").or_else(|| text(&item, "submitterId")),
        started_at: first_time(
            &item,
            &["/startedAt", "/livyInfo/startingAt", "/submittedAt", "/schedulerInfo/submittedAt"],
        ),
        ended_at: first_time(
            &item,
            &[
                "/endedAt",
                "/livyInfo/deadAt",
                "/livyInfo/killedAt",
                "/livyInfo/successAt",
                "/schedulerInfo/endedAt",
            ],
        )
        .filter(|_| status.is_terminal()),
        detail,
        raw: Arc::new(item),
    }
}

/// The first RFC 3339 time found at these JSON pointers (list items and full bodies keep their
/// times in different places).
fn first_time(item: &Value, pointers: &[&str]) -> Option<Timestamp> {
    pointers.iter().find_map(|p| item.pointer(p).and_then(Value::as_str).and_then(|s| s.parse().ok()))
}

/// Fabric ends a session after this long idle (the default; a session's own
/// `spark.livy.session.idle.timeout` is not visible in its body).
pub const IDLE_TIMEOUT: jiff::SignedDuration = jiff::SignedDuration::from_mins(20);

/// An idle session's end: its last `livyInfo.idleAt` plus the idle timeout.
fn idle_timeout_at(item: &Value, status: Status) -> Option<Timestamp> {
    if status != Status::Ready {
        return None;
    }
    let idle_at: Timestamp = item.pointer("/livyInfo/idleAt")?.as_str()?.parse().ok()?;
    idle_at.checked_add(IDLE_TIMEOUT).ok()
}

/// An item of the workspace monitoring list (`/spark/livySessions`): a Spark session or batch
/// started anywhere in the workspace (notebooks, Spark job definitions, pipelines). Read-only:
/// the Livy API cannot act on what it did not start. `None` when its `jobType` is not `kind`.
pub fn monitoring_row(kind: Kind, workspace: &str, item: Value) -> Option<Resource> {
    let job_type = text(&item, "jobType").unwrap_or_default();
    let is_batch = job_type.eq_ignore_ascii_case("SparkBatch");
    if is_batch != (kind == Kind::Batch) {
        return None;
    }
    let raw_state = text(&item, "state").unwrap_or_else(|| "Unknown".into());
    let item_name = text(&item, "itemName");
    let app_id = text(&item, "sparkApplicationId");
    let detail = if is_batch {
        Detail::Batch { file: None, lakehouse: item_name.clone(), app_id }
    } else {
        Detail::Session {
            idle_timeout_at: None,
            high_concurrency: item.get("isHighConcurrency").and_then(Value::as_bool).unwrap_or(false),
            read_only: true,
            lakehouse: item_name.clone(),
            app_id,
        }
    };
    Some(Resource {
        kind,
        workspace: workspace.to_string(),
        id: text(&item, "livyId").unwrap_or_default(),
        name: text(&item, "livyName").or(item_name).unwrap_or_default(),
        status: Status::from_monitoring(&raw_state),
        raw_state,
        owner: item.pointer("/submitter/id").and_then(Value::as_str).map(str::to_string),
        started_at: rfc3339(&item, "startDateTime").or_else(|| rfc3339(&item, "submittedDateTime")),
        ended_at: rfc3339(&item, "endDateTime"),
        detail,
        raw: Arc::new(item),
    })
}

/// A Databricks cluster from `clusters/list` or `clusters/get`.
pub fn cluster_row(workspace: &str, c: Value) -> Resource {
    let state = text(&c, "state").unwrap_or_else(|| "UNKNOWN".into());
    let termination_type = c.pointer("/termination_reason/type").and_then(Value::as_str);
    let status = Status::from_cluster(&state, termination_type);
    let raw_state = match c.pointer("/termination_reason/code").and_then(Value::as_str) {
        Some(code) if state == "TERMINATED" || state == "ERROR" => format!("{state} ({code})"),
        _ => state,
    };
    let workers = match (
        c.pointer("/autoscale/min_workers"),
        c.pointer("/autoscale/max_workers"),
        c.get("num_workers"),
    ) {
        (Some(min), Some(max), _) => format!("{min}–{max}"),
        (_, _, Some(Value::Number(n))) if n.as_u64() == Some(0) => "single node".into(),
        (_, _, Some(n)) => n.to_string(),
        _ => String::new(),
    };
    Resource {
        kind: Kind::Cluster,
        workspace: workspace.to_string(),
        id: text(&c, "cluster_id").unwrap_or_default(),
        name: text(&c, "cluster_name").unwrap_or_default(),
        status,
        raw_state,
        owner: text(&c, "creator_user_name"),
        started_at: millis(&c, "start_time"),
        ended_at: millis(&c, "terminated_time").filter(|_| status.is_terminal()),
        detail: Detail::Cluster {
            workers,
            runtime: text(&c, "spark_version"),
            node_type: text(&c, "node_type_id"),
            source: text(&c, "cluster_source"),
            pinned: c.get("is_pinned").and_then(Value::as_bool).unwrap_or(false),
        },
        raw: Arc::new(c),
    }
}

/// One task of a run for reading: "ingest: TERMINATED / SUCCESS" (the legacy `state` when
/// present, else the newer `status` object).
pub fn task_line(t: &Value) -> String {
    let at = |a: &str, b: &str| t.pointer(a).or_else(|| t.pointer(b)).and_then(Value::as_str);
    let key = t.get("task_key").and_then(Value::as_str).unwrap_or("?");
    let life = at("/state/life_cycle_state", "/status/state").unwrap_or("?");
    match at("/state/result_state", "/status/termination_details/code") {
        Some(result) => format!("{key}: {life} / {result}"),
        None => format!("{key}: {life}"),
    }
}

/// A Databricks job run from `runs/list` or `runs/get`.
pub fn run_row(workspace: &str, r: Value) -> Resource {
    let at = |p: &str| r.pointer(p).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
    // The legacy `state` first (every run still carries it); the newer `status` object when
    // `state` is missing or terminated without a result.
    let legacy = at("/state/life_cycle_state");
    let mut result = at("/state/result_state");
    let mut status = Status::from_run(legacy.as_deref().unwrap_or("UNKNOWN"), result.as_deref());
    if status == Status::Unknown {
        let code = at("/status/termination_details/code");
        if let Some(new) = at("/status/state").map(|s| Status::from_run_status(&s, code.as_deref())) {
            status = new;
            result = result.or(code);
        }
    }
    let life = legacy.or_else(|| at("/status/state")).unwrap_or_else(|| "UNKNOWN".into());
    let id = match r.get("run_id") {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.as_i64().map_or_else(|| v.to_string(), |n| n.to_string()),
        None => String::new(),
    };
    Resource {
        kind: Kind::Run,
        workspace: workspace.to_string(),
        id,
        name: text(&r, "run_name").unwrap_or_default(),
        status,
        raw_state: life,
        owner: text(&r, "creator_user_name"),
        started_at: millis(&r, "start_time"),
        ended_at: millis(&r, "end_time"),
        detail: Detail::Run {
            job_id: int(&r, "job_id"),
            job_name: text(&r, "run_name"),
            trigger: text(&r, "trigger"),
            result,
        },
        raw: Arc::new(r),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn sparse_fabric_bodies_still_make_rows() {
        let row = livy_row(Kind::Session, "ws", None, json!({"fabricSessionStateInfo": {"state": "queued"}}));
        assert_eq!((row.status, row.raw_state.as_str()), (Status::Pending, "queued"));
        let row = livy_row(
            Kind::Session,
            "ws",
            None,
            json!({"id": "s1", "livyState": "idle", "submitterName": "Ada"}),
        );
        assert_eq!((row.status, row.owner.as_deref()), (Status::Ready, Some("Ada")));
    }

    #[test]
    fn idle_sessions_count_down_from_idle_at() {
        let row = livy_row(
            Kind::Session,
            "ws",
            None,
            json!({"id": "s", "state": "idle", "livyInfo": {"idleAt": "2026-01-01T10:00:00Z"}}),
        );
        let expected: Timestamp = "2026-01-01T10:20:00Z".parse().unwrap_or_default();
        assert!(matches!(row.detail, Detail::Session { idle_timeout_at: Some(t), .. } if t == expected));
        let busy = livy_row(
            Kind::Session,
            "ws",
            None,
            json!({"state": "busy", "livyInfo": {"idleAt": "2026-01-01T10:00:00Z"}}),
        );
        assert!(matches!(busy.detail, Detail::Session { idle_timeout_at: None, .. }));
    }

    #[test]
    fn monitoring_items_are_read_only_rows_of_their_job_type() {
        let item = json!({"livyId": "l1", "livyName": "nb", "state": "InProgress", "jobType": "SparkSession",
                          "itemName": "Notebook 1", "submitter": {"id": "u1", "type": "User"},
                          "submittedDateTime": "2026-01-01T10:00:00Z"});
        assert!(monitoring_row(Kind::Batch, "ws", item.clone()).is_none());
        let row = monitoring_row(Kind::Session, "ws", item).unwrap_or_else(|| panic!("a session row"));
        assert_eq!((row.id.as_str(), row.status, row.owner.as_deref()), ("l1", Status::Busy, Some("u1")));
        assert!(matches!(row.detail, Detail::Session { read_only: true, .. }));
    }

    #[test]
    fn clusters_show_termination_codes_and_sizes() {
        let row = cluster_row(
            "w",
            json!({"cluster_id": "c", "state": "TERMINATED", "autoscale": {"min_workers": 2, "max_workers": 8},
                   "termination_reason": {"code": "INACTIVITY", "type": "SUCCESS"}, "start_time": 1_700_000_000_000i64}),
        );
        assert_eq!(row.raw_state, "TERMINATED (INACTIVITY)");
        assert_eq!(row.status, Status::Succeeded);
        assert!(matches!(row.detail, Detail::Cluster { ref workers, .. } if workers == "2–8"));
    }

    #[test]
    fn runs_keep_life_cycle_and_result() {
        let row = run_row(
            "w",
            json!({"run_id": 7, "run_name": "nightly", "state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED"}, "start_time": 0}),
        );
        assert_eq!((row.id.as_str(), row.status, row.started_at), ("7", Status::Failed, None));
    }

    #[test]
    fn runs_without_a_legacy_state_use_the_status_object_and_string_numbers() {
        let row = run_row(
            "w",
            json!({"run_id": "9", "job_id": "11", "start_time": "1700000000000",
                   "status": {"state": "TERMINATED", "termination_details": {"code": "USER_CANCELED", "type": "SUCCESS"}}}),
        );
        assert_eq!(
            (row.id.as_str(), row.status, row.raw_state.as_str()),
            ("9", Status::Cancelled, "TERMINATED")
        );
        assert!(row.started_at.is_some());
        assert!(
            matches!(row.detail, Detail::Run { job_id: Some(11), ref result, .. } if result.as_deref() == Some("USER_CANCELED"))
        );
        let waiting = run_row("w", json!({"run_id": 1, "status": {"state": "WAITING"}}));
        assert_eq!(waiting.status, Status::Pending);
    }

    #[test]
    fn livy_items_fall_back_to_current_state_result_and_livy_info_times() {
        let starting = livy_row(
            Kind::Session,
            "ws",
            None,
            json!({"id": "s", "livyInfo": {"currentState": "idle", "startingAt": "2026-01-01T10:00:00Z"}}),
        );
        assert_eq!((starting.status, starting.raw_state.as_str()), (Status::Ready, "idle"));
        assert!(starting.started_at.is_some());
        let ended = livy_row(
            Kind::Batch,
            "ws",
            None,
            json!({"id": "b", "result": "Failed", "schedulerState": "Ended"}),
        );
        assert_eq!((ended.status, ended.raw_state.as_str()), (Status::Failed, "Failed"));
        let rejected = livy_row(
            Kind::Session,
            "ws",
            None,
            json!({"id": "s", "state": "starting", "fabricSessionStateInfo": {"state": "error", "errorMessage": "capacity"}}),
        );
        assert_eq!(rejected.status, Status::Failed);
    }
}
