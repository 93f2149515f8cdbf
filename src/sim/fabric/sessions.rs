//! Livy sessions: acquire (202), list (`$top/$skip/$count`), get, delete, reset-timeout, and how
//! a session looks at each point of its life. Early polls carry only `fabricSessionStateInfo`
//! (dbt-fabricspark PR #158: "the response body contains fabricSessionStateInfo only — state and
//! livyInfo are absent"; `id` is listed among the absent optional fields, so it is left out too).

use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::requests::LivyRequest;
use super::state::{
    End, EndKind, IdSource, Principal, PrincipalKind, QUEUED_MS, ReplSlot, Session, SessionPhase,
    SessionRequestEcho, View, Workspace, app_id,
};
use super::{ApiError, Livy, Reply, page_params, parse_body};
use crate::sim::clock::{SimMillis, rfc3339};

/// Starter-pool session: acquire, submit, start (≈ 40 s to idle).
const STARTER_POOL_MS: (i64, i64, i64) = (8_000, 12_000, 40_000);
/// On-demand cluster after a starter-pool fallback (≈ 190 s to idle, dbt-fabricspark #184).
const ON_DEMAND_MS: (i64, i64, i64) = (150_000, 158_000, 190_000);
/// The conf key that forces the fallback (reference §4 pitfall).
const FALLBACK_CONF: &str = "spark.livy.session.idle.timeout";

pub fn session_not_found(id: &str) -> ApiError {
    ApiError::not_found("SparkCoreSessionNotFound", &format!("Session {id} was not found."))
}

/// Index of a session of this lakehouse, brought up to date.
pub fn find(l: &mut Livy, id: &str) -> Result<usize, ApiError> {
    let uid = Uuid::parse_str(id).map_err(|_| session_not_found(id))?;
    let idx = l.ws.session_index(l.lh, uid).ok_or_else(|| session_not_found(id))?;
    l.ws.sessions[idx].settle(l.ctx.now, l.ctx.engine);
    Ok(idx)
}

/// A new session starting now. HC sessions start without REPLs; a regular one has one.
pub fn new_session(
    ids: &mut IdSource,
    lh: Uuid,
    submitter: u16,
    now: SimMillis,
    req: &LivyRequest,
    name: Option<String>,
    high_concurrency: bool,
) -> Session {
    let fallback = req.conf.as_ref().is_some_and(|c| c.contains_key(FALLBACK_CONF));
    let (ns, st, idle) = if fallback { ON_DEMAND_MS } else { STARTER_POOL_MS };
    let jitter = ids.range(0, 4_000);
    let mut tags = req.tags.clone().unwrap_or_default();
    if fallback {
        tags.insert("FallbackReasons".into(), "UserSparkConfigMismatch".into());
        tags.insert(
            "FallbackMessages".into(),
            "Session falling back to on-demand cluster because no compatible starter pool exists. The \
             following Spark configurations make the session immutable and incompatible with the pool: \
             spark.livy.session.idle.timeout,"
                .into(),
        );
    }
    let idle_at = now + idle + jitter;
    Session {
        id: ids.uuid(),
        lakehouse: lh,
        name,
        submitter,
        submitted: now,
        not_started_at: now + ns + jitter / 4,
        starting_at: now + st + jitter / 2,
        idle_at,
        acquire_error: None,
        fallback,
        tags,
        request: Some(Box::new(SessionRequestEcho { json: req.echo(false), environment: None })),
        app_id: app_id(now + st, 1),
        end: None,
        last_activity: now,
        high_concurrency,
        repls: if high_concurrency { Vec::new() } else { vec![ReplSlot::new(None, idle_at)] },
    }
}

/// Extra acquisition time of a session on an environment with custom libraries (Fabric packages
/// them first: `fabricSessionStateInfo.state` is `libraryPackaging` meanwhile).
const LIBRARY_PACKAGING_MS: i64 = 20_000;

pub fn create(l: &mut Livy) -> Result<Reply, ApiError> {
    let req: LivyRequest = parse_body(l.ctx.body)?;
    let environment = super::items::requested_environment(l.ws, req.conf.as_ref())?.cloned();
    let mut s = new_session(l.ids, l.lh, l.principal, l.ctx.now, &req, req.name.clone(), false);
    if environment.as_ref().is_some_and(|e| e.libraries) {
        s.not_started_at += LIBRARY_PACKAGING_MS;
        s.starting_at += LIBRARY_PACKAGING_MS;
        s.idle_at += LIBRARY_PACKAGING_MS;
        for repl in &mut s.repls {
            repl.ready_at = s.idle_at;
        }
    }
    if let Some(echo) = s.request.as_mut() {
        echo.environment = environment;
    }
    let body = render_created(&s, l.ws, l.principals);
    l.ws.sessions.push(s);
    Ok(Reply::json(202, body))
}

