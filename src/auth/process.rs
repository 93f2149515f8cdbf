//! Tokens from a sign-in helper program (`az`, `databricks`): no stdin, a time limit, killed if
//! dropped, and its output treated as a secret until parsed. Each helper says how it is called
//! and how its answer reads ([`Helper`]); [`HelperSource`] runs it and remembers who signed in.

use std::fmt;
use std::path::Path;
use std::process::Stdio;
use std::sync::Mutex;
use std::time::Duration;

use futures::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};

use super::token::{AccessToken, TokenSource, jwt_principal};
use super::{AuthDescription, AuthError};

/// A helper can be slow (it may refresh its own token over the network) but must not hang a
/// poller.
const HELPER_TIMEOUT: Duration = Duration::from_secs(60);

/// A sign-in helper program: how to ask it for a token and how to read its answer.
pub(crate) trait Helper: Send + Sync + fmt::Debug {
    /// The auth method, as the config spells it.
    const METHOD: &'static str;
    /// How to fix a missing program.
    const INSTALL_HINT: &'static str;
    fn program(&self) -> &Path;
    fn args(&self) -> Vec<String>;
    /// What the tokens are for, as `doctor` shows it.
    fn audience(&self) -> String;
    /// Why a run that exited unsuccessfully failed; `stdout` may hold a token and must not be
    /// quoted.
    fn failure(&self, stderr: &str, stdout: &str) -> AuthError;
    /// The token a successful run printed. Parse errors are reported without the output: it may
    /// hold a token.
    fn token(&self, stdout: &str) -> Result<AccessToken, AuthError>;
}

/// Tokens from a helper program (caching is [`super::token::TokenProvider`]'s job).
pub(crate) struct HelperSource<H> {
    helper: H,
    /// The signed-in account, learnt from the last token's claims.
    principal: Mutex<Option<String>>,
}

impl<H: fmt::Debug> fmt::Debug for HelperSource<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.helper.fmt(f)
    }
}

impl<H: Helper> HelperSource<H> {
    pub fn new(helper: H) -> Self {
        Self { helper, principal: Mutex::new(None) }
    }

    async fn run(&self) -> Result<AccessToken, AuthError> {
        let helper = &self.helper;
        let output =
            run_helper(H::METHOD, helper.program(), &helper.args(), HELPER_TIMEOUT, H::INSTALL_HINT).await?;
        let stdout = output.stdout.expose_secret();
        if !output.success {
            return Err(helper.failure(&output.stderr, stdout));
        }
        let token = helper.token(stdout)?;
        if let Ok(mut principal) = self.principal.lock() {
            *principal = jwt_principal(&token.secret);
        }
        Ok(token)
    }
}

impl<H: Helper> TokenSource for HelperSource<H> {
    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        Box::pin(self.run())
    }

    fn describe(&self) -> AuthDescription {
        AuthDescription {
            method: H::METHOD.into(),
            principal: self.principal.lock().ok().and_then(|p| p.clone()),
            audience: Some(self.helper.audience()),
            expires_at: None,
        }
    }
}

/// What the helper printed.
struct HelperOutput {
    /// May hold a token: never log or show it.
    pub stdout: SecretString,
    pub stderr: String,
    pub success: bool,
}

/// Run `program args…`. A missing program is a configuration problem (`install_hint` says how to
/// fix it); anything else that stops it running is "unavailable".
async fn run_helper(
    method: &str,
    program: &Path,
    args: &[String],
    limit: Duration,
    install_hint: &str,
) -> Result<HelperOutput, AuthError> {
    let unavailable = |message: String| AuthError::Unavailable { method: method.into(), message };
    let child = tokio::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => AuthError::Misconfigured {
                method: method.into(),
                message: format!("{} was not found: {install_hint}", program.display()),
            },
            _ => unavailable(format!("cannot run {}: {e}", program.display())),
        })?;
    let shown =
        format!("`{} {}`", program.display(), args.iter().take(2).cloned().collect::<Vec<_>>().join(" "));
    let output = tokio::time::timeout(limit, child.wait_with_output())
        .await
        .map_err(|_| unavailable(format!("{shown} did not finish within {limit:?}")))?
        .map_err(|e| unavailable(format!("cannot run {}: {e}", program.display())))?;
    Ok(HelperOutput {
        stdout: SecretString::from(String::from_utf8_lossy(&output.stdout).into_owned()),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        success: output.status.success(),
    })
}
