//! A multi-task run's tasks as a Gantt chart against the run's clock: one row per task, its
//! queue (░), setup (▒), execution (█) and cleanup (▔) drawn in the task's state colour, its
//! state and what it runs after beside it; the chosen task marked (`j` / `k`, `l` its output).

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::ellipsize;
use super::theme::Theme;
use crate::app::Gantt;
use crate::domain::format_duration;
use crate::domain::timeline::{Phase, TaskSpan};

/// Rows the chart takes: a title line, one per task, the axis.
pub fn height(g: &Gantt) -> u16 {
    (g.timeline.tasks.len() as u16).saturating_add(2)
}

fn glyph(p: Phase) -> char {
    match p {
        Phase::Queue => '░',
        Phase::Setup => '▒',
        Phase::Execution | Phase::Span => '█',
        Phase::Cleanup => '▔',
    }
}

/// Where a task's phases fall in a bar `width` cells wide over the clock `from`..`to`: (phase,
/// first cell, cells). A phase shorter than a cell but longer than nothing keeps one cell
/// (unless the cell is taken), so a short task still shows.
pub fn cells(
    phases: &[(Phase, Timestamp, Timestamp)],
    from: Timestamp,
    to: Timestamp,
    width: u16,
) -> Vec<(Phase, u16, u16)> {
    let total = to.duration_since(from).as_millis().max(1);
    let x = |t: Timestamp| {
        ((t.duration_since(from).as_millis().clamp(0, total) * i128::from(width)) / total) as u16
    };
    let mut out: Vec<(Phase, u16, u16)> = Vec::new();
    let mut next_free = 0u16;
    for &(p, a, b) in phases {
        let (start, end) = (x(a).max(next_free), x(b));
        let len = if end > start {
            end - start
        } else if b > a && start < width {
            1
        } else {
            0
        };
        if len > 0 {
            out.push((p, start, len));
            next_free = start + len;
        }
    }
    out
}

pub fn render(frame: &mut Frame, g: &Gantt, now: Timestamp, theme: &Theme, area: Rect) {
    // Before any task started (a queued run) the tasks are listed with their states, no bars.
    let clock = g.timeline.clock(now);
    let (from, to) = clock.unwrap_or((now, now));
    let key_width = g.timeline.tasks.iter().map(|t| t.key.chars().count()).max().unwrap_or(1).clamp(4, 24);
    let state_width = 22usize;
    // Marker, key, gaps and state; the bars get the rest.
    let bars = usize::from(area.width).saturating_sub(2 + key_width + 1 + 1 + state_width + 1).max(10) as u16;
    let mut lines = vec![Line::from(vec![
        Span::styled(format!(" ── Timeline ({} tasks) ", g.timeline.tasks.len()), theme.title),
        Span::styled(
            if clock.is_some() {
                "░ queue ▒ setup █ run ▔ cleanup · j/k task · l its output"
            } else {
                "no task has started yet · j/k task · l its output"
            },
            theme.muted,
        ),
    ])];
    for (i, t) in g.timeline.tasks.iter().enumerate() {
        lines.push(task_line(t, i == g.selected, (from, to), bars, key_width, state_width, now, theme));
    }
    if clock.is_some() {
        let span = format_duration(to.duration_since(from));
        let pad = usize::from(bars).saturating_sub(span.chars().count() + 1);
        lines.push(Line::styled(format!("{:w$} 0{:pad$}{span}", "", "", w = 2 + key_width), theme.muted));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

#[allow(clippy::too_many_arguments)]
fn task_line<'a>(
    t: &'a TaskSpan,
    chosen: bool,
    (from, to): (Timestamp, Timestamp),
    bars: u16,
    key_width: usize,
    state_width: usize,
    now: Timestamp,
    theme: &Theme,
) -> Line<'a> {
    let style = theme.status(t.status);
    let mut spans = vec![
        Span::styled(if chosen { "▶ " } else { "  " }, theme.key),
        Span::styled(
            format!("{:<key_width$} ", ellipsize(&t.key, key_width)),
            if chosen { theme.selected } else { theme.text },
        ),
    ];
    let mut at = 0u16;
    for (p, start, len) in cells(&t.phases(now), from, to, bars) {
        spans.push(Span::raw(" ".repeat(usize::from(start - at))));
        spans.push(Span::styled(glyph(p).to_string().repeat(usize::from(len)), style));
        at = start + len;
    }
    spans.push(Span::raw(" ".repeat(usize::from(bars.saturating_sub(at)) + 1)));
    spans.push(Span::styled(format!("{:<state_width$}", ellipsize(&t.state, state_width)), style));
    if !t.depends_on.is_empty() {
        spans.push(Span::styled(format!(" after {}", t.depends_on.join(", ")), theme.muted));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(secs: i64) -> Timestamp {
        Timestamp::from_second(1_767_225_600 + secs).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn phases_scale_to_the_run_clock() {
        let phases = [
            (Phase::Queue, ts(0), ts(10)),
            (Phase::Setup, ts(10), ts(30)),
            (Phase::Execution, ts(30), ts(100)),
        ];
        assert_eq!(
            cells(&phases, ts(0), ts(100), 50),
            [(Phase::Queue, 0, 5), (Phase::Setup, 5, 10), (Phase::Execution, 15, 35)]
        );
        // A later task starts where its time is.
        assert_eq!(
            cells(&[(Phase::Execution, ts(50), ts(100))], ts(0), ts(100), 20),
            [(Phase::Execution, 10, 10)]
        );
    }

    #[test]
    fn short_phases_keep_a_cell_and_zero_length_ones_none() {
        let phases =
            [(Phase::Setup, ts(0), ts(1)), (Phase::Execution, ts(1), ts(1)), (Phase::Cleanup, ts(1), ts(2))];
        assert_eq!(cells(&phases, ts(0), ts(1000), 10), [(Phase::Setup, 0, 1), (Phase::Cleanup, 1, 1)]);
        // A clock of no length does not divide by zero.
        assert_eq!(cells(&[(Phase::Span, ts(5), ts(5))], ts(5), ts(5), 10), []);
    }
}
