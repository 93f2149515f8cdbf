//! Simulated time. Lifecycles in the simulator are computed from this clock on each request
//! (no background tasks), so `--speed` and the control endpoint make minutes pass in moments
//! and tests stay deterministic.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Milliseconds since the Unix epoch, in simulated time.
pub type SimMillis = i64;

#[derive(Debug)]
pub struct SimClock {
    /// Wall-clock epoch millis when the simulator started; simulated time starts here too,
    /// so timestamps look current in demos.
    start_epoch_ms: i64,
    started: Instant,
    speed: f64,
    /// Extra simulated time added by `advance` (tests, control endpoint).
    offset_ms: Mutex<i64>,
}

impl SimClock {
    pub fn new(speed: f64) -> Self {
        let start_epoch_ms = jiff::Timestamp::now().as_millisecond();
        Self { start_epoch_ms, started: Instant::now(), speed, offset_ms: Mutex::new(0) }
    }

    /// A clock whose simulated time starts at `epoch_ms`.
    pub fn starting_at(epoch_ms: i64, speed: f64) -> Self {
        Self { start_epoch_ms: epoch_ms, started: Instant::now(), speed, offset_ms: Mutex::new(0) }
    }

    /// A clock frozen at a given epoch (speed 0) for unit tests.
    pub fn frozen_at(epoch_ms: i64) -> Self {
        Self { start_epoch_ms: epoch_ms, started: Instant::now(), speed: 0.0, offset_ms: Mutex::new(0) }
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Current simulated time in epoch milliseconds.
    pub fn now_ms(&self) -> SimMillis {
        let elapsed = self.started.elapsed().as_secs_f64() * 1000.0 * self.speed;
        let offset = *self.offset_ms.lock().unwrap_or_else(|e| e.into_inner());
        self.start_epoch_ms + elapsed as i64 + offset
    }

    /// Current simulated time as a timestamp (for RFC 3339 fields).
    pub fn now(&self) -> jiff::Timestamp {
        millis_to_timestamp(self.now_ms())
    }

    /// Jump simulated time forward.
    pub fn advance(&self, by: Duration) {
        let mut offset = self.offset_ms.lock().unwrap_or_else(|e| e.into_inner());
        *offset += by.as_millis() as i64;
    }

    /// How long a simulated duration takes in real time at the current speed.
    pub fn real_duration(&self, simulated: Duration) -> Duration {
        if self.speed <= 0.0 {
            return Duration::MAX;
        }
        simulated.div_f64(self.speed)
    }
}

/// Epoch millis to a timestamp, clamping out-of-range values instead of failing.
pub fn millis_to_timestamp(ms: SimMillis) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// RFC 3339 with whole seconds and `Z`, the way Fabric renders timestamps.
pub fn rfc3339(ms: SimMillis) -> String {
    let ts = millis_to_timestamp(ms - ms.rem_euclid(1000));
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_time_forward() {
        let clock = SimClock::frozen_at(1_700_000_000_000);
        assert_eq!(clock.now_ms(), 1_700_000_000_000);
        clock.advance(Duration::from_secs(90));
        assert_eq!(clock.now_ms(), 1_700_000_090_000);
    }

    #[test]
    fn rfc3339_has_whole_seconds() {
        assert_eq!(rfc3339(1_700_000_000_999), "2023-11-14T22:13:20Z");
    }
}
