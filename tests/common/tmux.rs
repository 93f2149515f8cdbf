//! A real terminal for tests: a tmux session on a server of its own (`-L`), so tests that run
//! at once never race to start or stop one shared server. Skipped when tmux is missing, except
//! in CI.

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    session: String,
}

impl Tmux {
    /// A tmux session named after this test process and `name`, running `cmd` in a shell.
    pub fn start(name: &str, cmd: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(std::env::var_os("CI").is_none(), "tmux is required in CI");
            eprintln!("tmux not found: skipping the real-terminal test");
            return None;
        }
        let session = format!("sparkdeck-test-{}-{name}", std::process::id());
        let tmux = Tmux { session };
        let status = tmux
            .command()
            .args(["new-session", "-d", "-s", &tmux.session, "-x", "120", "-y", "36", "sh"])
            .status()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(status.success());
        tmux.keys(&["printf 'before-sparkdeck\\n'", "Enter"]);
        tmux.keys(&[cmd, "Enter"]);
        Some(tmux)
    }

    /// `tmux` talking to this session's own server.
    fn command(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &self.session]);
        cmd
    }

    pub fn keys(&self, keys: &[&str]) {
        let status = self
            .command()
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(status.success());
    }

    pub fn screen(&self) -> String {
        let out = self
            .command()
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Wait (up to 20 s: debug builds on a busy machine) until the screen shows `text`.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    /// Wait (up to 40 s: a loaded 2-core machine is slow) until the screen satisfies `ok`.
    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(start.elapsed() < Duration::from_secs(40), "never saw {what}; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command().arg("kill-server").status();
    }
}
