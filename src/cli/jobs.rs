//! `sparkdeck jobs list|get`: Databricks jobs as the Jobs pane shows them (the last runs as a
//! strip, the schedule, the last run's state and duration), and one job's settings. The
//! commands that start or stop runs are [`super::jobs_run`]'s, shared with `sparkdeck runs`.

use std::io::Write;

use serde_json::Value;

use super::context::{CmdResult, Context, fail};
use super::jobs_run::{CancelJobArgs, RepairArgs};
use super::list::{check_state, state_matches};
use super::output::{self, Column};
use super::row_output::{self, RowFormat};
use super::{ListArgs, RowOutputArgs, RunNowArgs, list_options};
use crate::domain::job::RecentRun;
use crate::domain::{Detail, Kind, Resource};
use crate::workspace::jobs::{self, JobQuery};
use crate::workspace::{Error, Service, Workspace};

#[derive(Debug, clap::Subcommand)]
pub enum JobsCommand {
    /// List jobs across every Databricks workspace, most recently run first: the last runs as a
    /// strip of marks (oldest first; state words with -o wide and csv), the schedule, the last
    /// run's state and duration.
    List(JobsListArgs),
    /// Show one job: schedule, parameters, tasks, job clusters and recent runs (-o json|yaml:
    /// the jobs/get object, every page of its arrays).
    Get(JobGetArgs),
    /// Start a job now and print the new run's id (--wait: until the run ends; exit 1 unless it
    /// succeeded). Parameters go as the job takes them: job_parameters when it declares any,
    /// else its notebook tasks' notebook_params. Never sent twice (an idempotency token).
    RunNow(RunNowArgs),
    /// Re-run a run's failed tasks (or --task KEY ...) and the tasks that depend on them.
    Repair(RepairArgs),
    /// Cancel every active run of a job.
    CancelAll(CancelJobArgs),
}

/// `jobs list`: the shared list options, and which jobs.
#[derive(Debug, Clone, clap::Args)]
pub struct JobsListArgs {
    #[command(flatten)]
    pub list: ListArgs,
    /// Only jobs whose name contains this text, in any case (pages are read until --limit jobs
    /// match; no runs are read for the others).
    #[arg(long, value_name = "TEXT", conflicts_with = "exact_name")]
    pub name: Option<String>,
    /// Only the job of exactly this name, in any case (asked of the service: `name`).
    #[arg(long, value_name = "NAME")]
    pub exact_name: Option<String>,
}

#[derive(Debug, Clone, clap::Args)]
pub struct JobGetArgs {
    /// The job id.
    pub job_id: i64,
    /// Only look in this workspace (its display name); otherwise every Databricks workspace is
    /// asked.
    #[arg(long)]
    pub workspace: Option<String>,
    #[command(flatten)]
    pub out: RowOutputArgs,
}

pub async fn jobs(ctx: &Context, cmd: JobsCommand) -> CmdResult {
    match cmd {
        JobsCommand::List(args) => list(ctx, &args).await,
        JobsCommand::Get(args) => get(ctx, &args).await,
        JobsCommand::RunNow(args) => super::jobs_run::run_now(ctx, &args).await,
        JobsCommand::Repair(args) => super::jobs_run::repair(ctx, &args).await,
        JobsCommand::CancelAll(args) => super::jobs_run::cancel_job(ctx, &args).await,
    }
}

/// The RUNS column as words, oldest first (`SUCCESS FAILED RUNNING`): a script reads these.
fn run_words(r: &Resource, _: jiff::Timestamp) -> String {
    match &r.detail {
        Detail::Job { recent, .. } => {
            let words: Vec<&str> = recent.iter().rev().map(|run| word(&run.state)).collect();
            words.join(" ")
        }
        _ => String::new(),
    }
}

/// A run's outcome in one word: its result once it has one (`TERMINATED/FAILED` → `FAILED`).
fn word(state: &str) -> &str {
    state.rsplit('/').next().unwrap_or(state)
}

/// The job columns `--columns` names (all by default); for `wide` and `csv` the strip of marks
/// becomes state words.
fn job_columns(format: RowFormat, wanted: Option<&str>) -> CmdResult<Vec<Column>> {
    let chosen = list_options::columns(Kind::Job, wanted).map_err(|e| fail(2, e))?;
    let mut cols = chosen.unwrap_or_else(|| output::columns(Kind::Job));
    if matches!(format, RowFormat::Wide | RowFormat::Csv) {
        for c in cols.iter_mut().filter(|c| c.header == "RUNS") {
            c.cell = run_words;
        }
    }
    Ok(cols)
}

