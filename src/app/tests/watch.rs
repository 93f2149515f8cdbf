//! Watching an item until it ends.

use super::*;

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
        rows: ended.clone().into(),
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
        rows: ended.into(),
        fetched_at: ts("2026-11-22T10:02:00Z"),
    });
    assert!(again.is_empty(), "notified once");
    // Finished items cannot be watched.
    app.update(key('g'));
    app.update(key('w'));
    assert!(app.message().is_some_and(|m| m.text.contains("already ended")));
}
