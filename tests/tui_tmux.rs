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
    // (The pane shows before the first answers: wait for them, a loaded machine is slow.)
    let screen = t.wait_until("sessions from the simulator", |s| {
        s.contains("Sessions (") && s.contains("Sales Analytics") && s.contains("refreshed")
    });
    assert!(!screen.contains("before-sparkdeck"), "the monitor uses the alternate screen:\n{screen}");

    t.keys(&[":clusters", "Enter"]);
    let screen = t.wait_for("Clusters (");
    assert!(screen.contains("RUNNING"), "{screen}");

    t.keys(&["/", "etl-nightly", "Enter"]);
    let screen = t.wait_for("filter etl-nightly");
    let rows: Vec<&str> =
        screen.lines().filter(|l| l.starts_with("│▶ ") || l.starts_with("│  adb")).collect();
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
    // Quitting while a statement runs asks first, then leaves its session to finish it, and
    // says so.
    t.keys(&["C-l"]);
    t.keys(&["-l", "import time"]);
    t.keys(&["Enter"]);
    t.keys(&["-l", "time.sleep(3600)"]);
    t.keys(&["F5"]);
    t.wait_for("PySpark running");
    t.keys(&["C-c"]);
    let screen = t.wait_for("Quit sparkdeck?");
    assert!(screen.contains("it is left to finish"), "{screen}");
    t.keys(&["y"]);
    let screen = t.wait_for("it was left to finish");
    assert!(screen.contains("20 idle minutes") && !screen.contains("Databricks"), "{screen}");
}

/// The seconds in "1h 02m", "19m 26s", "45s".
fn seconds(text: &str) -> Option<i64> {
    let mut total = 0;
    for part in text.split_whitespace() {
        let (n, unit) = part.split_at(part.find(|c: char| !c.is_ascii_digit())?);
        let n: i64 = n.parse().ok()?;
        total += n * match unit {
            "d" => 86_400,
            "h" => 3_600,
            "m" => 60,
            "s" => 1,
            _ => return None,
        };
    }
    Some(total)
}

/// The cell under `column`'s title in the row holding `row`.
fn cell(screen: &str, column: &str, row: &str) -> Option<String> {
    let header = screen.lines().find(|l| l.contains(column))?;
    let at = header.chars().collect::<String>().find(column)?;
    let start = header[..at].chars().count();
    let line = screen.lines().find(|l| l.contains(row))?;
    let text: String = line.chars().skip(start).take(column.chars().count().max(8)).collect();
    Some(text.trim().to_string())
}

