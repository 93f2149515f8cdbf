//! The logs of a Fabric Spark application (the Spark monitoring API): which logs an item has
//! (the picker's list: Livy log, driver stdout / stderr and their rolled parts, each executor's
//! files), and reading one of them in pages: its metadata first (`meta=true`: the size), then
//! byte ranges — the last one when the view opens, earlier ones as the user goes up (`g` at
//! the top), new bytes while the application runs.
//!
//! Any Livy session or batch has one: ours (a configured lakehouse's Livy API: item
//! `lakehouses/{id}`, the application id from the session's own record) and the monitoring
//! list's (notebooks, Spark job definitions, other lakehouses: item, application and attempt
//! from the list entry).

use super::actions::{self, fabric};
use super::convert::{livy_row, monitoring_row};
use super::{Error, FabricClients, Workspace, rows};
use crate::api::livy::models::{ContainerLogMetas, FileMetadata, LivySession};
use crate::api::livy::{AppAddress, ItemType, SparkMonitoring};
use crate::api::{ApiError, ErrorKind, Fetched};
use crate::domain::logs::{Earlier, LogChoice, LogSource, Page, Placement};
use crate::domain::{Kind, Target};

/// Bytes read per range (the view's page of a big log; a growing log is read from where the
/// last read ended).
pub const RANGE: u64 = 64 * 1024;
/// Most bytes read at once when a log grew a lot between two reads, and of an executor log
/// (whose API has no offset: it is read from its start).
pub const MAX_READ: u64 = 1 << 20;
/// Rolled driver parts listed in the picker at most (the newest last).
const MAX_PARTS: u32 = 200;

/// A Spark application found for a target, and whether it has ended.
#[derive(Debug, Clone)]
pub struct SparkApp {
    pub address: AppAddress,
    pub finished: bool,
}

/// Where `t`'s Spark application is: its own lakehouse's Livy API knows the application id
/// (one read), else the workspace monitoring list has the item (its first page, then up to
/// `MONITORING_LIMIT` items).
pub async fn locate(ws: &Workspace, t: &Target) -> Result<SparkApp, Error> {
    let f = fabric(ws)?;
    let named = t.lakehouse.as_deref().and_then(|l| f.lakehouses.iter().find(|(label, _)| label == l));
    if let Some((label, client)) = named {
        let (_, job) = actions::locate(ws, t).await?;
        let app_id = job.value.app_id.clone().filter(|a| !a.is_empty());
        let finished = livy_row(t.kind, &ws.name, Some(label), job).status.is_terminal();
        let address = AppAddress {
            workspace_id: f.workspace_id.clone(),
            item_type: ItemType::Lakehouse,
            item_id: client.lakehouse_id().to_string(),
            livy_id: t.id.clone(),
            app_id,
            attempt: None,
        };
        return Ok(SparkApp { address, finished });
    }
    let item = monitoring_item(f, &t.id).await?.ok_or_else(|| Error::NotFound {
        workspace: ws.name.clone(),
        kind: t.kind.singular(),
        id: t.id.clone(),
    })?;
    from_monitoring(ws, f, t.kind, item)
}

/// The monitoring list's entry for `livy_id`: the newest page first (where a running item is),
/// then the list as far as the pollers read it.
async fn monitoring_item(f: &FabricClients, livy_id: &str) -> Result<Option<Fetched<LivySession>>, ApiError> {
    const MONITORING_LIMIT: usize = 200;
    let is = |v: &Fetched<LivySession>| v.value.livy_id.as_deref() == Some(livy_id);
    if let Some(found) = rows::monitoring_first_page(f).await?.into_iter().find(is) {
        return Ok(Some(found));
    }
    Ok(rows::monitoring_items(f, MONITORING_LIMIT).await?.into_iter().find(is))
}

