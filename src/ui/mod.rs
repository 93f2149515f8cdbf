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

pub use theme::{Theme, ThemeError};

use crate::app::{App, layout};

/// Draw the whole screen.
pub fn render(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    if let Some((w, h)) = app.too_small() {
        return chrome::too_small(frame, (w, h), theme, area);
    }
    let a = layout::areas(area, app.header_lines(), app.pane_errors().len() as u16);
    chrome::header(frame, app, theme, a.header);
    chrome::tabs(frame, app, theme, a.tabs);
    if app.is_editing() {
        editor::render(frame, app, theme, a.body);
    } else {
        chrome::pane(frame, app, theme, a.body, a.errors);
        table::render(frame, app, theme, a.table_header, a.rows);
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
}
