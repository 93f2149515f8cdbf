//! Field filters, "mine only", sorting by a column's letter, named filters and the columns
//! picker, driven through `App::update`.

use super::*;
use crate::domain::Column;

/// The runs fixture with a second owner and a run of another workspace's user.
fn runs_by_owner(app: &mut App) {
    let mut list = vec![
        run(1, "nightly-etl", "TERMINATED", Some("SUCCESS"), "2026-11-22T02:00:00Z"),
        run(2, "hourly-agg", "RUNNING", None, "2026-11-22T09:55:00Z"),
        run(3, "ml-train", "TERMINATED", Some("FAILED"), "2026-11-22T08:00:00Z"),
        run(4, "adhoc-report", "PENDING", None, "2026-11-22T09:59:00Z"),
    ];
    list[1].owner = Some("Grace@Contoso.com".into());
    list[2].owner = Some("grace@contoso.com".into());
    rows(app, Kind::Run, "adb-prod", list, T0);
}

fn filter(app: &mut App, text: &str) -> Vec<Effect> {
    app.update(key('/'));
    let effects = type_text(app, text);
    app.update(code(KeyCode::Enter));
    effects
}

fn shift(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT))
}

#[test]
fn field_terms_and_state_groups_match_as_documented() {
    let mut app = app().with_pane(Pane::Runs);
    runs_by_owner(&mut app);
    filter(&mut app, "state:failed");
    assert_eq!(names(&app), ["ml-train"], "the result word counts as the state");
    app.update(code(KeyCode::Esc));
    filter(&mut app, "state:active");
    assert_eq!(names(&app), ["adhoc-report", "hourly-agg"]);
    app.update(code(KeyCode::Esc));
    filter(&mut app, "!state:active name~^n");
    assert_eq!(names(&app), ["nightly-etl"], "terms AND; ! negates one");
    app.update(code(KeyCode::Esc));
    filter(&mut app, "owner:grace ws:adb");
    assert_eq!(names(&app), ["hourly-agg", "ml-train"], "case-insensitive substrings");
    app.update(code(KeyCode::Esc));
    filter(&mut app, "name:etl");
    assert_eq!(names(&app), ["nightly-etl"]);
    app.update(code(KeyCode::Esc));
    filter(&mut app, "trigger:periodic result:fail");
    assert_eq!(names(&app), ["ml-train"]);
}

#[test]
fn an_unknown_field_is_said_with_the_valid_ones_and_the_last_filter_stays() {
    let mut app = app().with_pane(Pane::Runs);
    runs_by_owner(&mut app);
    app.update(key('/'));
    type_text(&mut app, "ml lakehouse:x");
    let error = app.prompt().and_then(|p| p.error.clone()).unwrap_or_default();
    assert!(
        error.starts_with(
            "unknown field \"lakehouse\": use ws, kind, owner, state, name, id, result, trigger"
        ),
        "{error}"
    );
    let kept = app.pane_state().filter.as_ref().map(|f| f.text.clone());
    assert_eq!(kept.as_deref(), Some("ml lakehouse"), "the last line that read still applies");
}

#[test]
fn typing_on_narrows_from_the_rows_shown_and_a_new_term_too() {
    let mut app = app().with_pane(Pane::Runs);
    runs_by_owner(&mut app);
    app.update(key('/'));
    type_text(&mut app, "state:t");
    assert_eq!(names(&app), ["ml-train", "nightly-etl"]);
    type_text(&mut app, "erminated name:n");
    assert_eq!(names(&app), ["ml-train", "nightly-etl"]);
    type_text(&mut app, "i");
    assert_eq!(names(&app), ["nightly-etl"]);
    app.update(code(KeyCode::Backspace));
    assert_eq!(names(&app), ["ml-train", "nightly-etl"], "deleting widens again");
}

#[test]
fn mine_asks_each_shown_workspace_once_and_says_while_it_is_not_known() {
    let mut app = app().with_pane(Pane::Runs);
    runs_by_owner(&mut app);
    let effects = app.update(key('m'));
    assert_eq!(effects, vec![Effect::LoadIdentity { workspace: "adb-prod".into() }]);
    assert!(app.pane_state().mine);
    assert!(names(&app).is_empty(), "nobody is known to be you yet");
    let said = app.message().map(|m| m.text.clone()).unwrap_or_default();
    assert_eq!(said, "Mine: asking adb-prod who you are…");
    app.update(Msg::Identity { workspace: "adb-prod".into(), result: Ok(vec!["grace@contoso.com".into()]) });
    assert_eq!(names(&app), ["hourly-agg", "ml-train"], "owners compared in any case");
    app.update(key('m'));
    assert_eq!(names(&app).len(), 4, "m again: everyone's");
    assert!(app.update(key('m')).is_empty(), "asked once");
    filter(&mut app, "owner:me state:failed");
    assert_eq!(names(&app), ["ml-train"]);
}

#[test]
fn an_identity_that_cannot_be_known_is_said_not_silently_empty() {
    let mut app = app().with_pane(Pane::Sessions);
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s1", "etl", "idle")], T0);
    let effects = filter(&mut app, "owner:me");
    assert_eq!(effects, vec![Effect::LoadIdentity { workspace: "fabric-prod".into() }]);
    app.update(Msg::Identity {
        workspace: "fabric-prod".into(),
        result: Err("its token is no Entra token".into()),
    });
    assert!(names(&app).is_empty());
    let said = app.message().map(|m| m.text.clone()).unwrap_or_default();
    assert!(said.contains("who you are is not known in fabric-prod: its token is no Entra token"), "{said}");
}

