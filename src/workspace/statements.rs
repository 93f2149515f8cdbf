//! Running the editor's code: in a Fabric high-concurrency session (acquire a REPL — sessions
//! with the same tag share one Livy session, five REPLs each) or on a Databricks all-purpose
//! cluster (an execution context of the command execution API 1.2). Submit statements, read
//! them back, cancel them, and give the REPL or context back.
//!
//! A REPL is acquired only when the user first runs something (each acquisition may start a
//! billed Spark session) and released when the editor's owner quits; Fabric ends an idle one
//! after 20 minutes anyway.

use std::time::Duration;

use super::actions::{databricks, fabric};
use super::statement_convert::{databricks_command, livy_statement};
use super::{Clients, Error, Workspace};
use crate::api::databricks::models::{ContextStatus, Language as DbxLanguage};
use crate::api::livy::models::{HcState, HighConcurrencySessionRequest, StatementKind, StatementRequest};
use crate::api::{ErrorKind, LivyClient};
use crate::domain::statement::{Language, Output, Phase, Repl};

/// The HC session tag sparkdeck's REPLs share, so they pack into one Livy session.
pub const SESSION_TAG: &str = "sparkdeck";
/// How long an acquisition may take before we give up (an on-demand cluster takes minutes).
const ACQUIRE_LIMIT: Duration = Duration::from_secs(15 * 60);

fn failed(ws: &Workspace, message: String) -> Error {
    Error::Unsupported { workspace: ws.name.clone(), what: message }
}

/// The lakehouse named `label` (or the first one), with its label.
fn lakehouse<'a>(ws: &'a Workspace, label: Option<&str>) -> Result<(&'a str, &'a LivyClient), Error> {
    let f = fabric(ws)?;
    let found = match label {
        Some(l) => f
            .lakehouses
            .iter()
            .find(|(name, _)| name == l)
            .or_else(|| f.lakehouses.iter().find(|(_, c)| c.lakehouse_id().eq_ignore_ascii_case(l))),
        None => f.lakehouses.first(),
    };
    found.map(|(name, client)| (name.as_str(), client)).ok_or_else(|| {
        failed(
            ws,
            match label {
                Some(l) => format!("has no lakehouse {l:?} in the configuration"),
                None => "has no lakehouse configured; add one under [[fabric]] lakehouses".into(),
            },
        )
    })
}

fn dbx_language(language: Language) -> DbxLanguage {
    DbxLanguage::from(language.databricks_language())
}

/// Acquire somewhere to run code and wait until it is ready: a REPL in the Fabric lakehouse
/// `place` (or the first), or an execution context on the Databricks cluster `place`.
/// `progress` hears each state the service reports; `created` hears, as soon as the service has
/// made it, what to give back should the caller stop waiting (a `Repl` whose ids are known so
/// far). Any failure after that gives it back here.
pub async fn acquire(
    ws: &Workspace,
    place: Option<&str>,
    language: Language,
    progress: impl Fn(&str),
    created: impl Fn(&Repl),
) -> Result<Repl, Error> {
    // The user asked: it goes out even while the workspace waits out a throttle.
    let made = crate::api::user_action(create(ws, place, language, &progress)).await?;
    created(&made);
    let ready =
        tokio::time::timeout(ACQUIRE_LIMIT, wait_ready(ws, &made, &progress)).await.unwrap_or_else(|_| {
            let minutes = ACQUIRE_LIMIT.as_secs() / 60;
            Err(failed(ws, format!("it did not start within {minutes} minutes")))
        });
    if ready.is_err()
        && let Err(e) = release(ws, &made).await
    {
        tracing::warn!("giving back {} after a failed start failed too: {e}", made.describe());
    }
    ready
}

/// Ask for the REPL or context; it exists (not yet ready) once this answers.
async fn create(
    ws: &Workspace,
    place: Option<&str>,
    language: Language,
    progress: &impl Fn(&str),
) -> Result<Repl, Error> {
    Ok(match ws.clients.as_ref().map_err(Clone::clone)? {
        Clients::Fabric(_) => create_repl(ws, place, &progress).await?,
        Clients::Databricks(d) => {
            let cluster = place.ok_or_else(|| {
                failed(
                    ws,
                    "needs a cluster: select a running all-purpose cluster in the Clusters pane and press e"
                        .into(),
                )
            })?;
            let context = d.create_context(cluster, &dbx_language(language)).await?;
            let context_id = context
                .id
                .clone()
                .filter(|id| !id.is_empty())
                .ok_or_else(|| failed(ws, "the execution context was created without an id".into()))?;
            Repl::Databricks { workspace: ws.name.clone(), cluster_id: cluster.to_string(), context_id }
        }
    })
}

