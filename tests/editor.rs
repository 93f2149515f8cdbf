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
use sparkdeck::app::{self, App, Console, Msg};
use sparkdeck::auth::AuthContext;
use sparkdeck::config::PollSettings;
use sparkdeck::domain::statement::Output;
use sparkdeck::drafts::Drafts;
use sparkdeck::effects::Runner;
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

/// The simulator, the workspaces connected to it, and the monitor running on them.
struct Stack {
    sim: Sim,
    screen: Screen,
    workspaces: Vec<workspace::Workspace>,
    drafts: Drafts,
    handle: tokio::task::JoinHandle<Result<sparkdeck::tui::Exit<TestBackend>, sparkdeck::tui::TuiError>>,
    shutdown: CancellationToken,
    _data: tempfile::TempDir,
}

impl Stack {
    async fn start() -> Result<Stack, Box<dyn std::error::Error>> {
        Stack::start_with("").await
    }

    /// With the simulator injecting `faults` (see `sparkdeck sim --faults`).
    async fn start_with(faults: &str) -> Result<Stack, Box<dyn std::error::Error>> {
        Stack::start_configured(faults, |_| {}).await
    }

    /// With the demo configuration changed by `change`.
    async fn start_configured(
        faults: &str,
        change: impl FnOnce(&mut sparkdeck::config::LoadedConfig),
    ) -> Result<Stack, Box<dyn std::error::Error>> {
        let faults = sparkdeck::sim::FaultSpec::parse(faults)?;
        let opts = SimOptions { speed: 200.0, faults, ..SimOptions::default() };
        let sim = Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await?;
        let data = tempfile::tempdir()?;
        let http = sparkdeck::api::http::client()?;
        let mut config = sparkdeck::cli::demo::demo_config(&sim);
        change(&mut config);
        let workspaces = workspace::connect(&config, &http, &AuthContext::new(http.clone(), data.path()));
        let kept = workspaces.clone();
        let drafts = Drafts::in_data_dir(data.path());
        let app_workspaces =
            workspaces.iter().map(|w| app::WorkspaceRef::new(w.name.clone(), w.service)).collect();
        let app = App::new(app_workspaces, Timestamp::now(), TimeZone::UTC)
            .with_console(Console::default())
            .with_targets(sparkdeck::cli::monitor::targets(&workspaces));
        let (tx, rx) = mpsc::channel::<Msg>(256);
        let mut runner = Runner::start(
            workspaces,
            PollSettings::default(),
            drafts.clone(),
            sparkdeck::domain::Clock::system(),
            tx,
        );
        let (keys, input) = input_channel::unbounded();
        let (frame_tx, frames) = mpsc::unbounded_channel();
        let terminal = Terminal::new(TestBackend::new(110, 40))?;
        let event_loop = EventLoop::new(terminal, Theme::dark()).on_frame(move |b| {
            let _ = frame_tx.send(text(b));
        });
        let shutdown = CancellationToken::new();
        let run = move |effect| runner.run(effect);
        let handle = tokio::spawn(event_loop.run(app, input, rx, run, shutdown.clone()));
        Ok(Stack {
            sim,
            screen: Screen { keys, frames },
            workspaces: kept,
            drafts,
            handle,
            shutdown,
            _data: data,
        })
    }

    fn named(&self, service: sparkdeck::domain::Service) -> String {
        self.workspaces.iter().find(|w| w.service == service).map(|w| w.name.clone()).unwrap_or_default()
    }

    /// Quit with ctrl-c; the app as it ended, and what it ran on (the data directory lives as
    /// long as the returned `Ended`).
    async fn quit(self) -> Result<Ended, Box<dyn std::error::Error>> {
        // Quitting while the editor holds a REPL asks first; a second ctrl-c is the answer.
        self.screen.press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        self.screen.press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let exit = self.handle.await??;
        self.shutdown.cancel();
        Ok(Ended {
            app: exit.app,
            workspaces: self.workspaces,
            drafts: self.drafts,
            sim: self.sim,
            _data: self._data,
        })
    }
}

struct Ended {
    app: App,
    workspaces: Vec<workspace::Workspace>,
    drafts: Drafts,
    sim: Sim,
    _data: tempfile::TempDir,
}

