//! The HTTP layer and the typed clients, against a scripted fake server (every error body shape,
//! throttling, drops, hangs, token refresh, request shapes and paging) and against the simulator
//! and its faults.

#[path = "common/api_fake.rs"]
mod api_fake;

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
use sparkdeck::api::http::MAX_SERVER_WAIT;
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
    for _ in 0..500 {
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
    assert_eq!((err.kind, err.status), (ErrorKind::MayHaveSucceeded, Some(500)));
    assert_eq!(sim.shared().faults.count("POST", "/api/2.1/clusters/create"), 1, "a create is never re-sent");
    assert!(err.to_string().starts_with("POST /api/2.1/clusters/create → 500 INTERNAL_ERROR: "), "{err}");
    assert!(
        err.to_string().ends_with("— it may have been carried out: check before sending it again"),
        "{err}"
    );
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

// ------------------------------------------------------------------ against the scripted fake

use api_fake::{Fake, Reply};
use sparkdeck::api::databricks::models::{
    AclPermission, ClusterSize, CreateTokenRequest, EventsQuery, NewServicePrincipal,
};
use sparkdeck::api::livy::models::{
    FabricSessionState, HighConcurrencySessionRequest, SessionRequest, StatementKind, StatementRequest,
};
use sparkdeck::api::{ApiError, DatabricksClient, LivyClient};

fn static_auth() -> Arc<dyn Authenticator> {
    Arc::new(StaticBearer::new("pat", SecretString::from("dapi0123456789abcdef0123456789abcdef".to_string())))
}

fn fake_ep(fake: &Fake, api: ApiKind) -> Endpoint {
    let client = sparkdeck::api::http::client().unwrap_or_else(|e| panic!("{e}"));
    Endpoint::new(client, api, &fake.base, static_auth()).with_policy(fast())
}

fn dbx(fake: &Fake) -> DatabricksClient {
    DatabricksClient::new(fake_ep(fake, ApiKind::Databricks))
}

fn livy(fake: &Fake) -> LivyClient {
    LivyClient::new(fake_ep(fake, ApiKind::Fabric), "ws1", "lh1").unwrap_or_else(|e| panic!("{e}"))
}

const LIVY: &str = "/v1/workspaces/ws1/lakehouses/lh1/livyapi/versions/2023-12-01";

fn failed<T: std::fmt::Debug>(r: Result<T, ApiError>) -> ApiError {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

#[tokio::test]
async fn databricks_errors_parse_into_fields_and_one_line() {
    let fake = Fake::script(vec![Reply::json(
        400,
        json!({"error_code": "INVALID_PARAMETER_VALUE", "message": "Cluster x does not exist",
               "details": [{"@type": "type.googleapis.com/google.rpc.RequestInfo", "request_id": "01ef-9a", "serving_data": ""}]}),
    )])
    .await;
    let e = failed(dbx(&fake).cluster("x").await);
    assert_eq!(
        e.to_string(),
        "GET /api/2.1/clusters/get → 400 INVALID_PARAMETER_VALUE: Cluster x does not exist (request 01ef-9a)"
    );
    assert_eq!(
        (e.kind, e.status, e.code.as_deref()),
        (ErrorKind::NotFound, Some(400), Some("INVALID_PARAMETER_VALUE"))
    );
    assert!(!e.code_was_numeric);
    assert_eq!(fake.count(), 1, "a client error is not retried");
    assert_eq!(fake.requests()[0].query, "cluster_id=x");
    assert_eq!(
        fake.requests()[0].header("user-agent"),
        Some(concat!("sparkdeck/", env!("CARGO_PKG_VERSION")))
    );
}

#[tokio::test]
async fn fabric_errors_keep_code_request_id_and_details() {
    let fake = Fake::script(vec![Reply::json(
        404,
        json!({"errorCode": "NotFound", "message": "Session not found", "requestId": "8f49a868",
               "moreDetails": [{"errorCode": "SessionExpired", "message": "idle for 20 minutes"}]}),
    )])
    .await;
    let e = failed(livy(&fake).session("s1").await);
    assert_eq!(
        e.to_string(),
        format!(
            "GET {LIVY}/sessions/s1 → 404 NotFound: Session not found — SessionExpired: idle for 20 minutes (request 8f49a868)"
        )
    );
    assert_eq!(e.kind, ErrorKind::NotFound);
    // Header request ids are used when the body has none.
    let fake =
        Fake::script(vec![Reply::text(500, "text/plain", "").header("x-ms-request-id", "hdr-7")]).await;
    let ep = fake_ep(&fake, ApiKind::Fabric).with_policy(RetryPolicy { max_attempts: 1, ..fast() });
    let e = failed(ep.call(Method::GET, "/x").send().await);
    assert_eq!(e.to_string(), "GET /x → 500: Internal Server Error (request hdr-7)");
}

#[tokio::test]
async fn every_other_body_shape_is_understood() {
    let cases: Vec<(Reply, &str, Option<&str>, &str)> = vec![
        (
            Reply::json(
                400,
                json!({"error": "ClusterNotReadyException: Cluster c is in state PENDING [ReqId: r-12]"}),
            ),
            "GET /api/1.2/commands/status → 400: ClusterNotReadyException: Cluster c is in state PENDING [ReqId: r-12] (request r-12) (after 5 attempts)",
            None,
            "ClusterNotReadyException: Cluster c is in state PENDING [ReqId: r-12]",
        ),
        (
            Reply::json(400, json!({"error": "invalid_request", "error_description": "scope is missing"})),
            "GET /api/1.2/commands/status → 400 invalid_request: scope is missing",
            Some("invalid_request"),
            "scope is missing",
        ),
        (
            Reply::text(
                400,
                "text/plain",
                "MALFORMED_REQUEST: Invalid JSON given in the body of the request",
            ),
            "GET /api/1.2/commands/status → 400 MALFORMED_REQUEST: Invalid JSON given in the body of the request",
            Some("MALFORMED_REQUEST"),
            "Invalid JSON given in the body of the request",
        ),
        (
            Reply::text(
                404,
                "text/html",
                "<html><head><title>Error 404 NOT_FOUND</title></head><body><h2>HTTP ERROR 404</h2><pre>    Not the page you want.</pre></body></html>",
            ),
            "GET /api/1.2/commands/status → 404 NOT_FOUND: Not the page you want.",
            Some("NOT_FOUND"),
            "Not the page you want.",
        ),
        (
            Reply::text(404, "text/plain", ""),
            "GET /api/1.2/commands/status → 404: Not Found",
            None,
            "Not Found",
        ),
    ];
    for (reply, line, code, message) in cases {
        let fake = Fake::script(vec![reply]).await;
        let e = failed(dbx(&fake).command_status("c", "ctx", "cmd").await);
        assert_eq!(e.to_string(), line);
        assert_eq!((e.code.as_deref(), e.message.as_str()), (code, message));
    }
    // The SDKs' transient messages are retried (the request was refused, not carried out).
    let fake = Fake::script(vec![
        Reply::json(400, json!({"error": "ClusterNotReadyException: Cluster c is in state PENDING"})),
        Reply::json(200, json!({"id": "cmd", "status": "Finished"})),
    ])
    .await;
    assert!(dbx(&fake).command_status("c", "ctx", "cmd").await.is_ok());
    assert_eq!(fake.count(), 2);
    // Livy's own `{"msg"}` bodies.
    let fake =
        Fake::script(vec![Reply::json(400, json!({"msg": "requirement failed: Session isn't active."}))])
            .await;
    let e = failed(livy(&fake).session("s").await);
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::BadRequest, "requirement failed: Session isn't active.")
    );
    // SCIM errors, from creating a principal that exists.
    let fake = Fake::script(vec![Reply::json(
        409,
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "detail": "Principal already exists",
               "status": "409", "scimType": "uniqueness"}),
    )])
    .await;
    let sp = NewServicePrincipal::new(Some("app-1".into()), Some("ci".into()));
    let e = failed(dbx(&fake).create_service_principal(&sp).await);
    assert_eq!((e.kind, e.code.as_deref()), (ErrorKind::Conflict, Some("SCIM_409")));
    assert_eq!(
        e.to_string(),
        "POST /api/2.0/preview/scim/v2/ServicePrincipals → 409 SCIM_409: uniqueness Principal already exists"
    );
    assert_eq!(fake.requests()[0].json()["applicationId"], "app-1");
    // A gateway page: the title is the message.
    let fake = Fake::script(vec![Reply::text(
        502,
        "text/html",
        "<html><head><title>502 Bad Gateway</title></head></html>",
    )])
    .await;
    let ep = fake_ep(&fake, ApiKind::Databricks).with_policy(RetryPolicy { max_attempts: 2, ..fast() });
    let e = failed(DatabricksClient::new(ep).me().await);
    assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Server, "502 Bad Gateway"));
    assert_eq!(fake.count(), 2, "a read is retried after a 502");
}

