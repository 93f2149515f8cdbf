//! `~/.databrickscfg` profiles and `DATABRICKS_*` / `ARM_*` variables, resolved like the official
//! Databricks CLI and SDKs (reference: databricks.md §6.2–6.3): attribute precedence environment
//! over profile, `[DEFAULT]` never merged into other profiles, `[__settings__] default_profile`,
//! the file skipped when the environment already configures host or auth, `auth_type` forcing one
//! provider, and "more than one authorization method configured" when ambiguous.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ini::{Ini, ParseOption};
use secrecy::SecretString;

use super::env::Env;
use super::error::ConfigError;
use super::paths::databrickscfg_file;
use super::url::base_url;
use crate::auth::spec::{DatabricksAuth, EntraCredential, EntraEndpoints};

/// A config attribute: its ini key, its environment variable and the auth family it belongs to
/// (PY `ConfigAttribute(env=…, auth=…)`). Attributes sparkdeck does not use are still listed
/// when they decide ambiguity or whether the file is read.
struct Attribute {
    key: &'static str,
    env: &'static str,
    family: Option<&'static str>,
}

const fn attr(key: &'static str, env: &'static str, family: Option<&'static str>) -> Attribute {
    Attribute { key, env, family }
}

const ATTRIBUTES: &[Attribute] = &[
    attr("host", "DATABRICKS_HOST", None),
    attr("token", "DATABRICKS_TOKEN", Some("pat")),
    attr("username", "DATABRICKS_USERNAME", Some("basic")),
    attr("password", "DATABRICKS_PASSWORD", Some("basic")),
    attr("client_id", "DATABRICKS_CLIENT_ID", Some("oauth")),
    attr("client_secret", "DATABRICKS_CLIENT_SECRET", Some("oauth")),
    attr("azure_client_id", "ARM_CLIENT_ID", Some("azure")),
    attr("azure_client_secret", "ARM_CLIENT_SECRET", Some("azure")),
    attr("azure_tenant_id", "ARM_TENANT_ID", Some("azure")),
    attr("azure_workspace_resource_id", "DATABRICKS_AZURE_RESOURCE_ID", Some("azure")),
    attr("azure_use_msi", "ARM_USE_MSI", Some("azure")),
    attr("azure_environment", "ARM_ENVIRONMENT", None),
    attr("google_credentials", "GOOGLE_CREDENTIALS", Some("google")),
    attr("google_service_account", "DATABRICKS_GOOGLE_SERVICE_ACCOUNT", Some("google")),
    attr("metadata_service_url", "DATABRICKS_METADATA_SERVICE_URL", Some("metadata-service")),
    attr("auth_type", "DATABRICKS_AUTH_TYPE", None),
    attr("cloud", "DATABRICKS_CLOUD", None),
];

/// Keys whose values are secrets when they sit in a file.
const SECRET_KEYS: &[&str] = &["token", "password", "client_secret", "azure_client_secret"];

/// The providers sparkdeck implements, for `auth_type`.
pub const SUPPORTED_AUTH_TYPES: &[&str] =
    &["pat", "oauth-m2m", "azure-client-secret", "azure-cli", "azure-msi", "databricks-cli"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Provenance {
    Preset,
    Env(&'static str),
    File,
}

/// Attribute values and where each came from.
#[derive(Default)]
struct Attrs {
    values: BTreeMap<&'static str, (String, Provenance)>,
}

impl Attrs {
    fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(|(v, _)| v.as_str())
    }

    fn set_if_unset(&mut self, key: &'static str, value: String, from: Provenance) {
        self.values.entry(key).or_insert((value, from));
    }

    fn any_host_or_auth(&self) -> bool {
        ATTRIBUTES.iter().any(|a| (a.key == "host" || a.family.is_some()) && self.values.contains_key(a.key))
    }

    fn env_vars(&self) -> Vec<String> {
        self.values
            .values()
            .filter_map(|(_, from)| match from {
                Provenance::Env(name) => Some(name.to_string()),
                _ => None,
            })
            .collect()
    }

    fn load_env(&mut self, env: &dyn Env) {
        for a in ATTRIBUTES {
            if let Some(value) = env.var(a.env) {
                self.set_if_unset(a.key, value, Provenance::Env(a.env));
            }
        }
    }

    fn load_profile(&mut self, profile: &BTreeMap<String, String>) {
        for a in ATTRIBUTES {
            if let Some(value) = profile.get(a.key).filter(|v| !v.is_empty()) {
                self.set_if_unset(a.key, value.clone(), Provenance::File);
            }
        }
    }
}

/// A Databricks workspace found in `~/.databrickscfg` and/or the environment.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub host: String,
    pub auth: DatabricksAuth,
    /// The file and profile the attributes came from, if any.
    pub profile: Option<(PathBuf, String)>,
    /// Environment variables that supplied attributes.
    pub env_vars: Vec<String>,
    /// The profile holds a plain secret (for the permission warning).
    pub file_has_secret: bool,
}

