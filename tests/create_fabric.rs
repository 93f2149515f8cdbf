//! Creating Fabric Livy work headlessly, end to end: the real binary and a real config file
//! against the simulator, and the simulator's state read back afterwards (over its own HTTP API
//! and its OneLake store), not the client's idea of it.
//!
//! `batches submit` with a local file (uploaded through OneLake, then run; its log streamed),
//! `batches resubmit`, `sessions create` on an environment, and every bad input refused before
//! anything is sent.

#[path = "common/cli.rs"]
mod cli;

use cli::*;
use serde_json::{Value, json};
use sparkdeck::sim::fabric::onelake::FileKey;
use sparkdeck::sim::{FaultSpec, SimOptions};

const WS: &str = "Sales Analytics";

fn demo(h: &Harness) -> sparkdeck::sim::fabric::DemoFabricWorkspace {
    h.sim
        .shared()
        .fabric()
        .demo_workspaces()
        .into_iter()
        .find(|w| w.name == WS)
        .unwrap_or_else(|| panic!("{WS}"))
}

/// GET a Livy item straight from the simulator.
async fn livy(h: &Harness, what: &str, id: &str) -> Value {
    let ws = demo(h);
    let url = format!(
        "{}/v1/workspaces/{}/lakehouses/{}/livyapi/versions/2023-12-01/{what}/{id}",
        h.sim.base_url(),
        ws.workspace_id,
        ws.lakehouses[0].0
    );
    let resp =
        reqwest::Client::new().get(url).bearer_auth(&ws.token).send().await.unwrap_or_else(|e| panic!("{e}"));
    resp.json().await.unwrap_or_else(|e| panic!("{e}"))
}

