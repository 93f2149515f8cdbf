//! The New form over the pane: its fields (the focused one with its cursor, a list's ▾, what a
//! chosen id is called), an open list, the review of the exact request with its workspace, and
//! the dialog that asks for a cluster's name before deleting it for good.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::app::App;
use crate::app::form::{Field, Form, Picker, Preview, Stage, TypedDelete};
use crate::app::layout::centered;

use super::json;
use super::theme::Theme;

/// Width of the field labels.
const LABEL: usize = 18;

pub fn render(frame: &mut Frame, app: &App, theme: &Theme, body: Rect) {
    if let Some(form) = app.form() {
        match &form.stage {
            Stage::Review { preview, lines, scroll } => {
                review(frame, form, preview, lines, *scroll, theme, body)
            }
            _ => fields(frame, app, form, theme, body),
        }
    }
    if let Some(d) = app.typed_delete() {
        typed_delete(frame, d, theme, body);
    }
}

fn block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.dialog_border)
        .title(Span::styled(title, theme.title))
}

/// Lines `text` takes at `width` columns, wrapped.
fn wrapped(line: &Line, width: u16) -> u16 {
    let w = line.width().max(1);
    u16::try_from(w.div_ceil(usize::from(width.max(1)))).unwrap_or(u16::MAX)
}

fn fields(frame: &mut Frame, app: &App, form: &Form, theme: &Theme, body: Rect) {
    let editing = form.stage == Stage::Editing;
    // Under the fields: what is kept from a template or the JSON, and the form's one message.
    let mut notes: Vec<Line> = Vec::new();
    let kept = form.extra_keys();
    if !kept.is_empty() {
        notes.push(Line::styled(format!(" + kept as given: {}", kept.join(", ")), theme.muted));
    }
    let templates: Vec<&str> =
        app.templates().iter().filter(|t| t.kind == form.kind).map(|t| t.name.as_str()).collect();
    if form.template.is_none() && !templates.is_empty() && form.stage == Stage::Editing {
        notes.push(Line::from(vec![
            Span::styled(format!(" templates: {} ", templates.join(", ")), theme.muted),
            Span::styled("ctrl-t", theme.key),
        ]));
    }
    match &form.stage {
        Stage::Loading(what) => notes.push(Line::styled(format!(" {what}"), theme.muted)),
        Stage::LoadFailed(e) => notes.push(Line::styled(format!(" ✗ {e} — esc closes"), theme.error)),
        Stage::Checking => {
            notes.push(Line::styled(format!(" checking the request with {}…", form.workspace()), theme.muted))
        }
        Stage::Sending(progress) => {
            notes.push(Line::styled(format!(" sending… {}", progress.as_deref().unwrap_or("")), theme.muted))
        }
        Stage::Editing | Stage::Review { .. } => {}
    }
    if let Some(name) = &form.naming {
        notes.push(Line::from(vec![
            Span::styled(" Save as template: ", theme.key),
            Span::styled(name.as_str(), theme.text),
            Span::styled("█", theme.muted),
            Span::styled("  enter saves it in the config file · esc cancels", theme.muted),
        ]));
    } else if let Some(e) = &form.error {
        notes.push(Line::styled(format!(" {e}"), theme.error));
    } else if let Some(e) = form.fields.get(form.focus).and_then(|f| f.error.as_ref()) {
        notes.push(Line::styled(format!(" ✗ {}: {e}", form.fields[form.focus].key.label()), theme.error));
    }
    // As tall as its fields and notes, no taller than the pane.
    let width = centered(body, 92, 100, 40, 8).width;
    let note_height: u16 = notes.iter().map(|l| wrapped(l, width.saturating_sub(2))).sum();
    let want =
        u16::try_from(form.fields.len()).unwrap_or(u16::MAX).saturating_add(note_height).saturating_add(2);
    let rect = centered(body, 92, 100, 40, 8);
    let rect = Rect { height: want.min(rect.height), ..rect };
    frame.render_widget(Clear, rect);
    let mut title = format!(" {} · {} ", form.title(), form.workspace());
    if let Some(t) = &form.template {
        title += &format!("· template {t} ");
    }
    let block = block(title, theme);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let note_height = note_height.min(inner.height.saturating_sub(1));
    let list = Rect { height: inner.height - note_height, ..inner };
    let below = Rect { y: list.y + list.height, height: note_height, ..inner };
    let rows = usize::from(list.height).max(1);
    let offset = form.focus.saturating_sub(rows - 1);
    let lines: Vec<Line> = form
        .fields
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, f)| field_line(app, form, f, editing && i == form.focus, theme, usize::from(list.width)))
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    frame.render_widget(Paragraph::new(notes).wrap(Wrap { trim: false }), below);
    if let Some(p) = &form.picker {
        picker(frame, p, theme, list);
    }
}

