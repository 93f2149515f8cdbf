//! Realistic rows for the UI tests: API objects shaped like the services' responses (Fabric
//! LivySparkActivity items and batch bodies, Databricks clusters/list and runs/list entries),
//! decoded and turned into rows by the same `workspace::convert` functions the pollers use, at
//! fixed times.
//!
//! To drive the UI from the simulator instead, replace `poll_results` with messages built
//! from the simulator's list responses; everything else stays.

#![allow(dead_code)]

use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use serde_json::{Value, json};
use sparkdeck::api::Fetched;
use sparkdeck::app::{App, Msg, WorkspaceRef};
use sparkdeck::domain::Service;
use sparkdeck::domain::{Detail, Kind, Problem, Resource};
use sparkdeck::ui::{self, Theme};
use sparkdeck::workspace::convert::{activity_row, cluster_row, livy_row, run_row};

pub fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The fixed "now" of every test.
pub const NOW: &str = "2026-11-22T10:00:00Z";

fn ms(s: &str) -> i64 {
    ts(s).as_millisecond()
}

/// An API object written as JSON, decoded as the client decodes it.
fn fetched<T: serde::de::DeserializeOwned>(raw: Value) -> Fetched<T> {
    Fetched::decode("GET", "/fixture", raw).unwrap_or_else(|e| panic!("{e}"))
}

pub fn workspaces() -> Vec<WorkspaceRef> {
    vec![
        WorkspaceRef::new("fabric-prod", Service::Fabric),
        WorkspaceRef::new("fabric-dev", Service::Fabric),
        WorkspaceRef::new("adb-prod", Service::Databricks),
        WorkspaceRef::new("adb-dev", Service::Databricks),
    ]
}

/// An app with no data yet.
pub fn empty_app() -> App {
    App::new(workspaces(), ts(NOW), TimeZone::UTC)
}

/// An app that has received every poll result below.
pub fn loaded_app() -> App {
    let mut app = empty_app();
    for msg in poll_results() {
        app.update(msg);
    }
    app
}

fn livy(
    id: &str,
    name: &str,
    livy_state: &str,
    submitter: &str,
    started: Option<&str>,
    ended: Option<&str>,
) -> Value {
    let mut v = json!({
        "id": id,
        "name": name,
        "artifactId": "4b1c2d3e-0000-4000-8000-00000000a1b2",
        "workspaceId": "8f2e6a10-1111-4222-8333-444455556666",
        "submitterId": "0c7d9e3f-aaaa-4bbb-8ccc-ddddeeeeffff",
        "submitterName": submitter,
        "submittedAt": started.unwrap_or("2026-11-22T09:59:30Z"),
        "livyState": livy_state,
        "schedulerState": if ended.is_some() { "Ended" } else { "Scheduled" },
        "pluginState": if ended.is_some() { "Cleaned" } else { "Running" },
        "result": "Uncertain",
        "isJobTimedOut": false,
        "tags": {},
    });
    if let Some(s) = started {
        v["startedAt"] = json!(s);
        v["appId"] = json!(format!("application_1732{}_0001", &id[..4]));
    }
    if let Some(e) = ended {
        v["endedAt"] = json!(e);
    }
    v
}

fn session(
    id: &str,
    name: &str,
    state: &str,
    who: &str,
    started: Option<&str>,
    ended: Option<&str>,
) -> Resource {
    activity_row(
        Kind::Session,
        "fabric-prod",
        Some("sales_lakehouse"),
        fetched(livy(id, name, state, who, started, ended)),
    )
}

pub fn sessions() -> Vec<Resource> {
    let mut idle = session(
        "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "HC_sales_lakehouse_a3f1c2d4",
        "idle",
        "Ada Lovelace",
        Some("2026-11-22T09:41:12Z"),
        None,
    );
    if let Detail::Session { idle_timeout_at, .. } = &mut idle.detail {
        *idle_timeout_at = Some(ts("2026-11-22T10:12:30Z"));
    }
    let mut monitored = session(
        "5d6e7f80-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
        "Notebook 1",
        "busy",
        "Grace Hopper",
        Some("2026-11-22T09:58:01Z"),
        None,
    );
    if let Detail::Session { read_only, .. } = &mut monitored.detail {
        *read_only = true;
    }
    vec![
        idle,
        session(
            "b7e2d3c4-1a2b-4c3d-9e4f-5a6b7c8d9e0f",
            "etl-dev-session",
            "busy",
            "Alan Turing",
            Some("2026-11-22T09:52:40Z"),
            None,
        ),
        session(
            "c9d8e7f6-2b3c-4d5e-8f6a-7b8c9d0e1f2a",
            "pricing-exploration",
            "starting",
            "Ada Lovelace",
            None,
            None,
        ),
        monitored,
        session(
            "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b",
            "nightly-features",
            "dead",
            "svc-pipeline",
            Some("2026-11-22T02:00:05Z"),
            Some("2026-11-22T02:14:40Z"),
        ),
        session(
            "f0e1d2c3-b4a5-4968-8776-655443322110",
            "quick-check",
            "killed",
            "Grace Hopper",
            Some("2026-11-22T08:10:00Z"),
            Some("2026-11-22T08:31:07Z"),
        ),
    ]
}

