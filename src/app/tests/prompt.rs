//! The `:` command line: completion, errors and quitting.

use super::*;

#[test]
fn command_mode_completes_commands_and_workspaces() {
    let mut app = app();
    app.update(key(':'));
    type_text(&mut app, "cl");
    app.update(code(KeyCode::Tab));
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some("clusters"));
    app.update(code(KeyCode::Esc));
    assert!(app.prompt().is_none());

    // A second Databricks workspace so the prefix is shared.
    rows(&mut app, Kind::Cluster, "adb-dev", Vec::new(), T0);
    app.update(key(':'));
    app.update(key('w'));
    app.update(code(KeyCode::Tab));
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some("ws "));
    type_text(&mut app, "adb");
    app.update(code(KeyCode::Tab));
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some("ws adb-"));
    assert_eq!(
        app.prompt().map(|p| p.candidates.clone()),
        Some(vec!["ws adb-prod".into(), "ws adb-dev".into()])
    );
    app.update(code(KeyCode::Tab));
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some("ws adb-prod"), "no progress: cycle");
    app.update(code(KeyCode::Tab));
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some("ws adb-dev"));
    let effects = app.update(code(KeyCode::Enter));
    assert_eq!(app.scope().map(|w| w.workspace.name.as_str()), Some("adb-dev"));
    assert_eq!(effects, vec![Effect::SetVisible { workspaces: vec![], kinds: vec![Kind::Session] }]);

    app.update(key(':'));
    type_text(&mut app, "ws");
    let effects = app.update(code(KeyCode::Enter));
    assert!(app.scope().is_none());
    assert_eq!(
        effects,
        vec![Effect::SetVisible { workspaces: vec!["fabric-prod".into()], kinds: vec![Kind::Session] }]
    );
}

#[test]
fn command_errors_and_quit() {
    let mut app = app();
    app.update(key(':'));
    type_text(&mut app, "ws nowhere");
    app.update(code(KeyCode::Enter));
    let msg = app.message().map(|m| (m.level, m.text.clone()));
    assert_eq!(
        msg,
        Some((Level::Error, "no workspace \"nowhere\" (configured: fabric-prod, adb-prod)".into()))
    );
    app.update(key(':'));
    type_text(&mut app, "bogus");
    app.update(code(KeyCode::Enter));
    assert!(app.message().is_some_and(|m| m.text.starts_with("unknown command :bogus")));
    app.update(key(':'));
    app.update(key('q'));
    assert_eq!(app.update(code(KeyCode::Enter)), vec![Effect::Quit]);
    assert_eq!(app.update(key('q')), vec![Effect::Quit]);
    assert_eq!(app.update(ctrl('c')), vec![Effect::Quit]);
    // ctrl-c on the command line quits too (nothing held: no question).
    app.update(key(':'));
    assert_eq!(app.update(ctrl('c')), vec![Effect::Quit]);
}

#[test]
fn an_existing_filter_is_selected_and_typing_replaces_it() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    app.update(key('/'));
    type_text(&mut app, "etl");
    app.update(code(KeyCode::Enter));
    // `/` again: the filter is there, selected; a letter replaces it.
    app.update(key('/'));
    assert!(app.prompt().is_some_and(|p| p.text == "etl" && p.selected));
    type_text(&mut app, "ml");
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some("ml"));
    assert_eq!(names(&app), ["ml-train"]);
    // Backspace on a selected text removes it all; an arrow keeps it for editing.
    app.update(code(KeyCode::Enter));
    app.update(key('/'));
    app.update(code(KeyCode::End));
    type_text(&mut app, "-t");
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some("ml-t"));
    app.update(code(KeyCode::Enter));
    app.update(key('/'));
    app.update(code(KeyCode::Backspace));
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some(""));
    assert_eq!(names(&app).len(), 4);
}

#[test]
fn ctrl_w_deletes_a_word_and_ctrl_u_the_line() {
    let mut app = app();
    app.update(key(':'));
    type_text(&mut app, "ws adb-prod");
    app.update(ctrl('w'));
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some("ws "));
    type_text(&mut app, "fabric");
    app.update(ctrl('u'));
    assert_eq!(app.prompt().map(|p| p.text.as_str()), Some(""));
    assert!(app.prompt().is_some(), "the line stays open");
}

#[test]
fn an_invalid_regex_is_said_and_the_last_valid_filter_stays() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    app.update(key('/'));
    type_text(&mut app, "ml(");
    let error = app.prompt().and_then(|p| p.error.clone()).unwrap_or_default();
    assert!(error.starts_with("invalid regex in \"ml(\": unclosed group"), "{error}");
    assert_eq!(names(&app), ["ml-train"], "`ml` still applies, not the substring `ml(`");
}

#[test]
fn tab_complete_is_offered_only_on_the_command_line() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    let footer = |app: &App| app.footer().iter().filter_map(|b| b.footer).collect::<Vec<_>>();
    app.update(key(':'));
    assert!(footer(&app).contains(&"complete"));
    app.update(code(KeyCode::Esc));
    app.update(key('/'));
    assert!(!footer(&app).contains(&"complete"), "{:?}", footer(&app));
}