/// A parsed `~/.databrickscfg`: profile name → lower-cased keys → values.
struct CfgFile {
    path: PathBuf,
    profiles: BTreeMap<String, BTreeMap<String, String>>,
}

impl CfgFile {
    /// `Ok(None)` when the file does not exist.
    fn read(path: &Path) -> Result<Option<CfgFile>, ConfigError> {
        let text = match super::load::read_text(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                let fix = match source.kind() {
                    std::io::ErrorKind::InvalidData => "save the file as UTF-8 text",
                    _ => "make the file readable, or point DATABRICKS_CONFIG_FILE elsewhere",
                };
                return Err(ConfigError::Read { path: path.to_path_buf(), source, fix: fix.into() });
            }
        };
        // Python's configparser neither unquotes nor unescapes values (Windows paths stay intact)
        // and accepts indented continuation lines.
        let options = ParseOption {
            enabled_quote: false,
            enabled_escape: false,
            enabled_indented_mutiline_value: true,
            enabled_preserve_key_leading_whitespace: false,
        };
        let ini = Ini::load_from_str_opt(&text, options).map_err(|e| ConfigError::Databricks {
            source_name: format!("{}:{}:{}", path.display(), e.line, e.col),
            // rust-ini says `expecting "[Some('='), Some(':')]"`: say `=` or `:`.
            message: format!(
                "not a valid INI file: {}",
                e.msg
                    .replace("\"[", "")
                    .replace("]\"", "")
                    .replace("Some('", "`")
                    .replace("'), ", "` or ")
                    .replace("')", "`")
            ),
            fix: "each profile is a [name] line followed by `key = value` lines".into(),
        })?;
        refuse_duplicates(path, &text)?;
        let mut profiles: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (section, props) in ini.iter() {
            let Some(section) = section else { continue };
            let entry = profiles.entry(section.to_string()).or_default();
            for (k, v) in props.iter() {
                // configparser lower-cases keys (duplicates were refused above).
                entry.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        Ok(Some(CfgFile { path: path.to_path_buf(), profiles }))
    }

    fn default_profile(&self) -> Option<String> {
        self.profiles
            .get("__settings__")
            .and_then(|s| s.get("default_profile"))
            .cloned()
            .filter(|p| !p.is_empty())
    }

    fn missing_profile(path: &Path, profile: &str) -> ConfigError {
        ConfigError::Databricks {
            source_name: path.display().to_string(),
            message: format!("resolve: {} has no {profile} profile configured", path.display()),
            fix: format!(
                "add a [{profile}] section with host and credentials (e.g. `databricks configure --profile {profile}`), \
                 or choose an existing profile"
            ),
        }
    }
}

/// A profile or a key written twice is an error, as in the SDKs (Python's strict configparser:
/// "section 'x' already exists", "option 'host' in section 'x' already exists"), naming both
/// lines — merging them silently could point a profile at the wrong workspace. `[DEFAULT]` may
/// repeat (configparser merges it), its keys may not. Lines are read as rust-ini reads them:
/// `[name` up to the first `]`, keys before the first `=` or `:`, indented lines continue a value.
fn refuse_duplicates(path: &Path, text: &str) -> Result<(), ConfigError> {
    let mut sections: BTreeMap<&str, usize> = BTreeMap::new();
    let mut keys: BTreeMap<(&str, String), usize> = BTreeMap::new();
    let mut section: Option<&str> = None;
    let at = |line: usize| format!("{}:{line}", path.display());
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        let indented = raw.starts_with([' ', '\t']);
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) || (indented && section.is_some()) {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix('[') {
            let name = rest.split(']').next().unwrap_or(rest);
            if let Some(first) = sections.insert(name, line).filter(|_| name != "DEFAULT") {
                return Err(err(
                    &at(line),
                    format!("profile [{name}] is written twice, at lines {first} and {line}"),
                    format!(
                        "merge the two [{name}] sections into one (the Databricks CLI refuses this file too)"
                    ),
                ));
            }
            section = Some(name);
            continue;
        }
        let (Some(name), Some(end)) = (section, trimmed.find(['=', ':'])) else { continue };
        let key = trimmed[..end].trim().to_ascii_lowercase();
        if let Some(first) = keys.insert((name, key.clone()), line) {
            return Err(err(
                &at(line),
                format!("`{key}` is set twice in profile [{name}], at lines {first} and {line}"),
                "keep one of them (the Databricks CLI refuses this file too)",
            ));
        }
    }
    Ok(())
}

