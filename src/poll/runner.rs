//! The monitor's effect runner: turns the app's `Effect`s into polling changes and API calls,
//! answering with `Msg`s on the app's channel. Every call runs in its own task, so a slow or
//! failing workspace never holds up the screen.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::Poller;
use crate::app::{Effect, Msg, Target};
use crate::config::{NotificationSettings, PollSettings};
use crate::tui::EffectRunner;
use crate::workspace::{Workspace, actions, logs, related};

pub struct Runner {
    workspaces: Vec<Arc<Workspace>>,
    poller: Arc<Poller>,
    tx: mpsc::Sender<Msg>,
    /// How often an open logs view re-reads a live item.
    follow_every: Duration,
    /// The task following the open logs view.
    logs: Option<JoinHandle<()>>,
    notifications: NotificationSettings,
}

impl Runner {
    /// Start polling every workspace (all hidden until the app says what is on screen).
    pub fn start(
        workspaces: Vec<Workspace>,
        settings: PollSettings,
        notifications: NotificationSettings,
        tx: mpsc::Sender<Msg>,
    ) -> Runner {
        let workspaces: Vec<Arc<Workspace>> = workspaces.into_iter().map(Arc::new).collect();
        let follow_every = settings.active();
        let poller = Arc::new(Poller::start(&workspaces, settings, tx.clone()));
        Runner { workspaces, poller, tx, follow_every, logs: None, notifications }
    }
}

impl Runner {
    fn stop_logs(&mut self) {
        if let Some(task) = self.logs.take() {
            task.abort();
        }
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        self.stop_logs();
    }
}

/// Read the item's logs until it has ended (then once more is not needed) or the view closes
/// (the task is aborted). A failed read is shown and retried at the same pace.
async fn follow_logs(ws: Arc<Workspace>, target: Target, tx: mpsc::Sender<Msg>, every: Duration) {
    loop {
        let msg = match logs::fetch(&ws, target.kind, &target.id).await {
            Ok(chunk) => {
                let finished = chunk.finished;
                let msg = Msg::Logs {
                    target: target.clone(),
                    lines: chunk.lines,
                    whole: chunk.whole,
                    finished,
                    error_at: chunk.error_at,
                };
                if tx.send(msg).await.is_err() || finished {
                    return;
                }
                None
            }
            Err(e) => Some(Msg::LogsFailed { target: target.clone(), error: e.to_string() }),
        };
        if let Some(msg) = msg
            && tx.send(msg).await.is_err()
        {
            return;
        }
        tokio::time::sleep(every).await;
    }
}

/// The escape sequences for a notification: BEL, and OSC 9 (iTerm2, Windows Terminal, kitty)
/// plus OSC 777 (foot, rxvt, VTE) for a desktop notification. Control characters from API data
/// (item names) are removed so they cannot end the sequence early or inject others.
pub fn notification(settings: &NotificationSettings, title: &str, body: &str) -> String {
    let clean = |s: &str| s.chars().filter(|c| !c.is_control()).collect::<String>().replace(';', ",");
    let mut out = String::new();
    if settings.osc {
        out += &format!("\x1b]9;{}\x07", clean(body));
        out += &format!("\x1b]777;notify;{};{}\x07", clean(title), clean(body));
    }
    if settings.bell {
        out.push('\x07');
    }
    out
}

impl EffectRunner for Runner {
    fn run(&mut self, effect: Effect) {
        match effect {
            Effect::SetVisible { workspaces, kinds } => self.poller.set_visible(&workspaces, &kinds),
            Effect::RunAction { action, target } => {
                let ws = self.workspaces.iter().find(|w| w.name == target.workspace).cloned();
                let (tx, poller) = (self.tx.clone(), self.poller.clone());
                tokio::spawn(async move {
                    let outcome = match ws {
                        Some(ws) => {
                            actions::perform(&ws, action, &target.id).await.map_err(|e| e.to_string())
                        }
                        None => Err(format!("no workspace named {:?}", target.workspace)),
                    };
                    poller.refresh(&target.workspace, target.kind);
                    let _ = tx.send(Msg::ActionFinished { action, target, outcome }).await;
                });
            }
            Effect::FollowLogs { target } => {
                self.stop_logs();
                let ws = self.workspaces.iter().find(|w| w.name == target.workspace).cloned();
                let (tx, every) = (self.tx.clone(), self.follow_every);
                self.logs = Some(tokio::spawn(async move {
                    let Some(ws) = ws else { return };
                    follow_logs(ws, target, tx, every).await;
                }));
            }
            Effect::StopLogs => self.stop_logs(),
            Effect::LoadRelated { target } => {
                let ws = self.workspaces.iter().find(|w| w.name == target.workspace).cloned();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let Some(ws) = ws else { return };
                    let related = match related::fetch(&ws, target.kind, &target.id).await {
                        Ok(Some(found)) => Ok(found),
                        Ok(None) => return,
                        Err(e) => Err(e.to_string()),
                    };
                    let _ = tx.send(Msg::Related { target, related }).await;
                });
            }
            Effect::Notify { title, body } => {
                let text = notification(&self.notifications, &title, &body);
                if !text.is_empty() {
                    // Between frames, from the loop's own thread: never inside a frame.
                    let mut out = std::io::stdout();
                    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
                }
            }
            Effect::Quit => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_follow_the_settings_and_strip_control_characters() {
        let off = NotificationSettings::default();
        assert_eq!(notification(&off, "sparkdeck", "run ended"), "");
        let bell = NotificationSettings { bell: true, ..NotificationSettings::default() };
        assert_eq!(notification(&bell, "sparkdeck", "run ended"), "\x07");
        let osc = NotificationSettings { osc: true, ..NotificationSettings::default() };
        let text = notification(&osc, "sparkdeck", "run \"evil\x1b]0;x\x07\" ended; ok");
        assert_eq!(
            text,
            "\x1b]9;run \"evil]0,x\" ended, ok\x07\x1b]777;notify;sparkdeck;run \"evil]0,x\" ended, ok\x07"
        );
    }
}
