//! `sparkdeck sessions|batches|clusters|runs list|get`: fetch from every workspace, filter, print.

use std::process::ExitCode;

use super::context::{CmdResult, Context, fail};
use super::output::{self, Format};
use super::{ListArgs, TargetArgs};
use crate::domain::status::known_words;
use crate::domain::{Kind, Resource, Status};
use crate::workspace::rows::{self, Query};
use crate::workspace::{Error, Service, Workspace};

/// Which service serves a kind.
pub fn service_of(kind: Kind) -> Service {
    match kind {
        Kind::Session | Kind::Batch => Service::Fabric,
        Kind::Cluster | Kind::Run => Service::Databricks,
    }
}

/// `--state`: a unified status (`failed`), `active`, or the service's own word (`TERMINATED`,
/// or a run's result: `FAILED`).
fn state_matches(row: &Resource, wanted: &str) -> bool {
    if wanted.eq_ignore_ascii_case("active") {
        return row.status.is_active();
    }
    match Status::parse(wanted) {
        Some(s) => row.status == s,
        None => row.state_label().split([' ', '/']).any(|word| word.eq_ignore_ascii_case(wanted)),
    }
}

/// A `--state` that names no state of `kind` is a usage error listing the ones that do.
fn check_state(kind: Kind, wanted: &str) -> CmdResult {
    let unified = Status::ALL.iter().map(|s| s.as_str());
    let mut valid: Vec<&str> = std::iter::once("active").chain(unified).collect();
    if valid.iter().chain(known_words(kind)).any(|w| w.eq_ignore_ascii_case(wanted)) {
        return Ok(());
    }
    valid.pop(); // `unknown` is no filter anyone means.
    Err(fail(
        2,
        format!(
            "--state {wanted:?} is not a state of {}: use {}, or the service's own word: {}",
            kind.plural(),
            valid.join(", "),
            known_words(kind).join(", ")
        ),
    ))
}

/// With `--state`, this many recent items per workspace are looked through before `--limit`
/// is applied (the services cannot filter by every state themselves).
const STATE_SCAN: usize = 1000;

pub async fn list(ctx: &Context, kind: Kind, args: &ListArgs) -> CmdResult {
    if let Some(state) = &args.state {
        check_state(kind, state)?;
    }
    let chosen = ctx.select(args.workspace.as_deref(), Some(service_of(kind)))?;
    let active_only = args.state.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("active"));
    // Filter first, then limit: a state filter reads further than the limit.
    let limit = if args.state.is_some() && !active_only { args.limit.max(STATE_SCAN) } else { args.limit };
    let query = Query { limit, active_only };
    let results = futures::future::join_all(chosen.iter().map(|ws| rows::list(ws, kind, query))).await;
    let mut rows = Vec::new();
    let mut failed = false;
    for (ws, result) in chosen.iter().zip(results) {
        match result {
            Ok(mut listing) => {
                rows.append(&mut listing.rows);
                for w in listing.warnings {
                    eprintln!("sparkdeck: warning: {}: {}", ws.name, output::safe(&w.to_string()));
                }
            }
            Err(e) => {
                failed = true;
                eprintln!("sparkdeck: {}: {}", ws.name, output::safe(&e.to_string()));
                if let Some(fix) = crate::workspace::hints::fix(ws.service, &e) {
                    eprintln!("  fix: {fix}");
                }
            }
        }
    }
    if let Some(state) = &args.state {
        rows.retain(|r| state_matches(r, state));
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.last_activity()));
    rows.truncate(args.limit);
    // After a failure, no "No clusters found." as if the list were known to be empty.
    if failed && rows.is_empty() && args.output == Format::Table {
        return Err(ExitCode::from(1));
    }
    let text = match args.output {
        Format::Json => output::json(&rows),
        Format::Table => output::table(kind, &rows, output::width(), ctx.clock.now()),
    };
    print!("{text}");
    if failed { Err(ExitCode::from(1)) } else { Ok(()) }
}

/// Find one item: in the named workspace, or the first workspace that holds it. Failures of
/// other workspaces are reported only when no workspace has it.
pub async fn find<'a>(
    ctx: &'a Context,
    kind: Kind,
    id: &str,
    workspace: Option<&str>,
) -> CmdResult<(&'a Workspace, Resource)> {
    if kind == Kind::Run && id.parse::<i64>().is_err() {
        return Err(fail(2, format!("run ids are numbers, got {id:?}")));
    }
    let chosen = ctx.select(workspace, Some(service_of(kind)))?;
    let mut failures: Vec<(String, Error)> = Vec::new();
    for ws in chosen {
        match rows::get(ws, kind, id).await {
            Ok(Some(row)) => return Ok((ws, row)),
            Ok(None) => {}
            Err(e) => failures.push((ws.name.clone(), e)),
        }
    }
    for (name, e) in &failures {
        eprintln!("sparkdeck: {name}: {}", output::safe(&e.to_string()));
    }
    Err(fail(1, format!("no {} with id {id:?} found", kind.singular())))
}

pub async fn get(ctx: &Context, kind: Kind, args: &TargetArgs) -> CmdResult {
    let (_, row) = find(ctx, kind, &args.id, args.workspace.as_deref()).await?;
    print_row(&row, args.output, ctx.clock.now());
    Ok(())
}

fn print_row(row: &Resource, format: Format, now: jiff::Timestamp) {
    let text = match format {
        Format::Json => output::json_text(&output::row_json(row)) + "\n",
        Format::Table => output::detail(row, now),
    };
    print!("{text}");
}
