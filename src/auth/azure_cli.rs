//! Tokens from the Azure CLI: `az account get-access-token --resource R --output json`.
//!
//! Run directly with tokio::process rather than through azure_identity's AzureCliCredential:
//! that one always runs `/bin/sh -c "cd /bin && az …"`, so the executable cannot be pointed
//! elsewhere (tests, a non-PATH install), and it reads only `expires_on`, which Azure CLI
//! before 2.54 does not print. Caching is [`super::token::TokenProvider`]'s job either way.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use secrecy::SecretString;
use serde::Deserialize;

use super::AuthError;
use super::audience::Audience;
use super::entra::first_line;
use super::process::Helper;
use super::token::{AccessToken, scrub};

const METHOD: &str = "azure-cli";

/// `az account get-access-token` for one audience, optionally in a given tenant and subscription.
#[derive(Debug)]
pub(crate) struct AzureCli {
    pub az_path: PathBuf,
    pub tenant_id: Option<String>,
    pub subscription: Option<String>,
    pub audience: Audience,
}

/// The fields we read from `az account get-access-token --output json`.
#[derive(Deserialize)]
struct CliToken {
    #[serde(rename = "accessToken")]
    access_token: String,
    /// Unix seconds (Azure CLI ≥ 2.54).
    expires_on: Option<i64>,
    /// Local time without offset, e.g. "2026-05-11 14:03:07.000000" (every version).
    #[serde(rename = "expiresOn")]
    expires_on_local: Option<String>,
}

impl Helper for AzureCli {
    const METHOD: &'static str = METHOD;
    const INSTALL_HINT: &'static str =
        "install the Azure CLI and run `az login`, or choose another auth method";

    fn program(&self) -> &Path {
        &self.az_path
    }

    fn args(&self) -> Vec<String> {
        let mut args: Vec<String> = ["account", "get-access-token", "--resource", self.audience.resource()]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.extend(["--output".to_string(), "json".to_string()]);
        if let Some(tenant) = &self.tenant_id {
            args.extend(["--tenant".to_string(), tenant.clone()]);
        }
        if let Some(subscription) = &self.subscription {
            args.extend(["--subscription".to_string(), subscription.clone()]);
        }
        args
    }

    fn audience(&self) -> String {
        self.audience.resource().into()
    }

    fn token(&self, stdout: &str) -> Result<AccessToken, AuthError> {
        let unavailable = |message: String| AuthError::Unavailable { method: METHOD.into(), message };
        let token: CliToken = serde_json::from_str(stdout).map_err(|_| {
            unavailable("`az account get-access-token` printed something other than a token (expected JSON with accessToken)".into())
        })?;
        let expires_at = match (token.expires_on, token.expires_on_local.as_deref()) {
            (Some(seconds), _) => Timestamp::from_second(seconds).ok(),
            (None, Some(local)) => parse_local_time(local),
            (None, None) => None,
        }
        .ok_or_else(|| {
            unavailable(
                "`az account get-access-token` printed no readable expiry (expires_on / expiresOn)".into(),
            )
        })?;
        Ok(AccessToken { secret: SecretString::from(token.access_token), expires_at: Some(expires_at) })
    }

    fn failure(&self, stderr: &str, stdout: &str) -> AuthError {
        let line = stderr
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("ERROR") || l.contains("AADSTS"))
            .map(str::to_string)
            .unwrap_or_else(|| first_line(stderr));
        let message = scrub(line.trim_start_matches("ERROR:").trim(), &[stdout.trim()]);
        if message.contains("az login") {
            AuthError::SignInRequired { method: METHOD.into(), message }
        } else if message.contains("AADSTS") {
            AuthError::Refused { method: METHOD.into(), message }
        } else if message.is_empty() {
            AuthError::Unavailable { method: METHOD.into(), message: "az failed without a message".into() }
        } else {
            AuthError::Unavailable { method: METHOD.into(), message }
        }
    }
}

/// `expiresOn` is the machine's local time with optional fractional seconds.
fn parse_local_time(text: &str) -> Option<Timestamp> {
    let civil: jiff::civil::DateTime = text.trim().replace(' ', "T").parse().ok()?;
    civil.to_zoned(jiff::tz::TimeZone::system()).ok().map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_expiry_is_read_in_the_system_time_zone() {
        let parsed = parse_local_time("2026-05-11 14:03:07.123456");
        let expected = jiff::civil::date(2026, 5, 11)
            .at(14, 3, 7, 123_456_000)
            .to_zoned(jiff::tz::TimeZone::system())
            .map(|z| z.timestamp())
            .ok();
        assert!(parsed.is_some());
        assert_eq!(parsed, expected);
    }
}