fn batch(
    id: &str,
    name: &str,
    state: &str,
    file: &str,
    started: Option<&str>,
    ended: Option<&str>,
) -> Resource {
    // As `GET /batches/{id}` answers: list items carry no file, the full body does.
    let mut v = json!({
        "id": id,
        "name": name,
        "artifactId": "4b1c2d3e-0000-4000-8000-00000000a1b2",
        "jobType": "SparkBatch",
        "submitterId": "0c7d9e3f-aaaa-4bbb-8ccc-ddddeeeeffff",
        "submitterName": "svc-pipeline",
        "state": state,
        "result": "Uncertain",
        "tags": {},
        "livyInfo": {"jobCreationRequest": {"file": file, "className": null}},
        "schedulerInfo": {"submittedAt": started.unwrap_or("2026-11-22T09:59:30Z")},
    });
    if let Some(s) = started {
        v["livyInfo"]["startingAt"] = json!(s);
        v["appId"] = json!(format!("application_1732{}_0001", &id[..4]));
    }
    if let Some(e) = ended {
        v["schedulerInfo"]["endedAt"] = json!(e);
    }
    livy_row(Kind::Batch, "fabric-prod", Some("sales_lakehouse"), fetched(v))
}

pub fn batches() -> Vec<Resource> {
    vec![
        batch(
            "0a1b2c3d-4e5f-4061-8273-948576a6b7c8",
            "daily-sales-rollup",
            "running",
            "abfss://etl@onelake.dfs.fabric.microsoft.com/jobs/daily_sales_rollup.py",
            Some("2026-11-22T09:45:00Z"),
            None,
        ),
        batch(
            "1b2c3d4e-5f60-4172-8384-a5b6c7d8e9f0",
            "customer-dedupe",
            "success",
            "abfss://etl@onelake.dfs.fabric.microsoft.com/jobs/customer_dedupe.py",
            Some("2026-11-22T06:00:00Z"),
            Some("2026-11-22T06:27:42Z"),
        ),
        batch(
            "2c3d4e5f-6071-4283-9495-b6c7d8e9f0a1",
            "inventory-snapshot",
            "dead",
            "abfss://etl@onelake.dfs.fabric.microsoft.com/jobs/inventory_snapshot.jar",
            Some("2026-11-22T05:00:00Z"),
            Some("2026-11-22T05:03:12Z"),
        ),
        batch(
            "3d4e5f60-7182-4394-a5b6-c7d8e9f0a1b2",
            "web-events-compaction",
            "not_started",
            "abfss://etl@onelake.dfs.fabric.microsoft.com/jobs/compact.py",
            None,
            None,
        ),
    ]
}

fn cluster(
    id: &str,
    name: &str,
    state: &str,
    workers: Value,
    runtime: &str,
    start: &str,
    extra: Value,
) -> Resource {
    let mut v = json!({
        "cluster_id": id,
        "cluster_name": name,
        "state": state,
        "spark_version": runtime,
        "node_type_id": "Standard_DS3_v2",
        "driver_node_type_id": "Standard_DS3_v2",
        "creator_user_name": "ada@contoso.com",
        "cluster_source": "UI",
        "start_time": ms(start),
        "autotermination_minutes": 60,
        "spark_conf": {"spark.sql.shuffle.partitions": "64"},
    });
    if let (Some(map), Value::Object(w)) = (v.as_object_mut(), workers) {
        map.extend(w);
    }
    if let (Some(map), Value::Object(e)) = (v.as_object_mut(), extra) {
        map.extend(e);
    }
    cluster_row("adb-prod", fetched(v))
}

pub fn clusters() -> Vec<Resource> {
    vec![
        cluster(
            "1122-093015-abcd1234",
            "shared-analytics",
            "RUNNING",
            json!({"autoscale": {"min_workers": 2, "max_workers": 8}}),
            "15.4.x-scala2.12",
            "2026-11-22T07:30:15Z",
            json!({}),
        ),
        cluster(
            "1121-181200-efgh5678",
            "ml-gpu",
            "PENDING",
            json!({"num_workers": 4}),
            "15.4.x-gpu-ml-scala2.12",
            "2026-11-22T09:58:40Z",
            json!({"state_message": "Finding instances for new nodes"}),
        ),
        cluster(
            "1120-101010-ijkl9012",
            "etl-nightly",
            "TERMINATED",
            json!({"num_workers": 0}),
            "14.3.x-scala2.12",
            "2026-11-22T01:00:00Z",
            json!({"terminated_time": ms("2026-11-22T03:05:00Z"),
                   "termination_reason": {"code": "INACTIVITY", "type": "SUCCESS"}}),
        ),
        cluster(
            "1119-120000-mnop3456",
            "adhoc-bi",
            "TERMINATED",
            json!({"num_workers": 2}),
            "15.4.x-scala2.12",
            "2026-11-22T08:00:00Z",
            json!({"terminated_time": ms("2026-11-22T08:04:10Z"),
                   "termination_reason": {"code": "CLOUD_PROVIDER_LAUNCH_FAILURE", "type": "CLOUD_FAILURE"}}),
        ),
    ]
}

