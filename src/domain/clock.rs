//! Where "now" comes from: the wall clock, or in `--demo` the simulator's clock (which runs
//! `--demo-speed` times as fast), so countdowns, durations and end times agree with the
//! simulated services. The app never reads it: the event loop and the pollers do, and hand the
//! time over as data (`Msg::Tick`, `fetched_at`).

use std::sync::Arc;

use jiff::Timestamp;

#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Timestamp + Send + Sync>);

impl Clock {
    /// The wall clock.
    pub fn system() -> Clock {
        Clock(Arc::new(Timestamp::now))
    }

    /// Time from `now` (the simulator's clock, a test's).
    pub fn new(now: impl Fn() -> Timestamp + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
    }

    pub fn now(&self) -> Timestamp {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::system()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock({})", self.now())
    }
}
