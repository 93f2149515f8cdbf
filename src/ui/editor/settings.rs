//! The REPL settings form drawn in the picker's place: one line per field (conf one per
//! KEY=VALUE line), the focused one marked, the environment by its Fabric name with how many
//! there are to choose from (or "reading…", or why they could not be read), and what the last
//! apply refused.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::app::{App, Environments, Field, SettingsForm};

use super::super::theme::Theme;

pub(super) fn render(frame: &mut Frame, app: &App, form: &SettingsForm, theme: &Theme, area: Rect) {
    let conf_lines = form.text[Field::Conf as usize].split('\n').count() as u16;
    let width = area.width.saturating_sub(4).min(100);
    let failed = matches!(app.targets().environments(&form.workspace), Environments::Failed(_));
    let height = (conf_lines + 11 + u16::from(failed)).min(area.height.saturating_sub(2));
    let rect = Rect { x: area.x + (area.width - width) / 2, y: area.y + 1, width, height };
    frame.render_widget(Clear, rect);
    let place = app.targets().display(&form.workspace, &form.lakehouse);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.dialog_border)
        .title(Span::styled(format!(" REPL settings · {} / {place} ", form.workspace), theme.title))
        .title_bottom(Line::styled(
            " ↑/↓ field · ←/→ environment · enter: conf line · ctrl-s apply · esc ",
            theme.muted,
        ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let environments = app.targets().environments(&form.workspace);
    let mut lines = Vec::new();
    for (i, field) in Field::ALL.iter().enumerate() {
        let focused = i == form.focus;
        let style = if focused { theme.selected } else { theme.text };
        let label = Span::styled(format!("{}{:<16}", if focused { "▸" } else { " " }, field.label()), style);
        let cursor = if focused { "▏" } else { "" };
        match field {
            Field::Environment => {
                let name = match &form.environment {
                    None => "none (the workspace's default)",
                    Some(id) => app
                        .targets()
                        .environment_name(&form.workspace, id)
                        .unwrap_or_else(|| id.get(..8).unwrap_or(id)),
                };
                let about = match environments {
                    Environments::Reading => "  reading…".to_string(),
                    Environments::Failed(_) => String::new(),
                    Environments::Read(list) => format!("  {} to choose from", list.len()),
                };
                lines.push(Line::from(vec![
                    label,
                    Span::styled(format!("◂ {name} ▸"), style),
                    Span::styled(about, theme.muted),
                ]));
                if let Environments::Failed(why) = environments {
                    lines.push(Line::styled(format!("{:17}{why}", ""), theme.error));
                }
            }
            Field::Conf => {
                let text = &form.text[i];
                for (n, line) in text.split('\n').enumerate() {
                    let head = if n == 0 { label.clone() } else { Span::raw(" ".repeat(17)) };
                    let last = n + 1 == text.split('\n').count();
                    let shown = if line.is_empty() && text.is_empty() && !focused {
                        Span::styled("KEY=VALUE, one a line", theme.muted)
                    } else {
                        Span::styled(format!("{line}{}", if last { cursor } else { "" }), theme.text)
                    };
                    lines.push(Line::from(vec![head, shown]));
                }
            }
            _ => {
                let text = &form.text[i];
                let shown = if text.is_empty() && !focused {
                    Span::styled("the service's default", theme.muted)
                } else {
                    Span::styled(format!("{text}{cursor}"), theme.text)
                };
                let mut spans = vec![label, shown];
                let others = app.known_tags(text.trim());
                if *field == Field::Tag && !others.is_empty() {
                    spans.push(Span::styled(format!("  also used here: {}", others.join(", ")), theme.muted));
                }
                lines.push(Line::from(spans));
            }
        }
    }
    lines.push(Line::raw(""));
    match &form.error {
        Some(e) => lines.push(Line::styled(format!(" {e}"), theme.error)),
        None => lines.push(Line::styled(
            " Applies to the tab's next REPL; other settings mean a new one.",
            theme.muted,
        )),
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
