//! Fabric core monitoring: `GET /v1/workspaces/{ws}/spark/livySessions` (every Spark session of
//! the workspace: Livy API sessions and batches, notebook and Spark job definition runs) and
//! `GET /v1/workspaces/{ws}/lakehouses/{lh}/livySessions[/{livyId}]` (the lakehouse's Livy API
//! sessions and batches), in the `LivySession` shape of the fabric-rest spec, newest first, with
//! `continuationToken` / `continuationUri` paging (both removed on the last page).

use base64::Engine as _;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::sessions::{self, display_name, principal};
use super::state::{ItemKind, ItemRun, Principal, PrincipalKind, RunOutcome, View, Workspace};
use super::{ApiError, Ctx, Reply, batches};
use crate::sim::clock::{SimMillis, rfc3339};

/// Items per page [I: Fabric's page size for this list is undocumented].
pub const PAGE_SIZE: usize = 50;

#[derive(Clone, Copy)]
enum Entry {
    Session(usize),
    Batch(usize),
    Run(usize),
}

fn entries(ws: &mut Workspace, lh: Option<Uuid>, ctx: &Ctx) -> Vec<(SimMillis, Uuid, Entry)> {
    let mut out = Vec::new();
    for (i, s) in ws.sessions.iter_mut().enumerate() {
        if lh.is_none_or(|lh| s.lakehouse == lh) {
            s.settle(ctx.now, ctx.engine);
            out.push((s.submitted, s.id, Entry::Session(i)));
        }
    }
    for (i, b) in ws.batches.iter().enumerate() {
        if lh.is_none_or(|lh| b.lakehouse == lh) {
            out.push((b.submitted, b.id, Entry::Batch(i)));
        }
    }
    if lh.is_none() {
        for (i, r) in ws.runs.iter().enumerate() {
            out.push((r.submitted, r.livy_id, Entry::Run(i)));
        }
    }
    out.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    out
}

fn encode_token(submitted: SimMillis, id: Uuid) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{submitted}:{id}"))
}

fn decode_token(token: &str) -> Option<(SimMillis, Uuid)> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token.trim_end_matches('=')).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (ms, id) = text.split_once(':')?;
    Some((ms.parse().ok()?, Uuid::parse_str(id).ok()?))
}

pub fn list(
    ws: &mut Workspace,
    lh: Option<Uuid>,
    principals: &[Principal],
    ctx: &Ctx,
) -> Result<Reply, ApiError> {
    let token = ctx.query.iter().find(|(k, _)| k == "continuationToken").map(|(_, v)| v.as_str());
    let filters = Filters::parse(&ctx.query)?;
    let all = entries(ws, lh, ctx);
    let start = match token.filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => {
            let (ms, id) = decode_token(t).ok_or_else(|| {
                ApiError::new(400, "InvalidContinuationToken", "The continuation token is not valid.")
            })?;
            // Resume strictly after the last item returned, in the list's order.
            all.iter().position(|(m, i, _)| (*m, *i) < (ms, id)).unwrap_or(all.len())
        }
    };
    let mut value = Vec::new();
    let mut last = None;
    let mut more = false;
    for (ms, id, entry) in all.iter().skip(start) {
        let item = render(ws, *entry, principals, ctx);
        if !filters.matches(&item) {
            continue;
        }
        if value.len() == PAGE_SIZE {
            more = true;
            break;
        }
        last = Some((*ms, *id));
        value.push(item);
    }
    let mut body = Map::new();
    body.insert("value".into(), Value::Array(value));
    if more && let Some((ms, id)) = last {
        let token = encode_token(ms, id);
        let path = match lh {
            Some(lh) => format!("/v1/workspaces/{}/lakehouses/{lh}/livySessions", ws.id),
            None => format!("/v1/workspaces/{}/spark/livySessions", ws.id),
        };
        let uri = format!("{}{path}?{}continuationToken={token}", ctx.base_url, filters.query);
        body.insert("continuationUri".into(), json!(uri));
        body.insert("continuationToken".into(), json!(token));
    }
    Ok(Reply::json(200, Value::Object(body)))
}

