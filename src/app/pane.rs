//! The six panes (Sessions, Batches, Clusters, Runs, All and Jobs) and the per-pane state: selection, scroll offset,
//! filter, sort (and how each sort key orders rows), and the list of row references currently
//! shown.

use std::cmp::Ordering;

use jiff::Timestamp;

use crate::domain::{Column, Kind, Resource};

use super::filter::Filter;
use super::store::Entry;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Sessions,
    Batches,
    Clusters,
    Runs,
    /// Every kind from every workspace, most recent activity first (jobs are not in it: their
    /// runs are).
    All,
    /// Databricks jobs, each with its last runs.
    Jobs,
}

impl Pane {
    /// Tab order; the number key of a pane is its position + 1.
    pub const ALL: [Pane; 6] =
        [Pane::Sessions, Pane::Batches, Pane::Clusters, Pane::Runs, Pane::All, Pane::Jobs];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Sessions => "Sessions",
            Pane::Batches => "Batches",
            Pane::Clusters => "Clusters",
            Pane::Runs => "Runs",
            Pane::All => "All",
            Pane::Jobs => "Jobs",
        }
    }

    /// The single kind a pane shows; `None` for All.
    pub fn kind(self) -> Option<Kind> {
        match self {
            Pane::Sessions => Some(Kind::Session),
            Pane::Batches => Some(Kind::Batch),
            Pane::Clusters => Some(Kind::Cluster),
            Pane::Runs => Some(Kind::Run),
            Pane::Jobs => Some(Kind::Job),
            Pane::All => None,
        }
    }

    pub fn kinds(self) -> Vec<Kind> {
        self.kind()
            .map_or_else(|| Kind::ALL.iter().copied().filter(|k| *k != Kind::Job).collect(), |k| vec![k])
    }

    pub fn shows(self, kind: Kind) -> bool {
        match self.kind() {
            Some(k) => k == kind,
            None => kind != Kind::Job,
        }
    }

    pub fn index(self) -> usize {
        Pane::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }

    pub fn from_index(i: usize) -> Pane {
        Pane::ALL[i % Pane::ALL.len()]
    }

    /// Command-mode name (`:sessions`).
    pub fn command(self) -> &'static str {
        match self {
            Pane::Sessions => "sessions",
            Pane::Batches => "batches",
            Pane::Clusters => "clusters",
            Pane::Runs => "runs",
            Pane::All => "all",
            Pane::Jobs => "jobs",
        }
    }
}

/// How a pane is sorted: `s` cycles the common orders, `S` reverses, shift + a column's
/// letter sorts by that column (`columns::letter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortKey {
    /// Live items first, then most recent activity (end, else start) first.
    #[default]
    Recent,
    /// By one column: text A to Z (empty last), times newest first, durations longest first.
    By(Column),
}

impl SortKey {
    /// What `s` cycles through.
    pub const ALL: [SortKey; 6] = [
        SortKey::Recent,
        SortKey::By(Column::Name),
        SortKey::By(Column::State),
        SortKey::By(Column::Workspace),
        SortKey::By(Column::Owner),
        SortKey::By(Column::Duration),
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Recent => "recent",
            SortKey::By(c) => c.name(),
        }
    }

    pub fn next(self) -> SortKey {
        let i = SortKey::ALL.iter().position(|k| *k == self).unwrap_or(0);
        SortKey::ALL[(i + 1) % SortKey::ALL.len()]
    }

    /// A number that orders rows as `compare` does, as far as it can tell them apart: equal
    /// ranks leave the order to `compare`. Sorting by rank first makes most comparisons one
    /// integer comparison (10k rows re-sort well under a millisecond).
    pub fn rank(self, e: &Entry, now: Timestamp) -> u64 {
        let res = &e.res;
        match self {
            SortKey::Recent => {
                (u64::from(!res.status.is_active()) << 63) | (newest_first(res.last_activity()) >> 1)
            }
            SortKey::By(Column::Name) => prefix(e.lower_name()),
            SortKey::By(Column::Workspace) => prefix(e.lower_workspace()),
            SortKey::By(Column::Owner) => e.lower_owner().map_or(u64::MAX, prefix),
            SortKey::By(Column::State) => ((res.status as u64) << 56) | (prefix(&res.raw_state) >> 8),
            SortKey::By(Column::Duration) => {
                res.duration(now).map_or(u64::MAX, |d| !(d.as_millis().clamp(0, i64::MAX as i128) as u64))
            }
            SortKey::By(Column::Started) => newest_first(res.started_at),
            SortKey::By(Column::Kind) => res.kind as u64,
            SortKey::By(_) => 0,
        }
    }

    /// Order of two rows under this key (before `reverse`); text keys compare the lower-cased
    /// forms made when the rows arrived.
    pub fn compare(self, a: &Entry, b: &Entry, now: Timestamp) -> Ordering {
        let recent = |a: &Resource, b: &Resource| b.last_activity().cmp(&a.last_activity());
        let (x, y) = (&a.res, &b.res);
        let column = match self {
            SortKey::Recent => {
                return y.status.is_active().cmp(&x.status.is_active()).then_with(|| recent(x, y));
            }
            SortKey::By(c) => c,
        };
        match column {
            Column::Name => a.lower_name().cmp(b.lower_name()),
            Column::State => x.status.cmp(&y.status).then_with(|| x.raw_state.cmp(&y.raw_state)),
            Column::Workspace => a.lower_workspace().cmp(b.lower_workspace()).then_with(|| recent(x, y)),
            // Rows without an owner last.
            Column::Owner => last_if_none(a.lower_owner(), b.lower_owner()),
            Column::Duration => y.duration(now).cmp(&x.duration(now)),
            Column::Started => y.started_at.cmp(&x.started_at),
            Column::Kind => x.kind.cmp(&y.kind).then_with(|| recent(x, y)),
            // Run numbers as numbers, other ids as text.
            Column::Id => (x.id.len(), &x.id).cmp(&(y.id.len(), &y.id)),
            // The nearest timeout first.
            Column::IdleIn => last_if_none(idle_at(x), idle_at(y)),
            Column::Workers => last_if_none(workers(a), workers(b)),
            Column::Flags => flagged(y).cmp(&flagged(x)).then_with(|| recent(x, y)),
            text => {
                last_if_none(a.field(text).filter(|t| !t.is_empty()), b.field(text).filter(|t| !t.is_empty()))
            }
        }
    }
}

