//! The New form (`n`), editing a cluster (`E`), resubmitting a batch (`R`), templates and the
//! permanent delete (`D`): fields, validation messages, pickers, the review, what is sent, the
//! new row, read-only refusals.

use super::*;
use crate::app::form::{
    Choice, CreateEffect, CreatedItem, Failure, FieldKey, FormMemory, FormMsg, PrefillOf, Preview, Request,
    Source, Stage,
};
use crate::app::keymap::Command;
use crate::app::msg::Edited;
use crate::domain::create::{NewBatch, NewCluster, NewItem, Template, Workers};

fn batch_row(id: &str, name: &str, state: &str) -> Resource {
    let detail = Detail::Batch {
        file: Some("abfss://x/etl.py".into()),
        lakehouse: Some("sales_lh".into()),
        app_id: None,
    };
    row(Kind::Batch, id, name, (Status::from_livy(Some(state), None), state), detail, json!({"id": id}))
}

fn alt(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT))
}

fn form_msg(app: &mut App, msg: FormMsg) -> Vec<Effect> {
    app.update(Msg::Form(msg))
}

fn value(app: &App, key: FieldKey) -> String {
    app.form()
        .and_then(|f| f.fields.iter().find(|x| x.key == key))
        .map(|f| f.value.clone())
        .unwrap_or_default()
}

fn focused(app: &App) -> Option<FieldKey> {
    app.form().map(|f| f.fields[f.focus].key)
}

/// Tab to `key`'s field and type `text` there.
fn fill(app: &mut App, key: FieldKey, text: &str) {
    for _ in 0..40 {
        if focused(app) == Some(key) {
            break;
        }
        app.update(code(KeyCode::Tab));
    }
    assert_eq!(focused(app), Some(key));
    type_text(app, text);
}

fn form_id(app: &App) -> u64 {
    app.form().map(|f| f.id).unwrap_or_default()
}

fn preview(body: Value) -> Box<Preview> {
    Box::new(Preview {
        workspace: "fabric-prod".into(),
        lakehouse: Some("sales_lh".into()),
        call: "POST …/batches".into(),
        body,
        uploads: vec!["./etl.py (40 B) → Files/sparkdeck/uploads/ab/etl.py".into()],
        warnings: Vec::new(),
    })
}

fn batches_app() -> App {
    let mut app = app().with_pane(Pane::Batches);
    rows(&mut app, Kind::Batch, "fabric-prod", vec![batch_row("7", "nightly", "success")], T0);
    app
}

#[test]
fn n_opens_a_form_in_the_selected_rows_workspace_and_lakehouse_and_asks_for_its_lists() {
    let mut app = batches_app();
    let effects = app.update(key('n'));
    assert_eq!(app.focus(), Scope::Form);
    let form = app.form().map(|f| (f.kind, f.title())).unwrap_or((Kind::Run, String::new()));
    assert_eq!(form, (Kind::Batch, "New batch".to_string()));
    assert_eq!(value(&app, FieldKey::Workspace), "fabric-prod");
    assert_eq!(value(&app, FieldKey::Lakehouse), "sales_lh");
    let asked: Vec<Source> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Create(CreateEffect::LoadChoices { workspace, source }) if workspace == "fabric-prod" => {
                Some(*source)
            }
            _ => None,
        })
        .collect();
    assert_eq!(asked, [Source::Lakehouses, Source::Environments, Source::TargetLakehouses]);
    // Lists are read once per workspace: a second form asks for none.
    app.update(code(KeyCode::Esc));
    assert!(app.form().is_none(), "an unchanged form closes at once");
    assert!(app.update(key('n')).is_empty());
}

