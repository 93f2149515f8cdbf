//! Marks and bulk actions end to end: the app's keys, the real effect runner (one
//! `RunAction` per target through `effects::actions`) and the simulator's answers. Every
//! running run cancelled in one step and each seen to end CANCELED; every idle session killed
//! with "/idle * c y" and each seen to end.

use std::collections::HashSet;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sparkdeck::app::{App, Effect, Msg, Pane};
use sparkdeck::domain::{Kind, Status};

type Res = Result<(), Box<dyn std::error::Error>>;

#[path = "common/monitor.rs"]
mod monitor;
use monitor::Monitor;

/// What these tests read of the app beyond the shared harness.
trait Marks {
    fn shown(&self, pick: impl Fn(&sparkdeck::domain::Resource) -> bool) -> HashSet<(String, String)>;
    fn actions(&self) -> usize;
}

impl Marks for Monitor {
    /// The shown rows that `pick` likes: (workspace, id).
    fn shown(&self, pick: impl Fn(&sparkdeck::domain::Resource) -> bool) -> HashSet<(String, String)> {
        let a = &self.app;
        a.pane_state()
            .rows
            .iter()
            .filter_map(|r| a.entry(*r))
            .filter(|e| pick(&e.res))
            .map(|e| (e.res.workspace.clone(), e.res.id.clone()))
            .collect()
    }

    fn actions(&self) -> usize {
        self.asked.iter().filter(|e| matches!(e, Effect::RunAction { .. })).count()
    }
}

/// The state of `(workspace, id)` of `kind` as the app holds it now (`None`: not listed).
fn status_of(a: &App, kind: Kind, (ws, id): &(String, String)) -> Option<Status> {
    a.workspaces()
        .iter()
        .filter(|w| w.workspace.name == *ws)
        .flat_map(|w| &w.slot(kind).rows)
        .find(|e| e.res.id == *id)
        .map(|e| e.res.status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_running_run_is_cancelled_in_one_step_and_each_ends_canceled() -> Res {
    let mut m = Monitor::start().await?;
    m.update(Msg::Key(KeyEvent::new(KeyCode::Char('4'), KeyModifiers::NONE)));
    assert_eq!(m.app.pane(), Pane::Runs);
    m.until("three running runs", |a| {
        a.pane_state()
            .rows
            .iter()
            .filter_map(|r| a.entry(*r))
            .filter(|e| e.res.raw_state == "RUNNING")
            .count()
            >= 3
    })
    .await;
    m.keys("/");
    m.keys("^running$");
    m.enter();
    let running = m.shown(|r| r.raw_state == "RUNNING");
    assert!(running.len() >= 3, "{running:?}");
    m.keys("*c");
    let bulk = m.app.bulk().cloned().ok_or("no confirmation")?;
    assert_eq!(bulk.targets.len(), running.len(), "every running run is a target: {bulk:?}");
    assert!(bulk.skipped.is_empty(), "{bulk:?}");
    assert_eq!(m.actions(), 0, "nothing is sent before y");
    m.keys("y");
    assert_eq!(m.actions(), running.len(), "one request per run");
    let n = running.len();
    m.until("every run cancelled", |a| a.message().is_some_and(|msg| msg.text == format!("{n} cancelled ✓")))
        .await;
    m.until("every run to end CANCELED", |a| {
        running.iter().all(|key| status_of(a, Kind::Run, key) == Some(Status::Cancelled))
    })
    .await;
    // Each result is in the event log.
    let done = m.app.events().iter().filter(|e| e.text.starts_with("cancelled ✓ run")).count();
    assert_eq!(done, n, "{:?}", m.app.events());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_all_idle_sessions_is_slash_idle_star_c_y() -> Res {
    let mut m = Monitor::start().await?;
    m.until("an idle session", |a| {
        a.pane_state().rows.iter().filter_map(|r| a.entry(*r)).any(|e| e.res.status == Status::Ready)
    })
    .await;
    m.keys("/idle");
    m.enter();
    let idle = m.shown(|r| r.raw_state == "idle");
    m.keys("*c");
    let bulk = m.app.bulk().cloned().ok_or("no confirmation")?;
    // Idle rows of the monitoring list (notebooks) are listed as skipped, with why.
    let skipped: Vec<&String> = bulk.skipped.iter().map(|(_, why)| why).collect();
    assert!(skipped.iter().all(|why| why.contains("monitoring list")), "{skipped:?}");
    let targets: HashSet<(String, String)> =
        bulk.targets.iter().map(|t| (t.target.workspace.clone(), t.target.id.clone())).collect();
    assert!(!targets.is_empty() && targets.is_subset(&idle), "{targets:?} of {idle:?}");
    m.keys("y");
    let n = targets.len();
    m.until("every session killed", |a| a.message().is_some_and(|msg| msg.text == format!("{n} killed ✓")))
        .await;
    assert!(m.message().ends_with('✓'));
    m.until("every killed session to end", |a| {
        targets.iter().all(|key| status_of(a, Kind::Session, key).is_none_or(|s| s.is_terminal()))
    })
    .await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shift_y_copies_the_page_the_simulator_gives_and_a_cluster_page_under_its_host() -> Res {
    let mut m = Monitor::start().await?;
    m.keys("4");
    m.until("a run", |a| !a.pane_state().rows.is_empty()).await;
    let run_id = m.app.selected().map(|e| e.res.id.clone()).ok_or("no run")?;
    m.keys("Y");
    m.until("the run's URL", |a| a.message().is_some_and(|msg| msg.text.starts_with("Copied the URL"))).await;
    let copied: Vec<&String> =
        m.asked.iter().filter_map(|e| if let Effect::Copy(text) = e { Some(text) } else { None }).collect();
    assert!(
        copied
            .iter()
            .any(|url| url.starts_with("http://127.0.0.1:") && url.ends_with(&format!("/run/{run_id}"))),
        "{copied:?}"
    );
    m.keys("3");
    m.until("a cluster", |a| !a.pane_state().rows.is_empty()).await;
    let cluster_id = m.app.selected().map(|e| e.res.id.clone()).ok_or("no cluster")?;
    m.keys("Y");
    let page = format!("#setting/clusters/{cluster_id}/configuration");
    m.until("the cluster's URL", |a| a.message().is_some_and(|msg| msg.text.ends_with(&page))).await;
    // Fabric has none, and says where to look instead.
    m.keys("1");
    m.until("a session", |a| !a.pane_state().rows.is_empty()).await;
    m.keys("Y");
    m.until("no page for a session", |a| a.message().is_some_and(|msg| msg.text.contains("Monitoring hub")))
        .await;
    Ok(())
}
