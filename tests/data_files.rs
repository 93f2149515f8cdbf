//! The editor's files under fire: a writer process killed with SIGKILL at 100 random moments
//! while it saves drafts and appends history leaves the old or the new draft, never a torn one,
//! and a history whose every entry reads (a torn last append is skipped, and the next append
//! starts on a line of its own). And the real monitor, handed a draft that is not UTF-8, moves
//! it aside byte for byte and says where before the first keystroke saves over the name.

#[path = "common/tmux.rs"]
mod tmux;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sparkdeck::domain::statement::Language;
use sparkdeck::drafts::{Draft, Drafts, HistoryEntry};

/// The child process reads its directory from this variable.
const WRITER_DIR: &str = "SPARKDECK_TEST_WRITER_DIR";
const TRIALS: u64 = 100;
const READY: &str = "writer ready";

/// Draft `n`: large (writes take long enough to be cut), and checkable whole.
fn version(n: u64) -> Draft {
    let line = format!("# version {n}\n");
    Draft { language: Language::PySpark, text: line.repeat(4_000) + &format!("print({n})\n") }
}

fn entry(n: u64) -> HistoryEntry {
    HistoryEntry {
        language: Language::Sql,
        code: format!("SELECT {n}\n") + &"-- padding to make an append take a while\n".repeat(200),
        workspace: "Sales".into(),
        at: jiff::Timestamp::UNIX_EPOCH,
    }
}

/// The writer the kill test kills: not a test of its own (ignored in normal runs); the kill
/// test runs it in a child process, where it saves and appends until killed.
#[test]
#[ignore = "the child process of the kill test"]
fn child_writer_killed_by_the_kill_test() {
    let Some(dir) = std::env::var_os(WRITER_DIR) else { return };
    let drafts = Drafts::in_data_dir(Path::new(&dir));
    // The parent starts its clock when the writer writes, not while the process starts.
    println!("{READY}");
    for n in 1.. {
        let _ = drafts.save_draft(&version(n));
        let _ = drafts.append_history(&entry(n));
    }
}

/// A small deterministic spread of kill moments over the first writes (no rand dependency
/// needed for 100 numbers).
fn delay(trial: u64) -> Duration {
    let mixed = trial.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17);
    Duration::from_micros(mixed % 60_000)
}

#[cfg(unix)]
#[test]
fn kill_9_while_writing_leaves_the_old_or_the_new_file_never_a_torn_one() {
    let started = Instant::now();
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let (mut mid_write, mut torn_appends, mut drafts_seen) = (0, 0, 0);
    for trial in 0..TRIALS {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let drafts = Drafts::in_data_dir(dir.path());
        // The "old" file: a draft saved before the writer starts.
        drafts.save_draft(&version(0)).unwrap_or_else(|e| panic!("{e}"));
        let mut child = Command::new(&exe)
            .args(["--ignored", "--exact", "child_writer_killed_by_the_kill_test", "--nocapture"])
            .env(WRITER_DIR, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let ready = child.stdout.take().map(BufReader::new).into_iter().flat_map(|r| r.lines()).flatten();
        assert!(ready.take(20).any(|l| l.contains(READY)), "trial {trial}: the writer never started");
        std::thread::sleep(delay(trial));
        child.kill().unwrap_or_else(|e| panic!("{e}")); // SIGKILL
        let _ = child.wait();

        // The draft: exactly one of the versions, whole.
        let draft = drafts.load_draft().unwrap_or_else(|e| panic!("trial {trial}: a torn draft: {e}"));
        let n: u64 = draft
            .text
            .lines()
            .last()
            .and_then(|l| l.strip_prefix("print(")?.strip_suffix(')')?.parse().ok())
            .unwrap_or_else(|| panic!("trial {trial}: not a whole draft ({} bytes)", draft.text.len()));
        assert_eq!(draft, version(n), "trial {trial}");
        drafts_seen = drafts_seen.max(n);
        let leftovers = std::fs::read_dir(dir.path().join("editor"))
            .map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().ends_with(".tmp")).count())
            .unwrap_or(0);
        if leftovers > 0 {
            mid_write += 1;
        }

        // The history: every line that reads is a whole entry, in order; nothing but a torn
        // last append is skipped, and quietly.
        let history = drafts.read_history();
        assert!(history.skipped <= 1 && history.notice.is_none(), "trial {trial}: {history:?}");
        torn_appends += history.skipped;
        for (i, e) in history.entries.iter().enumerate() {
            assert_eq!(e, &entry(i as u64 + 1), "trial {trial}: entry {i}");
        }
        // The next run appends after the torn line, not onto it.
        drafts.append_history(&entry(999_999)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(drafts.load_history().last(), Some(&entry(999_999)), "trial {trial}");
    }
    let elapsed = started.elapsed();
    // The figures RELIABILITY.md quotes.
    eprintln!(
        "kill -9: {TRIALS} trials in {elapsed:?}; killed mid-write (temporary file left): {mid_write}; \
         torn appends skipped: {torn_appends}; newest draft version reached: {drafts_seen}; torn drafts: 0"
    );
    assert!(mid_write > 0, "no kill landed inside a write: the test proves nothing");
    assert!(elapsed < Duration::from_secs(120), "bounded: {elapsed:?}");
}

/// The real monitor with a draft that is not UTF-8: it is moved aside, the user is told where,
/// and typing saves a new draft without touching the rescued one.
#[test]
fn the_monitor_rescues_a_draft_that_is_not_utf8_before_the_first_keystroke() {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let editor = home.path().join("data/sparkdeck/editor");
    std::fs::create_dir_all(&editor).unwrap_or_else(|e| panic!("{e}"));
    let latin1 = b"{\"language\":\"sql\",\"text\":\"SELECT 'caf\xe9'\"}".to_vec();
    std::fs::write(editor.join("draft.json"), &latin1).unwrap_or_else(|e| panic!("{e}"));
    let h = home.path().display();
    let cmd = format!(
        "env HOME={h} XDG_DATA_HOME={h}/data XDG_CONFIG_HOME={h}/config {} --demo; echo exit=$?",
        env!("CARGO_BIN_EXE_sparkdeck")
    );
    let Some(t) = tmux::Tmux::start("rescue", &cmd) else { return };
    t.wait_for("Sessions (");
    t.keys(&["e"]);
    let screen = t.wait_for("not UTF-8 text");
    assert!(screen.contains("it was moved to"), "{screen}");
    t.keys(&["-l", "x"]);
    // The editor's tabs are saved in tabs.json (the rescued draft stays where it was moved).
    let draft = editor.join("tabs.json");
    let start = Instant::now();
    while std::fs::read_to_string(&draft).map(|d| !d.contains("\"text\":\"x\"")).unwrap_or(true) {
        assert!(start.elapsed() < Duration::from_secs(20), "the new draft was never saved");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(std::fs::read(editor.join("draft.json.unreadable.1")).unwrap_or_default(), latin1);
    t.keys(&["Escape"]);
    // An Escape followed at once by q reads as Alt-q: let the editor close first.
    t.wait_until("the editor to close", |s| !s.contains("ctrl-t new tab"));
    t.keys(&["q"]);
    t.wait_for("exit=0");
}
