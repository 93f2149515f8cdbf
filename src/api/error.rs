//! One error type for every API call: the HTTP status, the service's error code (string, or the
//! legacy integer Databricks sends for credential errors), its message, the request id and any
//! throttling wait, parsed from every body shape the services produce — Fabric `ErrorResponse`,
//! Databricks `{error_code, message, details}`, command execution 1.2 `{"error"}`, OAuth
//! `{error, error_description}`, SCIM error documents, `CODE: message` text, HTML error pages and
//! empty bodies.

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::Value;

use serde::Deserialize;

/// What went wrong, for deciding what to do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    /// 401, or Databricks' 403 for an expired token: refresh the token and retry once.
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    /// The resource is in the wrong state for this action (Databricks `INVALID_STATE`).
    InvalidState,
    /// 429: wait `retry_after` and retry.
    Throttled,
    /// Fabric 430: the Spark capacity is full; not retried automatically.
    Capacity,
    /// 500, 502 and other server faults (retried for safe calls only).
    Server,
    /// 503.
    Unavailable,
    /// Could not connect, or the connection broke.
    Network,
    /// No answer in time (client timeout or 504 gateway timeout).
    Timeout,
    /// A success status with a body we could not read.
    Decode,
    /// A create was sent and no clear answer came back (a 5xx, a timeout, a dropped or cut-off
    /// answer): it may have been carried out. Never re-sent; the user is told to check.
    MayHaveSucceeded,
    /// The service pointed somewhere else (3xx) that sparkdeck does not follow: another host,
    /// port or scheme (credentials never go there), or too many hops.
    Redirected,
    Other,
}

/// A failed API call, ready to show: `Display` is one precise line. Boxed so `Result`s stay
/// small on the happy path; fields are read through `Deref`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError(Box<ApiErrorDetail>);