/// The 202 body: identity and the acquisition state; no Livy state yet.
fn render_created(s: &Session, ws: &Workspace, principals: &[Principal]) -> Value {
    let mut m = identity(s, ws, principals);
    m.insert("result".into(), json!("Uncertain"));
    m.insert("log".into(), json!([]));
    m.insert("fabricSessionStateInfo".into(), json!({ "state": "queued" }));
    Value::Object(m)
}

pub fn get(l: &mut Livy, id: &str) -> Result<Reply, ApiError> {
    let idx = find(l, id)?;
    Ok(Reply::json(200, render(&l.ws.sessions[idx], l.ws, l.principals, l.ctx.now)))
}

pub fn delete(l: &mut Livy, id: &str) -> Result<Reply, ApiError> {
    let now = l.ctx.now;
    let idx = find(l, id)?;
    let s = &mut l.ws.sessions[idx];
    if matches!(s.phase(now), SessionPhase::Ended(_) | SessionPhase::AcquireError) {
        // Real Fabric may 404 on deleting a session that already ended (fabricQueryR tests).
        return Err(session_not_found(id));
    }
    s.end = Some(End { at: now, kind: EndKind::Killed });
    s.settle(now, l.ctx.engine);
    Ok(Reply::empty(200))
}

pub fn reset_timeout(l: &mut Livy, id: &str) -> Result<Reply, ApiError> {
    let now = l.ctx.now;
    let idx = find(l, id)?;
    let s = &mut l.ws.sessions[idx];
    if matches!(s.phase(now), SessionPhase::Ended(_) | SessionPhase::AcquireError) {
        return Err(session_not_found(id));
    }
    s.last_activity = now;
    Ok(Reply::empty(204))
}

pub fn list(l: &mut Livy) -> Result<Reply, ApiError> {
    let (top, skip) = page_params(&l.ctx.query)?;
    let now = l.ctx.now;
    let lh = l.lh;
    for s in l.ws.sessions.iter_mut().filter(|s| s.lakehouse == lh) {
        s.settle(now, l.ctx.engine);
    }
    let mut mine: Vec<&Session> = l.ws.sessions.iter().filter(|s| s.lakehouse == lh).collect();
    mine.sort_by(|a, b| b.submitted.cmp(&a.submitted).then(b.id.cmp(&a.id)));
    let total = mine.len();
    let items: Vec<Value> =
        mine.iter().skip(skip).take(top).map(|s| activity_item(s, l.ws, l.principals, now)).collect();
    Ok(Reply::json(200, json!({ "items": items, "totalCountOfMatchedItems": total, "pageSize": top })))
}

/// The environment a session runs on, if any.
fn environment(s: &Session) -> Option<&super::state::Environment> {
    s.request.as_ref().and_then(|r| r.environment.as_ref())
}

/// Still packaging its environment's libraries (the start of acquisition).
fn packaging(s: &Session, now: SimMillis) -> bool {
    environment(s).is_some_and(|e| e.libraries) && now < s.submitted + QUEUED_MS + LIBRARY_PACKAGING_MS
}

/// `id`, `name`, `artifactId`, `jobType`, submitter and tags: known from the start.
fn identity(s: &Session, ws: &Workspace, principals: &[Principal]) -> Map<String, Value> {
    let p = principal(principals, s.submitter);
    let mut m = Map::new();
    m.insert("id".into(), json!(s.id));
    if let Some(name) = display_name(s, ws) {
        m.insert("name".into(), json!(name));
    }
    m.insert("artifactId".into(), json!(s.lakehouse));
    m.insert("jobType".into(), json!("SparkSession"));
    m.insert("submitterId".into(), json!(p.id));
    m.insert("submitterName".into(), json!(p.name));
    m.insert("tags".into(), json!(s.tags));
    m
}

/// HC sessions show up as `HC_<lakehouseName>_<sessionId>` (Learn, high-concurrency-livy.md).
pub fn display_name(s: &Session, ws: &Workspace) -> Option<String> {
    if s.high_concurrency && s.name.is_none() {
        let lh = ws.lakehouse(s.lakehouse).map_or("lakehouse", |l| l.name.as_str());
        return Some(format!("HC_{lh}_{}", s.id));
    }
    s.name.clone()
}

