//! The footer: only the keys that do something now — for the selected row, in this mode
//! (no `u start` on a running cluster, no actions in read-only mode, `esc` where it clears or
//! closes something, `tab complete` only where something completes).

use crate::domain::{Action, Detail, Resource};

use super::keymap::{Bound, Command, Scope};
use super::{App, PromptMode};

impl App {
    /// The bindings the footer offers, in keymap order.
    pub fn footer(&self) -> Vec<&Bound> {
        let focus = self.focus();
        self.keymap
            .bindings(focus, self.focused_kind())
            .filter(|b| b.footer.is_some() && self.applies(focus, b.command))
            .collect()
    }

    /// Whether `command` would do something in `focus` right now.
    fn applies(&self, focus: Scope, command: Command) -> bool {
        let row = self.selected().map(|e| &e.res);
        let allowed = |action: Action| row.is_some_and(|r| self.refused(action, r).is_none());
        let marks = focus == Scope::Pane && self.marked_count() > 0;
        match (focus, command) {
            // With marks the action keys act on the marked rows.
            (Scope::Pane, Command::Act(_) | Command::KeepAlive | Command::Watch) if marks => true,
            (Scope::Pane, Command::Back) if marks => true,
            (Scope::Pane, Command::Mark) => row.is_some(),
            (Scope::Pane | Scope::Details, Command::OpenBrowser) => {
                let shown = if focus == Scope::Details { self.details_row() } else { row };
                shown
                    .is_some_and(|r| crate::domain::Service::of(r.kind) == crate::domain::Service::Databricks)
            }
            (Scope::Pane, Command::Act(key)) => {
                row.and_then(|r| key.action_for(r.kind)).is_some_and(&allowed)
            }
            (Scope::Pane, Command::Resize) => allowed(Action::ResizeCluster { min: 0, max: 0 }),
            (Scope::Pane, Command::KeepAlive) => allowed(Action::KeepAlive),
            (Scope::Pane, Command::Open) => row.is_some(),
            (Scope::Pane, Command::New) => self
                .pane
                .kind()
                .or(row.map(|r| r.kind))
                .is_some_and(|k| !self.read_only_everywhere(crate::domain::Service::of(k))),
            (Scope::Pane, Command::Resubmit | Command::EditItem) => row.is_some_and(|r| {
                !self.is_read_only_in(&r.workspace)
                    && (command == Command::Resubmit || super::form::editable(r))
            }),
            (Scope::Pane, Command::Watch) => row.is_some_and(|r| !r.status.is_terminal()),
            (Scope::Pane | Scope::Details, Command::Logs) => {
                let shown = if focus == Scope::Details { self.details_row() } else { row };
                shown.is_some_and(logs_available)
            }
            (Scope::Pane, Command::Back) => self.pane_state().filter.is_some(),
            (_, Command::Errors) => self.has_errors(),
            (Scope::Pane, Command::Down) => self.pane_state().rows.len() > 1,
            (Scope::Pane, Command::SortNext | Command::FilterLine) => self.pane_state().total > 0,
            (Scope::Prompt, Command::Complete) => {
                self.prompt.as_ref().is_some_and(|p| p.mode == PromptMode::Command)
            }
            (Scope::Logs, Command::NextMatch | Command::PrevMatch) => {
                self.logs.as_ref().is_some_and(|l| l.search.is_some())
            }
            _ => true,
        }
    }

    /// The row the details overlay shows.
    pub(super) fn details_row(&self) -> Option<&Resource> {
        let d = self.details.as_ref()?;
        let w = self.workspaces.get(d.ws)?;
        w.slot(d.kind).rows.iter().find(|e| e.res.id == d.id).map(|e| &e.res)
    }
}

/// Sessions from the workspace monitoring list (notebooks, Spark job definitions) have no Livy
/// log sparkdeck can read.
pub fn logs_available(r: &Resource) -> bool {
    !matches!(r.detail, Detail::Session { read_only: true, .. })
}