#[tokio::test]
async fn integer_error_codes_and_jetty_pages_for_bad_tokens() {
    let fake = Fake::script(vec![
        Reply::json(403, json!({"error_code": 403, "message": "Invalid access token."}))
            .header("x-databricks-reason-phrase", "Invalid access token."),
    ])
    .await;
    let e = failed(dbx(&fake).me().await);
    assert_eq!((e.code.as_deref(), e.code_was_numeric, e.kind), (Some("403"), true, ErrorKind::Unauthorized));
    assert_eq!(e.to_string(), "GET /api/2.0/preview/scim/v2/Me → 403: Invalid access token.");
    assert_eq!(fake.count(), 2, "one refresh and retry, then the error");
    let page = "<html><head><meta/><title>Error 403 Invalid access token.</title></head><body><h2>HTTP ERROR 403</h2><p>Problem accessing /api/2.0/clusters/list. Reason:<pre>    Invalid access token.</pre></p></body></html>";
    let fake = Fake::script(vec![Reply::text(403, "text/html;charset=iso-8859-1", page)]).await;
    let e = failed(dbx(&fake).me().await);
    assert_eq!((e.code.as_deref(), e.message.as_str()), (Some("FORBIDDEN"), "Invalid access token."));
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains("dapi0123"), "no token in errors: {shown}");
}

