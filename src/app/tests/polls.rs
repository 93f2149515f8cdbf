//! Poll results arriving: rows replaced and followed, flashes and the clock, errors and throttling.

use super::*;

#[test]
fn selection_follows_its_item_across_refreshes() {
    let mut app = app().with_pane(Pane::Runs);
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
fn new_rows_replace_the_previous_rows_of_that_workspace_and_kind_only() {
    let mut app = app().with_pane(Pane::All);
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
    let mut app = app().with_pane(Pane::Runs);
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
    let mut app = app().with_pane(Pane::Runs);
    rows(&mut app, Kind::Run, "adb-prod", vec![run(2, "agg", "RUNNING", None, "2026-11-22T09:55:00Z")], T0);
    assert!(app.needs_clock());
    app.update(key('3'));
    assert!(!app.needs_clock(), "only the focused view counts");
}

#[test]
fn poll_errors_show_in_place_and_clear_on_success() {
    let mut app = app().with_pane(Pane::Runs);
    app.update(Msg::PollFailed {
        workspace: "adb-prod".into(),
        kind: Kind::Run,
        error: "403 PERMISSION_DENIED".into(),
        hint: Some("ask for CAN VIEW on the jobs".into()),
    });
    let errors: Vec<(String, Kind, String)> = app
        .pane_errors()
        .into_iter()
        .map(|(w, k, e)| (w.workspace.name.clone(), k, e.error.clone()))
        .collect();
    assert_eq!(errors, vec![("adb-prod".into(), Kind::Run, "403 PERMISSION_DENIED".into())]);
    app.update(key('1'));
    assert!(app.pane_errors().is_empty(), "other panes are not affected");
    app.update(key('4'));
    runs_fixture(&mut app);
    assert!(app.pane_errors().is_empty());
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
fn rows_for_an_unknown_workspace_add_it() {
    let mut app = app();
    rows(&mut app, Kind::Session, "fabric-dev", vec![session("s-9", "x", "idle")], T0);
    assert_eq!(app.workspaces().len(), 3);
    assert_eq!(names(&app), ["x"]);
}
