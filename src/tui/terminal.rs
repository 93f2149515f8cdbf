//! Putting the terminal into full-screen raw mode and restoring it, whatever happens.

use std::cell::Cell;
use std::io::{self, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::Show;
use crossterm::event::{DisableFocusChange, DisableMouseCapture, EnableFocusChange, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use tokio_util::sync::CancellationToken;

/// Whether we changed the terminal and have not restored it yet; makes restoring idempotent
/// (the panic hook and the guard's drop may both run).
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Restores the terminal when dropped (normal return, `?` errors, unwinding).
pub(super) struct TerminalGuard(());

impl TerminalGuard {
    pub(super) fn enter() -> io::Result<TerminalGuard> {
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let guard = TerminalGuard(());
        // On failure the guard's drop undoes what was done.
        execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture, EnableFocusChange)?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Take the terminal back after giving it up (the outside editor): raw mode, the alternate
/// screen, mouse capture and focus reporting again.
pub(super) fn reenter() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture, EnableFocusChange)
}

/// Leave raw mode and the alternate screen, stop mouse capture and focus reporting, show the
/// cursor. Safe to call
/// any number of times; does nothing unless the terminal was set up.
pub fn restore_terminal() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        // Best effort: there is nowhere left to report a failure to restore.
        let _ = execute!(out, DisableFocusChange, DisableMouseCapture, LeaveAlternateScreen, Show);
        let _ = disable_raw_mode();
        let _ = out.flush();
    }
}

thread_local! {
    /// Set on the thread that runs the event loop.
    static UI_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// This thread runs the event loop: a panic here ends the monitor.
pub(super) fn mark_ui_thread() {
    UI_THREAD.with(|t| t.set(true));
}

/// Chain a panic hook that restores the terminal before the previous hook prints the panic
/// (so the message is readable). Installed once per process.
///
/// Only a panic on the event loop's thread ends the monitor. One in a background task (a poller,
/// an effect) is caught by its supervisor (`poll::supervise`), which tells the app and restarts a
/// poller: restoring the terminal then would leave a half-alive UI, and printing would scribble
/// over the screen, so it is only logged (with its location) while the full screen is up.
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if ACTIVE.load(Ordering::SeqCst) && !UI_THREAD.with(Cell::get) {
                tracing::error!("a background task panicked: {info}");
                return;
            }
            restore_terminal();
            previous(info);
        }));
    });
}

/// Cancel `token` on SIGTERM or SIGHUP so the loop ends and the terminal is restored.
pub(super) fn cancel_on_signals(token: CancellationToken) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup)) = (signal(SignalKind::terminate()), signal(SignalKind::hangup()))
        else {
            return;
        };
        tokio::select! {
            _ = term.recv() => token.cancel(),
            _ = hup.recv() => token.cancel(),
            () = token.cancelled() => {}
        }
    });
    #[cfg(not(unix))]
    let _ = token;
}
