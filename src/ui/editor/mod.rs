//! The statement editor over the pane area: a line of tabs, the tab's text (ratatui-textarea
//! draws it, with its cursor, selection and scrolling; the highlight classes and the matching
//! bracket are then painted onto the cells it drew), and below it the outputs of the
//! statements run so far, newest at the bottom. The target picker and the full-screen table
//! are drawn over it when open.

mod grid;
mod output;
mod picker;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthChar;

use crate::app::editor::highlight::{Class, matching_bracket};
use crate::app::{App, Editor, ReplState};
use crate::domain::format_duration;

use super::theme::Theme;

/// Spinner frames for statements under way (one per clock tick).
const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

pub fn render(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    frame.render_widget(Clear, area);
    let console = app.console();
    let ed = app.editor();
    let tabs = Rect { height: 1, ..area };
    let rest = Rect { y: area.y + 1, height: area.height.saturating_sub(1), ..area };
    tab_bar(frame, app, theme, tabs);
    if ed.grid_view.is_some() {
        grid::full_screen(frame, app, theme, rest);
        return;
    }
    let text_height = (rest.height * 2 / 5).max(5).min(rest.height);
    let top = Rect { height: text_height, ..rest };
    let bottom = Rect { y: rest.y + text_height, height: rest.height - text_height, ..rest };

    let history =
        ed.history_position(&console.history).map(|(i, n)| format!(" · history {i}/{n}")).unwrap_or_default();
    let (session, session_style) = session_label(ed, app.now(), theme);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.dialog_border)
        .title(Span::styled(
            format!(" {} · {}{history} ", app.target_label(), ed.language.label()),
            theme.title,
        ))
        .title_bottom(Line::styled(format!(" {session} "), session_style));
    let inner = block.inner(top);
    frame.render_widget(block, top);
    frame.render_widget(&ed.text, inner);
    paint_highlights(frame, ed, theme, inner);

    output::render(frame, app, theme, bottom);
    if console.picker.is_some() {
        picker::render(frame, app, theme, area);
    }
}

/// " 1 Sales Analytics / lh_sales ⠋ │ 2 adb-dev / cluster etl " with the tab in front marked.
fn tab_bar(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let console = app.console();
    let spin = SPINNER[(app.now().as_second().unsigned_abs() % SPINNER.len() as u64) as usize];
    let mut spans = Vec::new();
    for (i, tab) in console.tabs().iter().enumerate() {
        let place = app.target_label_of(tab);
        let busy = if tab.is_busy() { format!(" {spin}") } else { String::new() };
        let style = if i == console.active() { theme.tab_active } else { theme.tab };
        spans.push(Span::styled(format!(" {} {place} · {}{busy} ", i + 1, tab.language.label()), style));
        spans.push(Span::styled("│", theme.muted));
    }
    spans.push(Span::styled(" ctrl-t new tab · alt-1…9 switch · ctrl-g target", theme.muted));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn session_label(ed: &Editor, now: jiff::Timestamp, theme: &Theme) -> (String, Style) {
    let (a, what) = if ed.on_cluster() { ("an", "execution context") } else { ("a", "session") };
    match &ed.repl {
        ReplState::None => (format!("no {what} yet: F5 starts one"), theme.muted),
        ReplState::Acquiring(state) => (format!("starting {a} {what}: {state}"), theme.warning),
        ReplState::Ready(r) => match ed.idle_timeout_at().map(|at| at.duration_since(now)) {
            Some(left) if left.is_positive() => {
                (format!("{} · idle timeout in {}", r.describe(), format_duration(left)), theme.muted)
            }
            Some(_) => (
                format!("{} · idle timeout passed: the next run may start a new session", r.describe()),
                theme.warning,
            ),
            None => (r.describe(), theme.muted),
        },
        ReplState::Failed(e) => (format!("no {what}: {e}"), theme.error),
    }
}

/// The style of a highlight class, from the theme's JSON colours (code and JSON read alike).
fn class_style(class: Class, theme: &Theme) -> Style {
    match class {
        Class::Comment => theme.muted.add_modifier(Modifier::ITALIC),
        Class::String => theme.json_string,
        Class::Number => theme.json_number,
        Class::Constant => theme.json_literal,
        Class::Keyword => theme.json_key.add_modifier(Modifier::BOLD),
        Class::Operator => theme.json_punctuation,
        Class::Function => theme.json_key,
        Class::Type => theme.warning,
    }
}

/// Colour the text the text area drew: for each visible line, each highlighted span's cells get
/// its foreground (the selection and cursor keep theirs), and the bracket pair at the cursor is
/// underlined and bold. Columns follow the text area's own scrolling and tab expansion.
fn paint_highlights(frame: &mut Frame, ed: &Editor, theme: &Theme, area: Rect) {
    let (top, left) = ed.text.scroll_offset();
    let (top, left) = (usize::from(top), usize::from(left));
    let lines = ed.text.lines();
    let tab_width = usize::from(ed.text.tab_length()).max(1);
    let cursor = ed.text.cursor();
    let brackets = matching_bracket(lines, (cursor.0, cursor.1));
    let selection = ed.text.selection_range();
    let buf = frame.buffer_mut();
    for (dy, row) in (top..lines.len()).take(usize::from(area.height)).enumerate() {
        let line = &lines[row];
        let spans = ed.highlight.spans(row, line);
        let y = area.y + dy as u16;
        let mut col = 0usize;
        for (ci, (byte, ch)) in line.char_indices().enumerate() {
            let width = if ch == '\t' { tab_width - col % tab_width } else { ch.width().unwrap_or(0) };
            let selected = selection.is_some_and(|(a, b)| (row, ci) >= a && (row, ci) < b);
            let class = spans.iter().find(|(r, _)| r.contains(&byte)).map(|(_, c)| *c);
            let bracket = brackets.is_some_and(|(a, b)| a == (row, ci) || b == (row, ci));
            if col >= left && col - left < usize::from(area.width) && !selected {
                let x = area.x + (col - left) as u16;
                if let Some(cell) = buf.cell_mut((x, y)) {
                    if let Some(class) = class {
                        let fg = class_style(class, theme);
                        let mut style = cell.style().patch(Style { fg: fg.fg, ..Style::default() });
                        style.add_modifier |= fg.add_modifier;
                        cell.set_style(style);
                    }
                    if bracket {
                        cell.set_style(cell.style().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
                    }
                }
            }
            col += width;
        }
    }
}