#[test]
fn review_names_every_field_to_fix_and_sends_nothing() {
    let mut app = batches_app();
    app.update(key('n'));
    fill(&mut app, FieldKey::Args, "--title \"Q4");
    fill(&mut app, FieldKey::DriverCores, "four");
    assert!(app.update(ctrl('s')).is_empty(), "nothing goes out");
    let form = app.form().cloned().unwrap_or_else(|| panic!("still open"));
    let errors: Vec<(FieldKey, String)> =
        form.fields.iter().filter_map(|f| Some((f.key, f.error.clone()?))).collect();
    assert_eq!(
        errors,
        [
            (FieldKey::File, "required".to_string()),
            (FieldKey::Args, "a quote is not closed".to_string()),
            (FieldKey::DriverCores, "\"four\" is not a whole number".to_string()),
        ]
    );
    assert_eq!(focused(&app), Some(FieldKey::File), "the first field to fix has focus");
    assert_eq!(form.error.as_deref(), Some("3 fields to fix before it can be sent (nothing was sent)."));
    // Typing in a field clears its mark.
    type_text(&mut app, "x");
    assert!(app.form().is_some_and(|f| f.fields[f.focus].error.is_none()));
}

#[test]
fn a_batch_is_reviewed_sent_once_and_shows_at_once_selected() {
    let mut app = batches_app();
    app.update(key('n'));
    fill(&mut app, FieldKey::File, "./etl.py");
    fill(&mut app, FieldKey::Name, "from-form");
    fill(&mut app, FieldKey::Conf, "spark.executor.memory=8g");
    let effects = app.update(ctrl('s'));
    let id = form_id(&app);
    let Some(Effect::Create(CreateEffect::Prepare { form, workspace, request })) = effects.first() else {
        panic!("asks the workspace to check it: {effects:?}")
    };
    assert_eq!((*form, workspace.as_str()), (id, "fabric-prod"));
    let Request { item: NewItem::Batch(b), edit: None } = request.as_ref() else {
        panic!("a new batch: {request:?}")
    };
    assert_eq!(
        (b.file.as_str(), b.name.as_deref(), b.lakehouse.as_deref()),
        ("./etl.py", Some("from-form"), Some("sales_lh"))
    );
    assert_eq!(b.conf.get("spark.executor.memory").map(String::as_str), Some("8g"));
    assert!(app.form().is_some_and(|f| f.stage == Stage::Checking));
    // The review shows the exact request; n goes back to the form and forgets it.
    let body = json!({"file": "abfss://w@onelake/l/Files/sparkdeck/uploads/ab/etl.py", "name": "from-form"});
    form_msg(&mut app, FormMsg::Prepared { form: id, result: Ok(preview(body.clone())) });
    assert_eq!(app.focus(), Scope::Review);
    assert_eq!(app.update(key('n')), vec![Effect::Create(CreateEffect::Discard { form: id })]);
    assert_eq!(app.focus(), Scope::Form);
    app.update(ctrl('s'));
    form_msg(&mut app, FormMsg::Prepared { form: id, result: Ok(preview(body.clone())) });
    assert!(app.update(key('x')).is_empty(), "other keys send nothing");
    assert_eq!(app.update(key('y')), vec![Effect::Create(CreateEffect::Send { form: id })]);
    assert!(app.form().is_some_and(|f| matches!(f.stage, Stage::Sending(_))));
    form_msg(&mut app, FormMsg::Progress { form: id, text: "uploading etl.py: 1 of 2 KiB".into() });
    assert!(
        app.form().is_some_and(|f| f.stage == Stage::Sending(Some("uploading etl.py: 1 of 2 KiB".into())))
    );
    let created = CreatedItem {
        kind: Kind::Batch,
        workspace: "fabric-prod".into(),
        id: "8".into(),
        name: Some("from-form".into()),
        lakehouse: Some("sales_lh".into()),
        request: body,
        edited: false,
    };
    let effects = form_msg(&mut app, FormMsg::Finished { form: id, result: Ok(created.clone()) });
    assert!(app.form().is_none());
    let selected = app.selected().map(|e| (e.res.id.clone(), e.res.status, e.res.raw_state.clone()));
    assert_eq!(selected, Some(("8".into(), Status::Pending, "not_started".into())));
    assert_eq!(
        app.message().map(|m| m.text.as_str()),
        Some("Batch 8 \"from-form\" submitted in fabric-prod.")
    );
    let Some(Effect::Create(CreateEffect::Remember(memory))) = effects.first() else { panic!("{effects:?}") };
    assert_eq!(memory.lakehouse("fabric-prod"), Some("sales_lh"));
    // A poll that does not list it yet keeps it; the one that lists it replaces it.
    rows(
        &mut app,
        Kind::Batch,
        "fabric-prod",
        vec![batch_row("7", "nightly", "success")],
        "2026-11-22T10:00:03Z",
    );
    assert_eq!(selected_name(&app).as_deref(), Some("from-form"));
    let listed = batch_row("8", "from-form", "running");
    rows(
        &mut app,
        Kind::Batch,
        "fabric-prod",
        vec![batch_row("7", "nightly", "success"), listed],
        "2026-11-22T10:00:06Z",
    );
    assert_eq!(app.selected().map(|e| e.res.raw_state.as_str()), Some("running"));
    rows(
        &mut app,
        Kind::Batch,
        "fabric-prod",
        vec![batch_row("7", "nightly", "success")],
        "2026-11-22T10:00:09Z",
    );
    assert_eq!(names(&app), ["nightly"], "once listed, the service's list is the truth");
}