/// The beta list filters (`?beta=true&state=&submitter.Id=&submittedDateTime=&endDateTime=`):
/// states (comma-separated), submitter, submitted at or after, ended at or before.
#[derive(Default)]
struct Filters {
    states: Vec<String>,
    submitter: Option<Uuid>,
    submitted_from: Option<jiff::Timestamp>,
    ended_by: Option<jiff::Timestamp>,
    /// The filters again, encoded for the continuation URI (ends with `&` when not empty).
    query: String,
}

impl Filters {
    fn parse(query: &[(String, String)]) -> Result<Filters, ApiError> {
        let mut f = Filters::default();
        let beta = query.iter().any(|(k, v)| k == "beta" && v.eq_ignore_ascii_case("true"));
        if !beta {
            return Ok(f);
        }
        let invalid =
            |k: &str| ApiError::new(400, "InvalidInput", &format!("The value of '{k}' is not valid."));
        let time = |k: &str, v: &str| v.parse::<jiff::Timestamp>().map_err(|_| invalid(k));
        for (k, v) in query {
            match k.as_str() {
                "state" => f.states = v.split(',').map(|s| s.trim().to_ascii_lowercase()).collect(),
                "submitter.Id" => f.submitter = Some(Uuid::parse_str(v).map_err(|_| invalid(k))?),
                "submittedDateTime" => f.submitted_from = Some(time(k, v)?),
                "endDateTime" => f.ended_by = Some(time(k, v)?),
                "beta" => {}
                _ => continue,
            }
            f.query.push_str(&format!("{}={}&", encode(k), encode(v)));
        }
        Ok(f)
    }

    fn matches(&self, item: &Value) -> bool {
        let text = |k: &str| item[k].as_str().unwrap_or_default();
        let at = |k: &str| text(k).parse::<jiff::Timestamp>().ok();
        (self.states.is_empty() || self.states.contains(&text("state").to_ascii_lowercase()))
            && self.submitter.is_none_or(|id| item["submitter"]["id"] == json!(id))
            && self.submitted_from.is_none_or(|from| at("submittedDateTime").is_some_and(|t| t >= from))
            && self.ended_by.is_none_or(|by| at("endDateTime").is_some_and(|t| t <= by))
    }
}

/// Percent-encode a query component (RFC 3986 unreserved characters pass).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn get(
    ws: &mut Workspace,
    lh: Uuid,
    livy_id: &str,
    principals: &[Principal],
    ctx: &Ctx,
) -> Result<Reply, ApiError> {
    let not_found =
        || ApiError::not_found("SparkCoreSessionNotFound", &format!("Livy session {livy_id} was not found."));
    let id = Uuid::parse_str(livy_id).map_err(|_| not_found())?;
    let entry = if let Some(i) = ws.session_index(lh, id) {
        ws.sessions[i].settle(ctx.now, ctx.engine);
        Entry::Session(i)
    } else if let Some(i) = ws.batch_index(lh, id) {
        Entry::Batch(i)
    } else {
        return Err(not_found());
    };
    Ok(Reply::json(200, render(ws, entry, principals, ctx)))
}

fn duration(ms: i64) -> Value {
    json!({ "value": ms.max(0) / 1000, "timeUnit": "Seconds" })
}

/// A stable second GUID for `jobInstanceId`, derived from the Livy id.
fn job_instance(id: Uuid) -> Uuid {
    let mixed = id.as_u128().rotate_left(41) ^ 0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c834;
    uuid::Builder::from_random_bytes(mixed.to_be_bytes()).into_uuid()
}

/// "28g" → 28 (monitoring reports memory as whole GB).
fn gigabytes(value: Option<&Value>) -> Option<i64> {
    let s = value?.as_str()?.trim().to_ascii_lowercase();
    s.trim_end_matches("gb").trim_end_matches('g').trim().parse().ok()
}

