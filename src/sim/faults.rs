//! Fault injection for the simulator, set at start (`--faults SPEC`) or at run time
//! (`POST /__sim/faults {"spec": "..."}`; `GET /__sim/faults` shows the current one).
//!
//! Grammar: a comma-separated list of rules, each `[SCOPE:]FAULT`.
//! - SCOPE: `fabric`, `databricks`, or a path fragment starting with `/` (matched
//!   case-insensitively anywhere in the request path), optionally preceded by a method and a
//!   space-free `@`: `POST@/clusters/create`.
//! - FAULT: `KIND=RATE` with RATE in 0..=1, `latency=DURATION[@RATE]` (`300ms`, `2s`), or
//!   `script=STEP+STEP+...` applied to successive matching requests, then normal behaviour.
//! - KIND / STEP: `429` (with `Retry-After`; Fabric's body says "blocked ... until"),
//!   `429-noheader` (the same without the header, so clients must read the body), `430`
//!   (Fabric capacity; only on session and high-concurrency session creation), `500`, `503`,
//!   `504`, `drop` (connection cut mid-response), `malformed` (200 with broken JSON), `html` (an
//!   HTML error page from a gateway), `empty` (200 with no body), `error-body` (200 carrying an
//!   error document), `expired` (the token is refused as expired: 403 on Databricks, 401 on
//!   Fabric), `stall` (no answer for 30 s, then a 504), and `ok` (a script step that passes).
//! - `KIND-after` (`500-after`, `503-after`, `504-after`, `drop-after`, `malformed-after`,
//!   `html-after`, `empty-after`, `error-body-after`, `stall-after`): the service does the work
//!   first, then the answer is replaced by the fault — what a gateway does when it times out on
//!   a request that went through. Refusals (`429`, `430`, `expired`) have no `-after`: they
//!   happen before any work.
//!
//! Examples: `429=0.1,500=0.05,latency=300ms@0.5`, `/clusters/list:script=429+429+ok`,
//! `fabric:430=1`, `POST@/jobs/run-now:503-after=0.5`. Decisions are reproducible for a given
//! `--seed`.
//!
//! Every create the service carries out is logged (`GET /__sim/creates`, see [`super::creates`]),
//! with whether its answer was lost to a fault, so tests can prove no create was done twice.
//!
//! Every response also gets a request id header when the service did not set one, and the
//! injector counts requests per route (`GET /__sim/requests`) so tests can check that clients
//! fetch only the pages they need.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;
use serde_json::json;

use super::SimShared;
use super::creates::{CALL_ID_HEADER, CreateLog, is_create};

/// Seconds clients are asked to wait after a 429/503.
const RETRY_AFTER_SECS: u64 = 1;
/// Distinct routes counted before further ones are lumped together (bounded memory).
const MAX_COUNTED_ROUTES: usize = 10_000;

/// How long a `stall` keeps the client waiting before it answers 504.
const STALL: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    Throttle,
    ThrottleNoHeader,
    Capacity,
    Internal,
    Unavailable,
    GatewayTimeout,
    Drop,
    Malformed,
    Html,
    Empty,
    ErrorBody,
    Expired,
    Stall,
    Pass,
}

/// A fault, and whether it strikes after the service has done the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub after: bool,
}

#[cfg(test)]
impl Fault {
    fn before(kind: FaultKind) -> Fault {
        Fault { kind, after: false }
    }
}

/// Every spelling of a fault, for messages.
const KINDS: &str = "429, 429-noheader, 430, 500, 503, 504, drop, malformed, html, empty, error-body, expired, \
                     stall (the last nine with -after too), ok";