#[test]
fn a_refusal_goes_back_to_the_form_and_an_unknown_outcome_is_never_sent_again() {
    let mut app = batches_app();
    app.update(key('n'));
    fill(&mut app, FieldKey::File, "Files/etl.py");
    app.update(ctrl('s'));
    let id = form_id(&app);
    form_msg(&mut app, FormMsg::Prepared { form: id, result: Err("no environment named \"gpu\"".into()) });
    assert!(app.form().is_some_and(
        |f| f.stage == Stage::Editing && f.error.as_deref() == Some("no environment named \"gpu\"")
    ));
    app.update(ctrl('s'));
    form_msg(&mut app, FormMsg::Prepared { form: id, result: Ok(preview(json!({"file": "f"}))) });
    app.update(key('y'));
    let refused = Failure::Refused("fabric-prod: 430 capacity full — what to do: wait".into());
    form_msg(&mut app, FormMsg::Finished { form: id, result: Err(refused) });
    assert!(
        app.form()
            .is_some_and(|f| f.error.as_deref() == Some("fabric-prod: 430 capacity full — what to do: wait"))
    );
    assert_eq!(value(&app, FieldKey::File), "Files/etl.py", "nothing typed is lost");
    app.update(ctrl('s'));
    form_msg(&mut app, FormMsg::Prepared { form: id, result: Ok(preview(json!({"file": "f"}))) });
    app.update(key('y'));
    let unknown = "fabric-prod: the batch may have been created (504); nothing like it is listed yet. It was not sent again.";
    let effects =
        form_msg(&mut app, FormMsg::Finished { form: id, result: Err(Failure::MayExist(unknown.into())) });
    assert!(effects.is_empty(), "not sent again");
    assert!(app.form().is_none());
    assert_eq!(app.message().map(|m| (m.level, m.text.as_str())), Some((Level::Error, unknown)));
    // The form is kept: n brings it back, to send it again only if the user decides to.
    app.update(key('n'));
    assert_eq!(value(&app, FieldKey::File), "Files/etl.py");
}

#[test]
fn lists_narrow_as_you_type_and_a_failed_list_still_lets_you_type() {
    let mut app = batches_app();
    app.update(key('n'));
    let envs = vec![
        Choice { value: "0b7c".into(), label: "gpu-env".into() },
        Choice { value: "9a1d".into(), label: "pandas-2".into() },
    ];
    form_msg(
        &mut app,
        FormMsg::Choices { workspace: "fabric-prod".into(), source: Source::Environments, result: Ok(envs) },
    );
    fill(&mut app, FieldKey::Environment, "");
    app.update(code(KeyCode::Enter));
    let shown = |app: &App| app.form().and_then(|f| f.picker.as_ref()).map(|p| p.shown.len());
    assert_eq!(shown(&app), Some(2));
    type_text(&mut app, "PAND");
    assert_eq!(shown(&app), Some(1));
    app.update(code(KeyCode::Enter));
    assert_eq!(value(&app, FieldKey::Environment), "9a1d", "the id goes in; the name shows beside it");
    assert_eq!(app.choice_label("fabric-prod", Source::Environments, "9a1d"), Some("pandas-2"));
    assert_eq!(focused(&app), Some(FieldKey::TargetLakehouse));
    // The lakehouses could not be read: the list says so, and esc leaves the field to type in.
    let failed = Err("403 Forbidden: the identity cannot list items".to_string());
    form_msg(
        &mut app,
        FormMsg::Choices {
            workspace: "fabric-prod".into(),
            source: Source::TargetLakehouses,
            result: failed,
        },
    );
    let effects = app.update(code(KeyCode::Enter));
    let status =
        app.form().and_then(|f| f.picker.as_ref()).and_then(|p| p.status.clone()).unwrap_or_default();
    assert!(
        status.starts_with("cannot read the lakehouses: 403") && status.ends_with("type the value instead"),
        "{status}"
    );
    assert_eq!(
        effects,
        vec![Effect::Create(CreateEffect::LoadChoices {
            workspace: "fabric-prod".into(),
            source: Source::TargetLakehouses
        })],
        "a failed list is asked for again"
    );
    app.update(code(KeyCode::Esc));
    type_text(&mut app, "gold_lh");
    assert_eq!(value(&app, FieldKey::TargetLakehouse), "gold_lh");
}

