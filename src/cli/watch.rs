//! `list --watch`, as kubectl's: the table once, then only the rows that are new or changed
//! (state, name, size, idle countdown — not the durations that tick), each poll `--interval`
//! seconds apart (default: `[poll] active_seconds`). With `-o json`, one compact object per line
//! (the first listing included). Ctrl-C ends it with exit status 0; a poll that fails is said
//! on stderr and the watch goes on.

use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

use super::ListArgs;
use super::context::{CmdResult, Context, fail};
use super::output::{self, Column};
use super::row_output::{self, RowFormat};
use crate::domain::{Kind, Resource};
use crate::workspace::jobs::{self, JobQuery};
use crate::workspace::rows::{self, Query};
use crate::workspace::{Error, Workspace};

/// What a row is compared by: what a person watching would call a change.
fn signature(r: &Resource) -> String {
    format!("{}|{}|{:?}|{:?}", r.state_label(), r.name, r.detail, r.ended_at)
}

/// Where a watch gets its rows and how it writes one as JSON: `jobs list --watch` reads jobs
/// with its own query and adds their recent runs.
pub struct Feed<'q> {
    pub source: Source<'q>,
    pub json: fn(&Resource) -> String,
}

pub enum Source<'q> {
    Rows(Query),
    Jobs(&'q JobQuery),
}

impl Source<'_> {
    async fn fetch(&self, ws: &Workspace, kind: Kind) -> Result<Vec<Resource>, Error> {
        match self {
            Source::Rows(query) => rows::list(ws, kind, *query, &[]).await.map(|listing| listing.rows),
            Source::Jobs(query) => jobs::rows_where(ws, query).await,
        }
    }
}

/// Watch `kind`: `keep` decides which rows are shown (the `--state` filter), `cols` the columns.
pub async fn watch(
    ctx: &Context,
    kind: Kind,
    args: &ListArgs,
    chosen: Vec<&Workspace>,
    query: Query,
    keep: impl Fn(&Resource) -> bool,
    cols: impl Fn() -> Vec<Column>,
) -> CmdResult {
    let json = |r: &Resource| serde_json::to_string(&output::RowJson(r)).unwrap_or_default();
    watch_with(ctx, kind, args, chosen, Feed { source: Source::Rows(query), json }, keep, cols).await
}

/// [`watch`] with rows from `feed`.
pub async fn watch_with(
    ctx: &Context,
    kind: Kind,
    args: &ListArgs,
    chosen: Vec<&Workspace>,
    feed: Feed<'_>,
    keep: impl Fn(&Resource) -> bool,
    cols: impl Fn() -> Vec<Column>,
) -> CmdResult {
    let every =
        Duration::from_secs(args.interval.unwrap_or_else(|| ctx.settings.poll.active().as_secs()).max(1));
    let mut seen: HashMap<(String, String), String> = HashMap::new();
    let mut first = true;
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    // Tokio installs the Ctrl-C handler when the future is first polled: poll it now, or a
    // Ctrl-C during the first listing would kill the process instead of ending it with 0.
    tokio::select! {
        biased;
        _ = &mut stop => return Ok(()),
        () = std::future::ready(()) => {}
    }
    loop {
        let mut rows: Vec<Resource> = Vec::new();
        for ws in &chosen {
            match feed.source.fetch(ws, kind).await {
                Ok(listing) => rows.extend(listing.into_iter().filter(|r| keep(r))),
                Err(e) => eprintln!("sparkdeck: {}: {}", ws.name, output::safe(&e.to_string())),
            }
        }
        rows.sort_by_key(|r| std::cmp::Reverse(r.last_activity()));
        rows.truncate(args.limit);
        let changed: Vec<Resource> = rows
            .into_iter()
            .filter(|r| {
                let sig = signature(r);
                seen.insert((r.workspace.clone(), r.id.clone()), sig.clone())
                    .is_none_or(|before| before != sig)
            })
            .collect();
        if let Err(e) = print(ctx, kind, args, &changed, first, cols(), feed.json) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(());
            }
            return Err(fail(1, format!("cannot write the output: {e}")));
        }
        first = false;
        tokio::select! {
            _ = &mut stop => return Ok(()),
            () = tokio::time::sleep(every) => {}
        }
    }
}

/// The new or changed rows: the whole table (with its header) the first time, then rows only.
fn print(
    ctx: &Context,
    kind: Kind,
    args: &ListArgs,
    rows: &[Resource],
    first: bool,
    cols: Vec<Column>,
    json: fn(&Resource) -> String,
) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let now = ctx.clock.now();
    let header = first && !args.out.no_header;
    let text = match args.out.output {
        RowFormat::Json => rows.iter().map(|r| output::escape_c1(json(r)) + "\n").collect(),
        RowFormat::Csv => row_output::csv_of(cols, rows, header, now).map_err(std::io::Error::other)?,
        RowFormat::Table | RowFormat::Wide if rows.is_empty() => {
            if first {
                format!("No {} found (watching; Ctrl-C ends).\n", kind.plural())
            } else {
                String::new()
            }
        }
        format => row_output::table_of(kind, cols, rows, format == RowFormat::Wide, header, now),
    };
    out.write_all(text.as_bytes())?;
    out.flush()
}
