//! The pane table: columns per kind, fitted to the width by dropping the least important
//! columns first, and built only for the rows on screen.

use jiff::{SignedDuration, Timestamp};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, HighlightSpacing, Paragraph, Row, Table, TableState};

use crate::app::{App, Entry, Pane};
use crate::domain::{Detail, Kind, format_duration};

use super::theme::Theme;

/// A fill column asks for its values' width up to this before less important columns go.
const FILL_WANTS: u16 = 32;

/// Width of the selection marker in front of each row.
const MARKER: &str = "▶ ";
/// In front of the name of an item being watched (`w`).
const WATCHED: &str = "◉ ";

type CellFn = for<'a> fn(&'a Entry, Timestamp, &Theme) -> Span<'a>;

#[derive(Clone, Copy)]
enum Width {
    Fixed(u16),
    /// As wide as the widest visible value (or the title), at most this.
    Fit(u16),
    /// As wide as the widest visible value up to `FILL_WANTS`, at least this; takes what is
    /// left over.
    Fill(u16),
}

#[derive(Clone, Copy)]
struct Column {
    title: &'static str,
    /// 0 = always shown; higher numbers are dropped first when space runs out.
    priority: u8,
    width: Width,
    cell: CellFn,
}

const fn col(title: &'static str, priority: u8, width: Width, cell: CellFn) -> Column {
    Column { title, priority, width, cell }
}

fn workspace<'a>(e: &'a Entry, _: Timestamp, _: &Theme) -> Span<'a> {
    Span::raw(e.res.workspace.as_str())
}
fn kind<'a>(e: &'a Entry, _: Timestamp, _: &Theme) -> Span<'a> {
    Span::raw(e.res.kind.singular())
}
fn name<'a>(e: &'a Entry, _: Timestamp, _: &Theme) -> Span<'a> {
    Span::raw(e.res.name.as_str())
}
fn id<'a>(e: &'a Entry, _: Timestamp, _: &Theme) -> Span<'a> {
    Span::raw(e.res.id.as_str())
}
fn state<'a>(e: &'a Entry, _: Timestamp, theme: &Theme) -> Span<'a> {
    Span::styled(e.res.raw_state.as_str(), theme.status(e.res.status))
}
fn owner<'a>(e: &'a Entry, _: Timestamp, _: &Theme) -> Span<'a> {
    Span::raw(e.res.owner.as_deref().unwrap_or(""))
}
fn started<'a>(e: &'a Entry, _: Timestamp, _: &Theme) -> Span<'a> {
    Span::raw(e.started.as_str())
}
fn duration<'a>(e: &'a Entry, now: Timestamp, _: &Theme) -> Span<'a> {
    Span::raw(e.res.duration(now).map(format_duration).unwrap_or_default())
}
fn idle_in<'a>(e: &'a Entry, now: Timestamp, theme: &Theme) -> Span<'a> {
    match &e.res.detail {
        Detail::Session { idle_timeout_at: Some(at), .. } => {
            let left = at.duration_since(now);
            let style = if left < SignedDuration::from_mins(3) { theme.warning } else { Style::default() };
            // Past the timeout the service is about to stop it (or already has).
            let text = if left <= SignedDuration::ZERO { "due".to_string() } else { format_duration(left) };
            Span::styled(text, style)
        }
        _ => Span::raw(""),
    }
}
fn hc<'a>(e: &'a Entry, _: Timestamp, theme: &Theme) -> Span<'a> {
    match &e.res.detail {
        Detail::Session { read_only: true, .. } => Span::styled("ro", theme.muted),
        Detail::Session { high_concurrency: true, .. } => Span::raw("HC"),
        _ => Span::raw(""),
    }
}
fn lakehouse<'a>(e: &'a Entry, _: Timestamp, _: &Theme) -> Span<'a> {
    match &e.res.detail {
        Detail::Session { lakehouse: Some(l), .. } | Detail::Batch { lakehouse: Some(l), .. } => {
            Span::raw(l.as_str())
        }
        _ => Span::raw(""),
    }
}
fn file<'a>(e: &'a Entry, _: Timestamp, _: &Theme) -> Span<'a> {
    Span::raw(e.file.as_str())
}
fn workers<'a>(e: &'a Entry, _: Timestamp, _: &Theme) -> Span<'a> {
    match &e.res.detail {
        Detail::Cluster { workers, .. } => Span::raw(workers.as_str()),
        _ => Span::raw(""),
    }
}
fn runtime<'a>(e: &'a Entry, _: Timestamp, _: &Theme) -> Span<'a> {
    match &e.res.detail {
        Detail::Cluster { runtime: Some(r), .. } => Span::raw(r.as_str()),
        _ => Span::raw(""),
    }
}
fn trigger<'a>(e: &'a Entry, _: Timestamp, _: &Theme) -> Span<'a> {
    match &e.res.detail {
        Detail::Run { trigger: Some(t), .. } => Span::raw(t.as_str()),
        _ => Span::raw(""),
    }
}
fn result<'a>(e: &'a Entry, _: Timestamp, theme: &Theme) -> Span<'a> {
    match &e.res.detail {
        Detail::Run { result: Some(r), .. } => Span::styled(r.as_str(), theme.status(e.res.status)),
        _ => Span::raw(""),
    }
}

