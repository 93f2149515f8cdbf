//! The capacity signal end to end: a session created from the monitor's New form meets a full
//! Fabric capacity (HTTP 430 `TooManyRequestsForCapacity`, no `Retry-After`). The form says so
//! and keeps what was typed, the request is sent once (a 430 without a wait is not retried:
//! `api::http`), nothing is created, and the header counts the refusal for that workspace with
//! its time — again when the user sends it again.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sparkdeck::app::form::Stage;
use sparkdeck::app::{App, Msg};
use sparkdeck::domain::Kind;
use sparkdeck::sim::SimOptions;
use sparkdeck::sim::faults::FaultSpec;

type Res = Result<(), Box<dyn std::error::Error>>;

#[path = "common/monitor.rs"]
mod monitor;
use monitor::Monitor;

/// Session creates the simulator was asked for (every lakehouse's `…/sessions`).
fn session_posts(m: &Monitor) -> u64 {
    let (_, routes) = m.sim.shared().faults.requests();
    routes.iter().filter(|(r, _)| r.starts_with("POST ") && r.ends_with("/sessions")).map(|(_, n)| n).sum()
}

fn name_typed(app: &App) -> Option<String> {
    let form = app.form()?;
    form.fields.iter().find(|f| f.key.label() == "Name").map(|f| f.value.clone())
}

fn screen(app: &App) -> String {
    let Ok(mut terminal) = ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 45));
    let theme = sparkdeck::ui::Theme::dark();
    let Ok(_) = terminal.draw(|f| sparkdeck::ui::render(f, app, &theme));
    format!("{}", terminal.backend())
}

/// Review the form (ctrl-s) and send it (y); wait for its answer.
async fn send(m: &mut Monitor) {
    m.update(Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
    m.until("the review", |a| a.form().is_some_and(|f| matches!(f.stage, Stage::Review { .. }))).await;
    m.keys("y");
    m.until("the answer", |a| a.form().is_some_and(|f| f.stage == Stage::Editing && f.error.is_some())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_430_on_a_create_from_the_form_is_said_kept_not_retried_and_counted() -> Res {
    let faults = FaultSpec::parse("fabric:430=1")?;
    let mut m = Monitor::start_with(SimOptions { faults, ..SimOptions::default() }).await?;
    m.keys("1");
    m.until("a session with a lakehouse", |a| {
        a.selected().is_some_and(|e| {
            e.res.kind == Kind::Session && sparkdeck::domain::Target::of(&e.res).lakehouse.is_some()
        })
    })
    .await;
    let workspace = m.app.selected().map(|e| e.res.workspace.clone()).unwrap_or_default();
    let ws = m.app.workspaces().iter().position(|w| w.workspace.name == workspace).unwrap_or_default();
    assert_eq!(m.app.workspaces()[ws].capacity.refusals, 0);
    m.keys("n");
    m.until("the New session form", |a| a.form().is_some_and(|f| f.stage == Stage::Editing)).await;
    for _ in 0..40 {
        if m.app.form().is_some_and(|f| f.fields[f.focus].key.label() == "Name") {
            break;
        }
        m.key(KeyCode::Tab);
    }
    m.keys("capacity-probe");
    let performed = || m.sim.shared().faults.creates.report()["performed"].as_u64().unwrap_or(0);
    let created_before = performed();

    send(&mut m).await;
    let error = m.app.form().and_then(|f| f.error.clone()).unwrap_or_default();
    assert!(error.contains("430") && error.contains("TooManyRequestsForCapacity"), "{error}");
    assert!(error.contains("capacity is full"), "says what it means: {error}");
    assert_eq!(name_typed(&m.app).as_deref(), Some("capacity-probe"), "the draft is kept");
    assert_eq!(session_posts(&m), 1, "sent once: a 430 without a wait is not retried");
    assert_eq!(m.sim.shared().faults.creates.report()["performed"].as_u64().unwrap_or(0), created_before);
    let capacity = m.app.workspaces()[ws].capacity;
    assert_eq!(capacity.refusals, 1);
    let last = capacity.last.map(|t| t.to_zoned(m.app.time_zone().clone()).strftime("%H:%M").to_string());
    let Some(last) = last else { panic!("no time of the last refusal") };
    // The form covers the panes, not the header.
    let shown = screen(&m.app);
    let line = shown.lines().find(|l| l.contains(&format!(" {workspace} "))).unwrap_or_default();
    assert!(line.contains(&format!("capacity: 1 refusal, last {last}")), "{shown}");
    // The other workspaces count nothing.
    let others: u32 = m
        .app
        .workspaces()
        .iter()
        .filter(|w| w.workspace.name != workspace)
        .map(|w| w.capacity.refusals)
        .sum();
    assert_eq!(others, 0);

    // Sent again by the user: refused and counted again, still nothing created.
    send(&mut m).await;
    assert_eq!(session_posts(&m), 2);
    assert_eq!(m.app.workspaces()[ws].capacity.refusals, 2);
    assert!(screen(&m.app).contains("capacity: 2 refusals"), "{}", screen(&m.app));
    assert_eq!(name_typed(&m.app).as_deref(), Some("capacity-probe"));
    assert_eq!(m.sim.shared().faults.creates.report()["performed"].as_u64().unwrap_or(0), created_before);
    Ok(())
}
