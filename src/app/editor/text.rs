//! Edits of a tab's text beyond typing (which ratatui-textarea does): what F5 runs (the
//! selection, else the cell under the cursor), select all, clear (undoable), comment lines.
//! Every change goes through the text area's own edit operations, so undo and redo see it.

use ratatui_textarea::CursorMove;

use super::Editor;
use super::cells::{self, CodeCell, comment_prefix};

impl Editor {
    /// The selected text (shift + arrows, ctrl-a), when something is selected.
    pub fn selection(&self) -> Option<String> {
        let ((r0, c0), (r1, c1)) = self.text.selection_range().filter(|(a, b)| a != b)?;
        let lines = self.text.lines();
        let mut out = Vec::new();
        for (i, line) in lines.iter().enumerate().take(r1 + 1).skip(r0) {
            let from = if i == r0 { c0 } else { 0 };
            let chars = line.chars().skip(from);
            out.push(if i == r1 {
                chars.take(c1.saturating_sub(from)).collect()
            } else {
                chars.collect::<String>()
            });
        }
        Some(out.join("\n"))
    }

    /// The cell under the cursor (the whole text when it has no cell markers).
    pub fn current_cell(&self) -> CodeCell {
        cells::cell_at(self.text.lines(), self.text.cursor().0)
    }

    /// What F5 runs: the selection when there is one, else the cell under the cursor.
    pub fn code_to_run(&self) -> String {
        self.selection().unwrap_or_else(|| self.current_cell().code(self.text.lines()))
    }

    /// Every cell's code, in order (markdown cells skipped), for running them all.
    pub fn all_cells(&self) -> Vec<String> {
        let lines = self.text.lines();
        cells::cells(lines).iter().filter(|c| !c.is_markdown(lines)).map(|c| c.code(lines)).collect()
    }

    pub(super) fn select_all(&mut self) {
        self.text.select_all();
    }

    /// Empty the text, as one edit undo brings back.
    pub(super) fn clear(&mut self) -> bool {
        self.text.cancel_selection();
        self.text.clear()
    }

    /// Comment out the selected lines (or the cursor's), or uncomment them when every non-blank
    /// one is commented already, with the language's line comment.
    pub(super) fn toggle_comment(&mut self) -> bool {
        let prefix = comment_prefix(self.language);
        let cursor = self.text.cursor();
        let (cursor_row, cursor_col) = (cursor.0, cursor.1);
        let selected = self.text.selection_range().filter(|(a, b)| a != b);
        let (first, last) = match selected {
            Some(((r0, _), (r1, c1))) if r1 > r0 && c1 == 0 => (r0, r1 - 1),
            Some(((r0, _), (r1, _))) => (r0, r1),
            None => (cursor_row, cursor_row),
        };
        let lines: Vec<String> = self.text.lines()[first..=last].to_vec();
        let code_lines = || lines.iter().filter(|l| !l.trim().is_empty());
        if code_lines().next().is_none() {
            return false;
        }
        let uncomment = code_lines().all(|l| l.trim_start().starts_with(prefix));
        // Comments go at the shallowest indentation, so a block stays aligned.
        let indent =
            code_lines().map(|l| l.chars().take_while(|c| c.is_whitespace()).count()).min().unwrap_or(0);
        self.text.cancel_selection();
        let mut shift = 0i64;
        for (i, line) in lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let row = (first + i) as u16;
            if uncomment {
                let at = line.chars().take_while(|c| c.is_whitespace()).count();
                let after = &line.trim_start()[prefix.len()..];
                let n = prefix.chars().count() + usize::from(after.starts_with(' '));
                self.text.move_cursor(CursorMove::Jump(row, at as u16));
                self.text.delete_str(n);
                if first + i == cursor_row {
                    shift = -(n as i64);
                }
            } else {
                self.text.move_cursor(CursorMove::Jump(row, indent as u16));
                self.text.insert_str(format!("{prefix} "));
                if first + i == cursor_row {
                    shift = prefix.chars().count() as i64 + 1;
                }
            }
        }
        if selected.is_some() {
            // The same lines stay selected, so pressing it again undoes it.
            let end = self.text.lines()[last].chars().count() as u16;
            self.text.move_cursor(CursorMove::Jump(first as u16, 0));
            self.text.start_selection();
            self.text.move_cursor(CursorMove::Jump(last as u16, end));
        } else {
            let col = (cursor_col as i64 + shift).max(0) as u16;
            self.text.move_cursor(CursorMove::Jump(cursor_row as u16, col));
        }
        true
    }
}
