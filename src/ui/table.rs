//! The pane table: columns per kind, fitted to the width by one rule, and built only for the
//! rows on screen.
//!
//! The rule, the same for every pane and width: optional columns (and any column with nothing
//! to show) go first; then the widest columns are cut, a cell at a time, down to their minimum,
//! and cut text ends in "…"; only then do useful columns go, least important first. Slack left
//! over goes to the name. Ids are short (`domain::short_id`); WORKSPACE stays while the pane can
//! show two workspaces, as distinct tags when names must be cut.

use std::borrow::Cow;

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{App, Entry, Pane, RowRef, SortKey, WorkspaceState};
use crate::domain::{Column, Detail, Kind, format_duration, short_id};

use super::jobs;
use super::live::Live;
use super::table_draw::{self, Content, Grid};
use super::text::{ellipsize, ellipsize_keeping_result, width_upto};
use super::theme::Theme;
use crate::domain::job::RECENT_RUNS;

/// Width of the selection marker in front of each row.
const MARKER: &str = "▶ ";
/// Spaces between columns.
const GAP: u16 = 1;
/// The flag of an item being watched (`w`).
const WATCHED: &str = "◉";
/// A marked row's first cell (the column is there only while the pane has marks).
const MARKED: &str = "●";

/// One shown row and what its cells depend on.
pub(super) struct View<'a> {
    pub(super) e: &'a Entry,
    /// The time its live cells count to: now, or its last poll while its workspace is stale.
    pub(super) now: Timestamp,
    stale: bool,
    watched: bool,
    marked: bool,
    /// Its workspace's tag (the name, or a distinct cut of it).
    ws: usize,
}

pub(super) type CellFn = for<'a> fn(&View<'a>, &Theme) -> Span<'a>;
/// A cell of several styles (a job's strip of coloured marks); `cell` gives its plain text,
/// which the widths are fitted to.
pub(super) type RichFn = for<'a> fn(&View<'a>, &Theme) -> Line<'a>;

/// How one column of the table is drawn and fitted.
#[derive(Clone, Copy)]
pub(super) struct Col {
    /// `None`: the marks column, which only marks.
    pub(super) id: Option<Column>,
    title: &'static str,
    /// 0 = always shown; 1–2 useful (dropped only when cutting is not enough); 3+ optional.
    priority: u8,
    /// Narrowest it may be cut to.
    min: u16,
    /// Widest it asks for.
    max: u16,
    /// Takes the slack left over (the name).
    fill: bool,
    /// Shift + this letter sorts by the column (underlined in its title).
    letter: char,
    pub(super) cell: CellFn,
    /// How a cell too long for the column is cut (`ellipsize`, the one rule, unless the end is
    /// the point).
    pub(super) cut: fn(&str, usize) -> Cow<'_, str>,
    rich: Option<RichFn>,
}

impl Col {
    /// Whether its cells change with time alone (what a clock tick redraws).
    pub(super) fn is_live(&self) -> bool {
        matches!(self.id, Some(Column::Duration | Column::IdleIn | Column::Durations))
    }

    /// Whether it is drawn by a rich function (several styles) rather than one span.
    pub(super) fn is_rich(&self) -> bool {
        self.rich.is_some()
    }

    /// What fitting makes of it for cells at most `widest` wide (`fit`): hidden (empty and
    /// not required), its natural width and the width it wants; `title` is its title's width.
    pub(super) fn measure(&self, widest: u16, title: u16) -> Measure {
        Measure {
            hidden: widest == 0 && self.priority > 0,
            natural: widest.max(title).min(self.max.max(title)),
            wants: widest.max(title),
        }
    }

    /// Its title's width as fitting counts it.
    fn title_width(&self, title: &str) -> u16 {
        width_upto(title, usize::from(self.max)) as u16
    }
}

/// How fitting sees a column: equal measures of every column fit the same widths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Measure {
    hidden: bool,
    natural: u16,
    wants: u16,
}

const fn col(id: Column, priority: u8, min: u16, max: u16, cell: CellFn) -> Col {
    Col {
        id: Some(id),
        title: id.title(),
        priority,
        min,
        max,
        fill: false,
        letter: ' ',
        cell,
        cut: ellipsize,
        rich: None,
    }
}

const fn fixed(id: Column, priority: u8, width: u16, cell: CellFn) -> Col {
    col(id, priority, width, width, cell)
}

