//! The New form end to end against the simulator: the app's keys, the real effect runner
//! (`effects::create` on `workspace::create`) and the simulator's state afterwards. A cluster
//! made from the form (lists read from the workspace, reviewed, created once, remembered), a bad
//! runtime refused with nothing sent, a terminated cluster edited (`E`) and deleted for good
//! (`D`, its name typed), a one-time run on a cluster chosen from the list, a template saved
//! into a real config file with its comments kept.

use std::net::SocketAddr;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use sparkdeck::app::form::Stage;
use sparkdeck::app::{self, App, Effect, Msg};
use sparkdeck::auth::AuthContext;
use sparkdeck::config::PollSettings;
use sparkdeck::domain::{Kind, Service};
use sparkdeck::drafts::Drafts;
use sparkdeck::effects::Runner;
use sparkdeck::sim::{Sim, SimOptions};
use sparkdeck::workspace;
use tokio::sync::mpsc;

type Res = Result<(), Box<dyn std::error::Error>>;

/// The app, the effect runner it drives, and the simulator they talk to.
struct Flow {
    sim: Sim,
    app: App,
    runner: Runner,
    rx: mpsc::Receiver<Msg>,
    data: tempfile::TempDir,
}

impl Flow {
    /// Templates saved go to `config` (none: kept for the run only).
    async fn start(config: Option<std::path::PathBuf>) -> Result<Flow, Box<dyn std::error::Error>> {
        let opts = SimOptions { speed: 100.0, ..SimOptions::default() };
        let sim = Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await?;
        let data = tempfile::tempdir()?;
        let http = sparkdeck::api::http::client()?;
        let config_file = sparkdeck::cli::demo::demo_config(&sim);
        let workspaces =
            workspace::connect(&config_file, &http, &AuthContext::new(http.clone(), data.path()));
        let names = workspaces.iter().map(|w| app::WorkspaceRef::new(w.name.clone(), w.service)).collect();
        let app = App::new(names, Timestamp::now(), TimeZone::UTC);
        let (tx, rx) = mpsc::channel::<Msg>(256);
        let runner = Runner::start(
            workspaces,
            PollSettings::default(),
            Drafts::in_data_dir(data.path()),
            sparkdeck::domain::Clock::system(),
            tx,
        )
        .with_form_files(data.path(), config);
        let mut flow = Flow { sim, app, runner, rx, data };
        flow.update(Msg::Resize { width: 160, height: 45 });
        Ok(flow)
    }

    fn update(&mut self, msg: Msg) {
        for effect in self.app.update(msg) {
            if !matches!(effect, Effect::Quit) {
                self.runner.run(effect);
            }
        }
    }

    fn key(&mut self, code: KeyCode) {
        self.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    fn ctrl(&mut self, c: char) {
        self.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
    }

    fn alt(&mut self, c: char) {
        self.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT)));
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Answers go to the app until `ok` holds (up to 20 s: debug builds on a busy machine).
    async fn until(&mut self, what: &str, ok: impl Fn(&App) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !ok(&self.app) {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(msg)) => self.update(msg),
                Ok(None) => panic!("the runner stopped before {what}"),
                Err(_) => panic!(
                    "never saw {what}; form: {:?}; message: {:?}",
                    self.app.form().map(|f| (&f.stage, &f.error)),
                    self.app.message()
                ),
            }
        }
    }

    fn message(&self) -> String {
        self.app.message().map(|m| m.text.clone()).unwrap_or_default()
    }

    /// Tab to the field labelled `label`.
    fn field(&mut self, label: &str) {
        for _ in 0..40 {
            if self.app.form().is_some_and(|f| f.fields[f.focus].key.label() == label) {
                return;
            }
            self.key(KeyCode::Tab);
        }
        panic!("no field {label}");
    }

    /// Enter on the focused field's list, wait for its choices, and take the first.
    async fn choose_first(&mut self) {
        self.key(KeyCode::Enter);
        self.until("the list's choices", |a| {
            a.form().and_then(|f| f.picker.as_ref()).is_some_and(|p| !p.shown.is_empty())
        })
        .await;
        self.key(KeyCode::Enter);
    }

    fn creates(&self) -> u64 {
        self.sim.shared().faults.creates.report()["performed"].as_u64().unwrap_or(0)
    }

    /// Select the first row of the focused pane that `pick` likes.
    async fn select(
        &mut self,
        what: &str,
        pick: impl Fn(&sparkdeck::domain::Resource) -> bool,
    ) -> (String, String) {
        self.until(what, |a| a.pane_state().rows.iter().any(|r| a.entry(*r).is_some_and(|e| pick(&e.res))))
            .await;
        for _ in 0..500 {
            if let Some(e) = self.app.selected().filter(|e| pick(&e.res)) {
                return (e.res.id.clone(), e.res.name.clone());
            }
            self.key(KeyCode::Char('j'));
        }
        panic!("cannot select {what}")
    }
}

