//! The exact requests the create half sends, checked against the references (fabric-livy.md
//! §1.3, §1.6, §4; databricks.md §1, §2, §4) on a scripted server that records every request:
//! bodies, query strings and headers; the OneLake upload sequence; and how a create whose
//! answer was lost is found instead of sent again.

#[path = "common/api_fake.rs"]
#[allow(dead_code)]
mod api_fake;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use api_fake::{Fake, Reply, Seen};
use secrecy::SecretString;
use serde_json::{Value, json};
use sparkdeck::api::{ApiKind, DatabricksClient, Endpoint, LivyClient, OneLakeClient, RetryPolicy};
use sparkdeck::auth::{Authenticator, StaticBearer};
use sparkdeck::domain::Service;
use sparkdeck::domain::create::{
    NewBatch, NewCluster, NewRun, NewSession, RunCompute, RunTask, SparkSizes, Workers,
};
use sparkdeck::workspace::create::{CreateError, access, clusters, livy, runs, upload};
use sparkdeck::workspace::{Clients, FabricClients, Workspace};

const WS_ID: &str = "11111111-1111-4111-8111-111111111111";
const LH_ID: &str = "22222222-2222-4222-8222-222222222222";
const LIVY: &str = "/v1/workspaces/11111111-1111-4111-8111-111111111111/lakehouses/22222222-2222-4222-8222-222222222222/livyapi/versions/2023-12-01";

