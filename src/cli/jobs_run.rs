//! What starts or stops a job's runs, for `sparkdeck jobs` and `sparkdeck runs` alike:
//! `run-now` (parameters from `--param` and `--json-params`, sent as the job takes them, with an
//! idempotency token so a retry never starts a second run), `repair` (the failed tasks or the
//! ones named) and `cancel-all`. A read-only workspace refuses each before anything is sent.

use std::io::Read;
use std::process::ExitCode;

use serde_json::Value;

use super::context::{CmdResult, Context, fail};
use super::list::find_to_change;
use super::output::{self, Format};
use super::resources::{api_failure, report};
use super::wait;
use super::{ActionArgs, CancelAllArgs, RunNowArgs};
use crate::api::ErrorKind;
use crate::domain::Kind;
use crate::domain::job::RunParameters;
use crate::workspace::actions::{self, Rerun};
use crate::workspace::{Error, Service, Workspace, jobs};

#[derive(Debug, Clone, clap::Args)]
pub struct RepairArgs {
    #[command(flatten)]
    pub action: ActionArgs,
    /// Re-run this task (repeatable; its dependent tasks run again too). Without it every task
    /// that did not succeed runs again.
    #[arg(long = "task", value_name = "KEY", conflicts_with = "all_failed")]
    pub tasks: Vec<String>,
    /// Re-run every task that did not succeed (the default).
    #[arg(long)]
    pub all_failed: bool,
}

#[derive(Debug, Clone, clap::Args)]
pub struct CancelJobArgs {
    /// The job whose active runs to cancel.
    pub job_id: i64,
    /// The workspace (its display name); without it, the one Databricks workspace that has the
    /// job.
    #[arg(long)]
    pub workspace: Option<String>,
}

/// `KEY=VALUE` words, each with a key.
fn parse_params(params: &[String]) -> Result<Vec<(String, String)>, String> {
    params
        .iter()
        .map(|p| match p.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
            _ => Err(format!("--param takes KEY=VALUE, got {p:?}")),
        })
        .collect()
}

/// `--json-params FILE|-`: a JSON object of parameter names and values (strings, numbers or
/// booleans), from a file or standard input.
fn read_json_params(arg: &str) -> Result<Vec<(String, String)>, String> {
    let (label, text) = if arg == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("--json-params -: cannot read standard input: {e}"))?;
        ("standard input".to_string(), text)
    } else {
        let text =
            std::fs::read_to_string(arg).map_err(|e| format!("--json-params {arg}: cannot read it: {e}"))?;
        (arg.to_string(), text)
    };
    json_params(&label, &text)
}

fn json_params(label: &str, text: &str) -> Result<Vec<(String, String)>, String> {
    let Value::Object(map) = super::spec_input::parse(label, text)? else {
        return Err(format!("{label}: expected a JSON object"));
    };
    map.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            Value::Number(_) | Value::Bool(_) => Ok((k, v.to_string())),
            other => Err(format!(
                "{label}: parameter {k:?} must be a string, number or boolean, got {}",
                super::spec_input::kind(&other)
            )),
        })
        .collect()
}

/// `--json-params` first, then `--param` (a key given in both takes the `--param` value).
fn parameters(args: &RunNowArgs) -> Result<Vec<(String, String)>, String> {
    let mut pairs = match &args.json_params {
        Some(arg) => read_json_params(arg)?,
        None => Vec::new(),
    };
    for (k, v) in parse_params(&args.params)? {
        pairs.retain(|(seen, _)| *seen != k);
        pairs.push((k, v));
    }
    Ok(pairs)
}

/// The workspace that runs job `job_id`, for a change: the one named or the only one
/// configured, else the one Databricks workspace whose `jobs/get` knows the job. Refused
/// (exit 2, nothing sent) when it is read-only. With `declared`, the job's parameter names
/// are read too (`jobs/get`).
async fn job_workspace<'a>(
    ctx: &'a Context,
    job_id: i64,
    workspace: Option<&str>,
    declared: bool,
) -> CmdResult<(&'a Workspace, Option<Vec<String>>)> {
    let chosen = ctx.select(workspace, Some(Service::Databricks))?;
    if let Some(first) = chosen.first()
        && chosen.iter().all(|ws| ctx.read_only.contains(&ws.name))
    {
        ctx.allow_changes(first)?;
    }
    if let [ws] = chosen.as_slice() {
        ctx.allow_changes(ws)?;
        if !declared {
            return Ok((ws, None));
        }
        let names = jobs::declared(ws, job_id).await.map_err(|e| api_failure(ws, &e))?;
        return Ok((ws, Some(names)));
    }
    let answers = futures::future::join_all(chosen.iter().map(|ws| jobs::declared(ws, job_id))).await;
    let (ws, names) = super::jobs::holder(job_id, chosen.into_iter().zip(answers).collect())?;
    ctx.allow_changes(ws)?;
    Ok((ws, Some(names)))
}

