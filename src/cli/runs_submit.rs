//! `sparkdeck runs submit`: a one-time run from `--json` (the Jobs API `runs/submit` body) or
//! the flags, made by `workspace::create::runs`; `--wait` follows it as `run-now` does.

use super::RunSubmitArgs;
use super::context::{CmdResult, Context};
use super::created::{self, invalid};
use super::spec_input;
use super::wait;
use crate::domain::Kind;
use crate::domain::create::{CreatedKind, NewCluster, NewRun, RunCompute, RunTask};
use crate::workspace::Service;
use crate::workspace::create::{clusters, key_values, runs};

/// The run the flags and `--json` describe.
fn describe(args: &RunSubmitArgs) -> CmdResult<NewRun> {
    let mut run = NewRun::default();
    if let Some(arg) = &args.create.json {
        match spec_input::read(arg).map_err(invalid)? {
            serde_json::Value::Object(m) => run.extra = m,
            _ => return Err(invalid("--json: the runs/submit body must be a JSON object")),
        }
    }
    run.name =
        args.name.clone().or_else(|| run.extra.get("run_name").and_then(|v| v.as_str()).map(str::to_string));
    run.compute = match (&args.cluster, &args.new_cluster) {
        (Some(id), _) => Some(RunCompute::Existing(id.clone())),
        (None, Some(spec)) => {
            let spec = spec_input::read(spec).map_err(|e| invalid(format!("--new-cluster: {e}")))?;
            let c: NewCluster = clusters::cluster_from_request(&spec)
                .map_err(|why| invalid(format!("--new-cluster: {why}")))?;
            Some(RunCompute::New(Box::new(c)))
        }
        (None, None) => None,
    };
    run.task = match (&args.notebook, &args.python_file, &args.main_class) {
        (Some(path), _, _) => Some(RunTask::Notebook { path: path.clone() }),
        (None, Some(path), _) => Some(RunTask::PythonFile { path: path.clone() }),
        (None, None, Some(class)) => Some(RunTask::Jar { main_class: class.clone(), jar: args.jar.clone() }),
        (None, None, None) => None,
    };
    run.params = key_values("--param", &args.params).map_err(invalid)?;
    run.args.clone_from(&args.args);
    Ok(run)
}

pub async fn submit(ctx: &Context, args: &RunSubmitArgs) -> CmdResult {
    let run = describe(args)?;
    let ws = ctx.one(args.workspace.as_deref(), Service::Databricks)?;
    if !args.create.dry_run {
        ctx.allow_changes(ws)?;
    }
    let failed = |e| created::failure(ws, CreatedKind::Run, e);
    let token = args.idempotency_token.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let body = runs::prepare(ws, &run, &token).await.map_err(failed)?;
    if args.create.dry_run {
        created::dry_run(ws, "the jobs/runs/submit request", body);
        return Ok(());
    }
    let new = runs::submit(ws, &body).await.map_err(failed)?;
    created::report(ws, &new, "submitted", Some(&body), args.create.output);
    if !args.create.wait.wait {
        return Ok(());
    }
    wait::wait(ws, Kind::Run, &new.id, wait::succeeded, false, args.create.wait, ctx.settings.poll.active())
        .await
}
