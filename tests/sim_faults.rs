//! Fault injection through real HTTP: each fault kind in each API's own style, scripts, the
//! control endpoints and request counting.

use std::net::SocketAddr;

use serde_json::Value;
use sparkdeck::sim::{FaultSpec, Sim, SimOptions};

const LIVY: &str = "/v1/workspaces/w/lakehouses/l/livyApi/versions/2023-12-01";

async fn sim(spec: &str) -> Sim {
    let faults = FaultSpec::parse(spec).unwrap_or_else(|e| panic!("{e}"));
    let opts = SimOptions { faults, ..SimOptions::default() };
    Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await.unwrap_or_else(|e| panic!("start: {e}"))
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

#[tokio::test]
async fn fabric_throttling_says_until_when_and_sets_retry_after() {
    let sim = sim("fabric:script=429+429-noheader").await;
    let url = format!("{}{LIVY}/sessions", sim.base_url());
    let first = client().get(&url).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.status(), 429);
    assert_eq!(first.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("1"));
    assert!(first.headers().contains_key("requestid"));
    let body: Value = first.json().await.unwrap_or_default();
    assert_eq!(body["errorCode"], "RequestBlocked");
    let msg = body["message"].as_str().unwrap_or_default();
    assert!(
        msg.starts_with("Request is blocked by the upstream service until: ") && msg.ends_with("(UTC)"),
        "{msg}"
    );
    let second = client().get(&url).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(second.status(), 429);
    assert!(second.headers().get("retry-after").is_none());
}

#[tokio::test]
async fn capacity_errors_hit_only_session_creation() {
    let sim = sim("430=1").await;
    let create = client()
        .post(format!("{}{LIVY}/sessions", sim.base_url()))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(create.status().as_u16(), 430);
    let body: Value = create.json().await.unwrap_or_default();
    assert_eq!(body["errorCode"], "TooManyRequestsForCapacity");
    let list = client()
        .get(format!("{}{LIVY}/sessions", sim.base_url()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(list.status().as_u16(), 430);
}

#[tokio::test]
async fn databricks_faults_use_databricks_bodies() {
    let sim = sim("/clusters/:script=429+503+html+malformed,/api/1.2/:500=1").await;
    let url = format!("{}/api/2.1/clusters/list", sim.base_url());
    let r = client().get(&url).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("x-request-id"));
    let body: Value = r.json().await.unwrap_or_default();
    assert_eq!(body["error_code"], "REQUEST_LIMIT_EXCEEDED");
    let r = client().get(&url).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("1"));
    let r = client().get(&url).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), 503);
    let page = r.text().await.unwrap_or_default();
    assert!(
        page.contains("<title>Error 503 Service Unavailable</title>") && page.contains("<pre>"),
        "{page}"
    );
    let r = client().get(&url).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), 200);
    assert!(r.json::<Value>().await.is_err(), "malformed JSON must not parse");
    let r = client()
        .get(format!("{}/api/1.2/contexts/status", sim.base_url()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), 500);
    let body: Value = r.json().await.unwrap_or_default();
    assert!(body["error"].is_string(), "1.2 errors use {{\"error\"}}: {body}");
}

#[tokio::test]
async fn dropped_connections_fail_the_read() {
    let sim = sim("drop=1").await;
    let result = async {
        let r = client().get(format!("{}/api/2.1/clusters/list", sim.base_url())).send().await?;
        r.bytes().await
    }
    .await;
    assert!(result.is_err(), "a dropped connection must surface as an error: {result:?}");
}

