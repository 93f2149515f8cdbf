//! The monitor's effect runner: turns the app's `Effect`s into polling changes and API calls,
//! answering with `Msg`s on the app's channel. Every call runs in its own task, so a slow or
//! failing workspace never holds up the screen.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::Poller;
use crate::app::{Effect, Msg, StatementUpdate};
use crate::config::PollSettings;
use crate::domain::Target;
use crate::domain::statement::{Language, Repl};
use crate::drafts::{Draft, Drafts};
use crate::tui::EffectRunner;
use crate::workspace::{Workspace, actions, logs, related, statements};

pub struct Runner {
    workspaces: Vec<Arc<Workspace>>,
    poller: Arc<Poller>,
    tx: mpsc::Sender<Msg>,
    /// How often an open logs view re-reads a live item.
    follow_every: Duration,
    /// The task following the open logs view.
    logs: Option<JoinHandle<()>>,
    drafts: DraftSaver,
}

impl Runner {
    /// Start polling every workspace (all hidden until the app says what is on screen).
    pub fn start(
        workspaces: Vec<Workspace>,
        settings: PollSettings,
        drafts: Drafts,
        tx: mpsc::Sender<Msg>,
    ) -> Runner {
        let workspaces: Vec<Arc<Workspace>> = workspaces.into_iter().map(Arc::new).collect();
        let follow_every = settings.active();
        let poller = Arc::new(Poller::start(&workspaces, settings, tx.clone()));
        let drafts = DraftSaver::new(drafts, tx.clone());
        Runner { workspaces, poller, tx, follow_every, logs: None, drafts }
    }

    fn workspace(&self, name: &str) -> Option<Arc<Workspace>> {
        self.workspaces.iter().find(|w| w.name == name).cloned()
    }
}

/// Writes the editor's draft off the event loop's thread. Drafts arrive after every keystroke;
/// while one is being written the newer ones replace each other, so a burst of typing costs a
/// few writes, and the last text always reaches the disk.
struct DraftSaver {
    drafts: Drafts,
    pending: Arc<Mutex<Option<Draft>>>,
    writing: Arc<AtomicBool>,
    tx: mpsc::Sender<Msg>,
}

impl DraftSaver {
    fn new(drafts: Drafts, tx: mpsc::Sender<Msg>) -> DraftSaver {
        DraftSaver { drafts, pending: Arc::default(), writing: Arc::default(), tx }
    }

    fn save(&self, draft: Draft) {
        *self.pending.lock().unwrap_or_else(|e| e.into_inner()) = Some(draft);
        if self.writing.swap(true, Ordering::AcqRel) {
            return;
        }
        let (drafts, pending, writing, tx) =
            (self.drafts.clone(), self.pending.clone(), self.writing.clone(), self.tx.clone());
        tokio::task::spawn_blocking(move || {
            loop {
                let next = pending.lock().unwrap_or_else(|e| e.into_inner()).take();
                match next {
                    Some(draft) => {
                        if let Err(e) = drafts.save_draft(&draft) {
                            let path = drafts.draft_path();
                            let _ = tx.try_send(Msg::Warning(format!(
                                "cannot save the editor text to {}: {e}",
                                path.display()
                            )));
                        }
                    }
                    None => {
                        writing.store(false, Ordering::Release);
                        // A draft that arrived between the take and the store would wait for
                        // the next keystroke: pick it up now unless another writer did.
                        let more = pending.lock().unwrap_or_else(|e| e.into_inner()).is_some();
                        if !more || writing.swap(true, Ordering::AcqRel) {
                            return;
                        }
                    }
                }
            }
        });
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

/// Send the editor's statement and follow it to its end (see `statements::follow`).
async fn follow_statement(
    ws: Arc<Workspace>,
    repl: Repl,
    seq: u64,
    language: Language,
    code: String,
    tx: mpsc::Sender<Msg>,
) {
    let update = |update| Msg::Statement { seq, update };
    let id = match statements::submit(&ws, &repl, language, &code).await {
        Ok(id) => id,
        Err(e) => {
            let repl_gone = statements::repl_gone(&e);
            let _ = tx.send(update(StatementUpdate::Failed { error: e.to_string(), repl_gone })).await;
            return;
        }
    };
    if tx.send(update(StatementUpdate::Accepted(id.clone()))).await.is_err() {
        return;
    }
    let phase = |p| {
        let _ = tx.try_send(update(StatementUpdate::Phase(p)));
    };
    let end = match statements::follow(&ws, &repl, &id, phase).await {
        Ok((p, output)) => StatementUpdate::Finished(p, output),
        Err(e) => {
            StatementUpdate::Failed { error: format!("lost track of statement {id}: {e}"), repl_gone: false }
        }
    };
    let _ = tx.send(update(end)).await;
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
            Effect::AcquireRepl { attempt, workspace, place, language } => {
                let ws = self.workspace(&workspace);
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let result = match ws {
                        Some(ws) => {
                            let progress = |state: &str| {
                                let _ = tx.try_send(Msg::ReplProgress { attempt, state: state.into() });
                            };
                            let created = |repl: &Repl| {
                                let _ = tx.try_send(Msg::ReplCreated { attempt, repl: repl.clone() });
                            };
                            statements::acquire(&ws, place.as_deref(), language, progress, created)
                                .await
                                .map_err(|e| e.to_string())
                        }
                        None => Err(format!("no workspace named {workspace:?}")),
                    };
                    let _ = tx.send(Msg::Repl { attempt, result }).await;
                });
            }
            Effect::RunStatement { seq, repl, language, code } => {
                let Some(ws) = self.workspace(repl.workspace()) else { return };
                tokio::spawn(follow_statement(ws, repl, seq, language, code, self.tx.clone()));
            }
            Effect::CancelStatement { seq, repl, statement_id } => {
                let Some(ws) = self.workspace(repl.workspace()) else { return };
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    if let Err(e) = statements::cancel(&ws, &repl, &statement_id).await {
                        let update = StatementUpdate::CancelFailed(e.to_string());
                        let _ = tx.send(Msg::Statement { seq, update }).await;
                    }
                });
            }
            Effect::ReleaseRepl { repl } => {
                let Some(ws) = self.workspace(repl.workspace()) else { return };
                tokio::spawn(async move {
                    if let Err(e) = statements::release(&ws, &repl).await {
                        tracing::warn!("releasing {} failed: {e}", repl.describe());
                    }
                });
            }
            Effect::SaveDraft(draft) => self.drafts.save(draft),
            Effect::AppendHistory(entry) => {
                let (drafts, tx) = (self.drafts.drafts.clone(), self.tx.clone());
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = drafts.append_history(&entry) {
                        let path = drafts.history_path();
                        let _ = tx.try_send(Msg::Warning(format!("cannot add to {}: {e}", path.display())));
                    }
                });
            }
            // The event loop's own (see `tui`): they never reach the runner.
            Effect::Quit | Effect::Copy(_) | Effect::Notify { .. } => {}
        }
    }
}
