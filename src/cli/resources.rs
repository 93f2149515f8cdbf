//! Every resource command: `sessions`, `batches`, `clusters` and `runs`. Listing and showing
//! are [`super::list`]'s, running code [`super::exec`]'s; the commands here change something
//! (and the read-only extras: run output, cluster events). Each finds its target, acts, says
//! what it asked for, and with `--wait` follows the item until the change has happened.

use std::process::ExitCode;
use std::time::Duration;

use serde_json::Value;

use super::context::{CmdResult, Context, fail};
use super::list::{self, find, find_to_change};
use super::output::Format;
use super::wait::{self, Goal};
use super::{
    ActionArgs, BatchesCommand, ClustersCommand, EventsArgs, ResizeArgs, RunsCommand, SessionsCommand,
    TargetArgs,
};
use crate::api::databricks::ClusterSize;
use crate::domain::{Action, Kind, Target};
use crate::workspace::{Error, Workspace, actions, logs};

pub async fn sessions(ctx: &Context, cmd: SessionsCommand) -> CmdResult {
    match cmd {
        SessionsCommand::List(args) => list::list(ctx, Kind::Session, &args).await,
        SessionsCommand::Get(args) => list::get(ctx, Kind::Session, &args).await,
        SessionsCommand::Delete(args) => {
            act(ctx, Kind::Session, Action::KillSession, &args, wait::ended).await
        }
        SessionsCommand::Exec(args) => super::exec::in_session(ctx, args).await,
        SessionsCommand::KeepAlive(t) => change(ctx, Kind::Session, &t, Change::KeepAlive).await,
        SessionsCommand::Create(args) => super::submit::create_session(ctx, &args).await,
    }
}

pub async fn batches(ctx: &Context, cmd: BatchesCommand) -> CmdResult {
    match cmd {
        BatchesCommand::List(args) => list::list(ctx, Kind::Batch, &args).await,
        BatchesCommand::Get(args) => list::get(ctx, Kind::Batch, &args).await,
        BatchesCommand::Cancel(args) => act(ctx, Kind::Batch, Action::CancelBatch, &args, wait::ended).await,
        BatchesCommand::Submit(args) => super::submit::submit(ctx, &args).await,
        BatchesCommand::Resubmit(args) => super::submit::resubmit(ctx, &args).await,
    }
}

pub async fn clusters(ctx: &Context, cmd: ClustersCommand) -> CmdResult {
    match cmd {
        ClustersCommand::List(args) => list::list(ctx, Kind::Cluster, &args).await,
        ClustersCommand::Get(args) => list::get(ctx, Kind::Cluster, &args).await,
        ClustersCommand::Start(args) => {
            act(ctx, Kind::Cluster, Action::StartCluster, &args, wait::cluster_running).await
        }
        ClustersCommand::Restart(args) => {
            act(ctx, Kind::Cluster, Action::RestartCluster, &args, wait::cluster_running).await
        }
        ClustersCommand::Terminate(args) => {
            act(ctx, Kind::Cluster, Action::TerminateCluster, &args, wait::cluster_terminated).await
        }
        ClustersCommand::Resize(args) => resize(ctx, &args).await,
        ClustersCommand::Pin(t) => change(ctx, Kind::Cluster, &t, Change::Pin(true)).await,
        ClustersCommand::Unpin(t) => change(ctx, Kind::Cluster, &t, Change::Pin(false)).await,
        ClustersCommand::Events(args) => events(ctx, &args).await,
        ClustersCommand::Exec(args) => super::exec::on_cluster(ctx, args).await,
        ClustersCommand::Create(args) => super::cluster_create::create(ctx, &args).await,
        ClustersCommand::Edit(args) => super::cluster_create::edit(ctx, &args).await,
        ClustersCommand::DeletePermanently(args) => {
            super::cluster_create::delete_permanently(ctx, &args).await
        }
        ClustersCommand::SparkVersions(args) => super::cluster_create::spark_versions(ctx, &args).await,
        ClustersCommand::NodeTypes(args) => super::cluster_create::node_types(ctx, &args).await,
    }
}

pub async fn runs(ctx: &Context, cmd: RunsCommand) -> CmdResult {
    match cmd {
        RunsCommand::List(args) => list::list_runs(ctx, &args).await,
        RunsCommand::Get(args) => list::get(ctx, Kind::Run, &args).await,
        RunsCommand::Cancel(args) => act(ctx, Kind::Run, Action::CancelRun, &args, wait::ended).await,
        RunsCommand::CancelAll(args) => super::jobs_run::cancel_all(ctx, &args).await,
        RunsCommand::RunNow(args) => super::jobs_run::run_now(ctx, &args).await,
        RunsCommand::Repair(args) => super::jobs_run::repair(ctx, &args).await,
        RunsCommand::Output(t) => output(ctx, &t).await,
        RunsCommand::Submit(args) => super::runs_submit::submit(ctx, &args).await,
    }
}

fn interval(ctx: &Context) -> Duration {
    ctx.settings.poll.active()
}

pub(super) fn api_failure(ws: &Workspace, e: &Error) -> ExitCode {
    let code = if matches!(e, Error::Auth(_)) { 2 } else { 1 };
    fail(code, format!("{}: {e}", ws.name))
}

