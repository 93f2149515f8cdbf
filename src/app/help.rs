//! The `?` overlay: the bindings of the scope it was opened from, and the notes under them,
//! laid out in screen rows here so that scrolling (`App::update`) and drawing (`ui::overlay`)
//! agree on how many rows there are and where the last page starts.

use ratatui::layout::{Margin, Rect};

use crate::domain::Kind;

use super::App;
use super::keymap::{self, Scope};

/// The `?` overlay: the bindings of the scope it was opened from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Help {
    pub scope: Scope,
    pub kind: Option<Kind>,
    /// The first row shown; never past the last page (`max_scroll`).
    pub scroll: usize,
}

/// One screen row of the help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpRow {
    /// A binding's keys, padded to the keys column (blank on the rows its description
    /// continues on), and its description.
    Key { keys: String, text: String },
    /// A note under the bindings (the filter syntax, the sort letters), or a blank row.
    Note(String),
}

/// Width of the keys column, the space before it included.
const KEYS: usize = 21;

/// The help box over the whole screen `area`.
pub fn help_box(area: Rect) -> Rect {
    super::layout::centered(area, 80, 85, 40, 10)
}

impl App {
    /// The help's rows at the width inside its box: long descriptions and notes wrap onto rows
    /// indented under their own text, so the keys column stays clear.
    pub fn help_rows(&self, h: &Help, width: u16) -> Vec<HelpRow> {
        let width = usize::from(width);
        let described = self.keymap.bindings(h.scope, h.kind).filter(|b| !b.help.is_empty());
        let text_width = width.saturating_sub(KEYS).max(12);
        let mut rows = Vec::new();
        for b in described {
            for (i, text) in textwrap::wrap(b.help, text_width).into_iter().enumerate() {
                let label = if i == 0 { keymap::keys_label(b) } else { String::new() };
                let keys = format!(" {label:<w$}", w = KEYS - 1);
                rows.push(HelpRow::Key { keys, text: text.into_owned() });
            }
        }
        let mut notes: Vec<String> = keymap::notes(h.scope).iter().map(|n| n.to_string()).collect();
        if h.scope == Scope::Pane {
            notes.push(super::columns::sort_letters(self.pane()));
        }
        if !notes.is_empty() {
            rows.push(HelpRow::Note(String::new()));
        }
        for note in notes {
            // A note's own indent (the filter examples) is kept and continued under its text.
            let indent = " ".repeat(1 + note.len() - note.trim_start().len());
            let options =
                textwrap::Options::new(width.max(12)).initial_indent(" ").subsequent_indent(&indent);
            rows.extend(textwrap::wrap(&note, options).into_iter().map(|r| HelpRow::Note(r.into_owned())));
        }
        rows
    }

    /// The furthest the help scrolls: its last row at the bottom of the box.
    fn max_help_scroll(&self, h: &Help) -> usize {
        let inner = help_inner(help_box(Rect::new(0, 0, self.size.0, self.size.1)));
        self.help_rows(h, inner.width).len().saturating_sub(usize::from(inner.height))
    }

    /// Scroll the help by `delta` rows, no further than its last page.
    pub(super) fn scroll_help(&mut self, delta: isize) {
        let Some(h) = self.help else { return };
        let max = self.max_help_scroll(&h);
        if let Some(h) = &mut self.help {
            h.scroll = h.scroll.saturating_add_signed(delta).min(max);
        }
    }
}

/// Inside the help box's border.
pub fn help_inner(rect: Rect) -> Rect {
    rect.inner(Margin::new(1, 1))
}