#[test]
fn shift_and_a_letter_sorts_by_that_column_and_again_reverses() {
    let mut app = app().with_pane(Pane::Runs);
    runs_by_owner(&mut app);
    app.update(shift('J'));
    assert_eq!(app.pane_state().sort, SortKey::By(Column::Name));
    assert_eq!(names(&app), ["adhoc-report", "hourly-agg", "ml-train", "nightly-etl"]);
    app.update(key('J'));
    assert!(app.pane_state().reverse);
    assert_eq!(names(&app), ["nightly-etl", "ml-train", "hourly-agg", "adhoc-report"]);
    app.update(key('A'));
    assert_eq!((app.pane_state().sort, app.pane_state().reverse), (SortKey::By(Column::Started), false));
    assert_eq!(names(&app), ["adhoc-report", "hourly-agg", "ml-train", "nightly-etl"], "newest first");
    app.update(key('L'));
    assert_eq!(app.pane_state().sort, SortKey::By(Column::Result));
    assert_eq!(names(&app)[..2], ["ml-train", "nightly-etl"], "FAILED before SUCCESS, none last");
    app.update(key('Q'));
    assert_eq!(app.pane_state().sort, SortKey::By(Column::Result), "a letter of no column does nothing");
    app.update(key('s'));
    assert_eq!(app.pane_state().sort, SortKey::By(Column::Name), "s cycles its own keys again");
}

#[test]
fn named_filters_save_recall_list_and_remove() {
    let mut app = app().with_pane(Pane::Runs);
    runs_by_owner(&mut app);
    filter(&mut app, "state:failed");
    app.update(key(':'));
    type_text(&mut app, "filter save broken");
    let effects = app.update(code(KeyCode::Enter));
    let saved = crate::saved_filters::NamedFilter {
        name: "broken".into(),
        text: "state:failed".into(),
        mine: false,
        pane: "runs".into(),
    };
    assert_eq!(effects, vec![Effect::SaveFilters(vec![saved.clone()])]);
    app.update(code(KeyCode::Esc));
    app.update(key('1'));
    app.update(key(':'));
    type_text(&mut app, "filter b");
    app.update(code(KeyCode::Tab));
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some("filter broken"), "names complete");
    app.update(code(KeyCode::Enter));
    assert_eq!(app.pane(), Pane::Runs, "back in its pane");
    assert_eq!(names(&app), ["ml-train"]);
    app.update(key(':'));
    type_text(&mut app, "filter");
    app.update(code(KeyCode::Enter));
    let said = app.message().map(|m| m.text.clone()).unwrap_or_default();
    assert_eq!(said, "Filters: broken (runs: state:failed) — :filter NAME recalls one.");
    app.update(key(':'));
    type_text(&mut app, "filter nope");
    app.update(code(KeyCode::Enter));
    let said = app.message().map(|m| m.text.clone()).unwrap_or_default();
    assert_eq!(said, "No filter named \"nope\" (saved: broken).");
    app.update(key(':'));
    type_text(&mut app, "filter rm broken");
    assert_eq!(app.update(code(KeyCode::Enter)), vec![Effect::SaveFilters(vec![])]);
}

#[test]
fn the_column_picker_hides_moves_and_saves_per_pane() {
    let mut app = app().with_pane(Pane::Runs);
    runs_by_owner(&mut app);
    app.update(key(':'));
    type_text(&mut app, "columns");
    app.update(code(KeyCode::Enter));
    assert_eq!(app.focus(), Scope::Columns);
    // WORKSPACE first: hide it; then move NAME below ID.
    app.update(key(' '));
    app.update(key('j'));
    app.update(key('J'));
    let effects = app.update(code(KeyCode::Enter));
    let Some(Effect::SaveColumns { pane, columns }) = effects.first() else { panic!("{effects:?}") };
    assert_eq!(pane, "runs");
    assert_eq!(columns[..3], ["id", "name", "state"]);
    assert_eq!(app.shown_columns()[..2], [Column::Id, Column::Name]);
    assert_eq!(app.focus(), Scope::Pane);
    app.update(key('1'));
    assert_eq!(app.shown_columns()[1], Column::Name, "other panes keep theirs");
}

#[test]
fn the_picker_refuses_to_hide_the_name_and_esc_changes_nothing() {
    let mut app = app().with_pane(Pane::Sessions);
    app.update(key(':'));
    type_text(&mut app, "columns");
    app.update(code(KeyCode::Enter));
    app.update(key('j'));
    app.update(key(' '));
    assert!(app.update(code(KeyCode::Enter)).is_empty());
    let error = app.column_picker().and_then(|p| p.error.clone()).unwrap_or_default();
    assert_eq!(error, "NAME always shows: tick it (space)");
    app.update(code(KeyCode::Esc));
    assert!(app.column_picker().is_none());
    assert_eq!(app.shown_columns(), crate::domain::columns::columns_of(Some(Kind::Session)));
}
