//! One line for a long wait on a state (a cluster starting, a high-concurrency session being
//! acquired): on a terminal, rewritten in place with the state and the time waited; without one,
//! a line when the state changes and at least every 10 seconds, so a log shows the wait is alive.
//! (`progress` is the other line: a service slow to answer one call.)

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::format_duration;

/// How often a piped wait says it is still waiting.
const EVERY: Duration = Duration::from_secs(10);

pub struct WaitLine {
    what: String,
    tty: bool,
    started: Instant,
    /// The last state written and when (piped output).
    last: Mutex<Option<(String, Instant)>>,
}

impl WaitLine {
    /// A wait for `what` ("cluster 0101-…", "session in lh_sales"), on stderr.
    pub fn new(what: impl Into<String>) -> WaitLine {
        WaitLine::with_terminal(what, std::io::stderr().is_terminal())
    }

    fn with_terminal(what: impl Into<String>, tty: bool) -> WaitLine {
        WaitLine { what: what.into(), tty, started: Instant::now(), last: Mutex::new(None) }
    }

    /// The line for `state` now, if one is due.
    fn line(&self, state: &str) -> Option<String> {
        let state = super::output::safe(state);
        let elapsed =
            format_duration(jiff::SignedDuration::try_from(self.started.elapsed()).unwrap_or_default());
        let text = format!("{}: {state} ({elapsed})", self.what);
        if self.tty {
            return Some(format!("\r\x1b[2K{text}"));
        }
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let due = last.as_ref().is_none_or(|(s, at)| *s != *state || at.elapsed() >= EVERY);
        due.then(|| {
            *last = Some((state.to_string(), Instant::now()));
            format!("{text}\n")
        })
    }

    /// Say where the wait is.
    pub fn report(&self, state: &str) {
        if let Some(line) = self.line(state) {
            let mut err = std::io::stderr();
            let _ = err.write_all(line.as_bytes());
            let _ = err.flush();
        }
    }

    /// The wait is over: end the rewritten line.
    pub fn finish(&self) {
        if self.tty {
            eprintln!();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_terminal_gets_one_rewritten_line_and_a_pipe_a_line_per_change() {
        let tty = WaitLine::with_terminal("session in lh_sales", true);
        let line = tty.line("AcquiringHighConcurrencySession").unwrap_or_default();
        assert_eq!(line, "\r\x1b[2Ksession in lh_sales: AcquiringHighConcurrencySession (0s)");
        assert!(tty.line("AcquiringHighConcurrencySession").is_some(), "rewritten every time");
        let piped = WaitLine::with_terminal("cluster c", false);
        assert_eq!(piped.line("PENDING").as_deref(), Some("cluster c: PENDING (0s)\n"));
        assert_eq!(piped.line("PENDING"), None, "the same state within 10 s is not repeated");
        assert!(piped.line("RUNNING").is_some());
    }
}