async fn environment_id(h: &Harness, name: &str) -> String {
    let ws = demo(h);
    let url = format!("{}/v1/workspaces/{}/environments", h.sim.base_url(), ws.workspace_id);
    let body: Value = reqwest::Client::new()
        .get(url)
        .bearer_auth(&ws.token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    body["value"]
        .as_array()
        .and_then(|v| v.iter().find(|e| e["displayName"] == name))
        .and_then(|e| e["id"].as_str())
        .unwrap_or_else(|| panic!("{body}"))
        .to_string()
}

fn write(h: &Harness, name: &str, text: &str) -> String {
    let path = h.dir.path().join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    path.display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_file_is_uploaded_then_run_and_its_log_streamed() {
    let h = harness("").await;
    let script =
        write(&h, "nightly.py", "print(\"loading orders\")\nn = 6 * 7\nprint(f\"wrote {n} rows\")\n");
    let env = environment_id(&h, "env_ml_libs").await;
    let out = h
        .run(&[
            "batches",
            "submit",
            &script,
            "--workspace",
            WS,
            "--name",
            "nightly",
            "--args",
            "--mode",
            "--args",
            "full",
            "--conf",
            "spark.sql.shuffle.partitions=8",
            "--environment",
            "env_ml_libs",
            "--target-lakehouse",
            "lh_sales_staging",
            "--executor-memory",
            "28g",
            "--num-executors",
            "2",
            "--logs",
            "--timeout",
            "120",
        ])
        .await;
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains(&format!("uploaded {script}")), "{}", out.stderr);
    // The job's own prints come back in its log.
    assert!(out.stdout.contains("wrote 42 rows") && out.stdout.contains("loading orders"), "{}", out.stdout);
    assert!(out.stderr.lines().last().is_some_and(|l| l.ends_with(": success")), "{}", out.stderr);
    let id =
        out.stdout.lines().next().and_then(|l| l.split_whitespace().nth(3)).unwrap_or_default().to_string();

    // The simulator holds the file under Files/sparkdeck/uploads/<hash>/nightly.py …
    let batch = livy(&h, "batches", &id).await;
    assert_eq!(batch["state"], "success", "{batch}");
    let request = &batch["livyInfo"]["jobCreationRequest"];
    let file = request["file"].as_str().unwrap_or_default();
    let ws = demo(&h);
    let prefix = format!(
        "abfss://{}@onelake.dfs.fabric.microsoft.com/{}/Files/sparkdeck/uploads/",
        ws.workspace_id, ws.lakehouses[0].0
    );
    assert!(file.starts_with(&prefix) && file.ends_with("/nightly.py"), "{file}");
    let key = FileKey {
        workspace: ws.workspace_id.parse().unwrap_or_default(),
        lakehouse: ws.lakehouses[0].0.parse().unwrap_or_default(),
        path: format!("sparkdeck/uploads/{}", file.trim_start_matches(&prefix)),
    };
    let stored = h.sim.shared().fabric().lake.read(&key).map(|b| String::from_utf8_lossy(b).into_owned());
    assert_eq!(stored.as_deref(), Some("print(\"loading orders\")\nn = 6 * 7\nprint(f\"wrote {n} rows\")\n"));
    // … and ran the request exactly as the reference spells it.
    let staging = ws.lakehouses[1].0.clone();
    assert_eq!(request["name"], "nightly");
    assert_eq!(request["args"], json!(["--mode", "full"]));
    assert_eq!(request["executorMemory"], "28g");
    assert_eq!(request["numExecutors"], 2);
    assert_eq!(
        request["conf"],
        json!({
            "spark.fabric.environmentDetails": format!("{{\"id\" : \"{env}\"}}"),
            "spark.targetLakehouse": staging,
            "spark.sql.shuffle.partitions": "8",
        })
    );
    assert_eq!(sent(&h, "POST", "/batches"), 1);

    // The same file again: nothing is uploaded a second time.
    let puts = sent(&h, "PUT", "/onelake/");
    let again = h.run(&["batches", "submit", &script, "--workspace", WS, "-o", "json"]).await;
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert!(again.stderr.contains("already in OneLake"), "{}", again.stderr);
    assert_eq!(sent(&h, "PUT", "/onelake/"), puts, "no second upload");
    assert_eq!(again.json()["request"]["file"], file);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_job_exits_1_and_its_error_is_in_the_log() {
    let h = harness("").await;
    let script = write(&h, "broken.py", "x = 1\nraise ValueError(\"bad input row 7\")\n");
    let out = h.run(&["batches", "submit", &script, "--workspace", WS, "--wait", "--timeout", "120"]).await;
    assert_eq!(out.code, Some(1), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("the batch ended failed"), "{}", out.stderr);
    let id = out.stdout.split_whitespace().nth(3).unwrap_or_default().to_string();
    let batch = livy(&h, "batches", &id).await;
    assert_eq!(batch["errorInfo"][0]["message"], "ValueError: bad input row 7", "{batch}");
    assert!(batch["log"].to_string().contains("ValueError: bad input row 7"), "{batch}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_resubmitted_as_it_was_with_edits() {
    let h = harness("").await;
    let ws = demo(&h);
    let file = format!(
        "abfss://{}@onelake.dfs.fabric.microsoft.com/{}/Files/jobs/orders_ingest.py",
        ws.workspace_id, ws.lakehouses[0].0
    );
    let first = h
        .run(&[
            "batches",
            "submit",
            &file,
            "--workspace",
            WS,
            "--name",
            "orders",
            "--conf",
            "a=1",
            "--args",
            "x",
            "-o",
            "json",
        ])
        .await;
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let id = first.json()["id"].as_str().unwrap_or_default().to_string();

    // A dry run shows the edited request and sends nothing.
    let posts = sent(&h, "POST", "/batches");
    let dry =
        h.run(&["batches", "resubmit", &id, "--conf", "b=2", "--name", "orders-rerun", "--dry-run"]).await;
    assert_eq!(dry.code, Some(0), "{}", dry.stderr);
    let request = &dry.json()["request"];
    assert_eq!(
        (request["file"].as_str(), request["name"].as_str()),
        (Some(file.as_str()), Some("orders-rerun"))
    );
    assert_eq!(request["conf"], json!({"a": "1", "b": "2"}));
    assert_eq!(request["args"], json!(["x"]));
    assert_eq!(sent(&h, "POST", "/batches"), posts, "a dry run sends nothing");

    let again = h.run(&["batches", "resubmit", &id, "--conf", "b=2", "-o", "json"]).await;
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    let new_id = again.json()["id"].as_str().unwrap_or_default().to_string();
    assert_ne!(new_id, id);
    let echo = livy(&h, "batches", &new_id).await["livyInfo"]["jobCreationRequest"].clone();
    assert_eq!(echo["file"], file.as_str());
    assert_eq!(echo["conf"], json!({"a": "1", "b": "2"}));
    assert_eq!(echo["name"], "orders");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_is_created_on_an_environment_and_waited_for() {
    let h = harness("").await;
    let env = environment_id(&h, "env_standard").await;
    let out = h
        .run(&[
            "sessions",
            "create",
            "--workspace",
            WS,
            "--name",
            "adhoc",
            "--environment",
            &env,
            "--tag",
            "team=sales",
            "--wait",
            "--timeout",
            "120",
            "-o",
            "json",
        ])
        .await;
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    let id = out.json()["id"].as_str().unwrap_or_default().to_string();
    let session = livy(&h, "sessions", &id).await;
    assert_eq!(session["state"], "idle", "{session}");
    let echo = &session["livyInfo"]["jobCreationRequest"];
    assert_eq!(echo["conf"]["spark.fabric.environmentDetails"], format!("{{\"id\" : \"{env}\"}}"));
    assert_eq!(echo["tags"]["team"], "sales");
    assert!(echo["tags"]["sparkdeck.request"].is_string(), "the marker that finds a lost create: {echo}");
    assert!(session["log"].to_string().contains("Using environment env_standard"), "{session}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_precisely_and_nothing_is_sent() {
    let h = harness("").await;
    let spec = write(&h, "spec.json", "{\n  \"name\": \"x\",\n  \"file\" \"Files/a.py\"\n}\n");
    let other = "abfss://00000000-0000-4000-8000-000000000001@onelake.dfs.fabric.microsoft.com/lh/Files/a.py";
    let missing = h.dir.path().join("missing.py").display().to_string();
    let at_spec = format!("@{spec}");
    let cases: Vec<(Vec<&str>, String)> = vec![
        (vec!["batches", "submit", &missing, "--workspace", WS], format!("{missing}: no such local file")),
        (vec!["batches", "submit", other, "--workspace", WS], "in another workspace's OneLake".into()),
        (
            vec!["batches", "submit", "--json", &at_spec, "--workspace", WS],
            format!("{spec}:3:10: expected `:`"),
        ),
        (
            vec!["batches", "submit", "Files/a.py", "--workspace", WS, "--conf", "spark.executor.memory"],
            "--conf \"spark.executor.memory\": expected KEY=VALUE".into(),
        ),
        (
            vec!["batches", "submit", "Files/a.py", "--workspace", WS, "--environment", "no-such-env"],
            "no environment named \"no-such-env\"; environments: env_standard, env_ml_libs".into(),
        ),
        (
            vec!["batches", "submit", "Files/a.py", "--workspace", WS, "--driver-memory", "lots"],
            "--driver-memory \"lots\"".into(),
        ),
        (
            vec!["sessions", "create", "--workspace", WS, "--lakehouse", "nope"],
            "no configured lakehouse named \"nope\"".into(),
        ),
    ];
    for (args, expected) in cases {
        let out = h.run(&args).await;
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains(&expected) && out.stderr.contains("nothing was sent"),
            "{args:?}: {}",
            out.stderr
        );
    }
    assert_eq!(
        sent(&h, "POST", "/batches") + sent(&h, "POST", "/sessions") + sent(&h, "PUT", "/onelake/"),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_creates_and_sends_nothing() {
    let h = harness("read_only = true").await;
    let script = write(&h, "job.py", "print(1)\n");
    for args in [
        vec!["batches", "submit", script.as_str(), "--workspace", WS],
        vec!["batches", "resubmit", "00000000-0000-4000-8000-000000000000", "--workspace", WS],
        vec!["sessions", "create", "--workspace", WS],
    ] {
        let out = h.run(&args).await;
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("read_only"), "{}", out.stderr);
    }
    assert_eq!(sent(&h, "POST", "/v1/") + sent(&h, "PUT", "/onelake/") + sent(&h, "PATCH", "/onelake/"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_capacity_is_said_with_what_to_do_and_not_retried() {
    let faults = FaultSpec::parse("fabric:430=1").unwrap_or_else(|e| panic!("{e}"));
    let h = harness_with("", SimOptions { speed: 300.0, faults, ..SimOptions::default() }).await;
    // (Batches queue instead: Learn's concurrency article; `fabricBatchStateInfo` has `queued`.)
    for (args, path) in [(vec!["sessions", "create", "--workspace", WS], "/sessions")] {
        let out = h.run(&args).await;
        assert_eq!(out.code, Some(1), "{}", out.stderr);
        assert!(out.stderr.contains("430 TooManyRequestsForCapacity"), "{}", out.stderr);
        assert!(out.stderr.contains("what to do: the workspace's Spark capacity is full"), "{}", out.stderr);
        assert_eq!(sent(&h, "POST", path), 1, "a refused create is not sent again");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_whose_answer_is_lost_is_not_sent_again() {
    let faults = FaultSpec::parse("POST@/batches:script=drop").unwrap_or_else(|e| panic!("{e}"));
    let h = harness_with("", SimOptions { speed: 300.0, faults, ..SimOptions::default() }).await;
    let out = h
        .run(&["batches", "submit", "Files/jobs/orders_ingest.py", "--workspace", WS, "--name", "lost"])
        .await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("batch \"lost\" may have been created"), "{}", out.stderr);
    assert!(
        out.stderr.contains("look with: sparkdeck batches list --workspace \"Sales Analytics\""),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("It was not sent again."), "{}", out.stderr);
    assert_eq!(sent(&h, "POST", "/batches"), 1);
}
