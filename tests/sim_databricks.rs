//! The simulated Databricks REST API through plain HTTP: every endpoint group, the error bodies
//! of the reference, credential routing and lifecycles on the simulated clock.

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine as _;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use sparkdeck::sim::databricks::DemoDatabricksWorkspace;
use sparkdeck::sim::{Sim, SimOptions};

struct Fixture {
    sim: Sim,
    ws: Vec<DemoDatabricksWorkspace>,
    http: Client,
}

async fn fixture() -> Fixture {
    fixture_at(0).await
}

/// A fixture over `sim --scale scale` (1: ~500 clusters a workspace, 100k runs).
async fn fixture_at(scale: u32) -> Fixture {
    // Frozen time: lifecycles move only when a test advances the clock.
    let opts = SimOptions { speed: 0.0, scale, ..SimOptions::default() };
    let sim = Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await.unwrap_or_else(|e| panic!("{e}"));
    let ws = sim.shared().databricks().demo_workspaces(sim.base_url());
    Fixture { sim, ws, http: Client::new() }
}

impl Fixture {
    async fn call_as(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.sim.base_url())).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call_as(&self.ws[0].pat, Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call_as(&self.ws[0].pat, Method::POST, path, Some(body)).await
    }

    async fn cluster(&self, id: &str) -> Value {
        let (status, body) = self.get(&format!("/api/2.1/clusters/get?cluster_id={id}")).await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

fn jwt(claims: Value) -> String {
    let enc = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.sig", enc(&json!({"alg": "RS256", "typ": "JWT"})), enc(&claims))
}

fn future_exp() -> i64 {
    jiff::Timestamp::now().as_second() + 3600
}

#[tokio::test]
async fn credentials_pick_the_workspace_and_bad_ones_get_the_legacy_bodies() {
    let f = fixture().await;
    let (s, me0) = f.get("/api/2.0/preview/scim/v2/Me").await;
    assert_eq!(s, 200);
    let (_, me1) = f.call_as(&f.ws[1].pat, Method::GET, "/api/2.0/preview/scim/v2/Me", None).await;
    assert_ne!(me0["userName"], me1["userName"], "two workspaces, two users");

    let resp = f
        .http
        .get(format!("{}/api/2.1/clusters/list", f.sim.base_url()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 401);
    let body: Value = resp.json().await.unwrap_or_default();
    assert_eq!(body["error_code"], 401, "legacy integer error_code: {body}");
    assert!(body["message"].as_str().unwrap_or_default().starts_with("Credential was not sent"));

    let resp = f
        .http
        .get(format!("{}/api/2.1/clusters/list", f.sim.base_url()))
        .bearer_auth("dapi00000000000000000000000000000000")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 403);
    assert_eq!(
        resp.headers().get("x-databricks-reason-phrase").and_then(|v| v.to_str().ok()),
        Some("Invalid access token.")
    );
    let body: Value = resp.json().await.unwrap_or_default();
    assert_eq!(body, json!({"error_code": 403, "message": "Invalid access token."}));
}

#[tokio::test]
async fn entra_tokens_and_service_principal_provisioning() {
    let f = fixture().await;
    let user = jwt(
        json!({"aud": "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d", "exp": future_exp(), "upn": "ada@contoso.com"}),
    );
    assert_eq!(f.call_as(&user, Method::GET, "/api/2.0/preview/scim/v2/Me", None).await.0, 200);

    let expired =
        jwt(json!({"aud": "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d", "exp": 1000, "upn": "ada@contoso.com"}));
    let (s, body) = f.call_as(&expired, Method::GET, "/api/2.1/clusters/list", None).await;
    assert_eq!(s, 403);
    assert!(body["message"].as_str().unwrap_or_default().contains("token expired"), "{body}");

    let app = "11111111-2222-3333-4444-555555555555";
    let sp = jwt(
        json!({"aud": "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d", "exp": future_exp(), "appid": app, "idtyp": "app"}),
    );
    let (s, body) = f.call_as(&sp, Method::GET, "/api/2.1/clusters/list", None).await;
    assert_eq!(s, 403);
    // As Azure Databricks answers a service principal that is not a workspace user.
    assert_eq!(body["error_code"], 403);
    assert!(
        body["message"].as_str().unwrap_or_default().starts_with("Unauthorized access to Org: "),
        "{body}"
    );

    let mgmt = jwt(json!({"aud": "https://management.core.windows.net/", "exp": future_exp(), "appid": app}));
    let resp = f
        .http
        .get(format!("{}/api/2.1/clusters/list", f.sim.base_url()))
        .bearer_auth(&sp)
        .header("X-Databricks-Azure-SP-Management-Token", &mgmt)
        .header("X-Databricks-Azure-Workspace-Resource-Id", &f.ws[1].resource_id)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 200, "management headers provision the SP");
    // Provisioned: later calls need no management token (the resource id still routes).
    let resp = f
        .http
        .get(format!("{}/api/2.0/preview/scim/v2/Me", f.sim.base_url()))
        .bearer_auth(&sp)
        .header("X-Databricks-Azure-Workspace-Resource-Id", &f.ws[1].resource_id)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn host_metadata_and_oauth_m2m() {
    let f = fixture().await;
    let meta: Value = f
        .http
        .get(format!("{}/.well-known/databricks-config", f.sim.base_url()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    assert_eq!(meta["cloud"], "AZURE");
    assert_eq!(meta["workspace_id"], f.ws[0].workspace_id);
    let discovery: Value = f
        .http
        .get(format!("{}/oidc/.well-known/oauth-authorization-server", f.sim.base_url()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    let token_url = discovery["token_endpoint"].as_str().unwrap_or_default().to_string();
    assert!(token_url.ends_with("/oidc/v1/token"));
    let ok = f
        .http
        .post(&token_url)
        .basic_auth(&f.ws[1].m2m_client_id, Some(&f.ws[1].m2m_client_secret))
        .form(&[("grant_type", "client_credentials"), ("scope", "all-apis")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok.status(), 200);
    let token: Value = ok.json().await.unwrap_or_default();
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 3600);
    let access = token["access_token"].as_str().unwrap_or_default();
    let (_, me) = f.call_as(access, Method::GET, "/api/2.0/preview/scim/v2/Me", None).await;
    let (_, me1) = f.call_as(&f.ws[1].pat, Method::GET, "/api/2.0/preview/scim/v2/Me", None).await;
    assert_eq!(me["userName"], me1["userName"], "the M2M token belongs to the second workspace");
    let bad = f
        .http
        .post(&token_url)
        .basic_auth(&f.ws[1].m2m_client_id, Some("wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bad.status(), 401);
    let body: Value = bad.json().await.unwrap_or_default();
    assert_eq!(body["error"], "invalid_client");
}

#[tokio::test]
async fn cluster_lifecycle_actions_and_events() {
    let f = fixture().await;
    let (s, versions) = f.get("/api/2.1/clusters/spark-versions").await;
    assert_eq!(s, 200);
    let version = versions["versions"][0]["key"].as_str().unwrap_or_default().to_string();
    let (_, nodes) = f.get("/api/2.1/clusters/list-node-types").await;
    assert!(
        nodes["node_types"]
            .as_array()
            .is_some_and(|n| n.iter().all(|t| t["node_type_id"].is_string() && t["num_cores"].is_number()))
    );

    let (s, created) = f
        .post(
            "/api/2.1/clusters/create",
            json!({"cluster_name": "it-test", "spark_version": version, "node_type_id": "Standard_DS3_v2", "num_workers": 2, "autotermination_minutes": 30, "custom_tags": {"team": "qa"}}),
        )
        .await;
    assert_eq!(s, 200, "{created}");
    let id = created["cluster_id"].as_str().unwrap_or_default().to_string();
    assert_eq!(f.cluster(&id).await["state"], "PENDING");
    let (s, body) = f.post("/api/2.1/clusters/resize", json!({"cluster_id": id, "num_workers": 4})).await;
    assert_eq!(
        (s.as_u16(), body["error_code"].as_str()),
        (400, Some("INVALID_STATE")),
        "resize needs RUNNING"
    );
    f.sim.advance(Duration::from_secs(5 * 60));
    let c = f.cluster(&id).await;
    assert_eq!(c["state"], "RUNNING");
    assert_eq!(c["custom_tags"]["team"], "qa");
    assert_eq!(c["num_workers"], 2);
    let (s, body) = f.post("/api/2.1/clusters/start", json!({"cluster_id": id})).await;
    assert_eq!(s, 400);
    assert_eq!(body["message"], format!("Cluster {id} is in unexpected state Running."));

    assert_eq!(f.post("/api/2.1/clusters/resize", json!({"cluster_id": id, "num_workers": 4})).await.0, 200);
    assert_eq!(f.cluster(&id).await["state"], "RESIZING");
    f.sim.advance(Duration::from_secs(120));
    assert_eq!(f.cluster(&id).await["num_workers"], 4);
    assert_eq!(f.post("/api/2.1/clusters/restart", json!({"cluster_id": id})).await.0, 200);
    assert_eq!(f.cluster(&id).await["state"], "RESTARTING");
    f.sim.advance(Duration::from_secs(180));
    assert_eq!(f.post("/api/2.1/clusters/pin", json!({"cluster_id": id})).await.0, 200);
    assert_eq!(f.cluster(&id).await["is_pinned"], true);
    assert_eq!(f.post("/api/2.1/clusters/unpin", json!({"cluster_id": id})).await.0, 200);
    let edit =
        json!({"cluster_id": id, "cluster_name": "it-test-2", "spark_version": version, "num_workers": 1});
    assert_eq!(f.post("/api/2.1/clusters/edit", edit).await.0, 200);
    f.sim.advance(Duration::from_secs(180));
    assert_eq!(f.cluster(&id).await["cluster_name"], "it-test-2");

    assert_eq!(f.post("/api/2.1/clusters/delete", json!({"cluster_id": id})).await.0, 200);
    assert_eq!(f.cluster(&id).await["state"], "TERMINATING");
    f.sim.advance(Duration::from_secs(60));
    let c = f.cluster(&id).await;
    assert_eq!(c["state"], "TERMINATED");
    assert_eq!(c["termination_reason"]["code"], "USER_REQUEST");
    assert_eq!(c["termination_reason"]["type"], "SUCCESS");

    // Events: newest first, paged both ways.
    let (_, page) = f.post("/api/2.1/clusters/events", json!({"cluster_id": id, "limit": 3})).await;
    let types: Vec<&str> = page["events"]
        .as_array()
        .map(|e| e.iter().filter_map(|x| x["type"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(types.len(), 3);
    assert_eq!(types[0], "TERMINATING");
    assert!(page["total_count"].as_u64().unwrap_or(0) >= 8, "{page}");
    let (_, next) = f.post("/api/2.1/clusters/events", page["next_page"].clone()).await;
    let (_, by_token) = f
        .post(
            "/api/2.1/clusters/events",
            json!({"cluster_id": id, "limit": 3, "page_token": page["next_page_token"]}),
        )
        .await;
    assert_eq!(next["events"], by_token["events"]);
    assert_ne!(next["events"], page["events"]);

    assert_eq!(f.post("/api/2.1/clusters/permanent-delete", json!({"cluster_id": id})).await.0, 200);
    let (s, body) = f.get(&format!("/api/2.1/clusters/get?cluster_id={id}")).await;
    assert_eq!((s.as_u16(), body["error_code"].as_str()), (400, Some("INVALID_PARAMETER_VALUE")));
    assert_eq!(body["message"], format!("Cluster {id} does not exist"));
}

#[tokio::test]
async fn cluster_lists_page_filter_and_2_0_is_unpaged() {
    let f = fixture().await;
    let (_, all) = f.get("/api/2.0/clusters/list").await;
    let total = all["clusters"].as_array().map_or(0, Vec::len);
    assert!(total >= 10 && all.get("next_page_token").is_none());
    let mut seen = 0;
    let mut token = String::new();
    loop {
        let (_, page) = f.get(&format!("/api/2.1/clusters/list?page_size=4&page_token={token}")).await;
        seen += page["clusters"].as_array().map_or(0, Vec::len);
        match page["next_page_token"].as_str() {
            Some(t) => token = t.to_string(),
            None => break,
        }
    }
    assert_eq!(seen, total);
    let (_, filtered) =
        f.get("/api/2.1/clusters/list?filter_by.cluster_states=RUNNING&filter_by.cluster_states=PENDING&filter_by.is_pinned=True").await;
    let rows = filtered["clusters"].as_array().cloned().unwrap_or_default();
    assert!(
        !rows.is_empty()
            && rows
                .iter()
                .all(|c| c["is_pinned"] == true && (c["state"] == "RUNNING" || c["state"] == "PENDING"))
    );
    let (s, _) = f.get("/api/2.1/clusters/list?filter_by.is_pinned=maybe").await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn runs_list_rules_and_run_actions() {
    let f = fixture().await;
    let (s, body) = f.get("/api/2.2/jobs/runs/list?limit=26").await;
    assert_eq!((s.as_u16(), body["error_code"].as_str()), (400, Some("INVALID_PARAMETER_VALUE")));
    let (s, _) = f.get("/api/2.2/jobs/runs/list?active_only=true&completed_only=true").await;
    assert_eq!(s, 400);
    let (_, page) = f.get("/api/2.1/jobs/runs/list?limit=25").await;
    let runs = page["runs"].as_array().cloned().unwrap_or_default();
    assert_eq!(runs.len(), 25);
    assert_eq!(page["has_more"], true);
    assert!(
        runs.iter().all(|r| r["state"]["life_cycle_state"].is_string() && r["status"]["state"].is_string())
    );
    let (_, default) = f.get("/api/2.2/jobs/runs/list").await;
    assert_eq!(default["runs"].as_array().map_or(0, Vec::len), 20);

    let (_, jobs) = f.get("/api/2.2/jobs/list?limit=100&expand_tasks=true").await;
    let job = |name: &str| {
        jobs["jobs"]
            .as_array()
            .and_then(|j| j.iter().find(|x| x["settings"]["name"] == name).cloned())
            .unwrap_or_default()
    };
    let etl = job("nightly-sales-etl");
    assert_eq!(etl["settings"]["tasks"].as_array().map_or(0, Vec::len), 4);
    let (s, got) = f.get(&format!("/api/2.2/jobs/get?job_id={}", etl["job_id"])).await;
    assert_eq!((s.as_u16(), &got["settings"]["name"]), (200, &json!("nightly-sales-etl")));
    let (s, missing) = f.get("/api/2.2/jobs/get?job_id=42").await;
    assert_eq!((s.as_u16(), missing["message"].as_str()), (400, Some("Job 42 does not exist.")));

    // A multi-task run: live states, output per task only, no delete while active.
    let (_, started) =
        f.post("/api/2.2/jobs/run-now", json!({"job_id": etl["job_id"], "idempotency_token": "abc"})).await;
    let run_id = started["run_id"].as_i64().unwrap_or_default();
    let (_, again) =
        f.post("/api/2.2/jobs/run-now", json!({"job_id": etl["job_id"], "idempotency_token": "abc"})).await;
    assert_eq!(again["run_id"], run_id, "idempotency token returns the same run");
    let (s, body) = f.post("/api/2.2/jobs/runs/delete", json!({"run_id": run_id})).await;
    assert_eq!((s.as_u16(), body["error_code"].as_str()), (400, Some("INVALID_STATE")));
    let (s, body) = f.get(&format!("/api/2.2/jobs/runs/get-output?run_id={run_id}")).await;
    assert_eq!(s, 400);
    assert!(body["message"].as_str().unwrap_or_default().contains("multiple tasks"));
    f.sim.advance(Duration::from_secs(3 * 60));
    let (_, run) = f.get(&format!("/api/2.2/jobs/runs/get?run_id={run_id}")).await;
    assert_eq!(run["state"]["life_cycle_state"], "RUNNING");
    assert_eq!(run["tasks"].as_array().map_or(0, Vec::len), 4);
    assert_eq!(f.post("/api/2.2/jobs/runs/cancel", json!({"run_id": run_id})).await.0, 200);
    f.sim.advance(Duration::from_secs(10));
    let (_, run) = f.get(&format!("/api/2.2/jobs/runs/get?run_id={run_id}")).await;
    assert_eq!(run["state"]["result_state"], "CANCELED");
    assert_eq!(run["status"]["termination_details"]["code"], "USER_CANCELED");

    // Repair the cancelled run, then delete it once finished.
    let (s, repaired) =
        f.post("/api/2.2/jobs/runs/repair", json!({"run_id": run_id, "rerun_all_failed_tasks": true})).await;
    assert_eq!(s, 200, "{repaired}");
    let repair_id = repaired["repair_id"].as_i64().unwrap_or_default();
    let (_, run) = f.get(&format!("/api/2.2/jobs/runs/get?run_id={run_id}")).await;
    assert_eq!(run["repair_history"][1]["id"], repair_id);
    f.sim.advance(Duration::from_secs(60 * 60));
    let (s, _) =
        f.post("/api/2.2/jobs/runs/repair", json!({"run_id": run_id, "rerun_all_failed_tasks": true})).await;
    assert_eq!(s, 400, "latest_repair_id is required after the first repair");
    assert_eq!(f.post("/api/2.2/jobs/runs/delete", json!({"run_id": run_id})).await.0, 200);
    let (s, _) = f.get(&format!("/api/2.2/jobs/runs/get?run_id={run_id}")).await;
    assert_eq!(s, 400);

    // One-time submit and cancel-all.
    let (_, submitted) = f
        .post("/api/2.2/jobs/runs/submit", json!({"run_name": "adhoc", "tasks": [{"task_key": "t", "notebook_task": {"notebook_path": "/Users/me/nb"}}]}))
        .await;
    let sid = submitted["run_id"].as_i64().unwrap_or_default();
    let (_, run) = f.get(&format!("/api/2.2/jobs/runs/get?run_id={sid}")).await;
    assert_eq!(run["run_type"], "SUBMIT_RUN");
    let streaming = job("clickstream-streaming");
    assert_eq!(f.post("/api/2.2/jobs/runs/cancel-all", json!({"job_id": streaming["job_id"]})).await.0, 200);
    f.sim.advance(Duration::from_secs(10));
    let (_, active) =
        f.get(&format!("/api/2.2/jobs/runs/list?job_id={}&active_only=true", streaming["job_id"])).await;
    assert_eq!(active["runs"].as_array().map_or(0, Vec::len), 0, "{active}");
}

#[tokio::test]
async fn commands_tokens_secrets_and_scim() {
    let f = fixture().await;
    let (_, list) = f.get("/api/2.1/clusters/list?filter_by.cluster_states=RUNNING").await;
    let cluster = list["clusters"][0]["cluster_id"].as_str().unwrap_or_default().to_string();
    let (_, ctx) =
        f.post("/api/1.2/contexts/create", json!({"clusterId": cluster, "language": "python"})).await;
    let ctx = ctx["id"].as_str().unwrap_or_default().to_string();
    let (_, status) = f.get(&format!("/api/1.2/contexts/status?clusterId={cluster}&contextId={ctx}")).await;
    assert_eq!(status["status"], "Pending");
    f.sim.advance(Duration::from_secs(3));
    let (_, cmd) = f
        .post(
            "/api/1.2/commands/execute",
            json!({"clusterId": cluster, "contextId": ctx, "language": "python", "command": "print(1/0)"}),
        )
        .await;
    f.sim.advance(Duration::from_secs(5));
    let (_, done) = f
        .get(&format!(
            "/api/1.2/commands/status?clusterId={cluster}&contextId={ctx}&commandId={}",
            cmd["id"].as_str().unwrap_or_default()
        ))
        .await;
    assert_eq!(done["status"], "Finished");
    assert_eq!(done["results"]["resultType"], "error");
    assert!(done["results"]["summary"].as_str().unwrap_or_default().contains("ZeroDivisionError"));
    let (s, err) = f
        .post("/api/1.2/commands/execute", json!({"clusterId": "nope", "contextId": ctx, "command": "1"}))
        .await;
    assert_eq!(s, 400);
    assert!(err["error"].is_string(), "1.2 errors are {{\"error\"}}: {err}");

    let (_, created) = f.post("/api/2.0/token/create", json!({"comment": "ci"})).await;
    assert_eq!(created["token_info"]["expiry_time"], -1);
    let (s, _) = f.post("/api/2.0/token/delete", json!({"token_id": "missing"})).await;
    assert_eq!(s, 404);
    for i in 0..598 {
        let (s, body) = f.post("/api/2.0/token/create", json!({"comment": format!("t{i}")})).await;
        assert_eq!(s, 200, "{body}");
    }
    let (s, body) = f.post("/api/2.0/token/create", json!({})).await;
    assert_eq!((s.as_u16(), body["error_code"].as_str()), (400, Some("QUOTA_EXCEEDED")));

    assert_eq!(f.post("/api/2.0/secrets/scopes/create", json!({"scope": "s1"})).await.0, 200);
    let (s, body) = f.post("/api/2.0/secrets/scopes/create", json!({"scope": "s1"})).await;
    assert_eq!((s.as_u16(), body["error_code"].as_str()), (409, Some("RESOURCE_ALREADY_EXISTS")));
    let (s, _) = f.post("/api/2.0/secrets/scopes/create", json!({"scope": "bad name!"})).await;
    assert_eq!(s, 400);
    assert_eq!(
        f.post("/api/2.0/secrets/put", json!({"scope": "s1", "key": "k", "bytes_value": "aGVsbG8="})).await.0,
        200
    );
    let (_, secret) = f.get("/api/2.0/secrets/get?scope=s1&key=k").await;
    assert_eq!(secret["value"], "aGVsbG8=");
    let (_, acls) = f.get("/api/2.0/secrets/acls/list?scope=s1").await;
    assert_eq!(acls["items"][0]["permission"], "MANAGE", "the creator manages a new scope");
    let (s, body) =
        f.post("/api/2.0/secrets/put", json!({"scope": "nope", "key": "k", "string_value": "v"})).await;
    assert_eq!((s.as_u16(), body["error_code"].as_str()), (404, Some("RESOURCE_DOES_NOT_EXIST")));

    let sp = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"], "applicationId": "aaaaaaaa-1111-2222-3333-444444444444", "displayName": "ci"});
    let (s, created) = f.post("/api/2.0/preview/scim/v2/ServicePrincipals", sp.clone()).await;
    assert_eq!(s, 201);
    let (s, dup) = f.post("/api/2.0/preview/scim/v2/ServicePrincipals", sp).await;
    assert_eq!(s, 409);
    assert_eq!(dup["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error");
    assert_eq!(dup["status"], "409");
    let (_, found) = f.get("/api/2.0/preview/scim/v2/ServicePrincipals?filter=applicationId%20eq%20%22aaaaaaaa-1111-2222-3333-444444444444%22").await;
    assert_eq!(found["totalResults"], 1);
    let id = created["id"].as_str().unwrap_or_default();
    let (s, _) = f
        .call_as(
            &f.ws[0].pat,
            Method::DELETE,
            &format!("/api/2.0/preview/scim/v2/ServicePrincipals/{id}"),
            None,
        )
        .await;
    assert_eq!(s, 204);
}

#[tokio::test]
async fn bad_requests_get_the_apis_own_errors() {
    let f = fixture().await;
    let resp = f
        .http
        .post(format!("{}/api/2.1/clusters/start", f.sim.base_url()))
        .bearer_auth(&f.ws[0].pat)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap_or_default();
    assert_eq!(body["error_code"], "MALFORMED_REQUEST");
    let (s, body) = f.post("/api/2.1/clusters/start", json!({})).await;
    assert_eq!((s.as_u16(), body["error_code"].as_str()), (400, Some("INVALID_PARAMETER_VALUE")));
    let (s, body) = f.get("/api/2.0/nothing/here").await;
    assert_eq!(s, 404);
    assert_eq!(
        body,
        json!({"error_code": "ENDPOINT_NOT_FOUND", "message": "No API found for 'GET /api/2.0/nothing/here'"})
    );
    let (s, _) = f.post("/api/2.2/jobs/run-now", json!({"job_id": "not-a-number"})).await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn scale_generates_benchmark_volumes() {
    let f = fixture_at(2).await;
    let (_, page) = f.get("/api/2.0/clusters/list").await;
    assert!(
        page["clusters"].as_array().map_or(0, Vec::len) >= 1000,
        "scale 2 → 2000 clusters over two workspaces"
    );
    let (_, runs) = f.get("/api/2.2/jobs/runs/list?limit=25").await;
    assert_eq!(runs["runs"].as_array().map_or(0, Vec::len), 25);
    assert_eq!(runs["has_more"], true);
}

#[tokio::test]
async fn cluster_pages_follow_one_order_in_both_directions() {
    // ~500 clusters a workspace (six pages); the clock stopped, so every read sees the same world.
    let f = fixture_at(1).await;
    let ids = |page: &Value| -> Vec<(String, bool, i64)> {
        page["clusters"]
            .as_array()
            .map(|cs| {
                cs.iter()
                    .map(|c| {
                        let id = c["cluster_id"].as_str().unwrap_or_default().to_string();
                        (id, c["state"] != "RUNNING", c["start_time"].as_i64().unwrap_or_default())
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let whole = ids(&f.get("/api/2.0/clusters/list").await.1);
    assert!(whole.len() > 500, "{}", whole.len());
    // Running first, then the most recent start first.
    assert!(whole.windows(2).all(|w| (w[0].1, -w[0].2) <= (w[1].1, -w[1].2)), "the default order");
    for (direction, want) in [("DESC", whole.clone()), ("ASC", whole.iter().rev().cloned().collect())] {
        let (mut paged, mut token) = (Vec::new(), String::new());
        loop {
            let q = format!(
                "/api/2.1/clusters/list?page_size=100&sort_by.direction={direction}&page_token={token}"
            );
            let (_, page) = f.get(&q).await;
            paged.extend(ids(&page));
            match page["next_page_token"].as_str() {
                Some(t) if !t.is_empty() => token = t.to_string(),
                _ => break,
            }
        }
        assert_eq!(paged, want, "{direction}: the pages, in turn, are the whole list in that order");
    }
}
