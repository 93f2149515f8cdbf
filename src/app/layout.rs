//! Where everything goes on screen. Shared by the renderer and by `App::update` (paging needs
//! the number of visible rows, mouse clicks need to know what was clicked), so both agree.

use ratatui::layout::Rect;

/// The regions of one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// One line per workspace (health).
    pub header: Rect,
    /// The pane tabs.
    pub tabs: Rect,
    /// The bordered pane.
    pub body: Rect,
    /// Inside the pane: one line per failing workspace.
    pub errors: Rect,
    /// Inside the pane: column titles.
    pub table_header: Rect,
    /// Inside the pane: the rows.
    pub rows: Rect,
    /// The keys valid in the focused pane.
    pub keys: Rect,
    /// Messages, refresh times, or the `:` / `/` line.
    pub status: Rect,
}

/// The smallest terminal the monitor draws in (a header, the tabs, a table with one row, keys and
/// the status line); below it the screen says which size is needed.
pub const MIN_SIZE: (u16, u16) = (40, 8);

/// Below this height the header is one line for every workspace.
pub const COMPACT_HEIGHT: u16 = 20;

fn take_top(area: &mut Rect, height: u16) -> Rect {
    let h = height.min(area.height);
    let top = Rect { height: h, ..*area };
    area.y += h;
    area.height -= h;
    top
}

fn take_bottom(area: &mut Rect, height: u16) -> Rect {
    let h = height.min(area.height);
    area.height -= h;
    Rect { y: area.y + area.height, height: h, ..*area }
}

pub fn areas(area: Rect, header_lines: u16, error_lines: u16) -> Areas {
    let mut rest = area;
    let header = take_top(&mut rest, header_lines);
    let tabs = take_top(&mut rest, 1);
    let status = take_bottom(&mut rest, 1);
    let keys = take_bottom(&mut rest, 1);
    let body = rest;
    let mut inner = Rect {
        x: body.x.saturating_add(1),
        y: body.y.saturating_add(1),
        width: body.width.saturating_sub(2),
        height: body.height.saturating_sub(2),
    };
    // Leave at least a header and three rows for the table when errors pile up.
    let error_lines = error_lines.min(inner.height.saturating_sub(4));
    let errors = take_top(&mut inner, error_lines);
    let table_header = take_top(&mut inner, 1);
    Areas { header, tabs, body, errors, table_header, rows: inner, keys, status }
}

/// The details overlay over the pane `body`.
pub fn details(body: Rect) -> Rect {
    centered(body, 92, 90, 40, 10)
}

/// Where resource usage goes inside the details box's `inner` area (`ui::usage`): its
/// bottom rows, as many as fit a readable chart, or nowhere in a box too small for one.
pub fn usage(inner: Rect) -> Option<Rect> {
    // Small enough to leave the details' fields and the API object's heading in view.
    let rows = match inner.height {
        h if h >= 30 => 10,
        h if h >= 20 => 7,
        h if h >= 12 => 2,
        _ => return None,
    };
    Some(Rect { x: inner.x, y: inner.y + inner.height - rows, width: inner.width, height: rows })
}

/// A centred rectangle `percent_x` × `percent_y` of `area`, at least `min_w` × `min_h`.
pub fn centered(area: Rect, percent_x: u16, percent_y: u16, min_w: u16, min_h: u16) -> Rect {
    let w = (area.width * percent_x / 100).max(min_w).min(area.width);
    let h = (area.height * percent_y / 100).max(min_h).min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_stack_without_overlap() {
        let a = areas(Rect::new(0, 0, 80, 24), 2, 1);
        assert_eq!((a.header.y, a.header.height), (0, 2));
        assert_eq!(a.tabs.y, 2);
        assert_eq!((a.body.y, a.body.height), (3, 19));
        assert_eq!((a.errors.y, a.errors.height), (4, 1));
        assert_eq!(a.table_header.y, 5);
        assert_eq!((a.rows.y, a.rows.height), (6, 15));
        assert_eq!((a.keys.y, a.status.y), (22, 23));
    }

    #[test]
    fn tiny_terminals_do_not_underflow() {
        let a = areas(Rect::new(0, 0, 10, 3), 4, 5);
        assert_eq!(a.rows.height, 0);
    }
}
