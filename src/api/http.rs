//! The HTTP layer: one `reqwest::Client` for the process, and an [`Endpoint`] per workspace that
//! authenticates requests, waits at the workspace's throttle gate, retries what is safe to retry,
//! refreshes a rejected token once, and turns every failure into an [`ApiError`].

use std::sync::Arc;
use std::time::Duration;

use backon::BackoffBuilder;
use reqwest::Method;
use serde_json::Value;

use super::error::{ApiError, ErrorKind};
use super::gate::Gate;
use crate::auth::SharedAuthenticator;

/// Whether a request may be sent twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Reads, deletes, cancels, pins: repeating them changes nothing.
    Safe,
    /// Creates (sessions, batches, runs, clusters, tokens, statements): never re-sent once they
    /// may have reached the service, or a retry could start a second billed Spark session.
    Create,
}

/// Limits on retrying one call.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub max_attempts: usize,
    pub min_delay: Duration,
    pub max_delay: Duration,
    /// Longest single throttle wait we accept before giving up and reporting it.
    pub max_throttle_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            min_delay: Duration::from_millis(300),
            max_delay: Duration::from_secs(10),
            max_throttle_wait: Duration::from_secs(120),
        }
    }
}

/// The process-wide HTTP client.
pub fn client() -> Result<reqwest::Client, ApiError> {
    reqwest::Client::builder()
        .user_agent(concat!("sparkdeck/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| {
            ApiError::transport("INIT", "-", ErrorKind::Network, format!("cannot build the HTTP client: {e}"))
        })
}

/// One workspace's API: base URL, identity and throttle gate.
#[derive(Debug, Clone)]
pub struct Endpoint {
    client: reqwest::Client,
    base: String,
    auth: SharedAuthenticator,
    gate: Arc<Gate>,
    policy: RetryPolicy,
}

impl Endpoint {
    pub fn new(client: reqwest::Client, base: impl Into<String>, auth: SharedAuthenticator) -> Self {
        Self {
            client,
            base: base.into().trim_end_matches('/').to_string(),
            auth,
            gate: Arc::new(Gate::new()),
            policy: RetryPolicy::default(),
        }
    }

    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn gate(&self) -> &Arc<Gate> {
        &self.gate
    }

    pub fn auth(&self) -> &SharedAuthenticator {
        &self.auth
    }

    /// Send a request and read its JSON answer (an empty body reads as `{}`).
    pub async fn json(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        idempotency: Idempotency,
    ) -> Result<Value, ApiError> {
        let url = format!("{}{path}", self.base);
        let m = method.as_str().to_string();
        let mut delays = backon::ExponentialBuilder::default()
            .with_min_delay(self.policy.min_delay)
            .with_max_delay(self.policy.max_delay)
            .with_jitter()
            .with_max_times(self.policy.max_attempts)
            .build();
        let mut refreshed = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.gate.pass().await;
            let headers = self.auth.headers().await.map_err(|e| {
                ApiError::transport(&m, path, ErrorKind::Unauthorized, format!("cannot authenticate: {e}"))
            })?;
            let mut req = self.client.request(method.clone(), &url).query(query);
            for (name, value) in headers {
                req = req.header(name, value);
            }
            if let Some(b) = body {
                req = req.json(b);
            }
            let failure = match req.send().await {
                Err(e) => {
                    let kind = if e.is_timeout() { ErrorKind::Timeout } else { ErrorKind::Network };
                    // A connect failure never reached the service: even a create may be retried.
                    if idempotency == Idempotency::Create && !e.is_connect() {
                        return Err(ApiError::transport(
                            &m,
                            path,
                            ErrorKind::MayHaveSucceeded,
                            format!(
                                "the connection broke after the request was sent ({e}); it may have been carried out — check before retrying"
                            ),
                        ));
                    }
                    ApiError::transport(&m, path, kind, describe(&e))
                }
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    match resp.bytes().await {
                        Ok(bytes) if status.is_success() => return decode(&m, path, &bytes),
                        Ok(bytes) => ApiError::from_response(
                            &m,
                            path,
                            status.as_u16(),
                            &headers,
                            &bytes,
                            jiff::Timestamp::now(),
                        ),
                        Err(e) if status.is_success() && idempotency == Idempotency::Create => {
                            return Err(ApiError::transport(
                                &m,
                                path,
                                ErrorKind::MayHaveSucceeded,
                                format!(
                                    "the answer was cut off ({e}); the request may have been carried out — check before retrying"
                                ),
                            ));
                        }
                        Err(e) => ApiError::transport(&m, path, ErrorKind::Network, describe(&e)),
                    }
                }
            };
            if failure.wants_new_token() && !refreshed {
                refreshed = true;
                self.auth.invalidate();
                continue;
            }
            let retryable = match failure.kind {
                // Throttled and unavailable requests were rejected, not executed: safe for all.
                ErrorKind::Throttled | ErrorKind::Unavailable => true,
                ErrorKind::Server | ErrorKind::Network | ErrorKind::Timeout => {
                    idempotency == Idempotency::Safe
                }
                _ => false,
            };
            let Some(backoff) = delays.next().filter(|_| retryable && attempt < self.policy.max_attempts)
            else {
                return Err(failure);
            };
            match failure.retry_after {
                Some(wait) if wait > self.policy.max_throttle_wait => return Err(failure),
                Some(wait) => self.gate.block(wait),
                None if matches!(failure.kind, ErrorKind::Throttled | ErrorKind::Unavailable) => {
                    self.gate.block(backoff)
                }
                None => tokio::time::sleep(backoff).await,
            }
            tracing::debug!(attempt, "retrying {m} {path}: {failure}");
        }
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

fn decode(method: &str, path: &str, bytes: &[u8]) -> Result<Value, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        let excerpt: String = String::from_utf8_lossy(bytes).chars().take(120).collect();
        ApiError::transport(method, path, ErrorKind::Decode, format!("unreadable JSON ({e}) in: {excerpt}"))
    })
}
