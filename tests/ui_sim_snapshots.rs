//! Snapshots of every pane, details and logs fed by real responses: the simulator (seeded, its
//! clock frozen at a fixed time) answers the same workspace queries the pollers make, and the
//! results go into the app as `Msg::Rows` / `Msg::Logs`, exactly as in production.

mod tui_support;

use std::net::SocketAddr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use sparkdeck::app::{self, App, Effect, Msg, Pane};
use sparkdeck::domain::{Kind, Target};
use sparkdeck::poll::ROW_LIMIT;
use sparkdeck::sim::{Sim, SimOptions};
use sparkdeck::workspace::rows::{self, Query};
use sparkdeck::workspace::{self, Workspace, logs};

const NOW: &str = "2026-11-22T10:00:00Z";
const WIDE: (u16, u16) = (150, 34);
const NARROW: (u16, u16) = (80, 24);

fn now() -> Timestamp {
    NOW.parse().unwrap_or(Timestamp::UNIX_EPOCH)
}

struct Fixture {
    _sim: Sim,
    workspaces: Vec<Workspace>,
    app: App,
}

/// The simulator at `NOW` (frozen), and an app that received one poll of every pane.
async fn fixture() -> Fixture {
    let opts = SimOptions { speed: 0.0, start_ms: Some(now().as_millisecond()), ..SimOptions::default() };
    let sim = Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await.unwrap_or_else(|e| panic!("{e}"));
    let http = sparkdeck::api::http::client().unwrap_or_else(|e| panic!("{e}"));
    let ctx = sparkdeck::auth::AuthContext::new(http.clone(), std::env::temp_dir());
    let workspaces = workspace::connect(&sparkdeck::cli::demo::demo_config(&sim), &http, &ctx);
    let names = workspaces.iter().map(|w| app::WorkspaceRef::new(w.name.clone(), w.service)).collect();
    let mut app = App::new(names, now(), TimeZone::UTC);
    for ws in &workspaces {
        for &kind in ws.service.kinds() {
            let listing =
                rows::list(ws, kind, Query { limit: ROW_LIMIT, active_only: false, ..Query::default() }, &[])
                    .await
                    .unwrap_or_else(|e| panic!("{}: {e}", ws.name));
            app.update(Msg::Rows {
                workspace: ws.name.clone(),
                kind,
                rows: listing.rows.into(),
                fetched_at: now(),
            });
        }
    }
    Fixture { _sim: sim, workspaces, app }
}

