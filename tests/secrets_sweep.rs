//! Canary secrets through every auth method, and a grep for them in everything sparkdeck
//! produces: stdout and stderr of the headless commands, every frame of the monitor in a real
//! terminal, the log at `SPARKDECK_LOG=trace`, and every file sparkdeck writes. Zero hits.
//!
//! One configuration holds a workspace per method: Fabric with an environment token (works),
//! a fake `az` (its token is refused by the simulator), a service-principal secret, a
//! certificate password, a federated token file and a managed identity behind a fake IMDS
//! (these fail, so their error paths are swept too); Databricks with a PAT and OAuth M2M (both
//! work, the issued access tokens are canaries as well), a fake `databricks` CLI and a service
//! principal with the management headers. Credentials on redirects: `api_redirects.rs`.

#[allow(dead_code)]
#[path = "common/api_fake.rs"]
mod api_fake;
#[path = "common/tmux.rs"]
mod tmux;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use api_fake::{Fake, Reply};
use serde_json::json;
use sparkdeck::sim::{Sim, SimOptions};
use tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_sparkdeck");
const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

const AZ_TOKEN: &str = "canary-az-token-3b7e01";
const DBX_CLI_TOKEN: &str = "canary-dbcli-token-8c2d44";
const SP_SECRET: &str = "canary-sp-secret-1f9a2e";
const DBX_SP_SECRET: &str = "canary-dbx-sp-secret-6a0b3c";
const CERT_PASSWORD: &str = "canary-cert-password-5d1c77";
const FEDERATED: &str = "canary-federated-token-2e8f90";
const IMDS_TOKEN: &str = "canary-imds-token-9b4a13";

fn write(path: &Path, text: &str, mode: u32) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
    }
}

struct Sweep {
    sim: Sim,
    _imds: Fake,
    home: tempfile::TempDir,
    config: PathBuf,
    bin: PathBuf,
    fabric_token: String,
    canaries: Vec<String>,
    /// Files the test wrote itself (they hold canaries on purpose).
    ours: Vec<PathBuf>,
}

