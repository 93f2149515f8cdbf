//! Livy batches and sessions: requests from `domain::create` descriptions (made by
//! `domain::request` once local files are placed and names resolved), local files uploaded to
//! OneLake first, the environment and target lakehouse named as Fabric reads them, and a create
//! sent once.
//!
//! A create whose answer was lost is looked for instead of sent again: a session by the tag
//! `sparkdeck.request = <uuid>` it carries (`SessionRequest` has `tags`), a batch (whose request
//! has no tags) by reading the batches submitted since just before and comparing their
//! `livyInfo.jobCreationRequest` with what was sent.

use std::path::Path;

use serde_json::Value;

use super::upload::{self, Upload, UploadProgress};
use super::{CreateError, outcome_unknown};
use crate::api::Pages;
use crate::api::livy::models::{FabricItem, LivySparkActivity};
use crate::api::onelake::Abfss;
use crate::api::{Fetched, LivyClient};
use crate::domain::create::{Created, CreatedKind, NewBatch, NewSession, SparkSizes};
use crate::domain::request::{self, session_request};
pub use crate::domain::request::{
    ENVIRONMENT_CONF, MARKER_TAG, TARGET_LAKEHOUSE_CONF, batch_from_request, session_from_request,
};
use crate::workspace::{FabricClients, Workspace, actions};
/// Makes Fabric give up the starter pool for a slow on-demand cluster (reference §4).
const FALLBACK_CONF: &str = "spark.livy.session.idle.timeout";
/// How far back a lost create is looked for (clocks differ; the service takes its time).
const SEARCH_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);
/// How many of the newest items the search reads.
const SEARCH_ITEMS: usize = 100;

/// A configured lakehouse (by name or id; the first when none is named) and its Livy API.
pub fn lakehouse<'a>(
    ws: &'a Workspace,
    wanted: Option<&str>,
) -> Result<(&'a str, &'a LivyClient), CreateError> {
    let f = actions::fabric(ws)?;
    let found = match wanted {
        Some(w) => f
            .lakehouses
            .iter()
            .find(|(label, c)| label.eq_ignore_ascii_case(w) || c.lakehouse_id().eq_ignore_ascii_case(w)),
        None => f.lakehouses.first(),
    };
    let labels: Vec<&str> = f.lakehouses.iter().map(|(l, _)| l.as_str()).collect();
    found.map(|(label, client)| (label.as_str(), client)).ok_or_else(|| {
        CreateError::Invalid(match wanted {
            Some(w) => format!(
                "no configured lakehouse named {w:?}; configured: {}",
                if labels.is_empty() { "none".into() } else { labels.join(", ") }
            ),
            None => {
                "no lakehouse is configured, and sessions and batches run in one: add `lakehouses = [...]` \
                     to the workspace in the config file"
                    .to_string()
            }
        })
    })
}

/// Memory as Spark takes it: a number with an optional unit (`28g`, `512m`).
fn check_sizes(s: &SparkSizes) -> Result<(), String> {
    for (flag, value) in [("--driver-memory", &s.driver_memory), ("--executor-memory", &s.executor_memory)] {
        if let Some(v) = value {
            let digits = v.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let unit = &v[digits.len()..].to_ascii_lowercase();
            let ok = !digits.is_empty()
                && digits.chars().all(|c| c.is_ascii_digit())
                && ["", "k", "m", "g", "t", "kb", "mb", "gb", "tb"].contains(&unit.as_str());
            if !ok {
                return Err(format!("{flag} {v:?}: expected a size such as 28g or 512m"));
            }
        }
    }
    for (flag, value) in [
        ("--driver-cores", s.driver_cores),
        ("--executor-cores", s.executor_cores),
        ("--num-executors", s.num_executors),
    ] {
        if value == Some(0) {
            return Err(format!("{flag} must be at least 1"));
        }
    }
    Ok(())
}

// ---- names → ids ----

