//! `App::update` driven message by message: no terminal, no clock, no I/O.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::json;

use super::*;
use crate::api::Fetched;
use crate::domain::{Kind, Resource, Status};
use crate::workspace::convert;

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

/// An API object written as JSON, decoded as the client decodes it.
fn fetched<T: serde::de::DeserializeOwned>(raw: serde_json::Value) -> Fetched<T> {
    Fetched::decode("GET", "/fixture", raw).unwrap_or_else(|e| panic!("{e}"))
}

/// A cluster row from a `clusters/list` item, as the pollers make it.
fn cluster_row(workspace: &str, raw: serde_json::Value) -> Resource {
    convert::cluster_row(workspace, fetched(raw))
}

/// A run row from a `runs/list` item.
fn run_row(workspace: &str, raw: serde_json::Value) -> Resource {
    convert::run_row(workspace, fetched(raw))
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
    convert::activity_row(
        Kind::Session,
        "fabric-prod",
        Some("sales_lh"),
        fetched(
            json!({"id": id, "name": name, "livyState": state, "submitterName": "Grace", "startedAt": "2026-11-22T09:30:00Z"}),
        ),
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

#[test]
fn start_announces_what_is_visible() {
    let app = app();
    assert_eq!(
        app.start(),
        vec![Effect::SetVisible { workspaces: vec!["fabric-prod".into()], kinds: vec![Kind::Session] }]
    );
}

#[test]
fn pane_switching_by_tab_number_and_command_emits_set_visible() {
    let mut app = app();
    assert_eq!(
        app.update(code(KeyCode::Tab)),
        vec![Effect::SetVisible { workspaces: vec!["fabric-prod".into()], kinds: vec![Kind::Batch] }]
    );
    assert_eq!(app.view(), View::Batches);
    assert_eq!(
        app.update(key('4')),
        vec![Effect::SetVisible { workspaces: vec!["adb-prod".into()], kinds: vec![Kind::Run] }]
    );
    app.update(Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)));
    assert_eq!(app.view(), View::Clusters);
    app.update(key(':'));
    type_text(&mut app, "all");
    let effects = app.update(code(KeyCode::Enter));
    assert_eq!(app.view(), View::All);
    assert_eq!(
        effects,
        vec![Effect::SetVisible {
            workspaces: vec!["fabric-prod".into(), "adb-prod".into()],
            kinds: Kind::ALL.to_vec()
        }]
    );
    // Same view again: nothing to tell the pollers.
    assert!(app.update(key('5')).is_empty());
}

#[test]
fn rows_are_sorted_by_recency_with_live_items_first() {
    let mut app = app().with_view(View::Runs);
    runs_fixture(&mut app);
    assert_eq!(names(&app), ["adhoc-report", "hourly-agg", "ml-train", "nightly-etl"]);
}

#[test]
fn navigation_moves_and_clamps_the_selection() {
    let mut app = app().with_view(View::Runs);
    runs_fixture(&mut app);
    assert_eq!(selected_name(&app).as_deref(), Some("adhoc-report"));
    app.update(key('j'));
    app.update(code(KeyCode::Down));
    assert_eq!(selected_name(&app).as_deref(), Some("ml-train"));
    app.update(key('G'));
    assert_eq!(selected_name(&app).as_deref(), Some("nightly-etl"));
    app.update(key('j'));
    assert_eq!(selected_name(&app).as_deref(), Some("nightly-etl"));
    app.update(key('g'));
    assert_eq!(selected_name(&app).as_deref(), Some("adhoc-report"));
    app.update(key('k'));
    assert_eq!(app.view_state().selected, 0);
    app.update(code(KeyCode::PageDown));
    assert_eq!(app.view_state().selected, 3);
    app.update(ctrl('u'));
    assert_eq!(app.view_state().selected, 0);
}

#[test]
fn paging_keeps_the_selection_on_screen() {
    let mut app = app().with_view(View::Runs);
    app.update(Msg::Resize { width: 100, height: 12 });
    let many: Vec<Resource> = (0..50)
        .map(|i| run(i, &format!("job-{i:02}"), "TERMINATED", Some("SUCCESS"), "2026-11-22T01:00:00Z"))
        .collect();
    rows(&mut app, Kind::Run, "adb-prod", many, T0);
    let height = usize::from(app.areas().rows.height);
    assert!(height > 1);
    app.update(code(KeyCode::PageDown));
    let vs = app.view_state();
    assert_eq!(vs.selected, height);
    assert!(vs.offset <= vs.selected && vs.selected < vs.offset + height);
    app.update(ctrl('d'));
    let vs = app.view_state();
    assert_eq!(vs.selected, height + height / 2);
    assert!(vs.selected < vs.offset + height);
    app.update(key('G'));
    assert_eq!(app.view_state().offset, 50 - height);
}

#[test]
fn substring_regex_and_inverted_filters() {
    let mut app = app().with_view(View::Runs);
    runs_fixture(&mut app);
    app.update(key('/'));
    type_text(&mut app, "ETL");
    assert_eq!(names(&app), ["nightly-etl"], "substring, case-insensitive, applied while typing");
    app.update(code(KeyCode::Enter));
    assert!(app.prompt().is_none());
    assert_eq!(app.view_state().filter.as_ref().map(|f| f.text.as_str()), Some("ETL"));

    app.update(key('/'));
    for _ in 0..3 {
        app.update(code(KeyCode::Backspace));
    }
    type_text(&mut app, "^(ml|hourly)-");
    assert_eq!(names(&app), ["hourly-agg", "ml-train"], "regex on metacharacters");
    app.update(code(KeyCode::Enter));

    app.update(key('/'));
    while app.prompt().is_some_and(|p| !p.text.is_empty()) {
        app.update(code(KeyCode::Backspace));
    }
    type_text(&mut app, "!failed");
    assert_eq!(
        names(&app),
        ["adhoc-report", "hourly-agg", "nightly-etl"],
        "inverted matches the unified state"
    );
    app.update(code(KeyCode::Enter));

    app.update(code(KeyCode::Esc));
    assert_eq!(names(&app).len(), 4, "esc in the pane clears the filter");
}

