//! The editor's results and files: the grid scrolled sideways and full screen (moving, copying),
//! the target picker's search, `:open` / `:save` / `:export`, and the outside editor's answers.

use std::path::PathBuf;

use super::*;
use crate::domain::statement::{Cell, Column, Language, Output, Phase, Repl, Table};

fn repl() -> Repl {
    Repl::Livy {
        workspace: "fabric-prod".into(),
        lakehouse: "sales_lh".into(),
        hc_id: "hc".into(),
        session_id: "s".into(),
        repl_id: "r".into(),
    }
}

fn alt(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT))
}

/// A command typed on the editor's `:` line (alt-: there, since `:` is text).
fn command(app: &mut App, line: &str) -> Vec<Effect> {
    app.update(alt(':'));
    type_text(app, line);
    app.update(code(KeyCode::Enter))
}

/// The editor on fabric-prod whose first run returned a 3×3 typed table.
fn with_a_table() -> App {
    let mut app = app();
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s1", "HC_sales_lh_1", "idle")], T0);
    app.update(key('e'));
    type_text(&mut app, "SELECT * FROM t");
    app.update(code(KeyCode::F(5)));
    app.update(Msg::Repl { attempt: 1, result: Ok(repl()) });
    let table = Table {
        columns: vec![Column::new("id", Some("bigint")), Column::new("name", Some("string")), "price".into()],
        rows: (1..=3u64)
            .map(|i| vec![Cell::Number(i.into()), Cell::Text(format!("item {i}")), Cell::Null])
            .collect(),
        dropped_rows: 0,
    };
    app.update(Msg::Statement { seq: 1, update: StatementUpdate::Accepted("0".into()) });
    app.update(Msg::Statement {
        seq: 1,
        update: StatementUpdate::Finished(Phase::Done, Some(Output::Table(table))),
    });
    app
}

#[test]
fn the_newest_table_scrolls_sideways_by_whole_columns_within_its_width() {
    let mut app = editing_nothing();
    app.update(Msg::Key(KeyEvent::new(KeyCode::Right, KeyModifiers::ALT)));
    assert!(app.message().is_some_and(|m| m.text.contains("No table to scroll")));
    let mut app = with_a_table();
    for _ in 0..5 {
        app.update(Msg::Key(KeyEvent::new(KeyCode::Right, KeyModifiers::ALT)));
    }
    assert_eq!(app.editor().grid_left, 2, "never past the last column");
    app.update(Msg::Key(KeyEvent::new(KeyCode::Left, KeyModifiers::ALT)));
    assert_eq!(app.editor().grid_left, 1);
}

fn editing_nothing() -> App {
    let mut app = app();
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s1", "HC_sales_lh_1", "idle")], T0);
    app.update(key('e'));
    app
}

#[test]
fn the_full_screen_grid_moves_a_cell_cursor_and_copies_a_cell_a_row_or_a_column() {
    let mut app = editing_nothing();
    app.update(alt('f'));
    assert!(app.editor().grid_view.is_none());
    assert!(app.message().is_some_and(|m| m.text.contains("No table to show yet")));

    let mut app = with_a_table();
    app.update(alt('f'));
    let view = |app: &App| app.editor().grid_view.map(|v| (v.row, v.col));
    assert_eq!(view(&app), Some((0, 0)));
    // Moves stop at the edges; G and g jump to the last and first rows.
    for c in [KeyCode::Up, KeyCode::Left] {
        app.update(code(c));
    }
    assert_eq!(view(&app), Some((0, 0)));
    app.update(key('G'));
    app.update(code(KeyCode::Right));
    app.update(key('l'));
    app.update(key('l'));
    assert_eq!(view(&app), Some((2, 2)));
    app.update(key('g'));
    app.update(key('j'));
    app.update(key('h'));
    assert_eq!(view(&app), Some((1, 1)));
    // Typing here is not text: the editor's draft is untouched.
    assert_eq!(app.editor().code(), "SELECT * FROM t");
    // y the cell, r the row (tab-separated), c the column under its name.
    assert_eq!(app.update(key('y')), [Effect::Copy("item 2".into())]);
    assert!(app.message().is_some_and(|m| m.text.contains("cell name of row 2")), "{:?}", app.message());
    assert_eq!(app.update(key('r')), [Effect::Copy("2\titem 2\tnull".into())]);
    assert_eq!(app.update(key('c')), [Effect::Copy("name\nitem 1\nitem 2\nitem 3".into())]);
    // Esc closes it; the editor is still open.
    app.update(code(KeyCode::Esc));
    assert!(app.editor().grid_view.is_none() && app.is_editing());
}

