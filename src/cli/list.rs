//! `sparkdeck sessions|batches|clusters|runs list|get`: fetch from every workspace, filter, print.

use std::io::Write;
use std::process::ExitCode;

use super::context::{CmdResult, Context, fail};
use super::list_options::{self, since};
use super::output;
use super::row_output::{self, RowFormat};
use super::{GetArgs, ListArgs, RunsListArgs};
use crate::domain::status::known_words;
use crate::domain::{Kind, Resource, Status};
use crate::workspace::rows::{self, Query};
use crate::workspace::{Error, Service, Workspace};

/// Which service serves a kind.
pub fn service_of(kind: Kind) -> Service {
    match kind {
        Kind::Session | Kind::Batch => Service::Fabric,
        Kind::Cluster | Kind::Run | Kind::Job => Service::Databricks,
    }
}

/// `--state`: a unified status (`failed`), `active`, or the service's own word (`TERMINATED`,
/// or a run's result: `FAILED`).
pub(super) fn state_matches(row: &Resource, wanted: &str) -> bool {
    if wanted.eq_ignore_ascii_case("active") {
        return row.status.is_active();
    }
    match Status::parse(wanted) {
        Some(s) => row.status == s,
        None => row.state_label().split([' ', '/']).any(|word| word.eq_ignore_ascii_case(wanted)),
    }
}

