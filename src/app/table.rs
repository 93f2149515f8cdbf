//! The panes: which rows a pane shows (the `:ws` scope, the filter, the sort), switching panes,
//! and the keys that move through them.

use std::cmp::Ordering;

use crate::domain::Target;

use super::keymap::Command;
use super::msg::Effect;
use super::pane::{Pane, RowKey, RowRef};
use super::update::{is_motion, moved};
use super::{App, PromptMode};

impl App {
    /// Recompute a pane's rows (scope, filter, sort), keeping the selected item selected.
    pub(super) fn rebuild(&mut self, pane: Pane) {
        let i = pane.index();
        let keep = self.panes[i].keep.take().or_else(|| self.selected_key(pane));
        let vs = &self.panes[i];
        let mut rows = Vec::new();
        let mut total = 0;
        for (wi, w) in self.workspaces.iter().enumerate() {
            if self.scope.is_some_and(|s| s != wi) {
                continue;
            }
            for kind in pane.kinds() {
                for (idx, e) in w.slot(kind).rows.iter().enumerate() {
                    total += 1;
                    if vs.filter.as_ref().is_none_or(|f| f.matches(&e.haystack)) {
                        rows.push(RowRef { ws: wi, kind, idx });
                    }
                }
            }
        }
        let (sort, reverse, now) = (vs.sort, vs.reverse, self.now);
        rows.sort_by(|a, b| {
            let (Some(x), Some(y)) = (self.entry(*a), self.entry(*b)) else { return Ordering::Equal };
            let ord = sort.compare(&x.res, &y.res, now).then_with(|| x.res.id.cmp(&y.res.id));
            if reverse { ord.reverse() } else { ord }
        });
        let has_live = rows.iter().any(|r| self.entry(*r).is_some_and(|e| e.is_live()));
        let selected = keep.and_then(|(kind, ws, id)| {
            rows.iter().position(|r| {
                self.entry(*r).is_some_and(|e| e.res.kind == kind && e.res.id == id && e.res.workspace == ws)
            })
        });
        let height = self.body_height();
        let vs = &mut self.panes[i];
        vs.rows = rows;
        vs.total = total;
        vs.has_live = has_live;
        if let Some(s) = selected {
            vs.selected = s;
        }
        vs.clamp(height);
        self.stale[i] = false;
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
                self.open_prompt(PromptMode::Filter);
                if let Some(p) = &mut self.prompt {
                    p.text = self.panes[self.pane.index()]
                        .filter
                        .as_ref()
                        .map(|f| f.text.clone())
                        .unwrap_or_default();
                }
            }
            Command::Back if self.panes[self.pane.index()].filter.take().is_some() => self.rebuild(self.pane),
            Command::SortNext => {
                let vs = &mut self.panes[self.pane.index()];
                vs.sort = vs.sort.next();
                self.rebuild(self.pane);
            }
            Command::SortReverse => {
                let vs = &mut self.panes[self.pane.index()];
                vs.reverse = !vs.reverse;
                self.rebuild(self.pane);
            }
            Command::Open => return self.open_details(),
            Command::Act(key) => self.ask(key),
            Command::Resize => self.ask_size(),
            Command::KeepAlive => return self.keep_alive(),
            Command::Watch => self.toggle_watch(),
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

    /// Switch to `pane`; tells the pollers what is visible now.
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
        vec![self.visible_effect()]
    }

    fn move_selection(&mut self, command: Command) {
        let height = self.body_height();
        let vs = &mut self.panes[self.pane.index()];
        let last = vs.rows.len().saturating_sub(1);
        vs.selected = moved(vs.selected, last, height, command);
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
        self.stale = [true; 5];
        for vs in &mut self.panes {
            vs.selected = 0;
            vs.offset = 0;
        }
        self.rebuild(self.pane);
        vec![self.visible_effect()]
    }
}