#[test]
fn the_picker_narrows_by_every_word_typed_and_enter_moves_the_tab() {
    let mut app = editing_nothing();
    rows(
        &mut app,
        Kind::Cluster,
        "adb-prod",
        vec![
            cluster_row("0101-a", "etl-nightly", "RUNNING", "4"),
            cluster_row("0101-b", "ml-gpu", "PENDING", "2"),
        ],
        T0,
    );
    let effects = app.update(ctrl('g'));
    assert!(
        matches!(&effects[..], [Effect::SetVisible { kinds, .. }] if kinds.contains(&Kind::Cluster)),
        "the picker polls clusters while open: {effects:?}"
    );
    let labels = |app: &App| app.picker_items().into_iter().map(|i| i.label).collect::<Vec<_>>();
    assert_eq!(labels(&app), ["cluster etl-nightly", "cluster ml-gpu"]);
    // Words in any order, any case, over workspace, label and detail.
    type_text(&mut app, "running ETL");
    assert_eq!(labels(&app), ["cluster etl-nightly"]);
    type_text(&mut app, "x");
    assert!(labels(&app).is_empty());
    app.update(code(KeyCode::Enter));
    assert!(app.message().is_some_and(|m| m.text.contains("Nothing matches")));
    app.update(code(KeyCode::Backspace));
    app.update(code(KeyCode::Enter));
    assert!(app.console().picker.is_none());
    assert_eq!(app.editor().place_label().as_deref(), Some("cluster etl-nightly"));
    assert!(app.message().is_some_and(|m| m.text.contains("adb-prod / cluster etl-nightly")));
    // Opened again, it starts on where the tab runs now.
    app.update(ctrl('g'));
    let items = app.picker_items();
    let selected = app.console().picker.as_ref().map(|p| p.selected);
    assert_eq!(
        selected.and_then(|s| items.get(s)).map(|i| (i.label.as_str(), i.here)),
        Some(("cluster etl-nightly", true))
    );
    app.update(code(KeyCode::Esc));
    assert!(app.console().picker.is_none() && app.is_editing());
}

#[test]
fn open_save_and_export_are_effects_and_their_answers_land_in_the_tab_that_asked() {
    let mut app = with_a_table();
    // :open reads the file for this tab; its text replaces the tab's as one undoable edit, in
    // the file's language.
    let effects = command(&mut app, "open ~/jobs/report.sql");
    let tab = app.console().tab().id;
    assert_eq!(effects, [Effect::ReadFile { tab, path: PathBuf::from("~/jobs/report.sql") }]);
    let effects = app.update(Msg::FileRead {
        tab,
        path: PathBuf::from("~/jobs/report.sql"),
        result: Ok("SELECT 1\n".into()),
    });
    assert_eq!((app.editor().code(), app.editor().language), ("SELECT 1".into(), Language::Sql));
    assert!(matches!(&effects[..], [Effect::SaveDraft(_)]), "the new text is saved: {effects:?}");
    assert!(app.message().is_some_and(|m| m.text.contains("Opened ~/jobs/report.sql (1 line)")));
    app.update(ctrl('z'));
    assert_eq!(app.editor().code(), "SELECT * FROM t");
    app.update(Msg::FileRead { tab, path: PathBuf::from("gone.py"), result: Err("No such file".into()) });
    assert!(app.message().is_some_and(|m| m.text.contains("Cannot open gone.py: No such file")));
    assert_eq!(app.editor().code(), "SELECT * FROM t", "a failed open changes nothing");
    // An answer for a tab closed meanwhile is dropped with a word.
    app.update(Msg::FileRead { tab: 999, path: PathBuf::from("a.py"), result: Ok("x".into()) });
    assert!(app.message().is_some_and(|m| m.text.contains("is closed")));

    // :save writes the text; the extension names the language from now on.
    let effects = command(&mut app, "save out/query.scala");
    assert_eq!(
        effects,
        [Effect::WriteFile { path: PathBuf::from("out/query.scala"), text: "SELECT * FROM t".into() }]
    );
    assert_eq!(app.editor().language, Language::Scala);
    app.update(Msg::FileWritten { result: Err("Cannot save out/query.scala: denied".into()) });
    assert!(app.message().is_some_and(|m| m.text.contains("denied")));

    // :export takes the newest table (or the one open full screen); CSV or JSON only.
    let effects = command(&mut app, "export rows.json");
    assert!(
        matches!(&effects[..], [Effect::Export { path, table }] if path == &PathBuf::from("rows.json") && table.rows.len() == 3),
        "{effects:?}"
    );
    assert!(command(&mut app, "export rows.xlsx").is_empty());
    assert!(app.message().is_some_and(|m| m.text.contains("writes .csv or .json")));
    let mut empty = editing_nothing();
    assert!(command(&mut empty, "export rows.csv").is_empty());
    assert!(empty.message().is_some_and(|m| m.text.contains("Nothing to export")));
}

