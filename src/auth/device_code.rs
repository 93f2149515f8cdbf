//! Delegated user sign-in with the OAuth device authorization grant against Entra
//! (`{authority}/{tenant}/oauth2/v2.0/devicecode` then `/token`), through the oauth2 crate.
//! The refresh token is kept in a 0600 file so later runs sign in silently; azure_identity has
//! no device-code credential.

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Mutex;

use futures::future::BoxFuture;
use oauth2::basic::{BasicClient, BasicTokenResponse};
use oauth2::{
    AuthType, ClientId, DeviceAuthorizationResponse, DeviceAuthorizationUrl, DeviceCodeErrorResponse,
    DeviceCodeErrorResponseType, ErrorResponse, ExtraDeviceAuthorizationFields, HttpRequest, HttpResponse,
    RefreshToken, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::audience::Audience;
use super::context::{AuthContext, DeviceCodePrompt, DeviceCodeSink};
use super::entra::refusal_text;
use super::token::{AccessToken, TokenSource, expires_in, jwt_principal};
use super::{AuthDescription, AuthError};

const METHOD: &str = "device-code";

/// Entra adds a ready-made instruction to the device authorization response.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct EntraDeviceFields {
    message: Option<String>,
}
impl ExtraDeviceAuthorizationFields for EntraDeviceFields {}

pub(crate) struct DeviceCodeSource {
    tenant_id: String,
    client_id: String,
    audience: Audience,
    authority_host: String,
    http: reqwest::Client,
    prompt: Option<DeviceCodeSink>,
    store: RefreshTokenStore,
    principal: Mutex<Option<String>>,
}

impl fmt::Debug for DeviceCodeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceCodeSource")
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("audience", &self.audience)
            .field("authority_host", &self.authority_host)
            .field("refresh_token_file", &self.store.path)
            .finish_non_exhaustive()
    }
}

impl DeviceCodeSource {
    /// The HTTP client, the prompt and where the refresh token is kept come from `ctx`.
    pub fn new(
        tenant_id: String,
        client_id: String,
        audience: Audience,
        authority_host: String,
        ctx: &AuthContext,
    ) -> Self {
        Self {
            store: RefreshTokenStore::new(&ctx.data_dir, &tenant_id, &client_id),
            tenant_id,
            client_id,
            audience,
            authority_host,
            http: ctx.http.clone(),
            prompt: ctx.device_code_prompt.clone(),
            principal: Mutex::new(None),
        }
    }

    fn misconfigured(&self, message: String) -> AuthError {
        AuthError::Misconfigured { method: METHOD.into(), message }
    }

    fn endpoint(&self, leaf: &str) -> String {
        format!("{}/{}/oauth2/v2.0/{leaf}", self.authority_host.trim_end_matches('/'), self.tenant_id)
    }

    fn scopes(&self) -> Vec<Scope> {
        let mut scopes: Vec<Scope> = self.audience.delegated_scopes().into_iter().map(Scope::new).collect();
        scopes.push(Scope::new("offline_access".into()));
        scopes
    }

    async fn sign_in(&self) -> Result<AccessToken, AuthError> {
        if !self.authority_host.starts_with("https://") {
            return Err(
                self.misconfigured(format!("the authority host must use https: {}", self.authority_host))
            );
        }
        let token_url =
            TokenUrl::new(self.endpoint("token")).map_err(|e| self.misconfigured(e.to_string()))?;
        let client = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(token_url);
        let http = reqwest_adapter(&self.http);

        if let Some(refresh_token) = self.store.load()? {
            let refreshed = client
                .exchange_refresh_token(&RefreshToken::new(refresh_token.expose_secret().to_string()))
                .add_scopes(self.scopes())
                .request_async(&http)
                .await;
            match refreshed {
                Ok(response) => return self.accept(&response, Some(refresh_token)),
                // The saved sign-in is no longer accepted: forget it and sign in again.
                Err(RequestTokenError::ServerResponse(e)) => {
                    let why = server_refusal(e.error().as_ref(), e.error_description().map(String::as_str));
                    self.store.remove()?;
                    if self.prompt.is_none() {
                        return Err(AuthError::SignInRequired {
                            method: METHOD.into(),
                            message: format!("the saved sign-in was refused ({why}); sign in again"),
                        });
                    }
                }
                Err(other) => return Err(transport_error(other)),
            }
        }

        let Some(prompt) = &self.prompt else {
            return Err(AuthError::SignInRequired {
                method: METHOD.into(),
                message: format!(
                    "no saved sign-in for {} in tenant {}; sign in interactively",
                    self.client_id, self.tenant_id
                ),
            });
        };
        let device_url = DeviceAuthorizationUrl::new(self.endpoint("devicecode"))
            .map_err(|e| self.misconfigured(e.to_string()))?;
        let client = client.set_device_authorization_url(device_url);
        let details: DeviceAuthorizationResponse<EntraDeviceFields> = client
            .exchange_device_code()
            .add_scopes(self.scopes())
            .request_async(&http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(e) => AuthError::Refused {
                    method: METHOD.into(),
                    message: server_refusal(e.error().as_ref(), e.error_description().map(String::as_str)),
                },
                other => transport_error(other),
            })?;
        prompt(DeviceCodePrompt {
            verification_uri: details.verification_uri().to_string(),
            user_code: details.user_code().secret().clone(),
            message: details.extra_fields().message.clone(),
            expires_in: details.expires_in(),
        });
        let response: BasicTokenResponse = client
            .exchange_device_access_token(&details)
            .request_async(&http, tokio::time::sleep, None)
            .await
            .map_err(device_error)?;
        self.accept(&response, None)
    }

    /// Keep the (possibly rotated) refresh token and hand out the access token.
    fn accept(
        &self,
        response: &BasicTokenResponse,
        previous: Option<SecretString>,
    ) -> Result<AccessToken, AuthError> {
        let refresh = response.refresh_token().map(|t| SecretString::from(t.secret().clone())).or(previous);
        if let Some(refresh) = refresh {
            self.store.save(&refresh)?;
        }
        let secret = SecretString::from(response.access_token().secret().clone());
        if let Ok(mut principal) = self.principal.lock() {
            *principal = jwt_principal(&secret);
        }
        let expires_at =
            response.expires_in().map(|d| expires_in(i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2)));
        Ok(AccessToken { secret, expires_at })
    }
}

