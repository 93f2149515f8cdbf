//! The `?` overlay: the bindings of the scope it was opened from, and the notes under them.

use crate::domain::Kind;

use super::App;
use super::keymap::{self, Scope};

/// The `?` overlay: the bindings of the scope it was opened from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Help {
    pub scope: Scope,
    pub kind: Option<Kind>,
    pub scroll: usize,
}

impl App {
    /// Scroll the help by `delta` lines, no further than its last line.
    pub(super) fn scroll_help(&mut self, delta: isize) {
        if let Some(h) = &mut self.help {
            // The bindings, a blank line and the notes under them (see ui::overlay::help).
            let letters = usize::from(h.scope == Scope::Pane);
            let lines =
                self.keymap.bindings(h.scope, h.kind).count() + 1 + keymap::notes(h.scope).len() + letters;
            h.scroll = h.scroll.saturating_add_signed(delta).min(lines.saturating_sub(1));
        }
    }
}
