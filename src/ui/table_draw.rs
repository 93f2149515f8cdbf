//! Drawing the fitted pane table into the frame's buffer: exactly what ratatui's `Table` draws
//! for it (the header row, the rows with their styles, the selection marker and highlight),
//! with printable ASCII text written straight into the buffer's cells.
//!
//! Hand-rolled on purpose: ratatui's `Table` turns every cell into a `Text` (two allocations)
//! and walks it grapheme by grapheme (Unicode segmentation), which was most of the cost of a
//! frame — and an idle Sessions pane draws one every second while durations count. Most cells
//! are ASCII (ids, states, times, durations), one cell of the screen per byte; any other text
//! is drawn by ratatui's own `Line`, so wide and combining characters behave as before. Column
//! positions come from the same `Layout` calls the `Table` makes (ratatui caches them).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

/// One cell's content: one span (most cells) or a line of several styles.
pub(super) enum Content<'a> {
    Span(Span<'a>),
    Line(Line<'a>),
}

/// A row of cells with the style laid over the whole row first.
pub(super) struct Row<'a> {
    pub(super) cells: Vec<Content<'a>>,
    pub(super) style: Style,
}

/// The table to draw: column widths, the header, the rows on screen (at most one per line of
/// the area below the header).
pub(super) struct Grid<'a> {
    pub(super) widths: Vec<u16>,
    pub(super) gap: u16,
    pub(super) header: Vec<Line<'a>>,
    pub(super) header_style: Style,
    pub(super) rows: Vec<Row<'a>>,
    /// Index into `rows` of the highlighted row.
    pub(super) selected: Option<usize>,
    pub(super) highlight: Style,
    /// Drawn in front of the selected row; its width is kept free in front of every row.
    pub(super) marker: &'static str,
}

impl Grid<'_> {
    /// Where each column's cells go when drawn into `area` (inside `buf`): their first
    /// screen column and width.
    pub(super) fn columns(&self, area: Rect) -> Vec<(u16, u16)> {
        self.layout(area).iter().map(|c| (area.x + c.x, c.width)).collect()
    }

    /// The columns' places relative to `area`, as ratatui's `Table` lays them out.
    fn layout(&self, area: Rect) -> std::rc::Rc<[Rect]> {
        let marker_width = u16::try_from(Line::raw(self.marker).width()).unwrap_or(u16::MAX);
        let [_, columns_area] = Layout::horizontal([Constraint::Length(marker_width), Constraint::Fill(0)])
            .areas(Rect::new(0, 0, area.width, 1));
        Layout::horizontal(self.widths.iter().map(|w| Constraint::Length(*w)))
            .spacing(self.gap)
            .split(columns_area)
    }

    /// Draw into `area`: the header on its first line, the rows below.
    pub(super) fn draw(&self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let marker = Line::raw(self.marker);
        let marker_width = u16::try_from(marker.width()).unwrap_or(u16::MAX);
        let columns = self.layout(area);
        let header = Rect { height: 1, ..area };
        buf.set_style(header, self.header_style);
        for (column, line) in columns.iter().zip(&self.header) {
            put_line(buf, Rect::new(area.x + column.x, header.y, column.width, 1), line);
        }
        let selected = self.selected.map(|s| s.min(self.rows.len().saturating_sub(1)));
        let body = area.height.saturating_sub(1);
        for (i, row) in self.rows.iter().enumerate().take(usize::from(body)) {
            let row_area = Rect { y: area.y + 1 + i as u16, height: 1, ..area };
            buf.set_style(row_area, row.style);
            if selected == Some(i) {
                put_line(buf, Rect { width: marker_width.min(row_area.width), ..row_area }, &marker);
            }
            for (column, content) in columns.iter().zip(&row.cells) {
                let cell = Rect::new(area.x + column.x, row_area.y, column.width, 1);
                match content {
                    Content::Span(span) => put_span(buf, cell, span),
                    Content::Line(line) => put_line(buf, cell, line),
                }
            }
        }
        if let Some(s) = selected.filter(|s| *s < usize::from(body)) {
            buf.set_style(Rect { y: area.y + 1 + s as u16, height: 1, ..area }, self.highlight);
        }
    }
}

