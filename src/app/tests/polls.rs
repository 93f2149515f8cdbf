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

/// A poll that brings a new row keeps what the rows it brought unchanged had: the flash of one
/// that changed a poll ago goes on, its start time reads as before.
#[test]
fn rows_a_changed_poll_brought_unchanged_keep_their_flash() {
    let mut app = app().with_pane(Pane::Runs);
    let etl = |state, result| run(1, "etl", state, result, "2026-11-22T09:00:00Z");
    rows(&mut app, Kind::Run, "adb-prod", vec![etl("RUNNING", None)], T0);
    rows(&mut app, Kind::Run, "adb-prod", vec![etl("TERMINATED", Some("FAILED"))], "2026-11-22T10:00:05Z");
    let newer = run(2, "newer", "RUNNING", None, "2026-11-22T10:00:04Z");
    rows(
        &mut app,
        Kind::Run,
        "adb-prod",
        vec![newer, etl("TERMINATED", Some("FAILED"))],
        "2026-11-22T10:00:06Z",
    );
    assert_eq!(names(&app).len(), 2);
    let rows = &app.pane_state().rows;
    let etl_row = rows.iter().filter_map(|r| app.entry(*r)).find(|e| e.res.name == "etl");
    let etl_row = etl_row.unwrap_or_else(|| panic!("no etl row"));
    assert!(app.is_flashing(etl_row), "the flash of the change at 10:00:05 goes on");
    assert_eq!(etl_row.started, "11-22 09:00");
}

/// A poll that changes only the API objects (a running run's `execution_duration` grows on
/// every read) draws nothing, unless an open details view shows the object.
#[test]
fn a_poll_that_changes_only_the_api_object_redraws_only_an_open_details_view() {
    let mut app = app().with_pane(Pane::Runs);
    let agg = |exec: i64| {
        let mut r = run(2, "hourly-agg", "RUNNING", None, "2026-11-22T09:55:00Z");
        let mut raw: Value = (**r.raw).clone();
        raw["execution_duration"] = json!(exec);
        r.raw = std::sync::Arc::new(raw.into());
        r
    };
    rows(&mut app, Kind::Run, "adb-prod", vec![agg(1_000)], "2026-11-22T10:00:01Z");
    app.take_dirty();
    rows(&mut app, Kind::Run, "adb-prod", vec![agg(4_000)], "2026-11-22T10:00:04Z");
    assert!(!app.take_dirty(), "nothing shown changed");
    app.update(code(KeyCode::Enter));
    app.take_dirty();
    let shows = |app: &App, text: &str| {
        app.details()
            .is_some_and(|d| d.lines.iter().any(|l| matches!(l, DetailLine::Json(j) if j.contains(text))))
    };
    assert!(shows(&app, "4000"), "the details show the object the last poll brought");
    rows(&mut app, Kind::Run, "adb-prod", vec![agg(7_000)], "2026-11-22T10:00:07Z");
    assert!(app.take_dirty());
    assert!(shows(&app, "7000"));
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
        problem: crate::domain::Problem::text("403 PERMISSION_DENIED")
            .with_fix(Some("ask for CAN VIEW on the jobs".into())),
        at: ts(T0),
    });
    let errors: Vec<(String, Kind, String)> = app
        .pane_errors()
        .into_iter()
        .map(|(w, k, e)| (w.workspace.name.clone(), k, e.problem.message.clone()))
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
fn a_workspace_that_stops_answering_has_stale_rows_that_stop_ticking() {
    let mut app = app().with_pane(Pane::Runs);
    rows(&mut app, Kind::Run, "adb-prod", vec![run(2, "agg", "RUNNING", None, "2026-11-22T09:55:00Z")], T0);
    assert!(app.needs_clock(), "a running duration ticks");
    app.update(Msg::PollFailed {
        workspace: "adb-prod".into(),
        kind: Kind::Run,
        problem: crate::domain::Problem::text("no answer after 5 s (still trying)"),
        at: ts("2026-11-22T10:00:05Z"),
    });
    let slot = app.slot_of(app.pane_state().rows[0]).cloned().unwrap_or_default();
    assert!(slot.is_stale());
    assert_eq!(slot.error.map(|e| e.since), Some(ts("2026-11-22T10:00:05Z")));
    // The failure is in the event log once, however often it repeats.
    for at in ["2026-11-22T10:00:10Z", "2026-11-22T10:00:15Z"] {
        app.update(Msg::PollFailed {
            workspace: "adb-prod".into(),
            kind: Kind::Run,
            problem: crate::domain::Problem::text("no answer after 5 s (still trying)"),
            at: ts(at),
        });
    }
    assert_eq!(app.events().iter().filter(|e| e.level == Level::Error).count(), 1);
    // Answering again: fresh rows, a recovery event.
    runs_fixture(&mut app);
    assert!(!app.slot_of(app.pane_state().rows[0]).is_some_and(|s| s.is_stale()));
    assert!(app.events().front().is_some_and(|e| e.text.contains("answering again")), "{:?}", app.events());
}

