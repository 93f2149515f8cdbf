//! The official Databricks Python SDK against the simulator: paging, waiters, run output,
//! command execution, tokens, secrets, SCIM and OAuth M2M all have to work as the SDK expects.
//!
//! Needs `python3` with `databricks-sdk` (`python3 -m pip install -r
//! tests/conformance/requirements.txt`). Without it the test is skipped locally and fails in CI.

use std::net::SocketAddr;
use std::process::Command;

use sparkdeck::sim::{Sim, SimOptions};

fn sdk_available() -> bool {
    Command::new("python3")
        .args(["-c", "import databricks.sdk"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn run_script(envs: &[(&str, &str)]) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/databricks_sdk.py");
    let mut cmd = Command::new("python3");
    cmd.arg(script);
    for var in [
        "DATABRICKS_CONFIG_PROFILE",
        "DATABRICKS_TOKEN",
        "DATABRICKS_CLIENT_ID",
        "DATABRICKS_CLIENT_SECRET",
        "DATABRICKS_AUTH_TYPE",
    ] {
        cmd.env_remove(var);
    }
    // Keep the SDK from reading the developer's own ~/.databrickscfg.
    cmd.env("DATABRICKS_CONFIG_FILE", "/nonexistent/databrickscfg");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run python3: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "databricks-sdk conformance failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert!(stdout.contains("ok: "), "the script checked nothing:\n{stdout}");
}

#[tokio::test(flavor = "multi_thread")]
async fn official_databricks_sdk_works_against_the_simulator() {
    if !sdk_available() {
        assert!(std::env::var_os("CI").is_none(), "databricks-sdk is not installed in CI");
        eprintln!(
            "skipped: python3 -c 'import databricks.sdk' failed (pip install -r tests/conformance/requirements.txt)"
        );
        return;
    }
    // Fast simulated time so the SDK's waiters (which sleep 1–10 s between polls) finish quickly.
    let opts = SimOptions { speed: 300.0, ..SimOptions::default() };
    let sim = Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await.unwrap_or_else(|e| panic!("{e}"));
    let ws = sim.shared().databricks().demo_workspaces(sim.base_url());
    let host = sim.base_url().to_string();
    let (pat, client_id, secret) =
        (ws[0].pat.clone(), ws[0].m2m_client_id.clone(), ws[0].m2m_client_secret.clone());
    tokio::task::spawn_blocking(move || {
        run_script(&[("DATABRICKS_HOST", &host), ("DATABRICKS_TOKEN", &pat)]);
        run_script(&[
            ("DATABRICKS_HOST", &host),
            ("DATABRICKS_CLIENT_ID", &client_id),
            ("DATABRICKS_CLIENT_SECRET", &secret),
        ]);
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}
