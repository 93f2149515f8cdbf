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

    /// Integers that order rows as `compare` and then the id do, as far as they can tell them
    /// apart, so that most comparisons of a sort are two integer comparisons and never read the
    /// rows (10k rows re-sort well under a millisecond, even when most share a workspace, an
    /// owner or a state). `Rank::then` is consulted only when `Rank::key` is equal and exact.
    pub fn rank(self, e: &Entry, now: Timestamp) -> Rank {
        let res = &e.res;
        let (key, then) = match self {
            SortKey::Recent => (
                inexact(
                    (u64::from(!res.status.is_active()) << 63) | (newest_first(res.last_activity()) >> 1),
                ),
                0,
            ),
            SortKey::By(Column::Name) => (text(e.lower_name()), prefix(&res.id)),
            SortKey::By(Column::Workspace) => (text(e.lower_workspace()), newest_first(res.last_activity())),
            // Rows without an owner last.
            SortKey::By(Column::Owner) => (e.lower_owner().map_or(NONE_LAST, text), prefix(&res.id)),
            SortKey::By(Column::State) => (state(res.status as u8, &res.raw_state), prefix(&res.id)),
            SortKey::By(Column::Duration) => (
                inexact(
                    res.duration(now)
                        .map_or(u64::MAX, |d| !(d.as_millis().clamp(0, i64::MAX as i128) as u64)),
                ),
                0,
            ),
            // Milliseconds: a finer time tells apart what the rank does not.
            SortKey::By(Column::Started) => (inexact(newest_first(res.started_at)), 0),
            SortKey::By(Column::Kind) => (u128::from(res.kind as u8) << 8, newest_first(res.last_activity())),
            SortKey::By(_) => (inexact(0), 0),
        };
        Rank::new(key, then)
    }

    /// The display order of `rows` (indices into it) under this key: by rank first, then the
    /// whole comparison, the id and the place a row came in (what a stable sort would give).
    /// `order` is where the ranks are sorted (reused between calls: its memory stays mapped);
    /// each element's second half is the row's index in `rows`.
    pub fn order<'a, T>(
        self,
        rows: &[(T, &Entry)],
        reverse: bool,
        now: Timestamp,
        order: &'a mut Vec<(Rank, u32)>,
    ) -> &'a [(Rank, u32)] {
        order.clear();
        order.extend(rows.iter().enumerate().map(|(i, (_, e))| (self.rank(e, now), i as u32)));
        let by = |(p, i): &(Rank, u32), (q, j): &(Rank, u32)| {
            p.cmp(q).then_with(|| {
                let (x, y) = (rows[*i as usize].1, rows[*j as usize].1);
                self.compare(x, y, now).then_with(|| x.res.id.cmp(&y.res.id))
            })
        };
        // Two sorts, not one asking `reverse` at every comparison; ties keep arrival order.
        if reverse {
            order.sort_unstable_by(|a, b| by(b, a).then(a.1.cmp(&b.1)));
        } else {
            order.sort_unstable_by(|a, b| by(a, b).then(a.1.cmp(&b.1)));
        }
        order
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

/// Memory a re-sort reuses (`SortKey::order`): a copy of the app starts without it, and it is
/// not worth printing.
#[derive(Default)]
pub struct SortBuffer(pub Vec<(Rank, u32)>);

impl Clone for SortBuffer {
    fn clone(&self) -> Self {
        SortBuffer::default()
    }
}

impl std::fmt::Debug for SortBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SortBuffer({} ranks)", self.0.len())
    }
}

/// Where a row goes under a sort key, as integers (`SortKey::rank`). The lowest byte of `key`
/// says whether it holds the whole of what `compare` looks at first (at most `EXACT`): only
/// then do equal keys mean equal text, so that `then` (the tie-break `compare` and the id
/// would apply) can decide; otherwise equal ranks leave the order to `compare`.
///
/// `key` is kept as its two halves, high first (they order as the `u128` does): a `u128` is
/// 16-byte aligned, which made each sort element `(Rank, u32)` 48 bytes instead of 32, a third
/// more memory moved by every re-sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rank {
    key: [u64; 2],
    then: u64,
}

impl Rank {
    pub fn new(key: u128, then: u64) -> Rank {
        Rank { key: [(key >> 64) as u64, key as u64], then }
    }

    /// The order of two rows as far as their ranks tell (`Equal`: ask `compare`).
    pub fn cmp(&self, other: &Rank) -> Ordering {
        self.key.cmp(&other.key).then_with(|| {
            if u128::from(self.key[1] & 0xFF) <= EXACT { self.then.cmp(&other.then) } else { Ordering::Equal }
        })
    }
}

/// The most bytes of text a key holds whole.
const EXACT: u128 = 15;

/// Owners last when there is none: above any text (UTF-8 has no 0xFF byte), and exact.
const NONE_LAST: u128 = u128::MAX << 8;

/// A rank that orders as `compare` does but may call different rows equal.
fn inexact(rank: u64) -> u128 {
    (u128::from(rank) << 8) | 0xFF
}

