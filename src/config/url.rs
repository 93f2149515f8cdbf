//! Base URLs for endpoints and hosts: `https://` only, plain `http://` on loopback only.

use std::net::IpAddr;

use reqwest::Url;

use super::error::FIX_MARKER;

/// Why a URL was refused, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlError {
    pub message: String,
    pub fix: String,
}

impl UrlError {
    /// The message with its fix appended (for serde errors; see [`FIX_MARKER`]).
    pub fn with_fix(&self) -> String {
        format!("{}{FIX_MARKER}{}", self.message, self.fix)
    }
}

/// Normalise a base URL: a missing scheme becomes `https://`, a trailing slash and a default
/// port are dropped, and with `keep_path = false` only scheme and authority remain (the
/// Databricks SDKs do the same to `host`).
pub fn base_url(raw: &str, keep_path: bool) -> Result<String, UrlError> {
    let trimmed = raw.trim();
    let shown = quoted(trimmed);
    let lower = trimmed.to_ascii_lowercase();
    if !trimmed.contains("://") && ["http:", "https:", "http/", "https/"].iter().any(|p| lower.starts_with(p))
    {
        // `http//::` would otherwise read as the host `http`.
        return Err(UrlError {
            message: format!("`{shown}` has a mistyped scheme (expected `https://`)"),
            fix: "write it like https://host.example.com".into(),
        });
    }
    let with_scheme =
        if trimmed.contains("://") { trimmed.to_string() } else { format!("https://{trimmed}") };
    let url = Url::parse(&with_scheme).map_err(|e| UrlError {
        message: format!("`{shown}` is not a valid URL ({e})"),
        fix: "write it like https://host.example.com".into(),
    })?;
    let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(|| UrlError {
        message: format!("`{shown}` has no host name"),
        fix: "write it like https://host.example.com".into(),
    })?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(host) => {}
        "http" => {
            return Err(UrlError {
                message: format!("plain http is refused for `{shown}`: tokens would travel unencrypted"),
                fix: format!(
                    "use https://{}; http is only allowed on 127.0.0.1, ::1 or localhost",
                    &with_scheme["http://".len()..].trim_end_matches('/')
                ),
            });
        }
        other => {
            return Err(UrlError {
                message: format!("unsupported scheme `{other}` in `{shown}`"),
                fix: "use an https:// URL".into(),
            });
        }
    }
    let mut out = format!("{}://{}", url.scheme(), url.host_str().unwrap_or(host));
    if let Some(port) = url.port() {
        out.push_str(&format!(":{port}"));
    }
    if keep_path {
        // People paste the API root as the docs print it (`https://api.fabric.microsoft.com/v1`);
        // the clients add `/v1` themselves.
        let path = url.path().trim_end_matches('/');
        out.push_str(path.strip_suffix("/v1").unwrap_or(path));
    }
    Ok(out)
}

/// A URL as messages quote it: up to the first blank and at most 100 characters. A URL has no
/// blanks, and what follows one is another line's text run on (fuzzing found a `host` line that
/// had swallowed the `token = …` line after it).
fn quoted(text: &str) -> String {
    let first = text.split_whitespace().next().unwrap_or("");
    let cut: String = first.chars().take(100).collect();
    if cut.len() < text.len() { format!("{cut} …") } else { cut }
}

/// A sign-in authority (`authority_host`, `AZURE_AUTHORITY_HOST`): as [`base_url`], but https
/// only — the Entra clients refuse plain http even on loopback, so it is refused here, at load,
/// rather than by every sign-in later.
pub fn authority_url(raw: &str) -> Result<String, UrlError> {
    let url = base_url(raw, true)?;
    if url.starts_with("http://") {
        return Err(UrlError {
            message: format!("the sign-in authority `{}` must use https, even on loopback", raw.trim()),
            fix: format!(
                "use https://{} (a local fake authority needs TLS)",
                url.trim_start_matches("http://")
            ),
        });
    }
    Ok(url)
}

/// 127.0.0.0/8, ::1 and `localhost`.
pub fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost") || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The host name of a normalised base URL (for default display names).
pub fn host_name(base: &str) -> String {
    Url::parse(base).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_else(|| base.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_is_normalised() {
        assert_eq!(
            base_url("adb-1.2.azuredatabricks.net/", false).as_deref(),
            Ok("https://adb-1.2.azuredatabricks.net")
        );
        assert_eq!(
            base_url("https://adb-1.azuredatabricks.net:443/?o=1", false).as_deref(),
            Ok("https://adb-1.azuredatabricks.net")
        );
        assert_eq!(
            base_url("https://proxy.example.com/fabric/", true).as_deref(),
            Ok("https://proxy.example.com/fabric")
        );
        assert_eq!(
            base_url("https://api.fabric.microsoft.com/v1/", true).as_deref(),
            Ok("https://api.fabric.microsoft.com")
        );
    }

    #[test]
    fn http_only_on_loopback() {
        assert_eq!(base_url("http://127.0.0.1:8080/", false).as_deref(), Ok("http://127.0.0.1:8080"));
        assert_eq!(base_url("http://localhost:9000", true).as_deref(), Ok("http://localhost:9000"));
        assert_eq!(base_url("http://[::1]:9000", true).as_deref(), Ok("http://[::1]:9000"));
        let err = base_url("http://adb-1.azuredatabricks.net", false).unwrap_err();
        assert!(err.message.contains("plain http is refused"), "{err:?}");
        assert!(err.fix.contains("https://adb-1.azuredatabricks.net"), "{err:?}");
        assert!(base_url("http://127.0.0.1.evil.com", false).is_err());
        assert!(base_url("ftp://x.example.com", false).is_err());
    }

    #[test]
    fn mistyped_schemes_are_not_hosts() {
        for raw in ["http//::", "https//adb-1.azuredatabricks.net", "HTTPS:adb-1.net", "http:/x.example.com"]
        {
            let err = base_url(raw, false).unwrap_err();
            assert!(err.message.contains("mistyped scheme"), "{raw}: {err:?}");
        }
        assert!(base_url("http.example.com", false).is_ok(), "a host may start with `http`");
        assert_eq!(base_url("localhost:8080", false).as_deref(), Ok("https://localhost:8080"));
    }

    #[test]
    fn messages_quote_the_url_not_what_was_run_on_after_it() {
        let err = base_url("https://adb-1.7.azure = dapi-secret", false).unwrap_err();
        assert!(err.message.starts_with("`https://adb-1.7.azure …` is not a valid URL"), "{err:?}");
        assert!(!format!("{err:?}").contains("dapi-secret"), "{err:?}");
    }

    #[test]
    fn authorities_are_https_only_even_on_loopback() {
        assert_eq!(authority_url("https://127.0.0.1:9443/").as_deref(), Ok("https://127.0.0.1:9443"));
        let err = authority_url("http://127.0.0.1:9443").unwrap_err();
        assert!(err.message.contains("must use https"), "{err:?}");
        assert!(err.fix.contains("https://127.0.0.1:9443"), "{err:?}");
    }
}