/// `c` drawn by `rich` (its `cell` still gives the plain text the width is fitted to).
const fn rich(mut c: Col, rich: RichFn) -> Col {
    c.rich = Some(rich);
    c
}

pub(super) fn raw(text: &str) -> Span<'_> {
    Span::raw(text)
}

fn mark<'a>(v: &View<'a>, theme: &Theme) -> Span<'a> {
    if v.marked { Span::styled(MARKED, theme.key) } else { raw(" ") }
}
fn workspace<'a>(v: &View<'a>, _: &Theme) -> Span<'a> {
    raw(&v.e.res.workspace)
}
fn kind<'a>(v: &View<'a>, _: &Theme) -> Span<'a> {
    raw(v.e.res.kind.singular())
}
fn name<'a>(v: &View<'a>, _: &Theme) -> Span<'a> {
    raw(&v.e.res.name)
}
fn id<'a>(v: &View<'a>, _: &Theme) -> Span<'a> {
    raw(short_id(&v.e.res.id))
}
fn state<'a>(v: &View<'a>, theme: &Theme) -> Span<'a> {
    Span::styled(v.e.res.raw_state.as_str(), theme.status(v.e.res.status))
}
/// In All: the run's result next to its life-cycle state (`TERMINATED/FAILED`), so the
/// outcome reads without colour.
fn state_and_result<'a>(v: &View<'a>, theme: &Theme) -> Span<'a> {
    Span::styled(v.e.res.state_label(), theme.status(v.e.res.status))
}
/// An owner known only by its object id (a notebook's submitter) reads as a short id too.
fn owner<'a>(v: &View<'a>, _: &Theme) -> Span<'a> {
    raw(short_id(v.e.res.owner.as_deref().unwrap_or("")))
}
fn started<'a>(v: &View<'a>, _: &Theme) -> Span<'a> {
    raw(&v.e.started)
}
/// A queued item says how long it has waited ("wait 4m").
fn duration<'a>(v: &View<'a>, theme: &Theme) -> Span<'a> {
    if let Some(waited) = crate::app::capacity::waited(&v.e.res, v.now) {
        return Span::styled(crate::app::capacity::wait_label(waited), theme.status(v.e.res.status));
    }
    Span::raw(v.e.res.duration(v.now).map(format_duration).unwrap_or_default())
}
fn idle_in<'a>(v: &View<'a>, theme: &Theme) -> Span<'a> {
    // Past the timeout ("due") the service is about to stop it (or already has).
    match v.e.res.idle_countdown(v.now) {
        Some((text, warn)) => Span::styled(text, if warn { theme.warning } else { Style::default() }),
        None => raw(""),
    }
}
/// Short marks, each with its meaning in `?` help: watched, high concurrency, read-only
/// (monitoring list), pinned, stale.
fn flags<'a>(v: &View<'a>, _: &Theme) -> Span<'a> {
    let mut marks: Vec<&str> = Vec::new();
    if v.watched {
        marks.push(WATCHED);
    }
    match &v.e.res.detail {
        Detail::Session { read_only: true, .. } => marks.push("ro"),
        Detail::Session { high_concurrency: true, .. } => marks.push("HC"),
        Detail::Cluster { pinned: true, .. } => marks.push("pin"),
        _ => {}
    }
    if v.stale {
        marks.push("stale");
    }
    Span::raw(marks.join(" "))
}
fn lakehouse<'a>(v: &View<'a>, _: &Theme) -> Span<'a> {
    match &v.e.res.detail {
        Detail::Session { lakehouse: Some(l), .. } | Detail::Batch { lakehouse: Some(l), .. } => raw(l),
        _ => raw(""),
    }
}
fn file<'a>(v: &View<'a>, _: &Theme) -> Span<'a> {
    raw(&v.e.file)
}
fn workers<'a>(v: &View<'a>, _: &Theme) -> Span<'a> {
    match &v.e.res.detail {
        Detail::Cluster { workers, .. } => raw(workers),
        _ => raw(""),
    }
}
fn runtime<'a>(v: &View<'a>, _: &Theme) -> Span<'a> {
    match &v.e.res.detail {
        Detail::Cluster { runtime: Some(r), .. } => raw(r),
        _ => raw(""),
    }
}
fn trigger<'a>(v: &View<'a>, _: &Theme) -> Span<'a> {
    match &v.e.res.detail {
        Detail::Run { trigger: Some(t), .. } => raw(t),
        _ => raw(""),
    }
}
fn result<'a>(v: &View<'a>, theme: &Theme) -> Span<'a> {
    match &v.e.res.detail {
        Detail::Run { result: Some(r), .. } => Span::styled(r.as_str(), theme.status(v.e.res.status)),
        _ => raw(""),
    }
}

