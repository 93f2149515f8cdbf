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
    assert_eq!(
        app.confirm(),
        Some(&Confirm {
            action: Action::CancelRun,
            target: target.clone(),
            change: None,
            warning: None,
            parameters: Vec::new()
        })
    );
    assert!(app.update(key('x')).is_empty(), "other keys do nothing while asking");
    assert!(app.update(key('j')).is_empty());
    assert_eq!(
        app.update(key('y')),
        vec![Effect::RunAction { action: Action::CancelRun, target: target.clone() }]
    );
    assert!(app.confirm().is_none());
    assert_eq!(
        app.message().map(|m| m.text.as_str()),
        Some("Cancelling run \"hourly-agg\" (2) in adb-prod…")
    );
    // The outcome replaces it, the point first; a failure keeps its whole error for `!`.
    app.update(Msg::ActionFinished {
        action: Action::CancelRun,
        target: target.clone(),
        outcome: Ok(String::new()),
    });
    assert_eq!(
        app.message().map(|m| m.text.as_str()),
        Some("cancelled ✓ run \"hourly-agg\" (2) in adb-prod")
    );
    let refused = crate::domain::Problem {
        status: Some("400 Bad Request".into()),
        code: Some("INVALID_STATE".into()),
        request_id: Some("abc".into()),
        ..crate::domain::Problem::text("Run 2 is already terminated")
    };
    app.update(Msg::ActionFinished { action: Action::CancelRun, target, outcome: Err(refused) });
    assert_eq!(
        app.message().map(|m| m.text.as_str()),
        Some(
            "✗ cancel failed: 400 Bad Request INVALID_STATE: Run 2 is already terminated — run \"hourly-agg\" (2) in adb-prod (! shows it whole)"
        )
    );
    app.update(key('!'));
    let sheet = app.sheet().map(|s| s.lines.clone()).unwrap_or_default();
    assert!(sheet.contains(&DetailLine::Field { label: "Request id", value: "abc".into() }), "{sheet:?}");
    app.update(code(KeyCode::Esc));
    assert!(app.sheet().is_none());
    // The event log has all three, newest first.
    app.update(key(':'));
    type_text(&mut app, "events");
    app.update(code(KeyCode::Enter));
    let lines = app.sheet().map(|s| texts(&s.lines)).unwrap_or_default();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[0].contains("✗ adb-prod: ✗ cancel failed")
            && lines[1].contains("cancelled ✓")
            && lines[2].contains("asked to cancel"),
        "{lines:?}"
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
        app.message().is_some_and(|m| m.text.starts_with("Resizing cluster \"shared\"")),
        "{:?}",
        app.message()
    );
    // Nonsense keeps the line open with the forms that work.
    app.update(key('z'));
    type_text(&mut app, "lots");
    app.update(code(KeyCode::Enter));
    assert!(app.confirm().is_none());
    let p = app.prompt().cloned();
    assert_eq!(p.as_ref().map(|p| (p.mode, p.text.as_str())), Some((PromptMode::Resize, "lots")));
    assert!(p.and_then(|p| p.error).is_some_and(|e| e.contains("is not a number of workers")));
    app.update(code(KeyCode::Esc));
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
    assert_eq!(selected_name(&app).as_deref(), Some("livy-2"), "untouched, the selection is the first row");
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

#[test]
fn a_resize_says_from_what_to_what_and_flags_a_large_jump() {
    let mut app = app().with_pane(Pane::Clusters);
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster_row("0101-a", "shared", "RUNNING", "4")], T0);
    app.update(key('z'));
    type_text(&mut app, "8");
    app.update(code(KeyCode::Enter));
    let c = app.confirm().cloned();
    assert_eq!(c.as_ref().and_then(|c| c.change.as_deref()), Some("from 4 workers to 8 workers"));
    assert!(c.is_some_and(|c| c.warning.is_none()));
    app.update(key('n'));
    app.update(key('z'));
    type_text(&mut app, "2-100");
    app.update(code(KeyCode::Enter));
    let c = app.confirm().cloned();
    assert_eq!(
        c.as_ref().and_then(|c| c.change.as_deref()),
        Some("from 4 workers to 2–100 workers (autoscale)")
    );
    assert!(c.and_then(|c| c.warning).is_some_and(|w| w.contains("large jump")));
    app.update(key('n'));
    // The same size, or MIN above MAX, keeps the line open with the reason.
    for (typed, reason) in [("4", "it already has 4 workers"), ("8-2", "minimum 8 is above the maximum 2")] {
        app.update(key('z'));
        type_text(&mut app, typed);
        app.update(code(KeyCode::Enter));
        assert!(app.confirm().is_none());
        assert!(app.prompt().and_then(|p| p.error.as_deref()).is_some_and(|e| e.contains(reason)), "{typed}");
        app.update(code(KeyCode::Esc));
    }
}

