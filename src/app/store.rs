//! The rows the app holds, per workspace and kind, with what is pre-computed when they arrive
//! (display strings, the lower-cased search text, when the state last changed) so that
//! filtering and rendering never re-format the whole data set.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::domain::{Column, Detail, Kind, Problem, Resource, Service, Status, job};

/// Which workspace a pane row or header line belongs to: its display name (unique in the
/// configuration) and its service. The connected workspace is `workspace::Workspace`, its
/// configuration `config::{FabricWorkspace, DatabricksWorkspace}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceRef {
    pub name: String,
    pub service: Service,
}

impl WorkspaceRef {
    pub fn new(name: impl Into<String>, service: Service) -> WorkspaceRef {
        WorkspaceRef { name: name.into(), service }
    }
}

/// One row plus what was pre-computed for it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub res: Resource,
    /// Start time, local and compact ("11-22 14:03").
    pub started: String,
    /// Last path segment of a batch's file.
    pub file: String,
    /// Lower-cased text the filter searches, one field per line.
    pub haystack: String,
    /// Where the lower-cased workspace, name and owner sit in `haystack` (the text sort keys,
    /// so sorting compares without lower-casing anything).
    keys: [(u32, u32); 3],
    /// When the state was last seen to change (drives the flash).
    pub changed_at: Option<Timestamp>,
}