/// With no sparkdeck config file: the workspace the Databricks CLI would use, if any.
pub fn from_environment(env: &dyn Env) -> Result<Option<Resolved>, ConfigError> {
    let mut attrs = Attrs::default();
    attrs.load_env(env);
    let requested = env.var("DATABRICKS_CONFIG_PROFILE");
    let mut profile_used = None;
    let mut file_has_secret = false;
    // The SDKs skip the file when no profile is requested and the environment already sets a
    // host or any credential.
    let read_file = requested.is_some() || !attrs.any_host_or_auth();
    if let Some(path) = databrickscfg_file(env).filter(|_| read_file)
        && let Some((file, name)) = cli_profile(&path, requested.as_deref())?
        && let Some(section) = file.profiles.get(&name)
    {
        attrs.load_profile(section);
        file_has_secret = profile_has_secret(section);
        profile_used = Some((file.path.clone(), name));
    }
    // Terraform users often export ARM_* alone: without a host and without any Databricks
    // setting there is simply no Databricks workspace.
    let databricks_specific = profile_used.is_some()
        || attrs
            .values
            .values()
            .any(|(_, from)| matches!(from, Provenance::Env(name) if name.starts_with("DATABRICKS_")));
    if attrs.get("host").is_none() && !databricks_specific {
        return Ok(None);
    }
    let source_name = source_name(&profile_used, &attrs);
    let (host, auth) = select(&attrs, &source_name)?;
    Ok(Some(Resolved { host, auth, env_vars: attrs.env_vars(), profile: profile_used, file_has_secret }))
}

/// The profile the CLI reads from `path`: the requested one, else `[__settings__]
/// default_profile`, else `DEFAULT` (which alone may be missing). `None` when there is nothing to read.
fn cli_profile(path: &Path, requested: Option<&str>) -> Result<Option<(CfgFile, String)>, ConfigError> {
    let Some(file) = CfgFile::read(path)? else {
        return match requested {
            Some(p) => Err(CfgFile::missing_profile(path, p)),
            None => Ok(None),
        };
    };
    let (name, explicit) = match (requested, file.default_profile()) {
        (Some(p), _) => (p.to_string(), true),
        (None, Some(p)) => (p, true),
        (None, None) => ("DEFAULT".to_string(), false),
    };
    match file.profiles.contains_key(&name) {
        true => Ok(Some((file, name))),
        false if explicit => Err(CfgFile::missing_profile(&file.path, &name)),
        false => Ok(None),
    }
}

