//! The simulated Fabric Livy API and monitoring lists, driven over plain HTTP, with response
//! bodies validated against Microsoft's published swagger (tests/specs/, copied from the
//! reference). Simulated time is frozen (speed 0) and moved with `sim.advance`.
//!
//! Tests named `..._with_real_engine` assert on statement outputs the embedded engine computes
//! (SQL tables, Python errors, printed text); they need the real engine, not the stub.

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine as _;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sparkdeck::sim::fabric::DEMO_TOKEN;
use sparkdeck::sim::{Sim, SimOptions};

const LIVY_SWAGGER: &str = include_str!("specs/fabric-livy-swagger.json");
const REST_COMMON: &str = include_str!("specs/fabric-rest/common/definitions.json");
const REST_SPARK: &str = include_str!("specs/fabric-rest/common/spark_definitions.json");

struct Fx {
    sim: Sim,
    client: reqwest::Client,
    ws: String,
    lh: String,
    lh_name: String,
    token: String,
}

struct Resp {
    status: StatusCode,
    body: Value,
    request_id: Option<String>,
}

async fn start_with(scale: u32) -> Fx {
    let opts = SimOptions { speed: 0.0, scale, ..SimOptions::default() };
    let sim = Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await.expect("simulator starts");
    let demo = sim.shared().fabric().demo_workspaces();
    let ws = demo[0].clone();
    Fx {
        client: reqwest::Client::new(),
        ws: ws.workspace_id.clone(),
        lh: ws.lakehouses[0].0.clone(),
        lh_name: ws.lakehouses[0].1.clone(),
        token: ws.token.clone(),
        sim,
    }
}

async fn start() -> Fx {
    start_with(0).await
}

impl Fx {
    fn livy(&self, rel: &str) -> String {
        format!(
            "{}/v1/workspaces/{}/lakehouses/{}/livyapi/versions/2023-12-01{rel}",
            self.sim.base_url(),
            self.ws,
            self.lh
        )
    }

    fn abs(&self, rel: &str) -> String {
        format!("{}{rel}", self.sim.base_url())
    }

    async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<Vec<u8>>,
        token: Option<&str>,
    ) -> Resp {
        let mut req = self.client.request(method, url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b);
        }
        let resp = req.send().await.expect("request reaches the simulator");
        let status = resp.status();
        let request_id = resp.headers().get("requestid").and_then(|v| v.to_str().ok()).map(str::to_string);
        let bytes = resp.bytes().await.expect("body");
        let body =
            if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).expect("JSON body") };
        Resp { status, body, request_id }
    }

    async fn get(&self, url: &str) -> Resp {
        self.send(reqwest::Method::GET, url, None, Some(&self.token)).await
    }
    async fn post(&self, url: &str, body: Value) -> Resp {
        self.send(reqwest::Method::POST, url, Some(body.to_string().into_bytes()), Some(&self.token)).await
    }
    async fn post_raw(&self, url: &str, body: &[u8]) -> Resp {
        self.send(reqwest::Method::POST, url, Some(body.to_vec()), Some(&self.token)).await
    }
    async fn delete(&self, url: &str) -> Resp {
        self.send(reqwest::Method::DELETE, url, None, Some(&self.token)).await
    }

    fn advance(&self, secs: u64) {
        self.sim.advance(Duration::from_secs(secs));
    }

    /// The id of one of the workspace's environments (`GET …/environments`), by name.
    async fn environment(&self, name: &str) -> String {
        let r = self.get(&self.abs(&format!("/v1/workspaces/{}/environments", self.ws))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let found = r.body["value"].as_array().and_then(|v| v.iter().find(|e| e["displayName"] == name));
        found
            .and_then(|e| e["id"].as_str())
            .unwrap_or_else(|| panic!("no environment {name}: {}", r.body))
            .into()
    }

    /// Put a file into the lakehouse's `Files/` through the simulated OneLake (create, append,
    /// flush) and give its abfss path.
    async fn upload(&self, path: &str, content: &str) -> String {
        let url = format!("{}/onelake/{}/{}/Files/{path}", self.sim.base_url(), self.ws, self.lh);
        let call = |method: reqwest::Method, query: &str, body: &str| {
            self.client
                .request(method, format!("{url}?{query}"))
                .bearer_auth(&self.token)
                .header("x-ms-version", "2023-11-03")
                .body(body.to_string())
                .send()
        };
        let created = call(reqwest::Method::PUT, "resource=file", "").await.expect("create");
        assert_eq!(created.status(), StatusCode::CREATED);
        let appended =
            call(reqwest::Method::PATCH, "action=append&position=0", content).await.expect("append");
        assert_eq!(appended.status(), StatusCode::ACCEPTED);
        let flushed = call(reqwest::Method::PATCH, &format!("action=flush&position={}", content.len()), "")
            .await
            .expect("flush");
        assert_eq!(flushed.status(), StatusCode::OK);
        format!("abfss://{}@onelake.dfs.fabric.microsoft.com/{}/Files/{path}", self.ws, self.lh)
    }

    /// POST /sessions and wait (in simulated time) until idle.
    async fn idle_session(&self, body: Value) -> String {
        let r = self.post(&self.livy("/sessions"), body).await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
        let id = r.body["id"].as_str().expect("session id").to_string();
        self.advance(60);
        let s = self.get(&self.livy(&format!("/sessions/{id}"))).await;
        assert_eq!(s.body["state"], "idle", "{}", s.body);
        id
    }
}

// ---------- schema validation ----------