#[test]
fn related_items_that_are_gone_say_why_in_words() {
    let mut app = app();
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-1", "etl", "dead")], T0);
    let effects = app.update(code(KeyCode::Enter));
    let Some(Effect::LoadRelated { target }) = effects.into_iter().next() else { panic!("no read") };
    let gone = crate::domain::Problem {
        status: Some("404 Not Found".into()),
        ..crate::domain::Problem::text("Session not found")
    };
    app.update(Msg::Related { target, related: Err(gone) });
    let text = app.details().map(|d| texts(&d.lines)).unwrap_or_default();
    assert!(text.iter().any(|t| t.starts_with("statements are gone: the session ended")), "{text:?}");
}

#[test]
fn the_event_log_has_throttles_failures_and_recoveries_newest_first_per_workspace() {
    let mut app = app().with_pane(Pane::Runs);
    app.update(Msg::Throttled { workspace: "adb-prod".into(), until: Some(ts("2026-11-22T10:00:30Z")) });
    app.update(Msg::PollFailed {
        workspace: "fabric-prod".into(),
        kind: Kind::Session,
        problem: crate::domain::Problem::text(
            "no answer from api.fabric.microsoft.com after 30 s (still trying)",
        ),
        at: ts("2026-11-22T10:00:10Z"),
    });
    app.update(Msg::Throttled { workspace: "adb-prod".into(), until: None });
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-1", "etl", "idle")], "2026-11-22T10:00:40Z");
    let log = |app: &mut App, command: &str| {
        app.update(key(':'));
        type_text(app, command);
        app.update(code(KeyCode::Enter));
        let lines = app.sheet().map(|s| texts(&s.lines)).unwrap_or_default();
        if app.sheet().is_some() {
            app.update(code(KeyCode::Esc));
        }
        lines
    };
    let all = log(&mut app, "events");
    assert_eq!(all.len(), 4, "{all:?}");
    assert!(all[0].contains("· fabric-prod: sessions: answering again (after 30s)"), "{all:?}");
    assert!(all[1].contains("· adb-prod: throttle over"), "{all:?}");
    assert!(all[2].contains("✗ fabric-prod: sessions: no answer from api.fabric.microsoft.com"), "{all:?}");
    assert!(all[3].contains("· adb-prod: throttled: every call waits 30s (Retry-After)"), "{all:?}");
    let one = log(&mut app, "events adb-prod");
    assert_eq!(one.len(), 2, "{one:?}");
    assert!(one.iter().all(|l| l.contains("adb-prod")), "{one:?}");
    // A workspace that is not configured is said, not shown as an empty log.
    assert!(log(&mut app, "events adb-staging").is_empty());
    assert!(app.message().is_some_and(|m| m.text.contains("adb-staging")), "{:?}", app.message());
}

#[test]
fn retries_go_into_the_event_log() {
    let mut app = app();
    let retries = vec!["retrying in 0.5 s (attempt 2 of 4): GET /api/2.1/clusters/list → 503".to_string()];
    app.update(key(':'));
    type_text(&mut app, "events");
    app.update(code(KeyCode::Enter));
    app.take_dirty();
    app.update(Msg::Retried { workspace: "adb-prod".into(), retries });
    assert!(app.take_dirty(), "the open log shows it at once");
    let e = app.events().front().cloned();
    assert!(
        e.as_ref().is_some_and(|e| e.workspace.as_deref() == Some("adb-prod") && e.text.contains("→ 503")),
        "{e:?}"
    );
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
        problem: crate::domain::Problem::text("500"),
        at: ts("2026-11-22T10:01:10Z"),
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

#[test]
fn under_the_editor_only_what_the_header_tabs_and_footer_show_draws() {
    let mut app = app();
    let two = |first: &str, second: &str, at: &str| {
        let run = |id, name, state: &str| match state {
            "RUNNING" => run(id, name, "RUNNING", None, "2026-11-22T09:00:00Z"),
            _ => run(id, name, "TERMINATED", Some(state), "2026-11-22T09:00:00Z"),
        };
        (vec![run(1, "etl", first), run(2, "agg", second)], at.to_string())
    };
    let poll = |app: &mut App, (r, at): (Vec<Resource>, String)| rows(app, Kind::Run, "adb-prod", r, &at);
    poll(&mut app, two("RUNNING", "SUCCESS", T0));
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s1", "HC_sales_lh_1", "idle")], T0);
    app.update(key('e'));
    assert!(app.is_editing());
    app.take_dirty();
    // The two runs swap states: the pane would show and flash both, the header's counts are
    // the same.
    poll(&mut app, two("SUCCESS", "RUNNING", "2026-11-22T10:00:05Z"));
    assert!(!app.take_dirty(), "nothing the editor's screen shows changed");
    assert!(!app.needs_clock(), "no flash ticks under the editor");
    // Both ended: a count in the header changed.
    poll(&mut app, two("SUCCESS", "FAILED", "2026-11-22T10:00:08Z"));
    assert!(app.take_dirty(), "a count in the header changed");
    // A poll error shows in the header, and so does its clearing.
    app.update(Msg::PollFailed {
        workspace: "adb-prod".into(),
        kind: Kind::Run,
        problem: crate::domain::Problem::text("500"),
        at: ts("2026-11-22T10:00:09Z"),
    });
    assert!(app.take_dirty());
    poll(&mut app, two("SUCCESS", "FAILED", "2026-11-22T10:00:11Z"));
    assert!(app.take_dirty(), "the error is gone from the header");
}
