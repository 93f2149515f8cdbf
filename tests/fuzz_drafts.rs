//! Fuzzing the editor's files: any bytes as `draft.json` (mutated drafts, other JSON, bytes that
//! are not UTF-8) and `history.jsonl` files of good entries mixed with garbage. No input
//! panics; a draft that does not read is rescued byte for byte under a new number, never over
//! an earlier rescue; a history keeps every entry that reads, the newest, whatever is between.

#[path = "common/fuzz.rs"]
#[allow(dead_code)]
mod fuzz;

use proptest::prelude::*;
use serde_json::json;
use sparkdeck::domain::statement::Language;
use sparkdeck::drafts::{Draft, Drafts, History, HistoryEntry, MAX_HISTORY};

fn draft_seeds() -> Vec<serde_json::Value> {
    vec![
        json!({"language": "pyspark", "text": "df = spark.range(10)\ndf.show()\n"}),
        json!({"language": "sql", "text": ""}),
        json!({"language": "scala", "text": "val x = \"caf\u{e9}\" // \u{1b}[31m\n\n"}),
        json!({"language": "r", "text": "x <- 1"}),
    ]
}

fn draft_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => fuzz::mutated(draft_seeds()).prop_map(|v| v.to_string().into_bytes()),
        1 => fuzz::any_json().prop_map(|v| v.to_string().into_bytes()),
        // Cut short, as a crash of a writer that did not rename would leave it.
        1 => (fuzz::mutated(draft_seeds()), any::<usize>()).prop_map(|(v, cut)| {
            let mut b = v.to_string().into_bytes();
            b.truncate(cut % (b.len() + 1));
            b
        }),
        1 => prop::collection::vec(any::<u8>(), 0..300),
        // Latin-1 text where UTF-8 was expected.
        1 => Just(b"{\"language\":\"sql\",\"text\":\"SELECT 'caf\xe9'\"}".to_vec()),
    ]
}

proptest! {
    #![proptest_config(fuzz::cases(256))]

    #[test]
    fn any_draft_file_is_loaded_or_rescued_byte_for_byte(files in prop::collection::vec(draft_bytes(), 1..4)) {
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let drafts = Drafts::in_data_dir(dir.path());
        std::fs::create_dir_all(dir.path().join("editor")).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut rescued: Vec<Vec<u8>> = Vec::new();
        for bytes in files {
            std::fs::write(drafts.draft_path(), &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
            match drafts.load_draft() {
                Ok(draft) => prop_assert_eq!(Ok(draft), Draft::from_bytes(&bytes)),
                Err(message) => {
                    prop_assert!(Draft::from_bytes(&bytes).is_err());
                    rescued.push(bytes);
                    let aside = drafts.draft_path().with_file_name(format!("draft.json.unreadable.{}", rescued.len()));
                    prop_assert!(message.contains(&aside.display().to_string()), "where it went: {}", message);
                    prop_assert!(!drafts.draft_path().exists(), "moved, so a save cannot overwrite it");
                }
            }
        }
        // Every rescue is still there, each under its own number, exactly as it was.
        for (i, bytes) in rescued.iter().enumerate() {
            let aside = drafts.draft_path().with_file_name(format!("draft.json.unreadable.{}", i + 1));
            prop_assert_eq!(&std::fs::read(aside).unwrap_or_default(), bytes);
        }
    }
}

fn entry(i: usize) -> HistoryEntry {
    HistoryEntry {
        language: Language::ALL[i % 4],
        code: format!("SELECT {i} -- ü\n  AND \"quoted\""),
        workspace: "Sales".into(),
        at: jiff::Timestamp::UNIX_EPOCH,
    }
}

/// A garbage line: never an entry, never holding a newline.
fn garbage() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 1..80),
        fuzz::any_json().prop_map(|v| v.to_string().into_bytes()),
        any::<usize>().prop_map(|cut| {
            let line = serde_json::to_vec(&entry(7)).unwrap_or_default();
            line[..cut % line.len()].to_vec()
        }),
    ]
    .prop_map(|mut b| {
        b.retain(|c| *c != b'\n');
        b
    })
    .prop_filter("not an entry", |b| serde_json::from_slice::<HistoryEntry>(b).is_err())
}

/// History lines: each an entry (`Ok(i)`) or garbage.
fn lines(max: usize) -> impl Strategy<Value = Vec<Result<usize, Vec<u8>>>> {
    prop::collection::vec(prop_oneof![4 => Just(None), 1 => garbage().prop_map(Some)], 0..max)
        .prop_map(|slots| slots.into_iter().enumerate().map(|(i, g)| g.map_or(Ok(i), Err)).collect())
}

fn file_of(lines: &[Result<usize, Vec<u8>>]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for line in lines {
        match line {
            Ok(i) => bytes.extend(serde_json::to_vec(&entry(*i)).unwrap_or_default()),
            Err(g) => bytes.extend(g),
        }
        bytes.push(b'\n');
    }
    bytes
}

fn expected(lines: &[Result<usize, Vec<u8>>]) -> Vec<HistoryEntry> {
    let all: Vec<HistoryEntry> = lines.iter().filter_map(|l| l.as_ref().ok()).map(|i| entry(*i)).collect();
    all[all.len().saturating_sub(MAX_HISTORY)..].to_vec()
}

proptest! {
    #![proptest_config(fuzz::cases(256))]

    #[test]
    fn a_bad_line_never_hides_the_entries_after_it(lines in lines(80)) {
        let history = History::from_bytes(&file_of(&lines));
        prop_assert_eq!(&history.entries, &expected(&lines));
        let blank = |g: &Vec<u8>| g.iter().all(u8::is_ascii_whitespace);
        let bad = lines.iter().filter(|l| l.as_ref().err().is_some_and(|g| !blank(g))).count();
        prop_assert_eq!(history.skipped, bad);
    }

    #[test]
    fn any_bytes_are_a_history_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let history = History::from_bytes(&bytes);
        prop_assert!(history.entries.len() <= MAX_HISTORY);
        prop_assert!(history.problems.len() <= history.skipped);
    }
}

proptest! {
    // Files past the compaction threshold: fewer cases, each a thousand lines or more.
    #![proptest_config(fuzz::cases(24))]

    #[test]
    fn compaction_keeps_the_newest_and_rescues_what_did_not_read(extra in lines(300), first in 2 * MAX_HISTORY..2 * MAX_HISTORY + 50) {
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let drafts = Drafts::in_data_dir(dir.path());
        std::fs::create_dir_all(dir.path().join("editor")).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut all: Vec<Result<usize, Vec<u8>>> = (0..first).map(|i| Ok(100_000 + i)).collect();
        all.extend(extra);
        let bytes = file_of(&all);
        std::fs::write(drafts.history_path(), &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let history = drafts.read_history();
        prop_assert_eq!(&history.entries, &expected(&all));
        prop_assert_eq!(drafts.load_history(), history.entries.clone(), "the compacted file reads the same");
        let aside = drafts.history_path().with_file_name("history.jsonl.unreadable.1");
        if !history.problems.is_empty() {
            prop_assert_eq!(std::fs::read(&aside).unwrap_or_default(), bytes, "rescued before compaction");
            prop_assert!(history.notice.is_some_and(|n| n.contains(&aside.display().to_string())));
        }
    }
}
