//! Marks (`space`, `ctrl-space` / `V`, `*`) and what the action keys do with them: one
//! confirmation listing every marked target and every one skipped with the reason, one
//! `Effect::RunAction` per target through the usual runner, and the results summed up in the
//! status line as they come back (each one also in the event log).
//!
//! Marks belong to the pane they were made in and name rows by identity (kind, workspace, id),
//! so they survive polls, sorting and filtering; a row that leaves its workspace's list loses
//! its mark, and `:ws` (another scope) clears them all.

use std::collections::HashSet;

use crate::domain::{Action, Kind, Problem, Target};

use super::App;
use super::keymap::{ActionKey, Command};
use super::message::Level;
use super::msg::Effect;
use super::pane::{Pane, RowKey};
use super::store::Entry;
use super::update::moved;

/// The marked rows of every pane, and the last one marked (where a range starts).
#[derive(Debug, Clone, Default)]
pub struct Marks {
    marked: HashSet<(Pane, RowKey)>,
    anchor: Option<(Pane, RowKey)>,
}

/// What the marked rows are asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkOp {
    /// `c`, `t`, `r`, `u`: the row kind's action.
    Act(ActionKey),
    /// `K`: restart idle countdowns.
    KeepAlive,
    /// `w`: say when each ends.
    Watch,
}

/// One target of a bulk action and what is done to it (`None`: watched).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkTarget {
    pub target: Target,
    pub action: Option<Action>,
}

/// The confirmation of a bulk action: every target, every skipped row with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bulk {
    pub op: BulkOp,
    pub targets: Vec<BulkTarget>,
    pub skipped: Vec<(Target, String)>,
    /// The first line of the list on screen (long lists scroll with j/k).
    pub scroll: usize,
}

impl Bulk {
    /// "Cancel 3 runs", "Kill 2 sessions, cancel 1 batch", "Watch 3 runs".
    pub fn title(&self) -> String {
        let mut groups: Vec<(&'static str, Kind, usize)> = Vec::new();
        for t in &self.targets {
            let verb = t.action.map_or("watch", Action::verb);
            match groups.iter_mut().find(|(v, k, _)| *v == verb && *k == t.target.kind) {
                Some(g) => g.2 += 1,
                None => groups.push((verb, t.target.kind, 1)),
            }
        }
        let text = groups
            .iter()
            .map(|(verb, kind, n)| format!("{verb} {}", count(*n, *kind)))
            .collect::<Vec<_>>()
            .join(", ");
        super::confirm::capitalised(&text)
    }

    /// The lines of the list: targets first, then the skipped ones with their reasons.
    pub fn len(&self) -> usize {
        self.targets.len() + if self.skipped.is_empty() { 0 } else { self.skipped.len() + 2 }
    }

    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }
}

/// The bulk confirmation's lines besides its list: borders, column heads, a blank line and
/// the answers.
const BULK_CHROME: u16 = 5;

/// A bulk action under way: what has come back so far.
#[derive(Debug, Clone, Default)]
pub(super) struct BulkRun {
    pending: Vec<(Action, Target)>,
    done: Vec<(Action, Target)>,
    failed: Vec<(Action, Target, String)>,
}

/// "3 runs", "1 session".
fn count(n: usize, kind: Kind) -> String {
    if n == 1 { format!("1 {}", kind.singular()) } else { format!("{n} {}", kind.plural()) }
}

fn key_of(e: &Entry) -> RowKey {
    (e.res.kind, e.res.workspace.clone(), e.res.id.clone())
}

impl App {
    /// Whether `e` is marked in the focused pane.
    pub fn is_marked(&self, e: &Entry) -> bool {
        !self.marks.marked.is_empty() && self.marks.marked.contains(&(self.pane, key_of(e)))
    }

    /// How many rows the focused pane has marked.
    pub fn marked_count(&self) -> usize {
        self.marks.marked.iter().filter(|(p, _)| *p == self.pane).count()
    }

