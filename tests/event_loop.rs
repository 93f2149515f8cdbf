//! The real event loop on a `TestBackend`, fed by a channel instead of a terminal, on tokio's
//! paused clock: time only moves when every task is idle, so "nothing was drawn for an hour"
//! is a deterministic statement about the loop's timers, not a race.

mod tui_support;

use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc as input_channel;
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Size};
use sparkdeck::app::{App, Effect, Msg, Pane};
use sparkdeck::config::NotificationSettings;
use sparkdeck::domain::Action;
use sparkdeck::domain::{Kind, Status};
use sparkdeck::tui::{EventLoop, Exit, TuiError};
use sparkdeck::ui::Theme;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, timeout};
use tokio_util::sync::CancellationToken;
use tui_support::{NOW, clusters, empty_app, runs, text, ts};

/// Longer than any timer the loop may legitimately arm (frame cap, 1 s clock).
const QUIET: Duration = Duration::from_secs(3600);

struct Harness {
    keys: input_channel::UnboundedSender<io::Result<Event>>,
    msgs: mpsc::Sender<Msg>,
    effects: mpsc::UnboundedReceiver<Effect>,
    frames: mpsc::UnboundedReceiver<String>,
    shutdown: CancellationToken,
    handle: JoinHandle<Result<Exit<Counted>, TuiError>>,
    /// Cells the loop has written to the terminal so far.
    written: Arc<AtomicUsize>,
}

/// A test terminal that counts the cells written to it.
struct Counted {
    inner: TestBackend,
    cells: Arc<AtomicUsize>,
}

impl Counted {
    fn buffer(&self) -> &Buffer {
        self.inner.buffer()
    }
}

impl Backend for Counted {
    type Error = std::convert::Infallible;

    fn draw<'a, I: Iterator<Item = (u16, u16, &'a Cell)>>(&mut self, content: I) -> Result<(), Self::Error> {
        let cells: Vec<_> = content.collect();
        self.cells.fetch_add(cells.len(), Ordering::SeqCst);
        self.inner.draw(cells.into_iter())
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        Backend::flush(&mut self.inner)
    }
}

/// What the loop wrote to the terminal besides frames (escapes), shared with the test.
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

/// Start the loop on `app`, with `queued` already waiting in the message channel.
fn start(app: App, queued: Vec<Msg>) -> Harness {
    start_with(app, queued, None)
}

/// Like `start`, writing escapes to `escapes` and notifying as the settings say.
fn start_with(app: App, queued: Vec<Msg>, escapes: Option<(Written, NotificationSettings)>) -> Harness {
    let (keys, input) = input_channel::unbounded();
    let (msgs, msg_rx) = mpsc::channel(1024);
    for m in queued {
        assert!(msgs.try_send(m).is_ok(), "message channel has room");
    }
    let (effect_tx, effects) = mpsc::unbounded_channel();
    let (frame_tx, frames) = mpsc::unbounded_channel();
    let shutdown = CancellationToken::new();
    let written = Arc::new(AtomicUsize::new(0));
    let backend = Counted { inner: TestBackend::new(120, 30), cells: written.clone() };
    let terminal = match Terminal::new(backend) {
        Ok(t) => t,
        Err(e) => match e {},
    };
    // Simulated wall clock: the fixed NOW plus tokio's (paused) elapsed time.
    let origin = Instant::now();
    let base = ts(NOW);
    let mut event_loop = EventLoop::new(terminal, Theme::dark())
        .with_clock(move || base.checked_add(origin.elapsed()).unwrap_or(base))
        .on_frame(move |buffer| {
            let _ = frame_tx.send(text(buffer));
        });
    if let Some((out, notifications)) = escapes {
        event_loop = event_loop.with_escapes(Box::new(out)).with_notifications(notifications);
    }
    let runner = move |effect: Effect| {
        let _ = effect_tx.send(effect);
    };
    let handle = tokio::spawn(event_loop.run(app, input, msg_rx, runner, shutdown.clone()));
    Harness { keys, msgs, effects, frames, shutdown, handle, written }
}

