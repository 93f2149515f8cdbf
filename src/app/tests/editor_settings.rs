//! The REPL settings opened from the target picker (ctrl-s): where they start, the workspace's
//! environments read once, what is refused and how it is said, what applying does to the tab's
//! REPL, and the settings kept with the tab in tabs.json.

use super::*;
use crate::domain::statement::{Language, Repl, ReplSettings};
use crate::drafts::{Draft, Tabs};

const ENV: &str = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";

fn configured() -> ReplSettings {
    ReplSettings {
        session_tag: Some("team".into()),
        executor_memory: Some("8g".into()),
        conf: [("spark.a".to_string(), "1".to_string())].into(),
        ..ReplSettings::default()
    }
}

/// The editor on fabric-prod's sales_lh, its `[fabric.repl]` as `configured()` says.
fn editing() -> App {
    let mut app = app().with_targets(crate::app::Targets::default().with_fabric(
        "fabric-prod",
        vec!["sales_lh".into(), "ops_lh".into()],
        configured(),
    ));
    app.update(key(':'));
    type_text(&mut app, "editor fabric-prod");
    app.update(code(KeyCode::Enter));
    assert_eq!(app.target_label(), "fabric-prod / sales_lh");
    app
}

fn form(app: &App) -> &SettingsForm {
    app.console().picker.as_ref().and_then(|p| p.settings.as_ref()).expect("the settings form is open")
}

/// Open the picker on `lakehouse`'s line and its settings.
fn open(app: &mut App, lakehouse: &str) -> Vec<Effect> {
    app.update(ctrl('g'));
    type_text(app, lakehouse);
    app.update(ctrl('s'))
}

/// Move to `field` and type `text` in place of what it holds.
fn set(app: &mut App, field: Field, text: &str) {
    while form(app).field() != field {
        let down = Field::ALL.iter().position(|f| *f == field) > Some(form(app).focus);
        app.update(code(if down { KeyCode::Down } else { KeyCode::Up }));
    }
    while !form(app).text[field as usize].is_empty() {
        app.update(code(KeyCode::Backspace));
    }
    for c in text.chars() {
        app.update(if c == '\n' { code(KeyCode::Enter) } else { key(c) });
    }
}

#[test]
fn the_settings_start_from_the_configuration_and_read_the_environments_once() {
    let mut app = editing();
    let effects = open(&mut app, "sales");
    assert_eq!(effects, [Effect::LoadEnvironments { workspace: "fabric-prod".into() }]);
    let f = form(&app);
    assert_eq!((f.workspace.as_str(), f.lakehouse.as_str()), ("fabric-prod", "sales_lh"));
    assert_eq!(f.text[Field::Conf as usize], "spark.a=1");
    assert_eq!(f.text[Field::ExecutorMemory as usize], "8g");
    assert_eq!(f.text[Field::Tag as usize], "team");
    assert_eq!(f.environment, None);
    assert_eq!(app.targets().environments("fabric-prod"), &Environments::Reading);
    // The answer: ←/→ go through none and the workspace's environments.
    app.update(Msg::Environments {
        workspace: "fabric-prod".into(),
        result: Ok(vec![(ENV.into(), "Analytics".into()), ("e2".into(), "ML".into())]),
    });
    app.update(code(KeyCode::Right));
    assert_eq!(form(&app).environment.as_deref(), Some(ENV));
    app.update(code(KeyCode::Left));
    app.update(code(KeyCode::Left));
    assert_eq!(form(&app).environment.as_deref(), Some("e2"), "round from none to the last");
    // Esc goes back to the picker; opening again does not read them again.
    app.update(code(KeyCode::Esc));
    assert!(app.console().picker.as_ref().is_some_and(|p| p.settings.is_none()));
    assert_eq!(app.update(ctrl('s')), []);
    // Ctrl-S elsewhere than a lakehouse says what it is for.
    app.update(code(KeyCode::Esc));
    app.update(code(KeyCode::Esc));
    app.update(ctrl('g'));
    type_text(&mut app, "nothing-like-this");
    app.update(ctrl('s'));
    assert!(app.message().is_some_and(|m| m.text.contains("choose a lakehouse line")), "{:?}", app.message());
}