fn from_monitoring(
    ws: &Workspace,
    f: &FabricClients,
    kind: Kind,
    item: Fetched<LivySession>,
) -> Result<SparkApp, Error> {
    let s = &item.value;
    let unsupported = |what: String| Error::Unsupported { workspace: ws.name.clone(), what };
    let item_type = s.item_type.as_deref().and_then(ItemType::from_monitoring).ok_or_else(|| {
        unsupported(format!(
            "its monitoring entry names item type {:?}, which has no Spark logs",
            s.item_type
        ))
    })?;
    let item_id = s
        .item
        .as_ref()
        .and_then(|i| i.item_id.clone())
        .ok_or_else(|| unsupported("its monitoring entry names no item".into()))?;
    let address = AppAddress {
        workspace_id: f.workspace_id.clone(),
        item_type,
        item_id,
        livy_id: s.livy_id.clone().unwrap_or_default(),
        app_id: s.spark_application_id.clone().filter(|a| !a.is_empty()),
        attempt: s.attempt_number.and_then(|n| u32::try_from(n).ok()).filter(|n| *n > 0),
    };
    // A batch's entry read as a session (or the other way round) still has its state.
    let finished = monitoring_row(kind, &ws.name, item.clone())
        .or_else(|| monitoring_row(other(kind), &ws.name, item))
        .is_some_and(|r| r.status.is_terminal());
    Ok(SparkApp { address, finished })
}

fn other(kind: Kind) -> Kind {
    if kind == Kind::Batch { Kind::Session } else { Kind::Batch }
}

pub(super) fn client(ws: &Workspace, app: &SparkApp) -> Result<SparkMonitoring, Error> {
    Ok(SparkMonitoring::new(fabric(ws)?.monitor.endpoint().clone(), &app.address)?)
}

/// What the picker offers for `t`, with each log's size, and a note when the application has
/// not started (then only the Livy log exists).
pub async fn choices(ws: &Workspace, t: &Target) -> Result<(Vec<LogChoice>, Option<String>), Error> {
    let app = locate(ws, t).await?;
    let m = client(ws, &app)?;
    let livy = m.livy_meta().await.map(|meta| about(&meta.value)).unwrap_or_default();
    let mut out = vec![LogChoice { source: LogSource::Livy, about: livy }];
    if app.address.app_id.is_none() {
        return Ok((out, Some("the Spark application has not started yet: only the Livy log exists".into())));
    }
    for file in ["stderr", "stdout"] {
        match m.driver_meta(file).await {
            Ok(meta) => {
                let about = meta.value.container_log_meta.as_ref().map(about).unwrap_or_default();
                out.push(LogChoice { source: LogSource::Driver(file.into()), about });
            }
            Err(e) if e.kind == ErrorKind::NotFound => {
                return Ok((out, Some(format!("the Spark application's logs are not there (yet): {e}"))));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let parts = m.rolling_meta(None, 0, MAX_PARTS).await?;
    out.extend(rolled(&parts.value));
    let executors = m.executor_meta().await?;
    for (i, container) in executors.value.iter().enumerate() {
        out.extend(executor_choices(i, container));
    }
    Ok((out, None))
}

/// The rolled driver parts, oldest first (a single part is the whole file, already offered).
fn rolled(parts: &ContainerLogMetas) -> Vec<LogChoice> {
    let named: Vec<&FileMetadata> =
        parts.container_log_meta.iter().filter(|f| f.file_name.is_some()).collect();
    let several = |prefix: &str| {
        named.iter().filter(|f| f.file_name.as_deref().is_some_and(|n| n.starts_with(prefix))).count() > 1
    };
    named
        .iter()
        .filter(|f| f.file_name.as_deref().is_some_and(|n| several(n.split('-').next().unwrap_or(n))))
        .map(|f| LogChoice {
            source: LogSource::Driver(f.file_name.clone().unwrap_or_default()),
            about: about(f),
        })
        .collect()
}

/// An executor container's files; the executor is named by the container's sequence number
/// (container 1 is the driver's, so `…_000002` is executor 1).
fn executor_choices(index: usize, c: &ContainerLogMetas) -> Vec<LogChoice> {
    let Some(container) = c.container_id.clone() else { return Vec::new() };
    let executor = container
        .rsplit('_')
        .next()
        .and_then(|n| n.parse::<u64>().ok())
        .filter(|n| *n > 1)
        .map_or_else(|| (index + 1).to_string(), |n| (n - 1).to_string());
    c.container_log_meta
        .iter()
        .filter_map(|f| {
            let file = f.file_name.clone()?;
            Some(LogChoice {
                source: LogSource::Executor {
                    executor: executor.clone(),
                    container: container.clone(),
                    file,
                },
                about: about(f),
            })
        })
        .collect()
}

/// "98.2 KiB · modified 2025-03-05T12:31:31.000GMT".
fn about(f: &FileMetadata) -> String {
    let mut parts = Vec::new();
    if let Some(len) = f.length {
        parts.push(size(len));
    }
    if let Some(m) = f.last_modified.as_deref().filter(|m| !m.is_empty()) {
        parts.push(format!("modified {m}"));
    }
    parts.join(" · ")
}

pub fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1 << 20 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{:.1} MiB", b as f64 / f64::from(1 << 20)),
    }
}

/// Which bytes of a log the view holds: `start..next`, both at line starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub start: u64,
    pub next: u64,
}