fn looks_like_guid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok()
}

/// An environment id: a GUID as it is, a name looked up in the workspace's environments.
async fn environment(f: &FabricClients, wanted: &str) -> Result<String, CreateError> {
    if looks_like_guid(wanted) {
        return Ok(wanted.to_string());
    }
    by_name(f.monitor.environments(), "environment", wanted).await
}

/// A lakehouse id for `spark.targetLakehouse`: a GUID as it is, a configured lakehouse's name,
/// else a name looked up in the workspace's lakehouses.
async fn target_lakehouse(f: &FabricClients, wanted: &str) -> Result<String, CreateError> {
    if looks_like_guid(wanted) {
        return Ok(wanted.to_string());
    }
    if let Some((_, c)) = f.lakehouses.iter().find(|(label, _)| label.eq_ignore_ascii_case(wanted)) {
        return Ok(c.lakehouse_id().to_string());
    }
    by_name(f.monitor.lakehouses(), "lakehouse", wanted).await
}

/// The id of the item named `wanted` (case-insensitively); else an error listing the names.
async fn by_name(items: Pages<FabricItem>, what: &str, wanted: &str) -> Result<String, CreateError> {
    let all = items.collect(1000).await?;
    let names: Vec<String> = all.iter().filter_map(|e| e.value.display_name.clone()).collect();
    all.iter()
        .find(|e| e.value.display_name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(wanted)))
        .and_then(|e| e.value.id.clone())
        .ok_or_else(|| {
            CreateError::Invalid(format!(
                "no {what} named {wanted:?}; {what}s: {}",
                if names.is_empty() { "none".into() } else { names.join(", ") }
            ))
        })
}

// ---- batches ----

/// A batch ready to send: its exact body, and the local files to upload first.
#[derive(Debug, Clone)]
pub struct PreparedBatch {
    /// The lakehouse (label) whose Livy API runs it.
    pub lakehouse: String,
    pub body: Value,
    pub uploads: Vec<Upload>,
    /// Things worth knowing before it runs.
    pub warnings: Vec<String>,
}

/// A path a batch names: an `abfss://` one is checked (it must be in this workspace's OneLake
/// when it names one by id), `Files/…` is made absolute in the running lakehouse, anything
/// else is a local file to upload.
async fn place(
    ws: &Workspace,
    f: &FabricClients,
    lakehouse_id: &str,
    path: &str,
    uploads: &mut Vec<Upload>,
) -> Result<String, CreateError> {
    if let Some(url) = Abfss::parse(path) {
        if url.is_onelake()
            && looks_like_guid(url.container)
            && !url.container.eq_ignore_ascii_case(&f.workspace_id)
        {
            return Err(CreateError::Invalid(format!(
                "{path}: this file is in another workspace's OneLake ({}), but the batch runs in {} ({}); \
                 copy it into one of this workspace's lakehouses, or submit it in the workspace that holds it",
                url.container, ws.name, f.workspace_id
            )));
        }
        return Ok(path.to_string());
    }
    if path.contains("://") {
        return Ok(path.to_string());
    }
    let local = Path::new(path);
    if !local.exists()
        && let Some(rest) = path.strip_prefix("Files/")
    {
        return Ok(crate::api::onelake::LakePath { lakehouse_id: lakehouse_id.into(), path: rest.into() }
            .abfss(&f.workspace_id));
    }
    let up = match uploads.iter().find(|u| u.local == local) {
        Some(u) => u.clone(),
        None => {
            let u = upload::plan(local, lakehouse_id).await?;
            uploads.push(u.clone());
            u
        }
    };
    Ok(up.dest.abfss(&f.workspace_id))
}