struct Common<'a> {
    id: Uuid,
    app_id: Option<&'a str>,
    name: Option<String>,
    submitter: u16,
    submitted: SimMillis,
    item_id: Uuid,
    item_name: String,
    item_type: &'static str,
    job_type: &'static str,
    operation: &'static str,
    high_concurrency: bool,
    job_instance: Uuid,
    request: Option<&'a Map<String, Value>>,
}

fn render(ws: &Workspace, entry: Entry, principals: &[Principal], ctx: &Ctx) -> Value {
    let now = ctx.now;
    let lh_name = |id: Uuid| ws.lakehouse(id).map_or_else(String::new, |l| l.name.clone());
    let (c, v) = match entry {
        Entry::Session(i) => {
            let s = &ws.sessions[i];
            let v = sessions::view(s, now);
            let c = Common {
                id: s.id,
                app_id: v.started_at.map(|_| s.app_id.as_str()),
                name: display_name(s, ws),
                submitter: s.submitter,
                submitted: s.submitted,
                item_id: s.lakehouse,
                item_name: lh_name(s.lakehouse),
                item_type: "Lakehouse",
                job_type: "SparkSession",
                operation: if s.high_concurrency {
                    "High Concurrency Session Livy Run"
                } else {
                    "Session Livy Run"
                },
                high_concurrency: s.high_concurrency,
                job_instance: job_instance(s.id),
                request: s.request.as_ref().map(|r| &r.json),
            };
            (c, v)
        }
        Entry::Batch(i) => {
            let b = &ws.batches[i];
            let v = batches::view(b, now);
            let c = Common {
                id: b.id,
                app_id: v.started_at.map(|_| b.app_id.as_str()),
                name: b.name.clone(),
                submitter: b.submitter,
                submitted: b.submitted,
                item_id: b.lakehouse,
                item_name: lh_name(b.lakehouse),
                item_type: "Lakehouse",
                job_type: "SparkBatch",
                operation: "Batch Livy Run",
                high_concurrency: false,
                job_instance: job_instance(b.id),
                request: b.request.as_ref().map(|r| &r.json),
            };
            (c, v)
        }
        Entry::Run(i) => {
            let r = &ws.runs[i];
            let item = ws.items.get(r.item);
            let kind = item.map_or(ItemKind::Notebook, |it| it.kind);
            let (item_type, job_type, operation) = match (kind, r.high_concurrency) {
                (ItemKind::Notebook, true) => ("Notebook", "SparkSession", "Notebook HC run"),
                (ItemKind::Notebook, false) => ("Notebook", "SparkSession", "Notebook run"),
                (ItemKind::SparkJobDefinition, _) => {
                    ("SparkJobDefinition", "SparkBatch", "Spark job definition run")
                }
            };
            let c = Common {
                id: r.livy_id,
                app_id: (now >= r.started).then_some(r.app_id.as_str()),
                name: item.map(|it| it.name.clone()),
                submitter: r.submitter,
                submitted: r.submitted,
                item_id: item.map_or(Uuid::nil(), |it| it.id),
                item_name: item.map_or_else(String::new, |it| it.name.clone()),
                item_type,
                job_type,
                operation,
                high_concurrency: r.high_concurrency,
                job_instance: r.job_instance,
                request: None,
            };
            (c, run_view(r, now))
        }
    };
    let p = principal(principals, c.submitter);
    let ptype = match p.kind {
        PrincipalKind::User => "User",
        PrincipalKind::ServicePrincipal => "ServicePrincipal",
    };
    let item_ref = json!({ "workspaceId": ws.id, "itemId": c.item_id, "referenceType": "ById" });
    let end_or_now = v.ended_at.unwrap_or(now);
    let queued_until =
        v.started_at.unwrap_or(end_or_now).min(v.scheduled_at.max(c.submitted)).min(end_or_now);
    let mut m = Map::new();
    if let Some(app) = c.app_id {
        m.insert("sparkApplicationId".into(), json!(app));
    }
    m.insert("state".into(), json!(v.monitoring_state));
    m.insert("livyId".into(), json!(c.id));
    m.insert("origin".into(), json!("SubmittedJob"));
    m.insert("attemptNumber".into(), json!(1));
    m.insert("maxNumberOfAttempts".into(), json!(1));
    if let Some(name) = &c.name {
        m.insert("livyName".into(), json!(name));
    }
    m.insert("submitter".into(), json!({ "id": p.id, "type": ptype }));
    m.insert("item".into(), item_ref.clone());
    m.insert("itemName".into(), json!(c.item_name));
    m.insert("itemType".into(), json!(c.item_type));
    m.insert("jobType".into(), json!(c.job_type));
    m.insert("submittedDateTime".into(), json!(rfc3339(c.submitted)));
    if let Some(start) = v.started_at {
        m.insert("startDateTime".into(), json!(rfc3339(start)));
    }
    if let Some(end) = v.ended_at {
        m.insert("endDateTime".into(), json!(rfc3339(end)));
    }
    m.insert("queuedDuration".into(), duration(queued_until - c.submitted));
    m.insert("runningDuration".into(), duration(v.started_at.map_or(0, |s| end_or_now - s)));
    m.insert("totalDuration".into(), duration(end_or_now - c.submitted));
    m.insert("jobInstanceId".into(), json!(c.job_instance));
    m.insert("creatorItem".into(), item_ref);
    m.insert("isHighConcurrency".into(), json!(c.high_concurrency));
    if let Some(reason) = v.cancellation_reason {
        m.insert("cancellationReason".into(), json!(reason));
    }
    m.insert("capacityId".into(), json!(ws.capacity_id));
    m.insert("operationName".into(), json!(c.operation));
    m.insert("runtimeVersion".into(), json!("1.3"));
    let item_uri = match c.item_type {
        "Lakehouse" => {
            format!("{}/v1/workspaces/{}/lakehouses/{}/livySessions", ctx.base_url, ws.id, c.item_id)
        }
        _ => String::new(),
    };
    m.insert("livySessionItemResourceUri".into(), json!(item_uri));
    let req = c.request;
    let int = |k: &str, default: i64| req.and_then(|r| r.get(k)).and_then(Value::as_i64).unwrap_or(default);
    m.insert("driverMemory".into(), json!(gigabytes(req.and_then(|r| r.get("driverMemory"))).unwrap_or(56)));
    m.insert("driverCores".into(), json!(int("driverCores", 8)));
    m.insert(
        "executorMemory".into(),
        json!(gigabytes(req.and_then(|r| r.get("executorMemory"))).unwrap_or(56)),
    );
    m.insert("executorCores".into(), json!(int("executorCores", 8)));
    m.insert("numExecutors".into(), json!(int("numExecutors", 1)));
    m.insert("isDynamicAllocationEnabled".into(), json!(true));
    m.insert("dynamicAllocationMaxExecutors".into(), json!(9));
    Value::Object(m)
}

/// Monitoring view of a notebook / Spark job definition run.
fn run_view(r: &ItemRun, now: SimMillis) -> View {
    let started = (now >= r.started).then_some(r.started);
    let mut v = View {
        livy_state: "not_started",
        result: "Uncertain",
        started_at: started,
        ended_at: None,
        scheduled_at: r.started,
        scheduler_state: "Scheduled",
        plugin_state: "Monitoring",
        cancellation_reason: None,
        error: None,
        monitoring_state: if started.is_some() { "InProgress" } else { "NotStarted" },
        timed_out: false,
    };
    if now >= r.end_at {
        v.ended_at = Some(r.end_at);
        v.monitoring_state = match r.outcome {
            RunOutcome::Succeeded => "Succeeded",
            RunOutcome::Failed => "Failed",
            RunOutcome::Cancelled => {
                v.cancellation_reason = Some("User cancelled the Spark session");
                "Cancelled"
            }
        };
    }
    v
}
