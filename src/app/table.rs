//! The panes: which rows a pane shows (the `:ws` scope, the filter, the sort), switching panes,
//! and the keys that move through them.

use crate::domain::Target;

use super::keymap::Command;
use super::marks::BulkOp;
use super::msg::Effect;
use super::pane::{Pane, RowKey, RowRef};
use super::store::Entry;
use super::update::{is_motion, moved};
use super::{App, PromptMode};

impl App {
    /// Recompute a pane's rows (scope, filter, sort), keeping the selected item selected.
    pub(super) fn rebuild(&mut self, pane: Pane) {
        let i = pane.index();
        // The selected item as a place in the store, so finding it among the sorted rows
        // compares numbers, not ids (thousands of string reads on every re-sort).
        let keep = match self.panes[i].keep.take() {
            Some(key) => self.row_of(pane, &key),
            None => self.selected_row(pane),
        };
        let mut buffer = std::mem::take(&mut self.sort_buffer);
        let vs = &self.panes[i];
        // Entries sit beside their references so sorting compares them directly.
        let total =
            self.in_scope().map(|w| pane.kinds().iter().map(|k| w.slot(*k).rows.len()).sum::<usize>()).sum();
        let mut all: Vec<(RowRef, &Entry)> = Vec::with_capacity(total);
        for (wi, w) in self.workspaces.iter().enumerate() {
            if self.scope.is_some_and(|s| s != wi) {
                continue;
            }
            for kind in pane.kinds() {
                let slot = w.slot(kind).rows.iter().enumerate();
                all.extend(slot.map(|(idx, e)| (RowRef::new(wi, kind, idx), e)));
            }
        }
        let (sort, reverse, now) = (vs.sort, vs.reverse, self.now);
        let order = sort.order(&all, reverse, now, &mut buffer.0);
        // One pass over the sorted rows: the filter, the live clock, where the selection went.
        let filtering = vs.filter.is_some() || vs.mine;
        let mut sorted: Vec<RowRef> = Vec::with_capacity(order.len());
        let mut rows: Vec<RowRef> = Vec::with_capacity(if filtering { 0 } else { order.len() });
        let (mut has_live, mut selected) = (false, None);
        for &(_, at) in order {
            let (r, e) = all[at as usize];
            sorted.push(r);
            if filtering && !self.passes(vs, r, e) {
                continue;
            }
            has_live = has_live || self.ticks(r, e);
            if selected.is_none() && keep == Some(r) {
                selected = Some(rows.len());
            }
            rows.push(r);
        }
        let total = sorted.len();
        self.sort_buffer = buffer;
        let height = self.body_height();
        let vs = &mut self.panes[i];
        vs.rows = rows;
        vs.sorted = sorted;
        vs.total = total;
        vs.has_live = has_live;
        vs.keep_selection(selected);
        vs.clamp(height);
        self.stale[i] = false;
    }

    /// The focused pane after its filter changed: filter its rows, already sorted, instead of
    /// rebuilding and sorting; only the rows shown when the new filter `narrows` the old one
    /// (it drops only rows the old one kept).
    pub(super) fn refilter(&mut self, narrows: bool) {
        let i = self.pane.index();
        let keep = self.selected_row(self.pane);
        let vs = &self.panes[i];
        let from = if narrows { &vs.rows } else { &vs.sorted };
        let filtering = vs.filter.is_some() || vs.mine;
        let mut rows: Vec<RowRef> = Vec::with_capacity(if filtering { 0 } else { from.len() });
        let (mut has_live, mut selected) = (false, None);
        for r in from {
            let Some(e) = self.entry(*r) else { continue };
            if filtering && !self.passes(vs, *r, e) {
                continue;
            }
            has_live = has_live || self.ticks(*r, e);
            if selected.is_none() && keep == Some(*r) {
                selected = Some(rows.len());
            }
            rows.push(*r);
        }
        let height = self.body_height();
        let vs = &mut self.panes[i];
        vs.rows = rows;
        vs.has_live = has_live;
        vs.keep_selection(selected);
        vs.clamp(height);
    }

    /// Whether row `r` passes the pane's filter and "mine only".
    fn passes(&self, vs: &super::PaneState, r: RowRef, e: &Entry) -> bool {
        let me = &self.workspaces[r.ws()].me;
        (!vs.mine || super::filter::is_mine(e, me)) && vs.filter.as_ref().is_none_or(|f| f.matches(e, me))
    }

    /// Whether row `r` shows a time that moves: live, and not frozen at the last poll of a
    /// workspace that stopped answering.
    fn ticks(&self, r: RowRef, e: &Entry) -> bool {
        e.is_live() && !self.workspaces[r.ws()].slot(r.kind).is_stale()
    }

    /// Where the row `pane` has selected is in the store (valid until rows arrive: `keep`
    /// holds the identity across a refresh).
    fn selected_row(&self, pane: Pane) -> Option<RowRef> {
        let vs = &self.panes[pane.index()];
        vs.rows.get(vs.selected).copied().filter(|r| self.entry(*r).is_some())
    }