async fn sweep() -> Sweep {
    let opts = SimOptions { speed: 30.0, ..SimOptions::default() };
    let sim = Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await.unwrap_or_else(|e| panic!("{e}"));
    let imds = Fake::script(vec![Reply::json(
        200,
        json!({"access_token": IMDS_TOKEN, "expires_in": "3599", "token_type": "Bearer", "resource": "https://api.fabric.microsoft.com"}),
    )])
    .await;
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap_or_else(|e| panic!("{e}"));
    write(
        &bin.join("az"),
        &format!(
            "#!/bin/sh\necho '{{\"accessToken\": \"{AZ_TOKEN}\", \"expires_on\": 4102444800, \"tokenType\": \"Bearer\"}}'\n"
        ),
        0o755,
    );
    write(
        &bin.join("databricks"),
        &format!(
            "#!/bin/sh\necho '{{\"access_token\": \"{DBX_CLI_TOKEN}\", \"token_type\": \"Bearer\", \"expiry\": \"2099-01-01T00:00:00Z\"}}'\n"
        ),
        0o755,
    );
    let federated = home.path().join("federated-token");
    write(&federated, FEDERATED, 0o600);
    let cert = home.path().join("sp.pfx");
    write(&cert, "not a certificate", 0o600);

    let f = sim.shared().fabric().demo_workspaces();
    let d = sim.shared().databricks().demo_workspaces(sim.base_url());
    let (base, fabric_token) = (sim.base_url().to_string(), f[0].token.clone());
    let lakehouse =
        |i: usize| format!("{{ id = \"{}\", name = \"{}\" }}", f[i].lakehouses[0].0, f[i].lakehouses[0].1);
    let fabric = |name: &str, i: usize, auth: String| {
        format!(
            "[[fabric]]\nname = \"{name}\"\nworkspace_id = \"{}\"\nlakehouses = [{}]\nendpoint = \"{base}\"\nauth = {auth}\n",
            f[i].workspace_id,
            lakehouse(i)
        )
    };
    // Nothing listens there: the sign-in fails at once (this machine cannot reach Entra).
    let authority = "authority_host = \"https://127.0.0.1:9\"";
    let mut text = String::from("[poll]\nactive_seconds = 1\n");
    text += &fabric("F token", 0, "{ method = \"env-token\", variable = \"SD_SWEEP_FABRIC\" }".into());
    text += &fabric("F az", 1, "{ method = \"azure-cli\" }".into());
    text += &fabric(
        "F sp",
        0,
        format!(
            "{{ method = \"service-principal-secret\", tenant_id = \"{TENANT}\", client_id = \"{CLIENT}\", client_secret = \"{SP_SECRET}\", {authority} }}"
        ),
    );
    text += &fabric(
        "F cert",
        1,
        format!(
            "{{ method = \"service-principal-certificate\", tenant_id = \"{TENANT}\", client_id = \"{CLIENT}\", certificate_path = \"{}\", password = \"{CERT_PASSWORD}\" }}",
            cert.display()
        ),
    );
    text += &fabric(
        "F wi",
        0,
        format!(
            "{{ method = \"workload-identity\", tenant_id = \"{TENANT}\", client_id = \"{CLIENT}\", token_file = \"{}\", {authority} }}",
            federated.display()
        ),
    );
    text += &fabric(
        "F mi",
        1,
        format!("{{ method = \"managed-identity\", imds_endpoint = \"{}/token\" }}", imds.base),
    );
    text += &format!(
        "[[databricks]]\nname = \"D pat\"\nhost = \"{base}\"\nauth = {{ method = \"pat\", token_env = \"SD_SWEEP_PAT\" }}\n"
    );
    text += &format!(
        "[[databricks]]\nname = \"D m2m\"\nhost = \"{base}\"\nauth = {{ method = \"oauth-m2m\", client_id = \"{}\", client_secret_env = \"SD_SWEEP_M2M\" }}\n",
        d[1].m2m_client_id
    );
    text += &format!(
        "[[databricks]]\nname = \"D cli\"\nhost = \"{base}\"\nauth = {{ method = \"databricks-cli\" }}\n"
    );
    text += &format!(
        "[[databricks]]\nname = \"D sp\"\nhost = \"{base}\"\nsp_management_resource_id = \"{}\"\nauth = {{ method = \"service-principal-secret\", tenant_id = \"{TENANT}\", client_id = \"{CLIENT}\", client_secret = \"{DBX_SP_SECRET}\", {authority} }}\n",
        d[0].resource_id
    );
    let config = home.path().join("config.toml");
    write(&config, &text, 0o600);
    let mut canaries: Vec<String> =
        [AZ_TOKEN, DBX_CLI_TOKEN, SP_SECRET, DBX_SP_SECRET, CERT_PASSWORD, FEDERATED, IMDS_TOKEN]
            .iter()
            .map(|s| s.to_string())
            .collect();
    canaries.extend([fabric_token.clone(), d[0].pat.clone(), d[1].m2m_client_secret.clone()]);
    let ours = vec![config.clone(), federated, cert, bin.join("az"), bin.join("databricks")];
    Sweep { sim, _imds: imds, home, config, bin, fabric_token, canaries, ours }
}

impl Sweep {
    fn env(&self) -> Vec<(String, String)> {
        let home = self.home.path();
        let path = format!("{}:{}", self.bin.display(), std::env::var("PATH").unwrap_or_default());
        let d = self.sim.shared().databricks().demo_workspaces(self.sim.base_url());
        vec![
            ("HOME".into(), home.display().to_string()),
            ("XDG_DATA_HOME".into(), home.join("data").display().to_string()),
            ("XDG_CONFIG_HOME".into(), home.join("config").display().to_string()),
            ("PATH".into(), path),
            ("SPARKDECK_LOG".into(), "trace".into()),
            ("SD_SWEEP_FABRIC".into(), self.fabric_token.clone()),
            ("SD_SWEEP_PAT".into(), d[0].pat.clone()),
            ("SD_SWEEP_M2M".into(), d[1].m2m_client_secret.clone()),
        ]
    }