#[test]
fn invalid_forced_regex_keeps_the_previous_filter_and_says_why() {
    let mut app = app().with_view(View::Runs);
    runs_fixture(&mut app);
    app.update(key('/'));
    type_text(&mut app, "~ml(");
    assert!(app.prompt().and_then(|p| p.error.as_deref()).is_some_and(|e| e.starts_with("invalid regex")));
    assert_eq!(names(&app), ["ml-train"], "the last valid prefix `~ml` still applies");
    app.update(code(KeyCode::Esc));
    assert_eq!(names(&app).len(), 4, "esc on the filter line clears the filter");
}

#[test]
fn sort_cycles_columns_and_reverses() {
    let mut app = app().with_view(View::Runs);
    runs_fixture(&mut app);
    app.update(key('s'));
    assert_eq!(app.view_state().sort, SortKey::Name);
    assert_eq!(names(&app), ["adhoc-report", "hourly-agg", "ml-train", "nightly-etl"]);
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT)));
    assert_eq!(names(&app), ["nightly-etl", "ml-train", "hourly-agg", "adhoc-report"]);
    app.update(key('s'));
    assert_eq!(app.view_state().sort, SortKey::Status);
    // Reversed unified order: failed, succeeded, busy, pending.
    assert_eq!(names(&app), ["ml-train", "nightly-etl", "hourly-agg", "adhoc-report"]);
    for _ in 0..4 {
        app.update(key('s'));
    }
    assert_eq!(app.view_state().sort, SortKey::Recent, "cycles back");
}

#[test]
fn selection_follows_its_item_across_refreshes() {
    let mut app = app().with_view(View::Runs);
    runs_fixture(&mut app);
    app.update(key('G'));
    assert_eq!(selected_name(&app).as_deref(), Some("nightly-etl"));
    rows(
        &mut app,
        Kind::Run,
        "adb-prod",
        vec![
            run(5, "new-run", "RUNNING", None, "2026-11-22T10:00:01Z"),
            run(1, "nightly-etl", "TERMINATED", Some("SUCCESS"), "2026-11-22T02:00:00Z"),
        ],
        "2026-11-22T10:00:05Z",
    );
    assert_eq!(selected_name(&app).as_deref(), Some("nightly-etl"));
}

#[test]
fn command_mode_completes_commands_and_workspaces() {
    let mut app = app();
    app.update(key(':'));
    type_text(&mut app, "cl");
    app.update(code(KeyCode::Tab));
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some("clusters"));
    app.update(code(KeyCode::Esc));
    assert!(app.prompt().is_none());

    // A second Databricks workspace so the prefix is shared.
    rows(&mut app, Kind::Cluster, "adb-dev", Vec::new(), T0);
    app.update(key(':'));
    app.update(key('w'));
    app.update(code(KeyCode::Tab));
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some("ws "));
    type_text(&mut app, "adb");
    app.update(code(KeyCode::Tab));
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some("ws adb-"));
    assert_eq!(
        app.prompt().map(|p| p.candidates.clone()),
        Some(vec!["ws adb-prod".into(), "ws adb-dev".into()])
    );
    app.update(code(KeyCode::Tab));
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some("ws adb-prod"), "no progress: cycle");
    app.update(code(KeyCode::Tab));
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some("ws adb-dev"));
    let effects = app.update(code(KeyCode::Enter));
    assert_eq!(app.scope().map(|w| w.workspace.name.as_str()), Some("adb-dev"));
    assert_eq!(effects, vec![Effect::SetVisible { workspaces: vec![], kinds: vec![Kind::Session] }]);

    app.update(key(':'));
    type_text(&mut app, "ws");
    let effects = app.update(code(KeyCode::Enter));
    assert!(app.scope().is_none());
    assert_eq!(
        effects,
        vec![Effect::SetVisible { workspaces: vec!["fabric-prod".into()], kinds: vec![Kind::Session] }]
    );
}

#[test]
fn command_errors_and_quit() {
    let mut app = app();
    app.update(key(':'));
    type_text(&mut app, "ws nowhere");
    app.update(code(KeyCode::Enter));
    let msg = app.message().map(|m| (m.level, m.text.clone()));
    assert_eq!(
        msg,
        Some((Level::Error, "no workspace \"nowhere\" (configured: fabric-prod, adb-prod)".into()))
    );
    app.update(key(':'));
    type_text(&mut app, "bogus");
    app.update(code(KeyCode::Enter));
    assert!(app.message().is_some_and(|m| m.text.starts_with("unknown command :bogus")));
    app.update(key(':'));
    app.update(key('q'));
    assert_eq!(app.update(code(KeyCode::Enter)), vec![Effect::Quit]);
    assert_eq!(app.update(key('q')), vec![Effect::Quit]);
    assert_eq!(app.update(ctrl('c')), vec![Effect::Quit]);
}

#[test]
fn workspace_scope_narrows_every_view() {
    let mut app = app().with_view(View::All);
    runs_fixture(&mut app);
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-1", "notebook-a", "idle")], T0);
    assert_eq!(names(&app).len(), 5);
    app.update(key(':'));
    type_text(&mut app, "ws fabric-prod");
    app.update(code(KeyCode::Enter));
    assert_eq!(names(&app), ["notebook-a"]);
}

#[test]
fn new_rows_replace_the_previous_rows_of_that_workspace_and_kind_only() {
    let mut app = app().with_view(View::All);
    runs_fixture(&mut app);
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-1", "notebook-a", "idle")], T0);
    rows(
        &mut app,
        Kind::Run,
        "adb-prod",
        vec![run(9, "only-run", "RUNNING", None, T0)],
        "2026-11-22T10:00:03Z",
    );
    let mut got = names(&app);
    got.sort();
    assert_eq!(got, ["notebook-a", "only-run"]);
    let health = &app.workspaces()[1];
    assert_eq!(health.counts[Status::ALL.iter().position(|s| *s == Status::Busy).unwrap_or(0)], 1);
    assert_eq!(health.last_refresh(), Some(ts("2026-11-22T10:00:03Z")));
}

