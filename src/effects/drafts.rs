//! The editor's files: the draft after every keystroke, the history after every run. Both are
//! written off the event loop's thread; a failure shows as a warning.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use crate::app::Msg;
use crate::drafts::{Drafts, HistoryEntry, Tabs};

/// Writes the editor's tabs off the event loop's thread. They arrive after every keystroke;
/// while one is being written the newer ones replace each other, so a burst of typing costs a
/// few writes, and the last text always reaches the disk.
pub(super) struct DraftSaver {
    drafts: Drafts,
    pending: Arc<Mutex<Option<Tabs>>>,
    writing: Arc<AtomicBool>,
    tx: mpsc::Sender<Msg>,
}

impl DraftSaver {
    pub(super) fn new(drafts: Drafts, tx: mpsc::Sender<Msg>) -> DraftSaver {
        DraftSaver { drafts, pending: Arc::default(), writing: Arc::default(), tx }
    }

    pub(super) fn save(&self, draft: Tabs) {
        *self.pending.lock().unwrap_or_else(|e| e.into_inner()) = Some(draft);
        if self.writing.swap(true, Ordering::AcqRel) {
            return;
        }
        let (drafts, pending, writing, tx) =
            (self.drafts.clone(), self.pending.clone(), self.writing.clone(), self.tx.clone());
        blocking_reporting(self.tx.clone(), "saving the editor text", move || {
            let _claim = ReleaseOnPanic(&writing);
            loop {
                let next = pending.lock().unwrap_or_else(|e| e.into_inner()).take();
                match next {
                    Some(draft) => {
                        if let Err(e) = drafts.save_tabs(&draft) {
                            let path = drafts.tabs_path();
                            let _ = tx.try_send(Msg::Warning(format!(
                                "cannot save the editor text to {}: {e}",
                                path.display()
                            )));
                        }
                    }
                    None => {
                        writing.store(false, Ordering::Release);
                        // A draft that arrived between the take and the store would wait for
                        // the next keystroke: pick it up now unless another writer did.
                        let more = pending.lock().unwrap_or_else(|e| e.into_inner()).is_some();
                        if !more || writing.swap(true, Ordering::AcqRel) {
                            return;
                        }
                    }
                }
            }
        });
    }

    /// Add a statement to the history file.
    pub(super) fn append_history(&self, entry: HistoryEntry) {
        let (drafts, tx) = (self.drafts.clone(), self.tx.clone());
        blocking_reporting(self.tx.clone(), "adding to the history", move || {
            if let Err(e) = drafts.append_history(&entry) {
                let path = drafts.history_path();
                let _ = tx.try_send(Msg::Warning(format!("cannot add to {}: {e}", path.display())));
            }
        });
    }
}

/// A writer that panics gives up its claim, so the next keystroke starts a new one.
struct ReleaseOnPanic<'a>(&'a AtomicBool);

impl Drop for ReleaseOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(false, Ordering::Release);
        }
    }
}

/// Run file work off the event loop; a panic in it becomes a warning instead of a silent end.
fn blocking_reporting(tx: mpsc::Sender<Msg>, what: &'static str, work: impl FnOnce() + Send + 'static) {
    tokio::task::spawn_blocking(move || {
        if let Err(panic) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
            let why = crate::poll::supervise::panic_message(panic.as_ref());
            tracing::error!("{what} panicked: {why}");
            let _ = tx.try_send(Msg::Warning(format!("{what} failed inside sparkdeck ({why})")));
        }
    });
}