/// How column `id` is drawn in `pane`.
fn spec(pane: Pane, id: Column) -> Col {
    let mut c = match id {
        Column::Workspace => col(id, 0, 8, 40, workspace),
        Column::Kind => fixed(id, 1, 7, kind),
        Column::Name => Col { fill: true, ..col(id, 0, 14, 64, name) },
        Column::Id => col(id, 1, 8, 12, self::id),
        Column::State if pane == Pane::All => {
            Col { max: 32, cut: ellipsize_keeping_result, ..col(id, 0, 10, 24, state_and_result) }
        }
        Column::State => col(id, 0, 10, 24, state),
        Column::Result => col(id, 1, 6, 14, result),
        Column::Trigger => col(id, 5, 7, 12, trigger),
        Column::File => col(id, 4, 10, 24, file),
        Column::Workers => col(id, 2, 7, 11, workers),
        Column::Runtime => col(id, 3, 10, 18, runtime),
        Column::Owner => col(id, 5, 10, 32, owner),
        Column::Started => fixed(id, 4, 11, started),
        Column::Duration => fixed(id, 2, 8, duration),
        Column::IdleIn => fixed(id, 3, 7, idle_in),
        Column::Flags => col(id, 3, 5, 12, flags),
        Column::Lakehouse => col(id, 6, 10, 16, lakehouse),
        Column::Runs => rich(fixed(id, 1, RECENT_RUNS as u16, jobs::strip_text), jobs::strip),
        Column::Durations => {
            // Room for its title with its sort letter ("DURATIONS·X").
            rich(fixed(id, 2, (RECENT_RUNS as u16).max(11), jobs::sparkline_text), jobs::sparkline)
        }
        Column::Schedule => col(id, 3, 8, 24, jobs::schedule),
    };
    match (pane, id) {
        (Pane::Runs, Column::Name) => c.title = "JOB / RUN",
        (Pane::Jobs, Column::State) => {
            c = Col { title: "LAST RUN", max: 32, cut: ellipsize_keeping_result, cell: state_and_result, ..c }
        }
        (Pane::Jobs, Column::Owner) => c.title = "CREATOR",
        _ => {}
    }
    c.letter = crate::app::columns::letter(pane, id);
    c
}

/// The columns `pane` shows (the user's choice, in order); WORKSPACE only while the pane can
/// show two workspaces; the marks column first while rows are marked.
fn columns(pane: Pane, workspaces: usize, shown: &[Column], marks: bool) -> Vec<Col> {
    let marks = marks.then_some(Col {
        id: None,
        title: "",
        priority: 0,
        min: 1,
        max: 1,
        fill: false,
        letter: ' ',
        cell: mark,
        cut: ellipsize,
        rich: None,
    });
    let chosen = shown.iter().filter(|c| **c != Column::Workspace || workspaces > 1).map(|c| spec(pane, *c));
    marks.into_iter().chain(chosen).collect()
}

/// The title as shown: with `·X` when its sort letter is not in it, and the sort direction
/// when this column is the sort.
fn title(c: &Col, sort: SortKey, reverse: bool) -> Cow<'static, str> {
    let Some(id) = c.id else { return Cow::Borrowed(c.title) };
    let letter = (!c.title.contains(c.letter)).then(|| format!("·{}", c.letter));
    let arrow = (sort == SortKey::By(id)).then_some(if reverse { "↑" } else { "↓" });
    match (letter, arrow) {
        (None, None) => Cow::Borrowed(c.title),
        (letter, arrow) => {
            Cow::Owned(format!("{}{}{}", c.title, letter.unwrap_or_default(), arrow.unwrap_or("")))
        }
    }
}

/// A column's heading cut to `width`, its sort letter underlined.
fn heading(s: &Sized) -> Line<'static> {
    let text = ellipsize(&s.title, usize::from(s.width)).into_owned();
    let Some(at) = text.find(s.col.letter) else { return Line::raw(text) };
    let end = at + s.col.letter.len_utf8();
    Line::from(vec![
        Span::raw(text[..at].to_string()),
        Span::styled(text[at..end].to_string(), Style::new().add_modifier(Modifier::UNDERLINED)),
        Span::raw(text[end..].to_string()),
    ])
}