/// Print what was asked, in the chosen format.
pub(super) fn report(ws: &Workspace, kind: Kind, id: &str, note: &str, format: Format) {
    match format {
        Format::Json => println!(
            "{}",
            super::output::escape_c1(
                serde_json::json!({"workspace": ws.name, "kind": kind.singular(), "id": id, "result": note})
                    .to_string()
            )
        ),
        Format::Table => println!("{}: {}", ws.name, super::output::safe(note)),
    }
}

/// A monitor action (kill, cancel, start, restart, terminate), then optionally wait.
async fn act(ctx: &Context, kind: Kind, action: Action, args: &ActionArgs, goal: Goal) -> CmdResult {
    let t = &args.target;
    let (ws, row) = find_to_change(ctx, kind, &t.id, t.workspace.as_deref()).await?;
    let note = actions::perform(ws, action, &Target::of(&row)).await.map_err(|e| api_failure(ws, &e))?;
    report(ws, kind, &t.id, &note, t.output);
    if !args.wait.wait {
        return Ok(());
    }
    let gone_is_done = matches!(kind, Kind::Session | Kind::Batch);
    wait::wait(ws, kind, &t.id, goal, gone_is_done, args.wait, interval(ctx)).await
}

/// A change with no waiting.
enum Change {
    KeepAlive,
    Pin(bool),
}

async fn change(ctx: &Context, kind: Kind, t: &TargetArgs, change: Change) -> CmdResult {
    let (ws, row) = find_to_change(ctx, kind, &t.id, t.workspace.as_deref()).await?;
    let note = match change {
        Change::KeepAlive => actions::keep_alive(ws, &Target::of(&row)).await,
        Change::Pin(pinned) => actions::pin(ws, &t.id, pinned).await,
    };
    let mut note = note.map_err(|e| api_failure(ws, &e))?;
    if let Change::KeepAlive = change {
        // The countdown restarts from the full timeout now (the service says no new time).
        let now = ctx.clock.now();
        let ends = now.checked_add(crate::domain::IDLE_TIMEOUT).unwrap_or(now);
        let local = ends.to_zoned(jiff::tz::TimeZone::system()).strftime("%Y-%m-%d %H:%M:%S %Z");
        note += &format!(
            "; if it stays idle it ends at {local} ({} from now)",
            crate::domain::format_duration(crate::domain::IDLE_TIMEOUT)
        );
    }
    report(ws, kind, &t.id, &note, t.output);
    Ok(())
}

/// `MIN:MAX` → an autoscale range.
pub(super) fn parse_autoscale(text: &str) -> Result<ClusterSize, String> {
    let (min, max) =
        text.split_once(':').ok_or_else(|| format!("--autoscale takes MIN:MAX, got {text:?}"))?;
    let (min, max): (u32, u32) = match (min.trim().parse(), max.trim().parse()) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return Err(format!("--autoscale takes two whole numbers MIN:MAX, got {text:?}")),
    };
    if min > max {
        return Err(format!("--autoscale: MIN ({min}) is larger than MAX ({max})"));
    }
    Ok(ClusterSize::Autoscale { min_workers: min, max_workers: max })
}

async fn resize(ctx: &Context, args: &ResizeArgs) -> CmdResult {
    let size = match (&args.workers, &args.autoscale) {
        (Some(n), _) => ClusterSize::Workers(*n),
        (None, Some(range)) => parse_autoscale(range).map_err(|why| fail(2, why))?,
        (None, None) => return Err(fail(2, "give --workers N or --autoscale MIN:MAX")),
    };
    let t = &args.target;
    let (ws, _) = find_to_change(ctx, Kind::Cluster, &t.id, t.workspace.as_deref()).await?;
    let note = actions::resize(ws, &t.id, &size).await.map_err(|e| api_failure(ws, &e))?;
    report(ws, Kind::Cluster, &t.id, &note, t.output);
    Ok(())
}

async fn events(ctx: &Context, args: &EventsArgs) -> CmdResult {
    let t = &args.target;
    let (ws, _) = find(ctx, Kind::Cluster, &t.id, t.workspace.as_deref()).await?;
    let events = actions::cluster_events(ws, &t.id, args.limit).await.map_err(|e| api_failure(ws, &e))?;
    match t.output {
        Format::Json => {
            println!("{}", super::output::json_text(&events.iter().map(|e| &e.raw).collect::<Vec<_>>()))
        }
        Format::Table => {
            if events.is_empty() {
                println!("No events.");
            }
            for e in &events {
                println!("{}", super::output::safe(&logs::event_line(e)));
            }
        }
    }
    Ok(())
}

/// `runs output ID`: the result, then the error and its trace, then logs.
async fn output(ctx: &Context, t: &TargetArgs) -> CmdResult {
    let (ws, _) = find(ctx, Kind::Run, &t.id, t.workspace.as_deref()).await?;
    let outputs = actions::run_output(ws, &t.id).await.map_err(|e| api_failure(ws, &e))?;
    if t.output == Format::Json {
        let doc: Vec<Value> = outputs
            .iter()
            .map(|o| serde_json::json!({"task_key": o.task_key, "output": o.output.raw}))
            .collect();
        println!("{}", super::output::json_text(&doc));
        return Ok(());
    }
    for line in logs::output_lines(&outputs, &t.id) {
        println!("{}", super::output::safe(&line));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autoscale_ranges_are_checked() {
        assert_eq!(parse_autoscale("2:8"), Ok(ClusterSize::Autoscale { min_workers: 2, max_workers: 8 }));
        assert!(parse_autoscale("8:2").is_err_and(|e| e.contains("larger")));
        assert!(parse_autoscale("eight").is_err());
    }
}
