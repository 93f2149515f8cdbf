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

#[test]
fn a_poll_that_changes_nothing_draws_nothing_until_the_shown_minute_moves() {
    let mut app = app().with_pane(Pane::Runs);
    let same = || vec![run(1, "etl", "TERMINATED", Some("SUCCESS"), "2026-11-22T09:00:00Z")];
    rows(&mut app, Kind::Run, "adb-prod", same(), T0);
    assert!(app.take_dirty());
    rows(&mut app, Kind::Run, "adb-prod", same(), "2026-11-22T10:00:30Z");
    assert!(!app.take_dirty(), "same rows, same refresh minute: nothing to draw");
    assert_eq!(app.workspaces()[1].last_refresh(), Some(ts("2026-11-22T10:00:30Z")), "the refresh is noted");
    rows(&mut app, Kind::Run, "adb-prod", same(), "2026-11-22T10:01:00Z");
    assert!(app.take_dirty(), "the footer's refresh minute changed");
    rows(
        &mut app,
        Kind::Run,
        "adb-prod",
        vec![run(1, "etl", "TERMINATED", Some("FAILED"), "2026-11-22T09:00:00Z")],
        "2026-11-22T10:01:03Z",
    );
    assert!(app.take_dirty(), "a changed row draws");
    app.update(Msg::PollFailed {
        workspace: "adb-prod".into(),
        kind: Kind::Run,
        error: "500".into(),
        hint: None,
    });
    app.take_dirty();
    rows(
        &mut app,
        Kind::Run,
        "adb-prod",
        vec![run(1, "etl", "TERMINATED", Some("FAILED"), "2026-11-22T09:00:00Z")],
        "2026-11-22T10:01:06Z",
    );
    assert!(app.take_dirty(), "the same rows after a failure clear the error");
    assert!(app.pane_errors().is_empty());
}

#[test]
fn the_clock_runs_only_for_live_rows_on_screen() {
    let mut app = app().with_pane(Pane::Runs);
    // One live run below a screenful of finished ones (the body is 30 rows tall at most).
    let mut list: Vec<Resource> = (0..60)
        .map(|i| run(100 + i, &format!("old-{i}"), "TERMINATED", Some("SUCCESS"), "2026-11-22T08:00:00Z"))
        .collect();
    list.push(run(1, "live", "RUNNING", None, "2026-11-22T07:00:00Z"));
    rows(&mut app, Kind::Run, "adb-prod", list, T0);
    assert_eq!(names(&app).first().map(String::as_str), Some("live"), "live rows sort first");
    app.update(key('G'));
    assert!(!app.needs_clock(), "the live row is scrolled off: no clock");
    app.update(key('g'));
    assert!(app.needs_clock(), "the live row is on screen");
    app.update(key('e'));
    assert!(app.is_editing());
    assert!(!app.needs_clock(), "the editor covers the pane");
    app.update(code(KeyCode::Esc));
    assert!(app.needs_clock());
    app.update(key('l'));
    assert!(app.logs().is_some());
    assert!(!app.needs_clock(), "the logs view covers the pane");
}

#[test]
fn panes_under_the_editor_or_the_logs_view_are_polled_as_hidden() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    let runs = Effect::SetVisible { workspaces: vec!["adb-prod".into()], kinds: vec![Kind::Run] };
    assert!(app.update(key('e')).contains(&hidden()));
    assert_eq!(app.update(code(KeyCode::Esc)), std::slice::from_ref(&runs));
    assert!(app.update(key('l')).contains(&hidden()));
    assert!(app.update(code(KeyCode::Esc)).contains(&runs));
    assert!(app.update(key('j')).is_empty(), "nothing new to tell");
}