fn field_line<'a>(
    app: &'a App,
    form: &Form,
    f: &'a Field,
    focused: bool,
    theme: &Theme,
    width: usize,
) -> Line<'a> {
    let required = if f.key.required(form.kind) { "*" } else { " " };
    let marker = if focused { "›" } else { " " };
    let label_style = if f.error.is_some() {
        theme.error
    } else if focused {
        theme.key
    } else {
        theme.muted
    };
    let mut spans = vec![
        Span::styled(format!("{marker}{required}"), theme.key),
        Span::styled(format!("{:<LABEL$}", f.key.label()), label_style),
    ];
    let value_style = if f.locked { theme.muted } else { theme.text };
    if focused && !f.locked {
        let at = f.value.char_indices().nth(f.cursor).map_or(f.value.len(), |(i, _)| i);
        // A value longer than the line scrolls so the cursor stays in sight: "…" and its end.
        let room = width.saturating_sub(LABEL + 4).max(8);
        let before = &f.value[..at];
        let shown = match before.chars().count().checked_sub(room) {
            Some(cut) => {
                spans.push(Span::styled("…", theme.muted));
                before.char_indices().nth(cut + 1).map_or("", |(i, _)| &before[i..])
            }
            None => before,
        };
        spans.push(Span::styled(shown, value_style));
        spans.push(Span::styled("█", theme.muted));
        spans.push(Span::styled(&f.value[at..], value_style));
    } else if f.value.is_empty() {
        spans.push(Span::styled(f.key.hint(), theme.muted.italic()));
    } else {
        spans.push(Span::styled(f.value.as_str(), value_style));
    }
    if let Some(source) = f.key.source().filter(|_| !f.locked) {
        spans.push(Span::styled(" ▾", theme.key));
        if let Some(label) =
            app.choice_label(form.workspace(), source, f.value.trim()).filter(|l| !l.is_empty())
        {
            spans.push(Span::styled(format!("  {label}"), theme.muted));
        }
    }
    if let Some(e) = &f.error {
        spans.push(Span::styled(format!("  ✗ {e}"), theme.error));
    }
    if f.value.is_empty() && focused {
        spans.push(Span::styled(format!("  {}", f.key.hint()), theme.muted.italic()));
    }
    Line::from(spans)
}

fn picker(frame: &mut Frame, p: &Picker, theme: &Theme, area: Rect) {
    let rect = centered(area, 90, 100, 30, 5);
    let want = u16::try_from(p.shown.len().max(1) + usize::from(p.status.is_some())).unwrap_or(u16::MAX);
    let rect = Rect { height: want.saturating_add(2).min(rect.height), ..rect };
    frame.render_widget(Clear, rect);
    let title = format!(" {} · {}█ ", p.source.title(), p.filter);
    let count =
        format!(" {}/{} · enter chooses · esc closes ", (p.selected + 1).min(p.shown.len()), p.shown.len());
    let block = block(title, theme).title_bottom(Line::styled(count, theme.muted));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let rows = usize::from(inner.height).max(1);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(status) = &p.status {
        let style = if status.starts_with("cannot") { theme.error } else { theme.muted };
        lines.push(Line::styled(format!(" {status}"), style));
    } else if p.shown.is_empty() {
        lines.push(Line::styled(" nothing matches (esc, then type the value)", theme.muted));
    }
    let width = p.shown.iter().map(|c| c.value.chars().count()).max().unwrap_or(0).min(40);
    let offset = p.selected.saturating_sub(rows.saturating_sub(1));
    lines.extend(p.shown.iter().enumerate().skip(offset).take(rows).map(|(i, c)| {
        let style = if i == p.selected { theme.selected } else { theme.text };
        Line::from(vec![
            Span::styled(format!(" {:<width$}", c.value), style),
            Span::styled(format!("  {}", c.label), if i == p.selected { style } else { theme.muted }),
        ])
    }));
    frame.render_widget(Paragraph::new(lines), inner);
}