fn draw(app: &mut App, size: (u16, u16)) -> String {
    format!("{}", tui_support::draw(app, size).backend())
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_pane_from_the_simulator() {
    let mut f = fixture().await;
    for (pane, name) in [
        (Pane::Sessions, "sessions"),
        (Pane::Batches, "batches"),
        (Pane::Clusters, "clusters"),
        (Pane::Runs, "runs"),
        (Pane::All, "all"),
    ] {
        let mut app = f.app.clone().with_pane(pane);
        assert_snapshot!(format!("sim_{name}"), draw(&mut app, WIDE));
        assert_snapshot!(format!("sim_{name}_narrow"), draw(&mut app, NARROW));
    }
    // A filter narrows the clusters pane as the user types.
    let app = &mut f.app;
    press(app, KeyCode::Char('3'));
    press(app, KeyCode::Char('/'));
    keys(app, "etl");
    press(app, KeyCode::Enter);
    assert_snapshot!("sim_clusters_filtered", draw(app, WIDE));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn details_and_logs_of_a_failed_run() {
    let mut f = fixture().await;
    let app = &mut f.app;
    app.update(Msg::Resize { width: WIDE.0, height: WIDE.1 });
    press(app, KeyCode::Char('4'));
    press(app, KeyCode::Char('/'));
    keys(app, "failed");
    press(app, KeyCode::Enter);
    press(app, KeyCode::Enter);
    assert_snapshot!("sim_run_details", draw(app, WIDE));

    // `l` asks for the run's output; the runner's read goes back in as `Msg::Logs`.
    let effects = press(app, KeyCode::Char('l'));
    let Some(Effect::FollowLogs { target }) = effects.first().cloned() else { panic!("{effects:?}") };
    let ws = f.workspaces.iter().find(|w| w.name == target.workspace).unwrap_or_else(|| panic!("workspace"));
    let chunk = logs::fetch(ws, &target).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(chunk.error_at.is_some() && chunk.finished, "{chunk:?}");
    app.update(Msg::Logs {
        target,
        lines: chunk.lines,
        whole: chunk.whole,
        finished: chunk.finished,
        error_at: chunk.error_at,
        earlier: chunk.earlier,
    });
    assert_snapshot!("sim_run_logs_open_at_the_error", draw(app, WIDE));
    assert_snapshot!("sim_run_logs_narrow", draw(app, NARROW));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_of_a_cluster() {
    // (A batch's logs, through the log picker: tests/spark_logs.rs.)
    let mut f = fixture().await;
    let app = &mut f.app;
    app.update(Msg::Resize { width: WIDE.0, height: WIDE.1 });
    for (pane, filter, kind, name) in [('3', "TERMINATED", Kind::Cluster, "sim_cluster_events")] {
        press(app, KeyCode::Char(pane));
        press(app, KeyCode::Char('/'));
        keys(app, filter);
        press(app, KeyCode::Enter);
        let effects = press(app, KeyCode::Char('l'));
        let Some(Effect::FollowLogs { target }) = effects.first().cloned() else { panic!("{effects:?}") };
        assert_eq!(target.kind, kind, "{name}: the logs of the selected row");
        let ws = f.workspaces.iter().find(|w| w.name == target.workspace).unwrap_or_else(|| panic!("ws"));
        let chunk = logs::fetch(ws, &target).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(!chunk.lines.is_empty(), "{name}: no lines");
        app.update(Msg::Logs {
            target,
            lines: chunk.lines,
            whole: chunk.whole,
            finished: chunk.finished,
            error_at: chunk.error_at,
            earlier: chunk.earlier,
        });
        assert_snapshot!(name, draw(app, WIDE));
        // Closing the logs stops following them and polls the pane under them again.
        let closed = press(app, KeyCode::Esc);
        assert_eq!(closed.first(), Some(&Effect::StopLogs), "{closed:?}");
        assert!(matches!(closed[1..], [Effect::SetVisible { .. }]), "{closed:?}");
        press(app, KeyCode::Esc);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn details_show_related_items_once_read() {
    let mut f = fixture().await;
    let app = &mut f.app;
    app.update(Msg::Resize { width: WIDE.0, height: WIDE.1 });
    for (pane, filter, name) in [
        ('3', "etl-nightly", "sim_cluster_details_with_events"),
        ('1', "idle", "sim_session_details_with_statements"),
        ('4', "FAILED", "sim_run_details_with_tasks"),
    ] {
        press(app, KeyCode::Char(pane));
        press(app, KeyCode::Char('/'));
        keys(app, filter);
        press(app, KeyCode::Enter);
        let effects = press(app, KeyCode::Enter);
        let Some(Effect::LoadRelated { target }) = effects.first().cloned() else { panic!("{effects:?}") };
        let ws = f.workspaces.iter().find(|w| w.name == target.workspace).unwrap_or_else(|| panic!("ws"));
        let related = sparkdeck::workspace::related::fetch(ws, &target)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("{name}: nothing related"));
        app.update(Msg::Related { target, related: Ok(related) });
        assert_snapshot!(name, draw(app, WIDE));
        press(app, KeyCode::Esc);
        press(app, KeyCode::Esc);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_with_150_tasks_shows_them_all_read_page_by_page() {
    let f = fixture().await;
    let dbx = f._sim.shared().databricks().demo_workspaces(f._sim.base_url())[0].clone();
    let tasks: Vec<serde_json::Value> = (0..150)
        .map(|i| serde_json::json!({"task_key": format!("t{i:03}"), "notebook_task": {"notebook_path": "/nb"}}))
        .collect();
    let submitted: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/api/2.2/jobs/runs/submit", f._sim.base_url()))
        .bearer_auth(&dbx.pat)
        .json(&serde_json::json!({"run_name": "wide", "tasks": tasks}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let run_id = submitted["run_id"].to_string();
    let ws = f.workspaces.iter().find(|w| w.name == dbx.name).unwrap_or_else(|| panic!("ws"));
    let run = Target {
        workspace: dbx.name.clone(),
        kind: Kind::Run,
        id: run_id,
        name: "wide".into(),
        lakehouse: None,
    };
    let (heading, lines) = sparkdeck::workspace::related::fetch(ws, &run)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("tasks"));
    assert_eq!((heading.as_str(), lines.len()), ("Tasks (150)", 150));
    assert!(lines[0].starts_with("t000: ") && lines[149].starts_with("t149: "), "{lines:?}");
    assert_eq!(f._sim.shared().faults.count("GET", "/api/2.2/jobs/runs/get"), 2, "two pages of 100");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_jobs_pane_and_a_run_timeline() {
    let mut f = fixture().await;
    let mut jobs = f.app.clone().with_pane(Pane::Jobs);
    assert_snapshot!("sim_jobs", draw(&mut jobs, (160, 45)));
    assert_snapshot!("sim_jobs_narrow", draw(&mut jobs, NARROW));

    // The nightly ETL's running run: four tasks, two side by side, one after both.
    let app = &mut f.app;
    app.update(Msg::Resize { width: 160, height: 45 });
    press(app, KeyCode::Char('4'));
    press(app, KeyCode::Char('/'));
    keys(app, "nightly-sales-etl");
    press(app, KeyCode::Enter);
    let effects = press(app, KeyCode::Enter);
    let Some(Effect::LoadRelated { target }) = effects.first().cloned() else { panic!("{effects:?}") };
    let ws = f.workspaces.iter().find(|w| w.name == target.workspace).unwrap_or_else(|| panic!("ws"));
    let (heading, lines, timeline) =
        sparkdeck::workspace::related::run_tasks(ws, &target.id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(timeline.tasks.len(), 4);
    app.update(Msg::Timeline { target: target.clone(), timeline });
    app.update(Msg::Related { target, related: Ok((heading, lines)) });
    press(app, KeyCode::Char('j'));
    assert_snapshot!("sim_run_timeline", draw(app, (160, 45)));
    assert_snapshot!("sim_run_timeline_narrow", draw(app, NARROW));
}
