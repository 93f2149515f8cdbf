//! Simulated Azure Databricks REST API: clusters, jobs and runs, command execution 1.2, tokens,
//! secrets, SCIM, OAuth M2M and the host metadata document the SDKs probe.
//!
//! Versions 2.0, 2.1 and 2.2 are routed alike (2.0 `clusters/list` is unpaged). Workspaces share
//! the base URL and are told apart by the credential, as Databricks' own test server does: each
//! has a PAT, OAuth M2M credentials, and an ARM resource id for Entra tokens.
//!
//! Error bodies: `{"error_code", "message"}` (the legacy integer `error_code` for invalid or
//! missing credentials), `{"error"}` on 1.2, SCIM error documents on SCIM, and OAuth's
//! `{"error", "error_description"}` on `/oidc`.

mod account;
mod auth;
mod clusters;
mod commands;
mod jobs;
mod seed;
mod state;
mod tasks;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Value, json};

pub use commands::CONTEXT_START_MS;
pub use state::{DatabricksState, Job, Plan, TaskDef};

use super::SimShared;
use super::request::RawRequest;

/// A workspace of the demo account, for building the `--demo` configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoDatabricksWorkspace {
    pub name: String,
    pub host: String,
    pub workspace_id: String,
    pub pat: String,
    pub m2m_client_id: String,
    pub m2m_client_secret: String,
    pub resource_id: String,
}

/// An answer: status, JSON body (None = empty) and extra headers.
pub struct Reply {
    pub status: u16,
    pub body: Option<Value>,
    pub headers: Vec<(&'static str, String)>,
    /// A body already written as JSON text, sent instead of `body` (a list page written
    /// straight from the state: see `clusters::write_cluster`).
    pub text: Option<Vec<u8>>,
}

impl Reply {
    pub fn ok(body: Value) -> Result<Reply, Reply> {
        Ok(Reply { status: 200, body: Some(body), headers: Vec::new(), text: None })
    }

    /// 200 with `text`, which is JSON.
    pub fn ok_text(text: Vec<u8>) -> Result<Reply, Reply> {
        Ok(Reply { status: 200, body: None, headers: Vec::new(), text: Some(text) })
    }
}

/// `{"error_code": code, "message": message}` with a status.
pub fn error(status: u16, code: &str, message: impl Into<String>) -> Reply {
    Reply {
        status,
        body: Some(json!({ "error_code": code, "message": message.into() })),
        headers: Vec::new(),
        text: None,
    }
}

pub fn invalid_parameter(message: impl Into<String>) -> Reply {
    error(400, "INVALID_PARAMETER_VALUE", message)
}

pub fn not_found_route(method: &Method, path: &str) -> Response {
    render(error(404, "ENDPOINT_NOT_FOUND", format!("No API found for '{method} {path}'")))
}

fn render(reply: Reply) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = match (reply.text, reply.body) {
        (Some(text), _) => {
            (status, [(axum::http::header::CONTENT_TYPE, "application/json")], text).into_response()
        }
        (None, Some(body)) => (status, axum::Json(body)).into_response(),
        (None, None) => status.into_response(),
    };
    for (name, value) in reply.headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            resp.headers_mut().insert(name, v);
        }
    }
    resp
}

/// One parsed request.
pub struct Req<'a> {
    pub method: &'a Method,
    /// The path after `/api/<version>/`, e.g. `clusters/list`.
    pub path: &'a str,
    pub version: &'a str,
    pub query: Vec<(String, String)>,
    pub body: &'a [u8],
    pub now: i64,
    pub base_url: &'a str,
}

