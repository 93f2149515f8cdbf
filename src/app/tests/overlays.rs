//! The details and help overlays.

use super::*;

#[test]
fn details_open_scroll_refresh_and_close() {
    let mut app = app().with_pane(Pane::Runs);
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
    let mut app = app().with_pane(Pane::Clusters);
    app.update(key('?'));
    assert_eq!(app.help().map(|h| h.scope), Some(Scope::Pane));
    assert_eq!(app.focus(), Scope::Help);
    app.update(code(KeyCode::Esc));
    assert!(app.help().is_none());
}

#[test]
fn q_closes_the_overlay_and_quits_only_from_the_panes() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    app.update(code(KeyCode::Enter));
    assert!(app.update(key('q')).is_empty());
    assert!(app.details().is_none(), "q closed the details");
    app.update(key('?'));
    assert!(app.update(key('q')).is_empty());
    assert!(app.help().is_none(), "q closed help");
    let effects = app.update(key('l'));
    assert!(matches!(&effects[..], [Effect::FollowLogs { .. }, ..]), "{effects:?}");
    assert_eq!(app.update(key('q')).first(), Some(&Effect::StopLogs));
    assert!(app.logs().is_none(), "q closed the logs");
    assert_eq!(app.update(key('q')), [Effect::Quit], "from the pane, q quits");
    // ctrl-c quits from an overlay.
    app.update(code(KeyCode::Enter));
    assert_eq!(app.update(ctrl('c')), [Effect::Quit]);
}

#[test]
fn enter_on_a_pane_of_errors_or_a_click_on_its_error_line_opens_the_whole_error() {
    let mut app = app().with_pane(Pane::Clusters);
    app.update(Msg::Resize { width: 100, height: 24 });
    let problem = crate::domain::Problem {
        status: Some("403 Forbidden".into()),
        code: Some("PERMISSION_DENIED".into()),
        request_id: Some("req-1".into()),
        ..crate::domain::Problem::text("User does not have permission to list clusters")
    };
    app.update(Msg::PollFailed { workspace: "adb-prod".into(), kind: Kind::Cluster, problem, at: ts(T0) });
    assert!(app.pane_state().rows.is_empty());
    app.update(code(KeyCode::Enter));
    let lines = app.sheet().map(|s| s.lines.clone()).unwrap_or_default();
    assert!(lines.contains(&DetailLine::Field { label: "Request id", value: "req-1".into() }), "{lines:?}");
    app.update(code(KeyCode::Esc));
    assert!(app.sheet().is_none());
    let errors = app.areas().errors;
    assert!(errors.height > 0, "the pane shows its error line");
    app.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: errors.x + 2,
        row: errors.y,
        modifiers: KeyModifiers::NONE,
    }));
    assert!(app.sheet().is_some(), "a click on the error line opens it");
}
