//! Every headless command end to end: the real binary reads a real config file (or
//! `~/.databrickscfg`) pointing at a simulator started here, acts, and the test checks both the
//! printed output (JSON parsed back) and the simulator's state.

#[path = "common/cli.rs"]
mod cli;

use cli::*;
use serde_json::Value;
use sparkdeck::sim::{FaultSpec, SimOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_come_from_the_config_file_workspaces() {
    let h = harness("").await;
    for (kind, services) in [("sessions", 2), ("batches", 2), ("clusters", 2), ("runs", 2)] {
        let out = h.run(&[kind, "list", "-o", "json"]).await;
        assert_eq!(out.code, Some(0), "{kind}: {}", out.stderr);
        let rows = out.json().as_array().cloned().unwrap_or_default();
        let workspaces: std::collections::BTreeSet<String> =
            rows.iter().map(|r| text(r, "workspace")).collect();
        assert_eq!(workspaces.len(), services, "{kind}: {workspaces:?}");
        assert!(rows.iter().all(|r| ["id", "name", "state"].iter().all(|k| r.get(k).is_some())));
    }
    // Notebook sessions come from the workspace monitoring list, marked by their `livyId`…
    let out = h.run(&["sessions", "list", "-o", "json", "--limit", "500"]).await;
    let rows = out.json().as_array().cloned().unwrap_or_default();
    let notebook =
        rows.iter().find(|r| r.get("livyId").is_some()).unwrap_or_else(|| panic!("{}", out.stdout));
    // …and `get` finds them there too (the Livy API does not know them).
    let got = h.get("sessions", &text(notebook, "livyId")).await;
    assert_eq!(got["livyId"], notebook["livyId"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clusters_start_resize_pin_and_terminate_with_wait() {
    let h = harness("").await;
    let cluster = h.first("clusters", "adb-analytics-prod", "TERMINATED").await;
    let id = text(&cluster, "cluster_id");

    let out = h.run(&["clusters", "start", &id, "--wait", "--timeout", "60"]).await;
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains(&format!("cluster {id} is starting")), "{}", out.stdout);
    // Piped stderr gets a line per state change, ending in RUNNING.
    assert!(out.stderr.lines().last().is_some_and(|l| l.contains("RUNNING")), "{}", out.stderr);
    assert_eq!(text(&h.get("clusters", &id).await, "state"), "RUNNING");

    let out = h.run(&["clusters", "resize", &id, "--autoscale", "2:6"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = h.run(&["clusters", "pin", &id]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(h.get("clusters", &id).await["is_pinned"], Value::Bool(true));
    let out = h.run(&["clusters", "unpin", &id, "-o", "json"]).await;
    assert_eq!(out.json()["result"], Value::String(format!("cluster {id} unpinned")));

    let out = h.run(&["clusters", "terminate", &id, "--wait", "--timeout", "60"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(text(&h.get("clusters", &id).await, "state"), "TERMINATED");

    let out = h.run(&["clusters", "events", &id, "-o", "json", "--limit", "20"]).await;
    let types: Vec<String> =
        out.json().as_array().cloned().unwrap_or_default().iter().map(|e| text(e, "type")).collect();
    for expected in ["STARTING", "RUNNING", "TERMINATING", "PINNED"] {
        assert!(types.iter().any(|t| t == expected), "no {expected} event in {types:?}");
    }
    // One order everywhere (details, logs view, this command): oldest first.
    let times: Vec<i64> = out
        .json()
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e["timestamp"].as_i64())
        .collect();
    assert!(times.len() > 1 && times.windows(2).all(|w| w[0] <= w[1]), "oldest first: {times:?}");
    let out = h.run(&["clusters", "events", &id]).await;
    assert!(out.stdout.contains("TERMINATING"), "{}", out.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_run_now_wait_cancel_output_and_repair() {
    let h = harness("").await;
    let (ok_job, fail_job, forever_job) = {
        let dbx = h.sim.shared().databricks();
        let jobs = &dbx.workspaces[0].jobs;
        let find = |pred: &dyn Fn(&sparkdeck::sim::databricks::Plan) -> bool| {
            jobs.iter().find(|j| pred(&j.plan)).map(|j| j.job_id.to_string()).unwrap_or_default()
        };
        use sparkdeck::sim::databricks::Plan;
        (
            find(&|p| matches!(p, Plan::Succeed)),
            find(&|p| matches!(p, Plan::Fail { .. })),
            find(&|p| matches!(p, Plan::Forever)),
        )
    };
    let ws = ["--workspace", "adb-analytics-prod"];

    let out =
        h.run(&[&["runs", "run-now", &ok_job, "--wait", "--timeout", "120"][..], &ws[..]].concat()).await;
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("started run"), "{}", out.stdout);

    let out = h
        .run(
            &[&["runs", "run-now", &fail_job, "--wait", "--timeout", "120", "-o", "json"][..], &ws[..]]
                .concat(),
        )
        .await;
    assert_eq!(out.code, Some(1), "a failed run exits 1: {}", out.stderr);
    let failed_run = text(
        &serde_json::from_str::<Value>(out.stdout.lines().next().unwrap_or("{}")).unwrap_or_default(),
        "run_id",
    );
    assert!(out.stderr.contains("FAILED"), "{}", out.stderr);
    let out = h.run(&["runs", "output", &failed_run]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("Error:") && out.stdout.contains("Stack trace:"), "{}", out.stdout);
    let out = h.run(&["runs", "repair", &failed_run]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("repair"), "{}", out.stdout);
    // A second repair must name the first: the command reads it from the run's history.
    let _ = h.run(&["runs", "get", &failed_run]).await;
    h.sim.advance(std::time::Duration::from_secs(3600));
    let out = h.run(&["runs", "repair", &failed_run]).await;
    assert_eq!(out.code, Some(0), "second repair: {}", out.stderr);

    let out = h.run(&[&["runs", "run-now", &forever_job, "-o", "json"][..], &ws[..]].concat()).await;
    let run = text(&out.json(), "run_id");
    let out = h.run(&["runs", "cancel", &run, "--wait", "--timeout", "60"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let got = h.get("runs", &run).await;
    assert_eq!(got["state"]["result_state"], "CANCELED", "{got}");

    let out = h.run(&[&["runs", "run-now", &forever_job][..], &ws[..]].concat()).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = h.run(&[&["runs", "cancel-all", "--job-id", &forever_job][..], &ws[..]].concat()).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let job: i64 = forever_job.parse().unwrap_or_default();
    h.sim.advance(std::time::Duration::from_secs(600));
    let out = h
        .run(&["runs", "list", "--workspace", "adb-analytics-prod", "--state", "active", "-o", "json"])
        .await;
    let active_of_job =
        out.json().as_array().cloned().unwrap_or_default().iter().filter(|r| r["job_id"] == job).count();
    assert_eq!(active_of_job, 0, "cancel-all left runs of job {job} active");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_and_batches_are_killed_and_kept_alive() {
    let h = harness("").await;
    let idle = h.first("sessions", "Sales Analytics", "idle").await;
    let id = text(&idle, "id");
    let out = h.run(&["sessions", "keep-alive", &id]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("idle timeout reset"), "{}", out.stdout);
    let out = h.run(&["sessions", "delete", &id, "--wait", "--timeout", "60"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = h.run(&["sessions", "get", &id, "-o", "json"]).await;
    if out.code == Some(0) {
        assert!(
            ["dead", "killed", "shutting_down"].contains(&text(&out.json(), "state").as_str()),
            "{}",
            out.stdout
        );
    }

    let running = h.first("batches", "Data Platform", "running").await;
    let id = text(&running, "id");
    let out = h.run(&["batches", "cancel", &id, "-o", "json"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.json()["workspace"], "Data Platform");

    // Ids that exist nowhere: exit 1 and say so.
    let out = h.run(&["batches", "cancel", "00000000-0000-0000-0000-000000000000"]).await;
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("no batch with id"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_and_secrets_round_trip() {
    let h = harness("").await;
    let ws = ["--workspace", "adb-dev"];
    let out = h
        .run(
            &[
                &["tokens", "create", "--comment", "ci-test", "--lifetime-seconds", "3600", "-o", "json"][..],
                &ws[..],
            ]
            .concat(),
        )
        .await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let created = out.json();
    let token_id = text(&created["token_info"], "token_id");
    assert!(text(&created, "token_value").starts_with("dapi"));
    let out = h.run(&[&["tokens", "list", "-o", "json"][..], &ws[..]].concat()).await;
    assert!(out.json().as_array().is_some_and(|a| a.iter().any(|t| text(t, "token_id") == token_id)));
    assert!(!out.stdout.contains(&text(&created, "token_value")), "a listing never shows a value");
    let out = h.run(&[&["tokens", "revoke", &token_id][..], &ws[..]].concat()).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = h.run(&[&["tokens", "list"][..], &ws[..]].concat()).await;
    assert!(!out.stdout.contains(&token_id[..20]), "{}", out.stdout);

    let out = h.run(&[&["secrets", "scopes", "-o", "json"][..], &ws[..]].concat()).await;
    let scope = out.json().as_array().and_then(|a| a.first().map(|s| text(s, "name"))).unwrap_or_default();
    let out = h
        .run_with_input(&[&["secrets", "put", &scope, "ci-key"][..], &ws[..]].concat(), Some("s3cr3t\n"))
        .await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(!out.stdout.contains("s3cr3t") && !out.stderr.contains("s3cr3t"));
    {
        let dbx = h.sim.shared().databricks();
        let stored =
            dbx.workspaces[1].scopes.get(&scope).and_then(|s| s.secrets.get("ci-key").map(|v| v.0.clone()));
        assert_eq!(stored, Some(b"s3cr3t".to_vec()), "the trailing newline is dropped");
    }
    let out = h.run(&[&["secrets", "list", &scope][..], &ws[..]].concat()).await;
    assert!(out.stdout.contains("ci-key"), "{}", out.stdout);
    let out = h.run(&[&["secrets", "delete", &scope, "ci-key"][..], &ws[..]].concat()).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = h.run(&[&["secrets", "list", &scope][..], &ws[..]].concat()).await;
    assert!(!out.stdout.contains("ci-key"), "{}", out.stdout);

    // Several Databricks workspaces and no --workspace: a usage error naming them.
    let out = h.run(&["tokens", "list"]).await;
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("adb-analytics-prod, adb-dev"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_every_change() {
    let h = harness("read_only = true").await;
    let cluster = h.first("clusters", "adb-dev", "TERMINATED").await;
    let id = text(&cluster, "cluster_id");
    for args in [
        vec!["clusters", "start", id.as_str()],
        vec!["clusters", "pin", id.as_str()],
        vec!["runs", "cancel-all", "--job-id", "1", "--workspace", "adb-dev"],
        vec!["tokens", "create", "--workspace", "adb-dev"],
        vec!["clusters", "exec", id.as_str(), "--workspace", "adb-dev", "print(1)"],
        vec!["sessions", "exec", "--workspace", "Sales Analytics", "print(1)"],
    ] {
        let out = h.run(&args).await;
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("read_only"), "{}", out.stderr);
    }
    assert_eq!(text(&h.get("clusters", &id).await, "state"), "TERMINATED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_are_retried_or_reported_precisely() {
    let faults = FaultSpec::parse("/clusters/list:script=503+500+ok,POST@/clusters/start:500=1")
        .unwrap_or_else(|e| panic!("{e}"));
    let h = harness_with("", SimOptions { speed: 300.0, faults, ..SimOptions::default() }).await;
    // Safe calls are retried through 503 and 500.
    let out = h.run(&["clusters", "list", "--workspace", "adb-dev", "-o", "json"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    // An action that fails says which workspace, the status and the error, and exits 1.
    let cluster = h.first("clusters", "adb-dev", "TERMINATED").await;
    let out = h.run(&["clusters", "start", &text(&cluster, "cluster_id")]).await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("adb-dev") && out.stderr.contains("500"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_checks_every_workspace_and_names_the_fix() {
    let h = harness("").await;
    let out = h.run(&["doctor"]).await;
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    for name in ["Sales Analytics", "Data Platform", "adb-analytics-prod", "adb-dev"] {
        assert!(out.stdout.contains(name), "{}", out.stdout);
    }
    assert!(out.stdout.contains("signed in as ada.lovelace@contoso.com"), "{}", out.stdout);
    assert!(!out.stdout.contains(&h.sim.shared().databricks().demo_workspaces(h.sim.base_url())[0].pat));

    // A revoked PAT: doctor fails that workspace, says how to fix it, and exits 1.
    let text = std::fs::read_to_string(&h.config).unwrap_or_default();
    let pat = h.sim.shared().databricks().demo_workspaces(h.sim.base_url())[0].pat.clone();
    std::fs::write(&h.config, text.replace(&pat, "dapi-not-a-real-token")).unwrap_or_else(|e| panic!("{e}"));
    let out = h.run(&["doctor"]).await;
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(out.stdout.contains("FAILED") && out.stdout.contains("fix:"), "{}", out.stdout);
    assert!(out.stdout.contains("403"), "{}", out.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configuration_errors_exit_2_with_file_and_line() {
    let h = harness("").await;
    std::fs::write(&h.config, "read_only = true\n[ui]\nthemes = \"dark\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let out = h.run(&["clusters", "list"]).await;
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("config.toml:3"), "{}", out.stderr);
    let out = h.run(&["clusters", "list", "--workspace", "nope"]).await;
    assert_eq!(out.code, Some(2));
    // Valid config, unknown workspace name.
    let h = harness("").await;
    let out = h.run(&["clusters", "list", "--workspace", "nope"]).await;
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("adb-analytics-prod"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn databrickscfg_is_used_without_a_config_file() {
    let h = harness("").await;
    let ws = &h.sim.shared().databricks().demo_workspaces(h.sim.base_url())[1];
    let cfg = format!("[DEFAULT]\nhost = {}\ntoken = {}\n", ws.host, ws.pat);
    std::fs::write(h.dir.path().join(".databrickscfg"), cfg).unwrap_or_else(|e| panic!("{e}"));
    let out = tokio::process::Command::new(BIN)
        .args(["clusters", "list", "-o", "json"])
        .env("HOME", h.dir.path())
        .env("XDG_CONFIG_HOME", h.dir.path().join("xdg"))
        .env_remove("SPARKDECK_CONFIG")
        .env_remove("DATABRICKS_HOST")
        .env_remove("DATABRICKS_TOKEN")
        .env_remove("DATABRICKS_CONFIG_PROFILE")
        .output()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let dbx = h.sim.shared().databricks();
    assert_eq!(rows.len(), dbx.workspaces[1].clusters.len(), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_monitor_refuses_without_a_terminal_and_checks_keys_first() {
    let h = harness("").await;
    let out = h.run(&[]).await;
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("needs a terminal"), "{}", out.stderr);
    let h = harness("[keys]\nkill = \"s\"").await;
    let out = h.run(&[]).await;
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("config.toml:2:8: [keys]") && out.stderr.contains("would both"),
        "the line of the bad key: {}",
        out.stderr
    );
    // doctor checks [keys] too, with the same line.
    let out = h.run(&["doctor"]).await;
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(
        out.stdout.contains("FAILED:    ") && out.stdout.contains("config.toml:2:8: [keys]"),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_runs_code_once_prints_its_output_and_gives_back_what_it_acquired() {
    let h = harness("").await;
    let fabric = h.sim.shared().fabric().demo_workspaces()[0].name.clone();
    // SQL: an aligned table on stdout.
    let out = h
        .run(&["sessions", "exec", "--workspace", &fabric, "-l", "sql", "SELECT 1 AS one, 'a' AS two"])
        .await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout.lines().map(str::trim).collect::<Vec<_>>(), ["one  two", "1    a"]);
    // Python from standard input, as JSON.
    let out = h
        .run_with_input(
            &["sessions", "exec", "--workspace", &fabric, "-o", "json"],
            Some("x = 3\nprint(x * 14)\n"),
        )
        .await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let doc = out.json();
    assert_eq!((text(&doc, "status"), doc["output"]["text"].as_str()), ("ok".to_string(), Some("42")));
    // An error: its name and message on stderr, exit 1.
    let out = h.run(&["sessions", "exec", "--workspace", &fabric, "print(nope)"]).await;
    assert_eq!(out.code, Some(1));
    // (After the acquisition's progress lines: without a terminal, one per state and every 10 s.)
    assert!(
        out.stderr.lines().any(|l| l.starts_with("NameError: name 'nope' is not defined")),
        "{}",
        out.stderr
    );
    // A file's extension picks the language.
    let file = h.dir.path().join("q.sql");
    std::fs::write(&file, "SELECT 7 AS seven").unwrap_or_else(|e| panic!("{e}"));
    let out = h
        .run(&[
            "sessions",
            "exec",
            "--workspace",
            &fabric,
            "--file",
            file.to_str().unwrap_or_default(),
            "-o",
            "json",
        ])
        .await;
    // Numbers stay numbers, and the column types come along.
    let doc = out.json();
    assert_eq!(doc["output"]["rows"][0][0], serde_json::json!(7), "{}", out.stderr);
    assert_eq!(doc["output"]["columns"], serde_json::json!(["seven"]));
    assert!(doc["output"]["column_types"][0].is_string(), "{doc}");
    // CSV, quoted where needed.
    let out = h
        .run(&[
            "sessions",
            "exec",
            "--workspace",
            &fabric,
            "-l",
            "sql",
            "-o",
            "csv",
            "SELECT 1 AS n, 'a,b' AS s",
        ])
        .await;
    assert_eq!((out.code, out.stdout.as_str()), (Some(0), "n,s\n1,\"a,b\"\n"), "{}", out.stderr);
    // The lakehouse by its id as well as its name; an unknown one is named in the error.
    let lakehouse = h.sim.shared().fabric().demo_workspaces()[0].lakehouses[0].0.clone();
    let out =
        h.run(&["sessions", "exec", "--workspace", &fabric, "--lakehouse", &lakehouse, "print(5)"]).await;
    assert_eq!((out.code, out.stdout.trim()), (Some(0), "5"), "{}", out.stderr);
    let out = h.run(&["sessions", "exec", "--workspace", &fabric, "--lakehouse", "nope", "print(5)"]).await;
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("has no lakehouse \"nope\""), "{}", out.stderr);
    // Every REPL it acquired was given back.
    assert_eq!(h.sim.shared().fabric().open_repls("sparkdeck"), 0);
    // Usage errors are exit 2.
    let out = h.run(&["sessions", "exec", "--workspace", &fabric, ""]).await;
    assert_eq!((out.code, out.stderr.trim()), (Some(2), "sparkdeck: nothing to run: the code is empty"));

    // On a running Databricks cluster, in an execution context destroyed afterwards.
    let dbx = h.sim.shared().databricks().demo_workspaces(h.sim.base_url())[0].name.clone();
    let cluster = text(&h.first("clusters", &dbx, "ready").await, "id");
    // Found by its id, as `get` finds it: no --workspace needed with two Databricks workspaces.
    let out = h.run(&["clusters", "exec", &cluster, "-l", "sql", "SELECT 2 AS two"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout.lines().map(str::trim).collect::<Vec<_>>(), ["two", "2"]);
    let open: usize = h
        .sim
        .shared()
        .databricks()
        .workspaces
        .iter()
        .flat_map(|w| &w.contexts)
        .filter(|c| !c.destroyed)
        .count();
    assert_eq!(open, 0, "the context was destroyed");
    let out = h.run(&["clusters", "exec", "no-such-cluster", "--workspace", &dbx, "print(1)"]).await;
    assert_eq!(out.code, Some(1));
    // With the workspace known, creating the context is the lookup: the service names the cluster.
    assert!(out.stderr.contains("no-such-cluster does not exist"), "{}", out.stderr);
    let out = h.run(&["clusters", "exec", "no-such-cluster", "print(1)"]).await;
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("no cluster with id \"no-such-cluster\" found"), "{}", out.stderr);
}
