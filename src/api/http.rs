//! The HTTP layer: one `reqwest::Client` for the process, and an [`Endpoint`] per workspace that
//! authenticates requests, waits at the workspace's throttle gate, retries what is safe to retry,
//! refreshes a rejected token once, and turns every failure into an [`ApiError`].
//!
//! # What is sent again
//!
//! Every call says how it may be repeated ([`Idempotency`]); [`Endpoint::call`] picks the
//! default from the method and a client marks the exceptions:
//!
//! - [`Call::idempotent`]: reads sent as POST, cancels, deletes, pins — repeating changes nothing.
//! - [`Call::deduplicated`]: a create that carries a token the service recognises a repeat by
//!   (Databricks `idempotency_token` on `jobs/run-now` and `jobs/runs/submit`); it is retried
//!   like a read, and the service runs it once.
//! - anything else POST or PATCH is a [`Idempotency::Create`] (sessions, batches, HC
//!   acquisitions, statements, commands, tokens, repairs, cluster restarts). It is sent again
//!   only when the service has certainly not run it: a 429 or 430 naming a wait, a message the
//!   service uses for "refused before work", a token rejected before the work, or a connection
//!   that could not be opened. After a 5xx (JSON, HTML or empty), a timeout or a dropped
//!   answer it is never re-sent: the error is [`ErrorKind::MayHaveSucceeded`] and says to check.
//!
//! A new create (headless `create` commands) needs nothing more than `ep.call(Method::POST, …)`;
//! give it an idempotency token and [`Call::deduplicated`] where its API has one.
//!
//! # Waits and timeouts
//!
//! Every server-given wait is clamped to [`MAX_SERVER_WAIT`] (a longer one is reported as
//! asked). A call the user asked for ([`user_action`]) skips a closed gate on its first attempt.
//! [`Timeouts`] bound connecting, the wait for the first byte of an answer and each attempt;
//! a timeout is reported once as "no answer from HOST after N s" and not retried.
//!
//! # Redirects
//!
//! Only redirects to the same scheme, host and port are followed (at most [`MAX_REDIRECTS`]),
//! so no credential header — `Authorization`, `X-Databricks-Azure-SP-Management-Token`,
//! `X-Databricks-Azure-Workspace-Resource-Id` or any other — ever reaches another origin; any
//! other redirect is reported as [`ErrorKind::Redirected`] with where it pointed.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use backon::BackoffBuilder;
use reqwest::Method;
use reqwest::header::LOCATION;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;

use super::activity::{WaitKind, activity};
use super::error::{ApiError, ErrorKind};
use super::gate::Gate;
use super::wire::{Fetched, ListPage, excerpt};
use crate::auth::SharedAuthenticator;

pub use super::error::MAX_SERVER_WAIT;

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
    /// A create carrying a token the service recognises a repeat by (Databricks
    /// `idempotency_token`): retried like a read, run once by the service.
    Deduplicated,
    /// Creates (sessions, batches, HC acquisitions, runs, clusters, tokens, statements, repairs,
    /// restarts): sent again only when the service certainly did not run them, or a retry
    /// could start a second billed Spark session or run the user's code twice.
    Create,
}

impl Idempotency {
    fn repeatable(self) -> bool {
        self != Idempotency::Create
    }
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

/// How long one request may take (`[http]` in the configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Opening the connection (TCP and TLS).
    pub connect: Duration,
    /// From sending the request to the first byte of the answer, and between two pieces of it.
    pub answer: Duration,
    /// One attempt in all, however steadily the answer trickles in.
    pub total: Duration,
}

impl Timeouts {
    /// `answer` seconds to answer; connecting gets at most 10 s of it, a whole attempt four times it.
    pub fn from_seconds(answer: u64) -> Timeouts {
        let answer = Duration::from_secs(answer.max(1));
        Timeouts { connect: answer.min(Duration::from_secs(10)), answer, total: answer * 4 }
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts::from_seconds(DEFAULT_TIMEOUT_SECONDS)
    }
}

/// `[http] timeout_seconds` when the configuration does not say.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 30;

/// The header naming each call (a UUID, the same on every retry of the call).
pub const CLIENT_REQUEST_ID_HEADER: &str = "x-ms-client-request-id";

