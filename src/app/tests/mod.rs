//! `App::update` driven message by message: no terminal, no clock, no I/O.

mod actions;
mod alerts;
mod clock;
mod editor;
mod editor_results;
mod editor_settings;
mod filters;
mod form_fields;
mod forms;
mod gantt;
mod history;
mod logs;
mod marks;
mod mouse;
mod open;
mod overlays;
mod panes;
mod polls;
mod prompt;
mod readonly;
mod search;
mod watch;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use super::*;
use crate::domain::{Detail, Kind, Resource, Status};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or(Timestamp::UNIX_EPOCH)
}

const T0: &str = "2026-11-22T10:00:00Z";

/// What the pollers hear while the editor or the logs view covers the pane: nothing is visible.
fn hidden() -> Effect {
    Effect::SetVisible { workspaces: vec![], kinds: vec![] }
}

fn app() -> App {
    let mut app = App::new(
        vec![
            WorkspaceRef::new("fabric-prod", Service::Fabric),
            WorkspaceRef::new("adb-prod", Service::Databricks),
        ],
        ts(T0),
        TimeZone::UTC,
    );
    app.update(Msg::Resize { width: 120, height: 30 });
    app
}

/// A row as the conversion makes it from the list item `raw`, built here from domain words so the
/// app's tests need no wire format (`raw` is only shown, by the details view).
fn row(
    kind: Kind,
    id: &str,
    name: &str,
    (status, state): (Status, &str),
    detail: Detail,
    raw: Value,
) -> Resource {
    let workspace = if Service::of(kind) == Service::Fabric { "fabric-prod" } else { "adb-prod" };
    Resource {
        kind,
        workspace: workspace.into(),
        id: id.into(),
        name: name.into(),
        status,
        raw_state: state.into(),
        owner: None,
        started_at: None,
        ended_at: None,
        state_message: None,
        detail,
        raw: std::sync::Arc::new(raw.into()),
    }
}

fn run(id: i64, name: &str, life: &str, result: Option<&str>, start: &str) -> Resource {
    let mut state = json!({"life_cycle_state": life});
    if let Some(r) = result {
        state["result_state"] = json!(r);
    }
    let raw = json!({"run_id": id, "job_id": 100 + id, "run_name": name, "state": state,
                     "start_time": ts(start).as_millisecond(), "creator_user_name": "ada@contoso.com",
                     "trigger": "PERIODIC"});
    let detail = Detail::Run {
        job_id: Some(100 + id),
        job_name: Some(name.into()),
        trigger: Some("PERIODIC".into()),
        result: result.map(str::to_string),
        tasks: None,
    };
    Resource {
        owner: Some("ada@contoso.com".into()),
        started_at: Some(ts(start)),
        ..row(Kind::Run, &id.to_string(), name, (Status::from_run(life, result), life), detail, raw)
    }
}

fn session(id: &str, name: &str, state: &str) -> Resource {
    let raw = json!({"id": id, "name": name, "livyState": state, "submitterName": "Grace",
                     "startedAt": "2026-11-22T09:30:00Z"});
    let detail = Detail::Session {
        idle_timeout_at: None,
        // As the conversion tells them apart: Fabric names high-concurrency sessions `HC_…`.
        high_concurrency: name.starts_with("HC_"),
        read_only: false,
        lakehouse: Some("sales_lh".into()),
        app_id: None,
    };
    Resource {
        owner: Some("Grace".into()),
        started_at: Some(ts("2026-11-22T09:30:00Z")),
        ..row(Kind::Session, id, name, (Status::from_livy(Some(state), None), state), detail, raw)
    }
}

/// A cluster of `adb-prod` in `state`, sized `workers` ("4", "2–8", "" when unknown).
fn cluster_row(id: &str, name: &str, state: &str, workers: &str) -> Resource {
    let raw = json!({"cluster_id": id, "cluster_name": name, "state": state});
    let detail = Detail::Cluster {
        workers: workers.into(),
        runtime: Some("15.4.x-scala2.12".into()),
        node_type: None,
        source: None,
        pinned: false,
    };
    row(Kind::Cluster, id, name, (Status::from_cluster(state, None), state), detail, raw)
}

fn rows(app: &mut App, kind: Kind, workspace: &str, rows: Vec<Resource>, at: &str) {
    app.update(Msg::Rows { workspace: workspace.into(), kind, rows: rows.into(), fetched_at: ts(at) });
}

fn runs_fixture(app: &mut App) {
    rows(
        app,
        Kind::Run,
        "adb-prod",
        vec![
            run(1, "nightly-etl", "TERMINATED", Some("SUCCESS"), "2026-11-22T02:00:00Z"),
            run(2, "hourly-agg", "RUNNING", None, "2026-11-22T09:55:00Z"),
            run(3, "ml-train", "TERMINATED", Some("FAILED"), "2026-11-22T08:00:00Z"),
            run(4, "adhoc-report", "PENDING", None, "2026-11-22T09:59:00Z"),
        ],
        T0,
    );
}

/// A poll of the runs in which only hourly-agg (id 2) is left.
fn only_hourly_agg(app: &mut App) {
    rows(app, Kind::Run, "adb-prod", vec![run(2, "hourly-agg", "RUNNING", None, "2026-11-22T09:55:00Z")], T0);
}

/// Run `id` of adb-prod as an action's target.
fn run_target(id: &str, name: &str) -> Target {
    Target {
        workspace: "adb-prod".into(),
        kind: Kind::Run,
        id: id.into(),
        name: name.into(),
        lakehouse: None,
    }
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| app.update(key(c))).collect()
}

fn names(app: &App) -> Vec<String> {
    app.pane_state().rows.iter().filter_map(|r| app.entry(*r)).map(|e| e.res.name.clone()).collect()
}

fn selected_name(app: &App) -> Option<String> {
    app.selected().map(|e| e.res.name.clone())
}

/// The plain lines of a details view or a sheet (related items, events).
fn texts(lines: &[DetailLine]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| match l {
            DetailLine::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}
