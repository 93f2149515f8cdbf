//! The event loop: one owner of the `App`, woken only by something happening.
//!
//! `select!` (biased) over: shutdown, queued messages (drained with `recv_many`), terminal
//! input, the render deadline, and the clock. It draws only when the app says something
//! changed (dirty flag), only once the message queue is drained, and at most once per
//! `FRAME_INTERVAL`.
//!
//! Timers: there are no free-running ones. The only timers are (1) the next render deadline,
//! armed only while a frame is owed, and (2) a 1 s clock tick armed only while
//! `App::needs_clock()` (a live row in the focused pane — durations and idle countdowns
//! change — a fading flash, or a throttle wait; never while the terminal is unfocused and
//! pausing). A tick draws only if it changed what is shown (`app::clock`), and when it changed
//! only live cells (durations, countdowns) it writes just those (`live_frame`). With nothing
//! live on screen and no input, the loop sleeps and does not redraw.
//!
//! Effects: quitting and the terminal escapes (clipboard, notifications) are the loop's own,
//! written between frames to the terminal it draws on; every other effect goes to the runner.

use std::io::{self, Write};
use std::time::Duration;

use crossterm::event::{Event, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use futures::{Stream, StreamExt};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

use super::live_frame::LiveScreen;
use super::{EffectRunner, TuiError, escapes, external};
use crate::app::{App, Effect, Msg, Redraw};
use crate::config::NotificationSettings;
use crate::ui::{self, Theme};

/// At most one frame per this interval during bursts (~120 fps: a terminal shows whole frames
/// only, and what arrives right after a frame waits at most this long; at 16 ms the rows of the
/// first polls, in ~6 ms after the start's empty frame, waited ~10 ms for a frame).
pub const FRAME_INTERVAL: Duration = Duration::from_millis(8);

/// How often the clock ticks while something on screen depends on time.
const CLOCK: Duration = Duration::from_secs(1);

/// Messages handled per wake-up before drawing is considered again.
const BATCH: usize = 256;

type Clock = Box<dyn FnMut() -> Timestamp + Send>;
type FrameHook = Box<dyn FnMut(&Buffer) + Send>;

/// The loop and what it draws on.
pub struct EventLoop<B: Backend> {
    terminal: Terminal<B>,
    theme: Theme,
    clock: Clock,
    /// The stream the backend writes to, for escapes; none on a `TestBackend`.
    escapes: Option<Box<dyn Write + Send>>,
    notifications: NotificationSettings,
    frame_hook: Option<FrameHook>,
    draws: u64,
    live_draws: u64,
    /// Gives the terminal up around the outside editor (none on a `TestBackend`).
    suspend: Option<Box<dyn external::Suspend>>,
    /// Answers the loop's own effects produced (the outside editor's text), dispatched next.
    answers: Vec<Msg>,
    /// What the screen shows at the live cells: a clock tick writes only those again.
    live: LiveScreen,
    /// The whole screen as the frame hook sees it (kept only while there is a hook).
    screen: Buffer,
}

/// What is left when the loop ends.
pub struct Exit<B: Backend> {
    pub terminal: Terminal<B>,
    pub app: App,
    /// Frames drawn.
    pub draws: u64,
    /// Of those, clock frames that wrote only live cells (`live_frame`).
    pub live_draws: u64,
}

enum Flow {
    Continue,
    Quit,
}

impl<B: Backend> EventLoop<B> {
    /// A loop on `terminal` with the wall clock.
    pub fn new(terminal: Terminal<B>, theme: Theme) -> EventLoop<B> {
        EventLoop {
            terminal,
            theme,
            clock: Box::new(Timestamp::now),
            escapes: None,
            notifications: NotificationSettings::default(),
            frame_hook: None,
            draws: 0,
            live_draws: 0,
            suspend: None,
            answers: Vec::new(),
            live: LiveScreen::default(),
            screen: Buffer::empty(ratatui::layout::Rect::ZERO),
        }
    }

    /// How to give the terminal up while the outside editor (ctrl-e) runs, and take it back.
    pub fn with_suspend(mut self, suspend: Box<dyn external::Suspend>) -> Self {
        self.suspend = Some(suspend);
        self
    }

    /// Where `Msg::Tick` gets the time (tests: a simulated clock).
    pub fn with_clock(mut self, clock: impl FnMut() -> Timestamp + Send + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// Write escapes to `out`, which must be the stream the backend writes to (stdout): each
    /// frame wrapped in synchronized-update escapes (CSI ?2026), so terminals show whole frames
    /// only, and between frames the app's clipboard copies and notifications. Without it no
    /// escapes are written.
    pub fn with_escapes(mut self, out: Box<dyn Write + Send>) -> Self {
        self.escapes = Some(out);
        self
    }

    /// How `Effect::Notify` reaches the user (bell, desktop notification); by default it does not.
    pub fn with_notifications(mut self, settings: NotificationSettings) -> Self {
        self.notifications = settings;
        self
    }

    /// Called with every completed frame (tests count and inspect frames).
    pub fn on_frame(mut self, hook: impl FnMut(&Buffer) + Send + 'static) -> Self {
        self.frame_hook = Some(Box::new(hook));
        self
    }

    /// Run until the user quits, input ends, or `shutdown` is cancelled.
    pub async fn run<S, R>(
        mut self,
        mut app: App,
        mut input: S,
        mut msgs: mpsc::Receiver<Msg>,
        mut runner: R,
        shutdown: CancellationToken,
    ) -> Result<Exit<B>, TuiError>
    where
        S: Stream<Item = io::Result<Event>> + Unpin,
        R: EffectRunner,
    {
        let mut flow = Flow::Continue;
        for effect in app.start() {
            flow = flow.or(self.perform(&mut runner, effect));
        }
        let size = self.terminal.size().map_err(backend)?;
        flow = flow.or(self.dispatch(
            &mut app,
            &mut runner,
            Msg::Resize { width: size.width, height: size.height },
        ));
        let now = (self.clock)();
        flow = flow.or(self.dispatch(&mut app, &mut runner, Msg::Tick(now)));
        let mut redraw = app.take_redraw();
        let mut last_draw: Option<Instant> = None;
        let mut next_tick: Option<Instant> = None;
        let mut msgs_open = true;
        let mut batch = Vec::with_capacity(BATCH);
        while matches!(flow, Flow::Continue) {
            let due = (redraw != Redraw::Nothing)
                .then(|| last_draw.map_or_else(Instant::now, |t| t + FRAME_INTERVAL));
            if let Some(at) = due
                && at <= Instant::now()
                && msgs.is_empty()
            {
                self.draw(&app, redraw)?;
                redraw = Redraw::Nothing;
                last_draw = Some(Instant::now());
                continue;
            }
            next_tick = match (app.needs_clock(), next_tick) {
                (true, Some(t)) => Some(t),
                (true, None) => Some(Instant::now() + CLOCK),
                (false, _) => None,
            };
            tokio::select! {
                biased;
                // First, so a cancel never waits behind a flood of messages.
                () = shutdown.cancelled() => break,
                n = msgs.recv_many(&mut batch, BATCH), if msgs_open => {
                    if n == 0 {
                        msgs_open = false;
                    }
                    for msg in batch.drain(..) {
                        flow = flow.or(self.dispatch(&mut app, &mut runner, msg));
                    }
                }
                event = input.next() => match event {
                    Some(Ok(event)) => {
                        if let Event::Resize(width, height) = event {
                            self.resize(width, height)?;
                        }
                        if let Some(msg) = translate(event) {
                            // Back in focus after a pause: the time first, so the frame it
                            // draws shows durations as they are now.
                            if matches!(msg, Msg::Focus(true)) {
                                let now = (self.clock)();
                                flow = self.dispatch(&mut app, &mut runner, Msg::Tick(now));
                            }
                            flow = flow.or(self.dispatch(&mut app, &mut runner, msg));
                        }
                    }
                    Some(Err(e)) => return Err(TuiError::Input(e)),
                    None => break,
                },
                () = sleep_until(due.unwrap_or_else(Instant::now)), if due.is_some() => {}
                () = sleep_until(next_tick.unwrap_or_else(Instant::now)), if next_tick.is_some() => {
                    next_tick = None;
                    let now = (self.clock)();
                    flow = self.dispatch(&mut app, &mut runner, Msg::Tick(now));
                }
            }
            redraw = redraw.max(app.take_redraw());
        }
        Ok(Exit { terminal: self.terminal, app, draws: self.draws, live_draws: self.live_draws })
    }

    /// Draw a frame: after a clock tick that changed only live cells, just the cells that
    /// read differently, straight to the terminal (`live_frame`); else the whole screen.
    fn draw(&mut self, app: &App, redraw: Redraw) -> Result<(), TuiError> {
        if let Some(out) = &mut self.escapes {
            execute!(out, BeginSynchronizedUpdate)?;
        }
        let theme = &self.theme;
        let live = (redraw == Redraw::Live).then(|| ui::redraw_live(app, theme, self.live.drawn())).flatten();
        let whole = live.is_none();
        let writes = match live {
            Some(cells) => {
                let writes = self.live.tick(cells);
                if let Some(hook) = &mut self.frame_hook {
                    // Tests see the whole screen: the last frame with the cells written.
                    for (x, y, cell) in &writes {
                        self.screen[(*x, *y)] = cell.clone();
                    }
                    hook(&self.screen);
                }
                writes
            }
            None => {
                let mut drawn = ui::Drawn::default();
                let frame = self.terminal.draw(|f| drawn = ui::draw(f, app, theme)).map_err(backend)?;
                if let Some(hook) = &mut self.frame_hook {
                    self.screen.clone_from(frame.buffer);
                    hook(frame.buffer);
                }
                self.live.whole(frame.buffer, drawn)
            }
        };
        if !writes.is_empty() {
            let b = self.terminal.backend_mut();
            b.draw(writes.iter().map(|(x, y, cell)| (*x, *y, cell))).map_err(backend)?;
            Backend::flush(b).map_err(backend)?;
        }
        tracing::trace!(?redraw, whole, written = writes.len(), "frame");
        if let Some(out) = &mut self.escapes {
            execute!(out, EndSynchronizedUpdate)?;
        }
        self.draws += 1;
        self.live_draws += u64::from(!whole);
        Ok(())
    }

    /// The terminal is now `width` × `height`. The production terminal's viewport is fixed, so
    /// a frame does not ask the terminal for its size (a system call on `/dev/tty` each time):
    /// it changes here, on the terminal's own report.
    fn resize(&mut self, width: u16, height: u16) -> Result<(), TuiError> {
        let area = ratatui::layout::Rect::new(0, 0, width, height);
        if self.terminal.get_frame().area() != area {
            self.terminal.resize(area).map_err(backend)?;
            self.live.forget();
        }
        Ok(())
    }

    /// Run one message through the app and carry out its effects (and the answers of the
    /// loop's own).
    fn dispatch(&mut self, app: &mut App, runner: &mut impl EffectRunner, msg: Msg) -> Flow {
        let mut flow = Flow::Continue;
        let mut queue = vec![msg];
        while let Some(msg) = queue.pop() {
            for effect in app.update(msg) {
                flow = flow.or(self.perform(runner, effect));
            }
            queue.append(&mut self.answers);
        }
        flow
    }

    /// Quitting and the terminal escapes are the loop's; every other effect goes to the runner.
    /// Escapes are written from the loop's own thread between frames: never inside a frame.
    fn perform(&mut self, runner: &mut impl EffectRunner, effect: Effect) -> Flow {
        match effect {
            Effect::Quit => return Flow::Quit,
            Effect::Copy(text) => self.escape(&escapes::osc52(&text)),
            Effect::Notify { title, body } => {
                self.escape(&escapes::notification(&self.notifications, &title, &body))
            }
            Effect::Alert { title, body, notify } => self.escape(&escapes::alert(notify, &title, &body)),
            Effect::EditExternally { what, text, extension } => {
                // The loop waits for the editor: the screen is the editor's meanwhile, and
                // answers from the runner queue up until the loop is back.
                if let Some(s) = &mut self.suspend {
                    s.suspend();
                }
                let result = external::edit(&external::editor(), &text, extension);
                if let Some(s) = &mut self.suspend {
                    s.resume();
                    // Everything on screen is gone: draw it all again, at the size the
                    // terminal has now (it may have changed meanwhile).
                    let _ = self.terminal.clear();
                    self.live.forget();
                    if let Ok(size) = self.terminal.size()
                        && self.resize(size.width, size.height).is_ok()
                    {
                        self.answers.push(Msg::Resize { width: size.width, height: size.height });
                    }
                }
                self.answers.push(Msg::EditedExternally { what, result });
            }
            other => runner.run(other),
        }
        Flow::Continue
    }

    fn escape(&mut self, text: &str) {
        if let Some(out) = &mut self.escapes {
            escapes::write(out, text);
        }
    }
}

impl Flow {
    fn or(self, other: Flow) -> Flow {
        match (self, other) {
            (Flow::Continue, Flow::Continue) => Flow::Continue,
            _ => Flow::Quit,
        }
    }
}

fn backend(e: impl std::fmt::Display) -> TuiError {
    TuiError::Backend(e.to_string())
}

/// Terminal events the app cares about; key releases and paste are dropped.
fn translate(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => Some(Msg::Key(key)),
        Event::Mouse(mouse) => Some(Msg::Mouse(mouse)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        Event::FocusGained => Some(Msg::Focus(true)),
        Event::FocusLost => Some(Msg::Focus(false)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_reports_become_focus_messages() {
        assert!(matches!(translate(Event::FocusGained), Some(Msg::Focus(true))));
        assert!(matches!(translate(Event::FocusLost), Some(Msg::Focus(false))));
        assert!(translate(Event::Paste("x".into())).is_none());
    }
}