fn columns(pane: Pane) -> Vec<Column> {
    use Width::{Fill, Fit, Fixed};
    let mut cols = vec![
        col("WORKSPACE", 2, Fit(16), workspace),
        col("NAME", 0, Fill(12), name),
        col("ID", 1, Fit(36), id),
    ];
    let tail = [
        col("OWNER", 5, Fit(20), owner),
        col("STARTED", 4, Fixed(11), started),
        col("DURATION", 2, Fixed(8), duration),
    ];
    let state = col("STATE", 0, Fit(24), state);
    match pane {
        Pane::Sessions => {
            cols.push(state);
            cols.extend(tail);
            cols.extend([
                col("IDLE IN", 3, Fixed(7), idle_in),
                col("HC", 6, Fixed(2), hc),
                col("LAKEHOUSE", 6, Fit(16), lakehouse),
            ]);
        }
        Pane::Batches => {
            cols.extend([state, col("FILE", 4, Fit(24), file)]);
            cols.extend(tail);
            cols.push(col("LAKEHOUSE", 6, Fit(16), lakehouse));
        }
        Pane::Clusters => {
            cols.extend([state, col("WORKERS", 2, Fit(11), workers), col("RUNTIME", 3, Fit(18), runtime)]);
            cols.extend(tail);
        }
        Pane::Runs => {
            cols[1].title = "JOB / RUN";
            cols.extend([state, col("RESULT", 1, Fit(12), result), col("TRIGGER", 5, Fit(12), trigger)]);
            cols.extend(tail);
        }
        Pane::All => {
            cols.insert(0, col("KIND", 1, Fixed(7), kind));
            cols.push(state);
            cols.extend(tail);
        }
    }
    cols
}

/// The index of the least important column of at least `min_priority` (rightmost on ties).
fn least_important(sized: &[(Column, u16)], min_priority: u8) -> Option<usize> {
    sized
        .iter()
        .enumerate()
        .filter(|(_, (c, _))| c.priority >= min_priority)
        .max_by_key(|(i, (c, _))| (c.priority, *i))
        .map(|(i, _)| i)
}

fn widest(c: &Column, rows: &[&Entry], now: Timestamp, theme: &Theme) -> u16 {
    rows.iter().map(|e| (c.cell)(e, now, theme).width() as u16).max().unwrap_or(0)
}

/// Pick the columns and widths that fit `width` for the rows on screen.
fn fit(
    mut cols: Vec<Column>,
    rows: &[&Entry],
    width: u16,
    now: Timestamp,
    theme: &Theme,
) -> Vec<(Column, u16)> {
    let mut sized: Vec<(Column, u16)> = cols
        .drain(..)
        .map(|c| {
            let title = c.title.chars().count() as u16;
            let w = match c.width {
                Width::Fixed(n) => n.max(title),
                Width::Fill(min) => widest(&c, rows, now, theme).min(FILL_WANTS).max(min).max(title),
                Width::Fit(max) => widest(&c, rows, now, theme).max(title).min(max),
            };
            (c, w)
        })
        .collect();
    let marker = MARKER.chars().count() as u16;
    let total = |s: &[(Column, u16)]| s.iter().map(|(_, w)| w + 1).sum::<u16>() + marker;
    // Too wide: drop the optional columns (priority 3+) first, then shorten the name down to
    // its minimum, then drop the useful ones (1-2), and last narrow long fitted values (ids).
    while total(&sized) > width {
        if let Some(i) = least_important(&sized, 3) {
            sized.remove(i);
        } else if let Some((_, w)) =
            sized.iter_mut().find(|(c, w)| matches!(c.width, Width::Fill(min) if *w > min))
        {
            *w -= 1;
        } else if let Some(i) = least_important(&sized, 1) {
            sized.remove(i);
        } else if let Some((_, w)) = sized
            .iter_mut()
            .filter(|(c, w)| matches!(c.width, Width::Fit(_)) && *w > 8)
            .max_by_key(|(_, w)| *w)
        {
            *w -= 1;
        } else {
            break;
        }
    }
    sized
}