#[test]
fn read_only_refuses_every_create_key_and_says_why() {
    let mut app = batches_app().with_read_only(true);
    for k in ['n', 'R'] {
        assert!(app.update(key(k)).is_empty());
        assert!(app.form().is_none());
        let text = app.message().map(|m| m.text.clone()).unwrap_or_default();
        assert!(
            text.starts_with("fabric-prod is read-only (config read_only = true)")
                && text.ends_with("nothing was sent. :rw fabric-prod allows changes."),
            "{text}"
        );
    }
    app.update(key('3'));
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster_row("0101-a", "old", "TERMINATED", "2")], T0);
    for k in ['E', 'D', 'n'] {
        assert!(app.update(key(k)).is_empty());
        assert!(app.form().is_none() && app.typed_delete().is_none());
        assert!(app.message().is_some_and(|m| m.text.contains("read-only")), "{k}");
    }
}

#[test]
fn e_edits_a_cluster_from_its_configuration_in_its_own_workspace() {
    let mut app = app().with_pane(Pane::Clusters);
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster_row("0101-a", "etl", "PENDING", "2")], T0);
    app.update(key('E'));
    assert!(app.form().is_none());
    assert!(app.message().is_some_and(|m| m.text.contains("edits only RUNNING or TERMINATED clusters")));
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster_row("0101-a", "etl", "RUNNING", "2")], T0);
    let effects = app.update(key('E'));
    let id = form_id(&app);
    assert!(effects.contains(&Effect::Create(CreateEffect::LoadPrefill {
        form: id,
        workspace: "adb-prod".into(),
        of: PrefillOf::Cluster("0101-a".into()),
    })));
    assert!(app.form().is_some_and(|f| matches!(f.stage, Stage::Loading(_)) && f.title() == "Edit cluster etl (0101-a)"));
    let current = NewCluster {
        name: Some("etl".into()),
        spark_version: Some("15.4.x-scala2.12".into()),
        node_type: Some("Standard_DS3_v2".into()),
        workers: Some(Workers::Autoscale { min: 2, max: 8 }),
        extra: json!({"init_scripts": []}).as_object().cloned().unwrap_or_default(),
        ..NewCluster::default()
    };
    form_msg(&mut app, FormMsg::Prefill { form: id, result: Ok(Box::new(NewItem::Cluster(current))) });
    assert_eq!(value(&app, FieldKey::Workers), "2-8");
    assert_eq!(app.form().map(|f| f.extra_keys()), Some(vec!["init_scripts"]));
    // Its workspace cannot change.
    for _ in 0..8 {
        app.update(code(KeyCode::BackTab));
        if focused(&app) == Some(FieldKey::Workspace) {
            break;
        }
    }
    type_text(&mut app, "x");
    assert_eq!(value(&app, FieldKey::Workspace), "adb-prod");
    fill(&mut app, FieldKey::Workers, "");
    app.update(code(KeyCode::End));
    for _ in 0..3 {
        app.update(code(KeyCode::Backspace));
    }
    type_text(&mut app, "4");
    let effects = app.update(ctrl('s'));
    let Some(Effect::Create(CreateEffect::Prepare { request, .. })) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(request.edit.as_deref(), Some("0101-a"));
    let NewItem::Cluster(c) = &request.item else { panic!("a cluster") };
    assert_eq!(c.workers, Some(Workers::Fixed(4)));
    assert!(c.extra.contains_key("init_scripts"), "what the form has no field for is sent as it was");
}

