//! The Jobs pane end to end: the app's keys, the real effect runner and the simulator's
//! answers, checked in the simulator's own state. `p` runs a job with parameters (seen as the
//! run's `job_parameters`), `R` repairs a failed run (only its failed task runs again, and
//! `repair_history` grows), `C` cancels every active run of a job.

use std::time::Duration;

use crossterm::event::KeyCode;
use serde_json::Value;
use sparkdeck::app::{App, Pane};
use sparkdeck::domain::{Kind, Status};

type Res = Result<(), Box<dyn std::error::Error>>;

#[path = "common/monitor.rs"]
mod monitor;
use monitor::Monitor;

/// What these tests need beyond the shared harness: a job selected, and the service's own view.
trait Jobs {
    async fn select_job(&mut self, name: &str);
    fn job_id(&self) -> String;
    async fn get(&self, path: &str) -> Value;
}

impl Jobs for Monitor {
    /// Show only the job `name` of the first workspace, selected.
    async fn select_job(&mut self, name: &str) {
        self.keys("6");
        let ws = self.sim.shared().databricks().demo_workspaces(self.sim.base_url())[0].name.clone();
        let has = |a: &App| {
            a.workspaces().iter().any(|w| w.workspace.name == ws && !w.slot(Kind::Job).rows.is_empty())
        };
        self.until("the jobs", |a| a.pane() == Pane::Jobs && has(a)).await;
        self.keys(&format!("/{name}"));
        self.key(KeyCode::Enter);
        for _ in 0..4 {
            if self.app.selected().is_some_and(|e| e.res.workspace == ws) {
                break;
            }
            self.keys("j");
        }
        let selected = self.app.selected().map(|e| (e.res.name.clone(), e.res.workspace.clone()));
        assert_eq!(selected, Some((name.to_string(), ws)), "{:?}", self.message());
    }

    fn job_id(&self) -> String {
        self.app.selected().map(|e| e.res.id.clone()).unwrap_or_default()
    }

    async fn get(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.sim.base_url());
        let pat = self.sim.shared().databricks().demo_workspaces(self.sim.base_url())[0].pat.clone();
        let resp = reqwest::Client::new().get(url).bearer_auth(pat).send().await;
        match resp {
            Ok(r) => r.json().await.unwrap_or(Value::Null),
            Err(e) => panic!("{path}: {e}"),
        }
    }
}

