//! The mouse: a click selects a row or switches tabs, the wheel scrolls whatever is on top.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::App;
use super::keymap::Command;
use super::msg::Effect;

/// Rows moved per mouse-wheel notch.
const WHEEL_ROWS: usize = 3;

impl App {
    pub(super) fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        // A form, its review or a typed delete is driven by the keyboard; nothing under it moves.
        if self.form_scope().is_some() {
            return Vec::new();
        }
        let (x, y) = (mouse.column, mouse.row);
        let areas = self.areas();
        let overlay = self.confirm.is_some() || self.help.is_some();
        if self.editing && !overlay {
            // The wheel scrolls the outputs; the text is driven by the keyboard.
            let scroll = &mut self.console.tab_mut().output_scroll;
            match mouse.kind {
                MouseEventKind::ScrollUp => *scroll = scroll.saturating_add(WHEEL_ROWS),
                MouseEventKind::ScrollDown => *scroll = scroll.saturating_sub(WHEEL_ROWS),
                _ => return Vec::new(),
            }
            self.dirty = true;
            return Vec::new();
        }
        match mouse.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let down = mouse.kind == MouseEventKind::ScrollDown;
                if self.help.is_some() {
                    self.scroll_help(if down { WHEEL_ROWS as isize } else { -(WHEEL_ROWS as isize) });
                } else if self.details.is_some() {
                    for _ in 0..WHEEL_ROWS {
                        self.scroll_details(if down { Command::Down } else { Command::Up });
                    }
                } else {
                    let height = self.body_height();
                    let vs = &mut self.panes[self.pane.index()];
                    let last = vs.rows.len().saturating_sub(1);
                    vs.select(if down {
                        (vs.selected + WHEEL_ROWS).min(last)
                    } else {
                        vs.selected.saturating_sub(WHEEL_ROWS)
                    });
                    vs.clamp(height);
                }
                self.dirty = true;
            }
            MouseEventKind::Down(MouseButton::Left)
                if !overlay && self.details.is_none() && self.sheet.is_none() =>
            {
                if contains(areas.errors, x, y) {
                    self.open_sheet(super::SheetKind::Errors);
                    self.dirty = true;
                } else if contains(areas.tabs, x, y) {
                    let mut left = areas.tabs.x;
                    for (pane, label) in self.tab_labels() {
                        let right = left + label.chars().count() as u16;
                        if x >= left && x < right {
                            self.dirty = true;
                            return self.show(pane);
                        }
                        left = right + 1;
                    }
                } else if contains(areas.rows, x, y) {
                    let vs = &mut self.panes[self.pane.index()];
                    let index = vs.offset + usize::from(y - areas.rows.y);
                    if index < vs.rows.len() {
                        vs.select(index);
                        self.dirty = true;
                    }
                }
            }
            _ => {}
        }
        Vec::new()
    }
}

fn contains(r: ratatui::layout::Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height
}