/// A column and the width it got.
struct Sized {
    col: Col,
    /// Its place in each row of the cells (`Cells`).
    at: usize,
    title: Cow<'static, str>,
    width: u16,
    /// What it would need to show every visible value whole (up to its `max`).
    natural: u16,
    /// The same without the `max` (up to the table's width): more than `width` means cut.
    wants: u16,
}

/// The index of the least important column of at least `min_priority` (rightmost on ties).
fn least_important(sized: &[Sized], min_priority: u8) -> Option<usize> {
    sized
        .iter()
        .enumerate()
        .filter(|(_, s)| s.col.priority >= min_priority)
        .max_by_key(|(i, s)| (s.col.priority, *i))
        .map(|(i, _)| i)
}

fn total(sized: &[Sized], widths: impl Fn(&Sized) -> u16) -> u16 {
    let cells: u16 = sized.iter().map(widths).sum();
    cells + GAP * (sized.len().saturating_sub(1) as u16) + MARKER.chars().count() as u16
}

/// The cells of the rows on screen, row after row, each made once: the widths are fitted to
/// them and they are drawn as they are (cut only where wider than their column).
struct Cells<'a> {
    per_row: usize,
    cells: Vec<Span<'a>>,
}

impl<'a> Cells<'a> {
    fn new(cols: &[Col], rows: &[View<'a>], theme: &Theme) -> Cells<'a> {
        let mut cells = Vec::with_capacity(cols.len() * rows.len());
        for v in rows {
            cells.extend(cols.iter().map(|c| (c.cell)(v, theme)));
        }
        Cells { per_row: cols.len(), cells }
    }

    fn column(&self, at: usize) -> impl Iterator<Item = &Span<'a>> {
        self.cells.iter().skip(at).step_by(self.per_row.max(1))
    }

    /// Row `row`'s cell of column `at`, taken out (each is drawn once).
    fn take(&mut self, row: usize, at: usize) -> Span<'a> {
        self.cells.get_mut(row * self.per_row + at).map(std::mem::take).unwrap_or_default()
    }
}

/// The widest of `cells` (up to the table's `width`).
pub(super) fn widest<'a, 'b: 'a>(cells: impl Iterator<Item = &'a Span<'b>>, width: u16) -> u16 {
    cells.map(|s| width_upto(&s.content, usize::from(width))).max().unwrap_or(0) as u16
}

/// Pick the columns and widths that fit `width` for `cells` (those of the rows on screen).
fn fit(cols: Vec<Col>, cells: &Cells, width: u16, sort: (SortKey, bool)) -> Vec<Sized> {
    let mut sized: Vec<Sized> = cols
        .into_iter()
        .enumerate()
        .filter_map(|(at, c)| {
            let title = title(&c, sort.0, sort.1);
            let widest = widest(cells.column(at), width);
            let m = c.measure(widest, c.title_width(&title));
            // A column with nothing to show takes no room (a priority-0 column keeps its title).
            if m.hidden {
                return None;
            }
            Some(Sized { col: c, at, title, width: m.natural, natural: m.natural, wants: m.wants })
        })
        .collect();
    // Optional columns go before anything is cut.
    while total(&sized, |s| s.natural) > width {
        match least_important(&sized, 3) {
            Some(i) => drop(sized.remove(i)),
            None => break,
        }
    }
    // Useful columns go only when cutting every column to its minimum is not enough.
    while total(&sized, |s| s.col.min.min(s.natural)) > width {
        match least_important(&sized, 1) {
            Some(i) => drop(sized.remove(i)),
            None => break,
        }
    }
    // Cut a cell at a time from the column with the most room above its minimum, so every cut
    // column keeps about the same share of what it asked for (then, if that is still not
    // enough, below the minimums).
    let mut excess = total(&sized, |s| s.width).saturating_sub(width);
    for floor in [true, false] {
        while excess > 0 {
            let widest = sized
                .iter_mut()
                .filter(|s| if floor { s.width > s.col.min } else { s.width > 1 })
                .max_by_key(|s| (if floor { s.width - s.col.min } else { s.width }, !s.col.fill));
            match widest {
                Some(s) => {
                    s.width -= 1;
                    excess -= 1;
                }
                None => break,
            }
        }
    }
    // Slack goes first to the columns still cut (at their `max`), a cell at a time to the
    // narrowest, so the short ones read whole before a long one grows; then to the name.
    let mut slack = width.saturating_sub(total(&sized, |s| s.width));
    while slack > 0 {
        let narrowest = sized
            .iter_mut()
            .filter(|s| s.wants > s.width && !s.col.fill)
            .min_by_key(|s| (s.width, s.col.priority));
        match narrowest {
            Some(s) => {
                s.width += 1;
                slack -= 1;
            }
            None => break,
        }
    }
    if let Some(s) = sized.iter_mut().find(|s| s.col.fill) {
        s.width += slack;
    }
    sized
}