impl Entry {
    pub fn new(res: Resource, tz: &TimeZone, previous: Option<&Entry>, fetched_at: Timestamp) -> Entry {
        let started = res
            .started_at
            .map(|t| t.to_zoned(tz.clone()).strftime("%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let file = match &res.detail {
            Detail::Batch { file: Some(f), .. } => f.rsplit('/').next().unwrap_or(f).to_string(),
            _ => String::new(),
        };
        let changed_at = match previous {
            Some(p) if p.res.status != res.status || p.res.raw_state != res.raw_state => Some(fetched_at),
            Some(p) => p.changed_at,
            None => None,
        };
        let (haystack, keys) = haystack(&res);
        Entry { res, started, file, haystack, keys, changed_at }
    }

    fn key(&self, i: usize) -> &str {
        let (start, end) = self.keys[i];
        self.haystack.get(start as usize..end as usize).unwrap_or("")
    }

    /// The workspace name, lower-cased.
    pub fn lower_workspace(&self) -> &str {
        self.key(0)
    }

    /// The item's name, lower-cased.
    pub fn lower_name(&self) -> &str {
        self.key(1)
    }

    /// The owner, lower-cased; `None` when the service names none.
    pub fn lower_owner(&self) -> Option<&str> {
        self.res.owner.as_ref().map(|_| self.key(2))
    }

    /// The lower-cased text of `column` (one line, or for STATE the raw state, the unified
    /// status and a run's result, one per line); `None` when this kind has no such column or
    /// the column is no text (`Column::is_text`).
    pub fn field(&self, column: Column) -> Option<&str> {
        let detail = |lines: [Option<usize>; Kind::ALL.len()]| {
            lines.get(kind_index(self.res.kind)).copied().flatten().map(|i| (FIRST_DETAIL + i, 1))
        };
        let (line, count) = match column {
            Column::Workspace => return Some(self.lower_workspace()),
            Column::Name => return Some(self.lower_name()),
            Column::Owner => return Some(self.key(2)),
            Column::Started => return Some(&self.started),
            Column::Kind => (KIND, 1),
            Column::Id => (ID, 1),
            Column::State => (STATE, 3),
            Column::Result => (RESULT, 1),
            // [session, batch, cluster, run, job]
            Column::Lakehouse => detail([Some(0), Some(1), None, None, None])?,
            Column::File => detail([None, Some(0), None, None, None])?,
            Column::Workers => detail([None, None, Some(0), None, None])?,
            Column::Runtime => detail([None, None, Some(1), None, None])?,
            Column::Trigger => detail([None, None, None, Some(1), None])?,
            Column::Schedule => detail([None, None, None, None, Some(0)])?,
            Column::Runs => detail([None, None, None, None, Some(1)])?,
            // Moving with the clock, or marks (`Column::is_text`).
            Column::Duration | Column::IdleIn | Column::Flags | Column::Durations => return None,
        };
        Some(lines(&self.haystack, line, count))
    }

    /// Shows something that changes with time (a running duration or an idle countdown).
    pub fn is_live(&self) -> bool {
        let counting_down = matches!(self.res.detail, Detail::Session { idle_timeout_at: Some(_), .. });
        (self.res.status.is_active() && self.res.started_at.is_some() && self.res.ended_at.is_none())
            || counting_down
    }
}

/// Lines `first .. first + count` of `text`, without the newline after them.
fn lines(text: &str, first: usize, count: usize) -> &str {
    let mut starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    let Some(start) = starts.nth(first) else { return "" };
    let end = starts.nth(count - 1).map_or(text.len(), |next| next - 1);
    text.get(start..end).unwrap_or("")
}

/// An idle session kept alive counts down from then, unless the service says later.
fn keep_countdown(kept: &std::collections::HashMap<String, Timestamp>, e: &mut Entry) {
    let Some(at) = kept.get(&e.res.id).and_then(|t| t.checked_add(crate::domain::IDLE_TIMEOUT).ok()) else {
        return;
    };
    if let Detail::Session { idle_timeout_at: Some(ends), .. } = &mut e.res.detail {
        *ends = (*ends).max(at);
    }
}

/// The lines of the search text every row has, before its kind's own (`FIRST_DETAIL` on).
const WORKSPACE: usize = 0;
const KIND: usize = 1;
const NAME: usize = 2;
const ID: usize = 3;
/// The raw state, the unified status and (runs) the result: lines 4 to 6.
const STATE: usize = 4;
const RESULT: usize = 6;
const OWNER: usize = 7;
const FIRST_DETAIL: usize = 8;

/// The lower-cased search text, one field per line in a fixed order (`Entry::field` reads a
/// column's text by its line), and where the sort keys (workspace, name, owner) are in it.
fn haystack(r: &Resource) -> (String, [(u32, u32); 3]) {
    let result = match &r.detail {
        Detail::Run { result, .. } => result.as_deref().unwrap_or(""),
        _ => "",
    };
    // A job's SCHEDULE and RUNS as the pane shows them.
    let job = match &r.detail {
        Detail::Job { schedule, paused, recent, .. } => {
            [job::schedule_text(schedule.as_deref(), *paused), job::strip_words(recent)]
        }
        _ => Default::default(),
    };
    let mut parts: Vec<&str> = vec![
        &r.workspace,
        r.kind.singular(),
        &r.name,
        &r.id,
        &r.raw_state,
        r.status.as_str(),
        result,
        r.owner.as_deref().unwrap_or(""),
    ];
    match &r.detail {
        Detail::Session { lakehouse, app_id, high_concurrency, read_only, .. } => {
            parts.extend([lakehouse.as_deref().unwrap_or(""), app_id.as_deref().unwrap_or("")]);
            if *high_concurrency {
                parts.push("hc");
            }
            if *read_only {
                parts.push("read-only");
            }
        }
        Detail::Job { .. } => parts.extend(job.iter().map(String::as_str)),
        Detail::Batch { file, lakehouse, app_id } => parts.extend([
            file.as_deref().unwrap_or(""),
            lakehouse.as_deref().unwrap_or(""),
            app_id.as_deref().unwrap_or(""),
        ]),
        Detail::Cluster { workers, runtime, node_type, source, .. } => parts.extend([
            workers.as_str(),
            runtime.as_deref().unwrap_or(""),
            node_type.as_deref().unwrap_or(""),
            source.as_deref().unwrap_or(""),
        ]),
        Detail::Run { job_name, trigger, .. } => {
            parts.extend([job_name.as_deref().unwrap_or(""), trigger.as_deref().unwrap_or("")])
        }
    }
    // One field per line: a regex `^`/`$` (multi-line mode) anchors to a field. Each field is
    // lower-cased on its own so its position is known (lower-casing can change byte lengths).
    let mut text = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    let mut keys = [(0, 0); 3];
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        let start = text.len() as u32;
        text.extend(part.chars().flat_map(char::to_lowercase));
        let slot = match i {
            WORKSPACE => Some(0),
            NAME => Some(1),
            OWNER => Some(2),
            _ => None,
        };
        if let Some(k) = slot {
            keys[k] = (start, text.len() as u32);
        }
    }
    (text, keys)
}

