//! Headless commands tell the truth: the real binary against the in-process simulator
//! (`--demo`), each in a home of its own so no user configuration leaks in.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sparkdeck");

struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run_in(home: &std::path::Path, args: &[&str], columns: &str) -> Out {
    let out = Command::new(BIN)
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("COLUMNS", columns)
        .env_remove("SPARKDECK_CONFIG")
        .env_remove("DATABRICKS_HOST")
        .env_remove("DATABRICKS_TOKEN")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    Out {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn home() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn run(args: &[&str]) -> Out {
    let h = home();
    run_in(h.path(), args, "80")
}

#[test]
fn the_demo_honours_the_settings_of_the_config_file_and_says_what_it_ignores() {
    let h = home();
    let config = h.path().join("mine.toml");
    std::fs::write(
        &config,
        "read_only = true\n[[databricks]]\nname = \"real\"\nhost = \"https://adb-1.azuredatabricks.net\"\nauth = { method = \"databricks-cli\" }\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let path = config.display().to_string();
    let out = run_in(h.path(), &["--demo", "--config", &path, "clusters", "start", "anything"], "80");
    assert_eq!(out.code, Some(2), "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("read_only = true"), "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("come from {path}; its 1 workspace(s) are not used")),
        "{}",
        out.stderr
    );
    // A broken file is said, not silently replaced by defaults.
    std::fs::write(&config, "read_only = maybe\n").unwrap_or_else(|e| panic!("{e}"));
    let out = run_in(h.path(), &["--demo", "--config", &path, "clusters", "list"], "80");
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("mine.toml") && out.stderr.contains("--demo takes its settings"),
        "{}",
        out.stderr
    );
    // No file at all: the demo's defaults.
    assert_eq!(run(&["--demo", "clusters", "list", "--limit", "1"]).code, Some(0));
}

#[test]
fn list_filters_by_state_before_it_limits_and_refuses_unknown_states() {
    // The newest run is not a failed one, so a limit applied first would find none.
    let out = run(&["--demo", "runs", "list", "--state", "FAILED", "--limit", "1", "-o", "json"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap_or_default();
    assert_eq!(rows.len(), 1, "{}", out.stdout);
    assert_eq!(rows[0]["sparkdeck_status"], "failed");
    let out = run(&["--demo", "runs", "list", "--state", "FAILED", "--limit", "2"]);
    assert!(out.stdout.contains("TERMINATED/FAILED"), "the state word says the result:\n{}", out.stdout);
    let out = run(&["--demo", "clusters", "list", "--state", "RUNING"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("\"RUNING\" is not a state of clusters") && out.stderr.contains("RUNNING"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn list_and_get_agree_on_the_state_word_and_fields() {
    let out = run(&["--demo", "runs", "list", "--state", "failed", "--limit", "1", "-o", "json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap_or_default();
    let id = rows.first().and_then(|r| r["id"].as_str()).unwrap_or_default().to_string();
    let table = run(&["--demo", "runs", "list", "--state", "failed", "--limit", "1"]);
    let get = run(&["--demo", "runs", "get", &id]);
    assert_eq!(get.code, Some(0), "{}", get.stderr);
    let word = table
        .stdout
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().find(|w| w.contains('/')))
        .unwrap_or_default();
    assert!(word.starts_with("TERMINATED/") || word.starts_with("INTERNAL_ERROR/"), "{}", table.stdout);
    assert!(get.stdout.contains(&format!("State      {word} (failed)")), "{word}:\n{}", get.stdout);
    for field in ["Owner", "Started", "Name"] {
        assert!(get.stdout.contains(field), "{field}:\n{}", get.stdout);
    }
    for header in ["OWNER", "STARTED"] {
        assert!(
            run_in(home().path(), &["--demo", "runs", "list", "--limit", "1"], "200").stdout.contains(header)
        );
        assert!(
            run_in(home().path(), &["--demo", "clusters", "list", "--limit", "1"], "200")
                .stdout
                .contains(header)
        );
    }
}

#[test]
fn every_table_fits_columns() {
    for args in [
        &["--demo", "tokens", "list", "--workspace", "adb-dev"][..],
        &["--demo", "runs", "list"][..],
        &["--demo", "batches", "list"][..],
        &["--demo", "clusters", "spark-versions", "--workspace", "adb-dev"][..],
        &["--demo", "secrets", "scopes", "--workspace", "adb-dev"][..],
        &["--demo", "clusters", "node-types", "--workspace", "adb-dev"][..],
        &["--demo", "principals", "list", "--workspace", "adb-dev"][..],
        &["--demo", "clusters", "list"][..],
        &["--demo", "sessions", "list"][..],
    ] {
        let h = home();
        let out = run_in(h.path(), args, "80");
        assert_eq!(out.code, Some(0), "{args:?}: {}", out.stderr);
        for line in out.stdout.lines() {
            // A token id alone is 64 characters: the rest of its row gives way.
            assert!(line.chars().count() <= 80, "{args:?} too wide:\n{}", out.stdout);
        }
    }
}

/// One workspace's sign-in problem (an unset `*_env` variable) is that workspace's error: the
/// others work, `doctor` says what to do, `--workspace OTHER` works, and a failed list prints
/// no "No clusters found.".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_that_cannot_sign_in_does_not_stop_the_others() {
    use sparkdeck::sim::{Sim, SimOptions};
    let sim = Sim::start(std::net::SocketAddr::from(([127, 0, 0, 1], 0)), SimOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let good = sim.shared().databricks().demo_workspaces(sim.base_url())[0].clone();
    let h = home();
    let config = h.path().join("config.toml");
    let text = format!(
        "[[databricks]]\nname = \"good\"\nhost = \"{}\"\nauth = {{ method = \"pat\", token = \"{}\" }}\n\n\
         [[databricks]]\nname = \"broken\"\nhost = \"https://adb-1.azuredatabricks.net\"\n\
         auth = {{ method = \"pat\", token_env = \"SPARKDECK_TEST_NEVER_SET\" }}\n",
        good.host, good.pat
    );
    std::fs::write(&config, text).unwrap_or_else(|e| panic!("{e}"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600));
    }
    let path = config.display().to_string();
    let path2 = path.clone();
    let dir = h.path().to_path_buf();
    let run = move |args: &[&str]| {
        let mut all = vec!["--config", path2.as_str()];
        all.extend_from_slice(args);
        run_in(&dir, &all, "200")
    };
    let out = tokio::task::spawn_blocking({
        let run = run.clone();
        move || run(&["doctor"])
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.code, Some(1), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("good (Databricks") && out.stdout.contains("ok:        signed in as"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!("FAILED:    sign-in is not set up: {path}:9:"))
            && out.stdout.contains("`SPARKDECK_TEST_NEVER_SET` (named by `token_env`) is not set")
            && out.stdout.contains("fix:       export SPARKDECK_TEST_NEVER_SET=…"),
        "{}",
        out.stdout
    );
    let (only_good, only_broken, all) = tokio::task::spawn_blocking(move || {
        (
            run(&["clusters", "list", "--workspace", "good"]),
            run(&["clusters", "list", "--workspace", "broken"]),
            run(&["clusters", "list"]),
        )
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(only_good.code, Some(0), "{}", only_good.stderr);
    assert!(only_good.stdout.contains("RUNNING"), "{}", only_good.stdout);
    assert_eq!(only_broken.code, Some(1));
    assert!(only_broken.stdout.is_empty(), "no 'No clusters found.' after an error: {}", only_broken.stdout);
    assert!(
        only_broken.stderr.contains("broken: sign-in is not set up")
            && only_broken.stderr.contains("fix: export"),
        "{}",
        only_broken.stderr
    );
    assert_eq!(all.code, Some(1));
    assert!(all.stdout.contains(" good ") && all.stderr.contains("broken:"), "{}{}", all.stdout, all.stderr);
    sim.shutdown().await;
}

#[test]
fn keep_alive_says_the_new_deadline() {
    let h = home();
    let out = run_in(h.path(), &["--demo", "sessions", "list", "--state", "idle", "-o", "json"], "80");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap_or_default();
    let id = rows
        .iter()
        .find_map(|r| r["id"].as_str())
        .unwrap_or_else(|| panic!("no idle session: {}", out.stdout));
    let out = run_in(h.path(), &["--demo", "sessions", "keep-alive", id], "80");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("idle timeout reset; if it stays idle it ends at "), "{}", out.stdout);
    assert!(out.stdout.contains("(20m from now)"), "{}", out.stdout);
}