#[test]
fn a_state_change_flashes_for_two_seconds_and_keeps_the_clock_running() {
    let mut app = app().with_view(View::Runs);
    rows(
        &mut app,
        Kind::Run,
        "adb-prod",
        vec![run(1, "etl", "TERMINATED", Some("SUCCESS"), "2026-11-22T09:00:00Z")],
        T0,
    );
    assert!(!app.needs_clock(), "nothing live: no clock");
    let flashing = |app: &App| app.selected().is_some_and(|e| app.is_flashing(e));
    assert!(!flashing(&app), "first sight is not a change");
    rows(
        &mut app,
        Kind::Run,
        "adb-prod",
        vec![run(1, "etl", "TERMINATED", Some("SUCCESS"), "2026-11-22T09:00:00Z")],
        "2026-11-22T10:00:05Z",
    );
    assert!(!flashing(&app), "same state: no flash");
    rows(
        &mut app,
        Kind::Run,
        "adb-prod",
        vec![run(1, "etl", "TERMINATED", Some("FAILED"), "2026-11-22T09:00:00Z")],
        "2026-11-22T10:00:10Z",
    );
    assert!(flashing(&app));
    assert!(app.needs_clock(), "the clock runs until the flash is over");
    app.update(Msg::Tick(ts("2026-11-22T10:00:11Z")));
    assert!(flashing(&app));
    assert!(app.take_dirty());
    app.update(Msg::Tick(ts("2026-11-22T10:00:12Z")));
    assert!(!flashing(&app));
    assert!(!app.needs_clock());
    app.take_dirty();
    app.update(Msg::Tick(ts("2026-11-22T10:00:13Z")));
    assert!(!app.take_dirty(), "a tick with nothing time-dependent on screen does not redraw");
}

#[test]
fn live_rows_keep_the_clock_running() {
    let mut app = app().with_view(View::Runs);
    rows(&mut app, Kind::Run, "adb-prod", vec![run(2, "agg", "RUNNING", None, "2026-11-22T09:55:00Z")], T0);
    assert!(app.needs_clock());
    app.update(key('3'));
    assert!(!app.needs_clock(), "only the focused view counts");
}

#[test]
fn poll_errors_show_in_place_and_clear_on_success() {
    let mut app = app().with_view(View::Runs);
    app.update(Msg::PollFailed {
        workspace: "adb-prod".into(),
        kind: Kind::Run,
        error: "403 PERMISSION_DENIED".into(),
        hint: Some("ask for CAN VIEW on the jobs".into()),
    });
    let errors: Vec<(String, Kind, String)> = app
        .view_errors()
        .into_iter()
        .map(|(w, k, e)| (w.workspace.name.clone(), k, e.error.clone()))
        .collect();
    assert_eq!(errors, vec![("adb-prod".into(), Kind::Run, "403 PERMISSION_DENIED".into())]);
    app.update(key('1'));
    assert!(app.view_errors().is_empty(), "other panes are not affected");
    app.update(key('4'));
    runs_fixture(&mut app);
    assert!(app.view_errors().is_empty());
    assert_eq!(names(&app).len(), 4);
}

#[test]
fn throttling_is_shown_until_it_passes() {
    let mut app = app();
    app.update(Msg::Throttled { workspace: "adb-prod".into(), until: Some(ts("2026-11-22T10:00:20Z")) });
    assert!(app.needs_clock());
    app.update(Msg::Tick(ts("2026-11-22T10:00:21Z")));
    assert!(!app.needs_clock());
}

#[test]
fn confirmed_actions_emit_run_action_naming_the_target() {
    let mut app = app().with_view(View::Runs);
    runs_fixture(&mut app);
    app.update(key('j'));
    assert_eq!(selected_name(&app).as_deref(), Some("hourly-agg"));
    assert!(app.update(key('c')).is_empty());
    let target =
        Target { workspace: "adb-prod".into(), kind: Kind::Run, id: "2".into(), name: "hourly-agg".into() };
    assert_eq!(app.confirm(), Some(&Confirm { action: Action::CancelRun, target: target.clone() }));
    assert!(app.update(key('x')).is_empty(), "other keys do nothing while asking");
    assert!(app.update(key('j')).is_empty());
    assert_eq!(
        app.update(key('y')),
        vec![Effect::RunAction { action: Action::CancelRun, target: target.clone() }]
    );
    assert!(app.confirm().is_none());
    app.update(Msg::ActionFinished {
        action: Action::CancelRun,
        target,
        outcome: Err("409 INVALID_STATE".into()),
    });
    assert_eq!(
        app.message().map(|m| m.text.as_str()),
        Some("cancel run \"hourly-agg\" (id 2) in adb-prod failed: 409 INVALID_STATE")
    );
}

#[test]
fn declining_changes_nothing() {
    let mut app = app().with_view(View::Runs);
    runs_fixture(&mut app);
    app.update(key('c'));
    assert!(app.confirm().is_some());
    assert!(app.update(key('n')).is_empty());
    assert!(app.confirm().is_none());
    app.update(key('c'));
    assert!(app.update(code(KeyCode::Esc)).is_empty());
    assert!(app.confirm().is_none());
}

#[test]
fn cluster_keys_map_to_cluster_actions() {
    let mut app = app().with_view(View::Clusters);
    let cluster = cluster_row(
        "adb-prod",
        json!({"cluster_id": "0101-abc", "cluster_name": "shared", "state": "RUNNING", "num_workers": 4}),
    );
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster], T0);
    app.update(key('c'));
    assert!(app.confirm().is_none(), "c is not a cluster key");
    app.update(key('r'));
    assert_eq!(app.confirm().map(|c| c.action), Some(Action::RestartCluster));
    app.update(key('n'));
    app.update(key('u'));
    assert!(app.confirm().is_none());
    assert!(app.message().is_some_and(|m| m.text.contains("only a terminated cluster can be started")));
    app.update(key('t'));
    assert_eq!(app.confirm().map(|c| c.action), Some(Action::TerminateCluster));
    app.update(key('n'));
    // z: the new size, starting from the current one; then the usual confirmation.
    app.update(key('z'));
    assert_eq!(app.prompt().map(|p| (p.mode, p.text.as_str())), Some((PromptMode::Resize, "4")));
    app.update(code(KeyCode::Backspace));
    type_text(&mut app, "2-8");
    app.update(code(KeyCode::Enter));
    let resize = Action::ResizeCluster { min: 2, max: 8 };
    assert_eq!(app.confirm().map(|c| c.action), Some(resize));
    assert_eq!(resize.detail().as_deref(), Some("to 2–8 workers (autoscale)"));
    let effects = app.update(key('y'));
    assert!(matches!(&effects[..], [Effect::RunAction { action, .. }] if *action == resize));
    assert!(
        app.message().is_some_and(
            |m| m.text.contains("resize cluster \"shared\"") && m.text.contains("to 2–8 workers")
        )
    );
    // Nonsense is refused with the forms that work.
    app.update(key('z'));
    for _ in 0..3 {
        app.update(code(KeyCode::Backspace));
    }
    type_text(&mut app, "lots");
    app.update(code(KeyCode::Enter));
    assert!(app.confirm().is_none());
    assert!(app.message().is_some_and(|m| m.text.contains("not a size")));
    // Only a running cluster is resized.
    let stopped = cluster_row(
        "adb-prod",
        json!({"cluster_id": "0101-abc", "cluster_name": "shared", "state": "TERMINATED"}),
    );
    rows(&mut app, Kind::Cluster, "adb-prod", vec![stopped], T0);
    app.update(key('z'));
    assert!(app.prompt().is_none());
    assert!(app.message().is_some_and(|m| m.text.contains("only a running cluster can be resized")));
}