#[tokio::test]
async fn throttling_waits_at_the_shared_gate() {
    let fake = Fake::start(|seen, n| match (seen.path.as_str(), n) {
        (_, 0) => Reply::json(429, json!({"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "slow down"}))
            .header("retry-after", "1"),
        _ => Reply::json(200, json!({"clusters": []})),
    })
    .await;
    let ep = fake_ep(&fake, ApiKind::Databricks);
    let gate = ep.gate().clone();
    let first = {
        let ep = ep.clone();
        tokio::spawn(async move { ep.call(Method::GET, "/api/2.1/clusters/list").send().await })
    };
    let mut closed = None;
    for _ in 0..200 {
        closed = gate.remaining();
        if closed.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(closed.is_some_and(|w| w <= Duration::from_secs(1)), "the gate shows the wait: {closed:?}");
    // Another task for the same workspace waits at the gate instead of calling.
    let second = {
        let ep = ep.clone();
        tokio::spawn(async move {
            ep.call(Method::GET, "/api/2.1/clusters/get").query("cluster_id", "c").send().await
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    if gate.remaining().is_some() {
        assert_eq!(fake.count(), 1, "nobody calls while the gate is closed");
    }
    let (a, b) = (first.await, second.await);
    assert!(a.is_ok_and(|r| r.is_ok()) && b.is_ok_and(|r| r.is_ok()));
    assert_eq!(fake.count(), 3);
    assert_eq!(gate.remaining(), None);
}

#[tokio::test]
async fn fabric_blocked_until_body_sets_the_wait_without_a_header() {
    let until = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2);
    let stamp = until.to_zoned(jiff::tz::TimeZone::UTC).strftime("%-m/%-d/%Y %-I:%M:%S %p").to_string();
    let body = json!({"errorCode": "RequestBlocked", "requestId": "rb-1",
        "message": format!("Request is blocked by the upstream service until: {stamp} (UTC)")});
    let fake = Fake::script(vec![Reply::json(429, body), Reply::json(200, json!({"items": []}))]).await;
    let client = livy(&fake);
    let gate = client.endpoint().gate().clone();
    let call = tokio::spawn(async move { client.sessions().collect(10).await });
    let mut saw = None;
    for _ in 0..300 {
        saw = gate.remaining();
        if saw.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(saw.is_some_and(|w| w <= Duration::from_secs(2)), "{saw:?}");
    assert!(call.await.is_ok_and(|r| r.is_ok_and(|items| items.is_empty())));
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn rejected_creates_are_retried_but_failed_ones_never() {
    // A 429 naming a wait means "not executed": even a session create is sent again.
    let fake = Fake::script(vec![
        Reply::json(429, json!({"errorCode": "TooManyRequests", "message": "try later"}))
            .header("retry-after", "0"),
        Reply::json(202, json!({"fabricSessionStateInfo": {"state": "queued"}})),
    ])
    .await;
    let created = livy(&fake).create_session(&SessionRequest::default()).await;
    let created = created.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(created.fabric_session_state(), Some(&FabricSessionState::Queued));
    assert_eq!(created.raw, json!({"fabricSessionStateInfo": {"state": "queued"}}));
    assert_eq!(fake.count(), 2);
    assert_eq!(fake.requests()[1].body, "{}");
    // A 500 or a 503 may come after the session started: never re-sent.
    for status in [500, 502, 503, 504] {
        let fake =
            Fake::script(vec![Reply::json(status, json!({"errorCode": "InternalError", "message": "oops"}))])
                .await;
        let e = failed(livy(&fake).create_session(&SessionRequest::default()).await);
        assert_eq!((e.kind, e.status, fake.count()), (ErrorKind::MayHaveSucceeded, Some(status), 1));
    }
    // The same 500 on a read is retried until it succeeds.
    let fake = Fake::script(vec![
        Reply::json(500, json!({"error_code": "INTERNAL_ERROR", "message": "x"})),
        Reply::json(500, json!({"error_code": "INTERNAL_ERROR", "message": "x"})),
        Reply::json(200, json!({"cluster_id": "c", "state": "RUNNING"})),
    ])
    .await;
    let c = dbx(&fake).cluster("c").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((c.state.clone(), fake.count()), (Some(ClusterState::Running), 3));
    // An idempotent POST (cancel) is retried too.
    let fake = Fake::script(vec![Reply::json(502, json!({})), Reply::json(200, json!({}))]).await;
    assert!(dbx(&fake).cancel_run(7).await.is_ok());
    assert_eq!(fake.count(), 2);
    assert_eq!(fake.requests()[1].json(), json!({"run_id": 7}));
}

#[tokio::test]
async fn capacity_errors_are_typed_and_not_retried() {
    let fake = Fake::script(vec![Reply::json(
        430,
        json!({"errorCode": "TooManyRequestsForCapacity", "message": "[TooManyRequestsForCapacity] This Spark job can't be run because you have hit a Spark compute or API rate limit."}),
    )])
    .await;
    let e = failed(livy(&fake).create_session(&SessionRequest::default()).await);
    assert_eq!((e.kind, e.status), (ErrorKind::Capacity, Some(430)));
    assert_eq!(fake.count(), 1);
    assert!(e.to_string().ends_with("— the Spark capacity is full; not retried automatically"), "{e}");
}

#[tokio::test]
async fn a_lost_answer_to_a_create_may_have_succeeded() {
    let fake = Fake::script(vec![Reply::Drop]).await;
    let req = HighConcurrencySessionRequest { session_tag: Some("t".into()), ..Default::default() };
    let e = failed(livy(&fake).acquire_hc_session(&req).await);
    assert_eq!(e.kind, ErrorKind::MayHaveSucceeded);
    assert!(e.to_string().contains("it may have been carried out"), "{e}");
    assert_eq!(fake.count(), 1, "never re-sent");
    // A create that times out is not re-sent either.
    let fake = Fake::script(vec![Reply::Hang]).await;
    let ep = fake_ep(&fake, ApiKind::Databricks);
    let e = failed(
        ep.call(Method::POST, "/api/2.2/jobs/run-now")
            .json(&json!({"job_id": 1}))
            .timeout(Duration::from_millis(200))
            .send()
            .await,
    );
    assert_eq!((e.kind, fake.count()), (ErrorKind::MayHaveSucceeded, 1));
    // Reads are retried after drops; a stalled service is reported once, not waited out again.
    let fake = Fake::script(vec![Reply::Drop, Reply::json(200, json!({"token_infos": []}))]).await;
    assert!(dbx(&fake).tokens().await.is_ok_and(|t| t.is_empty()));
    assert_eq!(fake.count(), 2);
    let fake = Fake::script(vec![Reply::Hang]).await;
    let ep = fake_ep(&fake, ApiKind::Databricks);
    let e =
        failed(ep.call(Method::GET, "/api/2.0/token/list").timeout(Duration::from_millis(100)).send().await);
    assert_eq!((e.kind, fake.count()), (ErrorKind::Timeout, 1));
    assert!(e.message.starts_with("no answer from 127.0.0.1:") && e.message.ends_with(" s"), "{e}");
}

#[tokio::test]
async fn waits_beyond_the_limits_are_reported_not_slept() {
    let fake = Fake::script(vec![
        Reply::json(429, json!({"errorCode": "TooManyRequests", "message": "quota"}))
            .header("retry-after", "3600"),
    ])
    .await;
    let e = failed(livy(&fake).session("s").await);
    assert_eq!(
        (e.kind, e.retry_after, e.asked_wait, fake.count()),
        (ErrorKind::Throttled, Some(MAX_SERVER_WAIT), Some(Duration::from_secs(3600)), 1)
    );
    assert!(
        e.to_string().ends_with(
            "[the service asked to wait 60 min; sparkdeck waits at most 5 min — try again any time]"
        ),
        "{e}"
    );
    let ep = fake_ep(&fake, ApiKind::Fabric);
    let e = failed(ep.call(Method::GET, "/x").send().await);
    assert!(e.retry_after.is_some());
    let closed = ep.gate().remaining().unwrap_or_default();
    assert!(
        closed > MAX_SERVER_WAIT - Duration::from_secs(5) && closed <= MAX_SERVER_WAIT,
        "the whole workspace waits, at most the clamp: {closed:?}"
    );
    let fake = Fake::script(vec![Reply::json(503, json!({})).header("retry-after", "5")]).await;
    let ep = fake_ep(&fake, ApiKind::Fabric);
    let policy = RetryPolicy { max_elapsed: Duration::from_secs(2), ..fast() };
    let e = failed(ep.call(Method::GET, "/x").policy(policy).send().await);
    assert_eq!(
        (e.kind, fake.count()),
        (ErrorKind::Unavailable, 1),
        "a wait past the time budget is not started"
    );
}

fn rotating() -> Arc<Rotating> {
    Arc::new(Rotating {
        good: SecretString::from("good-token-000000000".to_string()),
        invalidations: AtomicUsize::new(0),
    })
}

#[tokio::test]
async fn unauthorized_and_expired_tokens_are_refreshed_once() {
    let stale = |seen: &api_fake::Seen| seen.header("authorization").is_some_and(|a| a.contains("stale"));
    for (status, body) in [
        (401, json!({"errorCode": "TokenExpired", "message": "Access token has expired"})),
        (403, json!({"error_code": 403, "message": "Token is expiring within 30 seconds. (token expired)"})),
    ] {
        let fake = Fake::start(move |seen, _| {
            if stale(seen) {
                Reply::json(status, body.clone())
            } else {
                Reply::json(200, json!({"userName": "me"}))
            }
        })
        .await;
        let auth = rotating();
        let client = sparkdeck::api::http::client().unwrap_or_else(|e| panic!("{e}"));
        let ep = Endpoint::new(client, ApiKind::Databricks, &fake.base, auth.clone()).with_policy(fast());
        let me = DatabricksClient::new(ep).me().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(me.user_name.as_deref(), Some("me"));
        assert_eq!((auth.invalidations.load(Ordering::SeqCst), fake.count()), (1, 2), "status {status}");
        assert_eq!(fake.requests()[1].header("authorization"), Some("Bearer good-token-000000000"));
    }
    // Refused again after the refresh: the second failure is returned.
    let fake = Fake::script(vec![Reply::json(
        401,
        json!({"error_code": 401, "message": "Credential was not sent"}),
    )])
    .await;
    let auth = rotating();
    let client = sparkdeck::api::http::client().unwrap_or_else(|e| panic!("{e}"));
    let ep = Endpoint::new(client, ApiKind::Databricks, &fake.base, auth.clone()).with_policy(fast());
    let e = failed(DatabricksClient::new(ep).me().await);
    assert_eq!(
        (e.kind, auth.invalidations.load(Ordering::SeqCst), fake.count()),
        (ErrorKind::Unauthorized, 1, 2)
    );
    // A Fabric permission error is not a token problem.
    let fake = Fake::script(vec![Reply::json(
        403,
        json!({"errorCode": "InsufficientScopes", "message": "missing Code.AccessFabric.All"}),
    )])
    .await;
    let e = failed(livy(&fake).session("s").await);
    assert_eq!((e.kind, fake.count()), (ErrorKind::Forbidden, 1));
}

#[tokio::test]
async fn unreadable_success_bodies_are_decode_errors_with_a_path() {
    let fake =
        Fake::script(vec![Reply::text(200, "application/json", "{\"cluster_id\": \"c\", \"state\": ")]).await;
    let e = failed(dbx(&fake).cluster("c").await);
    assert_eq!(e.kind, ErrorKind::Decode);
    assert!(e.message.starts_with("unreadable JSON (EOF while parsing"), "{e}");
    assert!(e.message.contains(r#"in: {"cluster_id": "c", "state":"#), "{e}");
    let fake = Fake::script(vec![Reply::json(200, json!({"cluster_id": "c", "num_workers": "two"}))]).await;
    let e = failed(dbx(&fake).cluster("c").await);
    assert!(
        e.to_string()
            .starts_with("GET /api/2.1/clusters/get: at `num_workers`: invalid type: string \"two\""),
        "{e}"
    );
    let fake = Fake::script(vec![Reply::json(200, json!({"runs": [{"run_id": 1}, {"run_id": "x"}]}))]).await;
    let e = failed(dbx(&fake).runs(&RunFilter::default()).collect(10).await);
    assert!(e.message.starts_with("at `runs[1].run_id`"), "{e}");
    let fake =
        Fake::script(vec![Reply::text(200, "text/html", &format!("<html>{}</html>", "x".repeat(5000)))])
            .await;
    let e = failed(livy(&fake).session("s").await);
    assert!(e.kind == ErrorKind::Decode && e.message.chars().count() < 300, "bounded: {e}");
}

// ------------------------------------------------------------------ typed clients: request shapes and paging

#[tokio::test]
async fn runs_and_clusters_page_with_tokens_and_server_filters() {
    let fake = Fake::start(|seen, _| {
        let token = seen.query_pairs().into_iter().find(|(k, _)| k == "page_token").map(|(_, v)| v);
        let page = |from: i64, next: Option<&str>| {
            let runs: Vec<_> = (from..from + 25)
                .map(|id| json!({"run_id": id, "state": {"life_cycle_state": "RUNNING"}}))
                .collect();
            json!({"runs": runs, "has_more": next.is_some(), "next_page_token": next})
        };
        match token.as_deref() {
            None => Reply::json(200, page(0, Some("p2"))),
            Some("p2") => Reply::json(200, page(25, Some("p3"))),
            _ => Reply::json(200, page(50, None)),
        }
    })
    .await;
    let filter = RunFilter { active_only: true, job_id: Some(5), ..RunFilter::default() };
    let runs = dbx(&fake).runs(&filter).collect(30).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(runs.len(), 30);
    assert_eq!(runs[29].run_id, Some(29));
    let seen = fake.requests();
    assert_eq!(seen.len(), 2, "only the pages needed");
    assert_eq!(seen[0].query, "limit=25&active_only=true&job_id=5");
    assert_eq!(seen[1].query, "limit=25&active_only=true&job_id=5&page_token=p2");
    assert_eq!(seen[0].path, "/api/2.2/jobs/runs/list");

    let fake = Fake::script(vec![Reply::json(
        200,
        json!({"clusters": [{"cluster_id": "a", "state": "RUNNING"}], "next_page_token": ""}),
    )])
    .await;
    let filter = ClusterFilter {
        states: vec![ClusterState::Running, ClusterState::Pending],
        is_pinned: Some(true),
        ..ClusterFilter::default()
    };
    let clusters = dbx(&fake).clusters(&filter).collect(usize::MAX).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((clusters.len(), fake.count()), (1, 1), "an empty token ends the list");
    assert_eq!(
        fake.requests()[0].query,
        "page_size=100&filter_by.cluster_states=RUNNING&filter_by.cluster_states=PENDING&filter_by.is_pinned=true"
    );
}

#[tokio::test]
async fn cluster_events_follow_next_page_objects_and_tokens() {
    let fake = Fake::start(|seen, n| {
        let event = |t: i64| json!({"cluster_id": "c", "timestamp": t, "type": "RUNNING"});
        match n {
            0 => Reply::json(
                200,
                json!({"events": [event(3)], "next_page": seen.json().as_object().map(|o| {
                let mut o = o.clone(); o.insert("offset".into(), json!(1)); o }), "total_count": 3}),
            ),
            1 => Reply::json(200, json!({"events": [event(2)], "next_page_token": "t3", "total_count": 3})),
            _ => Reply::json(200, json!({"events": [event(1)], "total_count": 3})),
        }
    })
    .await;
    let query = EventsQuery { page_size: Some(1), ..EventsQuery::default() };
    let pages = dbx(&fake).cluster_events("c", &query).unwrap_or_else(|e| panic!("{e}"));
    let events = pages.collect(usize::MAX).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(events.iter().map(|e| e.timestamp.unwrap_or(0)).collect::<Vec<_>>(), vec![3, 2, 1]);
    let seen = fake.requests();
    assert_eq!(seen[0].json(), json!({"cluster_id": "c", "page_size": 1}));
    assert_eq!(
        seen[1].json(),
        json!({"cluster_id": "c", "page_size": 1, "offset": 1}),
        "next_page re-sent verbatim"
    );
    assert_eq!(seen[2].json()["page_token"], "t3");
    assert!(seen.iter().all(|s| s.method == "POST" && s.path == "/api/2.1/clusters/events"));
}

#[tokio::test]
async fn livy_lists_page_with_top_skip_and_continuation_tokens() {
    let fake = Fake::start(|seen, _| {
        if seen.path.ends_with("/livySessions") {
            let token = seen.query_pairs().into_iter().find(|(k, _)| k == "continuationToken").map(|(_, v)| v);
            return match token {
                None => Reply::json(200, json!({"value": [{"livyId": "a", "state": "InProgress"}], "continuationToken": "ct2", "continuationUri": "x"})),
                Some(_) => Reply::json(200, json!({"value": [{"livyId": "b", "state": "Succeeded"}], "continuationToken": null})),
            };
        }
        let skip: usize = seen.query_pairs().into_iter().find(|(k, _)| k == "$skip").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
        let items: Vec<_> = (skip..(skip + 100).min(150)).map(|i| json!({"id": format!("s{i}"), "livyState": "idle"})).collect();
        Reply::json(200, json!({"items": items, "totalCountOfMatchedItems": 150, "pageSize": 100}))
    })
    .await;
    let client = livy(&fake);
    let sessions = client.sessions().collect(1000).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sessions.len(), 150);
    let seen = fake.requests();
    assert_eq!(
        (seen[0].path.as_str(), seen[0].query.as_str()),
        (format!("{LIVY}/sessions").as_str(), "%24top=100&%24skip=0")
    );
    assert_eq!(seen[1].query, "%24top=100&%24skip=100");
    assert_eq!(seen.len(), 2);
    let monitor = sparkdeck::api::livy::FabricMonitor::new(client.endpoint().clone(), "ws1")
        .unwrap_or_else(|e| panic!("{e}"));
    let all = monitor.workspace_livy_sessions().collect(10).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(all.iter().map(|s| s.livy_id.clone().unwrap_or_default()).collect::<Vec<_>>(), vec!["a", "b"]);
    let seen = fake.requests();
    assert_eq!(
        (seen[2].path.as_str(), seen[3].query.as_str()),
        ("/v1/workspaces/ws1/spark/livySessions", "continuationToken=ct2")
    );
    let mut pages = monitor.lakehouse_livy_sessions("lh1").unwrap_or_else(|e| panic!("{e}"));
    assert!(pages.next_page().await.is_some_and(|p| p.is_ok_and(|p| p.items.len() == 1)));
    assert_eq!(fake.requests()[4].path, "/v1/workspaces/ws1/lakehouses/lh1/livySessions");
}

#[tokio::test]
async fn livy_calls_use_the_documented_paths_and_bodies() {
    let fake = Fake::start(|seen, _| match (seen.method.as_str(), seen.path.rsplit('/').next().unwrap_or("")) {
        ("POST", "statements") => Reply::json(200, json!({"id": 0, "state": "waiting"})),
        ("POST", "cancel") => Reply::json(200, json!({"msg": "canceled"})),
        ("POST", "reset-timeout") => Reply::text(204, "text/plain", ""),
        ("POST", "highConcurrencySessions") => Reply::json(202, json!({"id": "hc1", "state": "NotStarted", "sessionId": null, "replId": null})),
        ("GET", "0") => Reply::json(200, json!({"id": 0, "state": "available", "output": {"status": "ok", "execution_count": 0, "data": {"text/plain": "2"}}})),
        ("DELETE", _) => Reply::text(200, "text/plain", ""),
        _ => Reply::json(404, json!({"errorCode": "NotFound", "message": "no route"})),
    })
    .await;
    let client = livy(&fake);
    let req = StatementRequest { code: "1+1".into(), kind: StatementKind::PySpark, source_id: None };
    let st = client.submit_statement("s1", &req).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(st.id, Some(0));
    let st = client.statement("s1", 0).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(st.output.as_ref().and_then(|o| o.text()), Some("2"));
    let cancelled = client.cancel_statement("s1", 0).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cancelled.msg.as_deref(), Some("canceled"));
    assert!(client.reset_session_timeout("s1").await.is_ok());
    assert!(client.delete_session("s1").await.is_ok());
    let hc = client
        .acquire_hc_session(&HighConcurrencySessionRequest {
            session_tag: Some("tag".into()),
            ..Default::default()
        })
        .await;
    assert_eq!(hc.ok().and_then(|h| h.value.id), Some("hc1".into()));
    assert!(client.submit_repl_statement("livy-1", "repl-2", &req).await.is_ok());
    assert!(client.delete_hc_session("hc1").await.is_ok());
    let seen: Vec<(String, String)> =
        fake.requests().into_iter().map(|s| (s.method, s.path.replacen(LIVY, "", 1))).collect();
    let expected = [
        ("POST", "/sessions/s1/statements"),
        ("GET", "/sessions/s1/statements/0"),
        ("POST", "/sessions/s1/statements/0/cancel"),
        ("POST", "/sessions/s1/reset-timeout"),
        ("DELETE", "/sessions/s1"),
        ("POST", "/highConcurrencySessions"),
        ("POST", "/highConcurrencySessions/livy-1/repls/repl-2/statements"),
        ("DELETE", "/highConcurrencySessions/hc1"),
    ];
    assert_eq!(seen, expected.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect::<Vec<_>>());
    assert_eq!(fake.requests()[0].json(), json!({"code": "1+1", "kind": "pyspark"}));
    assert_eq!(fake.requests()[5].json(), json!({"sessionTag": "tag"}));
    // Ids typed by a user stay inside their path segment.
    assert!(client.session("a/b").await.is_err());
    assert_eq!(fake.requests().last().map(|s| s.path.clone()), Some(format!("{LIVY}/sessions/a%2Fb")));
    assert_eq!(failed(client.session("..").await).kind, ErrorKind::BadRequest);
}

#[tokio::test]
async fn databricks_actions_send_the_documented_bodies() {
    let fake = Fake::start(|seen, _| match seen.path.as_str() {
        "/api/2.0/token/create" => Reply::json(200, json!({"token_value": "dapiabcdef0123456789abcdef0123456789", "token_info": {"token_id": "t1", "comment": "ci"}})),
        "/api/2.0/secrets/acls/list" => Reply::json(200, json!({"items": [{"principal": "users", "permission": "READ"}]})),
        _ => Reply::json(200, json!({})),
    })
    .await;
    let client = dbx(&fake);
    assert!(client.start_cluster("c1").await.is_ok());
    assert!(
        client.resize_cluster("c1", &ClusterSize::Autoscale { min_workers: 2, max_workers: 8 }).await.is_ok()
    );
    assert!(client.pin_cluster("c1").await.is_ok());
    assert!(client.cancel_all_runs(Some(5), false).await.is_ok());
    let token = client
        .create_token(&CreateTokenRequest { lifetime_seconds: Some(3600), comment: Some("ci".into()) })
        .await;
    let token = token.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(token.token_info.token_id.as_deref(), Some("t1"));
    assert!(!format!("{token:?}").contains("abcdef0123"), "the new token stays secret in Debug");
    assert!(client.put_secret("scope", "key", &SecretString::from("s3cr3t".to_string())).await.is_ok());
    assert!(client.put_secret_acl("scope", "users", &AclPermission::Read).await.is_ok());
    let acls = client.secret_acls("scope").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(acls[0].permission, Some(AclPermission::Read));
    let bodies: Vec<(String, serde_json::Value)> =
        fake.requests().into_iter().map(|s| (s.path.clone(), s.json())).collect();
    assert_eq!(bodies[0], ("/api/2.1/clusters/start".into(), json!({"cluster_id": "c1"})));
    assert_eq!(bodies[1].1, json!({"cluster_id": "c1", "autoscale": {"min_workers": 2, "max_workers": 8}}));
    assert_eq!(bodies[2].0, "/api/2.1/clusters/pin");
    assert_eq!(bodies[3], ("/api/2.2/jobs/runs/cancel-all".into(), json!({"job_id": 5})));
    assert_eq!(bodies[4].1, json!({"lifetime_seconds": 3600, "comment": "ci"}));
    assert_eq!(
        bodies[5],
        ("/api/2.0/secrets/put".into(), json!({"scope": "scope", "key": "key", "string_value": "s3cr3t"}))
    );
    assert_eq!(bodies[6].1, json!({"scope": "scope", "principal": "users", "permission": "READ"}));
    assert_eq!(fake.requests()[7].query, "scope=scope");
}

#[tokio::test]
async fn livy_lists_follow_the_total_past_capped_pages_and_tolerate_nulls() {
    // The service caps pages at 2 whatever `$top` says; the total says there are 3.
    let fake = Fake::start(|seen, _| {
        let skip: usize = seen
            .query_pairs()
            .iter()
            .find(|(k, _)| k == "$skip")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let all = [
            json!({"id": "a", "livyState": "idle", "tags": null}),
            json!({"id": "b", "livyState": "busy", "errorInfo": null}),
            json!({"id": "c", "result": "Failed", "tags": {"k": "v"}}),
        ];
        let items: Vec<_> = all.iter().skip(skip).take(2).cloned().collect();
        Reply::json(200, json!({"items": items, "totalCountOfMatchedItems": 3, "pageSize": 2}))
    })
    .await;
    let got = livy(&fake).sessions().collect(usize::MAX).await;
    let ids: Vec<String> =
        got.unwrap_or_else(|e| panic!("{e}")).iter().map(|s| s.raw["id"].to_string()).collect();
    assert_eq!(ids, ["\"a\"", "\"b\"", "\"c\""]);
    assert_eq!(fake.count(), 2, "two capped pages, no empty third request");
}

#[tokio::test]
async fn deleting_what_already_ended_succeeds_whatever_the_body() {
    let fake = Fake::script(vec![
        Reply::json(404, json!({"errorCode": "NotFound", "message": "Session not found"})),
        Reply::text(200, "text/plain", "OK"),
        Reply::text(200, "text/html", "<html>done</html>"),
        Reply::json(409, json!({"errorCode": "Conflict", "message": "busy"})),
    ])
    .await;
    let client = livy(&fake);
    assert!(client.delete_session("s1").await.is_ok(), "404: it already ended");
    assert!(client.delete_batch("b1").await.is_ok(), "a plain-text 200");
    assert!(client.reset_session_timeout("s1").await.is_ok(), "an HTML 200");
    let e = failed(client.delete_session("s1").await);
    assert_eq!(e.status, Some(409), "other errors still fail: {e}");
    let methods: Vec<String> = fake.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert_eq!(methods[0], format!("DELETE {LIVY}/sessions/s1"));
}

#[tokio::test]
async fn a_runs_logs_read_runs_get_once_per_refresh() {
    use sparkdeck::domain::{Kind, Service, Target};
    use sparkdeck::workspace::{Clients, Workspace, logs};
    let fake = Fake::start(|seen, _| match seen.path.as_str() {
        "/api/2.2/jobs/runs/get" => Reply::json(
            200,
            json!({"run_id": 7, "state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED"},
                   "tasks": [{"task_key": "t", "run_id": 8, "state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED"}}]}),
        ),
        "/api/2.2/jobs/runs/get-output" => Reply::json(200, json!({"error": "ValueError: bad"})),
        _ => Reply::json(404, json!({"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "no"})),
    })
    .await;
    let ws = Workspace {
        name: "adb".into(),
        service: Service::Databricks,
        origin: Default::default(),
        base_url: fake.base.clone(),
        clients: Ok(Clients::Databricks(dbx(&fake))),
    };
    let run = Target {
        workspace: "adb".into(),
        kind: Kind::Run,
        id: "7".into(),
        name: "r".into(),
        lakehouse: None,
    };
    let chunk = logs::fetch(&ws, &run).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        chunk.finished && chunk.lines.first().is_some_and(|l| l == "Error: ValueError: bad"),
        "{chunk:?}"
    );
    let paths: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/api/2.2/jobs/runs/get", "/api/2.2/jobs/runs/get-output"]);
}

#[tokio::test]
async fn an_action_on_a_row_goes_straight_to_its_lakehouse() {
    use sparkdeck::domain::{Action, Kind, Service, Target};
    use sparkdeck::workspace::{Clients, FabricClients, Workspace, actions};
    let fake = Fake::start(|_, _| Reply::json(200, json!({}))).await;
    let lakehouse = |id: &str| {
        LivyClient::new(fake_ep(&fake, ApiKind::Fabric), "ws1", id).unwrap_or_else(|e| panic!("{e}"))
    };
    let monitor = sparkdeck::api::livy::FabricMonitor::new(fake_ep(&fake, ApiKind::Fabric), "ws1")
        .unwrap_or_else(|e| panic!("{e}"));
    let ws = Workspace {
        name: "fab".into(),
        service: Service::Fabric,
        origin: Default::default(),
        base_url: fake.base.clone(),
        clients: Ok(Clients::Fabric(Box::new(FabricClients {
            workspace_id: "ws1".into(),
            lakehouses: vec![("first".into(), lakehouse("lh1")), ("second".into(), lakehouse("lh2"))],
            monitor,
            onelake: sparkdeck::api::OneLakeClient::new(fake_ep(&fake, ApiKind::Fabric), "ws1")
                .unwrap_or_else(|e| panic!("{e}")),
            repl: Default::default(),
        }))),
    };
    let session = |lakehouse: Option<&str>| Target {
        workspace: "fab".into(),
        kind: Kind::Session,
        id: "s1".into(),
        name: "s".into(),
        lakehouse: lakehouse.map(str::to_string),
    };
    actions::perform(&ws, Action::KillSession, &session(Some("second")))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let seen: Vec<String> = fake.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert_eq!(seen, ["DELETE /v1/workspaces/ws1/lakehouses/lh2/livyapi/versions/2023-12-01/sessions/s1"]);
    // A target that names no configured lakehouse is looked for: the first that knows it.
    actions::perform(&ws, Action::KillSession, &session(None)).await.unwrap_or_else(|e| panic!("{e}"));
    let seen: Vec<String> =
        fake.requests().iter().skip(1).map(|r| format!("{} {}", r.method, r.path)).collect();
    assert_eq!(seen, [format!("GET {LIVY}/sessions/s1"), format!("DELETE {LIVY}/sessions/s1")]);
}

/// `--demo`'s client (plain HTTP on loopback, built with no certificate authorities) reaches
/// the simulator like the real one does.
#[tokio::test]
async fn the_demo_client_reaches_the_simulator() {
    let (sim, pat) = sim("").await;
    let timeouts = sparkdeck::api::http::Timeouts::default();
    let client = sparkdeck::api::http::loopback_client(timeouts).unwrap_or_else(|e| panic!("{e}"));
    let ep = Endpoint::new(client, ApiKind::Databricks, sim.base_url(), pat_auth(&pat));
    let list = ep.call(Method::GET, "/api/2.1/clusters/list").send().await;
    assert!(list.is_ok_and(|v| v["clusters"].as_array().is_some_and(|c| !c.is_empty())));
}