    async fn run(&self, args: &[&str]) -> (Option<i32>, String) {
        let mut cmd = tokio::process::Command::new(BIN);
        cmd.arg("--config").arg(&self.config).args(args);
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        let out = cmd
            .env_remove("DATABRICKS_HOST")
            .env_remove("DATABRICKS_TOKEN")
            .env_remove("AZURE_CLIENT_SECRET")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .output()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let both =
            format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.code(), both)
    }

    /// Every canary, and every token the simulator handed out, that appears in `text`.
    fn leaks(&self, text: &str) -> Vec<String> {
        let issued: Vec<String> = self.sim.shared().databricks().oauth_tokens.keys().cloned().collect();
        self.canaries.iter().chain(issued.iter()).filter(|c| text.contains(c.as_str())).cloned().collect()
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_appears_in_any_output_frame_log_or_file() {
    let mut s = sweep().await;
    let mut outputs = Vec::new();
    let fabric_pat_ws = "F token";
    for args in [
        vec!["doctor"],
        vec!["sessions", "list", "-o", "json"],
        vec!["batches", "list"],
        vec!["clusters", "list", "-o", "json"],
        vec!["runs", "list"],
        vec!["tokens", "list", "--workspace", "D pat", "-o", "json"],
        vec!["tokens", "list", "--workspace", "D m2m"],
        vec!["secrets", "scopes", "--workspace", "D m2m", "-o", "json"],
        vec!["sessions", "exec", "--workspace", fabric_pat_ws, "print(6 * 7)"],
        vec!["clusters", "list", "--workspace", "D cli"],
        vec!["clusters", "list", "--workspace", "D sp"],
        vec!["sessions", "list", "--workspace", "F mi"],
    ] {
        let ran = tokio::time::timeout(std::time::Duration::from_secs(90), s.run(&args)).await;
        let (code, text) = ran.unwrap_or_else(|_| panic!("{args:?} did not end within 90 s"));
        assert_ne!(code, Some(101), "{args:?}: {text}");
        outputs.push((format!("{args:?}"), text));
    }
    // The methods that cannot work here did fail, and said so (their error paths were swept).
    let doctor = &outputs[0].1;
    for ws in ["F az", "F sp", "F cert", "F wi", "F mi", "D cli", "D sp"] {
        assert!(doctor.contains(ws), "doctor names {ws}: {doctor}");
    }
    assert!(outputs[8].1.contains("42"), "the working identities worked: {}", outputs[8].1);
    assert!(!s.sim.shared().databricks().oauth_tokens.is_empty(), "OAuth M2M issued tokens to sweep for");

    // The monitor, pane by pane, with a details view open.
    if let Some(t) = Tmux::start("secrets", &monitor_command(&mut s)) {
        let mut frames = vec![t.wait_for("Sessions (")];
        // A selected row before Enter: on a busy machine the clusters' first poll may come after
        // the pane is shown, and Enter on an empty pane opens nothing.
        t.keys(&[":clusters", "Enter"]);
        frames.push(t.wait_until("a selected cluster", |s| s.contains("Clusters (") && s.contains('▶')));
        for (keys, shows) in [
            (vec!["Enter"], "API object"),
            (vec!["Escape"], "Clusters ("),
            (vec![":runs", "Enter"], "Runs ("),
            (vec![":all", "Enter"], "All ("),
            (vec!["?"], " Keys: "),
        ] {
            t.keys(&keys);
            frames.push(t.wait_for(shows));
        }
        t.keys(&["Escape"]);
        t.keys(&["q"]);
        frames.push(t.wait_for("exit="));
        for (i, frame) in frames.iter().enumerate() {
            outputs.push((format!("frame {i}"), frame.clone()));
        }
    }

    // Every file sparkdeck wrote (the log at trace level among them).
    let mut written = Vec::new();
    files(s.home.path(), &mut written);
    written.retain(|p| !s.ours.contains(p));
    assert!(written.iter().any(|p| p.to_string_lossy().contains(".log")), "a log was written: {written:?}");
    for path in &written {
        let bytes = std::fs::read(path).unwrap_or_default();
        outputs.push((path.display().to_string(), String::from_utf8_lossy(&bytes).into_owned()));
    }

    let found: Vec<(String, Vec<String>)> = outputs
        .iter()
        .map(|(what, text)| (what.clone(), s.leaks(text)))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let swept: usize = outputs.iter().map(|(_, t)| t.len()).sum();
    println!(
        "secrets sweep: {} canaries, {} outputs, {swept} bytes, {} leaks",
        s.canaries.len(),
        outputs.len(),
        found.len()
    );
    assert!(found.is_empty(), "secrets leaked: {found:#?}");
}

/// The monitor, started from a script so the terminal never shows the secrets it is given.
fn monitor_command(s: &mut Sweep) -> String {
    let env: Vec<String> = s.env().into_iter().map(|(k, v)| format!("export {k}='{v}'")).collect();
    let script = s.home.path().join("monitor.sh");
    write(
        &script,
        &format!(
            "{}
exec {BIN} --config {}
",
            env.join("\n"),
            s.config.display()
        ),
        0o700,
    );
    s.ours.push(script.clone());
    format!("sh {}; echo exit=$?", script.display())
}
