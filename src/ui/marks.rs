//! The confirmation of an action on every marked row: what is done to which item (workspace,
//! kind, name, whole id), then what is skipped and why; the list scrolls when it is long.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::{App, Bulk};
use crate::domain::Target;

use super::text::ellipsize;
use super::theme::Theme;

pub fn render(frame: &mut Frame, app: &App, theme: &Theme) {
    let Some(b) = app.bulk() else { return };
    let (rect, height) = app.bulk_area();
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.error)
        .title(Span::styled(format!(" {}? ", b.title()), theme.error.bold()));
    let inner = block.inner(rect);
    let width = usize::from(inner.width);
    let lines = list(b, width, theme);
    let scroll = b.scroll.min(lines.len().saturating_sub(height));
    let mut block = block;
    if lines.len() > height {
        let position = format!(
            " {}–{} of {} · j/k scroll ",
            scroll + 1,
            (scroll + height).min(lines.len()),
            lines.len()
        );
        block = block.title_bottom(Line::styled(position, theme.muted).right_aligned());
    }
    frame.render_widget(block, rect);
    let widths = columns(b);
    let head = row(["WORKSPACE", "KIND", "NAME", "ID"], &widths, width);
    let mut shown = vec![Line::styled(head, theme.muted.bold())];
    shown.extend(lines.into_iter().skip(scroll).take(height));
    while shown.len() < height + 1 {
        shown.push(Line::raw(""));
    }
    shown.push(Line::raw(""));
    shown.push(answers(b, theme));
    frame.render_widget(Paragraph::new(shown), inner);
}

/// The targets, then the skipped rows under their heading.
fn list<'a>(b: &Bulk, width: usize, theme: &Theme) -> Vec<Line<'a>> {
    let widths = columns(b);
    let mut lines: Vec<Line> =
        b.targets.iter().map(|t| Line::styled(target_row(&t.target, &widths, width), theme.text)).collect();
    if !b.skipped.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!(" Skipped ({}), not done:", b.skipped.len()), theme.warning.bold()));
        for (t, why) in &b.skipped {
            let text = format!("{} — {why}", target_row(t, &widths, usize::MAX).trim_end());
            lines.push(Line::styled(ellipsize(&text, width).into_owned(), theme.muted));
        }
    }
    lines
}

/// Column widths: the widest workspace and kind, names up to 40.
fn columns(b: &Bulk) -> [usize; 3] {
    let all = b.targets.iter().map(|t| &t.target).chain(b.skipped.iter().map(|(t, _)| t));
    let mut w = ["WORKSPACE".len(), "KIND".len(), "NAME".len()];
    for t in all {
        w[0] = w[0].max(t.workspace.chars().count());
        w[1] = w[1].max(t.kind.singular().len());
        w[2] = w[2].max(name(t).chars().count().min(40));
    }
    w
}

fn name(t: &Target) -> &str {
    if t.name.is_empty() { "(unnamed)" } else { &t.name }
}

fn target_row(t: &Target, widths: &[usize; 3], width: usize) -> String {
    row([&t.workspace, t.kind.singular(), name(t), &t.id], widths, width)
}

/// One line of the list: the cells padded to their columns, cut to the dialog.
fn row(cells: [&str; 4], widths: &[usize; 3], width: usize) -> String {
    let mut text = String::from(" ");
    for (cell, w) in cells.iter().zip(widths) {
        let cut = ellipsize(cell, *w);
        text += &format!("{cut:<w$}  ");
    }
    text += cells[3];
    if width == usize::MAX { text } else { ellipsize(&text, width).into_owned() }
}

/// "y cancel 3 runs   n/esc keep them"
fn answers<'a>(b: &Bulk, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(" y", theme.key),
        Span::styled(format!(" {}   ", b.title().to_lowercase()), theme.text),
        Span::styled("n", theme.key),
        Span::styled("/", theme.muted),
        Span::styled("esc", theme.key),
        Span::styled(" cancel (nothing is done; the marks stay)", theme.text),
    ])
}
