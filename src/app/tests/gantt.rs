//! A run's tasks read again while its details are open and it moves on: one `runs/get` per
//! refresh of its row, one last when it ends, none while a read is out or once the details close.

use super::*;

fn rereads(effects: &[Effect]) -> usize {
    effects.iter().filter(|e| matches!(e, Effect::LoadRelated { target } if target.kind == Kind::Run)).count()
}

fn poll(app: &mut App, life: &str, result: Option<&str>) -> Vec<Effect> {
    let rows = vec![run(2, "hourly-agg", life, result, "2026-11-22T09:55:00Z")];
    app.update(Msg::Rows {
        workspace: "adb-prod".into(),
        kind: Kind::Run,
        rows: rows.into(),
        fetched_at: ts(T0),
    })
}

fn answer(app: &mut App) {
    let related = Ok(("Tasks (2)".to_string(), vec!["a: RUNNING".to_string(), "b: BLOCKED".to_string()]));
    app.update(Msg::Related { target: run_target("2", "hourly-agg"), related });
}

#[test]
fn an_open_running_run_is_read_again_at_each_refresh_until_it_ended() {
    let mut app = app().with_pane(Pane::Runs);
    only_hourly_agg(&mut app);
    assert_eq!(rereads(&app.update(code(KeyCode::Enter))), 1, "opening reads it");
    // The first read is still out: a refresh waits for it.
    assert_eq!(rereads(&poll(&mut app, "RUNNING", None)), 0);
    answer(&mut app);
    assert_eq!(rereads(&poll(&mut app, "RUNNING", None)), 1);
    answer(&mut app);
    assert_eq!(rereads(&poll(&mut app, "RUNNING", None)), 1);
    answer(&mut app);
    // It ended: one last read shows the final states, then nothing more.
    assert_eq!(rereads(&poll(&mut app, "TERMINATED", Some("SUCCESS"))), 1);
    answer(&mut app);
    assert_eq!(rereads(&poll(&mut app, "TERMINATED", Some("SUCCESS"))), 0);
    assert_eq!(rereads(&poll(&mut app, "TERMINATED", Some("SUCCESS"))), 0);
}

#[test]
fn nothing_is_read_again_once_the_details_close_or_for_an_ended_run() {
    let mut app = app().with_pane(Pane::Runs);
    only_hourly_agg(&mut app);
    app.update(code(KeyCode::Enter));
    answer(&mut app);
    app.update(code(KeyCode::Esc));
    assert!(app.details().is_none());
    assert_eq!(rereads(&poll(&mut app, "RUNNING", None)), 0, "closed details read nothing");
    // Other kinds' and workspaces' refreshes do not read the run.
    app.update(code(KeyCode::Enter));
    answer(&mut app);
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster_row("c-1", "etl", "RUNNING", "4")], T0);
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-1", "etl", "idle")], T0);
    assert_eq!(app.details().map(|d| d.id.as_str()), Some("2"));
    assert_eq!(rereads(&app.update(Msg::Tick(ts(T0)))), 0);

    // An ended run's details read it once, at opening.
    let mut app = super::app().with_pane(Pane::Runs);
    rows(&mut app, Kind::Run, "adb-prod", vec![run(1, "nightly-etl", "TERMINATED", Some("SUCCESS"), T0)], T0);
    assert_eq!(rereads(&app.update(code(KeyCode::Enter))), 1);
    let related = Ok(("Tasks (1)".to_string(), vec!["a: TERMINATED".to_string()]));
    app.update(Msg::Related { target: run_target("1", "nightly-etl"), related });
    let again = vec![run(1, "nightly-etl", "TERMINATED", Some("SUCCESS"), T0)];
    let effects = app.update(Msg::Rows {
        workspace: "adb-prod".into(),
        kind: Kind::Run,
        rows: again.into(),
        fetched_at: ts(T0),
    });
    assert_eq!(rereads(&effects), 0);
}
