//! `list --watch` on the real binary against the simulator: the listing once, then a state
//! changed in the simulator shows as that one row again; Ctrl-C (SIGINT) ends it with 0.

#[path = "common/cli.rs"]
mod cli;

use std::process::Stdio;
use std::time::Duration;

use cli::*;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::ChildStdout;

async fn next_line(lines: &mut Lines<BufReader<ChildStdout>>) -> String {
    match tokio::time::timeout(Duration::from_secs(60), lines.next_line()).await {
        Ok(Ok(Some(line))) => line,
        other => panic!("no line from the watch: {other:?}"),
    }
}

fn interrupt(child: &tokio::process::Child) {
    let pid = child.id().unwrap_or_else(|| panic!("the watch has ended"));
    let status = std::process::Command::new("kill").args(["-INT", &pid.to_string()]).status();
    assert!(status.is_ok_and(|s| s.success()));
}

fn watch(h: &Harness, args: &[&str]) -> tokio::process::Child {
    let mut cmd = h.command(args);
    cmd.env("COLUMNS", "200").stdin(Stdio::null()).kill_on_drop(true);
    cmd.spawn().unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_changed_in_the_simulator_is_printed_again_and_ctrl_c_ends_with_0() {
    let h = harness("").await;
    let listed =
        h.run(&["clusters", "list", "--workspace", "adb-dev", "-o", "json", "--limit", "1000"]).await;
    let clusters = listed.json().as_array().cloned().unwrap_or_default();
    let count = clusters.len();
    // A terminated all-purpose cluster: a job's cluster cannot be started.
    let cluster = clusters
        .iter()
        .find(|c| text(c, "state") == "TERMINATED" && text(c, "cluster_source") != "JOB")
        .unwrap_or_else(|| panic!("no terminated all-purpose cluster among {count}"));
    let id = text(cluster, "cluster_id");
    let mut child = watch(
        &h,
        &[
            "clusters",
            "list",
            "--workspace",
            "adb-dev",
            "--watch",
            "--interval",
            "1",
            "-o",
            "json",
            "--limit",
            "1000",
        ],
    );
    let mut lines = BufReader::new(child.stdout.take().unwrap_or_else(|| panic!("stdout"))).lines();
    let mut first = Vec::new();
    for _ in 0..count {
        first.push(next_line(&mut lines).await);
    }
    let ours: serde_json::Value = first
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .find(|v| text(v, "cluster_id") == id)
        .unwrap_or_else(|| panic!("{id} not in the first listing"));
    assert_eq!(text(&ours, "state"), "TERMINATED");
    // Start it: the next listing prints it again, now starting.
    let out = h.run(&["clusters", "start", &id]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let changed = loop {
        let v: serde_json::Value = serde_json::from_str(&next_line(&mut lines).await).unwrap_or_default();
        if text(&v, "cluster_id") == id {
            break v;
        }
    };
    assert_ne!(text(&changed, "state"), "TERMINATED", "{changed}");
    interrupt(&child);
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait()).await;
    assert!(matches!(status, Ok(Ok(s)) if s.code() == Some(0)), "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_table_is_printed_once_with_its_header() {
    let h = harness("").await;
    let mut child = watch(
        &h,
        &["runs", "list", "--workspace", "adb-dev", "-w", "--interval", "1", "--columns", "id,state"],
    );
    let mut lines = BufReader::new(child.stdout.take().unwrap_or_else(|| panic!("stdout"))).lines();
    let header = next_line(&mut lines).await;
    assert_eq!(header.split_whitespace().collect::<Vec<_>>(), ["ID", "STATE"]);
    let row = next_line(&mut lines).await;
    assert!(row.split_whitespace().next().is_some_and(|id| id.parse::<i64>().is_ok()), "{row}");
    interrupt(&child);
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait()).await;
    assert!(matches!(status, Ok(Ok(s)) if s.code() == Some(0)), "{status:?}");
    // (What came after the first listing held no second header.)
    let mut rest = Vec::new();
    while let Ok(Ok(Some(line))) = tokio::time::timeout(Duration::from_secs(5), lines.next_line()).await {
        rest.push(line);
    }
    assert!(!rest.iter().any(|l| l.starts_with("ID ")), "{rest:?}");
    let yaml = h.run(&["runs", "list", "--watch", "-o", "yaml"]).await;
    assert_eq!(yaml.code, Some(2));
    assert!(yaml.stderr.contains("--watch prints one change at a time"), "{}", yaml.stderr);
}
