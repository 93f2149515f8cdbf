//! What every headless command starts from: the configuration (or the simulator with
//! `--demo`), the connected workspaces, and how to pick the ones a command names.

use std::process::ExitCode;
use std::sync::Arc;

use super::GlobalArgs;
use crate::api::Timeouts;
use crate::auth::{AuthContext, DeviceCodePrompt};
use crate::config::{self, Settings};
use crate::domain::Clock;
use crate::sim::{Sim, SimOptions};
use crate::workspace::{self, Service, Workspace};

/// The open workspaces; with `--demo`, also the simulator serving them.
pub struct Context {
    pub workspaces: Vec<Workspace>,
    pub settings: Settings,
    /// The config file read, if any (for messages).
    pub config_path: Option<std::path::PathBuf>,
    /// Where sparkdeck keeps its own files (refresh tokens, the editor's draft and history).
    pub data_dir: std::path::PathBuf,
    /// What time it is: the wall clock, or with `--demo` the simulator's.
    pub clock: Clock,
    /// What the user should know about how this run was set up (printed; the monitor shows
    /// them too).
    pub notes: Vec<String>,
    /// The configuration's advice (already printed on stderr; the monitor shows it too).
    pub warnings: Vec<String>,
    /// Workspaces that refuse changes (`read_only = true` in their table or the whole file).
    pub read_only: Vec<String>,
    sim: Option<Sim>,
}

/// How a command ends: `Err` holds the exit status of a failure that has already been reported
/// on stderr, so a command stops at the first one with `?`.
pub type CmdResult<T = ()> = Result<T, ExitCode>;

/// Print why a command cannot go on and give its exit status. The message often quotes the
/// server, so it is made safe for the terminal.
pub fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("sparkdeck: {}", super::output::safe(&message.to_string()));
    ExitCode::from(code)
}

impl Context {
    /// Load the configuration (or start the simulator) and build every workspace's clients.
    /// Configuration problems are printed with file, line and fix; the exit status is 2.
    /// A device-code sign-in prints its code and URL on stderr.
    pub async fn open(global: &GlobalArgs) -> CmdResult<Context> {
        let prompt: crate::auth::DeviceCodeSink = Arc::new(|p: DeviceCodePrompt| match p.message {
            Some(message) => eprintln!("{message}"),
            None => eprintln!("To sign in, open {} and enter the code {}", p.verification_uri, p.user_code),
        });
        Self::open_with(global, Some(prompt)).await
    }

    /// As [`Context::open`], but a sign-in that needs the user fails instead of prompting.
    pub async fn open_quiet(global: &GlobalArgs) -> CmdResult<Context> {
        Self::open_with(global, None).await
    }