#[test]
fn r_resubmits_a_batch_from_its_request() {
    let mut app = batches_app();
    let effects = app.update(key('R'));
    let id = form_id(&app);
    assert!(effects.contains(&Effect::Create(CreateEffect::LoadPrefill {
        form: id,
        workspace: "fabric-prod".into(),
        of: PrefillOf::Batch("7".into()),
    })));
    let before = NewBatch {
        lakehouse: Some("sales_lh".into()),
        file: "abfss://w@onelake/l/Files/etl.py".into(),
        args: vec!["--day".into(), "2026-11-21".into()],
        ..NewBatch::default()
    };
    form_msg(&mut app, FormMsg::Prefill { form: id, result: Ok(Box::new(NewItem::Batch(before))) });
    assert_eq!(value(&app, FieldKey::Args), "--day 2026-11-21");
    assert_eq!(app.form().map(|f| f.title()).as_deref(), Some("Resubmit batch 7"));
    let effects = app.update(ctrl('s'));
    assert!(
        matches!(&effects[..], [Effect::Create(CreateEffect::Prepare { request, .. })] if request.edit.is_none())
    );
    // A prefill that cannot be read leaves only esc.
    app.update(Msg::Form(FormMsg::Prepared { form: id, result: Err("x".into()) }));
    app.update(code(KeyCode::Esc));
    app.update(code(KeyCode::Esc));
    app.update(key('R'));
    let id = form_id(&app);
    form_msg(
        &mut app,
        FormMsg::Prefill { form: id, result: Err("batch 7 does not say how it was submitted".into()) },
    );
    assert!(
        app.form().is_some_and(|f| matches!(&f.stage, Stage::LoadFailed(e) if e.contains("does not say")))
    );
    app.update(code(KeyCode::Esc));
    assert!(app.form().is_none());
}

#[test]
fn d_deletes_a_terminated_cluster_once_its_name_is_typed() {
    let mut app = app().with_pane(Pane::Clusters);
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster_row("0101-a", "old-etl", "RUNNING", "2")], T0);
    app.update(key('D'));
    assert!(app.typed_delete().is_none());
    assert!(
        app.message()
            .is_some_and(|m| m.text.contains("only a terminated cluster can be; terminate it first (t)"))
    );
    rows(
        &mut app,
        Kind::Cluster,
        "adb-prod",
        vec![cluster_row("0101-a", "old-etl", "TERMINATED (INACTIVITY)", "2")],
        T0,
    );
    app.update(key('D'));
    assert_eq!(app.focus(), Scope::TypeName);
    type_text(&mut app, "old");
    assert!(app.update(code(KeyCode::Enter)).is_empty());
    assert!(app.typed_delete().and_then(|d| d.error.clone()).is_some_and(|e| e.contains("not its name")));
    type_text(&mut app, "-etl");
    let effects = app.update(code(KeyCode::Enter));
    let Some(Effect::Create(CreateEffect::DeleteCluster { target })) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!((target.id.as_str(), target.workspace.as_str()), ("0101-a", "adb-prod"));
    form_msg(&mut app, FormMsg::Deleted { target: target.clone(), result: Ok(()) });
    assert_eq!(
        app.message().map(|m| m.text.as_str()),
        Some("Deleted cluster \"old-etl\" (id 0101-a) in adb-prod permanently.")
    );
    // Esc keeps it.
    app.update(key('D'));
    app.update(code(KeyCode::Esc));
    assert!(app.typed_delete().is_none());
    assert_eq!(app.message().map(|m| m.text.as_str()), Some("Cancelled; nothing was deleted."));
}

