//! Any bytes as the editor's `draft.json` and `history.jsonl`: no panic, at most MAX_HISTORY
//! entries, every skipped line counted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sparkdeck::drafts::{Draft, History, MAX_HISTORY};

fuzz_target!(|data: &[u8]| {
    let _ = Draft::from_bytes(data);
    let history = History::from_bytes(data);
    assert!(history.entries.len() <= MAX_HISTORY);
    assert!(history.problems.len() <= history.skipped);
});