/// A profile named in `config.toml`: host and auth from that profile only (the environment
/// would otherwise point every listed profile at the same workspace).
pub fn from_profile(env: &dyn Env, profile: &str) -> Result<Resolved, ConfigError> {
    let path = databrickscfg_file(env).ok_or_else(|| ConfigError::Databricks {
        source_name: "~/.databrickscfg".into(),
        message: "cannot locate the home directory".into(),
        fix: "set DATABRICKS_CONFIG_FILE to the file's path".into(),
    })?;
    let file = CfgFile::read(&path)?.ok_or_else(|| CfgFile::missing_profile(&path, profile))?;
    let section = file.profiles.get(profile).ok_or_else(|| CfgFile::missing_profile(&path, profile))?;
    let mut attrs = Attrs::default();
    attrs.load_profile(section);
    let profile_used = Some((file.path.clone(), profile.to_string()));
    let (host, auth) = select(&attrs, &source_name(&profile_used, &attrs))?;
    Ok(Resolved {
        host,
        auth,
        profile: profile_used,
        env_vars: vec![],
        file_has_secret: profile_has_secret(section),
    })
}

/// A host from `config.toml` without an `auth` table: credentials from the environment, as the
/// SDK does for `Config(host=…)` (the file is skipped because a host is set).
pub fn from_host(env: &dyn Env, host: &str) -> Result<Resolved, ConfigError> {
    let mut attrs = Attrs::default();
    attrs.set_if_unset("host", host.to_string(), Provenance::Preset);
    attrs.load_env(env);
    let (host, auth) = select(&attrs, &source_name(&None, &attrs))?;
    Ok(Resolved { host, auth, profile: None, env_vars: attrs.env_vars(), file_has_secret: false })
}

fn profile_has_secret(section: &BTreeMap<String, String>) -> bool {
    SECRET_KEYS.iter().any(|k| section.get(*k).is_some_and(|v| !v.is_empty()))
}

fn source_name(profile: &Option<(PathBuf, String)>, attrs: &Attrs) -> String {
    let vars = attrs.env_vars();
    let mut parts = Vec::new();
    if let Some((path, name)) = profile {
        parts.push(format!("{} profile [{name}]", path.display()));
    }
    if !vars.is_empty() {
        parts.push(format!("environment ({})", vars.join(", ")));
    }
    if parts.is_empty() {
        parts.push("config.toml host".into());
    }
    parts.join(" + ")
}

fn err(source_name: &str, message: impl Into<String>, fix: impl Into<String>) -> ConfigError {
    ConfigError::Databricks { source_name: source_name.to_string(), message: message.into(), fix: fix.into() }
}

/// Azure Databricks host suffixes and the Entra authority of their cloud.
const AZURE_HOSTS: &[(&str, Option<&str>)] = &[
    (".azuredatabricks.net", None),
    (".databricks.azure.us", Some("https://login.microsoftonline.us")),
    (".databricks.azure.cn", Some("https://login.chinacloudapi.cn")),
];

fn is_azure(attrs: &Attrs, host: &str) -> bool {
    attrs.get("azure_workspace_resource_id").is_some()
        || attrs.get("cloud").is_some_and(|c| c.eq_ignore_ascii_case("azure"))
        || AZURE_HOSTS.iter().any(|(suffix, _)| super::url::host_name(host).ends_with(suffix))
}