#[test]
fn the_demo_clock_follows_demo_speed() {
    let Some(t) = Tmux::start("clock", &format!("{BIN} --demo --demo-speed 20")) else { return };
    let first = t.wait_until("an idle countdown", |s| {
        cell(s, "IDLE IN", " idle ").is_some_and(|c| seconds(&c).is_some())
    });
    let row = first.lines().find(|l| l.contains(" idle ")).unwrap_or_default();
    let id = row
        .split_whitespace()
        .find(|w| w.len() == 8 && w.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or_default()
        .to_string();
    let before = cell(&first, "IDLE IN", &id).and_then(|c| seconds(&c)).unwrap_or_else(|| panic!("{first}"));
    std::thread::sleep(std::time::Duration::from_secs(3));
    let later = t.screen();
    let after = cell(&later, "IDLE IN", &id).and_then(|c| seconds(&c)).unwrap_or_else(|| panic!("{later}"));
    // Three seconds at 20× are a simulated minute: the countdown moved by about that much.
    assert!(before - after >= 40, "the countdown went from {before} s to {after} s:\n{first}\n{later}");
    t.keys(&["q"]);
}

#[test]
fn q_closes_each_overlay_and_quits_only_from_the_pane() {
    let Some(t) = Tmux::start("overlays", &format!("{BIN} --demo; echo exit=$?")) else { return };
    t.wait_for("Sessions (");
    t.keys(&["3"]);
    // A selected row (the first poll has answered) before Enter can open it.
    t.wait_until("a selected cluster row", |s| s.contains("Clusters (") && s.contains("│▶ "));
    for (open, shown) in [("Enter", "API object"), ("?", "Keys: pane"), ("l", "logs: cluster")] {
        t.keys(&[open]);
        t.wait_for(shown);
        t.keys(&["q"]);
        let screen = t.wait_until(&format!("{shown:?} to close"), |s| !s.contains(shown));
        assert!(
            screen.contains("Clusters (") && !screen.contains("exit="),
            "q quit from an overlay:\n{screen}"
        );
    }
    t.keys(&["q"]);
    t.wait_for("exit=0");
}

/// `/state:failed` keeps only failed runs, and shift + the name column's letter (`J` in Runs)
/// sorts them by name; again reverses.
#[test]
fn a_field_filter_and_a_sort_letter_in_a_real_terminal() {
    let Some(t) = Tmux::start("filters", &format!("{BIN} --demo; echo exit=$?")) else { return };
    t.wait_for("Sessions (");
    t.keys(&["4"]);
    t.wait_until("run rows", |s| s.contains("Runs (") && s.contains("│▶ "));
    t.keys(&["/", "state:failed", "Enter"]);
    // Failed runs: the unified word covers FAILED, TIMEDOUT, INTERNAL_ERROR alike.
    let rows_of = |screen: &str| -> Vec<String> {
        screen
            .lines()
            .filter(|l| {
                (l.starts_with("│▶ ") || l.starts_with("│  "))
                    && (l.contains(" TERMINATED ") || l.contains(" INTERNAL_ERROR "))
            })
            .map(str::to_string)
            .collect()
    };
    let screen =
        t.wait_until("only failed runs", |s| s.contains("filter state:failed") && !rows_of(s).is_empty());
    assert!(!screen.contains("SUCCESS") && !screen.contains(" RUNNING "), "{screen}");
    let names = |screen: &str| -> Vec<String> {
        rows_of(screen).iter().filter_map(|l| cell_of(screen, "JOB / RUN", l)).collect()
    };
    // The title changes before the rows below it are written (tmux can be read between the
    // two): wait for the whole table, which fails with the screen if it never sorts.
    let in_order = |names: &[String], reverse: bool| {
        let mut expected = names.to_vec();
        expected.sort_by_key(|n| n.to_lowercase());
        if reverse {
            expected.reverse();
        }
        names.len() >= 2 && names == expected
    };
    t.keys(&["J"]);
    let screen =
        t.wait_until("rows sorted A to Z", |s| s.contains("sort name ↓") && in_order(&names(s), false));
    let sorted = names(&screen);
    t.keys(&["J"]);
    let screen =
        t.wait_until("rows sorted Z to A", |s| s.contains("sort name ↑") && in_order(&names(s), true));
    assert_eq!(names(&screen).len(), sorted.len(), "{screen}");
    t.keys(&["q"]);
    t.wait_for("exit=0");
}

/// The text of `line` under `column`'s title (up to the next two spaces).
fn cell_of(screen: &str, column: &str, line: &str) -> Option<String> {
    let header = screen.lines().find(|l| l.contains(column))?;
    let start = header[..header.find(column)?].chars().count();
    let text: String = line.chars().skip(start).collect();
    Some(text.split("  ").next()?.trim().to_string())
}

/// A workspace whose clusters list fails: its error shows in place, `!` opens it whole (status,
/// code, message, request, fix), `q` closes it, and the monitor keeps running.
#[test]
fn the_whole_error_in_a_real_terminal() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    /// The simulator process, stopped however the test ends.
    struct Child(std::process::Child);
    impl Drop for Child {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut sim = Child(
        Command::new(BIN)
            .args([
                "sim",
                "--listen",
                "127.0.0.1:0",
                "--faults",
                "/api/2.1/clusters/list:503=1",
                "--print-config",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let mut reader = BufReader::new(sim.0.stdout.take().unwrap_or_else(|| panic!("stdout")));
    let (mut config, mut pats) = (String::new(), 0);
    while pats < 2 {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        pats += usize::from(line.starts_with("auth = { method = \"pat\""));
        config += &line;
    }
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = home.path().join("sim.toml");
    std::fs::write(&path, &config).unwrap_or_else(|e| panic!("{e}"));
    let h = home.path().display();
    let cmd = format!(
        "env HOME={h} XDG_DATA_HOME={h}/data SPARKDECK_SIM_TOKEN=sim-fabric-token {BIN} --config {}; echo exit=$?",
        path.display()
    );
    let Some(t) = Tmux::start("errors", &cmd) else { return };
    t.wait_for("Sessions (");
    t.keys(&["3"]);
    t.wait_for("503 Service Unavailable");
    t.keys(&["!"]);
    // The view may be caught half drawn: wait for the whole of it.
    let parts = [
        "┌ Errors ",
        "Request",
        "GET /api/2.1/clusters/list",
        "Status",
        "503 Service Unavailable",
        "Request id",
        "TEMPORARILY_UNAVAILABLE",
    ];
    t.wait_until("the whole error", |s| parts.iter().all(|p| s.contains(p)));
    t.keys(&["q"]);
    let screen = t.wait_until("the errors view to close", |s| !s.contains("┌ Errors "));
    assert!(screen.contains("Clusters (") && !screen.contains("exit="), "{screen}");
    t.keys(&["q"]);
    t.wait_for("exit=0");
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
    // The editor holds the REPL it acquired: quitting asks first.
    t.keys(&["C-c"]);
    t.wait_for("Quit sparkdeck?");
    t.keys(&["y"]);
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
