//! Everything around the table: workspace health header, tab bar, pane frame with in-place
//! errors, key hints and the status / prompt line.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::keymap::Command;
use crate::app::{App, Level, PromptMode, WorkspaceState};
use crate::domain::{Status, format_duration};

use super::text::fit_line;
use super::theme::Theme;

/// What a terminal too small to draw in shows.
pub fn too_small(frame: &mut Frame, (w, h): (u16, u16), theme: &Theme, area: Rect) {
    let text = format!("sparkdeck needs at least {w}×{h}; this terminal is {}×{}.", area.width, area.height);
    let lines = vec![Line::styled(text, theme.warning), Line::styled("Enlarge it, or q quits.", theme.muted)];
    frame.render_widget(Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: true }), area);
}

/// One line per workspace: name, service, counts by state, error, throttling; on a short
/// terminal one line for all of them.
pub fn header(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let rows = usize::from(area.height);
    let all = app.workspaces();
    if rows == 1 && all.len() > 1 {
        return frame
            .render_widget(Paragraph::new(compact_header(app, usize::from(area.width), theme)), area);
    }
    let mut lines: Vec<Line> = Vec::new();
    if all.is_empty() {
        lines.push(Line::styled(" No workspaces configured: see config.example.toml", theme.warning));
    }
    let name_width = all.iter().map(|w| w.workspace.name.chars().count()).max().unwrap_or(0);
    for (i, w) in all.iter().enumerate() {
        if lines.len() + 1 == rows && i + 1 < all.len() {
            lines.push(Line::styled(
                format!(" … and {} more workspaces (:ws NAME)", all.len() - i),
                theme.muted,
            ));
            break;
        }
        lines.push(workspace_line(app, w, name_width, usize::from(area.width), theme));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn workspace_line<'a>(
    app: &App,
    w: &'a WorkspaceState,
    name_width: usize,
    width: usize,
    theme: &Theme,
) -> Line<'a> {
    let focused = app.scope().is_some_and(|s| s.workspace.name == w.workspace.name);
    let name = &w.workspace.name;
    let name_style = match (app.is_production(name), focused) {
        (true, _) => theme.production,
        (false, true) => theme.title,
        (false, false) => theme.text.bold(),
    };
    let mut spans = vec![
        Span::raw(" "),
        Span::styled(format!("{:<name_width$}", w.workspace.name), name_style),
        Span::styled(format!(" {:<10} ", w.workspace.service.label()), theme.muted),
    ];
    spans.extend(read_only_mark(app, name, theme));
    let mut any = false;
    for (i, status) in Status::ALL.iter().enumerate() {
        if w.counts[i] > 0 {
            spans.push(Span::styled(format!("{} {}", w.counts[i], status), theme.status(*status)));
            spans.push(Span::raw("  "));
            any = true;
        }
    }
    let kinds = w.workspace.service.kinds();
    if !any && w.errors(kinds).next().is_none() {
        let polled = w.last_refresh().is_some();
        spans.push(Span::styled(if polled { "nothing running" } else { "polling…" }, theme.muted));
        spans.push(Span::raw("  "));
    }
    if let Some(wait) = throttle_wait(w, app.now()) {
        spans.push(Span::styled(format!("⏳ throttled {wait}  "), theme.warning));
    }
    if let Some(capacity) = w.capacity.summary(app.time_zone()) {
        spans.push(Span::styled(format!("{capacity}  "), theme.warning));
    }
    if let Some((kind, e)) = w.errors(kinds).next() {
        let stale = stale_for(w, kind, app.now()).map(|s| format!(" ({s})")).unwrap_or_default();
        spans.push(Span::styled(format!("✗ {}{stale}: {}", kind.plural(), e.problem.cause()), theme.error));
    }
    fit_line(spans, width)
}

/// "🔒 read-only" in a workspace refusing changes; "⚠ changes allowed" in a production one
/// where `:rw` lifted it.
fn read_only_mark<'a>(app: &App, name: &str, theme: &Theme) -> Option<Span<'a>> {
    match (app.is_read_only_in(name), app.is_production(name)) {
        (true, _) => Some(Span::styled("🔒 read-only  ", theme.warning)),
        (false, true) => Some(Span::styled("⚠ changes allowed  ", theme.error)),
        (false, false) => None,
    }
}