/// A `--state` that names no state of `kind` is a usage error listing the ones that do.
pub(super) fn check_state(kind: Kind, wanted: &str) -> CmdResult {
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

/// A listed row as kept until printing (rows are sorted by recency across workspaces first):
/// for tables the row without its API object; for `-o json` / `yaml` only the row's compact
/// JSON text (a parsed JSON tree is many times the size of its text), trimmed to its length.
enum Kept {
    Row(Box<Resource>),
    Json { recent: Option<jiff::Timestamp>, text: Box<str> },
}

impl Kept {
    fn recent(&self) -> Option<jiff::Timestamp> {
        match self {
            Kept::Row(row) => row.last_activity(),
            Kept::Json { recent, .. } => *recent,
        }
    }
}

pub async fn list(ctx: &Context, kind: Kind, args: &ListArgs) -> CmdResult {
    list_with(ctx, kind, args, Query::default()).await
}

/// `runs list --job-id ID --since 2h`: asked of the service (`job_id`, `start_time_from`).
pub async fn list_runs(ctx: &Context, args: &RunsListArgs) -> CmdResult {
    let started_from = match &args.since {
        Some(text) => Some(since(text, ctx.clock.now()).map_err(|e| fail(2, e))?.as_millisecond()),
        None => None,
    };
    let asked = Query { job_id: args.job_id, started_from, ..Query::default() };
    list_with(ctx, Kind::Run, &args.list, asked).await
}

/// List with `asked`'s server-side filters (its limit and `active_only` come from `args`).
async fn list_with(ctx: &Context, kind: Kind, args: &ListArgs, asked: Query) -> CmdResult {
    if let Some(state) = &args.state {
        check_state(kind, state)?;
    }
    if args.columns.is_some() && args.out.output.is_document() {
        return Err(fail(2, row_output::COLUMNS_OF_DOCUMENTS));
    }
    let chosen_columns = list_options::columns(kind, args.columns.as_deref()).map_err(|e| fail(2, e))?;
    let chosen = ctx.select(args.workspace.as_deref(), Some(service_of(kind)))?;
    let active_only = args.state.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("active"));
    // Filter first, then limit: a state filter reads further than the limit.
    let limit = if args.state.is_some() && !active_only { args.limit.max(STATE_SCAN) } else { args.limit };
    let query = Query { limit, active_only, ..asked };
    if args.watch {
        if args.out.output == RowFormat::Yaml {
            return Err(fail(
                2,
                "--watch prints one change at a time: use -o table, wide, csv or json (one object per line)",
            ));
        }
        let keep = |row: &Resource| args.state.as_deref().is_none_or(|s| state_matches(row, s));
        let cols = || {
            list_options::columns(kind, args.columns.as_deref())
                .ok()
                .flatten()
                .unwrap_or_else(|| output::columns(kind))
        };
        return super::watch::watch(ctx, kind, args, chosen, query, keep, cols).await;
    }
    let json = args.out.output.is_document();
    let keep = |mut row: Resource, into: &mut Vec<Kept>| {
        if args.state.as_deref().is_some_and(|s| !state_matches(&row, s)) {
            return;
        }
        if json {
            let text = output::RowJson(&row).compact().into_boxed_str();
            into.push(Kept::Json { recent: row.last_activity(), text });
        } else {
            row.raw = std::sync::Arc::new(serde_json::Value::Null.into());
            into.push(Kept::Row(Box::new(row)));
        }
    };
    let results = futures::future::join_all(chosen.iter().map(|ws| async move {
        let mut kept = Vec::new();
        let done = rows::for_each(ws, kind, query, |row| keep(row, &mut kept)).await;
        (kept, done)
    }))
    .await;
    let mut rows = Vec::new();
    let mut failed = false;
    for (ws, (mut kept, result)) in chosen.iter().zip(results) {
        match result {
            Ok(warnings) => {
                rows.append(&mut kept);
                for w in warnings {
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
    rows.sort_by_key(|k| std::cmp::Reverse(k.recent()));
    rows.truncate(args.limit);
    // After a failure, no "No clusters found." as if the list were known to be empty.
    let format = args.out.output;
    if failed && rows.is_empty() && matches!(format, RowFormat::Table | RowFormat::Wide) {
        return Err(ExitCode::from(1));
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let texts = rows.iter().filter_map(|k| match k {
        Kept::Json { text, .. } => Some(&**text),
        Kept::Row(_) => None,
    });
    let header = !args.out.no_header;
    let now = ctx.clock.now();
    let written = match format {
        RowFormat::Json => output::write_json_texts(texts, &mut out),
        RowFormat::Yaml => row_output::write_yaml_texts(texts, &mut out),
        RowFormat::Table | RowFormat::Wide | RowFormat::Csv => {
            let rows: Vec<Resource> = rows
                .into_iter()
                .filter_map(|k| match k {
                    Kept::Row(row) => Some(*row),
                    Kept::Json { .. } => None,
                })
                .collect();
            let cols = chosen_columns.unwrap_or_else(|| output::columns(kind));
            let wide = format == RowFormat::Wide;
            let text = match format {
                RowFormat::Csv => row_output::csv_of(cols, &rows, header, now).map_err(std::io::Error::other),
                _ => Ok(row_output::table_of(kind, cols, &rows, wide, header, now)),
            };
            text.and_then(|text| out.write_all(text.as_bytes()))
        }
    };
    // A closed pipe (`| head`) is the reader's choice, not a failure.
    if let Err(e) = written.and_then(|()| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(fail(1, format!("cannot write the output: {e}")));
    }
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

/// [`find`] for a change: refused before anything is read when every workspace that could
/// hold the item is read-only (the refusal, not "not found", is the answer), and after it is
/// found when its own workspace is.
pub async fn find_to_change<'a>(
    ctx: &'a Context,
    kind: Kind,
    id: &str,
    workspace: Option<&str>,
) -> CmdResult<(&'a Workspace, Resource)> {
    let chosen = ctx.select(workspace, Some(service_of(kind)))?;
    if let Some(first) = chosen.first()
        && chosen.iter().all(|ws| ctx.read_only.contains(&ws.name))
    {
        ctx.allow_changes(first)?;
    }
    let (ws, row) = find(ctx, kind, id, workspace).await?;
    ctx.allow_changes(ws)?;
    Ok((ws, row))
}

pub async fn get(ctx: &Context, kind: Kind, args: &GetArgs) -> CmdResult {
    if args.columns.is_some() && args.out.output.is_document() {
        return Err(fail(2, row_output::COLUMNS_OF_DOCUMENTS));
    }
    let chosen = list_options::columns(kind, args.columns.as_deref()).map_err(|e| fail(2, e))?;
    let (_, row) = find(ctx, kind, &args.id, args.workspace.as_deref()).await?;
    let now = ctx.clock.now();
    let header = !args.out.no_header;
    let rows = std::slice::from_ref(&row);
    let text = match (args.out.output, chosen) {
        (RowFormat::Json, _) => output::json_text(&output::RowJson(&row)) + "\n",
        (RowFormat::Yaml, _) => row_output::yaml_row(&row),
        (RowFormat::Csv, cols) => {
            row_output::csv_of(cols.unwrap_or_else(|| output::columns(kind)), rows, header, now)
                .map_err(|e| fail(1, format!("cannot write the output: {e}")))?
        }
        (format @ (RowFormat::Table | RowFormat::Wide), Some(cols)) => {
            row_output::table_of(kind, cols, rows, format == RowFormat::Wide, header, now)
        }
        (RowFormat::Table | RowFormat::Wide, None) => output::detail(&row, now),
    };
    print!("{text}");
    Ok(())
}