#[test]
fn the_outside_editor_gets_the_tab_text_and_its_answer_replaces_it_as_one_edit() {
    let mut app = editing_nothing();
    type_text(&mut app, "x = 1");
    let tab = app.console().tab().id;
    let effects = app.update(ctrl('e'));
    assert_eq!(
        effects,
        [Effect::EditExternally { what: Edited::Tab(tab), text: "x = 1".into(), extension: "py" }]
    );
    // Left as it was (an editor adds a final newline): nothing changes, nothing saved.
    let effects = app.update(Msg::EditedExternally { what: Edited::Tab(tab), result: Ok("x = 1\n".into()) });
    assert!(effects.is_empty() && app.message().is_some_and(|m| m.text.contains("left the text as it was")));
    // A failure keeps the text and says why.
    app.update(Msg::EditedExternally { what: Edited::Tab(tab), result: Err("\"vi\" exited with 1".into()) });
    assert_eq!(app.editor().code(), "x = 1");
    assert!(app.message().is_some_and(|m| m.text.contains("did not finish: \"vi\" exited with 1")));
    // New text: in, saved, and one ctrl-z from the old.
    let effects =
        app.update(Msg::EditedExternally { what: Edited::Tab(tab), result: Ok("x = 2\nprint(x)\n".into()) });
    assert_eq!(app.editor().code(), "x = 2\nprint(x)");
    assert!(matches!(&effects[..], [Effect::SaveDraft(_)]));
    app.update(ctrl('z'));
    assert_eq!(app.editor().code(), "x = 1");
}

#[test]
fn a_session_tag_typed_in_the_picker_gives_the_tab_a_repl_in_that_session() {
    let mut app = editing_nothing();
    app = app.with_targets(crate::app::Targets::default().with_fabric(
        "fabric-prod",
        vec!["sales_lh".into(), "ops_lh".into()],
        "tag sparkdeck".into(),
    ));
    app.update(ctrl('g'));
    type_text(&mut app, "tag:etl sales");
    let items = app.picker_items();
    assert_eq!(
        items.iter().map(|i| i.label.as_str()).collect::<Vec<_>>(),
        ["sales_lh · tag etl", "sales_lh"]
    );
    assert!(items[0].detail.contains("session tagged etl"), "{items:?}");
    app.update(code(KeyCode::Enter));
    assert_eq!(app.editor().place_label().as_deref(), Some("sales_lh · tag etl"));
    type_text(&mut app, "1 + 1");
    let effects = app.update(code(KeyCode::F(5)));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::AcquireRepl { place: Some(p), tag: Some(t), .. } if p == "sales_lh" && t == "etl")),
        "{effects:?}"
    );
    // The tabs file keeps the tag; the output names it.
    let saved = app.console().drafts();
    assert_eq!(
        saved.targets[0],
        Some(crate::drafts::Target::Tagged {
            workspace: "fabric-prod".into(),
            lakehouse: "sales_lh".into(),
            tag: "etl".into()
        })
    );
    app.update(Msg::Repl { attempt: 1, result: Ok(repl()) });
    assert_eq!(app.editor().runs[0].target, "fabric-prod / sales_lh · tag etl");
    // "tag:" alone asks for nothing.
    app.update(ctrl('g'));
    type_text(&mut app, "tag:");
    assert!(app.picker_items().iter().all(|i| !i.label.contains("· tag")));
}

#[test]
fn lakehouses_configured_by_id_are_named_once_fabric_answers() {
    let id = "0b6c1f7e-5d4a-4e3b-9c2d-1a0f9e8d7c6b";
    let mut app = app().with_targets(
        crate::app::Targets::default()
            .with_fabric("fabric-prod", vec![id.into()], "tag sparkdeck".into())
            .with_unnamed("fabric-prod"),
    );
    app.update(key(':'));
    type_text(&mut app, "editor fabric-prod");
    let effects = app.update(code(KeyCode::Enter));
    assert_eq!(
        effects.iter().filter(|e| matches!(e, Effect::LoadLakehouseNames { .. })).count(),
        1,
        "{effects:?}"
    );
    assert_eq!(app.target_label(), format!("fabric-prod / {id}"), "the id until the name comes");
    // Asked once per workspace: the picker does not ask again.
    let effects = app.update(ctrl('g'));
    assert!(!effects.iter().any(|e| matches!(e, Effect::LoadLakehouseNames { .. })), "{effects:?}");
    app.update(Msg::LakehouseNames {
        workspace: "fabric-prod".into(),
        result: Ok(vec![(id.into(), "Sales".into())]),
    });
    assert_eq!(app.picker_items()[0].label, "Sales");
    app.update(code(KeyCode::Esc));
    assert_eq!(app.target_label(), "fabric-prod / Sales");
    // A failed listing leaves the ids, which still work.
    let mut other = self::app().with_targets(crate::app::Targets::default().with_fabric(
        "fabric-prod",
        vec![id.into()],
        String::new(),
    ));
    other.update(Msg::LakehouseNames { workspace: "fabric-prod".into(), result: Err("403".into()) });
    other.update(key(':'));
    type_text(&mut other, "editor fabric-prod");
    let effects = other.update(code(KeyCode::Enter));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::LoadLakehouseNames { .. })),
        "named ones are never asked"
    );
    assert_eq!(other.target_label(), format!("fabric-prod / {id}"));
}