impl std::ops::Deref for ApiError {
    type Target = ApiErrorDetail;
    fn deref(&self) -> &ApiErrorDetail {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiErrorDetail {
    pub kind: ErrorKind,
    pub method: String,
    /// The URL path (never the query, which could carry tokens).
    pub path: String,
    pub status: Option<u16>,
    /// The service's error code; integer codes are kept as their decimal text.
    pub code: Option<String>,
    pub code_was_numeric: bool,
    pub message: String,
    pub request_id: Option<String>,
    /// How long to wait before trying again: the service's `Retry-After` or Fabric "blocked
    /// until", never more than [`MAX_SERVER_WAIT`].
    pub retry_after: Option<Duration>,
    /// What the service asked for when that was longer than [`MAX_SERVER_WAIT`] (shown, not
    /// waited: a one-day `Retry-After` must not freeze a workspace).
    pub asked_wait: Option<Duration>,
    /// The service said it did not carry the request out (a 429 or 430 naming a wait, or a
    /// message the SDKs know means "refused before work"): even a create may be sent again.
    pub refused: bool,
    /// Requests sent for this call, retries included.
    pub attempts: u32,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.method.is_empty() {
            return f.write_str(&self.message);
        }
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(status) = self.status {
            write!(f, " → {status}")?;
        }
        match &self.code {
            Some(code) if !self.code_was_numeric => write!(f, " {code}: {}", self.message)?,
            _ => write!(f, ": {}", self.message)?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request {id})")?;
        }
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        if self.kind == ErrorKind::MayHaveSucceeded {
            f.write_str(" — it may have been carried out: check before sending it again")?;
        } else if self.kind == ErrorKind::Capacity && self.retry_after.is_none() {
            f.write_str(" — the Spark capacity is full; not retried automatically")?;
        } else if let Some(asked) = self.asked_wait {
            write!(
                f,
                " [the service asked to wait {}; sparkdeck waits at most {} — try again any time]",
                human(asked),
                human(MAX_SERVER_WAIT)
            )?;
        } else if let Some(wait) = self.retry_after {
            write!(f, " [retry after {} s]", wait.as_secs())?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Longest message kept from a body (error pages can be large).
const MAX_MESSAGE: usize = 500;

/// The longest wait sparkdeck takes from a server (`Retry-After` in seconds or as a date,
/// Fabric's "blocked until"). A longer one is clamped to this and reported as asked; the
/// user may try again at any time.
pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(300);

/// `90 s`, `12 min`, `3 h`, `2 d`: a wait as a person reads it.
fn human(d: Duration) -> String {
    match d.as_secs() {
        s if s < 120 => format!("{s} s"),
        s if s < 2 * 3600 => format!("{} min", s / 60),
        s if s < 2 * 86_400 => format!("{} h", s / 3600),
        s => format!("{} d", s / 86_400),
    }
}

impl ApiError {
    /// An error from a non-success response.
    pub fn from_response(
        method: &str,
        path: &str,
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
        now: jiff::Timestamp,
    ) -> ApiError {
        let parsed = parse_body(status, headers, body);
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let request_id = parsed
            .request_id
            .or_else(|| header("requestid"))
            .or_else(|| header("x-ms-request-id"))
            .or_else(|| header("x-request-id"));
        let asked = retry_after(headers, now).or_else(|| blocked_until(&parsed.message, now));
        let retry_after = asked.map(|d| d.min(MAX_SERVER_WAIT));
        let asked_wait = asked.filter(|d| *d > MAX_SERVER_WAIT);
        let kind = classify(status, parsed.code.as_deref(), &parsed.message);
        let refused = (matches!(status, 429 | 430) && retry_after.is_some())
            || (status >= 400 && REFUSED_MESSAGES.iter().any(|m| parsed.message.contains(m)));
        ApiError(Box::new(ApiErrorDetail {
            kind,
            method: method.to_string(),
            path: path.to_string(),
            status: Some(status),
            code: parsed.code.map(|c| cut(&c, MAX_FIELD)),
            code_was_numeric: parsed.numeric,
            message: truncate(&parsed.message),
            request_id: request_id.map(|id| cut(&id, MAX_FIELD)),
            retry_after,
            asked_wait,
            refused,
            attempts: 1,
        }))
    }

    /// A 2xx whose body is an error document (`{"error_code": …}`, `{"errorCode": …}`): the
    /// service failed and said so under a success status. `None` when `body` is no such thing.
    pub fn from_success_body(method: &str, path: &str, status: u16, body: &Value) -> Option<ApiError> {
        let obj = body.as_object()?;
        let says_error = obj.get("error_code").is_some_and(|c| !c.is_null())
            || obj.get("errorCode").is_some_and(Value::is_string);
        if !says_error {
            return None;
        }
        let parsed = parse_json(status, obj);
        let message = format!("a {status} answer carrying an error: {}", parsed.message);
        Some(ApiError(Box::new(ApiErrorDetail {
            kind: ErrorKind::Decode,
            method: method.to_string(),
            path: path.to_string(),
            status: Some(status),
            code: parsed.code,
            code_was_numeric: parsed.numeric,
            message: truncate(&message),
            request_id: parsed.request_id,
            retry_after: None,
            asked_wait: None,
            refused: false,
            attempts: 1,
        })))
    }

    /// This failure of a create whose outcome cannot be known (a 5xx, an HTML page from a
    /// gateway, a timeout or a dropped answer after the request went out): it may have been
    /// carried out, so it is reported as such and never re-sent.
    pub fn outcome_unknown(self) -> ApiError {
        let mut detail = *self.0;
        detail.kind = ErrorKind::MayHaveSucceeded;
        ApiError(Box::new(detail))
    }

    /// The HTTP status that came with a failure built by hand.
    pub(crate) fn with_status(mut self, status: u16) -> ApiError {
        self.0.status = Some(status);
        self
    }

    /// A failure before the request left (no connection): nothing was carried out.
    pub(crate) fn not_sent(mut self) -> ApiError {
        self.0.refused = true;
        self
    }

    /// Record how many requests the call took.
    pub(crate) fn after_attempts(mut self, attempts: u32) -> ApiError {
        self.0.attempts = attempts;
        self
    }

    /// A transport failure (no response).
    pub fn transport(method: &str, path: &str, kind: ErrorKind, message: impl Into<String>) -> ApiError {
        ApiError(Box::new(ApiErrorDetail {
            kind,
            method: method.to_string(),
            path: path.to_string(),
            status: None,
            code: None,
            code_was_numeric: false,
            message: truncate(&message.into()),
            request_id: None,
            retry_after: None,
            asked_wait: None,
            refused: false,
            attempts: 1,
        }))
    }

    /// A success status whose body could not be read as the expected object.
    pub fn decode(method: &str, path: &str, message: impl Into<String>) -> ApiError {
        ApiError::transport(method, path, ErrorKind::Decode, message)
    }

    /// Bad input caught before anything was sent (e.g. an id that is not a path segment).
    pub fn invalid_input(message: impl Into<String>) -> ApiError {
        ApiError::transport("", "", ErrorKind::BadRequest, message)
    }

    /// The token was rejected as missing, invalid or expired: refreshing may help.
    pub fn wants_new_token(&self) -> bool {
        self.kind == ErrorKind::Unauthorized
    }

    /// Worth retrying for a call that is safe to repeat.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Throttled
                | ErrorKind::Unavailable
                | ErrorKind::Server
                | ErrorKind::Network
                | ErrorKind::Timeout
        )
    }
}

fn truncate(s: &str) -> String {
    cut(s, MAX_MESSAGE)
}

/// Longest error code or request id kept (found by fuzzing: a body may make either any length).
const MAX_FIELD: usize = 100;

fn cut(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max { s.to_string() } else { s.chars().take(max).collect::<String>() + "…" }
}

#[derive(Debug, Default)]
struct Parsed {
    code: Option<String>,
    numeric: bool,
    message: String,
    request_id: Option<String>,
}

fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or(match status {
        430 => "Too Many Requests For Capacity",
        _ => "Unknown Status",
    })
}