/// Each workspace's tag in a column `width` wide: its name, cut with "…" when it does not fit;
/// where two cuts would read the same, the end of the name is kept too ("adb-a…-prod").
pub fn tags(workspaces: &[WorkspaceState], width: usize) -> Vec<String> {
    let names: Vec<&str> = workspaces.iter().map(|w| w.workspace.name.as_str()).collect();
    let cut: Vec<String> = names.iter().map(|n| ellipsize(n, width).into_owned()).collect();
    cut.iter()
        .zip(&names)
        .map(|(c, name)| {
            let clashes = cut.iter().zip(&names).any(|(other, n)| other == c && n != name);
            if !clashes || width < 5 {
                return c.clone();
            }
            let chars: Vec<char> = name.chars().collect();
            let tail = (width - 1) / 2;
            let head = width - 1 - tail;
            let head: String = chars.iter().take(head).collect();
            let tail: String = chars[chars.len().saturating_sub(tail)..].iter().collect();
            ellipsize(&format!("{head}…{tail}"), width).into_owned()
        })
        .collect()
}

/// Render the focused pane: the frame with its title (counts, scope, filter, sort) and the
/// position, column titles in `header`, rows in `area` directly below it.
/// Returns where its live cells are, for a clock tick to draw them alone (`ui::live`).
pub fn render(frame: &mut Frame, app: &App, theme: &Theme, header: Rect, area: Rect) -> Option<Live> {
    let vs = app.pane_state();
    let (refs, visible) = shown(app, area);
    let sort = (vs.sort, vs.reverse);
    let cols = columns(app.pane(), app.pane_workspace_count(), app.shown_columns(), app.marked_count() > 0);
    let mut cells = Cells::new(&cols, &visible, theme);
    // How fitting saw the columns a tick changes, before fitting takes them.
    let measures: Vec<(Col, u16, Measure)> = cols
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_live())
        .map(|(at, c)| {
            let title = c.title_width(&title(c, sort.0, sort.1));
            (*c, title, c.measure(widest(cells.column(at), area.width), title))
        })
        .collect();
    let mut sized = fit(cols, &cells, area.width, sort);
    // Where RESULT did not fit, the state carries the result (`TERMIN…/FAILED`), as in All: the
    // outcome never rests on colour alone.
    if !sized.iter().any(|s| s.col.id == Some(Column::Result))
        && let Some(s) = sized.iter_mut().find(|s| s.col.id == Some(Column::State))
    {
        s.col.cell = state_and_result;
        s.col.cut = ellipsize_keeping_result;
        for (row, v) in visible.iter().enumerate() {
            cells.cells[row * cells.per_row + s.at] = state_and_result(v, theme);
        }
    }
    let ws_width = sized.iter().find(|s| s.col.id == Some(Column::Workspace)).map(|s| usize::from(s.width));
    let tags = ws_width.map(|w| tags(app.workspaces(), w)).unwrap_or_default();
    let rows = visible
        .iter()
        .enumerate()
        .map(|(at, v)| {
            let cells = sized
                .iter()
                .map(|s| {
                    if let Some(rich) = s.col.rich {
                        return Content::Line(rich(v, theme));
                    }
                    let span = cells.take(at, s.at);
                    let text = if s.col.id == Some(Column::Workspace) {
                        tags.get(v.ws).cloned().map(Cow::Owned).unwrap_or(span.content)
                    } else {
                        // Text that fits is drawn as it is, without a copy.
                        let cut = match (s.col.cut)(&span.content, usize::from(s.width)) {
                            Cow::Owned(cut) => Some(cut),
                            Cow::Borrowed(_) => None,
                        };
                        cut.map_or(span.content, Cow::Owned)
                    };
                    Content::Span(Span::styled(text, span.style))
                })
                .collect();
            table_draw::Row { cells, style: row_style(app, v, theme) }
        })
        .collect();
    let grid = Grid {
        widths: sized.iter().map(|s| s.width).collect(),
        gap: GAP,
        header: sized.iter().map(heading).collect(),
        header_style: theme.muted.bold(),
        rows,
        selected: (!visible.is_empty()).then(|| vs.selected.saturating_sub(vs.offset)),
        highlight: theme.selected,
        marker: MARKER,
    };
    let whole = Rect { height: header.height + area.height, ..header };
    grid.draw(whole, frame.buffer_mut());
    if visible.is_empty() {
        frame.render_widget(Paragraph::new(empty_lines(app, theme)), area);
        return None;
    }
    let xs = grid.columns(whole);
    let live: Vec<(Col, u16, u16)> =
        sized.iter().zip(xs).filter(|(s, _)| s.col.is_live()).map(|(s, (x, w))| (s.col, x, w)).collect();
    // A rich live cell (the Jobs pane's durations) is drawn with the whole table.
    if live.iter().any(|(c, ..)| c.is_rich()) {
        return None;
    }
    Some(Live {
        pane: app.pane(),
        at: (vs.offset, vs.selected),
        area,
        styles: grid.rows.iter().map(|r| r.style).collect(),
        rows: refs,
        selected: grid.selected.map(|s| s.min(grid.rows.len().saturating_sub(1))),
        highlight: grid.highlight,
        measures,
        cells: live,
    })
}

