//! The HTTP layer: one `reqwest::Client` for the process, and an [`Endpoint`] per workspace that
//! authenticates requests, waits at the workspace's throttle gate, retries what is safe to retry,
//! refreshes a rejected token once, and turns every failure into an [`ApiError`].

use std::sync::Arc;
use std::time::Duration;

use backon::BackoffBuilder;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;

use super::error::{ApiError, ErrorKind};
use super::gate::Gate;
use super::wire::{Fetched, excerpt};
use crate::auth::SharedAuthenticator;

/// Which service an endpoint talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKind {
    Fabric,
    Databricks,
}

/// Whether a request may be sent twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Reads, deletes, cancels, pins: repeating them changes nothing.
    Safe,
    /// Creates (sessions, batches, HC acquisitions, runs, clusters, tokens, statements): never
    /// re-sent once they may have reached the service, or a retry could start a second billed
    /// Spark session.
    Create,
}

/// Limits on retrying one call.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (a token refresh does not count).
    pub max_attempts: usize,
    pub min_delay: Duration,
    pub max_delay: Duration,
    /// Longest single throttle wait we accept before giving up and reporting it.
    pub max_throttle_wait: Duration,
    /// Total time one call may take, waits included; no retry starts after it.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            min_delay: Duration::from_millis(300),
            max_delay: Duration::from_secs(10),
            max_throttle_wait: Duration::from_secs(120),
            // The Databricks SDKs' default retry budget.
            max_elapsed: Duration::from_secs(300),
        }
    }
}

/// The process-wide HTTP client: build it once and clone it into every [`Endpoint`] (clones share
/// one connection pool).
pub fn client() -> Result<reqwest::Client, ApiError> {
    reqwest::Client::builder()
        .user_agent(concat!("sparkdeck/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
        .read_timeout(Duration::from_secs(60))
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|e| {
            ApiError::transport("", "", ErrorKind::Network, format!("cannot build the HTTP client: {e}"))
        })
}

/// One workspace's API: base URL, service kind, identity and throttle gate. Cheap to clone;
/// clones share the gate, so every task for the workspace waits together.
#[derive(Debug, Clone)]
pub struct Endpoint {
    client: reqwest::Client,
    api: ApiKind,
    base: String,
    auth: SharedAuthenticator,
    gate: Arc<Gate>,
    policy: RetryPolicy,
}

impl Endpoint {
    /// `base` is the service root: `https://api.fabric.microsoft.com` or the Databricks workspace
    /// URL (or the simulator's address).
    pub fn new(
        client: reqwest::Client,
        api: ApiKind,
        base: impl Into<String>,
        auth: SharedAuthenticator,
    ) -> Self {
        Self {
            client,
            api,
            base: base.into().trim_end_matches('/').to_string(),
            auth,
            gate: Arc::new(Gate::new()),
            policy: RetryPolicy::default(),
        }
    }

    /// The default limits for calls through this endpoint.
    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    pub fn api(&self) -> ApiKind {
        self.api
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The workspace's throttle gate, for the status line.
    pub fn gate(&self) -> &Arc<Gate> {
        &self.gate
    }

    pub fn auth(&self) -> &SharedAuthenticator {
        &self.auth
    }

    /// Start a call. GET, PUT and DELETE are safe to repeat; POST and PATCH are treated as
    /// creates (never re-sent) unless marked [`Call::idempotent`].
    pub fn call(&self, method: Method, path: impl Into<String>) -> Call<'_> {
        let idempotency = if method == Method::POST || method == Method::PATCH {
            Idempotency::Create
        } else {
            Idempotency::Safe
        };
        Call {
            ep: self,
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            idempotency,
            policy: None,
            timeout: None,
            body_wanted: true,
        }
    }
}

/// What a request carries.
enum Body {
    Json(Value),
    /// Raw bytes (OneLake appends), sent as `application/octet-stream`. `Bytes` clones share
    /// the buffer, so a retry does not copy the chunk.
    Bytes(bytes::Bytes),
}

/// A successful answer with its headers (for calls whose answer is in them, e.g. a HEAD's
/// `Content-Length`).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    /// The JSON body (`{}` when empty; `Null` when the call did not want one).
    pub body: Value,
}

