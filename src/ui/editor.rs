//! The statement editor over the pane area: the text (ratatui-textarea renders only what is
//! visible) above the outputs of the statements run so far, newest at the bottom. Output lines
//! are built from the newest run backwards and only as far as the screen (plus the scroll)
//! needs, so a long history costs nothing per frame.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::{App, Editor, ReplState, Run, RunState};
use crate::domain::format_duration;
use crate::domain::statement::{Output, Phase, Repl, Table};

use super::theme::Theme;

/// Code lines shown above each output.
const CODE_PREVIEW: usize = 3;
/// Widest a table column gets before its cells are cut.
const MAX_COLUMN: usize = 40;

pub fn render(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    frame.render_widget(Clear, area);
    let ed = app.editor();
    let text_height = (area.height * 2 / 5).max(5).min(area.height);
    let top = Rect { height: text_height, ..area };
    let bottom = Rect { y: area.y + text_height, height: area.height - text_height, ..area };

    let target = match ed.workspace() {
        Some(ws) => {
            let place = match &ed.repl {
                ReplState::Ready(Repl::Livy { lakehouse, .. }) => lakehouse.clone(),
                _ => ed.place_label().unwrap_or_else(|| "first lakehouse".into()),
            };
            format!("{ws} / {place}")
        }
        None => "no workspace".into(),
    };
    let history = ed.history_position().map(|(i, n)| format!(" · history {i}/{n}")).unwrap_or_default();
    let (session, session_style) = session_label(ed, app.now(), theme);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.dialog_border)
        .title(Span::styled(format!(" Editor · {target} · {}{history} ", ed.language.label()), theme.title))
        .title_bottom(Line::styled(format!(" {session} "), session_style));
    let inner = block.inner(top);
    frame.render_widget(block, top);
    frame.render_widget(&ed.text, inner);

    let block = Block::default().borders(Borders::ALL).border_style(theme.border).title(Span::styled(
        format!(" Output{} ", if ed.output_scroll > 0 { " (scrolled: alt-j goes down)" } else { "" }),
        theme.title,
    ));
    let inner = block.inner(bottom);
    frame.render_widget(block, bottom);
    let height = usize::from(inner.height);
    let lines = output_lines(ed, app.now(), theme, usize::from(inner.width), height + ed.output_scroll);
    let end = lines.len().saturating_sub(ed.output_scroll.min(lines.len().saturating_sub(height)));
    let start = end.saturating_sub(height);
    let shown: Vec<Line> = lines.into_iter().skip(start).take(end - start).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

fn session_label(ed: &Editor, now: Timestamp, theme: &Theme) -> (String, ratatui::style::Style) {
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

/// The last `need` lines of the outputs (fewer when there is less), text wrapped to `width`.
fn output_lines<'a>(
    ed: &'a Editor,
    now: Timestamp,
    theme: &Theme,
    width: usize,
    need: usize,
) -> Vec<Line<'a>> {
    if ed.runs.is_empty() {
        return vec![Line::styled(
            " Nothing run yet. Write code above and press F5; F2 changes the language, alt-↑ recalls history.",
            theme.muted,
        )];
    }
    let mut blocks: Vec<Vec<Line>> = Vec::new();
    let mut count = 0;
    let mut all = true;
    for run in ed.runs.iter().rev() {
        let lines = run_lines(run, ed, now, theme, width);
        count += lines.len();
        blocks.push(lines);
        if count >= need {
            all = false;
            break;
        }
    }
    if all && ed.dropped_runs > 0 {
        blocks.push(vec![Line::styled(
            format!(
                " … {} earlier outputs dropped (alt-↑ recalls their code from the history)",
                ed.dropped_runs
            ),
            theme.muted,
        )]);
    }
    blocks.into_iter().rev().flatten().collect()
}

