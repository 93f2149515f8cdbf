//! Entra service-principal and workload-identity tokens through azure_identity, and the
//! translation of Entra refusals (AADSTS codes) into precise, secret-free messages.
//!
//! A fresh azure_identity credential is built for every fetch: its internal cache cannot be
//! bypassed, so after the server rejects a token ([`super::Authenticator::invalidate`]) a reused
//! credential would hand back the very same token for up to an hour. Building one is cheap (no
//! I/O except reading the certificate or federated token file, which also picks up rotations);
//! [`super::token::TokenProvider`] is the one cache.
//!
//! Entra's error bodies are read from the transport, not from azure_identity's error: its
//! error model borrows `error_description` as `&str`, which fails on every real description
//! (they contain escaped `\r\n` before "Trace ID"), and the AADSTS code would be lost.

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use azure_core::Bytes;
use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::credentials::{Secret, TokenCredential};
use azure_core::http::{
    AsyncRawResponse, ClientOptions, ExponentialRetryOptions, HttpClient, Request, RetryOptions, Transport,
};
use azure_identity::{
    ClientAssertionCredentialOptions, ClientCertificateCredential, ClientCertificateCredentialOptions,
    ClientSecretCredential, ClientSecretCredentialOptions, WorkloadIdentityCredential,
    WorkloadIdentityCredentialOptions,
};
use futures::future::BoxFuture;
use jiff::Timestamp;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::audience::Audience;
use super::certificate::load_pkcs12;
use super::token::{AccessToken, TokenSource, scrub};
use super::{AuthDescription, AuthError};

/// Entra's public-cloud authority, used when the spec names none.
pub const DEFAULT_AUTHORITY_HOST: &str = "https://login.microsoftonline.com";

/// A service-principal or workload identity credential azure_identity can serve.
pub(crate) enum AppCredential {
    Secret { client_secret: SecretString },
    Certificate { path: PathBuf, password: Option<SecretString> },
    Workload { token_file: PathBuf },
}

impl AppCredential {
    fn method(&self) -> &'static str {
        match self {
            AppCredential::Secret { .. } => "service-principal-secret",
            AppCredential::Certificate { .. } => "service-principal-certificate",
            AppCredential::Workload { .. } => "workload-identity",
        }
    }
}

/// Tokens for one (application, audience) from `{authority}/{tenant}/oauth2/v2.0/token`.
pub(crate) struct AppTokenSource {
    pub tenant_id: String,
    pub client_id: String,
    pub credential: AppCredential,
    pub audience: Audience,
    pub authority_host: String,
    pub http: reqwest::Client,
}

impl fmt::Debug for AppTokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppTokenSource")
            .field("method", &self.credential.method())
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("audience", &self.audience)
            .field("authority_host", &self.authority_host)
            .finish_non_exhaustive()
    }
}

/// The status and body of the last unsuccessful answer from the authority.
type RefusalSlot = Arc<Mutex<Option<(u16, Bytes)>>>;

/// Our reqwest client as azure_identity's transport, keeping a copy of error bodies.
#[derive(Debug)]
struct RecordingTransport {
    http: reqwest::Client,
    refusal: RefusalSlot,
}

impl HttpClient for RecordingTransport {
    fn execute_request<'a, 'b, 'f>(
        &'a self,
        request: &'b Request,
    ) -> Pin<Box<dyn Future<Output = azure_core::Result<AsyncRawResponse>> + Send + 'f>>
    where
        'a: 'f,
        'b: 'f,
        Self: 'f,
    {
        Box::pin(async move {
            let response = HttpClient::execute_request(&self.http, request).await?;
            if response.status().is_success() {
                return Ok(response);
            }
            let (status, headers, body) = response.deconstruct();
            let body = body.collect().await?;
            if let Ok(mut slot) = self.refusal.lock() {
                *slot = Some((u16::from(status), body.clone()));
            }
            Ok(AsyncRawResponse::from_bytes(status, headers, body))
        })
    }
}

/// azure_identity's own retries bounded: its default keeps an unreachable authority waiting a
/// minute per token (every workspace in turn, so `doctor` sat for minutes). A couple of quick
/// retries ride out a blip; a sign-in that cannot happen is reported within seconds.
fn token_retries() -> RetryOptions {
    RetryOptions::exponential(ExponentialRetryOptions {
        initial_delay: azure_core::time::Duration::milliseconds(300),
        max_retries: 2,
        max_total_elapsed: azure_core::time::Duration::seconds(10),
        max_delay: azure_core::time::Duration::seconds(2),
    })
}