    /// Where the item `key` is in the store now, if `pane` can show it.
    fn row_of(&self, pane: Pane, (kind, ws, id): &RowKey) -> Option<RowRef> {
        if !pane.shows(*kind) {
            return None;
        }
        let wi = self.workspaces.iter().position(|w| w.workspace.name == *ws)?;
        let idx = self.workspaces[wi].slot(*kind).rows.iter().position(|e| e.res.id == *id)?;
        Some(RowRef::new(wi, *kind, idx))
    }

    /// What `pane` has selected, by identity (row indices change with every refresh).
    pub(super) fn selected_key(&self, pane: Pane) -> Option<RowKey> {
        let vs = &self.panes[pane.index()];
        let e = vs.rows.get(vs.selected).and_then(|r| self.entry(*r))?;
        Some((e.res.kind, e.res.workspace.clone(), e.res.id.clone()))
    }

    /// Keep the focused pane's selection inside its rows and on screen.
    pub(super) fn clamp_pane(&mut self) {
        let height = self.body_height();
        self.panes[self.pane.index()].clamp(height);
    }

    /// A key in a pane.
    pub(super) fn run_table(&mut self, command: Command) -> Vec<Effect> {
        match command {
            Command::NextPane => return self.show(Pane::from_index(self.pane.index() + 1)),
            Command::PrevPane => return self.show(Pane::from_index(self.pane.index() + Pane::ALL.len() - 1)),
            Command::ShowPane(v) => return self.show(v),
            Command::CommandLine => self.open_prompt(PromptMode::Command),
            Command::FilterLine => {
                let current = self.panes[self.pane.index()].filter.as_ref().map(|f| f.text.clone());
                self.open_prompt_with(PromptMode::Filter, current.unwrap_or_default());
            }
            Command::Back if self.clear_marks() => self.info("Marks cleared.".into()),
            Command::Back if self.panes[self.pane.index()].filter.take().is_some() => self.refilter(false),
            Command::SortNext => {
                let vs = &mut self.panes[self.pane.index()];
                vs.sort = vs.sort.next();
                self.rebuild(self.pane);
            }
            Command::Mine => return self.toggle_mine(),
            Command::SortReverse => {
                let vs = &mut self.panes[self.pane.index()];
                vs.reverse = !vs.reverse;
                self.rebuild(self.pane);
            }
            // Enter on a pane that shows only errors opens them whole.
            Command::Open if self.pane_state().rows.is_empty() && !self.pane_errors().is_empty() => {
                self.open_sheet(super::SheetKind::Errors)
            }
            Command::Open => return self.open_details(),
            Command::Act(key) if self.marked_count() > 0 => self.ask_bulk(BulkOp::Act(key)),
            Command::KeepAlive if self.marked_count() > 0 => self.ask_bulk(BulkOp::KeepAlive),
            Command::Watch if self.marked_count() > 0 => self.ask_bulk(BulkOp::Watch),
            Command::Act(key) => self.ask(key),
            Command::Resize => self.ask_size(),
            Command::RunWithParameters => self.ask_parameters(),
            Command::KeepAlive => return self.keep_alive(),
            Command::Watch => self.toggle_watch(),
            Command::Mark => self.toggle_mark(),
            Command::MarkRange => self.mark_range(),
            Command::MarkAll => self.mark_all(),
            Command::Editor => return self.open_editor(None),
            Command::New => return self.open_new(),
            Command::EditItem => return self.open_edit(),
            Command::Resubmit => return self.open_resubmit(),
            Command::DeleteForGood => self.ask_delete(),
            Command::Logs => match self.selected().map(|e| Target::of(&e.res)) {
                Some(target) => return self.open_logs(target),
                None => self.error("Nothing selected.".into()),
            },
            c if is_motion(c) => self.move_selection(c),
            _ => {}
        }
        Vec::new()
    }

    /// Switch to `pane` (`update` then tells the pollers what is visible).
    pub(super) fn show(&mut self, pane: Pane) -> Vec<Effect> {
        if pane == self.pane {
            return Vec::new();
        }
        self.pane = pane;
        if self.stale[pane.index()] || self.panes[pane.index()].rows.is_empty() {
            self.rebuild(pane);
        } else {
            self.clamp_pane();
        }
        Vec::new()
    }

    fn move_selection(&mut self, command: Command) {
        let height = self.body_height();
        let vs = &mut self.panes[self.pane.index()];
        let last = vs.rows.len().saturating_sub(1);
        vs.select(moved(vs.selected, last, height, command));
        vs.clamp(height);
    }

    /// `:ws NAME` narrows every pane to one workspace, `:ws` widens them again.
    pub(super) fn set_scope(&mut self, name: Option<String>) -> Vec<Effect> {
        let scope = match name {
            None => None,
            Some(name) => {
                let Some(i) = self.workspace_named(&name) else { return Vec::new() };
                Some(i)
            }
        };
        if scope == self.scope {
            return Vec::new();
        }
        self.scope = scope;
        // Marks name rows the new scope may not show: they would act unseen.
        self.clear_all_marks();
        self.stale = [true; Pane::ALL.len()];
        for vs in &mut self.panes {
            vs.select(0);
            vs.offset = 0;
        }
        self.rebuild(self.pane);
        Vec::new()
    }
}
