//! Configuration: `config.toml`, `~/.databrickscfg` and the environment, resolved into the
//! workspaces to watch, each with the auth spec (`auth::spec`) to reach it.
//!
//! Entry points: [`load_system`] for the binary, [`load`] with an injected [`Env`] for tests.
//! Nothing here prints: problems are [`ConfigError`]s, advice is in [`LoadedConfig::warnings`].

pub mod alerts;
pub mod databrickscfg;
pub mod env;
pub mod error;
pub mod load;
pub mod model;
pub mod paths;
mod resolve;
pub mod templates;
pub mod url;

use std::fmt;
use std::path::PathBuf;

pub use env::{Env, MapEnv, SystemEnv};
pub use error::{ConfigError, Location};
pub use load::{load, load_system};
pub use model::{HttpSettings, NotificationSettings, PollSettings, Theme, UiSettings};

use crate::auth::spec::{DatabricksAuth, FabricAuth};

/// Everything sparkdeck needs to know to start.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    /// The config file read, if any.
    pub path: Option<PathBuf>,
    pub settings: Settings,
    pub fabric: Vec<FabricWorkspace>,
    pub databricks: Vec<DatabricksWorkspace>,
    /// Advice for the user (e.g. a readable file holding a secret); the caller shows them.
    pub warnings: Vec<String>,
}

/// General settings (all optional in the file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Refuse every action that changes something (cancel, start, terminate, run code).
    pub read_only: bool,
    pub ui: UiSettings,
    pub poll: PollSettings,
    pub notifications: NotificationSettings,
    pub http: HttpSettings,
    /// `[keys]`: the user's keys (applied and checked by the monitor and `doctor`).
    pub keys: Vec<KeyOverride>,
    /// `[templates.NAME]`: starting points for the monitor's New form.
    pub templates: Vec<templates::Template>,
    /// `[[alerts]]`: filters the monitor watches, and how it tells.
    pub alerts: Vec<alerts::AlertRule>,
}

/// One `[keys]` line: a command's name, the keys given for it, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOverride {
    pub command: String,
    pub keys: Vec<String>,
    pub at: Option<Location>,
}

/// One Fabric workspace.
#[derive(Debug, Clone)]
pub struct FabricWorkspace {
    /// Display name (unique across all workspaces).
    pub name: String,
    pub workspace_id: String,
    pub lakehouses: Vec<Lakehouse>,
    /// Base URL of the Fabric REST API, without a trailing slash.
    pub endpoint: String,
    /// Base URL of OneLake's ADLS Gen2 API (local files a batch names are uploaded there).
    pub onelake_endpoint: String,
    pub auth: FabricAuth,
    pub origin: Origin,
    /// How the editor's own REPLs are acquired (`[fabric.repl]`).
    pub repl: crate::domain::statement::ReplSettings,
    /// Refuse every change here: `read_only = true` in its table or at the top of the file.
    pub read_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lakehouse {
    pub id: String,
    pub name: Option<String>,
}

/// One Databricks workspace.
#[derive(Debug, Clone)]
pub struct DatabricksWorkspace {
    /// Display name (unique across all workspaces).
    pub name: String,
    /// Workspace URL (`https://adb-….azuredatabricks.net`), scheme and authority only.
    pub host: String,
    pub auth: DatabricksAuth,
    pub origin: Origin,
    /// Refuse every change here: `read_only = true` in its table or at the top of the file.
    pub read_only: bool,
}

/// Where a workspace's settings came from, for `doctor`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The `[[fabric]]` / `[[databricks]]` table in `config.toml`.
    pub config_file: Option<Location>,
    /// The `~/.databrickscfg` file and profile.
    pub databrickscfg: Option<(PathBuf, String)>,
    /// Environment variables that supplied values (names only).
    pub env_vars: Vec<String>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(at) = &self.config_file {
            parts.push(format!("{}:{}", at.path.display(), at.line));
        }
        if let Some((path, profile)) = &self.databrickscfg {
            parts.push(format!("profile [{profile}] in {}", path.display()));
        }
        if !self.env_vars.is_empty() {
            parts.push(format!("environment: {}", self.env_vars.join(", ")));
        }
        if parts.is_empty() {
            parts.push("defaults".into());
        }
        f.write_str(&parts.join("; "))
    }
}
