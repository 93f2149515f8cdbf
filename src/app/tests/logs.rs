//! The logs view.

use super::*;

#[test]
fn logs_open_follow_search_and_close() {
    let mut app = app();
    runs_fixture(&mut app);
    app.update(key('4'));
    let effects = app.update(key('l'));
    let target = match effects.as_slice() {
        [Effect::FollowLogs { target }, hidden] if *hidden == super::hidden() => target.clone(),
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
    let shown_again = Effect::SetVisible { workspaces: vec!["adb-prod".into()], kinds: vec![Kind::Run] };
    assert_eq!(
        app.update(code(KeyCode::Esc)),
        vec![Effect::StopLogs, shown_again],
        "the pane is polled again"
    );
    assert!(app.logs().is_none());
}
