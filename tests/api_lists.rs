//! A list is what the service listed, or an error — never a silent empty list or the same rows
//! twice. Every list client against a scripted server answering 200 with an error document,
//! with nothing at all, or with a page cursor it already handed out; and the real binary's exit
//! status for the first case.

#[allow(dead_code)]
#[path = "common/api_fake.rs"]
mod api_fake;

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use api_fake::{Fake, Reply};
use futures::future::BoxFuture;
use secrecy::SecretString;
use serde_json::{Value, json};
use sparkdeck::api::databricks::models::{ClusterFilter, EventsQuery, RunFilter};
use sparkdeck::api::livy::FabricMonitor;
use sparkdeck::api::{ApiError, ApiKind, DatabricksClient, Endpoint, LivyClient, RetryPolicy};
use sparkdeck::auth::{Authenticator, StaticBearer};

fn endpoint(fake: &Fake, api: ApiKind) -> Endpoint {
    let client = sparkdeck::api::http::client().unwrap_or_else(|e| panic!("{e}"));
    let auth: Arc<dyn Authenticator> =
        Arc::new(StaticBearer::new("pat", SecretString::from("dapi-lists".to_string())));
    Endpoint::new(client, api, &fake.base, auth)
        .with_policy(RetryPolicy { max_attempts: 1, ..RetryPolicy::default() })
}

type List = Box<dyn Fn(&Fake) -> BoxFuture<'static, Result<usize, ApiError>>>;

