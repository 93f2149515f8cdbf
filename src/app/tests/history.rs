//! View history: back, forward and the last place, through panes, filters and opened items.

use super::*;

fn at(app: &App) -> (Pane, Option<String>, bool, bool) {
    (
        app.pane(),
        app.pane_state().filter.as_ref().map(|f| f.text.clone()),
        app.details().is_some(),
        app.logs().is_some(),
    )
}

#[test]
fn brackets_go_back_and_forward_through_panes_filters_and_opened_items() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    app.update(key('/'));
    type_text(&mut app, "etl");
    app.update(code(KeyCode::Enter));
    app.update(code(KeyCode::Enter)); // details of nightly-etl
    assert_eq!(at(&app), (Pane::Runs, Some("etl".into()), true, false));
    app.update(code(KeyCode::Esc));
    app.update(key('3'));
    assert_eq!(at(&app), (Pane::Clusters, None, false, false));
    // Back: the runs with their filter, then the details, then the filter being applied…
    app.update(key('['));
    assert_eq!(at(&app), (Pane::Runs, Some("etl".into()), false, false));
    app.update(key('['));
    assert_eq!(at(&app), (Pane::Runs, Some("etl".into()), true, false));
    assert_eq!(app.details().map(|d| d.id.as_str()), Some("1"));
    assert_eq!(app.message().map(|m| m.text.as_str()), Some("Runs · filter etl · details of run 1"));
    // …with the details open, `[` is theirs too.
    app.update(key('['));
    assert_eq!(at(&app), (Pane::Runs, Some("etl".into()), false, false));
    app.update(key('['));
    assert_eq!(at(&app), (Pane::Runs, None, false, false));
    // Where the app started.
    app.update(key('['));
    assert_eq!(at(&app), (Pane::Sessions, None, false, false));
    app.update(key('['));
    assert_eq!(app.message().map(|m| m.text.as_str()), Some("This is the oldest place in the view history."));
    // Forward again, to where we were.
    for _ in 0..5 {
        app.update(key(']'));
    }
    assert_eq!(at(&app), (Pane::Clusters, None, false, false));
    app.update(key(']'));
    assert_eq!(app.message().map(|m| m.text.as_str()), Some("This is the newest place in the view history."));
}

#[test]
fn dash_toggles_to_the_last_place_and_logs_are_places_too() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    let effects = app.update(key('l'));
    assert!(matches!(effects.as_slice(), [Effect::FollowLogs { .. }, ..]), "{effects:?}");
    app.update(code(KeyCode::Esc));
    app.update(key('1'));
    let effects = app.update(key('-'));
    assert_eq!(at(&app), (Pane::Runs, None, false, false));
    assert!(!effects.iter().any(|e| matches!(e, Effect::FollowLogs { .. })));
    app.update(key('-'));
    assert_eq!(at(&app), (Pane::Sessions, None, false, false));
    app.update(key('-'));
    assert_eq!(at(&app), (Pane::Runs, None, false, false));
    // `-` notes a place like any move: five back are the logs, followed again; leaving them
    // stops them.
    for _ in 0..4 {
        app.update(key('['));
    }
    let effects = app.update(key('['));
    assert_eq!(at(&app), (Pane::Runs, None, false, true));
    assert!(effects.iter().any(|e| matches!(e, Effect::FollowLogs { .. })), "{effects:?}");
    let effects = app.update(key('1'));
    assert!(effects.is_empty(), "keys of the pane do not apply under the logs");
    let effects = app.update(key(']'));
    assert!(effects.contains(&Effect::StopLogs), "{effects:?}");
}

#[test]
fn history_is_bounded_and_a_gone_item_is_not_reopened() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    for i in 0..80 {
        app.update(key(if i % 2 == 0 { '1' } else { '4' }));
    }
    let mut steps = 0;
    while app.message().is_none_or(|m| !m.text.contains("oldest")) && steps < 200 {
        app.update(key('['));
        steps += 1;
    }
    assert_eq!(steps, 50, "49 steps back to the oldest of 50 places, and one more to hear so");
    // An item gone since is not opened again; the message says so.
    let mut app = super::app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    app.update(code(KeyCode::Enter));
    app.update(code(KeyCode::Esc));
    only_hourly_agg(&mut app);
    app.update(key('['));
    assert!(app.details().is_none());
    assert_eq!(app.message().map(|m| m.text.as_str()), Some("Runs · run 4 in adb-prod is no longer listed"));
}