impl TokenSource for DeviceCodeSource {
    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        Box::pin(self.sign_in())
    }

    fn describe(&self) -> AuthDescription {
        let user = self.principal.lock().ok().and_then(|p| p.clone());
        AuthDescription {
            method: METHOD.into(),
            principal: Some(user.unwrap_or_else(|| self.client_id.clone())),
            audience: Some(self.audience.resource().into()),
            expires_at: None,
        }
    }
}

fn server_refusal(error: &str, description: Option<&str>) -> String {
    refusal_text(Some(error), description, None, None)
}

fn transport_error<T: ErrorResponse>(err: RequestTokenError<reqwest::Error, T>) -> AuthError {
    let message = match err {
        RequestTokenError::Request(e) => format!("the authority is unreachable: {e}"),
        // The body is not quoted: it may hold a token.
        RequestTokenError::Parse(e, _) => {
            format!("the authority answered something unexpected: {}", e.path())
        }
        RequestTokenError::Other(e) => e,
        RequestTokenError::ServerResponse(_) => "the authority refused".into(),
    };
    AuthError::Unavailable { method: METHOD.into(), message }
}

fn device_error(err: RequestTokenError<reqwest::Error, DeviceCodeErrorResponse>) -> AuthError {
    match err {
        RequestTokenError::ServerResponse(e) => {
            let message = server_refusal(e.error().as_ref(), e.error_description().map(String::as_str));
            match e.error() {
                DeviceCodeErrorResponseType::ExpiredToken => AuthError::SignInRequired {
                    method: METHOD.into(),
                    message: format!("the code expired before sign-in completed ({message})"),
                },
                DeviceCodeErrorResponseType::AccessDenied => AuthError::SignInRequired {
                    method: METHOD.into(),
                    message: format!("sign-in was declined ({message})"),
                },
                _ => AuthError::Refused { method: METHOD.into(), message },
            }
        }
        other => transport_error(other),
    }
}

/// oauth2's HTTP client as a closure over our reqwest 0.13 client (its own reqwest feature
/// would pull in reqwest 0.12 next to it).
fn reqwest_adapter(
    client: &reqwest::Client,
) -> impl Fn(HttpRequest) -> Pin<Box<dyn Future<Output = Result<HttpResponse, reqwest::Error>> + Send>> + '_ {
    move |request: HttpRequest| {
        let client = client.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let response = client
                .request(parts.method, parts.uri.to_string())
                .headers(parts.headers)
                .body(body)
                .send()
                .await?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.bytes().await?;
            let mut out = HttpResponse::new(body.to_vec());
            *out.status_mut() = status;
            *out.headers_mut() = headers;
            Ok(out)
        })
    }
}

/// `<data_dir>/auth/device-code-<tenant>-<client>.json`, mode 0600 in a 0700 directory.
struct RefreshTokenStore {
    path: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct StoredSignIn {
    refresh_token: String,
}

impl RefreshTokenStore {
    fn new(data_dir: &Path, tenant_id: &str, client_id: &str) -> Self {
        let clean = |s: &str| -> String {
            s.chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' })
                .collect()
        };
        let name = format!("device-code-{}-{}.json", clean(tenant_id), clean(client_id));
        Self { path: data_dir.join("auth").join(name) }
    }

    fn error(&self, action: &str, e: std::io::Error) -> AuthError {
        AuthError::Misconfigured {
            method: METHOD.into(),
            message: format!("cannot {action} {}: {e}", self.path.display()),
        }
    }

    fn load(&self) -> Result<Option<SecretString>, AuthError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => SecretString::from(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.error("read", e)),
        };
        // A damaged file is treated as no sign-in (a new one overwrites it).
        Ok(serde_json::from_str::<StoredSignIn>(text.expose_secret())
            .ok()
            .filter(|s| !s.refresh_token.is_empty())
            .map(|s| SecretString::from(s.refresh_token)))
    }

    fn save(&self, refresh_token: &SecretString) -> Result<(), AuthError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(|e| self.error("create the directory for", e))?;
        let body = SecretString::from(
            serde_json::to_string(&StoredSignIn { refresh_token: refresh_token.expose_secret().to_string() })
                .unwrap_or_default(),
        );
        let temp = self.path.with_extension("json.tmp");
        let _ = std::fs::remove_file(&temp);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temp).map_err(|e| self.error("write", e))?;
        std::io::Write::write_all(&mut file, body.expose_secret().as_bytes())
            .map_err(|e| self.error("write", e))?;
        file.sync_all().map_err(|e| self.error("write", e))?;
        std::fs::rename(&temp, &self.path).map_err(|e| self.error("write", e))
    }

    fn remove(&self) -> Result<(), AuthError> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.error("remove", e)),
            _ => Ok(()),
        }
    }
}