#[tokio::test]
async fn control_endpoint_sets_and_reports_faults_and_counts_requests() {
    let sim = sim("").await;
    let control = format!("{}/__sim/faults", sim.base_url());
    let bad = client()
        .post(&control)
        .json(&serde_json::json!({"spec": "500=7"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bad.status(), 400);
    let err: Value = bad.json().await.unwrap_or_default();
    assert!(err["error"].as_str().unwrap_or_default().contains("500=7"));
    let ok = client()
        .post(&control)
        .json(&serde_json::json!({"spec": "500=1"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok.status(), 200);
    let current: Value = client()
        .get(&control)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    assert_eq!(current["spec"], "500=1");
    let r = client()
        .get(format!("{}/api/2.0/clusters/list", sim.base_url()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), 500);
    let counts: Value = client()
        .get(format!("{}/__sim/requests", sim.base_url()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    assert_eq!(counts["by_route"]["GET /api/2.0/clusters/list"], 1);
    assert_eq!(counts["total"], 1, "control routes are not counted: {counts}");
    assert_eq!(sim.shared().faults.count("GET", "/api/2.0/clusters/list"), 1);
}

async fn creates(sim: &Sim) -> Value {
    client()
        .get(format!("{}/__sim/creates", sim.base_url()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default()
}

/// A Databricks workspace's PAT and its first job.
async fn first_job(sim: &Sim) -> (String, Value) {
    let pat = sim.shared().databricks().demo_workspaces(sim.base_url())[0].pat.clone();
    let jobs: Value = client()
        .get(format!("{}/api/2.2/jobs/list", sim.base_url()))
        .bearer_auth(&pat)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    (pat, jobs["jobs"][0]["job_id"].clone())
}

#[tokio::test]
async fn faults_after_the_work_do_it_then_lose_the_answer_and_the_log_shows_a_second_run() {
    let sim = sim("POST@/jobs/run-now:script=503-after+ok").await;
    let (pat, job_id) = first_job(&sim).await;
    let run_now = |body: Value| {
        client().post(format!("{}/api/2.2/jobs/run-now", sim.base_url())).bearer_auth(&pat).json(&body).send()
    };
    let lost = run_now(serde_json::json!({"job_id": job_id})).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lost.status(), 503, "the answer is the fault's");
    let log = creates(&sim).await;
    assert_eq!((log["performed"].as_u64(), log["lost_answers"].as_u64()), (Some(1), Some(1)), "{log}");
    assert_eq!(log["duplicates"], serde_json::json!([]));
    // Sent again as a naive client would: the service starts a second run, and the log says so.
    let again = run_now(serde_json::json!({"job_id": job_id})).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.status(), 200);
    let log = creates(&sim).await;
    assert_eq!(log["duplicates"][0]["route"], "POST /api/2.2/jobs/run-now", "{log}");
    assert_eq!(log["duplicates"][0]["times"], 2);
}

#[tokio::test]
async fn an_idempotency_token_makes_the_second_send_the_same_run() {
    let sim = sim("POST@/jobs/run-now:script=drop-after+ok").await;
    let (pat, job_id) = first_job(&sim).await;
    let body = serde_json::json!({"job_id": job_id, "idempotency_token": "once"});
    let url = format!("{}/api/2.2/jobs/run-now", sim.base_url());
    let first = async { client().post(&url).bearer_auth(&pat).json(&body).send().await?.bytes().await }.await;
    assert!(first.is_err(), "the answer was dropped");
    let second: Value = client()
        .post(&url)
        .bearer_auth(&pat)
        .json(&body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    assert!(second["run_id"].is_number(), "{second}");
    let log = creates(&sim).await;
    assert_eq!(log["performed"], 2);
    assert_eq!(log["duplicates"], serde_json::json!([]), "one run, answered twice: {log}");
}

#[tokio::test]
async fn the_new_fault_kinds_answer_in_each_services_style() {
    let sim =
        sim("/clusters/list:script=empty+error-body+expired+504,fabric:script=expired+error-body").await;
    let url = format!("{}/api/2.1/clusters/list", sim.base_url());
    let get = || client().get(&url).send();
    let r = get().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.map(|b| b.len()).unwrap_or(1), 0, "empty");
    let r = get().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap_or_default();
    assert_eq!(body["error_code"], "INTERNAL_ERROR");
    let r = get().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap_or_default();
    assert!(body["message"].as_str().unwrap_or_default().contains("token expired"), "{body}");
    assert_eq!(get().await.map(|r| r.status().as_u16()).ok(), Some(504));
    let r = client()
        .get(format!("{}{LIVY}/sessions", sim.base_url()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap_or_default();
    assert_eq!(body["errorCode"], "TokenExpired");
}
