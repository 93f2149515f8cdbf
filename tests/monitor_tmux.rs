//! The monitor in a real terminal (tmux, one server per test), the real binary against a
//! simulator: the Fabric Spark monitoring log picker on a running batch (driver stderr, a page,
//! earlier pages, then an executor's log), and `:rw` lifting a production workspace's
//! `read_only = true` only once its name is typed, counted in the simulator's own requests.
//! Skipped when tmux is missing, except in CI.

#[path = "common/tmux.rs"]
mod tmux;

#[path = "common/cli.rs"]
mod cli;

use tmux::Tmux;

/// The line `(N/M)` or `line N/M` at the bottom of the logs view: the last line shown and how
/// many are read.
fn lines_read(screen: &str) -> Option<usize> {
    let line = screen.lines().find(|l| l.contains(" line ") && l.contains('└'))?;
    let after = line.split(" line ").nth(1)?;
    let total = after.split('/').nth(1)?;
    total.chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
}

/// The size the picker shows for the log `name`, in KiB.
fn kib(screen: &str, name: &str) -> Option<f64> {
    let line = screen.lines().find(|l| l.contains(&format!(" {name} ")))?;
    let mut words = line.split(name).nth(1)?.split_whitespace();
    let (n, unit) = (words.next()?.parse::<f64>().ok()?, words.next()?);
    Some(match unit {
        "B" => n / 1024.0,
        "KiB" => n,
        "MiB" => n * 1024.0,
        _ => return None,
    })
}

/// Move the picker's choice (`›`) to the log named `name` with `j` / `k`.
fn choose(t: &Tmux, name: &str) {
    // The picker reads the application's logs again each time it opens: wait for the list.
    let screen = t.wait_until(&format!("{name} in the picker"), |s| {
        s.lines().any(|l| l.contains(&format!(" {name} ")) && l.contains(" · modified "))
    });
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains(" · modified ")).collect();
    let at = rows.iter().position(|l| l.contains('›'));
    let to = rows.iter().position(|l| l.contains(&format!(" {name} ")));
    let (Some(at), Some(to)) = (at, to) else { panic!("no {name} to choose:\n{screen}") };
    let key = if to > at { "j" } else { "k" };
    for _ in 0..at.abs_diff(to) {
        t.keys(&[key]);
    }
    t.wait_until(&format!("{name} chosen"), |s| s.lines().any(|l| l.contains('›') && l.contains(name)));
}