fn validator(definitions: Value, def: &str) -> jsonschema::Validator {
    let schema = json!({ "definitions": definitions, "$ref": format!("#/definitions/{def}") });
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn livy_definitions() -> Value {
    let swagger: Value = serde_json::from_str(LIVY_SWAGGER).expect("swagger parses");
    let mut defs = swagger["definitions"].clone();
    // The swagger has no nullability, but Learn documents `sessionId`/`replId` (and an absent
    // tag) as null on the 202 and while acquiring.
    for field in ["sessionId", "replId", "sessionTag"] {
        defs["HighConcurrencySessionResponse"]["properties"][field]["type"] = json!(["string", "null"]);
    }
    defs
}

fn monitoring_definitions() -> Value {
    let common: Value = serde_json::from_str(REST_COMMON).expect("definitions parse");
    let spark: Value =
        serde_json::from_str(&REST_SPARK.replace("./definitions.json#/", "#/")).expect("parse");
    let mut defs = spark["definitions"].as_object().cloned().expect("object");
    // Pull in the common definitions the spark ones reach (common/definitions.json also points
    // at other spec files this test does not need).
    let mut pending: Vec<String> = defs.values().flat_map(local_refs).collect();
    while let Some(name) = pending.pop() {
        if defs.contains_key(&name) {
            continue;
        }
        let def = common["definitions"][&name].clone();
        assert!(!def.is_null(), "common definition {name} exists");
        pending.extend(local_refs(&def));
        defs.insert(name, def);
    }
    Value::Object(defs)
}

/// Names of `#/definitions/X` references inside a schema.
fn local_refs(schema: &Value) -> Vec<String> {
    match schema {
        Value::Object(m) => m
            .iter()
            .flat_map(|(k, v)| match (k.as_str(), v) {
                ("$ref", Value::String(r)) => {
                    r.strip_prefix("#/definitions/").map(str::to_string).into_iter().collect()
                }
                _ => local_refs(v),
            })
            .collect(),
        Value::Array(items) => items.iter().flat_map(local_refs).collect(),
        _ => Vec::new(),
    }
}

#[track_caller]
fn assert_livy(def: &str, instance: &Value) {
    assert_valid(&validator(livy_definitions(), def), def, instance);
}

#[track_caller]
fn assert_monitoring(def: &str, instance: &Value) {
    assert_valid(&validator(monitoring_definitions(), def), def, instance);
}

#[track_caller]
fn assert_valid(v: &jsonschema::Validator, def: &str, instance: &Value) {
    let errors: Vec<String> =
        v.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{def} invalid: {errors:?}\n{instance:#}");
}

/// An ErrorResponse with the expected status and code, whose requestId matches the header.
#[track_caller]
fn assert_error(r: &Resp, status: u16, code: &str) {
    assert_eq!(r.status.as_u16(), status, "{}", r.body);
    assert_livy("ErrorResponse", &r.body);
    assert_eq!(r.body["errorCode"], code, "{}", r.body);
    assert_eq!(r.body["requestId"].as_str(), r.request_id.as_deref(), "requestid header matches the body");
}

fn jwt(payload: Value) -> String {
    let enc = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.c2lnbmF0dXJl", enc(&json!({"alg": "RS256", "typ": "JWT"})), enc(&payload))
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
}

// ---------- auth ----------

#[tokio::test]
async fn auth_missing_invalid_expired_and_valid_tokens() {
    let fx = start().await;
    let url = fx.livy("/sessions");
    let r = fx.send(reqwest::Method::GET, &url, None, None).await;
    assert_error(&r, 401, "InvalidToken");
    let r = fx.send(reqwest::Method::GET, &url, None, Some("not-a-token")).await;
    assert_error(&r, 401, "InvalidToken");
    assert_eq!(r.body["message"], "Access token is invalid");
    let far = 4_000_000_000u64;
    let wrong_aud = jwt(json!({"aud": "https://management.azure.com", "exp": far}));
    assert_error(&fx.send(reqwest::Method::GET, &url, None, Some(&wrong_aud)).await, 401, "InvalidToken");
    let expired = jwt(json!({"aud": "https://api.fabric.microsoft.com", "exp": 1_600_000_000u64}));
    assert_error(&fx.send(reqwest::Method::GET, &url, None, Some(&expired)).await, 401, "TokenExpired");
    for aud in ["https://api.fabric.microsoft.com", "https://analysis.windows.net/powerbi/api"] {
        let ok = jwt(
            json!({"aud": aud, "exp": far, "oid": "6f23a8a6-d954-4550-b91a-4df73ccd0311", "name": "Jane"}),
        );
        let r = fx.send(reqwest::Method::GET, &url, None, Some(&ok)).await;
        assert_eq!(r.status, StatusCode::OK, "{aud}: {}", r.body);
    }
    // A JWT caller becomes the submitter of what it creates.
    let ok = jwt(json!({"aud": "https://api.fabric.microsoft.com", "exp": far,
                        "oid": "0c7e2b1a-5d1e-4f7a-9a55-3f0b1e2d4c6b", "name": "Jane Doe"}));
    let r = fx.send(reqwest::Method::POST, &url, Some(b"{}".to_vec()), Some(&ok)).await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    assert_eq!(r.body["submitterId"], "0c7e2b1a-5d1e-4f7a-9a55-3f0b1e2d4c6b");
    assert_eq!(r.body["submitterName"], "Jane Doe");
    // Monitoring needs a token too.
    let mon = fx.abs(&format!("/v1/workspaces/{}/spark/livySessions", fx.ws));
    assert_error(&fx.send(reqwest::Method::GET, &mon, None, None).await, 401, "InvalidToken");
}

// ---------- sessions ----------

#[tokio::test]
async fn session_lifecycle_from_sparse_acquisition_to_killed() {
    let fx = start().await;
    let r = fx.post(&fx.livy("/sessions"), json!({})).await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    assert_livy("SessionResponse", &r.body);
    let id = r.body["id"].as_str().expect("id").to_string();
    assert_eq!(r.body["fabricSessionStateInfo"]["state"], "queued");
    assert_eq!(r.body["jobType"], "SparkSession");
    assert_eq!(r.body["artifactId"], fx.lh.as_str());
    let url = fx.livy(&format!("/sessions/{id}"));

    // Early polls carry only fabricSessionStateInfo.
    let r = fx.get(&url).await;
    assert_livy("SessionResponse", &r.body);
    assert_eq!(keys(&r.body), vec!["fabricSessionStateInfo"]);
    assert_eq!(r.body["fabricSessionStateInfo"]["state"], "queued");
    fx.advance(5);
    let r = fx.get(&url).await;
    assert_eq!(keys(&r.body), vec!["fabricSessionStateInfo"]);
    assert_eq!(r.body["fabricSessionStateInfo"]["state"], "acquiringSession");

    fx.advance(6); // 11 s: scheduled, Livy not_started
    let r = fx.get(&url).await;
    assert_livy("SessionResponse", &r.body);
    assert_eq!(r.body["state"], "not_started", "{}", r.body);
    assert_eq!(r.body["livyInfo"]["currentState"], "not_started");
    assert!(r.body["livyInfo"]["notStartedAt"].is_string());
    assert_eq!(r.body["schedulerInfo"]["currentState"], "Scheduled");

    fx.advance(9); // 20 s: starting, the Spark application exists
    let r = fx.get(&url).await;
    assert_livy("SessionResponse", &r.body);
    assert_eq!(r.body["state"], "starting");
    let app = r.body["appId"].as_str().expect("appId while starting");
    assert!(regex::Regex::new(r"^application_\d{13}_\d{4}$").expect("regex").is_match(app), "{app}");
    assert_eq!(r.body["pluginInfo"]["currentState"], "Monitoring");
    assert!(r.body["livyInfo"]["startingAt"].is_string());
    assert!(!r.body["log"].as_array().expect("log").is_empty());

    fx.advance(30); // 50 s: idle (starter pool ≈ 40 s)
    let r = fx.get(&url).await;
    assert_livy("SessionResponse", &r.body);
    assert_eq!(r.body["state"], "idle");
    assert_eq!(r.body["result"], "Uncertain");
    assert!(r.body["livyInfo"]["idleAt"].is_string());
    assert!(r.body["submitterId"].is_string() && r.body["submitterName"].is_string());
    assert!(r.body["log"].as_array().expect("log").len() <= 10);

    // busy while a statement runs
    let st = fx
        .post(&fx.livy(&format!("/sessions/{id}/statements")), json!({"code": "1 + 1", "kind": "pyspark"}))
        .await;
    assert_eq!(st.status, StatusCode::OK);
    assert_livy("StatementResponse", &st.body);
    assert_eq!(st.body["state"], "waiting");
    assert_eq!(st.body["id"], 0);
    let r = fx.get(&url).await;
    assert_eq!(r.body["state"], "busy");
    assert!(r.body["livyInfo"]["busyAt"].is_string());
    fx.advance(60);
    assert_eq!(fx.get(&url).await.body["state"], "idle");

    // DELETE → killed; a second DELETE → 404 like the real service
    let d = fx.delete(&url).await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(d.request_id.is_some());
    let r = fx.get(&url).await;
    assert_livy("SessionResponse", &r.body);
    assert_eq!(r.body["state"], "killed");
    assert_eq!(r.body["result"], "Cancelled");
    assert!(r.body["cancellationReason"].is_string());
    assert!(r.body["livyInfo"]["killedAt"].is_string());
    assert_eq!(r.body["schedulerInfo"]["currentState"], "Ended");
    assert_error(&fx.delete(&url).await, 404, "SparkCoreSessionNotFound");
    let r = fx.post(&fx.livy(&format!("/sessions/{id}/statements")), json!({"code": "1"})).await;
    assert_error(&r, 404, "SparkCoreSessionNotFound");
}

#[tokio::test]
async fn session_echoes_request_and_ignores_unknown_fields() {
    let fx = start().await;
    let env = fx.environment("env_standard").await;
    let details = format!("{{\"id\" : \"{env}\"}}");
    let body = json!({
        "name": "echo-me", "kind": "sql", "heartbeatTimeoutInSecond": 60,
        "conf": {"spark.fabric.environmentDetails": details},
        "tags": {"team": "sales"}, "driverMemory": "28g", "driverCores": 4, "numExecutors": 2
    });
    let r = fx.post(&fx.livy("/sessions"), body).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_eq!(r.body["name"], "echo-me");
    assert_eq!(r.body["tags"]["team"], "sales");
    let id = r.body["id"].as_str().expect("id");
    fx.advance(60);
    let r = fx.get(&fx.livy(&format!("/sessions/{id}"))).await;
    assert_livy("SessionResponse", &r.body);
    let echo = &r.body["livyInfo"]["jobCreationRequest"];
    assert_eq!(echo["name"], "echo-me");
    assert_eq!(echo["conf"]["spark.fabric.environmentDetails"], details.as_str());
    assert!(
        r.body["log"].to_string().contains(&format!("Using environment env_standard ({env})")),
        "{}",
        r.body
    );
    assert_eq!(echo["driverMemory"], "28g");
    assert_eq!(echo["numExecutors"], 2);
    assert!(echo.get("kind").is_none(), "unknown fields are not echoed");
    // The monitoring entry reports memory in GB.
    let m =
        fx.get(&fx.abs(&format!("/v1/workspaces/{}/lakehouses/{}/livySessions/{id}", fx.ws, fx.lh))).await;
    assert_eq!(m.body["driverMemory"], 28);
    assert_eq!(m.body["driverCores"], 4);
}

#[tokio::test]
async fn idle_timeout_conf_falls_back_to_on_demand_cluster() {
    let fx = start().await;
    let r = fx.post(&fx.livy("/sessions"), json!({"conf": {"spark.livy.session.idle.timeout": "20m"}})).await;
    let id = r.body["id"].as_str().expect("id");
    let url = fx.livy(&format!("/sessions/{id}"));
    fx.advance(60);
    let r = fx.get(&url).await;
    assert_ne!(r.body["state"], "idle", "on-demand start takes minutes: {}", r.body);
    fx.advance(140);
    let r = fx.get(&url).await;
    assert_eq!(r.body["state"], "idle");
    assert_eq!(r.body["tags"]["FallbackReasons"], "UserSparkConfigMismatch");
    assert!(
        r.body["tags"]["FallbackMessages"].as_str().expect("msg").contains("spark.livy.session.idle.timeout")
    );
}

#[tokio::test]
async fn idle_timeout_after_20_minutes_and_reset_timeout_extends_it() {
    let fx = start().await;
    let a = fx.idle_session(json!({"name": "kept-warm"})).await;
    let b = fx.idle_session(json!({"name": "left-alone"})).await;
    fx.advance(15 * 60);
    let r = fx.post(&fx.livy(&format!("/sessions/{a}/reset-timeout")), json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    fx.advance(6 * 60);
    let rb = fx.get(&fx.livy(&format!("/sessions/{b}"))).await;
    assert_livy("SessionResponse", &rb.body);
    assert_eq!(rb.body["state"], "dead", "{}", rb.body);
    assert_eq!(rb.body["result"], "Failed");
    assert!(rb.body["cancellationReason"].as_str().expect("reason").contains("20 minutes"));
    assert!(rb.body["livyInfo"]["deadAt"].is_string());
    assert_eq!(fx.get(&fx.livy(&format!("/sessions/{a}"))).await.body["state"], "idle");
    fx.advance(15 * 60);
    assert_eq!(fx.get(&fx.livy(&format!("/sessions/{a}"))).await.body["state"], "dead");
    // A reaped session: statements and reset-timeout get 404, as after real idle reaping.
    let r = fx.post(&fx.livy(&format!("/sessions/{a}/statements")), json!({"code": "1"})).await;
    assert_error(&r, 404, "SparkCoreSessionNotFound");
    let r = fx.post(&fx.livy(&format!("/sessions/{a}/reset-timeout")), json!({})).await;
    assert_error(&r, 404, "SparkCoreSessionNotFound");
    // The list marks it timed out.
    let list = fx.get(&fx.livy("/sessions?$top=5")).await;
    let item = list.body["items"].as_array().expect("items").iter().find(|i| i["id"] == a.as_str()).cloned();
    assert_eq!(item.expect("listed")["isJobTimedOut"], true);
}

#[tokio::test]
async fn session_list_pages_newest_first() {
    let fx = start().await;
    let mut created = Vec::new();
    for n in 0..3 {
        let r = fx.post(&fx.livy("/sessions"), json!({"name": format!("s{n}")})).await;
        created.push(r.body["id"].as_str().expect("id").to_string());
        fx.advance(1);
    }
    let all = fx.get(&fx.livy("/sessions?$count=true")).await;
    assert_eq!(all.status, StatusCode::OK);
    assert_livy("LivySparkActivityList", &all.body);
    let total = all.body["totalCountOfMatchedItems"].as_u64().expect("count");
    assert!(total >= 3 + 10, "seeded sessions plus ours: {total}");
    let page = fx.get(&fx.livy("/sessions?$top=2")).await;
    assert_livy("LivySparkActivityList", &page.body);
    let items = page.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(page.body["pageSize"], 2);
    assert_eq!(items[0]["id"], created[2].as_str());
    assert_eq!(items[1]["id"], created[1].as_str());
    assert_eq!(items[0]["workspaceId"], fx.ws.as_str());
    let skipped = fx.get(&fx.livy("/sessions?%24top=1&%24skip=2")).await;
    assert_eq!(skipped.body["items"][0]["id"], created[0].as_str());
    let beyond = fx.get(&fx.livy(&format!("/sessions?$skip={}", total + 5))).await;
    assert_eq!(beyond.body["items"].as_array().expect("items").len(), 0);
    assert_error(&fx.get(&fx.livy("/sessions?$top=abc")).await, 400, "InvalidHttpRequestToLivy");
    assert_error(&fx.get(&fx.livy("/sessions?$count=maybe")).await, 400, "InvalidHttpRequestToLivy");
}

#[tokio::test]
async fn seeded_sessions_cover_every_state() {
    let fx = start().await;
    let list = fx.get(&fx.livy("/sessions")).await;
    assert_livy("LivySparkActivityList", &list.body);
    let items = list.body["items"].as_array().expect("items");
    for want in ["not_started", "starting", "idle", "busy", "killed", "dead", "error", "success"] {
        assert!(items.iter().any(|i| i["livyState"] == want), "seeded {want}");
    }
    assert!(items.iter().any(|i| i["tags"]["FallbackReasons"] == "UserSparkConfigMismatch"));
    // The capacity rejection shows only in fabricSessionStateInfo.
    let rejected = items.iter().find(|i| i["errorCode"] == "TooManyRequestsForCapacity").expect("rejected");
    let r = fx.get(&fx.livy(&format!("/sessions/{}", rejected["id"].as_str().expect("id")))).await;
    assert_livy("SessionResponse", &r.body);
    assert_eq!(r.body["fabricSessionStateInfo"]["state"], "error");
    assert!(
        r.body["fabricSessionStateInfo"]["errorMessage"]
            .as_str()
            .expect("msg")
            .contains("TooManyRequestsForCapacity")
    );
    assert!(
        r.body.get("state").is_none() && r.body.get("livyInfo").is_none() && r.body.get("appId").is_none()
    );
    // Every seeded session body is valid, whatever its state.
    for i in items {
        let r = fx.get(&fx.livy(&format!("/sessions/{}", i["id"].as_str().expect("id")))).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_livy("SessionResponse", &r.body);
    }
    let batches = fx.get(&fx.livy("/batches")).await;
    let items = batches.body["items"].as_array().expect("items");
    for want in ["not_started", "starting", "running", "success", "dead", "killed"] {
        assert!(items.iter().any(|i| i["livyState"] == want), "seeded batch {want}");
    }
    for i in items {
        let r = fx.get(&fx.livy(&format!("/batches/{}", i["id"].as_str().expect("id")))).await;
        assert_livy("BatchResponse", &r.body);
    }
}

// ---------- statements ----------

#[tokio::test]
async fn statements_run_in_order_and_cancel() {
    let fx = start().await;
    let id = fx.idle_session(json!({})).await;
    let st = |rel: &str| fx.livy(&format!("/sessions/{id}/statements{rel}"));
    let slow = "import time\ntime.sleep(30)";
    for (n, code) in [slow, "1 + 1", "2 + 2"].iter().enumerate() {
        let r = fx.post(&st(""), json!({"code": code, "kind": "pyspark"})).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body["id"], n);
        assert_eq!(r.body["state"], "waiting");
    }
    // One at a time: the first runs, the others wait.
    assert_eq!(fx.get(&st("/0")).await.body["state"], "running");
    assert_eq!(fx.get(&st("/1")).await.body["state"], "waiting");
    let r = fx.get(&st("/2")).await;
    assert_eq!(r.body["state"], "waiting");
    assert!(r.body.get("output").is_none());
    // Cancel a waiting statement: cancelled at once.
    let c = fx.post(&st("/2/cancel"), json!({})).await;
    assert_eq!(c.status, StatusCode::OK);
    assert_livy("StatementCancellationResponse", &c.body);
    assert_eq!(c.body["msg"], "canceled");
    assert_eq!(fx.get(&st("/2")).await.body["state"], "cancelled");
    // Cancel the running one: cancelling, then cancelled.
    fx.post(&st("/0/cancel"), json!({})).await;
    assert_eq!(fx.get(&st("/0")).await.body["state"], "cancelling");
    fx.advance(2);
    let r = fx.get(&st("/0")).await;
    assert_eq!(r.body["state"], "cancelled");
    assert!(r.body["completed"].as_i64().expect("completed") > 0);
    fx.advance(30);
    let r = fx.get(&st("/1")).await;
    assert_livy("StatementResponse", &r.body);
    assert_eq!(r.body["state"], "available");
    assert_eq!(r.body["output"]["status"], "ok");
    assert_eq!(r.body["output"]["execution_count"], 1);
    assert_eq!(r.body["progress"], 1.0);
    assert!(r.body["started"].as_i64().expect("started") > 0);
    // Cancelling a finished statement changes nothing.
    assert_eq!(fx.post(&st("/1/cancel"), json!({})).await.status, StatusCode::OK);
    assert_eq!(fx.get(&st("/1")).await.body["state"], "available");
    let list = fx.get(&st("")).await;
    assert_livy("StatementsResponse", &list.body);
    assert_eq!(list.body["total_statements"], 3);
    let states: Vec<&str> = list.body["statements"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["state"].as_str())
        .collect();
    assert_eq!(states, vec!["cancelled", "available", "cancelled"]);
    assert_error(&fx.get(&st("/99")).await, 404, "EntityNotFound");
    assert_error(&fx.get(&st("/abc")).await, 404, "EntityNotFound");
    assert_error(&fx.post(&st("/99/cancel"), json!({})).await, 404, "EntityNotFound");
}

#[tokio::test]
async fn statements_before_the_session_is_ready_are_rejected() {
    let fx = start().await;
    let r = fx.post(&fx.livy("/sessions"), json!({})).await;
    let id = r.body["id"].as_str().expect("id");
    fx.advance(20);
    let r = fx.post(&fx.livy(&format!("/sessions/{id}/statements")), json!({"code": "1"})).await;
    assert_error(&r, 409, "InvalidSessionState");
    assert!(r.body["message"].as_str().expect("message").contains("starting"));
}

#[tokio::test]
async fn at_most_100_statements_are_kept() {
    let fx = start().await;
    let id = fx.idle_session(json!({})).await;
    let url = fx.livy(&format!("/sessions/{id}/statements"));
    for _ in 0..105 {
        assert_eq!(fx.post(&url, json!({"code": "1"})).await.status, StatusCode::OK);
        fx.advance(10);
    }
    let list = fx.get(&url).await;
    assert_eq!(list.body["total_statements"], 100);
    assert_eq!(list.body["statements"][0]["id"], 5);
    assert_eq!(list.body["statements"][99]["id"], 104);
}

#[tokio::test]
async fn sql_statement_returns_a_table_envelope_with_real_engine() {
    let fx = start().await;
    let id = fx.idle_session(json!({})).await;
    let url = fx.livy(&format!("/sessions/{id}/statements"));
    let r = fx.post(&url, json!({"code": "SELECT 1 AS one, 'a' AS letter", "kind": "sql"})).await;
    let sid = r.body["id"].as_i64().expect("id");
    fx.advance(60);
    let r = fx.get(&format!("{url}/{sid}")).await;
    assert_livy("StatementResponse", &r.body);
    assert_eq!(r.body["state"], "available");
    assert_eq!(r.body["output"]["status"], "ok");
    let table = &r.body["output"]["data"]["application/json"];
    assert_eq!(table["schema"]["type"], "struct", "{}", r.body);
    let fields = table["schema"]["fields"].as_array().expect("fields");
    assert_eq!(fields[0]["name"], "one");
    assert!(
        fields[0]["type"].is_string()
            && fields[0]["nullable"].is_boolean()
            && fields[0]["metadata"].is_object()
    );
    assert_eq!(table["data"], json!([[1, "a"]]));
}

#[tokio::test]
async fn errors_and_output_slicing_with_real_engine() {
    let fx = start().await;
    let id = fx.idle_session(json!({})).await;
    let url = fx.livy(&format!("/sessions/{id}/statements"));
    fx.post(&url, json!({"code": "raise ValueError(\"boom\")", "kind": "pyspark"})).await;
    fx.post(&url, json!({"code": "print(\"hello world\")", "kind": "pyspark"})).await;
    fx.advance(60);
    let r = fx.get(&format!("{url}/0")).await;
    assert_livy("StatementResponse", &r.body);
    assert_eq!(r.body["state"], "available", "errors end available");
    assert_eq!(r.body["output"]["status"], "error");
    assert_eq!(r.body["output"]["ename"], "ValueError");
    assert!(r.body["output"]["evalue"].as_str().expect("evalue").contains("boom"));
    assert!(r.body["output"]["traceback"].is_array());
    let r = fx.get(&format!("{url}/1?from=6&size=5")).await;
    assert_eq!(r.body["output"]["data"]["text/plain"], "world");
}

// ---------- batches ----------

#[tokio::test]
async fn batch_succeeds_with_growing_log_and_echoed_conf() {
    let fx = start().await;
    let file = fx.upload("job.py", "total = 1 + 2\n").await;
    fx.upload("lib.py", "def helper():\n    return 1\n").await;
    let env = fx.environment("env_ml_libs").await;
    let details = format!("{{\"id\" : \"{env}\"}}");
    let body = json!({
        "name": "livybatchdemo", "file": file, "args": ["--duration=120", "--mode", "full"],
        "pyFiles": ["Files/lib.py"], "jars": [], "files": [], "archives": [], "className": null,
        "conf": {"spark.targetLakehouse": fx.lh, "spark.fabric.environmentDetails": details}
    });
    let r = fx.post(&fx.livy("/batches"), body).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_livy("BatchResponse", &r.body);
    assert_eq!(r.body["state"], "not_started");
    assert_eq!(r.body["fabricBatchStateInfo"]["state"], "queued");
    assert_eq!(r.body["jobType"], "SparkBatch");
    let id = r.body["id"].as_str().expect("id").to_string();
    let url = fx.livy(&format!("/batches/{id}"));
    fx.advance(5);
    assert_eq!(fx.get(&url).await.body["fabricBatchStateInfo"]["state"], "submitting");
    fx.advance(7);
    let r = fx.get(&url).await;
    assert_livy("BatchResponse", &r.body);
    assert_eq!(r.body["state"], "starting");
    assert!(r.body["appId"].is_string());
    assert!(r.body.get("fabricBatchStateInfo").is_none());
    fx.advance(30);
    let r1 = fx.get(&url).await;
    assert_eq!(r1.body["state"], "running");
    assert_eq!(r1.body["result"], "Uncertain");
    assert!(r1.body["livyInfo"]["runningAt"].is_string());
    fx.advance(45);
    let r2 = fx.get(&url).await;
    assert_eq!(r2.body["state"], "running");
    assert_ne!(r1.body["log"], r2.body["log"], "the log grows while running");
    assert!(r2.body["log"].to_string().contains("TaskSetManager"));
    fx.advance(120);
    let r = fx.get(&url).await;
    assert_livy("BatchResponse", &r.body);
    assert_eq!(r.body["state"], "success");
    assert_eq!(r.body["result"], "Succeeded");
    assert!(r.body["livyInfo"]["successAt"].is_string());
    assert_eq!(r.body["livyInfo"]["currentState"], "success");
    let echo = &r.body["livyInfo"]["jobCreationRequest"];
    assert_eq!(echo["conf"]["spark.targetLakehouse"], fx.lh.as_str());
    assert_eq!(echo["conf"]["spark.fabric.environmentDetails"], details.as_str());
    assert_eq!(echo["args"], json!(["--duration=120", "--mode", "full"]));
    assert_eq!(echo["pyFiles"], json!(["Files/lib.py"]));
    assert_eq!(r.body["schedulerInfo"]["currentState"], "Ended");
    assert_eq!(r.body["pluginInfo"]["currentState"], "Ended");
    // Finished: DELETE has nothing to cancel.
    assert_error(&fx.delete(&url).await, 404, "SparkCoreSessionNotFound");
}

#[tokio::test]
async fn batch_named_fail_fails_with_traceback() {
    let fx = start().await;
    // A file outside OneLake, which the simulator cannot read: its name decides.
    let file = "abfss://jobs@contosolake.dfs.core.windows.net/fail_job.py";
    let r = fx.post(&fx.livy("/batches"), json!({"file": file, "args": ["--duration=30"]})).await;
    let id = r.body["id"].as_str().expect("id");
    fx.advance(120);
    let r = fx.get(&fx.livy(&format!("/batches/{id}"))).await;
    assert_livy("BatchResponse", &r.body);
    assert_eq!(r.body["state"], "dead");
    assert_eq!(r.body["result"], "Failed");
    assert!(r.body["livyInfo"]["deadAt"].is_string());
    let err = &r.body["errorInfo"][0];
    assert_eq!(err["source"], "User");
    assert!(err["errorCode"].is_string() && err["message"].is_string());
    let log = r.body["log"].to_string();
    assert!(log.contains("AnalysisException") && log.contains("exited with status 1"), "{log}");
}

#[tokio::test]
async fn batch_cancel_kills_it() {
    let fx = start().await;
    let r = fx
        .post(
            &fx.livy("/batches"),
            json!({"file": "abfss://jobs@contosolake.dfs.core.windows.net/long.py", "name": "long"}),
        )
        .await;
    let id = r.body["id"].as_str().expect("id");
    let url = fx.livy(&format!("/batches/{id}"));
    fx.advance(60);
    assert_eq!(fx.get(&url).await.body["state"], "running");
    assert_eq!(fx.delete(&url).await.status, StatusCode::OK);
    let r = fx.get(&url).await;
    assert_livy("BatchResponse", &r.body);
    assert_eq!(r.body["state"], "killed");
    assert_eq!(r.body["result"], "Cancelled");
    assert_eq!(r.body["fabricBatchStateInfo"]["state"], "cancelled");
    assert!(r.body["livyInfo"]["killedAt"].is_string());
    assert!(r.body["schedulerInfo"]["cancellationRequestedAt"].is_string());
    fx.advance(600);
    assert_eq!(fx.get(&url).await.body["state"], "killed", "stays killed");
    assert_error(&fx.delete(&url).await, 404, "SparkCoreSessionNotFound");
    let list = fx.get(&fx.livy("/batches?$top=3")).await;
    assert_livy("LivySparkActivityList", &list.body);
    assert_eq!(list.body["items"][0]["id"], id);
    assert_eq!(list.body["items"][0]["livyState"], "killed");
    assert_eq!(list.body["items"][0]["result"], "Cancelled");
}

#[tokio::test]
async fn seeded_running_batch_progresses_over_time() {
    let fx = start().await;
    let list = fx.get(&fx.livy("/batches")).await;
    let running: Vec<String> = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["livyState"] == "running")
        .filter_map(|i| i["id"].as_str().map(str::to_string))
        .collect();
    assert!(!running.is_empty(), "the seed has running batches");
    fx.advance(4 * 3600);
    for id in running {
        let r = fx.get(&fx.livy(&format!("/batches/{id}"))).await;
        assert!(matches!(r.body["state"].as_str(), Some("success" | "dead")), "{}", r.body);
    }
}

// ---------- high concurrency ----------

async fn acquire(fx: &Fx, tag: &str) -> String {
    let r = fx.post(&fx.livy("/highConcurrencySessions"), json!({"sessionTag": tag})).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_livy("HighConcurrencySessionResponse", &r.body);
    assert_eq!(r.body["state"], "NotStarted");
    assert!(r.body["sessionId"].is_null() && r.body["replId"].is_null());
    assert_eq!(r.body["sessionTag"], tag);
    assert_eq!(r.body["workspaceId"], fx.ws.as_str());
    assert!(r.body["fabricSessionStateInfo"].is_object());
    r.body["id"].as_str().expect("id").to_string()
}

#[tokio::test]
async fn hc_sessions_pack_five_per_tag_and_the_sixth_gets_a_new_session() {
    let fx = start().await;
    let mut hcs = Vec::new();
    for _ in 0..6 {
        hcs.push(acquire(&fx, "dbt-sales").await);
    }
    fx.advance(5);
    let r = fx.get(&fx.livy(&format!("/highConcurrencySessions/{}", hcs[0]))).await;
    assert_eq!(r.body["state"], "AcquiringHighConcurrencySession");
    assert!(r.body["sessionId"].is_null());
    fx.advance(60);
    let mut views = Vec::new();
    for hc in &hcs {
        let r = fx.get(&fx.livy(&format!("/highConcurrencySessions/{hc}"))).await;
        assert_livy("HighConcurrencySessionResponse", &r.body);
        assert_eq!(r.body["state"], "Idle", "{}", r.body);
        assert!(r.body.get("fabricSessionStateInfo").is_none());
        views.push(r.body);
    }
    let sid = |i: usize| views[i]["sessionId"].as_str().expect("sessionId").to_string();
    for i in 1..5 {
        assert_eq!(sid(i), sid(0), "the first five share one Livy session");
    }
    assert_ne!(sid(5), sid(0), "the sixth starts another session");
    let mut repls: Vec<&str> = views.iter().filter_map(|v| v["replId"].as_str()).collect();
    repls.sort();
    repls.dedup();
    assert_eq!(repls.len(), 6, "every acquisition is a new REPL");
    let mut ids: Vec<&String> = hcs.iter().collect();
    ids.dedup();
    assert_eq!(ids.len(), 6, "acquisition is not idempotent");
    // The underlying sessions are visible to the Livy list and the monitoring API.
    let s = fx.get(&fx.livy(&format!("/sessions/{}", sid(0)))).await;
    assert_eq!(s.body["state"], "idle");
    assert_eq!(s.body["name"], format!("HC_{}_{}", fx.lh_name, sid(0)));
    let m = fx
        .get(&fx.abs(&format!("/v1/workspaces/{}/lakehouses/{}/livySessions/{}", fx.ws, fx.lh, sid(0))))
        .await;
    assert_monitoring("LivySession", &m.body);
    assert_eq!(m.body["isHighConcurrency"], true);
    assert_eq!(m.body["operationName"], "High Concurrency Session Livy Run");
    assert_eq!(m.body["state"], "InProgress");
    // There is no list of HC sessions.
    assert_error(&fx.get(&fx.livy("/highConcurrencySessions")).await, 404, "EntityNotFound");
    // A different tag never shares.
    let other = acquire(&fx, "other-tag").await;
    fx.advance(60);
    let r = fx.get(&fx.livy(&format!("/highConcurrencySessions/{other}"))).await;
    assert_ne!(r.body["sessionId"].as_str().expect("sid"), sid(0));
}

/// Statements per REPL: own ids, concurrent REPLs, and the regular path does not reach them.
async fn two_repls(fx: &Fx) -> (String, String, String) {
    let a = acquire(fx, "iso").await;
    let b = acquire(fx, "iso").await;
    fx.advance(60);
    let ra = fx.get(&fx.livy(&format!("/highConcurrencySessions/{a}"))).await.body;
    let rb = fx.get(&fx.livy(&format!("/highConcurrencySessions/{b}"))).await.body;
    let sid = ra["sessionId"].as_str().expect("sid").to_string();
    assert_eq!(rb["sessionId"].as_str(), Some(sid.as_str()));
    (sid, ra["replId"].as_str().expect("repl").to_string(), rb["replId"].as_str().expect("repl").to_string())
}

#[tokio::test]
async fn hc_repls_have_their_own_statements_and_run_concurrently() {
    let fx = start().await;
    let (sid, ra, rb) = two_repls(&fx).await;
    let st = |repl: &str, rel: &str| {
        fx.livy(&format!("/highConcurrencySessions/{sid}/repls/{repl}/statements{rel}"))
    };
    let slow = json!({"code": "import time\ntime.sleep(30)", "kind": "pyspark"});
    let a0 = fx.post(&st(&ra, ""), slow.clone()).await;
    let b0 = fx.post(&st(&rb, ""), slow).await;
    assert_livy("StatementResponse", &a0.body);
    assert_eq!((a0.body["id"].clone(), b0.body["id"].clone()), (json!(0), json!(0)), "ids per REPL");
    assert_eq!(fx.get(&st(&ra, "/0")).await.body["state"], "running");
    assert_eq!(fx.get(&st(&rb, "/0")).await.body["state"], "running", "REPLs run concurrently");
    let c = fx.post(&st(&rb, "/0/cancel"), json!({})).await;
    assert_eq!(c.body["msg"], "canceled");
    fx.advance(60);
    assert_eq!(fx.get(&st(&ra, "/0")).await.body["state"], "available");
    assert_eq!(fx.get(&st(&rb, "/0")).await.body["state"], "cancelled");
    let list = fx.get(&st(&ra, "")).await;
    assert_livy("StatementsResponse", &list.body);
    assert_eq!(list.body["total_statements"], 1);
    // The REPL is reachable only through the HC path with the underlying session id.
    let r = fx.post(&fx.livy(&format!("/sessions/{sid}/statements")), json!({"code": "1"})).await;
    assert_error(&r, 404, "SparkCoreSessionNotFound");
    let bogus = "00000000-0000-4000-8000-000000000000";
    assert_error(&fx.get(&st(bogus, "")).await, 404, "SparkCoreSessionNotFound");
}

#[tokio::test]
async fn hc_repl_isolation_with_real_engine() {
    let fx = start().await;
    let (sid, ra, rb) = two_repls(&fx).await;
    let st = |repl: &str| fx.livy(&format!("/highConcurrencySessions/{sid}/repls/{repl}/statements"));
    fx.post(&st(&ra), json!({"code": "x = 42", "kind": "pyspark"})).await;
    fx.advance(10);
    fx.post(&st(&ra), json!({"code": "print(x)", "kind": "pyspark"})).await;
    fx.post(&st(&rb), json!({"code": "print(x)", "kind": "pyspark"})).await;
    fx.advance(60);
    let a = fx.get(&format!("{}/1", st(&ra))).await.body;
    assert_eq!(a["output"]["status"], "ok", "{a}");
    assert_eq!(a["output"]["data"]["text/plain"].as_str().map(str::trim), Some("42"));
    let b = fx.get(&format!("{}/0", st(&rb))).await.body;
    assert_eq!(b["output"]["status"], "error", "{b}");
    assert_eq!(b["output"]["ename"], "NameError");
}

#[tokio::test]
async fn hc_delete_last_repl_ends_the_livy_session() {
    let fx = start().await;
    let a = acquire(&fx, "pair").await;
    let b = acquire(&fx, "pair").await;
    fx.advance(60);
    let sid = fx.get(&fx.livy(&format!("/highConcurrencySessions/{a}"))).await.body["sessionId"]
        .as_str()
        .expect("sid")
        .to_string();
    let ra = fx.get(&fx.livy(&format!("/highConcurrencySessions/{a}"))).await.body["replId"]
        .as_str()
        .expect("repl")
        .to_string();
    assert_eq!(fx.delete(&fx.livy(&format!("/highConcurrencySessions/{a}"))).await.status, StatusCode::OK);
    let r = fx.get(&fx.livy(&format!("/highConcurrencySessions/{a}"))).await;
    assert_livy("HighConcurrencySessionResponse", &r.body);
    assert_eq!(r.body["state"], "Deleting");
    fx.advance(3);
    assert_error(
        &fx.get(&fx.livy(&format!("/highConcurrencySessions/{a}"))).await,
        404,
        "SparkCoreSessionNotFound",
    );
    assert_error(
        &fx.delete(&fx.livy(&format!("/highConcurrencySessions/{a}"))).await,
        404,
        "SparkCoreSessionNotFound",
    );
    let gone = fx.livy(&format!("/highConcurrencySessions/{sid}/repls/{ra}/statements"));
    assert_error(&fx.post(&gone, json!({"code": "1"})).await, 404, "SparkCoreSessionNotFound");
    // One REPL left: the session lives on.
    assert_eq!(fx.get(&fx.livy(&format!("/sessions/{sid}"))).await.body["state"], "idle");
    assert_eq!(fx.delete(&fx.livy(&format!("/highConcurrencySessions/{b}"))).await.status, StatusCode::OK);
    let s = fx.get(&fx.livy(&format!("/sessions/{sid}"))).await;
    assert_livy("SessionResponse", &s.body);
    assert_eq!(s.body["state"], "success", "deleting the last REPL stops the session: {}", s.body);
    assert_eq!(s.body["result"], "Succeeded");
    let m =
        fx.get(&fx.abs(&format!("/v1/workspaces/{}/lakehouses/{}/livySessions/{sid}", fx.ws, fx.lh))).await;
    assert_eq!(m.body["state"], "Succeeded");
    assert!(m.body["endDateTime"].is_string());
}

// ---------- monitoring ----------

#[tokio::test]
async fn monitoring_lists_everything_with_continuation_paging() {
    let fx = start().await;
    let mine = fx.post(&fx.livy("/sessions"), json!({"name": "watched"})).await.body["id"]
        .as_str()
        .expect("id")
        .to_string();
    let mut url = fx.abs(&format!("/v1/workspaces/{}/spark/livySessions", fx.ws));
    let mut all: Vec<Value> = Vec::new();
    let mut pages = 0;
    loop {
        let r = fx.get(&url).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_monitoring("LivySessions", &r.body);
        pages += 1;
        all.extend(r.body["value"].as_array().expect("value").iter().cloned());
        match r.body["continuationUri"].as_str() {
            Some(next) => {
                let token = r.body["continuationToken"].as_str().expect("token with uri");
                assert!(next.ends_with(&format!("continuationToken={token}")));
                url = next.to_string();
            }
            None => {
                assert!(r.body.get("continuationToken").is_none());
                break;
            }
        }
    }
    assert!(pages >= 2, "seed data spans pages ({} items)", all.len());
    let mut ids: Vec<&str> = all.iter().filter_map(|v| v["livyId"].as_str()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "no item twice across pages");
    assert!(ids.contains(&mine.as_str()));
    let submitted: Vec<&str> = all.iter().filter_map(|v| v["submittedDateTime"].as_str()).collect();
    assert!(submitted.windows(2).all(|w| w[0] >= w[1]), "newest first");
    for want in ["Lakehouse", "Notebook", "SparkJobDefinition"] {
        assert!(all.iter().any(|v| v["itemType"] == want), "{want} present");
    }
    for want in ["NotStarted", "InProgress", "Cancelled", "Succeeded", "Failed"] {
        assert!(all.iter().any(|v| v["state"] == want), "{want} present");
    }
    // The capacity-rejected seed session never started a Spark application.
    let rejected: Vec<&Value> = all
        .iter()
        .filter(|v| v["jobType"] == "SparkSession" && v["state"] == "Failed" && v["startDateTime"].is_null())
        .collect();
    assert!(!rejected.is_empty(), "a session failed before it started");
    assert!(rejected.iter().all(|v| v.get("sparkApplicationId").is_none()));
    for want in ["Batch Livy Run", "Session Livy Run", "High Concurrency Session Livy Run", "Notebook run"] {
        assert!(all.iter().any(|v| v["operationName"] == want), "{want} present");
    }
    assert!(all.iter().any(|v| v["submitter"]["type"] == "ServicePrincipal"));
    // The lakehouse list holds only that lakehouse's Livy sessions and batches.
    let r = fx.get(&fx.abs(&format!("/v1/workspaces/{}/lakehouses/{}/livySessions", fx.ws, fx.lh))).await;
    assert_monitoring("LivySessions", &r.body);
    for v in r.body["value"].as_array().expect("value") {
        assert_eq!(v["item"]["itemId"], fx.lh.as_str());
        assert_eq!(v["itemType"], "Lakehouse");
    }
    let one =
        fx.get(&fx.abs(&format!("/v1/workspaces/{}/lakehouses/{}/livySessions/{mine}", fx.ws, fx.lh))).await;
    assert_monitoring("LivySession", &one.body);
    assert_eq!(one.body["livyName"], "watched");
    assert_eq!(one.body["state"], "NotStarted");
    assert_eq!(one.body["jobType"], "SparkSession");
    // Errors
    let unknown = "9611f500-bf44-42e0-a0de-78dacb374398";
    let r = fx
        .get(&fx.abs(&format!("/v1/workspaces/{}/lakehouses/{}/livySessions/{unknown}", fx.ws, fx.lh)))
        .await;
    assert_error(&r, 404, "SparkCoreSessionNotFound");
    let r = fx.get(&fx.abs(&format!("/v1/workspaces/{}/lakehouses/{unknown}/livySessions", fx.ws))).await;
    assert_error(&r, 404, "SparkCoreItemNotFound");
    let r =
        fx.get(&fx.abs(&format!("/v1/workspaces/{}/spark/livySessions?continuationToken=%%%", fx.ws))).await;
    assert_error(&r, 400, "InvalidContinuationToken");
}

#[tokio::test]
async fn monitoring_beta_filters_by_state_and_submitter() {
    let fx = start().await;
    let base = fx.abs(&format!("/v1/workspaces/{}/spark/livySessions?beta=true", fx.ws));
    let failed = fx.get(&format!("{base}&state=Failed")).await;
    assert_monitoring("LivySessions", &failed.body);
    let items = failed.body["value"].as_array().expect("value");
    assert!(!items.is_empty());
    assert!(items.iter().all(|v| v["state"] == "Failed"));
    let who = items[0]["submitter"]["id"].as_str().expect("submitter").to_string();
    let mine = fx.get(&format!("{base}&state=Failed,Cancelled&submitter.Id={who}")).await;
    let items = mine.body["value"].as_array().expect("value");
    assert!(!items.is_empty());
    assert!(items.iter().all(|v| v["submitter"]["id"] == who.as_str()));
    assert!(items.iter().all(|v| v["state"] == "Failed" || v["state"] == "Cancelled"));
    let since = "2000-01-01T00:00:00Z";
    let r = fx.get(&format!("{base}&submittedDateTime={since}")).await;
    assert_eq!(r.status, StatusCode::OK);
    if let Some(next) = r.body["continuationUri"].as_str() {
        assert!(next.contains("submittedDateTime=2000-01-01T00%3A00%3A00Z"), "filters carry over: {next}");
    }
    assert_error(&fx.get(&format!("{base}&submittedDateTime=yesterday")).await, 400, "InvalidInput");
}

#[tokio::test]
async fn scale_generates_thousands_of_sessions() {
    let fx = start_with(1).await;
    let mut url = fx.abs(&format!("/v1/workspaces/{}/spark/livySessions", fx.ws));
    let mut count = 0;
    loop {
        let r = fx.get(&url).await;
        count += r.body["value"].as_array().expect("value").len();
        match r.body["continuationUri"].as_str() {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    assert!(count >= 500, "half of 1000 extra sessions land in each workspace: {count}");
}

// ---------- bad input, unknown ids, routes ----------

#[tokio::test]
async fn malformed_json_and_wrong_types_are_400() {
    let fx = start().await;
    let id = fx.idle_session(json!({})).await;
    let stmts = fx.livy(&format!("/sessions/{id}/statements"));
    let cases: Vec<(String, &[u8])> = vec![
        (fx.livy("/sessions"), b"{"),
        (fx.livy("/sessions"), b"[]"),
        (fx.livy("/sessions"), br#"{"name": 5}"#),
        (fx.livy("/sessions"), br#"{"conf": {"spark.x": 1}}"#),
        (fx.livy("/sessions"), br#"{"driverCores": "four"}"#),
        (fx.livy("/sessions"), b"\xff\xfe"),
        (fx.livy("/batches"), br#"{"file": "a.py", "args": "x"}"#),
        (fx.livy("/batches"), br#"{"name": "no file"}"#),
        (fx.livy("/highConcurrencySessions"), br#"{"sessionTag": 5}"#),
        (stmts.clone(), br#"{"code": 1}"#),
        (stmts.clone(), br#"{"kind": "pyspark"}"#),
        (stmts.clone(), br#"{"code": "1", "kind": "cobol"}"#),
        (stmts.clone(), b"null"),
    ];
    for (url, body) in cases {
        let r = fx.post_raw(&url, body).await;
        assert_error(&r, 400, "InvalidHttpRequestToLivy");
    }
    let r = fx.get(&format!("{stmts}/0?from=-1")).await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.body);
}

#[tokio::test]
async fn unknown_ids_and_routes_are_404() {
    let fx = start().await;
    let guid = "4311f500-bf44-42e0-a0de-78dacb374397";
    let base = fx.sim.base_url().to_string();
    let r = fx
        .get(&format!(
            "{base}/v1/workspaces/{guid}/lakehouses/{}/livyapi/versions/2023-12-01/sessions",
            fx.lh
        ))
        .await;
    assert_error(&r, 404, "WorkspaceNotFound");
    let r = fx
        .get(&format!(
            "{base}/v1/workspaces/{}/lakehouses/{guid}/livyapi/versions/2023-12-01/sessions",
            fx.ws
        ))
        .await;
    assert_error(&r, 404, "ItemNotFound");
    for rel in [
        format!("/sessions/{guid}"),
        "/sessions/not-a-guid".to_string(),
        format!("/sessions/{guid}/statements"),
        format!("/batches/{guid}"),
        format!("/highConcurrencySessions/{guid}"),
        format!("/highConcurrencySessions/{guid}/repls/{guid}/statements"),
    ] {
        assert_error(&fx.get(&fx.livy(&rel)).await, 404, "SparkCoreSessionNotFound");
    }
    assert_error(&fx.delete(&fx.livy(&format!("/sessions/{guid}"))).await, 404, "SparkCoreSessionNotFound");
    assert_error(&fx.delete(&fx.livy(&format!("/batches/{guid}"))).await, 404, "SparkCoreSessionNotFound");
    let r = fx.post(&fx.livy(&format!("/sessions/{guid}/reset-timeout")), json!({})).await;
    assert_error(&r, 404, "SparkCoreSessionNotFound");
    let r = fx
        .get(&format!(
            "{base}/v1/workspaces/{}/lakehouses/{}/livyapi/versions/2020-01-01/sessions",
            fx.ws, fx.lh
        ))
        .await;
    assert_error(&r, 404, "EntityNotFound");
    assert_error(&fx.get(&fx.livy("/sessions/x/log")).await, 404, "EntityNotFound");
    assert_error(&fx.get(&format!("{base}/v1/nothing-here")).await, 404, "EntityNotFound");
}

#[tokio::test]
async fn livyapi_segment_is_case_insensitive() {
    let fx = start().await;
    for seg in ["livyapi", "livyApi", "LIVYAPI"] {
        let url = format!(
            "{}/v1/workspaces/{}/lakehouses/{}/{seg}/versions/2023-12-01/sessions",
            fx.sim.base_url(),
            fx.ws,
            fx.lh
        );
        let r = fx.get(&url).await;
        assert_eq!(r.status, StatusCode::OK, "{seg}");
        assert_livy("LivySparkActivityList", &r.body);
        let created = fx.post(&url, json!({})).await;
        assert_eq!(created.status, StatusCode::ACCEPTED, "{seg}");
    }
}

#[tokio::test]
async fn describe_and_demo_workspaces_name_every_lakehouse() {
    let fx = start().await;
    let demo = fx.sim.shared().fabric().demo_workspaces();
    assert_eq!(demo.len(), 2);
    let names: Vec<&str> = demo.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, vec!["Sales Analytics", "Data Platform"]);
    let lines = fx.sim.shared().fabric().describe(fx.sim.base_url());
    let lakehouses: usize = demo.iter().map(|w| w.lakehouses.len()).sum();
    assert_eq!(lines.len(), lakehouses);
    assert!(lines[0].contains(&fx.livy("")) && lines[0].contains(DEMO_TOKEN), "{}", lines[0]);
    // Same seed, same ids.
    let again = start().await;
    assert_eq!(again.sim.shared().fabric().demo_workspaces(), demo);
    // Every described base URL answers.
    for w in &demo {
        for (lh, _) in &w.lakehouses {
            let url = format!(
                "{}/v1/workspaces/{}/lakehouses/{lh}/livyapi/versions/2023-12-01/batches",
                fx.sim.base_url(),
                w.workspace_id
            );
            assert_eq!(fx.get(&url).await.status, StatusCode::OK);
        }
    }
}
