//! `sparkdeck --demo <kind> list` end to end: the real binary, the in-process simulator, the
//! API clients, and both output formats.

use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_sparkdeck");

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(BIN).args(args).env("COLUMNS", "80").output().unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn json_rows_keep_api_fields_and_add_ours() {
    for (kind, api_field) in
        [("sessions", "livyState"), ("batches", "livyState"), ("clusters", "cluster_id"), ("runs", "run_id")]
    {
        let (code, stdout, stderr) = run(&["--demo", kind, "list", "-o", "json"]);
        assert_eq!(code, Some(0), "{kind}: {stderr}");
        let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{kind}: {e}\n{stdout}"));
        let rows = doc.as_array().cloned().unwrap_or_default();
        assert!(rows.len() >= 5, "{kind}: {} rows", rows.len());
        for row in &rows {
            for key in ["workspace", "id", "name", "state"] {
                assert!(row.get(key).is_some(), "{kind} row lacks {key}: {row}");
            }
            // Read-only rows from the Fabric monitoring list carry its fields (`livyId`) instead.
            let field = if row.get("livyId").is_some() { "livyId" } else { api_field };
            assert!(row.get(field).is_some(), "{kind} row lost the API's {field}: {row}");
        }
    }
}

#[test]
fn filters_by_workspace_and_state() {
    let (_, stdout, _) =
        run(&["--demo", "clusters", "list", "--workspace", "adb-dev", "--state", "RUNNING", "-o", "json"]);
    let rows: Vec<Value> = serde_json::from_str(&stdout).unwrap_or_default();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["workspace"] == "adb-dev" && r["state"] == "RUNNING"), "{stdout}");
    let (_, stdout, _) = run(&["--demo", "runs", "list", "--state", "failed", "-o", "json"]);
    let rows: Vec<Value> = serde_json::from_str(&stdout).unwrap_or_default();
    assert!(!rows.is_empty() && rows.iter().all(|r| r["sparkdeck_status"] == "failed"), "{stdout}");
}

#[test]
fn tables_fit_80_columns() {
    for kind in ["sessions", "batches", "clusters", "runs"] {
        let (code, stdout, stderr) = run(&["--demo", kind, "list", "--limit", "10"]);
        assert_eq!(code, Some(0), "{stderr}");
        let lines: Vec<&str> = stdout.lines().collect();
        assert!(lines.len() >= 2, "{kind}: {stdout}");
        assert!(lines[0].contains("ID") && lines[0].contains("STATE"), "{kind}: {stdout}");
        assert!(lines.iter().all(|l| l.chars().count() <= 80), "{kind} too wide:\n{stdout}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, stderr) = run(&["--demo", "clusters", "list", "--workspace", "nope"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("named \"nope\"") && stderr.contains("adb-dev"), "{stderr}");
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(BIN)
        .args(["clusters", "list"])
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env_remove("SPARKDECK_CONFIG")
        .env_remove("DATABRICKS_HOST")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, stderr) = (out.status.code(), String::from_utf8_lossy(&out.stderr));
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--demo"), "{stderr}");
    let (code, _, stderr) = run(&["--demo", "clusters", "list", "-o", "xml"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("table, wide, json, yaml, csv"), "{stderr}");
}

#[test]
fn get_finds_items_in_any_workspace() {
    for kind in ["sessions", "batches", "clusters", "runs"] {
        let (_, stdout, _) = run(&["--demo", kind, "list", "-o", "json", "--limit", "3"]);
        let rows: Vec<Value> = serde_json::from_str(&stdout).unwrap_or_default();
        let id = rows.last().and_then(|r| r["id"].as_str()).unwrap_or_default().to_string();
        let workspace = rows.last().and_then(|r| r["workspace"].as_str()).unwrap_or_default().to_string();
        assert!(!id.is_empty(), "{kind}: {stdout}");
        let (code, json, stderr) = run(&["--demo", kind, "get", &id, "-o", "json"]);
        assert_eq!(code, Some(0), "{kind} get {id}: {stderr}");
        let obj: Value = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(
            (obj["id"].as_str(), obj["workspace"].as_str()),
            (Some(id.as_str()), Some(workspace.as_str())),
            "{json}"
        );
        let (code, text, _) = run(&["--demo", kind, "get", &id]);
        assert_eq!(code, Some(0));
        assert!(text.lines().any(|l| l.starts_with("Id") && l.ends_with(&id)), "{text}");
    }
}

#[test]
fn get_reports_missing_items_and_bad_ids() {
    let (code, _, stderr) = run(&["--demo", "clusters", "get", "0000-000000-missing"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("no cluster with id \"0000-000000-missing\" found"), "{stderr}");
    let (code, _, stderr) = run(&["--demo", "runs", "get", "not-a-number"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("run ids are numbers"), "{stderr}");
}
