//! Pure rendering of `&App` into a ratatui `Frame`: no mutation, no I/O, no clock.
//! Only the rows on screen are turned into widgets; display strings are prepared by the app
//! when data arrives.

mod chrome;
mod columns;
mod editor;
mod form;
mod gantt;
mod jobs;
mod json;
mod live;
mod log_source;
mod logs;
mod marks;
mod overlay;
mod table;
mod table_draw;
mod text;
pub mod theme;
mod usage;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub use theme::{Theme, ThemeError};

use crate::app::{App, layout};

/// Draw the whole screen.
pub fn render(frame: &mut Frame, app: &App, theme: &Theme) {
    draw(frame, app, theme);
}

/// What a frame drew that the next one may reuse: where the live cells of the rows on screen
/// went, when nothing covers them.
#[derive(Default)]
pub struct Drawn {
    live: Option<live::Live>,
}

/// Draw the whole screen, saying where its live cells went.
pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) -> Drawn {
    let area = frame.area();
    if let Some((w, h)) = app.too_small() {
        chrome::too_small(frame, (w, h), theme, area);
        return Drawn::default();
    }
    let a = layout::areas(area, app.header_lines(), app.pane_errors().len() as u16);
    chrome::header(frame, app, theme, a.header);
    chrome::tabs(frame, app, theme, a.tabs);
    let mut live = None;
    if app.is_editing() {
        editor::render(frame, app, theme, a.body);
    } else {
        chrome::pane(frame, app, theme, a.body, a.errors);
        live = table::render(frame, app, theme, a.table_header, a.rows);
    }
    chrome::keys(frame, app, theme, a.keys);
    chrome::status(frame, app, theme, a.status);
    if let Some(d) = app.details() {
        overlay::details(frame, d, app.now(), theme, a.body);
        if let Some(u) = app.usage() {
            usage::render(frame, u, theme, crate::app::layout::details(a.body));
        }
    }
    if let Some(l) = app.logs() {
        logs::render(frame, l, theme, a.body);
    }
    form::render(frame, app, theme, a.body);
    if let Some(s) = app.sheet() {
        overlay::sheet(frame, s, theme, a.body);
    }
    columns::render(frame, app, theme, a.body);
    if let Some(h) = app.help() {
        overlay::help(frame, app, h, theme, area);
    }
    overlay::confirm(frame, app, theme, area);
    marks::render(frame, app, theme);
    // Whatever is drawn above over the rows (every overlay of this function) covers live cells.
    let covered = app.details().is_some()
        || app.logs().is_some()
        || app.form().is_some()
        || app.typed_delete().is_some()
        || app.sheet().is_some()
        || app.column_picker().is_some()
        || app.help().is_some()
        || app.quitting().is_some()
        || app.confirm().is_some()
        || app.bulk().is_some();
    Drawn { live: live.filter(|_| !covered) }
}

impl Drawn {
    /// Where the frame's live cells are (one rectangle per live column), if it has any.
    pub fn live_areas(&self) -> Vec<Rect> {
        self.live.as_ref().map(|l| l.areas().collect()).unwrap_or_default()
    }
}

/// The live cells of the frame `drawn` came from, as a whole frame would draw them now (after
/// a clock tick, `Redraw::Live`): one buffer per area of [`Drawn::live_areas`]. `None` when
/// the frame must be drawn whole instead.
pub fn redraw_live(app: &App, theme: &Theme, drawn: &Drawn) -> Option<Vec<Buffer>> {
    drawn.live.as_ref().and_then(|live| live::redraw(app, theme, live))
}
