//! The monitor without a terminal: the app driven by the real effect runner against a
//! simulator of both services. Keys go in; answers are applied until a condition holds.
#![allow(dead_code)] // Each test file uses part of it.

use std::net::SocketAddr;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use sparkdeck::app::{self, App, Effect, Msg};
use sparkdeck::auth::AuthContext;
use sparkdeck::config::PollSettings;
use sparkdeck::drafts::Drafts;
use sparkdeck::effects::Runner;
use sparkdeck::sim::{Sim, SimOptions};
use sparkdeck::workspace;
use tokio::sync::mpsc;

pub struct Monitor {
    pub sim: Sim,
    pub app: App,
    runner: Runner,
    rx: mpsc::Receiver<Msg>,
    _data: tempfile::TempDir,
    /// Every effect the app asked for.
    pub asked: Vec<Effect>,
}

impl Monitor {
    /// The demo's workspaces on a fresh simulator, at 160×45, started.
    pub async fn start() -> Result<Monitor, Box<dyn std::error::Error>> {
        Monitor::start_with(SimOptions::default()).await
    }

    /// [`Monitor::start`] on a simulator with `options` (a frozen clock, faults).
    pub async fn start_with(options: SimOptions) -> Result<Monitor, Box<dyn std::error::Error>> {
        let sim = Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), options).await?;
        let data = tempfile::tempdir()?;
        let http = sparkdeck::api::http::client()?;
        let config = sparkdeck::cli::demo::demo_config(&sim);
        let workspaces = workspace::connect(&config, &http, &AuthContext::new(http.clone(), data.path()));
        let names = workspaces.iter().map(|w| app::WorkspaceRef::new(w.name.clone(), w.service)).collect();
        let app = App::new(names, Timestamp::now(), TimeZone::UTC);
        let (tx, rx) = mpsc::channel::<Msg>(256);
        let drafts = Drafts::in_data_dir(data.path());
        let clock = sparkdeck::domain::Clock::system();
        let runner = Runner::start(workspaces, PollSettings::default(), drafts, clock, tx);
        let mut m = Monitor { sim, app, runner, rx, _data: data, asked: Vec::new() };
        let start = m.app.start();
        m.run(start);
        m.update(Msg::Resize { width: 160, height: 45 });
        Ok(m)
    }

    pub fn run(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            self.asked.push(effect.clone());
            if !matches!(effect, Effect::Quit) {
                self.runner.run(effect);
            }
        }
    }

    pub fn update(&mut self, msg: Msg) {
        let effects = self.app.update(msg);
        self.run(effects);
    }

    pub fn key(&mut self, code: KeyCode) {
        self.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn keys(&mut self, text: &str) {
        text.chars().for_each(|c| self.key(KeyCode::Char(c)));
    }

    pub fn enter(&mut self) {
        self.key(KeyCode::Enter);
    }

    /// Answers go to the app until `ok` holds (up to 90 s: debug builds on a busy machine).
    pub async fn until(&mut self, what: &str, ok: impl Fn(&App) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
        while !ok(&self.app) {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(msg)) => self.update(msg),
                Ok(None) => panic!("the runner stopped before {what}"),
                Err(_) => panic!("never saw {what}; message: {:?}", self.app.message()),
            }
        }
    }

    /// The status line's text.
    pub fn message(&self) -> String {
        self.app.message().map(|m| m.text.clone()).unwrap_or_default()
    }
}
