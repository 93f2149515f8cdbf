//! Tokens from the Databricks CLI, for profiles written by `databricks auth login`
//! (`auth_type = databricks-cli`): `databricks auth token --host H` prints
//! `{"access_token", "token_type", "expiry"}` from the CLI's own OAuth cache, refreshing it
//! when needed — the same call the official SDKs make for this auth type.

use std::fmt;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use futures::future::BoxFuture;
use jiff::Timestamp;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::entra::first_line;
use super::process::run_helper;
use super::token::{AccessToken, TokenSource, jwt_principal, scrub};
use super::{AuthDescription, AuthError};

const METHOD: &str = "databricks-cli";
/// The CLI may refresh its token over the network, but must not hang a poller.
const CLI_TIMEOUT: Duration = Duration::from_secs(60);

pub(crate) struct DatabricksCliSource {
    cli_path: PathBuf,
    host: String,
    /// The signed-in user, learnt from the last token's claims.
    principal: Mutex<Option<String>>,
}

impl fmt::Debug for DatabricksCliSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabricksCliSource")
            .field("cli_path", &self.cli_path)
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct CliToken {
    access_token: String,
    /// RFC 3339 with nanoseconds and an offset (Go's time format).
    expiry: Option<String>,
}

impl DatabricksCliSource {
    pub fn new(cli_path: PathBuf, host: &str) -> Self {
        Self { cli_path, host: host.to_string(), principal: Mutex::new(None) }
    }

    async fn run(&self) -> Result<AccessToken, AuthError> {
        let args: Vec<String> = ["auth", "token", "--host", &self.host].map(str::to_string).to_vec();
        let hint = "install the Databricks CLI and run `databricks auth login --host <workspace>`, \
                    or choose another auth method";
        let output = run_helper(METHOD, &self.cli_path, &args, CLI_TIMEOUT, hint).await?;
        if !output.success {
            let line = output
                .stderr
                .lines()
                .map(str::trim)
                .find(|l| l.starts_with("Error"))
                .map(str::to_string)
                .unwrap_or_else(|| first_line(&output.stderr));
            let message =
                scrub(line.trim_start_matches("Error:").trim(), &[output.stdout.expose_secret().trim()]);
            return Err(if message.contains("auth login") {
                AuthError::SignInRequired { method: METHOD.into(), message }
            } else if message.is_empty() {
                AuthError::Unavailable {
                    method: METHOD.into(),
                    message: "databricks failed without a message".into(),
                }
            } else {
                AuthError::Unavailable { method: METHOD.into(), message }
            });
        }
        // Parse errors are reported without the output: it may hold a token.
        let token: CliToken = serde_json::from_str(output.stdout.expose_secret()).map_err(|_| {
            AuthError::Unavailable {
                method: METHOD.into(),
                message: "`databricks auth token` printed something other than a token (expected JSON with access_token)"
                    .into(),
            }
        })?;
        // Without a readable expiry, ask the CLI again in a few minutes (it caches, so that is cheap).
        let expires_at = token
            .expiry
            .as_deref()
            .and_then(|e| e.parse::<Timestamp>().ok())
            .or_else(|| Timestamp::now().checked_add(jiff::SignedDuration::from_mins(5)).ok());
        let secret = SecretString::from(token.access_token);
        if let Ok(mut principal) = self.principal.lock() {
            *principal = jwt_principal(&secret);
        }
        Ok(AccessToken { secret, expires_at })
    }
}

impl TokenSource for DatabricksCliSource {
    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        Box::pin(self.run())
    }

    fn describe(&self) -> AuthDescription {
        AuthDescription {
            method: METHOD.into(),
            principal: self.principal.lock().ok().and_then(|p| p.clone()),
            audience: Some(self.host.clone()),
            expires_at: None,
        }
    }
}