fn terminated_cluster(r: &sparkdeck::domain::Resource) -> bool {
    r.kind == Kind::Cluster
        && r.raw_state.starts_with("TERMINATED")
        && !r.name.is_empty()
        && !r.name.starts_with("job-")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_from_the_form_is_created_once_and_a_bad_runtime_sends_nothing() -> Res {
    let mut f = Flow::start(None).await?;
    f.key(KeyCode::Char('3'));
    f.select("a cluster row", |r| r.kind == Kind::Cluster).await;
    f.key(KeyCode::Char('n'));
    let ws = f.app.form().map(|form| form.workspace().to_string()).unwrap_or_default();
    f.type_text("made-in-the-form");
    f.field("Runtime");
    f.choose_first().await;
    f.field("Node type");
    f.choose_first().await;
    f.ctrl('s');
    f.until("the review", |a| a.form().is_some_and(|x| matches!(x.stage, Stage::Review { .. }))).await;
    let Some(Stage::Review { preview, .. }) = f.app.form().map(|x| x.stage.clone()) else {
        panic!("a review")
    };
    assert_eq!(
        (preview.workspace.as_str(), preview.call.as_str()),
        (ws.as_str(), "POST /api/2.1/clusters/create")
    );
    assert_eq!(preview.body["cluster_name"], "made-in-the-form");
    assert_eq!(preview.body["num_workers"], 2);
    let (version, node) = (preview.body["spark_version"].clone(), preview.body["node_type_id"].clone());
    let before = f.creates();
    f.key(KeyCode::Char('y'));
    f.until("the create", |a| a.message().is_some_and(|m| m.text.contains("is starting"))).await;
    assert_eq!(f.creates(), before + 1, "created once");
    let selected = f.app.selected().map(|e| e.res.name.clone());
    assert_eq!(selected.as_deref(), Some("made-in-the-form"), "shown at once, selected");
    {
        let state = f.sim.shared().databricks();
        let made = state.workspaces.iter().flat_map(|w| &w.clusters).find(|c| c.name == "made-in-the-form");
        let made = made.map(|c| (Some(c.spark_version.clone()), Some(c.node_type.clone()), c.num_workers));
        assert_eq!(made, Some((version.as_str().map(str::to_string), node.as_str().map(str::to_string), 2)));
    }
    // What it used is remembered for the next form.
    // (Written by a blocking task after the answer: give it a moment.)
    let file = f.data.path().join("forms.json");
    for _ in 0..100 {
        if file.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let memory = std::fs::read_to_string(&file)?;
    assert!(memory.contains(version.as_str().unwrap_or("?")), "{memory}");

    // A runtime the workspace does not offer is refused by the workspace: nothing is sent.
    f.key(KeyCode::Char('n'));
    f.until("the new form", |a| a.form().is_some()).await;
    f.field("Runtime");
    f.key(KeyCode::End);
    for _ in 0..40 {
        f.key(KeyCode::Backspace);
    }
    f.type_text("99.9.x-nope-scala2.12");
    f.ctrl('s');
    f.until("the refusal", |a| a.form().is_some_and(|x| x.stage == Stage::Editing && x.error.is_some()))
        .await;
    let error = f.app.form().and_then(|x| x.error.clone()).unwrap_or_default();
    assert!(error.contains("99.9.x-nope-scala2.12") && error.contains("nothing was sent"), "{error}");
    let marked = f.app.form().map(|x| (x.fields[x.focus].key.label(), x.fields[x.focus].error.is_some()));
    assert_eq!(marked, Some(("Runtime", true)), "the field it names is marked and focused");
    assert_eq!(f.creates(), before + 1, "nothing more was created");
    f.sim.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminated_cluster_is_edited_then_deleted_for_good_once_its_name_is_typed() -> Res {
    let mut f = Flow::start(None).await?;
    f.key(KeyCode::Char('3'));
    let (id, name) = f.select("a terminated cluster", terminated_cluster).await;
    f.key(KeyCode::Char('E'));
    f.until("its configuration", |a| a.form().is_some_and(|x| x.stage == Stage::Editing)).await;
    assert!(f.app.form().is_some_and(|x| x.title() == format!("Edit cluster {name} ({id})")));
    f.field("Workers");
    f.key(KeyCode::End);
    for _ in 0..10 {
        f.key(KeyCode::Backspace);
    }
    f.type_text("3");
    f.ctrl('s');
    f.until("the review", |a| a.form().is_some_and(|x| matches!(x.stage, Stage::Review { .. }))).await;
    f.key(KeyCode::Char('y'));
    f.until("the edit", |a| a.message().is_some_and(|m| m.text.contains("edited"))).await;
    assert!(f.message().contains("it stays terminated"), "{}", f.message());
    let workers = |f: &Flow| {
        let state = f.sim.shared().databricks();
        let c = state.workspaces.iter().flat_map(|w| &w.clusters).find(|c| c.id == id);
        c.map(|c| (c.num_workers, c.autoscale, c.deleted))
    };
    assert_eq!(workers(&f), Some((3, None, false)));

    f.key(KeyCode::Char('D'));
    assert_eq!(f.app.focus(), sparkdeck::app::Scope::TypeName);
    f.type_text(&name[..name.len() - 1]);
    f.key(KeyCode::Enter);
    assert!(f.app.typed_delete().is_some(), "a wrong name deletes nothing");
    f.type_text(&name[name.len() - 1..]);
    f.key(KeyCode::Enter);
    f.until("the delete", |a| a.message().is_some_and(|m| m.text.starts_with("Deleted"))).await;
    assert_eq!(workers(&f), Some((3, None, true)));
    // The next refresh no longer lists it.
    f.until("the list without it", |a| {
        a.workspaces().iter().all(|w| w.slot(Kind::Cluster).rows.iter().all(|e| e.res.id != id))
    })
    .await;
    f.sim.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_on_a_cluster_from_the_list_is_submitted_and_shown() -> Res {
    let mut f = Flow::start(None).await?;
    f.key(KeyCode::Char('3'));
    f.select("a running cluster", |r| r.kind == Kind::Cluster && r.raw_state == "RUNNING").await;
    f.key(KeyCode::Char('4'));
    f.key(KeyCode::Char('n'));
    f.type_text("from-the-form");
    f.field("Cluster");
    f.choose_first().await;
    f.field("Notebook");
    f.type_text("/Shared/reports/daily");
    f.field("Parameters");
    f.type_text("day=2026-12-01");
    f.ctrl('s');
    f.until("the review", |a| a.form().is_some_and(|x| matches!(x.stage, Stage::Review { .. }))).await;
    let Some(Stage::Review { preview, .. }) = f.app.form().map(|x| x.stage.clone()) else {
        panic!("a review")
    };
    let task = &preview.body["tasks"][0];
    assert_eq!(task["notebook_task"]["base_parameters"]["day"], "2026-12-01");
    assert!(task["existing_cluster_id"].is_string(), "{task}");
    assert!(preview.body["idempotency_token"].is_string(), "runs/submit carries its token");
    let before = f.creates();
    f.key(KeyCode::Char('y'));
    f.until("the run", |a| a.message().is_some_and(|m| m.text.contains("submitted"))).await;
    assert_eq!(f.creates(), before + 1);
    let selected = f.app.selected().map(|e| (e.res.kind, e.res.name.clone()));
    assert_eq!(selected, Some((Kind::Run, "from-the-form".to_string())));
    f.sim.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_saved_from_the_form_lands_in_the_config_file_with_its_comments_kept() -> Res {
    let config_dir = tempfile::tempdir()?;
    let config = config_dir.path().join("config.toml");
    std::fs::write(&config, "# my settings\nread_only = false   # keep this\n")?;
    let mut f = Flow::start(Some(config.clone())).await?;
    f.key(KeyCode::Char('2'));
    f.key(KeyCode::Char('n'));
    f.until("the form", |a| a.form().is_some()).await;
    f.field("File");
    f.type_text("Files/jobs/nightly.py");
    f.field("Spark conf");
    f.type_text("spark.executor.memory=8g");
    f.alt('t');
    f.type_text("nightly");
    f.key(KeyCode::Enter);
    f.until("the template saved", |a| a.message().is_some_and(|m| m.text.contains("saved in"))).await;
    let text = std::fs::read_to_string(&config)?;
    assert!(text.starts_with("# my settings\nread_only = false   # keep this\n"), "{text}");
    assert!(text.contains("[templates.nightly]") && text.contains("kind = \"batch\""), "{text}");
    assert!(text.contains("file = \"Files/jobs/nightly.py\""), "{text}");
    // It reads back as the configuration reads templates.
    let env = sparkdeck::config::env::MapEnv::new().with_home(config_dir.path());
    let loaded = sparkdeck::config::load(Some(&config), None, &env)?;
    let t = loaded.settings.templates.iter().find(|t| t.name == "nightly").map(|t| t.request.clone());
    assert_eq!(t.map(|r| r["conf"]["spark.executor.memory"].clone()), Some("8g".into()));
    assert_eq!(f.app.templates().iter().filter(|t| t.name == "nightly" && t.kind == Kind::Batch).count(), 1);
    assert!(f.app.workspaces().iter().any(|w| w.workspace.service == Service::Fabric));
    f.sim.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_on_an_environment_from_the_list_and_a_batch_resubmitted_as_it_was() -> Res {
    let mut f = Flow::start(None).await?;
    f.select("a session row", |r| r.kind == Kind::Session).await;
    f.key(KeyCode::Char('n'));
    f.field("Name");
    f.type_text("on-an-environment");
    f.field("Environment");
    f.choose_first().await;
    let environment = f
        .app
        .form()
        .and_then(|x| x.fields.iter().find(|x| x.key.label() == "Environment").map(|x| x.value.clone()))
        .unwrap_or_default();
    f.ctrl('s');
    f.until("the review", |a| a.form().is_some_and(|x| matches!(x.stage, Stage::Review { .. }))).await;
    let Some(Stage::Review { preview, .. }) = f.app.form().map(|x| x.stage.clone()) else {
        panic!("a review")
    };
    assert_eq!(
        preview.body["conf"]["spark.fabric.environmentDetails"],
        format!("{{\"id\" : \"{environment}\"}}"),
        "as the reference writes it"
    );
    assert!(preview.lakehouse.is_some(), "the review names the lakehouse");
    let before = f.creates();
    f.key(KeyCode::Char('y'));
    f.until("the session", |a| a.message().is_some_and(|m| m.text.contains("is starting"))).await;
    assert_eq!(f.creates(), before + 1);
    assert_eq!(f.app.selected().map(|e| e.res.name.clone()).as_deref(), Some("on-an-environment"));

    // R: a batch's own request, sent again as a new batch.
    f.key(KeyCode::Char('2'));
    let (id, name) = f
        .select("a batch that says how it was submitted", |r| r.kind == Kind::Batch && !r.name.is_empty())
        .await;
    f.key(KeyCode::Char('R'));
    f.until("its request", |a| a.form().is_some_and(|x| !matches!(x.stage, Stage::Loading(_)))).await;
    if let Some(Stage::LoadFailed(why)) = f.app.form().map(|x| x.stage.clone()) {
        panic!("batch {id} could not be read: {why}");
    }
    assert_eq!(f.app.form().map(|x| x.title()), Some(format!("Resubmit batch {id}")));
    f.ctrl('s');
    f.until("the review", |a| a.form().is_some_and(|x| matches!(x.stage, Stage::Review { .. }))).await;
    let Some(Stage::Review { preview, .. }) = f.app.form().map(|x| x.stage.clone()) else {
        panic!("a review")
    };
    assert_eq!(preview.body["name"], name.as_str(), "{}", preview.body);
    let before = f.creates();
    f.key(KeyCode::Char('y'));
    f.until("the batch", |a| a.message().is_some_and(|m| m.text.contains("submitted"))).await;
    assert_eq!(f.creates(), before + 1);
    let selected = f.app.selected().map(|e| (e.res.id.clone(), e.res.name.clone()));
    assert!(selected.as_ref().is_some_and(|(new, n)| *new != id && *n == name), "{selected:?}");
    f.sim.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_local_file_or_another_workspaces_path_is_refused_with_nothing_sent() -> Res {
    let mut f = Flow::start(None).await?;
    f.key(KeyCode::Char('2'));
    f.key(KeyCode::Char('n'));
    f.until("the form", |a| a.form().is_some()).await;
    f.field("File");
    f.type_text("/no/such/dir/etl.py");
    let before = f.creates();
    f.ctrl('s');
    f.until("the refusal", |a| a.form().is_some_and(|x| x.stage == Stage::Editing && x.error.is_some()))
        .await;
    let error = f.app.form().and_then(|x| x.error.clone()).unwrap_or_default();
    assert!(error.contains("/no/such/dir/etl.py") && error.contains("nothing was sent"), "{error}");
    let marked = f.app.form().map(|x| (x.fields[x.focus].key.label(), x.fields[x.focus].error.is_some()));
    assert_eq!(marked, Some(("File", true)));
    f.key(KeyCode::End);
    for _ in 0..40 {
        f.key(KeyCode::Backspace);
    }
    f.type_text(
        "abfss://00000000-0000-0000-0000-000000000000@onelake.dfs.fabric.microsoft.com/lh/Files/x.py",
    );
    f.ctrl('s');
    f.until("the second refusal", |a| {
        a.form().is_some_and(|x| {
            x.stage == Stage::Editing && x.error.as_deref().is_some_and(|e| e.contains("abfss"))
        })
    })
    .await;
    let error = f.app.form().and_then(|x| x.error.clone()).unwrap_or_default();
    assert!(error.contains("nothing was sent"), "{error}");
    assert_eq!(f.creates(), before, "nothing was created");
    f.sim.shutdown().await;
    Ok(())
}
