//! Reading the config file: choosing it, parsing it with precise errors (file, line, column,
//! key, fix), resolving it, and the permission warning for files that hold secrets.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use regex::Regex;

use super::databrickscfg;
use super::env::{Env, SystemEnv};
use super::error::FIX_MARKER;
use super::error::{ConfigError, Location};
use super::model::{ConfigFile, DATABRICKS_METHODS, FABRIC_METHODS};
use super::paths::{choose_config_file, default_config_file};
use super::resolve::Resolver;
use super::{DatabricksWorkspace, LoadedConfig, Origin, Settings};

/// Load with the real environment and the platform config directory.
pub fn load_system(cli_path: Option<&Path>) -> Result<LoadedConfig, ConfigError> {
    load(cli_path, default_config_file().as_deref(), &SystemEnv)
}

/// Load from `--config` (`cli_path`), else `SPARKDECK_CONFIG`, else `default_file` (which may be
/// absent: then Databricks comes from `~/.databrickscfg` and the environment).
pub fn load(
    cli_path: Option<&Path>,
    default_file: Option<&Path>,
    env: &dyn Env,
) -> Result<LoadedConfig, ConfigError> {
    let text = match choose_config_file(cli_path, env, default_file) {
        Some(choice) => match read_text(&choice.path) {
            Ok(text) => Some((choice.path, text)),
            Err(e) if e.kind() == ErrorKind::NotFound && !choice.explicit => None,
            Err(source) => {
                let fix = match source.kind() {
                    ErrorKind::InvalidData => "save the file as UTF-8 text".to_string(),
                    ErrorKind::InvalidInput => {
                        "point --config or SPARKDECK_CONFIG at a regular file".to_string()
                    }
                    _ if choice.explicit => {
                        "check the path given with --config or SPARKDECK_CONFIG".to_string()
                    }
                    _ => "make the file readable".to_string(),
                };
                return Err(ConfigError::Read { path: choice.path, source, fix });
            }
        },
        None => None,
    };
    match text {
        Some((path, text)) => load_text(path, &text, env),
        None => load_without_file(env),
    }
}

/// Config files are small; a larger one is not a config file.
const MAX_CONFIG_BYTES: u64 = 4 << 20;

/// The text of a config file (`config.toml`, `~/.databrickscfg`). Only a regular file is read:
/// a FIFO would block forever, a device never end (`InvalidInput`). Text that is not UTF-8 is
/// `InvalidData`, naming the line and column of the first bad byte.
pub(super) fn read_text(path: &Path) -> std::io::Result<String> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        let what =
            if meta.is_dir() { "a directory" } else { "not a regular file (a FIFO, socket or device)" };
        return Err(std::io::Error::new(ErrorKind::InvalidInput, format!("it is {what}")));
    }
    if meta.len() > MAX_CONFIG_BYTES {
        let message = format!("{} bytes is too large for a config file", meta.len());
        return Err(std::io::Error::new(ErrorKind::InvalidInput, message));
    }
    let bytes = std::fs::read(path)?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        std::io::Error::new(
            ErrorKind::InvalidData,
            format!("not UTF-8 text: invalid byte at line {line}, column {column}"),
        )
    })
}

/// No config file: the Databricks workspace the official CLI would use, default settings.
fn load_without_file(env: &dyn Env) -> Result<LoadedConfig, ConfigError> {
    let mut warnings = Vec::new();
    let mut databricks = Vec::new();
    if let Some(r) = databrickscfg::from_environment(env)? {
        if let Some((path, _)) = r.profile.as_ref().filter(|_| r.file_has_secret) {
            warnings.extend(permission_warning(path, &["a token or client secret".to_string()]));
        }
        let name = match &r.profile {
            Some((_, profile)) => profile.clone(),
            None => super::url::host_name(&r.host),
        };
        let origin = Origin { config_file: None, databrickscfg: r.profile, env_vars: r.env_vars };
        databricks.push(DatabricksWorkspace { name, host: r.host, auth: r.auth, origin, read_only: false });
    }
    Ok(LoadedConfig { path: None, settings: Settings::default(), fabric: vec![], databricks, warnings })
}