/// The first 15 bytes of `text` (zero-padded, so it orders as the text does) and its length up
/// to 16 in the lowest byte: exact for text of up to 15 bytes.
fn text(text: &str) -> u128 {
    packed(&[], text)
}

/// A state: the unified status, then the first 14 bytes of the service's word.
fn state(status: u8, raw: &str) -> u128 {
    packed(&[status], raw)
}

fn packed(head: &[u8], text: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let room = 15 - head.len();
    bytes[..head.len()].copy_from_slice(head);
    let n = text.len().min(room);
    bytes[head.len()..head.len() + n].copy_from_slice(&text.as_bytes()[..n]);
    // Exact (at most EXACT) only when the whole text fitted.
    bytes[15] = if text.len() <= room { text.len() as u8 } else { EXACT as u8 + 1 };
    u128::from_be_bytes(bytes)
}

/// The first 8 bytes of `text`, as a number that orders as the text does.
fn prefix(text: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = text.len().min(8);
    bytes[..n].copy_from_slice(&text.as_bytes()[..n]);
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

/// Where a shown row lives in the store: workspace index, kind, index in that slot. Eight
/// bytes (a pane's order holds one per row, twice, rebuilt on every re-sort): no one configures
/// 65k workspaces, and a slot holds what one list returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRef {
    ws: u16,
    pub kind: Kind,
    idx: u32,
}

impl RowRef {
    pub fn new(ws: usize, kind: Kind, idx: usize) -> RowRef {
        debug_assert!(ws <= usize::from(u16::MAX) && idx <= u32::MAX as usize, "row {ws}/{idx}");
        RowRef { ws: ws as u16, kind, idx: idx as u32 }
    }

    /// The workspace's index in the app's list.
    pub fn ws(self) -> usize {
        usize::from(self.ws)
    }

    /// The row's index in its workspace's slot for `kind`.
    pub fn idx(self) -> usize {
        self.idx as usize
    }
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use jiff::Timestamp;
    use jiff::tz::TimeZone;
    use proptest::prelude::*;

    use super::*;
    use crate::domain::{Detail, Status};

    /// Texts that share long prefixes, differ past 15 bytes, carry capitals, NULs and non-ASCII,
    /// so ranks tie often and the fallback to `compare` is exercised.
    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[ab]{0,3}",
            "(adb-prod|fabric-prod|ada@contoso.com|job-1-nightly)[a\u{0}É]{0,3}",
            "[aA]{13,18}",
            "x{15}[ab]?",
        ]
    }

    fn time() -> impl Strategy<Value = Option<Timestamp>> {
        // Some differ by less than a millisecond.
        prop_oneof![
            Just(None),
            (0i64..4, 0i32..3).prop_map(|(s, n)| Timestamp::new(1_800_000_000 + s, n * 400_000).ok())
        ]
    }

    prop_compose! {
        fn entry()(kind in prop::sample::select(vec![Kind::Session, Kind::Run, Kind::Cluster]),
                   workspace in word(), id in word(), name in word(), owner in prop::option::of(word()),
                   status in prop::sample::select(Status::ALL.to_vec()), raw_state in word(),
                   started_at in time(), ended_at in time()) -> Entry {
            let detail = match kind {
                Kind::Session => Detail::Session { idle_timeout_at: ended_at, high_concurrency: false, read_only: false, lakehouse: None, app_id: None },
                Kind::Cluster => Detail::Cluster { workers: name.clone(), runtime: None, node_type: None, source: None, pinned: false },
                _ => Detail::Run { job_id: None, job_name: Some(raw_state.clone()), trigger: None, result: None, tasks: None },
            };
            let res = Resource { kind, workspace, id, name, status, raw_state, owner, started_at, ended_at,
                                 state_message: None, detail, raw: Arc::new(serde_json::Value::Null.into()) };
            Entry::new(res, &TimeZone::UTC, None, Timestamp::UNIX_EPOCH)
        }
    }

    proptest! {
        /// Sorting by rank first gives exactly the order the whole comparison gives.
        #[test]
        fn ranks_order_rows_as_the_whole_comparison_does(
            entries in prop::collection::vec(entry(), 0..60), reverse: bool,
            key in prop::sample::select(
                SortKey::ALL.iter().copied().chain(Column::ALL.iter().map(|c| SortKey::By(*c))).collect::<Vec<_>>()),
        ) {
            let now = Timestamp::new(1_800_000_002, 0).unwrap_or(Timestamp::UNIX_EPOCH);
            let rows: Vec<((), &Entry)> = entries.iter().map(|e| ((), e)).collect();
            let mut whole: Vec<u32> = (0..rows.len() as u32).collect();
            whole.sort_by(|&i, &j| {
                let (x, y) = (rows[i as usize].1, rows[j as usize].1);
                let ord = key.compare(x, y, now).then_with(|| x.res.id.cmp(&y.res.id));
                if reverse { ord.reverse() } else { ord }
            });
            let order: Vec<u32> = key.order(&rows, reverse, now, &mut Vec::new()).iter().map(|(_, i)| *i).collect();
            prop_assert_eq!(order, whole);
        }
    }
}
