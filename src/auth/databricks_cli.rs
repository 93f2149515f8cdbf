//! Tokens from the Databricks CLI, for profiles written by `databricks auth login`
//! (`auth_type = databricks-cli`): `databricks auth token --host H` prints
//! `{"access_token", "token_type", "expiry"}` from the CLI's own OAuth cache, refreshing it
//! when needed — the same call the official SDKs make for this auth type.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use secrecy::SecretString;
use serde::Deserialize;

use super::AuthError;
use super::entra::first_line;
use super::process::Helper;
use super::token::{AccessToken, scrub};

const METHOD: &str = "databricks-cli";

/// `databricks auth token` for one workspace host.
#[derive(Debug)]
pub(crate) struct DatabricksCli {
    pub cli_path: PathBuf,
    pub host: String,
}

#[derive(Deserialize)]
struct CliToken {
    access_token: String,
    /// RFC 3339 with nanoseconds and an offset (Go's time format).
    expiry: Option<String>,
}

impl Helper for DatabricksCli {
    const METHOD: &'static str = METHOD;
    const INSTALL_HINT: &'static str = "install the Databricks CLI and run `databricks auth login --host <workspace>`, \
         or choose another auth method";

    fn program(&self) -> &Path {
        &self.cli_path
    }

    fn args(&self) -> Vec<String> {
        ["auth", "token", "--host", &self.host].map(str::to_string).to_vec()
    }

    fn audience(&self) -> String {
        self.host.clone()
    }

    fn failure(&self, stderr: &str, stdout: &str) -> AuthError {
        let line = stderr
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("Error"))
            .map(str::to_string)
            .unwrap_or_else(|| first_line(stderr));
        let message = scrub(line.trim_start_matches("Error:").trim(), &[stdout.trim()]);
        if message.contains("auth login") {
            AuthError::SignInRequired { method: METHOD.into(), message }
        } else if message.is_empty() {
            AuthError::Unavailable {
                method: METHOD.into(),
                message: "databricks failed without a message".into(),
            }
        } else {
            AuthError::Unavailable { method: METHOD.into(), message }
        }
    }

    fn token(&self, stdout: &str) -> Result<AccessToken, AuthError> {
        let token: CliToken = serde_json::from_str(stdout).map_err(|_| AuthError::Unavailable {
            method: METHOD.into(),
            message: "`databricks auth token` printed something other than a token (expected JSON with access_token)"
                .into(),
        })?;
        // Without a readable expiry, ask the CLI again in a few minutes (it caches, so that is cheap).
        let expires_at = token
            .expiry
            .as_deref()
            .and_then(|e| e.parse::<Timestamp>().ok())
            .or_else(|| Timestamp::now().checked_add(jiff::SignedDuration::from_mins(5)).ok());
        Ok(AccessToken { secret: SecretString::from(token.access_token), expires_at })
    }
}