/// Check a batch and make its request (names of environments and lakehouses looked up; local
/// files hashed, not yet uploaded). Nothing is created.
pub async fn prepare_batch(ws: &Workspace, batch: &NewBatch) -> Result<PreparedBatch, CreateError> {
    let f = actions::fabric(ws)?;
    let (label, client) = lakehouse(ws, batch.lakehouse.as_deref())?;
    if batch.file.trim().is_empty() {
        return Err(CreateError::Invalid("no file to run: give FILE (or `file` in the --json spec)".into()));
    }
    check_sizes(&batch.sizes).map_err(CreateError::Invalid)?;
    let lh = client.lakehouse_id().to_string();
    let mut uploads = Vec::new();
    let file = place(ws, f, &lh, &batch.file, &mut uploads).await?;
    let jar_without_class = file.to_ascii_lowercase().ends_with(".jar") && batch.class_name.is_none();
    let mut lists: [Vec<String>; 4] = Default::default();
    for (list, placed) in
        [&batch.py_files, &batch.jars, &batch.files, &batch.archives].into_iter().zip(&mut lists)
    {
        for p in list {
            placed.push(place(ws, f, &lh, p, &mut uploads).await?);
        }
    }
    let env = match &batch.environment {
        Some(e) => Some(environment(f, e).await?),
        None => None,
    };
    let target = match &batch.target_lakehouse {
        Some(t) => Some(target_lakehouse(f, t).await?),
        None => None,
    };
    let [py_files, jars, files, archives] = lists;
    let placed = NewBatch {
        file,
        py_files,
        jars,
        files,
        archives,
        environment: env,
        target_lakehouse: target,
        ..batch.clone()
    };
    let body = request::batch_request(&placed);
    let mut warnings = Vec::new();
    if jar_without_class {
        warnings.push(
            "a JAR needs its main class: give --class-name, or Spark stops with \"No main class set in JAR\""
                .into(),
        );
    }
    Ok(PreparedBatch { lakehouse: label.to_string(), body, uploads, warnings })
}

/// Upload what the batch needs, then submit it (once). The batch's id on success.
pub async fn submit_batch(
    ws: &Workspace,
    batch: &PreparedBatch,
    progress: &(dyn Fn(UploadProgress) + Send + Sync),
) -> Result<Created, CreateError> {
    let f = actions::fabric(ws)?;
    let (_, client) = lakehouse(ws, Some(&batch.lakehouse))?;
    for up in &batch.uploads {
        upload::send(&f.onelake, up, progress).await?;
    }
    send_once(client, CreatedKind::Batch, &batch.body, None).await
}

/// POST a session or batch (once), and settle an unclear answer by looking for it (a session by
/// its `marker` tag).
async fn send_once(
    client: &LivyClient,
    kind: CreatedKind,
    body: &Value,
    marker: Option<&str>,
) -> Result<Created, CreateError> {
    let name = body.get("name").and_then(Value::as_str).map(str::to_string);
    let sent = jiff::Timestamp::now();
    let (answer, path) = if kind == CreatedKind::Batch {
        (client.create_batch(body).await, "/batches")
    } else {
        (client.create_session(body).await, "/sessions")
    };
    match answer {
        Ok(created) => match created.value.id.clone() {
            Some(id) => Ok(Created { kind, id, name }),
            None => settle(client, kind, body, marker, sent, no_id("POST", path)).await,
        },
        Err(e) if outcome_unknown(&e) => settle(client, kind, body, marker, sent, e).await,
        Err(e) => Err(e.into()),
    }
}

fn no_id(method: &str, path: &str) -> crate::api::ApiError {
    crate::api::ApiError::decode(method, path, "the service accepted the request but its answer has no id")
}

/// After a create whose outcome is unknown: the item itself when exactly one is certainly ours,
/// else what looks like it.
async fn settle(
    client: &LivyClient,
    kind: CreatedKind,
    body: &Value,
    marker: Option<&str>,
    sent: jiff::Timestamp,
    cause: crate::api::ApiError,
) -> Result<Created, CreateError> {
    let name = body.get("name").and_then(Value::as_str);
    let (ours, likely) = find(client, kind, body, marker, sent).await;
    if let [one] = ours.as_slice() {
        return Ok(one.clone());
    }
    let what = match name {
        Some(n) => format!("{} {n:?}", kind.singular()),
        None => format!("the {}", kind.singular()),
    };
    Err(CreateError::Unknown { what, found: if ours.is_empty() { likely } else { ours }, cause })
}