/// `ARM_ENVIRONMENT` / `azure_environment`, else the host's cloud, else `AZURE_AUTHORITY_HOST`
/// is applied later by the caller (None here means "public cloud or the environment's choice").
fn authority_host(attrs: &Attrs, host: &str, source: &str) -> Result<Option<String>, ConfigError> {
    if let Some(name) = attrs.get("azure_environment") {
        let upper = name.to_ascii_uppercase();
        return match upper.as_str() {
            "PUBLIC" | "AZUREPUBLICCLOUD" => Ok(None),
            "USGOVERNMENT" | "AZUREUSGOVERNMENT" | "AZUREUSGOVERNMENTCLOUD" => {
                Ok(Some("https://login.microsoftonline.us".into()))
            }
            "CHINA" | "AZURECHINACLOUD" => Ok(Some("https://login.chinacloudapi.cn".into())),
            _ => Err(err(
                source,
                format!("unknown azure_environment `{name}`"),
                "use PUBLIC, USGOVERNMENT or CHINA",
            )),
        };
    }
    let host_name = super::url::host_name(host);
    Ok(AZURE_HOSTS
        .iter()
        .find(|(suffix, _)| host_name.ends_with(suffix))
        .and_then(|(_, a)| a.map(String::from)))
}

fn truthy(value: Option<&str>) -> bool {
    value.is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on" | "y" | "t"))
}

/// `/subscriptions/<sub>/…` → `<sub>`, for `az account get-access-token --subscription`.
fn subscription_of(resource_id: &str) -> Option<String> {
    let mut parts = resource_id.split('/').filter(|p| !p.is_empty());
    while let Some(p) = parts.next() {
        if p.eq_ignore_ascii_case("subscriptions") {
            return parts.next().map(str::to_string);
        }
    }
    None
}

/// Pick the provider (databricks.md §6.3) and build its spec.
fn select(attrs: &Attrs, source: &str) -> Result<(String, DatabricksAuth), ConfigError> {
    let raw_host = attrs.get("host").ok_or_else(|| {
        err(
            source,
            "no Databricks host is configured",
            "set `host` in the profile or export DATABRICKS_HOST=https://adb-….azuredatabricks.net",
        )
    })?;
    let host = base_url(raw_host, false).map_err(|e| err(source, e.message, e.fix))?;
    let azure = is_azure(attrs, &host);
    let auth_type = attrs.get("auth_type").map(str::to_ascii_lowercase);

    let families = families_of(attrs);
    if auth_type.is_none() && families.len() > 1 {
        let names: Vec<&str> = families.iter().copied().collect();
        return Err(err(
            source,
            format!("validate: more than one authorization method configured: {}", names.join(" and ")),
            "keep the credentials of one method, or set auth_type (DATABRICKS_AUTH_TYPE) to choose one",
        ));
    }

    let chosen = match auth_type {
        Some(t) if SUPPORTED_AUTH_TYPES.contains(&t.as_str()) => t,
        Some(t) => {
            return Err(err(
                source,
                format!("auth_type `{t}` is not supported by sparkdeck"),
                format!("use one of: {}", SUPPORTED_AUTH_TYPES.join(", ")),
            ));
        }
        None => default_provider(attrs, azure, &families, source)?,
    };
    let auth = build(&chosen, attrs, &host, source)?;
    Ok((host, auth))
}

/// The auth families with at least one attribute set, sorted (PY names them sorted).
fn families_of(attrs: &Attrs) -> BTreeSet<&'static str> {
    ATTRIBUTES.iter().filter(|a| attrs.values.contains_key(a.key)).filter_map(|a| a.family).collect()
}

