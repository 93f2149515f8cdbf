//! The real binary in a real terminal: `sparkdeck --demo` runs inside tmux, the test types keys
//! and reads the screen, then checks that quitting restores the terminal (the alternate screen
//! is left and the shell's text is back). Skipped when tmux is missing, except in CI.

#[path = "common/tmux.rs"]
mod tmux;

use tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_sparkdeck");

/// Once the monitor is up, open the editor from the Batches pane: a batch names only its
/// workspace, so the editor gets a REPL of its own there (a live session selected in Sessions
/// would be attached to instead, whichever row the first poll put on top).
fn open_editor(t: &Tmux) {
    t.wait_for("Sessions (");
    t.keys(&["2"]);
    t.wait_for("Batches (");
    t.keys(&["e"]);
}

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
    open_editor(&t);
    t.wait_for("no session yet: F5 starts one");
    t.keys(&["-l", "answer = 6 * 7"]);
    t.keys(&["Enter"]);
    t.keys(&["-l", "print(answer)"]);
    t.keys(&["F5"]);
    let screen = t.wait_for("[1] PySpark ok");
    assert!(screen.contains("   42"), "{screen}");
    assert!(screen.contains("session ") && screen.contains("REPL "), "{screen}");
    // A second tab with text of its own.
    t.keys(&["C-t"]);
    t.wait_for("Tab 2");
    t.keys(&["-l", "SELECT 'second tab'"]);
    t.wait_for("SELECT 'second tab'");
    // The terminal goes away under it (SIGHUP, no orderly quit): every tab was saved as typed.
    drop(t);
    let draft = std::fs::read_to_string(home.path().join("data/sparkdeck/editor/tabs.json"))
        .unwrap_or_else(|e| panic!("the tabs were saved: {e}"));
    assert!(draft.contains("answer = 6 * 7\\nprint(answer)"), "{draft}");
    assert!(draft.contains("SELECT 'second tab'"), "{draft}");
    let history = std::fs::read_to_string(home.path().join("data/sparkdeck/editor/history.jsonl"))
        .unwrap_or_else(|e| panic!("the history was saved: {e}"));
    assert_eq!(history.lines().count(), 1, "{history}");
    // The next start opens the editor on the same text, with the run in its history.
    let Some(t) = Tmux::start("editor-again", &cmd) else { return };
    open_editor(&t);
    let screen = t.wait_for("SELECT 'second tab'");
    assert!(screen.contains("│ 2 "), "both tabs are back: {screen}");
    t.keys(&["M-1"]);
    let screen = t.wait_for("print(answer)");
    assert!(screen.contains("answer = 6 * 7"), "{screen}");
    t.keys(&["M-Up"]);
    t.wait_for("history 1/1");
    // Quitting while a statement runs leaves its session to finish it, and says so.
    t.keys(&["C-l"]);
    t.keys(&["-l", "import time"]);
    t.keys(&["Enter"]);
    t.keys(&["-l", "time.sleep(3600)"]);
    t.keys(&["F5"]);
    t.wait_for("PySpark running");
    t.keys(&["C-c"]);
    let screen = t.wait_for("it was left to finish");
    assert!(screen.contains("ends an idle session after 20 minutes"), "{screen}");
}

#[test]
fn ctrl_e_edits_the_text_in_the_outside_editor_and_the_screen_comes_back() {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let h = home.path().display();
    // A scripted editor: it rewrites the file it is given, as a person would in vim. A second
    // script fails (as `:cq` does), which must leave the text as it was.
    let editor = home.path().join("fake-editor");
    let failing = home.path().join("failing-editor");
    for (path, body) in [
        (&editor, "sleep 1\nprintf 'x = 6\\nprint(x * 7)\\n' > \"$1\""),
        (&failing, "echo broken > \"$1\"\nexit 1"),
    ] {
        std::fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap_or_else(|e| panic!("{e}"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let cmd = format!(
        "env HOME={h} XDG_DATA_HOME={h}/data XDG_CONFIG_HOME={h}/config VISUAL={} {BIN} --demo --demo-speed 50",
        editor.display()
    );
    let Some(t) = Tmux::start("external-editor", &cmd) else { return };
    open_editor(&t);
    t.wait_for("no session yet: F5 starts one");
    t.keys(&["-l", "draft = 1"]);
    t.wait_for("draft = 1");
    t.keys(&["C-e"]);
    // While the editor runs, the monitor has given the terminal up.
    t.wait_until("the monitor to step aside", |s| !s.contains("ctrl-t new tab"));
    let screen = t.wait_for("text from the outside editor is in");
    assert!(screen.contains("print(x * 7)") && !screen.contains("draft = 1"), "{screen}");
    t.keys(&["F5"]);
    let screen = t.wait_for("[1] PySpark ok");
    assert!(screen.contains("   42"), "{screen}");
    // Undo brings the text from before the outside editor back.
    t.keys(&["C-z"]);
    t.wait_for("draft = 1");
    t.keys(&["C-c"]);
    t.wait_until("the monitor to quit", |s| !s.contains("ctrl-t new tab"));

    // The failing editor: the text stays, and the user is told where the edits are.
    let cmd = cmd.replace(&editor.display().to_string(), &failing.display().to_string());
    let Some(t) = Tmux::start("failing-editor", &cmd) else { return };
    open_editor(&t);
    t.wait_for("draft = 1");
    t.keys(&["C-e"]);
    let screen = t.wait_for("did not finish");
    assert!(screen.contains("draft = 1") && screen.contains("exited with"), "{screen}");
}
