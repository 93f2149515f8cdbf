//! Simulated Fabric Livy API (sessions, statements, batches, high-concurrency sessions) and the
//! workspace monitoring lists (`/spark/livySessions`, `/lakehouses/{lh}/livySessions`).
//!
//! Everything under `/v1/workspaces/` is dispatched by hand rather than by the axum router,
//! because the `livyApi` segment is case-insensitive (Learn shows `livyapi`, the swagger and
//! samples `livyApi`) and axum routes are not.
//!
//! Error bodies are Fabric's `ErrorResponse` `{errorCode, message, requestId}` with the same id in
//! a `requestid` header. Codes used (reference §1.5.1 and §5):
//! - 401 `InvalidToken` (missing/invalid token), `TokenExpired` (expired JWT);
//! - 404 `WorkspaceNotFound` for an unknown workspace (Fabric core);
//! - 404 `ItemNotFound` for an unknown lakehouse on the Livy API (Fabric core), and
//!   `SparkCoreItemNotFound` on the monitoring lists (spec);
//! - 404 `SparkCoreSessionNotFound` for an unknown, ended (statements) or deleted session,
//!   batch, HC session or REPL: the spec's code for "livyId does not exist", which names both
//!   sessions and batches;
//! - 404 `EntityNotFound` for an unknown statement and unknown routes (there is no GET list of
//!   HC sessions);
//! - 400 `InvalidHttpRequestToLivy` for malformed JSON, wrong types, missing fields and bad
//!   query parameters (the 400 code observed from the Livy API for rejected requests);
//! - 409 `InvalidSessionState` when statements are posted to a session that is still starting.

mod auth;
mod batch_run;
mod batches;
mod hc;
mod items;
mod monitoring;
pub mod onelake;
mod requests;
mod seed;
mod sessions;
mod spark_monitoring;
mod spark_monitoring_logs;
mod state;
mod statements;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Value, json};
use uuid::Uuid;

pub use auth::DEMO_TOKEN;
use state::{IdSource, Principal, PrincipalKind, SessionPhase, Workspace};

use super::SimShared;
use super::clock::SimMillis;
use super::engine::Engine;
use super::request::RawRequest;

/// The only documented Livy API version.
pub const LIVY_API_VERSION: &str = "2023-12-01";

/// A workspace of the demo tenant, for building the `--demo` configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoFabricWorkspace {
    pub name: String,
    pub workspace_id: String,
    /// (lakehouse id, lakehouse name)
    pub lakehouses: Vec<(String, String)>,
    pub token: String,
}

/// The simulated Fabric tenant.
pub struct FabricState {
    workspaces: Vec<Workspace>,
    principals: Vec<Principal>,
    ids: IdSource,
    /// Every lakehouse's `Files/` (OneLake).
    pub lake: onelake::Lake,
}

impl FabricState {
    /// Demo data, deterministic for a seed; `scale` N > 0 adds N × 1000 sessions.
    pub fn seeded(seed: u64, scale: u32, now: SimMillis) -> Self {
        let (workspaces, principals, ids, lake) = seed::generate(seed, scale, now);
        Self { workspaces, principals, ids, lake }
    }

    /// Something new happens at `now` in one workspace (the live demo, `sim::world`).
    pub fn arrive(&mut self, now: SimMillis) {
        let wi = self.ids.range(0, self.workspaces.len() as i64) as usize;
        if let Some(ws) = self.workspaces.get_mut(wi) {
            seed::arrival(&mut self.ids, ws, wi, now);
        }
    }

    /// Sessions and batches held per workspace (tests of the live demo's bounds).
    pub fn sizes(&self) -> (Vec<usize>, Vec<usize>) {
        (
            self.workspaces.iter().map(|w| w.sessions.len()).collect(),
            self.workspaces.iter().map(|w| w.batches.len()).collect(),
        )
    }

    /// When each statement was submitted, finished and first read finished (simulated epoch ms;
    /// `null` until then): how late a client saw a result, for the benchmarks.
    pub fn statement_timings(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for ws in &self.workspaces {
            for s in &ws.sessions {
                for repl in &s.repls {
                    for st in &repl.statements {
                        out.push(json!({
                            "session": s.id, "repl": repl.id, "id": st.id,
                            "submitted_ms": st.submitted, "finished_ms": st.finish_at().filter(|_| st.exec.is_some()),
                            "seen_ms": st.seen,
                        }));
                    }
                }
            }
        }
        out
    }

