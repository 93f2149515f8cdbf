//! The retries one workspace's calls made since someone last looked, so the monitor's event log
//! can say "retried GET /api/2.1/clusters/list after 503 …" — the retry loop itself runs deep
//! inside a call and tells no one. Bounded: under a storm the oldest go first.

use std::collections::VecDeque;
use std::sync::Mutex;

/// Retries kept until read.
const KEPT: usize = 20;

#[derive(Debug, Default)]
pub struct Retries {
    pending: Mutex<VecDeque<String>>,
}

impl Retries {
    /// Note one retry, said in words ("GET /x after 503 Service Unavailable: retry 2 in 1 s").
    pub fn record(&self, text: String) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if pending.len() == KEPT {
            pending.pop_front();
        }
        pending.push_back(text);
    }

    /// The retries noted since the last call, oldest first.
    pub fn take(&self) -> Vec<String> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner()).drain(..).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_are_read_once_and_bounded() {
        let r = Retries::default();
        for i in 0..25 {
            r.record(format!("retry {i}"));
        }
        let taken = r.take();
        assert_eq!(taken.len(), KEPT);
        assert_eq!(taken.first().map(String::as_str), Some("retry 5"));
        assert!(r.take().is_empty());
    }
}
