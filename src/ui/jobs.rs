//! The Jobs pane's own columns: a strip of coloured marks of the last runs (one cell each, in
//! the theme's state colours, a glyph per state so it reads without colour) and a sparkline of
//! their durations, side by side; and the schedule or trigger.

use ratatui::text::{Line, Span};

use super::table::{View, raw};
use super::theme::Theme;
use crate::domain::Detail;
use crate::domain::job;

pub(super) fn strip_text<'a>(v: &View<'a>, _: &Theme) -> Span<'a> {
    match &v.e.res.detail {
        Detail::Job { recent, .. } => Span::raw(job::strip(recent)),
        _ => raw(""),
    }
}

/// One mark per run, oldest first, each in its state's colour.
pub(super) fn strip<'a>(v: &View<'a>, theme: &Theme) -> Line<'a> {
    match &v.e.res.detail {
        Detail::Job { recent, .. } => Line::from(
            recent
                .iter()
                .rev()
                .map(|r| Span::styled(job::mark(r.status).to_string(), theme.status(r.status)))
                .collect::<Vec<_>>(),
        ),
        _ => Line::default(),
    }
}

pub(super) fn sparkline_text<'a>(v: &View<'a>, _: &Theme) -> Span<'a> {
    match &v.e.res.detail {
        Detail::Job { recent, .. } => Span::raw(job::sparkline(recent, v.now)),
        _ => raw(""),
    }
}

/// The durations' bars, each in its run's state colour (a failed run's bar is red too).
pub(super) fn sparkline<'a>(v: &View<'a>, theme: &Theme) -> Line<'a> {
    match &v.e.res.detail {
        Detail::Job { recent, .. } => {
            let bars: Vec<char> = job::sparkline(recent, v.now).chars().collect();
            Line::from(
                recent
                    .iter()
                    .rev()
                    .zip(bars)
                    .map(|(r, c)| Span::styled(c.to_string(), theme.status(r.status)))
                    .collect::<Vec<_>>(),
            )
        }
        _ => Line::default(),
    }
}

pub(super) fn schedule<'a>(v: &View<'a>, _: &Theme) -> Span<'a> {
    match &v.e.res.detail {
        Detail::Job { schedule, paused, .. } => Span::raw(job::schedule_text(schedule.as_deref(), *paused)),
        _ => raw(""),
    }
}
