//! A Spark application's resource usage over time (Fabric's `resourceUsage` timeline), in the
//! terms the details view draws: cores allocated and running, and executors, per time point.

/// One time point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UsagePoint {
    /// Seconds since the first point.
    pub at: f64,
    pub allocated: f64,
    pub running: f64,
    pub executors: u32,
}

/// The timeline and its summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    pub points: Vec<UsagePoint>,
    /// How long the application has run, in seconds.
    pub duration: Option<f64>,
    /// How long it was idle, in seconds.
    pub idle: Option<f64>,
    /// Running over allocated core time, 0–1.
    pub efficiency: Option<f64>,
    /// More than 10 000 tasks: the service gives no timeline.
    pub capacity_exceeded: bool,
}

impl Usage {
    /// The last point, what the application uses now (or used last).
    pub fn latest(&self) -> Option<&UsagePoint> {
        self.points.last()
    }

    /// The chart's bounds: seconds from 0 to the last point (at least 1), cores from 0 to the
    /// most allocated (at least 1).
    pub fn bounds(&self) -> ([f64; 2], [f64; 2]) {
        let x = self.points.iter().map(|p| p.at).fold(0.0, f64::max).max(1.0);
        let y = self.points.iter().map(|p| p.allocated.max(p.running)).fold(0.0, f64::max).max(1.0);
        ([0.0, x], [0.0, y.ceil()])
    }
}
