//! Headless output never hands a server's terminal escapes to the terminal: a cluster name that
//! writes the clipboard (OSC 52), retitles the window (OSC 0) or recolours the screen (CSI) is
//! printed without them in tables, details and errors — and exactly in `-o json`.

#[path = "common/api_fake.rs"]
#[allow(dead_code)]
mod api_fake;

use api_fake::{Fake, Reply};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_sparkdeck");
/// Clipboard write, window title, colour, a C1 CSI, a backspace, a carriage return, a bell.
const EVIL: &str = "\u{1b}]52;c;ZXZpbA==\u{7}etl\u{1b}]0;pwned\u{1b}\\-\u{1b}[31mnightly\u{9b}2J\u{8}\r\u{7}";

fn cluster() -> Value {
    json!({"cluster_id": "0101-000000-evil", "cluster_name": EVIL, "state": "RUNNING",
           "state_message": EVIL, "spark_version": "15.4.x-scala2.12", "num_workers": 1,
           "creator_user_name": EVIL})
}

async fn fake() -> Fake {
    Fake::start(|seen, _| match seen.path.as_str() {
        "/api/2.1/clusters/list" => Reply::json(200, json!({"clusters": [cluster()]})),
        "/api/2.1/clusters/get" if seen.query.contains("evil") => Reply::json(200, cluster()),
        _ => Reply::json(
            403,
            json!({"error_code": "PERMISSION_DENIED", "message": format!("no such cluster {EVIL}")}),
        ),
    })
    .await
}

async fn run(fake: &Fake, dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let config = dir.join("config.toml");
    let text = format!(
        "[[databricks]]\nname = \"evil\"\nhost = \"{}\"\nauth = {{ method = \"pat\", token_env = \"SD_ESC_TOKEN\" }}\n",
        fake.base
    );
    std::fs::write(&config, text).unwrap_or_else(|e| panic!("{e}"));
    let out = tokio::process::Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .args(args)
        .env("SD_ESC_TOKEN", "dapi-escapes")
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("COLUMNS", "200")
        .output()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

/// No control character but newline reaches the terminal.
fn assert_no_controls(what: &str, text: &str) {
    let bad: Vec<char> = text.chars().filter(|c| c.is_control() && *c != '\n').collect();
    assert!(bad.is_empty(), "{what} printed {bad:?}:\n{text:?}");
}

/// Nor what the sequences carried (whole sequences go, not just their ESC).
fn assert_clean(what: &str, text: &str) {
    assert_no_controls(what, text);
    assert!(!text.contains("52;c;") && !text.contains("pwned") && !text.contains("2J"), "{what}: {text:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_escapes_are_stripped_from_tables_details_and_errors_but_json_is_exact() {
    let fake = fake().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let list = run(&fake, dir.path(), &["clusters", "list"]).await;
    let get = run(&fake, dir.path(), &["clusters", "get", "0101-000000-evil"]).await;
    let missing = run(&fake, dir.path(), &["clusters", "get", "0101-000000-gone"]).await;
    let json = run(&fake, dir.path(), &["clusters", "list", "-o", "json"]).await;

    assert_eq!(list.0, Some(0), "{}", list.2);
    assert_clean("clusters list", &list.1);
    assert!(list.1.contains("etl-nightly"), "the printable text stays: {}", list.1);
    assert_eq!(get.0, Some(0), "{}", get.2);
    assert_clean("clusters get", &get.1);
    assert!(get.1.contains("etl-nightly"), "{}", get.1);
    assert_eq!(missing.0, Some(1), "{}", missing.2);
    assert_clean("an error", &missing.2);
    assert!(missing.2.contains("no such cluster etl-nightly"), "{}", missing.2);
    // JSON keeps the bytes exactly (escaped as JSON, so still harmless on a terminal).
    assert_eq!(json.0, Some(0), "{}", json.2);
    assert_no_controls("-o json", &json.1);
    let doc: Value = serde_json::from_str(&json.1).unwrap_or_default();
    assert_eq!(doc[0]["cluster_name"], EVIL, "{}", json.1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wide_tables_are_stripped_and_yaml_and_csv_are_exact() {
    let fake = fake().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let wide = run(&fake, dir.path(), &["clusters", "list", "-o", "wide", "--no-header"]).await;
    assert_eq!(wide.0, Some(0), "{}", wide.2);
    assert_clean("-o wide", &wide.1);
    assert!(wide.1.contains("etl-nightly"), "{}", wide.1);
    // YAML writes control characters as escapes (harmless on a terminal) and reads back exactly.
    for args in
        [&["clusters", "list", "-o", "yaml"][..], &["clusters", "get", "0101-000000-evil", "-o", "yaml"]]
    {
        let yaml = run(&fake, dir.path(), args).await;
        assert_eq!(yaml.0, Some(0), "{}", yaml.2);
        assert_no_controls("-o yaml", &yaml.1);
        let doc: Value = serde_norway::from_str(&yaml.1).unwrap_or_default();
        let row = if doc.is_array() { &doc[0] } else { &doc };
        assert_eq!(row["cluster_name"], EVIL, "{}", yaml.1);
    }
    // CSV has no escapes: it carries the bytes as sent, for a program to read.
    let csv = run(&fake, dir.path(), &["clusters", "list", "-o", "csv"]).await;
    assert_eq!(csv.0, Some(0), "{}", csv.2);
    let mut reader = csv::Reader::from_reader(csv.1.as_bytes());
    let names: Vec<String> = reader.records().filter_map(Result::ok).map(|r| r[1].to_string()).collect();
    assert_eq!(names, [EVIL]);
}