#[test]
fn environments_that_cannot_be_read_say_why_in_the_workspaces_words_and_are_read_again() {
    let mut app = editing();
    open(&mut app, "sales");
    app.update(Msg::Environments {
        workspace: "fabric-prod".into(),
        result: Err("403 Forbidden: InsufficientScopes".into()),
    });
    match app.targets().environments("fabric-prod") {
        Environments::Failed(why) => {
            assert_eq!(why, "fabric-prod's environments could not be read: 403 Forbidden: InsufficientScopes")
        }
        other => panic!("{other:?}"),
    }
    app.update(code(KeyCode::Esc));
    assert_eq!(app.update(ctrl('s')), [Effect::LoadEnvironments { workspace: "fabric-prod".into() }]);
}

#[test]
fn what_is_refused_is_said_by_field_and_conf_line_and_the_form_stays() {
    let mut app = editing();
    open(&mut app, "sales");
    for (field, text, said) in [
        (
            Field::Conf,
            "spark.a=1\nspark.executor.memory",
            "conf line 2 \"spark.executor.memory\": expected KEY=VALUE",
        ),
        (Field::Conf, "=1", "conf line 1 \"=1\": the key before `=` is empty"),
        (Field::Conf, "spark.fabric.environmentDetails={}", "the environment is chosen above"),
        (Field::DriverMemory, "lots", "driver memory \"lots\": expected a size such as 28g or 512m"),
        (Field::ExecutorCores, "0", "executor cores must be at least 1"),
        (Field::NumExecutors, "two", "executors \"two\": expected a whole number"),
        (Field::Tag, "my tag", "session tag \"my tag\": one word"),
    ] {
        let mut app = app.clone();
        set(&mut app, field, text);
        assert_eq!(app.update(ctrl('s')), []);
        let error = form(&app).error.clone().unwrap_or_default();
        assert!(error.contains(said), "{field:?} {text:?}: {error}");
        assert_eq!(app.editor().settings, None, "nothing applied");
    }
    // Blank lines and # comments in conf are fine; sizes as Spark spells them.
    set(&mut app, Field::Conf, "# tuned\nspark.a=1\n\nspark.sql.shuffle.partitions=64");
    set(&mut app, Field::DriverMemory, "28g");
    set(&mut app, Field::NumExecutors, "4");
    let effects = app.update(ctrl('s'));
    assert!(app.console().picker.is_none(), "applied and closed");
    let chosen = app.editor().settings.clone().unwrap_or_default();
    assert_eq!(chosen.conf.get("spark.sql.shuffle.partitions").map(String::as_str), Some("64"));
    assert_eq!((chosen.driver_memory.as_deref(), chosen.num_executors), (Some("28g"), Some(4)));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::SaveDraft(t) if t.settings == [Some(chosen.clone())])),
        "kept on disk at once: {effects:?}"
    );
}

#[test]
fn applied_settings_go_with_the_next_acquisition_and_name_where_the_tab_runs() {
    let mut app = editing();
    open(&mut app, "sales");
    app.update(Msg::Environments {
        workspace: "fabric-prod".into(),
        result: Ok(vec![(ENV.into(), "Analytics".into())]),
    });
    app.update(code(KeyCode::Right));
    set(&mut app, Field::Tag, "etl");
    app.update(code(KeyCode::Enter));
    assert!(
        app.message().is_some_and(|m| m.text.contains("next run acquires a REPL")),
        "{:?}",
        app.message()
    );
    let label = app.target_label();
    assert_eq!(label, "fabric-prod / sales_lh · tag etl · environment Analytics · 1 conf key");
    type_text(&mut app, "1 + 1");
    let effects = app.update(code(KeyCode::F(5)));
    let Some(Effect::AcquireRepl { settings: Some(s), place, tag, .. }) = effects.last() else {
        panic!("{effects:?}")
    };
    assert_eq!((place.as_deref(), tag.as_deref()), (Some("sales_lh"), None));
    assert_eq!(
        (s.environment.as_deref(), s.tag(), s.executor_memory.as_deref()),
        (Some(ENV), "etl", Some("8g"))
    );
    assert_eq!(app.editor().runs[0].target, label, "the output says where it ran, with what");
    // The form offers the other tags this app knows (Fabric lists no high-concurrency sessions).
    assert_eq!(app.known_tags("etl"), ["team"], "fabric-prod's configured (a Databricks workspace has none)");
    assert_eq!(app.known_tags("team"), ["etl"]);
}