/// The fields of a batch request that say what it runs.
const BATCH_IDENTITY: &[&str] = &["file", "className", "args", "name", "conf", "pyFiles", "jars"];

/// What was created since just before `sent`: those certainly ours (a session with our marker;
/// a batch whose `jobCreationRequest` is what we sent, read for each recent batch, at most
/// `BATCH_READS`), and those that look like it (the same name). A failed search finds nothing.
async fn find(
    client: &LivyClient,
    kind: CreatedKind,
    body: &Value,
    marker: Option<&str>,
    sent: jiff::Timestamp,
) -> (Vec<Created>, Vec<Created>) {
    const BATCH_READS: usize = 10;
    let name = body.get("name").and_then(Value::as_str);
    let pages = if kind == CreatedKind::Batch { client.batches() } else { client.sessions() };
    let items: Vec<Fetched<LivySparkActivity>> = pages.collect(SEARCH_ITEMS).await.unwrap_or_default();
    let recent: Vec<&LivySparkActivity> = items
        .iter()
        .map(|i| &i.value)
        .filter(|a| {
            a.submitted_at
                .as_deref()
                .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                .is_some_and(|t| t >= sent - SEARCH_WINDOW)
        })
        .collect();
    let likely: Vec<Created> = recent
        .iter()
        .filter(|a| name.is_some() && a.name.as_deref() == name)
        .filter_map(|a| created(kind, a))
        .collect();
    let mut ours = Vec::new();
    match (kind, marker) {
        (CreatedKind::Session, Some(m)) => {
            let marked = |a: &&LivySparkActivity| a.tags.get(MARKER_TAG).and_then(Value::as_str) == Some(m);
            ours = items.iter().map(|i| &i.value).filter(marked).filter_map(|a| created(kind, a)).collect();
        }
        (CreatedKind::Batch, _) => {
            let same = |request: &Value| BATCH_IDENTITY.iter().all(|k| request.get(*k) == body.get(*k));
            for a in recent.iter().take(BATCH_READS) {
                let Some(id) = a.id.as_deref() else { continue };
                if let Ok(b) = client.batch(id).await
                    && b.raw.pointer("/livyInfo/jobCreationRequest").is_some_and(same)
                    && let Some(c) = created(kind, a)
                {
                    ours.push(c);
                }
            }
        }
        _ => {}
    }
    (ours, likely)
}

fn created(kind: CreatedKind, a: &LivySparkActivity) -> Option<Created> {
    Some(Created { kind, id: a.id.clone()?, name: a.name.clone() })
}

