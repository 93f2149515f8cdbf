//! `config.toml` model → workspaces with auth specs. Gaps are filled from the standard
//! `AZURE_*` / `DATABRICKS_*` variables, `*_env` secrets are read here (once) into
//! `SecretString`s, and every problem is reported at the table or key it comes from.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use toml::Spanned;

use super::alerts::AlertRule;
use super::databrickscfg;
use super::env::Env;
use super::error::{ConfigError, Location};
use super::model::{
    ConfigFile, DEFAULT_FABRIC_ENDPOINT, DEFAULT_ONELAKE_ENDPOINT, DatabricksAuthEntry, DatabricksEntry,
    DatabricksMethod, EntraAuthEntry, FabricEntry,
};
use super::paths::resolve_relative;
use super::templates::Template;
use super::url::{authority_url, base_url, host_name};
use super::{DatabricksWorkspace, FabricWorkspace, KeyOverride, Lakehouse, Origin, Settings};
use crate::auth::spec::{DatabricksAuth, EntraCredential, EntraEndpoints, FabricAuth};

/// What a config file resolves to.
pub(crate) struct Resolution {
    pub settings: Settings,
    pub fabric: Vec<FabricWorkspace>,
    pub databricks: Vec<DatabricksWorkspace>,
    /// Plain secrets written in the config file ("fabric `Sales`: auth.client_secret").
    pub inline_secrets: Vec<String>,
    /// `~/.databrickscfg` files whose used profiles hold plain secrets.
    pub secret_files: Vec<PathBuf>,
}

pub(crate) struct Resolver<'a> {
    path: &'a Path,
    source: &'a str,
    env: &'a dyn Env,
    inline_secrets: Vec<String>,
    /// The file's top-level `read_only`: every workspace is read-only.
    read_only: bool,
}

/// Where a secret may come from: the inline key, its `*_env` twin, or a standard variable.
struct SecretKeys<'k> {
    inline: Option<SecretString>,
    var: Option<String>,
    key: &'k str,
    fallback_env: Option<&'k str>,
}

impl<'a> Resolver<'a> {
    pub fn new(path: &'a Path, source: &'a str, env: &'a dyn Env) -> Self {
        Self { path, source, env, inline_secrets: Vec::new(), read_only: false }
    }

    fn location(&self, span: &Range<usize>) -> Location {
        Location::at(self.path.to_path_buf(), self.source, span.start)
    }

