//! Actions on rows: confirmations, refusals, resize and keep-alive.

use super::*;
use crate::domain::Action;

#[test]
fn confirmed_actions_emit_run_action_naming_the_target() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    app.update(key('j'));
    assert_eq!(selected_name(&app).as_deref(), Some("hourly-agg"));
    assert!(app.update(key('c')).is_empty());
    let target = Target {
        workspace: "adb-prod".into(),
        kind: Kind::Run,
        id: "2".into(),
        name: "hourly-agg".into(),
        lakehouse: None,
    };
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
    let mut app = app().with_pane(Pane::Runs);
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
    let mut app = app().with_pane(Pane::Clusters);
    let cluster = cluster_row("0101-abc", "shared", "RUNNING", "4");
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
    let stopped = cluster_row("0101-abc", "shared", "TERMINATED", "");
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
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    app.update(key('G'));
    app.update(key('c'));
    assert!(app.confirm().is_none());
    assert!(app.message().is_some_and(|m| m.text.contains("already finished")));
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
