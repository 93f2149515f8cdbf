//! The mouse: clicks on rows and tabs, the wheel.

use super::*;

#[test]
fn mouse_selects_rows_switches_tabs_and_scrolls() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    let areas = app.areas();
    let click = |x: u16, y: u16| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        })
    };
    app.update(click(10, areas.rows.y + 2));
    assert_eq!(selected_name(&app).as_deref(), Some("ml-train"));
    app.update(click(10, areas.rows.y + 20));
    assert_eq!(selected_name(&app).as_deref(), Some("ml-train"), "below the last row: no change");
    let wheel =
        |kind| Msg::Mouse(MouseEvent { kind, column: 10, row: areas.rows.y, modifiers: KeyModifiers::NONE });
    app.update(wheel(MouseEventKind::ScrollUp));
    assert_eq!(app.pane_state().selected, 0);
    app.update(wheel(MouseEventKind::ScrollDown));
    assert_eq!(app.pane_state().selected, 3);
    // The third tab label starts after the first two and their separators.
    let labels = app.tab_labels();
    let x = (labels[0].1.chars().count() + 1 + labels[1].1.chars().count() + 1 + 2) as u16;
    let effects = app.update(click(x, areas.tabs.y));
    assert_eq!(app.pane(), Pane::Clusters);
    assert_eq!(
        effects,
        vec![Effect::SetVisible { workspaces: vec!["adb-prod".into()], kinds: vec![Kind::Cluster] }]
    );
}
