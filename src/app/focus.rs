//! The terminal's focus (`Msg::Focus`, from focus reporting, CSI ?1004): while it is not
//! focused and `[poll] pause_unfocused` is on, nobody is looking, so the panes are polled as
//! hidden (the background pace: header counts stay honest; watched items keep their pace, so
//! their end is told in time) and the clock stops. Focus back: polled at once, drawn again.

use crate::domain::Kind;

use super::App;

/// Whether the terminal has focus, and whether losing it pauses.
#[derive(Debug, Clone, Copy)]
pub(super) struct Focus {
    pause: bool,
    focused: bool,
}

impl Default for Focus {
    /// Focused until the terminal says otherwise (terminals without focus reporting never do).
    fn default() -> Focus {
        Focus { pause: true, focused: true }
    }
}

impl App {
    /// Whether losing focus pauses polling and the clock (`[poll] pause_unfocused`, default on).
    pub fn with_pause_unfocused(mut self, pause: bool) -> App {
        self.focus.pause = pause;
        self
    }

    /// The terminal gained or lost focus.
    pub(super) fn on_focus(&mut self, focused: bool) {
        if self.focus.focused != focused {
            self.focus.focused = focused;
            // Back in focus: the time and what the polls bring are drawn at once.
            self.dirty |= focused;
        }
    }

    /// Unfocused and pausing: nothing on screen is watched by anyone.
    pub fn is_paused(&self) -> bool {
        self.focus.pause && !self.focus.focused
    }

    /// What is polled while paused: the workspaces and kinds of watched items only.
    pub(super) fn paused_visibility(&self) -> (Vec<String>, Vec<Kind>) {
        let mut workspaces: Vec<String> = Vec::new();
        let mut kinds: Vec<Kind> = Vec::new();
        for t in &self.watched {
            if !workspaces.contains(&t.workspace) {
                workspaces.push(t.workspace.clone());
            }
            if !kinds.contains(&t.kind) {
                kinds.push(t.kind);
            }
        }
        (workspaces, kinds)
    }
}
