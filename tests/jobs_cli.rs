//! `sparkdeck jobs …` on the real binary against the simulator: jobs of every Databricks
//! workspace with their last runs, narrowed by name before any run is read, over several
//! `jobs/list` pages; one job's settings; run-now with parameters (as the job takes them),
//! repair of chosen tasks, cancel-all; the API's error for an unknown job; `--watch` printing a
//! change; completion naming the commands.

#[path = "common/cli.rs"]
mod cli;

use std::process::Stdio;
use std::time::Duration;

use cli::*;
use serde_json::Value;
use sparkdeck::sim::databricks::{Job, Plan, TaskDef};
use tokio::io::{AsyncBufReadExt, BufReader};

/// Job ids (as text) of a simulated workspace by name.
fn job_id(h: &Harness, workspace: &str, name: &str) -> String {
    let dbx = h.sim.shared().databricks();
    let ws = dbx.workspaces.iter().find(|w| w.name == workspace).unwrap_or_else(|| panic!("{workspace}"));
    ws.jobs.iter().find(|j| j.name == name).map(|j| j.job_id.to_string()).unwrap_or_else(|| panic!("{name}"))
}

fn jobs_of(h: &Harness) -> usize {
    h.sim.shared().databricks().workspaces.iter().map(|w| w.jobs.len()).sum()
}

