//! The `config.toml` model: serde types with `deny_unknown_fields` and documented defaults.
//! Values that can be checked on their own (GUIDs, URLs, intervals) are checked while parsing,
//! so the TOML parser reports them with their line and column.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;

use super::error::FIX_MARKER;

/// Default Fabric REST endpoint.
pub const DEFAULT_FABRIC_ENDPOINT: &str = "https://api.fabric.microsoft.com";
/// Default OneLake (ADLS Gen2 DFS) endpoint.
pub const DEFAULT_ONELAKE_ENDPOINT: &str = "https://onelake.dfs.fabric.microsoft.com";

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Refuse every action that changes something (cancel, start, run code...).
    #[serde(default)]
    pub read_only: bool,
    #[serde(default)]
    pub ui: UiSettings,
    #[serde(default)]
    pub poll: PollSettings,
    #[serde(default)]
    pub notifications: NotificationSettings,
    #[serde(default)]
    pub http: HttpSettings,
    /// `[keys]`: command name → key or keys, checked when the monitor starts.
    #[serde(default)]
    pub keys: std::collections::BTreeMap<String, Spanned<KeyList>>,
    /// `[templates.NAME]`: starting points for the monitor's New form.
    #[serde(default)]
    pub templates: std::collections::BTreeMap<String, Spanned<super::templates::TemplateEntry>>,
    /// `[[alerts]]`: filters the monitor watches.
    #[serde(default)]
    pub alerts: Vec<super::alerts::AlertEntry>,
    #[serde(default)]
    pub fabric: Vec<Spanned<FabricEntry>>,
    #[serde(default)]
    pub databricks: Vec<Spanned<DatabricksEntry>>,
}

/// One key (`kill = "x"`) or several (`down = ["j", "ctrl-n"]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            KeyList::One(k) => vec![k],
            KeyList::Many(ks) => ks,
        }
    }
}

/// `[ui]`
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiSettings {
    pub theme: Theme,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    Dark,
    Light,
}

/// `[poll]`: how often to refresh what is on screen.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PollSettings {
    /// Starting / running resources.
    pub active_seconds: Seconds,
    /// Idle sessions and running clusters with nothing to watch.
    pub idle_seconds: Seconds,
    /// Finished, failed or cancelled resources.
    pub finished_seconds: Seconds,
}

impl Default for PollSettings {
    fn default() -> Self {
        Self { active_seconds: Seconds(3), idle_seconds: Seconds(15), finished_seconds: Seconds(60) }
    }
}

impl PollSettings {
    pub fn active(&self) -> Duration {
        self.active_seconds.duration()
    }
    pub fn idle(&self) -> Duration {
        self.idle_seconds.duration()
    }
    pub fn finished(&self) -> Duration {
        self.finished_seconds.duration()
    }
}

/// `[http]`: how long a request may wait for the service.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpSettings {
    /// Longest wait for the first byte of an answer (and between two pieces of it); connecting
    /// gets at most 10 s of it, one attempt four times it.
    pub timeout_seconds: Seconds,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self { timeout_seconds: Seconds(30) }
    }
}

/// `[notifications]`: what to do when a watched resource finishes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotificationSettings {
    /// Ring the terminal bell.
    pub bell: bool,
    /// Send an OSC 9 / OSC 777 desktop notification escape.
    pub osc: bool,
}

/// A polling interval: whole seconds, 1 to 3600.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seconds(pub u64);

impl Seconds {
    pub fn duration(self) -> Duration {
        Duration::from_secs(self.0)
    }
}

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        if (1..=3600).contains(&n) {
            Ok(Seconds(n as u64))
        } else {
            Err(de::Error::custom(format!(
                "interval {n} is out of range{FIX_MARKER}use a whole number of seconds from 1 to 3600"
            )))
        }
    }
}

/// A hyphenated GUID such as `00000000-0000-0000-0000-000000000000`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guid(pub String);

impl Guid {
    pub fn parse(value: &str) -> Result<Self, String> {
        let hyphens_ok = value.len() == 36
            && value.char_indices().all(|(i, c)| matches!(i, 8 | 13 | 18 | 23) == (c == '-'));
        if hyphens_ok && uuid::Uuid::try_parse(value).is_ok() {
            Ok(Guid(value.to_string()))
        } else {
            Err(format!(
                "`{value}` is not a GUID{FIX_MARKER}copy the id from the Fabric URL (…/groups/<workspace id>/…, \
                 …/lakehouses/<lakehouse id>); it looks like 00000000-0000-0000-0000-000000000000"
            ))
        }
    }
}

impl<'de> Deserialize<'de> for Guid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Guid::parse(&s).map_err(de::Error::custom)
    }
}