#[test]
fn read_only_rows_and_read_only_mode_refuse_actions() {
    let mut app = app();
    let mut monitored = session("m-1", "Notebook 1", "busy");
    if let crate::domain::Detail::Session { read_only, .. } = &mut monitored.detail {
        *read_only = true;
    }
    rows(&mut app, Kind::Session, "fabric-prod", vec![monitored, session("s-2", "livy-2", "idle")], T0);
    app.update(key('s'));
    assert_eq!(selected_name(&app).as_deref(), Some("Notebook 1"), "the selection follows its row");
    app.update(key('g'));
    assert_eq!(selected_name(&app).as_deref(), Some("livy-2"));
    app.update(key('c'));
    assert_eq!(app.confirm().map(|c| c.action), Some(Action::KillSession));
    app.update(key('n'));
    app.update(key('j'));
    assert_eq!(selected_name(&app).as_deref(), Some("Notebook 1"));
    assert!(app.update(key('c')).is_empty());
    assert!(app.confirm().is_none());
    assert!(app.message().is_some_and(|m| m.level == Level::Error && m.text.contains("is read-only")));

    let mut app = app.with_read_only(true);
    app.update(key('k'));
    assert_eq!(selected_name(&app).as_deref(), Some("livy-2"));
    app.update(key('c'));
    assert!(app.confirm().is_none());
    assert!(app.message().is_some_and(|m| m.text.contains("read_only = true")));
}

#[test]
fn finished_items_cannot_be_cancelled() {
    let mut app = app().with_view(View::Runs);
    runs_fixture(&mut app);
    app.update(key('G'));
    app.update(key('c'));
    assert!(app.confirm().is_none());
    assert!(app.message().is_some_and(|m| m.text.contains("already finished")));
}

#[test]
fn details_open_scroll_refresh_and_close() {
    let mut app = app().with_view(View::Runs);
    app.update(Msg::Resize { width: 100, height: 12 });
    runs_fixture(&mut app);
    app.update(code(KeyCode::Enter));
    let d = app.details().map(|d| (d.id.clone(), d.lines.len()));
    assert!(matches!(d, Some((ref id, n)) if id == "4" && n > 20));
    assert!(app.details().is_some_and(|d| d.lines.contains(&DetailLine::Heading("API object".into()))));
    assert_eq!(app.focus(), Scope::Details);
    app.update(key('j'));
    app.update(key('j'));
    assert_eq!(app.details().map(|d| d.scroll), Some(2));
    rows(
        &mut app,
        Kind::Run,
        "adb-prod",
        vec![run(4, "adhoc-report", "RUNNING", None, "2026-11-22T09:59:00Z")],
        "2026-11-22T10:00:02Z",
    );
    let state = app.details().and_then(|d| {
        d.lines.iter().find_map(|l| match l {
            DetailLine::Field { label: "State", value } => Some(value.clone()),
            _ => None,
        })
    });
    assert_eq!(state.as_deref(), Some("RUNNING (busy)"), "details follow refreshes");
    assert_eq!(app.details().map(|d| d.scroll), Some(2));
    app.update(code(KeyCode::Esc));
    assert!(app.details().is_none());
}

#[test]
fn help_lists_the_focused_scope_and_closes() {
    let mut app = app().with_view(View::Clusters);
    app.update(key('?'));
    assert_eq!(app.help().map(|h| h.scope), Some(Scope::Table));
    assert_eq!(app.focus(), Scope::Help);
    app.update(code(KeyCode::Esc));
    assert!(app.help().is_none());
}

#[test]
fn mouse_selects_rows_switches_tabs_and_scrolls() {
    let mut app = app().with_view(View::Runs);
    runs_fixture(&mut app);
    let areas = app.areas();
    let click = |x: u16, y: u16| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        })
    };
    app.update(click(10, areas.rows.y + 2));
    assert_eq!(selected_name(&app).as_deref(), Some("ml-train"));
    app.update(click(10, areas.rows.y + 20));
    assert_eq!(selected_name(&app).as_deref(), Some("ml-train"), "below the last row: no change");
    let wheel =
        |kind| Msg::Mouse(MouseEvent { kind, column: 10, row: areas.rows.y, modifiers: KeyModifiers::NONE });
    app.update(wheel(MouseEventKind::ScrollUp));
    assert_eq!(app.view_state().selected, 0);
    app.update(wheel(MouseEventKind::ScrollDown));
    assert_eq!(app.view_state().selected, 3);
    // The third tab label starts after the first two and their separators.
    let labels = app.tab_labels();
    let x = (labels[0].1.chars().count() + 1 + labels[1].1.chars().count() + 1 + 2) as u16;
    let effects = app.update(click(x, areas.tabs.y));
    assert_eq!(app.view(), View::Clusters);
    assert_eq!(
        effects,
        vec![Effect::SetVisible { workspaces: vec!["adb-prod".into()], kinds: vec![Kind::Cluster] }]
    );
}

#[test]
fn rows_for_an_unknown_workspace_add_it() {
    let mut app = app();
    rows(&mut app, Kind::Session, "fabric-dev", vec![session("s-9", "x", "idle")], T0);
    assert_eq!(app.workspaces().len(), 3);
    assert_eq!(names(&app), ["x"]);
}

