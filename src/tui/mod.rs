//! Running the app in a terminal: the event loop (`EventLoop`, generic over the ratatui
//! backend and the input stream so tests drive it with a `TestBackend` and a channel), the
//! terminal escapes it writes (clipboard, notifications), and the production entry point
//! `run_in_terminal` (crossterm setup, panic hook, restore on every exit path).

mod escapes;
mod event_loop;
pub mod external;
mod live_frame;
mod terminal;

use std::io;

use ratatui::backend::CrosstermBackend;
use ratatui::{Terminal, TerminalOptions, Viewport};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

pub use event_loop::{EventLoop, Exit, FRAME_INTERVAL};
pub use terminal::{install_panic_hook, restore_terminal};

use crate::app::{App, Effect, Msg};
use crate::config::NotificationSettings;
use crate::domain::Clock;
use crate::ui::Theme;

/// Executes the app's effects (start pollers, call the APIs) and answers with `Msg`s through
/// the sender it was built with. `Effect::Quit`, `Effect::Copy` and `Effect::Notify` never
/// reach it: the loop handles those.
pub trait EffectRunner {
    fn run(&mut self, effect: Effect);
}

impl<F: FnMut(Effect)> EffectRunner for F {
    fn run(&mut self, effect: Effect) {
        self(effect)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error("terminal I/O failed: {0}")]
    Io(#[from] io::Error),
    #[error("drawing failed: {0}")]
    Backend(String),
    #[error("reading terminal input failed: {0}")]
    Input(io::Error),
}

/// Run the app full-screen in this process's terminal until the user quits, `msgs` closes
/// with the input, or SIGTERM/SIGHUP arrives; `notifications` says how a watched item's end is
/// told, `clock` where the time comes from (the simulator's in `--demo`). The terminal is restored on every exit path: normal return, error (the guard's drop)
/// and panic (the hook restores first, then chains to the previous hook). Returns the final
/// app state.
pub async fn run_in_terminal(
    app: App,
    theme: Theme,
    notifications: NotificationSettings,
    clock: Clock,
    msgs: mpsc::Receiver<Msg>,
    runner: impl EffectRunner,
) -> Result<App, TuiError> {
    install_panic_hook();
    terminal::mark_ui_thread();
    let guard = terminal::TerminalGuard::enter()?;
    // Fixed to the size the terminal reports, and changed on its resize events (`EventLoop`):
    // a full-screen viewport asks for the size before every frame.
    let (width, height) = crossterm::terminal::size()?;
    let viewport = Viewport::Fixed(ratatui::layout::Rect::new(0, 0, width, height));
    let terminal = Terminal::with_options(CrosstermBackend::new(io::stdout()), TerminalOptions { viewport })?;
    let shutdown = CancellationToken::new();
    terminal::cancel_on_signals(shutdown.clone());
    let (input, pause) = external::Input::new();
    let result = EventLoop::new(terminal, theme)
        .with_clock(move || clock.now())
        .with_escapes(Box::new(io::stdout()))
        .with_notifications(notifications)
        .with_suspend(Box::new(external::TerminalSuspend { input: pause }))
        .run(app, input, msgs, runner, shutdown.clone())
        .await;
    // Stops the signal listener.
    shutdown.cancel();
    drop(guard);
    result.map(|exit| exit.app)
}