fn ep(fake: &Fake) -> Endpoint {
    let auth: Arc<dyn Authenticator> =
        Arc::new(StaticBearer::new("static", SecretString::from("token-abc".to_string())));
    let client = sparkdeck::api::http::client().unwrap_or_else(|e| panic!("{e}"));
    let fast = RetryPolicy {
        min_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    Endpoint::new(client, ApiKind::Fabric, &fake.base, auth).with_policy(fast)
}

fn fabric(fake: &Fake) -> Workspace {
    let e = ep(fake);
    Workspace {
        name: "fab".into(),
        service: Service::Fabric,
        origin: Default::default(),
        base_url: fake.base.clone(),
        clients: Ok(Clients::Fabric(Box::new(FabricClients {
            workspace_id: WS_ID.into(),
            lakehouses: vec![(
                "lh_main".into(),
                LivyClient::new(e.clone(), WS_ID, LH_ID).unwrap_or_else(|e| panic!("{e}")),
            )],
            monitor: sparkdeck::api::livy::FabricMonitor::new(e.clone(), WS_ID)
                .unwrap_or_else(|e| panic!("{e}")),
            onelake: OneLakeClient::new(e, WS_ID).unwrap_or_else(|e| panic!("{e}")),
            repl: Default::default(),
        }))),
    }
}

fn databricks(fake: &Fake) -> Workspace {
    Workspace {
        name: "dbx".into(),
        service: Service::Databricks,
        origin: Default::default(),
        base_url: fake.base.clone(),
        clients: Ok(Clients::Databricks(DatabricksClient::new(ep(fake)))),
    }
}

fn no_progress(_: upload::UploadProgress) {}

fn routes(fake: &Fake) -> Vec<String> {
    fake.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect()
}

/// The marker tag sparkdeck puts on a request, taken out so the rest can be compared exactly.
fn without_marker(mut body: Value) -> (Value, String) {
    let marker = body["tags"]["sparkdeck.request"].as_str().unwrap_or_default().to_string();
    if let Some(tags) = body.get_mut("tags").and_then(Value::as_object_mut) {
        tags.remove("sparkdeck.request");
        if tags.is_empty() {
            body.as_object_mut().map(|o| o.remove("tags"));
        }
    }
    (body, marker)
}

#[tokio::test]
async fn a_batch_request_is_the_reference_body() {
    let fake = Fake::start(|r: &Seen, _| match (r.method.as_str(), r.path.as_str()) {
        ("POST", p) if p.ends_with("/batches") => {
            Reply::json(202, json!({"id": "b-1", "name": "nightly", "state": "not_started"}))
        }
        _ => Reply::json(200, json!({"value": [{"id": "e-9", "displayName": "ml", "type": "Environment"}]})),
    })
    .await;
    let ws = fabric(&fake);
    let batch = NewBatch {
        file: format!("abfss://{WS_ID}@onelake.dfs.fabric.microsoft.com/{LH_ID}/Files/jobs/nightly.py"),
        name: Some("nightly".into()),
        class_name: None,
        args: vec!["--day".into(), "2026-11-30".into()],
        py_files: vec!["Files/lib/util.py".into()],
        conf: [("spark.sql.shuffle.partitions".to_string(), "8".to_string())].into(),
        environment: Some("ml".into()),
        target_lakehouse: Some(LH_ID.into()),
        sizes: SparkSizes {
            executor_memory: Some("28g".into()),
            num_executors: Some(2),
            ..SparkSizes::default()
        },
        ..NewBatch::default()
    };
    let prepared = livy::prepare_batch(&ws, &batch).await.unwrap_or_else(|e| panic!("{e}"));
    let created = livy::submit_batch(&ws, &prepared, &no_progress).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(created.id, "b-1");
    let post = fake.requests().into_iter().find(|r| r.method == "POST").unwrap_or_else(|| panic!("no POST"));
    assert_eq!(post.path, format!("{LIVY}/batches"));
    assert_eq!(post.header("content-type"), Some("application/json"));
    assert_eq!(post.header("authorization"), Some("Bearer token-abc"));
    let body = post.json();
    assert_eq!(
        body,
        json!({
            "name": "nightly",
            "file": format!("abfss://{WS_ID}@onelake.dfs.fabric.microsoft.com/{LH_ID}/Files/jobs/nightly.py"),
            "args": ["--day", "2026-11-30"],
            "pyFiles": [format!("abfss://{WS_ID}@onelake.dfs.fabric.microsoft.com/{LH_ID}/Files/lib/util.py")],
            "conf": {
                "spark.sql.shuffle.partitions": "8",
                "spark.fabric.environmentDetails": "{\"id\" : \"e-9\"}",
                "spark.targetLakehouse": LH_ID,
            },
            "executorMemory": "28g",
            "numExecutors": 2,
        })
    );
    assert_eq!(
        routes(&fake),
        [format!("GET /v1/workspaces/{WS_ID}/environments"), format!("POST {LIVY}/batches")]
    );
}

#[tokio::test]
async fn a_local_file_goes_up_in_chunks_then_the_batch_names_it() {
    let fake = Fake::start(|r: &Seen, _| match (r.method.as_str(), r.query.as_str()) {
        ("HEAD", _) => Reply::text(404, "application/json", "").header("x-ms-error-code", "PathNotFound"),
        ("PUT", _) => Reply::text(201, "text/plain", ""),
        ("PATCH", q) if q.starts_with("action=append") => Reply::text(202, "text/plain", ""),
        ("PATCH", _) => Reply::text(200, "text/plain", ""),
        _ => Reply::json(202, json!({"id": "b-2"})),
    })
    .await;
    let ws = fabric(&fake);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("big_job.py");
    // Nine MiB and a bit: three chunks of at most 4 MiB.
    let size = 9 * 1024 * 1024 + 5;
    std::fs::write(&path, "#".repeat(size)).unwrap_or_else(|e| panic!("{e}"));
    let batch = NewBatch { file: path.display().to_string(), ..NewBatch::default() };
    let prepared = livy::prepare_batch(&ws, &batch).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(prepared.uploads.len(), 1);
    let dest = &prepared.uploads[0].dest.path;
    assert!(
        dest.starts_with("sparkdeck/uploads/")
            && dest.ends_with("/big_job.py")
            && dest.len() == "sparkdeck/uploads/".len() + 16 + "/big_job.py".len(),
        "{dest}"
    );
    livy::submit_batch(&ws, &prepared, &no_progress).await.unwrap_or_else(|e| panic!("{e}"));
    let seen = fake.requests();
    let file = format!("/{WS_ID}/{LH_ID}/Files/{dest}");
    let lake: Vec<(String, String, String)> = seen
        .iter()
        .filter(|r| r.path == file)
        .map(|r| {
            (r.method.clone(), r.query.clone(), r.header("content-length").unwrap_or_default().to_string())
        })
        .collect();
    let mib4 = 4 * 1024 * 1024;
    assert_eq!(
        lake,
        [
            ("HEAD".to_string(), String::new(), String::new()),
            ("PUT".into(), "resource=file".into(), "0".into()),
            ("PATCH".into(), "action=append&position=0".into(), mib4.to_string()),
            ("PATCH".into(), format!("action=append&position={mib4}"), mib4.to_string()),
            ("PATCH".into(), format!("action=append&position={}", 2 * mib4), (size - 2 * mib4).to_string()),
            ("PATCH".into(), format!("action=flush&position={size}"), "0".into()),
        ]
    );
    for r in seen.iter().filter(|r| r.path == file) {
        assert_eq!(r.header("x-ms-version"), Some("2023-11-03"), "{} {}", r.method, r.query);
    }
    let put = seen.iter().find(|r| r.method == "PUT").unwrap_or_else(|| panic!("no PUT"));
    assert_eq!(put.header("if-none-match"), Some("*"), "never overwrite a file a batch may be reading");
    let post = seen.iter().find(|r| r.method == "POST").unwrap_or_else(|| panic!("no POST"));
    assert_eq!(
        post.json()["file"],
        format!("abfss://{WS_ID}@onelake.dfs.fabric.microsoft.com/{LH_ID}/Files/{dest}")
    );
}

#[tokio::test]
async fn a_lost_batch_is_found_by_its_request_not_sent_again() {
    let sent_body: Arc<Mutex<Value>> = Arc::default();
    let seen_body = sent_body.clone();
    let fake = Fake::start(move |r: &Seen, _| {
        let now = jiff::Timestamp::now().to_string();
        let echo = seen_body.lock().map(|b| b.clone()).unwrap_or_default();
        match (r.method.as_str(), r.path.rsplit('/').next().unwrap_or_default()) {
            ("POST", _) => {
                if let Ok(mut b) = seen_body.lock() {
                    *b = r.json();
                }
                Reply::Drop
            }
            ("GET", "batches") => Reply::json(200, json!({"items": [
                {"id": "someone-elses", "name": "nightly", "submittedAt": now},
                {"id": "b-ours", "name": "nightly", "submittedAt": now},
                {"id": "old", "name": "nightly", "submittedAt": "2020-01-01T00:00:00Z"},
            ], "totalCountOfMatchedItems": 3})),
            ("GET", "b-ours") => Reply::json(200, json!({"id": "b-ours", "livyInfo": {"jobCreationRequest": echo}})),
            ("GET", _) => Reply::json(200, json!({"id": "x", "livyInfo": {"jobCreationRequest": {"name": "nightly", "file": "elsewhere.py"}}})),
            _ => Reply::json(404, json!({"errorCode": "EntityNotFound", "message": "no"})),
        }
    })
    .await;
    let ws = fabric(&fake);
    let batch = NewBatch {
        file: "Files/jobs/nightly.py".into(),
        name: Some("nightly".into()),
        ..NewBatch::default()
    };
    let prepared = livy::prepare_batch(&ws, &batch).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(prepared.body.get("tags").is_none(), "a batch request has no tags in the reference");
    let created = livy::submit_batch(&ws, &prepared, &no_progress).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(created.id, "b-ours");
    let routes = routes(&fake);
    assert_eq!(routes.iter().filter(|r| r.starts_with("POST")).count(), 1, "sent once: {routes:?}");
    assert!(
        !routes.iter().any(|r| r.ends_with("/batches/old")),
        "only batches submitted since are read: {routes:?}"
    );
}

#[tokio::test]
async fn a_session_request_is_the_reference_body_with_a_marker_tag() {
    let fake = Fake::start(|_, _| {
        Reply::json(202, json!({"id": "s-1", "fabricSessionStateInfo": {"state": "queued"}}))
    })
    .await;
    let ws = fabric(&fake);
    let session = NewSession {
        name: Some("adhoc".into()),
        environment: Some("33333333-3333-4333-8333-333333333333".into()),
        tags: [("team".to_string(), "sales".to_string())].into(),
        sizes: SparkSizes {
            driver_memory: Some("56g".into()),
            driver_cores: Some(8),
            ..SparkSizes::default()
        },
        ..NewSession::default()
    };
    let prepared = livy::prepare_session(&ws, &session).await.unwrap_or_else(|e| panic!("{e}"));
    livy::create_session(&ws, &prepared).await.unwrap_or_else(|e| panic!("{e}"));
    let post = &fake.requests()[0];
    assert_eq!(post.path, format!("{LIVY}/sessions"));
    let (body, marker) = without_marker(post.json());
    assert_eq!(uuid::Uuid::parse_str(&marker).map(|_| ()), Ok(()), "a fresh marker tag");
    assert_eq!(
        body,
        json!({"name": "adhoc", "tags": {"team": "sales"}, "driverMemory": "56g", "driverCores": 8,
               "conf": {"spark.fabric.environmentDetails": "{\"id\" : \"33333333-3333-4333-8333-333333333333\"}"}})
    );
    assert_eq!(fake.count(), 1, "a GUID environment needs no lookup");
}

#[tokio::test]
async fn cluster_and_run_requests_are_the_reference_bodies() {
    let fake = Fake::start(|r: &Seen, _| match r.path.as_str() {
        "/api/2.1/clusters/spark-versions" => {
            Reply::json(200, json!({"versions": [{"key": "15.4.x-scala2.12", "name": "15.4 LTS"}]}))
        }
        "/api/2.1/clusters/list-node-types" => {
            Reply::json(200, json!({"node_types": [{"node_type_id": "Standard_DS3_v2"}]}))
        }
        "/api/2.1/clusters/create" => Reply::json(200, json!({"cluster_id": "0101-000000-abc"})),
        _ => Reply::json(200, json!({"run_id": 77})),
    })
    .await;
    let ws = databricks(&fake);
    let cluster = NewCluster {
        name: Some("etl".into()),
        spark_version: Some("15.4.x-scala2.12".into()),
        node_type: Some("Standard_DS3_v2".into()),
        workers: Some(Workers::Fixed(2)),
        auto_termination_minutes: Some(45),
        spark_conf: [("spark.speculation".to_string(), "true".to_string())].into(),
        ..NewCluster::default()
    };
    let body = clusters::prepare(&ws, &cluster).await.unwrap_or_else(|e| panic!("{e}"));
    let created = clusters::create(&ws, &body).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(created.id, "0101-000000-abc");
    let post = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/2.1/clusters/create")
        .unwrap_or_else(|| panic!("no create"));
    assert_eq!(
        post.json(),
        json!({"cluster_name": "etl", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2",
               "num_workers": 2, "autotermination_minutes": 45, "spark_conf": {"spark.speculation": "true"}})
    );

    let run = NewRun {
        name: Some("adhoc".into()),
        compute: Some(RunCompute::Existing("0101-000000-abc".into())),
        task: Some(RunTask::Notebook { path: "/Users/me/report".into() }),
        params: vec![("day".into(), "2026-11-30".into())],
        ..NewRun::default()
    };
    let body = runs::prepare(&ws, &run, "tok-1").await.unwrap_or_else(|e| panic!("{e}"));
    runs::submit(&ws, &body).await.unwrap_or_else(|e| panic!("{e}"));
    let post = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/2.2/jobs/runs/submit")
        .unwrap_or_else(|| panic!("no submit"));
    assert_eq!(
        post.json(),
        json!({"run_name": "adhoc", "idempotency_token": "tok-1", "tasks": [{
            "task_key": "main", "existing_cluster_id": "0101-000000-abc",
            "notebook_task": {"notebook_path": "/Users/me/report", "base_parameters": {"day": "2026-11-30"}}}]})
    );
    let jar = NewRun {
        compute: Some(RunCompute::Existing("c".into())),
        task: Some(RunTask::Jar {
            main_class: "com.contoso.Main".into(),
            jar: Some("dbfs:/jars/etl.jar".into()),
        }),
        args: vec!["--full".into()],
        ..NewRun::default()
    };
    let body = runs::prepare(&ws, &jar, "tok-2").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        body["tasks"][0],
        json!({"task_key": "main", "existing_cluster_id": "c", "libraries": [{"jar": "dbfs:/jars/etl.jar"}],
               "spark_jar_task": {"main_class_name": "com.contoso.Main", "parameters": ["--full"]}})
    );
}

