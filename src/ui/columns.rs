//! The `:columns` picker: every column of the pane, ticked where shown, in the order shown,
//! with its sort letter; the keys under it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::App;
use crate::app::columns::{ColumnPicker, letter};
use crate::app::layout::centered;

use super::theme::Theme;

pub fn render(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let Some(p) = app.column_picker() else { return };
    // The list, two lines of keys, an error line and the frame.
    let height = p.items.len() as u16 + 5;
    let rect = centered(area, 50, 80, 46, height.min(area.height));
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.dialog_border)
        .title(Span::styled(format!(" Columns of {} ", p.pane.title()), theme.title))
        .title_bottom(Line::styled(" enter saves · esc closes ", theme.muted));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    frame.render_widget(Paragraph::new(lines(p, theme, inner.height)), inner);
}

fn lines<'a>(p: &ColumnPicker, theme: &Theme, height: u16) -> Vec<Line<'a>> {
    let list = usize::from(height.saturating_sub(3)).max(1);
    // Keep the selected line on screen in a short terminal.
    let skip = p.selected.saturating_sub(list - 1);
    let mut lines: Vec<Line> = p
        .items
        .iter()
        .enumerate()
        .skip(skip)
        .take(list)
        .map(|(i, (column, shown))| {
            let tick = if *shown { "[x]" } else { "[ ]" };
            let marker = if i == p.selected { "▶ " } else { "  " };
            let style = if i == p.selected { theme.selected } else { theme.text };
            Line::from(vec![
                Span::styled(format!("{marker}{tick} {:<12}", column.title()), style),
                Span::styled(format!(" sort: shift-{}", letter(p.pane, *column)), theme.muted),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(" space show/hide · J/K or alt-↑/↓ move · j/k select", theme.muted));
    lines.push(match &p.error {
        Some(e) => Line::styled(format!(" {e}"), theme.error),
        None => Line::raw(""),
    });
    lines
}