#[test]
fn templates_fill_the_form_and_the_form_saves_as_one() {
    let template = Template {
        name: "small".into(),
        kind: Kind::Cluster,
        workspace: Some("adb-prod".into()),
        lakehouse: None,
        request: json!({"spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2", "num_workers": 1,
                        "custom_tags": {"team": "data"}, "init_scripts": []}),
    };
    let mut app = app().with_pane(Pane::Clusters);
    app.update(key('n'));
    app.update(ctrl('t'));
    assert!(app.message().is_some_and(|m| m.text.starts_with("No cluster templates yet")));
    app.update(code(KeyCode::Esc));
    let mut app = app.with_templates(vec![template.clone()]);
    app.update(key('n'));
    app.update(ctrl('t'));
    assert_eq!(app.form().and_then(|f| f.picker.as_ref()).map(|p| p.source), Some(Source::Templates));
    app.update(code(KeyCode::Enter));
    assert_eq!(value(&app, FieldKey::Tags), "team=data");
    assert_eq!(value(&app, FieldKey::Workers), "1");
    assert_eq!(app.form().and_then(|f| f.template.clone()).as_deref(), Some("small"));
    fill(&mut app, FieldKey::Name, "nightly");
    app.update(alt('t'));
    for _ in 0.."small".len() {
        app.update(code(KeyCode::Backspace));
    }
    type_text(&mut app, "nightly cluster");
    let effects = app.update(code(KeyCode::Enter));
    let Some(Effect::Create(CreateEffect::SaveTemplate { template: saved })) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (saved.name.as_str(), saved.kind, saved.workspace.as_deref()),
        ("nightly cluster", Kind::Cluster, Some("adb-prod"))
    );
    assert_eq!(saved.request["cluster_name"], "nightly");
    assert_eq!(saved.request["init_scripts"], json!([]), "what it was given is kept");
    form_msg(
        &mut app,
        FormMsg::TemplateSaved { template: saved.clone(), result: Ok("saved in /c/config.toml".into()) },
    );
    assert_eq!(app.templates().len(), 2);
    assert_eq!(
        app.message().map(|m| m.text.as_str()),
        Some("Template \"nightly cluster\" saved in /c/config.toml.")
    );
}

#[test]
fn a_new_cluster_starts_from_the_runtime_and_node_type_last_used() {
    let mut memory = FormMemory::default();
    let used = NewCluster {
        spark_version: Some("16.4.x-scala2.12".into()),
        node_type: Some("Standard_E8ds_v5".into()),
        ..NewCluster::default()
    };
    assert!(memory.note("adb-dev", &NewItem::Cluster(used), None));
    let mut app = app().with_pane(Pane::Clusters).with_form_memory(memory);
    let mut effects = app.update(key('n'));
    // The first update also says what is visible (the event loop's start).
    effects.retain(|e| matches!(e, Effect::Create(_)));
    assert_eq!(value(&app, FieldKey::SparkVersion), "16.4.x-scala2.12", "last used anywhere");
    assert_eq!(value(&app, FieldKey::NodeType), "Standard_E8ds_v5");
    assert_eq!(value(&app, FieldKey::Workers), "2");
    assert_eq!(
        effects,
        vec![
            Effect::Create(CreateEffect::LoadChoices {
                workspace: "adb-prod".into(),
                source: Source::SparkVersions
            }),
            Effect::Create(CreateEffect::LoadChoices {
                workspace: "adb-prod".into(),
                source: Source::NodeTypes
            }),
        ]
    );
}

#[test]
fn a_run_chooses_among_the_workspaces_all_purpose_clusters() {
    let mut app = app().with_pane(Pane::Runs);
    let mut job = cluster_row("job-1", "job-cluster", "RUNNING", "2");
    job.detail = Detail::Cluster {
        workers: "2".into(),
        runtime: None,
        node_type: None,
        source: Some("JOB".into()),
        pinned: false,
    };
    let clusters = vec![
        cluster_row("0101-b", "shared", "TERMINATED", "2"),
        cluster_row("0101-a", "adhoc", "RUNNING", "4"),
        job,
    ];
    rows(&mut app, Kind::Cluster, "adb-prod", clusters, T0);
    app.update(key('n'));
    fill(&mut app, FieldKey::Cluster, "");
    app.update(code(KeyCode::Enter));
    let shown: Vec<String> = app
        .form()
        .and_then(|f| f.picker.as_ref())
        .map(|p| p.shown.iter().map(|c| c.label.clone()).collect())
        .unwrap_or_default();
    assert_eq!(shown, ["adhoc · RUNNING · 15.4.x-scala2.12", "shared · TERMINATED · 15.4.x-scala2.12"]);
    app.update(code(KeyCode::Enter));
    assert_eq!(value(&app, FieldKey::Cluster), "0101-a");
    fill(&mut app, FieldKey::Notebook, "/Users/ada/report");
    fill(&mut app, FieldKey::Params, "day=2026-11-22");
    let effects = app.update(ctrl('s'));
    let Some(Effect::Create(CreateEffect::Prepare { request, .. })) = effects.first() else {
        panic!("{effects:?}")
    };
    let NewItem::Run(r) = &request.item else { panic!("a run") };
    assert_eq!(r.params, [("day".to_string(), "2026-11-22".to_string())]);
}

