//! The New form in a real terminal: `sparkdeck --demo` in tmux, `n` on the Batches pane, a
//! local Python file typed into the form, the review, `y` — then the new batch shows at once,
//! runs to success on the simulator (the file uploaded to OneLake first), and `l` shows what the
//! file printed. Skipped when tmux is missing, except in CI.

#[path = "common/tmux.rs"]
mod tmux;

use tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_sparkdeck");

#[test]
fn a_batch_from_the_form_runs_to_success_and_its_log_shows_what_it_printed() {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let h = home.path().display();
    let job = home.path().join("form_job.py");
    std::fs::write(&job, "print('hello from the form')\nprint('rows written: 42')\n")
        .unwrap_or_else(|e| panic!("{e}"));
    // Its own home (what the form remembers goes there); a fast simulator clock.
    let cmd = format!(
        "env HOME={h} XDG_DATA_HOME={h}/data XDG_CONFIG_HOME={h}/config {BIN} --demo --demo-speed 50; echo exit=$?"
    );
    let Some(t) = Tmux::start("form", &cmd) else { return };
    t.wait_for("Sessions (");
    t.keys(&["2"]);
    t.wait_for("Batches (");
    t.keys(&["n"]);
    t.wait_until("the form with its keys", |s| {
        s.contains("New batch · ") && s.contains("*File") && s.contains("ctrl-s review")
    });
    // The form starts on the lakehouse (the selected row's); the file comes next.
    t.keys(&["Tab"]);
    t.keys(&["-l", &job.display().to_string()]);
    t.keys(&["Tab"]);
    t.keys(&["-l", "from-the-form"]);
    t.keys(&["Tab", "Tab"]);
    // `--` ends tmux's options: the text starts with a dash.
    t.keys(&["-l", "--", "--day 2026-11-21"]);
    t.keys(&["C-s"]);
    let screen = t.wait_for("Review: New batch");
    assert!(
        screen.contains("Upload") && screen.contains("form_job.py"),
        "the upload is shown first:\n{screen}"
    );
    assert!(screen.contains("\"name\": \"from-the-form\""), "the exact request:\n{screen}");
    assert!(screen.contains("Workspace"), "{screen}");
    t.keys(&["y"]);
    let screen = t.wait_for("\"from-the-form\" submitted in");
    // Shown at once and selected, before any refresh lists it.
    let selected = screen.lines().find(|l| l.contains('▶')).unwrap_or_default();
    assert!(selected.contains("from-the-form"), "the new batch is selected:\n{screen}");
    t.wait_until("the batch to succeed", |s| {
        s.lines().any(|l| l.contains('▶') && l.contains("from-the-form") && l.contains("success"))
    });
    // `l` offers the batch's logs; what it printed is in the driver's stdout.
    t.keys(&["l"]);
    t.wait_until("the log picker", |s| s.contains("choose a log") && s.contains("driver stdout"));
    t.keys(&["j", "j", "Enter"]);
    let screen = t.wait_for("hello from the form");
    assert!(screen.contains("logs: batch from-the-form") && screen.contains("rows written: 42"), "{screen}");
    t.keys(&["Escape"]);
    t.wait_until("the logs to close", |s| !s.contains("logs: batch"));
    t.keys(&["q"]);
    t.wait_for("exit=0");
    // The lakehouse it ran in is remembered for the next form.
    let memory = std::fs::read_to_string(home.path().join("data/sparkdeck/forms.json"))
        .unwrap_or_else(|e| panic!("the form's choices were kept: {e}"));
    assert!(memory.contains("\"lakehouse\""), "{memory}");
}

#[test]
fn ctrl_e_edits_the_whole_request_as_json_and_the_form_comes_back_with_it() {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let h = home.path().display();
    // A scripted editor: it rewrites the JSON it is given as a person would; a second one
    // leaves JSON that does not read.
    let editor = home.path().join("fake-editor");
    std::fs::write(
        &editor,
        "#!/bin/sh\nsleep 1\nsed -i 's/\"name\": \"from-json\"/\"name\": \"edited-outside\", \"numExecutors\": 3/' \"$1\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let cmd = format!(
        "env HOME={h} XDG_DATA_HOME={h}/data XDG_CONFIG_HOME={h}/config VISUAL={} {BIN} --demo --demo-speed 50; echo exit=$?",
        editor.display()
    );
    let Some(t) = Tmux::start("form-json", &cmd) else { return };
    t.wait_for("Sessions (");
    t.keys(&["2"]);
    t.wait_for("Batches (");
    t.keys(&["n"]);
    t.wait_for("New batch · ");
    t.keys(&["Tab"]);
    t.keys(&["-l", "Files/jobs/nightly.py"]);
    t.keys(&["Tab"]);
    t.keys(&["-l", "from-json"]);
    t.wait_for("from-json");
    t.keys(&["C-e"]);
    // While the editor runs, the monitor has given the terminal up.
    t.wait_until("the monitor to step aside", |s| !s.contains("ctrl-s review"));
    let screen = t.wait_for("The request edited outside is in the form");
    assert!(screen.contains("edited-outside") && !screen.contains("from-json"), "{screen}");
    let executors = screen.lines().find(|l| l.contains("Executors ")).unwrap_or_default();
    assert!(executors.contains(" 3"), "{screen}");
    t.keys(&["C-s"]);
    let screen = t.wait_for("Review: New batch");
    assert!(
        screen.contains("\"numExecutors\": 3") && screen.contains("\"name\": \"edited-outside\""),
        "{screen}"
    );
    t.keys(&["C-c"]);
    t.wait_for("exit=0");
}
