//! Waits with an end: the real binary against a scripted server that asks for absurd waits
//! (`Retry-After: 18446744073709551615`, one day) or stops answering. Headless commands report
//! and exit (never a panic, never a five-minute silence), say on a terminal what they wait for,
//! and the monitor keeps running — polling behind the clamped gate while the user's own action
//! still goes out at once.

#[allow(dead_code)]
#[path = "common/api_fake.rs"]
mod api_fake;
#[path = "common/tmux.rs"]
mod tmux;

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use api_fake::{Fake, Reply, Seen};
use serde_json::json;
use tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_sparkdeck");
const PAT: &str = "dapi-waits-test-0123456789";

/// A config file naming one Databricks workspace served by `fake`.
fn config(dir: &tempfile::TempDir, fake: &Fake, extra: &str) -> PathBuf {
    let text = format!(
        "{extra}\n[[databricks]]\nname = \"adb\"\nhost = \"{}\"\nauth = {{ method = \"pat\", token = \"{PAT}\" }}\n",
        fake.base
    );
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    path
}

struct Out {
    code: Option<i32>,
    stderr: String,
    took: Duration,
}

async fn run(dir: &tempfile::TempDir, config: &PathBuf, args: &[&str]) -> Out {
    let started = Instant::now();
    let out = tokio::process::Command::new(BIN)
        .arg("--config")
        .arg(config)
        .args(args)
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env_remove("DATABRICKS_HOST")
        .env_remove("DATABRICKS_TOKEN")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    Out {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: started.elapsed(),
    }
}