/// Same-origin redirects followed in one request before giving up (a loop ends here).
pub const MAX_REDIRECTS: usize = 5;

/// The process-wide HTTP client with the default [`Timeouts`].
pub fn client() -> Result<reqwest::Client, ApiError> {
    client_with(Timeouts::default())
}

/// The process-wide HTTP client: build it once and clone it into every [`Endpoint`] (clones share
/// one connection pool). The auth module uses it too, so token requests follow the same
/// redirect rule.
pub fn client_with(timeouts: Timeouts) -> Result<reqwest::Client, ApiError> {
    built(builder(timeouts))
}

/// The client of the embedded simulator (`--demo`): plain HTTP on loopback, so it trusts no
/// certificate authority at all. Loading the system's roots (the bundle, then each of the
/// ~290 files of `/etc/ssl/certs`) was a sixth to a fifth of `--demo`'s start.
pub fn loopback_client(timeouts: Timeouts) -> Result<reqwest::Client, ApiError> {
    built(builder(timeouts).tls_certs_only([]))
}

fn built(builder: reqwest::ClientBuilder) -> Result<reqwest::Client, ApiError> {
    builder.build().map_err(|e| {
        ApiError::transport("", "", ErrorKind::Network, format!("cannot build the HTTP client: {e}"))
    })
}

/// What [`client_with`] builds, for a caller that adds to it (a private CA, a proxy).
pub fn builder(timeouts: Timeouts) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .user_agent(concat!("sparkdeck/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(timeouts.connect)
        .read_timeout(timeouts.answer)
        .timeout(timeouts.total)
        .redirect(redirect_policy())
}

/// Follow a redirect only within the origin of the first request and never to Databricks'
/// sign-in page; stop otherwise, so the 3xx comes back and is reported. reqwest itself strips
/// only `Authorization` and cookies on a cross-host hop, not the other credential headers.
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let follow = attempt.previous().first().is_some_and(|first| same_origin(first, attempt.url()))
            && attempt.previous().len() <= MAX_REDIRECTS
            && !is_sign_in_page(attempt.url());
        if follow { attempt.follow() } else { attempt.stop() }
    })
}

/// Same scheme, host and port (an explicit default port equals none).
pub fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Where Databricks sends a request its private link refuses (`/login.html?error=…`).
fn is_sign_in_page(url: &reqwest::Url) -> bool {
    url.path().ends_with("/login.html")
}

/// `host[:port]` of a URL, for messages.
fn host_of(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            })
        })
        .unwrap_or_else(|| "the service".into())
}

tokio::task_local! {
    static USER_ACTION: ();
}

/// Run `work` as something the user asked for: the first attempt of each of its calls goes out
/// even while the workspace's throttle gate is closed (a long wait must not freeze the user's
/// buttons; the user may always try once). Retries still wait, and a refusal closes the gate
/// for the pollers as usual.
pub async fn user_action<F: Future>(work: F) -> F::Output {
    USER_ACTION.scope((), work).await
}

