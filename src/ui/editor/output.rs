//! The outputs of the tab's statements, newest at the bottom. Lines are built from the newest run
//! backwards and only as far as the screen (plus the scroll) needs — a 1,000-row table builds
//! only the rows that show — so a long history costs nothing per frame. Each run says where it
//! ran, its language, state (a spinner and progress while it runs), time and statement id.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::{App, Editor, Run, RunState};
use crate::domain::format_duration;
use crate::domain::statement::{Output, Phase};

use super::super::theme::Theme;
use super::{SPINNER, grid};

/// Code lines shown above each output.
const CODE_PREVIEW: usize = 3;

pub(super) fn render(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let ed = app.editor();
    let scrolled = if ed.output_scroll > 0 { " (scrolled: alt-j goes down)" } else { "" };
    let sideways = if ed.grid_left > 0 {
        format!(" · ◀ table from column {} (alt-← back)", ed.grid_left + 1)
    } else {
        String::new()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" Output{scrolled}{sideways} "), theme.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = usize::from(inner.height);
    let lines = output_lines(ed, app.now(), theme, usize::from(inner.width), height + ed.output_scroll);
    let end = lines.len().saturating_sub(ed.output_scroll.min(lines.len().saturating_sub(height)));
    let start = end.saturating_sub(height);
    let shown: Vec<Line> = lines.into_iter().skip(start).take(end - start).collect();
    frame.render_widget(Paragraph::new(shown), inner);
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
            " Nothing run yet. Write code above and press F5 (the cell under the cursor; # %% starts a cell); \
             F2 changes the language, alt-↑ recalls history.",
            theme.muted,
        )];
    }
    let newest_table =
        ed.runs.iter().rev().find(|r| matches!(r.output, Some(Output::Table(_)))).map(|r| r.seq);
    let mut blocks: Vec<Vec<Line>> = Vec::new();
    let mut count = 0;
    let mut all = true;
    for run in ed.runs.iter().rev() {
        // The newest table scrolls sideways with alt-←/→.
        let left = if Some(run.seq) == newest_table { ed.grid_left } else { 0 };
        let mut lines = run_lines(run, ed, now, theme, width, need.saturating_sub(count), left);
        // A blank line between runs; none under the newest, where it would cost a line of it.
        if !blocks.is_empty() {
            lines.push(Line::raw(""));
        }
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

/// How a run's state reads, and its colour.
fn state_word(run: &Run, now: Timestamp, theme: &Theme) -> (String, Style) {
    let spin = SPINNER[(now.as_second().unsigned_abs() % SPINNER.len() as u64) as usize];
    let progress = run.progress.map(|p| format!(" {p}%")).unwrap_or_default();
    match (&run.state, &run.output) {
        (RunState::Queued, _) if run.after.is_some() => {
            ("waiting for the cell before it".into(), theme.muted)
        }
        (RunState::Queued, _) => (format!("waiting for the session {spin}"), theme.warning),
        (RunState::Sending, _) => (format!("sending {spin}"), theme.warning),
        (RunState::Failed(_), _) if run.resendable => ("not sent".into(), theme.error),
        (RunState::Failed(_), _) => ("failed".into(), theme.error),
        (RunState::Sent(Phase::Waiting), _) => (format!("waiting {spin}"), theme.warning),
        (RunState::Sent(Phase::Running), _) => (format!("running {spin}{progress}"), theme.warning),
        (RunState::Sent(Phase::Cancelling), _) => (format!("cancelling {spin}"), theme.warning),
        (RunState::Sent(Phase::Cancelled), _) => ("cancelled".into(), theme.warning),
        (RunState::Sent(Phase::Done), Some(o)) if o.is_error() => ("error".into(), theme.error),
        (RunState::Sent(Phase::Done), _) => ("ok".into(), theme.status(crate::domain::Status::Succeeded)),
    }
}

fn run_lines<'a>(
    run: &'a Run,
    ed: &Editor,
    now: Timestamp,
    theme: &Theme,
    width: usize,
    need: usize,
    left: usize,
) -> Vec<Line<'a>> {
    let (word, style) = state_word(run, now, theme);
    let took = format_duration(run.finished_at.unwrap_or(now).duration_since(run.started_at));
    let id = run.statement_id.as_ref().map(|i| format!(" · statement {i}")).unwrap_or_default();
    let mut lines = vec![Line::from(vec![
        Span::styled(format!(" [{}] ", run.seq), theme.muted),
        Span::styled(format!("{} ", run.language.label()), theme.key),
        Span::styled(word, style),
        Span::styled(format!(" · {took}{id} · {}", run.target), theme.muted),
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
        (RunState::Queued, _) if run.after.is_some() => {
            wrapped("runs when the cell before it has succeeded", theme.muted)
        }
        (RunState::Queued, _) => wrapped(&super::session_label(ed, now, theme).0, theme.muted),
        (RunState::Failed(e), _) if run.resendable => {
            wrapped(&format!("✗ {e}"), theme.error);
            wrapped("It never reached the service: F5 sends it again.", theme.warning);
        }
        (RunState::Failed(e), _) => wrapped(&format!("✗ {e}"), theme.error),
        (_, Some(Output::Text(text))) => text.lines().for_each(|l| wrapped(l, theme.text)),
        (_, Some(Output::Table(table))) => {
            let layout = &*crate::app::editor::layout_of(&run.grid, table);
            // What is left once the run's header and code are counted, so the header shows.
            let room = need.saturating_sub(lines.len());
            lines.extend(grid::table_lines(table, layout, theme, left, room));
        }
        (_, Some(Output::Error { name, value, traceback })) => {
            wrapped(&format!("{name}: {value}"), theme.error);
            traceback.iter().flat_map(|t| t.lines()).for_each(|l| wrapped(l, theme.muted));
        }
        (RunState::Sent(Phase::Done), Some(Output::Empty) | None) => wrapped("(no output)", theme.muted),
        (RunState::Sent(Phase::Cancelled), _) => wrapped("(cancelled)", theme.warning),
        _ => wrapped("…", theme.muted),
    }
    lines
}

/// `text` indented under its run, cut into lines of the output's width (tables are not
/// wrapped: their rows would stop lining up).
fn wrap_into(lines: &mut Vec<Line<'_>>, text: &str, style: Style, width: usize) {
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