fn run_lines<'a>(run: &'a Run, ed: &Editor, now: Timestamp, theme: &Theme, width: usize) -> Vec<Line<'a>> {
    let (word, style) = match (&run.state, &run.output) {
        (RunState::Queued, _) => ("waiting for the session", theme.warning),
        (RunState::Sending, _) => ("sending", theme.warning),
        (RunState::Failed(_), _) => ("failed", theme.error),
        (RunState::Sent(Phase::Waiting), _) => ("waiting", theme.warning),
        (RunState::Sent(Phase::Running), _) => ("running", theme.warning),
        (RunState::Sent(Phase::Cancelling), _) => ("cancelling", theme.warning),
        (RunState::Sent(Phase::Cancelled), _) => ("cancelled", theme.warning),
        (RunState::Sent(Phase::Done), Some(o)) if o.is_error() => ("error", theme.error),
        (RunState::Sent(Phase::Done), _) => ("ok", theme.status(crate::domain::Status::Succeeded)),
    };
    let took = format_duration(run.finished_at.unwrap_or(now).duration_since(run.started_at));
    let id = run.statement_id.as_ref().map(|i| format!(" · statement {i}")).unwrap_or_default();
    let mut lines = vec![Line::from(vec![
        Span::styled(format!(" [{}] ", run.seq), theme.muted),
        Span::styled(format!("{} ", run.language.label()), theme.key),
        Span::styled(word, style),
        Span::styled(format!(" · {took}{id}"), theme.muted),
    ])];
    let code: Vec<&str> = run.code.lines().collect();
    for l in code.iter().take(CODE_PREVIEW) {
        lines.push(Line::styled(format!("   › {l}"), theme.muted));
    }
    if code.len() > CODE_PREVIEW {
        lines.push(Line::styled(format!("   › … ({} lines)", code.len()), theme.muted));
    }
    let mut wrapped = |text: &str, style| wrap_into(&mut lines, text, style, width);
    match (&run.state, &run.output) {
        (RunState::Queued, _) => wrapped(&session_label(ed, now, theme).0, theme.muted),
        (RunState::Failed(e), _) => wrapped(&format!("✗ {e}"), theme.error),
        (_, Some(Output::Text(text))) => text.lines().for_each(|l| wrapped(l, theme.text)),
        (_, Some(Output::Table(table))) => lines.extend(table_lines(table, theme)),
        (_, Some(Output::Error { name, value, traceback })) => {
            wrapped(&format!("{name}: {value}"), theme.error);
            traceback.iter().flat_map(|t| t.lines()).for_each(|l| wrapped(l, theme.muted));
        }
        (RunState::Sent(Phase::Done), Some(Output::Empty) | None) => wrapped("(no output)", theme.muted),
        (RunState::Sent(Phase::Cancelled), _) => wrapped("(cancelled)", theme.warning),
        _ => wrapped("…", theme.muted),
    }
    lines.push(Line::raw(""));
    lines
}

/// `text` indented under its run, cut into lines of the output's width (tables are not
/// wrapped: their rows would stop lining up).
fn wrap_into(lines: &mut Vec<Line<'_>>, text: &str, style: ratatui::style::Style, width: usize) {
    const INDENT: &str = "   ";
    let room = width.saturating_sub(INDENT.len()).max(10);
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        lines.push(Line::raw(""));
    }
    for chunk in chars.chunks(room) {
        lines.push(Line::styled(format!("{INDENT}{}", chunk.iter().collect::<String>()), style));
    }
}

/// A result table as aligned text: header, rule, rows, and how many rows were not kept.
fn table_lines<'a>(table: &Table, theme: &Theme) -> Vec<Line<'a>> {
    let width = |s: &str| s.chars().count().min(MAX_COLUMN);
    let mut widths: Vec<usize> = table.columns.iter().map(|c| width(c)).collect();
    for row in &table.rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(width(cell));
            }
        }
    }
    let fit = |text: &str, w: usize| -> String {
        if text.chars().count() > w {
            let cut: String = text.chars().take(w.saturating_sub(1)).collect();
            format!("{cut}…")
        } else {
            format!("{text:<w$}")
        }
    };
    let join = |cells: &[String]| -> String {
        let parts: Vec<String> =
            widths.iter().enumerate().map(|(i, w)| fit(cells.get(i).map_or("", |c| c), *w)).collect();
        format!("   {}", parts.join(" │ ").trim_end())
    };
    let mut lines = vec![Line::styled(join(&table.columns), theme.title)];
    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
    lines.push(Line::styled(format!("   {}", rule.join("─┼─")), theme.muted));
    lines.extend(table.rows.iter().map(|r| Line::styled(join(r), theme.text)));
    let n = table.rows.len();
    let mut summary = format!("   ({n} row{})", if n == 1 { "" } else { "s" });
    if table.dropped_rows > 0 {
        summary = format!("   ({n} rows shown; {} more not kept)", table.dropped_rows);
    }
    lines.push(Line::styled(summary, theme.muted));
    lines
}
