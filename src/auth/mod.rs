//! Authentication: the only module that sees secrets in clear.
//!
//! The HTTP layer (`api::http`) authenticates every request through an [`Authenticator`]: it asks
//! for the headers to add, and calls [`Authenticator::invalidate`] when the server rejects the
//! token (401, or Databricks' 403 "token expired") before retrying once.
//!
//! [`spec`] describes *which* identity to use (built from the config file, `~/.databrickscfg`
//! and the environment); the providers in this module turn a spec into an `Authenticator` that
//! caches tokens, refreshes them before expiry and makes one token request at a time however
//! many pollers ask.

pub mod spec;

use std::fmt;
use std::sync::Arc;

use futures::future::BoxFuture;
use reqwest::header::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

/// Why a token could not be obtained. Messages never contain secrets.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AuthError {
    /// The identity provider refused (e.g. AADSTS7000215 invalid client secret).
    #[error("{method}: the identity provider refused: {message}")]
    Refused { method: String, message: String },
    /// The provider could not be reached or answered nonsense.
    #[error("{method}: {message}")]
    Unavailable { method: String, message: String },
    /// The configuration is incomplete (missing tenant, unreadable certificate file, ...).
    #[error("{method}: {message}")]
    Misconfigured { method: String, message: String },
    /// Interactive sign-in is needed (device code) and has not happened yet.
    #[error("{method}: sign-in required: {message}")]
    SignInRequired { method: String, message: String },
}

/// What the user (and `sparkdeck doctor`) may know about an identity: never a secret.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthDescription {
    /// Method name as the config spells it, e.g. "service-principal-secret", "pat", "azure-cli".
    pub method: String,
    /// Client / application id, user name or token hint ("dapi…abcd"), when known.
    pub principal: Option<String>,
    /// Token audience / scope, when the method uses Entra or OAuth.
    pub audience: Option<String>,
    /// Expiry of the cached token (RFC 3339), when one is cached.
    pub expires_at: Option<String>,
}

/// Authenticates requests for one workspace.
pub trait Authenticator: Send + Sync + fmt::Debug {
    /// Headers to add: `Authorization` and, for a Databricks service principal that is not yet a
    /// workspace user, `X-Databricks-Azure-SP-Management-Token` and
    /// `X-Databricks-Azure-Workspace-Resource-Id`.
    fn headers(&self) -> BoxFuture<'_, Result<Vec<(HeaderName, HeaderValue)>, AuthError>>;
    /// The server rejected the current token: forget it so the next call fetches a fresh one.
    fn invalidate(&self);
    /// Describe the identity, for status lines and `doctor`.
    fn describe(&self) -> AuthDescription;
}

pub type SharedAuthenticator = Arc<dyn Authenticator>;

/// A fixed bearer token (a PAT, a token from an environment variable, the simulator's demo
/// token). Nothing to refresh.
pub struct StaticBearer {
    method: String,
    token: SecretString,
}

impl StaticBearer {
    pub fn new(method: impl Into<String>, token: SecretString) -> Self {
        Self { method: method.into(), token }
    }
}

impl fmt::Debug for StaticBearer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticBearer").field("method", &self.method).field("token", &"[redacted]").finish()
    }
}

impl Authenticator for StaticBearer {
    fn headers(&self) -> BoxFuture<'_, Result<Vec<(HeaderName, HeaderValue)>, AuthError>> {
        Box::pin(async move { Ok(vec![bearer_header(&self.token, &self.method)?]) })
    }

    fn invalidate(&self) {}

    fn describe(&self) -> AuthDescription {
        AuthDescription {
            method: self.method.clone(),
            principal: Some(token_hint(&self.token)),
            ..Default::default()
        }
    }
}

/// `Authorization: Bearer <token>`, marked sensitive so it never appears in debug output.
pub fn bearer_header(token: &SecretString, method: &str) -> Result<(HeaderName, HeaderValue), AuthError> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret())).map_err(|_| {
        AuthError::Misconfigured {
            method: method.to_string(),
            message: "the token contains characters that cannot be sent in an HTTP header".into(),
        }
    })?;
    value.set_sensitive(true);
    Ok((reqwest::header::AUTHORIZATION, value))
}

/// A recognisable but harmless hint of a token: its first four and last four characters.
pub fn token_hint(token: &SecretString) -> String {
    let t = token.expose_secret();
    let chars: Vec<char> = t.chars().collect();
    if chars.len() < 12 {
        return "****".into();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_bearer_debug_and_description_hide_the_token() {
        let auth = StaticBearer::new("pat", SecretString::from("dapi0123456789abcdef0123456789abcdef"));
        let debug = format!("{auth:?}");
        assert!(!debug.contains("0123456789abcdef"), "{debug}");
        assert_eq!(auth.describe().principal.as_deref(), Some("dapi…cdef"));
    }
}
