//! Nothing is run twice: every call that creates or starts something (sessions, batches,
//! high-concurrency acquisitions, Livy and Databricks statements, contexts, runs, repairs,
//! tokens, clusters, restarts, secret scopes, service principals) is sent again only when the
//! service certainly did not run it. Each is driven against a scripted server that answers
//! *after the work*: 500, an HTML 502, a 503 naming a wait, a 504, an empty 503, a 200 that is
//! no JSON, a dropped connection and a stall. The run-now and runs/submit creates carry an
//! idempotency token instead, and are retried with the same token.

#[allow(dead_code)]
#[path = "common/api_fake.rs"]
mod api_fake;

use std::sync::Arc;
use std::time::Duration;

use api_fake::{Fake, Reply};
use futures::future::BoxFuture;
use secrecy::SecretString;
use serde_json::json;
use sparkdeck::api::databricks::models::{
    ClusterSpec, CreateTokenRequest, Language, NewServicePrincipal, RepairRunRequest, RunNowRequest,
    SubmitRunRequest,
};
use sparkdeck::api::http::{Timeouts, client_with};
use sparkdeck::api::livy::models::{
    BatchRequest, HighConcurrencySessionRequest, SessionRequest, StatementKind, StatementRequest,
};
use sparkdeck::api::{ApiError, ApiKind, DatabricksClient, Endpoint, ErrorKind, LivyClient, RetryPolicy};
use sparkdeck::auth::{Authenticator, StaticBearer};
use sparkdeck::workspace::hints;

