//! Managed identity through the Azure Instance Metadata Service:
//! `GET {endpoint}?api-version=2018-02-01&resource=R[&client_id=C]` with `Metadata: true`.
//!
//! Hand-rolled rather than azure_identity's ManagedIdentityCredential, whose endpoint comes
//! only from process environment variables (IDENTITY_ENDPOINT, MSI_ENDPOINT, …) read at
//! construction, so it cannot be pointed at a configured or fake endpoint without mutating the
//! whole process's environment.

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;
use jiff::Timestamp;
use secrecy::SecretString;

use super::audience::Audience;
use super::entra::entra_refusal;
use super::token::{AccessToken, TokenSource, expires_in, seconds};
use super::{AuthDescription, AuthError};

const METHOD: &str = "managed-identity";
pub const DEFAULT_IMDS_ENDPOINT: &str = "http://169.254.169.254/metadata/identity/oauth2/token";
const API_VERSION: &str = "2018-02-01";
/// IMDS answers locally; a longer wait means we are not on an Azure host.
const IMDS_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) struct ImdsSource {
    pub endpoint: String,
    pub client_id: Option<String>,
    pub audience: Audience,
    pub http: reqwest::Client,
}

impl fmt::Debug for ImdsSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImdsSource")
            .field("endpoint", &self.endpoint)
            .field("client_id", &self.client_id)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl ImdsSource {
    async fn request(&self) -> Result<AccessToken, AuthError> {
        let unavailable = |message: String| AuthError::Unavailable { method: METHOD.into(), message };
        let mut query = vec![("api-version", API_VERSION), ("resource", self.audience.resource())];
        if let Some(client_id) = &self.client_id {
            query.push(("client_id", client_id));
        }
        let response = self
            .http
            .get(&self.endpoint)
            .query(&query)
            .header("Metadata", "true")
            .timeout(IMDS_TIMEOUT)
            .send()
            .await
            .map_err(|e| {
                unavailable(format!(
                    "the managed identity endpoint {} is unreachable (not on an Azure host?): {e}",
                    self.endpoint
                ))
            })?;
        let status = response.status().as_u16();
        let body =
            response.bytes().await.map_err(|e| unavailable(format!("reading the IMDS answer: {e}")))?;
        if !(200..300).contains(&status) {
            let message = entra_refusal(status, &body).unwrap_or_else(|| format!("HTTP {status}"));
            return Err(if status >= 500 || status == 429 {
                unavailable(message)
            } else {
                AuthError::Refused { method: METHOD.into(), message }
            });
        }
        let json: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|_| unavailable("IMDS answered with something other than a token".into()))?;
        let Some(token) = json.get("access_token").and_then(|t| t.as_str()) else {
            return Err(unavailable("IMDS answered without access_token".into()));
        };
        // expires_on (unix seconds, a string on IMDS) is absolute; expires_in is the fallback.
        let expires_at = seconds(json.get("expires_on"))
            .and_then(|s| Timestamp::from_second(s).ok())
            .or_else(|| seconds(json.get("expires_in")).map(expires_in));
        Ok(AccessToken { secret: SecretString::from(token.to_string()), expires_at })
    }
}

impl TokenSource for ImdsSource {
    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        Box::pin(self.request())
    }

    fn describe(&self) -> AuthDescription {
        AuthDescription {
            method: METHOD.into(),
            principal: Some(self.client_id.clone().unwrap_or_else(|| "system-assigned".into())),
            audience: Some(self.audience.resource().into()),
            expires_at: None,
        }
    }
}
