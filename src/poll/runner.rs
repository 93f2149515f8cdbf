//! The monitor's effect runner: turns the app's `Effect`s into polling changes and API calls,
//! answering with `Msg`s on the app's channel. Every call runs in its own task, so a slow or
//! failing workspace never holds up the screen.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::Poller;
use crate::app::{Effect, Msg, Target};
use crate::config::PollSettings;
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
}

impl Runner {
    /// Start polling every workspace (all hidden until the app says what is on screen).
    pub fn start(workspaces: Vec<Workspace>, settings: PollSettings, tx: mpsc::Sender<Msg>) -> Runner {
        let workspaces: Vec<Arc<Workspace>> = workspaces.into_iter().map(Arc::new).collect();
        let follow_every = settings.active();
        let poller = Arc::new(Poller::start(&workspaces, settings, tx.clone()));
        Runner { workspaces, poller, tx, follow_every, logs: None }
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
            Effect::Quit => {}
        }
    }
}
