//! The token cache every refreshing method shares: one cached token per (identity, audience),
//! refreshed [`REFRESH_MARGIN`] before expiry, fetched by one caller at a time however many ask.

use std::fmt;
use std::sync::Mutex;

use futures::future::BoxFuture;
use jiff::{SignedDuration, Timestamp};
use reqwest::header::{HeaderName, HeaderValue};
use secrecy::SecretString;

use super::{AuthDescription, AuthError, Authenticator, bearer_header};

/// How long before expiry a cached token is replaced. Databricks rejects AAD tokens that expire
/// within 30 s (the Go SDK refreshes 40 s early); three minutes also covers clock skew and a
/// request that waits at a throttle gate or retries with backoff while holding the token. It
/// stays under the 5 minutes at which the Azure CLI's own cache renews, so asking `az` again
/// really yields a new token instead of the one we just decided to drop.
pub const REFRESH_MARGIN: SignedDuration = SignedDuration::from_secs(180);

/// An access token and when it stops being accepted (`None`: never, until rejected).
pub struct AccessToken {
    pub secret: SecretString,
    pub expires_at: Option<Timestamp>,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("secret", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl Clone for AccessToken {
    fn clone(&self) -> Self {
        Self { secret: self.secret.clone(), expires_at: self.expires_at }
    }
}

impl AccessToken {
    /// Usable now and for at least `margin` more.
    fn usable_for(&self, margin: SignedDuration) -> bool {
        self.expires_at.is_none_or(|at| at > Timestamp::now() + margin)
    }
}

/// Something that can obtain a fresh token (one network call or process run per `fetch`).
pub trait TokenSource: Send + Sync + fmt::Debug {
    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>>;
    /// Method, principal and audience; the provider adds the cached expiry.
    fn describe(&self) -> AuthDescription;
}

#[derive(Default)]
struct CacheState {
    token: Option<AccessToken>,
    /// Incremented after every fetch, successful or not, so callers that queued behind a fetch
    /// take its outcome instead of fetching again.
    fetches: u64,
    last_error: Option<AuthError>,
}

/// A cached, single-flight, early-refreshing token for one source. As an [`Authenticator`] it
/// sends `Authorization: Bearer <token>`.
pub struct TokenProvider {
    source: Box<dyn TokenSource>,
    state: Mutex<CacheState>,
    fetch_lock: tokio::sync::Mutex<()>,
}

impl fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenProvider").field("source", &self.source).finish_non_exhaustive()
    }
}