pub fn run(
    id: i64,
    name: &str,
    life: &str,
    result: Option<&str>,
    trigger: &str,
    start: &str,
    end: Option<&str>,
) -> Resource {
    let mut state = json!({"life_cycle_state": life, "state_message": ""});
    if let Some(r) = result {
        state["result_state"] = json!(r);
    }
    let mut v = json!({
        "job_id": 7000 + id,
        "run_id": id,
        "run_name": name,
        "creator_user_name": "svc-jobs@contoso.com",
        "state": state,
        "trigger": trigger,
        "start_time": ms(start),
        "end_time": end.map_or(0, ms),
        "run_type": "JOB_RUN",
        "tasks": [
            {"task_key": "ingest", "state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"}},
            {"task_key": "transform", "state": {"life_cycle_state": life}},
        ],
    });
    if result == Some("FAILED") {
        v["state"]["state_message"] =
            json!("Task transform failed with message: AnalysisException: Table not found");
        v["tasks"][1]["state"]["result_state"] = json!("FAILED");
    }
    run_row("adb-prod", fetched(v))
}

pub fn runs() -> Vec<Resource> {
    vec![
        run(884211, "hourly-aggregates", "RUNNING", None, "PERIODIC", "2026-11-22T09:55:02Z", None),
        run(
            884190,
            "nightly-etl",
            "TERMINATED",
            Some("SUCCESS"),
            "PERIODIC",
            "2026-11-22T02:00:00Z",
            Some("2026-11-22T02:41:17Z"),
        ),
        run(
            884150,
            "train-churn-model",
            "TERMINATED",
            Some("FAILED"),
            "ONE_TIME",
            "2026-11-22T08:12:00Z",
            Some("2026-11-22T08:19:33Z"),
        ),
        run(884222, "refresh-dashboards", "PENDING", None, "FILE_ARRIVAL", "2026-11-22T09:59:50Z", None),
        run(
            884100,
            "backfill-2025",
            "TERMINATED",
            Some("CANCELED"),
            "ONE_TIME",
            "2026-11-21T22:00:00Z",
            Some("2026-11-21T23:10:00Z"),
        ),
    ]
}

/// One message per workspace × kind, as the pollers would send them.
pub fn poll_results() -> Vec<Msg> {
    let at = ts("2026-11-22T09:59:58Z");
    let rows = |workspace: &str, kind, rows: Vec<Resource>| Msg::Rows {
        workspace: workspace.into(),
        kind,
        rows: rows.into(),
        fetched_at: at,
    };
    vec![
        rows("fabric-prod", Kind::Session, sessions()),
        rows("fabric-prod", Kind::Batch, batches()),
        rows("fabric-dev", Kind::Session, Vec::new()),
        rows("fabric-dev", Kind::Batch, Vec::new()),
        rows("adb-prod", Kind::Cluster, clusters()),
        rows("adb-prod", Kind::Run, runs()),
        rows("adb-dev", Kind::Run, Vec::new()),
        Msg::PollFailed {
            workspace: "adb-dev".into(),
            kind: Kind::Cluster,
            problem: Problem {
                status: Some("403 Forbidden".into()),
                code: Some("PERMISSION_DENIED".into()),
                message: "User does not have permission to list clusters".into(),
                request: Some("GET /api/2.1/clusters/list".into()),
                request_id: Some("9f1c2b7e-3d4a-4c5b-8e6f-7a8b9c0d1e2f".into()),
                fix: Some("grant CAN_ATTACH_TO or use a workspace admin identity".into()),
            },
            at,
        },
    ]
}

/// A drawn buffer as text, one line per row (what a user would read off the screen).
pub fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    (0..area.height)
        .map(|y| (0..area.width).map(|x| buffer[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The real renderer's frame of `app` at `w`×`h` (the app told its size first, as the event
/// loop does), on a test backend.
pub fn draw(app: &mut App, (w, h): (u16, u16)) -> Terminal<TestBackend> {
    app.update(Msg::Resize { width: w, height: h });
    let theme = Theme::dark();
    let mut terminal = match Terminal::new(TestBackend::new(w, h)) {
        Ok(t) => t,
        Err(e) => match e {},
    };
    if let Err(e) = terminal.draw(|f| ui::render(f, app, &theme)) {
        match e {}
    }
    terminal
}