#[tokio::test]
async fn a_run_submit_with_its_token_is_retried_after_a_server_error() {
    let fake = Fake::script(vec![
        Reply::json(500, json!({"error_code": "INTERNAL_ERROR", "message": "boom"})),
        Reply::json(200, json!({"run_id": 5})),
    ])
    .await;
    let ws = databricks(&fake);
    let body = json!({"run_name": "r", "idempotency_token": "t-1", "tasks": [{"task_key": "main", "notebook_task": {"notebook_path": "/x"}}]});
    let created = runs::submit(&ws, &body).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(created.id, "5");
    let bodies: Vec<Value> = fake.requests().iter().map(Seen::json).collect();
    assert_eq!(bodies, [body.clone(), body], "the same token both times: the service gives back one run");
}

#[tokio::test]
async fn scopes_and_principals_are_checked_before_and_after_a_create() {
    let fake = Fake::start(|r: &Seen, _| match (r.method.as_str(), r.path.as_str()) {
        ("GET", "/api/2.0/secrets/scopes/list") => {
            Reply::json(200, json!({"scopes": [{"name": "existing"}]}))
        }
        ("GET", _) => Reply::json(200, json!({"totalResults": 0, "Resources": []})),
        ("POST", "/api/2.0/preview/scim/v2/ServicePrincipals") => Reply::json(
            201,
            json!({"id": "9", "applicationId": "44444444-4444-4444-8444-444444444444", "displayName": "ci"}),
        ),
        _ => Reply::json(200, json!({})),
    })
    .await;
    let ws = databricks(&fake);
    let e = access::create_scope(&ws, "existing").await.err();
    assert!(matches!(&e, Some(CreateError::Invalid(m)) if m.contains("exists already")), "{e:?}");
    let e = access::create_scope(&ws, "bad name").await.err();
    assert!(matches!(&e, Some(CreateError::Invalid(m)) if m.contains("not valid")), "{e:?}");
    access::create_scope(&ws, "team.secrets").await.unwrap_or_else(|e| panic!("{e}"));
    let post = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/2.0/secrets/scopes/create")
        .unwrap_or_else(|| panic!("no create"));
    assert_eq!(post.json(), json!({"scope": "team.secrets"}));

    let e = access::add_principal(&ws, "not-a-guid", None).await.err();
    assert!(matches!(&e, Some(CreateError::Invalid(m)) if m.contains("application (client) id")), "{e:?}");
    let added = access::add_principal(&ws, "44444444-4444-4444-8444-444444444444", Some("ci"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(added, access::Added::New(ref c) if c.id == "9"), "{added:?}");
    let seen = fake.requests();
    let lookup = seen
        .iter()
        .find(|r| r.path.ends_with("/ServicePrincipals") && r.method == "GET")
        .unwrap_or_else(|| panic!("no lookup"));
    assert!(
        lookup
            .query_pairs()
            .contains(&("filter".into(), "applicationId eq \"44444444-4444-4444-8444-444444444444\"".into())),
        "{lookup:?}"
    );
    let post = seen
        .iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/ServicePrincipals"))
        .unwrap_or_else(|| panic!("no add"));
    assert_eq!(
        post.json(),
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"],
               "applicationId": "44444444-4444-4444-8444-444444444444", "displayName": "ci", "active": true})
    );
}

