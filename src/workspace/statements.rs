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
use super::create::livy::ENVIRONMENT_CONF;
use super::statement_convert::{databricks_command, livy_progress, livy_statement};
use super::statement_pace as pace;
use super::{Clients, Error, Workspace};
use crate::api::databricks::models::{ContextStatus, Language as DbxLanguage};
use crate::api::livy::models::{
    HcState, HighConcurrencySessionRequest, SparkResources, StatementKind, StatementRequest,
};
use crate::api::{ErrorKind, LivyClient};
use crate::domain::create::environment_details;
use crate::domain::statement::{Language, Output, Phase, Repl, ReplSettings};

pub use crate::domain::statement::SESSION_TAG;
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

/// A Fabric workspace's lakehouse labels (names, or ids); `None` for Databricks.
pub fn lakehouse_labels(ws: &Workspace) -> Option<Vec<String>> {
    fabric(ws).ok().map(|f| f.lakehouses.iter().map(|(label, _)| label.clone()).collect())
}

/// Whether some lakehouse of Fabric workspace `ws` is configured by its id alone (then the
/// editor asks Fabric for its name, `lakehouse_names`, to show a name rather than a GUID).
pub fn has_unnamed_lakehouses(ws: &Workspace) -> bool {
    fabric(ws)
        .is_ok_and(|f| f.lakehouses.iter().any(|(label, c)| label.eq_ignore_ascii_case(c.lakehouse_id())))
}

/// The display names Fabric gives the lakehouses configured by id alone (label → name), from
/// one listing of the workspace's lakehouses.
pub async fn lakehouse_names(ws: &Workspace) -> Result<Vec<(String, String)>, Error> {
    let f = fabric(ws)?;
    let items = f.monitor.lakehouses().collect(1000).await?;
    let name_of = |id: &str| {
        items.iter().find_map(|i| {
            let v = &i.value;
            v.id.as_deref().filter(|i| i.eq_ignore_ascii_case(id))?;
            v.display_name.clone().filter(|n| !n.trim().is_empty())
        })
    };
    Ok(f.lakehouses
        .iter()
        .filter(|(label, c)| label.eq_ignore_ascii_case(c.lakehouse_id()))
        .filter_map(|(label, c)| Some((label.clone(), name_of(c.lakehouse_id())?)))
        .collect())
}

/// A Fabric workspace's configured REPL settings (`[fabric.repl]`), where the picker's start.
pub fn repl_settings(ws: &Workspace) -> ReplSettings {
    fabric(ws).map(|f| f.repl.clone()).unwrap_or_default()
}

/// The workspace's environments as (id, name), for choosing its REPLs' environment.
pub async fn environments(ws: &Workspace) -> Result<Vec<(String, String)>, super::create::CreateError> {
    let items = super::create::livy::environments(ws).await?;
    Ok(items
        .into_iter()
        .filter_map(|i| {
            let id = i.value.id.filter(|id| !id.is_empty())?;
            let name = i.value.display_name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| id.clone());
            Some((id, name))
        })
        .collect())
}

/// Whether `ws` is a Fabric workspace configured with the lakehouse `label` (its name or id).
pub fn has_lakehouse(ws: &Workspace, label: &str) -> bool {
    lakehouse(ws, Some(label)).is_ok()
}

fn dbx_language(language: Language) -> DbxLanguage {
    DbxLanguage::from(language.databricks_language())
}

