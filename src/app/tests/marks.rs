//! Marks and bulk actions: marking, ranges, all shown, marks across polls, one confirmation
//! for every marked row (with what is skipped), one effect per target and the results summed.

use super::*;
use crate::domain::{Action, Problem};

fn marked(app: &App) -> Vec<String> {
    let mut names: Vec<String> = app
        .pane_state()
        .rows
        .iter()
        .filter_map(|r| app.entry(*r))
        .filter(|e| app.is_marked(e))
        .map(|e| e.res.name.clone())
        .collect();
    names.sort();
    names
}

fn message(app: &App) -> String {
    app.message().map(|m| m.text.clone()).unwrap_or_default()
}

/// Runs pane, in order: adhoc-report (PENDING), hourly-agg (RUNNING), ml-train, nightly-etl.
fn runs_app() -> App {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    app
}

#[test]
fn space_marks_and_moves_down_and_marks_survive_polls_but_not_the_row_leaving() {
    let mut app = runs_app();
    assert_eq!(names(&app), ["adhoc-report", "hourly-agg", "ml-train", "nightly-etl"]);
    app.update(key(' '));
    assert_eq!(selected_name(&app).as_deref(), Some("hourly-agg"), "space moves down");
    app.update(key(' '));
    assert_eq!(marked(&app), ["adhoc-report", "hourly-agg"]);
    assert_eq!(app.marked_count(), 2);
    // Space on a marked row unmarks it.
    app.update(key('k'));
    app.update(key(' '));
    assert_eq!(marked(&app), ["adhoc-report"]);
    app.update(key('k'));
    app.update(key(' '));
    // A poll with new states (and new order) keeps the marks by identity.
    rows(
        &mut app,
        Kind::Run,
        "adb-prod",
        vec![
            run(4, "adhoc-report", "RUNNING", None, "2026-11-22T09:59:00Z"),
            run(2, "hourly-agg", "RUNNING", None, "2026-11-22T09:55:00Z"),
            run(1, "nightly-etl", "TERMINATED", Some("SUCCESS"), "2026-11-22T02:00:00Z"),
        ],
        "2026-11-22T10:00:05Z",
    );
    assert_eq!(marked(&app), ["adhoc-report", "hourly-agg"]);
    // A row that leaves the list loses its mark; one that comes back later is not marked.
    only_hourly_agg(&mut app);
    assert_eq!(app.marked_count(), 1);
    runs_fixture(&mut app);
    assert_eq!(marked(&app), ["hourly-agg"]);
    // Marks belong to their pane; another `:ws` scope clears them.
    app.update(key('5'));
    assert_eq!(app.marked_count(), 0);
    app.update(key('4'));
    assert_eq!(app.marked_count(), 1);
    app.update(key(':'));
    type_text(&mut app, "ws adb-prod");
    app.update(code(KeyCode::Enter));
    assert_eq!(app.marked_count(), 0);
    app.update(key(' '));
    // Esc clears the marks first, then the filter.
    app.update(key('/'));
    type_text(&mut app, "a");
    app.update(code(KeyCode::Enter));
    app.update(code(KeyCode::Esc));
    assert_eq!(app.marked_count(), 0);
    assert!(app.pane_state().filter.is_some(), "the filter stays until the next esc");
    assert_eq!(message(&app), "Marks cleared.");
    app.update(code(KeyCode::Esc));
    assert!(app.pane_state().filter.is_none());
}

#[test]
fn a_range_marks_from_the_last_mark_to_the_cursor_and_star_marks_what_the_filter_shows() {
    let mut app = runs_app();
    app.update(key('j'));
    app.update(key(' ')); // hourly-agg, cursor on ml-train
    app.update(key('j')); // nightly-etl
    app.update(key('V'));
    assert_eq!(marked(&app), ["hourly-agg", "ml-train", "nightly-etl"]);
    // ctrl-space too, upwards from the last mark (where the range ended).
    app.update(code(KeyCode::Esc));
    app.update(key('G'));
    app.update(key(' '));
    app.update(key('g'));
    app.update(ctrl(' '));
    assert_eq!(marked(&app), ["adhoc-report", "hourly-agg", "ml-train", "nightly-etl"]);
    app.update(code(KeyCode::Esc));
    // `*` marks only what the filter shows; again, it unmarks them.
    app.update(key('/'));
    type_text(&mut app, "TERMINATED");
    app.update(code(KeyCode::Enter));
    app.update(key('*'));
    assert_eq!(marked(&app), ["ml-train", "nightly-etl"]);
    assert_eq!(app.marked_count(), 2);
    app.update(key('*'));
    assert_eq!(app.marked_count(), 0);
}