/// Printable ASCII: one cell per byte (control characters are dropped by ratatui, so they
/// take its path).
fn plain_ascii(text: &str) -> bool {
    text.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// `line` in the one-line `area`, cut at its right edge (what `Line` does, left-aligned).
fn put_line(buf: &mut Buffer, area: Rect, line: &Line) {
    let plain = line.style == Style::default()
        && line.alignment.is_none()
        && line.spans.iter().all(|s| plain_ascii(&s.content));
    if !plain {
        line.render(area, buf);
        return;
    }
    let area = area.intersection(buf.area);
    let mut x = area.x;
    for span in &line.spans {
        x = put_ascii(buf, x, area, span);
    }
}

/// `span` in the one-line `area`, cut at its right edge.
pub(super) fn put_span(buf: &mut Buffer, area: Rect, span: &Span) {
    if !plain_ascii(&span.content) {
        Line::from(span.clone()).render(area, buf);
        return;
    }
    let area = area.intersection(buf.area);
    put_ascii(buf, area.x, area, span);
}

/// ASCII `span` from column `x` of `area` (already inside the buffer); where the next one starts.
fn put_ascii(buf: &mut Buffer, mut x: u16, area: Rect, span: &Span) -> u16 {
    for b in span.content.bytes() {
        if x >= area.right() {
            break;
        }
        buf[(x, area.y)].set_char(char::from(b)).set_style(span.style);
        x += 1;
    }
    x
}

#[cfg(test)]
mod tests {
    use ratatui::style::{Color, Modifier};
    use ratatui::widgets::{Cell, HighlightSpacing, Table, TableState};

    use super::*;

    /// The same table drawn by ratatui's `Table` and by `Grid` gives the same buffer, cell for
    /// cell and style for style: ASCII and wide text, cut cells, rich lines, the selection.
    #[test]
    fn draws_what_ratatuis_table_draws() {
        let widths = [4u16, 9, 3, 6];
        let header = ["ID", "NAME", "ST", "TIME"];
        let rows: Vec<(Vec<&str>, Style)> = vec![
            (vec!["a1", "nightly-etl-long", "ok", "4s"], Style::default()),
            (vec!["b2", "数据平台工作区", "✓x", "12m 04s"], Style::new().fg(Color::DarkGray)),
            (vec!["c3", "", "run", "1h 02m"], Style::new().add_modifier(Modifier::BOLD)),
            (vec!["d4", "tab\there", "x", ""], Style::default()),
        ];
        for (width, height, selected) in
            [(40u16, 6u16, Some(1usize)), (18, 4, Some(0)), (30, 8, None), (3, 3, Some(1))]
        {
            let area = Rect::new(1, 1, width, height);
            let span = |i: usize, t: &'static str| {
                if i == 2 { Span::styled(t, Style::new().red()) } else { Span::raw(t) }
            };
            let rich =
                || Line::from(vec![Span::raw("x"), Span::styled("y", Style::new().green()), Span::raw("z")]);
            let mut expected = Buffer::empty(Rect::new(0, 0, 45, 10));
            let table = Table::new(
                rows.iter().map(|(cells, style)| {
                    let mut cells: Vec<Cell> =
                        cells.iter().enumerate().map(|(i, t)| Cell::from(span(i, t))).collect();
                    cells.push(Cell::from(rich()));
                    ratatui::widgets::Row::new(cells).style(*style)
                }),
                widths.iter().chain([&3]).map(|w| Constraint::Length(*w)),
            )
            .header(
                ratatui::widgets::Row::new(header.iter().map(|h| Cell::from(*h))).style(Style::new().bold()),
            )
            .column_spacing(1)
            .row_highlight_style(Style::new().reversed())
            .highlight_symbol("▶ ")
            .highlight_spacing(HighlightSpacing::Always);
            let mut state = TableState::default().with_selected(selected);
            ratatui::widgets::StatefulWidget::render(table, area, &mut expected, &mut state);

            let mut got = Buffer::empty(Rect::new(0, 0, 45, 10));
            let grid = Grid {
                widths: widths.iter().copied().chain([3]).collect(),
                gap: 1,
                header: header.iter().map(|h| Line::raw(*h)).collect(),
                header_style: Style::new().bold(),
                rows: rows
                    .iter()
                    .map(|(cells, style)| {
                        let mut cells: Vec<Content> =
                            cells.iter().enumerate().map(|(i, t)| Content::Span(span(i, t))).collect();
                        cells.push(Content::Line(rich()));
                        Row { cells, style: *style }
                    })
                    .collect(),
                selected,
                highlight: Style::new().reversed(),
                marker: "▶ ",
            };
            grid.draw(area, &mut got);
            assert_eq!(got, expected, "{width}x{height}, selected {selected:?}");
        }
    }
}