#[test]
fn esc_on_a_changed_form_asks_once_more_and_n_brings_it_back() {
    let mut app = batches_app();
    app.update(key('n'));
    fill(&mut app, FieldKey::File, "etl.py");
    app.update(code(KeyCode::Esc));
    assert!(
        app.form().and_then(|f| f.error.clone()).is_some_and(|e| e.starts_with("Esc again closes the form"))
    );
    app.update(code(KeyCode::Esc));
    assert!(app.form().is_none());
    app.update(key('n'));
    assert_eq!(value(&app, FieldKey::File), "etl.py");
    assert_eq!(
        app.message().map(|m| m.text.as_str()),
        Some("The form you left is back (esc twice drops it).")
    );
    // Only for its own kind.
    app.update(code(KeyCode::Esc));
    app.update(code(KeyCode::Esc));
    app.update(key('1'));
    app.update(key('n'));
    assert_eq!(app.form().map(|f| f.kind), Some(Kind::Session));
}

#[test]
fn the_mouse_moves_nothing_under_an_open_form() {
    let mut app = batches_app();
    app.update(key('n'));
    let areas = app.areas();
    let mouse =
        |kind| Msg::Mouse(MouseEvent { kind, column: 3, row: areas.tabs.y, modifiers: KeyModifiers::NONE });
    app.update(mouse(MouseEventKind::Down(MouseButton::Left)));
    app.update(mouse(MouseEventKind::ScrollDown));
    assert_eq!((app.pane(), app.focus()), (Pane::Batches, Scope::Form));
    assert_eq!(selected_name(&app).as_deref(), Some("nightly"));
}

#[test]
fn a_form_closed_while_sending_comes_back_when_the_service_refuses() {
    let mut app = batches_app();
    app.update(key('n'));
    fill(&mut app, FieldKey::File, "Files/etl.py");
    app.update(ctrl('s'));
    let id = form_id(&app);
    form_msg(&mut app, FormMsg::Prepared { form: id, result: Ok(preview(json!({"file": "f"}))) });
    app.update(key('y'));
    app.update(code(KeyCode::Esc));
    assert!(app.form().is_none());
    assert_eq!(
        app.message().map(|m| m.text.as_str()),
        Some("It is being sent; the outcome shows here when it comes.")
    );
    let refused = Failure::Refused("fabric-prod: 430 capacity full".into());
    form_msg(&mut app, FormMsg::Finished { form: id, result: Err(refused) });
    assert_eq!(
        app.message().map(|m| m.text.as_str()),
        Some("fabric-prod: 430 capacity full — n brings the form back")
    );
    app.update(key('n'));
    assert_eq!(value(&app, FieldKey::File), "Files/etl.py", "nothing typed is lost");
    assert!(app.form().is_some_and(|f| f.stage == Stage::Editing));
    // Closed while sending and created: nothing is kept.
    app.update(ctrl('s'));
    form_msg(&mut app, FormMsg::Prepared { form: id, result: Ok(preview(json!({"file": "f"}))) });
    app.update(key('y'));
    app.update(code(KeyCode::Esc));
    let created = CreatedItem {
        kind: Kind::Batch,
        workspace: "fabric-prod".into(),
        id: "9".into(),
        name: None,
        lakehouse: Some("sales_lh".into()),
        request: json!({"file": "f"}),
        edited: false,
    };
    form_msg(&mut app, FormMsg::Finished { form: id, result: Ok(created) });
    assert_eq!(app.selected().map(|e| e.res.id.as_str()), Some("9"));
    app.update(key('n'));
    assert_eq!(value(&app, FieldKey::File), "", "a fresh form");
}