/// The rows on screen in `area` (only those become widgets), with their places in the pane.
pub(super) fn shown<'a>(app: &'a App, area: Rect) -> (Vec<RowRef>, Vec<View<'a>>) {
    let vs = app.pane_state();
    let end = (vs.offset + usize::from(area.height)).min(vs.rows.len());
    vs.rows[vs.offset.min(end)..end].iter().filter_map(|r| Some((*r, view(app, *r, app.now())?))).unzip()
}

/// A row's style, laid under its cells: marked, stale, flashing after a change, or plain.
pub(super) fn row_style(app: &App, v: &View, theme: &Theme) -> Style {
    if v.marked {
        theme.text.bold()
    } else if v.stale {
        theme.muted
    } else if app.is_flashing(v.e) {
        theme.flash
    } else {
        Style::default()
    }
}

/// What a shown row's cells depend on.
fn view(app: &App, r: RowRef, now: Timestamp) -> Option<View<'_>> {
    let e = app.entry(r)?;
    let slot = app.slot_of(r)?;
    let stale = slot.is_stale();
    Some(View {
        e,
        now: if stale { slot.fetched_at.unwrap_or(now) } else { now },
        stale,
        watched: app.is_watched(e.res.kind, &e.res.workspace, &e.res.id),
        marked: app.is_marked(e),
        ws: r.ws(),
    })
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
        lines.push(Line::styled(format!(" {}", not_served(app, pane)), theme.muted));
    }
    lines
}

/// Why a pane has nothing at all: the `:ws` scope is a workspace of the other service, or no
/// workspace of its service is configured.
fn not_served(app: &App, pane: Pane) -> String {
    let service = pane.kind().map_or("", |k| crate::domain::Service::of(k).label());
    let noun = pane.kind().map_or("items", Kind::plural);
    match app.scope() {
        Some(s) => {
            let other = Pane::ALL
                .iter()
                .enumerate()
                .filter(|(_, p)| p.kind().is_some_and(|k| s.workspace.service.kinds().contains(&k)))
                .map(|(i, p)| format!("{} {}", i + 1, p.command()))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "{} is a {} workspace: {noun} are {service}'s. It has {other}; :ws shows every workspace again.",
                s.workspace.name,
                s.workspace.service.label()
            )
        }
        None => {
            format!("No {service} workspace configured: add one to config.toml (see config.example.toml).")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::WorkspaceRef;
    use crate::domain::Service;

    #[test]
    fn names_cut_alike_keep_their_ends_apart() {
        let ws = |n: &str| WorkspaceState::new(WorkspaceRef::new(n, Service::Databricks));
        let all = [ws("adb-analytics-prod"), ws("adb-analytics-dev"), ws("short")];
        assert_eq!(tags(&all, 20), ["adb-analytics-prod", "adb-analytics-dev", "short"]);
        assert_eq!(tags(&all, 11), ["adb-a…-prod", "adb-a…s-dev", "short"]);
    }
}