/// Acquire somewhere to run code and wait until it is ready: a REPL in the Fabric lakehouse
/// `place` (or the first) in the high-concurrency session tagged `tag` (else the configured
/// tag), acquired with `settings` (else the workspace's configured `[fabric.repl]`), or an
/// execution context on the Databricks cluster `place`.
/// `progress` hears each state the service reports; `created` hears, as soon as the service has
/// made it, what to give back should the caller stop waiting (a `Repl` whose ids are known so
/// far). Any failure after that gives it back here.
pub async fn acquire(
    ws: &Workspace,
    place: Option<&str>,
    tag: Option<&str>,
    settings: Option<&ReplSettings>,
    language: Language,
    progress: impl Fn(&str),
    created: impl Fn(&Repl),
) -> Result<Repl, Error> {
    // The user asked: it goes out even while the workspace waits out a throttle.
    let made = crate::api::user_action(create(ws, place, tag, settings, language, &progress)).await?;
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
    tag: Option<&str>,
    settings: Option<&ReplSettings>,
    language: Language,
    progress: &impl Fn(&str),
) -> Result<Repl, Error> {
    Ok(match ws.clients.as_ref().map_err(Clone::clone)? {
        Clients::Fabric(_) => create_repl(ws, place, tag, settings, &progress).await?,
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
async fn create_repl(
    ws: &Workspace,
    label: Option<&str>,
    tag: Option<&str>,
    settings: Option<&ReplSettings>,
    progress: &impl Fn(&str),
) -> Result<Repl, Error> {
    let (label, client) = lakehouse(ws, label)?;
    let configured = &fabric(ws)?.repl;
    let req = acquire_body(settings.unwrap_or(configured), label, tag);
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

/// The acquire body (fabric-livy.md §1.4): the session tag REPLs share (`tag` if one was chosen,
/// else the configured one), the lakehouse's name (the
/// monitoring hub shows `HC_<name>_<session>`), the environment as Fabric's
/// `spark.fabric.environmentDetails` conf (a JSON string), the other conf, and the sizes.
fn acquire_body(
    settings: &ReplSettings,
    lakehouse: &str,
    tag: Option<&str>,
) -> HighConcurrencySessionRequest {
    let mut conf = settings.conf.clone();
    if let Some(env) = &settings.environment {
        conf.insert(ENVIRONMENT_CONF.into(), environment_details(env));
    }
    HighConcurrencySessionRequest {
        session_tag: Some(tag.unwrap_or(settings.tag()).to_string()),
        artifact_name: Some(lakehouse.to_string()),
        name: Some("sparkdeck editor".into()),
        conf,
        resources: SparkResources {
            driver_memory: settings.driver_memory.clone(),
            driver_cores: settings.driver_cores,
            executor_memory: settings.executor_memory.clone(),
            executor_cores: settings.executor_cores,
            num_executors: settings.num_executors,
        },
        ..HighConcurrencySessionRequest::default()
    }
}

/// Poll what was created until it is ready; the complete `Repl`.
async fn wait_ready(ws: &Workspace, made: &Repl, progress: &impl Fn(&str)) -> Result<Repl, Error> {
    let started = tokio::time::Instant::now();
    let mut wait = None;
    loop {
        // What was just made is not ready yet (its creation answered Pending / NotStarted):
        // even the first read waits, so a context ready in 2 s takes one read, not two.
        let next = match made {
            Repl::LivySession { .. } => return Ok(made.clone()),
            Repl::Databricks { .. } => pace::context_wait(started.elapsed(), wait),
            Repl::Livy { .. } => pace::hc_wait(wait),
        };
        wait = Some(next);
        tokio::time::sleep(next).await;
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

/// Submit `code` to the existing Livy session `session_id` in whichever configured lakehouse of
/// `ws` holds it (`first`, when given, tried first): each is tried in turn until one accepts,
/// since a 404 there (no such session in that lakehouse) ran nothing. One request where
/// looking the session up first takes two. The session stays the user's (the `Repl` is
/// `LivySession`, which [`release`] leaves running); `Ok(None)` when no lakehouse knows it.
pub async fn submit_in_session(
    ws: &Workspace,
    session_id: &str,
    first: Option<&str>,
    language: Language,
    code: &str,
) -> Result<Option<(Repl, String)>, Error> {
    let mut labels: Vec<&str> = fabric(ws)?.lakehouses.iter().map(|(label, _)| label.as_str()).collect();
    if let Some(first) = first.and_then(|l| lakehouse(ws, Some(l)).ok()).map(|(label, _)| label) {
        labels.retain(|l| *l != first);
        labels.insert(0, first);
    }
    for label in labels {
        let repl = Repl::LivySession {
            workspace: ws.name.clone(),
            lakehouse: label.to_string(),
            session_id: session_id.to_string(),
        };
        match submit(ws, &repl, language, code).await {
            Ok(id) => return Ok(Some((repl, id))),
            Err(e) if e.api().is_some_and(|a| a.kind == ErrorKind::NotFound) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(None)
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

/// Read statement `id` back until it ends, on the [`pace::Schedule`] of its place (learned from
/// the statements before it there), telling `phase` of each change of phase or progress
/// (percent, where the service reports it). A read that fails is tried again a few times (the
/// service answers a transient 404 just after a submit, a 5xx may pass, and a network blip must
/// not orphan a running statement); only repeated failures end the wait. Status reads are
/// idempotent, so retrying them is safe.
pub async fn follow(
    ws: &Workspace,
    repl: &Repl,
    id: &str,
    phase: impl Fn(Phase, Option<u8>),
) -> Result<(Phase, Option<Output>), Error> {
    const MAX_FAILED_READS: usize = 5;
    let place = pace_place(repl);
    let schedule = pace::Schedule::at(&place, !matches!(repl, Repl::Databricks { .. }));
    let submitted = tokio::time::Instant::now();
    let (mut wait, mut before, mut reads) = (None, None, 0);
    let mut failures = 0;
    let mut last = None;
    let mut progress = None;
    loop {
        let next = schedule.wait(submitted.elapsed(), wait, progress);
        wait = Some(next);
        tokio::time::sleep(next).await;
        let read_at = submitted.elapsed();
        reads += 1;
        match read_progress(ws, repl, id).await {
            Ok((p, output, _)) if p.is_finished() => {
                pace::learn(&place, reads, read_at, before);
                return Ok((p, output));
            }
            Ok((p, _, share)) => {
                failures = 0;
                before = Some(read_at);
                progress = share;
                let percent = share.map(|s| (s * 100.0).round() as u8);
                if last != Some((p, percent)) {
                    last = Some((p, percent));
                    phase(p, percent);
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

/// Where statements take alike, for [`pace::learn`]: a Livy session (each REPL of a
/// high-concurrency session runs on its driver), a Databricks cluster (its contexts come and go).
fn pace_place(repl: &Repl) -> String {
    match repl {
        Repl::Livy { workspace, session_id, .. } | Repl::LivySession { workspace, session_id, .. } => {
            format!("{workspace}/{session_id}")
        }
        Repl::Databricks { workspace, cluster_id, .. } => format!("{workspace}/{cluster_id}"),
    }
}

/// Where statement `id` is, and its output once finished.
pub async fn read(ws: &Workspace, repl: &Repl, id: &str) -> Result<(Phase, Option<Output>), Error> {
    read_progress(ws, repl, id).await.map(|(phase, output, _)| (phase, output))
}

/// As [`read`], with the share done (0–1) when the service says: Livy statements carry
/// `progress`; Databricks commands only their status.
async fn read_progress(
    ws: &Workspace,
    repl: &Repl,
    id: &str,
) -> Result<(Phase, Option<Output>, Option<f64>), Error> {
    let livy = |statement: &crate::api::livy::models::StatementResponse| {
        let (phase, output) = livy_statement(statement);
        (phase, output, livy_progress(statement))
    };
    match repl {
        Repl::Livy { lakehouse: label, session_id, repl_id, .. } => {
            let (_, client) = lakehouse(ws, Some(label))?;
            Ok(livy(&client.repl_statement(session_id, repl_id, livy_id(ws, id)?).await?.value))
        }
        Repl::LivySession { lakehouse: label, session_id, .. } => {
            let (_, client) = lakehouse(ws, Some(label))?;
            Ok(livy(&client.statement(session_id, livy_id(ws, id)?).await?.value))
        }
        Repl::Databricks { cluster_id, context_id, .. } => {
            let command = databricks(ws)?.command_status(cluster_id, context_id, id).await?;
            let (phase, output) = databricks_command(&command);
            Ok((phase, output, None))
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
    use serde_json::json;

    use super::*;

    #[test]
    fn the_acquire_body_carries_the_workspace_repl_settings() {
        let settings = ReplSettings {
            session_tag: Some("team-a".into()),
            environment: Some("3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f".into()),
            conf: [("spark.sql.shuffle.partitions".to_string(), "64".to_string())].into(),
            executor_memory: Some("28g".into()),
            num_executors: Some(2),
            ..ReplSettings::default()
        };
        let body = serde_json::to_value(acquire_body(&settings, "lh_sales", None)).unwrap_or_default();
        assert_eq!(body["sessionTag"], "team-a");
        assert_eq!(body["artifactName"], "lh_sales");
        assert_eq!(body["conf"]["spark.sql.shuffle.partitions"], "64");
        // Fabric reads the environment from a conf value holding JSON text (fabric-livy.md §4).
        let env: serde_json::Value =
            serde_json::from_str(body["conf"]["spark.fabric.environmentDetails"].as_str().unwrap_or(""))
                .unwrap_or_default();
        assert_eq!(env, json!({"id": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"}));
        assert_eq!((body["executorMemory"].as_str(), body["numExecutors"].as_u64()), (Some("28g"), Some(2)));
        assert!(body.get("driverMemory").is_none(), "unset sizes are not sent: {body}");
        // Without settings: the shared tag only.
        let body =
            serde_json::to_value(acquire_body(&ReplSettings::default(), "lh", None)).unwrap_or_default();
        assert_eq!(body["sessionTag"], SESSION_TAG);
        assert!(body.get("conf").is_none(), "{body}");
        // A tag chosen in the picker (or `exec --tag`) wins over the configured one; the rest stays.
        let body = serde_json::to_value(acquire_body(&settings, "lh_sales", Some("etl"))).unwrap_or_default();
        assert_eq!((body["sessionTag"].as_str(), body["numExecutors"].as_u64()), (Some("etl"), Some(2)));
    }
}