fn parse_body(status: u16, headers: &HeaderMap, body: &[u8]) -> Parsed {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        // Azure Storage names the error in a header (a HEAD answer has no body).
        if let Some(code) = headers.get("x-ms-error-code").and_then(|v| v.to_str().ok()) {
            return Parsed {
                code: Some(code.to_string()),
                message: reason(status).to_string(),
                ..Parsed::default()
            };
        }
        // Databricks front ends name the reason in a header when the body is empty.
        let message = headers
            .get("x-databricks-reason-phrase")
            .and_then(|v| v.to_str().ok())
            .filter(|m| !m.trim().is_empty())
            .map_or_else(|| reason(status).to_string(), str::to_string);
        return Parsed { message, ..Parsed::default() };
    }
    if let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(text) {
        return parse_json(status, &obj);
    }
    let html = headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|c| c.contains("html"))
        || text.starts_with('<');
    if html {
        let message = between(text, "<pre>", "</pre>")
            .or_else(|| between(text, "<title>", "</title>"))
            .or_else(|| between(text, "<h1>", "</h1>"))
            .map(|m| m.trim().to_string())
            .unwrap_or_else(|| reason(status).to_string());
        let code = reason(status).to_ascii_uppercase().replace(' ', "_");
        return Parsed { code: Some(code), message, ..Parsed::default() };
    }
    // Plain text, often `ERROR_CODE: message`.
    if let Some((code, message)) = text.split_once(": ")
        && !code.is_empty()
        && code.chars().all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
    {
        return Parsed { code: Some(code.to_string()), message: message.to_string(), ..Parsed::default() };
    }
    Parsed { message: text.to_string(), ..Parsed::default() }
}

