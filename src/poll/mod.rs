//! Background polling: one task per (workspace, kind), each answering with `Msg`s.
//!
//! - Visible pairs refresh at the pace their rows need: `active` while something is starting
//!   or running, `idle` while something waits (an idle session, a running cluster), `finished`
//!   otherwise. Hidden pairs refresh at the `finished` pace only, to keep header counts honest.
//! - Runs are polled politely: the active ones (`active_only`, one short page) at the fast pace,
//!   the whole recent list only at the slow pace or when an active run disappears (it ended).
//! - Failures back off (doubling up to five minutes) and show in place with a fix when known.
//! - A workspace's throttle gate (429/430/503) is reported so the status line can count down;
//!   every task of the workspace waits together behind it in the HTTP layer.
//!
//! Tasks sleep on timers and a wake-up signal; nothing spins, so an idle monitor costs no CPU.
//! A task that panics is reported in its pane and started again ([`supervise`]).

pub mod supervise;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::{Notify, mpsc, watch};
use tokio::task::JoinHandle;

use crate::app::Msg;
use crate::config::PollSettings;
use crate::domain::{Kind, Resource, Status};
use crate::workspace::rows::{self, Query};
use crate::workspace::{Error, Workspace, hints};

/// Rows kept per workspace and kind (the newest); bounded memory whatever the workspace holds.
pub const ROW_LIMIT: usize = 200;
/// Runs fetched by a full refresh (four pages of 25).
const RUN_LIMIT: usize = 100;
/// The longest wait after repeated failures.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// One polling task's handle: whether its pane is on screen, and a way to poll now.
struct Task {
    visible: watch::Sender<bool>,
    wake: Arc<Notify>,
    handle: JoinHandle<()>,
}

/// Starts and steers the polling tasks.
pub struct Poller {
    tasks: HashMap<(String, Kind), Task>,
}

impl Poller {
    /// A task for every kind every workspace serves; all hidden until `set_visible`.
    pub fn start(workspaces: &[Arc<Workspace>], settings: PollSettings, tx: mpsc::Sender<Msg>) -> Poller {
        let mut tasks = HashMap::new();
        for ws in workspaces {
            for kind in ws.service.kinds() {
                let (visible, visible_rx) = watch::channel(false);
                let wake = Arc::new(Notify::new());
                let job = Job { ws: ws.clone(), kind, settings: settings.clone(), tx: tx.clone() };
                let handle = tokio::spawn(job.supervised(visible_rx, wake.clone()));
                tasks.insert((ws.name.clone(), kind), Task { visible, wake, handle });
            }
        }
        Poller { tasks }
    }

    /// Exactly these workspaces × kinds are on screen.
    pub fn set_visible(&self, workspaces: &[String], kinds: &[Kind]) {
        for ((name, kind), task) in &self.tasks {
            let on = workspaces.contains(name) && kinds.contains(kind);
            task.visible.send_if_modified(|v| std::mem::replace(v, on) != on);
        }
    }

    /// Poll this pair now (after an action, so its effect shows at once).
    pub fn refresh(&self, workspace: &str, kind: Kind) {
        if let Some(task) = self.tasks.get(&(workspace.to_string(), kind)) {
            task.wake.notify_one();
        }
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        for task in self.tasks.values() {
            task.handle.abort();
        }
    }
}

/// What one task polls and where it reports.
#[derive(Clone)]
struct Job {
    ws: Arc<Workspace>,
    kind: Kind,
    settings: PollSettings,
    tx: mpsc::Sender<Msg>,
}

/// How long until the next poll, from what the rows show: fast while something starts, runs a
/// job or a statement; slower while clusters merely run or sessions sit idle.
pub fn pace(rows: &[Resource], settings: &PollSettings) -> Duration {
    let moving =
        |r: &Resource| r.status == Status::Pending || (r.status == Status::Busy && r.kind != Kind::Cluster);
    if rows.iter().any(moving) {
        settings.active()
    } else if rows.iter().any(|r| r.status == Status::Ready || r.status == Status::Busy) {
        settings.idle()
    } else {
        settings.finished()
    }
}

impl Job {
    /// [`Job::run`], started again whenever it panics; the pane shows what happened meanwhile.
    async fn supervised(self, visible: watch::Receiver<bool>, wake: Arc<Notify>) {
        let (job, tx) = (self.clone(), self.tx.clone());
        supervise::restarting(
            || job.clone().run(visible.clone(), wake.clone()),
            |why, panics| {
                let msg = Msg::PollFailed {
                    workspace: self.ws.name.clone(),
                    kind: self.kind,
                    error: format!(
                        "the {} poller stopped unexpectedly ({why}); it is started again (restart {panics})",
                        self.kind.plural()
                    ),
                    hint: Some("this is a bug in sparkdeck: please report it with the log file".into()),
                };
                let tx = tx.clone();
                async move { tx.send(msg).await.is_ok() }
            },
        )
        .await;
    }

