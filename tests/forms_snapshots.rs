//! Snapshots of the New form and its neighbours at 80×24 and 160×45, drawn by the real renderer
//! from an app driven by keys and by the answers the effect runner gives (`Msg::Form`): a batch
//! form with its list, the validation marks, the review of the exact request, a cluster being
//! edited, the typed permanent delete, the new row shown pending and selected, and the form's
//! help. Review changes by reading the `.snap.new` files (or `cargo insta review`).

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use serde_json::json;
use sparkdeck::app::form::{Choice, CreateEffect, CreatedItem, FormMsg, Preview, Source};
use sparkdeck::app::{App, Effect, Msg, Pane};
use sparkdeck::domain::Kind;
use sparkdeck::domain::create::{NewCluster, NewItem, Workers};
use tui_support::{draw, loaded_app, text};

const SMALL: (u16, u16) = (80, 24);
const LARGE: (u16, u16) = (160, 45);

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)))
}

fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn form_id(app: &App) -> u64 {
    app.form().map(|f| f.id).unwrap_or_default()
}

/// Tab `n` fields on.
fn tab(app: &mut App, n: usize) {
    for _ in 0..n {
        press(app, KeyCode::Tab);
    }
}

/// A New batch form on the Batches pane: file and name typed, arguments and conf given, the
/// environments read.
fn batch_form() -> App {
    let mut app = loaded_app().with_pane(Pane::Batches);
    press(&mut app, KeyCode::Char('n'));
    let environments = vec![
        Choice { value: "0b7c2d41-env".into(), label: "gpu-env — CUDA 12 and torch".into() },
        Choice { value: "9a1d7e03-env".into(), label: "pandas-2".into() },
    ];
    app.update(Msg::Form(FormMsg::Choices {
        workspace: "fabric-prod".into(),
        source: Source::Environments,
        result: Ok(environments),
    }));
    tab(&mut app, 1);
    keys(&mut app, "./jobs/daily_rollup.py");
    tab(&mut app, 1);
    keys(&mut app, "daily-rollup");
    tab(&mut app, 2);
    keys(&mut app, "--day 2026-11-21 --title \"Q4 sales\"");
    tab(&mut app, 1);
    keys(&mut app, "spark.executor.memory=8g");
    app
}

#[test]
fn new_batch_form() {
    let mut app = batch_form();
    let screen = draw(&mut app, LARGE);
    assert!(text(screen.backend().buffer()).contains("New batch · fabric-prod"));
    assert_snapshot!("new_batch_form_large", screen.backend());
    assert_snapshot!("new_batch_form_small", draw(&mut app, SMALL).backend());
}

#[test]
fn the_environment_list_narrowed_by_typing() {
    let mut app = batch_form();
    tab(&mut app, 1);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "gpu");
    assert_snapshot!("environment_list_large", draw(&mut app, LARGE).backend());
    assert_snapshot!("environment_list_small", draw(&mut app, SMALL).backend());
}

#[test]
fn fields_to_fix_are_marked() {
    let mut app = loaded_app().with_pane(Pane::Batches);
    press(&mut app, KeyCode::Char('n'));
    tab(&mut app, 4);
    keys(&mut app, "--title \"Q4");
    tab(&mut app, 9);
    keys(&mut app, "four");
    assert!(ctrl(&mut app, 's').is_empty(), "nothing is sent");
    assert_snapshot!("fields_to_fix_large", draw(&mut app, LARGE).backend());
    assert_snapshot!("fields_to_fix_small", draw(&mut app, SMALL).backend());
}

fn reviewed() -> App {
    let mut app = batch_form();
    let effects = ctrl(&mut app, 's');
    assert!(matches!(&effects[..], [Effect::Create(CreateEffect::Prepare { .. })]), "{effects:?}");
    let id = form_id(&app);
    let preview = Preview {
        workspace: "fabric-prod".into(),
        lakehouse: Some("sales_lakehouse".into()),
        call: "POST …/livyapi/…/batches".into(),
        body: json!({
            "file": "abfss://8f2e6a10@onelake.dfs.fabric.microsoft.com/4b1c2d3e/Files/sparkdeck/uploads/9c1e/daily_rollup.py",
            "name": "daily-rollup",
            "args": ["--day", "2026-11-21", "--title", "Q4 sales"],
            "conf": {"spark.executor.memory": "8g"},
        }),
        uploads: vec![
            "./jobs/daily_rollup.py (2.1 KiB) → Files/sparkdeck/uploads/9c1e/daily_rollup.py".into(),
        ],
        warnings: Vec::new(),
    };
    app.update(Msg::Form(FormMsg::Prepared { form: id, result: Ok(Box::new(preview)) }));
    app
}

#[test]
fn the_review_shows_the_request_and_the_workspace() {
    let mut app = reviewed();
    assert_snapshot!("review_large", draw(&mut app, LARGE).backend());
    assert_snapshot!("review_small", draw(&mut app, SMALL).backend());
}