#[test]
fn the_request_edited_outside_comes_back_into_the_form() {
    let mut app = batches_app();
    app.update(key('n'));
    fill(&mut app, FieldKey::File, "Files/etl.py");
    let id = form_id(&app);
    // ctrl-e hands the request to the outside editor (the event loop suspends the terminal).
    let effects = app.update(ctrl('e'));
    let [Effect::EditExternally { what: Edited::Form(edited), text, extension: "json" }] = &effects[..]
    else {
        panic!("{effects:?}")
    };
    assert_eq!(*edited, id);
    assert_eq!(serde_json::from_str::<Value>(text).ok(), Some(json!({"file": "Files/etl.py"})));
    let back = r#"{"file": "Files/etl.py", "name": "edited", "numExecutors": 3}"#;
    app.update(Msg::EditedExternally { what: Edited::Form(id), result: Ok(back.into()) });
    assert_eq!(
        (value(&app, FieldKey::Name), value(&app, FieldKey::NumExecutors)),
        ("edited".into(), "3".into())
    );
    assert_eq!(value(&app, FieldKey::Lakehouse), "sales_lh", "the lakehouse stays");
    assert_eq!(
        app.message().map(|m| m.text.as_str()),
        Some("The request edited outside is in the form; ctrl-s reviews it.")
    );
    // A broken document leaves the form, and comes back for the next edit.
    app.on_request_edited(id, Ok("{\"file\": ".into()));
    let error = app.form().and_then(|f| f.error.clone()).unwrap_or_default();
    assert!(error.starts_with("The edited JSON does not read (line 1"), "{error}");
    assert_eq!(value(&app, FieldKey::Name), "edited");
    assert_eq!(app.request_to_edit().map(|(_, t)| t).as_deref(), Some("{\"file\": "));
    // An editor that failed changes nothing.
    app.on_request_edited(id, Err("\"vi\" exited with 1; your edits are in /tmp/sparkdeck-1.json".into()));
    let error = app.form().and_then(|f| f.error.clone()).unwrap_or_default();
    assert!(error.contains("exited with 1") && error.ends_with("the form is as it was."), "{error}");
    // Not while it is being checked or sent.
    app.update(ctrl('s'));
    assert!(app.request_to_edit().is_none());
}

#[test]
fn the_footer_offers_the_create_keys_only_where_they_do_something() {
    let commands = |app: &App| app.footer().iter().map(|b| b.command).collect::<Vec<_>>();
    let batches = batches_app();
    assert!(commands(&batches).contains(&Command::New) && commands(&batches).contains(&Command::Resubmit));
    let read_only = batches_app().with_read_only(true);
    assert!(
        !commands(&read_only).contains(&Command::New) && !commands(&read_only).contains(&Command::Resubmit)
    );
    let mut app = app().with_pane(Pane::Clusters);
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster_row("0101-a", "etl", "PENDING", "2")], T0);
    assert!(
        !commands(&app).contains(&Command::EditItem),
        "the service edits only running or terminated clusters"
    );
    rows(
        &mut app,
        Kind::Cluster,
        "adb-prod",
        vec![cluster_row("0101-a", "etl", "TERMINATED (INACTIVITY)", "2")],
        T0,
    );
    assert!(commands(&app).contains(&Command::EditItem));
}

#[test]
fn a_notebooks_session_from_the_monitoring_list_lends_no_lakehouse() {
    // Such a row carries its notebook's name where a Livy session has its lakehouse.
    let notebook = |read_only| Detail::Session {
        idle_timeout_at: None,
        high_concurrency: false,
        read_only,
        lakehouse: Some(if read_only { "nb_daily_sales_refresh" } else { "sales_lh" }.into()),
        app_id: None,
    };
    for (read_only, lakehouse) in [(true, ""), (false, "sales_lh")] {
        let mut app = app().with_pane(Pane::Sessions);
        let res =
            row(Kind::Session, "s1", "nb", (Status::Busy, "InProgress"), notebook(read_only), json!({}));
        rows(&mut app, Kind::Session, "fabric-prod", vec![res], T0);
        app.update(key('n'));
        assert_eq!(value(&app, FieldKey::Workspace), "fabric-prod");
        assert_eq!(value(&app, FieldKey::Lakehouse), lakehouse, "read-only: {read_only}");
    }
}