/// A byte range to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub offset: u64,
    pub size: u64,
}

/// The first read of a log of `len` bytes: its last `range` bytes.
pub fn tail(len: u64, range: u64) -> Range {
    let offset = len.saturating_sub(range);
    Range { offset, size: len - offset }
}

/// What a grown log adds after `next`: at most [`MAX_READ`] (what lies beyond is read next time).
pub fn after(next: u64, len: u64) -> Option<Range> {
    (len > next).then(|| Range { offset: next, size: (len - next).min(MAX_READ) })
}

/// The `range` bytes before `start` (`g` at the top).
pub fn before(start: u64, range: u64) -> Option<Range> {
    (start > 0).then(|| {
        let offset = start.saturating_sub(range);
        Range { offset, size: start - offset }
    })
}

/// Whole lines of `text`, read at `offset`: a line cut by the range's start is dropped (the
/// read before it has it whole) unless the range starts the file or holds no line break at all;
/// a line still being written (no newline yet) waits unless `last` (the log will not grow).
/// Returns the lines and the byte range they cover.
pub fn lines(text: &str, offset: u64, last: bool) -> (Vec<String>, u64, u64) {
    let mut body = text;
    let mut start = offset;
    if offset > 0
        && let Some(nl) = body.find('\n')
    {
        body = &body[nl + 1..];
        start += nl as u64 + 1;
    }
    let keep = match body.rfind('\n') {
        _ if last => body.len(),
        Some(nl) => nl + 1,
        None => 0,
    };
    let lines = body[..keep].lines().map(str::to_string).collect();
    (lines, start, start + keep as u64)
}

/// One read of `source` for `t`: the tail when `cursor` is `None`, else what follows it
/// (`placement` Append) or precedes it (Prepend). Returns the page and the new cursor.
pub async fn read(
    ws: &Workspace,
    t: &Target,
    source: &LogSource,
    cursor: Option<Cursor>,
    placement: Placement,
) -> Result<(Page, Cursor), Error> {
    read_in(ws, t, source, cursor, placement, RANGE).await
}

