//! What the HTTP layer is waiting for right now, so a headless command on a terminal can say so
//! ("waiting for adb-….azuredatabricks.net to answer… 12 s") instead of sitting silent.
//!
//! One registry for the process: every request in flight and every wait at a throttle gate is
//! entered here while it lasts. Nothing reads it unless a front end asks (`cli::progress`), so
//! the monitor pays one uncontended lock per request.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

/// One wait in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wait {
    /// `host[:port]` of the service.
    pub host: String,
    pub since: Instant,
    pub kind: WaitKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitKind {
    /// A request was sent; its answer has not arrived.
    Answer,
    /// The workspace's throttle gate is closed (the service asked us to wait).
    Throttled,
}

type Listener = Arc<dyn Fn() + Send + Sync>;

/// The registry of waits in progress.
#[derive(Default)]
pub struct Activity {
    waits: Mutex<(u64, BTreeMap<u64, Wait>)>,
    /// Called when the last wait ends, from the task that ended it, before its answer is handed
    /// on: a progress line is gone before anything else is printed.
    idle: Mutex<Option<Listener>>,
}

/// The process's registry.
pub fn activity() -> &'static Activity {
    static ACTIVITY: OnceLock<Activity> = OnceLock::new();
    ACTIVITY.get_or_init(Activity::default)
}

impl Activity {
    /// Enter a wait; it lasts until the guard is dropped.
    pub fn begin(&'static self, host: &str, kind: WaitKind) -> WaitGuard {
        let mut waits = self.waits.lock().unwrap_or_else(|e| e.into_inner());
        let id = waits.0;
        waits.0 += 1;
        waits.1.insert(id, Wait { host: host.to_string(), since: Instant::now(), kind });
        WaitGuard { activity: self, id }
    }

    /// The wait that has lasted longest, if any.
    pub fn longest(&self) -> Option<Wait> {
        let waits = self.waits.lock().unwrap_or_else(|e| e.into_inner());
        waits.1.values().min_by_key(|w| w.since).cloned()
    }

    /// Hear when nothing is waiting any more (`None`: stop hearing).
    pub fn on_idle(&self, listener: Option<Listener>) {
        *self.idle.lock().unwrap_or_else(|e| e.into_inner()) = listener;
    }
}

/// A wait in progress; dropping it ends the wait.
pub struct WaitGuard {
    activity: &'static Activity,
    id: u64,
}

impl Drop for WaitGuard {
    fn drop(&mut self) {
        let now_idle = {
            let mut waits = self.activity.waits.lock().unwrap_or_else(|e| e.into_inner());
            waits.1.remove(&self.id);
            waits.1.is_empty()
        };
        if now_idle {
            let listener = self.activity.idle.lock().unwrap_or_else(|e| e.into_inner()).clone();
            if let Some(listener) = listener {
                listener();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_wait_is_reported_until_it_ends() {
        let activity: &'static Activity = Box::leak(Box::default());
        let first = activity.begin("a.example", WaitKind::Answer);
        let second = activity.begin("b.example", WaitKind::Throttled);
        assert_eq!(activity.longest().map(|w| w.host), Some("a.example".into()));
        drop(first);
        assert_eq!(
            activity.longest().map(|w| (w.host, w.kind)),
            Some(("b.example".into(), WaitKind::Throttled))
        );
        let heard = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = heard.clone();
        activity.on_idle(Some(Arc::new(move || {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        })));
        drop(second);
        assert_eq!(activity.longest(), None);
        assert_eq!(heard.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
