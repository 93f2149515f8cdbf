//! The paged logs of a Fabric Spark application (`workspace::spark_logs`): listing them for the
//! picker, and following one — its end first, then what it grows by, and earlier ranges when
//! the view asks (`g` at the top). Where the view is in the file (the byte cursor) is kept here,
//! shared with the runner, so a read of earlier lines continues from where following got to.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::api::ErrorKind;
use crate::app::Msg;
use crate::domain::Target;
use crate::domain::logs::{LogSource, Placement};
use crate::workspace::spark_logs::{self, Cursor};
use crate::workspace::{Error, Workspace, problem};

/// Which bytes of the followed log the view holds.
pub(super) type SharedCursor = Arc<Mutex<Option<Cursor>>>;

/// List `target`'s logs for the picker.
pub(super) fn load_sources(ws: Option<Arc<Workspace>>, target: Target, tx: &mpsc::Sender<Msg>) {
    let tx = tx.clone();
    tokio::spawn(async move {
        let result = match ws {
            Some(ws) => {
                spark_logs::choices(&ws, &target).await.map_err(|e| problem::of(ws.service, &e).summary())
            }
            None => Err(format!("no workspace named {}", target.workspace)),
        };
        let _ = tx.send(Msg::LogSources { target, result }).await;
    });
}

/// Whether a failed read means this item has no monitoring log to read (an older service,
/// a fake without the monitoring API): then the Livy API's own log lines are shown instead.
pub(super) fn unserved(source: &LogSource, e: &Error) -> bool {
    *source == LogSource::Livy && e.api().is_some_and(|a| a.kind == ErrorKind::NotFound)
}

/// Follow `source` until the application ended and everything was read, or the task is
/// aborted. With `earlier`, first read the range before the cursor. Returns `false` when the
/// Livy log is not served here (see [`unserved`]) so the caller falls back.
pub(super) async fn follow(
    ws: Arc<Workspace>,
    target: Target,
    source: LogSource,
    cursor: SharedCursor,
    earlier: bool,
    tx: mpsc::Sender<Msg>,
    every: Duration,
) -> bool {
    let current = || *cursor.lock().unwrap_or_else(|e| e.into_inner());
    let keep = |c: Cursor| *cursor.lock().unwrap_or_else(|e| e.into_inner()) = Some(c);
    if earlier && let Some(at) = current() {
        match spark_logs::read(&ws, &target, &source, Some(at), Placement::Prepend).await {
            Ok((page, c)) => {
                keep(c);
                if tx
                    .send(Msg::LogPage { target: target.clone(), source: source.clone(), page })
                    .await
                    .is_err()
                {
                    return true;
                }
            }
            Err(e) => {
                let problem = problem::of(ws.service, &e);
                let _ = tx.send(Msg::LogsFailed { target: target.clone(), problem }).await;
            }
        }
    }
    let mut first = current().is_none();
    loop {
        let before = current();
        match spark_logs::read(&ws, &target, &source, before, Placement::Append).await {
            Ok((page, c)) => {
                keep(c);
                let finished = page.finished;
                // An unchanged log is not sent again (nothing to redraw).
                if first || finished || !page.lines.is_empty() {
                    first = false;
                    let msg = Msg::LogPage { target: target.clone(), source: source.clone(), page };
                    if tx.send(msg).await.is_err() || finished {
                        return true;
                    }
                }
            }
            Err(e) if first && unserved(&source, &e) => return false,
            Err(e) => {
                let problem = problem::of(ws.service, &e);
                if tx.send(Msg::LogsFailed { target: target.clone(), problem }).await.is_err() {
                    return true;
                }
            }
        }
        tokio::time::sleep(every).await;
    }
}