#[test]
fn one_confirmation_lists_every_target_and_the_skipped_with_why_then_one_effect_each() {
    let mut app = runs_app();
    app.update(key('*'));
    assert!(app.update(key('c')).is_empty(), "asks first");
    let bulk = app.bulk().cloned().unwrap_or_else(|| panic!("no bulk confirmation"));
    let ids = |ts: Vec<&Target>| ts.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(bulk.targets.iter().map(|t| &t.target).collect()), ["4", "2"]);
    assert!(bulk.targets.iter().all(|t| t.action == Some(Action::CancelRun)));
    assert_eq!(
        bulk.skipped.iter().map(|(t, why)| (t.id.as_str(), why.as_str())).collect::<Vec<_>>(),
        [("3", "it has already finished"), ("1", "it has already finished")]
    );
    assert_eq!(bulk.title(), "Cancel 2 runs");
    assert_eq!(app.focus(), Scope::Confirm);
    // Declining keeps the marks.
    app.update(key('n'));
    assert!(app.bulk().is_none() && app.marked_count() == 4);
    app.update(key('c'));
    let effects = app.update(key('y'));
    assert_eq!(
        effects,
        vec![
            Effect::RunAction { action: Action::CancelRun, target: run_target("4", "adhoc-report") },
            Effect::RunAction { action: Action::CancelRun, target: run_target("2", "hourly-agg") },
        ]
    );
    assert_eq!(app.marked_count(), 0, "the marks are spent");
    assert_eq!(message(&app), "Cancelling 2 runs…");
    // Answers come back one by one, summed up.
    app.update(Msg::ActionFinished {
        action: Action::CancelRun,
        target: run_target("4", "adhoc-report"),
        outcome: Ok(String::new()),
    });
    assert_eq!(message(&app), "Cancelling 1 run…, 1 cancelled");
    app.update(Msg::ActionFinished {
        action: Action::CancelRun,
        target: run_target("2", "hourly-agg"),
        outcome: Ok(String::new()),
    });
    assert_eq!(message(&app), "2 cancelled ✓");
    // Each result is in the event log.
    let events: Vec<String> = app.events().iter().map(|e| e.text.clone()).collect();
    assert!(events.iter().filter(|t| t.starts_with("cancelled ✓ run")).count() == 2, "{events:?}");
    assert!(events.iter().filter(|t| t.starts_with("asked to cancel run")).count() == 2, "{events:?}");
}

#[test]
fn a_failure_among_the_answers_is_named_with_its_cause() {
    let mut app = runs_app();
    app.update(key(' ')); // adhoc-report
    app.update(key(' ')); // hourly-agg
    app.update(key('c'));
    app.update(key('y'));
    app.update(Msg::ActionFinished {
        action: Action::CancelRun,
        target: run_target("2", "hourly-agg"),
        outcome: Ok(String::new()),
    });
    let refused =
        Problem { status: Some("400 Bad Request".into()), ..Problem::text("Run 4 is already terminated") };
    app.update(Msg::ActionFinished {
        action: Action::CancelRun,
        target: run_target("4", "adhoc-report"),
        outcome: Err(refused),
    });
    assert_eq!(
        message(&app),
        "1 cancelled, 1 failed: cancel 400 Bad Request: Run 4 is already terminated — run \"adhoc-report\" (4) in adb-prod"
    );
    assert_eq!(app.message().map(|m| m.level), Some(Level::Error));
    // A later single action is reported on its own again.
    app.update(Msg::ActionFinished {
        action: Action::CancelRun,
        target: run_target("2", "hourly-agg"),
        outcome: Ok(String::new()),
    });
    assert_eq!(message(&app), "cancelled ✓ run \"hourly-agg\" (2) in adb-prod");
}

