//! The real binary in a real terminal: `sparkdeck --demo` runs inside tmux, the test types keys
//! and reads the screen, then checks that quitting restores the terminal (the alternate screen
//! is left and the shell's text is back). Skipped when tmux is missing, except in CI.

use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sparkdeck");

struct Tmux {
    session: String,
}

impl Tmux {
    fn start(cmd: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(std::env::var_os("CI").is_none(), "tmux is required in CI");
            eprintln!("tmux not found: skipping the real-terminal test");
            return None;
        }
        let session = format!("sparkdeck-test-{}", std::process::id());
        let status = Command::new("tmux")
            .args(["new-session", "-d", "-s", &session, "-x", "120", "-y", "36", "sh"])
            .status()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(status.success());
        let tmux = Tmux { session };
        tmux.keys(&["printf 'before-sparkdeck\\n'", "Enter"]);
        tmux.keys(&[cmd, "Enter"]);
        Some(tmux)
    }

    fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(status.success());
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Wait (up to 20 s: debug builds on a busy machine) until the screen shows `text`.
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "never saw {text:?}; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.session]).status();
    }
}

#[test]
fn demo_in_a_real_terminal() {
    let Some(t) = Tmux::start(&format!("{BIN} --demo; echo exit=$?")) else { return };
    // The monitor opens on sessions with data from the simulator.
    let screen = t.wait_for("Sessions (");
    assert!(screen.contains("Sales Analytics") && screen.contains("refreshed"), "{screen}");
    assert!(!screen.contains("before-sparkdeck"), "the monitor uses the alternate screen:\n{screen}");

    t.keys(&[":clusters", "Enter"]);
    let screen = t.wait_for("Clusters (");
    assert!(screen.contains("RUNNING"), "{screen}");

    t.keys(&["/", "etl-nightly", "Enter"]);
    let screen = t.wait_for("filter etl-nightly");
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains("-0") && l.contains("│")).collect();
    assert!(!rows.is_empty() && rows.iter().all(|l| l.contains("etl-nightly")), "{screen}");

    t.keys(&["Enter"]);
    let screen = t.wait_for("API object");
    assert!(screen.contains("cluster etl-nightly"), "{screen}");

    t.keys(&["Escape"]);
    t.keys(&["q"]);
    let screen = t.wait_for("exit=0");
    // Back on the normal screen, where the shell's earlier output still is.
    assert!(screen.contains("before-sparkdeck"), "terminal not restored:\n{screen}");
    assert!(!screen.contains("Clusters ("), "{screen}");
}