/// Parse and resolve one config file's text.
pub fn load_text(path: PathBuf, text: &str, env: &dyn Env) -> Result<LoadedConfig, ConfigError> {
    let model: ConfigFile = toml::from_str(text).map_err(|e| parse_error(&path, text, &e))?;
    let resolution = Resolver::new(&path, text, env).resolve(model)?;
    let mut warnings = Vec::new();
    if !resolution.inline_secrets.is_empty() {
        warnings.extend(permission_warning(&path, &resolution.inline_secrets));
    }
    for file in &resolution.secret_files {
        warnings.extend(permission_warning(file, &["a token or client secret".to_string()]));
    }
    Ok(LoadedConfig {
        path: Some(path),
        settings: resolution.settings,
        fabric: resolution.fabric,
        databricks: resolution.databricks,
        warnings,
    })
}

/// A warning when `path` holds plain secrets and group or others may read it.
#[cfg(unix)]
pub fn permission_warning(path: &Path, secrets: &[String]) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| {
        // The problem and its fix first: the monitor's status line shows what fits.
        format!(
            "{} is readable by other users (mode {:o}) and holds a plain secret: run `chmod 600 {}`, \
             or move it to an environment variable (`*_env` keys; here: {})",
            path.display(),
            mode & 0o777,
            path.display(),
            secrets.join(", ")
        )
    })
}

#[cfg(not(unix))]
pub fn permission_warning(_path: &Path, _secrets: &[String]) -> Option<String> {
    None
}

/// Keys whose values must never appear in messages.
const SECRET_KEYS: &[&str] = &["client_secret", "token", "password"];

/// Turn a TOML/serde error into a located, actionable [`ConfigError`].
fn parse_error(path: &Path, source: &str, err: &toml::de::Error) -> ConfigError {
    let mut span = err.span().unwrap_or(0..0);
    let raw_message = err.message().trim();
    // Errors inside an auth table point at the whole table (serde buffers tagged enums):
    // narrow an unknown key to where it is written.
    if let Some((field, _)) = unknown(raw_message, "unknown field")
        && let Some(at) = find_assignment(table_body(source, span.start), &field)
    {
        span = span.start + at..span.start + at + field.len();
    } else if source.get(span.clone()).is_some_and(|t| t.trim_start().starts_with(['[', '{']))
        && let Some(value) = between(raw_message, "`", "`")
        && let Some((at, len)) = find_key_of_value(table_body(source, span.start), &value)
    {
        // A value refused inside such a table (`authority_host = "http://…"`): the key that holds it.
        span = span.start + at..span.start + at + len;
    }
    let location = Location::at(path.to_path_buf(), source, span.start);
    let (raw, custom_fix) = match raw_message.split_once(FIX_MARKER) {
        Some((message, fix)) => (message.to_string(), Some(fix.to_string())),
        None => (raw_message.to_string(), None),
    };
    let table = table_at(source, span.start);
    let spanned_key = key_at(source, &span);
    let join = |key: &str| if table.is_empty() { key.to_string() } else { format!("{table}.{key}") };

    if let Some((field, expected)) = unknown(&raw, "unknown field") {
        let key = join(&spanned_key.clone().unwrap_or_else(|| field.clone()));
        let fix = match closest(&field, &expected) {
            Some(best) => format!("did you mean `{best}`? valid keys here: {}", expected.join(", ")),
            None if expected.is_empty() => "remove it: this table takes no keys".to_string(),
            None => format!("remove it or use one of: {}", expected.join(", ")),
        };
        return invalid(location, Some(key), format!("unknown key `{field}`"), fix);
    }
    if let Some((variant, expected)) = unknown(&raw, "unknown variant") {
        let is_method = expected == FABRIC_METHODS || expected == DATABRICKS_METHODS;
        let what = if is_method { "auth method" } else { "value" };
        let key = join(&if is_method { "auth.method".to_string() } else { spanned_key.unwrap_or_default() });
        let fix = match closest(&variant, &expected) {
            Some(best) => format!("did you mean `{best}`? valid {what}s: {}", expected.join(", ")),
            None => format!("use one of: {}", expected.join(", ")),
        };
        return invalid(location, Some(key), format!("unknown {what} `{variant}`"), fix);
    }
    if let Some(field) = between(&raw, "missing field `", "`") {
        let key = join(&field);
        let fix = if field == "method" {
            format!("add `method = \"…\"`; valid methods: {}", DATABRICKS_METHODS.join(", "))
        } else {
            format!("add `{field} = …` to this table (see config.example.toml)")
        };
        return invalid(location, Some(key), format!("missing key `{field}`"), fix);
    }
    let key = spanned_key.map(|k| join(&k));
    // The span may be a whole inline table (errors inside `auth = { … }` point at it), so look
    // at the key and at every assignment the span covers.
    let is_secret = key.as_deref().is_some_and(|k| {
        let last = k.rsplit('.').next().unwrap_or(k);
        SECRET_KEYS.contains(&last)
    }) || source.get(span.clone()).is_some_and(assigns_secret);
    // Type errors quote the offending value: never for a secret.
    let message =
        if is_secret { "invalid value (not shown: it is a secret); expected a string".into() } else { raw };
    let fix =
        custom_fix.unwrap_or_else(|| "check the syntax and value types against config.example.toml".into());
    invalid(location, key, message, fix)
}

