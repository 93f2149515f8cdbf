//! Databricks-specific authentication: OAuth machine-to-machine against the workspace's own
//! `/oidc` endpoints, and the service-principal management headers that admit (and provision)
//! an Entra service principal that is not yet a workspace user.

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;
use reqwest::header::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::OnceCell;

use super::entra::entra_refusal;
use super::token::{AccessToken, TokenProvider, TokenSource, expires_in, scrub, seconds};
use super::{AuthDescription, AuthError, Authenticator, bearer_header};

const M2M: &str = "oauth-m2m";
const TOKEN_TIMEOUT: Duration = Duration::from_secs(30);

pub const SP_MANAGEMENT_TOKEN_HEADER: &str = "x-databricks-azure-sp-management-token";
pub const WORKSPACE_RESOURCE_ID_HEADER: &str = "x-databricks-azure-workspace-resource-id";

/// `POST {token_endpoint}` with `grant_type=client_credentials&scope=all-apis` and HTTP Basic
/// client authentication; the endpoint is discovered from
/// `{host}/oidc/.well-known/oauth-authorization-server`, else `{host}/oidc/v1/token`.
pub(crate) struct OAuthM2MSource {
    host: String,
    client_id: String,
    client_secret: SecretString,
    http: reqwest::Client,
    token_endpoint: OnceCell<String>,
}

impl fmt::Debug for OAuthM2MSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthM2MSource")
            .field("host", &self.host)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl OAuthM2MSource {
    pub fn new(host: &str, client_id: String, client_secret: SecretString, http: reqwest::Client) -> Self {
        let host = host.trim_end_matches('/');
        let host = if host.contains("://") { host.to_string() } else { format!("https://{host}") };
        Self { host, client_id, client_secret, http, token_endpoint: OnceCell::new() }
    }

    fn unavailable(&self, message: String) -> AuthError {
        AuthError::Unavailable {
            method: M2M.into(),
            message: scrub(&message, &[self.client_secret.expose_secret()]),
        }
    }

    /// The discovered token endpoint (remembered once found), or the conventional one.
    async fn token_endpoint(&self) -> String {
        if let Some(endpoint) = self.token_endpoint.get() {
            return endpoint.clone();
        }
        let url = format!("{}/oidc/.well-known/oauth-authorization-server", self.host);
        let discovered = async {
            let response = self.http.get(&url).timeout(TOKEN_TIMEOUT).send().await.ok()?;
            if !response.status().is_success() {
                return None;
            }
            let json: serde_json::Value = response.json().await.ok()?;
            json.get("token_endpoint")?.as_str().map(str::to_string)
        }
        .await;
        match discovered {
            Some(endpoint) => self.token_endpoint.get_or_init(|| async { endpoint }).await.clone(),
            None => format!("{}/oidc/v1/token", self.host),
        }
    }

    async fn request(&self) -> Result<AccessToken, AuthError> {
        let endpoint = self.token_endpoint().await;
        let response = self
            .http
            .post(&endpoint)
            .basic_auth(&self.client_id, Some(self.client_secret.expose_secret()))
            .form(&[("grant_type", "client_credentials"), ("scope", "all-apis")])
            .timeout(TOKEN_TIMEOUT)
            .send()
            .await
            .map_err(|e| self.unavailable(format!("{endpoint} is unreachable: {e}")))?;
        let status = response.status().as_u16();
        let body =
            response.bytes().await.map_err(|e| self.unavailable(format!("reading {endpoint}: {e}")))?;
        if !(200..300).contains(&status) {
            let message =
                entra_refusal(status, &body).unwrap_or_else(|| format!("{endpoint} answered HTTP {status}"));
            let message = scrub(&message, &[self.client_secret.expose_secret()]);
            return Err(if status >= 500 || status == 429 {
                AuthError::Unavailable { method: M2M.into(), message }
            } else {
                AuthError::Refused { method: M2M.into(), message }
            });
        }
        let json: serde_json::Value = serde_json::from_slice(&body).map_err(|_| {
            self.unavailable(format!("{endpoint} answered with something other than a token"))
        })?;
        let Some(token) = json.get("access_token").and_then(|t| t.as_str()) else {
            return Err(self.unavailable(format!("{endpoint} answered without access_token")));
        };
        Ok(AccessToken {
            secret: SecretString::from(token.to_string()),
            expires_at: seconds(json.get("expires_in")).map(expires_in),
        })
    }
}

impl TokenSource for OAuthM2MSource {
    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        Box::pin(self.request())
    }

    fn describe(&self) -> AuthDescription {
        AuthDescription {
            method: M2M.into(),
            principal: Some(self.client_id.clone()),
            audience: Some("all-apis".into()),
            expires_at: None,
        }
    }
}

/// An Entra service principal that may not be a workspace user yet: the AzureDatabricks token
/// plus an ARM token from the same credential and the workspace's ARM resource id.
pub struct SpManagementAuthenticator {
    workspace: TokenProvider,
    management: TokenProvider,
    /// Absent when only the management token is sent (the workspace is then the host's).
    workspace_resource_id: Option<HeaderValue>,
}

impl fmt::Debug for SpManagementAuthenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpManagementAuthenticator")
            .field("workspace", &self.workspace)
            .field("management", &self.management)
            .field("workspace_resource_id", &self.workspace_resource_id)
            .finish()
    }
}

impl SpManagementAuthenticator {
    pub(crate) fn new(
        workspace: TokenProvider,
        management: TokenProvider,
        workspace_resource_id: Option<&str>,
    ) -> Result<Self, AuthError> {
        let workspace_resource_id = workspace_resource_id
            .map(|id| {
                HeaderValue::from_str(id).map_err(|_| AuthError::Misconfigured {
                    method: workspace.describe().method,
                    message: "sp_management_resource_id cannot be sent in an HTTP header".into(),
                })
            })
            .transpose()?;
        Ok(Self { workspace, management, workspace_resource_id })
    }
}

impl Authenticator for SpManagementAuthenticator {
    fn headers(&self) -> BoxFuture<'_, Result<Vec<(HeaderName, HeaderValue)>, AuthError>> {
        Box::pin(async move {
            let (token, management) = futures::try_join!(self.workspace.token(), self.management.token())?;
            let method = self.workspace.describe().method;
            let mut management =
                HeaderValue::from_str(management.expose_secret()).map_err(|_| AuthError::Unavailable {
                    method: method.clone(),
                    message: "the management token cannot be sent in an HTTP header".into(),
                })?;
            management.set_sensitive(true);
            let mut headers = vec![
                bearer_header(&token, &method)?,
                (HeaderName::from_static(SP_MANAGEMENT_TOKEN_HEADER), management),
            ];
            if let Some(id) = &self.workspace_resource_id {
                headers.push((HeaderName::from_static(WORKSPACE_RESOURCE_ID_HEADER), id.clone()));
            }
            Ok(headers)
        })
    }

    fn invalidate(&self) {
        self.workspace.invalidate();
        self.management.invalidate();
    }

    fn describe(&self) -> AuthDescription {
        self.workspace.describe()
    }
}