fn array(out: &Out) -> Vec<Value> {
    out.json().as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_of_every_workspace_with_their_last_runs_narrowed_before_runs_are_read() {
    let h = harness("").await;
    let out = h.run(&["jobs", "list", "-o", "json"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let all = array(&out);
    assert_eq!(all.len(), jobs_of(&h), "every job of both workspaces");
    let workspaces: std::collections::BTreeSet<String> = all.iter().map(|j| text(j, "workspace")).collect();
    assert_eq!(workspaces.into_iter().collect::<Vec<_>>(), ["adb-analytics-prod", "adb-dev"]);
    let nightly = all
        .iter()
        .find(|j| text(j, "name") == "nightly-sales-etl")
        .unwrap_or_else(|| panic!("no nightly job: {}", out.stdout));
    let recent = nightly["recent_runs"].as_array().cloned().unwrap_or_default();
    assert!(!recent.is_empty() && recent[0]["run_id"].is_i64(), "{nightly}");
    assert!(
        nightly["settings"]["schedule"]["quartz_cron_expression"].is_string(),
        "the API object: {nightly}"
    );

    // --name: a substring in any case; only the jobs that match have their runs read.
    let runs_before = sent(&h, "GET", "jobs/runs/list");
    let out = h.run(&["jobs", "list", "--name", "NIGHTLY", "-o", "json"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let named = array(&out);
    assert_eq!(named.len(), 2, "{}", out.stdout);
    assert!(named.iter().all(|j| text(j, "name") == "nightly-sales-etl"));
    assert_eq!(sent(&h, "GET", "jobs/runs/list") - runs_before, 2, "one runs/list per matching job");
    // --exact-name is the service's own filter; --workspace narrows.
    let out = h.run(&["jobs", "list", "--exact-name", "Nightly-Sales-ETL", "--workspace", "adb-dev"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    // 80 columns: the schedule and the durations' sparkline give way first.
    for header in ["WORKSPACE", "NAME", "ID", "LAST RUN", "RUNS", "DURATION"] {
        assert!(lines[0].contains(header), "{header}: {}", out.stdout);
    }
    assert!(lines[1].contains("adb-dev") && lines[1].contains("nightly-sales-etl"), "{}", out.stdout);
    assert!(lines[1].contains('●'), "the strip of marks: {}", out.stdout);
    let out = h.run(&["jobs", "list", "--exact-name", "nightly", "--workspace", "adb-dev"]).await;
    assert_eq!((out.code, out.stdout.trim()), (Some(0), "No jobs found."), "{}", out.stderr);

    // CSV and wide say the last runs in words; --columns and --no-header as every list.
    let out = h.run(&["jobs", "list", "--name", "nightly", "-o", "csv", "--columns", "id,name,runs"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let mut lines = out.stdout.lines();
    assert_eq!(lines.next(), Some("ID,NAME,RUNS"));
    let row = lines.next().unwrap_or_default();
    assert!(row.contains(",nightly-sales-etl,") && row.contains("SUCCESS"), "{}", out.stdout);
    let out = h.run(&["jobs", "list", "--name", "nightly", "-o", "wide", "--no-header"]).await;
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
    assert!(out.stdout.contains("SUCCESS") && !out.stdout.contains("WORKSPACE"), "{}", out.stdout);
    assert!(out.stdout.contains("0 0 2 * * ? UTC"), "wide keeps the schedule: {}", out.stdout);
    // Last runs that failed, by the unified word.
    let out = h.run(&["jobs", "list", "--state", "failed", "-o", "json"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(array(&out).iter().all(|j| text(j, "sparkdeck_status") == "failed"), "{}", out.stdout);
    let out = h.run(&["jobs", "list", "--columns", "id,colour"]).await;
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("colour"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_jobs_than_a_page_are_all_listed_page_after_page() {
    let h = harness("").await;
    let extra = 130;
    {
        let mut dbx = h.sim.shared().databricks();
        let ws = dbx.workspaces.iter_mut().find(|w| w.name == "adb-dev").unwrap_or_else(|| panic!("adb-dev"));
        for n in 0..extra {
            ws.jobs.push(Job {
                job_id: 900_000 + n,
                name: format!("generated-{n:03}"),
                creator: "ada.lovelace@contoso.com".into(),
                created: 0,
                tasks: Vec::new(),
                plan: Plan::Succeed,
                exec_ms: 1000,
                schedule: None,
                cluster_id: None,
                runs_started: 0,
                parameters: Vec::new(),
            });
        }
    }
    let total =
        h.sim.shared().databricks().workspaces.iter().find(|w| w.name == "adb-dev").map(|w| w.jobs.len());
    // One job with more tasks than a jobs/get page holds (100).
    {
        let mut dbx = h.sim.shared().databricks();
        let ws = dbx.workspaces.iter_mut().find(|w| w.name == "adb-dev").unwrap_or_else(|| panic!("adb-dev"));
        if let Some(job) = ws.jobs.iter_mut().find(|j| j.job_id == 900_000) {
            job.tasks = (0..150)
                .map(|i| TaskDef {
                    key: format!("t{i:03}"),
                    notebook_path: format!("/n/{i}"),
                    depends_on: Vec::new(),
                })
                .collect();
        }
    }
    let gets_before = sent(&h, "GET", "jobs/get");
    let out = h.run(&["jobs", "get", "900000", "--workspace", "adb-dev", "-o", "json"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let got = out.json();
    let keys: Vec<String> = got["settings"]["tasks"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|t| text(t, "task_key"))
        .collect();
    assert_eq!(keys.len(), 150, "every page of the job's tasks: {keys:?}");
    assert_eq!((keys[0].as_str(), keys[149].as_str()), ("t000", "t149"));
    assert!(got.get("next_page_token").is_none(), "{got}");
    assert_eq!(sent(&h, "GET", "jobs/get") - gets_before, 2, "two jobs/get pages");
    let pages_before = sent(&h, "GET", "jobs/list");
    let out = h.run(&["jobs", "list", "--workspace", "adb-dev", "--limit", "500", "-o", "json"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let jobs = array(&out);
    assert_eq!(Some(jobs.len()), total);
    let ids: std::collections::HashSet<String> = jobs.iter().map(|j| text(j, "job_id")).collect();
    assert_eq!(ids.len(), jobs.len(), "no job twice");
    assert_eq!(sent(&h, "GET", "jobs/list") - pages_before, 2, "100 jobs a page: two pages");
    // A name filter reads on through the pages until enough jobs match.
    let out =
        h.run(&["jobs", "list", "--workspace", "adb-dev", "--name", "generated-12", "-o", "json"]).await;
    let names: Vec<String> = array(&out).iter().map(|j| text(j, "name")).collect();
    assert_eq!(names.len(), 10, "generated-120 … 129: {names:?}");
    // --limit stops reading pages: 5 jobs take one page.
    let pages_before = sent(&h, "GET", "jobs/list");
    let out = h.run(&["jobs", "list", "--workspace", "adb-dev", "--limit", "5", "-o", "json"]).await;
    assert_eq!(array(&out).len(), 5);
    assert_eq!(sent(&h, "GET", "jobs/list") - pages_before, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_job_shows_its_tasks_clusters_and_runs_and_an_unknown_one_the_apis_error() {
    let h = harness("").await;
    let id = job_id(&h, "adb-dev", "nightly-sales-etl");
    let out = h.run(&["jobs", "get", &id, "-o", "wide"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    for part in [
        "adb-dev",
        "nightly-sales-etl",
        "Parameters",
        "run_date=",
        "Tasks (4)",
        "notebook /Repos/etl/ingest_sales",
        "transform, quality_checks",
        "Job clusters",
        "2-8",
        "Recent runs",
        "TERMINATED/SUCCESS",
    ] {
        assert!(out.stdout.contains(part), "{part}: {}", out.stdout);
    }
    let got = h.get("jobs", &id).await;
    assert_eq!(got["job_id"].as_i64().map(|j| j.to_string()), Some(id.clone()));
    assert_eq!(got["settings"]["tasks"].as_array().map(Vec::len), Some(4), "{got}");
    assert_eq!(text(&got, "workspace"), "adb-dev");
    let out = h.run(&["jobs", "get", &id, "-o", "yaml"]).await;
    assert!(out.stdout.contains("job_id: ") && out.stdout.contains("task_key: ingest"), "{}", out.stdout);

    for args in [vec!["jobs", "get", "123"], vec!["jobs", "get", "123", "--workspace", "adb-dev"]] {
        let out = h.run(&args).await;
        assert_eq!(out.code, Some(1), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("INVALID_PARAMETER_VALUE: Job 123 does not exist."), "{}", out.stderr);
        assert!(out.stderr.contains("(request "), "the request id: {}", out.stderr);
        assert!(out.stderr.contains("no job with id 123 found"), "{}", out.stderr);
        assert!(out.stdout.is_empty());
    }
    let out = h.run(&["jobs", "get", "nightly"]).await;
    assert_eq!(out.code, Some(2), "a job id is a number: {}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_now_takes_parameters_as_the_job_does_and_repair_and_cancel_all_act_on_runs() {
    let h = harness("").await;
    let nightly = job_id(&h, "adb-dev", "nightly-sales-etl");
    // No --workspace: the one workspace that has the job runs it.
    let file = h.dir.path().join("params.json");
    std::fs::write(&file, r#"{"env": "dev", "run_date": "2026-12-01"}"#).unwrap_or_else(|e| panic!("{e}"));
    let path = file.to_string_lossy().into_owned();
    let out = h
        .run(&["jobs", "run-now", &nightly, "--json-params", &path, "--param", "env=test", "-o", "json"])
        .await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(text(&out.json(), "workspace"), "adb-dev");
    let run = text(&out.json(), "run_id");
    let got = h.get("runs", &run).await;
    let values: Vec<(String, String)> = got["job_parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|p| (text(p, "name"), text(p, "value")))
        .collect();
    assert!(values.contains(&("env".into(), "test".into())), "--param wins: {values:?}");
    assert!(values.contains(&("run_date".into(), "2026-12-01".into())), "{values:?}");
    // From standard input; a job without declared parameters takes them as notebook_params.
    let churn = job_id(&h, "adb-analytics-prod", "customer-churn-model");
    let out =
        h.run_with_input(&["jobs", "run-now", &churn, "--json-params", "-"], Some(r#"{"limit": 5}"#)).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("started run") && out.stdout.contains("notebook parameters limit=5"));
    let failed_run = out.stdout.split("started run ").nth(1).and_then(|s| s.split_whitespace().next());
    let failed_run = failed_run.unwrap_or_default().to_string();
    let got = h.get("runs", &failed_run).await;
    assert_eq!(got["overriding_parameters"]["notebook_params"]["limit"], "5", "{got}");

    // A parameter the job does not declare, or bad JSON: exit 2, nothing started.
    let posts = sent(&h, "POST", "");
    let out = h.run(&["jobs", "run-now", &nightly, "--param", "colour=red"]).await;
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("has no parameter colour (it has run_date, env)"), "{}", out.stderr);
    let out =
        h.run_with_input(&["jobs", "run-now", &nightly, "--json-params", "-"], Some("{\"env\" 1}")).await;
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("standard input:1:"), "{}", out.stderr);
    assert_eq!(sent(&h, "POST", ""), posts, "nothing was sent");

    // Repair: a task the run has not is refused before anything is sent; a real one repairs.
    h.sim.advance(Duration::from_secs(3600));
    let out = h.run(&["jobs", "repair", &failed_run, "--task", "nope"]).await;
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("has no task \"nope\" (its tasks: prepare_features, train)"),
        "{}",
        out.stderr
    );
    assert_eq!(sent(&h, "POST", "jobs/runs/repair"), 0);
    let out = h.run(&["jobs", "repair", &failed_run, "--task", "train", "-o", "json"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(text(&out.json(), "result").contains("(tasks train)"), "{}", out.stdout);
    let got = h.get("runs", &failed_run).await;
    assert_eq!(got["repair_history"].as_array().map(Vec::len), Some(2), "{got}");
    // `runs repair` is the same command.
    h.sim.advance(Duration::from_secs(3600));
    let out = h.run(&["runs", "repair", &failed_run, "--all-failed"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);

    // cancel-all: every active run of the job ends.
    let forever = job_id(&h, "adb-dev", "clickstream-streaming");
    for _ in 0..2 {
        let out = h.run(&["jobs", "run-now", &forever]).await;
        assert_eq!(out.code, Some(0), "{}", out.stderr);
    }
    let out = h.run(&["jobs", "cancel-all", &forever]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains(&format!("adb-dev: cancelling every active run of job {forever}")));
    h.sim.advance(Duration::from_secs(600));
    let out = h.run(&["runs", "list", "--job-id", &forever, "--state", "active", "-o", "json"]).await;
    assert_eq!(array(&out).len(), 0, "{}", out.stdout);
    let out = h.run(&["jobs", "cancel-all", "123"]).await;
    assert_eq!(out.code, Some(1), "an unknown job: {}", out.stderr);
    assert!(out.stderr.contains("Job 123 does not exist"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_prints_a_job_again_when_it_has_a_new_run() {
    let h = harness("").await;
    let id = job_id(&h, "adb-dev", "nightly-sales-etl");
    let mut cmd = h.command(&[
        "jobs",
        "list",
        "--watch",
        "--interval",
        "1",
        "-o",
        "json",
        "--exact-name",
        "nightly-sales-etl",
        "--workspace",
        "adb-dev",
    ]);
    cmd.stdin(Stdio::null()).kill_on_drop(true);
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{e}"));
    let mut lines = BufReader::new(child.stdout.take().unwrap_or_else(|| panic!("stdout"))).lines();
    let mut next = async || match tokio::time::timeout(Duration::from_secs(90), lines.next_line()).await {
        Ok(Ok(Some(line))) => serde_json::from_str::<Value>(&line).unwrap_or_else(|e| panic!("{e}: {line}")),
        other => panic!("no line from the watch: {other:?}"),
    };
    let first = next().await;
    assert_eq!(text(&first, "job_id"), id);
    let out = h.run(&["jobs", "run-now", &id, "-o", "json"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let run = out.json()["run_id"].clone();
    // The same job again, now with the new run among its last runs (the clock may move other
    // runs meanwhile: read on until the new one shows).
    let mut seen = false;
    for _ in 0..20 {
        let again = next().await;
        assert_eq!(text(&again, "job_id"), id);
        if again["recent_runs"].as_array().is_some_and(|r| r.iter().any(|r| r["run_id"] == run)) {
            seen = true;
            break;
        }
    }
    assert!(seen, "the new run {run} never showed");
    let pid = child.id().unwrap_or_else(|| panic!("the watch has ended"));
    let status = std::process::Command::new("kill").args(["-INT", &pid.to_string()]).status();
    assert!(status.is_ok_and(|s| s.success()));
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait()).await;
    assert!(matches!(status, Ok(Ok(s)) if s.code() == Some(0)), "{status:?}");
}

#[test]
fn completion_and_help_name_the_jobs_commands() {
    let out = std::process::Command::new(BIN).args(["completion", "bash"]).output();
    let script = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    for word in ["jobs", "run-now", "cancel-all", "json-params", "exact-name", "all-failed"] {
        assert!(script.contains(word), "the bash script lacks {word}");
    }
    let out = std::process::Command::new(BIN).args(["jobs", "--help"]).output();
    let help = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    for word in ["list", "get", "run-now", "repair", "cancel-all"] {
        assert!(help.contains(word), "jobs --help lacks {word}: {help}");
    }
}
