//! Overlays drawn on top of the pane: details, help, confirmation.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::app::{App, DetailLine, Details, Help, HelpRow, Sheet};

use super::json;
use super::theme::Theme;
use crate::app::layout::centered;

/// Width of the labels in the details view.
const LABEL: usize = 18;

pub fn details(frame: &mut Frame, d: &Details, now: jiff::Timestamp, theme: &Theme, area: Rect) {
    // A multi-task run's timeline stays at the top (at most half the view); the lines scroll
    // below it.
    let inner = Block::default().borders(Borders::ALL).inner(crate::app::layout::details(area));
    let chart = d.gantt.as_ref().map_or(0, |g| super::gantt::height(g).min(inner.height / 2));
    lines_overlay(frame, &d.title, &d.lines, d.scroll, chart, theme, area);
    if let Some(g) = &d.gantt {
        super::gantt::render(frame, g, now, theme, Rect { height: chart, ..inner });
    }
}

/// The errors view and the event log.
pub fn sheet(frame: &mut Frame, s: &Sheet, theme: &Theme, area: Rect) {
    lines_overlay(frame, &s.title, &s.lines, s.scroll, 0, theme, area);
}

/// Labelled lines over the pane, from `scroll` on; long values wrap (whatever runs past the
/// bottom is clipped, as in a pager).
fn lines_overlay(
    frame: &mut Frame,
    title: &str,
    all: &[DetailLine],
    scroll: usize,
    top: u16,
    theme: &Theme,
    area: Rect,
) {
    let rect = crate::app::layout::details(area);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.dialog_border)
        .title(Span::styled(title.to_string(), theme.title))
        .title_bottom(Line::styled(format!(" {}/{} ", (scroll + 1).min(all.len()), all.len()), theme.muted));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let inner =
        Rect { y: inner.y + top.min(inner.height), height: inner.height.saturating_sub(top), ..inner };
    // Colour only the lines that can be on screen.
    let lines: Vec<Line> = all
        .iter()
        .skip(scroll)
        .take(usize::from(inner.height))
        .map(|l| match l {
            DetailLine::Field { label, value } => Line::from(vec![
                Span::styled(format!(" {label:<LABEL$}"), theme.muted),
                Span::styled(value.as_str(), theme.text),
            ]),
            DetailLine::Heading(h) => Line::styled(format!(" ── {h} ──"), theme.title),
            DetailLine::Text(text) => Line::styled(format!(" {text}"), theme.text),
            DetailLine::Json(text) => {
                let mut l = json::line(text, theme);
                l.spans.insert(0, Span::raw(" "));
                l
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

pub fn help(frame: &mut Frame, app: &App, h: &Help, theme: &Theme, area: Rect) {
    let rect = crate::app::help_box(area);
    let inner = crate::app::help_inner(rect);
    let rows = app.help_rows(h, inner.width);
    let height = usize::from(inner.height);
    let scroll = h.scroll.min(rows.len().saturating_sub(height));
    // Say where the view is when the help is longer than its box, so no key goes unseen.
    let bottom = if rows.len() > height {
        let last = (scroll + height).min(rows.len());
        format!(" esc closes · j/k scroll · {}–{last} of {} ", scroll + 1, rows.len())
    } else {
        " esc closes ".to_string()
    };
    frame.render_widget(Clear, rect);
    let kind = h.kind.map(|k| format!(", {} row", k.singular())).unwrap_or_default();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.dialog_border)
        .title(Span::styled(format!(" Keys: {}{kind} ", h.scope.title()), theme.title))
        .title_bottom(Line::styled(bottom, theme.muted));
    frame.render_widget(block, rect);
    let lines: Vec<Line> = rows
        .into_iter()
        .skip(scroll)
        .take(height)
        .map(|row| match row {
            HelpRow::Key { keys, text } => {
                Line::from(vec![Span::styled(keys, theme.key), Span::styled(text, theme.text)])
            }
            HelpRow::Note(text) => Line::styled(text, theme.muted),
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn confirm(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    if let Some(lines) = app.quitting() {
        return quit(frame, lines, theme, area);
    }
    let Some(c) = app.confirm() else { return };
    let rect = centered(area, 60, 40, 50, 11);
    frame.render_widget(Clear, rect);
    let t = &c.target;
    let block = Block::default().borders(Borders::ALL).border_style(theme.error).title(Span::styled(
        format!(" {} {}? ", capitalise(c.action.verb()), t.kind.singular()),
        theme.error.bold(),
    ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let field = |label: &str, value: &str| dialog_field(label, value, theme);
    let name = if t.name.is_empty() { "(unnamed)" } else { t.name.as_str() };
    let mut lines = vec![
        field("Workspace", &t.workspace),
        field("Kind", t.kind.singular()),
        field("Name", name),
        field("Id", &t.id),
    ];
    match c.change.clone().or_else(|| c.action.detail()) {
        Some(change) => lines.push(field("Change", &change)),
        None => lines.push(Line::raw("")),
    }
    if let Some(w) = &c.warning {
        lines.push(Line::styled(format!(" ⚠ {w}"), theme.warning.bold()));
    }
    lines.push(Line::raw(""));
    lines.push(answers(&format!("{} it", c.action.verb()), theme));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// "y start it   n/esc cancel"
fn answers<'a>(yes: &str, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(" y", theme.key),
        Span::styled(format!(" {yes}   "), theme.text),
        Span::styled("n", theme.key),
        Span::styled("/", theme.muted),
        Span::styled("esc", theme.key),
        Span::styled(" cancel", theme.text),
    ])
}

/// The question before quitting while the editor holds a REPL or runs a statement.
fn quit(frame: &mut Frame, what: &[String], theme: &Theme, area: Rect) {
    let rect = centered(area, 60, 40, 50, 8);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.dialog_border)
        .title(Span::styled(" Quit sparkdeck? ", theme.title.bold()));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut lines: Vec<Line> = what.iter().map(|l| Line::styled(format!(" {l}"), theme.text)).collect();
    lines.push(Line::raw(""));
    lines.push(answers("quit", theme));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A dialog's "Label      value" line (the confirmations, the typed delete).
pub(super) fn dialog_field(label: &str, value: &str, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!(" {label:<11}"), theme.muted),
        Span::styled(value.to_string(), theme.text.bold()),
    ])
}
