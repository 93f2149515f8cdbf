//! `App::update` driven message by message: no terminal, no clock, no I/O.

mod actions;
mod editor;
mod logs;
mod mouse;
mod overlays;
mod panes;
mod polls;
mod prompt;
mod watch;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::json;

use super::*;
use crate::domain::convert::{cluster_row, livy_row, run_row};
use crate::domain::{Kind, Resource, Status};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or(Timestamp::UNIX_EPOCH)
}

const T0: &str = "2026-11-22T10:00:00Z";

fn app() -> App {
    let mut app = App::new(
        vec![Workspace::new("fabric-prod", Service::Fabric), Workspace::new("adb-prod", Service::Databricks)],
        ts(T0),
        TimeZone::UTC,
    );
    app.update(Msg::Resize { width: 120, height: 30 });
    app
}

fn ms(s: &str) -> i64 {
    ts(s).as_millisecond()
}

fn run(id: i64, name: &str, life: &str, result: Option<&str>, start: &str) -> Resource {
    let mut state = json!({"life_cycle_state": life});
    if let Some(r) = result {
        state["result_state"] = json!(r);
    }
    run_row(
        "adb-prod",
        json!({"run_id": id, "job_id": 100 + id, "run_name": name, "state": state, "start_time": ms(start),
               "creator_user_name": "ada@contoso.com", "trigger": "PERIODIC"}),
    )
}

fn session(id: &str, name: &str, state: &str) -> Resource {
    livy_row(
        Kind::Session,
        "fabric-prod",
        Some("sales_lh"),
        json!({"id": id, "name": name, "state": state, "submitterName": "Grace", "startedAt": "2026-11-22T09:30:00Z"}),
    )
}

fn rows(app: &mut App, kind: Kind, workspace: &str, rows: Vec<Resource>, at: &str) {
    app.update(Msg::Rows { workspace: workspace.into(), kind, rows, fetched_at: ts(at) });
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
    app.view_state().rows.iter().filter_map(|r| app.entry(*r)).map(|e| e.res.name.clone()).collect()
}

fn selected_name(app: &App) -> Option<String> {
    app.selected().map(|e| e.res.name.clone())
}