impl FaultKind {
    fn parse(s: &str) -> Option<Fault> {
        let (name, after) = match s.strip_suffix("-after") {
            Some(name) => (name, true),
            None => (s, false),
        };
        let kind = match name {
            "429" => FaultKind::Throttle,
            "429-noheader" => FaultKind::ThrottleNoHeader,
            "430" => FaultKind::Capacity,
            "500" => FaultKind::Internal,
            "503" => FaultKind::Unavailable,
            "504" => FaultKind::GatewayTimeout,
            "drop" => FaultKind::Drop,
            "malformed" => FaultKind::Malformed,
            "html" => FaultKind::Html,
            "empty" => FaultKind::Empty,
            "error-body" => FaultKind::ErrorBody,
            "expired" => FaultKind::Expired,
            "stall" => FaultKind::Stall,
            "ok" => FaultKind::Pass,
            _ => return None,
        };
        // A refusal happens before any work, by definition.
        let refusal = matches!(
            kind,
            FaultKind::Throttle
                | FaultKind::ThrottleNoHeader
                | FaultKind::Capacity
                | FaultKind::Expired
                | FaultKind::Pass
        );
        (!(after && refusal)).then_some(Fault { kind, after })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    Any,
    Fabric,
    Databricks,
    Path { method: Option<Method>, fragment: String },
}

impl Scope {
    fn matches(&self, method: &Method, path: &str) -> bool {
        match self {
            Scope::Any => true,
            Scope::Fabric => path.starts_with("/v1/"),
            Scope::Databricks => !path.starts_with("/v1/"),
            Scope::Path { method: m, fragment } => {
                m.as_ref().is_none_or(|m| m == method)
                    && path.to_ascii_lowercase().contains(fragment.as_str())
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Rate(Fault, f64),
    Latency(Duration, f64),
    Script(Vec<Fault>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub scope: Scope,
    pub action: Action,
}

/// A parsed `--faults` specification.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultSpec {
    pub rules: Vec<Rule>,
    /// The text it was parsed from, for `GET /__sim/faults`.
    pub source: String,
}

impl FaultSpec {
    pub fn parse(spec: &str) -> Result<FaultSpec, String> {
        let mut rules = Vec::new();
        for token in spec.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            rules.push(parse_rule(token)?);
        }
        Ok(FaultSpec { rules, source: spec.trim().to_string() })
    }
}

fn parse_rule(token: &str) -> Result<Rule, String> {
    let (scope, fault) = match token.rsplit_once(':') {
        Some((scope, fault)) => (parse_scope(scope).ok_or_else(|| bad(token, "unknown scope"))?, fault),
        None => (Scope::Any, token),
    };
    let (name, value) = fault.split_once('=').ok_or_else(|| bad(token, "expected KIND=RATE"))?;
    let action = match name {
        "latency" => {
            let (dur, rate) = match value.split_once('@') {
                Some((d, r)) => (d, parse_rate(r).ok_or_else(|| bad(token, "rate must be between 0 and 1"))?),
                None => (value, 1.0),
            };
            Action::Latency(
                parse_duration(dur).ok_or_else(|| bad(token, "latency needs a duration like 300ms or 2s"))?,
                rate,
            )
        }
        "script" => {
            let steps: Option<Vec<Fault>> = value.split('+').map(|s| FaultKind::parse(s.trim())).collect();
            match steps {
                Some(steps) if !steps.is_empty() => Action::Script(steps),
                _ => return Err(bad(token, &format!("script steps are {KINDS}, joined by +"))),
            }
        }
        kind => {
            let fault = FaultKind::parse(kind)
                .filter(|f| f.kind != FaultKind::Pass)
                .ok_or_else(|| bad(token, &format!("unknown fault (latency, script, {KINDS})")))?;
            Action::Rate(fault, parse_rate(value).ok_or_else(|| bad(token, "rate must be between 0 and 1"))?)
        }
    };
    Ok(Rule { scope, action })
}

fn bad(token: &str, why: &str) -> String {
    format!("bad fault rule {token:?}: {why}")
}

fn parse_scope(s: &str) -> Option<Scope> {
    match s {
        "fabric" => Some(Scope::Fabric),
        "databricks" => Some(Scope::Databricks),
        _ => {
            let (method, fragment) = match s.split_once('@') {
                Some((m, f)) => (Some(Method::from_bytes(m.to_ascii_uppercase().as_bytes()).ok()?), f),
                None => (None, s),
            };
            fragment.starts_with('/').then(|| Scope::Path { method, fragment: fragment.to_ascii_lowercase() })
        }
    }
}

fn parse_rate(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|r| (0.0..=1.0).contains(r))
}

fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if let Some(ms) = s.strip_suffix("ms") {
        return ms.parse().ok().map(Duration::from_millis);
    }
    s.strip_suffix('s')
        .and_then(|n| n.parse::<f64>().ok())
        .filter(|n| *n >= 0.0 && *n < 3600.0)
        .map(Duration::from_secs_f64)
}

struct Inner {
    spec: FaultSpec,
    /// Remaining steps of each script rule, by rule index.
    scripts: Vec<VecDeque<Fault>>,
    rng: ChaCha8Rng,
    total: u64,
    by_route: BTreeMap<String, u64>,
}

/// Decides, request by request, whether to inject a fault.
pub struct FaultInjector {
    seed: u64,
    inner: Mutex<Inner>,
    /// The creates carried out, and whether their answers arrived.
    pub creates: CreateLog,
}

/// What to do with one request.
#[derive(Debug, Default, PartialEq)]
struct Decision {
    latency: Duration,
    fault: Option<Fault>,
}

impl FaultInjector {
    pub fn new(spec: FaultSpec, seed: u64) -> Self {
        Self { seed, inner: Mutex::new(Self::fresh(spec, seed)), creates: CreateLog::default() }
    }

