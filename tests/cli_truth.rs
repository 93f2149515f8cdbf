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
