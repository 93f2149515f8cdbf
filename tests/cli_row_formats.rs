//! `list` and `get` in every `-o` format, end to end: the real binary against the in-process
//! simulator. YAML carries the same documents as JSON, CSV every column of the table, `wide`
//! every column whatever the terminal's width, and `--no-header` only the rows.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_sparkdeck");
const KINDS: [&str; 4] = ["sessions", "batches", "clusters", "runs"];

fn run(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).env("COLUMNS", "80").output().unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn ids(rows: &Value) -> BTreeSet<String> {
    rows.as_array().into_iter().flatten().filter_map(|r| r["id"].as_str().map(String::from)).collect()
}

fn csv_records(text: &str, header: bool) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap_or_else(|e| panic!("{e}\n{text}")).iter().map(String::from).collect())
        .collect();
    if header {
        assert!(records.first().is_some_and(|h| h[2] == "ID" && h[3] == "STATE"), "{text}");
    }
    records
}

#[test]
fn yaml_lists_are_the_json_documents() {
    for kind in KINDS {
        let json: Value = serde_json::from_str(&run(&["--demo", kind, "list", "-o", "json"]))
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        let yaml_text = run(&["--demo", kind, "list", "-o", "yaml"]);
        let yaml: Value =
            serde_norway::from_str(&yaml_text).unwrap_or_else(|e| panic!("{kind}: {e}\n{yaml_text}"));
        assert!(ids(&json).len() >= 5, "{kind}: {json}");
        assert_eq!(ids(&yaml), ids(&json), "{kind}");
        for row in yaml.as_array().into_iter().flatten() {
            for key in ["workspace", "id", "name", "state", "sparkdeck_status"] {
                assert!(row.get(key).is_some(), "{kind} yaml row lacks {key}: {row}");
            }
        }
    }
}

#[test]
fn csv_lists_every_column_and_every_row() {
    for kind in KINDS {
        let json: Value = serde_json::from_str(&run(&["--demo", kind, "list", "-o", "json"]))
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        let text = run(&["--demo", kind, "list", "-o", "csv"]);
        let records = csv_records(&text, true);
        let wide_header = run(&["--demo", kind, "list", "-o", "wide", "--limit", "1"]);
        let columns: Vec<&str> = records[0].iter().map(String::as_str).collect();
        // Every column of the wide table, none cut to 80 columns.
        for column in ["WORKSPACE", "ID", "STATE", "OWNER", "STARTED"] {
            assert!(columns.contains(&column) && wide_header.contains(column), "{kind}: {columns:?}");
        }
        let csv_ids: BTreeSet<String> = records[1..].iter().map(|r| r[2].clone()).collect();
        assert_eq!(csv_ids, ids(&json), "{kind}");
        let bare = csv_records(&run(&["--demo", kind, "list", "-o", "csv", "--no-header"]), false);
        assert_eq!(bare.len(), records.len() - 1, "{kind}: --no-header drops only the header");
    }
}

#[test]
fn wide_tables_ignore_the_width_and_no_header_drops_the_header() {
    let narrow = run(&["--demo", "sessions", "list"]);
    let wide = run(&["--demo", "sessions", "list", "-o", "wide"]);
    assert!(narrow.lines().all(|l| l.chars().count() <= 80), "{narrow}");
    assert!(wide.lines().any(|l| l.chars().count() > 80), "wide is not cut to COLUMNS:\n{wide}");
    assert!(!wide.contains('…') && wide.lines().next().is_some_and(|h| h.contains("OWNER")), "{wide}");
    // (Durations tick between two runs: compare the rows by count and by id.)
    let bare = run(&["--demo", "sessions", "list", "-o", "wide", "--no-header"]);
    assert_eq!(bare.lines().count(), wide.lines().count() - 1, "{bare}");
    assert!(!bare.contains("OWNER"), "{bare}");
    let id_of = |line: &str| line.split_whitespace().find(|w| w.len() == 36).map(String::from);
    let ids = |text: &str| text.lines().filter_map(id_of).collect::<BTreeSet<String>>();
    assert_eq!(ids(&bare), ids(&wide));
    let table = run(&["--demo", "clusters", "list", "--no-header"]);
    assert!(!table.contains("STATE") && table.lines().count() >= 5, "{table}");
    // Nothing listed, no header: nothing on stdout ("No clusters found." goes to stderr).
    let out = Command::new(BIN)
        .args(["--demo", "clusters", "list", "--limit", "0", "--no-header"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stderr).contains("No clusters found."));
}

#[test]
fn get_prints_one_item_in_every_format() {
    let list: Value = serde_json::from_str(&run(&["--demo", "clusters", "list", "-o", "json"]))
        .unwrap_or_else(|e| panic!("{e}"));
    let id = list[0]["cluster_id"].as_str().unwrap_or_default().to_string();
    let json: Value = serde_json::from_str(&run(&["--demo", "clusters", "get", &id, "-o", "json"]))
        .unwrap_or_else(|e| panic!("{e}"));
    let yaml: Value = serde_norway::from_str(&run(&["--demo", "clusters", "get", &id, "-o", "yaml"]))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (yaml["id"].as_str(), yaml["cluster_name"].clone()),
        (Some(id.as_str()), json["cluster_name"].clone())
    );
    let csv = csv_records(&run(&["--demo", "clusters", "get", &id, "-o", "csv"]), true);
    assert_eq!((csv.len(), csv[1][2].as_str()), (2, id.as_str()));
    let bare = csv_records(&run(&["--demo", "clusters", "get", &id, "-o", "csv", "--no-header"]), false);
    assert_eq!(bare, csv[1..]);
    let detail = run(&["--demo", "clusters", "get", &id, "-o", "wide"]);
    assert!(detail.lines().any(|l| l.starts_with("Id ") && l.ends_with(&id)), "{detail}");
}
