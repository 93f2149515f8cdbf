//! Connected workspaces: the loaded configuration turned into authenticated API clients, and
//! the queries and actions that the headless commands and the monitor's pollers share. The one
//! place that knows both the wire models and the domain: [`convert`] makes rows and
//! [`statement_convert`] statement outputs from the typed models `api/` decoded.
//!
//! A workspace whose identity cannot be built (a missing secret, an unreadable certificate)
//! is kept with its error, so the monitor and `doctor` can show it in place while the others work.

pub mod actions;
pub mod convert;
pub mod create;
pub mod hints;
pub mod identity;
pub mod jobs;
pub mod links;
pub mod logs;
pub mod problem;
pub mod related;
pub mod rows;
pub mod spark_logs;
pub mod spark_usage;
pub mod statement_convert;
pub mod statement_pace;
pub mod statements;

use crate::api::{ApiError, ApiKind, DatabricksClient, Endpoint, LivyClient, OneLakeClient};
use crate::auth::{self, AuthContext, AuthDescription, AuthError, SharedAuthenticator};
use crate::config::{LoadedConfig, Origin};

pub use crate::domain::Service;

/// One configured workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Display name, unique across all workspaces.
    pub name: String,
    pub service: Service,
    /// Where its settings came from (config file line, `~/.databrickscfg` profile, environment).
    pub origin: Origin,
    /// The API base URL (Fabric endpoint or Databricks host).
    pub base_url: String,
    /// The clients, or why they could not be built.
    pub clients: Result<Clients, Error>,
}

/// Why a workspace query or action failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The workspace's identity could not be built (missing secret, unreadable certificate).
    #[error("{0}")]
    Auth(#[from] AuthError),
    /// A create whose outcome is unknown also says how to look for what it may have made.
    #[error("{}{}", .0, hints::check(.0).map(|c| format!("; {c}")).unwrap_or_default())]
    Api(#[from] ApiError),
    /// No item with this id in this workspace.
    #[error("{workspace}: no {kind} with id {id:?}")]
    NotFound { workspace: String, kind: &'static str, id: String },
    /// The workspace's service has no such thing (e.g. clusters in a Fabric workspace).
    #[error("{workspace}: {what}")]
    Unsupported { workspace: String, what: String },
}

impl Error {
    /// The API error behind this one, if any (for exit codes and hints).
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }
}

/// A workspace's API clients.
#[derive(Debug, Clone)]
pub enum Clients {
    /// Boxed: a Fabric workspace holds a client per lakehouse and for OneLake.
    Fabric(Box<FabricClients>),
    Databricks(DatabricksClient),
}

#[derive(Debug, Clone)]
pub struct FabricClients {
    pub workspace_id: String,
    /// The Livy API of each configured lakehouse, with its display label (name or id).
    pub lakehouses: Vec<(String, LivyClient)>,
    /// How the editor's own REPLs are acquired here.
    pub repl: crate::domain::statement::ReplSettings,
    /// Workspace-level monitoring lists (every Spark session and batch, notebooks included),
    /// and the workspace's lakehouses and environments.
    pub monitor: crate::api::livy::FabricMonitor,
    /// OneLake, where local files a batch names are uploaded (its own token audience and
    /// throttle gate: it is another service).
    pub onelake: OneLakeClient,
}

impl Workspace {
    /// The authenticator shared by this workspace's clients.
    pub fn authenticator(&self) -> Option<&SharedAuthenticator> {
        match self.clients.as_ref().ok()? {
            Clients::Fabric(f) => Some(f.monitor.endpoint().auth()),
            Clients::Databricks(d) => Some(d.endpoint().auth()),
        }
    }

    /// Which identity this workspace uses (never a secret).
    pub fn describe_auth(&self) -> Option<AuthDescription> {
        self.authenticator().map(|a| a.describe())
    }

    /// The throttle gate every call to this workspace goes through.
    pub fn endpoint(&self) -> Option<&Endpoint> {
        match self.clients.as_ref().ok()? {
            Clients::Fabric(f) => Some(f.monitor.endpoint()),
            Clients::Databricks(d) => Some(d.endpoint()),
        }
    }
}

/// Build the clients for every configured workspace. One HTTP client (one connection pool) is
/// shared by all of them; identities are built lazily (no token is requested here).
pub fn connect(config: &LoadedConfig, http: &reqwest::Client, ctx: &AuthContext) -> Vec<Workspace> {
    let mut out = Vec::new();
    for ws in &config.fabric {
        let clients = auth::fabric_authenticator(&ws.auth, ctx).map_err(Error::from).and_then(|auth| {
            let ep = Endpoint::new(http.clone(), ApiKind::Fabric, ws.endpoint.clone(), auth);
            let lakehouses = ws
                .lakehouses
                .iter()
                .map(|lh| {
                    let label = lh.name.clone().unwrap_or_else(|| lh.id.clone());
                    Ok((label, LivyClient::new(ep.clone(), &ws.workspace_id, &lh.id)?))
                })
                .collect::<Result<Vec<_>, ApiError>>()?;
            let monitor = crate::api::livy::FabricMonitor::new(ep, &ws.workspace_id)?;
            let storage = auth::onelake_authenticator(&ws.auth, ctx)?;
            let lake = Endpoint::new(http.clone(), ApiKind::Fabric, ws.onelake_endpoint.clone(), storage);
            let onelake = OneLakeClient::new(lake, &ws.workspace_id)?;
            Ok(Clients::Fabric(Box::new(FabricClients {
                workspace_id: ws.workspace_id.clone(),
                lakehouses,
                monitor,
                onelake,
                repl: ws.repl.clone(),
            })))
        });
        out.push(Workspace {
            name: ws.name.clone(),
            service: Service::Fabric,
            origin: ws.origin.clone(),
            base_url: ws.endpoint.clone(),
            clients,
        });
    }
    for ws in &config.databricks {
        let clients = auth::databricks_authenticator(&ws.auth, &ws.host, ctx)
            .map(|auth| {
                Clients::Databricks(DatabricksClient::new(Endpoint::new(
                    http.clone(),
                    ApiKind::Databricks,
                    ws.host.clone(),
                    auth,
                )))
            })
            .map_err(Error::from);
        out.push(Workspace {
            name: ws.name.clone(),
            service: Service::Databricks,
            origin: ws.origin.clone(),
            base_url: ws.host.clone(),
            clients,
        });
    }
    out
}