/// The first 8 bytes of `text`, as a number that orders as the text does.
fn prefix(text: &str) -> u64 {
    let mut bytes = [0u8; 8];
    for (b, t) in bytes.iter_mut().zip(text.bytes()) {
        *b = t;
    }
    u64::from_be_bytes(bytes)
}

/// Later times first, none last.
fn newest_first(t: Option<Timestamp>) -> u64 {
    t.map_or(u64::MAX, |t| !((t.as_millisecond() as u64) ^ (1 << 63)))
}

fn last_if_none<T: Ord>(a: Option<T>, b: Option<T>) -> Ordering {
    match (a, b) {
        (Some(p), Some(q)) => p.cmp(&q),
        (p, q) => q.is_some().cmp(&p.is_some()),
    }
}

fn idle_at(r: &Resource) -> Option<Timestamp> {
    match r.detail {
        crate::domain::Detail::Session { idle_timeout_at, .. } => idle_timeout_at,
        _ => None,
    }
}

/// A cluster's workers as a number (the most of an autoscale range), then its text.
fn workers(e: &Entry) -> Option<(u64, &str)> {
    let text = e.field(Column::Workers).filter(|t| !t.is_empty())?;
    let most = text.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).max().unwrap_or(0);
    Some((most, text))
}

fn flagged(r: &Resource) -> bool {
    use crate::domain::Detail;
    matches!(
        r.detail,
        Detail::Session { high_concurrency: true, .. }
            | Detail::Session { read_only: true, .. }
            | Detail::Cluster { pinned: true, .. }
    )
}

/// Where a shown row lives in the store: workspace index, kind, index in that slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRef {
    pub ws: usize,
    pub kind: Kind,
    pub idx: usize,
}

#[derive(Debug, Clone, Default)]
pub struct PaneState {
    /// Index into `rows` of the highlighted row.
    pub selected: usize,
    /// Index into `rows` of the first row on screen.
    pub offset: usize,
    pub filter: Option<Filter>,
    /// `m`: only the rows of the signed-in identity.
    pub mine: bool,
    pub sort: SortKey,
    pub reverse: bool,
    /// Rows passing the workspace scope and the filter, in display order.
    pub rows: Vec<RowRef>,
    /// Every row in the scope, sorted, before the filter: a filter keystroke filters these
    /// again instead of sorting anything.
    pub(super) sorted: Vec<RowRef>,
    /// Rows in this pane before filtering (for "n of m" and empty-state wording).
    pub total: usize,
    /// Some shown row changes with time (live duration or idle countdown).
    pub has_live: bool,
    /// The selected item, remembered across a data refresh that moves row indices.
    pub(super) keep: Option<RowKey>,
    /// The user moved the selection off the first row: it then follows its item as rows
    /// arrive; until then it stays on the first row, whatever arrives above it.
    pub(super) moved: bool,
}

/// Identifies an item across refreshes: kind, workspace name, id.
pub type RowKey = (Kind, String, String);

impl PaneState {
    /// Select row `i` as the user asked (a key, a click, the wheel).
    pub fn select(&mut self, i: usize) {
        self.selected = i;
        self.moved = i != 0;
    }

    /// After the rows changed: the first row until the user moved, else their item where it
    /// is now (`found`), or the same place when it is gone.
    pub(super) fn keep_selection(&mut self, found: Option<usize>) {
        match found {
            Some(s) if self.moved => self.selected = s,
            _ if !self.moved => self.selected = 0,
            _ => {}
        }
    }

    /// Keep the selection inside the rows and on screen for a body of `height` rows.
    pub fn clamp(&mut self, height: usize) {
        let height = height.max(1);
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(self.rows.len().saturating_sub(height));
    }
}