#[test]
fn messages_clear_on_the_next_key() {
    let mut app = app().with_view(View::Runs);
    app.update(key('c'));
    assert!(app.message().is_some());
    app.take_dirty();
    app.update(key('z'));
    assert!(app.message().is_none());
    assert!(app.take_dirty(), "clearing the message redraws");
    app.update(key('z'));
    assert!(!app.take_dirty(), "an unbound key changes nothing");
}

#[test]
fn logs_open_follow_search_and_close() {
    let mut app = app();
    runs_fixture(&mut app);
    app.update(key('4'));
    let effects = app.update(key('l'));
    let target = match effects.as_slice() {
        [Effect::FollowLogs { target }] => target.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(app.focus(), Scope::Logs);
    let lines: Vec<String> = (0..60).map(|i| format!("line {i}")).collect();
    app.update(Msg::Logs { target: target.clone(), lines, whole: true, finished: false, error_at: None });
    let logs = app.logs().cloned().unwrap_or_else(|| panic!("logs open"));
    assert!(logs.follow && logs.scroll > 0, "follows the end: {}", logs.scroll);
    // Reads for another item (a previous view) are ignored.
    let other = Target { id: "other".into(), ..target.clone() };
    app.update(Msg::LogsFailed { target: other, error: "nope".into() });
    assert_eq!(app.logs().and_then(|l| l.error.clone()), None);
    // Scrolling up pauses following; `/` searches from the top of the view.
    app.update(key('g'));
    assert!(app.logs().is_some_and(|l| !l.follow && l.scroll == 0));
    app.update(key('/'));
    for c in "line 42".chars() {
        app.update(key(c));
    }
    app.update(code(KeyCode::Enter));
    assert_eq!(app.logs().map(|l| l.scroll), Some(42));
    assert_eq!(app.update(code(KeyCode::Esc)), vec![Effect::StopLogs]);
    assert!(app.logs().is_none());
}

#[test]
fn watched_runs_notify_once_when_they_end() {
    let mut app = app();
    runs_fixture(&mut app);
    app.update(key('4'));
    // Sorted by recency: the pending run first, then the running one.
    app.update(key('j'));
    assert_eq!(app.selected().map(|e| e.res.id.clone()), Some("2".into()));
    app.update(key('w'));
    assert!(app.is_watched(Kind::Run, "adb-prod", "2"));
    assert!(app.message().is_some_and(|m| m.text.contains("Watching run")));
    let mut ended = vec![
        run(1, "nightly-etl", "TERMINATED", Some("SUCCESS"), "2026-11-22T02:00:00Z"),
        run(2, "hourly-agg", "TERMINATED", Some("FAILED"), "2026-11-22T09:55:00Z"),
    ];
    let effects = app.update(Msg::Rows {
        workspace: "adb-prod".into(),
        kind: Kind::Run,
        rows: ended.clone(),
        fetched_at: ts("2026-11-22T10:01:00Z"),
    });
    assert!(
        matches!(effects.as_slice(), [Effect::Notify { body, .. }] if body.contains("hourly-agg") && body.contains("failed")),
        "{effects:?}"
    );
    assert!(!app.is_watched(Kind::Run, "adb-prod", "2"));
    ended.pop();
    let again = app.update(Msg::Rows {
        workspace: "adb-prod".into(),
        kind: Kind::Run,
        rows: ended,
        fetched_at: ts("2026-11-22T10:02:00Z"),
    });
    assert!(again.is_empty(), "notified once");
    // Finished items cannot be watched.
    app.update(key('g'));
    app.update(key('w'));
    assert!(app.message().is_some_and(|m| m.text.contains("already ended")));
}

// ---- the statement editor ---------------------------------------------------------------------

use crate::domain::statement::{Language, Output, Phase, Repl};
use crate::drafts::Draft;

fn repl(id: &str) -> Repl {
    Repl::Livy {
        workspace: "fabric-prod".into(),
        lakehouse: "sales_lh".into(),
        hc_id: format!("hc-{id}"),
        session_id: format!("s-{id}"),
        repl_id: format!("r-{id}"),
    }
}

fn alt(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::ALT))
}

/// The editor open on fabric-prod (from a high-concurrency session's row: a REPL of its own in
/// the same lakehouse), with `text` typed.
fn editing(text: &str) -> App {
    let mut app = app();
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s1", "HC_sales_lh_1", "idle")], T0);
    app.update(key('e'));
    type_text(&mut app, text);
    app
}

#[test]
fn the_editor_acquires_one_repl_on_the_first_run_and_sends_what_queued() {
    let mut app = editing("");
    assert!(app.is_editing());
    assert_eq!(app.focus(), Scope::Editor);
    // 'q' is text here, not quit; every change is saved.
    let effects = type_text(&mut app, "1 + 1q");
    assert_eq!(
        effects.last(),
        Some(&Effect::SaveDraft(Draft { language: Language::PySpark, text: "1 + 1q".into() }))
    );
    app.update(code(KeyCode::Backspace));
    let effects = app.update(code(KeyCode::F(5)));
    assert!(
        matches!(&effects[0], Effect::AppendHistory(h) if h.code == "1 + 1" && h.workspace == "fabric-prod")
    );
    assert_eq!(
        effects[1],
        Effect::AcquireRepl {
            attempt: 1,
            workspace: "fabric-prod".into(),
            place: Some("sales_lh".into()),
            language: Language::PySpark
        }
    );
    assert!(app.needs_clock(), "the wait is on screen");
    // The same statement again: no second REPL, no duplicate history entry.
    assert_eq!(app.update(code(KeyCode::F(5))), Vec::new());
    assert_eq!(app.editor().history.len(), 1);
    let effects = app.update(Msg::Repl { attempt: 1, result: Ok(repl("a")) });
    let seqs: Vec<u64> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::RunStatement { seq, repl: r, language: Language::PySpark, code }
                if *r == repl("a") && code == "1 + 1" =>
            {
                Some(*seq)
            }
            _ => None,
        })
        .collect();
    assert_eq!(seqs, [1, 2]);
    app.update(Msg::Statement { seq: 1, update: StatementUpdate::Accepted("0".into()) });
    app.update(Msg::Statement {
        seq: 1,
        update: StatementUpdate::Finished(Phase::Done, Some(Output::Text("2".into()))),
    });
    app.update(Msg::Statement { seq: 2, update: StatementUpdate::Accepted("1".into()) });
    app.update(Msg::Statement { seq: 2, update: StatementUpdate::Phase(Phase::Running) });
    assert_eq!(app.editor().runs[0].output, Some(Output::Text("2".into())));
    assert!(app.editor().runs[0].is_finished() && !app.editor().runs[1].is_finished());
    // A third run goes straight to the REPL it holds.
    let effects = app.update(code(KeyCode::F(5)));
    assert!(matches!(&effects[..], [Effect::RunStatement { seq: 3, .. }]), "{effects:?}");
    // Idle: Fabric ends the session 20 minutes after its last activity, counted on screen.
    app.update(Msg::Statement { seq: 2, update: StatementUpdate::Finished(Phase::Done, None) });
    app.update(Msg::Statement { seq: 3, update: StatementUpdate::Finished(Phase::Done, None) });
    assert_eq!(app.editor().idle_timeout_at(), Some(ts("2026-11-22T10:20:00Z")));
    assert!(app.needs_clock());
    // Leaving keeps everything; quitting hands the REPL to the caller to release.
    app.update(code(KeyCode::Esc));
    assert!(!app.is_editing() && app.editor().code() == "1 + 1");
    assert_eq!(app.editor().held_repl(), Some(&repl("a")));
}