pub fn principal(principals: &[Principal], idx: u16) -> &Principal {
    static FALLBACK: std::sync::OnceLock<Principal> = std::sync::OnceLock::new();
    principals.get(usize::from(idx)).unwrap_or_else(|| {
        FALLBACK.get_or_init(|| Principal {
            id: Uuid::nil(),
            name: "Unknown".into(),
            kind: PrincipalKind::User,
        })
    })
}

/// SessionResponse at `now`.
pub fn render(s: &Session, ws: &Workspace, principals: &[Principal], now: SimMillis) -> Value {
    let phase = s.phase(now);
    match phase {
        SessionPhase::Queued => return json!({ "fabricSessionStateInfo": { "state": "queued" } }),
        SessionPhase::Acquiring if packaging(s, now) => {
            return json!({ "fabricSessionStateInfo": { "state": "libraryPackaging" } });
        }
        SessionPhase::Acquiring => {
            return json!({ "fabricSessionStateInfo": { "state": "acquiringSession" } });
        }
        _ => {}
    }
    let v = view(s, now);
    let mut m = identity(s, ws, principals);
    if let SessionPhase::AcquireError = phase {
        let msg = s.acquire_error.as_ref().map_or("", |(_, m)| m.as_str());
        m.insert("fabricSessionStateInfo".into(), json!({ "state": "error", "errorMessage": msg }));
    } else {
        m.insert("state".into(), json!(v.livy_state));
    }
    if v.started_at.is_some() {
        m.insert("appId".into(), json!(s.app_id));
    }
    m.insert("result".into(), json!(v.result));
    if let Some(reason) = v.cancellation_reason {
        m.insert("cancellationReason".into(), json!(reason));
    }
    if let Some((source, code, message)) = &v.error {
        m.insert("errorInfo".into(), json!([{ "message": message, "errorCode": code, "source": source }]));
    }
    m.insert("log".into(), json!(log(s, now)));
    if phase != SessionPhase::AcquireError {
        m.insert("livyInfo".into(), livy_info(s, &v, now));
    }
    m.insert("schedulerInfo".into(), scheduler_info(s, &v));
    m.insert("pluginInfo".into(), plugin_info(s, &v, now));
    Value::Object(m)
}

fn put(m: &mut Map<String, Value>, key: &str, at: Option<SimMillis>) {
    if let Some(at) = at {
        m.insert(key.into(), json!(rfc3339(at)));
    }
}

/// The end time if it has passed.
fn ended(s: &Session, now: SimMillis) -> Option<End> {
    s.end.filter(|e| e.at <= now)
}

/// `at` if it was reached before now and before the session ended or was rejected.
fn reached(s: &Session, at: SimMillis, now: SimMillis) -> Option<SimMillis> {
    let mut limit = ended(s, now).map_or(now, |e| e.at);
    if let Some((rejected, _)) = &s.acquire_error {
        limit = limit.min(*rejected - 1);
    }
    (at <= limit).then_some(at)
}

fn livy_info(s: &Session, v: &View, now: SimMillis) -> Value {
    let mut m = Map::new();
    put(&mut m, "notStartedAt", reached(s, s.not_started_at, now));
    put(&mut m, "startingAt", reached(s, s.starting_at, now));
    if reached(s, s.idle_at, now).is_some() {
        let last_stmt =
            s.repls.iter().filter_map(super::statements::last_finished_at).filter(|t| *t <= now).max();
        put(&mut m, "idleAt", Some(last_stmt.map_or(s.idle_at, |t| t.max(s.idle_at))));
    }
    put(&mut m, "busyAt", s.last_busy_at().filter(|t| *t <= now));
    if let Some(end) = ended(s, now) {
        let key = match end.kind {
            EndKind::Killed => "killedAt",
            EndKind::Stopped => "shuttingDownAt",
            EndKind::IdleTimeout | EndKind::Crashed => "deadAt",
        };
        put(&mut m, key, Some(end.at));
    }
    m.insert("currentState".into(), json!(v.livy_state));
    let request = s.request.as_ref().map_or_else(Map::new, |r| r.json.clone());
    m.insert("jobCreationRequest".into(), Value::Object(request));
    Value::Object(m)
}

fn scheduler_info(s: &Session, v: &View) -> Value {
    let mut m = Map::new();
    put(&mut m, "submittedAt", Some(s.submitted));
    put(&mut m, "queuedAt", Some(s.submitted));
    if v.scheduler_state != "Queued" && v.error.as_ref().is_none_or(|e| e.1 != CAPACITY_CODE) {
        put(&mut m, "scheduledAt", Some(v.scheduled_at));
    }
    put(&mut m, "endedAt", v.ended_at);
    if let Some(End { at, kind: EndKind::Killed }) = s.end
        && v.ended_at.is_some()
    {
        put(&mut m, "cancellationRequestedAt", Some(at));
    }
    m.insert("currentState".into(), json!(v.scheduler_state));
    Value::Object(m)
}

