//! The small lists of one Databricks workspace — tokens, secret scopes, a scope's keys and ACLs,
//! service principals — in every `-o` format, with `--columns` and `--no-header`, as `list`
//! prints rows; and never a token's or a secret's value in any of them. The real binary
//! against the simulator.

#[path = "common/cli.rs"]
mod cli;

use cli::*;
use serde_json::Value;

const WS: [&str; 2] = ["--workspace", "adb-dev"];

/// Every list, with a column name of it and the headings of its table.
const LISTS: [(&[&str], &str, &[&str]); 5] = [
    (&["tokens", "list"], "token_id", &["TOKEN ID", "COMMENT", "CREATED", "EXPIRES"]),
    (&["secrets", "scopes"], "scope", &["SCOPE", "BACKEND"]),
    (&["secrets", "list", "etl-secrets"], "key", &["KEY", "UPDATED"]),
    (&["secrets", "acls", "etl-secrets"], "principal", &["PRINCIPAL", "PERMISSION"]),
    (&["principals", "list"], "application_id", &["APPLICATION ID", "NAME", "ID", "ACTIVE"]),
];

async fn ok(h: &Harness, args: &[&str]) -> String {
    let out = h.run(&[args, &WS[..]].concat()).await;
    assert_eq!(out.code, Some(0), "{args:?}: {}", out.stderr);
    out.stdout
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap_or_else(|e| panic!("{e}\n{text}")).iter().map(String::from).collect())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_list_prints_in_every_format_and_never_a_secret() {
    let h = harness("").await;
    // A token and a secret whose values must never come back from a list.
    let created =
        h.run(&[&["tokens", "create", "--comment", "ci", "-o", "json"][..], &WS[..]].concat()).await;
    assert_eq!(created.code, Some(0), "{}", created.stderr);
    let token_value = text(&created.json(), "token_value");
    assert!(token_value.len() > 8, "{}", created.stdout);
    let put = h
        .run_with_input(
            &[&["secrets", "put", "etl-secrets", "ci-key"][..], &WS[..]].concat(),
            Some("hunter2-value\n"),
        )
        .await;
    assert_eq!(put.code, Some(0), "{}", put.stderr);
    let pats: Vec<String> =
        h.sim.shared().databricks().demo_workspaces(h.sim.base_url()).into_iter().map(|w| w.pat).collect();
    let secrets: Vec<&str> = [token_value.as_str(), "hunter2-value", "aHVudGVyMi12YWx1ZQ", "not-a-real-key"]
        .into_iter()
        .chain(pats.iter().map(String::as_str))
        .collect();
    for (args, column, headings) in LISTS {
        let json: Value = serde_json::from_str(&ok(&h, &[args, &["-o", "json"][..]].concat()).await)
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let items = json.as_array().map_or(0, Vec::len);
        assert!(items >= 1, "{args:?}: {json}");
        let yaml_text = ok(&h, &[args, &["-o", "yaml"][..]].concat()).await;
        let yaml: Value =
            serde_norway::from_str(&yaml_text).unwrap_or_else(|e| panic!("{args:?}: {e}\n{yaml_text}"));
        assert_eq!(yaml, json, "{args:?}: YAML carries the JSON documents");
        let csv_text = ok(&h, &[args, &["-o", "csv"][..]].concat()).await;
        let rows = csv_rows(&csv_text);
        assert_eq!(rows[0], headings.to_vec(), "{args:?}");
        assert_eq!(rows.len(), items + 1, "{args:?}: {csv_text}");
        let bare = csv_rows(&ok(&h, &[args, &["-o", "csv", "--no-header"][..]].concat()).await);
        assert_eq!(bare, rows[1..].to_vec(), "{args:?}");
        let table = ok(&h, args).await;
        let wide = ok(&h, &[args, &["-o", "wide"][..]].concat()).await;
        // The table fits 80 columns (the harness's COLUMNS); wide keeps every column.
        let first_line = |text: &str| text.lines().next().unwrap_or_default().to_string();
        assert!(first_line(&table).contains(headings[0]), "{args:?}:\n{table}");
        assert!(headings.iter().all(|t| first_line(&wide).contains(t)), "{args:?}:\n{wide}");
        for text in [&table, &wide] {
            assert_eq!(text.lines().count(), items + 1, "{args:?}:\n{text}");
        }
        let no_header = ok(&h, &[args, &["--no-header"][..]].concat()).await;
        assert_eq!(
            no_header.lines().collect::<Vec<_>>(),
            table.lines().skip(1).collect::<Vec<_>>(),
            "{args:?}"
        );
        // --columns picks and orders the fields, by name or by heading.
        let picked = csv_rows(
            &ok(&h, &[args, &["-o", "csv", "--columns", &format!("{column},{}", headings[1])][..]].concat())
                .await,
        );
        assert_eq!(picked[0], [headings[0], headings[1]], "{args:?}");
        assert_eq!(
            picked[1..],
            rows[1..].iter().map(|r| r[..2].to_vec()).collect::<Vec<_>>()[..],
            "{args:?}"
        );
        for text in [&json.to_string(), &yaml_text, &csv_text, &table, &wide] {
            for secret in &secrets {
                assert!(!text.contains(secret), "{args:?} printed a secret value:\n{text}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_columns_list_the_valid_names() {
    let h = harness("").await;
    let out = h.run(&[&["tokens", "list", "--columns", "token_id,value"][..], &WS[..]].concat()).await;
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("no column \"value\" for tokens; valid: token_id,comment,created,expires"),
        "{}",
        out.stderr
    );
    let out = h.run(&[&["principals", "list", "--columns", "id", "-o", "json"][..], &WS[..]].concat()).await;
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("json and yaml keep every field"), "{}", out.stderr);
    let out = h.run(&[&["secrets", "scopes", "--columns", "scope,scope"][..], &WS[..]].concat()).await;
    assert!(out.code == Some(2) && out.stderr.contains("given twice"), "{}", out.stderr);
    for args in
        [&["tokens", "list", "--help"][..], &["secrets", "list", "--help"], &["principals", "list", "--help"]]
    {
        let help = h.run(args).await.stdout;
        for option in ["-o, --output", "yaml", "csv", "--no-header", "--columns <A,B,C>"] {
            assert!(help.contains(option), "{args:?} --help lacks {option}:\n{help}");
        }
    }
}