    /// One line per workspace/lakehouse: the Livy base URL and the token to use.
    pub fn describe(&self, base_url: &str) -> Vec<String> {
        let mut lines = Vec::new();
        for ws in &self.workspaces {
            for lh in &ws.lakehouses {
                lines.push(format!(
                    "Fabric \"{}\": workspace {} lakehouse {} ({})  base {}  token {}",
                    ws.name,
                    ws.id,
                    lh.id,
                    lh.name,
                    livy_base(base_url, ws.id, lh.id),
                    DEMO_TOKEN
                ));
            }
        }
        lines
    }

    /// High-concurrency REPLs acquired with `tag` and not deleted, in every workspace: what a
    /// client that promises to give its REPLs back has left behind.
    pub fn open_repls(&self, tag: &str) -> usize {
        self.workspaces
            .iter()
            .flat_map(|w| &w.hcs)
            .filter(|h| h.tag.as_deref() == Some(tag) && h.deleted_at.is_none())
            .count()
    }

    pub fn demo_workspaces(&self) -> Vec<DemoFabricWorkspace> {
        self.workspaces
            .iter()
            .map(|ws| DemoFabricWorkspace {
                name: ws.name.clone(),
                workspace_id: ws.id.to_string(),
                lakehouses: ws.lakehouses.iter().map(|l| (l.id.to_string(), l.name.clone())).collect(),
                token: DEMO_TOKEN.to_string(),
            })
            .collect()
    }

    /// The principal table index for a caller, registering JWT callers on first sight.
    fn principal_for(&mut self, caller: &auth::Caller) -> u16 {
        let auth::Caller::Token { oid: Some(oid), name, app } = caller else {
            return 0;
        };
        if let Some(i) = self.principals.iter().position(|p| p.id == *oid) {
            return u16::try_from(i).unwrap_or(0);
        }
        if self.principals.len() >= usize::from(u16::MAX) {
            return 0;
        }
        self.principals.push(Principal {
            id: *oid,
            name: name.clone().unwrap_or_else(|| oid.to_string()),
            kind: if *app { PrincipalKind::ServicePrincipal } else { PrincipalKind::User },
        });
        u16::try_from(self.principals.len() - 1).unwrap_or(0)
    }
}

pub fn livy_base(base_url: &str, ws: Uuid, lh: Uuid) -> String {
    format!("{base_url}/v1/workspaces/{ws}/lakehouses/{lh}/livyapi/versions/{LIVY_API_VERSION}")
}

/// A Fabric error, rendered as ErrorResponse.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: &str) -> Self {
        Self { status, code, message: message.to_string() }
    }
    pub fn bad_request(message: &str) -> Self {
        Self::new(400, "InvalidHttpRequestToLivy", message)
    }
    pub fn not_found(code: &'static str, message: &str) -> Self {
        Self::new(404, code, message)
    }
    pub fn internal(message: &str) -> Self {
        Self::new(500, "InternalError", message)
    }
}

fn workspace_not_found() -> ApiError {
    ApiError::not_found("WorkspaceNotFound", "The requested workspace was not found.")
}

/// A successful answer: status and optional JSON body.
pub struct Reply {
    status: u16,
    body: Option<Value>,
    /// A text body instead (log content: `application/octet-stream`).
    text: Option<String>,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Self {
        Self { status, body: Some(body), text: None }
    }
    pub fn empty(status: u16) -> Self {
        Self { status, body: None, text: None }
    }
    pub fn text(status: u16, text: String) -> Self {
        Self { status, body: None, text: Some(text) }
    }
}

/// Parse a JSON request body; an empty body counts as `{}`.
pub fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) { b"{}".as_slice() } else { body };
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(&format!("The request body is not valid: {e}")))
}

/// What every handler gets besides the state.
pub struct Ctx<'a> {
    pub now: SimMillis,
    pub engine: &'a Engine,
    pub base_url: &'a str,
    pub query: Vec<(String, String)>,
    pub body: &'a [u8],
}

pub fn router(shared: Arc<SimShared>) -> Router {
    Router::new()
        .route("/v1/workspaces/{*rest}", any(dispatch))
        .route("/onelake/{*rest}", any(onelake::dispatch))
        .with_state(shared)
}

async fn dispatch(
    State(shared): State<Arc<SimShared>>,
    RawRequest { method, uri, headers, body }: RawRequest,
) -> Response {
    let request_id = Uuid::new_v4();
    match handle(&shared, &method, &uri, &headers, &body) {
        Ok(reply) => {
            let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
            let mut resp = match (reply.body, reply.text) {
                (Some(body), _) => (status, axum::Json(body)).into_response(),
                (None, Some(text)) => {
                    (status, [(axum::http::header::CONTENT_TYPE, "application/octet-stream")], text)
                        .into_response()
                }
                (None, None) => status.into_response(),
            };
            set_request_id(&mut resp, request_id);
            resp
        }
        Err(err) => error_response(&err, request_id),
    }
}

