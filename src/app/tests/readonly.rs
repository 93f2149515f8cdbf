//! `:ro` / `:rw` and read-only workspaces from the configuration (production).

use super::*;

fn command(app: &mut App, line: &str) -> Vec<Effect> {
    app.update(key(':'));
    let mut effects = type_text(app, line);
    effects.extend(app.update(code(KeyCode::Enter)));
    effects
}

fn message(app: &App) -> String {
    app.message().map(|m| m.text.clone()).unwrap_or_default()
}

#[test]
fn ro_refuses_changes_in_that_workspace_only_and_rw_lifts_it() {
    let mut app = app();
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-1", "etl", "idle")], T0);
    assert!(!app.is_read_only_in("fabric-prod"));
    command(&mut app, "ro");
    assert!(app.is_read_only_in("fabric-prod"), "the selected row's workspace");
    assert!(!app.is_read_only_in("adb-prod") && !app.is_production("fabric-prod"));
    assert!(app.events().front().is_some_and(|e| e.text.contains("read-only (:ro)")));
    for k in ['c', 'K', 'n'] {
        assert!(app.update(key(k)).is_empty(), "{k}");
        assert!(app.confirm().is_none());
        let text = message(&app);
        assert!(text.starts_with("fabric-prod is read-only (:ro):"), "{k}: {text}");
        assert!(text.ends_with("nothing was sent. :rw fabric-prod allows changes."), "{text}");
    }
    // The other workspace is untouched.
    app.update(key('3'));
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster_row("0101-a", "etl", "RUNNING", "2")], T0);
    app.update(key('t'));
    assert!(app.confirm().is_some());
    app.update(key('n'));
    app.update(key('1'));
    command(&mut app, "rw");
    assert!(!app.is_read_only_in("fabric-prod"), "{}", message(&app));
    app.update(key('c'));
    assert_eq!(app.confirm().map(|c| c.action), Some(crate::domain::Action::KillSession));
}

#[test]
fn ro_all_and_named_workspaces_and_unknown_names() {
    let mut app = app();
    command(&mut app, "ro");
    assert!(message(&app).contains(":ro NAME, or :ro all"), "nothing selected: {}", message(&app));
    command(&mut app, "ro nowhere");
    assert!(message(&app).contains("no workspace \"nowhere\""));
    command(&mut app, "ro all");
    assert!(app.is_read_only() && app.is_read_only_in("adb-prod"));
    command(&mut app, "rw adb-prod");
    assert!(!app.is_read_only_in("adb-prod") && app.is_read_only_in("fabric-prod"));
    assert!(!app.is_read_only());
    command(&mut app, "ws adb-prod");
    command(&mut app, "ro");
    assert!(app.is_read_only_in("adb-prod"), "the workspace :ws narrowed to");
}

#[test]
fn a_production_workspace_asks_for_its_name_typed() {
    let mut app = app().with_read_only_workspaces(&["adb-prod"]);
    assert!(app.is_production("adb-prod") && app.is_read_only_in("adb-prod"));
    assert!(!app.is_read_only_in("fabric-prod"));
    app.update(key('3'));
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster_row("0101-a", "etl", "RUNNING", "2")], T0);
    app.update(key('t'));
    assert!(app.confirm().is_none());
    assert!(message(&app).starts_with("adb-prod is read-only (config read_only = true): terminate cluster"));
    // `all` leaves production alone, and says so.
    command(&mut app, "rw all");
    assert!(app.is_read_only_in("adb-prod"));
    assert!(message(&app).contains("adb-prod stay read-only (production"), "{}", message(&app));
    // A wrong name keeps it; Esc too.
    command(&mut app, "rw");
    assert_eq!(app.prompt().map(|p| p.mode), Some(PromptMode::Unlock));
    assert_eq!(app.unlocking(), Some("adb-prod"));
    type_text(&mut app, "adb-pro");
    app.update(code(KeyCode::Enter));
    assert!(app.is_read_only_in("adb-prod"));
    assert!(message(&app).contains("That is not its name"));
    command(&mut app, "rw");
    app.update(code(KeyCode::Esc));
    assert!(app.is_read_only_in("adb-prod") && app.unlocking().is_none());
    // Its name, typed exactly, lifts it; the header still marks it production.
    command(&mut app, "rw adb-prod");
    type_text(&mut app, "adb-prod");
    app.update(code(KeyCode::Enter));
    assert!(!app.is_read_only_in("adb-prod") && app.is_production("adb-prod"));
    assert!(app.events().front().is_some_and(|e| e.text.contains("production")));
    app.update(key('t'));
    assert!(app.confirm().is_some());
    app.update(key('n'));
    command(&mut app, "ro adb-prod");
    app.update(key('t'));
    assert!(app.confirm().is_none());
}

#[test]
fn new_items_go_only_where_changes_are_allowed() {
    let mut app = App::new(
        vec![
            WorkspaceRef::new("adb-prod", Service::Databricks),
            WorkspaceRef::new("adb-dev", Service::Databricks),
            WorkspaceRef::new("fabric-prod", Service::Fabric),
        ],
        ts(T0),
        TimeZone::UTC,
    )
    .with_read_only_workspaces(&["adb-prod", "fabric-prod"]);
    app.update(Msg::Resize { width: 120, height: 30 });
    // Every Fabric workspace is read-only: no form at all.
    assert!(app.update(key('n')).is_empty());
    assert!(app.form().is_none());
    assert!(message(&app).contains("a new session is refused"), "{}", message(&app));
    // A Databricks one can take it: the form starts in the one that allows changes.
    app.update(key('3'));
    app.update(key('n'));
    assert_eq!(app.form().map(|f| f.workspace().to_string()).as_deref(), Some("adb-dev"));
}