    async fn run(self, mut visible: watch::Receiver<bool>, wake: Arc<Notify>) {
        let mut rows: Vec<Resource> = Vec::new();
        let mut failures = 0u32;
        let mut last_full: Option<tokio::time::Instant> = None;
        let mut throttled = false;
        loop {
            throttled = self.report_throttle(throttled).await;
            let on_screen = *visible.borrow_and_update();
            let full_due = last_full.is_none_or(|t| t.elapsed() >= self.settings.finished());
            let outcome = self.poll(&mut rows, on_screen && !full_due).await;
            throttled = self.report_throttle(throttled).await;
            let wait = match outcome {
                Ok(full) => {
                    failures = 0;
                    if full {
                        last_full = Some(tokio::time::Instant::now());
                    }
                    let sent = Msg::Rows {
                        workspace: self.ws.name.clone(),
                        kind: self.kind,
                        rows: rows.clone(),
                        fetched_at: Timestamp::now(),
                    };
                    if self.tx.send(sent).await.is_err() {
                        return;
                    }
                    if on_screen { pace(&rows, &self.settings) } else { self.settings.finished() }
                }
                Err(e) => {
                    failures += 1;
                    tracing::warn!(workspace = %self.ws.name, kind = self.kind.plural(), failures, "poll failed: {e}");
                    let msg = Msg::PollFailed {
                        workspace: self.ws.name.clone(),
                        kind: self.kind,
                        error: e.to_string(),
                        hint: hints::fix(self.ws.service, &e),
                    };
                    if self.tx.send(msg).await.is_err() {
                        return;
                    }
                    let base = if matches!(e, Error::Auth(_)) { MAX_BACKOFF } else { self.settings.active() };
                    (base * 2u32.saturating_pow(failures.min(8))).min(MAX_BACKOFF)
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = wake.notified() => {}
                // Coming on screen polls at once; going off screen waits out the current pace.
                changed = visible.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    if !*visible.borrow() {
                        tokio::select! {
                            _ = tokio::time::sleep(wait) => {}
                            _ = wake.notified() => {}
                            _ = visible.changed() => {}
                        }
                    }
                }
            }
        }
    }

    /// Refresh `rows`. Runs on screen between full refreshes poll only the active ones and
    /// overlay them; `Ok(true)` when the whole list was fetched.
    async fn poll(&self, rows: &mut Vec<Resource>, active_only: bool) -> Result<bool, Error> {
        if self.kind == Kind::Run && active_only && !rows.is_empty() {
            let active =
                rows::list(&self.ws, Kind::Run, Query { limit: RUN_LIMIT, active_only: true }).await?;
            let was_active: Vec<&str> =
                rows.iter().filter(|r| r.status.is_active()).map(|r| r.id.as_str()).collect();
            let ended = was_active.iter().any(|id| !active.rows.iter().any(|r| r.id == *id));
            if !ended {
                let mut merged = active.rows;
                merged.extend(rows.iter().filter(|r| !r.status.is_active()).cloned());
                merged.sort_by_key(|r| std::cmp::Reverse(r.started_at));
                *rows = merged;
                return Ok(false);
            }
        }
        let limit = if self.kind == Kind::Run { RUN_LIMIT } else { ROW_LIMIT };
        let mut listing = rows::list(&self.ws, self.kind, Query { limit, active_only: false }).await?;
        listing.rows.truncate(ROW_LIMIT * 2);
        *rows = listing.rows;
        Ok(true)
    }

    /// Tell the app when the workspace's gate closes and opens; returns whether it is closed.
    async fn report_throttle(&self, was: bool) -> bool {
        let remaining = self.ws.endpoint().and_then(|ep| ep.gate().remaining());
        let now = remaining.is_some();
        if now || was {
            let until = remaining.and_then(|d| Timestamp::now().checked_add(d).ok());
            let _ = self.tx.send(Msg::Throttled { workspace: self.ws.name.clone(), until }).await;
        }
        now
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc as StdArc;

    use serde_json::json;

    use super::*;
    use crate::domain::Detail;

    fn row(status: Status) -> Resource {
        Resource {
            kind: Kind::Cluster,
            workspace: "w".into(),
            id: "c".into(),
            name: "n".into(),
            status,
            raw_state: String::new(),
            owner: None,
            started_at: None,
            ended_at: None,
            state_message: None,
            detail: Detail::Cluster {
                workers: String::new(),
                runtime: None,
                node_type: None,
                source: None,
                pinned: false,
            },
            raw: StdArc::new(json!({})),
        }
    }

    #[test]
    fn pace_follows_the_busiest_row() {
        let s = PollSettings::default();
        assert_eq!(pace(&[row(Status::Succeeded), row(Status::Pending)], &s), s.active());
        assert_eq!(pace(&[row(Status::Succeeded), row(Status::Ready)], &s), s.idle());
        assert_eq!(pace(&[row(Status::Failed)], &s), s.finished());
        // A running cluster is watched at the idle pace; a running job at the fast one.
        assert_eq!(pace(&[row(Status::Busy)], &s), s.idle());
        assert_eq!(pace(&[Resource { kind: Kind::Run, ..row(Status::Busy) }], &s), s.active());
        assert_eq!(pace(&[], &s), s.finished());
    }
}
