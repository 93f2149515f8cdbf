//! `--demo`: the embedded simulator's workspaces described as a user's configuration would
//! describe them, so the demo runs through exactly the code paths real workspaces use.

use secrecy::SecretString;

use crate::auth::spec::{DatabricksAuth, FabricAuth};
use crate::config::{DatabricksWorkspace, FabricWorkspace, Lakehouse, LoadedConfig, Origin, Settings};
use crate::sim::Sim;

/// One Fabric workspace per simulated workspace (the demo token), and the simulated Databricks
/// workspaces: the first with its PAT, the others through OAuth M2M, so both paths are exercised.
pub fn demo_config(sim: &Sim) -> LoadedConfig {
    let origin = Origin { env_vars: Vec::new(), config_file: None, databrickscfg: None };
    let fabric = sim
        .shared()
        .fabric()
        .demo_workspaces()
        .into_iter()
        .map(|ws| FabricWorkspace {
            name: ws.name,
            workspace_id: ws.workspace_id,
            lakehouses: ws
                .lakehouses
                .into_iter()
                .map(|(id, name)| Lakehouse { id, name: Some(name) })
                .collect(),
            endpoint: sim.base_url().to_string(),
            onelake_endpoint: sim.onelake_url(),
            auth: FabricAuth::Static { token: SecretString::from(ws.token) },
            origin: origin.clone(),
            repl: Default::default(),
        })
        .collect();
    let databricks = sim
        .shared()
        .databricks()
        .demo_workspaces(sim.base_url())
        .into_iter()
        .enumerate()
        .map(|(i, ws)| DatabricksWorkspace {
            name: ws.name,
            host: ws.host,
            auth: if i == 0 {
                DatabricksAuth::Pat { token: SecretString::from(ws.pat) }
            } else {
                DatabricksAuth::OAuthM2M {
                    client_id: ws.m2m_client_id,
                    client_secret: SecretString::from(ws.m2m_client_secret),
                }
            },
            origin: origin.clone(),
        })
        .collect();
    LoadedConfig { path: None, settings: Settings::default(), fabric, databricks, warnings: Vec::new() }
}
