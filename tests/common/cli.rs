//! The real binary against a simulator: a config file naming every simulated workspace
//! (Fabric through an environment token, Databricks through a PAT), a private HOME, and a way to
//! run a command and read what it printed. Shared by the headless command tests.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::Value;
use sparkdeck::sim::{Sim, SimOptions};
use tokio::io::AsyncWriteExt;

pub const BIN: &str = env!("CARGO_BIN_EXE_sparkdeck");
pub const FABRIC_TOKEN_VAR: &str = "SD_TEST_FABRIC_TOKEN";

pub struct Harness {
    pub sim: Sim,
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
}

pub struct Out {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}\n{}\n{}", self.stdout, self.stderr))
    }
}

/// A simulator running 300× real time (a 4-minute cluster start takes under a second).
pub async fn harness(extra: &str) -> Harness {
    harness_with(extra, SimOptions { speed: 300.0, ..SimOptions::default() }).await
}

pub async fn harness_with(extra: &str, opts: SimOptions) -> Harness {
    let sim = Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut text = format!("{extra}\n[poll]\nactive_seconds = 1\n");
    for ws in sim.shared().fabric().demo_workspaces() {
        let lakehouses: Vec<String> = ws
            .lakehouses
            .iter()
            .map(|(id, name)| format!("{{ id = \"{id}\", name = \"{name}\" }}"))
            .collect();
        text += &format!(
            "[[fabric]]\nname = \"{}\"\nworkspace_id = \"{}\"\nlakehouses = [{}]\nendpoint = \"{}\"\nonelake_endpoint = \"{}\"\nauth = {{ method = \"env-token\", variable = \"{FABRIC_TOKEN_VAR}\" }}\n",
            ws.name,
            ws.workspace_id,
            lakehouses.join(", "),
            sim.base_url(),
            sim.onelake_url()
        );
    }
    for ws in sim.shared().databricks().demo_workspaces(sim.base_url()) {
        text += &format!(
            "[[databricks]]\nname = \"{}\"\nhost = \"{}\"\nauth = {{ method = \"pat\", token = \"{}\" }}\n",
            ws.name, ws.host, ws.pat
        );
    }
    let config = dir.path().join("config.toml");
    std::fs::write(&config, text).unwrap_or_else(|e| panic!("{e}"));
    restrict(&config);
    Harness { sim, dir, config }
}

/// The file holds a PAT inline: keep it private, as a careful user would (no warning then).
pub fn restrict(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
}

impl Harness {
    pub async fn run(&self, args: &[&str]) -> Out {
        self.run_with_input(args, None).await
    }

    /// The binary on this harness's config, private HOME and 80 columns, every stream piped.
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let token =
            self.sim.shared().fabric().demo_workspaces().first().map(|w| w.token.clone()).unwrap_or_default();
        let mut cmd = tokio::process::Command::new(BIN);
        cmd.arg("--config")
            .arg(&self.config)
            .args(args)
            .env(FABRIC_TOKEN_VAR, token)
            .env("HOME", self.dir.path())
            .env("COLUMNS", "80")
            .env_remove("SPARKDECK_CONFIG")
            .env_remove("DATABRICKS_HOST")
            .env_remove("DATABRICKS_TOKEN")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    pub async fn run_with_input(&self, args: &[&str], input: Option<&str>) -> Out {
        let mut child = self.command(args).spawn().unwrap_or_else(|e| panic!("{e}"));
        if let Some(mut stdin) = child.stdin.take() {
            if let Some(text) = input {
                stdin.write_all(text.as_bytes()).await.unwrap_or_else(|e| panic!("{e}"));
            }
            drop(stdin);
        }
        let out = child.wait_with_output().await.unwrap_or_else(|e| panic!("{e}"));
        Out {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// The first row of `kind list` in `state`, as JSON.
    pub async fn first(&self, kind: &str, workspace: &str, state: &str) -> Value {
        let out = self.run(&[kind, "list", "--workspace", workspace, "--state", state, "-o", "json"]).await;
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        out.json().as_array().and_then(|a| a.first().cloned()).unwrap_or_else(|| panic!("no {state} {kind}"))
    }

    pub async fn get(&self, kind: &str, id: &str) -> Value {
        let out = self.run(&[kind, "get", id, "-o", "json"]).await;
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        out.json()
    }
}

pub fn text(v: &Value, key: &str) -> String {
    v.get(key).map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string)).unwrap_or_default()
}

/// Requests of `method` whose path holds `fragment`, as the simulator counted them.
pub fn sent(h: &Harness, method: &str, fragment: &str) -> u64 {
    let (_, by_route) = h.sim.shared().faults.requests();
    by_route
        .iter()
        .filter(|(route, _)| route.starts_with(&format!("{method} ")) && route.contains(fragment))
        .map(|(_, n)| n)
        .sum()
}
