//! Clock frames straight to the terminal: after a tick that changed only live cells
//! (durations, countdowns), the cells that read differently are written, and nothing else is
//! drawn or compared (`ui::redraw_live` makes them as the whole frame would).
//!
//! ratatui's `Terminal` keeps its last frame to compare the next one with, and gives no way to
//! change it; so after clock frames the screen differs from that frame at the live cells. The
//! next whole frame is compared with ratatui's last frame, not with the screen: where it draws
//! what ratatui's last frame had there, ratatui writes nothing although the screen shows a
//! later second. [`LiveScreen::whole`] writes those cells again.

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;

use crate::ui::Drawn;

/// A cell to write: column, row, content.
pub(super) type Write = (u16, u16, Cell);

/// What the screen shows at the live cells of the last whole frame.
#[derive(Default)]
pub(super) struct LiveScreen {
    drawn: Drawn,
    /// One buffer per area of `drawn.live_areas()`: what is on screen there now.
    shown: Vec<Buffer>,
    /// Whether clock frames were written since the last whole frame.
    deviates: bool,
}

impl LiveScreen {
    /// Where the last whole frame's live cells are.
    pub(super) fn drawn(&self) -> &Drawn {
        &self.drawn
    }

    /// A clock frame's live cells (`ui::redraw_live`): the ones that differ from the screen,
    /// to write.
    pub(super) fn tick(&mut self, cells: Vec<Buffer>) -> Vec<Write> {
        let mut writes = Vec::new();
        for (new, old) in cells.iter().zip(&self.shown) {
            writes.extend(changed(new, old));
        }
        self.shown = cells;
        self.deviates = true;
        writes
    }

    /// After whole frame `frame` (whose live cells `drawn` says): the cells to write again
    /// where clock frames left the screen other than ratatui believes.
    pub(super) fn whole(&mut self, frame: &Buffer, drawn: Drawn) -> Vec<Write> {
        let mut writes = Vec::new();
        if self.deviates {
            for shown in &self.shown {
                writes.extend(changed(&part(frame, shown.area), shown));
            }
        }
        self.shown = drawn.live_areas().into_iter().map(|area| part(frame, area)).collect();
        self.drawn = drawn;
        self.deviates = false;
        writes
    }

    /// The screen was cleared and is drawn whole next.
    pub(super) fn forget(&mut self) {
        *self = LiveScreen::default();
    }
}

/// The cells of `new` that differ from `old` (a buffer over the same area).
fn changed<'a>(new: &'a Buffer, old: &'a Buffer) -> impl Iterator<Item = Write> + 'a {
    new.area
        .positions()
        .filter(move |p| !old.area.contains(*p) || old[*p] != new[*p])
        .map(move |p| (p.x, p.y, new[p].clone()))
}

/// A copy of `area` of `frame`.
fn part(frame: &Buffer, area: Rect) -> Buffer {
    let area = area.intersection(frame.area);
    let mut out = Buffer::empty(area);
    for p in area.positions() {
        out[p] = frame[p].clone();
    }
    out
}