/// The text from `offset` to the next table header (the span of a `[table]` may cover only
/// its header line).
fn table_body(source: &str, offset: usize) -> &str {
    let rest = source.get(offset..).unwrap_or("");
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    let end = rest[first_line_end..]
        .match_indices('\n')
        .map(|(i, _)| first_line_end + i + 1)
        .find(|&i| rest[i..].trim_start().starts_with('['))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Byte offset of `key =` in `text` (as a whole key, not the tail of a longer one).
fn find_assignment(text: &str, key: &str) -> Option<usize> {
    let re = Regex::new(&format!(r"(^|[\s{{,]){}\s*=", regex::escape(key))).ok()?;
    re.captures(text).and_then(|c| c.get(0)).map(|m| m.start() + m.as_str().find(key).unwrap_or(0))
}

/// Byte offset and length of the key assigned the string `value` in `text` (`key = "value"`).
fn find_key_of_value(text: &str, value: &str) -> Option<(usize, usize)> {
    let re =
        Regex::new(&format!(r#"(?m)(^|[\s{{,])([A-Za-z0-9_-]+)\s*=\s*["']{}["']"#, regex::escape(value)))
            .ok()?;
    re.captures(text).and_then(|c| c.get(2)).map(|m| (m.start(), m.len()))
}

/// Does this text assign one of the secret keys (`token = …`, not `token_env = …`)?
fn assigns_secret(text: &str) -> bool {
    Regex::new(r"(^|[\s{,])(client_secret|token|password)\s*=").is_ok_and(|re| re.is_match(text))
}

fn invalid(location: Location, key: Option<String>, message: String, fix: String) -> ConfigError {
    ConfigError::Invalid { location, key, message, fix }
}

/// `unknown field `x`, expected one of `a`, `b`` → ("x", ["a", "b"]).
fn unknown(message: &str, prefix: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix(prefix)?;
    let name = between(rest, "`", "`")?;
    let after = rest.split_once(&format!("`{name}`")).map(|(_, a)| a).unwrap_or("");
    let expected = after.split('`').skip(1).step_by(2).map(str::to_string).collect();
    Some((name, expected))
}

fn between(text: &str, open: &str, close: &str) -> Option<String> {
    let start = text.find(open)? + open.len();
    let len = text[start..].find(close)?;
    Some(text[start..start + len].to_string())
}

/// The candidate closest to `word` by edit distance, if close enough to be a typo.
fn closest(word: &str, candidates: &[String]) -> Option<String> {
    candidates
        .iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.clone())
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb { prev } else { 1 + prev.min(cur).min(row[j]) };
            prev = cur;
        }
    }
    row[b.len()]
}

