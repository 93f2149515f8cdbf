//! Running code in a Fabric high-concurrency session, for the statement editor: acquire a REPL
//! (sessions with the same tag share one Livy session, five REPLs each), submit statements into
//! it, read them back, cancel them, and give the REPL back.
//!
//! A REPL is acquired only when the user first runs something (each acquisition may start a
//! billed Spark session) and released when the editor's owner quits; Fabric ends an idle one
//! after 20 minutes anyway.

use std::time::Duration;

use serde_json::Value;

use super::{Error, FabricClients, Workspace};
use crate::api::livy::models::{HcState, HighConcurrencySessionRequest, StatementKind, StatementRequest};
use crate::api::{ErrorKind, LivyClient};
use crate::domain::statement::{Language, Repl};

/// The HC session tag sparkdeck's REPLs share, so they pack into one Livy session.
pub const SESSION_TAG: &str = "sparkdeck";
/// How long an acquisition may take before we give up (an on-demand cluster takes minutes).
const ACQUIRE_LIMIT: Duration = Duration::from_secs(15 * 60);
/// A sixth REPL on a tag answers 500 while Fabric starts a second Livy session; clients that
/// work retry every 5 s for about half a minute (reference: HC limits).
const ACQUIRE_RETRIES: usize = 7;
const ACQUIRE_RETRY_WAIT: Duration = Duration::from_secs(5);

fn fabric(ws: &Workspace) -> Result<&FabricClients, Error> {
    match ws.clients.as_ref().map_err(Clone::clone)? {
        super::Clients::Fabric(f) => Ok(f),
        super::Clients::Databricks(_) => Err(Error::Unsupported {
            workspace: ws.name.clone(),
            what: "is a Databricks workspace; the editor runs code in Fabric high-concurrency sessions"
                .into(),
        }),
    }
}

/// The lakehouse named `label` (or the first one), with its label.
fn lakehouse<'a>(ws: &'a Workspace, label: Option<&str>) -> Result<(&'a str, &'a LivyClient), Error> {
    let f = fabric(ws)?;
    let found = match label {
        Some(l) => f.lakehouses.iter().find(|(name, _)| name == l),
        None => f.lakehouses.first(),
    };
    found.map(|(name, client)| (name.as_str(), client)).ok_or_else(|| Error::Unsupported {
        workspace: ws.name.clone(),
        what: match label {
            Some(l) => format!("has no lakehouse {l:?} in the configuration"),
            None => "has no lakehouse configured; add one under [[fabric]] lakehouses".into(),
        },
    })
}

fn failed(ws: &Workspace, message: String) -> Error {
    Error::Unsupported { workspace: ws.name.clone(), what: message }
}

/// Acquire a REPL and wait until it is ready. `progress` hears each state the service reports.
pub async fn acquire(
    ws: &Workspace,
    lakehouse_label: Option<&str>,
    progress: impl Fn(&str),
) -> Result<Repl, Error> {
    let (label, client) = lakehouse(ws, lakehouse_label)?;
    let req = HighConcurrencySessionRequest {
        session_tag: Some(SESSION_TAG.into()),
        name: Some("sparkdeck editor".into()),
        ..HighConcurrencySessionRequest::default()
    };
    let mut attempt = 0;
    let hc = loop {
        match client.acquire_hc_session(&req).await {
            Ok(hc) => break hc,
            Err(e) if e.kind == ErrorKind::Server && attempt + 1 < ACQUIRE_RETRIES => {
                attempt += 1;
                progress(&format!("the service is starting another session ({}); retrying", e.message));
                tokio::time::sleep(ACQUIRE_RETRY_WAIT).await;
            }
            Err(e) => return Err(e.into()),
        }
    };
    let hc_id = hc
        .id
        .clone()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| failed(ws, "the high-concurrency session was accepted without an id".into()))?;
    let started = tokio::time::Instant::now();
    let mut wait = Duration::from_millis(500);
    let mut current = hc.value;
    loop {
        if let (Some(HcState::Idle), Some(session_id), Some(repl_id)) =
            (&current.state, current.session_id.clone(), current.repl_id.clone())
        {
            return Ok(Repl {
                workspace: ws.name.clone(),
                lakehouse: label.to_string(),
                hc_id,
                session_id,
                repl_id,
            });
        }
        let acquisition = current.fabric_session_state_info.as_ref();
        if let Some(state) = current.state.as_ref().filter(|s| s.is_failed()) {
            let why = acquisition.and_then(|a| a.error_message.clone()).unwrap_or_default();
            return Err(failed(
                ws,
                format!("the high-concurrency session ended ({state}) while starting {why}"),
            ));
        }
        if let Some(info) = acquisition
            && let Some(state) = &info.state
            && matches!(state.as_str(), "error" | "cancelled")
        {
            let why = info.error_message.clone().unwrap_or_else(|| "no reason given".into());
            return Err(failed(ws, format!("Fabric could not start the session ({state}): {why}")));
        }
        let word = current.state.as_ref().map(|s| s.to_string()).unwrap_or_else(|| "starting".into());
        let detail =
            acquisition.and_then(|a| a.state.as_ref()).map(|s| format!(" ({s})")).unwrap_or_default();
        progress(&format!("{word}{detail}"));
        if started.elapsed() > ACQUIRE_LIMIT {
            let _ = client.delete_hc_session(&hc_id).await;
            return Err(failed(
                ws,
                format!("the session did not start within {} minutes", ACQUIRE_LIMIT.as_secs() / 60),
            ));
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(3));
        current = client.hc_session(&hc_id).await?.value;
    }
}

/// Submit `code`; the statement's id. Never retried once sent: it would run twice.
pub async fn submit(ws: &Workspace, repl: &Repl, language: Language, code: &str) -> Result<i64, Error> {
    let (_, client) = lakehouse(ws, Some(&repl.lakehouse))?;
    let req = StatementRequest {
        code: code.to_string(),
        kind: StatementKind::from(language.livy_kind()),
        source_id: None,
    };
    let answer = client.submit_repl_statement(&repl.session_id, &repl.repl_id, &req).await?;
    answer.id.ok_or_else(|| failed(ws, "the statement was accepted without an id".into()))
}

/// One statement as the service answers it.
pub async fn statement(ws: &Workspace, repl: &Repl, id: i64) -> Result<Value, Error> {
    let (_, client) = lakehouse(ws, Some(&repl.lakehouse))?;
    Ok(client.repl_statement(&repl.session_id, &repl.repl_id, id).await?.raw)
}

pub async fn cancel(ws: &Workspace, repl: &Repl, id: i64) -> Result<(), Error> {
    let (_, client) = lakehouse(ws, Some(&repl.lakehouse))?;
    client.cancel_repl_statement(&repl.session_id, &repl.repl_id, id).await.map(drop).map_err(Error::from)
}

/// Give the REPL back (a 404 means it had already ended).
pub async fn release(ws: &Workspace, repl: &Repl) -> Result<(), Error> {
    let (_, client) = lakehouse(ws, Some(&repl.lakehouse))?;
    client.delete_hc_session(&repl.hc_id).await.map_err(Error::from)
}

/// Whether an error means the REPL is gone (its session ended, e.g. after the idle timeout):
/// a statement refused with 404 never ran, so acquiring a new REPL and sending it again is safe.
pub fn repl_gone(e: &Error) -> bool {
    e.api().is_some_and(|a| a.kind == ErrorKind::NotFound)
}