    /// The kinds of the focused pane's marked rows.
    pub(super) fn marked_kinds(&self) -> Vec<Kind> {
        let mut kinds: Vec<Kind> =
            self.marks.marked.iter().filter(|(p, _)| *p == self.pane).map(|(_, (k, _, _))| *k).collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    /// The confirmation of a bulk action, when one is asked.
    pub fn bulk(&self) -> Option<&Bulk> {
        self.bulk.as_ref()
    }

    /// `space`: mark the selected row, or unmark it; then the next row.
    pub(super) fn toggle_mark(&mut self) {
        let Some(key) = self.selected().map(key_of) else { return };
        let item = (self.pane, key);
        if !self.marks.marked.remove(&item) {
            self.marks.marked.insert(item.clone());
            self.marks.anchor = Some(item);
        }
        let height = self.body_height();
        let vs = &mut self.panes[self.pane.index()];
        let last = vs.rows.len().saturating_sub(1);
        vs.select(moved(vs.selected, last, height, Command::Down));
        vs.clamp(height);
    }

    /// `ctrl-space` / `V`: mark every row shown from the last mark to the selected one; with no
    /// mark shown, the selected row only.
    pub(super) fn mark_range(&mut self) {
        let vs = self.pane_state();
        let cursor = vs.selected;
        let anchor = self
            .marks
            .anchor
            .as_ref()
            .filter(|(p, _)| *p == self.pane)
            .and_then(|(_, key)| {
                vs.rows.iter().position(|r| self.entry(*r).is_some_and(|e| key_of(e) == *key))
            })
            .unwrap_or(cursor);
        let (from, to) = (anchor.min(cursor), anchor.max(cursor));
        let keys: Vec<RowKey> = vs
            .rows
            .iter()
            .skip(from)
            .take(to + 1 - from)
            .filter_map(|r| self.entry(*r))
            .map(key_of)
            .collect();
        let n = keys.len();
        let pane = self.pane;
        self.marks.marked.extend(keys.into_iter().map(|k| (pane, k)));
        if let Some(key) = self.selected().map(key_of) {
            self.marks.anchor = Some((pane, key));
        }
        if n > 0 {
            self.info(format!("{n} rows marked; {} in all.", self.marked_count()));
        }
    }

    /// `*`: mark every row shown (the filter applies); when they all are, unmark them.
    pub(super) fn mark_all(&mut self) {
        let pane = self.pane;
        let shown: Vec<(Pane, RowKey)> =
            self.pane_state().rows.iter().filter_map(|r| self.entry(*r)).map(|e| (pane, key_of(e))).collect();
        if shown.is_empty() {
            return;
        }
        if shown.iter().all(|k| self.marks.marked.contains(k)) {
            for k in &shown {
                self.marks.marked.remove(k);
            }
            self.info(format!("{} rows unmarked.", shown.len()));
        } else {
            let n = shown.len();
            self.marks.marked.extend(shown);
            self.info(format!("{n} rows shown, all marked: c, t, K and w act on every one."));
        }
    }

    /// Esc in a pane: the marks go first (then the filter).
    pub(super) fn clear_marks(&mut self) -> bool {
        let pane = self.pane;
        let before = self.marks.marked.len();
        self.marks.marked.retain(|(p, _)| *p != pane);
        if self.marks.anchor.as_ref().is_some_and(|(p, _)| *p == pane) {
            self.marks.anchor = None;
        }
        before != self.marks.marked.len()
    }

    /// Every pane's marks go (`:ws` changed what the panes show).
    pub(super) fn clear_all_marks(&mut self) {
        self.marks = Marks::default();
    }

    /// After a poll of `kind` in workspace `ws`: a marked row it no longer lists loses its mark.
    pub(super) fn prune_marks(&mut self, ws: usize, kind: Kind) {
        if self.marks.marked.is_empty() {
            return;
        }
        let w = &self.workspaces[ws];
        let name = &w.workspace.name;
        let ids: HashSet<&str> = w.slot(kind).rows.iter().map(|e| e.res.id.as_str()).collect();
        let gone =
            |(_, (k, wsn, id)): &(Pane, RowKey)| *k == kind && wsn == name && !ids.contains(id.as_str());
        self.marks.marked.retain(|m| !gone(m));
        if self.marks.anchor.as_ref().is_some_and(gone) {
            self.marks.anchor = None;
        }
    }

    /// The focused pane's marked rows, in the order shown (marked rows a filter hides last).
    fn marked_entries(&self) -> Vec<&Entry> {
        let pane = self.pane;
        let vs = self.pane_state();
        let mut keys: Vec<&RowKey> =
            self.marks.marked.iter().filter(|(p, _)| *p == pane).map(|(_, k)| k).collect();
        let mut found: Vec<&Entry> = Vec::new();
        for r in vs.rows.iter().chain(&vs.sorted) {
            if keys.is_empty() {
                break;
            }
            if let Some(e) = self.entry(*r)
                && let Some(i) = keys.iter().position(|k| **k == key_of(e))
            {
                keys.swap_remove(i);
                found.push(e);
            }
        }
        found
    }

    /// `c`, `t`, `r`, `u`, `K`, `w` with marks: one confirmation for every marked row, or why
    /// none of them can be done.
    pub(super) fn ask_bulk(&mut self, op: BulkOp) {
        let mut targets = Vec::new();
        let mut skipped = Vec::new();
        for e in self.marked_entries() {
            let target = Target::of(&e.res);
            let action = match op {
                BulkOp::Act(key) => key.action_for(e.res.kind),
                BulkOp::KeepAlive => (e.res.kind == Kind::Session).then_some(Action::KeepAlive),
                BulkOp::Watch => None,
            };
            let why = match (op, action) {
                (BulkOp::Watch, _) if self.is_watched(e.res.kind, &e.res.workspace, &e.res.id) => {
                    Some("already watched".to_string())
                }
                (BulkOp::Watch, _) if e.res.status.is_terminal() => Some("it has already ended".to_string()),
                (BulkOp::Watch, _) => None,
                (_, None) => Some(format!("a {} has no such action", e.res.kind.singular())),
                (_, Some(action)) => match self.read_only_refusal(&e.res.workspace, "") {
                    // "adb-prod is read-only (:ro)": the rest of the refusal is for one action.
                    Some(text) => {
                        Some(text.split_once("): ").map_or(text.clone(), |(ws, _)| format!("{ws})")))
                    }
                    None => self.refused(action, &e.res).map(|text| reason(&text)),
                },
            };
            match why {
                Some(why) => skipped.push((target, why)),
                None => targets.push(BulkTarget { target, action }),
            }
        }
        if targets.is_empty() {
            let first =
                skipped.first().map(|(t, why)| format!(": {} — {why}", t.short())).unwrap_or_default();
            return self.error(format!("None of the {} marked rows can be done{first}.", skipped.len()));
        }
        self.bulk = Some(Bulk { op, targets, skipped, scroll: 0 });
    }

    /// Where the bulk confirmation is drawn, and how many lines of its list show at once:
    /// as tall as its list (plus its title, column heads and answers), up to the screen.
    pub fn bulk_area(&self) -> (ratatui::layout::Rect, usize) {
        let len = self.bulk.as_ref().map_or(0, Bulk::len);
        let (w, h) = self.size;
        let height = (len as u16).saturating_add(BULK_CHROME).min(h.saturating_sub(2)).max(BULK_CHROME + 1);
        let area = super::layout::centered(ratatui::layout::Rect::new(0, 0, w, h), 90, 0, 60, height);
        (area, usize::from(area.height.saturating_sub(BULK_CHROME)).max(1))
    }

    /// j/k in the bulk confirmation.
    pub(super) fn scroll_bulk(&mut self, command: Command) {
        let (_, height) = self.bulk_area();
        if let Some(b) = &mut self.bulk {
            b.scroll = moved(b.scroll, b.len().saturating_sub(height), height, command);
        }
    }

    /// `y` on a bulk confirmation: one effect per target; the marks of the pane are cleared.
    pub(super) fn run_bulk(&mut self, bulk: Bulk) -> Vec<Effect> {
        self.clear_marks();
        let mut effects = Vec::new();
        // A bulk action asked while another is under way joins its count.
        let mut run = self.bulk_run.take().unwrap_or_default();
        let mut watching = 0;
        for BulkTarget { target, action } in bulk.targets {
            match action {
                Some(action) => {
                    let text = format!("asked to {} {target}", action.verb());
                    self.record(Some(&target.workspace), Level::Info, text);
                    run.pending.push((action, target.clone()));
                    effects.push(Effect::RunAction { action, target });
                }
                None => {
                    watching += 1;
                    self.watched.push(target);
                }
            }
        }
        if effects.is_empty() {
            if !run.pending.is_empty() {
                self.bulk_run = Some(run);
            }
            self.info(format!("Watching {watching} items: you will be told when each ends."));
            return effects;
        }
        self.bulk_run = Some(run);
        self.info(self.bulk_summary());
        effects
    }

    /// An action's answer that belongs to the bulk action under way: noted (and logged);
    /// returns false when it does not belong to it.
    pub(super) fn bulk_finished(
        &mut self,
        action: Action,
        target: &Target,
        outcome: &Result<String, Problem>,
    ) -> bool {
        let Some(run) = &mut self.bulk_run else { return false };
        let Some(i) = run.pending.iter().position(|(a, t)| *a == action && same(t, target)) else {
            return false;
        };
        let (action, target) = run.pending.remove(i);
        match outcome {
            Ok(_) => run.done.push((action, target)),
            Err(p) => run.failed.push((action, target, p.cause())),
        }
        true
    }

    /// After a bulk answer: the status line sums them up; the run is over when none is pending.
    pub(super) fn bulk_progress(&mut self) {
        let text = self.bulk_summary();
        let failed = self.bulk_run.as_ref().is_some_and(|r| !r.failed.is_empty());
        if self.bulk_run.as_ref().is_some_and(|r| r.pending.is_empty()) {
            self.bulk_run = None;
        }
        if failed { self.error(text) } else { self.info(text) }
    }

    /// "Cancelling 3 runs… 1 cancelled", "3 cancelled ✓", "2 cancelled, 1 failed: … — run …".
    fn bulk_summary(&self) -> String {
        let Some(run) = &self.bulk_run else { return String::new() };
        let done = group(run.done.iter().map(|(a, _)| a.done()));
        let mut parts = Vec::new();
        if !run.pending.is_empty() {
            let mut ongoing: Vec<(&str, Kind, usize)> = Vec::new();
            for (a, t) in &run.pending {
                match ongoing.iter_mut().find(|(v, k, _)| *v == a.ongoing() && *k == t.kind) {
                    Some(g) => g.2 += 1,
                    None => ongoing.push((a.ongoing(), t.kind, 1)),
                }
            }
            let text = ongoing.iter().map(|(v, k, n)| format!("{v} {}", count(*n, *k))).collect::<Vec<_>>();
            parts.push(format!("{}…", super::confirm::capitalised(&text.join(", "))));
        }
        if !done.is_empty() {
            parts.push(if run.failed.is_empty() && run.pending.is_empty() {
                format!("{done} ✓")
            } else {
                done
            });
        }
        if let Some((action, target, cause)) = run.failed.first() {
            let more = match run.failed.len() {
                1 => String::new(),
                n => format!(" (and {} more; :events lists each)", n - 1),
            };
            parts.push(format!(
                "{} failed: {} {cause} — {}{more}",
                run.failed.len(),
                action.verb(),
                target.short()
            ));
        }
        parts.join(", ")
    }
}

/// "3 cancelled", "2 killed, 1 cancelled": how many of each word.
fn group<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for w in words {
        match counts.iter_mut().find(|(x, _)| *x == w) {
            Some(c) => c.1 += 1,
            None => counts.push((w, 1)),
        }
    }
    counts.iter().map(|(w, n)| format!("{n} {w}")).collect::<Vec<_>>().join(", ")
}

/// A refusal as a skip reason: the part after "…:" ("it has already finished").
fn reason(text: &str) -> String {
    let text = text.trim_end_matches('.');
    match text.rsplit_once("): ") {
        Some((_, why)) => why.to_string(),
        None => text.to_string(),
    }
}

fn same(a: &Target, b: &Target) -> bool {
    a.kind == b.kind && a.workspace == b.workspace && a.id == b.id
}
