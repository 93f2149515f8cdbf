//! The HTTP layer against the simulator and its faults: throttling through the shared gate,
//! retries only where safe, one token refresh, and typed errors.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use secrecy::SecretString;
use serde_json::json;
use sparkdeck::api::databricks::models::{ClusterFilter, ClusterState, RunFilter};
use sparkdeck::api::{ApiKind, Endpoint, ErrorKind, RetryPolicy};
use sparkdeck::auth::{AuthDescription, AuthError, Authenticator, StaticBearer, bearer_header};
use sparkdeck::sim::{FaultSpec, Sim, SimOptions};

async fn sim(faults: &str) -> (Sim, String) {
    let opts = SimOptions { faults: FaultSpec::parse(faults).unwrap_or_default(), ..SimOptions::default() };
    let sim = Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await.unwrap_or_else(|e| panic!("{e}"));
    let pat = sim.shared().databricks().demo_workspaces(sim.base_url())[0].pat.clone();
    (sim, pat)
}

fn fast() -> RetryPolicy {
    RetryPolicy {
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

fn endpoint(sim: &Sim, api: ApiKind, auth: Arc<dyn Authenticator>) -> Endpoint {
    let client = sparkdeck::api::http::client().unwrap_or_else(|e| panic!("{e}"));
    Endpoint::new(client, api, sim.base_url(), auth).with_policy(fast())
}

fn pat_auth(pat: &str) -> Arc<dyn Authenticator> {
    Arc::new(StaticBearer::new("pat", SecretString::from(pat.to_string())))
}

#[tokio::test]
async fn throttling_waits_at_the_gate_then_succeeds() {
    let (sim, pat) = sim("/clusters/list:script=429+503+ok").await;
    let ep = endpoint(&sim, ApiKind::Databricks, pat_auth(&pat));
    let list = ep.call(Method::GET, "/api/2.1/clusters/list").send().await;
    assert!(list.is_ok_and(|v| v["clusters"].is_array()));
    assert_eq!(sim.shared().faults.count("GET", "/api/2.1/clusters/list"), 3);
}

#[tokio::test]
async fn fabric_blocked_until_without_header_closes_the_gate() {
    let (sim, _) = sim("fabric:script=429-noheader+ok").await;
    let ws = sim.shared().fabric().demo_workspaces()[0].clone();
    let ep = endpoint(
        &sim,
        ApiKind::Fabric,
        Arc::new(StaticBearer::new("static", SecretString::from(ws.token.clone()))),
    );
    let path = format!(
        "/v1/workspaces/{}/lakehouses/{}/livyapi/versions/2023-12-01/sessions",
        ws.workspace_id, ws.lakehouses[0].0
    );
    let gate = ep.gate().clone();
    let call = tokio::spawn(async move { ep.call(Method::GET, &path).send().await });
    // The body names a time at most a second ahead: the gate shows the wait while it lasts.
    let mut saw_wait = false;
    for _ in 0..50 {
        if gate.remaining().is_some() {
            saw_wait = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let result = call.await.unwrap_or_else(|e| panic!("{e}"));
    assert!(result.is_ok(), "{result:?}");
    assert!(saw_wait, "the gate never showed the throttle wait");
}

#[tokio::test]
async fn server_errors_retry_reads_but_never_creates() {
    let (sim, pat) = sim("/clusters/:500=1").await;
    let ep = endpoint(&sim, ApiKind::Databricks, pat_auth(&pat));
    let read = ep.call(Method::GET, "/api/2.1/clusters/list").send().await;
    assert_eq!(read.map_err(|e| e.kind), Err(ErrorKind::Server));
    assert_eq!(sim.shared().faults.count("GET", "/api/2.1/clusters/list"), 5, "max attempts");
    let body = json!({"cluster_name": "x", "spark_version": "15.4.x-scala2.12", "num_workers": 1});
    let create = ep.call(Method::POST, "/api/2.1/clusters/create").json(&body).send().await;
    let err = create.err().unwrap_or_else(|| panic!("a 500 must fail"));
    assert_eq!(err.kind, ErrorKind::Server);
    assert_eq!(sim.shared().faults.count("POST", "/api/2.1/clusters/create"), 1, "a create is never re-sent");
    assert!(err.to_string().starts_with("POST /api/2.1/clusters/create → 500 INTERNAL_ERROR: "), "{err}");
}

#[tokio::test]
async fn a_dropped_create_may_have_succeeded_and_is_not_resent() {
    let (sim, pat) = sim("POST@/jobs/runs/submit:script=drop").await;
    let ep = endpoint(&sim, ApiKind::Databricks, pat_auth(&pat));
    let body =
        json!({"run_name": "x", "tasks": [{"task_key": "t", "notebook_task": {"notebook_path": "/nb"}}]});
    let err = ep.call(Method::POST, "/api/2.2/jobs/runs/submit").json(&body).send().await.err();
    assert_eq!(err.map(|e| e.kind), Some(ErrorKind::MayHaveSucceeded));
    assert_eq!(sim.shared().faults.count("POST", "/api/2.2/jobs/runs/submit"), 1);
    // A dropped read is simply retried.
    let (sim, pat) = self::sim("/clusters/list:script=drop").await;
    let ep = endpoint(&sim, ApiKind::Databricks, pat_auth(&pat));
    assert!(ep.call(Method::GET, "/api/2.1/clusters/list").send().await.is_ok());
}

/// Hands out a stale token first, then the good one after `invalidate`.
#[derive(Debug)]
struct Rotating {
    good: SecretString,
    invalidations: AtomicUsize,
}

impl Authenticator for Rotating {
    fn headers(&self) -> BoxFuture<'_, Result<Vec<(HeaderName, HeaderValue)>, AuthError>> {
        Box::pin(async move {
            let token = if self.invalidations.load(Ordering::SeqCst) == 0 {
                SecretString::from("dapi-stale-token-0000000000000000".to_string())
            } else {
                self.good.clone()
            };
            Ok(vec![bearer_header(&token, "test")?])
        })
    }
    fn invalidate(&self) {
        self.invalidations.fetch_add(1, Ordering::SeqCst);
    }
    fn describe(&self) -> AuthDescription {
        AuthDescription::default()
    }
}

#[tokio::test]
async fn a_rejected_token_is_refreshed_once() {
    let (sim, pat) = sim("").await;
    let auth = Arc::new(Rotating { good: SecretString::from(pat), invalidations: AtomicUsize::new(0) });
    let ep = endpoint(&sim, ApiKind::Databricks, auth.clone());
    let me = ep.call(Method::GET, "/api/2.0/preview/scim/v2/Me").send().await;
    assert!(me.is_ok(), "{me:?}");
    assert_eq!(auth.invalidations.load(Ordering::SeqCst), 1);
    // A token that stays bad fails after exactly one refresh.
    let bad = endpoint(&sim, ApiKind::Databricks, pat_auth("dapi00000000000000000000000000000000"));
    let err = bad.call(Method::GET, "/api/2.0/preview/scim/v2/Me").send().await.err();
    let err = err.unwrap_or_else(|| panic!("must fail"));
    assert_eq!((err.status, err.message.as_str()), (Some(403), "Invalid access token."));
    assert_eq!(sim.shared().faults.count("GET", "/api/2.0/preview/scim/v2/Me"), 4);
}

#[tokio::test]
async fn malformed_and_html_answers_become_precise_errors() {
    let (sim, pat) = sim("/clusters/get:script=malformed+html").await;
    let ep = endpoint(&sim, ApiKind::Databricks, pat_auth(&pat))
        .with_policy(RetryPolicy { max_attempts: 1, ..fast() });
    let err = ep.call(Method::GET, "/api/2.1/clusters/get").query("cluster_id", "x").send().await.err();
    let err = err.unwrap_or_else(|| panic!("must fail"));
    assert_eq!(err.kind, ErrorKind::Decode);
    assert!(err.message.starts_with("unreadable JSON"), "{err}");
    let err = ep.call(Method::GET, "/api/2.1/clusters/get").query("cluster_id", "x").send().await.err();
    let err = err.unwrap_or_else(|| panic!("must fail"));
    assert_eq!((err.status, err.message.as_str()), (Some(503), "Service Unavailable"));
    let missing = ep.call(Method::GET, "/api/2.1/clusters/get").query("cluster_id", "nope").send().await;
    let err = missing.err().unwrap_or_else(|| panic!("must fail"));
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert!(err.request_id.is_some(), "the simulator's x-request-id is kept: {err:?}");
}

#[tokio::test]
async fn list_clients_fetch_only_the_pages_they_need() {
    let opts = SimOptions { scale: 2, speed: 0.0, ..SimOptions::default() };
    let sim = Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await.unwrap_or_else(|e| panic!("{e}"));
    let pat = sim.shared().databricks().demo_workspaces(sim.base_url())[0].pat.clone();
    let dbx = sparkdeck::api::DatabricksClient::new(endpoint(&sim, ApiKind::Databricks, pat_auth(&pat)));
    let runs = dbx.runs(&RunFilter::default()).collect(60).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(runs.len(), 60);
    assert_eq!(
        sim.shared().faults.count("GET", "/api/2.2/jobs/runs/list"),
        3,
        "25 + 25 + 10, not all 10 000 runs"
    );
    let clusters =
        dbx.clusters(&ClusterFilter::default()).collect(250).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(clusters.len(), 250);
    assert_eq!(sim.shared().faults.count("GET", "/api/2.1/clusters/list"), 3);
    let filter = ClusterFilter { states: vec![ClusterState::Running], ..ClusterFilter::default() };
    let running = dbx.clusters(&filter).collect(1000).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !running.is_empty() && running.iter().all(|c| c.state == Some(ClusterState::Running)),
        "filtered by the service"
    );

    let ws = sim.shared().fabric().demo_workspaces()[0].clone();
    let auth = Arc::new(StaticBearer::new("static", SecretString::from(ws.token.clone())));
    let livy = sparkdeck::api::LivyClient::new(
        endpoint(&sim, ApiKind::Fabric, auth),
        &ws.workspace_id,
        &ws.lakehouses[0].0,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let sessions = livy.sessions().collect(150).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sessions.len(), 150);
    let path = format!(
        "/v1/workspaces/{}/lakehouses/{}/livyapi/versions/2023-12-01/sessions",
        ws.workspace_id, ws.lakehouses[0].0
    );
    assert_eq!(sim.shared().faults.count("GET", &path), 2, "$top=100 then $top=50");
}
