//! Changes to one item: kill and keep alive sessions, cancel batches and runs, start, restart,
//! terminate, resize and pin clusters, run and repair jobs. Shared by the headless commands and
//! the monitor's effect runner. Each returns a short sentence saying what was asked of the service.

use super::{Clients, Error, FabricClients, Workspace};
use crate::api::databricks::ClusterSize;
use crate::api::databricks::models::{
    ClusterEvent, EventsQuery, RepairRunRequest, RepairType, Run, RunNowRequest, RunOutput, RunResultState,
    RunTask,
};
use crate::api::livy::models::{LivyJob, StatementResponse};
use crate::api::{DatabricksClient, ErrorKind, Fetched, LivyClient};
use crate::domain::{Action, Kind, Target};

/// The Databricks client of a workspace, or why there is none.
pub fn databricks(ws: &Workspace) -> Result<&DatabricksClient, Error> {
    match ws.clients.as_ref().map_err(Clone::clone)? {
        Clients::Databricks(d) => Ok(d),
        Clients::Fabric(_) => Err(Error::Unsupported {
            workspace: ws.name.clone(),
            what: "is a Fabric workspace; clusters, runs, tokens and secrets are Databricks things".into(),
        }),
    }
}

/// The Fabric clients of a workspace, or why there are none.
pub(super) fn fabric(ws: &Workspace) -> Result<&FabricClients, Error> {
    match ws.clients.as_ref().map_err(Clone::clone)? {
        Clients::Fabric(f) => Ok(f),
        Clients::Databricks(_) => Err(Error::Unsupported {
            workspace: ws.name.clone(),
            what: "is a Databricks workspace; sessions and batches are Fabric Livy things".into(),
        }),
    }
}

/// The Livy API of the lakehouse the target names, when it names a configured one.
fn named_lakehouse<'a>(ws: &'a Workspace, t: &Target) -> Result<Option<&'a LivyClient>, Error> {
    let f = fabric(ws)?;
    Ok(t.lakehouse.as_deref().and_then(|l| f.lakehouses.iter().find(|(label, _)| label == l)).map(|(_, c)| c))
}

async fn get_job(
    client: &LivyClient,
    kind: Kind,
    id: &str,
) -> Result<Fetched<LivyJob>, crate::api::ApiError> {
    if kind == Kind::Batch { client.batch(id).await } else { client.session(id).await }
}

/// The lakehouse whose Livy API holds this session or batch, and the item as it answered: the
/// one the target names, else the first that knows it. Items seen only in the workspace
/// monitoring list (notebooks, Spark job definitions) are in none of them.
pub(super) async fn locate<'a>(
    ws: &'a Workspace,
    t: &Target,
) -> Result<(&'a LivyClient, Fetched<LivyJob>), Error> {
    if let Some(client) = named_lakehouse(ws, t)? {
        return Ok((client, get_job(client, t.kind, &t.id).await?));
    }
    for (_, client) in &fabric(ws)?.lakehouses {
        match get_job(client, t.kind, &t.id).await {
            Ok(job) => return Ok((client, job)),
            Err(e) if e.kind == ErrorKind::NotFound => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::NotFound { workspace: ws.name.clone(), kind: t.kind.singular(), id: t.id.clone() })
}

/// The Livy API that holds the target: the named lakehouse's at once, else found by asking.
async fn livy_holding<'a>(ws: &'a Workspace, t: &Target) -> Result<&'a LivyClient, Error> {
    match named_lakehouse(ws, t)? {
        Some(client) => Ok(client),
        None => Ok(locate(ws, t).await?.0),
    }
}

/// A Livy session or batch as its lakehouse's Livy API answers it.
pub async fn livy_item(ws: &Workspace, t: &Target) -> Result<Fetched<LivyJob>, Error> {
    Ok(locate(ws, t).await?.1)
}

/// Every task of a run: `runs/get`, then its `next_page_token` pages (2.2 returns 100 at a
/// time). At most `MAX_TASKS` are read.
pub async fn run_tasks(ws: &Workspace, id: &str) -> Result<Vec<RunTask>, Error> {
    const MAX_TASKS: usize = 2000;
    let d = databricks(ws)?;
    let run_id = run_id(ws, id)?;
    let mut page = d.run(run_id).await?.value;
    let mut tasks = Vec::new();
    loop {
        tasks.extend(page.tasks.take().unwrap_or_default());
        match page.next_page_token.take().filter(|t| !t.is_empty()) {
            Some(token) if tasks.len() < MAX_TASKS => page = d.run_page(run_id, &token).await?.value,
            _ => return Ok(tasks),
        }
    }
}