/// One request being built; nothing is sent until [`Call::send`] or [`Call::fetch`].
#[must_use = "a call does nothing until sent"]
pub struct Call<'a> {
    ep: &'a Endpoint,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    /// Extra request headers (`x-ms-version`, `If-None-Match`); never credentials, which come
    /// from the authenticator.
    headers: Vec<(&'static str, String)>,
    body: Option<Result<Body, String>>,
    idempotency: Idempotency,
    policy: Option<RetryPolicy>,
    timeout: Option<Duration>,
    /// False for calls whose answer is only a status (DELETE, reset-timeout): any 2xx body is
    /// accepted, JSON or not.
    body_wanted: bool,
}

impl Call<'_> {
    pub fn query(mut self, key: &str, value: impl ToString) -> Self {
        self.query.push((key.to_string(), value.to_string()));
        self
    }

    pub fn query_opt(self, key: &str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    /// A JSON body.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.body = Some(serde_json::to_value(body).map(Body::Json).map_err(|e| e.to_string()));
        self
    }

    /// A raw body (`application/octet-stream`).
    pub fn bytes(mut self, body: bytes::Bytes) -> Self {
        self.body = Some(Ok(Body::Bytes(body)));
        self
    }

    /// An extra request header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// A POST that repeating cannot harm (cancel, pin, delete by id, a read sent as POST).
    pub fn idempotent(mut self) -> Self {
        self.idempotency = Idempotency::Safe;
        self
    }

    /// Retry limits for this call only.
    pub fn policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Time limit for each attempt of this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Send and decode the answer as `T`, keeping the raw JSON.
    pub async fn fetch<T: DeserializeOwned>(self) -> Result<Fetched<T>, ApiError> {
        let (method, path) = (self.method.as_str().to_string(), self.path.clone());
        let raw = self.send().await?;
        Fetched::decode(&method, &path, raw)
    }

    /// Send when only success matters: any 2xx is success, whatever its body (some gateways
    /// answer a DELETE with `OK` or an HTML page).
    pub async fn execute(self) -> Result<(), ApiError> {
        self.status_only().answer().await.map(drop)
    }

    /// Accept any 2xx body, JSON or not (HEAD, DELETE, storage calls that answer nothing).
    pub fn status_only(mut self) -> Self {
        self.body_wanted = false;
        self
    }

    /// Send and read the JSON answer (an empty body reads as `{}`).
    pub async fn send(self) -> Result<Value, ApiError> {
        self.answer().await.map(|a| a.body)
    }

    /// Send when the answer's headers matter too (the body is read as JSON unless the call only
    /// wants a status: see [`Call::status_only`]).
    pub async fn answer(self) -> Result<Answer, ApiError> {
        let ep = self.ep;
        let policy = self.policy.as_ref().unwrap_or(&ep.policy);
        let path = self.path.as_str();
        let url = format!("{}{path}", ep.base);
        let m = self.method.as_str();
        let body = match self.body {
            Some(Err(e)) => {
                return Err(ApiError::invalid_input(format!("{m} {path}: cannot encode the body: {e}")));
            }
            Some(Ok(v)) => Some(v),
            None => None,
        };
        let mut delays = backon::ExponentialBuilder::default()
            .with_min_delay(policy.min_delay)
            .with_max_delay(policy.max_delay)
            .with_jitter()
            .without_max_times()
            .build();
        let started = Instant::now();
        let mut refreshed = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            ep.gate.pass().await;
            let headers = ep.auth.headers().await.map_err(|e| {
                ApiError::transport(m, path, ErrorKind::Unauthorized, format!("cannot authenticate: {e}"))
            })?;
            let mut req = ep.client.request(self.method.clone(), &url).query(&self.query);
            for (name, value) in headers {
                req = req.header(name, value);
            }
            for (name, value) in &self.headers {
                req = req.header(*name, value.as_str());
            }
            match &body {
                Some(Body::Json(b)) => req = req.json(b),
                Some(Body::Bytes(b)) => {
                    req =
                        req.header(reqwest::header::CONTENT_TYPE, "application/octet-stream").body(b.clone())
                }
                None => {}
            }
            if let Some(t) = self.timeout {
                req = req.timeout(t);
            }
            let failure = match req.send().await {
                Err(e) => {
                    // A connect failure never reached the service: even a create may be retried.
                    if self.idempotency == Idempotency::Create && !e.is_connect() {
                        return Err(may_have_succeeded(
                            m,
                            path,
                            &format!("no answer arrived ({})", describe(&e)),
                        ));
                    }
                    let kind = if e.is_timeout() { ErrorKind::Timeout } else { ErrorKind::Network };
                    ApiError::transport(m, path, kind, describe(&e))
                }
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    let answer = |body| Answer { status: status.as_u16(), headers: headers.clone(), body };
                    match resp.bytes().await {
                        Ok(_) if status.is_success() && !self.body_wanted => return Ok(answer(Value::Null)),
                        Ok(bytes) if status.is_success() => return decode(m, path, &bytes).map(answer),
                        Ok(bytes) => ApiError::from_response(
                            m,
                            path,
                            status.as_u16(),
                            &headers,
                            &bytes,
                            jiff::Timestamp::now(),
                        ),
                        Err(e) if status.is_success() && self.idempotency == Idempotency::Create => {
                            return Err(may_have_succeeded(
                                m,
                                path,
                                &format!("the answer was cut off ({})", describe(&e)),
                            ));
                        }
                        Err(e) => ApiError::transport(m, path, ErrorKind::Network, describe(&e)),
                    }
                }
            };
            if failure.wants_new_token() && !refreshed {
                refreshed = true;
                ep.auth.invalidate();
                tracing::debug!("{m} {path}: token rejected, retrying once with a fresh one");
                attempt -= 1;
                continue;
            }
            let retryable = match failure.kind {
                // Throttled and unavailable requests were rejected, not executed: safe for all.
                ErrorKind::Throttled | ErrorKind::Unavailable => true,
                ErrorKind::Server | ErrorKind::Network | ErrorKind::Timeout => {
                    self.idempotency == Idempotency::Safe
                }
                _ => false,
            };
            let throttled = matches!(failure.kind, ErrorKind::Throttled | ErrorKind::Unavailable);
            // Giving up on a throttled call still closes the gate for the time the service
            // asked: the other pollers of this workspace must not walk into the same wall.
            let give_up = |failure: ApiError| {
                if let (true, Some(wait)) = (throttled, failure.retry_after) {
                    ep.gate.block(wait);
                }
                Err(failure)
            };
            if !retryable || attempt >= policy.max_attempts {
                return give_up(failure);
            }
            let backoff = delays.next().unwrap_or(policy.max_delay);
            let wait = match failure.retry_after {
                Some(wait) if wait > policy.max_throttle_wait => return give_up(failure),
                Some(wait) => wait,
                None => backoff,
            };
            if started.elapsed() + wait > policy.max_elapsed {
                return give_up(failure);
            }
            tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, "retrying: {failure}");
            if throttled {
                // Everyone talking to this workspace waits, not just this call.
                ep.gate.block(wait);
            } else {
                tokio::time::sleep(wait).await;
            }
        }
    }
}

fn may_have_succeeded(method: &str, path: &str, what: &str) -> ApiError {
    ApiError::transport(
        method,
        path,
        ErrorKind::MayHaveSucceeded,
        format!(
            "{what} after the request was sent; it may have been carried out — check before creating it again"
        ),
    )
}

fn describe(e: &reqwest::Error) -> String {
    // reqwest's Display includes the URL, which may carry query parameters; keep the cause only.
    let mut msg = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else {
        "connection failed".to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

fn decode(method: &str, path: &str, bytes: &[u8]) -> Result<Value, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        let text = String::from_utf8_lossy(bytes);
        ApiError::decode(method, path, format!("unreadable JSON ({e}) in: {}", excerpt(&text)))
    })
}
