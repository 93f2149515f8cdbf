//! The target picker drawn over the editor: the search typed, then the places that match, one
//! line each (workspace, what it is, more about it), the highlighted one marked, and ● where
//! the tab runs now.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::App;

use super::super::theme::Theme;

pub(super) fn render(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let Some(picker) = &app.console().picker else { return };
    let items = app.picker_items();
    let width = area.width.saturating_sub(4).min(110);
    let height = (items.len() as u16 + 4).clamp(6, area.height.saturating_sub(2));
    let rect = Rect { x: area.x + (area.width - width) / 2, y: area.y + 1, width, height };
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.dialog_border)
        .title(Span::styled(" Where this tab runs code ", theme.title))
        .title_bottom(Line::styled(
            " type to search · tag:NAME a session tag · ↑/↓ · enter moves the tab there · ● here now · esc ",
            theme.muted,
        ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut lines = vec![Line::from(vec![
        Span::styled(" search: ", theme.muted),
        Span::styled(format!("{}▏", picker.query), theme.text),
    ])];
    if items.is_empty() {
        let why = if picker.query.is_empty() {
            " nothing to run code in yet: sessions and clusters are being read…"
        } else {
            " nothing matches (backspace widens the search)"
        };
        lines.push(Line::styled(why, theme.muted));
    }
    let rows = usize::from(inner.height).saturating_sub(1);
    let first = picker.selected.saturating_sub(rows.saturating_sub(1));
    for (i, item) in items.iter().enumerate().skip(first).take(rows) {
        let style = if i == picker.selected { theme.selected } else { theme.text };
        let mark = if item.here { "●" } else { " " };
        lines.push(Line::from(vec![
            Span::styled(format!("{mark}{:<22} {:<28} ", item.workspace, item.label), style),
            Span::styled(
                item.detail.clone(),
                if i == picker.selected { theme.selected } else { theme.muted },
            ),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