fn in_user_action() -> bool {
    USER_ACTION.try_with(|_| ()).is_ok()
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
    retries: Arc<super::retries::Retries>,
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
            retries: Arc::default(),
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

    /// The retries made through this endpoint (and its clones) since last read.
    pub fn retries(&self) -> &super::retries::Retries {
        &self.retries
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
            expected: None,
            list: None,
            text: false,
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
    /// The JSON body (`{}` when empty; `Null` when the call did not want one); a list page's
    /// without its items, which `page` keeps as text (`Call::send_list`).
    pub body: Value,
    page: ListPage,
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
    /// What an empty 2xx body should have been, when it may not be empty (a list page, the
    /// object a create made); `None`: empty reads as `{}`.
    expected: Option<&'static str>,
    /// A list page's items key (`Call::send_list`).
    list: Option<&'static str>,
    /// The answer is text (log content), not JSON: see [`Call::text`].
    text: bool,
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

    /// A create whose body carries a token the service deduplicates by (Databricks
    /// `idempotency_token`): retried like a read.
    pub fn deduplicated(mut self) -> Self {
        self.idempotency = Idempotency::Deduplicated;
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
    /// A create's empty answer names nothing it made: its outcome is unknown.
    pub async fn fetch<T: DeserializeOwned>(mut self) -> Result<Fetched<T>, ApiError> {
        if self.idempotency != Idempotency::Safe {
            self.expected = Some("the created object");
        }
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

    /// Send and read the answer as text (log content served as `application/octet-stream`);
    /// an HTML page (a proxy's, a sign-in page) is an error, not log text.
    pub async fn text(mut self) -> Result<String, ApiError> {
        self.text = true;
        match self.answer().await?.body {
            Value::String(text) => Ok(text),
            _ => Ok(String::new()),
        }
    }

    /// Send and read one page of a list, the items under `key`: as [`Call::send`], but an
    /// empty body is an error naming it (a list that is truly empty still comes as `{}` or
    /// `{"items": []}`), and the items are kept as text for `wire::decode_items`.
    pub async fn send_list(mut self, key: &'static str) -> Result<ListPage, ApiError> {
        self.expected = Some("a list");
        self.list = Some(key);
        self.answer().await.map(|a| a.page.with_body(a.body))
    }

    /// Send and read the JSON answer (an empty body reads as `{}`). A 2xx whose body is an
    /// error document is an error.
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
        let host = host_of(&ep.base);
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
        // One id for the call, the same on every retry: the service (and its support) can tell
        // a retry from a new request.
        let call_id = uuid::Uuid::new_v4().to_string();
        let first_ungated = in_user_action();
        let mut refreshed = false;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            if !(attempt == 1 && first_ungated) && ep.gate.remaining().is_some() {
                let _waiting = activity().begin(&host, WaitKind::Throttled);
                ep.gate.pass().await;
            }
            let headers = ep.auth.headers().await.map_err(|e| {
                ApiError::transport(m, path, ErrorKind::Unauthorized, format!("cannot authenticate: {e}"))
            })?;
            let mut req = ep
                .client
                .request(self.method.clone(), &url)
                .query(&self.query)
                .header(CLIENT_REQUEST_ID_HEADER, call_id.as_str());
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
            let sent = Instant::now();
            let answer = {
                let _waiting = activity().begin(&host, WaitKind::Answer);
                match req.send().await {
                    Ok(resp) => {
                        let (status, headers) = (resp.status(), resp.headers().clone());
                        Ok((status, headers, resp.bytes().await))
                    }
                    Err(e) => Err(e),
                }
            };
            let no_answer = |e: &reqwest::Error| {
                if e.is_timeout() {
                    format!("no answer from {host} after {}", seconds(sent.elapsed()))
                } else {
                    format!("the answer from {host} was lost ({})", describe(e))
                }
            };
            let failure = match answer {
                // Not connected: the request never left, so even a create may go again.
                Err(e) if e.is_connect() => {
                    ApiError::transport(m, path, ErrorKind::Network, format!("{host}: {}", describe(&e)))
                        .not_sent()
                }
                Err(e) if self.idempotency == Idempotency::Create => {
                    return Err(ApiError::transport(m, path, ErrorKind::MayHaveSucceeded, no_answer(&e))
                        .after_attempts(attempt));
                }
                // A stalled service is reported once, not waited out five times; whether a
                // deduplicated create got through is as unknown as any other's.
                Err(e) if e.is_timeout() => {
                    let kind = match self.idempotency {
                        Idempotency::Safe => ErrorKind::Timeout,
                        _ => ErrorKind::MayHaveSucceeded,
                    };
                    return Err(ApiError::transport(m, path, kind, no_answer(&e)).after_attempts(attempt));
                }
                Err(e) => ApiError::transport(m, path, ErrorKind::Network, no_answer(&e)),
                Ok((status, headers, Ok(_))) if status.is_redirection() => {
                    return Err(redirected(m, path, &url, status.as_u16(), &headers).after_attempts(attempt));
                }
                Ok((status, headers, Ok(bytes))) if status.is_success() && self.text => {
                    let html = headers
                        .get(reqwest::header::CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .is_some_and(|t| t.to_ascii_lowercase().starts_with("text/html"));
                    if html {
                        let page = String::from_utf8_lossy(&bytes);
                        return Err(ApiError::decode(
                            m,
                            path,
                            format!("an HTML page where text was expected: {}", excerpt(&page)),
                        )
                        .after_attempts(attempt));
                    }
                    let body = Value::String(String::from_utf8_lossy(&bytes).into_owned());
                    return Ok(Answer { status: status.as_u16(), headers, body, page: ListPage::default() });
                }
                Ok((status, headers, Ok(_))) if status.is_success() && !self.body_wanted => {
                    return Ok(Answer {
                        status: status.as_u16(),
                        headers,
                        body: Value::Null,
                        page: ListPage::default(),
                    });
                }
                Ok((status, headers, Ok(bytes))) if status.is_success() => {
                    match decode(m, path, status.as_u16(), &bytes, self.expected, self.list) {
                        Ok(mut page) => {
                            let body = std::mem::take(&mut page.body);
                            return Ok(Answer { status: status.as_u16(), headers, body, page });
                        }
                        // A 2xx the client cannot read (an HTML page from a proxy, a cut JSON):
                        // for a create, whether it ran is unknown.
                        Err(e) if self.idempotency != Idempotency::Safe && e.kind == ErrorKind::Decode => {
                            return Err(e.outcome_unknown().after_attempts(attempt));
                        }
                        Err(e) => return Err(e.after_attempts(attempt)),
                    }
                }
                Ok((status, headers, Ok(bytes))) => ApiError::from_response(
                    m,
                    path,
                    status.as_u16(),
                    &headers,
                    &bytes,
                    jiff::Timestamp::now(),
                ),
                Ok((status, _, Err(e))) if status.is_success() && self.idempotency == Idempotency::Create => {
                    return Err(ApiError::transport(m, path, ErrorKind::MayHaveSucceeded, no_answer(&e))
                        .after_attempts(attempt));
                }
                Ok((_, _, Err(e))) => ApiError::transport(m, path, ErrorKind::Network, no_answer(&e)),
            };
            if failure.wants_new_token() && !refreshed {
                // A rejected token means the request was not carried out: safe for creates too.
                refreshed = true;
                ep.auth.invalidate();
                tracing::debug!("{m} {path}: token rejected, retrying once with a fresh one");
                attempt -= 1;
                continue;
            }
            let throttled =
                matches!(failure.kind, ErrorKind::Throttled | ErrorKind::Unavailable | ErrorKind::Capacity);
            // Giving up on a throttled call still closes the gate for the time the service
            // asked: the other pollers of this workspace must not walk into the same wall.
            let give_up = |failure: ApiError| {
                if let (true, Some(wait)) = (throttled, failure.retry_after) {
                    ep.gate.block(wait);
                }
                let failure = if self.idempotency != Idempotency::Safe && outcome_unknown(&failure) {
                    failure.outcome_unknown()
                } else {
                    failure
                };
                Err(failure.after_attempts(attempt))
            };
            if !may_resend(self.idempotency, &failure) || attempt as usize >= policy.max_attempts {
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
            tracing::debug!(attempt, call = %call_id, wait_ms = wait.as_millis() as u64, "retrying: {failure}");
            ep.retries.record(format!(
                "retrying in {:.1} s (attempt {} of {}): {failure}",
                wait.as_secs_f64(),
                attempt + 1,
                policy.max_attempts
            ));
            if throttled && failure.retry_after.is_some() {
                // Everyone talking to this workspace waits, not just this call.
                ep.gate.block(wait);
            } else {
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// Whether a failed attempt may be sent again. Anything the service refused before doing it
/// may; a create that may have been carried out may not.
fn may_resend(idempotency: Idempotency, failure: &ApiError) -> bool {
    if failure.refused {
        return true;
    }
    idempotency.repeatable()
        && match failure.kind {
            ErrorKind::Throttled | ErrorKind::Unavailable | ErrorKind::Server | ErrorKind::Network => true,
            // A gateway's 504; a client-side timeout has no status and is never repeated.
            ErrorKind::Timeout => failure.status.is_some(),
            _ => false,
        }
}

/// A failure after which the service may or may not have done the work.
fn outcome_unknown(failure: &ApiError) -> bool {
    !failure.refused
        && (matches!(failure.status, Some(500 | 502..=599))
            || matches!(failure.kind, ErrorKind::Network | ErrorKind::Timeout))
}

/// A redirect that was not followed: where it pointed (without its query, which may carry
/// anything) and why.
fn redirected(
    method: &str,
    path: &str,
    url: &str,
    status: u16,
    headers: &reqwest::header::HeaderMap,
) -> ApiError {
    let location = headers.get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let from = reqwest::Url::parse(url).ok();
    let to = from.as_ref().and_then(|base| base.join(location).ok()).filter(|_| !location.is_empty());
    let message = match (&from, &to) {
        (_, None) => format!("redirected ({status}) to {:?}: not followed", excerpt(location)),
        (_, Some(to)) if is_sign_in_page(to) => {
            let reason = to.query_pairs().find(|(k, _)| k == "error").map(|(_, v)| format!(" ({v})"));
            format!(
                "redirected ({status}) to the sign-in page {}{}: check the workspace's private link and IP access settings",
                to.path(),
                reason.unwrap_or_default()
            )
        }
        (Some(from), Some(to)) if same_origin(from, to) => {
            format!(
                "redirected ({status}) more than {MAX_REDIRECTS} times (last to {}): a redirect loop?",
                to.path()
            )
        }
        (_, Some(to)) => format!(
            "redirected ({status}) to {}://{}{}: not followed — sparkdeck sends credentials only to the \
             workspace's own scheme, host and port",
            to.scheme(),
            to.host_str().unwrap_or_default(),
            to.port().map(|p| format!(":{p}")).unwrap_or_default(),
        ),
    };
    ApiError::transport(method, path, ErrorKind::Redirected, message).with_status(status)
}

/// `0.4 s`, `30 s`.
fn seconds(d: Duration) -> String {
    if d < Duration::from_secs(10) {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{} s", d.as_secs())
    }
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

/// A 2xx body as JSON. Empty is `{}` (actions often answer with nothing) unless something is
/// `expected` (a list, a created object); an error document is an error.
fn decode(
    method: &str,
    path: &str,
    status: u16,
    bytes: &[u8],
    expected: Option<&str>,
    list: Option<&str>,
) -> Result<ListPage, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return match expected {
            None => Ok(Value::Object(serde_json::Map::new()).into()),
            Some(what) => Err(ApiError::decode(
                method,
                path,
                format!("a {status} answer with an empty body where {what} was expected"),
            )),
        };
    }
    let page = match list.and_then(|key| ListPage::read(bytes, key)) {
        Some(page) => page,
        None => ListPage::from(serde_json::from_slice::<Value>(bytes).map_err(|e| {
            let text = String::from_utf8_lossy(bytes);
            ApiError::decode(method, path, format!("unreadable JSON ({e}) in: {}", excerpt(&text)))
        })?),
    };
    match ApiError::from_success_body(method, path, status, &page.body) {
        Some(e) => Err(e),
        None => Ok(page),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> reqwest::Url {
        reqwest::Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn an_origin_is_scheme_host_and_port() {
        let home = url("https://adb-1.2.azuredatabricks.net/api/2.1/clusters/list");
        assert!(same_origin(&home, &url("https://adb-1.2.azuredatabricks.net:443/other?x=1")));
        for other in [
            "http://adb-1.2.azuredatabricks.net/api",
            "http://adb-1.2.azuredatabricks.net:443/api",
            "https://adb-1.2.azuredatabricks.net:8443/api",
            "https://evil.example/api",
            "https://adb-1.2.azuredatabricks.net.evil.example/api",
        ] {
            assert!(!same_origin(&home, &url(other)), "{other}");
        }
        assert!(is_sign_in_page(&url("https://adb-1/login.html?error=private-link-validation-error")));
        assert_eq!(host_of("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
        assert_eq!(host_of("https://api.fabric.microsoft.com"), "api.fabric.microsoft.com");
        assert_eq!(seconds(Duration::from_millis(400)), "0.4 s");
        assert_eq!(seconds(Duration::from_secs(30)), "30 s");
    }
}