/// The dotted name of the `[table]` / `[[array]]` header governing `offset` (a header on the
/// offset's own line counts: missing-key errors point at it).
fn table_at(source: &str, offset: usize) -> String {
    let Ok(header) = Regex::new(r#"^\s*\[\[?\s*([A-Za-z0-9_.\-" ]+?)\s*\]\]?\s*(#.*)?$"#) else {
        return String::new();
    };
    let offset = offset.min(source.len());
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before_on_line = source[line_start..offset].trim();
    // Pointing inside a header's name (`[pol]`): the key is that name, its table the one before.
    let inside_header = before_on_line.starts_with('[');
    let line_end = if inside_header {
        line_start
    } else {
        source[offset..].find('\n').map_or(source.len(), |i| offset + i)
    };
    source[..line_end]
        .lines()
        .rev()
        .find_map(|l| header.captures(l).and_then(|c| c.get(1)).map(|m| m.as_str().replace(['"', ' '], "")))
        .unwrap_or_default()
}

/// The key an error points at, relative to its table: the span itself when it is a key, else
/// the key whose value contains the span, with the inline tables and arrays it sits in
/// (`auth.client_id`, `lakehouses`).
fn key_at(source: &str, span: &std::ops::Range<usize>) -> Option<String> {
    let start = span.start.min(source.len());
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let spanned = source.get(span.clone()).unwrap_or("").trim_matches('"');
    let is_bare =
        !spanned.is_empty() && spanned.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if source[line_start..start].trim_start().starts_with('[') {
        // Inside a table header: the name is the key.
        return is_bare.then(|| spanned.to_string());
    }
    let after = source.get(span.end..).unwrap_or("").trim_start();
    if is_bare && (after.starts_with('=') || after.starts_with('.')) {
        let mut path = enclosing_keys(source, start).0;
        path.push(spanned.to_string());
        return Some(path.join("."));
    }
    let (mut path, pending) = enclosing_keys(source, start);
    path.extend(pending);
    (!path.is_empty()).then(|| path.join("."))
}

/// Scan from the last table header to `offset`: the keys of the inline tables / arrays still
/// open there, and the key whose value starts at `offset` (if any).
fn enclosing_keys(source: &str, offset: usize) -> (Vec<String>, Option<String>) {
    let header_end = table_header_end(source, offset);
    let mut stack: Vec<Option<String>> = Vec::new();
    let mut pending: Option<String> = None;
    let mut token = String::new();
    let mut last_token: Option<String> = None;
    let mut chars = source[header_end..offset].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                // Skip the string (basic strings may escape the quote).
                let mut escaped = false;
                for d in chars.by_ref() {
                    if c == '"' && d == '\\' && !escaped {
                        escaped = true;
                        continue;
                    }
                    if d == c && !escaped {
                        break;
                    }
                    escaped = false;
                }
                if pending.is_none() {
                    last_token = None;
                }
            }
            '#' => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
                if stack.is_empty() {
                    pending = None;
                }
            }
            '=' => {
                if !token.is_empty() {
                    last_token = Some(std::mem::take(&mut token));
                }
                pending = last_token.take();
            }
            '[' | '{' => {
                stack.push(pending.take());
                token.clear();
            }
            ']' | '}' => {
                stack.pop();
                pending = None;
                token.clear();
            }
            ',' => {
                pending = None;
                token.clear();
            }
            '\n' if stack.is_empty() => {
                pending = None;
                token.clear();
                last_token = None;
            }
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => {
                if pending.is_none() {
                    token.push(c);
                }
            }
            _ => {
                if !token.is_empty() {
                    last_token = Some(std::mem::take(&mut token));
                }
            }
        }
    }
    (stack.into_iter().flatten().collect(), pending)
}

/// Byte offset just after the last table header line before `offset` (0 if none).
fn table_header_end(source: &str, offset: usize) -> usize {
    let mut end = 0;
    let mut pos = 0;
    for line in source[..offset].split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') && line.ends_with('\n') && trimmed.trim_end().ends_with(']') {
            end = pos + line.len();
        }
        pos += line.len();
    }
    end
}