/// `jobs run-now` and `runs run-now`.
pub async fn run_now(ctx: &Context, args: &RunNowArgs) -> CmdResult {
    let pairs = parameters(args).map_err(|why| fail(2, why))?;
    let (ws, declared) =
        job_workspace(ctx, args.job_id, args.workspace.as_deref(), !pairs.is_empty()).await?;
    let declared = declared.unwrap_or_default();
    if let Some((k, _)) = pairs.iter().find(|(k, _)| !declared.is_empty() && !declared.contains(k)) {
        return Err(fail(
            2,
            format!(
                "job {} has no parameter {k} (it has {}); nothing was started",
                args.job_id,
                declared.join(", ")
            ),
        ));
    }
    let params = RunParameters::for_job(&declared, pairs);
    let run_id = jobs::run_now(ws, args.job_id, &params).await.map_err(|e| api_failure(ws, &e))?;
    match args.output {
        Format::Json => println!("{}", serde_json::json!({"workspace": ws.name, "run_id": run_id})),
        Format::Table => match params.pairs() {
            [] => println!("{}: job {} started run {run_id}", ws.name, args.job_id),
            _ => println!(
                "{}: job {} started run {run_id} with {}",
                ws.name,
                args.job_id,
                output::safe(&params.describe())
            ),
        },
    }
    if !args.wait.wait {
        return Ok(());
    }
    let every = ctx.settings.poll.active();
    wait::wait(ws, Kind::Run, &run_id.to_string(), wait::succeeded, false, args.wait, every).await
}

/// `jobs repair` and `runs repair`.
pub async fn repair(ctx: &Context, args: &RepairArgs) -> CmdResult {
    let t = &args.action.target;
    let rerun = if args.tasks.is_empty() { Rerun::AllFailed } else { Rerun::Tasks(args.tasks.clone()) };
    let (ws, _) = find_to_change(ctx, Kind::Run, &t.id, t.workspace.as_deref()).await?;
    let repaired = actions::repair_with(ws, &t.id, &rerun).await.map_err(|e| match &e {
        // A task key the run has not: refused before the repair was sent.
        Error::Api(api) if api.status.is_none() && api.kind == ErrorKind::BadRequest => {
            fail(2, format!("{}: {}; nothing was repaired", ws.name, output::safe(&api.message)))
        }
        _ => api_failure(ws, &e),
    })?;
    let what = match &rerun {
        Rerun::AllFailed => String::new(),
        Rerun::Tasks(keys) => format!(" (tasks {})", keys.join(", ")),
    };
    let note = match repaired {
        Some(r) => format!("run {} is being repaired{what} (repair {r})", t.id),
        None => format!("run {} is being repaired{what}", t.id),
    };
    report(ws, Kind::Run, &t.id, &note, t.output);
    if !args.action.wait.wait {
        return Ok(());
    }
    let every = ctx.settings.poll.active();
    wait::wait(ws, Kind::Run, &t.id, wait::succeeded, false, args.action.wait, every).await
}

/// `jobs cancel-all JOB_ID`.
pub async fn cancel_job(ctx: &Context, args: &CancelJobArgs) -> CmdResult {
    let (ws, _) = job_workspace(ctx, args.job_id, args.workspace.as_deref(), false).await?;
    cancelled(ws, actions::cancel_all(ws, Some(args.job_id), false).await)
}

/// `runs cancel-all --job-id ID | --all-queued`.
pub async fn cancel_all(ctx: &Context, args: &CancelAllArgs) -> CmdResult {
    let ws = ctx.one(args.workspace.as_deref(), Service::Databricks)?;
    ctx.allow_changes(ws)?;
    cancelled(ws, actions::cancel_all(ws, args.job_id, args.all_queued).await)
}

fn cancelled(ws: &Workspace, answer: Result<String, Error>) -> Result<(), ExitCode> {
    let note = answer.map_err(|e| api_failure(ws, &e))?;
    println!("{}: {}", ws.name, output::safe(&note));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_need_a_key() {
        assert_eq!(parse_params(&["a=1=2".into()]), Ok(vec![("a".into(), "1=2".into())]));
        assert!(parse_params(&["=1".into()]).is_err());
    }

    #[test]
    fn json_params_take_scalars_and_say_where_they_went_wrong() {
        let pairs = json_params("p.json", r#"{"env": "dev", "days": 3, "full": true}"#);
        assert_eq!(
            pairs,
            Ok(vec![
                ("days".into(), "3".into()),
                ("env".into(), "dev".into()),
                ("full".into(), "true".into())
            ])
        );
        let e = json_params("p.json", r#"{"env": ["a"]}"#).err().unwrap_or_default();
        assert_eq!(e, "p.json: parameter \"env\" must be a string, number or boolean, got an array");
        let e = json_params("p.json", "{\n\"env\" 1}").err().unwrap_or_default();
        assert!(e.starts_with("p.json:2:7:"), "{e}");
        assert!(json_params("standard input", "[]").is_err_and(|e| e.contains("expected a JSON object")));
    }
}
