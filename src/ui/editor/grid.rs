//! Result tables as grids: column names over their Spark types, numbers right-aligned, cells cut
//! with "…" at the column's width; in the output scrolled sideways by whole columns, and full
//! screen (alt-f) with a cell cursor. Only the rows on screen are turned into lines.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::App;
use crate::app::editor::Grid;
use crate::domain::statement::{Cell, Table};

use super::super::theme::Theme;

/// `text` in `w` columns: cut with "…", or padded (right-aligned when `right`).
fn fit(text: &str, w: usize, right: bool) -> String {
    if text.chars().count() > w {
        let cut: String = text.chars().take(w.saturating_sub(1)).collect();
        format!("{cut}…")
    } else if right {
        format!("{text:>w$}")
    } else {
        format!("{text:<w$}")
    }
}

fn cell_text(cell: Option<&Cell>) -> String {
    cell.map(Cell::text).unwrap_or_default()
}

/// The table in the output in at most `need` lines (at least one row): header, types, rule, the
/// last rows (the output is read from the bottom), and how many rows there are; columns from
/// `left` on.
pub(super) fn table_lines<'a>(
    table: &Table,
    grid: &Grid,
    theme: &Theme,
    left: usize,
    need: usize,
) -> Vec<Line<'a>> {
    let cols: Vec<usize> = (left.min(table.columns.len())..table.columns.len()).collect();
    let join = |cells: Vec<String>| format!("   {}", cells.join(" │ ").trim_end());
    let mut lines = Vec::new();
    lines.push(Line::styled(
        join(cols.iter().map(|&i| fit(&table.columns[i].name, grid.widths[i], grid.numeric[i])).collect()),
        theme.title,
    ));
    if table.columns.iter().any(|c| c.data_type.is_some()) {
        let types = cols.iter().map(|&i| {
            fit(table.columns[i].data_type.as_deref().unwrap_or(""), grid.widths[i], grid.numeric[i])
        });
        lines.push(Line::styled(join(types.collect()), theme.muted));
    }
    let rule: Vec<String> = cols.iter().map(|&i| "─".repeat(grid.widths[i])).collect();
    lines.push(Line::styled(format!("   {}", rule.join("─┼─")), theme.muted));
    // The lines besides the rows: those above, the summary below, and "… rows above" if cut.
    let fixed = lines.len() + 1;
    let room = need.saturating_sub(fixed);
    let room = if table.rows.len() > room { room.saturating_sub(1).max(1) } else { room };
    let skip = table.rows.len().saturating_sub(room);
    if skip > 0 {
        lines.push(Line::styled(
            format!("   … {skip} rows above (alt-k scrolls, alt-f shows them all)"),
            theme.muted,
        ));
    }
    for row in &table.rows[skip..] {
        let cells = cols.iter().map(|&i| {
            let cell = row.get(i);
            let text = if matches!(cell, Some(Cell::Null)) { "null".to_string() } else { cell_text(cell) };
            fit(&text, grid.widths[i], grid.numeric[i])
        });
        lines.push(Line::styled(join(cells.collect()), theme.text));
    }
    let n = table.rows.len();
    let mut summary = format!("   ({n} row{})", if n == 1 { "" } else { "s" });
    if table.dropped_rows > 0 {
        summary = format!("   ({n} rows shown; {} more not kept)", table.dropped_rows);
    }
    summary.push_str(" · alt-f full screen · :export PATH.csv|.json");
    lines.push(Line::styled(summary, theme.muted));
    lines
}

/// The table open full screen: the columns that fit from the cursor's, the rows around the
/// cursor's, the cell under the cursor highlighted, and where the cursor is.
pub(super) fn full_screen(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let ed = app.editor();
    let (Some(view), Some(run)) =
        (ed.grid_view, ed.grid_view.and_then(|v| ed.runs.iter().find(|r| r.seq == v.seq)))
    else {
        return;
    };
    let Some(crate::domain::statement::Output::Table(table)) = &run.output else { return };
    let grid = &*crate::app::editor::layout_of(&run.grid, table);
    let col_name = table.columns.get(view.col).map_or(String::new(), |c| {
        format!("{}{}", c.name, c.data_type.as_ref().map(|t| format!(" ({t})")).unwrap_or_default())
    });
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.dialog_border)
        .title(Span::styled(
            format!(
                " [{}] row {}/{} · column {}/{} {col_name} ",
                run.seq,
                view.row + 1,
                table.rows.len(),
                view.col + 1,
                table.columns.len()
            ),
            theme.title,
        ))
        .title_bottom(Line::styled(
            " arrows move · pgup/pgdn · g/G · y copy cell · r row · c column · esc close ",
            theme.muted,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // Columns from the cursor's leftwards until the width is used, so the cursor's column shows.
    let width = usize::from(inner.width);
    let mut first = view.col;
    let mut used = grid.widths.get(view.col).copied().unwrap_or(0) + 3;
    while first > 0 && used + grid.widths[first - 1] + 3 <= width {
        first -= 1;
        used += grid.widths[first] + 3;
    }
    // Then every column that starts on screen: the last one cut at the edge shows there is more.
    let mut cols = Vec::new();
    let mut room = width;
    for i in first..table.columns.len() {
        if room == 0 {
            break;
        }
        cols.push(i);
        room = room.saturating_sub(grid.widths[i] + 3);
    }
    let body = usize::from(inner.height).saturating_sub(3);
    let top = view.row.saturating_sub(body.saturating_sub(1));
    let mut lines = Vec::new();
    let header = |f: &dyn Fn(usize) -> String| -> Line<'static> {
        Line::from(
            cols.iter()
                .map(|&i| {
                    Span::styled(format!(" {} │", fit(&f(i), grid.widths[i], grid.numeric[i])), theme.title)
                })
                .collect::<Vec<_>>(),
        )
    };
    lines.push(header(&|i| table.columns[i].name.clone()));
    lines.push(header(&|i| table.columns[i].data_type.clone().unwrap_or_default()).style(theme.muted));
    lines.push(Line::styled(
        cols.iter().map(|&i| format!("─{}─┼", "─".repeat(grid.widths[i]))).collect::<String>(),
        theme.muted,
    ));
    for (r, row) in table.rows.iter().enumerate().skip(top).take(body) {
        let spans: Vec<Span> = cols
            .iter()
            .map(|&i| {
                let text = fit(&cell_text(row.get(i)), grid.widths[i], grid.numeric[i]);
                let style = if r == view.row && i == view.col {
                    theme.selected
                } else if r == view.row {
                    theme.title
                } else if matches!(row.get(i), Some(Cell::Null)) {
                    theme.muted
                } else {
                    theme.text
                };
                Span::styled(format!(" {text} "), style)
            })
            .flat_map(|s| [s, Span::styled("│", theme.muted)])
            .collect();
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
