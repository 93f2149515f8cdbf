//! The monitor tells the truth about time and about workspaces that stop answering: the real
//! pollers and effect runner against the simulator.

use std::net::SocketAddr;
use std::time::Duration;

use sparkdeck::app::{Effect, Msg};
use sparkdeck::config::PollSettings;
use sparkdeck::config::model::Seconds;
use sparkdeck::domain::{Clock, Kind};
use sparkdeck::drafts::Drafts;
use sparkdeck::effects::Runner;
use sparkdeck::sim::{FaultSpec, Sim, SimOptions};
use tokio::sync::mpsc;

async fn sim(opts: SimOptions) -> Sim {
    Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await.unwrap_or_else(|e| panic!("{e}"))
}

fn runner(
    sim: &Sim,
    settings: PollSettings,
    clock: Clock,
) -> (Runner, mpsc::Receiver<Msg>, tempfile::TempDir) {
    let http = sparkdeck::api::http::client().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let ctx = sparkdeck::auth::AuthContext::new(http.clone(), dir.path().to_path_buf());
    let workspaces = sparkdeck::workspace::connect(&sparkdeck::cli::demo::demo_config(sim), &http, &ctx);
    let (tx, rx) = mpsc::channel(256);
    let runner = Runner::start(workspaces, settings, Drafts::in_data_dir(dir.path()), clock, tx);
    (runner, rx, dir)
}

/// A workspace whose list call hangs is reported within one poll interval, while the call
/// goes on (its rows then show as stale).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_that_stops_answering_is_reported_within_one_poll_interval() {
    let faults = FaultSpec::parse("/api/2.1/clusters/list:latency=600s").unwrap_or_else(|e| panic!("{e}"));
    let sim = sim(SimOptions { faults, ..SimOptions::default() }).await;
    let settings = PollSettings {
        active_seconds: Seconds(1),
        idle_seconds: Seconds(1),
        finished_seconds: Seconds(1),
        ..Default::default()
    };
    let (mut runner, mut rx, _dir) = runner(&sim, settings, Clock::system());
    let name = sim.shared().databricks().demo_workspaces(sim.base_url())[0].name.clone();
    runner.run(Effect::SetVisible { workspaces: vec![name.clone()], kinds: vec![Kind::Cluster] });
    let started = std::time::Instant::now();
    let failed = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match rx.recv().await {
                Some(Msg::PollFailed { workspace, kind: Kind::Cluster, problem, .. })
                    if workspace == name =>
                {
                    return problem;
                }
                Some(_) => continue,
                None => panic!("the poller stopped"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no report of the hanging workspace"));
    assert!(failed.message.starts_with("no answer from 127.0.0.1:"), "{failed:?}");
    assert!(failed.message.ends_with("after 1 s (still trying)"), "{failed:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "reported after {:?}", started.elapsed());
    drop(runner);
    sim.shutdown().await;
}

/// With `--demo-speed`, the rows' times come from the simulator's clock: a session that
/// started a simulated minute ago shows a minute, not the second of wall time that passed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_the_demo_rows_are_timed_by_the_simulators_clock() {
    let sim = sim(SimOptions { speed: 60.0, ..SimOptions::default() }).await;
    let clock = sparkdeck::cli::demo::clock(&sim);
    let wall = jiff::Timestamp::now();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (mut runner, mut rx, _dir) = runner(&sim, PollSettings::default(), clock.clone());
    let name = sim.shared().fabric().demo_workspaces()[0].name.clone();
    runner.run(Effect::SetVisible { workspaces: vec![name.clone()], kinds: vec![Kind::Session] });
    let fetched = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if let Some(Msg::Rows { workspace, fetched_at, .. }) = rx.recv().await
                && workspace == name
            {
                return fetched_at;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no rows"));
    // 1.5 s of wall time at 60× is 90 s of simulated time.
    let ahead = fetched.duration_since(wall).as_secs();
    assert!(ahead >= 80, "fetched_at is only {ahead} s after the start: the wall clock, not the simulator's");
    assert!(clock.now() >= fetched);
    drop(runner);
    sim.shutdown().await;
}

/// The demo world stays alive: new items keep arriving while requests come in, at about one
/// a real second at most, whatever the speed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_world_keeps_changing() {
    let sim = sim(SimOptions { speed: 100.0, live: true, ..SimOptions::default() }).await;
    let count = |sim: &Sim| {
        let (sessions, batches) = sim.shared().fabric().sizes();
        let runs: usize = sim.shared().databricks().workspaces.iter().map(|w| w.runs.len()).sum();
        sessions.iter().sum::<usize>() + batches.iter().sum::<usize>() + runs
    };
    let arrivals = |sim: &Sim| {
        sim.shared().world.as_ref().map_or(0, |w| w.lock().unwrap_or_else(|e| e.into_inner()).arrivals())
    };
    let before = count(&sim);
    let http = reqwest::Client::new();
    for _ in 0..8 {
        let _ = http.get(format!("{}/api/2.1/clusters/list", sim.base_url())).send().await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let after = count(&sim);
    assert!(after > before, "nothing new arrived: {before} → {after}");
    // Four seconds of requests at 100× are almost seven simulated minutes: the world is lively
    // but not a flood (one arrival a 0.8 s at most, three at once).
    let n = arrivals(&sim);
    assert!((2..=8).contains(&n), "{n} arrivals");
    sim.shutdown().await;
}

/// A call the HTTP layer retried reaches the event log: the poller says what was retried.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retried_calls_are_reported_for_the_event_log() {
    let faults = FaultSpec::parse("/api/2.1/clusters/list:script=500+ok").unwrap_or_else(|e| panic!("{e}"));
    let sim = sim(SimOptions { faults, ..SimOptions::default() }).await;
    let (mut runner, mut rx, _dir) = runner(&sim, PollSettings::default(), Clock::system());
    let names: Vec<String> =
        sim.shared().databricks().demo_workspaces(sim.base_url()).into_iter().map(|w| w.name).collect();
    runner.run(Effect::SetVisible { workspaces: vec![names[0].clone()], kinds: vec![Kind::Cluster] });
    // The workspaces share the simulator's host and every poller starts with a poll, so the
    // one 500 goes to whichever workspace asks first (under load, not always the visible one).
    let retries = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match rx.recv().await {
                Some(Msg::Retried { workspace, retries }) if names.contains(&workspace) => return retries,
                Some(_) => continue,
                None => panic!("the poller stopped"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no report of the retried call"));
    assert_eq!(retries.len(), 1, "{retries:?}");
    assert!(
        retries[0].starts_with("retrying in ") && retries[0].contains("GET /api/2.1/clusters/list → 500"),
        "{retries:?}"
    );
    drop(runner);
    sim.shutdown().await;
}