fn parse_json(status: u16, obj: &serde_json::Map<String, Value>) -> Parsed {
    let s = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_string);
    // Fabric ErrorResponse (+ moreDetails).
    if obj.get("errorCode").is_some_and(Value::is_string)
        && let Ok(fabric) = serde_json::from_value::<ErrorResponse>(Value::Object(obj.clone()))
    {
        let mut message = fabric.message.unwrap_or_default();
        for detail in fabric.more_details {
            if let Some(m) = detail.message {
                message.push_str(" — ");
                if let Some(code) = detail.error_code {
                    message.push_str(&code);
                    message.push_str(": ");
                }
                message.push_str(&m);
            }
        }
        return Parsed { code: fabric.error_code, message, request_id: fabric.request_id, numeric: false };
    }
    // Azure Storage (OneLake's ADLS Gen2 API): {"error": {"code", "message"}}; the message
    // carries `RequestId:…` and `Time:…` lines after the sentence.
    if let Some(Value::Object(err)) = obj.get("error") {
        let text = |k: &str| err.get(k).and_then(Value::as_str).map(str::to_string);
        let full = text("message").unwrap_or_else(|| reason(status).to_string());
        let request_id =
            full.lines().find_map(|l| l.strip_prefix("RequestId:")).map(|r| r.trim().to_string());
        let message = full.lines().next().unwrap_or_default().to_string();
        return Parsed { code: text("code"), message, request_id, numeric: false };
    }
    // Databricks: string or legacy integer error_code.
    if let Some(code) = obj.get("error_code") {
        let (code, numeric) = match code {
            Value::Number(n) => (n.to_string(), true),
            Value::String(c) => (c.clone(), false),
            other => (other.to_string(), false),
        };
        let message = s("message").unwrap_or_else(|| reason(status).to_string());
        let request_id = obj
            .get("details")
            .and_then(Value::as_array)
            .and_then(|d| d.iter().find_map(|x| x.get("request_id").and_then(Value::as_str)))
            .map(str::to_string)
            .or_else(|| bracketed_request_id(&message));
        return Parsed { code: Some(code), numeric, message, request_id };
    }
    // SCIM error document (some front ends drop `schemas` and keep `detail` + `status`).
    if obj.contains_key("detail") && (obj.contains_key("schemas") || obj.contains_key("status")) {
        let status_text = s("status").unwrap_or_else(|| status.to_string());
        let message = match s("scimType") {
            Some(t) => format!("{t} {}", s("detail").unwrap_or_default()),
            None => s("detail").unwrap_or_default(),
        };
        return Parsed { code: Some(format!("SCIM_{status_text}")), message, ..Parsed::default() };
    }
    // OAuth: {error: code, error_description: message}.
    if let (Some(code), Some(description)) = (s("error"), s("error_description")) {
        return Parsed { code: Some(code), message: description, ..Parsed::default() };
    }
    // Command execution 1.2: {"error": "message"}.
    if let Some(message) = s("error") {
        let request_id = bracketed_request_id(&message);
        return Parsed { message, request_id, ..Parsed::default() };
    }
    // Livy's own error body: {"msg": "..."}.
    if let Some(message) = s("message").or_else(|| s("msg")) {
        return Parsed { message, ..Parsed::default() };
    }
    Parsed { message: serde_json::Value::Object(obj.clone()).to_string(), ..Parsed::default() }
}

/// `... [ReqId: 01ef-...]` in Databricks messages.
fn bracketed_request_id(message: &str) -> Option<String> {
    between(message, "[ReqId: ", "]").map(|s| s.trim().to_string())
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(&text[start..end])
}

/// Messages the Databricks SDKs retry whatever their status. These say the request was
/// refused before it was carried out (a component still starting, a rate bucket), so even a
/// create may be sent again.
const REFUSED_MESSAGES: [&str; 6] = [
    "UnknownWorkerEnvironmentException",
    "does not have any associated worker environments",
    "There is no worker environment with id",
    "Unknown worker environment",
    "ClusterNotReadyException",
    "RPC token bucket limit has been exceeded",
];
/// These the SDKs retry too, but they do not say the work was not done: server errors, so only
/// reads and other safe calls repeat them.
const TRANSIENT_MESSAGES: [&str; 2] =
    ["Unexpected error", "Please try again later or try a faster operation."];

