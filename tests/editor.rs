//! The statement editor end to end: the real event loop (on a `TestBackend`, keys through a
//! channel), the real effect runner and API clients, and the simulator's Fabric Livy API
//! (its clock sped up so a session starts in well under a second). The test types code, runs
//! it, and reads the answer off the screen — and off the simulator and the draft files.

mod tui_support;

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc as input_channel;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sparkdeck::app::{self, App, Editor, Msg};
use sparkdeck::auth::AuthContext;
use sparkdeck::config::PollSettings;
use sparkdeck::drafts::Drafts;
use sparkdeck::poll::runner::Runner;
use sparkdeck::sim::{Sim, SimOptions};
use sparkdeck::tui::EventLoop;
use sparkdeck::ui::Theme;
use sparkdeck::workspace::{self, statements};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tui_support::text;

type TestResult = Result<(), Box<dyn std::error::Error>>;

struct Screen {
    keys: input_channel::UnboundedSender<io::Result<Event>>,
    frames: mpsc::UnboundedReceiver<String>,
}

impl Screen {
    fn press(&self, code: KeyCode, modifiers: KeyModifiers) {
        let _ = self.keys.unbounded_send(Ok(Event::Key(KeyEvent::new(code, modifiers))));
    }

    fn key(&self, code: KeyCode) {
        self.press(code, KeyModifiers::NONE);
    }

    fn type_text(&self, text: &str) {
        for c in text.chars() {
            if c == '\n' {
                self.key(KeyCode::Enter);
            } else {
                self.key(KeyCode::Char(c));
            }
        }
    }

    /// The first frame (within 20 s) that contains every needle.
    async fn frame_with(&mut self, needles: &[&str]) -> String {
        let mut last = String::new();
        let found = tokio::time::timeout(Duration::from_secs(20), async {
            while let Some(frame) = self.frames.recv().await {
                if needles.iter().all(|n| frame.contains(n)) {
                    return Some(frame);
                }
                last = frame;
            }
            None
        })
        .await;
        match found {
            Ok(Some(frame)) => frame,
            _ => panic!("no frame with {needles:?}; the last one was:\n{last}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_runs_in_a_high_concurrency_repl_and_its_output_tables_and_errors_show() -> TestResult {
    let opts = SimOptions { speed: 200.0, ..SimOptions::default() };
    let sim = Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await?;
    let data = tempfile::tempdir()?;
    let http = sparkdeck::api::http::client()?;
    let config = workspace::demo::demo_config(&sim);
    let workspaces = workspace::connect(&config, &http, &AuthContext::new(http.clone(), data.path()));
    let kept = workspaces.clone();
    let fabric = workspaces.iter().find(|w| w.service == app::Service::Fabric).map(|w| w.name.clone());
    let fabric = fabric.ok_or("the simulator has a Fabric workspace")?;

    let drafts = Drafts::in_data_dir(data.path());
    let app_workspaces = workspaces.iter().map(|w| app::Workspace::new(w.name.clone(), w.service)).collect();
    let app = App::new(app_workspaces, Timestamp::now(), TimeZone::UTC).with_editor(Editor::default());
    let (tx, rx) = mpsc::channel::<Msg>(256);
    let runner = Runner::start(workspaces, PollSettings::default(), Default::default(), drafts.clone(), tx);
    let (keys, input) = input_channel::unbounded();
    let (frame_tx, frames) = mpsc::unbounded_channel();
    let terminal = Terminal::new(TestBackend::new(110, 40))?;
    let event_loop = EventLoop::new(terminal, Theme::dark()).on_frame(move |b| {
        let _ = frame_tx.send(text(b));
    });
    let shutdown = CancellationToken::new();
    let handle = tokio::spawn(event_loop.run(app, input, rx, runner, shutdown.clone()));
    let mut screen = Screen { keys, frames };

    screen.type_text(&format!(":editor {fabric}\n"));
    screen.frame_with(&["Editor · ", "no session yet: F5 starts one"]).await;
    // Python: a value and a printed line, in a REPL acquired on the first run.
    screen.type_text("x = 21\nprint(x * 2)");
    screen.key(KeyCode::F(5));
    let frame = screen.frame_with(&["[1] PySpark ok", "42"]).await;
    assert!(frame.contains("› x = 21"), "{frame}");
    // The REPL keeps its variables; an error shows its name and message.
    screen.press(KeyCode::Char('a'), KeyModifiers::CONTROL);
    for _ in 0..2 {
        screen.press(KeyCode::Char('k'), KeyModifiers::CONTROL);
        screen.press(KeyCode::Char('k'), KeyModifiers::CONTROL);
        screen.key(KeyCode::Up);
    }
    screen.press(KeyCode::Char('a'), KeyModifiers::CONTROL);
    screen.press(KeyCode::Char('k'), KeyModifiers::CONTROL);
    screen.type_text("print(undefined_name)");
    screen.key(KeyCode::F(5));
    let frame = screen.frame_with(&["[2] PySpark error", "NameError"]).await;
    assert!(frame.contains("undefined_name"), "{frame}");
    // SQL comes back as a table.
    screen.press(KeyCode::Char('a'), KeyModifiers::CONTROL);
    screen.press(KeyCode::Char('k'), KeyModifiers::CONTROL);
    screen.key(KeyCode::F(2));
    screen.key(KeyCode::F(2));
    screen.type_text("SELECT 7 AS answer, 'seven' AS word");
    screen.key(KeyCode::F(5));
    let frame = screen.frame_with(&["[3] SQL ok", "answer │ word", "(1 row)"]).await;
    assert!(frame.contains("7      │ seven"), "{frame}");

    // What the simulator holds: one HC session with our tag and three statements in its REPL.
    let final_app = {
        screen.press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let exit = handle.await??;
        exit.app
    };
    let repl = final_app.editor().held_repl().cloned().ok_or("the editor holds its REPL")?;
    let ws = kept.iter().find(|w| w.name == fabric).ok_or("workspace")?;
    let third = statements::statement(ws, &repl, 2).await?;
    assert_eq!(third["code"], "SELECT 7 AS answer, 'seven' AS word");
    assert_eq!(third["output"]["data"]["application/json"]["data"][0][1], "seven");
    // The draft and the history are on disk.
    assert_eq!(drafts.load_draft().map(|d| d.text), Ok("SELECT 7 AS answer, 'seven' AS word".to_string()));
    let history: Vec<String> = drafts.load_history().into_iter().map(|h| h.code).collect();
    assert_eq!(history.len(), 3, "{history:?}");
    assert_eq!(history[0], "x = 21\nprint(x * 2)");
    // Released on quit: the HC session is gone, and a second release is not an error.
    statements::release(ws, &repl).await?;
    statements::release(ws, &repl).await?;
    assert!(statements::statement(ws, &repl, 2).await.is_err(), "the REPL ended with its last HC session");
    shutdown.cancel();
    sim.shutdown().await;
    Ok(())
}