impl Harness {
    fn key(&self, code: KeyCode) {
        let _ = self.keys.unbounded_send(Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))));
    }

    fn type_text(&self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// The next frame drawn; fails if the loop goes quiet instead.
    async fn frame(&mut self) -> String {
        match timeout(QUIET, self.frames.recv()).await {
            Ok(Some(frame)) => frame,
            Ok(None) => panic!("the loop ended"),
            Err(_) => panic!("no frame was drawn"),
        }
    }

    /// Frames until one contains `needle` (a live row ticks a frame a virtual second, so give
    /// up after an hour's worth rather than spin).
    async fn frame_with(&mut self, needle: &str) -> String {
        for _ in 0..3600 {
            let frame = self.frame().await;
            if frame.contains(needle) {
                return frame;
            }
        }
        panic!("no frame showed {needle:?}");
    }

    /// Whether the loop stays without drawing while the (virtual) clock runs an hour.
    async fn stays_quiet(&mut self) -> bool {
        timeout(QUIET, self.frames.recv()).await.is_err()
    }

    /// Cells written to the terminal since the last call.
    fn written(&self) -> usize {
        self.written.swap(0, Ordering::SeqCst)
    }

    async fn finish(self) -> (Exit<Counted>, Vec<Effect>) {
        let Harness { keys, mut effects, handle, .. } = self;
        let exit = match handle.await {
            Ok(Ok(exit)) => exit,
            Ok(Err(e)) => panic!("loop failed: {e}"),
            Err(e) => panic!("loop panicked: {e}"),
        };
        drop(keys);
        let mut seen = Vec::new();
        while let Ok(e) = effects.try_recv() {
            seen.push(e);
        }
        (exit, seen)
    }
}

fn rows(kind: Kind, rows: Vec<sparkdeck::domain::Resource>) -> Msg {
    Msg::Rows {
        workspace: "adb-prod".into(),
        kind,
        rows: rows.into(),
        fetched_at: ts("2026-11-22T09:59:58Z"),
    }
}

#[tokio::test(start_paused = true)]
async fn keys_and_messages_drive_the_screen_and_q_quits() {
    let mut h = start(empty_app(), Vec::new());
    let first = h.frame().await;
    assert!(first.contains("No sessions in fabric-prod — polling…"), "{first}");

    assert!(h.msgs.send(rows(Kind::Run, runs())).await.is_ok());
    h.key(KeyCode::Char('4'));
    let frame = h.frame_with("train-churn-model").await;
    assert!(frame.contains("Runs (5)"), "{frame}");

    assert!(h.msgs.send(rows(Kind::Cluster, clusters())).await.is_ok());
    h.type_text(":cl");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Enter);
    let frame = h.frame_with("Clusters (4)").await;
    assert!(frame.contains("shared-analytics"), "{frame}");

    h.key(KeyCode::Char('q'));
    let (exit, effects) = h.finish().await;
    assert_eq!(exit.app.pane(), Pane::Clusters);
    assert_eq!(
        effects,
        vec![
            Effect::SetVisible {
                workspaces: vec!["fabric-prod".into(), "fabric-dev".into()],
                kinds: vec![Kind::Session]
            },
            Effect::SetVisible {
                workspaces: vec!["adb-prod".into(), "adb-dev".into()],
                kinds: vec![Kind::Run]
            },
            Effect::SetVisible {
                workspaces: vec!["adb-prod".into(), "adb-dev".into()],
                kinds: vec![Kind::Cluster]
            },
        ],
        "Quit ends the loop and never reaches the runner"
    );
    let last = text(exit.terminal.backend().buffer());
    assert!(last.contains("shared-analytics"));
}

