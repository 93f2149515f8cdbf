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
}