    fn fresh(spec: FaultSpec, seed: u64) -> Inner {
        let scripts = spec
            .rules
            .iter()
            .map(|r| match &r.action {
                Action::Script(steps) => steps.iter().copied().collect(),
                _ => VecDeque::new(),
            })
            .collect();
        Inner { spec, scripts, rng: ChaCha8Rng::seed_from_u64(seed), total: 0, by_route: BTreeMap::new() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replace the specification (scripts restart, the random sequence restarts from the seed).
    pub fn set(&self, spec: FaultSpec) {
        let mut inner = self.lock();
        let (total, by_route) = (inner.total, std::mem::take(&mut inner.by_route));
        *inner = Self::fresh(spec, self.seed);
        inner.total = total;
        inner.by_route = by_route;
    }

    pub fn spec(&self) -> FaultSpec {
        self.lock().spec.clone()
    }

    /// Requests served so far, in total and per `METHOD /path`.
    pub fn requests(&self) -> (u64, BTreeMap<String, u64>) {
        let inner = self.lock();
        (inner.total, inner.by_route.clone())
    }

    /// How many times `METHOD /path` was requested.
    pub fn count(&self, method: &str, path: &str) -> u64 {
        self.lock().by_route.get(&format!("{method} {path}")).copied().unwrap_or(0)
    }

    fn decide(&self, method: &Method, path: &str) -> Decision {
        let mut inner = self.lock();
        inner.total += 1;
        let key = format!("{method} {path}");
        if inner.by_route.len() < MAX_COUNTED_ROUTES || inner.by_route.contains_key(&key) {
            *inner.by_route.entry(key).or_insert(0) += 1;
        } else {
            *inner.by_route.entry("(other routes)".into()).or_insert(0) += 1;
        }
        let creates_session = *method == Method::POST && {
            let p = path.to_ascii_lowercase();
            p.starts_with("/v1/") && (p.ends_with("/sessions") || p.ends_with("/highconcurrencysessions"))
        };
        let mut decision = Decision::default();
        let Inner { spec, scripts, rng, .. } = &mut *inner;
        for (i, rule) in spec.rules.iter().enumerate() {
            if !rule.scope.matches(method, path) {
                continue;
            }
            match &rule.action {
                Action::Latency(d, rate) => {
                    if rng.random_bool(*rate) {
                        decision.latency += *d;
                    }
                }
                Action::Script(_) => {
                    if decision.fault.is_none()
                        && let Some(step) = scripts[i].pop_front()
                    {
                        decision.fault = Some(step);
                    }
                }
                Action::Rate(fault, rate) => {
                    let applies = fault.kind != FaultKind::Capacity || creates_session;
                    // Draw even when a fault is already chosen, so one rule's outcome does not
                    // shift every later decision.
                    let hit = applies && rng.random_bool(*rate);
                    if hit && decision.fault.is_none() {
                        decision.fault = Some(*fault);
                    }
                }
            }
        }
        if decision.fault.is_some_and(|f| f.kind == FaultKind::Pass) {
            decision.fault = None;
        }
        decision
    }
}

/// The largest request or answer body a create's log entry reads (creates are small).
const MAX_LOGGED_BODY: usize = 16 << 20;

/// Middleware in front of both services.
pub async fn inject(State(shared): State<Arc<SimShared>>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let decision = shared.faults.decide(&method, &path);
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    let mut response = match decision.fault {
        Some(fault) if !fault.after => fault_response(fault.kind, &path).await,
        Some(fault) => {
            // The work is done; its answer is lost.
            let _ = serve(&shared, req, next, &method, &path, false).await;
            fault_response(fault.kind, &path).await
        }
        None => serve(&shared, req, next, &method, &path, true).await,
    };
    let fabric = path.starts_with("/v1/");
    let id_header = if fabric { "requestid" } else { "x-request-id" };
    if !response.headers().contains_key(id_header)
        && let Ok(v) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
    {
        response.headers_mut().insert(id_header, v);
    }
    response
}

/// Run the service's handler; a create it carried out goes into the log, with `answered`
/// saying whether its answer will reach the client.
async fn serve(
    shared: &SimShared,
    req: Request,
    next: Next,
    method: &Method,
    path: &str,
    answered: bool,
) -> Response {
    if !is_create(method, path) {
        return next.run(req).await;
    }
    let call = req.headers().get(CALL_ID_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_LOGGED_BODY).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
    };
    let response = next.run(Request::from_parts(parts, Body::from(body.clone()))).await;
    if !response.status().is_success() {
        return response;
    }
    let (parts, answer) = response.into_parts();
    let answer = axum::body::to_bytes(answer, MAX_LOGGED_BODY).await.unwrap_or_default();
    shared.faults.creates.record(&format!("{method} {path}"), call.as_deref(), &body, &answer, answered);
    Response::from_parts(parts, Body::from(answer))
}

async fn fault_response(kind: FaultKind, path: &str) -> Response {
    let fabric = path.starts_with("/v1/");
    let command_api = path.starts_with("/api/1.2/");
    let request_id = uuid::Uuid::new_v4().to_string();
    let json_error = |status: StatusCode, code: &str, message: String, retry: bool| -> Response {
        let body = if fabric {
            json!({ "errorCode": code, "message": message, "requestId": request_id })
        } else if command_api {
            json!({ "error": message })
        } else {
            json!({ "error_code": code, "message": message })
        };
        let mut resp = (status, Json(body)).into_response();
        if retry {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        }
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            resp.headers_mut().insert(if fabric { "requestid" } else { "x-request-id" }, v);
        }
        resp
    };
    match kind {
        FaultKind::Throttle | FaultKind::ThrottleNoHeader => {
            let with_header = kind == FaultKind::Throttle;
            if fabric {
                let until = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(RETRY_AFTER_SECS as i64);
                let message = format!("Request is blocked by the upstream service until: {} (UTC)", blocked_until(until));
                json_error(StatusCode::TOO_MANY_REQUESTS, "RequestBlocked", message, with_header)
            } else {
                json_error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "REQUEST_LIMIT_EXCEEDED",
                    "Your request was rejected due to API rate limiting. Please retry your request later.".into(),
                    with_header,
                )
            }
        }
        FaultKind::Capacity => json_error(
            StatusCode::from_u16(430).unwrap_or(StatusCode::TOO_MANY_REQUESTS),
            "TooManyRequestsForCapacity",
            "[TooManyRequestsForCapacity] This spark job can't be run because you have hit a spark compute or API rate limit. To run this spark job, cancel an active Spark job through the Monitoring hub, choose a larger capacity SKU, or try again later. HTTP status code: 430.".into(),
            false,
        ),
        FaultKind::Internal => {
            let code = if fabric { "InternalServerError" } else { "INTERNAL_ERROR" };
            json_error(StatusCode::INTERNAL_SERVER_ERROR, code, "An internal error occurred. Please retry.".into(), false)
        }
        FaultKind::Unavailable => {
            let code = if fabric { "ServiceUnavailable" } else { "TEMPORARILY_UNAVAILABLE" };
            json_error(
                StatusCode::SERVICE_UNAVAILABLE,
                code,
                format!("The service at {path} is temporarily unavailable. Please try again later."),
                true,
            )
        }
        FaultKind::Html => {
            let (status, page) = if fabric {
                (
                    StatusCode::BAD_GATEWAY,
                    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>Microsoft-Azure-Application-Gateway/v2</center>\r\n</body>\r\n</html>\r\n".to_string(),
                )
            } else {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n<title>Error 503 Service Unavailable</title>\n</head>\n<body><h2>HTTP ERROR 503</h2>\n<p>Problem accessing {path}. Reason:\n<pre>    Service Unavailable</pre></p>\n</body>\n</html>\n"),
                )
            };
            (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
        }
        FaultKind::Malformed => {
            let body = if fabric { "{\"items\": [{\"id\": \"4f1c2d3e-" } else { "{\"clusters\": [{\"cluster_id\": \"0101-" };
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        FaultKind::Drop => {
            // Headers go out, then the body stream fails: hyper aborts the connection, which
            // the client sees as a connection reset mid-response.
            let stream = futures::stream::once(async {
                Err::<axum::body::Bytes, std::io::Error>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "simulated dropped connection",
                ))
            });
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], Body::from_stream(stream)).into_response()
        }
        FaultKind::GatewayTimeout => (StatusCode::GATEWAY_TIMEOUT, "upstream request timeout").into_response(),
        FaultKind::Empty => (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], "").into_response(),
        FaultKind::ErrorBody => {
            let code = if fabric { "InternalServerError" } else { "INTERNAL_ERROR" };
            let mut resp =
                json_error(StatusCode::INTERNAL_SERVER_ERROR, code, "The request could not be completed.".into(), false);
            *resp.status_mut() = StatusCode::OK;
            resp
        }
        FaultKind::Expired => {
            if fabric {
                json_error(StatusCode::UNAUTHORIZED, "TokenExpired", "Access token has expired.".into(), false)
            } else {
                let body = json!({"error_code": 403, "message": "Token is expiring within 30 seconds. (token expired)"});
                (StatusCode::FORBIDDEN, Json(body)).into_response()
            }
        }
        FaultKind::Stall => {
            tokio::time::sleep(STALL).await;
            (StatusCode::GATEWAY_TIMEOUT, "upstream request timeout").into_response()
        }
        FaultKind::Pass => StatusCode::NO_CONTENT.into_response(),
    }
}