fn classify(status: u16, code: Option<&str>, message: &str) -> ErrorKind {
    if status >= 400 && REFUSED_MESSAGES.iter().any(|m| message.contains(m)) {
        return ErrorKind::Unavailable;
    }
    if status >= 400 && TRANSIENT_MESSAGES.iter().any(|m| message.contains(m)) {
        return ErrorKind::Server;
    }
    let lower = message.to_ascii_lowercase();
    // Databricks error codes override the status (the SDKs' error_code → class table).
    match code {
        Some("INVALID_STATE") => return ErrorKind::InvalidState,
        Some("RESOURCE_DOES_NOT_EXIST" | "NOT_FOUND" | "ENDPOINT_NOT_FOUND") => return ErrorKind::NotFound,
        Some("ABORTED" | "ALREADY_EXISTS" | "RESOURCE_ALREADY_EXISTS") => return ErrorKind::Conflict,
        Some("PERMISSION_DENIED") => return ErrorKind::Forbidden,
        Some("TEMPORARILY_UNAVAILABLE") => return ErrorKind::Unavailable,
        Some("UNKNOWN" | "DATA_LOSS") if status >= 500 => return ErrorKind::Server,
        // Fabric's capacity error, whatever status carries it.
        Some("TooManyRequestsForCapacity") => return ErrorKind::Capacity,
        _ => {}
    }
    match (status, code) {
        // Databricks reports missing clusters, jobs and runs as 400 INVALID_PARAMETER_VALUE.
        (400, Some("INVALID_PARAMETER_VALUE"))
            if lower.contains("does not exist") || lower.contains("doesn't exist") =>
        {
            ErrorKind::NotFound
        }
        (401, _) => ErrorKind::Unauthorized,
        // An expiring Entra token or a revoked one: worth exactly one refresh.
        (403, _)
            if lower.contains("token expired")
                || lower.contains("expiring")
                || lower.contains("invalid access token") =>
        {
            ErrorKind::Unauthorized
        }
        (403, _) => ErrorKind::Forbidden,
        (404, _) => ErrorKind::NotFound,
        (409, _) => ErrorKind::Conflict,
        (429, _) => ErrorKind::Throttled,
        (430, _) => ErrorKind::Capacity,
        (503, _) => ErrorKind::Unavailable,
        (504, _) => ErrorKind::Timeout,
        // Not implemented: repeating it will not help.
        (501, _) => ErrorKind::Other,
        (500..=599, _) => ErrorKind::Server,
        (400..=499, _) => ErrorKind::BadRequest,
        _ => ErrorKind::Other,
    }
}

/// `Retry-After`: delta seconds or an HTTP date. A number too large for any clock reads as
/// the longest wait there is (it is clamped to [`MAX_SERVER_WAIT`] by the caller).
fn retry_after(headers: &HeaderMap, now: jiff::Timestamp) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse::<u64>().unwrap_or(u64::MAX)));
    }
    let at = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    Some(Duration::try_from(at.duration_since(now)).unwrap_or(Duration::ZERO))
}

/// Fabric's "Request is blocked by the upstream service until: 4/17/2026 12:22:35 PM (UTC)".
fn blocked_until(message: &str, now: jiff::Timestamp) -> Option<Duration> {
    let rest = message.split("until: ").nth(1)?;
    let stamp = rest.split(" (UTC)").next()?.trim();
    let dt = jiff::civil::DateTime::strptime("%m/%d/%Y %I:%M:%S %p", stamp).ok()?;
    let at = dt.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
    // The time is cut to whole seconds and our clock may differ: wait at least a second rather
    // than retry at once into the same block.
    Some(Duration::try_from(at.duration_since(now)).unwrap_or(Duration::ZERO).max(Duration::from_secs(1)))
}

/// One entry of an `ErrorResponse`'s `moreDetails`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ErrorDetail {
    pub error_code: Option<String>,
    pub message: Option<String>,
}