#[test]
fn kill_my_idle_sessions_is_three_keys_and_read_only_rows_are_skipped() {
    let mut app = app().with_pane(Pane::Sessions);
    let mut notebook = session("nb-1", "notebook run", "idle");
    if let Detail::Session { read_only, .. } = &mut notebook.detail {
        *read_only = true;
    }
    rows(
        &mut app,
        Kind::Session,
        "fabric-prod",
        vec![
            session("s-1", "etl", "idle"),
            session("s-2", "adhoc", "busy"),
            session("s-3", "old", "idle"),
            notebook,
        ],
        T0,
    );
    app.update(key('/'));
    type_text(&mut app, "idle");
    app.update(code(KeyCode::Enter));
    app.update(key('*'));
    app.update(key('c'));
    let bulk = app.bulk().cloned().unwrap_or_else(|| panic!("no bulk confirmation"));
    assert_eq!(bulk.title(), "Kill 2 sessions");
    assert_eq!(bulk.skipped.len(), 1);
    assert!(bulk.skipped[0].1.contains("monitoring list"), "{:?}", bulk.skipped);
    let effects = app.update(key('y'));
    assert_eq!(effects.len(), 2);
    assert!(effects.iter().all(|e| matches!(e, Effect::RunAction { action: Action::KillSession, .. })));
    // In read-only mode nothing is asked at all.
    let mut app = app.with_read_only(true);
    app.update(key('*'));
    app.update(key('c'));
    assert!(app.bulk().is_none());
    assert!(message(&app).starts_with("None of the 3 marked rows can be done"), "{}", message(&app));
}

#[test]
fn watch_and_keep_alive_act_on_marks_too_and_mixed_kinds_keep_their_own_verbs() {
    let mut app = app().with_pane(Pane::All);
    runs_fixture(&mut app);
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-1", "etl", "idle")], T0);
    app.update(key('*'));
    app.update(key('c'));
    let bulk = app.bulk().cloned().unwrap_or_else(|| panic!("no bulk confirmation"));
    assert_eq!(bulk.title(), "Cancel 2 runs, kill 1 session");
    app.update(key('n'));
    app.update(key('w'));
    assert_eq!(app.bulk().map(|b| b.targets.len()), Some(3), "the ended runs are skipped");
    assert!(app.update(key('y')).is_empty());
    assert!(
        app.is_watched(Kind::Run, "adb-prod", "2") && app.is_watched(Kind::Session, "fabric-prod", "s-1")
    );
    app.update(key('*'));
    app.update(key('K'));
    let bulk = app.bulk().cloned().unwrap_or_else(|| panic!("no bulk confirmation"));
    assert_eq!(bulk.title(), "Keep alive 1 session");
    assert_eq!(bulk.skipped.len(), 4, "runs have no keep-alive");
}

#[test]
fn a_long_list_scrolls_inside_the_confirmation() {
    let mut app = app().with_pane(Pane::Runs);
    let many: Vec<Resource> =
        (1..=60).map(|i| run(i, &format!("job-{i:02}"), "RUNNING", None, "2026-11-22T09:00:00Z")).collect();
    rows(&mut app, Kind::Run, "adb-prod", many, T0);
    app.update(key('*'));
    app.update(key('c'));
    assert_eq!(app.bulk().map(|b| b.targets.len()), Some(60));
    let (_, height) = app.bulk_area();
    assert!(height < 60, "the list is taller than the screen");
    app.update(key('j'));
    assert_eq!(app.bulk().map(|b| b.scroll), Some(1));
    app.update(key('G'));
    app.update(code(KeyCode::PageDown));
    app.update(code(KeyCode::PageDown));
    app.update(code(KeyCode::PageDown));
    assert_eq!(app.bulk().map(|b| b.scroll), Some(60 - height));
}

#[test]
fn rows_of_a_read_only_workspace_are_skipped_and_say_so() {
    let mut app = app().with_pane(Pane::All);
    runs_fixture(&mut app);
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-1", "etl", "idle")], T0);
    app.update(key(':'));
    type_text(&mut app, "ro adb-prod");
    app.update(code(KeyCode::Enter));
    app.update(key('*'));
    app.update(key('c'));
    let bulk = app.bulk().cloned().unwrap_or_else(|| panic!("no bulk confirmation: {}", message(&app)));
    assert_eq!(bulk.title(), "Kill 1 session");
    let why: Vec<&str> = bulk.skipped.iter().map(|(_, why)| why.as_str()).collect();
    assert_eq!(why.iter().filter(|w| **w == "adb-prod is read-only (:ro)").count(), 4, "{why:?}");
}