/// The first provider of the chain (pat, basic, oauth-m2m, azure-msi, azure-client-secret,
/// azure-cli) whose attributes are present.
fn default_provider(
    attrs: &Attrs,
    azure: bool,
    families: &BTreeSet<&'static str>,
    source: &str,
) -> Result<String, ConfigError> {
    let has = |k: &str| attrs.get(k).is_some();
    if has("token") {
        return Ok("pat".into());
    }
    if families.contains(&"basic") {
        return Err(err(
            source,
            "username/password (basic) authentication is not supported",
            "Databricks-managed passwords reached end of life in July 2024: use a token (DATABRICKS_TOKEN) instead",
        ));
    }
    if families.contains(&"oauth") {
        return Ok("oauth-m2m".into());
    }
    if families.contains(&"google") || families.contains(&"metadata-service") {
        return Err(err(
            source,
            format!(
                "{} authentication is not supported",
                families.iter().copied().collect::<Vec<_>>().join(", ")
            ),
            format!("use one of: {}", SUPPORTED_AUTH_TYPES.join(", ")),
        ));
    }
    if families.contains(&"azure") || azure {
        if !azure {
            return Err(err(
                source,
                "Azure credentials are configured but the host is not an Azure Databricks workspace",
                "use the workspace URL (https://adb-….azuredatabricks.net), set azure_workspace_resource_id, \
                 or set auth_type to force a method",
            ));
        }
        if truthy(attrs.get("azure_use_msi")) {
            return Ok("azure-msi".into());
        }
        // As GO: the client-secret provider when a secret is given, else the Azure CLI.
        if has("azure_client_secret") {
            return Ok("azure-client-secret".into());
        }
        return Ok("azure-cli".into());
    }
    Err(err(
        source,
        "default auth: cannot configure default credentials",
        "set token (DATABRICKS_TOKEN), client_id + client_secret (OAuth M2M), or Azure credentials; \
         see config.example.toml",
    ))
}

fn secret(value: &str) -> SecretString {
    SecretString::from(value.to_string())
}

fn require<'a>(
    attrs: &'a Attrs,
    key: &str,
    env: &str,
    method: &str,
    source: &str,
) -> Result<&'a str, ConfigError> {
    attrs.get(key).ok_or_else(|| {
        err(source, format!("{method} needs `{key}`"), format!("set `{key}` in the profile or export {env}"))
    })
}

fn build(method: &str, attrs: &Attrs, host: &str, source: &str) -> Result<DatabricksAuth, ConfigError> {
    let resource_id = attrs.get("azure_workspace_resource_id").map(str::to_string);
    let endpoints = || -> Result<EntraEndpoints, ConfigError> {
        Ok(EntraEndpoints { authority_host: authority_host(attrs, host, source)?, imds_endpoint: None })
    };
    match method {
        "pat" => {
            let token = require(attrs, "token", "DATABRICKS_TOKEN", method, source)?;
            Ok(DatabricksAuth::Pat { token: secret(token) })
        }
        "databricks-cli" => Ok(DatabricksAuth::DatabricksCli),
        "oauth-m2m" => {
            let client_id = require(attrs, "client_id", "DATABRICKS_CLIENT_ID", method, source)?.to_string();
            let client_secret =
                secret(require(attrs, "client_secret", "DATABRICKS_CLIENT_SECRET", method, source)?);
            Ok(DatabricksAuth::OAuthM2M { client_id, client_secret })
        }
        "azure-client-secret" => {
            let tenant_id = require(attrs, "azure_tenant_id", "ARM_TENANT_ID", method, source)?.to_string();
            let client_id = require(attrs, "azure_client_id", "ARM_CLIENT_ID", method, source)?.to_string();
            let client_secret =
                secret(require(attrs, "azure_client_secret", "ARM_CLIENT_SECRET", method, source)?);
            Ok(DatabricksAuth::Entra {
                credential: EntraCredential::ClientSecret { tenant_id, client_id, client_secret },
                endpoints: endpoints()?,
                sp_management_resource_id: resource_id,
                // The official SDKs always send it for a client-secret principal, so one not
                // yet in the workspace is admitted where the SDKs admit it.
                management_token: true,
            })
        }
        "azure-cli" => Ok(DatabricksAuth::Entra {
            credential: EntraCredential::AzureCli {
                tenant_id: attrs.get("azure_tenant_id").map(str::to_string),
                subscription: resource_id.as_deref().and_then(subscription_of),
            },
            endpoints: endpoints()?,
            sp_management_resource_id: None,
            management_token: false,
        }),
        // "azure-msi"
        _ => Ok(DatabricksAuth::Entra {
            credential: EntraCredential::ManagedIdentity {
                client_id: attrs.get("azure_client_id").map(str::to_string),
            },
            endpoints: endpoints()?,
            sp_management_resource_id: resource_id,
            management_token: false,
        }),
    }
}
