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
//!
//! # Building an authenticator
//!
//! ```no_run
//! # async fn demo(fabric: sparkdeck::auth::spec::FabricAuth) -> Result<(), sparkdeck::auth::AuthError> {
//! use std::sync::Arc;
//! use sparkdeck::auth::{AuthContext, fabric_authenticator};
//!
//! let ctx = AuthContext::new(reqwest::Client::new(), "/home/me/.local/share/sparkdeck")
//!     .with_device_code_prompt(Arc::new(|p| eprintln!("{}", p.message.unwrap_or(p.user_code))));
//! let auth = fabric_authenticator(&fabric, &ctx)?;
//! let headers = auth.headers().await?; // Authorization: Bearer …
//! # Ok(()) }
//! ```
//!
//! Build one authenticator per workspace at start-up and share it (`SharedAuthenticator`):
//! the cache and single-flight live inside it. Construction does no I/O beyond reading local
//! files (certificate, environment token) and fails early on incomplete specs; tokens are
//! fetched on the first `headers()` call.

pub mod audience;
mod azure_cli;
mod certificate;
pub mod context;
mod databricks;
mod databricks_cli;
mod device_code;
mod entra;
mod imds;
mod process;
pub mod spec;
pub mod token;

use std::fmt;
use std::sync::Arc;

pub use audience::Audience;
pub use context::{AuthContext, DeviceCodePrompt, DeviceCodeSink};
pub use databricks::{SP_MANAGEMENT_TOKEN_HEADER, SpManagementAuthenticator, WORKSPACE_RESOURCE_ID_HEADER};
pub use entra::DEFAULT_AUTHORITY_HOST;
pub use imds::DEFAULT_IMDS_ENDPOINT;
pub use token::{AccessToken, REFRESH_MARGIN, TokenProvider, TokenSource};

use self::azure_cli::AzureCli;
use self::databricks::OAuthM2MSource;
use self::databricks_cli::DatabricksCli;
use self::device_code::DeviceCodeSource;
use self::entra::{AppCredential, AppTokenSource};
use self::imds::ImdsSource;
use self::process::HelperSource;
use self::spec::{DatabricksAuth, EntraCredential, EntraEndpoints, FabricAuth};

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
    /// The configuration cannot sign in to this workspace (an unset `*_env` variable...).
    #[error("sign-in is not set up: {message}")]
    NotConfigured { message: String, fix: String },
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

fn not_configured(message: &str, fix: &str) -> AuthError {
    AuthError::NotConfigured { message: message.to_string(), fix: fix.to_string() }
}

/// The authenticator for a Fabric workspace (audience `https://api.fabric.microsoft.com`).
pub fn fabric_authenticator(spec: &FabricAuth, ctx: &AuthContext) -> Result<SharedAuthenticator, AuthError> {
    match spec {
        FabricAuth::Entra { credential, endpoints } => {
            entra_authenticator(credential, endpoints, Audience::Fabric, ctx)
        }
        FabricAuth::Static { token } => Ok(Arc::new(StaticBearer::new("static", token.clone()))),
        FabricAuth::NotConfigured { message, fix } => Err(not_configured(message, fix)),
    }
}

/// The authenticator for a Fabric workspace's OneLake (audience Azure Storage). A fixed token
/// (the simulator's demo token, an environment token) cannot be exchanged for another audience,
/// so it is sent as it is: OneLake refuses it unless it was issued for Azure Storage.
pub fn onelake_authenticator(spec: &FabricAuth, ctx: &AuthContext) -> Result<SharedAuthenticator, AuthError> {
    match spec {
        FabricAuth::Entra { credential, endpoints } => {
            entra_authenticator(credential, endpoints, Audience::Storage, ctx)
        }
        FabricAuth::Static { token } => Ok(Arc::new(StaticBearer::new("static", token.clone()))),
        FabricAuth::NotConfigured { message, fix } => Err(not_configured(message, fix)),
    }
}

/// The authenticator for a Databricks workspace at `host` (`https://adb-….azuredatabricks.net`;
/// used by OAuth M2M to find `/oidc`).
pub fn databricks_authenticator(
    spec: &DatabricksAuth,
    host: &str,
    ctx: &AuthContext,
) -> Result<SharedAuthenticator, AuthError> {
    match spec {
        DatabricksAuth::Pat { token } => {
            require("pat", token.expose_secret(), "token")?;
            Ok(Arc::new(StaticBearer::new("pat", token.clone())))
        }
        DatabricksAuth::DatabricksCli => {
            require("databricks-cli", host, "host")?;
            let cli = DatabricksCli { cli_path: ctx.databricks_cli_path.clone(), host: host.to_string() };
            Ok(Arc::new(TokenProvider::new(HelperSource::new(cli))))
        }
        DatabricksAuth::OAuthM2M { client_id, client_secret } => {
            require("oauth-m2m", client_id, "client_id")?;
            require("oauth-m2m", client_secret.expose_secret(), "client_secret")?;
            require("oauth-m2m", host, "host")?;
            let source =
                OAuthM2MSource::new(host, client_id.clone(), client_secret.clone(), ctx.http.clone());
            Ok(Arc::new(TokenProvider::new(source)))
        }
        DatabricksAuth::Entra {
            credential,
            endpoints,
            sp_management_resource_id: None,
            management_token: false,
        } => entra_authenticator(credential, endpoints, Audience::AzureDatabricks, ctx),
        DatabricksAuth::Entra { credential, endpoints, sp_management_resource_id, .. } => {
            let workspace = entra_provider(credential, endpoints, Audience::AzureDatabricks, ctx)?;
            let management = entra_provider(credential, endpoints, Audience::Arm, ctx)?;
            let resource_id = sp_management_resource_id.as_deref();
            Ok(Arc::new(SpManagementAuthenticator::new(workspace, management, resource_id)?))
        }
        DatabricksAuth::NotConfigured { message, fix } => Err(not_configured(message, fix)),
    }
}