#[tokio::test(start_paused = true)]
async fn an_idle_loop_with_nothing_live_never_redraws() {
    // Finished clusters only: no durations or countdowns change.
    let finished: Vec<_> = clusters().into_iter().filter(|c| c.status.is_terminal()).collect();
    let mut h = start(empty_app().with_pane(Pane::Clusters), vec![rows(Kind::Cluster, finished)]);
    let frame = h.frame().await;
    assert!(frame.contains("etl-nightly"), "{frame}");
    assert!(h.stays_quiet().await, "no timer runs while nothing on screen changes with time");

    // A key that is bound to nothing changes nothing: no frame either.
    h.key(KeyCode::Char('x'));
    assert!(h.stays_quiet().await);

    // A real change draws exactly once, then the loop is quiet again.
    h.key(KeyCode::Char('j'));
    let _ = h.frame().await;
    assert!(h.stays_quiet().await);

    h.shutdown.cancel();
    let (exit, _) = h.finish().await;
    assert_eq!(exit.draws, 2);
}

#[tokio::test(start_paused = true)]
async fn live_rows_tick_the_clock_once_a_second() {
    let live: Vec<_> = runs().into_iter().filter(|r| r.name == "hourly-aggregates").collect();
    let mut h = start(empty_app().with_pane(Pane::Runs), vec![rows(Kind::Run, live)]);
    // Started 09:55:02; the loop's clock starts at 10:00:00.
    let frame = h.frame().await;
    assert!(frame.contains("4m 58s"), "{frame}");
    let frame = h.frame().await;
    assert!(frame.contains("4m 59s"), "{frame}");
    let frame = h.frame().await;
    assert!(frame.contains("5m 00s"), "{frame}");

    // Leave for a pane with nothing live: the clock stops.
    h.key(KeyCode::Char('3'));
    let _ = h.frame_with("Clusters").await;
    assert!(h.stays_quiet().await);
    h.shutdown.cancel();
    let _ = h.finish().await;
}

/// The real renderer's whole frame of `app` at the loop's size.
fn whole_frame(app: &mut App) -> ratatui::buffer::Buffer {
    tui_support::draw(app, (120, 30)).backend().buffer().clone()
}

#[tokio::test(start_paused = true)]
async fn clock_frames_write_only_live_cells_and_leave_the_screen_true() {
    // Two runs started 3 s apart, the newest first: "57s" above "1m 00s" at 10:00.
    let older = tui_support::run(1, "older-run", "RUNNING", None, "PERIODIC", "2026-11-22T09:59:00Z", None);
    let newer = tui_support::run(2, "newer-run", "RUNNING", None, "PERIODIC", "2026-11-22T09:59:03Z", None);
    let mut h = start(empty_app().with_pane(Pane::Runs), vec![rows(Kind::Run, vec![older, newer])]);
    h.frame_with("1m 00s").await;
    // Three ticks: clock frames (none drawn whole: counted at the end), each writing only the
    // cells that changed (two durations, at most six characters each).
    assert!(h.written() > 200, "the first frames draw the whole screen");
    for _ in 0..3 {
        h.frame().await;
        let written = h.written();
        assert!((1..=12).contains(&written), "a tick wrote {written} cells");
    }
    // Reversed, the older run lands on the line where the last whole frame showed "1m 00s",
    // which it reads now: ratatui, comparing with that frame, would leave "1m 03s" on screen.
    h.key(KeyCode::Char('S'));
    let frame = h.frame().await;
    assert!(frame.contains("1m 03s") && frame.contains("1m 00s"), "{frame}");
    h.key(KeyCode::Char('q'));
    let (mut exit, _) = h.finish().await;
    assert_eq!(exit.live_draws, 3, "the three ticks were clock frames, of {} frames", exit.draws);
    let screen = exit.terminal.backend().buffer().clone();
    assert_eq!(screen, whole_frame(&mut exit.app), "the terminal shows the whole frame of the app's state");
}

