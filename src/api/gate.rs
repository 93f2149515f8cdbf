//! One throttle gate per workspace: when the service says "wait" (429/503 `Retry-After`, Fabric's
//! "blocked until"), every task talking to that workspace waits together instead of each one
//! hammering the service and getting throttled again.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::error::MAX_SERVER_WAIT;

#[derive(Debug, Default)]
pub struct Gate {
    until: Mutex<Option<Instant>>,
}

impl Gate {
    pub fn new() -> Self {
        Self::default()
    }

    /// Close the gate for `wait` from now, at most [`MAX_SERVER_WAIT`] (never shortens an
    /// existing wait). Whatever a server asks, the deadline is a time the clock can hold.
    pub fn block(&self, wait: Duration) {
        let now = Instant::now();
        let Some(deadline) = now.checked_add(wait.min(MAX_SERVER_WAIT)) else { return };
        let mut until = self.until.lock().unwrap_or_else(|e| e.into_inner());
        if until.is_none_or(|u| u < deadline) {
            *until = Some(deadline);
        }
    }

    /// When the gate opens again, while it is closed.
    pub fn deadline(&self) -> Option<Instant> {
        let until = *self.until.lock().unwrap_or_else(|e| e.into_inner());
        until.filter(|u| *u > Instant::now())
    }

    /// How long the gate stays closed, for the status line ("throttled, retrying in 12 s").
    pub fn remaining(&self) -> Option<Duration> {
        let until = *self.until.lock().unwrap_or_else(|e| e.into_inner());
        until.and_then(|u| u.checked_duration_since(Instant::now())).filter(|d| !d.is_zero())
    }

    /// Wait until the gate opens.
    pub async fn pass(&self) {
        while let Some(wait) = self.remaining() {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn everyone_waits_for_the_longest_block() {
        let gate = Gate::new();
        assert_eq!(gate.remaining(), None);
        gate.block(Duration::from_secs(10));
        gate.block(Duration::from_secs(3));
        assert_eq!(gate.remaining(), Some(Duration::from_secs(10)));
        assert_eq!(gate.deadline(), Some(Instant::now() + Duration::from_secs(10)));
        let start = Instant::now();
        gate.pass().await;
        assert_eq!(start.elapsed(), Duration::from_secs(10));
        assert_eq!(gate.remaining(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn no_wait_is_longer_than_the_clamp() {
        let gate = Gate::new();
        gate.block(Duration::MAX);
        assert_eq!(gate.remaining(), Some(MAX_SERVER_WAIT));
    }
}
