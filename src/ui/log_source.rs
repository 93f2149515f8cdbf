//! The log picker inside the logs view (`app::log_source`): one line per log with its size
//! and last write, the chosen one highlighted, and why the list is short when it is.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::Logs;
use crate::app::log_source::LogPicker;

use super::theme::Theme;

pub fn render(frame: &mut Frame, logs: &Logs, picker: &LogPicker, theme: &Theme, area: Rect) {
    frame.render_widget(Clear, area);
    let t = &logs.target;
    let name = if t.name.is_empty() { t.id.as_str() } else { t.name.as_str() };
    let title = format!(" logs: {} {name} — {} · choose a log ", t.kind.singular(), t.workspace);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.dialog_border)
        .title(Span::styled(title, theme.title))
        .title_bottom(Line::styled(" Enter opens · j/k choose · Esc closes ", theme.muted));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(note) = &picker.note {
        lines.push(Line::styled(format!(" {note}"), theme.muted));
    }
    let width = picker.choices.iter().map(|c| c.source.label().chars().count()).max().unwrap_or(0);
    // Keep the chosen line in view in a long list (many executors).
    let room = usize::from(inner.height).saturating_sub(lines.len() + usize::from(picker.loading)).max(1);
    let first = picker.selected.saturating_sub(room.saturating_sub(1));
    for (i, c) in picker.choices.iter().enumerate().skip(first).take(room) {
        let chosen = i == picker.selected;
        let text = format!(" {} {:<width$}  {}", if chosen { "›" } else { " " }, c.source.label(), c.about);
        lines.push(Line::styled(text, if chosen { theme.selected } else { theme.text }));
    }
    if picker.loading {
        lines.push(Line::styled(" reading the application's logs…", theme.muted));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
