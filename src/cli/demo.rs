//! `--demo`: the embedded simulator's workspaces described as a user's configuration would
//! describe them, so the demo runs through exactly the code paths real workspaces use.

use secrecy::SecretString;

use crate::auth::spec::{DatabricksAuth, FabricAuth};
use std::path::Path;

use crate::config::paths::{choose_config_file, default_config_file};
use crate::config::{
    ConfigError, DatabricksWorkspace, FabricWorkspace, Lakehouse, LoadedConfig, Origin, Settings, SystemEnv,
};
use crate::domain::Clock;
use crate::sim::Sim;

/// The simulator's clock: with `--demo-speed 20` twenty seconds pass each second, and every
/// countdown, duration and end time on screen follows it.
pub fn clock(sim: &Sim) -> Clock {
    let shared = sim.shared().clone();
    Clock::new(move || shared.clock.now())
}

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
            read_only: false,
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
            read_only: false,
        })
        .collect();
    LoadedConfig { path: None, settings: Settings::default(), fabric, databricks, warnings: Vec::new() }
}

/// The demo's configuration with the user's settings: `read_only`, `[ui]`, `[keys]`, `[poll]`,
/// `[notifications]` and `[[alerts]]` from `--config` / `SPARKDECK_CONFIG` / the default file, when there is
/// one; its workspaces are not used (the simulator's are), and the note returned says so.
pub fn with_user_settings(
    mut demo: LoadedConfig,
    cli_path: Option<&Path>,
) -> Result<(LoadedConfig, Option<String>), ConfigError> {
    let default = default_config_file();
    let Some(choice) = choose_config_file(cli_path, &SystemEnv, default.as_deref()) else {
        return Ok((demo, None));
    };
    if !choice.explicit && !choice.path.exists() {
        return Ok((demo, None));
    }
    let user = crate::config::load(cli_path, default.as_deref(), &SystemEnv)?;
    let ignored = user.fabric.len() + user.databricks.len();
    let note = user.path.as_ref().map(|path| {
        let mut note = format!(
            "--demo: read_only, [ui], [keys], [poll], [notifications] and [[alerts]] come from {}",
            path.display()
        );
        if ignored > 0 {
            note += &format!("; its {ignored} workspace(s) are not used (the simulator's are)");
        }
        note
    });
    demo.settings = user.settings;
    demo.path = user.path;
    Ok((demo, note))
}

/// The variable `sparkdeck sim --print-config` has Fabric read the simulator's token from
/// (Fabric's config takes no inline token).
pub const SIM_TOKEN_VAR: &str = "SPARKDECK_SIM_TOKEN";

/// A config.toml for the running simulator `sim` (`sparkdeck sim --print-config`): every
/// simulated workspace, the Fabric ones signing in with the token in `SIM_TOKEN_VAR`, the
/// Databricks ones with their PATs.
pub fn config_toml(sim: &Sim) -> String {
    let demo = demo_config(sim);
    let token = sim.shared().fabric().demo_workspaces().first().map(|w| w.token.clone()).unwrap_or_default();
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut out = format!(
        "# sparkdeck configuration for the simulator at {base} (sparkdeck sim --print-config).\n\
         # Fabric reads the simulator's token from a variable:\n\
         #   export {SIM_TOKEN_VAR}={token}\n\
         # The Databricks tokens below are the simulator's own; still, keep the file private (chmod 600).\n",
        base = sim.base_url()
    );
    for ws in &demo.fabric {
        let lakehouses: Vec<String> = ws
            .lakehouses
            .iter()
            .map(|l| {
                format!("{{ id = {}, name = {} }}", quote(&l.id), quote(l.name.as_deref().unwrap_or(&l.id)))
            })
            .collect();
        out += &format!(
            "\n[[fabric]]\nname = {}\nworkspace_id = {}\nendpoint = {}\nlakehouses = [{}]\nauth = {{ method = \"env-token\", variable = \"{SIM_TOKEN_VAR}\" }}\n",
            quote(&ws.name),
            quote(&ws.workspace_id),
            quote(&ws.endpoint),
            lakehouses.join(", ")
        );
    }
    for (ws, demo_ws) in demo.databricks.iter().zip(sim.shared().databricks().demo_workspaces(sim.base_url()))
    {
        out += &format!(
            "\n[[databricks]]\nname = {}\nhost = {}\nauth = {{ method = \"pat\", token = {} }}\n",
            quote(&ws.name),
            quote(&ws.host),
            quote(&demo_ws.pat)
        );
    }
    out
}
