//! Tabs: `Ctrl-T` opens one (on the same place as the tab in front, with a REPL of its own, so
//! statements in two tabs run at once), `Ctrl-W` closes the tab in front (its REPL given back;
//! text that would be lost is asked about first), `Alt-1…9` brings a tab to the front.

use crate::app::App;
use crate::app::msg::Effect;

use super::{Editor, MAX_TABS};

impl App {
    pub(in crate::app) fn new_tab(&mut self) -> Vec<Effect> {
        let console = &mut self.console;
        if console.tabs.len() >= MAX_TABS {
            self.error(format!("{MAX_TABS} tabs at most: close one with ctrl-w first."));
            return Vec::new();
        }
        let mut tab =
            Editor::new(crate::drafts::Draft { language: console.tab().language, text: String::new() });
        // An attached session is the user's and serves one tab: the new tab gets a REPL of its own.
        tab.place = console.tab().place.clone().map(|mut p| {
            p.detach();
            p
        });
        console.closing = None;
        console.tabs.insert(console.active + 1, tab);
        console.active += 1;
        let n = console.active + 1;
        self.info(format!(
            "Tab {n}: it gets its own session on its first run; ctrl-g chooses where it runs."
        ));
        vec![Effect::SaveDraft(self.console.drafts())]
    }

    pub(in crate::app) fn switch_tab(&mut self, index: usize) -> Vec<Effect> {
        if index >= self.console.tabs.len() {
            let n = self.console.tabs.len();
            self.info(format!(
                "There {}: ctrl-t opens another.",
                if n == 1 { "is one tab".to_string() } else { format!("are {n} tabs") }
            ));
            return Vec::new();
        }
        self.console.closing = None;
        self.console.active = index;
        vec![Effect::SaveDraft(self.console.drafts())]
    }

    /// Close the tab in front: its REPL is given back (left to finish while a statement runs).
    /// Text that was never run would be lost, so the first ctrl-w asks; the last tab is emptied.
    pub(in crate::app) fn close_tab(&mut self) -> Vec<Effect> {
        let active = self.console.active;
        let tab = self.console.tab();
        let unsaved = !tab.code().trim().is_empty()
            && !self.console.history.iter().any(|h| h.code.trim() == tab.code().trim());
        if unsaved && self.console.closing != Some(active) {
            self.console.closing = Some(active);
            self.info(format!(
                "Tab {} has text that never ran: ctrl-w again closes it and drops the text.",
                active + 1
            ));
            return Vec::new();
        }
        let (release, left) = tab.leave_plan();
        self.console.closing = None;
        if !left.is_empty() {
            self.info(format!("A statement still runs in {}: it is left to finish.", left[0].describe()));
        }
        self.console.left_running.extend(left);
        let mut effects: Vec<Effect> = release.into_iter().map(|repl| Effect::ReleaseRepl { repl }).collect();
        if self.console.tabs.len() == 1 {
            let place = self.console.tab().place.clone().map(|mut p| {
                p.detach();
                p
            });
            let fresh = self.console.open_tab(crate::drafts::Draft::default());
            self.console.tabs[0] = Editor { place, ..fresh };
        } else {
            self.console.tabs.remove(active);
            self.console.active = active.min(self.console.tabs.len() - 1);
        }
        effects.push(Effect::SaveDraft(self.console.drafts()));
        effects
    }
}
