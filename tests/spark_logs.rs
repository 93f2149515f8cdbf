//! The Spark application monitoring API end to end: the simulator's answers validated against
//! the published swagger (tests/specs/fabric-spark-monitoring-swagger.json), the client's
//! requests checked against the swagger's paths and parameters, logs paged through the
//! workspace layer (from the end, back to the top, growing while the batch runs), and the log
//! picker and a driver log drawn from real reads.

mod tui_support;

#[allow(dead_code)]
#[path = "common/api_fake.rs"]
mod api_fake;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use secrecy::SecretString;
use serde_json::{Value, json};
use sparkdeck::api::livy::{AppAddress, ItemType, SparkMonitoring};
use sparkdeck::api::{ApiKind, Endpoint, RetryPolicy};
use sparkdeck::app::{self, App, Effect, Msg, Pane};
use sparkdeck::auth::{Authenticator, StaticBearer};
use sparkdeck::domain::logs::{Earlier, LogSource, Placement};
use sparkdeck::domain::{Kind, Status, Target};
use sparkdeck::poll::ROW_LIMIT;
use sparkdeck::sim::{Sim, SimOptions};
use sparkdeck::workspace::rows::{self, Query};
use sparkdeck::workspace::spark_logs::{self, Cursor};
use sparkdeck::workspace::{self, Workspace};

const SWAGGER: &str = include_str!("specs/fabric-spark-monitoring-swagger.json");
const NOW: &str = "2026-11-22T10:00:00Z";
const SIZES: [(u16, u16); 2] = [(80, 24), (160, 45)];

struct Fx {
    sim: Sim,
    workspaces: Vec<Workspace>,
    app: App,
}

async fn fixture() -> Fx {
    let now: Timestamp = NOW.parse().unwrap_or(Timestamp::UNIX_EPOCH);
    let opts = SimOptions { speed: 0.0, start_ms: Some(now.as_millisecond()), ..SimOptions::default() };
    let sim = Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await.unwrap_or_else(|e| panic!("{e}"));
    let http = sparkdeck::api::http::client().unwrap_or_else(|e| panic!("{e}"));
    let ctx = sparkdeck::auth::AuthContext::new(http.clone(), std::env::temp_dir());
    let workspaces = workspace::connect(&sparkdeck::cli::demo::demo_config(&sim), &http, &ctx);
    let names = workspaces.iter().map(|w| app::WorkspaceRef::new(w.name.clone(), w.service)).collect();
    let mut app = App::new(names, now, TimeZone::UTC);
    for ws in workspaces.iter().filter(|w| w.service == sparkdeck::domain::Service::Fabric) {
        for kind in [Kind::Session, Kind::Batch] {
            let listing =
                rows::list(ws, kind, Query { limit: ROW_LIMIT, active_only: false, ..Query::default() }, &[])
                    .await
                    .unwrap_or_else(|e| panic!("{}: {e}", ws.name));
            app.update(Msg::Rows {
                workspace: ws.name.clone(),
                kind,
                rows: listing.rows.into(),
                fetched_at: now,
            });
        }
    }
    Fx { sim, workspaces, app }
}

impl Fx {
    fn ws(&self, name: &str) -> &Workspace {
        self.workspaces.iter().find(|w| w.name == name).unwrap_or_else(|| panic!("workspace {name}"))
    }

