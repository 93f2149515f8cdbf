//! Snapshots of marks and bulk actions on the real renderer: a pane with marked rows and the
//! one confirmation listing every target and every skipped row, at 80×24 and 160×45.

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use sparkdeck::app::{App, Msg, Pane};
use tui_support::{draw, loaded_app};

const SMALL: (u16, u16) = (80, 24);
const LARGE: (u16, u16) = (160, 45);

fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
    }
}

fn sized(pane: Pane, (w, h): (u16, u16)) -> App {
    let mut app = loaded_app().with_pane(pane);
    app.update(Msg::Resize { width: w, height: h });
    app
}

#[test]
fn a_pane_with_marked_rows_at_80x24_and_160x45() {
    for (size, name) in [(SMALL, "marked_runs_80x24"), (LARGE, "marked_runs_160x45")] {
        let mut app = sized(Pane::Runs, size);
        // Two marked by space, the third as the end of a range.
        keys(&mut app, "  j");
        keys(&mut app, "V");
        let screen = draw(&mut app, size);
        assert_snapshot!(name, screen.backend());
    }
}

#[test]
fn the_bulk_confirmation_lists_targets_and_skips_at_80x24_and_160x45() {
    for (size, name) in [(SMALL, "bulk_cancel_80x24"), (LARGE, "bulk_cancel_160x45")] {
        let mut app = sized(Pane::Runs, size);
        keys(&mut app, "*c");
        assert!(app.bulk().is_some(), "asked");
        let screen = draw(&mut app, size);
        assert_snapshot!(name, screen.backend());
    }
    // Sessions of every state in All: kills, cancels and the skipped with their reasons.
    let mut app = sized(Pane::All, LARGE);
    keys(&mut app, "*c");
    let screen = draw(&mut app, LARGE);
    assert_snapshot!("bulk_stop_all_160x45", screen.backend());
}
