//! `sparkdeck sim` as a user runs it: the real binary, its printed lines, and its usage errors.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_sparkdeck");

#[test]
fn sim_prints_how_to_reach_each_api_and_serves_it() {
    let mut child = Command::new(BIN)
        .args(["sim", "--listen", "127.0.0.1:0", "--seed", "7"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .take_while(|l| !l.starts_with("Control:"))
        .collect();
    let fabric = lines.iter().find(|l| l.starts_with("Fabric ")).cloned().unwrap_or_default();
    let databricks = lines.iter().find(|l| l.starts_with("Databricks ")).cloned().unwrap_or_default();
    let base = fabric
        .split("base ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_default()
        .to_string();
    let host = databricks
        .split("host ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_default()
        .to_string();
    let pat = databricks
        .split("token ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_default()
        .to_string();
    assert!(base.contains("/livyapi/versions/2023-12-01"), "{lines:?}");
    assert!(pat.starts_with("dapi"), "{lines:?}");

    let rt = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    let (sessions, me) = rt.block_on(async {
        let http = reqwest::Client::new();
        let sessions = http
            .get(format!("{base}/sessions"))
            .bearer_auth("sim-fabric-token")
            .send()
            .await
            .map(|r| r.status());
        let me = http
            .get(format!("{host}/api/2.0/preview/scim/v2/Me"))
            .bearer_auth(&pat)
            .send()
            .await
            .map(|r| r.status());
        (sessions, me)
    });
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(sessions.map(|s| s.as_u16()).ok(), Some(200));
    assert_eq!(me.map(|s| s.as_u16()).ok(), Some(200));
}

#[test]
fn sim_usage_errors_exit_2_with_a_reason() {
    for (args, needle) in [
        (vec!["sim", "--listen", "0.0.0.0:0"], "loopback"),
        (vec!["sim", "--faults", "429=9"], "rate must be between 0 and 1"),
        (vec!["sim", "--speed", "0"], "--speed must be a positive number"),
    ] {
        let out = Command::new(BIN).args(&args).output().unwrap_or_else(|e| panic!("{e}"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

#[test]
fn sim_help_lists_only_what_applies_to_sim_and_the_global_options_say_so() {
    let out = Command::new(BIN).args(["sim", "--help"]).output().unwrap_or_else(|e| panic!("{e}"));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--speed") && help.contains("--print-config"), "{help}");
    for global in ["--demo", "--demo-speed", "--config <PATH>"] {
        assert!(!help.contains(global), "{global} in sim --help:\n{help}");
    }
    let out =
        Command::new(BIN).args(["sim", "--config", "x.toml"]).output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--config does not apply to `sim`"));
}

/// `sim --print-config` prints a config.toml that works as written with the running simulator.
#[test]
fn sim_prints_a_ready_config_for_itself() {
    let mut child = Command::new(BIN)
        .args(["sim", "--listen", "127.0.0.1:0", "--print-config"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut reader = BufReader::new(stdout);
    let mut text = String::new();
    // The config ends after the last [[databricks]] table's auth line.
    let mut databricks = 0;
    while databricks < 2 {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if line.starts_with("auth = { method = \"pat\"") {
            databricks += 1;
        }
        text += &line;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let config = dir.path().join("sim.toml");
    std::fs::write(&config, &text).unwrap_or_else(|e| panic!("{e}"));
    let token =
        text.lines().find_map(|l| l.strip_prefix("#   export SPARKDECK_SIM_TOKEN=")).unwrap_or_default();
    for kind in ["sessions", "clusters"] {
        let out = Command::new(BIN)
            .arg("--config")
            .arg(&config)
            .args([kind, "list", "-o", "json", "--limit", "3"])
            .env("SPARKDECK_SIM_TOKEN", token)
            .env("HOME", dir.path())
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap_or_default();
        assert!(
            out.status.success() && !rows.is_empty(),
            "{kind}: {}\n{text}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = child.kill();
    let _ = child.wait();
}