impl Ended {
    /// Give back the REPLs the app held, as quitting the monitor does, and stop the simulator.
    async fn release_and_stop(self) -> TestResult {
        for repl in &self.app.console().quit_plan().0 {
            let ws = self.workspaces.iter().find(|w| w.name == repl.workspace()).ok_or("workspace")?;
            statements::release(ws, repl).await?;
        }
        self.sim.shutdown().await;
        Ok(())
    }
}

/// ctrl-l: an empty editor.
fn clear(screen: &Screen, _lines: usize) {
    screen.press(KeyCode::Char('l'), KeyModifiers::CONTROL);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_runs_in_a_high_concurrency_repl_and_its_output_tables_and_errors_show() -> TestResult {
    let mut stack = Stack::start().await?;
    let fabric = stack.named(sparkdeck::domain::Service::Fabric);
    let screen = &mut stack.screen;
    screen.type_text(&format!(":editor {fabric}\n"));
    screen.frame_with(&["ctrl-t new tab", "no session yet: F5 starts one"]).await;
    // Python: a value and a printed line, in a REPL acquired on the first run.
    screen.type_text("x = 21\nprint(x * 2)");
    screen.key(KeyCode::F(5));
    let frame = screen.frame_with(&["[1] PySpark ok", "42"]).await;
    assert!(frame.contains("› x = 21"), "{frame}");
    // The REPL keeps its variables; an error shows its name and message.
    clear(screen, 2);
    screen.type_text("print(undefined_name)");
    screen.key(KeyCode::F(5));
    let frame = screen.frame_with(&["[2] PySpark error", "NameError"]).await;
    assert!(frame.contains("undefined_name"), "{frame}");
    // SQL comes back as a table.
    clear(screen, 1);
    screen.key(KeyCode::F(2));
    screen.key(KeyCode::F(2));
    screen.type_text("SELECT 7 AS answer, 'seven' AS word");
    screen.key(KeyCode::F(5));
    let frame = screen.frame_with(&["[3] SQL ok", "answer │ word", "(1 row)"]).await;
    assert!(frame.contains("     7 │ seven"), "numbers right-aligned: {frame}");

    // What the simulator holds: the three statements in the REPL.
    let ended = stack.quit().await?;
    let drafts = &ended.drafts;
    let repl = ended.app.editor().held_repl().cloned().ok_or("the editor holds its REPL")?;
    let ws = ended.workspaces.iter().find(|w| w.name == fabric).ok_or("workspace")?;
    let (_, third) = statements::read(ws, &repl, "2").await?;
    let Some(Output::Table(table)) = third else { panic!("a table: {third:?}") };
    assert_eq!(table.text_rows(), [["7", "seven"]]);
    assert!(table.rows[0][0].is_number(), "numbers stay numbers: {table:?}");
    // The draft and the history are on disk.
    // (Written off the loop's thread, newest text first in line: give the writer a moment.)
    let want = "SELECT 7 AS answer, 'seven' AS word".to_string();
    for _ in 0..50 {
        if drafts.load_tabs().is_ok_and(|t| t.tabs[0].text == want) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(drafts.load_tabs().map(|t| t.tabs[0].text.clone()), Ok(want));
    let history: Vec<String> = drafts.load_history().into_iter().map(|h| h.code).collect();
    assert_eq!(history.len(), 3, "{history:?}");
    assert_eq!(history[0], "x = 21\nprint(x * 2)");
    // Released on quit: the HC session is gone, and a second release is not an error.
    statements::release(ws, &repl).await?;
    statements::release(ws, &repl).await?;
    assert!(statements::read(ws, &repl, "2").await.is_err(), "the REPL ended with its last HC session");
    ended.sim.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_runs_on_a_selected_databricks_cluster_in_an_execution_context() -> TestResult {
    let mut stack = Stack::start().await?;
    let screen = &mut stack.screen;
    // The Clusters pane, narrowed to running ones; e on the first.
    screen.key(KeyCode::Char('3'));
    screen.type_text("/RUNNING\n");
    // Wait for a selected row (▶), not only the filter line: on a busy machine the clusters'
    // first poll may come after the filter is typed.
    let frame = screen.frame_with(&["filter RUNNING", "▶ "]).await;
    assert!(frame.contains("RUNNING"), "{frame}");
    screen.key(KeyCode::Char('e'));
    screen.frame_with(&["ctrl-t new tab", "/ cluster ", "no execution context yet"]).await;
    screen.type_text("x = 6\nprint(x * 7)");
    screen.key(KeyCode::F(5));
    let frame = screen.frame_with(&["[1] PySpark ok", "context "]).await;
    assert!(frame.contains("   42"), "{frame}");
    clear(screen, 2);
    screen.key(KeyCode::F(2));
    screen.key(KeyCode::F(2));
    screen.type_text("SELECT 1 AS one");
    screen.key(KeyCode::F(5));
    screen.frame_with(&["[2] SQL ok", "one", "(1 row)"]).await;
    clear(screen, 1);
    screen.key(KeyCode::F(2));
    screen.key(KeyCode::F(2));
    screen.type_text("print(nope)");
    screen.key(KeyCode::F(5));
    let frame = screen.frame_with(&["[3] PySpark error", "NameError"]).await;
    assert!(!frame.contains("<span"), "HTML is stripped from Databricks error summaries: {frame}");
    // The context goes away behind the editor's back (a cluster restart does that): the next
    // run is refused, so it is sent again in a new context, and says so nowhere but the id.
    let context_of = |frame: &str| {
        let at = frame.find("context ").map(|i| i + "context ".len())?;
        Some(frame[at..].split_whitespace().next()?.to_string())
    };
    let old = context_of(&frame).ok_or("the frame names the context")?;
    let cluster =
        frame.split("on cluster ").nth(1).and_then(|r| r.split_whitespace().next()).ok_or("cluster id")?;
    // The workspace the editor's title names: the first RUNNING row may be in either
    // Databricks workspace, depending on which poll came first.
    let name = frame
        .split("┌ ")
        .nth(1)
        .and_then(|t| t.split(" / cluster").next())
        .map(str::to_string)
        .ok_or("the title names the workspace")?;
    let ws = stack.workspaces.iter().find(|w| w.name == name).ok_or("workspace")?;
    let gone = sparkdeck::domain::statement::Repl::Databricks {
        workspace: name.clone(),
        cluster_id: cluster.to_string(),
        context_id: old.clone(),
    };
    statements::release(ws, &gone).await?;
    let screen = &mut stack.screen;
    clear(screen, 1);
    screen.type_text("print(x)");
    screen.key(KeyCode::F(5));
    // It ran (in a fresh context, where `x` from before does not exist) and the user is told.
    let frame = screen.frame_with(&["[4] PySpark error", "name 'x' is not defined", "starts fresh"]).await;
    assert_ne!(context_of(&frame), Some(old), "a new context: {frame}");
    let ended = stack.quit().await?;
    let repl = ended.app.editor().held_repl().cloned().ok_or("the editor holds its context")?;
    assert!(matches!(repl, sparkdeck::domain::statement::Repl::Databricks { .. }), "{repl:?}");
    let ws = ended.workspaces.iter().find(|w| w.name == repl.workspace()).ok_or("workspace")?;
    statements::release(ws, &repl).await?;
    ended.sim.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_session_chosen_in_the_pane_runs_the_code_and_is_left_running() -> TestResult {
    use sparkdeck::api::livy::models::SessionRequest;
    use sparkdeck::workspace::Clients;
    let mut stack = Stack::start().await?;
    let fabric = stack.named(sparkdeck::domain::Service::Fabric);
    let livy = {
        let ws = stack.workspaces.iter().find(|w| w.name == fabric).ok_or("workspace")?;
        let Ok(Clients::Fabric(f)) = &ws.clients else { return Err("a Fabric workspace".into()) };
        f.lakehouses[0].1.clone()
    };
    // Someone's own session, started outside sparkdeck.
    let req = SessionRequest { name: Some("attach-me".into()), ..SessionRequest::default() };
    let id = livy.create_session(&req).await?.id.clone().ok_or("a session id")?;
    for _ in 0..100 {
        if livy.session(&id).await?.raw["state"] == "idle" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let screen = &mut stack.screen;
    screen.type_text("/attach-me\n");
    screen.frame_with(&["filter attach-me", "idle"]).await;
    screen.key(KeyCode::Char('e'));
    screen.frame_with(&["· session attach-me", "attached to session"]).await;
    screen.type_text("print(40 + 2)");
    screen.key(KeyCode::F(5));
    let frame = screen.frame_with(&["[1] PySpark ok", "   42"]).await;
    assert!(frame.contains("statement 0"), "the session's own first statement: {frame}");
    let ended = stack.quit().await?;
    // The statement is in that session, and the session is still there after quitting.
    let statements = livy.statements(&id).await?;
    assert_eq!(statements.raw["statements"][0]["code"], "print(40 + 2)");
    let repl = ended.app.editor().held_repl().cloned().ok_or("attached")?;
    let ws = ended.workspaces.iter().find(|w| w.name == fabric).ok_or("workspace")?;
    statements::release(ws, &repl).await?;
    assert_eq!(livy.session(&id).await?.raw["state"], "idle", "the user's session is never deleted");
    ended.sim.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_capacity_refusal_is_shown_precisely_the_next_run_tries_again_and_f8_cancels() -> TestResult {
    // The first acquisition is refused for capacity (430), the second goes through.
    let mut stack = Stack::start_with("POST@/highConcurrencySessions:script=430+ok").await?;
    let fabric = stack.named(sparkdeck::domain::Service::Fabric);
    let screen = &mut stack.screen;
    screen.type_text(&format!(":editor {fabric}\n"));
    screen.type_text("print(1 + 1)");
    screen.key(KeyCode::F(5));
    let frame = screen.frame_with(&["[1] PySpark failed", "TooManyRequestsForCapacity"]).await;
    assert!(frame.contains("430"), "the status is named: {frame}");
    assert!(frame.contains("no session: "), "{frame}");
    screen.key(KeyCode::F(5));
    screen.frame_with(&["[2] PySpark ok", "   2"]).await;
    // A long statement is cancelled with F8 (an hour of simulated sleep, at 200× still minutes).
    clear(screen, 1);
    screen.type_text("import time\ntime.sleep(3600)");
    screen.key(KeyCode::F(5));
    screen.frame_with(&["[3] PySpark running"]).await;
    screen.key(KeyCode::F(8));
    let frame = screen.frame_with(&["[3] PySpark cancelled", "(cancelled)"]).await;
    assert!(!frame.contains("[3] PySpark running"), "{frame}");
    let ended = stack.quit().await?;
    assert_eq!(ended.app.editor().runs.len(), 3);
    ended.sim.shutdown().await;
    Ok(())
}

/// Alt + a key, as terminals send it.
fn alt(screen: &Screen, c: char) {
    screen.press(KeyCode::Char(c), KeyModifiers::ALT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tabs_on_different_targets_run_at_once_and_a_result_exports_with_its_types() -> TestResult {
    let mut stack = Stack::start().await?;
    let fabric = stack.named(sparkdeck::domain::Service::Fabric);
    let out = tempfile::tempdir()?;
    let screen = &mut stack.screen;
    screen.type_text(&format!(":editor {fabric}\n"));
    screen.frame_with(&["ctrl-t new tab", "no session yet"]).await;
    // Tab 1: a long statement in a Fabric high-concurrency REPL (600 simulated seconds).
    screen.type_text("import time; time.sleep(600); print('slept')");
    screen.key(KeyCode::F(5));
    screen.frame_with(&["[1] PySpark running"]).await;
    // Tab 2, moved with the picker to a running Databricks cluster.
    screen.press(KeyCode::Char('t'), KeyModifiers::CONTROL);
    screen.press(KeyCode::Char('g'), KeyModifiers::CONTROL);
    screen.type_text("cluster running");
    screen.frame_with(&["Where this tab runs code", "an execution context · RUNNING"]).await;
    screen.key(KeyCode::Enter);
    screen.frame_with(&["2 adb-", "/ cluster ", "no execution context yet"]).await;
    screen.type_text("spark.range(5).count()");
    screen.key(KeyCode::F(5));
    // Tab 2's answer while tab 1's statement still runs: its tab shows a spinner.
    let frame = screen.frame_with(&["[2] PySpark ok", "   5"]).await;
    let tab_bar =
        frame.lines().find(|l| l.contains(" 1 ") && l.contains("│ 2 adb-")).unwrap_or_default().to_string();
    assert!(
        ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"].iter().any(|s| tab_bar
            .split('│')
            .next()
            .unwrap_or("")
            .contains(s)),
        "tab 1 still runs: {tab_bar}"
    );
    assert!(
        frame.contains("· adb-") && frame.contains("/ cluster "),
        "the output says where it ran: {frame}"
    );
    // Back in tab 1: a typed table, exported as JSON and CSV.
    alt(screen, '1');
    screen.frame_with(&["[1] PySpark ok", "slept"]).await;
    screen.press(KeyCode::Char('l'), KeyModifiers::CONTROL);
    screen.type_text("%%sql\nSELECT region, COUNT(*) AS orders, ROUND(SUM(quantity * unit_price), 2) AS revenue FROM sales GROUP BY region ORDER BY region");
    screen.key(KeyCode::F(5));
    screen.frame_with(&["[3] SQL ok", "region", "orders"]).await;
    let json = out.path().join("by region.json");
    alt(screen, ':');
    screen.type_text(&format!("export {}\n", json.display()));
    screen.frame_with(&["Exported", "rows to"]).await;
    let csv = out.path().join("by_region.csv");
    alt(screen, ':');
    screen.type_text(&format!("export {}\n", csv.display()));
    screen.frame_with(&["Exported", "by_region.csv"]).await;
    let rows: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json)?)?;
    let first = &rows[0];
    assert!(
        first["region"].is_string() && first["orders"].is_u64() && first["revenue"].is_number(),
        "{rows}"
    );
    let text = std::fs::read_to_string(&csv)?;
    assert!(text.starts_with("region,orders,revenue\n"), "{text}");
    assert_eq!(text.lines().count(), rows.as_array().map_or(0, Vec::len) + 1);
    // Both tabs' texts are on disk.
    let ended = stack.quit().await?;
    let tabs = ended.drafts.load_tabs().map_err(|e| e.to_string())?;
    assert_eq!(tabs.tabs.len(), 2);
    assert_eq!(tabs.tabs[1].text, "spark.range(5).count()");
    // Both REPLs are given back on quit.
    let (release, left) = ended.app.console().quit_plan();
    assert_eq!((release.len(), left.len()), (2, 0), "{release:?} {left:?}");
    ended.release_and_stop().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_submit_says_why_and_f5_sends_it_again_while_a_5xx_status_read_is_retried() -> TestResult {
    // The first statement POST fails with a 500 (never re-sent by itself: it may have run), and
    // the first status reads answer 500 (reads are safe to repeat, so they are retried).
    let mut stack =
        Stack::start_with("POST@/repls/:script=500+ok,GET@/statements/:script=500+500+ok").await?;
    let fabric = stack.named(sparkdeck::domain::Service::Fabric);
    let screen = &mut stack.screen;
    screen.type_text(&format!(":editor {fabric}\n"));
    screen.frame_with(&["ctrl-t new tab", "no session yet"]).await;
    screen.type_text("print(6 * 7)");
    screen.key(KeyCode::F(5));
    let frame = screen.frame_with(&["[1] PySpark not sent", "F5 sends it again"]).await;
    assert!(frame.contains("500"), "the reason: {frame}");
    screen.key(KeyCode::F(5));
    let frame = screen.frame_with(&["[1] PySpark ok", "   42"]).await;
    assert!(!frame.contains("[2]"), "the same run, sent again: {frame}");
    stack.quit().await?.release_and_stop().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lakehouse_configured_by_its_id_is_named_as_fabric_names_it() -> TestResult {
    // Every lakehouse configured by id alone, as `lakehouses = ["<guid>"]` does.
    let mut stack = Stack::start_configured("", |config| {
        for ws in &mut config.fabric {
            for lh in &mut ws.lakehouses {
                lh.name = None;
            }
        }
    })
    .await?;
    let fabric = stack.named(sparkdeck::domain::Service::Fabric);
    let (id, name) = stack.sim.shared().fabric().demo_workspaces()[0].lakehouses[0].clone();
    let ws = stack.workspaces.iter().find(|w| w.name == fabric).ok_or("workspace")?;
    assert!(statements::has_unnamed_lakehouses(ws));
    let names = statements::lakehouse_names(ws).await?;
    assert!(names.contains(&(id.clone(), name.clone())), "{names:?}");
    // The editor's title and the picker show the name, never the GUID.
    let screen = &mut stack.screen;
    screen.type_text(&format!(":editor {fabric}\n"));
    let frame = screen.frame_with(&["ctrl-t new tab", &format!("{fabric} / {name}")]).await;
    assert!(!frame.contains(&id), "{frame}");
    screen.press(KeyCode::Char('g'), KeyModifiers::CONTROL);
    let frame = screen.frame_with(&["Where this tab runs code", &format!("●{fabric}")]).await;
    assert!(frame.contains(&name) && !frame.contains(&id), "{frame}");
    let ended = stack.quit().await?;
    ended.sim.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repl_settings_chosen_in_the_picker_go_in_the_acquire_body() -> TestResult {
    let mut stack = Stack::start().await?;
    let fabric = stack.named(sparkdeck::domain::Service::Fabric);
    let screen = &mut stack.screen;
    screen.type_text(&format!(":editor {fabric}\n"));
    screen.frame_with(&["ctrl-t new tab"]).await;
    // Ctrl-G starts on where the tab runs; ctrl-s opens its settings and reads the environments.
    screen.press(KeyCode::Char('g'), KeyModifiers::CONTROL);
    screen.frame_with(&["Where this tab runs code", "ctrl-s REPL settings"]).await;
    screen.press(KeyCode::Char('s'), KeyModifiers::CONTROL);
    screen.frame_with(&["REPL settings", "2 to choose from"]).await;
    screen.key(KeyCode::Right);
    screen.key(KeyCode::Right);
    screen.frame_with(&["◂ env_ml_libs ▸"]).await;
    screen.key(KeyCode::Down);
    screen.type_text("spark.sql.shuffle.partitions=7");
    for _ in 0..6 {
        screen.key(KeyCode::Down);
    }
    // A tag of its own, so the REPL gets a Livy session made from this request.
    for _ in 0.."sparkdeck".len() {
        screen.key(KeyCode::Backspace);
    }
    screen.type_text("settings-flow");
    screen.press(KeyCode::Char('s'), KeyModifiers::CONTROL);
    screen.frame_with(&["next run acquires a REPL", "tag settings-flow · environment env_ml_libs"]).await;
    screen.type_text("print(6 * 7)");
    screen.key(KeyCode::F(5));
    let frame = screen.frame_with(&["[1] PySpark ok", "42"]).await;
    assert!(frame.contains("environment env_ml_libs · 1 conf key"), "the output says with what: {frame}");

    let ended = stack.quit().await?;
    let Some(sparkdeck::domain::statement::Repl::Livy { session_id, lakehouse, hc_id, .. }) =
        ended.app.editor().held_repl().cloned()
    else {
        panic!("a high-concurrency REPL: {:?}", ended.app.editor().repl)
    };
    // The session the simulator made echoes the acquire body: the environment as the reference
    // spells it (a JSON string in conf), the conf line, and the tag on the HC session.
    let ws = ended.workspaces.iter().find(|w| w.name == fabric).ok_or("workspace")?;
    let Ok(workspace::Clients::Fabric(f)) = &ws.clients else { panic!("a Fabric workspace") };
    let (_, client) = f.lakehouses.iter().find(|(l, _)| *l == lakehouse).ok_or("lakehouse")?;
    let session = client.session(&session_id).await?.raw;
    let sent = &session["livyInfo"]["jobCreationRequest"];
    let listed = statements::environments(ws).await?;
    let env =
        listed.iter().find(|(_, n)| n == "env_ml_libs").map(|(id, _)| id.clone()).ok_or("env_ml_libs")?;
    assert_eq!(sent["conf"]["spark.fabric.environmentDetails"], format!("{{\"id\" : \"{env}\"}}"), "{sent}");
    assert_eq!(sent["conf"]["spark.sql.shuffle.partitions"], "7", "{sent}");
    assert_eq!(client.hc_session(&hc_id).await?.raw["sessionTag"], "settings-flow");
    // Kept with the tab on disk.
    let tabs = ended.drafts.load_tabs()?;
    let kept = tabs.settings.first().cloned().flatten().ok_or("settings in tabs.json")?;
    assert_eq!((kept.tag(), kept.environment.as_deref()), ("settings-flow", Some(env.as_str())));
    ended.release_and_stop().await
}