/// `POST /highConcurrencySessions`; the REPL as far as it is known: its HC id. Never re-sent
/// after a 5xx (a sixth REPL on a tag may answer 500 while Fabric starts another billed Livy
/// session): the error says the session may have started, and running again is the user's call.
async fn create_repl(ws: &Workspace, label: Option<&str>, progress: &impl Fn(&str)) -> Result<Repl, Error> {
    let (label, client) = lakehouse(ws, label)?;
    let req = HighConcurrencySessionRequest {
        session_tag: Some(SESSION_TAG.into()),
        name: Some("sparkdeck editor".into()),
        ..HighConcurrencySessionRequest::default()
    };
    progress("acquiring a high-concurrency session");
    let hc = client.acquire_hc_session(&req).await?;
    let hc_id = hc
        .id
        .clone()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| failed(ws, "the high-concurrency session was accepted without an id".into()))?;
    Ok(Repl::Livy {
        workspace: ws.name.clone(),
        lakehouse: label.to_string(),
        hc_id,
        session_id: String::new(),
        repl_id: String::new(),
    })
}

/// How often a starting Databricks execution context is read: it is ready within seconds, and
/// the statement waiting on it should start the moment it is.
const CONTEXT_POLL: Duration = Duration::from_millis(100);

/// The next wait while a Fabric high-concurrency session starts: it takes from seconds (a
/// warm pool) to minutes (an on-demand cluster), so start quick and double up to 3 s.
fn hc_poll(previous: Option<Duration>) -> Duration {
    previous.map_or(Duration::from_millis(250), |d| (d * 2).min(Duration::from_secs(3)))
}

/// When to read a running statement again, given how long ago it was submitted: most
/// statements end within a couple of seconds, so read soon after submitting, then at a steady
/// short interval, then back off gently (by a quarter each read) up to 2 s for long ones. The
/// result is seen at most ~100 ms after it is ready for the statements people wait on, for a
/// handful of requests; `Retry-After` still holds every read (the HTTP layer's gate).
pub fn statement_poll(elapsed: Duration, previous: Option<Duration>) -> Duration {
    const FIRST: Duration = Duration::from_millis(50);
    const STEADY: Duration = Duration::from_millis(100);
    const STEADY_FOR: Duration = Duration::from_secs(2);
    const LONGEST: Duration = Duration::from_secs(2);
    match previous {
        None => FIRST,
        Some(_) if elapsed < STEADY_FOR => STEADY,
        Some(p) => p.max(STEADY).mul_f64(1.25).min(LONGEST),
    }
}