/// How batch `id` was submitted: the lakehouse (label) that ran it and its
/// `livyInfo.jobCreationRequest`, to edit and submit again ([`batch_from_request`]).
pub async fn batch_request(ws: &Workspace, id: &str) -> Result<(String, Value), CreateError> {
    let f = actions::fabric(ws)?;
    for (label, client) in &f.lakehouses {
        match client.batch(id).await {
            Ok(b) => {
                let request = b.raw.pointer("/livyInfo/jobCreationRequest").cloned().unwrap_or(Value::Null);
                if !request.get("file").is_some_and(Value::is_string) {
                    return Err(CreateError::Invalid(format!(
                        "batch {id} does not say how it was submitted (no livyInfo.jobCreationRequest.file); \
                         submit it anew with `sparkdeck batches submit`"
                    )));
                }
                return Ok((label.clone(), request));
            }
            Err(e) if e.kind == crate::api::ErrorKind::NotFound => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(CreateError::Failed(crate::workspace::Error::NotFound {
        workspace: ws.name.clone(),
        kind: "batch",
        id: id.to_string(),
    }))
}

/// Batch `id` as a description, ready to edit and submit again (what `R` on a batch row fills
/// its form with).
pub async fn batch_to_resubmit(ws: &Workspace, id: &str) -> Result<NewBatch, CreateError> {
    let (lakehouse, request) = batch_request(ws, id).await?;
    let mut batch = batch_from_request(&request)
        .map_err(|why| CreateError::Invalid(format!("batch {id}'s jobCreationRequest: {why}")))?;
    batch.lakehouse = Some(lakehouse);
    Ok(batch)
}

/// The configured lakehouses sessions and batches can run in: (label, lakehouse id).
pub fn configured_lakehouses(ws: &Workspace) -> Result<Vec<(String, String)>, CreateError> {
    Ok(actions::fabric(ws)?
        .lakehouses
        .iter()
        .map(|(l, c)| (l.clone(), c.lakehouse_id().to_string()))
        .collect())
}

/// The workspace's environments (a picker's choices).
pub async fn environments(ws: &Workspace) -> Result<Vec<Fetched<FabricItem>>, CreateError> {
    Ok(actions::fabric(ws)?.monitor.environments().collect(1000).await?)
}

/// The workspace's lakehouses (a picker's choices for `spark.targetLakehouse`).
pub async fn lakehouses(ws: &Workspace) -> Result<Vec<Fetched<FabricItem>>, CreateError> {
    Ok(actions::fabric(ws)?.monitor.lakehouses().collect(1000).await?)
}

// ---- sessions ----

/// A session ready to create.
#[derive(Debug, Clone)]
pub struct PreparedSession {
    pub lakehouse: String,
    pub body: Value,
    pub warnings: Vec<String>,
    marker: String,
}

pub async fn prepare_session(ws: &Workspace, session: &NewSession) -> Result<PreparedSession, CreateError> {
    let f = actions::fabric(ws)?;
    let (label, _) = lakehouse(ws, session.lakehouse.as_deref())?;
    check_sizes(&session.sizes).map_err(CreateError::Invalid)?;
    let env = match &session.environment {
        Some(e) => Some(environment(f, e).await?),
        None => None,
    };
    let marker = uuid::Uuid::new_v4().to_string();
    let mut body = session_request(&NewSession { environment: env, ..session.clone() });
    if let Value::Object(b) = &mut body
        && let Value::Object(tags) = b.entry("tags").or_insert_with(|| Value::Object(Default::default()))
    {
        tags.insert(MARKER_TAG.into(), marker.clone().into());
    }
    let mut warnings = Vec::new();
    if session.conf.contains_key(FALLBACK_CONF) {
        warnings.push(format!(
            "{FALLBACK_CONF} makes Fabric start an on-demand cluster instead of using the starter pool \
             (minutes instead of seconds); sessions end after 20 idle minutes anyway"
        ));
    }
    Ok(PreparedSession { lakehouse: label.to_string(), body, warnings, marker })
}

/// Create the session (once). Its id on success.
pub async fn create_session(ws: &Workspace, session: &PreparedSession) -> Result<Created, CreateError> {
    let (_, client) = lakehouse(ws, Some(&session.lakehouse))?;
    send_once(client, CreatedKind::Session, &session.body, Some(&session.marker)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_checked_before_sending() {
        let ok = SparkSizes {
            driver_memory: Some("28g".into()),
            executor_memory: Some("512m".into()),
            ..Default::default()
        };
        assert_eq!(check_sizes(&ok), Ok(()));
        let bad = SparkSizes { driver_memory: Some("lots".into()), ..Default::default() };
        assert!(check_sizes(&bad).is_err_and(|e| e.contains("--driver-memory \"lots\"")));
        let zero = SparkSizes { num_executors: Some(0), ..Default::default() };
        assert!(check_sizes(&zero).is_err());
    }
}