/// "4 workspaces  3 pending  5 ready …  ✗ adb-dev": the counts of every workspace together,
/// and the ones failing or throttled by name.
fn compact_header<'a>(app: &App, width: usize, theme: &Theme) -> Line<'a> {
    let all = app.workspaces();
    let mut spans = vec![Span::styled(format!(" {} workspaces  ", all.len()), theme.text.bold())];
    // What is wrong first: the counts can be cut, the trouble not.
    let now = app.now();
    for w in all {
        if w.errors(w.workspace.service.kinds()).next().is_some() {
            spans.push(Span::styled(format!("✗ {}  ", w.workspace.name), theme.error));
        } else if throttle_wait(w, now).is_some() {
            spans.push(Span::styled(format!("⏳ {}  ", w.workspace.name), theme.warning));
        }
    }
    for (i, status) in Status::ALL.iter().enumerate() {
        let n: usize = all.iter().map(|w| w.counts[i]).sum();
        if n > 0 {
            spans.push(Span::styled(format!("{n} {status}  "), theme.status(*status)));
        }
    }
    fit_line(spans, width)
}

/// "stale 45s": how old the rows of a failing workspace × kind are.
fn stale_for(w: &WorkspaceState, kind: crate::domain::Kind, now: Timestamp) -> Option<String> {
    let slot = w.slot(kind);
    let at = slot.fetched_at.filter(|_| slot.is_stale())?;
    Some(format!("stale {}", format_duration(now.duration_since(at))))
}

fn throttle_wait(w: &WorkspaceState, now: Timestamp) -> Option<String> {
    w.throttled_until.filter(|t| *t > now).map(|t| format_duration(t.duration_since(now)))
}