fn review(
    frame: &mut Frame,
    form: &Form,
    p: &Preview,
    body: &[String],
    scroll: usize,
    theme: &Theme,
    area: Rect,
) {
    let title = format!(" Review: {} · {} ", form.title(), p.workspace);
    let bottom = Line::from(vec![
        Span::styled(" y", theme.key),
        Span::styled(" sends it, once · ", theme.text),
        Span::styled("n", theme.key),
        Span::styled("/", theme.muted),
        Span::styled("esc", theme.key),
        Span::styled(" back to the form · nothing is sent before y ", theme.text),
    ]);
    let block = block(title, theme).title_bottom(bottom);
    let field = |label: &str, value: String, style: Style| {
        Line::from(vec![Span::styled(format!(" {label:<11}"), theme.muted), Span::styled(value, style)])
    };
    let mut lines = vec![field("Workspace", p.workspace.clone(), theme.text.bold())];
    if let Some(l) = &p.lakehouse {
        lines.push(field("Lakehouse", l.clone(), theme.text.bold()));
    }
    lines.push(field("Request", p.call.clone(), theme.text));
    lines.extend(p.uploads.iter().map(|u| field("Upload", u.clone(), theme.text)));
    lines.extend(p.warnings.iter().map(|w| field("Warning", w.clone(), theme.warning)));
    // As tall as what it shows (long lines wrap), no taller than the pane.
    let rect = centered(area, 92, 100, 40, 8);
    let width = rect.width.saturating_sub(2);
    let rows = |l: &Line| usize::from(wrapped(l, width));
    let head = lines.iter().map(rows).sum::<usize>() + 1;
    let want = head + body.iter().map(|l| rows(&Line::raw(format!(" {l}")))).sum::<usize>();
    let rect = Rect { height: u16::try_from(want + 2).unwrap_or(u16::MAX).min(rect.height), ..rect };
    frame.render_widget(Clear, rect);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let room = usize::from(inner.height).saturating_sub(head);
    let rule = if body.len() > room {
        let last = (scroll + room).min(body.len());
        format!(" ── request: lines {}–{last} of {} (j/k scroll) ──", scroll + 1, body.len())
    } else {
        " ── request ──".to_string()
    };
    lines.push(Line::styled(rule, theme.title));
    lines.extend(body.iter().skip(scroll).take(room).map(|l| {
        let mut line = json::line(l, theme);
        line.spans.insert(0, Span::raw(" "));
        line
    }));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn typed_delete(frame: &mut Frame, d: &TypedDelete, theme: &Theme, area: Rect) {
    let rect = centered(area, 64, 60, 50, 12);
    frame.render_widget(Clear, rect);
    let t = &d.target;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.error)
        .title(Span::styled(" Delete cluster permanently? ", theme.error.bold()));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let field = |label: &str, value: &str| super::overlay::dialog_field(label, value, theme);
    let what = if d.expected == t.id { "its id" } else { "its name" };
    let mut lines = vec![
        field("Workspace", &t.workspace),
        field("Name", if t.name.is_empty() { "(unnamed)" } else { &t.name }),
        field("Id", &t.id),
        Line::raw(""),
        Line::styled(
            " This cannot be undone: it leaves every list and cannot be started again.",
            theme.warning,
        ),
        Line::from(vec![
            Span::styled(format!(" Type {what} to confirm: "), theme.text),
            Span::styled(d.typed.as_str(), theme.text.bold()),
            Span::styled("█", theme.muted),
        ]),
    ];
    if let Some(e) = &d.error {
        lines.push(Line::styled(format!(" {e}"), theme.error));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