#[tokio::test]
async fn run_now_with_parameters_reaches_the_service_as_job_parameters() -> Res {
    let mut m = Monitor::start().await?;
    m.select_job("nightly-sales-etl").await;
    let job = m.job_id();
    m.keys("p");
    // The line starts with the declared parameters; typed text replaces it.
    m.keys("run_date=2026-12-01 env=dev");
    m.key(KeyCode::Enter);
    let change = m.app.confirm().and_then(|c| c.change.clone());
    assert_eq!(change.as_deref(), Some("with job parameters run_date=2026-12-01 env=dev"));
    m.keys("y");
    m.until("the run started", |a| a.message().is_some_and(|t| t.text.starts_with("started ✓"))).await;
    let runs = m.get(&format!("/api/2.2/jobs/runs/list?job_id={job}&limit=1")).await;
    let run = m.get(&format!("/api/2.2/jobs/runs/get?run_id={}", runs["runs"][0]["run_id"])).await;
    assert!(m.message().contains(&run["run_id"].to_string()), "{}", m.message());
    assert_eq!(run["overriding_parameters"]["job_parameters"]["env"], "dev");
    let values: Vec<(String, String)> = run["job_parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| (p["name"].as_str().unwrap_or("").into(), p["value"].as_str().unwrap_or("").into()))
        .collect();
    assert_eq!(values, [("run_date".into(), "2026-12-01".into()), ("env".into(), "dev".into())]);

    // A job that declares no parameters takes them as notebook_params.
    m.keys("\u{1b}");
    m.key(KeyCode::Esc);
    m.select_job("customer-churn-model").await;
    let churn = m.job_id();
    m.keys("p");
    m.keys("threshold=0.7");
    m.key(KeyCode::Enter);
    m.keys("y");
    m.until("the second run started", |a| {
        a.message().is_some_and(|t| t.text.starts_with("started ✓") && t.text.contains("notebook parameters"))
    })
    .await;
    let runs = m.get(&format!("/api/2.2/jobs/runs/list?job_id={churn}&limit=1")).await;
    let run = m.get(&format!("/api/2.2/jobs/runs/get?run_id={}", runs["runs"][0]["run_id"])).await;
    assert_eq!(run["overriding_parameters"]["notebook_params"]["threshold"], "0.7");
    Ok(())
}

#[tokio::test]
async fn repair_reruns_only_the_failed_task_and_cancel_all_ends_every_active_run() -> Res {
    let mut m = Monitor::start().await?;
    // Let every seeded run of the failing job finish.
    m.sim.advance(Duration::from_secs(3 * 3600));
    m.select_job("customer-churn-model").await;
    let job = m.job_id();
    m.until("the failed run", |a| a.selected().is_some_and(|e| e.res.status == Status::Failed)).await;
    m.keys("R");
    let confirm = m.app.confirm().cloned();
    let run_id = confirm.as_ref().map(|c| c.target.id.clone()).unwrap_or_default();
    assert_eq!(confirm.map(|c| c.target.kind), Some(Kind::Run));
    let before = m.get(&format!("/api/2.2/jobs/runs/get?run_id={run_id}")).await;
    m.keys("y");
    m.until("the repair", |a| a.message().is_some_and(|t| t.text.starts_with("repairing ✓"))).await;
    let after = m.get(&format!("/api/2.2/jobs/runs/get?run_id={run_id}")).await;
    assert_eq!(after["repair_history"].as_array().map(Vec::len), Some(2), "{after}");
    let task = |run: &Value, key: &str| {
        run["tasks"]
            .as_array()
            .and_then(|t| t.iter().find(|t| t["task_key"] == key).cloned())
            .unwrap_or_default()
    };
    // The task that had succeeded keeps its run; the failed one runs again as a new task run.
    assert_eq!(task(&after, "prepare_features")["run_id"], task(&before, "prepare_features")["run_id"]);
    assert_eq!(task(&after, "prepare_features")["state"]["result_state"], "SUCCESS");
    assert_ne!(task(&after, "train")["run_id"], task(&before, "train")["run_id"]);
    assert_eq!(task(&after, "train")["attempt_number"], 1);
    assert_eq!(after["repair_history"][1]["task_run_ids"][0], task(&after, "train")["run_id"]);
    let _ = job;

    // Cancel all: the streaming job's run never ends by itself.
    m.key(KeyCode::Esc);
    m.key(KeyCode::Esc);
    m.select_job("clickstream-streaming").await;
    let streaming = m.job_id();
    m.until("its active run", |a| a.selected().is_some_and(|e| e.res.status.is_active())).await;
    m.keys("C");
    let change = m.app.confirm().and_then(|c| c.change.clone());
    assert_eq!(change.as_deref(), Some("1 active run"));
    m.keys("y");
    m.until("the cancel", |a| a.message().is_some_and(|t| t.text.contains("✓"))).await;
    m.sim.advance(Duration::from_secs(10));
    let active = m.get(&format!("/api/2.2/jobs/runs/list?job_id={streaming}&active_only=true")).await;
    assert_eq!(active["runs"].as_array().map_or(0, Vec::len), 0, "{active}");
    Ok(())
}

/// The screen as the renderer draws it, one string per row.
fn screen(app: &App) -> String {
    let backend = ratatui::backend::TestBackend::new(160, 45);
    let Ok(mut terminal) = ratatui::Terminal::new(backend);
    let theme = sparkdeck::ui::Theme::dark();
    let Ok(_) = terminal.draw(|f| sparkdeck::ui::render(f, app, &theme));
    format!("{}", terminal.backend())
}

/// The timeline's task lines on `screen` (4 tasks).
fn chart(screen: &str) -> Vec<&str> {
    screen.lines().skip_while(|l| !l.contains("Timeline (4 tasks)")).skip(1).take(4).collect()
}

/// The states of the open run's timeline, task by task.
fn task_states(app: &App) -> Vec<String> {
    let gantt = app.details().and_then(|d| d.gantt.as_ref());
    gantt.map(|g| g.timeline.tasks.iter().map(|t| t.state.clone()).collect()).unwrap_or_default()
}

#[tokio::test]
async fn an_open_run_timeline_follows_its_tasks_from_the_queue_to_the_end() -> Res {
    // A frozen clock: the run moves only when the test says so.
    let options = sparkdeck::sim::SimOptions { speed: 0.0, ..Default::default() };
    let mut m = Monitor::start_with(options).await?;
    m.select_job("nightly-sales-etl").await;
    let job = m.job_id();
    m.keys("p");
    m.key(KeyCode::Enter);
    m.keys("y");
    m.until("the run started", |a| a.message().is_some_and(|t| t.text.starts_with("started ✓"))).await;
    let runs = m.get(&format!("/api/2.2/jobs/runs/list?job_id={job}&limit=1")).await;
    let run_id = runs["runs"][0]["run_id"].to_string();

    m.key(KeyCode::Esc);
    m.keys("4");
    m.keys(&format!("/id:{run_id}"));
    m.key(KeyCode::Enter);
    let id = run_id.clone();
    m.until("the run in the Runs pane", move |a| a.selected().is_some_and(|e| e.res.id == id)).await;
    m.enter();
    let queued = |a: &App| task_states(a).first().is_some_and(|s| s == "QUEUED");
    m.until("the timeline of the queued run", queued).await;
    assert_eq!(task_states(&m.app), ["QUEUED"; 4]);
    let shown = screen(&m.app);
    assert!(shown.contains("Timeline (4 tasks) no task has started yet"), "{shown}");
    assert!(chart(&shown).iter().all(|l| l.contains(" QUEUED ")), "{shown}");

    // Past its queue and the cluster's setup: the first task runs, the others wait for it.
    m.sim.advance(Duration::from_secs(3 * 60));
    m.until("the first task running", |a| task_states(a).first().is_some_and(|s| s == "RUNNING")).await;
    assert_eq!(task_states(&m.app)[1..], ["BLOCKED"; 3]);
    let shown = screen(&m.app);
    let ingest = chart(&shown)[0];
    assert!(ingest.contains('█') && ingest.contains("RUNNING"), "{shown}");

    // Past its end: every task done, and one last read shows it.
    m.sim.advance(Duration::from_secs(40 * 60));
    let done = |a: &App| task_states(a).iter().all(|s| s == "TERMINATED/SUCCESS");
    m.until("every task done", done).await;
    let shown = screen(&m.app);
    assert!(chart(&shown).iter().all(|l| l.contains('█') && l.contains("TERMINATED/SUCCESS")), "{shown}");

    // The run has ended: more refreshes of the Runs pane read it no more.
    let gets = || m.sim.shared().faults.count("GET", "/api/2.2/jobs/runs/get");
    let before = gets();
    let ws = m.app.details().map(|d| d.ws).unwrap_or_default();
    let refreshed = |a: &App| a.workspaces()[ws].slot(Kind::Run).fetched_at;
    for _ in 0..2 {
        let last = refreshed(&m.app);
        m.until("another refresh of the runs", move |a| refreshed(a) != last).await;
    }
    assert_eq!(m.sim.shared().faults.count("GET", "/api/2.2/jobs/runs/get"), before);
    Ok(())
}