/// An `https://` base URL (or `http://` on loopback), without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(pub String);

impl<'de> Deserialize<'de> for BaseUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        super::url::base_url(&s, true).map(BaseUrl).map_err(|e| de::Error::custom(e.with_fix()))
    }
}

/// A sign-in authority: `https://` only ([`super::url::authority_url`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityUrl(pub String);

impl<'de> Deserialize<'de> for AuthorityUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        super::url::authority_url(&s).map(AuthorityUrl).map_err(|e| de::Error::custom(e.with_fix()))
    }
}

/// `[[fabric]]`: one Fabric workspace.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FabricEntry {
    /// Display name; defaults to the workspace id.
    pub name: Option<Spanned<String>>,
    pub workspace_id: Guid,
    #[serde(default)]
    pub lakehouses: Vec<LakehouseEntry>,
    /// Default `https://api.fabric.microsoft.com`.
    pub endpoint: Option<BaseUrl>,
    /// OneLake's DFS endpoint, where `batches submit` uploads local files; default
    /// `https://onelake.dfs.fabric.microsoft.com`.
    pub onelake_endpoint: Option<BaseUrl>,
    /// Default `{ method = "azure-cli" }`.
    pub auth: Option<Spanned<EntraAuthEntry>>,
    /// `[fabric.repl]`: how the editor's own REPLs are acquired.
    #[serde(default)]
    pub repl: crate::domain::statement::ReplSettings,
    /// Production: refuse every change here (the monitor's `:rw` asks for the name typed).
    #[serde(default)]
    pub read_only: bool,
}

/// A lakehouse: its id, or `{ id = "…", name = "…" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LakehouseEntry {
    pub id: Guid,
    pub name: Option<String>,
}

impl<'de> Deserialize<'de> for LakehouseEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            id: Guid,
            name: Option<String>,
        }
        struct LakehouseVisitor;
        impl<'de> Visitor<'de> for LakehouseVisitor {
            type Value = LakehouseEntry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a lakehouse id or a table { id = \"…\", name = \"…\" }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Guid::parse(v).map(|id| LakehouseEntry { id, name: None }).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let t = Table::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(LakehouseEntry { id: t.id, name: t.name })
            }
        }
        d.deserialize_any(LakehouseVisitor)
    }
}

/// `[[databricks]]`: one Databricks workspace.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabricksEntry {
    /// Display name; defaults to the profile name or the host name.
    pub name: Option<Spanned<String>>,
    /// Workspace URL, e.g. `https://adb-1234567890123456.7.azuredatabricks.net`.
    pub host: Option<Spanned<String>>,
    /// A `~/.databrickscfg` profile providing host and auth.
    pub profile: Option<Spanned<String>>,
    /// Default: like the Databricks CLI, from `DATABRICKS_*` / `ARM_*` variables.
    pub auth: Option<Spanned<DatabricksAuthEntry>>,
    /// ARM resource id of the workspace, for an Entra service principal that is not yet a
    /// workspace user (sends the SP management token headers).
    pub sp_management_resource_id: Option<Spanned<String>>,
    /// Production: refuse every change here (the monitor's `:rw` asks for the name typed).
    #[serde(default)]
    pub read_only: bool,
}