#[tokio::test]
async fn a_form_can_be_filled_from_a_batch_or_a_cluster() {
    let fake = Fake::start(|r: &Seen, _| {
        if r.path.ends_with("/batches/b-7") {
            Reply::json(200, json!({"id": "b-7", "state": "dead", "livyInfo": {"jobCreationRequest": {
                "name": "nightly", "file": "abfss://w@onelake.dfs.fabric.microsoft.com/l/Files/n.py", "args": ["--full"],
                "conf": {"spark.targetLakehouse": "lh-2", "spark.fabric.environmentDetails": "{\"id\" : \"env-1\"}"}}}}))
        } else {
            Reply::json(200, json!({"cluster_id": "c-1", "state": "TERMINATED", "cluster_name": "etl", "spark_version": "15.4.x-scala2.12",
                "node_type_id": "Standard_DS3_v2", "autoscale": {"min_workers": 1, "max_workers": 3}, "default_tags": {"Vendor": "Databricks"},
                "executors": [], "start_time": 1}))
        }
    })
    .await;
    let batch = livy::batch_to_resubmit(&fabric(&fake), "b-7").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(batch.lakehouse.as_deref(), Some("lh_main"));
    assert_eq!(
        (batch.environment.as_deref(), batch.target_lakehouse.as_deref()),
        (Some("env-1"), Some("lh-2"))
    );
    assert_eq!(batch.args, ["--full"]);
    assert!(batch.extra.is_empty(), "{:?}", batch.extra);
    let (cluster, state) =
        clusters::for_edit(&databricks(&fake), "c-1").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(state.map(|s| s.to_string()).as_deref(), Some("TERMINATED"));
    assert_eq!(cluster.workers, Some(Workers::Autoscale { min: 1, max: 3 }));
    assert!(cluster.extra.is_empty(), "no output-only fields: {:?}", cluster.extra);
}
