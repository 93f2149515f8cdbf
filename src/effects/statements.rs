//! The editor's effects: getting a REPL (a Fabric high-concurrency session, a Databricks
//! execution context), running a statement to its end, cancelling it, giving the REPL back.

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::app::{Msg, StatementUpdate};
use crate::domain::statement::{Language, Repl};
use crate::poll::supervise::spawn_reporting;
use crate::workspace::{Workspace, statements};

/// Get a REPL in `workspace` (at `place`, when one was chosen), reporting its progress.
pub(super) fn acquire(
    ws: Option<Arc<Workspace>>,
    workspace: String,
    attempt: u64,
    place: Option<String>,
    tag: Option<String>,
    language: Language,
    tx: &mpsc::Sender<Msg>,
) {
    let tx = tx.clone();
    let failed = tx.clone();
    let work = async move {
        let result = match ws {
            Some(ws) => {
                let progress = |state: &str| {
                    let _ = tx.try_send(Msg::ReplProgress { attempt, state: state.into() });
                };
                let created = |repl: &Repl| {
                    let _ = tx.try_send(Msg::ReplCreated { attempt, repl: repl.clone() });
                };
                statements::acquire(&ws, place.as_deref(), tag.as_deref(), language, progress, created)
                    .await
                    .map_err(|e| e.to_string())
            }
            None => Err(format!("no workspace named {workspace:?}")),
        };
        let _ = tx.send(Msg::Repl { attempt, result }).await;
    };
    spawn_reporting(work, move |why| async move {
        let result = Err(format!("getting a session failed inside sparkdeck ({why})"));
        let _ = failed.send(Msg::Repl { attempt, result }).await;
    });
}

/// Ask Fabric the names of the workspace's lakehouses configured by id.
pub(super) fn lakehouse_names(ws: Option<Arc<Workspace>>, workspace: String, tx: &mpsc::Sender<Msg>) {
    let tx = tx.clone();
    tokio::spawn(async move {
        let result = match ws {
            Some(ws) => statements::lakehouse_names(&ws).await.map_err(|e| e.to_string()),
            None => Err(format!("no workspace named {workspace:?}")),
        };
        let _ = tx.send(Msg::LakehouseNames { workspace, result }).await;
    });
}

/// Send the editor's statement `seq` and follow it to its end.
pub(super) fn run(
    ws: Arc<Workspace>,
    repl: Repl,
    seq: u64,
    language: Language,
    code: String,
    tx: &mpsc::Sender<Msg>,
) {
    let failed = tx.clone();
    spawn_reporting(follow_statement(ws, repl, seq, language, code, tx.clone()), move |why| async move {
        // Whether it was sent is unknown: never offered for sending again on its own.
        let error = format!("following the statement failed inside sparkdeck ({why}); it may have run");
        let update = StatementUpdate::Failed { error, repl_gone: false };
        let _ = failed.send(Msg::Statement { seq, update }).await;
    });
}

/// Ask the service to cancel a running statement; its end arrives through `follow_statement`.
pub(super) fn cancel(ws: Arc<Workspace>, repl: Repl, seq: u64, statement_id: String, tx: &mpsc::Sender<Msg>) {
    let tx = tx.clone();
    let failed = tx.clone();
    let work = async move {
        if let Err(e) = statements::cancel(&ws, &repl, &statement_id).await {
            let update = StatementUpdate::CancelFailed(e.to_string());
            let _ = tx.send(Msg::Statement { seq, update }).await;
        }
    };
    spawn_reporting(work, move |why| async move {
        let update = StatementUpdate::CancelFailed(format!("cancelling failed inside sparkdeck ({why})"));
        let _ = failed.send(Msg::Statement { seq, update }).await;
    });
}

/// Give back a REPL the editor no longer uses; a failure is only logged (nothing waits on it).
pub(super) fn release(ws: Arc<Workspace>, repl: Repl) {
    let work = async move {
        if let Err(e) = statements::release(&ws, &repl).await {
            tracing::warn!("releasing {} failed: {e}", repl.describe());
        }
    };
    // Logged by the supervisor; nothing waits on it.
    spawn_reporting(work, |_| async {});
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
    let phase = |p, progress| {
        let _ = tx.try_send(update(StatementUpdate::Phase(p, progress)));
    };
    let end = match statements::follow(&ws, &repl, &id, phase).await {
        Ok((p, output)) => StatementUpdate::Finished(p, output),
        Err(e) => {
            StatementUpdate::Failed { error: format!("lost track of statement {id}: {e}"), repl_gone: false }
        }
    };
    let _ = tx.send(update(end)).await;
}