#[test]
fn the_log_picker_pages_the_driver_log_and_opens_an_executor_log() {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let h = home.path().display();
    let cmd = format!(
        "env HOME={h} XDG_DATA_HOME={h}/data XDG_CONFIG_HOME={h}/config {} --demo --demo-speed 50; echo exit=$?",
        cli::BIN
    );
    let Some(t) = Tmux::start("logpicker", &cmd) else { return };
    t.wait_for("Sessions (");
    t.keys(&["2"]);
    t.wait_for("Batches (");
    // A running batch of a configured lakehouse: its Spark application has logs now.
    t.keys(&["/", "state:running lakehouse~.", "Enter"]);
    t.wait_until("a running batch selected", |s| s.lines().any(|l| l.contains('▶') && l.contains("running")));
    // The simulator's clock runs fast: the driver log soon outgrows one 64 KiB range.
    let start = std::time::Instant::now();
    loop {
        t.keys(&["l"]);
        let picker = t.wait_until("the log picker", |s| {
            s.contains("choose a log") && s.contains("driver stderr") && s.contains("executor 1 stderr")
        });
        assert!(picker.contains("Livy log") && picker.contains("driver stdout"), "{picker}");
        if kib(&picker, "driver stderr").is_some_and(|k| k > 80.0) {
            break;
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(60), "the log never grew:\n{picker}");
        t.keys(&["Escape"]);
        t.wait_for("Batches (");
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    choose(&t, "driver stderr");
    t.keys(&["Enter"]);
    let page = t.wait_until("a page of the driver log", |s| {
        s.contains("· driver stderr") && s.contains(" INFO ") && lines_read(s).is_some()
    });
    let first = lines_read(&page).unwrap_or_default();
    // At the top, `g` reads the page before: more lines are read.
    t.keys(&["g"]);
    t.wait_for("earlier lines: g reads them");
    t.keys(&["g"]);
    let paged = t.wait_until("an earlier page", |s| lines_read(s).is_some_and(|n| n > first));
    assert!(paged.contains("· driver stderr"), "{paged}");
    // `l` goes back to the picker: an executor's log this time.
    t.keys(&["l"]);
    t.wait_for("choose a log");
    choose(&t, "executor 1 stderr");
    t.keys(&["Enter"]);
    let executor =
        t.wait_until("the executor's log", |s| s.contains("· executor 1 stderr") && s.contains(" INFO "));
    assert!(!executor.contains("choose a log"), "{executor}");
    t.keys(&["Escape"]);
    t.wait_for("Batches (");
    t.keys(&["q"]);
    t.wait_for("exit=0");
}

/// Requests that change something, as the simulator counted them.
fn writes(h: &cli::Harness) -> u64 {
    ["POST", "DELETE", "PATCH", "PUT"].iter().map(|m| cli::sent(h, m, "")).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rw_on_a_production_workspace_asks_for_its_name_and_then_the_action_goes_through() {
    let h = cli::harness("").await;
    let text = std::fs::read_to_string(&h.config).unwrap_or_default();
    let marked = text.replace("name = \"adb-dev\"\n", "name = \"adb-dev\"\nread_only = true\n");
    assert_ne!(marked, text);
    std::fs::write(&h.config, marked).unwrap_or_else(|e| panic!("{e}"));
    let token =
        h.sim.shared().fabric().demo_workspaces().first().map(|w| w.token.clone()).unwrap_or_default();
    let d = h.dir.path().display();
    let cmd = format!(
        "env HOME={d} XDG_DATA_HOME={d}/data XDG_CONFIG_HOME={d}/config {}={token} {} --config {}; echo exit=$?",
        cli::FABRIC_TOKEN_VAR,
        cli::BIN,
        h.config.display()
    );
    let Some(t) = Tmux::start("rw", &cmd) else { return };
    t.wait_for("Sessions (");
    let screen = t.wait_until("adb-dev read-only in the header", |s| {
        s.lines().any(|l| l.contains(" adb-dev ") && l.contains("🔒 read-only"))
    });
    assert!(screen.lines().filter(|l| l.contains("🔒")).count() == 1, "only adb-dev:\n{screen}");
    t.keys(&["4"]);
    t.wait_for("Runs (");
    t.keys(&["/", "ws:adb-dev state:running", "Enter"]);
    t.wait_until("a running run of adb-dev selected", |s| {
        s.lines().any(|l| l.contains('▶') && l.contains("adb-dev") && l.contains("RUNNING"))
    });
    let before = writes(&h);

    // Refused first: nothing sent.
    t.keys(&["c"]);
    t.wait_for("adb-dev is read-only (config read_only = true)");
    assert_eq!(writes(&h), before, "a refused action sends nothing");

    // `:rw` asks for the name; a wrong one keeps it read-only.
    t.keys(&[":", "rw adb-dev", "Enter"]);
    t.wait_for("production: type adb-dev to allow changes in it:");
    t.keys(&["adb-de", "Enter"]);
    t.wait_for("That is not its name: adb-dev stays read-only.");
    t.keys(&["c"]);
    t.wait_for("adb-dev is read-only (config read_only = true)");
    assert_eq!(writes(&h), before);
    t.keys(&[":", "rw adb-dev", "Enter"]);
    t.wait_for("production: type adb-dev to allow changes in it:");
    t.keys(&["adb-dev", "Enter"]);
    let lifted = t.wait_for("Changes allowed in adb-dev (production)");
    assert!(lifted.lines().any(|l| l.contains(" adb-dev ") && l.contains("⚠ changes allowed")), "{lifted}");

    // Now the action goes through: one confirmation, one cancel sent.
    t.keys(&["c"]);
    t.wait_for("y cancel");
    t.keys(&["y"]);
    t.wait_until("the cancel done", |s| s.contains("cancelling ✓") || s.contains("cancelled ✓"));
    assert_eq!(writes(&h), before + 1, "exactly the cancel was sent");
    assert_eq!(cli::sent(&h, "POST", "/jobs/runs/cancel"), 1);
    t.keys(&["q"]);
    t.wait_for("exit=0");
}