#[test]
fn a_statement_refused_by_an_ended_repl_is_sent_again_in_a_new_one() {
    let mut app = editing("x = 1");
    app.update(code(KeyCode::F(5)));
    app.update(Msg::Repl { attempt: 1, result: Ok(repl("old")) });
    let effects = app.update(Msg::Statement {
        seq: 1,
        update: StatementUpdate::Failed { error: "404 session not found".into(), repl_gone: true },
    });
    assert_eq!(
        effects,
        [Effect::AcquireRepl {
            attempt: 2,
            workspace: "fabric-prod".into(),
            place: Some("sales_lh".into()),
            language: Language::PySpark
        }]
    );
    assert_eq!(app.editor().runs[0].state, RunState::Queued);
    // A late answer to the first acquisition is not taken: it is given back.
    let effects = app.update(Msg::Repl { attempt: 1, result: Ok(repl("stale")) });
    assert_eq!(effects, [Effect::ReleaseRepl { repl: repl("stale") }]);
    let effects = app.update(Msg::Repl { attempt: 2, result: Ok(repl("new")) });
    assert!(matches!(&effects[..], [Effect::RunStatement { seq: 1, repl: r, .. }] if *r == repl("new")));
    assert!(app.message().is_some_and(|m| m.text.contains("starts fresh")), "{:?}", app.message());
    // A statement that was accepted and then lost is reported, not re-run.
    app.update(Msg::Statement { seq: 1, update: StatementUpdate::Accepted("4".into()) });
    let effects = app.update(Msg::Statement {
        seq: 1,
        update: StatementUpdate::Failed { error: "GET … → 404".into(), repl_gone: false },
    });
    assert!(effects.is_empty());
    assert!(matches!(&app.editor().runs[0].state, RunState::Failed(e) if e.contains("404")));
    // An acquisition that fails fails what waited for it, and says why.
    let mut app = editing("x = 1");
    app.update(code(KeyCode::F(5)));
    app.update(Msg::Repl { attempt: 1, result: Err("capacity exceeded (430)".into()) });
    assert!(matches!(&app.editor().runs[0].state, RunState::Failed(e) if e.contains("capacity exceeded")));
    assert!(matches!(&app.editor().repl, ReplState::Failed(_)));
    assert!(!app.editor().is_busy(), "nothing left to wait for");
}

#[test]
fn language_history_and_cancel_keys() {
    let mut app = editing("SELECT 1");
    let effects = app.update(code(KeyCode::F(2)));
    assert_eq!(effects, [Effect::SaveDraft(Draft { language: Language::Scala, text: "SELECT 1".into() })]);
    app.update(code(KeyCode::F(2)));
    assert_eq!(app.editor().language, Language::Sql);
    app.update(code(KeyCode::F(5)));
    app.update(Msg::Repl { attempt: 1, result: Ok(repl("a")) });
    // F8 before the service took it: nothing to cancel yet.
    assert_eq!(app.update(code(KeyCode::F(8))), Vec::new());
    app.update(Msg::Statement { seq: 1, update: StatementUpdate::Accepted("7".into()) });
    assert_eq!(
        app.update(code(KeyCode::F(8))),
        [Effect::CancelStatement { seq: 1, repl: repl("a"), statement_id: "7".into() }]
    );
    // History: alt-↑ recalls (with its language), alt-↓ past the newest restores the draft.
    type_text(&mut app, " + 1");
    app.update(code(KeyCode::F(2)));
    assert_eq!(app.editor().language, Language::R);
    app.update(alt(KeyCode::Up));
    assert_eq!((app.editor().code(), app.editor().language), ("SELECT 1".into(), Language::Sql));
    assert_eq!(app.editor().history_position(), Some((1, 1)));
    app.update(alt(KeyCode::Down));
    assert_eq!(app.editor().code(), "SELECT 1 + 1");
    // ctrl-c still quits from the editor.
    assert_eq!(app.update(ctrl('c')), [Effect::Quit]);
}