#[tokio::test(start_paused = true)]
async fn a_burst_of_messages_is_drawn_as_one_frame() {
    let burst: Vec<Msg> = (0..100)
        .map(|i| {
            let mut all = runs();
            all.truncate(1 + i % 5);
            rows(Kind::Run, all)
        })
        .collect();
    let mut h = start(empty_app().with_pane(Pane::Runs), burst);
    let first = h.frame().await;
    assert!(first.contains("Runs (5)"), "the first frame already shows the last message:\n{first}");
    h.key(KeyCode::Char('q'));
    let (exit, _) = h.finish().await;
    assert_eq!(exit.draws, 1);
}

#[tokio::test(start_paused = true)]
async fn confirmed_actions_reach_the_effect_runner() {
    let mut h = start(empty_app().with_pane(Pane::Runs), vec![rows(Kind::Run, runs())]);
    let _ = h.frame_with("hourly-aggregates").await;
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('c'));
    let dialog = h.frame_with("Cancel run?").await;
    assert!(dialog.contains("884211"), "{dialog}");
    h.key(KeyCode::Char('y'));
    let _ = h.frame_with("Cancelling run \"hourly-aggregates\"").await;
    h.shutdown.cancel();
    let (_, effects) = h.finish().await;
    let actions: Vec<&Effect> = effects.iter().filter(|e| matches!(e, Effect::RunAction { .. })).collect();
    assert!(
        matches!(actions.as_slice(), [Effect::RunAction { action: Action::CancelRun, target }] if target.id == "884211"),
        "{effects:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_loop_writes_notifications_itself_and_never_hands_them_to_the_runner() {
    let written = Written::default();
    let notifications = NotificationSettings { bell: true, osc: true };
    let app = empty_app().with_pane(Pane::Runs);
    let mut h = start_with(app, vec![rows(Kind::Run, runs())], Some((written.clone(), notifications)));
    let _ = h.frame_with("hourly-aggregates").await;
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('w'));
    let _ = h.frame_with("Watching run").await;
    assert!(!written.text().contains('\x07'), "nothing rings before the run ends");

    let ended = runs()
        .into_iter()
        .map(|mut r| {
            if r.id == "884211" {
                r.status = Status::Failed;
                r.raw_state = "TERMINATED".into();
            }
            r
        })
        .collect();
    assert!(h.msgs.send(rows(Kind::Run, ended)).await.is_ok());
    let _ = h.frame_with("ended: TERMINATED").await;
    h.shutdown.cancel();
    let (_, effects) = h.finish().await;
    let out = written.text();
    let body = "run \"hourly-aggregates\" (id 884211) in adb-prod ended: TERMINATED (failed)";
    let told = format!("\x1b]9;{body}\x07\x1b]777;notify;sparkdeck;{body}\x07\x07");
    assert!(out.contains(&told), "OSC 9, OSC 777, then the bell: {out:?}");
    assert!(out.contains("\x1b[?2026h"), "frames are wrapped in synchronized updates: {out:?}");
    assert!(!effects.iter().any(|e| matches!(e, Effect::Notify { .. })), "{effects:?}");
}

#[tokio::test(start_paused = true)]
async fn the_loop_ends_when_input_ends() {
    let mut h = start(empty_app(), Vec::new());
    let _ = h.frame().await;
    h.keys.close_channel();
    let (exit, _) = h.finish().await;
    assert_eq!(exit.draws, 1);
}

#[tokio::test(start_paused = true)]
async fn input_errors_end_the_loop_with_an_error() {
    let mut h = start(empty_app(), Vec::new());
    let _ = h.frame().await;
    let _ = h.keys.unbounded_send(Err(io::Error::other("tty gone")));
    match h.handle.await {
        Ok(Err(TuiError::Input(e))) => assert_eq!(e.to_string(), "tty gone"),
        Ok(Err(e)) => panic!("unexpected error {e}"),
        Ok(Ok(_)) => panic!("the loop should fail"),
        Err(e) => panic!("loop panicked: {e}"),
    }
}