/// A job row's JSON: the API object (with `workspace`, `id`, `name`, `state` as every list
/// adds them) and `recent_runs`, newest first.
fn job_json(r: &Resource) -> Value {
    let mut doc = output::row_json(r);
    if let (Value::Object(map), Detail::Job { recent, .. }) = (&mut doc, &r.detail) {
        map.insert("recent_runs".into(), recent.iter().map(recent_json).collect());
    }
    doc
}

fn recent_json(run: &RecentRun) -> Value {
    let ms = |t: Option<jiff::Timestamp>| t.map(|t| t.as_millisecond());
    serde_json::json!({
        "run_id": run.run_id.parse::<i64>().map_or_else(|_| Value::from(run.run_id.clone()), Value::from),
        "state": run.state,
        "sparkdeck_status": run.status.to_string(),
        "start_time": ms(run.started_at),
        "end_time": ms(run.ended_at),
    })
}

/// One job's JSON text for `--watch -o json` (one object per line).
fn job_json_line(r: &Resource) -> String {
    job_json(r).to_string()
}

async fn list(ctx: &Context, args: &JobsListArgs) -> CmdResult {
    let list = &args.list;
    if let Some(state) = &list.state {
        check_state(Kind::Job, state)?;
    }
    let format = list.out.output;
    if list.columns.is_some() && format.is_document() {
        return Err(fail(
            2,
            "--columns chooses the columns of -o table, wide and csv; json and yaml keep every field",
        ));
    }
    let cols = job_columns(format, list.columns.as_deref())?;
    let chosen = ctx.select(list.workspace.as_deref(), Some(Service::Databricks))?;
    let query = JobQuery {
        limit: list.limit,
        exact_name: args.exact_name.clone(),
        contains: args.name.clone().filter(|n| !n.is_empty()),
    };
    let keep = |row: &Resource| list.state.as_deref().is_none_or(|s| state_matches(row, s));
    if list.watch {
        if format == RowFormat::Yaml {
            return Err(fail(
                2,
                "--watch prints one change at a time: use -o table, wide, csv or json (one object per line)",
            ));
        }
        let cols = || job_columns(format, list.columns.as_deref()).unwrap_or_default();
        let feed = super::watch::Feed { source: super::watch::Source::Jobs(&query), json: job_json_line };
        return super::watch::watch_with(ctx, Kind::Job, list, chosen, feed, keep, cols).await;
    }
    let results = futures::future::join_all(chosen.iter().map(|ws| jobs::rows_where(ws, &query))).await;
    let mut rows: Vec<Resource> = Vec::new();
    let mut failed = false;
    for (ws, result) in chosen.iter().zip(results) {
        match result {
            Ok(found) => rows.extend(found.into_iter().filter(|r| keep(r))),
            Err(e) => {
                failed = true;
                say_failure(ws, &e);
            }
        }
    }
    // Most recently run first; jobs that never ran keep the service's order, last.
    rows.sort_by_key(|r| std::cmp::Reverse(r.last_activity()));
    rows.truncate(list.limit);
    if failed && rows.is_empty() && matches!(format, RowFormat::Table | RowFormat::Wide) {
        return Err(std::process::ExitCode::from(1));
    }
    let text = rows_text(ctx, &rows, &list.out, cols)?;
    write_out(&text)?;
    if failed { Err(std::process::ExitCode::from(1)) } else { Ok(()) }
}

/// A failed workspace on standard error, with the fix when one is known.
fn say_failure(ws: &Workspace, e: &Error) {
    eprintln!("sparkdeck: {}: {}", ws.name, output::safe(&e.to_string()));
    if let Some(fix) = crate::workspace::hints::fix(ws.service, e) {
        eprintln!("  fix: {fix}");
    }
}