/// The tab bar, drawn from `App::tab_labels` so mouse hit-testing matches.
pub fn tabs(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let mut spans = Vec::new();
    for (pane, label) in app.tab_labels() {
        let style = if pane == app.pane() { theme.tab_active } else { theme.tab };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    let used: usize = spans.iter().map(Span::width).sum();
    let brand = " sparkdeck ";
    if usize::from(area.width) >= used + brand.len() {
        spans.push(Span::raw(" ".repeat(usize::from(area.width) - used - brand.len())));
        spans.push(Span::styled(brand, theme.title));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The pane frame with its title (counts, scope, filter, sort) and the error lines.
pub fn pane(frame: &mut Frame, app: &App, theme: &Theme, body: Rect, errors: Rect) {
    let vs = app.pane_state();
    let mut title = vec![Span::styled(format!(" {} ", app.pane().title()), theme.title)];
    let count = if vs.rows.len() == vs.total {
        format!("{}", vs.total)
    } else {
        format!("{} of {}", vs.rows.len(), vs.total)
    };
    title.push(Span::styled(format!("({count}) "), theme.muted));
    let marked = app.marked_count();
    if marked > 0 {
        title.push(Span::styled(format!("{marked} marked "), theme.key));
    }
    if let Some(s) = app.scope() {
        title.push(Span::styled(format!("ws {} ", s.workspace.name), theme.key));
    }
    if vs.mine {
        title.push(Span::styled("mine ", theme.key));
    }
    if let Some(f) = &vs.filter {
        let kind = if f.is_regex() { "regex" } else { "filter" };
        title.push(Span::styled(format!("{kind} {} ", f.text), theme.warning));
    }
    let arrow = if vs.reverse { "↑" } else { "↓" };
    title.push(Span::styled(format!("sort {} {arrow} ", vs.sort.label()), theme.muted));
    let mut block =
        Block::default().borders(Borders::ALL).border_style(theme.border).title(Line::from(title));
    // Where the selection is, on the bottom edge.
    if !vs.rows.is_empty() {
        let position = format!(" {}/{} ", vs.selected + 1, vs.rows.len());
        block = block.title_bottom(Line::styled(position, theme.muted).right_aligned());
    }
    frame.render_widget(block, body);

    let now = app.now();
    let lines: Vec<Line> = app
        .pane_errors()
        .into_iter()
        .take(usize::from(errors.height))
        .map(|(w, kind, e)| {
            let stale = stale_for(w, kind, now).map(|s| format!(" ({s})")).unwrap_or_default();
            // The cause, the fix, then where (the whole error is behind `!`).
            let p = &e.problem;
            let mut spans = vec![Span::styled(
                format!(" ✗ {} {}{stale}: {}", w.workspace.name, kind.plural(), p.cause()),
                theme.error,
            )];
            if let Some(fix) = &p.fix {
                spans.push(Span::styled(format!(" — fix: {fix}"), theme.warning));
            }
            let mut place =
                p.request.as_deref().map(crate::domain::problem::shorten_path).unwrap_or_default();
            if let Some(id) = &p.request_id {
                place += &format!(" · request {}", crate::domain::short_id(id));
            }
            if !place.is_empty() {
                spans.push(Span::styled(format!(" · {place}"), theme.muted));
            }
            fit_line(spans, usize::from(errors.width))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), errors);
}

/// Keys valid in the focused pane, from the keymap.
/// On a narrow terminal the hints that do not fit are left out, but help and quit always show.
pub fn keys(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let hints: Vec<(&str, &str, bool)> = app
        .footer()
        .into_iter()
        .filter_map(|b| {
            let essential = matches!(b.command, Command::Help | Command::Quit);
            let (key, words) = b.hint.as_ref()?;
            Some((key.as_str(), words.as_str(), essential))
        })
        .collect();
    let width = |(key, label, _): &(&str, &str, bool)| key.chars().count() + label.chars().count();
    let mut room = usize::from(area.width).saturating_sub(1);
    room = room.saturating_sub(hints.iter().filter(|h| h.2).map(width).sum());
    let mut spans = vec![Span::raw(" ")];
    for hint in &hints {
        if !hint.2 {
            if width(hint) > room {
                room = 0;
                continue;
            }
            room -= width(hint);
        }
        spans.push(Span::styled(hint.0, theme.key));
        spans.push(Span::styled(hint.1, theme.muted));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The prompt while typing, else the latest message, else when each workspace was refreshed.
pub fn status(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let width = usize::from(area.width);
    let line = if let Some(p) = app.prompt() {
        let sigil: std::borrow::Cow<str> = match p.mode {
            PromptMode::Command => ":".into(),
            PromptMode::Unlock => {
                format!("production: type {} to allow changes in it: ", app.unlocking().unwrap_or("")).into()
            }
            // The reason names the forms that work: room for it on 80 columns.
            PromptMode::Parameters if p.error.is_some() => "run with: ".into(),
            PromptMode::Parameters => "run with (KEY=VALUE ..., quotes keep spaces): ".into(),
            PromptMode::Resize if p.error.is_some() => "resize to: ".into(),
            PromptMode::Resize => "resize to (workers N, or MIN-MAX to autoscale): ".into(),
            PromptMode::Filter | PromptMode::Search => "/".into(),
        };
        let mut spans =
            vec![Span::styled(sigil, theme.key), Span::raw(p.text.as_str()), Span::styled("█", theme.muted)];
        if let Some(e) = &p.error {
            spans.push(Span::styled(format!("  {e}"), theme.error));
        } else if !p.candidates.is_empty() {
            spans.push(Span::styled(format!("  {}", p.candidates.join("  ")), theme.muted));
        }
        fit_line(spans, width)
    } else if let Some(m) = app.message() {
        let style = if m.level == Level::Error { theme.error } else { theme.text };
        fit_line(vec![Span::styled(format!(" {}", m.text), style)], width)
    } else {
        fit_line(refreshed(app, theme), width)
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn refreshed<'a>(app: &'a App, theme: &Theme) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    if app.is_read_only() {
        spans.push(Span::styled(" [read-only]", theme.warning));
    }
    // Unfocused (`[poll] pause_unfocused`): the clock stands and polls are slow, said where
    // anyone glancing at the window looks.
    if app.is_paused() {
        spans.push(Span::styled(" [paused: not focused]", theme.muted));
    }
    spans.push(Span::styled(" refreshed", theme.muted));
    for w in app.workspaces() {
        let when = w
            .last_refresh()
            .map(|t| t.to_zoned(app.time_zone().clone()).strftime("%H:%M").to_string())
            .unwrap_or_else(|| "—".into());
        spans.push(Span::styled(format!(" {} ", w.workspace.name), theme.text));
        spans.push(Span::styled(when, theme.muted));
        if let Some(wait) = throttle_wait(w, app.now()) {
            spans.push(Span::styled(format!(" (throttled, {wait})"), theme.warning));
        }
        spans.push(Span::styled(" ·", theme.muted));
    }
    if !app.workspaces().is_empty() {
        spans.pop();
    }
    spans
}
