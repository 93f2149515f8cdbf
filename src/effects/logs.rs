//! Following the open logs view: one task at a time re-reads the item's logs until it ends or
//! the view closes.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::spark_logs::{self, SharedCursor};
use crate::app::Msg;
use crate::domain::Target;
use crate::domain::logs::LogSource;
use crate::poll::supervise::spawn_reporting;
use crate::workspace::{Workspace, logs, problem};

/// The task following the open logs view, if any.
pub(super) struct LogFollower {
    /// How often a live item is re-read.
    every: Duration,
    tx: mpsc::Sender<Msg>,
    task: Option<JoinHandle<()>>,
    /// What is followed, and how far back it reads.
    current: Option<(Target, usize)>,
    /// The Fabric Spark log followed, if that is what is followed, and where the view is in it.
    spark: Option<(Target, LogSource, SharedCursor)>,
}

impl LogFollower {
    pub(super) fn new(every: Duration, tx: mpsc::Sender<Msg>) -> LogFollower {
        LogFollower { every, tx, task: None, current: None, spark: None }
    }

    /// Follow `target` instead of whatever was followed before.
    pub(super) fn follow(&mut self, ws: Option<Arc<Workspace>>, target: Target) {
        self.follow_from(ws, target, logs::EVENTS);
    }

    /// Follow the log `source` of a Fabric Spark application, from its end.
    pub(super) fn follow_spark(&mut self, ws: Option<Arc<Workspace>>, target: Target, source: LogSource) {
        let cursor = SharedCursor::default();
        self.spark_from(ws, target, source, cursor, false);
    }

    fn spark_from(
        &mut self,
        ws: Option<Arc<Workspace>>,
        target: Target,
        source: LogSource,
        cursor: SharedCursor,
        earlier: bool,
    ) {
        self.stop();
        self.current = None;
        self.spark = Some((target.clone(), source.clone(), cursor.clone()));
        let (tx, every) = (self.tx.clone(), self.every);
        let (failed, failed_target) = (tx.clone(), target.clone());
        let work = async move {
            let Some(ws) = ws else { return };
            let served =
                spark_logs::follow(ws.clone(), target.clone(), source, cursor, earlier, tx.clone(), every)
                    .await;
            if !served {
                // No monitoring Livy log here: the Livy API's own latest lines.
                follow_logs(ws, target, logs::EVENTS, tx, every).await;
            }
        };
        self.task = Some(spawn_reporting(work, move |why| async move {
            let problem = crate::domain::Problem::text(format!(
                "following the logs failed inside sparkdeck ({why}); reopen the view to retry"
            ));
            let _ = failed.send(Msg::LogsFailed { target: failed_target, problem }).await;
        }));
    }

    /// Follow `target` again reading twice as far back (`g` at the top of its logs); a Spark
    /// log reads the range before the first line shown.
    pub(super) fn earlier(&mut self, ws: Option<Arc<Workspace>>, target: Target) {
        if let Some((t, source, cursor)) = self.spark.clone()
            && t == target
        {
            self.spark_from(ws, target, source, cursor, true);
            return;
        }
        let window = match &self.current {
            Some((t, w)) if *t == target => w.saturating_mul(2),
            _ => logs::EVENTS * 2,
        };
        self.follow_from(ws, target, window);
    }

    fn follow_from(&mut self, ws: Option<Arc<Workspace>>, target: Target, window: usize) {
        self.stop();
        self.spark = None;
        self.current = Some((target.clone(), window));
        let (tx, every) = (self.tx.clone(), self.every);
        let (failed, failed_target) = (tx.clone(), target.clone());
        let work = async move {
            let Some(ws) = ws else { return };
            follow_logs(ws, target, window, tx, every).await;
        };
        self.task = Some(spawn_reporting(work, move |why| async move {
            let problem = crate::domain::Problem::text(format!(
                "following the logs failed inside sparkdeck ({why}); reopen the view to retry"
            ));
            let _ = failed.send(Msg::LogsFailed { target: failed_target, problem }).await;
        }));
    }

    pub(super) fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl Drop for LogFollower {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Read the item's logs until it has ended (then once more is not needed) or the view closes
/// (the task is aborted). A failed read is shown and retried at the same pace.
async fn follow_logs(
    ws: Arc<Workspace>,
    target: Target,
    window: usize,
    tx: mpsc::Sender<Msg>,
    every: Duration,
) {
    loop {
        let msg = match logs::fetch_window(&ws, &target, window).await {
            Ok(chunk) => {
                let finished = chunk.finished;
                let msg = Msg::Logs {
                    target: target.clone(),
                    lines: chunk.lines,
                    whole: chunk.whole,
                    finished,
                    error_at: chunk.error_at,
                    earlier: chunk.earlier,
                };
                if tx.send(msg).await.is_err() || finished {
                    return;
                }
                None
            }
            Err(e) => Some(Msg::LogsFailed { target: target.clone(), problem: problem::of(ws.service, &e) }),
        };
        if let Some(msg) = msg
            && tx.send(msg).await.is_err()
        {
            return;
        }
        tokio::time::sleep(every).await;
    }
}