impl TokenProvider {
    pub fn new(source: impl TokenSource + 'static) -> Self {
        Self {
            source: Box::new(source),
            state: Mutex::new(CacheState::default()),
            fetch_lock: tokio::sync::Mutex::new(()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, CacheState> {
        // The state is plain data; a panic elsewhere cannot leave it half-written.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The current token, fetching one if none is cached or it expires within the margin.
    pub async fn token(&self) -> Result<SecretString, AuthError> {
        let seen = {
            let state = self.state();
            if let Some(token) = state.token.as_ref().filter(|t| t.usable_for(REFRESH_MARGIN)) {
                return Ok(token.secret.clone());
            }
            state.fetches
        };
        let _flight = self.fetch_lock.lock().await;
        {
            let state = self.state();
            if state.fetches != seen {
                // Someone fetched while we queued: share their result, even a short-lived token.
                if let Some(token) = state.token.as_ref().filter(|t| t.usable_for(SignedDuration::ZERO)) {
                    return Ok(token.secret.clone());
                }
                if let Some(err) = &state.last_error {
                    return Err(err.clone());
                }
            }
        }
        let outcome = self.source.fetch().await;
        let mut state = self.state();
        state.fetches += 1;
        match outcome {
            Ok(token) => {
                let secret = token.secret.clone();
                state.token = Some(token);
                state.last_error = None;
                Ok(secret)
            }
            Err(err) => {
                state.token = None;
                state.last_error = Some(err.clone());
                Err(err)
            }
        }
    }

    /// Forget the cached token (the server rejected it).
    pub fn invalidate(&self) {
        let mut state = self.state();
        state.token = None;
        state.last_error = None;
    }

    /// The source's description plus the cached token's expiry.
    pub fn describe(&self) -> AuthDescription {
        let mut description = self.source.describe();
        description.expires_at =
            self.state().token.as_ref().and_then(|t| t.expires_at).map(|at| at.to_string());
        description
    }
}

impl Authenticator for TokenProvider {
    fn headers(&self) -> BoxFuture<'_, Result<Vec<(HeaderName, HeaderValue)>, AuthError>> {
        Box::pin(async move {
            let token = self.token().await?;
            Ok(vec![bearer_header(&token, &self.source.describe().method)?])
        })
    }

    fn invalidate(&self) {
        TokenProvider::invalidate(self)
    }

    fn describe(&self) -> AuthDescription {
        TokenProvider::describe(self)
    }
}

/// Replace every occurrence of a secret in text that came from elsewhere (an error body, a
/// process's stderr) before it reaches an error message.
pub(crate) fn scrub(text: &str, secrets: &[&str]) -> String {
    secrets.iter().filter(|s| s.len() >= 4).fold(text.to_string(), |acc, s| acc.replace(s, "[redacted]"))
}

/// Who a JWT access token was issued to (user name, else application id), for display only:
/// the claims are read, not verified.
pub(crate) fn jwt_principal(token: &SecretString) -> Option<String> {
    use base64::Engine;
    use secrecy::ExposeSecret;
    let payload = token.expose_secret().split('.').nth(1)?;
    let bytes =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    ["upn", "preferred_username", "unique_name", "email", "appid", "azp"]
        .iter()
        .find_map(|claim| claims.get(claim).and_then(|v| v.as_str()).map(str::to_string))
}

/// A number of seconds that token endpoints send as a JSON number or as a string ("3599").
pub(crate) fn seconds(value: Option<&serde_json::Value>) -> Option<i64> {
    match value? {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Expiry from a lifetime in seconds counted from now.
pub(crate) fn expires_in(seconds: i64) -> Timestamp {
    Timestamp::now() + SignedDuration::from_secs(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Debug)]
    struct Counting {
        calls: Arc<AtomicUsize>,
        lifetime: i64,
        fail: bool,
    }

    impl TokenSource for Counting {
        fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
            Box::pin(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::task::yield_now().await;
                if self.fail {
                    return Err(AuthError::Refused { method: "test".into(), message: "no".into() });
                }
                Ok(AccessToken {
                    secret: SecretString::from(format!("token-{n}")),
                    expires_at: Some(expires_in(self.lifetime)),
                })
            })
        }
        fn describe(&self) -> AuthDescription {
            AuthDescription { method: "test".into(), ..Default::default() }
        }
    }

    fn provider(lifetime: i64, fail: bool) -> (Arc<TokenProvider>, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        (Arc::new(TokenProvider::new(Counting { calls: calls.clone(), lifetime, fail })), calls)
    }

    #[tokio::test]
    async fn caches_until_invalidated() {
        use secrecy::ExposeSecret;
        let (p, calls) = provider(3600, false);
        assert_eq!(p.token().await.map(|t| t.expose_secret().to_string()).ok().as_deref(), Some("token-1"));
        assert_eq!(p.token().await.map(|t| t.expose_secret().to_string()).ok().as_deref(), Some("token-1"));
        p.invalidate();
        assert_eq!(p.token().await.map(|t| t.expose_secret().to_string()).ok().as_deref(), Some("token-2"));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert!(p.describe().expires_at.is_some());
    }

    #[tokio::test]
    async fn a_token_inside_the_margin_is_replaced_before_use() {
        let (p, calls) = provider(REFRESH_MARGIN.as_secs() - 10, false);
        p.token().await.ok();
        p.token().await.ok();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_callers_share_one_fetch() {
        let (p, calls) = provider(3600, false);
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let p = p.clone();
                tokio::spawn(async move { p.token().await.is_ok() })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.ok(), Some(true));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_failure_is_not_cached() {
        let (p, calls) = provider(3600, true);
        assert!(p.token().await.is_err());
        assert!(p.token().await.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
