//! Marks in a real terminal: the real binary (`--demo`) in tmux marks three running runs with
//! space, cancels them in one step (one confirmation listing the three) and sees all three end
//! CANCELED. Skipped when tmux is missing, except in CI.

#[path = "common/tmux.rs"]
mod tmux;

use tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_sparkdeck");

/// The run ids the confirmation lists (the last column of its target lines).
fn listed_ids(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !l.contains("Cancel 3 runs?"))
        .skip(2)
        .take_while(|l| !l.contains("y cancel"))
        .filter_map(|l| {
            let inner = l.trim_matches(|c: char| c == '│' || c.is_whitespace());
            let last = inner.split_whitespace().last()?.trim_end_matches('│');
            last.chars().all(|c| c.is_ascii_digit()).then(|| last.to_string())
        })
        .collect()
}

#[test]
fn three_marked_runs_are_cancelled_in_one_step_and_all_end_canceled() {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let h = home.path().display();
    let cmd =
        format!("env HOME={h} XDG_DATA_HOME={h}/data XDG_CONFIG_HOME={h}/config {BIN} --demo; echo exit=$?");
    let Some(t) = Tmux::start("marks", &cmd) else { return };
    t.wait_for("Sessions (");
    t.keys(&["4"]);
    t.wait_for("Runs (");
    // Only the running ones, then three of them marked.
    t.keys(&["/", "^running$", "Enter"]);
    t.wait_until("three running runs under the filter", |s| {
        s.contains("regex ^running$") && s.lines().filter(|l| l.contains(" RUNNING ")).count() >= 3
    });
    t.keys(&["Space"]);
    t.wait_for("1 marked");
    t.keys(&["Space"]);
    t.wait_for("2 marked");
    t.keys(&["Space"]);
    t.wait_for("3 marked");
    t.keys(&["c"]);
    let screen = t.wait_for("Cancel 3 runs?");
    let ids = listed_ids(&screen);
    assert_eq!(ids.len(), 3, "the confirmation lists the three runs:\n{screen}");
    t.keys(&["y"]);
    t.wait_for("3 cancelled ✓");
    // The three, found by id: each ends CANCELED.
    t.keys(&["/", "Escape"]);
    t.wait_until("the filter to clear", |s| !s.contains("regex ^running$"));
    t.keys(&["/", &format!("^({})$", ids.join("|")), "Enter"]);
    let screen = t.wait_until("all three to end CANCELED", |s| {
        ids.iter().all(|id| s.lines().any(|l| l.contains(&format!(" {id} ")) && l.contains("CANCELED")))
    });
    assert!(screen.contains("Runs (3 of"), "{screen}");
    t.keys(&["q"]);
    t.wait_for("exit=0");
}
