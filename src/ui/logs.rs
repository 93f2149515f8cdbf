//! The logs view: the lines on screen only, search matches highlighted, error lines in the
//! error colour, and a bottom line saying whether it follows, where it is and what was dropped.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::app::Logs;
use crate::domain::logs::Earlier;

use super::theme::Theme;

pub fn render(frame: &mut Frame, logs: &Logs, theme: &Theme, area: Rect) {
    if let Some(picker) = &logs.picker {
        return super::log_source::render(frame, logs, picker, theme, area);
    }
    frame.render_widget(Clear, area);
    let t = &logs.target;
    let name = if t.name.is_empty() { t.id.as_str() } else { t.name.as_str() };
    let source = logs.source.as_ref().map(|s| format!("· {} ", s.label())).unwrap_or_default();
    let title = format!(" logs: {} {name} — {} {source}", t.kind.singular(), t.workspace);
    let state = if logs.finished {
        "ended"
    } else if logs.follow {
        "following"
    } else {
        "paused (G follows)"
    };
    let mut bottom =
        format!(" {state} · line {}/{} ", (logs.scroll + 1).min(logs.lines.len().max(1)), logs.lines.len());
    if let Some(s) = &logs.search {
        bottom += &format!("· /{s} ");
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.dialog_border)
        .title(Span::styled(title, theme.title))
        .title_bottom(Line::styled(bottom, theme.muted));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(e) = &logs.error {
        lines.push(Line::styled(format!(" {e}"), theme.error));
    }
    if logs.loading {
        lines.push(Line::styled(" reading…", theme.muted));
    } else if logs.lines.is_empty() && logs.error.is_none() {
        lines.push(Line::styled(" (no log lines yet)", theme.muted));
    }
    if logs.dropped > 0 && logs.scroll == 0 {
        lines.push(Line::styled(format!(" … {} earlier lines dropped", logs.dropped), theme.muted));
    }
    if logs.scroll == 0 && !logs.loading {
        match &logs.earlier {
            Earlier::More if logs.reading_earlier => {
                lines.push(Line::styled(" … reading earlier lines", theme.muted))
            }
            Earlier::More => lines.push(Line::styled(" … earlier lines: g reads them", theme.muted)),
            Earlier::Elsewhere(why) => {
                lines.push(Line::styled(format!(" … earlier lines: {why}"), theme.muted))
            }
            Earlier::None => {}
        }
    }
    let room = usize::from(inner.height).saturating_sub(lines.len());
    for text in logs.lines.iter().skip(logs.scroll).take(room) {
        let style = if logs.matches(text) {
            theme.key.add_modifier(Modifier::REVERSED)
        } else if is_error(text) {
            theme.error
        } else {
            theme.text
        };
        lines.push(Line::styled(format!(" {text}"), style));
    }
    // Long lines (errors, stack frames) wrap; whatever runs past the bottom is clipped.
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// Lines worth the error colour: error headings, exceptions and tracebacks.
fn is_error(line: &str) -> bool {
    line.starts_with("Error:")
        || line.starts_with("Traceback")
        || line.contains("Exception")
        || line.contains("ERROR")
}