/// An authenticator for any Entra credential and audience (e.g. [`Audience::PowerBi`] for
/// Fabric). An environment token is sent as it is.
pub fn entra_authenticator(
    credential: &EntraCredential,
    endpoints: &EntraEndpoints,
    audience: Audience,
    ctx: &AuthContext,
) -> Result<SharedAuthenticator, AuthError> {
    match credential {
        EntraCredential::EnvironmentToken { variable } => Ok(Arc::new(environment_token(variable)?)),
        _ => Ok(Arc::new(entra_provider(credential, endpoints, audience, ctx)?)),
    }
}

/// The cached token provider for a refreshing Entra credential and one audience.
pub fn entra_provider(
    credential: &EntraCredential,
    endpoints: &EntraEndpoints,
    audience: Audience,
    ctx: &AuthContext,
) -> Result<TokenProvider, AuthError> {
    let authority_host =
        endpoints.authority_host.clone().unwrap_or_else(|| DEFAULT_AUTHORITY_HOST.to_string());
    let app = |method: &str, tenant_id: &str, client_id: &str, credential: AppCredential| {
        require(method, tenant_id, "tenant_id")?;
        require(method, client_id, "client_id")?;
        require_https(method, &authority_host)?;
        Ok::<_, AuthError>(TokenProvider::new(AppTokenSource {
            tenant_id: tenant_id.to_string(),
            client_id: client_id.to_string(),
            credential,
            audience,
            authority_host: authority_host.clone(),
            http: ctx.http.clone(),
        }))
    };
    match credential {
        EntraCredential::ClientSecret { tenant_id, client_id, client_secret } => {
            require("service-principal-secret", client_secret.expose_secret(), "client_secret")?;
            app(
                "service-principal-secret",
                tenant_id,
                client_id,
                AppCredential::Secret { client_secret: client_secret.clone() },
            )
        }
        EntraCredential::ClientCertificate {
            tenant_id,
            client_id,
            certificate_path,
            certificate_password,
        } => {
            // Read now so a wrong path or password is a start-up error, not a poller's.
            certificate::load_pkcs12(certificate_path, certificate_password.as_ref())?;
            app(
                "service-principal-certificate",
                tenant_id,
                client_id,
                AppCredential::Certificate {
                    path: certificate_path.clone(),
                    password: certificate_password.clone(),
                },
            )
        }
        EntraCredential::WorkloadIdentity { tenant_id, client_id, token_file } => app(
            "workload-identity",
            tenant_id,
            client_id,
            AppCredential::Workload { token_file: token_file.clone() },
        ),
        EntraCredential::AzureCli { tenant_id, subscription } => {
            Ok(TokenProvider::new(HelperSource::new(AzureCli {
                az_path: ctx.az_path.clone(),
                tenant_id: tenant_id.clone(),
                subscription: subscription.clone(),
                audience,
            })))
        }
        EntraCredential::DeviceCode { tenant_id, client_id } => {
            require("device-code", tenant_id, "tenant_id")?;
            require("device-code", client_id, "client_id")?;
            require_https("device-code", &authority_host)?;
            Ok(TokenProvider::new(DeviceCodeSource::new(
                tenant_id.clone(),
                client_id.clone(),
                audience,
                authority_host,
                ctx,
            )))
        }
        EntraCredential::ManagedIdentity { client_id } => Ok(TokenProvider::new(ImdsSource {
            endpoint: endpoints.imds_endpoint.clone().unwrap_or_else(|| DEFAULT_IMDS_ENDPOINT.to_string()),
            client_id: client_id.clone().filter(|c| !c.is_empty()),
            audience,
            http: ctx.http.clone(),
        })),
        EntraCredential::EnvironmentToken { .. } => Err(AuthError::Misconfigured {
            method: "env-token".into(),
            message: format!(
                "a fixed token from the environment cannot be exchanged for a {} token; use an Entra credential",
                audience.resource()
            ),
        }),
    }
}

/// A bearer token read once from an environment variable.
fn environment_token(variable: &str) -> Result<StaticBearer, AuthError> {
    let value = std::env::var(variable).map_err(|_| AuthError::Misconfigured {
        method: "env-token".into(),
        message: format!("the environment variable {variable} is not set"),
    })?;
    let token = SecretString::from(value.trim().to_string());
    require("env-token", token.expose_secret(), variable)?;
    Ok(StaticBearer::new("env-token", token))
}

fn require(method: &str, value: &str, what: &str) -> Result<(), AuthError> {
    if value.trim().is_empty() {
        return Err(AuthError::Misconfigured { method: method.into(), message: format!("{what} is empty") });
    }
    Ok(())
}

fn require_https(method: &str, authority_host: &str) -> Result<(), AuthError> {
    if !authority_host.starts_with("https://") {
        return Err(AuthError::Misconfigured {
            method: method.into(),
            message: format!("the authority host must be an https:// URL, not {authority_host}"),
        });
    }
    Ok(())
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
