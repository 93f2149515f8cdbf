//! The README's `exec` examples run as written, with the real binary and its `--demo`
//! simulator: each line of the "With the simulator" block under `exec` is run through `sh`
//! (only `sparkdeck` is replaced by this build, and the demo sped up), and must succeed with
//! the output the README promises.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sparkdeck");

/// The `sparkdeck --demo … exec …` lines of the README's shell blocks.
fn exec_examples() -> Vec<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .unwrap_or_else(|e| panic!("README.md: {e}"));
    readme
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("sparkdeck --demo ") && l.contains(" exec "))
        .map(str::to_string)
        .collect()
}

fn run(line: &str) -> (bool, String, String) {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // This build, at 50 times the simulator's real pace (an HC session starts in about a second).
    let script = line.replace("sparkdeck --demo", &format!("{BIN} --demo --demo-speed 50"));
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .unwrap_or_else(|e| panic!("sh: {e}"));
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn the_readme_exec_examples_work_as_written() {
    let examples = exec_examples();
    assert!(examples.len() >= 3, "the README's exec examples: {examples:?}");
    let has_jq = Command::new("jq").arg("--version").output().is_ok_and(|o| o.status.success());
    for line in &examples {
        if line.contains("jq ") && !has_jq {
            eprintln!("skipped (no jq here): {line}");
            continue;
        }
        let (ok, stdout, stderr) = run(line);
        assert!(ok, "{line}\nstdout: {stdout}\nstderr: {stderr}");
        if line.contains("-o csv") {
            assert!(stdout.starts_with("region,n\n") && stdout.lines().count() > 2, "{line}\n{stdout}");
        } else if line.contains("-o json") {
            let doc: serde_json::Value =
                serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{line}: {e}\n{stdout}"));
            assert_eq!(doc["status"], "ok", "{doc}");
            let rows = doc["output"]["rows"].as_array().map_or(0, Vec::len);
            assert_eq!(rows, 3, "limit(3): {doc}");
            assert!(doc["output"]["rows"][0][0].is_number(), "numbers stay numbers: {doc}");
        } else if line.contains("spark.range(1000).count()") {
            assert_eq!(stdout.trim(), "1000", "{line}");
        } else {
            assert!(!stdout.trim().is_empty(), "{line} printed nothing");
        }
    }
}