    /// A batch of ours (a configured lakehouse's) whose application runs now.
    async fn running_batch(&self) -> (&Workspace, Target) {
        for ws in self.workspaces.iter().filter(|w| w.service == sparkdeck::domain::Service::Fabric) {
            let listing = rows::list(
                ws,
                Kind::Batch,
                Query { limit: ROW_LIMIT, active_only: true, ..Query::default() },
                &[],
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
            // The one that started last: it runs on while a test advances the clock a little.
            let running =
                listing.rows.iter().filter(|r| r.status == Status::Busy && Target::of(r).lakehouse.is_some());
            if let Some(r) = running.max_by_key(|r| r.started_at) {
                return (ws, Target::of(r));
            }
        }
        panic!("the demo world has a running batch")
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        reqwest::Client::new()
            .get(format!("{}{path}", self.sim.base_url()))
            .bearer_auth(sparkdeck::sim::fabric::DEMO_TOKEN)
    }
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn draw(app: &mut App, size: (u16, u16)) -> String {
    format!("{}", tui_support::draw(app, size).backend())
}

// ---------- the swagger ----------

fn swagger() -> Value {
    serde_json::from_str(SWAGGER).unwrap_or_else(|e| panic!("{e}"))
}

/// A validator for `schema` with the swagger's definitions beside it (its `#/definitions/X`
/// references then resolve as they are: swagger 2.0 schemas are JSON Schema draft 4).
fn validator(schema: &Value) -> jsonschema::Validator {
    let mut root = schema.clone();
    root["definitions"] = swagger()["definitions"].clone();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&root)
        .unwrap_or_else(|e| panic!("schema compiles: {e}"))
}

/// The 200 schema of the operation `id`.
fn response_schema(id: &str) -> Value {
    let s = swagger();
    for ops in s["paths"].as_object().into_iter().flat_map(|p| p.values()) {
        if ops["get"]["operationId"] == id {
            return ops["get"]["responses"]["200"]["schema"].clone();
        }
    }
    panic!("no operation {id}")
}

#[track_caller]
fn assert_valid(id: &str, body: &Value) {
    let v = validator(&response_schema(id));
    let errors: Vec<String> = v.iter_errors(body).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{id}: {errors:?}\n{body:#}");
    // Every object field the answer carries is one the swagger defines (no invented names).
    fn names(schema: &Value, defs: &Value, body: &Value, at: &str) {
        let schema = match schema["$ref"].as_str() {
            Some(r) => &defs[r.trim_start_matches("#/definitions/")],
            None => schema,
        };
        match body {
            Value::Object(m) => {
                for (k, v) in m {
                    let field = &schema["properties"][k];
                    let open = schema["additionalProperties"].is_object();
                    assert!(!field.is_null() || open, "{at}.{k} is not in the swagger");
                    if !field.is_null() {
                        names(field, defs, v, &format!("{at}.{k}"));
                    }
                }
            }
            Value::Array(items) => {
                items.iter().for_each(|i| names(&schema["items"], defs, i, &format!("{at}[]")))
            }
            _ => {}
        }
    }
    names(&response_schema(id), &swagger()["definitions"], body, id);
}

fn app_path(a: &AppAddress) -> String {
    format!(
        "/v1/workspaces/{}/{}/{}/livySessions/{}/applications",
        a.workspace_id,
        a.item_type.segment(),
        a.item_id,
        a.livy_id
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_answers_as_the_swagger_says() {
    let f = fixture().await;
    let (ws, target) = f.running_batch().await;
    let a = spark_logs::locate(ws, &target).await.unwrap_or_else(|e| panic!("{e}")).address;
    let app = format!("{}/{}", app_path(&a), a.app_id.clone().unwrap_or_default());
    let json = |path: String| {
        let req = f.get(&path);
        async move {
            let r = req.send().await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(r.status(), 200, "{path}");
            r.json::<Value>().await.unwrap_or_else(|e| panic!("{path}: {e}"))
        }
    };
    for (attempt, id, query) in [
        ("", "DriverLog_Metadata", "type=driver&meta=true&fileName=stderr"),
        ("/1", "DriverLog_Metadata", "type=driver&meta=true&fileName=stdout"),
        ("", "DriverLog_Metadata_Rolling", "type=rollingdriver&meta=true"),
        (
            "/1",
            "DriverLog_Metadata_Rolling",
            "type=rollingdriver&meta=true&filenamePrefix=stderr&offset=0&maxResults=10",
        ),
        ("", "ExecutorLog_Metadata", "type=executor&meta=true"),
    ] {
        assert_valid(id, &json(format!("{app}{attempt}/logs?{query}")).await);
    }
    let livy = json(format!("{}/none/logs?type=livy&meta=true", app_path(&a))).await;
    assert_valid("LivyLog_Metadata", &livy);
    let usage = json(format!("{app}/resourceUsage")).await;
    assert_valid("ResourceUsage_Timeline", &usage);
    assert!(usage["data"]["timestamps"].as_array().is_some_and(|t| t.len() > 2), "{usage}");
    let snapshot = json(format!("{app}/1/resourceUsage/10000?executorLimit=1")).await;
    assert_valid("ResourceUsage_Snapshot", &snapshot);
    // The meta's length is the content's: the sizes a pager relies on.
    let meta = json(format!("{app}/logs?type=driver&meta=true&fileName=stderr")).await;
    let whole = f.get(&format!("{app}/logs?type=driver&fileName=stderr&size=100000000")).send().await;
    let whole = whole.unwrap_or_else(|e| panic!("{e}")).text().await.unwrap_or_default();
    assert_eq!(meta["containerLogMeta"]["length"].as_u64(), Some(whole.len() as u64));
    let part = f
        .get(&format!("{app}/logs?type=driver&fileName=stderr&isPartial=true&offset=10&size=20"))
        .send()
        .await;
    assert_eq!(part.unwrap_or_else(|e| panic!("{e}")).text().await.ok().as_deref(), whole.get(10..30));
    // Errors: a missing required parameter, an application that is not this session's.
    let err = |path: String| {
        let req = f.get(&path);
        async move {
            let r = req.send().await.unwrap_or_else(|e| panic!("{e}"));
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or_default())
        }
    };
    let (status, body) = err(format!("{app}/logs?type=driver&meta=true")).await;
    assert_eq!((status, body["errorCode"].as_str()), (400, Some("InvalidInput")), "{body}");
    let (status, body) =
        err(format!("{}/application_1_0001/logs?type=driver&meta=true&fileName=stderr", app_path(&a))).await;
    assert_eq!((status, body["errorCode"].as_str()), (404, Some("SparkApplicationNotFound")), "{body}");
    assert!(body["requestId"].is_string() && body["message"].is_string());
}

// ---------- the client's requests ----------

/// Does `path?query` match the swagger path template `template` (its query fixed parts
/// included), with the optional `{attemptId}` segment present or left out?
fn matches(template: &str, path: &str, query: &[(String, String)]) -> bool {
    let (tpath, tquery) = template.split_once('?').unwrap_or((template, ""));
    let fixed: Vec<(&str, &str)> = tquery.split('&').filter_map(|p| p.split_once('=')).collect();
    let fits = |t: &[&str], p: &[&str]| {
        t.len() == p.len() && t.iter().zip(p).all(|(t, p)| t.starts_with('{') || t == p)
    };
    let t: Vec<&str> = tpath.split('/').collect();
    let without: Vec<&str> = t.iter().copied().filter(|s| *s != "{attemptId}").collect();
    let p: Vec<&str> = path.split('/').collect();
    (fits(&t, &p) || fits(&without, &p))
        && fixed.iter().all(|(k, v)| query.iter().any(|(qk, qv)| qk == k && qv == v))
}

#[tokio::test]
async fn the_clients_requests_are_the_swaggers() {
    let fake = api_fake::Fake::start(|seen, _| {
        if seen.query.contains("meta=true") && seen.query.contains("type=executor") {
            api_fake::Reply::json(200, json!([]))
        } else if seen.query.contains("meta=true") || seen.path.ends_with("resourceUsage") {
            api_fake::Reply::json(200, json!({}))
        } else {
            api_fake::Reply::text(200, "application/octet-stream", "line\n")
        }
    })
    .await;
    let client = sparkdeck::api::http::client().unwrap_or_else(|e| panic!("{e}"));
    let auth: Arc<dyn Authenticator> =
        Arc::new(StaticBearer::new("t", SecretString::from("token".to_string())));
    let ep = Endpoint::new(client, ApiKind::Fabric, &fake.base, auth)
        .with_policy(RetryPolicy { max_attempts: 1, ..RetryPolicy::default() });
    for attempt in [None, Some(2)] {
        let a = AppAddress {
            workspace_id: "8f2e6a10-1111-4222-8333-444455556666".into(),
            item_type: ItemType::Notebook,
            item_id: "9f2e6a10-1111-4222-8333-444455556666".into(),
            livy_id: "af2e6a10-1111-4222-8333-444455556666".into(),
            app_id: Some("application_1730933685452_0001".into()),
            attempt,
        };
        let m = SparkMonitoring::new(ep.clone(), &a).unwrap_or_else(|e| panic!("{e}"));
        m.driver_meta("stderr").await.unwrap_or_else(|e| panic!("{e}"));
        m.rolling_meta(Some("stderr"), 0, 100).await.unwrap_or_else(|e| panic!("{e}"));
        m.driver_content("stderr", 65_536, 65_536).await.unwrap_or_else(|e| panic!("{e}"));
        m.executor_meta().await.unwrap_or_else(|e| panic!("{e}"));
        m.executor_content("container_1730933685452_0001_01_000002", "stderr", 1 << 20)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        m.livy_meta().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.livy_content(0, 1024).await.unwrap_or_else(|e| panic!("{e}")), "line\n");
        m.resource_usage().await.unwrap_or_else(|e| panic!("{e}"));
    }
    let s = swagger();
    let operations: Vec<(String, Value)> = s["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.iter().map(|(k, v)| (k.clone(), v["get"].clone())))
        .collect();
    let seen = fake.requests();
    assert_eq!(seen.len(), 16);
    for r in &seen {
        let query = r.query_pairs();
        let found: Vec<&(String, Value)> =
            operations.iter().filter(|(t, _)| matches(t, &r.path, &query)).collect();
        // The most specific template (the one fixing the most query values) is the operation.
        let (template, op) = found
            .iter()
            .max_by_key(|(t, _)| t.matches('=').count())
            .unwrap_or_else(|| panic!("{} {}?{} is no swagger operation", r.method, r.path, r.query));
        assert_eq!(r.method, "GET");
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let fixed: Vec<&str> = template
            .split_once('?')
            .map(|(_, q)| q.split('&').filter_map(|p| p.split('=').next()).collect())
            .unwrap_or_default();
        for (k, _) in &query {
            let declared = params.iter().any(|p| p["in"] == "query" && p["name"] == k.as_str());
            assert!(
                declared || fixed.contains(&k.as_str()),
                "{}: query {k} is not the swagger's",
                op["operationId"]
            );
        }
        for p in params.iter().filter(|p| p["in"] == "query" && p["required"] == true) {
            let name = p["name"].as_str().unwrap_or_default();
            assert!(query.iter().any(|(k, _)| k == name), "{}: required {name} missing", op["operationId"]);
        }
        assert_eq!(r.header("authorization"), Some("Bearer token"));
    }
}

// ---------- paging through the workspace layer ----------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_driver_log_is_paged_from_the_end_back_to_the_top_and_grows() {
    let f = fixture().await;
    let (ws, target) = f.running_batch().await;
    let stderr = LogSource::Driver("stderr".into());
    // Small ranges: many pages.
    const RANGE: u64 = 2_048;
    let (page, mut cursor) = spark_logs::read_in(ws, &target, &stderr, None, Placement::Replace, RANGE)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.placement, Placement::Replace);
    assert_eq!(page.earlier, Earlier::More, "a big log opens at its end");
    assert!(cursor.start > 0 && cursor.next > cursor.start, "{cursor:?}");
    let mut lines = page.lines;
    let mut reads = 1;
    while cursor.start > 0 {
        let (page, c) = spark_logs::read_in(ws, &target, &stderr, Some(cursor), Placement::Prepend, RANGE)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(page.placement, Placement::Prepend);
        assert!(c.start < cursor.start, "every read goes further back");
        lines.splice(0..0, page.lines);
        cursor = c;
        reads += 1;
    }
    assert!(reads > 2, "{reads} reads");
    // Put together, the pages are the log, every line once, in order.
    let a = spark_logs::locate(ws, &target).await.unwrap_or_else(|e| panic!("{e}")).address;
    let app = format!("{}/{}", app_path(&a), a.app_id.clone().unwrap_or_default());
    let whole = f.get(&format!("{app}/logs?type=driver&fileName=stderr&size=100000000")).send().await;
    let whole = whole.unwrap_or_else(|e| panic!("{e}")).text().await.unwrap_or_default();
    let read_lines: Vec<&str> = whole.lines().collect();
    assert_eq!(lines.len(), read_lines.len());
    assert!(lines.iter().zip(&read_lines).all(|(a, b)| a == b));
    // The batch goes on: the next read brings exactly what it wrote since.
    f.sim.advance(Duration::from_secs(5));
    let before = cursor.next;
    let (page, c) =
        spark_logs::read(ws, &target, &stderr, Some(Cursor { start: 0, next: before }), Placement::Append)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.placement, Placement::Append);
    assert!(!page.lines.is_empty() && c.next > before);
    assert!(page.lines[0].contains("INFO"), "starts at a line start: {:?}", page.lines[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn executor_one_has_its_own_log() {
    let f = fixture().await;
    let (ws, target) = f.running_batch().await;
    let (choices, note) = spark_logs::choices(ws, &target).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(note, None);
    let labels: Vec<String> = choices.iter().map(|c| c.source.label()).collect();
    for want in ["Livy log", "driver stderr", "driver stdout", "executor 1 stderr", "executor 1 stdout"] {
        assert!(labels.iter().any(|l| l == want), "{want} in {labels:?}");
    }
    let source = choices
        .iter()
        .map(|c| c.source.clone())
        .find(|s| s.label() == "executor 1 stderr")
        .unwrap_or_else(|| panic!("executor 1"));
    let (page, _) = spark_logs::read(ws, &target, &source, None, Placement::Replace)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(page.lines.iter().any(|l| l.contains("Starting executor ID 1 ")), "{:?}", page.lines);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notebook_from_the_monitoring_list_has_logs_too() {
    let f = fixture().await;
    for ws in f.workspaces.iter().filter(|w| w.service == sparkdeck::domain::Service::Fabric) {
        let listing = rows::list(
            ws,
            Kind::Session,
            Query { limit: ROW_LIMIT, active_only: false, ..Query::default() },
            &[],
        )
        .await;
        let rows = listing.unwrap_or_else(|e| panic!("{e}")).rows;
        let Some(r) = rows.iter().find(|r| {
            matches!(r.detail, sparkdeck::domain::Detail::Session { read_only: true, app_id: Some(_), .. })
                && r.raw["itemType"] == "Notebook"
        }) else {
            continue;
        };
        let (choices, _) = spark_logs::choices(ws, &Target::of(r)).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(choices.iter().any(|c| c.source == LogSource::Driver("stderr".into())), "{choices:?}");
        return;
    }
    panic!("the demo world has a notebook run that started");
}

// ---------- the views ----------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_picker_and_a_driver_log_on_screen() {
    let mut f = fixture().await;
    let (ws, target) = f.running_batch().await;
    let ws_name = ws.name.clone();
    let app = &mut f.app;
    *app = app.clone().with_pane(Pane::Batches);
    press(app, KeyCode::Char('/'));
    for c in target.id.chars() {
        press(app, KeyCode::Char(c));
    }
    press(app, KeyCode::Enter);
    let effects = press(app, KeyCode::Char('l'));
    let Some(Effect::LoadLogSources { target: asked }) = effects.first().cloned() else {
        panic!("{effects:?}")
    };
    assert_eq!(asked, target);
    let result = spark_logs::choices(f.ws(&ws_name), &target).await.map_err(|e| e.to_string());
    let app = &mut f.app;
    app.update(Msg::LogSources { target: target.clone(), result });
    press(app, KeyCode::Char('j'));
    for size in SIZES {
        assert_snapshot!(format!("log_picker_{}x{}", size.0, size.1), draw(app, size));
    }
    let effects = press(app, KeyCode::Enter);
    let source = LogSource::Driver("stderr".into());
    assert_eq!(effects, [Effect::FollowSparkLog { target: target.clone(), source: source.clone() }]);
    let (page, _) = spark_logs::read(f.ws(&ws_name), &target, &source, None, Placement::Replace)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let app = &mut f.app;
    app.update(Msg::LogPage { target, source, page });
    for size in SIZES {
        assert_snapshot!(format!("driver_log_{}x{}", size.0, size.1), draw(app, size));
    }
}

// ---------- the capacity signal ----------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_counts_capacity_refusals_and_queued_items_say_how_long_they_waited() {
    let mut f = fixture().await;
    let app = &mut f.app;
    *app = app.clone().with_pane(Pane::Sessions);
    let retries = vec![
        "retrying in 1.0 s (attempt 2 of 5): POST /v1/workspaces/w/lakehouses/l/livyapi/versions/2023-12-01/sessions → 430 TooManyRequestsForCapacity: [TooManyRequestsForCapacity] This Spark job can't be run because you have hit a Spark compute or API rate limit".to_string(),
        "retrying in 2.0 s (attempt 2 of 5): GET /v1/workspaces/w/spark/livySessions → 429 RequestBlocked: Request is blocked by the upstream service until: 11/22/2026 10:01:00 AM (UTC)".to_string(),
        "retrying in 1.0 s (attempt 2 of 5): GET /v1/workspaces/w/spark/livySessions → 503 Service Unavailable: busy".to_string(),
    ];
    app.update(Msg::Retried { workspace: "Sales Analytics".into(), retries });
    let mut problem = sparkdeck::domain::Problem::text("[TooManyRequestsForCapacity] capacity full");
    problem.status = Some("430 Too Many Requests For Capacity".into());
    let at: Timestamp = NOW.parse().unwrap_or(Timestamp::UNIX_EPOCH);
    app.update(Msg::PollFailed { workspace: "Sales Analytics".into(), kind: Kind::Batch, problem, at });
    for size in SIZES {
        let screen = draw(app, size);
        assert_snapshot!(format!("capacity_header_{}x{}", size.0, size.1), screen);
    }
    let screen = draw(app, (160, 45));
    assert!(screen.contains("capacity: 2 refusals, 1 blocked, last 10:00"), "{screen}");
    assert!(screen.contains("wait "), "queued sessions say how long they waited: {screen}");
}

// ---------- resource usage ----------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn details_of_a_running_batch_chart_its_resource_usage() {
    let mut f = fixture().await;
    let (ws, target) = f.running_batch().await;
    let ws_name = ws.name.clone();
    let (first, finished) =
        sparkdeck::workspace::spark_usage::usage(ws, &target).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(!finished && first.points.len() > 2, "{first:?}");
    assert!(first.points.iter().all(|p| p.running <= p.allocated));
    // It grows while the batch runs.
    f.sim.advance(Duration::from_secs(20));
    let (later, _) = sparkdeck::workspace::spark_usage::usage(f.ws(&ws_name), &target)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(later.points.len() > first.points.len());
    // Opening the details starts the watch; closing them stops it.
    let app = &mut f.app;
    *app = app.clone().with_pane(Pane::Batches);
    press(app, KeyCode::Char('/'));
    for c in target.id.chars() {
        press(app, KeyCode::Char(c));
    }
    press(app, KeyCode::Enter);
    let effects = press(app, KeyCode::Enter);
    assert!(effects.contains(&Effect::WatchUsage { target: target.clone() }), "{effects:?}");
    app.update(Msg::Usage { target: target.clone(), result: Ok((first, false)) });
    for size in SIZES {
        assert_snapshot!(format!("usage_in_details_{}x{}", size.0, size.1), draw(app, size));
    }
    let effects = press(app, KeyCode::Esc);
    assert!(effects.contains(&Effect::StopUsage), "{effects:?}");
    assert!(app.usage().is_none());
}