/// As [`read`], with pages of `range` bytes.
pub async fn read_in(
    ws: &Workspace,
    t: &Target,
    source: &LogSource,
    cursor: Option<Cursor>,
    placement: Placement,
    range: u64,
) -> Result<(Page, Cursor), Error> {
    let app = locate(ws, t).await?;
    let m = client(ws, &app)?;
    if let LogSource::Executor { container, file, .. } = source {
        let text = m.executor_content(container, file, MAX_READ).await?;
        let (lines, _, end) = lines(&text, 0, true);
        let earlier = if end >= MAX_READ {
            Earlier::Elsewhere("executor logs are read from their start, and only the first 1 MiB".into())
        } else {
            Earlier::None
        };
        let page = Page { lines, placement: Placement::Replace, finished: app.finished, earlier };
        return Ok((page, Cursor { start: 0, next: end }));
    }
    let len = match source {
        LogSource::Livy => m.livy_meta().await?.value.length,
        LogSource::Driver(file) => m.driver_meta(file).await?.value.container_log_meta.and_then(|f| f.length),
        LogSource::Executor { .. } => None,
    }
    .unwrap_or(0);
    let (wanted, placement) = match (cursor, placement) {
        (Some(c), Placement::Prepend) => (before(c.start, range), Placement::Prepend),
        (Some(c), _) => (after(c.next, len), Placement::Append),
        (None, _) => ((len > 0).then(|| tail(len, range)), Placement::Replace),
    };
    let mut c = cursor.unwrap_or(Cursor { start: len, next: len });
    let Some(range) = wanted else {
        let page = Page { lines: Vec::new(), placement, finished: app.finished, earlier: earlier(c.start) };
        return Ok((page, c));
    };
    let text = match source {
        LogSource::Livy => m.livy_content(range.offset, range.size).await?,
        LogSource::Driver(file) => m.driver_content(file, range.offset, range.size).await?,
        LogSource::Executor { .. } => String::new(),
    };
    let end_of_log = range.offset + range.size >= len;
    let last = placement != Placement::Prepend && app.finished && end_of_log;
    let (mut got, from, to) = lines(&text, range.offset, last || placement == Placement::Prepend);
    match placement {
        Placement::Prepend => {
            // The range ends where the view starts: at a line start, so its last line is whole.
            if text.ends_with('\n') || text.is_empty() {
                c.start = from;
            } else {
                got.clear();
            }
        }
        Placement::Append => c.next = to,
        Placement::Replace => c = Cursor { start: from, next: to },
    }
    let page =
        Page { lines: got, placement, finished: app.finished && c.next >= len, earlier: earlier(c.start) };
    Ok((page, c))
}

fn earlier(start: u64) -> Earlier {
    if start > 0 { Earlier::More } else { Earlier::None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_read_is_the_last_range_and_growth_follows_it() {
        assert_eq!(tail(100, RANGE), Range { offset: 0, size: 100 });
        assert_eq!(tail(RANGE * 3 + 5, RANGE), Range { offset: RANGE * 2 + 5, size: RANGE });
        assert_eq!(after(10, 10), None);
        assert_eq!(after(10, 30), Some(Range { offset: 10, size: 20 }));
        assert_eq!(after(0, MAX_READ * 3), Some(Range { offset: 0, size: MAX_READ }));
        assert_eq!(before(0, RANGE), None);
        assert_eq!(before(RANGE + 7, RANGE), Some(Range { offset: 7, size: RANGE }));
        assert_eq!(before(5, RANGE), Some(Range { offset: 0, size: 5 }));
    }

    #[test]
    fn cut_lines_are_left_to_the_read_that_has_them_whole() {
        // Read at 0: every line; the unfinished last one waits.
        assert_eq!(lines("a\nb\nc", 0, false), (vec!["a".to_string(), "b".into()], 0, 4));
        // ... unless the log will not grow.
        assert_eq!(lines("a\nb\nc", 0, true).0, ["a", "b", "c"]);
        // Read inside a line: that part is dropped, the range starts after it.
        assert_eq!(lines("xa\nb\n", 10, false), (vec!["b".to_string()], 13, 15));
        // A range holding no line break at all is shown rather than lost.
        assert_eq!(lines("abc", 10, true), (vec!["abc".to_string()], 10, 13));
        assert_eq!(lines("", 0, false), (Vec::<String>::new(), 0, 0));
    }

    #[test]
    fn executors_are_named_by_their_container() {
        let c = ContainerLogMetas {
            container_id: Some("container_1730933685452_0001_01_000003".into()),
            node_id: None,
            container_log_meta: vec![FileMetadata {
                file_name: Some("stderr".into()),
                length: Some(2048),
                ..Default::default()
            }],
        };
        let got = executor_choices(0, &c);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].source.label(), "executor 2 stderr");
        assert_eq!(got[0].about, "2.0 KiB");
    }
}