/// Who is signed in to a workspace, for `owner:me` and `m` (read once, when first asked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Me {
    #[default]
    NotAsked,
    Asking,
    /// The names rows may carry as their owner, lower-cased (user name, object id, app id).
    Known(Vec<String>),
    /// Why it cannot be known.
    Unknown(String),
}

/// Why the last poll of a workspace × kind failed (with the fix when known), and since when
/// polls have been failing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollError {
    pub problem: Problem,
    pub since: Timestamp,
}

/// The rows of one workspace × kind and how the last poll went.
#[derive(Debug, Clone, Default)]
pub struct Slot {
    pub rows: Vec<Entry>,
    /// When rows last arrived; `None` = never polled successfully yet.
    pub fetched_at: Option<Timestamp>,
    pub error: Option<PollError>,
}

impl Slot {
    /// The last poll failed after rows had arrived: the rows shown are the last known ones.
    pub fn is_stale(&self) -> bool {
        self.error.is_some() && self.fetched_at.is_some()
    }
}

/// Everything known about one workspace.
#[derive(Debug, Clone)]
pub struct WorkspaceState {
    pub workspace: WorkspaceRef,
    slots: [Slot; Kind::ALL.len()],
    pub throttled_until: Option<Timestamp>,
    /// Rows per unified status over every kind but jobs, for the header.
    pub counts: [usize; Status::ALL.len()],
    /// Sessions kept alive here (`K`), and when: their idle countdown restarts from then even
    /// when the service does not move `idleAt`.
    kept_alive: std::collections::HashMap<String, Timestamp>,
    /// Capacity refusals (430) and blocked requests seen (`app::capacity`).
    pub capacity: super::capacity::Capacity,
    /// Who is signed in here.
    pub me: Me,
}