fn fast() -> RetryPolicy {
    RetryPolicy {
        min_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

fn endpoint(fake: &Fake, api: ApiKind) -> Endpoint {
    // Short enough that a stall is over in a moment, long enough for a busy machine.
    let timeouts = Timeouts {
        connect: Duration::from_secs(2),
        answer: Duration::from_secs(1),
        total: Duration::from_secs(3),
    };
    let client = client_with(timeouts).unwrap_or_else(|e| panic!("{e}"));
    let auth: Arc<dyn Authenticator> =
        Arc::new(StaticBearer::new("pat", SecretString::from("dapi-creates-test-0000".to_string())));
    Endpoint::new(client, api, &fake.base, auth).with_policy(fast())
}

fn livy(fake: &Fake) -> LivyClient {
    LivyClient::new(endpoint(fake, ApiKind::Fabric), "ws1", "lh1").unwrap_or_else(|e| panic!("{e}"))
}

fn dbx(fake: &Fake) -> DatabricksClient {
    DatabricksClient::new(endpoint(fake, ApiKind::Databricks))
}

type Create = Box<dyn Fn(&Fake) -> BoxFuture<'static, Result<(), ApiError>>>;

fn create(
    f: impl Fn(LivyClient, DatabricksClient) -> BoxFuture<'static, Result<(), ApiError>> + 'static,
) -> Create {
    Box::new(move |fake| f(livy(fake), dbx(fake)))
}

/// Every call that makes or starts something and has no way for the service to recognise a
/// repeat, with the word its "check" hint must use.
fn creates() -> Vec<(&'static str, &'static str, Create)> {
    let statement =
        || StatementRequest { code: "1 + 1".into(), kind: StatementKind::from("pyspark"), source_id: None };
    vec![
        (
            "livy session",
            "sessions list",
            create(|l, _| {
                Box::pin(async move { l.create_session(&SessionRequest::default()).await.map(drop) })
            }),
        ),
        (
            "livy batch",
            "batches list",
            create(|l, _| Box::pin(async move { l.create_batch(&BatchRequest::default()).await.map(drop) })),
        ),
        (
            "high-concurrency session",
            "sessions list",
            create(|l, _| {
                Box::pin(async move {
                    let req =
                        HighConcurrencySessionRequest { session_tag: Some("t".into()), ..Default::default() };
                    l.acquire_hc_session(&req).await.map(drop)
                })
            }),
        ),
        (
            "livy statement",
            "statements",
            create(move |l, _| {
                Box::pin(async move { l.submit_statement("s1", &statement()).await.map(drop) })
            }),
        ),
        (
            "REPL statement",
            "statements",
            create(move |l, _| {
                Box::pin(async move { l.submit_repl_statement("s1", "r1", &statement()).await.map(drop) })
            }),
        ),
        (
            "databricks command",
            "statements",
            create(|_, d| {
                Box::pin(async move {
                    d.execute_command("c1", "x1", &Language::from("python"), "1 + 1").await.map(drop)
                })
            }),
        ),
        (
            "execution context",
            "execution context",
            create(|_, d| {
                Box::pin(async move { d.create_context("c1", &Language::from("python")).await.map(drop) })
            }),
        ),
        (
            "repair",
            "runs get",
            create(|_, d| {
                Box::pin(async move {
                    d.repair_run(&RepairRunRequest { run_id: 7, ..Default::default() }).await.map(drop)
                })
            }),
        ),
        (
            "token",
            "tokens list",
            create(|_, d| {
                Box::pin(async move {
                    let req = CreateTokenRequest { comment: Some("ci".into()), lifetime_seconds: Some(3600) };
                    d.create_token(&req).await.map(drop)
                })
            }),
        ),
        (
            "cluster",
            "clusters list",
            create(|_, d| Box::pin(async move { d.create_cluster(&ClusterSpec::default()).await.map(drop) })),
        ),
        ("restart", "clusters get", create(|_, d| Box::pin(async move { d.restart_cluster("c1").await }))),
        (
            "secret scope",
            "check the workspace",
            create(|_, d| Box::pin(async move { d.create_secret_scope("s").await })),
        ),
        (
            "service principal",
            "check the workspace",
            create(|_, d| {
                Box::pin(async move {
                    d.create_service_principal(&NewServicePrincipal::new(
                        Some("app".into()),
                        Some("ci".into()),
                    ))
                    .await
                    .map(drop)
                })
            }),
        ),
    ]
}

/// Answers a gateway or a struggling service may give after the work was done.
fn after_the_work() -> Vec<(&'static str, Reply)> {
    vec![
        ("500", Reply::json(500, json!({"error_code": "INTERNAL_ERROR", "message": "boom"}))),
        (
            "HTML 502",
            Reply::text(
                502,
                "text/html",
                "<html><head><title>502 Bad Gateway</title></head><body></body></html>",
            ),
        ),
        (
            "503 naming a wait",
            Reply::json(503, json!({"error_code": "TEMPORARILY_UNAVAILABLE", "message": "later"}))
                .header("retry-after", "0"),
        ),
        ("empty 503", Reply::text(503, "text/plain", "")),
        ("504", Reply::text(504, "text/plain", "upstream timed out")),
        ("200 that is not JSON", Reply::text(200, "text/html", "<html><body>Signing you in…</body></html>")),
        ("dropped", Reply::Drop),
        ("stalled", Reply::Hang),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_whose_outcome_is_unknown_is_sent_once_and_says_so() {
    for (what, check, call) in creates() {
        for (answer, reply) in after_the_work() {
            let fake = Fake::script(vec![reply]).await;
            let e =
                call(&fake).await.err().unwrap_or_else(|| panic!("{what} after {answer}: expected an error"));
            assert_eq!(fake.count(), 1, "{what} after {answer}: sent {} times", fake.count());
            assert_eq!(e.kind, ErrorKind::MayHaveSucceeded, "{what} after {answer}: {e}");
            let text = e.to_string();
            assert!(text.contains("it may have been carried out: check before sending it again"), "{text}");
            let hint = hints::check(&e).unwrap_or_default();
            assert!(hint.contains(check), "{what}: the hint {hint:?} should name {check:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_the_service_refused_is_sent_again() {
    let refusals: Vec<(&str, Reply)> = vec![
        (
            "429 naming a wait",
            Reply::json(429, json!({"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "slow down"})).header("retry-after", "0"),
        ),
        (
            "Fabric 429 blocked until (no header)",
            Reply::json(
                429,
                json!({"errorCode": "RequestBlocked", "message": "Request is blocked by the upstream service until: 1/1/2020 12:00:00 AM (UTC)"}),
            ),
        ),
        (
            "430 naming a wait",
            Reply::json(430, json!({"errorCode": "TooManyRequestsForCapacity", "message": "[TooManyRequestsForCapacity] full"}))
                .header("retry-after", "0"),
        ),
        ("401", Reply::json(401, json!({"error_code": 401, "message": "Credential was not sent"}))),
        ("cluster not ready", Reply::json(400, json!({"error": "ClusterNotReadyException: Cluster c1 is in state PENDING"}))),
    ];
    for (what, _, call) in creates() {
        for (refusal, reply) in &refusals {
            let ok = match what {
                "token" => json!({"token_value": "dapi-new", "token_info": {"token_id": "t1"}}),
                _ => json!({"id": 1, "run_id": 1, "repair_id": 2, "cluster_id": "c1"}),
            };
            let fake = Fake::script(vec![reply.clone(), Reply::json(200, ok)]).await;
            let outcome = call(&fake).await;
            assert!(outcome.is_ok(), "{what} after {refusal}: {outcome:?}");
            assert_eq!(fake.count(), 2, "{what} after {refusal}");
            let sent = fake.requests();
            assert_eq!(sent[0].body, sent[1].body, "{what}: the same request again");
            let call = |i: usize| sent[i].header("x-ms-client-request-id").map(str::to_string);
            assert!(
                call(0).is_some_and(|id| id.len() == 36) && call(0) == call(1),
                "{what}: one call id on each retry"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_answer_to_a_create_names_nothing_it_made() {
    let empty = || Reply::text(200, "application/json", "");
    let fake = Fake::script(vec![empty()]).await;
    let e = livy(&fake).create_session(&SessionRequest::default()).await.err();
    let e = e.unwrap_or_else(|| panic!("an empty answer is no session"));
    assert_eq!((e.kind, fake.count()), (ErrorKind::MayHaveSucceeded, 1));
    assert!(e.to_string().contains("empty body where the created object was expected"), "{e}");
    let fake = Fake::script(vec![empty()]).await;
    let e = dbx(&fake).run_now(&RunNowRequest { job_id: 3, ..Default::default() }).await.err();
    assert_eq!((e.map(|e| e.kind), fake.count()), (Some(ErrorKind::MayHaveSucceeded), 1));
    // Found by the soak: a token create answered with nothing.
    let fake = Fake::script(vec![empty()]).await;
    let e = dbx(&fake)
        .create_token(&CreateTokenRequest { comment: Some("x".into()), lifetime_seconds: None })
        .await;
    let e = e.err().unwrap_or_else(|| panic!("no token in the answer"));
    assert_eq!((e.kind, fake.count()), (ErrorKind::MayHaveSucceeded, 1));
    assert_eq!(
        hints::check(&e),
        Some("a token may have been created: check `sparkdeck tokens list` (revoke one you cannot use)")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_capacity_refusal_without_a_wait_is_reported_not_retried() {
    let fake = Fake::script(vec![Reply::json(
        430,
        json!({"errorCode": "TooManyRequestsForCapacity", "message": "[TooManyRequestsForCapacity] full"}),
    )])
    .await;
    let e = livy(&fake).create_session(&SessionRequest::default()).await.err();
    assert_eq!(e.map(|e| e.kind), Some(ErrorKind::Capacity));
    assert_eq!(fake.count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_now_and_submit_carry_a_token_and_are_retried_with_it() {
    for answer in [
        Reply::json(503, json!({"error_code": "TEMPORARILY_UNAVAILABLE", "message": "later"})),
        Reply::text(502, "text/html", "<html><title>502 Bad Gateway</title></html>"),
        Reply::Drop,
    ] {
        let fake =
            Fake::script(vec![answer.clone(), Reply::json(200, json!({"run_id": 11, "number_in_job": 1}))])
                .await;
        let run = dbx(&fake).run_now(&RunNowRequest { job_id: 3, ..Default::default() }).await;
        assert_eq!(run.map(|r| r.value.run_id).map_err(|e| e.to_string()), Ok(Some(11)));
        let sent = fake.requests();
        assert_eq!(sent.len(), 2, "{answer:?}");
        let token = sent[0].json()["idempotency_token"].as_str().map(str::to_string).unwrap_or_default();
        assert!(!token.is_empty() && token.len() <= 64, "a token of at most 64 characters: {token:?}");
        assert_eq!(sent[1].json()["idempotency_token"], token.as_str(), "the retry carries the same token");

        let fake = Fake::script(vec![answer, Reply::json(200, json!({"run_id": 12}))]).await;
        let req = SubmitRunRequest { run_name: Some("once".into()), ..Default::default() };
        let run = dbx(&fake).submit_run(&req).await;
        assert_eq!(run.ok().and_then(|r| r.value.run_id), Some(12));
        let sent = fake.requests();
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0].json()["idempotency_token"], sent[1].json()["idempotency_token"]);
    }
    // A stall is reported once (waiting it out again would double the silence), as unknown.
    let fake = Fake::script(vec![Reply::Hang]).await;
    let e = dbx(&fake).run_now(&RunNowRequest { job_id: 3, ..Default::default() }).await.err();
    assert_eq!((e.map(|e| e.kind), fake.count()), (Some(ErrorKind::MayHaveSucceeded), 1));
    // Each call has its own id.
    let fake = Fake::script(vec![Reply::json(200, json!({"run_id": 14}))]).await;
    for _ in 0..2 {
        assert!(dbx(&fake).run_now(&RunNowRequest { job_id: 3, ..Default::default() }).await.is_ok());
    }
    let ids: Vec<_> =
        fake.requests().iter().map(|s| s.header("x-ms-client-request-id").map(str::to_string)).collect();
    assert!(ids[0].is_some() && ids[0] != ids[1], "{ids:?}");
    // A caller's own token is kept.
    let fake = Fake::script(vec![Reply::json(200, json!({"run_id": 13}))]).await;
    let req = RunNowRequest { job_id: 3, idempotency_token: Some("mine".into()), ..Default::default() };
    assert!(dbx(&fake).run_now(&req).await.is_ok());
    assert_eq!(fake.requests()[0].json()["idempotency_token"], "mine");
    // Still failing after every retry: the outcome is unknown, and the error says where to look.
    let fake = Fake::script(vec![Reply::json(
        503,
        json!({"error_code": "TEMPORARILY_UNAVAILABLE", "message": "later"}),
    )])
    .await;
    let e = dbx(&fake).run_now(&RunNowRequest { job_id: 3, ..Default::default() }).await.err();
    let e = e.unwrap_or_else(|| panic!("a lasting 503 must fail"));
    assert_eq!((e.kind, fake.count()), (ErrorKind::MayHaveSucceeded, 5));
    assert_eq!(hints::check(&e), Some("the run may have started: check `sparkdeck runs list`"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_refused_before_sending_is_retried_even_for_a_create() {
    // A port nobody listens on yet: the first attempts are refused, then a server appears.
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        probe.local_addr().map(|a| a.port()).unwrap_or_else(|e| panic!("{e}"))
    };
    let base = format!("http://127.0.0.1:{port}");
    let client = client_with(Timeouts::default()).unwrap_or_else(|e| panic!("{e}"));
    let auth: Arc<dyn Authenticator> =
        Arc::new(StaticBearer::new("pat", SecretString::from("dapi-x".to_string())));
    let policy = RetryPolicy {
        min_delay: Duration::from_millis(300),
        max_delay: Duration::from_millis(300),
        ..RetryPolicy::default()
    };
    let ep = Endpoint::new(client, ApiKind::Fabric, base, auth).with_policy(policy);
    let livy = LivyClient::new(ep, "ws1", "lh1").unwrap_or_else(|e| panic!("{e}"));
    let call = tokio::spawn(async move { livy.create_session(&SessionRequest::default()).await });
    tokio::time::sleep(Duration::from_millis(450)).await;
    let fake = Fake::start_on(port, |_, _| Reply::json(202, json!({"id": "s-new"}))).await;
    let created = call.await.unwrap_or_else(|e| panic!("{e}"));
    assert!(created.is_ok(), "{created:?}");
    assert_eq!(fake.count(), 1, "refused attempts never reached a service; one request did");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_retried_after_the_work_reports_that_the_cluster_starts() {
    let invalid = |state: &str| {
        Reply::json(
            400,
            json!({"error_code": "INVALID_STATE", "message": format!("Cluster c1 is in unexpected state {state}.")}),
        )
    };
    // The first start worked but its answer was a 500; the retry finds the cluster starting.
    for (first, state) in [
        (Reply::json(500, json!({"error_code": "INTERNAL_ERROR", "message": "x"})), "Pending"),
        (Reply::Drop, "Pending"),
        (Reply::text(502, "text/html", "<title>502 Bad Gateway</title>"), "Running"),
    ] {
        let fake = Fake::script(vec![first, invalid(state)]).await;
        let started = dbx(&fake).start_cluster("c1").await;
        assert!(started.is_ok(), "{state}: {started:?}");
        assert_eq!(fake.count(), 2);
    }
    // Asked of a running cluster, a start is refused, as the service says.
    let fake = Fake::script(vec![invalid("Running")]).await;
    let e = dbx(&fake).start_cluster("c1").await.err();
    assert_eq!(e.map(|e| e.kind), Some(ErrorKind::InvalidState));
    // A cluster already starting: the start has happened.
    let fake = Fake::script(vec![invalid("Pending")]).await;
    assert!(dbx(&fake).start_cluster("c1").await.is_ok());
}