impl Req<'_> {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn params(&self, name: &str) -> Vec<&str> {
        self.query.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// A boolean query parameter; the SDK sends nested booleans as Python's `True`.
    pub fn flag(&self, name: &str) -> Result<Option<bool>, Reply> {
        match self.param(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(invalid_parameter(format!(
                "Invalid value '{v}' for parameter '{name}': expected true or false"
            ))),
        }
    }

    pub fn int_param(&self, name: &str) -> Result<Option<i64>, Reply> {
        self.param(name)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| invalid_parameter(format!("Invalid value '{v}' for parameter '{name}'")))
            })
            .transpose()
    }

    /// The JSON body as an object (an empty body is `{}`).
    pub fn json(&self) -> Result<serde_json::Map<String, Value>, Reply> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Map::new());
        }
        match serde_json::from_slice::<Value>(self.body) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(error(
                400,
                "MALFORMED_REQUEST",
                "Invalid JSON given in the body of the request - expected a map",
            )),
            Err(e) => Err(error(400, "MALFORMED_REQUEST", format!("Could not parse request object: {e}"))),
        }
    }
}

/// A required string field of a JSON body.
pub fn field<'a>(body: &'a serde_json::Map<String, Value>, name: &str) -> Result<&'a str, Reply> {
    match body.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(Value::Null) | None => Err(invalid_parameter(format!("Missing required field: {name}"))),
        Some(_) => Err(invalid_parameter(format!("Invalid value for field {name}: expected a string"))),
    }
}

/// A required integer field (ids are int64; some clients send them as strings).
pub fn int_field(body: &serde_json::Map<String, Value>, name: &str) -> Result<i64, Reply> {
    match body.get(name) {
        Some(Value::Number(n)) => {
            n.as_i64().ok_or_else(|| invalid_parameter(format!("Invalid value for field {name}")))
        }
        Some(Value::String(s)) => {
            s.parse().map_err(|_| invalid_parameter(format!("Invalid value for field {name}: {s}")))
        }
        _ => Err(invalid_parameter(format!("Missing required field: {name}"))),
    }
}

pub fn router(shared: Arc<SimShared>) -> Router {
    Router::new()
        .route("/api/{*rest}", any(dispatch))
        .route("/oidc/{*rest}", any(oidc))
        .route("/.well-known/databricks-config", get(well_known))
        .with_state(shared)
}

async fn well_known(State(shared): State<Arc<SimShared>>) -> Response {
    let state = shared.databricks();
    let id = state.workspaces.first().map(|w| w.id.to_string()).unwrap_or_default();
    axum::Json(
        json!({ "oidc_endpoint": format!("{}/oidc", shared.base_url), "workspace_id": id, "cloud": "AZURE" }),
    )
    .into_response()
}

async fn oidc(
    State(shared): State<Arc<SimShared>>,
    RawRequest { method, uri, headers, body }: RawRequest,
) -> Response {
    let mut state = shared.databricks();
    render(account::oidc(&mut state, &shared.base_url, &method, uri.path(), &headers, &body))
}

async fn dispatch(
    State(shared): State<Arc<SimShared>>,
    RawRequest { method, uri, headers, body }: RawRequest,
) -> Response {
    let full = uri.path();
    let rest = full.trim_start_matches("/api/");
    let Some((version, path)) = rest.split_once('/') else {
        return not_found_route(&method, full);
    };
    if !matches!(version, "1.2" | "2.0" | "2.1" | "2.2") {
        return not_found_route(&method, full);
    }
    let query = form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect();
    let mut state = shared.databricks();
    // Read the clock under the lock so requests see time move forward in order.
    let now = shared.clock.now_ms();
    let ws_index = match auth::authenticate(&mut state, &headers, version == "1.2") {
        Ok(i) => i,
        Err(reply) => return render(reply),
    };
    let req = Req { method: &method, path, version, query, body: &body, now, base_url: &shared.base_url };
    let ws = &mut state.workspaces[ws_index];
    ws.settle(now);
    let result = match (version, path.split('/').next().unwrap_or("")) {
        ("1.2", _) => commands::handle(ws, &req, &shared.engine),
        (_, "clusters") => clusters::handle(ws, &req),
        (_, "jobs") => jobs::handle(ws, &req),
        (_, "token" | "secrets" | "preview") => account::handle(ws, &req),
        _ => Err(error(404, "ENDPOINT_NOT_FOUND", format!("No API found for '{method} {full}'"))),
    };
    match result {
        Ok(reply) | Err(reply) => render(reply),
    }
}