pub fn kind_index(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

pub fn status_index(status: Status) -> usize {
    Status::ALL.iter().position(|s| *s == status).unwrap_or(0)
}

impl WorkspaceState {
    pub fn new(workspace: WorkspaceRef) -> WorkspaceState {
        WorkspaceState {
            workspace,
            slots: Default::default(),
            throttled_until: None,
            counts: [0; Status::ALL.len()],
            kept_alive: Default::default(),
            capacity: Default::default(),
            me: Me::NotAsked,
        }
    }

    /// Session `id` was kept alive at `at`: its countdown runs from then.
    pub fn kept_alive(&mut self, id: &str, at: Timestamp) {
        self.kept_alive.insert(id.to_string(), at);
        let kept = &self.kept_alive;
        for e in &mut self.slots[kind_index(Kind::Session)].rows {
            keep_countdown(kept, e);
        }
    }

    pub fn slot(&self, kind: Kind) -> &Slot {
        &self.slots[kind_index(kind)]
    }

    /// When a poll brought the rows held, equal in all they show (and the last poll had not
    /// failed), note the refresh, keep the API objects it brought, and return whether any of
    /// those changed (`Some(true)`: only an open details view may show it). `None`: the rows
    /// changed, for [`WorkspaceState::replace`].
    pub fn refreshed_unchanged(
        &mut self,
        kind: Kind,
        rows: &[Resource],
        fetched_at: Timestamp,
    ) -> Option<bool> {
        let slot = &mut self.slots[kind_index(kind)];
        let same = slot.fetched_at.is_some()
            && slot.error.is_none()
            && slot.rows.len() == rows.len()
            && slot.rows.iter().zip(rows).all(|(e, r)| e.res.same_but_raw(r));
        if !same {
            return None;
        }
        slot.fetched_at = Some(fetched_at);
        let mut raw_changed = false;
        for (e, r) in slot.rows.iter_mut().zip(rows) {
            if e.res.raw != r.raw {
                e.res.raw = r.raw.clone();
                raw_changed = true;
            }
        }
        Some(raw_changed)
    }

    /// The minute of the latest refresh: what the footer shows ("refreshed 10:03"), so a quiet
    /// poll redraws at most once a minute.
    pub fn refreshed_minute(&self) -> Option<i64> {
        self.last_refresh().map(|t| t.as_second().div_euclid(60))
    }

    /// Replace the rows of `kind`, marking those whose state changed since the last poll.
    pub fn replace(&mut self, kind: Kind, rows: &[Resource], fetched_at: Timestamp, tz: &TimeZone) {
        let slot = &mut self.slots[kind_index(kind)];
        let mut old: Vec<Option<Entry>> = std::mem::take(&mut slot.rows).into_iter().map(Some).collect();
        let at: Vec<Option<usize>> = {
            let index: foldhash::HashMap<&str, usize> =
                old.iter().flatten().enumerate().map(|(i, e)| (e.res.id.as_str(), i)).collect();
            rows.iter().map(|r| index.get(r.id.as_str()).copied()).collect()
        };
        // A row the poll brought unchanged (but for its API object) keeps its entry: formatting
        // the start time and lower-casing the search keys is most of the cost of a poll taken in.
        slot.rows = rows
            .iter()
            .zip(at)
            .map(|(res, i)| {
                let Some(cell) = i.and_then(|i| old.get_mut(i)) else {
                    return Entry::new(res.clone(), tz, None, fetched_at);
                };
                match cell.take_if(|p| p.res.same_but_raw(res)) {
                    Some(mut same) => {
                        same.res.raw = res.raw.clone();
                        same
                    }
                    None => Entry::new(res.clone(), tz, cell.as_ref(), fetched_at),
                }
            })
            .collect();
        if kind == Kind::Session && !self.kept_alive.is_empty() {
            // A session that became busy (or ended) since has a countdown of its own again.
            let idle: Vec<&str> = slot
                .rows
                .iter()
                .filter(|e| matches!(e.res.detail, Detail::Session { idle_timeout_at: Some(_), .. }))
                .map(|e| e.res.id.as_str())
                .collect();
            self.kept_alive.retain(|id, _| idle.contains(&id.as_str()));
            for e in &mut slot.rows {
                keep_countdown(&self.kept_alive, e);
            }
        }
        slot.fetched_at = Some(fetched_at);
        slot.error = None;
        self.recount();
    }

    /// Add one row (what a create made, before a poll lists it).
    pub fn add(&mut self, kind: Kind, res: Resource, tz: &TimeZone, at: Timestamp) {
        let slot = &mut self.slots[kind_index(kind)];
        slot.rows.retain(|e| e.res.id != res.id);
        slot.rows.push(Entry::new(res, tz, None, at));
        self.recount();
    }

    /// Record a failed poll; returns whether it says something new (a first failure, or a
    /// different cause).
    pub fn fail(&mut self, kind: Kind, problem: Problem, at: Timestamp) -> bool {
        let slot = &mut self.slots[kind_index(kind)];
        let new = slot.error.as_ref().is_none_or(|e| e.problem.cause() != problem.cause());
        let since = slot.error.as_ref().map_or(at, |e| e.since);
        slot.error = Some(PollError { problem, since });
        new
    }

    fn recount(&mut self) {
        self.counts = [0; Status::ALL.len()];
        // Jobs are not items that run: their last runs are counted as runs already.
        for slot in &self.slots[..kind_index(Kind::Job)] {
            for e in &slot.rows {
                self.counts[status_index(e.res.status)] += 1;
            }
        }
    }

    /// The most recent successful poll of any kind.
    pub fn last_refresh(&self) -> Option<Timestamp> {
        self.slots.iter().filter_map(|s| s.fetched_at).max()
    }

    /// Errors of the kinds in `kinds`, in kind order.
    pub fn errors<'a>(&'a self, kinds: &'a [Kind]) -> impl Iterator<Item = (Kind, &'a PollError)> + 'a {
        kinds.iter().filter_map(|k| self.slot(*k).error.as_ref().map(|e| (*k, e)))
    }
}