#[test]
fn the_editor_opens_on_a_fabric_workspace_or_a_selected_cluster() {
    let mut dbx = App::new(vec![Workspace::new("adb", Service::Databricks)], ts(T0), TimeZone::UTC);
    dbx.update(key('e'));
    assert!(!dbx.is_editing());
    assert!(dbx.message().is_some_and(|m| m.text.contains("select a cluster")), "{:?}", dbx.message());
    // From a cluster row: an execution context on that cluster.
    let mut app = app();
    let cluster = cluster_row(
        "adb-prod",
        json!({"cluster_id": "0101-abc", "cluster_name": "etl", "state": "RUNNING", "spark_version": "15.4.x-scala2.12"}),
    );
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster], T0);
    app.update(key('3'));
    app.update(key('e'));
    assert!(app.is_editing() && app.editor().on_cluster);
    assert_eq!(app.editor().place_label.as_deref(), Some("cluster etl"));
    type_text(&mut app, "spark.range(3).count()");
    let effects = app.update(code(KeyCode::F(5)));
    assert_eq!(
        effects.last(),
        Some(&Effect::AcquireRepl {
            attempt: 1,
            workspace: "adb-prod".into(),
            place: Some("0101-abc".into()),
            language: Language::PySpark
        })
    );
    // A Databricks workspace by name, without a cluster, is refused with the way to pick one.
    let mut app = self::app();
    app.update(key(':'));
    type_text(&mut app, "editor adb-prod");
    app.update(code(KeyCode::Enter));
    assert!(!app.is_editing());
    assert!(app.message().is_some_and(|m| m.text.contains("select one of its running clusters")));
    app.update(key(':'));
    type_text(&mut app, "editor nope");
    app.update(code(KeyCode::Enter));
    assert!(app.message().is_some_and(|m| m.text.contains("no workspace \"nope\"")));
    app.update(key(':'));
    type_text(&mut app, "editor FABRIC-PROD");
    app.update(code(KeyCode::Enter));
    assert!(app.is_editing());
    assert_eq!(app.editor().workspace.as_deref(), Some("fabric-prod"));
    assert_eq!(app.update(code(KeyCode::F(5))), Vec::new(), "nothing to run in an empty editor");
    assert!(app.message().is_some_and(|m| m.text.contains("Nothing to run")));
}

#[test]
fn a_selection_runs_alone_and_read_only_runs_nothing() {
    let mut app = editing("a = 1\nb = 2\nc = 3");
    // Select "b = 2" and the "c" of the last line: shift-↑ from the end of "c = 3", then to its head.
    let shift = |code| Msg::Key(KeyEvent::new(code, KeyModifiers::SHIFT));
    app.update(code(KeyCode::Up));
    app.update(code(KeyCode::Home));
    app.update(shift(KeyCode::Down));
    app.update(shift(KeyCode::Right));
    assert_eq!(app.editor().code_to_run(), "b = 2\nc");
    let effects = app.update(code(KeyCode::F(5)));
    assert!(matches!(&effects[0], Effect::AppendHistory(h) if h.code == "b = 2\nc"), "{effects:?}");
    assert_eq!(app.editor().code(), "a = 1\nb = 2\nc = 3", "the text stays as it was");

    let mut app = editing("a = 1");
    app = app.with_read_only(true);
    assert!(app.update(code(KeyCode::F(5))).is_empty());
    assert!(app.message().is_some_and(|m| m.text.contains("read-only")));
    assert!(app.editor().runs.is_empty());
}

#[test]
fn a_live_session_chosen_in_the_pane_is_attached_to_and_never_released() {
    let mut app = app();
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-live", "etl", "idle")], T0);
    app.update(key('e'));
    assert_eq!(app.editor().attached.as_deref(), Some("s-live"));
    assert_eq!(app.editor().place_label.as_deref(), Some("sales_lh · session etl"));
    let attached = Repl::LivySession {
        workspace: "fabric-prod".into(),
        lakehouse: "sales_lh".into(),
        session_id: "s-live".into(),
    };
    assert_eq!(app.editor().held_repl(), Some(&attached));
    type_text(&mut app, "1 + 1");
    let effects = app.update(code(KeyCode::F(5)));
    assert!(
        matches!(&effects[..], [Effect::AppendHistory(_), Effect::RunStatement { seq: 1, repl, .. }] if *repl == attached),
        "straight to the session: {effects:?}"
    );
    assert!(!attached.is_owned(), "quitting leaves the user's session running");
    // Moving to another place does not release it either.
    app.update(code(KeyCode::Esc));
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-hc", "HC_sales_lh_2", "idle")], T0);
    let effects = app.update(key('e'));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(app.editor().repl, ReplState::None);
    // A finished session is not attached to: a REPL of sparkdeck's own in its lakehouse instead.
    let mut app = self::app();
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-dead", "etl", "dead")], T0);
    app.update(key('e'));
    assert_eq!((app.editor().attached.as_deref(), app.editor().place.as_deref()), (None, Some("sales_lh")));
}

#[test]
fn outputs_are_bounded_and_say_how_many_were_dropped() {
    let mut app = editing("");
    for i in 0..(editor::MAX_RUNS + 2) {
        app.update(ctrl('a'));
        app.update(ctrl('k'));
        type_text(&mut app, &format!("x = {i}"));
        app.update(code(KeyCode::F(5)));
    }
    assert_eq!((app.editor().runs.len(), app.editor().dropped_runs), (editor::MAX_RUNS, 2));
    assert_eq!(app.editor().runs.front().map(|r| r.code.as_str()), Some("x = 2"));
    assert_eq!(app.editor().history.len(), editor::MAX_RUNS + 2, "the history keeps every statement");
}

#[test]
fn alt_c_copies_the_newest_output_tables_as_tab_separated_text() {
    use crate::domain::statement::Table;
    let mut app = editing("SELECT 1");
    assert!(app.update(alt(KeyCode::Char('c'))).is_empty(), "nothing to copy yet");
    app.update(code(KeyCode::F(5)));
    app.update(Msg::Repl { attempt: 1, result: Ok(repl("a")) });
    let table = Table {
        columns: vec!["a".into(), "b".into()],
        rows: vec![vec!["1".into(), "x y".into()]],
        dropped_rows: 0,
    };
    app.update(Msg::Statement {
        seq: 1,
        update: StatementUpdate::Finished(Phase::Done, Some(Output::Table(table))),
    });
    assert_eq!(app.update(alt(KeyCode::Char('c'))), [Effect::Copy("a\tb\n1\tx y".into())]);
    assert!(app.message().is_some_and(|m| m.text.contains("Copied the output of [1] (2 lines)")));
}

/// Leave the editor, pick a Databricks cluster and press e there.
fn move_to_a_cluster(app: &mut App) -> Vec<Effect> {
    let cluster =
        cluster_row("adb-prod", json!({"cluster_id": "0101-abc", "cluster_name": "etl", "state": "RUNNING"}));
    rows(app, Kind::Cluster, "adb-prod", vec![cluster], T0);
    app.update(code(KeyCode::Esc));
    app.update(key('3'));
    let effects = app.update(key('e'));
    assert_eq!(app.editor().place.as_deref(), Some("0101-abc"));
    effects
}