/// `GET …/sessions/{id}/statements`: the session's statements.
pub async fn session_statements(ws: &Workspace, t: &Target) -> Result<Vec<StatementResponse>, Error> {
    Ok(livy_holding(ws, t).await?.statements(&t.id).await?.value.statements)
}

pub(super) fn run_id(ws: &Workspace, id: &str) -> Result<i64, Error> {
    id.parse().map_err(|_| Error::NotFound { workspace: ws.name.clone(), kind: "run", id: id.to_string() })
}

/// The monitor's actions (the keys `c`, `u`, `r`, `t`). The user asked, so the first attempt
/// goes out even while the workspace waits out a throttle.
pub async fn perform(ws: &Workspace, action: Action, t: &Target) -> Result<String, Error> {
    crate::api::user_action(act(ws, action, t)).await
}

async fn act(ws: &Workspace, action: Action, t: &Target) -> Result<String, Error> {
    let id = t.id.as_str();
    match action {
        Action::KillSession => {
            livy_holding(ws, t).await?.delete_session(id).await?;
            Ok(format!("session {id} is being stopped"))
        }
        Action::KeepAlive => keep_alive(ws, t).await,
        Action::CancelBatch => {
            livy_holding(ws, t).await?.delete_batch(id).await?;
            Ok(format!("batch {id} is being cancelled"))
        }
        Action::CancelRun => {
            databricks(ws)?.cancel_run(run_id(ws, id)?).await?;
            Ok(format!("run {id} is being cancelled"))
        }
        Action::StartCluster => {
            databricks(ws)?.start_cluster(id).await?;
            Ok(format!("cluster {id} is starting"))
        }
        Action::RestartCluster => {
            databricks(ws)?.restart_cluster(id).await?;
            Ok(format!("cluster {id} is restarting"))
        }
        Action::TerminateCluster => {
            databricks(ws)?.terminate_cluster(id).await?;
            Ok(format!("cluster {id} is terminating"))
        }
        Action::ResizeCluster { min, max } => {
            let size = if min == max {
                ClusterSize::Workers(min)
            } else {
                ClusterSize::Autoscale { min_workers: min, max_workers: max }
            };
            resize(ws, id, &size).await
        }
        Action::RunJob => super::jobs::start(ws, t, Vec::new()).await,
        Action::RepairRun => Ok(match repair(ws, id).await? {
            Some(r) => format!("run {id} is being repaired (repair {r}): its failed tasks run again"),
            None => format!("run {id} is being repaired: its failed tasks run again"),
        }),
        Action::CancelAllRuns => cancel_all(ws, Some(run_id(ws, id)?), false).await,
    }
}

/// `POST …/sessions/{id}/reset-timeout`: restart the session's idle countdown.
pub async fn keep_alive(ws: &Workspace, t: &Target) -> Result<String, Error> {
    livy_holding(ws, t).await?.reset_session_timeout(&t.id).await?;
    Ok(format!("session {}: idle timeout reset", t.id))
}

pub async fn resize(ws: &Workspace, id: &str, size: &ClusterSize) -> Result<String, Error> {
    databricks(ws)?.resize_cluster(id, size).await?;
    let to = match size {
        ClusterSize::Workers(n) => format!("{n} workers"),
        ClusterSize::Autoscale { min_workers, max_workers } => format!("{min_workers}–{max_workers} workers"),
    };
    Ok(format!("cluster {id} is resizing to {to}"))
}

pub async fn pin(ws: &Workspace, id: &str, pinned: bool) -> Result<String, Error> {
    let d = databricks(ws)?;
    if pinned {
        d.pin_cluster(id).await?;
        Ok(format!("cluster {id} pinned"))
    } else {
        d.unpin_cluster(id).await?;
        Ok(format!("cluster {id} unpinned"))
    }
}

/// Every active run of a job (and, with `all_queued`, every queued run in the workspace).
pub async fn cancel_all(ws: &Workspace, job_id: Option<i64>, all_queued: bool) -> Result<String, Error> {
    databricks(ws)?.cancel_all_runs(job_id, all_queued).await?;
    Ok(match job_id {
        Some(job) => format!("cancelling every active run of job {job}"),
        None => "cancelling every queued run".into(),
    })
}

/// Start a job now; the new run's id.
pub async fn run_now(ws: &Workspace, job_id: i64, params: Vec<(String, String)>) -> Result<i64, Error> {
    let req =
        RunNowRequest { job_id, job_parameters: params.into_iter().collect(), ..RunNowRequest::default() };
    let answer = databricks(ws)?.run_now(&req).await?;
    answer.value.run_id.ok_or_else(|| {
        Error::Api(crate::api::ApiError::decode("POST", "/api/2.2/jobs/run-now", "the answer has no run_id"))
    })
}