#[test]
fn the_new_batch_shows_pending_and_selected() {
    let mut app = reviewed();
    let id = form_id(&app);
    assert_eq!(press(&mut app, KeyCode::Char('y')), vec![Effect::Create(CreateEffect::Send { form: id })]);
    let created = CreatedItem {
        kind: Kind::Batch,
        workspace: "fabric-prod".into(),
        id: "6f0e1d2c-3b4a-4958-8776-a5b4c3d2e1f0".into(),
        name: Some("daily-rollup".into()),
        lakehouse: Some("sales_lakehouse".into()),
        request: json!({"file": "abfss://…/daily_rollup.py", "name": "daily-rollup"}),
        edited: false,
    };
    app.update(Msg::Form(FormMsg::Finished { form: id, result: Ok(created) }));
    assert_snapshot!("created_large", draw(&mut app, LARGE).backend());
    assert_snapshot!("created_small", draw(&mut app, SMALL).backend());
}

#[test]
fn editing_a_cluster() {
    let mut app = loaded_app().with_pane(Pane::Clusters);
    // shared-analytics, running.
    keys(&mut app, "/shared");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('E'));
    let id = form_id(&app);
    let loading = draw(&mut app, SMALL);
    assert!(text(loading.backend().buffer()).contains("reading cluster"), "{:?}", loading.backend());
    let versions =
        vec![Choice { value: "15.4.x-scala2.12".into(), label: "15.4 LTS (Apache Spark 3.5.0)".into() }];
    app.update(Msg::Form(FormMsg::Choices {
        workspace: "adb-prod".into(),
        source: Source::SparkVersions,
        result: Ok(versions),
    }));
    let current = NewCluster {
        name: Some("shared-analytics".into()),
        spark_version: Some("15.4.x-scala2.12".into()),
        node_type: Some("Standard_DS3_v2".into()),
        workers: Some(Workers::Autoscale { min: 2, max: 8 }),
        auto_termination_minutes: Some(120),
        tags: [("team".to_string(), "analytics".to_string())].into(),
        extra: json!({"azure_attributes": {"availability": "ON_DEMAND_AZURE"}, "data_security_mode": "USER_ISOLATION"})
            .as_object()
            .cloned()
            .unwrap_or_default(),
        ..NewCluster::default()
    };
    app.update(Msg::Form(FormMsg::Prefill { form: id, result: Ok(Box::new(NewItem::Cluster(current))) }));
    assert_snapshot!("edit_cluster_large", draw(&mut app, LARGE).backend());
    assert_snapshot!("edit_cluster_small", draw(&mut app, SMALL).backend());
}

#[test]
fn deleting_a_cluster_asks_for_its_name() {
    let mut app = loaded_app().with_pane(Pane::Clusters);
    // etl-nightly, terminated for inactivity.
    keys(&mut app, "/etl-nightly");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('D'));
    keys(&mut app, "etl-night");
    assert_snapshot!("typed_delete_large", draw(&mut app, LARGE).backend());
    press(&mut app, KeyCode::Enter);
    assert_snapshot!("typed_delete_small", draw(&mut app, SMALL).backend());
}

#[test]
fn the_forms_help() {
    let mut app = batch_form();
    press(&mut app, KeyCode::F(1));
    assert_snapshot!("form_help_large", draw(&mut app, LARGE).backend());
}

#[test]
fn a_long_value_scrolls_to_keep_the_cursor_in_sight() {
    let mut app = loaded_app().with_pane(Pane::Batches);
    press(&mut app, KeyCode::Char('n'));
    tab(&mut app, 1);
    let path = format!("abfss://etl@onelake.dfs.fabric.microsoft.com/{}/jobs/the_end.py", "deep/".repeat(20));
    keys(&mut app, &path);
    let screen = text(draw(&mut app, SMALL).backend().buffer());
    let line = screen.lines().find(|l| l.contains("*File")).unwrap_or_default();
    assert!(line.contains("…") && line.contains("jobs/the_end.py█"), "{screen}");
    assert!(!line.contains("abfss://"), "{line}");
}

#[test]
fn templates_show_in_the_form_and_fill_it() {
    use sparkdeck::domain::create::Template;
    let template = |name: &str, workers: u32| Template {
        name: name.into(),
        kind: Kind::Cluster,
        workspace: Some("adb-prod".into()),
        lakehouse: None,
        request: json!({"spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2",
                        "num_workers": workers, "custom_tags": {"team": "data"}, "init_scripts": []}),
    };
    let mut app = loaded_app()
        .with_pane(Pane::Clusters)
        .with_templates(vec![template("small", 1), template("wide", 8)]);
    press(&mut app, KeyCode::Char('n'));
    let screen = text(draw(&mut app, SMALL).backend().buffer());
    assert!(screen.contains("templates: small, wide ctrl-t"), "{screen}");
    ctrl(&mut app, 't');
    assert_snapshot!("template_list_small", draw(&mut app, SMALL).backend());
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_snapshot!("template_filled_large", draw(&mut app, LARGE).backend());
}