impl AppTokenSource {
    fn client_options(&self, refusal: &RefusalSlot) -> ClientOptions {
        let mut cloud = CustomConfiguration::default();
        cloud.authority_host = self.authority_host.trim_end_matches('/').to_string();
        let transport = RecordingTransport { http: self.http.clone(), refusal: refusal.clone() };
        ClientOptions {
            transport: Some(Transport::new(Arc::new(transport))),
            cloud: Some(Arc::new(CloudConfiguration::Custom(cloud))),
            retry: token_retries(),
            ..Default::default()
        }
    }

    fn credential(&self, refusal: &RefusalSlot) -> Result<Arc<dyn TokenCredential>, AuthError> {
        let method = self.credential.method();
        let client_options = self.client_options(refusal);
        let built: azure_core::Result<Arc<dyn TokenCredential>> = match &self.credential {
            AppCredential::Secret { client_secret } => ClientSecretCredential::new(
                &self.tenant_id,
                self.client_id.clone(),
                Secret::new(client_secret.expose_secret().to_string()),
                Some(ClientSecretCredentialOptions { client_options }),
            )
            .map(|c| c as Arc<dyn TokenCredential>),
            AppCredential::Certificate { path, password } => {
                let pkcs12 = load_pkcs12(path, password.as_ref())?;
                ClientCertificateCredential::new(
                    self.tenant_id.clone(),
                    self.client_id.clone(),
                    pkcs12,
                    Some(ClientCertificateCredentialOptions {
                        client_options,
                        password: password.as_ref().map(|p| Secret::new(p.expose_secret().to_string())),
                    }),
                )
                .map(|c| c as Arc<dyn TokenCredential>)
            }
            AppCredential::Workload { token_file } => {
                WorkloadIdentityCredential::new(Some(WorkloadIdentityCredentialOptions {
                    credential_options: ClientAssertionCredentialOptions { client_options },
                    client_id: Some(self.client_id.clone()),
                    tenant_id: Some(self.tenant_id.clone()),
                    token_file_path: Some(token_file.clone()),
                }))
                .map(|c| c as Arc<dyn TokenCredential>)
            }
        };
        built.map_err(|e| AuthError::Misconfigured { method: method.into(), message: self.scrubbed(&e) })
    }

    fn secrets(&self) -> Vec<&str> {
        match &self.credential {
            AppCredential::Secret { client_secret } => vec![client_secret.expose_secret()],
            AppCredential::Certificate { password, .. } => {
                password.iter().map(|p| p.expose_secret()).collect()
            }
            AppCredential::Workload { .. } => Vec::new(),
        }
    }

    fn scrubbed(&self, err: &azure_core::Error) -> String {
        scrub(&first_line(&err.to_string()), &self.secrets())
    }
}

impl TokenSource for AppTokenSource {
    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        Box::pin(async move {
            let refusal = RefusalSlot::default();
            let credential = self.credential(&refusal)?;
            let token = credential.get_token(&[self.audience.scope()], None).await.map_err(|e| {
                let refused = refusal.lock().ok().and_then(|mut slot| slot.take());
                map_azure_error(self.credential.method(), &e, refused, &self.secrets())
            })?;
            Ok(AccessToken {
                secret: SecretString::from(token.token.secret().to_string()),
                expires_at: Timestamp::from_second(token.expires_on.unix_timestamp()).ok(),
            })
        })
    }

    fn describe(&self) -> AuthDescription {
        AuthDescription {
            method: self.credential.method().into(),
            principal: Some(self.client_id.clone()),
            audience: Some(self.audience.scope().into()),
            expires_at: None,
        }
    }
}