fn plugin_info(s: &Session, v: &View, now: SimMillis) -> Value {
    let mut m = Map::new();
    put(&mut m, "preparationStartedAt", Some(s.submitted));
    put(&mut m, "resourceAcquisitionStartedAt", reached(s, s.submitted + 1_000, now));
    put(&mut m, "submissionStartedAt", reached(s, s.not_started_at, now));
    put(&mut m, "monitoringStartedAt", reached(s, s.starting_at, now));
    put(&mut m, "cleanupStartedAt", v.ended_at);
    m.insert("currentState".into(), json!(v.plugin_state));
    Value::Object(m)
}

/// The errorCode of a capacity rejection (reference §5, HTTP 430 body).
pub const CAPACITY_CODE: &str = "TooManyRequestsForCapacity";

/// Lists and monitoring view of a session.
pub fn view(s: &Session, now: SimMillis) -> View {
    let phase = s.phase(now);
    let end = ended(s, now);
    let started_at = reached(s, s.starting_at, now);
    let mut v = View {
        livy_state: phase_word(phase),
        result: "Uncertain",
        started_at,
        ended_at: end.map(|e| e.at),
        scheduled_at: s.not_started_at,
        scheduler_state: "Scheduled",
        plugin_state: "Monitoring",
        cancellation_reason: None,
        error: None,
        monitoring_state: "InProgress",
        timed_out: false,
    };
    match phase {
        SessionPhase::Queued => {
            (v.scheduler_state, v.plugin_state, v.monitoring_state) = ("Queued", "Preparation", "NotStarted");
        }
        SessionPhase::Acquiring => {
            (v.scheduler_state, v.plugin_state, v.monitoring_state) =
                ("Queued", "ResourceAcquisition", "NotStarted");
        }
        SessionPhase::NotStarted => (v.plugin_state, v.monitoring_state) = ("Submission", "NotStarted"),
        SessionPhase::Starting => v.monitoring_state = "NotStarted",
        SessionPhase::Idle | SessionPhase::Busy => {}
        SessionPhase::AcquireError => {
            let msg = s.acquire_error.as_ref().map_or(String::new(), |(_, m)| m.clone());
            v.ended_at = s.acquire_error.as_ref().map(|(at, _)| *at);
            v.result = "Failed";
            v.error = Some(("System", CAPACITY_CODE, msg));
            (v.scheduler_state, v.plugin_state, v.monitoring_state) = ("Ended", "Ended", "Failed");
        }
        SessionPhase::Ended(kind) => {
            (v.scheduler_state, v.plugin_state) = ("Ended", "Ended");
            match kind {
                EndKind::Killed => {
                    v.result = "Cancelled";
                    v.monitoring_state = "Cancelled";
                    v.cancellation_reason = Some("User cancelled the Spark session");
                }
                EndKind::IdleTimeout => {
                    v.result = "Failed";
                    v.monitoring_state = "Failed";
                    v.timed_out = true;
                    v.cancellation_reason = Some("Session timed out after 20 minutes of inactivity");
                }
                EndKind::Stopped => {
                    v.result = "Succeeded";
                    v.monitoring_state = "Succeeded";
                    v.cancellation_reason = Some("The last REPL of the high concurrency session was deleted");
                }
                EndKind::Crashed => {
                    v.result = "Failed";
                    v.monitoring_state = "Failed";
                    // [I] Synapse/Fabric-style error code; message as the driver reports it.
                    v.error = Some((
                        "User",
                        "Spark_User_UserApp_DriverOutOfMemory",
                        "The Spark driver ran out of memory (java.lang.OutOfMemoryError: Java heap space). \
                         Consider a larger driver size or collecting less data to the driver."
                            .into(),
                    ));
                }
            }
        }
    }
    v
}

/// The Livy word for a phase (early phases, which carry no `state`, read `not_started` in lists).
pub fn phase_word(phase: SessionPhase) -> &'static str {
    match phase {
        SessionPhase::Queued | SessionPhase::Acquiring | SessionPhase::NotStarted => "not_started",
        SessionPhase::Starting => "starting",
        SessionPhase::Idle => "idle",
        SessionPhase::Busy => "busy",
        SessionPhase::AcquireError => "error",
        SessionPhase::Ended(EndKind::Killed) => "killed",
        SessionPhase::Ended(EndKind::Stopped) => "success",
        SessionPhase::Ended(EndKind::IdleTimeout | EndKind::Crashed) => "dead",
    }
}

