//! What the providers need from the rest of the program: the HTTP client for token calls, where
//! to keep refresh tokens, how to show a device code, and the seams tests use.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// A device-code sign-in waiting for the user: show `message` (or the URL and code) until the
/// sign-in completes or `expires_in` passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCodePrompt {
    pub verification_uri: String,
    pub user_code: String,
    /// Entra's ready-made sentence ("To sign in, use a web browser to open …").
    pub message: Option<String>,
    pub expires_in: Duration,
}

/// Receives device-code prompts (the TUI shows a dialog, the CLI prints to stderr).
pub type DeviceCodeSink = Arc<dyn Fn(DeviceCodePrompt) + Send + Sync>;

/// Shared by every provider built for one process.
#[derive(Clone)]
pub struct AuthContext {
    /// Client for our own token calls (IMDS, OAuth M2M, device code) and the transport handed
    /// to azure_identity, so one set of root certificates and proxies applies to all of them.
    /// Tests add their fake authority's CA here.
    pub http: reqwest::Client,
    /// Where device-code refresh tokens are kept (`<data_dir>/auth/`, files mode 0600).
    pub data_dir: PathBuf,
    /// Where device-code prompts go; `None` makes a sign-in that needs the user fail with
    /// [`super::AuthError::SignInRequired`] instead of waiting (scripts, `doctor`).
    pub device_code_prompt: Option<DeviceCodeSink>,
    /// The Azure CLI executable (`az` from `PATH` by default).
    pub az_path: PathBuf,
    /// The Databricks CLI executable (`databricks` from `PATH` by default).
    pub databricks_cli_path: PathBuf,
}

impl AuthContext {
    pub fn new(http: reqwest::Client, data_dir: impl Into<PathBuf>) -> Self {
        Self {
            http,
            data_dir: data_dir.into(),
            device_code_prompt: None,
            az_path: PathBuf::from("az"),
            databricks_cli_path: PathBuf::from("databricks"),
        }
    }

    pub fn with_device_code_prompt(mut self, sink: DeviceCodeSink) -> Self {
        self.device_code_prompt = Some(sink);
        self
    }

    pub fn with_az_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.az_path = path.into();
        self
    }

    pub fn with_databricks_cli_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.databricks_cli_path = path.into();
        self
    }
}

impl fmt::Debug for AuthContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthContext")
            .field("data_dir", &self.data_dir)
            .field("device_code_prompt", &self.device_code_prompt.is_some())
            .field("az_path", &self.az_path)
            .field("databricks_cli_path", &self.databricks_cli_path)
            .finish_non_exhaustive()
    }
}
