//! What `sessions exec` costs in requests, counted by the simulator (`/__sim/requests`): each
//! run is a process of its own, and learns from the runs before it at the same session (the
//! data directory's `statement_pace.json`) where its statement's first read should go.

#[path = "common/cli.rs"]
mod cli;

use std::path::{Path, PathBuf};

use cli::*;
use serde_json::Value;
use sparkdeck::sim::SimOptions;

/// An idle session of ours in the first Fabric workspace, and that workspace's name.
async fn idle_session(h: &Harness) -> (String, String) {
    let ws = h.sim.shared().fabric().demo_workspaces()[0].clone();
    let out = h.run(&["sessions", "list", "-o", "json", "--limit", "500", "--workspace", &ws.name]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let rows = out.json().as_array().cloned().unwrap_or_default();
    let idle = rows.iter().find(|r| {
        text(r, "sparkdeck_status") == "ready"
            && ws.lakehouses.iter().any(|(id, _)| *id == text(r, "artifactId"))
    });
    let idle = idle.unwrap_or_else(|| panic!("no idle session in {}: {}", ws.name, out.stdout));
    (text(idle, "id"), ws.name.clone())
}

fn total(h: &Harness) -> u64 {
    h.sim.shared().faults.requests().0
}

/// Runs `code` in `session` once; the requests it took and how long the statement ran there
/// (simulated ms, from the simulator's own timings).
async fn exec(h: &Harness, workspace: &str, session: &str, code: &str) -> (u64, i64) {
    let before = total(h);
    let out = h.run(&["sessions", "exec", "--session", session, "--workspace", workspace, code]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let took = total(h) - before;
    let timings = reqwest::get(format!("{}/__sim/timings", h.sim.base_url()))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json::<Value>()
        .await
        .unwrap_or_default();
    let mine = timings["statements"].as_array().cloned().unwrap_or_default();
    let last = mine
        .iter()
        .filter(|s| s["session"] == session)
        .max_by_key(|s| s["submitted_ms"].as_i64())
        .unwrap_or_else(|| panic!("no statement in {session}: {timings}"));
    let ran = last["finished_ms"].as_i64().unwrap_or(0) - last["submitted_ms"].as_i64().unwrap_or(0);
    (took, ran)
}

fn find(dir: &Path, name: &str) -> Option<PathBuf> {
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == name) {
            return Some(path);
        }
        if path.is_dir()
            && let Some(found) = find(&path, name)
        {
            return Some(found);
        }
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_like_the_last_ones_at_a_session_is_read_once_in_the_next_process() {
    // Real time: a statement runs 0.2–1 s, read on the schedule's real clock.
    let h = harness_with("", SimOptions { speed: 1.0, ..SimOptions::default() }).await;
    let (session, workspace) = idle_session(&h).await;
    // A statement long enough that the first guess (400 ms) finds it still running: the
    // submit and two reads at least, the second just after the end its progress predicts.
    let mut first = None;
    for i in 0..20 {
        let code = format!("x = {i} * 7\nprint(x)");
        let (took, ran) = exec(&h, &workspace, &session, &code).await;
        if ran >= 550 {
            first = Some((code, took));
            break;
        }
    }
    let (code, took) = first.unwrap_or_else(|| panic!("no statement of 550 ms or more"));
    assert!(took >= 3, "the submit and two reads at least: {took}");
    let file = find(h.dir.path(), "statement_pace.json")
        .unwrap_or_else(|| panic!("nothing kept under {}", h.dir.path().display()));
    let kept = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(kept.contains(&session), "{kept}");
    // The same statement again, each time in a new process: its first read goes where the
    // last ones ended, so it is seen by one read — the naïve loop's two requests, not more.
    let mut again = Vec::new();
    for _ in 0..3 {
        again.push(exec(&h, &workspace, &session, &code).await.0);
    }
    assert!(again.iter().all(|&n| n <= took), "{again:?} after {took}");
    assert_eq!(again.iter().min(), Some(&2), "{again:?}");
    // Without the file, a process starts from the first guess again.
    std::fs::remove_file(&file).unwrap_or_else(|e| panic!("{e}"));
    let (fresh, _) = exec(&h, &workspace, &session, &code).await;
    assert!(fresh >= 3, "{fresh}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_timings_file_neither_stops_nor_slows_a_statement() {
    let h = harness("").await;
    let (session, workspace) = idle_session(&h).await;
    let args = ["sessions", "exec", "--session", &session, "--workspace", &workspace, "print(6 * 7)"];
    let run = || h.run(&args);
    assert_eq!(run().await.code, Some(0));
    let file = find(h.dir.path(), "statement_pace.json")
        .unwrap_or_else(|| panic!("nothing kept under {}", h.dir.path().display()));
    std::fs::write(&file, b"{\"version\": 1, \"places\": [").unwrap_or_else(|e| panic!("{e}"));
    let out = run().await;
    assert_eq!((out.code, out.stdout.trim()), (Some(0), "42"), "{}", out.stderr);
    // Replaced by what this run learned.
    let kept: Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(kept["places"][0]["place"].as_str().is_some_and(|p| p.ends_with(&session)), "{kept}");
}