/// Poll what was created until it is ready; the complete `Repl`.
async fn wait_ready(ws: &Workspace, made: &Repl, progress: &impl Fn(&str)) -> Result<Repl, Error> {
    let mut wait = None;
    loop {
        match made {
            Repl::Livy { lakehouse: label, hc_id, .. } => {
                let (_, client) = lakehouse(ws, Some(label))?;
                let current = client.hc_session(hc_id).await?.value;
                if let (Some(HcState::Idle), Some(session_id), Some(repl_id)) =
                    (&current.state, current.session_id.clone(), current.repl_id.clone())
                {
                    return Ok(Repl::Livy {
                        workspace: ws.name.clone(),
                        lakehouse: label.clone(),
                        hc_id: hc_id.clone(),
                        session_id,
                        repl_id,
                    });
                }
                let acquisition = current.fabric_session_state_info.as_ref();
                if let Some(state) =
                    current.state.as_ref().filter(|s| s.is_failed() || **s == HcState::Deleting)
                {
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
            }
            Repl::Databricks { cluster_id, context_id, .. } => {
                let status = databricks(ws)?.context_status(cluster_id, context_id).await?;
                match &status.status {
                    Some(ContextStatus::Running) => return Ok(made.clone()),
                    Some(ContextStatus::Error) => {
                        return Err(failed(
                            ws,
                            format!("the execution context on cluster {cluster_id} failed to start"),
                        ));
                    }
                    other => {
                        progress(&format!("context {}", other.as_ref().map_or("Pending", |s| s.as_str())))
                    }
                }
            }
            Repl::LivySession { .. } => return Ok(made.clone()),
        }
        let next = if matches!(made, Repl::Databricks { .. }) { CONTEXT_POLL } else { hc_poll(wait) };
        wait = Some(next);
        tokio::time::sleep(next).await;
    }
}

/// An existing Livy session to run statements in, found in whichever configured lakehouse
/// holds it. It stays the user's: [`release`] leaves it running.
pub async fn attach(ws: &Workspace, session_id: &str) -> Result<Repl, Error> {
    for (label, client) in &fabric(ws)?.lakehouses {
        match client.session(session_id).await {
            Ok(_) => {
                return Ok(Repl::LivySession {
                    workspace: ws.name.clone(),
                    lakehouse: label.clone(),
                    session_id: session_id.to_string(),
                });
            }
            Err(e) if e.kind == ErrorKind::NotFound => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::NotFound { workspace: ws.name.clone(), kind: "session", id: session_id.to_string() })
}

/// Submit `code`; the statement's (or command's) id. Never re-sent once it may have arrived (it
/// would run twice); it goes out even while the workspace waits out a throttle (the user asked).
pub async fn submit(ws: &Workspace, repl: &Repl, language: Language, code: &str) -> Result<String, Error> {
    crate::api::user_action(submit_now(ws, repl, language, code)).await
}

async fn submit_now(ws: &Workspace, repl: &Repl, language: Language, code: &str) -> Result<String, Error> {
    let id = match repl {
        Repl::Livy { lakehouse: label, session_id, repl_id, .. } => {
            let (_, client) = lakehouse(ws, Some(label))?;
            let req = StatementRequest {
                code: code.to_string(),
                kind: StatementKind::from(language.livy_kind()),
                source_id: None,
            };
            client.submit_repl_statement(session_id, repl_id, &req).await?.id.map(|id| id.to_string())
        }
        Repl::LivySession { lakehouse: label, session_id, .. } => {
            let (_, client) = lakehouse(ws, Some(label))?;
            let req = StatementRequest {
                code: code.to_string(),
                kind: StatementKind::from(language.livy_kind()),
                source_id: None,
            };
            client.submit_statement(session_id, &req).await?.id.map(|id| id.to_string())
        }
        Repl::Databricks { cluster_id, context_id, .. } => databricks(ws)?
            .execute_command(cluster_id, context_id, &dbx_language(language), code)
            .await?
            .id
            .clone(),
    };
    id.filter(|id| !id.is_empty())
        .ok_or_else(|| failed(ws, "the statement was accepted without an id".into()))
}

/// Read statement `id` back until it ends, on the [`statement_poll`] schedule, telling `phase`
/// of each change. A read that fails is tried again a few times (the service answers a
/// transient 404 just after a submit, and a network blip must not orphan a running statement);
/// only repeated failures end the wait.
pub async fn follow(
    ws: &Workspace,
    repl: &Repl,
    id: &str,
    phase: impl Fn(Phase),
) -> Result<(Phase, Option<Output>), Error> {
    const MAX_FAILED_READS: usize = 5;
    let submitted = tokio::time::Instant::now();
    let mut wait = None;
    let mut failures = 0;
    let mut last = None;
    loop {
        let next = statement_poll(submitted.elapsed(), wait);
        wait = Some(next);
        tokio::time::sleep(next).await;
        match read(ws, repl, id).await {
            Ok((p, output)) if p.is_finished() => return Ok((p, output)),
            Ok((p, _)) => {
                failures = 0;
                if last != Some(p) {
                    last = Some(p);
                    phase(p);
                }
            }
            Err(e) => {
                failures += 1;
                if failures >= MAX_FAILED_READS {
                    return Err(e);
                }
                tracing::debug!("reading statement {id} failed ({failures}/{MAX_FAILED_READS}): {e}");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Where statement `id` is, and its output once finished.
pub async fn read(ws: &Workspace, repl: &Repl, id: &str) -> Result<(Phase, Option<Output>), Error> {
    match repl {
        Repl::Livy { lakehouse: label, session_id, repl_id, .. } => {
            let (_, client) = lakehouse(ws, Some(label))?;
            let statement = client.repl_statement(session_id, repl_id, livy_id(ws, id)?).await?;
            Ok(livy_statement(&statement))
        }
        Repl::LivySession { lakehouse: label, session_id, .. } => {
            let (_, client) = lakehouse(ws, Some(label))?;
            let statement = client.statement(session_id, livy_id(ws, id)?).await?;
            Ok(livy_statement(&statement))
        }
        Repl::Databricks { cluster_id, context_id, .. } => {
            let command = databricks(ws)?.command_status(cluster_id, context_id, id).await?;
            Ok(databricks_command(&command))
        }
    }
}

fn livy_id(ws: &Workspace, id: &str) -> Result<i64, Error> {
    id.parse().map_err(|_| failed(ws, format!("{id:?} is not a Livy statement id")))
}

pub async fn cancel(ws: &Workspace, repl: &Repl, id: &str) -> Result<(), Error> {
    crate::api::user_action(cancel_now(ws, repl, id)).await
}

async fn cancel_now(ws: &Workspace, repl: &Repl, id: &str) -> Result<(), Error> {
    match repl {
        Repl::Livy { lakehouse: label, session_id, repl_id, .. } => {
            let (_, client) = lakehouse(ws, Some(label))?;
            client
                .cancel_repl_statement(session_id, repl_id, livy_id(ws, id)?)
                .await
                .map(drop)
                .map_err(Error::from)
        }
        Repl::LivySession { lakehouse: label, session_id, .. } => {
            let (_, client) = lakehouse(ws, Some(label))?;
            client.cancel_statement(session_id, livy_id(ws, id)?).await.map(drop).map_err(Error::from)
        }
        Repl::Databricks { cluster_id, context_id, .. } => {
            databricks(ws)?.cancel_command(cluster_id, context_id, id).await.map_err(Error::from)
        }
    }
}

/// Give the REPL or context back (a REPL already gone is not an error). A session the editor
/// only attached to is left running: it is the user's.
pub async fn release(ws: &Workspace, repl: &Repl) -> Result<(), Error> {
    match repl {
        Repl::LivySession { .. } => Ok(()),
        Repl::Livy { lakehouse: label, hc_id, .. } => {
            let (_, client) = lakehouse(ws, Some(label))?;
            client.delete_hc_session(hc_id).await.map_err(Error::from)
        }
        Repl::Databricks { cluster_id, context_id, .. } => {
            databricks(ws)?.destroy_context(cluster_id, context_id).await.map_err(Error::from)
        }
    }
}

/// Whether an error means the REPL or context is gone (its session ended after the idle
/// timeout, its cluster restarted): a statement refused that way never ran, so acquiring a new
/// one and sending it again is safe.
pub fn repl_gone(e: &Error) -> bool {
    e.api().is_some_and(|a| {
        let m = a.message.to_ascii_lowercase();
        a.kind == ErrorKind::NotFound
            || (m.contains("context") && (m.contains("does not exist") || m.contains("not found")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reads of a statement that runs `runs`: (when each happens, how many).
    fn reads_until(runs: Duration) -> (Vec<Duration>, usize) {
        let (mut at, mut previous, mut reads) = (Duration::ZERO, None, Vec::new());
        loop {
            let wait = statement_poll(at, previous);
            previous = Some(wait);
            at += wait;
            reads.push(at);
            if at >= runs {
                return (reads.clone(), reads.len());
            }
        }
    }

    #[test]
    fn statements_are_read_soon_then_steadily_then_gently_less() {
        assert_eq!(statement_poll(Duration::ZERO, None), Duration::from_millis(50));
        // Within the first seconds a result is seen at most 100 ms after it is ready.
        for ms in [60, 300, 700, 1_500, 1_950] {
            let (reads, _) = reads_until(Duration::from_millis(ms));
            let seen = reads[reads.len() - 1];
            assert!(
                seen - Duration::from_millis(ms) <= Duration::from_millis(100),
                "{ms} ms: seen at {seen:?}"
            );
        }
        // A one-second statement costs about ten reads, a minute-long one well under a hundred.
        assert!(reads_until(Duration::from_secs(1)).1 <= 11);
        assert!(reads_until(Duration::from_secs(60)).1 <= 60);
        // Never slower than every 2 s.
        let mut previous = Some(Duration::from_secs(2));
        for _ in 0..5 {
            let wait = statement_poll(Duration::from_secs(600), previous);
            assert!(wait <= Duration::from_secs(2));
            previous = Some(wait);
        }
    }

    #[test]
    fn a_starting_session_is_read_quickly_then_every_3_s() {
        let waits: Vec<Duration> =
            std::iter::successors(Some(hc_poll(None)), |d| Some(hc_poll(Some(*d)))).take(6).collect();
        assert_eq!(waits[0], Duration::from_millis(250));
        assert_eq!(waits[5], Duration::from_secs(3));
        assert_eq!(CONTEXT_POLL, Duration::from_millis(100), "a context: steady, not doubling");
    }
}