    async fn open_with(
        global: &GlobalArgs,
        prompt: Option<crate::auth::DeviceCodeSink>,
    ) -> CmdResult<Context> {
        let mut notes = Vec::new();
        let (loaded, sim) = if global.demo {
            let opts = SimOptions { speed: global.demo_speed, live: true, ..SimOptions::default() };
            let sim = Sim::start(std::net::SocketAddr::from(([127, 0, 0, 1], 0)), opts)
                .await
                .map_err(|e| fail(1, format!("cannot start the simulator: {e}")))?;
            let demo = super::demo::demo_config(&sim);
            let (demo, note) = super::demo::with_user_settings(demo, global.config.as_deref()).map_err(|e| {
                fail(2, format!("{e}\n(--demo takes its settings from this file: fix it, or choose another with --config)"))
            })?;
            notes.extend(note);
            (demo, Some(sim))
        } else {
            let loaded = config::load_system(global.config.as_deref()).map_err(|e| fail(2, e))?;
            (loaded, None)
        };
        for warning in &loaded.warnings {
            eprintln!("sparkdeck: warning: {}", super::output::safe(warning));
        }
        if loaded.fabric.is_empty() && loaded.databricks.is_empty() {
            let demo = "`sparkdeck --demo …` tries everything on the built-in simulator.";
            let message = match &loaded.path {
                // The file read is to blame (an empty `--config` file is not the default's fault);
                // with a file, ~/.databrickscfg is read only for the profiles it names.
                Some(path) => format!(
                    "no workspaces configured: {} has no [[fabric]] or [[databricks]] table (see \
                     config.example.toml; `profile = \"NAME\"` uses a ~/.databrickscfg profile). {demo}",
                    path.display()
                ),
                None => format!(
                    "no workspaces configured. Describe them in {} (see config.example.toml), or set up \
                     ~/.databrickscfg / DATABRICKS_HOST for Databricks; {demo}",
                    config::paths::default_config_file()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| "config.toml".into())
                ),
            };
            return Err(fail(2, message));
        }
        let timeouts = Timeouts::from_seconds(loaded.settings.http.timeout_seconds.0);
        let http = if sim.is_some() {
            crate::api::http::loopback_client(timeouts)
        } else {
            crate::api::http::client_with(timeouts)
        };
        let http = http.map_err(|e| fail(1, e))?;
        let data_dir = config::paths::data_dir().unwrap_or_else(std::env::temp_dir);
        let mut ctx = AuthContext::new(http.clone(), data_dir.clone());
        if let Some(prompt) = prompt {
            ctx = ctx.with_device_code_prompt(prompt);
        }
        let workspaces = workspace::connect(&loaded, &http, &ctx);
        let clock = sim.as_ref().map_or_else(Clock::system, super::demo::clock);
        for note in &notes {
            eprintln!("sparkdeck: {note}");
        }
        let warnings = loaded.warnings;
        let read_only = (loaded.fabric.iter().map(|w| (&w.name, w.read_only)))
            .chain(loaded.databricks.iter().map(|w| (&w.name, w.read_only)))
            .filter(|(_, ro)| *ro || loaded.settings.read_only)
            .map(|(name, _)| name.clone())
            .collect();
        Ok(Context {
            read_only,
            workspaces,
            settings: loaded.settings,
            config_path: loaded.path,
            data_dir,
            clock,
            notes,
            warnings,
            sim,
        })
    }

    /// Whether this is `--demo` (the simulator; no configuration file is read).
    pub fn is_demo(&self) -> bool {
        self.sim.is_some()
    }

    pub async fn close(self) {
        if let Some(sim) = self.sim {
            sim.shutdown().await;
        }
    }

    fn names(&self, service: Option<Service>) -> String {
        let names: Vec<&str> = self
            .workspaces
            .iter()
            .filter(|w| service.is_none_or(|s| w.service == s))
            .map(|w| w.name.as_str())
            .collect();
        if names.is_empty() { "none".into() } else { names.join(", ") }
    }

    /// The workspaces of `service` (all services when `None`) named by `--workspace` (all when
    /// absent). An unknown name is a usage error that lists the valid ones.
    pub fn select(&self, name: Option<&str>, service: Option<Service>) -> CmdResult<Vec<&Workspace>> {
        let chosen: Vec<&Workspace> = self
            .workspaces
            .iter()
            .filter(|w| service.is_none_or(|s| w.service == s))
            .filter(|w| name.is_none_or(|n| w.name == n))
            .collect();
        if chosen.is_empty() {
            let what = match service {
                Some(Service::Fabric) => "Fabric workspace",
                Some(Service::Databricks) => "Databricks workspace",
                None => "workspace",
            };
            let named = name.map(|n| format!(" named {n:?}")).unwrap_or_default();
            return Err(fail(2, format!("no {what}{named}; configured: {}", self.names(service))));
        }
        Ok(chosen)
    }

    /// Exactly one workspace of `service`: the one named, or the only one configured.
    pub fn one(&self, name: Option<&str>, service: Service) -> CmdResult<&Workspace> {
        let chosen = self.select(name, Some(service))?;
        match chosen.as_slice() {
            [one] => Ok(one),
            _ => Err(fail(
                2,
                format!(
                    "several workspaces could serve this; choose one with --workspace: {}",
                    self.names(Some(service))
                ),
            )),
        }
    }

    /// Refuse changes in `workspace` when the configuration says `read_only = true` (for it or
    /// for every workspace): exit status 2, nothing sent.
    pub fn allow_changes(&self, workspace: &Workspace) -> CmdResult {
        let name = &workspace.name;
        if self.read_only.iter().any(|n| n == name) {
            let whole =
                if self.settings.read_only { "at the top of the configuration" } else { "in its table" };
            return Err(fail(
                2,
                format!(
                    "refused: {name} is read-only (read_only = true {whole}); nothing was changed. \
                     Remove it from {} to allow changes.",
                    self.config_path
                        .as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| "the configuration".into())
                ),
            ));
        }
        Ok(())
    }
}