/// Log time prefix as Spark's log4j layout prints it (`yy/MM/dd HH:mm:ss`).
pub fn log_time(at: SimMillis) -> String {
    crate::sim::clock::millis_to_timestamp(at).strftime("%y/%m/%d %H:%M:%S").to_string()
}

/// The last 10 log lines at `now`, like upstream Livy's `log` field.
fn log(s: &Session, now: SimMillis) -> Vec<String> {
    if let Some((at, msg)) = s.acquire_error.as_ref().filter(|(at, _)| *at <= now) {
        return vec![format!("{} ERROR SparkServicePlugin: {msg}", log_time(*at))];
    }
    let mut events: Vec<(SimMillis, String)> = vec![
        (s.not_started_at, format!("INFO LivyServer: Creating Interactive session {}", s.id)),
        (
            s.not_started_at + 500,
            if s.fallback {
                "INFO SparkServicePlugin: No compatible starter pool; acquiring an on-demand cluster".into()
            } else {
                "INFO SparkServicePlugin: Acquired a cluster from the workspace starter pool".into()
            },
        ),
        (
            s.not_started_at + 600,
            match environment(s) {
                Some(e) => format!("INFO FabricEnvironment: Using environment {} ({})", e.name, e.id),
                None => "INFO FabricEnvironment: Using the workspace default environment".into(),
            },
        ),
        (s.starting_at, format!("INFO Client: Submitted application {}", s.app_id)),
        (s.starting_at + 2_000, "INFO SparkContext: Running Spark version 3.5.1.5.4.20250310.1".into()),
        (s.starting_at + 6_000, "INFO ResourceProfile: Default ResourceProfile created, executor resources: Map(cores -> 8, memory -> 56g)".into()),
        (s.idle_at - 3_000, "INFO SparkSessionBuilder: Created SparkSession with Delta Lake extensions".into()),
        (s.idle_at, format!("INFO InteractiveSession: Interactive session {} is idle", s.id)),
    ];
    for repl in &s.repls {
        for st in &repl.statements {
            if let Some(at) = st.started {
                events.push((at, format!("INFO InteractiveSession: Running statement {}", st.id)));
            }
        }
    }
    if let Some(end) = ended(s, now) {
        let line = match end.kind {
            EndKind::Killed => "INFO LivyServer: Session deletion requested by user; stopping session",
            EndKind::IdleTimeout => "WARN InteractiveSession: Session idle for 20 minutes; stopping session",
            EndKind::Stopped => "INFO LivyServer: Last REPL deleted; stopping high concurrency session",
            EndKind::Crashed => {
                "ERROR Utils: Uncaught exception in thread driver: java.lang.OutOfMemoryError: Java heap space"
            }
        };
        events.push((end.at, line.into()));
        events.push((end.at + 1, "INFO SparkContext: Successfully stopped SparkContext".into()));
    }
    let limit = ended(s, now).map_or(now, |e| e.at + 1).min(now);
    let mut lines: Vec<(SimMillis, String)> = events.into_iter().filter(|(at, _)| *at <= limit).collect();
    lines.sort_by_key(|(at, _)| *at);
    let start = lines.len().saturating_sub(10);
    lines[start..].iter().map(|(at, l)| format!("{} {l}", log_time(*at))).collect()
}

/// LivySparkActivity (the lists' item shape) for a session.
pub fn activity_item(s: &Session, ws: &Workspace, principals: &[Principal], now: SimMillis) -> Value {
    let v = view(s, now);
    let mut m = identity(s, ws, principals);
    m.remove("jobType");
    m.insert("workspaceId".into(), json!(ws.id));
    if v.started_at.is_some() {
        m.insert("appId".into(), json!(s.app_id));
    }
    activity_common(&mut m, &v, s.submitted);
    Value::Object(m)
}

/// The LivySparkActivity fields that come from the view.
pub fn activity_common(m: &mut Map<String, Value>, v: &View, submitted: SimMillis) {
    if let Some(reason) = v.cancellation_reason {
        m.insert("cancellationReason".into(), json!(reason));
    }
    m.insert("result".into(), json!(v.result));
    put(m, "submittedAt", Some(submitted));
    put(m, "startedAt", v.started_at);
    put(m, "endedAt", v.ended_at);
    if let Some((source, code, _)) = &v.error {
        m.insert("errorSource".into(), json!(source));
        m.insert("errorCode".into(), json!(code));
    }
    m.insert("schedulerState".into(), json!(v.scheduler_state));
    m.insert("pluginState".into(), json!(v.plugin_state));
    m.insert("livyState".into(), json!(v.livy_state));
    m.insert("isJobTimedOut".into(), json!(v.timed_out));
}
