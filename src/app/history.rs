//! View history: `[` and `]` go back and forward through the places visited — a pane, its
//! filter, the item opened in it (details or logs) — and `-` to the last place left and back
//! again, like `cd -`. A place is noted after every message that changes it (whatever did it:
//! a key, a command, the mouse), never while a line is being typed. At most `MAX` are kept.

use std::collections::VecDeque;

use super::App;
use super::filter::Filter;
use super::keymap::Command;
use super::msg::Effect;
use super::pane::{Pane, RowKey};
use crate::domain::Target;

/// Places kept.
const MAX: usize = 50;

/// Where the user was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Place {
    pane: Pane,
    filter: Option<String>,
    opened: Option<Opened>,
}

/// An item open over the pane.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Opened {
    Details(RowKey),
    Logs(RowKey),
}

#[derive(Debug, Clone, Default)]
pub(super) struct History {
    places: VecDeque<Place>,
    /// The current place's index in `places`.
    at: usize,
    /// The place left last (where `-` goes).
    last: Option<Place>,
}

impl History {
    /// Now at `place`: a new place drops those ahead of the current one.
    fn note(&mut self, place: Place) {
        if self.places.get(self.at) == Some(&place) {
            return;
        }
        self.last = self.places.get(self.at).cloned();
        self.places.truncate(self.at + 1);
        self.places.push_back(place);
        if self.places.len() > MAX {
            self.places.pop_front();
        }
        self.at = self.places.len() - 1;
    }

    /// Step `by` places (−1 back, +1 forward), if there is one there.
    fn step(&mut self, by: isize) -> Option<Place> {
        let to = self.at.checked_add_signed(by).filter(|i| *i < self.places.len())?;
        self.last = self.places.get(self.at).cloned();
        self.at = to;
        self.places.get(to).cloned()
    }
}

pub(super) fn is_history(c: Command) -> bool {
    matches!(c, Command::ViewBack | Command::ViewForward | Command::ViewLast)
}

impl App {
    /// Where the user is now; `None` while a line is typed, a question asked, the editor or a
    /// form open (places are panes and what is open over them).
    fn place(&self) -> Option<Place> {
        if self.prompt.is_some()
            || self.confirm.is_some()
            || self.bulk.is_some()
            || self.editing
            || self.form_scope().is_some()
        {
            return None;
        }
        let filter = self.panes[self.pane.index()].filter.as_ref().map(|f| f.text.clone());
        let opened = if let Some(l) = &self.logs {
            Some(Opened::Logs((l.target.kind, l.target.workspace.clone(), l.target.id.clone())))
        } else {
            self.details_row().map(|r| Opened::Details((r.kind, r.workspace.clone(), r.id.clone())))
        };
        Some(Place { pane: self.pane, filter, opened })
    }

    /// After every message: note the place if it changed.
    pub(super) fn note_place(&mut self) {
        if let Some(place) = self.place() {
            self.history.note(place);
        }
    }

    pub(super) fn run_history(&mut self, command: Command) -> Vec<Effect> {
        let place = match command {
            Command::ViewBack => self.history.step(-1),
            Command::ViewForward => self.history.step(1),
            _ => self.history.last.clone(),
        };
        let Some(place) = place else {
            let end = if command == Command::ViewForward { "newest" } else { "oldest" };
            self.info(format!("This is the {end} place in the view history."));
            return Vec::new();
        };
        let effects = self.go(&place);
        // Where it landed (an item since gone is not reopened).
        if let Some(now) = self.place() {
            if command == Command::ViewLast {
                self.history.note(now);
            } else if let Some(p) = self.history.places.get_mut(self.history.at) {
                *p = now;
            }
        }
        effects
    }

    /// Go to `place`: its pane and filter, and its item opened again if it is still there.
    fn go(&mut self, place: &Place) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.logs.take().is_some() {
            effects.push(Effect::StopLogs);
        }
        self.details = None;
        self.sheet = None;
        effects.extend(self.show(place.pane));
        let i = place.pane.index();
        let filter = place.filter.as_deref().and_then(|t| Filter::parse(t).ok().flatten());
        if self.panes[i].filter.as_ref().map(|f| &f.text) != filter.as_ref().map(|f| &f.text) {
            self.panes[i].filter = filter;
            self.rebuild(place.pane);
        }
        let mut gone = None;
        match &place.opened {
            None => {}
            Some(Opened::Details(key)) => match self.shown_position(key) {
                Some(row) => {
                    let height = self.body_height();
                    self.panes[i].select(row);
                    self.panes[i].clamp(height);
                    effects.extend(self.open_details());
                }
                None => gone = Some(key),
            },
            Some(Opened::Logs(key)) => match self.target_of(key) {
                Some(target) => effects.extend(self.open_logs(target)),
                None => gone = Some(key),
            },
        }
        let mut text = place.pane.title().to_string();
        if let Some(f) = &place.filter {
            text += &format!(" · filter {f}");
        }
        match gone {
            Some((kind, ws, id)) => {
                text += &format!(" · {} {id} in {ws} is no longer listed", kind.singular())
            }
            None => match &place.opened {
                Some(Opened::Details((kind, _, id))) => {
                    text += &format!(" · details of {} {id}", kind.singular())
                }
                Some(Opened::Logs((kind, _, id))) => text += &format!(" · logs of {} {id}", kind.singular()),
                None => {}
            },
        }
        self.info(text);
        effects
    }

    /// Where the item `key` is among the focused pane's rows.
    fn shown_position(&self, (kind, ws, id): &RowKey) -> Option<usize> {
        self.pane_state().rows.iter().position(|r| {
            self.entry(*r).is_some_and(|e| e.res.kind == *kind && e.res.workspace == *ws && e.res.id == *id)
        })
    }

    /// The item `key`, wherever it is held.
    fn target_of(&self, (kind, ws, id): &RowKey) -> Option<Target> {
        self.workspaces
            .iter()
            .filter(|w| w.workspace.name == *ws)
            .flat_map(|w| &w.slot(*kind).rows)
            .find(|e| e.res.id == *id)
            .map(|e| Target::of(&e.res))
    }
}
