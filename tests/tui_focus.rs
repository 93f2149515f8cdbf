//! Focus reporting in a real terminal: the monitor asks for it (CSI ?1004h), and the focus
//! reports a terminal sends (`CSI O` lost, `CSI I` gained) pause it and wake it again.

#[path = "common/tmux.rs"]
mod tmux;

use tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_sparkdeck");

#[test]
fn losing_focus_pauses_the_monitor_and_focus_wakes_it() {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let h = home.path().display();
    let cmd =
        format!("env HOME={h} XDG_DATA_HOME={h}/data XDG_CONFIG_HOME={h}/config {BIN} --demo; echo exit=$?");
    let Some(t) = Tmux::start("focus", &cmd) else { return };
    t.wait_for("Sessions (");
    assert!(!t.screen().contains("paused"));
    // What a terminal sends when its window loses focus, then gains it.
    t.keys(&["-l", "\x1b[O"]);
    t.wait_for("[paused: not focused]");
    t.keys(&["-l", "\x1b[I"]);
    t.wait_until("the pause to end", |s| s.contains("refreshed") && !s.contains("paused"));
    t.keys(&["q"]);
    t.wait_for("exit=0");
}