/// An azure_identity failure as an [`AuthError`]: an Entra refusal keeps its AADSTS code and
/// description; anything else (unreachable, unreadable file) is `Unavailable`.
fn map_azure_error(
    method: &str,
    err: &azure_core::Error,
    refused: Option<(u16, Bytes)>,
    secrets: &[&str],
) -> AuthError {
    if let Some((status, body)) = refused {
        let message =
            entra_refusal(status, &body).unwrap_or_else(|| format!("the authority answered HTTP {status}"));
        let message = scrub(&message, secrets);
        return if status >= 500 || status == 429 {
            AuthError::Unavailable { method: method.into(), message }
        } else {
            AuthError::Refused { method: method.into(), message }
        };
    }
    // azure_identity prefixes "<Credential> authentication failed." and appends a link; the
    // cause is in between.
    let text = err.to_string();
    let text = text.split_once("authentication failed.").map_or(text.as_str(), |(_, rest)| rest);
    AuthError::Unavailable { method: method.into(), message: scrub(&first_line(text.trim()), secrets) }
}

#[derive(Deserialize)]
struct EntraErrorBody {
    error: Option<String>,
    error_description: Option<String>,
    #[serde(default)]
    error_codes: Vec<i64>,
}

/// "AADSTS7000215: Invalid client secret provided. … (invalid_client, HTTP 401): hint" from an
/// Entra (or OAuth) error body, or `None` when the body is not one.
pub(crate) fn entra_refusal(status: u16, body: &[u8]) -> Option<String> {
    let parsed: EntraErrorBody = serde_json::from_slice(body).ok()?;
    if parsed.error.is_none() && parsed.error_description.is_none() && parsed.error_codes.is_empty() {
        return None;
    }
    Some(refusal_text(
        parsed.error.as_deref(),
        parsed.error_description.as_deref(),
        parsed.error_codes.first().copied(),
        Some(status),
    ))
}

/// One line naming the AADSTS code, Entra's description, the OAuth error and a hint.
pub(crate) fn refusal_text(
    error: Option<&str>,
    description: Option<&str>,
    code: Option<i64>,
    status: Option<u16>,
) -> String {
    let description = description.map(first_line).filter(|d| !d.is_empty());
    let mut text = match (description, code) {
        (Some(d), Some(code)) if !d.starts_with("AADSTS") => format!("AADSTS{code}: {d}"),
        (Some(d), _) => d,
        (None, Some(code)) => format!("AADSTS{code}"),
        (None, None) => error.unwrap_or("refused").to_string(),
    };
    match (error, status) {
        (Some(error), Some(status)) => text.push_str(&format!(" ({error}, HTTP {status})")),
        (Some(error), None) => text.push_str(&format!(" ({error})")),
        (None, Some(status)) => text.push_str(&format!(" (HTTP {status})")),
        (None, None) => {}
    }
    if let Some(hint) = aadsts_code(&text).and_then(hint_for) {
        text.push_str(": ");
        text.push_str(hint);
    }
    text
}

fn aadsts_code(text: &str) -> Option<u64> {
    let rest = text.strip_prefix("AADSTS")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// What to do about the refusals users meet most.
fn hint_for(code: u64) -> Option<&'static str> {
    Some(match code {
        7000215 => "check the client secret: use the secret's value, not its id",
        7000222 => "the client secret has expired: create a new one for the application",
        700016 => "no application with this client id in the tenant: check client_id and tenant_id",
        90002 => "the tenant does not exist: check tenant_id",
        700027 | 700024 => "the certificate is not registered for the application, or the clock is off",
        70021 | 700211 | 700213 => {
            "the federated token does not match a federated credential of the application (issuer, subject, audience)"
        }
        70008 | 50173 | 700082 => "the saved sign-in has expired or was revoked: sign in again",
        65001 => "the application lacks consent for the requested permissions: an admin must grant them",
        500011 => "the resource application is not in the tenant: check the audience",
        _ => return None,
    })
}

/// The first line of a multi-line message (Entra appends Trace/Correlation ids and timestamps).
pub(crate) fn first_line(text: &str) -> String {
    text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entra_refusals_keep_code_and_description() {
        let body = br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1\r\nCorrelation ID: 2","error_codes":[7000215]}"#;
        let text = entra_refusal(401, body).unwrap_or_default();
        assert!(
            text.starts_with("AADSTS7000215: Invalid client secret provided. (invalid_client, HTTP 401)")
        );
        assert!(text.contains("not its id"), "{text}");
        assert!(!text.contains("Trace ID"));
        let bare = br#"{"error":"unauthorized_client","error_description":"Application not found","error_codes":[700016]}"#;
        assert!(
            entra_refusal(400, bare).unwrap_or_default().starts_with("AADSTS700016: Application not found")
        );
        assert_eq!(entra_refusal(502, b"<html>bad gateway</html>"), None);
    }
}