/// Rows in the chosen format.
fn rows_text(ctx: &Context, rows: &[Resource], out: &RowOutputArgs, cols: Vec<Column>) -> CmdResult<String> {
    let now = ctx.clock.now();
    let header = !out.no_header;
    let docs = || Value::Array(rows.iter().map(job_json).collect());
    Ok(match out.output {
        RowFormat::Json => output::json_text(&docs()) + "\n",
        RowFormat::Yaml => serde_norway::to_string(&docs()).unwrap_or_default(),
        RowFormat::Csv => row_output::csv_of(cols, rows, header, now)
            .map_err(|e| fail(1, format!("cannot write the output: {e}")))?,
        format => row_output::table_of(Kind::Job, cols, rows, format == RowFormat::Wide, header, now),
    })
}

/// Standard output; a closed pipe (`| head`) is the reader's choice, not a failure.
fn write_out(text: &str) -> CmdResult {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(fail(1, format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}

/// The job `job_id`: in the named workspace, or the one Databricks workspace that holds it.
pub(super) async fn find_job<'a>(
    ctx: &'a Context,
    job_id: i64,
    workspace: Option<&str>,
) -> CmdResult<(&'a Workspace, Resource)> {
    let chosen = ctx.select(workspace, Some(Service::Databricks))?;
    let answers = futures::future::join_all(chosen.iter().map(|ws| jobs::job(ws, job_id))).await;
    holder(job_id, chosen.into_iter().zip(answers).collect())
}

/// The one workspace whose answer about job `job_id` is the job. When none has it, each
/// workspace's answer (its error code and request id) is said and the exit status is 1; a
/// job id found in several workspaces asks for `--workspace` (exit 2).
pub(super) fn holder<T>(
    job_id: i64,
    answers: Vec<(&Workspace, Result<T, Error>)>,
) -> CmdResult<(&Workspace, T)> {
    let (mut found, failures): (Vec<_>, Vec<_>) = answers.into_iter().partition(|(_, a)| a.is_ok());
    if found.len() > 1 {
        let names: Vec<&str> = found.iter().map(|(ws, _)| ws.name.as_str()).collect();
        return Err(fail(
            2,
            format!("job {job_id} exists in {}: choose one with --workspace", names.join(", ")),
        ));
    }
    if let Some((ws, Ok(one))) = found.pop() {
        return Ok((ws, one));
    }
    for (ws, answer) in &failures {
        if let Err(e) = answer {
            say_failure(ws, e);
        }
    }
    Err(fail(1, format!("no job with id {job_id} found")))
}

async fn get(ctx: &Context, args: &JobGetArgs) -> CmdResult {
    let format = args.out.output;
    let (_, row) = find_job(ctx, args.job_id, args.workspace.as_deref()).await?;
    let text = match format {
        RowFormat::Json => output::json_text(&output::RowJson(&row)) + "\n",
        RowFormat::Yaml => row_output::yaml_row(&row),
        RowFormat::Csv => rows_text(ctx, std::slice::from_ref(&row), &args.out, job_columns(format, None)?)?,
        format => super::jobs_text::job_text(&row, ctx.clock.now(), format == RowFormat::Wide),
    };
    write_out(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Status;

    fn recent(id: &str, status: Status, state: &str) -> RecentRun {
        RecentRun { run_id: id.into(), status, state: state.into(), started_at: None, ended_at: None }
    }

    #[test]
    fn run_words_read_oldest_first_with_the_result() {
        let row = Resource {
            detail: Detail::Job {
                job_id: 1,
                schedule: None,
                paused: false,
                parameters: Vec::new(),
                recent: vec![
                    recent("3", Status::Busy, "RUNNING"),
                    recent("2", Status::Failed, "TERMINATED/FAILED"),
                    recent("1", Status::Succeeded, "TERMINATED/SUCCESS"),
                ],
                url: None,
            },
            kind: Kind::Job,
            workspace: "adb".into(),
            id: "1".into(),
            name: "nightly".into(),
            status: Status::Busy,
            raw_state: "RUNNING".into(),
            owner: None,
            started_at: None,
            ended_at: None,
            state_message: None,
            raw: std::sync::Arc::new(serde_json::json!({"job_id": 1}).into()),
        };
        assert_eq!(run_words(&row, jiff::Timestamp::UNIX_EPOCH), "SUCCESS FAILED RUNNING");
        let doc = job_json(&row);
        assert_eq!(doc["recent_runs"][0]["run_id"], 3);
        assert_eq!(doc["recent_runs"][1]["state"], "TERMINATED/FAILED");
        assert_eq!(doc["recent_runs"][1]["sparkdeck_status"], "failed");
    }
}