#[test]
fn quitting_with_the_editors_repl_asks_first() {
    let mut app = app();
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s1", "HC_sales_lh_1", "idle")], T0);
    app.update(key('e'));
    type_text(&mut app, "1");
    app.update(code(KeyCode::F(5)));
    let repl = crate::domain::statement::Repl::Livy {
        workspace: "fabric-prod".into(),
        lakehouse: "sales_lh".into(),
        hc_id: "hc".into(),
        session_id: "5f1c2a90-0000-4000-8000-000000000000".into(),
        repl_id: "r".into(),
    };
    app.update(Msg::Repl { attempt: 1, result: Ok(repl) });
    app.update(Msg::Statement {
        seq: 1,
        update: StatementUpdate::Finished(crate::domain::statement::Phase::Done, None),
    });
    app.update(code(KeyCode::Esc));
    assert!(app.update(key('q')).is_empty());
    assert!(app.quitting().is_some_and(|q| q[0].contains("is given back")), "{:?}", app.quitting());
    assert!(app.update(key('n')).is_empty());
    assert!(app.quitting().is_none());
    app.update(key('q'));
    assert_eq!(app.update(key('y')), [Effect::Quit]);
}

fn idle_until(id: &str, ends: &str) -> Resource {
    let mut s = session(id, "etl-dev", "idle");
    if let crate::domain::Detail::Session { idle_timeout_at, .. } = &mut s.detail {
        *idle_timeout_at = Some(ts(ends));
    }
    s
}

fn idle_timeout_of(app: &App) -> Option<Timestamp> {
    match app.selected().map(|e| &e.res.detail) {
        Some(crate::domain::Detail::Session { idle_timeout_at, .. }) => *idle_timeout_at,
        _ => None,
    }
}

#[test]
fn keep_alive_restarts_the_idle_countdown_from_the_full_timeout() {
    let mut app = app();
    rows(&mut app, Kind::Session, "fabric-prod", vec![idle_until("s-1", "2026-11-22T10:02:00Z")], T0);
    let effects = app.update(key('K'));
    assert!(matches!(&effects[..], [Effect::RunAction { action: Action::KeepAlive, .. }]));
    let target = Target::of(&app.selected().map(|e| e.res.clone()).unwrap_or_else(|| panic!("row")));
    app.update(Msg::Tick(ts("2026-11-22T10:00:30Z")));
    app.update(Msg::ActionFinished { action: Action::KeepAlive, target, outcome: Ok(String::new()) });
    assert_eq!(idle_timeout_of(&app), Some(ts("2026-11-22T10:20:30Z")), "20 minutes from the keep-alive");
    assert!(
        app.message().is_some_and(|m| m.text.contains("kept alive ✓") && m.text.contains("ends at 10:20"))
    );
    // The service does not move idleAt: the next poll keeps the restarted countdown.
    rows(
        &mut app,
        Kind::Session,
        "fabric-prod",
        vec![idle_until("s-1", "2026-11-22T10:02:00Z")],
        "2026-11-22T10:00:40Z",
    );
    assert_eq!(idle_timeout_of(&app), Some(ts("2026-11-22T10:20:30Z")));
    // A later idleAt from the service wins; once busy, the kept time is forgotten.
    rows(
        &mut app,
        Kind::Session,
        "fabric-prod",
        vec![idle_until("s-1", "2026-11-22T10:25:00Z")],
        "2026-11-22T10:05:00Z",
    );
    assert_eq!(idle_timeout_of(&app), Some(ts("2026-11-22T10:25:00Z")));
    rows(
        &mut app,
        Kind::Session,
        "fabric-prod",
        vec![session("s-1", "etl-dev", "busy")],
        "2026-11-22T10:06:00Z",
    );
    rows(
        &mut app,
        Kind::Session,
        "fabric-prod",
        vec![idle_until("s-1", "2026-11-22T10:07:00Z")],
        "2026-11-22T10:06:10Z",
    );
    assert_eq!(idle_timeout_of(&app), Some(ts("2026-11-22T10:07:00Z")));
}

#[test]
fn quitting_while_a_statement_runs_in_an_execution_context_asks_in_its_words() {
    let mut app = app();
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster_row("0101-abc", "etl", "RUNNING", "")], T0);
    app.update(key('3'));
    app.update(key('e'));
    type_text(&mut app, "spark.range(3).count()");
    app.update(code(KeyCode::F(5)));
    let repl = crate::domain::statement::Repl::Databricks {
        workspace: "adb-prod".into(),
        cluster_id: "0101-abc".into(),
        context_id: "ctx-1".into(),
    };
    app.update(Msg::Repl { attempt: 1, result: Ok(repl) });
    app.update(Msg::Statement { seq: 1, update: StatementUpdate::Accepted("cmd-1".into()) });
    app.update(code(KeyCode::Esc));
    assert!(app.update(key('q')).is_empty(), "a running statement is not quit over silently");
    let asked = app.quitting().map(<[String]>::to_vec).unwrap_or_default();
    assert_eq!(
        asked,
        [
            "A statement still runs in the execution context ctx-1 on cluster 0101-abc (adb-prod): it is left to finish."
        ],
    );
    assert!(!asked.iter().any(|l| l.contains("idle")), "no Fabric idle timeout for a Databricks context");
    assert!(app.update(code(KeyCode::Esc)).is_empty());
    assert!(app.quitting().is_none());
    app.update(key('q'));
    assert_eq!(app.update(key('y')), [Effect::Quit]);
}