/// Fabric's "blocked until" time format: `4/17/2026 12:22:35 PM`.
fn blocked_until(t: jiff::Timestamp) -> String {
    let dt = t.to_zoned(jiff::tz::TimeZone::UTC);
    let hour12 = match dt.hour() % 12 {
        0 => 12,
        h => h,
    };
    let ampm = if dt.hour() < 12 { "AM" } else { "PM" };
    format!(
        "{}/{}/{} {}:{:02}:{:02} {}",
        dt.month(),
        dt.day(),
        dt.year(),
        hour12,
        dt.minute(),
        dt.second(),
        ampm
    )
}

#[derive(Deserialize)]
pub struct SetFaults {
    spec: String,
}

/// `POST /__sim/faults {"spec": "..."}`
pub async fn set_faults(State(shared): State<Arc<SimShared>>, body: axum::body::Bytes) -> Response {
    let parsed = serde_json::from_slice::<SetFaults>(&body)
        .map_err(|e| format!("expected {{\"spec\": \"...\"}}: {e}"))
        .and_then(|b| FaultSpec::parse(&b.spec));
    match parsed {
        Ok(spec) => {
            let source = spec.source.clone();
            shared.faults.set(spec);
            Json(json!({ "spec": source })).into_response()
        }
        Err(message) => (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response(),
    }
}

/// `GET /__sim/faults`
pub async fn get_faults(State(shared): State<Arc<SimShared>>) -> Json<serde_json::Value> {
    Json(json!({ "spec": shared.faults.spec().source }))
}

/// `GET /__sim/creates`: what was created, how many answers were lost, and any create done
/// twice.
pub async fn get_creates(State(shared): State<Arc<SimShared>>) -> Json<serde_json::Value> {
    Json(shared.faults.creates.report())
}

/// `GET /__sim/requests`
pub async fn get_requests(State(shared): State<Arc<SimShared>>) -> Json<serde_json::Value> {
    let (total, by_route) = shared.faults.requests();
    Json(json!({ "total": total, "by_route": by_route }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rates_latency_scripts_and_scopes() {
        let spec = FaultSpec::parse(
            "429=0.1, latency=300ms@0.5, /clusters/list:script=429+ok, fabric:430=1, POST@/runs/cancel:500=1",
        )
        .unwrap_or_default();
        assert_eq!(spec.rules.len(), 5);
        assert_eq!(spec.rules[0].action, Action::Rate(Fault::before(FaultKind::Throttle), 0.1));
        assert_eq!(spec.rules[1].action, Action::Latency(Duration::from_millis(300), 0.5));
        assert_eq!(
            spec.rules[2].action,
            Action::Script(vec![Fault::before(FaultKind::Throttle), Fault::before(FaultKind::Pass)])
        );
        assert_eq!(spec.rules[3].scope, Scope::Fabric);
        assert_eq!(
            spec.rules[4].scope,
            Scope::Path { method: Some(Method::POST), fragment: "/runs/cancel".into() }
        );
    }

    #[test]
    fn bad_specs_name_the_token() {
        for (spec, needle) in [
            ("429=2", "rate must be between 0 and 1"),
            ("boom=0.1", "unknown fault"),
            ("script=429+nope", "script steps"),
            ("latency=fast", "duration"),
            ("mars:500=1", "unknown scope"),
            ("429", "expected KIND=RATE"),
            ("429-after=1", "unknown fault"),
            ("script=expired-after", "script steps"),
        ] {
            let err = FaultSpec::parse(spec).err().unwrap_or_default();
            assert!(err.contains(needle) && err.contains(spec), "{spec}: {err}");
        }
    }

    #[test]
    fn scripts_run_in_order_then_pass() {
        let spec = FaultSpec::parse("/x:script=429+500+ok").unwrap_or_default();
        let inj = FaultInjector::new(spec, 1);
        let kinds: Vec<_> =
            (0..4).map(|_| inj.decide(&Method::GET, "/api/2.0/x").fault.map(|f| f.kind)).collect();
        assert_eq!(kinds, [Some(FaultKind::Throttle), Some(FaultKind::Internal), None, None]);
        assert_eq!(inj.decide(&Method::GET, "/api/2.0/y").fault, None);
        assert_eq!(inj.count("GET", "/api/2.0/x"), 4);
    }

    #[test]
    fn rates_are_deterministic_per_seed() {
        let decide_all = |seed| {
            let inj = FaultInjector::new(FaultSpec::parse("500=0.3").unwrap_or_default(), seed);
            (0..200)
                .map(|_| inj.decide(&Method::GET, "/api/2.1/clusters/list").fault.is_some())
                .collect::<Vec<_>>()
        };
        let a = decide_all(7);
        assert_eq!(a, decide_all(7));
        let hits = a.iter().filter(|h| **h).count();
        assert!((30..90).contains(&hits), "{hits} of 200");
    }

    #[test]
    fn capacity_errors_only_hit_session_creation() {
        let inj = FaultInjector::new(FaultSpec::parse("430=1").unwrap_or_default(), 1);
        let base = "/v1/workspaces/w/lakehouses/l/livyApi/versions/2023-12-01";
        let capacity = Some(Fault::before(FaultKind::Capacity));
        assert_eq!(inj.decide(&Method::POST, &format!("{base}/sessions")).fault, capacity);
        assert_eq!(inj.decide(&Method::POST, &format!("{base}/highConcurrencySessions")).fault, capacity);
        assert_eq!(inj.decide(&Method::GET, &format!("{base}/sessions")).fault, None);
        assert_eq!(inj.decide(&Method::POST, &format!("{base}/batches")).fault, None);
    }

    #[test]
    fn faults_after_the_work_are_spelled_with_after() {
        let spec = FaultSpec::parse("POST@/jobs/run-now:503-after=0.5,script=stall-after+drop-after+ok")
            .unwrap_or_default();
        assert_eq!(
            spec.rules[0].action,
            Action::Rate(Fault { kind: FaultKind::Unavailable, after: true }, 0.5)
        );
        assert_eq!(
            spec.rules[1].action,
            Action::Script(vec![
                Fault { kind: FaultKind::Stall, after: true },
                Fault { kind: FaultKind::Drop, after: true },
                Fault::before(FaultKind::Pass)
            ])
        );
    }

    #[test]
    fn blocked_until_uses_fabric_format() {
        let t: jiff::Timestamp = "2026-04-17T12:22:35Z".parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        assert_eq!(blocked_until(t), "4/17/2026 12:22:35 PM");
        let t: jiff::Timestamp = "2026-01-02T00:05:09Z".parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        assert_eq!(blocked_until(t), "1/2/2026 12:05:09 AM");
    }
}