fn error_response(err: &ApiError, request_id: Uuid) -> Response {
    let status = StatusCode::from_u16(err.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = json!({ "requestId": request_id.to_string(), "errorCode": err.code, "message": err.message });
    let mut resp = (status, axum::Json(body)).into_response();
    set_request_id(&mut resp, request_id);
    if err.status == 401
        && let Ok(v) = HeaderValue::from_str(&format!(
            "Bearer error=\"invalid_token\", error_description=\"{}\"",
            err.code
        ))
    {
        resp.headers_mut().insert(axum::http::header::WWW_AUTHENTICATE, v);
    }
    resp
}

fn set_request_id(resp: &mut Response, id: Uuid) {
    if let Ok(v) = HeaderValue::from_str(&id.to_string()) {
        resp.headers_mut().insert("requestid", v);
    }
}

/// Decode `application/x-www-form-urlencoded` query pairs (`%24top` → `$top`).
fn parse_query(query: Option<&str>) -> Vec<(String, String)> {
    query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

pub(super) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn handle(
    shared: &SimShared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Reply, ApiError> {
    let caller = auth::check(headers)?;
    let path = uri.path();
    let segs: Vec<&str> =
        path.trim_start_matches("/v1/workspaces/").split('/').filter(|s| !s.is_empty()).collect();
    let mut guard = shared.fabric();
    let state = &mut *guard;
    // Read the clock under the lock so requests see time move forward in the order they run.
    let ctx = Ctx {
        now: shared.clock.now_ms(),
        engine: &shared.engine,
        base_url: &shared.base_url,
        query: parse_query(uri.query()),
        body,
    };
    let Some((&ws_id, rest)) = segs.split_first() else {
        return Err(route_not_found(method, path));
    };
    let principal = state.principal_for(&caller);
    let principals = &state.principals;
    let ids = &mut state.ids;
    let lake = &state.lake;
    let ws = {
        let id = Uuid::parse_str(ws_id).ok();
        state.workspaces.iter_mut().find(|w| Some(w.id) == id).ok_or_else(workspace_not_found)?
    };
    let get = *method == Method::GET;
    if get && let Some(reply) = spark_monitoring::route(ws, rest, &ctx) {
        return reply;
    }
    match rest {
        ["lakehouses"] if get => Ok(items::lakehouses(ws, &ctx)),
        ["environments"] if get => Ok(items::environments(ws)),
        ["spark", "livySessions"] if get => monitoring::list(ws, None, principals, &ctx),
        ["lakehouses", lh, "livySessions"] if get => {
            let lh = monitoring_lakehouse(ws, lh)?;
            monitoring::list(ws, Some(lh), principals, &ctx)
        }
        ["lakehouses", lh, "livySessions", livy_id] if get => {
            let lh = monitoring_lakehouse(ws, lh)?;
            monitoring::get(ws, lh, livy_id, principals, &ctx)
        }
        ["lakehouses", lh, api, "versions", version, livy_path @ ..]
            if api.eq_ignore_ascii_case("livyapi") =>
        {
            if *version != LIVY_API_VERSION {
                return Err(route_not_found(method, path));
            }
            let lh = Uuid::parse_str(lh).ok().filter(|id| ws.lakehouse(*id).is_some()).ok_or_else(|| {
                ApiError::not_found("ItemNotFound", "The requested lakehouse was not found.")
            })?;
            let mut livy = Livy { ws, lh, principals, ids, principal, lake, ctx: &ctx };
            livy_route(&mut livy, method, livy_path, path)
        }
        _ => Err(route_not_found(method, path)),
    }
}

fn livy_route(l: &mut Livy, method: &Method, rest: &[&str], path: &str) -> Result<Reply, ApiError> {
    match (method.as_str(), rest) {
        ("GET", ["sessions"]) => sessions::list(l),
        ("POST", ["sessions"]) => sessions::create(l),
        ("GET", ["sessions", id]) => sessions::get(l, id),
        ("DELETE", ["sessions", id]) => sessions::delete(l, id),
        ("POST", ["sessions", id, "reset-timeout"]) => sessions::reset_timeout(l, id),
        (_, ["sessions", id, "statements", tail @ ..]) => statement_route(l, method, id, None, tail, path),
        ("GET", ["batches"]) => batches::list(l),
        ("POST", ["batches"]) => batches::create(l),
        ("GET", ["batches", id]) => batches::get(l, id),
        ("DELETE", ["batches", id]) => batches::delete(l, id),
        ("POST", ["highConcurrencySessions"]) => hc::acquire(l),
        ("GET", ["highConcurrencySessions", id]) => hc::get(l, id),
        ("DELETE", ["highConcurrencySessions", id]) => hc::delete(l, id),
        (_, ["highConcurrencySessions", sid, "repls", repl, "statements", tail @ ..]) => {
            statement_route(l, method, sid, Some(repl), tail, path)
        }
        _ => Err(route_not_found(method, path)),
    }
}

/// Statement endpoints of a regular session (`repl_id` None) or of one HC REPL.
fn statement_route(
    l: &mut Livy,
    method: &Method,
    session_id: &str,
    repl_id: Option<&str>,
    tail: &[&str],
    path: &str,
) -> Result<Reply, ApiError> {
    let now = l.ctx.now;
    let idx = sessions::find(l, session_id)?;
    let session = &mut l.ws.sessions[idx];
    if matches!(session.phase(now), SessionPhase::Ended(_) | SessionPhase::AcquireError) {
        return Err(sessions::session_not_found(session_id));
    }
    let accepts = session.accepts_statements(now);
    let phase = session.phase(now);
    let repl = match repl_id {
        None if !session.high_concurrency => session.repls.first_mut(),
        None => None,
        Some(r) => {
            let r = Uuid::parse_str(r).ok();
            session
                .repls
                .iter_mut()
                .find(|x| x.id.is_some() && x.id == r && x.deleted_at.is_none() && x.ready_at <= now)
        }
    }
    .ok_or_else(|| sessions::session_not_found(repl_id.unwrap_or(session_id)))?;
    match (method.as_str(), tail) {
        ("POST", []) => {
            if !accepts {
                return Err(ApiError::new(
                    409,
                    "InvalidSessionState",
                    &format!(
                        "Session {session_id} is in state {}; statements can run only when it is idle or busy.",
                        sessions::phase_word(phase)
                    ),
                ));
            }
            let reply = statements::submit(repl, l.ctx.body, now)?;
            session.last_activity = now;
            Ok(reply)
        }
        ("GET", []) => Ok(statements::list(repl, now)),
        ("GET", [sid]) => statements::get(repl, sid, statements::Window::parse(&l.ctx.query)?, now),
        ("POST", [sid, "cancel"]) => statements::cancel(repl, sid, now),
        _ => Err(route_not_found(method, path)),
    }
}

/// Everything a Livy API handler needs.
pub struct Livy<'a> {
    pub ws: &'a mut Workspace,
    pub lh: Uuid,
    pub principals: &'a [Principal],
    pub ids: &'a mut IdSource,
    pub principal: u16,
    /// Every lakehouse's files, where batches find their code.
    pub lake: &'a onelake::Lake,
    pub ctx: &'a Ctx<'a>,
}

fn monitoring_lakehouse(ws: &Workspace, lh: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(lh).ok().filter(|id| ws.lakehouse(*id).is_some()).ok_or_else(|| {
        ApiError::not_found("SparkCoreItemNotFound", "The requested item was not found in the workspace.")
    })
}

fn route_not_found(method: &Method, path: &str) -> ApiError {
    ApiError::not_found(
        "EntityNotFound",
        &format!("The requested resource could not be found: {method} {path}"),
    )
}

/// Unknown routes under `/v1/` (called by the simulator's fallback).
pub fn not_found_route(method: &Method, path: &str) -> Response {
    error_response(&route_not_found(method, path), Uuid::new_v4())
}

/// Default `$top` of the Livy lists [I: Fabric's default is undocumented].
const DEFAULT_TOP: usize = 100;

/// `$top`, `$skip` (strings holding integers) and `$count` (bool) of the Livy lists. The total
/// is always reported, so `$count` is only validated.
pub fn page_params(query: &[(String, String)]) -> Result<(usize, usize), ApiError> {
    let mut top = DEFAULT_TOP;
    let mut skip = 0;
    for (k, v) in query {
        let number = || {
            v.trim().parse::<usize>().map_err(|_| {
                ApiError::bad_request(&format!("Query parameter '{k}' must be a non-negative integer."))
            })
        };
        match k.as_str() {
            "$top" => top = number()?,
            "$skip" => skip = number()?,
            "$count" if !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false") => {
                return Err(ApiError::bad_request("Query parameter '$count' must be true or false."));
            }
            _ => {}
        }
    }
    Ok((top, skip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_are_percent_decoded() {
        let q = parse_query(Some("%24top=2&%24skip=1&continuationToken=a%2Bb&flag&bad=%zz%"));
        assert_eq!(
            q,
            vec![
                ("$top".to_string(), "2".to_string()),
                ("$skip".to_string(), "1".to_string()),
                ("continuationToken".to_string(), "a+b".to_string()),
                ("flag".to_string(), String::new()),
                ("bad".to_string(), "%zz%".to_string()),
            ]
        );
        assert_eq!(page_params(&q), Ok((2, 1)));
        assert!(page_params(&[("$top".into(), "-1".into())]).is_err());
    }
}
