//! The real binary in a real terminal: `sparkdeck --demo` runs inside tmux, the test types keys
//! and reads the screen, then checks that quitting restores the terminal (the alternate screen
//! is left and the shell's text is back). Skipped when tmux is missing, except in CI.

#[path = "common/tmux.rs"]
mod tmux;

use tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_sparkdeck");

#[test]
fn demo_in_a_real_terminal() {
    let Some(t) = Tmux::start("monitor", &format!("{BIN} --demo; echo exit=$?")) else { return };
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
    // An Escape followed at once by q reads as Alt-q: let the details close first.
    t.wait_until("the details to close", |s| !s.contains("API object"));
    t.keys(&["q"]);
    let screen = t.wait_for("exit=0");
    // Back on the normal screen, where the shell's earlier output still is.
    assert!(screen.contains("before-sparkdeck"), "terminal not restored:\n{screen}");
    assert!(!screen.contains("Clusters ("), "{screen}");
}

#[test]
fn the_editor_runs_code_and_its_text_survives_a_killed_terminal() {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let h = home.path().display();
    // Its own home, so the drafts are this test's; a fast simulator clock, so the session
    // starts in about a second.
    let cmd = format!(
        "env HOME={h} XDG_DATA_HOME={h}/data XDG_CONFIG_HOME={h}/config {BIN} --demo --demo-speed 50"
    );
    let Some(t) = Tmux::start("editor", &cmd) else { return };
    t.wait_for("Sessions (");
    t.keys(&["e"]);
    t.wait_for("no session yet: F5 starts one");
    t.keys(&["-l", "answer = 6 * 7"]);
    t.keys(&["Enter"]);
    t.keys(&["-l", "print(answer)"]);
    t.keys(&["F5"]);
    let screen = t.wait_for("[1] PySpark ok");
    assert!(screen.contains("   42"), "{screen}");
    assert!(screen.contains("session ") && screen.contains("REPL "), "{screen}");
    // The terminal goes away under it (SIGHUP, no orderly quit): the text was saved as it was typed.
    drop(t);
    let draft = std::fs::read_to_string(home.path().join("data/sparkdeck/editor/draft.json"))
        .unwrap_or_else(|e| panic!("the draft was saved: {e}"));
    assert!(draft.contains("answer = 6 * 7\\nprint(answer)"), "{draft}");
    let history = std::fs::read_to_string(home.path().join("data/sparkdeck/editor/history.jsonl"))
        .unwrap_or_else(|e| panic!("the history was saved: {e}"));
    assert_eq!(history.lines().count(), 1, "{history}");
    // The next start opens the editor on the same text, with the run in its history.
    let Some(t) = Tmux::start("editor-again", &cmd) else { return };
    t.wait_for("Sessions (");
    t.keys(&["e"]);
    let screen = t.wait_for("print(answer)");
    assert!(screen.contains("answer = 6 * 7"), "{screen}");
    t.keys(&["M-Up"]);
    t.wait_for("history 1/1");
    // Quitting while a statement runs leaves its session to finish it, and says so.
    t.keys(&["C-a", "C-k", "C-h", "C-a", "C-k"]);
    t.keys(&["-l", "import time"]);
    t.keys(&["Enter"]);
    t.keys(&["-l", "time.sleep(3600)"]);
    t.keys(&["F5"]);
    t.wait_for("PySpark running");
    t.keys(&["C-c"]);
    let screen = t.wait_for("it was left to finish");
    assert!(screen.contains("ends an idle session after 20 minutes"), "{screen}");
}