fn throttled(retry_after: &str) -> Reply {
    Reply::json(
        429,
        json!({"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "Your request was rejected due to API rate limiting."}),
    )
    .header("retry-after", retry_after)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_retry_after_is_reported_not_a_panic() {
    for wait in ["18446744073709551615", "9300000000000000000", "86400"] {
        let fake = Fake::script(vec![throttled(wait)]).await;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let cfg = config(&dir, &fake, "");
        let out = run(&dir, &cfg, &["clusters", "list"]).await;
        assert_eq!(out.code, Some(1), "Retry-After {wait}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked") && !out.stderr.contains("overflow"), "{}", out.stderr);
        assert!(out.stderr.contains("429 REQUEST_LIMIT_EXCEEDED"), "{}", out.stderr);
        assert!(
            out.stderr.contains("the service asked to wait") && out.stderr.contains("try again any time"),
            "{}",
            out.stderr
        );
        assert!(out.took < Duration::from_secs(20), "reported at once, not slept: {:?}", out.took);
        assert_eq!(fake.count(), 1, "a wait past the limit is not waited out");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_service_gets_one_clear_message_after_the_timeout() {
    let fake = Fake::script(vec![Reply::Hang]).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cfg = config(&dir, &fake, "[http]\ntimeout_seconds = 2\n");
    let out = run(&dir, &cfg, &["clusters", "list"]).await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let host = fake.base.trim_start_matches("http://");
    assert!(out.stderr.contains(&format!("no answer from {host} after 2")), "{}", out.stderr);
    assert_eq!(out.stderr.matches("no answer").count(), 1, "one message: {}", out.stderr);
    assert_eq!(fake.count(), 1, "a stall is not waited out again");
    assert!(out.took < Duration::from_secs(15), "{:?}", out.took);
    // A bad value is a configuration error with its line.
    let cfg = config(&dir, &fake, "[http]\ntimeout_seconds = 0\n");
    let out = run(&dir, &cfg, &["clusters", "list"]).await;
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("config.toml") && out.stderr.contains("timeout_seconds"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_hears_what_a_headless_command_waits_for() {
    let fake = Fake::script(vec![Reply::Hang]).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cfg = config(&dir, &fake, "[http]\ntimeout_seconds = 5\n");
    let home = dir.path().display();
    let cmd = format!("HOME={home} {BIN} --config {} clusters list; echo exit=$?", cfg.display());
    let Some(t) = Tmux::start("waits-progress", &cmd) else { return };
    let host = fake.base.trim_start_matches("http://").to_string();
    let screen = t.wait_for(&format!("sparkdeck: waiting for {host} to answer… "));
    assert!(!screen.contains("exit=1"), "{screen}");
    let screen = t.wait_for("exit=1");
    // The progress line is gone; the one message is there.
    assert!(!screen.contains("to answer…"), "{screen}");
    assert!(screen.contains(&format!("no answer from {host} after 5")), "{screen}");
}

/// The clusters pane's data: one terminated cluster, then (from the second poll on) a one-day
/// `Retry-After` — or an endless one from the start.
fn databricks(first_list_ok: bool, wait: &'static str) -> impl Fn(&Seen, usize) -> Reply + Send + Sync {
    let lists = Arc::new(AtomicUsize::new(0));
    move |seen, _| match (seen.method.as_str(), seen.path.as_str()) {
        ("GET", "/api/2.1/clusters/list") => {
            if lists.fetch_add(1, Ordering::SeqCst) == 0 && first_list_ok {
                Reply::json(
                    200,
                    json!({"clusters": [{"cluster_id": "0101-000000-waits1", "cluster_name": "nightly",
                        "state": "TERMINATED", "spark_version": "15.4.x-scala2.12", "num_workers": 2,
                        "cluster_source": "UI", "creator_user_name": "ada@example.com"}]}),
                )
            } else {
                throttled(wait)
            }
        }
        ("GET", "/api/2.2/jobs/runs/list") => Reply::json(200, json!({"runs": []})),
        _ => Reply::json(200, json!({})),
    }
}

fn monitor(dir: &tempfile::TempDir, cfg: &std::path::Path) -> String {
    let home = dir.path().display();
    format!("HOME={home} XDG_DATA_HOME={home}/data {BIN} --config {}; echo exit=$?", cfg.display())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_monitor_survives_an_endless_retry_after_and_keys_keep_answering() {
    let fake = Fake::start(databricks(false, "18446744073709551615")).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cfg = config(&dir, &fake, "[poll]\nactive_seconds = 1\n");
    let Some(t) = Tmux::start("waits-endless", &monitor(&dir, &cfg)) else { return };
    t.wait_for("Sessions (");
    t.keys(&[":clusters", "Enter"]);
    let screen = t.wait_for("throttled");
    assert!(!screen.contains("before-sparkdeck"), "still full screen:\n{screen}");
    // Keys keep answering: help opens and closes.
    t.keys(&["?"]);
    t.wait_for("start the terminated cluster");
    t.keys(&["Escape"]);
    t.wait_until("help to close", |s| !s.contains("start the terminated cluster"));
    t.keys(&["q"]);
    let screen = t.wait_for("exit=0");
    assert!(screen.contains("before-sparkdeck"), "terminal restored:\n{screen}");
    assert!(!screen.contains("panicked"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_day_wait_does_not_freeze_the_users_action() {
    let fake = Fake::start(databricks(true, "86400")).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cfg = config(&dir, &fake, "[poll]\nactive_seconds = 1\nidle_seconds = 1\nfinished_seconds = 1\n");
    let Some(t) = Tmux::start("waits-one-day", &monitor(&dir, &cfg)) else { return };
    t.wait_for("Sessions (");
    t.keys(&[":clusters", "Enter"]);
    t.wait_for("nightly");
    // The next poll is refused for a day: the workspace waits (at most five minutes)…
    let screen = t.wait_for("throttled");
    assert!(screen.contains("nightly"), "{screen}");
    let polls = fake.requests().iter().filter(|s| s.path == "/api/2.1/clusters/list").count();
    // …but starting the cluster goes out at once.
    t.keys(&["u"]);
    t.wait_for("start");
    t.keys(&["y"]);
    let started = Instant::now();
    while !fake.requests().iter().any(|s| s.method == "POST" && s.path == "/api/2.1/clusters/start") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the start never went out: {:?}",
            fake.requests()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    t.wait_for("started ✓ cluster");
    let later = fake.requests().iter().filter(|s| s.path == "/api/2.1/clusters/list").count();
    assert!(later <= polls + 1, "the pollers keep waiting at the gate ({polls} → {later} lists)");
    t.keys(&["q"]);
    t.wait_for("exit=0");
}
