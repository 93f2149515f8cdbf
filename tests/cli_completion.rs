//! `sparkdeck completion SHELL`: the real binary prints a script each shell accepts, naming the
//! subcommands and their options.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sparkdeck");

fn script(shell: &str) -> String {
    let out = Command::new(BIN).args(["completion", shell]).output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0), "{shell}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("{shell}: {e}"))
}

/// A shell that is installed accepts the script's syntax (`-n`: parse, run nothing).
fn syntax_ok(shell: &str, text: &str) -> Option<bool> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("completion");
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    let status = Command::new(shell).arg("-n").arg(&path).status().ok()?;
    Some(status.success())
}

#[test]
fn each_shell_gets_a_script_naming_the_commands() {
    for shell in ["bash", "zsh", "fish"] {
        let text = script(shell);
        for word in ["sessions", "batches", "clusters", "runs", "tokens", "secrets", "doctor", "completion"] {
            assert!(text.contains(word), "{shell} script lacks {word}");
        }
        // Nested commands, their options (fish writes `-l output`) and the options' values.
        for word in ["keep-alive", "node-types", "workspace", "output", "json"] {
            assert!(text.contains(word), "{shell} script lacks {word}");
        }
    }
    // Bash is on every machine the suite runs on; zsh and fish are checked where installed.
    assert_eq!(syntax_ok("bash", &script("bash")), Some(true), "bash -n rejects the script");
    for shell in ["zsh", "fish"] {
        assert_ne!(syntax_ok(shell, &script(shell)), Some(false), "{shell} -n rejects the script");
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let out = Command::new(BIN).args(["completion", "tcsh"]).output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bash") && stderr.contains("zsh") && stderr.contains("fish"), "{stderr}");
    assert!(out.stdout.is_empty());
}