#[test]
fn other_settings_mean_another_repl_and_the_same_ones_keep_it() {
    let mut app = editing();
    type_text(&mut app, "1 + 1");
    app.update(code(KeyCode::F(5)));
    let repl = Repl::Livy {
        workspace: "fabric-prod".into(),
        lakehouse: "sales_lh".into(),
        hc_id: "hc".into(),
        session_id: "s".into(),
        repl_id: "r".into(),
    };
    app.update(Msg::Repl { attempt: 1, result: Ok(repl.clone()) });
    app.update(Msg::Statement { seq: 1, update: StatementUpdate::Accepted("0".into()) });
    app.update(Msg::Statement {
        seq: 1,
        update: StatementUpdate::Finished(crate::domain::statement::Phase::Done, None),
    });
    // Unchanged: the REPL stays, and nothing is kept as the tab's own.
    open(&mut app, "sales");
    app.update(ctrl('s'));
    assert!(app.message().is_some_and(|m| m.text.contains("as they were")), "{:?}", app.message());
    assert_eq!((app.editor().held_repl(), &app.editor().settings), (Some(&repl), &None));
    // Another size: the REPL is given back and the user told why.
    open(&mut app, "sales");
    set(&mut app, Field::ExecutorCores, "4");
    let effects = app.update(ctrl('s'));
    assert!(effects.contains(&Effect::ReleaseRepl { repl }), "{effects:?}");
    assert!(app.editor().held_repl().is_none());
    assert!(
        app.message().is_some_and(|m| m.text.contains("need a REPL of their own")),
        "{:?}",
        app.message()
    );
    let effects = app.update(code(KeyCode::F(5)));
    assert!(
        matches!(effects.last(), Some(Effect::AcquireRepl { settings: Some(s), .. }) if s.executor_cores == Some(4)),
        "{effects:?}"
    );
    // The settings are the form's start next time; the configured ones again: no settings of its own.
    open(&mut app, "sales");
    assert_eq!(form(&app).text[Field::ExecutorCores as usize], "4");
    set(&mut app, Field::ExecutorCores, "");
    app.update(ctrl('s'));
    assert_eq!(app.editor().settings, None);
    // Moving the tab elsewhere (enter in the picker) leaves the settings behind.
    open(&mut app, "sales");
    set(&mut app, Field::NumExecutors, "2");
    app.update(ctrl('s'));
    app.update(ctrl('g'));
    type_text(&mut app, "ops");
    app.update(code(KeyCode::Enter));
    assert_eq!((app.target_label().as_str(), &app.editor().settings), ("fabric-prod / ops_lh", &None));
}

#[test]
fn a_tabs_settings_survive_a_restart() {
    let chosen = ReplSettings { environment: Some(ENV.into()), num_executors: Some(3), ..configured() };
    let tabs = Tabs {
        active: 1,
        tabs: vec![Draft::default(), Draft { language: Language::Sql, text: "SELECT 1".into() }],
        targets: vec![
            None,
            Some(crate::drafts::Target::Lakehouse {
                workspace: "fabric-prod".into(),
                lakehouse: Some("sales_lh".into()),
            }),
        ],
        settings: vec![None, Some(chosen.clone())],
    };
    // Through the file's text, as a restart reads it.
    let text = serde_json::to_string(&tabs).unwrap_or_default();
    assert!(text.contains("\"numExecutors\"") || text.contains("\"num_executors\""), "{text}");
    let read: Tabs = serde_json::from_str(&text).unwrap_or_default();
    let console = Console::new(read, Vec::new());
    assert_eq!(console.tabs()[1].settings, Some(chosen));
    assert_eq!(console.tabs()[0].settings, None);
    assert_eq!(console.drafts(), tabs, "saved again as it was read");
    // A file from before settings were kept reads as none chosen.
    let old: Tabs =
        serde_json::from_str(r#"{"active":0,"tabs":[{"language":"sql","text":"x"}]}"#).unwrap_or_default();
    assert_eq!(Console::new(old, Vec::new()).tabs()[0].settings, None);
}