/// Re-run a run's failed tasks (and what depends on them); the repair id. A second repair must
/// name the latest one, which the run's `repair_history` holds.
pub async fn repair(ws: &Workspace, id: &str) -> Result<Option<i64>, Error> {
    repair_with(ws, id, &Rerun::AllFailed).await
}

/// What a repair runs again (and, either way, the tasks that depend on it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rerun {
    /// Every task that did not succeed (`rerun_all_failed_tasks`).
    AllFailed,
    /// These task keys (`rerun_tasks`); a key the run has not is refused before anything is sent.
    Tasks(Vec<String>),
}

/// [`repair`], running again what `rerun` names.
pub async fn repair_with(ws: &Workspace, id: &str, rerun: &Rerun) -> Result<Option<i64>, Error> {
    let d = databricks(ws)?;
    let run_id = run_id(ws, id)?;
    let run = d.run(run_id).await?.value;
    let latest_repair_id = run
        .repair_history
        .iter()
        .rev()
        .find(|r| r.repair_type == Some(RepairType::Repair))
        .and_then(|r| r.id);
    let mut req = RepairRunRequest {
        run_id,
        rerun_dependent_tasks: Some(true),
        latest_repair_id,
        ..RepairRunRequest::default()
    };
    match rerun {
        Rerun::AllFailed => req.rerun_all_failed_tasks = Some(true),
        Rerun::Tasks(keys) => {
            let paged = run.next_page_token.as_deref().is_some_and(|t| !t.is_empty());
            let tasks = if paged { run_tasks(ws, id).await? } else { run.tasks.clone().unwrap_or_default() };
            let known: Vec<&str> = tasks.iter().filter_map(|t| t.task_key.as_deref()).collect();
            if let Some(unknown) = keys.iter().find(|k| !known.contains(&k.as_str())) {
                let message =
                    format!("run {run_id} has no task {unknown:?} (its tasks: {})", known.join(", "));
                return Err(crate::api::ApiError::invalid_input(message).into());
            }
            req.rerun_tasks = keys.clone();
        }
    }
    Ok(d.repair_run(&req).await?.value.repair_id)
}

/// `runs/get-output` per task: the service refuses it for a run with several tasks, so each
/// task run is asked separately (failed tasks first, where the error is).
pub async fn run_output(ws: &Workspace, id: &str) -> Result<Vec<TaskOutput>, Error> {
    let d = databricks(ws)?;
    let run_id = run_id(ws, id)?;
    let run = d.run(run_id).await?;
    task_outputs(d, run_id, &run.value).await
}

/// [`run_output`] of a run already read (`runs/get`).
pub(super) async fn task_outputs(
    d: &DatabricksClient,
    run_id: i64,
    run: &Run,
) -> Result<Vec<TaskOutput>, Error> {
    let tasks: Vec<(String, i64, bool)> = run
        .tasks
        .iter()
        .flatten()
        .filter_map(|t| {
            let failed = t.state.as_ref().is_some_and(|s| s.result_state == Some(RunResultState::Failed));
            Some((t.task_key.clone().unwrap_or_default(), t.run_id?, failed))
        })
        .collect();
    if tasks.len() <= 1 {
        let output = d.run_output(run_id).await?;
        let task_key = tasks.into_iter().next().map(|(k, ..)| k);
        return Ok(vec![TaskOutput { task_key, output }]);
    }
    let mut ordered = tasks;
    ordered.sort_by_key(|(_, _, failed)| !failed);
    let mut outputs = Vec::new();
    for (key, task_run, _) in ordered {
        outputs.push(TaskOutput { task_key: Some(key), output: d.run_output(task_run).await? });
    }
    Ok(outputs)
}

/// One task's `runs/get-output` (its raw object is what `-o json` prints).
#[derive(Debug, Clone)]
pub struct TaskOutput {
    pub task_key: Option<String>,
    pub output: Fetched<RunOutput>,
}

/// A cluster's `limit` most recent events, in the one order every view of them uses: oldest
/// first, newest last, as a log reads (the details, the logs view, `clusters events`).
pub async fn cluster_events(
    ws: &Workspace,
    id: &str,
    limit: usize,
) -> Result<Vec<Fetched<ClusterEvent>>, Error> {
    let mut events = databricks(ws)?.cluster_events(id, &EventsQuery::default())?.collect(limit).await?;
    events.reverse();
    Ok(events)
}