/// Fabric's `ErrorResponse`, the body of every Livy and core API failure.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ErrorResponse {
    pub error_code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
    pub more_details: Vec<ErrorDetail>,
    pub is_retriable: Option<bool>,
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn now() -> jiff::Timestamp {
        "2026-04-17T12:22:00Z".parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    fn err(status: u16, headers: &[(&'static str, &str)], body: &str) -> ApiError {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            if let Ok(v) = HeaderValue::from_str(v) {
                map.insert(*k, v);
            }
        }
        ApiError::from_response("GET", "/api/2.1/clusters/get", status, &map, body.as_bytes(), now())
    }

    #[test]
    fn fabric_error_response_with_request_id_and_blocked_until() {
        let e = err(
            429,
            &[],
            r#"{"requestId":"8f49a868-0000-4000-8000-000000000001","errorCode":"RequestBlocked","message":"Request is blocked by the upstream service until: 4/17/2026 12:22:35 PM (UTC)"}"#,
        );
        assert_eq!(e.kind, ErrorKind::Throttled);
        assert_eq!(e.code.as_deref(), Some("RequestBlocked"));
        assert_eq!(e.request_id.as_deref(), Some("8f49a868-0000-4000-8000-000000000001"));
        assert_eq!(e.retry_after, Some(Duration::from_secs(35)), "parsed from the body without a header");
        assert!(
            e.to_string().starts_with("GET /api/2.1/clusters/get → 429 RequestBlocked: Request is blocked")
        );
    }

    #[test]
    fn databricks_string_and_integer_codes() {
        let e =
            err(400, &[], r#"{"error_code":"INVALID_PARAMETER_VALUE","message":"Cluster x does not exist"}"#);
        assert_eq!((e.kind, e.code.as_deref()), (ErrorKind::NotFound, Some("INVALID_PARAMETER_VALUE")));
        assert_eq!(
            e.to_string(),
            "GET /api/2.1/clusters/get → 400 INVALID_PARAMETER_VALUE: Cluster x does not exist"
        );
        let e =
            err(403, &[("x-request-id", "abc")], r#"{"error_code":403,"message":"Invalid access token."}"#);
        assert!(e.code_was_numeric);
        assert_eq!(
            e.kind,
            ErrorKind::Unauthorized,
            "an invalid PAT is worth one refresh of a refreshable token"
        );
        assert_eq!(e.to_string(), "GET /api/2.1/clusters/get → 403: Invalid access token. (request abc)");
        let e = err(
            403,
            &[],
            r#"{"error_code":403,"message":"Token is expiring within 30 seconds. (token expired)"}"#,
        );
        assert!(e.wants_new_token());
        let e = err(
            400,
            &[],
            r#"{"error_code":"INVALID_STATE","message":"Cluster x is in unexpected state Running."}"#,
        );
        assert_eq!(e.kind, ErrorKind::InvalidState);
        let e = err(
            401,
            &[],
            r#"{"error_code":401,"message":"Credential was not sent or was of an unsupported type for this API. [ReqId: 01ef-77]"}"#,
        );
        assert_eq!(e.request_id.as_deref(), Some("01ef-77"));
        let e = err(
            404,
            &[],
            r#"{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Job 1 does not exist.","details":[{"@type":"type.googleapis.com/google.rpc.RequestInfo","request_id":"req-9","serving_data":""}]}"#,
        );
        assert_eq!(e.request_id.as_deref(), Some("req-9"));
    }

    #[test]
    fn command_scim_oauth_text_html_and_empty_bodies() {
        let e = err(400, &[], r#"{"error":"ClusterNotReadyException: Cluster x is in state PENDING"}"#);
        assert_eq!(e.message, "ClusterNotReadyException: Cluster x is in state PENDING");
        let e = err(
            409,
            &[],
            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"already exists","status":"409","scimType":"uniqueness"}"#,
        );
        assert_eq!((e.code.as_deref(), e.message.as_str()), (Some("SCIM_409"), "uniqueness already exists"));
        let e = err(404, &[], r#"{"detail":"User not found","status":"404"}"#);
        assert_eq!((e.code.as_deref(), e.message.as_str()), (Some("SCIM_404"), "User not found"));
        let e = err(
            401,
            &[],
            r#"{"error":"invalid_client","error_description":"Client authentication failed."}"#,
        );
        assert_eq!(
            (e.code.as_deref(), e.message.as_str()),
            (Some("invalid_client"), "Client authentication failed.")
        );
        let e = err(400, &[], "MALFORMED_REQUEST: bad json");
        assert_eq!((e.code.as_deref(), e.message.as_str()), (Some("MALFORMED_REQUEST"), "bad json"));
        let page = "<html><head><title>Error 403 Invalid access token.</title></head><body><pre>    Invalid access token.</pre></body></html>";
        let e = err(403, &[("content-type", "text/html")], page);
        assert_eq!((e.code.as_deref(), e.message.as_str()), (Some("FORBIDDEN"), "Invalid access token."));
        let e = err(502, &[], "<html><head><title>502 Bad Gateway</title></head><body></body></html>");
        assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Server, "502 Bad Gateway"));
        let e = err(503, &[("retry-after", "7")], "");
        assert_eq!(
            (e.kind, e.message.as_str(), e.retry_after),
            (ErrorKind::Unavailable, "Service Unavailable", Some(Duration::from_secs(7)))
        );
        let e = err(
            430,
            &[],
            r#"{"errorCode":"TooManyRequestsForCapacity","message":"[TooManyRequestsForCapacity] ..."}"#,
        );
        assert_eq!(e.kind, ErrorKind::Capacity);
        assert!(!e.is_transient(), "capacity errors are not retried automatically");
    }

    #[test]
    fn server_waits_are_clamped_and_the_asked_wait_is_shown() {
        for huge in ["18446744073709551615", "99999999999999999999999999", "9300000000000000000"] {
            let e = err(429, &[("retry-after", huge)], "");
            assert_eq!(e.retry_after, Some(MAX_SERVER_WAIT), "{huge}");
            assert!(e.asked_wait.is_some_and(|a| a > MAX_SERVER_WAIT), "{huge}");
            assert!(e.refused, "a 429 naming a wait was refused before any work");
        }
        let e = err(503, &[("retry-after", "86400")], "");
        assert_eq!((e.retry_after, e.asked_wait), (Some(MAX_SERVER_WAIT), Some(Duration::from_secs(86_400))));
        assert!(
            e.to_string().ends_with(
                "[the service asked to wait 24 h; sparkdeck waits at most 5 min — try again any time]"
            ),
            "{e}"
        );
        assert!(!e.refused, "a 503 may come from a gateway after the work was done");
        // A date far in the future, and a Fabric block a year ahead.
        let e = err(429, &[("retry-after", "Tue, 31 Dec 2999 23:59:59 GMT")], "");
        assert_eq!(e.retry_after, Some(MAX_SERVER_WAIT));
        let e = err(
            429,
            &[],
            r#"{"errorCode":"RequestBlocked","message":"Request is blocked by the upstream service until: 4/17/2027 12:22:35 PM (UTC)"}"#,
        );
        assert_eq!(e.retry_after, Some(MAX_SERVER_WAIT));
        assert!(e.to_string().contains("asked to wait 365 d"), "{e}");
        // Nonsense is no wait at all, never a panic.
        for odd in ["-5", "1.5e300", "soon", ""] {
            assert_eq!(err(429, &[("retry-after", odd)], "").retry_after, None, "{odd:?}");
        }
    }

    #[test]
    fn retry_after_accepts_http_dates_and_long_pages_are_cut() {
        let e = err(429, &[("retry-after", "Fri, 17 Apr 2026 12:22:10 GMT")], "");
        assert_eq!(e.retry_after, Some(Duration::from_secs(10)));
        let e = err(500, &[], &"x".repeat(5000));
        assert!(e.message.chars().count() <= MAX_MESSAGE + 1);
    }
}