    fn invalid(
        &self,
        span: &Range<usize>,
        key: &str,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> ConfigError {
        ConfigError::Invalid {
            location: self.location(span),
            key: Some(key.to_string()),
            message: message.into(),
            fix: fix.into(),
        }
    }

    pub fn resolve(mut self, model: ConfigFile) -> Result<Resolution, ConfigError> {
        self.read_only = model.read_only;
        let mut templates = Vec::new();
        for (name, entry) in model.templates {
            let span = entry.span();
            let t = Template::from_entry(name.clone(), entry.into_inner()).map_err(|why| {
                self.invalid(
                    &span,
                    &format!("templates.{name}"),
                    why,
                    "write the request as the API's JSON would be: strings, numbers, lists and tables",
                )
            })?;
            templates.push(t);
        }
        let settings = Settings {
            templates,
            read_only: model.read_only,
            ui: model.ui,
            poll: model.poll,
            notifications: model.notifications,
            http: model.http,
            keys: model
                .keys
                .into_iter()
                .map(|(command, keys)| KeyOverride {
                    command,
                    at: Some(self.location(&keys.span())),
                    keys: keys.into_inner().into_vec(),
                })
                .collect(),
            alerts: model
                .alerts
                .into_iter()
                .map(|a| AlertRule {
                    at: Some(self.location(&a.when.span())),
                    name: a.name,
                    when: a.when.into_inner(),
                    notify: a.notify,
                    on_start: a.on_start,
                })
                .collect(),
        };
        // Names select workspaces (`--workspace NAME`), so they are unique across both services.
        let mut seen: HashMap<String, Location> = HashMap::new();
        let mut fabric = Vec::new();
        for entry in model.fabric {
            let span = entry.span();
            let ws = self.fabric(entry.into_inner(), &span)?;
            self.check_unique(&mut seen, &ws.name, &span, "fabric.name")?;
            fabric.push(ws);
        }
        let mut databricks = Vec::new();
        let mut secret_files = Vec::new();
        for entry in model.databricks {
            let span = entry.span();
            let (ws, secret_file) = self.databricks(entry.into_inner(), &span)?;
            self.check_unique(&mut seen, &ws.name, &span, "databricks.name")?;
            secret_files.extend(secret_file);
            databricks.push(ws);
        }
        secret_files.dedup();
        Ok(Resolution { settings, fabric, databricks, inline_secrets: self.inline_secrets, secret_files })
    }

    fn check_unique(
        &self,
        seen: &mut HashMap<String, Location>,
        name: &str,
        span: &Range<usize>,
        key: &str,
    ) -> Result<(), ConfigError> {
        if let Some(first) = seen.get(name) {
            return Err(self.invalid(
                span,
                key,
                format!("duplicate workspace name `{name}` (first used at line {})", first.line),
                "give each workspace a distinct `name`",
            ));
        }
        seen.insert(name.to_string(), self.location(span));
        Ok(())
    }

    fn fabric(&mut self, entry: FabricEntry, span: &Range<usize>) -> Result<FabricWorkspace, ConfigError> {
        let workspace_id = entry.workspace_id.0;
        let name = entry.name.map(Spanned::into_inner).unwrap_or_else(|| workspace_id.clone());
        let endpoint = entry.endpoint.map(|e| e.0).unwrap_or_else(|| DEFAULT_FABRIC_ENDPOINT.to_string());
        let onelake_endpoint =
            entry.onelake_endpoint.map(|e| e.0).unwrap_or_else(|| DEFAULT_ONELAKE_ENDPOINT.to_string());
        let lakehouses =
            entry.lakehouses.into_iter().map(|l| Lakehouse { id: l.id.0, name: l.name }).collect();
        let mut env_vars = Vec::new();
        let (auth_entry, auth_span) = match entry.auth {
            Some(auth) => (auth.get_ref().clone(), auth.span()),
            None => (
                EntraAuthEntry::AzureCli(super::model::AzureCli { tenant_id: None, subscription: None }),
                span.clone(),
            ),
        };
        let label = format!("fabric `{name}`");
        let auth = match self.entra(auth_entry, &auth_span, "fabric.auth", &label, &mut env_vars) {
            Ok((credential, endpoints)) => FabricAuth::Entra { credential, endpoints },
            Err(e) => {
                let (message, fix) = sign_in_problem(e);
                FabricAuth::NotConfigured { message, fix }
            }
        };
        let repl = entry.repl;
        if let Some(env) = &repl.environment
            && let Err(e) = super::model::Guid::parse(env)
        {
            return Err(self.invalid(
                span,
                "fabric.repl.environment",
                e,
                "give the environment's id (a GUID from its Fabric URL)",
            ));
        }
        Ok(FabricWorkspace {
            name,
            workspace_id,
            lakehouses,
            endpoint,
            onelake_endpoint,
            auth,
            origin: Origin { config_file: Some(self.location(span)), databrickscfg: None, env_vars },
            repl,
            read_only: entry.read_only || self.read_only,
        })
    }

    fn databricks(
        &mut self,
        entry: DatabricksEntry,
        span: &Range<usize>,
    ) -> Result<(DatabricksWorkspace, Option<PathBuf>), ConfigError> {
        let at = |r: &Option<Spanned<String>>| r.as_ref().map_or(span.clone(), Spanned::span);
        let (host, auth, profile, mut env_vars, secret_file) = match (&entry.host, &entry.profile) {
            (Some(_), Some(profile)) => {
                return Err(self.invalid(
                    &profile.span(),
                    "databricks.profile",
                    "both `host` and `profile` are set",
                    "keep `profile` (it supplies the host) or `host`, not both",
                ));
            }
            (None, None) => {
                return Err(self.invalid(
                    span,
                    "databricks.host",
                    "a [[databricks]] workspace needs `host` or `profile`",
                    "add `host = \"https://adb-….azuredatabricks.net\"` or `profile = \"NAME\"` (a ~/.databrickscfg profile)",
                ));
            }
            (None, Some(profile)) => {
                if let Some(auth) = &entry.auth {
                    return Err(self.invalid(
                        &auth.span(),
                        "databricks.auth",
                        "`auth` cannot be combined with `profile`: the profile supplies the credentials",
                        "remove `auth`, or replace `profile` with `host`",
                    ));
                }
                if let Some(id) = &entry.sp_management_resource_id {
                    return Err(self.invalid(
                        &id.span(),
                        "databricks.sp_management_resource_id",
                        "`sp_management_resource_id` cannot be combined with `profile`",
                        "put `azure_workspace_resource_id = …` in the profile instead",
                    ));
                }
                match databrickscfg::from_profile(self.env, profile.get_ref()) {
                    Ok(r) => {
                        let secret_file =
                            r.profile.as_ref().filter(|_| r.file_has_secret).map(|(p, _)| p.clone());
                        (r.host, r.auth, r.profile, r.env_vars, secret_file)
                    }
                    // The workspace stays, named after its profile, with the reason as its error.
                    Err(e) => {
                        let (message, fix) =
                            sign_in_problem(self.nested(&profile.span(), "databricks.profile", e));
                        let name =
                            entry.name.clone().map_or_else(|| profile.get_ref().clone(), Spanned::into_inner);
                        let origin = Origin { config_file: Some(self.location(span)), ..Origin::default() };
                        let auth = DatabricksAuth::NotConfigured { message, fix };
                        let read_only = entry.read_only || self.read_only;
                        let ws = DatabricksWorkspace { name, host: String::new(), auth, origin, read_only };
                        return Ok((ws, None));
                    }
                }
            }
            (Some(host), None) => {
                let base = base_url(host.get_ref(), false)
                    .map_err(|e| self.invalid(&host.span(), "databricks.host", e.message, e.fix))?;
                match entry.auth.clone() {
                    Some(auth) => {
                        let mut env_vars = Vec::new();
                        let label = format!("databricks `{}`", host_name(&base));
                        let resource_id = self.resource_id(&entry)?;
                        let spec = self
                            .databricks_auth(auth, resource_id, &label, &mut env_vars)
                            .unwrap_or_else(not_configured);
                        (base, spec, None, env_vars, None)
                    }
                    None => {
                        if let Some(id) = &entry.sp_management_resource_id {
                            return Err(self.invalid(
                                &id.span(),
                                "databricks.sp_management_resource_id",
                                "`sp_management_resource_id` needs an Entra `auth` method",
                                "add e.g. `auth = { method = \"service-principal-secret\", … }`",
                            ));
                        }
                        match databrickscfg::from_host(self.env, &base) {
                            Ok(r) => (r.host, r.auth, None, r.env_vars, None),
                            Err(e) => {
                                let e = self.nested(&at(&entry.host), "databricks.host", e);
                                (base, not_configured(e), None, Vec::new(), None)
                            }
                        }
                    }
                }
            }
        };
        let name = match entry.name {
            Some(name) => name.into_inner(),
            None => profile.as_ref().map(|(_, p)| p.clone()).unwrap_or_else(|| host_name(&host)),
        };
        env_vars.dedup();
        let origin = Origin { config_file: Some(self.location(span)), databrickscfg: profile, env_vars };
        let read_only = entry.read_only || self.read_only;
        Ok((DatabricksWorkspace { name, host, auth, origin, read_only }, secret_file))
    }

    /// An error from `~/.databrickscfg` or the environment, pinned to the config line that led there.
    fn nested(&self, span: &Range<usize>, key: &str, e: ConfigError) -> ConfigError {
        match e {
            ConfigError::Databricks { source_name, message, fix } => {
                let message = if message.contains(&source_name) {
                    message
                } else {
                    format!("{source_name}: {message}")
                };
                self.invalid(span, key, message, fix)
            }
            other => other,
        }
    }

    fn resource_id(&self, entry: &DatabricksEntry) -> Result<Option<String>, ConfigError> {
        let Some(id) = &entry.sp_management_resource_id else { return Ok(None) };
        let lower = id.get_ref().to_ascii_lowercase();
        if !lower.starts_with("/subscriptions/")
            || !lower.contains("/providers/microsoft.databricks/workspaces/")
        {
            return Err(self.invalid(
                &id.span(),
                "databricks.sp_management_resource_id",
                "`sp_management_resource_id` is not an Azure Databricks workspace resource id",
                "copy it from the workspace's Properties in the Azure portal: \
                 /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Databricks/workspaces/<name>",
            ));
        }
        Ok(Some(id.get_ref().clone()))
    }

    fn databricks_auth(
        &mut self,
        auth: Spanned<DatabricksAuthEntry>,
        resource_id: Option<String>,
        label: &str,
        env_vars: &mut Vec<String>,
    ) -> Result<DatabricksAuth, ConfigError> {
        let span = auth.span();
        let not_entra = |method: &str| {
            self.invalid(
                &span,
                "databricks.sp_management_resource_id",
                format!("`sp_management_resource_id` does not apply to method `{method}`"),
                "remove it, or use an Entra method such as service-principal-secret",
            )
        };
        match auth.into_inner().split() {
            DatabricksMethod::Pat(pat) => {
                if resource_id.is_some() {
                    return Err(not_entra("pat"));
                }
                let keys = SecretKeys {
                    inline: pat.token,
                    var: pat.token_env,
                    key: "token",
                    fallback_env: Some("DATABRICKS_TOKEN"),
                };
                let token = self.secret(keys, &span, "databricks.auth", label, env_vars)?;
                let token = token.ok_or_else(|| {
                    self.invalid(
                        &span,
                        "databricks.auth.token_env",
                        "method `pat` has no token",
                        "add `token_env = \"VARIABLE\"` naming a variable that holds the token, or export DATABRICKS_TOKEN",
                    )
                })?;
                Ok(DatabricksAuth::Pat { token })
            }
            DatabricksMethod::DatabricksCli => {
                if resource_id.is_some() {
                    return Err(not_entra("databricks-cli"));
                }
                Ok(DatabricksAuth::DatabricksCli)
            }
            DatabricksMethod::OauthM2m(m2m) => {
                if resource_id.is_some() {
                    return Err(not_entra("oauth-m2m"));
                }
                let client_id =
                    self.fill(m2m.client_id, "DATABRICKS_CLIENT_ID", env_vars).ok_or_else(|| {
                        self.invalid(
                            &span,
                            "databricks.auth.client_id",
                            "method `oauth-m2m` needs `client_id`",
                            "add `client_id = \"<application id>\"` or export DATABRICKS_CLIENT_ID",
                        )
                    })?;
                let keys = SecretKeys {
                    inline: m2m.client_secret,
                    var: m2m.client_secret_env,
                    key: "client_secret",
                    fallback_env: Some("DATABRICKS_CLIENT_SECRET"),
                };
                let client_secret =
                    self.secret(keys, &span, "databricks.auth", label, env_vars)?.ok_or_else(|| {
                        self.invalid(
                            &span,
                            "databricks.auth.client_secret_env",
                            "method `oauth-m2m` has no client secret",
                            "add `client_secret_env = \"VARIABLE\"` or export DATABRICKS_CLIENT_SECRET",
                        )
                    })?;
                Ok(DatabricksAuth::OAuthM2M { client_id, client_secret })
            }
            DatabricksMethod::Entra(entra) => {
                let (credential, endpoints) = self.entra(entra, &span, "databricks.auth", label, env_vars)?;
                Ok(DatabricksAuth::Entra {
                    credential,
                    endpoints,
                    sp_management_resource_id: resource_id,
                    management_token: false,
                })
            }
        }
    }

    /// A configured value, else the standard variable (recorded in `env_vars`).
    fn fill(&self, value: Option<String>, var: &str, env_vars: &mut Vec<String>) -> Option<String> {
        value.filter(|v| !v.is_empty()).or_else(|| {
            let v = self.env.var(var)?;
            env_vars.push(var.to_string());
            Some(v)
        })
    }

    fn secret(
        &mut self,
        keys: SecretKeys<'_>,
        span: &Range<usize>,
        prefix: &str,
        label: &str,
        env_vars: &mut Vec<String>,
    ) -> Result<Option<SecretString>, ConfigError> {
        let key = keys.key;
        match (keys.inline, keys.var) {
            (Some(_), Some(_)) => Err(self.invalid(
                span,
                &format!("{prefix}.{key}"),
                format!("both `{key}` and `{key}_env` are set"),
                format!("keep `{key}_env` (the secret stays out of the file) and remove `{key}`"),
            )),
            (None, Some(var)) => match self.env.var(&var) {
                Some(value) => {
                    env_vars.push(var);
                    Ok(Some(SecretString::from(value)))
                }
                None => Err(self.invalid(
                    span,
                    &format!("{prefix}.{key}_env"),
                    format!("environment variable `{var}` (named by `{key}_env`) is not set"),
                    format!("export {var}=… before starting sparkdeck, or change `{key}_env`"),
                )),
            },
            (Some(inline), None) => {
                self.inline_secrets.push(format!("{label}: {prefix}.{key}"));
                Ok(Some(inline))
            }
            (None, None) => Ok(keys.fallback_env.and_then(|var| {
                let value = self.env.var(var)?;
                env_vars.push(var.to_string());
                Some(SecretString::from(value))
            })),
        }
    }

    fn entra(
        &mut self,
        entry: EntraAuthEntry,
        span: &Range<usize>,
        prefix: &str,
        label: &str,
        env_vars: &mut Vec<String>,
    ) -> Result<(EntraCredential, EntraEndpoints), ConfigError> {
        // A required key: configured, else the standard variable `var`.
        let need = |value: Option<String>, key: &str, var: &str, method: &str, env_vars: &mut Vec<String>| {
            self.fill(value, var, env_vars).ok_or_else(|| {
                self.invalid(
                    span,
                    &format!("{prefix}.{key}"),
                    format!("method `{method}` needs `{key}`"),
                    format!("add `{key} = \"…\"` to the auth table, or export {var}"),
                )
            })
        };
        // The application (tenant and client id) that the service-principal, device-code and
        // workload-identity methods sign in as.
        let app = |tenant_id, client_id, method: &str, env_vars: &mut Vec<String>| {
            let tenant_id = need(tenant_id, "tenant_id", "AZURE_TENANT_ID", method, env_vars)?;
            let client_id = need(client_id, "client_id", "AZURE_CLIENT_ID", method, env_vars)?;
            Ok::<_, ConfigError>((tenant_id, client_id))
        };
        let mut authority = None;
        let mut imds = None;
        let credential = match entry {
            EntraAuthEntry::ServicePrincipalSecret(sp) => {
                let (tenant_id, client_id) =
                    app(sp.tenant_id, sp.client_id, "service-principal-secret", env_vars)?;
                authority = sp.authority_host.map(|a| a.0);
                let keys = SecretKeys {
                    inline: sp.client_secret,
                    var: sp.client_secret_env,
                    key: "client_secret",
                    fallback_env: Some("AZURE_CLIENT_SECRET"),
                };
                let client_secret = self.secret(keys, span, prefix, label, env_vars)?.ok_or_else(|| {
                    self.invalid(
                        span,
                        &format!("{prefix}.client_secret_env"),
                        "method `service-principal-secret` has no client secret",
                        "add `client_secret_env = \"VARIABLE\"` naming a variable that holds it, or export AZURE_CLIENT_SECRET",
                    )
                })?;
                EntraCredential::ClientSecret { tenant_id, client_id, client_secret }
            }
            EntraAuthEntry::ServicePrincipalCertificate(sp) => {
                const M: &str = "service-principal-certificate";
                let (tenant_id, client_id) = app(sp.tenant_id, sp.client_id, M, env_vars)?;
                let path = sp.certificate_path.map(|p| p.to_string_lossy().into_owned());
                let path = need(path, "certificate_path", "AZURE_CLIENT_CERTIFICATE_PATH", M, env_vars)?;
                authority = sp.authority_host.map(|a| a.0);
                let keys = SecretKeys {
                    inline: sp.password,
                    var: sp.password_env,
                    key: "password",
                    fallback_env: Some("AZURE_CLIENT_CERTIFICATE_PASSWORD"),
                };
                let certificate_password = self.secret(keys, span, prefix, label, env_vars)?;
                EntraCredential::ClientCertificate {
                    tenant_id,
                    client_id,
                    certificate_path: resolve_relative(Path::new(&path), Some(self.path), self.env),
                    certificate_password,
                }
            }
            EntraAuthEntry::AzureCli(cli) => {
                EntraCredential::AzureCli { tenant_id: cli.tenant_id, subscription: cli.subscription }
            }
            EntraAuthEntry::DeviceCode(dc) => {
                let (tenant_id, client_id) = app(dc.tenant_id, dc.client_id, "device-code", env_vars)?;
                authority = dc.authority_host.map(|a| a.0);
                EntraCredential::DeviceCode { tenant_id, client_id }
            }
            EntraAuthEntry::ManagedIdentity(mi) => {
                if let Some(endpoint) = &mi.imds_endpoint
                    && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
                {
                    return Err(self.invalid(
                        span,
                        &format!("{prefix}.imds_endpoint"),
                        format!("`{endpoint}` is not an http(s) URL"),
                        "omit imds_endpoint to use http://169.254.169.254/metadata/identity/oauth2/token",
                    ));
                }
                imds = mi.imds_endpoint;
                EntraCredential::ManagedIdentity { client_id: mi.client_id }
            }
            EntraAuthEntry::WorkloadIdentity(wi) => {
                const M: &str = "workload-identity";
                let (tenant_id, client_id) = app(wi.tenant_id, wi.client_id, M, env_vars)?;
                let file = wi.token_file.map(|p| p.to_string_lossy().into_owned());
                let file = need(file, "token_file", "AZURE_FEDERATED_TOKEN_FILE", M, env_vars)?;
                authority = wi.authority_host.map(|a| a.0);
                EntraCredential::WorkloadIdentity {
                    tenant_id,
                    client_id,
                    token_file: resolve_relative(Path::new(&file), Some(self.path), self.env),
                }
            }
            EntraAuthEntry::EnvToken(t) => {
                if self.env.var(&t.variable).is_none() {
                    return Err(self.invalid(
                        span,
                        &format!("{prefix}.variable"),
                        format!("environment variable `{}` (named by `variable`) is not set", t.variable),
                        format!("export {}=<bearer token> before starting sparkdeck", t.variable),
                    ));
                }
                env_vars.push(t.variable.clone());
                EntraCredential::EnvironmentToken { variable: t.variable }
            }
        };
        let authority_host = match authority {
            Some(a) => Some(a),
            None => match self.env.var("AZURE_AUTHORITY_HOST") {
                Some(raw) => {
                    env_vars.push("AZURE_AUTHORITY_HOST".into());
                    Some(authority_url(&raw).map_err(|e| {
                        self.invalid(
                            span,
                            "AZURE_AUTHORITY_HOST",
                            format!("AZURE_AUTHORITY_HOST: {}", e.message),
                            e.fix,
                        )
                    })?)
                }
                None => None,
            },
        };
        Ok((credential, EntraEndpoints { authority_host, imds_endpoint: imds }))
    }
}

/// A sign-in problem of one workspace (an unset `*_env` variable, a missing client id, a
/// profile that is not there): the message, at its place in the file, and the fix. The
/// workspace keeps it as its error — shown in place, by `doctor`, by commands that use it —
/// and the other workspaces work.
fn sign_in_problem(e: ConfigError) -> (String, String) {
    match e {
        ConfigError::Invalid { location, key, message, fix } => {
            let key = key.map(|k| format!(" (key `{k}`)")).unwrap_or_default();
            (format!("{location}: {message}{key}"), fix)
        }
        ConfigError::Databricks { source_name, message, fix } => (format!("{source_name}: {message}"), fix),
        ConfigError::Read { path, source, fix } => (format!("cannot read {}: {source}", path.display()), fix),
    }
}

fn not_configured(e: ConfigError) -> DatabricksAuth {
    let (message, fix) = sign_in_problem(e);
    DatabricksAuth::NotConfigured { message, fix }
}
