//! A clock tick's frame: only the live cells of the rows on screen (durations, idle
//! countdowns) drawn again over the last frame, exactly as the whole frame would draw them.
//!
//! Most frames of an idle monitor are ticks that change a few seconds in a column; drawing the
//! header, tabs, keys and every cell again for them, and comparing the whole screen with the
//! last, is most of what the monitor costs idle. The table records where its live cells went
//! ([`Live`]); [`redraw`] draws them again only while the same rows are on screen and the new
//! texts fit the columns as the old ones did (the same widths come out of fitting), and
//! otherwise leaves the frame to be drawn whole.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;

use super::table::{self, Col, Measure};
use super::table_draw::put_span;
use super::theme::Theme;
use crate::app::{App, Pane, RowRef};

/// Where the table's live cells went in the last frame, and what they depended on.
pub struct Live {
    pub(super) pane: Pane,
    /// The pane's offset and selection then.
    pub(super) at: (usize, usize),
    /// The rows' area (below the column titles).
    pub(super) area: Rect,
    pub(super) rows: Vec<RowRef>,
    /// Each row's style, and which row was highlighted with which style.
    pub(super) styles: Vec<Style>,
    pub(super) selected: Option<usize>,
    pub(super) highlight: Style,
    /// Every live column the pane could show (drawn or not), its title's width, and how
    /// fitting measured it.
    pub(super) measures: Vec<(Col, u16, Measure)>,
    /// The live columns drawn: first screen column and width.
    pub(super) cells: Vec<(Col, u16, u16)>,
}

impl Live {
    /// Where the live cells are: a column's cells down the rows, for each live column.
    pub(super) fn areas(&self) -> impl Iterator<Item = Rect> + '_ {
        let height = self.rows.len() as u16;
        self.cells.iter().map(move |(_, x, width)| Rect::new(*x, self.area.y, *width, height))
    }
}

/// The live cells of the rows on screen as the whole frame would draw them now, one buffer per
/// area of [`Live::areas`]; `None` when the frame must be drawn whole instead.
pub(super) fn redraw(app: &App, theme: &Theme, live: &Live) -> Option<Vec<Buffer>> {
    let vs = app.pane_state();
    if app.pane() != live.pane || (vs.offset, vs.selected) != live.at || app.areas().rows != live.area {
        return None;
    }
    let (refs, views) = table::shown(app, live.area);
    if refs != live.rows {
        return None;
    }
    // Fitting gives the same widths when every live column measures as before (the others'
    // cells do not change with time).
    for (col, title, measure) in &live.measures {
        let cells: Vec<Span> = views.iter().map(|v| (col.cell)(v, theme)).collect();
        if col.measure(table::widest(cells.iter(), live.area.width), *title) != *measure {
            return None;
        }
    }
    if views.iter().zip(&live.styles).any(|(v, style)| table::row_style(app, v, theme) != *style) {
        return None;
    }
    let drawn = live
        .cells
        .iter()
        .zip(live.areas())
        .map(|((col, ..), area)| {
            // As the whole frame draws each cell: blank, the row's style, the text, the highlight.
            let mut buf = Buffer::empty(area);
            for (i, v) in views.iter().enumerate() {
                let rect = Rect { y: area.y + i as u16, height: 1, ..area };
                let span = (col.cell)(v, theme);
                let text = (col.cut)(&span.content, usize::from(area.width)).into_owned();
                buf.set_style(rect, live.styles[i]);
                put_span(&mut buf, rect, &Span::styled(text, span.style));
                if live.selected == Some(i) {
                    buf.set_style(rect, live.highlight);
                }
            }
            buf
        })
        .collect();
    Some(drawn)
}