/// Declares the Entra methods once for both services: [`EntraAuthEntry`], the same methods
/// after Databricks' own in [`DatabricksAuthEntry`], [`DatabricksAuthEntry::split`], and the
/// method names in serde's order, which load.rs compares with serde's "unknown variant" list.
macro_rules! auth_methods {
    ($($entra:ident = $name:literal,)*) => {
        /// An Entra ID method (Fabric, or Databricks through the AzureDatabricks application).
        #[derive(Debug, Clone, Deserialize)]
        #[serde(tag = "method")]
        pub enum EntraAuthEntry {
            $(#[serde(rename = $name)] $entra($entra),)*
        }

        /// Databricks methods: its own PAT and OAuth M2M, or any Entra method.
        #[derive(Debug, Clone, Deserialize)]
        #[serde(tag = "method")]
        pub enum DatabricksAuthEntry {
            #[serde(rename = "pat")]
            Pat(Pat),
            #[serde(rename = "oauth-m2m")]
            OauthM2m(OauthM2m),
            #[serde(rename = "databricks-cli")]
            DatabricksCli(DatabricksCli),
            $(#[serde(rename = $name)] $entra($entra),)*
        }

        /// Method names, for "unknown method" fixes.
        pub const FABRIC_METHODS: &[&str] = &[$($name),*];
        pub const DATABRICKS_METHODS: &[&str] = &["pat", "oauth-m2m", "databricks-cli", $($name),*];

        impl DatabricksAuthEntry {
            pub fn split(self) -> DatabricksMethod {
                match self {
                    Self::Pat(p) => DatabricksMethod::Pat(p),
                    Self::OauthM2m(m) => DatabricksMethod::OauthM2m(m),
                    Self::DatabricksCli(_) => DatabricksMethod::DatabricksCli,
                    $(Self::$entra(x) => DatabricksMethod::Entra(EntraAuthEntry::$entra(x)),)*
                }
            }
        }
    };
}

auth_methods! {
    ServicePrincipalSecret = "service-principal-secret",
    ServicePrincipalCertificate = "service-principal-certificate",
    AzureCli = "azure-cli",
    DeviceCode = "device-code",
    ManagedIdentity = "managed-identity",
    WorkloadIdentity = "workload-identity",
    EnvToken = "env-token",
}

/// A Databricks auth entry split into Databricks-native and Entra methods.
pub enum DatabricksMethod {
    Pat(Pat),
    OauthM2m(OauthM2m),
    DatabricksCli,
    Entra(EntraAuthEntry),
}

/// Gaps fall back to `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicePrincipalSecret {
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<SecretString>,
    pub client_secret_env: Option<String>,
    pub authority_host: Option<AuthorityUrl>,
}

/// Gaps fall back to `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_CERTIFICATE_PATH`,
/// `AZURE_CLIENT_CERTIFICATE_PASSWORD`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicePrincipalCertificate {
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    pub certificate_path: Option<PathBuf>,
    pub password: Option<SecretString>,
    pub password_env: Option<String>,
    pub authority_host: Option<AuthorityUrl>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureCli {
    pub tenant_id: Option<String>,
    pub subscription: Option<String>,
}

/// The user's own app registration (public client with device code enabled).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceCode {
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    pub authority_host: Option<AuthorityUrl>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedIdentity {
    /// A user-assigned identity; omit for the system-assigned one.
    pub client_id: Option<String>,
    /// IMDS override (plain http is the IMDS norm, so any http URL is accepted here).
    pub imds_endpoint: Option<String>,
}

/// Gaps fall back to `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_FEDERATED_TOKEN_FILE`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadIdentity {
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    pub token_file: Option<PathBuf>,
    pub authority_host: Option<AuthorityUrl>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvToken {
    pub variable: String,
}

/// The Databricks CLI's sign-in (`databricks auth login --host …` first); no settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabricksCli {}

/// Gaps fall back to `DATABRICKS_TOKEN`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pat {
    pub token: Option<SecretString>,
    pub token_env: Option<String>,
}

/// Gaps fall back to `DATABRICKS_CLIENT_ID`, `DATABRICKS_CLIENT_SECRET`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OauthM2m {
    pub client_id: Option<String>,
    pub client_secret: Option<SecretString>,
    pub client_secret_env: Option<String>,
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::config::env::MapEnv;
    use crate::config::load::load_text;

    fn error(text: &str) -> String {
        let env = MapEnv::new().with_home("/nonexistent-home-for-sparkdeck-tests");
        load_text(PathBuf::from("config.toml"), text, &env).err().map(|e| e.to_string()).unwrap_or_default()
    }

    /// The method names follow serde's variant order, or the fixes below lose their list.
    #[test]
    fn method_errors_list_every_method_of_the_service() {
        const HOST: &str = "[[databricks]]\nhost = \"https://adb-1.2.azuredatabricks.net\"\n";
        let entra = "service-principal-secret, service-principal-certificate, azure-cli, device-code, \
                     managed-identity, workload-identity, env-token";
        let all = format!("pat, oauth-m2m, databricks-cli, {entra}");
        let unknown = error(&format!("{HOST}auth = {{ method = \"pta\" }}\n"));
        assert!(unknown.contains("unknown auth method `pta`"), "{unknown}");
        assert!(unknown.contains(&format!("did you mean `pat`? valid auth methods: {all}")), "{unknown}");
        let missing = error(&format!("{HOST}auth = {{ token_env = \"X\" }}\n"));
        assert!(missing.contains("missing key `method`"), "{missing}");
        assert!(missing.contains(&format!("valid methods: {all}")), "{missing}");
        let fabric = error(
            "[[fabric]]\nworkspace_id = \"00000000-0000-0000-0000-000000000001\"\nauth = { method = \"az-cli\" }\n",
        );
        assert!(fabric.contains("unknown auth method `az-cli`"), "{fabric}");
        assert!(
            fabric.contains(&format!("did you mean `azure-cli`? valid auth methods: {entra}")),
            "{fabric}"
        );
    }
}
