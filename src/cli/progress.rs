//! One rewritten line on a terminal while a headless command waits for a service ("waiting for
//! adb-….azuredatabricks.net to answer… 7 s"), so a stalled service never looks like a hung
//! command. Nothing is shown for waits under two seconds, nor when stderr is not a terminal; the
//! line is gone before the command prints anything else.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::api::activity::{WaitKind, activity};

/// Waits shorter than this show nothing.
const QUIET_FOR: Duration = Duration::from_secs(2);
const EVERY: Duration = Duration::from_millis(500);

/// The progress line while it runs; dropping it stops and clears it.
pub struct Progress {
    task: Option<JoinHandle<()>>,
    /// Whether the line is on screen; held while drawing or clearing it.
    shown: Arc<Mutex<bool>>,
}

impl Progress {
    /// Show waits on stderr while this lives (nothing when stderr is not a terminal).
    pub fn start() -> Progress {
        let shown = Arc::new(Mutex::new(false));
        if !std::io::stderr().is_terminal() {
            return Progress { task: None, shown };
        }
        // Cleared by the task that ended the last wait, before it hands its answer on.
        let on_idle = shown.clone();
        activity().on_idle(Some(Arc::new(move || clear(&on_idle))));
        let drawing = shown.clone();
        let task = tokio::spawn(async move {
            let mut tick = tokio::time::interval(EVERY);
            loop {
                tick.tick().await;
                let mut on_screen = drawing.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(wait) = activity().longest().filter(|w| w.since.elapsed() >= QUIET_FOR) {
                    eprint!("\r\x1b[2Ksparkdeck: {}", line(&wait.host, wait.kind, wait.since.elapsed()));
                    let _ = std::io::stderr().flush();
                    *on_screen = true;
                }
            }
        });
        Progress { task: Some(task), shown }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            activity().on_idle(None);
        }
        clear(&self.shown);
    }
}

/// What the line says about one wait.
fn line(host: &str, kind: WaitKind, waited: Duration) -> String {
    let secs = waited.as_secs();
    match kind {
        WaitKind::Answer => format!("waiting for {host} to answer… {secs} s"),
        WaitKind::Throttled => format!("{host} asked to slow down; waiting… {secs} s"),
    }
}

fn clear(shown: &Mutex<bool>) {
    let mut on_screen = shown.lock().unwrap_or_else(|e| e.into_inner());
    if std::mem::take(&mut *on_screen) {
        eprint!("\r\x1b[2K");
        let _ = std::io::stderr().flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_the_host_and_the_wait() {
        assert_eq!(
            line("adb-1.azuredatabricks.net", WaitKind::Answer, Duration::from_millis(7400)),
            "waiting for adb-1.azuredatabricks.net to answer… 7 s"
        );
        assert_eq!(
            line("api.fabric.microsoft.com", WaitKind::Throttled, Duration::from_secs(12)),
            "api.fabric.microsoft.com asked to slow down; waiting… 12 s"
        );
    }
}
