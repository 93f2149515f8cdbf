//! Watching the resource usage of the details' Fabric item: one task reads it, then again at
//! the idle pace while the application runs, until the details close or it ended.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::app::Msg;
use crate::domain::Target;
use crate::workspace::{Workspace, problem, spark_usage};

pub(super) struct UsageWatcher {
    every: Duration,
    tx: mpsc::Sender<Msg>,
    task: Option<JoinHandle<()>>,
}

impl UsageWatcher {
    pub(super) fn new(every: Duration, tx: mpsc::Sender<Msg>) -> UsageWatcher {
        UsageWatcher { every, tx, task: None }
    }

    pub(super) fn watch(&mut self, ws: Option<Arc<Workspace>>, target: Target) {
        self.stop();
        let (tx, every) = (self.tx.clone(), self.every);
        self.task = Some(tokio::spawn(async move {
            loop {
                let (result, finished) = match &ws {
                    Some(ws) => match spark_usage::usage(ws, &target).await {
                        Ok((usage, finished)) => (Ok((usage, finished)), finished),
                        Err(e) => (Err(problem::of(ws.service, &e).summary()), false),
                    },
                    None => (Err(format!("no workspace named {}", target.workspace)), true),
                };
                if tx.send(Msg::Usage { target: target.clone(), result }).await.is_err() || finished {
                    return;
                }
                tokio::time::sleep(every).await;
            }
        }));
    }

    pub(super) fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl Drop for UsageWatcher {
    fn drop(&mut self) {
        self.stop();
    }
}