#[test]
fn late_and_abandoned_answers_never_lose_a_repl_or_run_a_statement_twice() {
    let mut app = editing("a = 1");
    app.update(code(KeyCode::F(5)));
    app.update(Msg::Repl { attempt: 1, result: Ok(repl("a")) });
    app.update(code(KeyCode::F(5)));
    // Both runs went to REPL a; neither is re-sent when another REPL arrives.
    assert!(app.editor().runs.iter().all(|r| r.state == RunState::Sending && r.repl == Some(repl("a"))));
    // Run 2 is refused (REPL a ended): a new REPL, then run 2 alone goes there.
    let effects = app.update(Msg::Statement {
        seq: 2,
        update: StatementUpdate::Failed { error: "404".into(), repl_gone: true },
    });
    assert!(matches!(&effects[..], [Effect::AcquireRepl { attempt: 2, .. }]), "{effects:?}");
    let effects = app.update(Msg::Repl { attempt: 2, result: Ok(repl("b")) });
    assert!(
        matches!(&effects[..], [Effect::RunStatement { seq: 2, repl: r, .. }] if *r == repl("b")),
        "{effects:?}"
    );
    // Run 1's refusal arrives late: it goes to REPL b as well, with no new acquisition.
    let effects = app.update(Msg::Statement {
        seq: 1,
        update: StatementUpdate::Failed { error: "404".into(), repl_gone: true },
    });
    assert!(
        matches!(&effects[..], [Effect::RunStatement { seq: 1, repl: r, .. }] if *r == repl("b")),
        "{effects:?}"
    );
    assert_eq!(app.editor().held_repl(), Some(&repl("b")));

    // Moving while an acquisition is under way: the queued run fails, the answer is given back.
    let mut app = editing("x = 1");
    app.update(code(KeyCode::F(5)));
    app.update(Msg::ReplCreated { attempt: 1, repl: repl("partial") });
    assert_eq!(app.editor().quit_plan().0, [repl("partial")], "quitting now gives back what was made");
    let effects = move_to_a_cluster(&mut app);
    assert_eq!(effects, [Effect::ReleaseRepl { repl: repl("partial") }]);
    assert!(matches!(&app.editor().runs[0].state, RunState::Failed(e) if e.contains("moved")));
    assert_eq!(
        app.update(Msg::Repl { attempt: 1, result: Ok(repl("late")) }),
        [Effect::ReleaseRepl { repl: repl("late") }]
    );
    assert_eq!(app.editor().repl, ReplState::None);

    // Moving while a statement runs leaves its REPL to finish it, and quitting says so.
    let mut app = editing("x = 1");
    app.update(code(KeyCode::F(5)));
    app.update(Msg::Repl { attempt: 1, result: Ok(repl("busy")) });
    app.update(Msg::Statement { seq: 1, update: StatementUpdate::Accepted("0".into()) });
    assert_eq!(app.editor().quit_plan(), (vec![], vec![repl("busy")]));
    assert!(move_to_a_cluster(&mut app).is_empty(), "not given back while it runs");
    assert_eq!(app.editor().left_running, [repl("busy")]);
}

#[test]
fn history_keeps_the_draft_and_edits_with_their_languages() {
    let mut app = editing("SELECT 1");
    app.update(code(KeyCode::F(2)));
    app.update(code(KeyCode::F(2)));
    app.update(code(KeyCode::F(5)));
    // A new draft in Scala.
    app.update(ctrl('a'));
    app.update(ctrl('k'));
    app.update(code(KeyCode::F(2)));
    type_text(&mut app, "val y = 2");
    let draft = (app.editor().code(), app.editor().language);
    assert_eq!(draft.1, Language::R);
    // Recall the SQL, run it, then come back down: the draft is there, in its language.
    app.update(alt(KeyCode::Up));
    assert_eq!((app.editor().code(), app.editor().language), ("SELECT 1".into(), Language::Sql));
    app.update(code(KeyCode::F(5)));
    assert_eq!(app.editor().history_position(), Some((1, 1)), "still browsing, at what just ran");
    app.update(alt(KeyCode::Down));
    assert_eq!((app.editor().code(), app.editor().language), draft);
    // Edits to a recalled entry survive moving away and back.
    app.update(alt(KeyCode::Up));
    type_text(&mut app, " + 1");
    app.update(alt(KeyCode::Down));
    app.update(alt(KeyCode::Up));
    assert_eq!(app.editor().code(), "SELECT 1 + 1");
}

#[test]
fn shift_k_keeps_a_live_session_alive_without_asking() {
    let mut app = app();
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-1", "etl", "idle")], T0);
    let effects = app.update(key('K'));
    assert!(
        matches!(&effects[..], [Effect::RunAction { action: Action::KeepAlive, target }] if target.id == "s-1"),
        "{effects:?}"
    );
    assert!(app.confirm().is_none(), "harmless: no confirmation");
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-1", "etl", "dead")], T0);
    assert!(app.update(key('K')).is_empty());
    assert!(app.message().is_some_and(|m| m.text.contains("already finished")));
    let mut monitored = session("m-1", "Notebook 1", "idle");
    if let crate::domain::Detail::Session { read_only, .. } = &mut monitored.detail {
        *read_only = true;
    }
    rows(&mut app, Kind::Session, "fabric-prod", vec![monitored], T0);
    assert!(app.update(key('K')).is_empty());
    assert!(app.message().is_some_and(|m| m.text.contains("the Livy API cannot keep it alive")));
    let mut app = app.with_read_only(true);
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-1", "etl", "idle")], T0);
    assert!(app.update(key('K')).is_empty());
}

#[test]
fn opening_the_editor_on_a_stopped_cluster_says_to_start_it() {
    let mut app = app().with_view(View::Clusters);
    let stopped = cluster_row(
        "adb-prod",
        json!({"cluster_id": "0101-abc", "cluster_name": "etl", "state": "TERMINATED"}),
    );
    rows(&mut app, Kind::Cluster, "adb-prod", vec![stopped], T0);
    app.update(key('e'));
    assert!(app.is_editing());
    assert!(
        app.message().is_some_and(|m| m.text.contains("This cluster is TERMINATED: start it")),
        "{:?}",
        app.message()
    );
}
