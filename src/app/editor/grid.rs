//! Result tables as grids: column widths and alignment worked out once when a table arrives
//! (so a frame only slices the rows it shows), the newest table scrolled sideways (alt-←/→), and
//! the full-screen view (alt-f) that moves a cell cursor and copies a cell, a row or a column.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::App;
use crate::app::msg::Effect;
use crate::domain::statement::{Output, Table};

/// Widest a column is shown before its cells are cut.
pub const MAX_COLUMN: usize = 40;

/// How a table is laid out: each column's width (header, type and cells, capped) and whether it
/// holds numbers (right-aligned).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Grid {
    pub widths: Vec<usize>,
    pub numeric: Vec<bool>,
}

/// Lay `table` out.
pub fn grid_of(table: &Table) -> Grid {
    let width = |s: &str| s.chars().count().min(MAX_COLUMN);
    let mut widths: Vec<usize> =
        table.columns.iter().map(|c| width(&c.name).max(c.data_type.as_deref().map_or(0, width))).collect();
    for row in &table.rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(&cell.text()));
        }
    }
    let numeric = (0..table.columns.len()).map(|i| table.is_numeric(i)).collect();
    Grid { widths, numeric }
}

/// How `run`'s table is laid out: as worked out on arrival, else now (a run built by hand).
pub fn layout_of<'a>(grid: &'a Option<Grid>, table: &Table) -> std::borrow::Cow<'a, Grid> {
    match grid {
        Some(g) => std::borrow::Cow::Borrowed(g),
        None => std::borrow::Cow::Owned(grid_of(table)),
    }
}

/// The full-screen table: which run's, and the cell the cursor is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GridView {
    pub seq: u64,
    pub row: usize,
    pub col: usize,
}

impl App {
    /// The table the grid keys act on: the one open full screen, else the newest.
    pub(in crate::app) fn grid_table(&self) -> Option<(u64, &Table)> {
        let tab = self.console.tab();
        let want = tab.grid_view.map(|v| v.seq);
        tab.runs.iter().rev().filter(|r| want.is_none_or(|s| s == r.seq)).find_map(|r| match &r.output {
            Some(Output::Table(t)) => Some((r.seq, t)),
            _ => None,
        })
    }

    pub(in crate::app) fn scroll_grid(&mut self, right: bool) {
        let columns = self.grid_table().map_or(0, |(_, t)| t.columns.len());
        let tab = self.console.tab_mut();
        tab.grid_left = if right {
            (tab.grid_left + 1).min(columns.saturating_sub(1))
        } else {
            tab.grid_left.saturating_sub(1)
        };
        if columns == 0 {
            self.info("No table to scroll yet.".into());
        }
    }

    pub(in crate::app) fn open_grid(&mut self) {
        match self.grid_table().map(|(seq, _)| seq) {
            Some(seq) => self.console.tab_mut().grid_view = Some(GridView { seq, row: 0, col: 0 }),
            None => self.info("No table to show yet: run a query first.".into()),
        }
    }

    /// Keys in the full-screen table: arrows (or h j k l) move, pgup/pgdn and home/end jump, y
    /// copies the cell, r the row, c the column (tab-separated), esc closes.
    pub(in crate::app) fn on_grid_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some((rows, cols)) = self.grid_table().map(|(_, t)| (t.rows.len(), t.columns.len())) else {
            self.console.tab_mut().grid_view = None;
            return Vec::new();
        };
        let page = usize::from(self.size.1).saturating_sub(8).max(1);
        let Some(view) = &mut self.console.tab_mut().grid_view else { return Vec::new() };
        let last_row = rows.saturating_sub(1);
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => self.console.tab_mut().grid_view = None,
            KeyCode::Char('f') if key.modifiers.contains(KeyModifiers::ALT) => {
                self.console.tab_mut().grid_view = None
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => return vec![Effect::Quit],
            KeyCode::Down | KeyCode::Char('j') => view.row = (view.row + 1).min(last_row),
            KeyCode::Up | KeyCode::Char('k') => view.row = view.row.saturating_sub(1),
            KeyCode::Right | KeyCode::Char('l') => view.col = (view.col + 1).min(cols.saturating_sub(1)),
            KeyCode::Left | KeyCode::Char('h') => view.col = view.col.saturating_sub(1),
            KeyCode::PageDown => view.row = (view.row + page).min(last_row),
            KeyCode::PageUp => view.row = view.row.saturating_sub(page),
            KeyCode::Home | KeyCode::Char('g') => view.row = 0,
            KeyCode::End | KeyCode::Char('G') => view.row = last_row,
            KeyCode::Char(which @ ('y' | 'r' | 'c')) => return self.copy_from_grid(which),
            _ => {}
        }
        Vec::new()
    }

    fn copy_from_grid(&mut self, which: char) -> Vec<Effect> {
        let Some(view) = self.console.tab().grid_view else { return Vec::new() };
        let Some((_, table)) = self.grid_table() else { return Vec::new() };
        let cell =
            |r: &[crate::domain::statement::Cell], c: usize| r.get(c).map(|x| x.text()).unwrap_or_default();
        let (what, text) = match which {
            'y' => (
                format!(
                    "cell {} of row {}",
                    table.columns.get(view.col).map_or("?", |c| c.name.as_str()),
                    view.row + 1
                ),
                table.rows.get(view.row).map(|r| cell(r, view.col)).unwrap_or_default(),
            ),
            'r' => (
                format!("row {}", view.row + 1),
                table
                    .rows
                    .get(view.row)
                    .map(|r| r.iter().map(|c| c.text()).collect::<Vec<_>>().join("\t"))
                    .unwrap_or_default(),
            ),
            _ => {
                let name = table.columns.get(view.col).map_or(String::new(), |c| c.name.clone());
                let values = table.rows.iter().map(|r| cell(r, view.col));
                (
                    format!("column {name}"),
                    std::iter::once(name.clone()).chain(values).collect::<Vec<_>>().join("\n"),
                )
            }
        };
        self.info(format!("Copied the {what} to the clipboard, if the terminal allows OSC 52."));
        vec![Effect::Copy(text)]
    }
}
