//! An alert through the whole monitor: the real pollers and effect runner against the
//! simulator, the real event loop writing escapes. A run made to fail in the simulator gives
//! one line in the event log and one notification escape — once, however often it is polled
//! again — while what already matched at start stays quiet.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::channel::mpsc as input_channel;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sparkdeck::app::alerts::{Alert, Channels};
use sparkdeck::app::{self, App, Msg, Pane};
use sparkdeck::auth::AuthContext;
use sparkdeck::config::PollSettings;
use sparkdeck::config::model::Seconds;
use sparkdeck::drafts::Drafts;
use sparkdeck::effects::Runner;
use sparkdeck::sim::{Sim, SimOptions};
use sparkdeck::tui::EventLoop;
use sparkdeck::ui::Theme;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// What the loop wrote besides frames, shared with the test.
#[derive(Clone, Default)]
struct Written(Arc<Mutex<Vec<u8>>>);

impl Written {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl Write for Written {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Wait (generously: the machine may be loaded) until `done` holds.
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..600 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_failing_in_the_simulator_fires_one_event_and_one_notification()
-> Result<(), Box<dyn std::error::Error>> {
    let sim = Sim::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SimOptions { speed: 300.0, ..SimOptions::default() },
    )
    .await?;
    let data = tempfile::tempdir()?;
    let http = sparkdeck::api::http::client()?;
    let config = sparkdeck::cli::demo::demo_config(&sim);
    let workspaces =
        sparkdeck::workspace::connect(&config, &http, &AuthContext::new(http.clone(), data.path()));
    let names = workspaces.iter().map(|w| app::WorkspaceRef::new(w.name.clone(), w.service)).collect();
    let adb = sim.shared().databricks().demo_workspaces(sim.base_url())[0].clone();
    let notify = Channels { bell: true, osc9: true, osc777: false };
    // The seeded world has many failed runs already: they matched at start and must not fire.
    let failed = Alert::new("failures", &format!("state:failed kind:run ws:{}", adb.name), notify, false)?;
    let mine = Alert::new("alert-me", "state:failed name:alert-me", notify, false)?;
    let app = App::new(names, Timestamp::now(), TimeZone::UTC)
        .with_pane(Pane::Runs)
        .with_alerts(vec![failed, mine]);
    let (tx, rx) = mpsc::channel::<Msg>(256);
    let fast =
        PollSettings { active_seconds: Seconds(1), idle_seconds: Seconds(1), finished_seconds: Seconds(1) };
    let mut runner = Runner::start(
        workspaces,
        fast,
        Drafts::in_data_dir(data.path()),
        sparkdeck::domain::Clock::system(),
        tx,
    );
    let (_keys, input) = input_channel::unbounded::<io::Result<crossterm::event::Event>>();
    let (frame_tx, mut frames) = mpsc::unbounded_channel::<()>();
    let written = Written::default();
    let event_loop = EventLoop::new(Terminal::new(TestBackend::new(140, 40))?, Theme::dark())
        .with_escapes(Box::new(written.clone()))
        .on_frame(move |_| {
            let _ = frame_tx.send(());
        });
    let shutdown = CancellationToken::new();
    let handle = tokio::spawn(event_loop.run(app, input, rx, move |e| runner.run(e), shutdown.clone()));
    // Let the runs of every workspace arrive once (the start), then a few polls more.
    let polls = || {
        let (_, by_route) = sim.shared().faults.requests();
        by_route
            .iter()
            .filter(|(r, _)| r.starts_with("GET ") && r.contains("runs/list"))
            .map(|(_, n)| *n)
            .sum::<u64>()
    };
    until("the first polls of the runs", || {
        while frames.try_recv().is_ok() {}
        polls() >= 4
    })
    .await;
    // The seeded runs that had failed by then matched at start: they do not fire (the live
    // world may fail one of its own meanwhile, which does).
    let listed: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/2.2/jobs/runs/list?completed_only=true&limit=25", adb.host))
        .bearer_auth(&adb.pat)
        .send()
        .await?
        .json()
        .await?;
    let failed_at_start = listed["runs"]
        .as_array()
        .map_or(0, |runs| runs.iter().filter(|r| r["state"]["result_state"] == "FAILED").count());
    let told_at_start = written.text().matches("\x1b]9;").count();
    assert!(failed_at_start >= 2 && told_at_start < failed_at_start, "{told_at_start} of {failed_at_start}");

    // A one-time run whose notebook fails (the simulator fails paths that say so).
    let body = serde_json::json!({"run_name": "alert-me", "tasks": [{"task_key": "t",
        "new_cluster": {"spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2", "num_workers": 1},
        "notebook_task": {"notebook_path": "/Shared/fail-on-purpose"}}]});
    let answer = reqwest::Client::new()
        .post(format!("{}/api/2.2/jobs/runs/submit", adb.host))
        .bearer_auth(&adb.pat)
        .json(&body)
        .send()
        .await?;
    assert!(answer.status().is_success(), "{}", answer.text().await?);
    until("the alert's notification", || written.text().contains("alert \"alert-me\"")).await;
    // Polled again and again, it stays one notification per alert.
    let seen = polls();
    until("more polls", || polls() >= seen + 4).await;
    let text = written.text();
    assert_eq!(text.matches("alert \"alert-me\": run alert-me").count(), 1, "{text:?}");
    assert_eq!(text.matches("alert \"failures\": run alert-me").count(), 1, "{text:?}");
    assert!(
        text.contains("\x1b]9;alert \"alert-me\": run alert-me (") && !text.contains("\x1b]777;"),
        "{text:?}"
    );
    assert!(text.contains("TERMINATED/FAILED\x07\x07"), "OSC 9 then the bell: {text:?}");
    shutdown.cancel();
    let exit = handle.await??;
    let events: Vec<String> =
        exit.app.events().iter().map(|e| e.text.clone()).filter(|t| t.contains("run alert-me")).collect();
    assert_eq!(events.len(), 2, "one line per alert: {events:?}");
    assert!(
        events.iter().any(|e| e.starts_with("alert \"alert-me\": run alert-me (") && e.contains("FAILED")),
        "{events:?}"
    );
    sim.shutdown().await;
    Ok(())
}
