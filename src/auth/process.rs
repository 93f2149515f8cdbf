//! Running a sign-in helper program (`az`, `databricks`) for a token: no stdin, a time limit,
//! killed if dropped, and its output treated as a secret until parsed.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use secrecy::SecretString;

use super::AuthError;

/// What the helper printed.
pub(crate) struct HelperOutput {
    /// May hold a token: never log or show it.
    pub stdout: SecretString,
    pub stderr: String,
    pub success: bool,
}

/// Run `program args…`. A missing program is a configuration problem (`install_hint` says how to
/// fix it); anything else that stops it running is "unavailable".
pub(crate) async fn run_helper(
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