/// Every list, read to its end; the number of items.
fn lists() -> Vec<(&'static str, List)> {
    fn dbx(fake: &Fake) -> DatabricksClient {
        DatabricksClient::new(endpoint(fake, ApiKind::Databricks))
    }
    fn livy(fake: &Fake) -> LivyClient {
        LivyClient::new(endpoint(fake, ApiKind::Fabric), "ws1", "lh1").unwrap_or_else(|e| panic!("{e}"))
    }
    let all = usize::MAX;
    vec![
        (
            "clusters",
            Box::new(move |f| {
                let d = dbx(f);
                Box::pin(
                    async move { d.clusters(&ClusterFilter::default()).collect(all).await.map(|v| v.len()) },
                )
            }),
        ),
        (
            "runs",
            Box::new(move |f| {
                let d = dbx(f);
                Box::pin(async move { d.runs(&RunFilter::default()).collect(all).await.map(|v| v.len()) })
            }),
        ),
        (
            "jobs",
            Box::new(move |f| {
                let d = dbx(f);
                Box::pin(async move { d.jobs(None).collect(all).await.map(|v| v.len()) })
            }),
        ),
        (
            "cluster events",
            Box::new(move |f| {
                let d = dbx(f);
                Box::pin(async move {
                    d.cluster_events("c1", &EventsQuery::default())?.collect(all).await.map(|v| v.len())
                })
            }),
        ),
        (
            "tokens",
            Box::new(|f| {
                let d = dbx(f);
                Box::pin(async move { d.tokens().await.map(|v| v.len()) })
            }),
        ),
        (
            "secret scopes",
            Box::new(|f| {
                let d = dbx(f);
                Box::pin(async move { d.secret_scopes().await.map(|v| v.len()) })
            }),
        ),
        (
            "spark versions",
            Box::new(|f| {
                let d = dbx(f);
                Box::pin(async move { d.spark_versions().await.map(|v| v.len()) })
            }),
        ),
        (
            "service principals",
            Box::new(move |f| {
                let d = dbx(f);
                Box::pin(async move { d.service_principals(None).collect(all).await.map(|v| v.len()) })
            }),
        ),
        (
            "livy sessions",
            Box::new(move |f| {
                let l = livy(f);
                Box::pin(async move { l.sessions().collect(all).await.map(|v| v.len()) })
            }),
        ),
        (
            "livy batches",
            Box::new(move |f| {
                let l = livy(f);
                Box::pin(async move { l.batches().collect(all).await.map(|v| v.len()) })
            }),
        ),
        (
            "workspace livy sessions",
            Box::new(move |f| {
                let m =
                    FabricMonitor::new(endpoint(f, ApiKind::Fabric), "ws1").unwrap_or_else(|e| panic!("{e}"));
                Box::pin(async move { m.workspace_livy_sessions().collect(all).await.map(|v| v.len()) })
            }),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_success_status_with_an_error_or_nothing_is_an_error_naming_the_body() {
    let answers: Vec<(&str, Reply, &str)> = vec![
        (
            "Databricks error document",
            Reply::json(200, json!({"error_code": "INTERNAL_ERROR", "message": "the metastore is down"})),
            "the metastore is down",
        ),
        (
            "Fabric error document",
            Reply::json(
                200,
                json!({"errorCode": "InternalServerError", "message": "try later", "requestId": "r-1"}),
            ),
            "try later",
        ),
        (
            "a bare message",
            Reply::json(200, json!({"message": "Service is warming up"})),
            "Service is warming up",
        ),
        (
            "an empty body",
            Reply::text(200, "application/json", ""),
            "an empty body where a list was expected",
        ),
    ];
    for (list, read) in lists() {
        for (what, reply, needle) in &answers {
            let fake = Fake::script(vec![reply.clone()]).await;
            let e = read(&fake).await.err().unwrap_or_else(|| panic!("{list} with {what}: read as a list"));
            assert!(e.to_string().contains(needle), "{list} with {what}: {e}");
        }
        // A list that is truly empty is still empty.
        let fake = Fake::script(vec![Reply::json(200, json!({}))]).await;
        assert_eq!(read(&fake).await.ok(), Some(0), "{list}: {{}} is an empty list");
    }
}

/// Page bodies for a token-paged list whose second page hands the first page's token back.
fn looping_pages(
    items_key: &'static str,
    token_key: &'static str,
) -> impl Fn(&api_fake::Seen, usize) -> Reply + Send + Sync {
    move |_, n| {
        let item = json!({"cluster_id": format!("c{n}"), "run_id": n, "job_id": n, "id": format!("i{n}"), "timestamp": n});
        let token = if n == 0 { "page-2" } else { "page-1" };
        let mut body = serde_json::Map::new();
        body.insert(items_key.into(), json!([item]));
        body.insert(token_key.into(), Value::String(token.into()));
        if n > 0 && token_key == "next_page_token" {
            body.insert(token_key.into(), Value::String("page-2".into()));
        }
        Reply::json(200, Value::Object(body))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_token_handed_out_twice_stops_with_a_message() {
    let dbx = |f: &Fake| DatabricksClient::new(endpoint(f, ApiKind::Databricks));
    let fake = Fake::start(looping_pages("clusters", "next_page_token")).await;
    let e = dbx(&fake).clusters(&ClusterFilter::default()).collect(usize::MAX).await.err();
    let text = e.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        text.contains("handed out the page cursor Some(\"page-2\") a second time after 2 pages"),
        "{text}"
    );
    assert_eq!(fake.count(), 2, "no page is fetched twice");

    let fake = Fake::start(looping_pages("runs", "next_page_token")).await;
    let e = dbx(&fake).runs(&RunFilter::default()).collect(usize::MAX).await.err();
    assert!(e.is_some_and(|e| e.to_string().contains("a second time")));

    let fake = Fake::start(looping_pages("value", "continuationToken")).await;
    let m = FabricMonitor::new(endpoint(&fake, ApiKind::Fabric), "ws1").unwrap_or_else(|e| panic!("{e}"));
    let e = m.workspace_livy_sessions().collect(usize::MAX).await.err();
    assert!(e.is_some_and(|e| e.to_string().contains("a second time")));

    // Cluster events re-send the `next_page` object: the same object twice is the same loop.
    let fake = Fake::start(|_, n| {
        Reply::json(
            200,
            json!({"events": [{"cluster_id": "c1", "timestamp": n, "type": "RUNNING"}],
            "next_page": {"cluster_id": "c1", "offset": 1}}),
        )
    })
    .await;
    let e = dbx(&fake).cluster_events("c1", &EventsQuery::default()).ok().map(|p| p.collect(usize::MAX));
    let e = match e {
        Some(f) => f.await.err(),
        None => None,
    };
    assert!(
        e.is_some_and(|e| e.to_string().starts_with("POST /api/2.1/clusters/events: the service handed out"))
    );
    assert_eq!(fake.count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_headless_list_of_an_error_body_exits_non_zero() {
    let fake = Fake::script(vec![Reply::json(
        200,
        json!({"error_code": "INTERNAL_ERROR", "message": "metastore down"}),
    )])
    .await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cfg = dir.path().join("config.toml");
    let text = format!(
        "[[databricks]]\nname = \"adb\"\nhost = \"{}\"\nauth = {{ method = \"pat\", token_env = \"SD_LISTS_PAT\" }}\n",
        fake.base
    );
    std::fs::write(&cfg, text).unwrap_or_else(|e| panic!("{e}"));
    let out = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::process::Command::new(env!("CARGO_BIN_EXE_sparkdeck"))
            .arg("--config")
            .arg(&cfg)
            .args(["clusters", "list", "-o", "json"])
            .env("HOME", dir.path())
            .env("SD_LISTS_PAT", "dapi-lists")
            .stdin(Stdio::null())
            .output(),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("200 answer carrying an error") && stderr.contains("metastore down"), "{stderr}");
}