/// Render the focused pane: column titles in `header`, rows in `area` directly below it.
pub fn render(frame: &mut Frame, app: &App, theme: &Theme, header: Rect, area: Rect) {
    let vs = app.pane_state();
    let now = app.now();
    let end = (vs.offset + usize::from(area.height)).min(vs.rows.len());
    // Slice first: only the rows on screen become widgets.
    let visible: Vec<&Entry> =
        vs.rows[vs.offset.min(end)..end].iter().filter_map(|r| app.entry(*r)).collect();
    let mut cols = columns(app.pane());
    if app.scope().is_some() {
        cols.retain(|c| c.title != "WORKSPACE");
    }
    let sized = fit(cols, &visible, area.width, now, theme);
    let widths: Vec<Constraint> = sized
        .iter()
        .map(|(c, w)| match c.width {
            Width::Fill(_) => Constraint::Fill(1),
            _ => Constraint::Length(*w),
        })
        .collect();
    let titles = Row::new(sized.iter().map(|(c, _)| Cell::from(c.title))).style(theme.muted.bold());
    let rows = visible.iter().map(|e| {
        let watched = app.is_watched(e.res.kind, &e.res.workspace, &e.res.id);
        let row = Row::new(sized.iter().map(|(c, _)| {
            let span = (c.cell)(e, now, theme);
            // The one Fill column is the name.
            if watched && matches!(c.width, Width::Fill(_)) {
                Cell::from(Line::from(vec![Span::styled(WATCHED, theme.warning), span]))
            } else {
                Cell::from(span)
            }
        }));
        if app.is_flashing(e) { row.style(theme.flash) } else { row }
    });
    let table = Table::new(rows, widths)
        .header(titles)
        .column_spacing(1)
        .row_highlight_style(theme.selected)
        .highlight_symbol(MARKER)
        .highlight_spacing(HighlightSpacing::Always);
    let selected = (!visible.is_empty()).then(|| vs.selected.saturating_sub(vs.offset));
    let mut state = TableState::default().with_selected(selected);
    let whole = Rect { height: header.height + area.height, ..header };
    frame.render_stateful_widget(table, whole, &mut state);
    if visible.is_empty() {
        frame.render_widget(Paragraph::new(empty_lines(app, theme)), area);
    }
}

/// What an empty pane says: why it is empty, per workspace.
fn empty_lines<'a>(app: &'a App, theme: &Theme) -> Vec<Line<'a>> {
    let vs = app.pane_state();
    let pane = app.pane();
    let noun = pane.kind().map_or("items", Kind::plural);
    if vs.total > 0 {
        let text = vs.filter.as_ref().map_or("", |f| f.text.as_str());
        return vec![Line::styled(
            format!(" No {noun} match the filter \"{text}\" (esc clears it)."),
            theme.muted,
        )];
    }
    let mut lines = Vec::new();
    let kinds = pane.kinds();
    for w in
        app.workspaces().iter().filter(|w| app.scope().is_none_or(|s| s.workspace.name == w.workspace.name))
    {
        let mine: Vec<Kind> =
            kinds.iter().copied().filter(|k| w.workspace.service.kinds().contains(k)).collect();
        if mine.is_empty() || mine.iter().all(|k| w.slot(*k).error.is_some()) {
            continue;
        }
        let polled = mine.iter().all(|k| w.slot(*k).fetched_at.is_some() || w.slot(*k).error.is_some());
        let suffix = if polled { "." } else { " — polling…" };
        lines.push(Line::styled(format!(" No {noun} in {}{suffix}", w.workspace.name), theme.muted));
    }
    if lines.is_empty() && app.pane_errors().is_empty() {
        let service = pane.kind().map_or("", |k| crate::domain::Service::of(k).label());
        lines.push(Line::styled(
            format!(" No {service} workspace configured: add one to config.toml (see config.example.toml)."),
            theme.muted,
        ));
    }
    lines
}
