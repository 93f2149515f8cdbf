//! Creating Databricks things headlessly, end to end: the real binary and a real config file
//! against the simulator, and the simulator's state read back afterwards over its own API.
//!
//! Clusters (create, edit, permanent delete, the runtime and node type lists), one-time runs,
//! secret scopes and their ACLs, service principals, and `doctor`'s advice for a service
//! principal that is not a workspace user.

#[path = "common/api_fake.rs"]
#[allow(dead_code)]
mod api_fake;
#[path = "common/cli.rs"]
mod cli;

use base64::Engine as _;
use cli::*;
use serde_json::{Value, json};

const WS: &str = "adb-analytics-prod";

/// GET from the simulator as the workspace's own user.
async fn api(h: &Harness, path: &str) -> (u16, Value) {
    let ws = h.sim.shared().databricks().demo_workspaces(h.sim.base_url())[0].clone();
    let resp = reqwest::Client::new()
        .get(format!("{}{path}", h.sim.base_url()))
        .bearer_auth(&ws.pat)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn ok(out: &Out) {
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_is_created_edited_and_deleted_for_good() {
    let h = harness("").await;
    let out = h
        .run(&[
            "clusters",
            "create",
            "--workspace",
            WS,
            "--name",
            "etl-nightly",
            "--spark-version",
            "15.4.x-scala2.12",
            "--node-type",
            "Standard_DS3_v2",
            "--autoscale",
            "1:4",
            "--auto-termination",
            "30",
            "--tag",
            "team=data",
            "--spark-conf",
            "spark.speculation=true",
            "--wait",
            "--timeout",
            "60",
            "-o",
            "json",
        ])
        .await;
    ok(&out);
    let id = out.json()["id"].as_str().unwrap_or_default().to_string();
    let (_, c) = api(&h, &format!("/api/2.1/clusters/get?cluster_id={id}")).await;
    assert_eq!(c["state"], "RUNNING", "{c}");
    assert_eq!(
        (c["cluster_name"].as_str(), c["autotermination_minutes"].as_i64()),
        (Some("etl-nightly"), Some(30))
    );
    assert_eq!(c["autoscale"], json!({"min_workers": 1, "max_workers": 4}));
    assert_eq!(c["custom_tags"]["team"], "data");
    assert_eq!(c["spark_conf"]["spark.speculation"], "true");

    // Edit: the flags over the current configuration; what they do not name stays.
    let out = h
        .run(&[
            "clusters",
            "edit",
            &id,
            "--name",
            "etl-nightly-v2",
            "--workers",
            "3",
            "--wait",
            "--timeout",
            "60",
        ])
        .await;
    ok(&out);
    assert!(out.stdout.contains("restarts with the new configuration"), "{}", out.stdout);
    let (_, c) = api(&h, &format!("/api/2.1/clusters/get?cluster_id={id}")).await;
    assert_eq!(
        (c["cluster_name"].as_str(), c["num_workers"].as_i64()),
        (Some("etl-nightly-v2"), Some(3)),
        "{c}"
    );
    assert!(c.get("autoscale").is_none(), "a fixed size replaces the range: {c}");
    assert_eq!(c["custom_tags"]["team"], "data");
    assert_eq!(c["state"], "RUNNING");

    // Permanent delete: refused without a terminal or --yes, then done.
    let out = h.run(&["clusters", "delete-permanently", &id]).await;
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert_eq!(api(&h, &format!("/api/2.1/clusters/get?cluster_id={id}")).await.0, 200);
    ok(&h.run(&["clusters", "delete-permanently", &id, "--yes"]).await);
    let (status, body) = api(&h, &format!("/api/2.1/clusters/get?cluster_id={id}")).await;
    assert_eq!(status, 400, "{body}");
    let (_, list) = api(&h, "/api/2.1/clusters/list").await;
    assert!(list["clusters"].as_array().is_some_and(|c| c.iter().all(|c| c["cluster_id"] != id.as_str())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_spec_is_read_from_a_json_file_as_the_databricks_cli_takes_it() {
    let h = harness("").await;
    let spec = h.dir.path().join("cluster.json");
    std::fs::write(
        &spec,
        json!({"cluster_name": "from-json", "spark_version": "14.3.x-scala2.12", "node_type_id": "Standard_E8ds_v5",
               "num_workers": 1, "init_scripts": [{"workspace": {"destination": "/Shared/init.sh"}}],
               "azure_attributes": {"availability": "SPOT_WITH_FALLBACK_AZURE"}})
        .to_string(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = h
        .run(&[
            "clusters",
            "create",
            "--json",
            &format!("@{}", spec.display()),
            "--workers",
            "2",
            "-o",
            "json",
            "--workspace",
            WS,
        ])
        .await;
    ok(&out);
    let request = &out.json()["request"];
    assert_eq!(request["num_workers"], 2, "the flag wins over the file");
    assert_eq!(
        request["init_scripts"][0]["workspace"]["destination"], "/Shared/init.sh",
        "unknown fields are kept"
    );
    let id = out.json()["id"].as_str().unwrap_or_default().to_string();
    let (_, c) = api(&h, &format!("/api/2.1/clusters/get?cluster_id={id}")).await;
    assert_eq!(c["azure_attributes"]["availability"], "SPOT_WITH_FALLBACK_AZURE", "{c}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_cluster_specs_are_refused_and_nothing_is_created() {
    let h = harness("").await;
    let base = ["clusters", "create", "--workspace", WS, "--name", "x"];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--spark-version", "15.3.x-scala2.12", "--node-type", "Standard_DS3_v2", "--workers", "1"],
            "unknown spark version \"15.3.x-scala2.12\"; did you mean 15.4.x-scala2.12",
        ),
        (
            vec!["--spark-version", "15.4.x-scala2.12", "--node-type", "Standard_DS3_v2"],
            "Missing required field: size",
        ),
        (
            vec!["--spark-version", "15.4.x-scala2.12", "--node-type", "Standard_X99", "--workers", "1"],
            "unknown node type \"Standard_X99\"",
        ),
        (vec!["--node-type", "Standard_DS3_v2", "--workers", "1"], "give --spark-version"),
        (
            vec![
                "--spark-version",
                "15.4.x-scala2.12",
                "--node-type",
                "Standard_DS3_v2",
                "--workers",
                "1",
                "--auto-termination",
                "5",
            ],
            "10 to 10000",
        ),
        (
            vec![
                "--spark-version",
                "15.4.x-scala2.12",
                "--node-type",
                "Standard_DS3_v2",
                "--autoscale",
                "4:2",
            ],
            "MIN (4) is larger than MAX (2)",
        ),
        (vec!["--json", "{\"spark_version\": }"], "--json:1:19: expected value"),
    ];
    for (extra, expected) in cases {
        let args: Vec<&str> = base.iter().copied().chain(extra).collect();
        let out = h.run(&args).await;
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(expected), "{args:?}: {}", out.stderr);
    }
    assert_eq!(sent(&h, "POST", "/clusters/create"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runtimes_and_node_types_are_listed() {
    let h = harness("").await;
    let out = h.run(&["clusters", "spark-versions", "--workspace", WS, "-o", "json"]).await;
    ok(&out);
    let keys: Vec<String> = out
        .json()
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["key"].as_str().map(String::from))
        .collect();
    assert!(keys.contains(&"15.4.x-scala2.12".to_string()), "{keys:?}");
    let out = h.run(&["clusters", "node-types", "--workspace", WS]).await;
    ok(&out);
    assert!(
        out.stdout.contains("Standard_DS3_v2") && out.stdout.contains("General Purpose"),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_time_runs_are_submitted_and_followed() {
    let h = harness("").await;
    let running = h.first("clusters", WS, "RUNNING").await;
    let cluster = text(&running, "cluster_id");
    let out = h
        .run(&[
            "runs",
            "submit",
            "--workspace",
            WS,
            "--name",
            "adhoc-py",
            "--cluster",
            &cluster,
            "--python-file",
            "/Workspace/Shared/etl.py",
            "--arg",
            "--day",
            "--arg",
            "2026-11-30",
            "--wait",
            "--timeout",
            "60",
            "-o",
            "json",
        ])
        .await;
    ok(&out);
    let id = out.json()["id"].as_str().unwrap_or_default().to_string();
    let token = out.json()["request"]["idempotency_token"].as_str().unwrap_or_default().to_string();
    assert_eq!(uuid::Uuid::parse_str(&token).map(|_| ()), Ok(()), "a fresh token");
    let (_, run) = api(&h, &format!("/api/2.2/jobs/runs/get?run_id={id}")).await;
    assert_eq!(
        (run["run_type"].as_str(), run["state"]["result_state"].as_str()),
        (Some("SUBMIT_RUN"), Some("SUCCESS")),
        "{run}"
    );
    assert_eq!(
        run["tasks"][0]["spark_python_task"],
        json!({"python_file": "/Workspace/Shared/etl.py", "parameters": ["--day", "2026-11-30"]})
    );
    assert_eq!(run["tasks"][0]["existing_cluster_id"], cluster.as_str());

    // The same token again gives the same run, not a second one.
    let again = h
        .run(&[
            "runs",
            "submit",
            "--workspace",
            WS,
            "--cluster",
            &cluster,
            "--python-file",
            "/Workspace/Shared/etl.py",
            "--idempotency-token",
            &token,
            "-o",
            "json",
        ])
        .await;
    ok(&again);
    assert_eq!(again.json()["id"], id.as_str());

    // A new job cluster from a spec, a notebook with parameters, a failure exits 1.
    let out = h
        .run(&[
            "runs", "submit", "--workspace", WS, "--new-cluster", "{\"spark_version\": \"15.4.x-scala2.12\", \"node_type_id\": \"Standard_DS3_v2\", \"num_workers\": 1}",
            "--notebook", "/Users/me/fail_report", "--param", "day=2026-11-30", "--wait", "--timeout", "120",
        ])
        .await;
    assert_eq!(out.code, Some(1), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("the run ended failed"), "{}", out.stderr);

    // Bad input is caught before anything is sent.
    let posts = sent(&h, "POST", "/runs/submit");
    for (args, expected) in [
        (vec!["--notebook", "/x"], "where should it run?"),
        (vec!["--cluster", &cluster], "what should it run?"),
        (vec!["--cluster", &cluster, "--notebook", "/x", "--arg", "a"], "a notebook takes --param"),
        (
            vec!["--cluster", &cluster, "--python-file", "/x.py", "--param", "a=1"],
            "takes its arguments with --arg",
        ),
        (vec!["--cluster", &cluster, "--notebook", "/x", "--param", "novalue"], "expected KEY=VALUE"),
        (
            vec![
                "--new-cluster",
                "{\"spark_version\": \"1.0.x\", \"num_workers\": 1, \"node_type_id\": \"Standard_DS3_v2\"}",
                "--notebook",
                "/x",
            ],
            "unknown spark version",
        ),
    ] {
        let full: Vec<&str> = ["runs", "submit", "--workspace", WS].into_iter().chain(args).collect();
        let out = h.run(&full).await;
        assert_eq!(out.code, Some(2), "{full:?}: {}", out.stderr);
        assert!(out.stderr.contains(expected), "{full:?}: {}", out.stderr);
    }
    assert_eq!(sent(&h, "POST", "/runs/submit"), posts);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secret_scopes_and_acls() {
    let h = harness("").await;
    let h = &h;
    let run = |args: Vec<&'static str>| async move {
        let full: Vec<&str> = args.into_iter().chain(["--workspace", WS]).collect();
        h.run(&full).await
    };
    ok(&run(vec!["secrets", "create-scope", "team-etl"]).await);
    let dup = run(vec!["secrets", "create-scope", "team-etl"]).await;
    assert_eq!(dup.code, Some(2), "{}", dup.stderr);
    assert!(dup.stderr.contains("exists already"), "{}", dup.stderr);
    ok(&run(vec!["secrets", "acl", "put", "team-etl", "data-engineers", "--permission", "read"]).await);
    let (_, acl) = api(h, "/api/2.0/secrets/acls/get?scope=team-etl&principal=data-engineers").await;
    assert_eq!(acl["permission"], "READ");
    let out = run(vec!["secrets", "acl", "get", "team-etl", "data-engineers"]).await;
    ok(&out);
    assert!(out.stdout.contains("data-engineers has READ on team-etl"), "{}", out.stdout);
    let out = run(vec!["secrets", "acls", "team-etl"]).await;
    assert!(out.stdout.contains("data-engineers") && out.stdout.contains("MANAGE"), "{}", out.stdout);
    ok(&run(vec!["secrets", "acl", "delete", "team-etl", "data-engineers"]).await);
    let out = run(vec!["secrets", "acl", "get", "team-etl", "data-engineers"]).await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    ok(&run(vec!["secrets", "delete-scope", "team-etl"]).await);
    let (_, scopes) = api(h, "/api/2.0/secrets/scopes/list").await;
    assert!(scopes["scopes"].as_array().into_iter().flatten().all(|s| s["name"] != "team-etl"), "{scopes}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_principals_are_added_once() {
    let h = harness("").await;
    let app = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
    let out = h
        .run(&["principals", "add", app, "--display-name", "ci-deployer", "--workspace", WS, "-o", "json"])
        .await;
    ok(&out);
    assert_eq!(out.json()["added"], true);
    let (_, list) = api(
        &h,
        &format!("/api/2.0/preview/scim/v2/ServicePrincipals?filter=applicationId%20eq%20%22{app}%22"),
    )
    .await;
    assert_eq!(list["Resources"][0]["displayName"], "ci-deployer", "{list}");
    let out = h.run(&["principals", "add", app, "--workspace", WS]).await;
    ok(&out);
    assert!(out.stdout.contains("already"), "{}", out.stdout);
    let out = h.run(&["principals", "list", "--workspace", WS]).await;
    assert!(out.stdout.contains(app) && out.stdout.contains("ci-deployer"), "{}", out.stdout);
    assert_eq!(sent(&h, "POST", "/ServicePrincipals"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_every_databricks_create() {
    let h = harness("read_only = true").await;
    for args in [
        vec![
            "clusters",
            "create",
            "--spark-version",
            "15.4.x-scala2.12",
            "--node-type",
            "Standard_DS3_v2",
            "--workers",
            "1",
        ],
        vec!["clusters", "edit", "0000-000000-nothing", "--workers", "1"],
        vec!["clusters", "delete-permanently", "0000-000000-nothing", "--yes"],
        vec!["runs", "submit", "--cluster", "c", "--notebook", "/x"],
        vec!["secrets", "create-scope", "s"],
        vec!["secrets", "delete-scope", "s"],
        vec!["secrets", "acl", "put", "s", "p", "--permission", "read"],
        vec!["secrets", "acl", "delete", "s", "p"],
        vec!["principals", "add", "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d"],
    ] {
        let full: Vec<&str> = args.iter().copied().chain(["--workspace", WS]).collect();
        let out = h.run(&full).await;
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("read_only"), "{args:?}: {}", out.stderr);
    }
    let (_, by_route) = h.sim.shared().faults.requests();
    assert!(by_route.keys().all(|r| !r.starts_with("POST ")), "{by_route:?}");
}

fn jwt(claims: Value) -> String {
    let enc = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.sig", enc(&json!({"alg": "none"})), enc(&claims))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_says_how_to_add_a_service_principal_the_workspace_does_not_know() {
    let app = "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e";
    let exp = jiff::Timestamp::now().as_second() + 3600;
    let token =
        jwt(json!({"aud": "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d", "exp": exp, "appid": app, "idtyp": "app"}));
    // A managed identity endpoint that hands out that service principal's token.
    let imds = api_fake::Fake::start(move |_, _| {
        api_fake::Reply::json(
            200,
            json!({"access_token": token, "expires_on": exp.to_string(), "token_type": "Bearer"}),
        )
    })
    .await;
    let h = harness("").await;
    let host = h.sim.base_url().to_string();
    let extra = format!(
        "[[databricks]]\nname = \"sp-ws\"\nhost = \"{host}\"\nauth = {{ method = \"managed-identity\", client_id = \"{app}\", imds_endpoint = \"{}/metadata/identity/oauth2/token\" }}\n",
        imds.base
    );
    let mut config = std::fs::read_to_string(&h.config).unwrap_or_default();
    config.push_str(&extra);
    std::fs::write(&h.config, config).unwrap_or_else(|e| panic!("{e}"));
    let out = h.run(&["doctor", "--workspace", "sp-ws"]).await;
    assert_eq!(out.code, Some(1), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("Unauthorized access to Org"), "{}", out.stdout);
    assert!(
        out.stdout.contains(&format!("sparkdeck principals add {app} --workspace sp-ws")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("sp_management_resource_id"), "{}", out.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_is_not_sent_again_unless_a_token_makes_it_safe() {
    use sparkdeck::sim::{FaultSpec, SimOptions};
    let faults = FaultSpec::parse("POST@/clusters/create:script=drop,POST@/jobs/runs/submit:script=drop")
        .unwrap_or_else(|e| panic!("{e}"));
    let h = harness_with("", SimOptions { speed: 300.0, faults, ..SimOptions::default() }).await;
    let out = h
        .run(&[
            "clusters",
            "create",
            "--workspace",
            WS,
            "--name",
            "lost-one",
            "--spark-version",
            "15.4.x-scala2.12",
            "--node-type",
            "Standard_DS3_v2",
            "--workers",
            "1",
        ])
        .await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("cluster \"lost-one\" may have been created"), "{}", out.stderr);
    assert!(
        out.stderr.contains("sparkdeck clusters list --workspace adb-analytics-prod")
            && out.stderr.contains("not sent again"),
        "{}",
        out.stderr
    );
    assert_eq!(sent(&h, "POST", "/clusters/create"), 1);

    // runs/submit carries an idempotency token: asking again is safe, and gives one run.
    let running = h.first("clusters", WS, "RUNNING").await;
    let out = h
        .run(&[
            "runs",
            "submit",
            "--workspace",
            WS,
            "--cluster",
            &text(&running, "cluster_id"),
            "--notebook",
            "/Users/me/nb",
            "--idempotency-token",
            "tok-lost",
            "-o",
            "json",
        ])
        .await;
    ok(&out);
    assert_eq!(sent(&h, "POST", "/runs/submit"), 2, "sent again after the lost answer");
    let (_, runs) = api(&h, "/api/2.2/jobs/runs/list?run_type=SUBMIT_RUN&limit=25").await;
    let id = out.json()["id"].as_str().unwrap_or_default().parse::<i64>().unwrap_or_default();
    let same: Vec<&Value> =
        runs["runs"].as_array().into_iter().flatten().filter(|r| r["run_id"] == id).collect();
    assert_eq!(same.len(), 1, "{runs}");
}
