//! A Fabric Spark application's resource usage over time (`resourceUsage`: cores allocated,
//! running and idle, executors, per time point) for the details view. Timestamps are read as
//! milliseconds, as every other duration of this API is [I: the swagger types them int32, so
//! they may be relative to the start; either way only their differences are used].

use super::spark_logs::{self, client};
use super::{Error, Workspace};
use crate::api::livy::models::ResourceUsageInfo;
use crate::domain::Target;
use crate::domain::usage::{Usage, UsagePoint};

/// Points kept at most (the chart is a few dozen cells wide; a day-long application has
/// thousands): evenly thinned, the last one always kept.
pub const MAX_POINTS: usize = 600;

/// `t`'s usage, and whether its application has ended (then it will not change). An
/// application that has not started has none yet.
pub async fn usage(ws: &Workspace, t: &Target) -> Result<(Usage, bool), Error> {
    let app = spark_logs::locate(ws, t).await?;
    if app.address.app_id.is_none() {
        return Ok((Usage::default(), app.finished));
    }
    let info = client(ws, &app)?.resource_usage().await?;
    Ok((convert(&info.value), app.finished))
}

/// The API's parallel arrays as points (a point missing a value reads it as 0).
pub fn convert(info: &ResourceUsageInfo) -> Usage {
    let seconds = |ms: Option<f64>| ms.filter(|v| v.is_finite() && *v >= 0.0).map(|ms| ms / 1000.0);
    let mut usage = Usage {
        points: Vec::new(),
        duration: seconds(info.duration),
        idle: seconds(info.idle_time),
        efficiency: info.core_efficiency.filter(|e| e.is_finite()),
        capacity_exceeded: info.capacity_exceeded.unwrap_or(false),
    };
    let Some(d) = &info.data else { return usage };
    let first = d.timestamps.first().copied().unwrap_or(0.0);
    let at = |i: usize| d.timestamps.get(i).copied().unwrap_or(first);
    let n = d.timestamps.len();
    let step = n.div_ceil(MAX_POINTS).max(1);
    usage.points = (0..n)
        .filter(|i| i % step == 0 || *i + 1 == n)
        .map(|i| UsagePoint {
            at: ((at(i) - first) / 1000.0).max(0.0),
            allocated: d.allocated_cores.get(i).copied().unwrap_or(0.0),
            running: d.running_cores.get(i).copied().unwrap_or(0.0),
            executors: d.executors.get(i).map_or(0, |e| u32::try_from(e.len()).unwrap_or(u32::MAX)),
        })
        .collect();
    usage
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::wire::decoded;

    #[test]
    fn the_timeline_becomes_points_from_the_first() {
        let info: ResourceUsageInfo = decoded(json!({
            "duration": 10_000, "idleTime": 2_000, "coreEfficiency": 0.5, "capacityExceeded": false,
            "data": {"timestamps": [5_000, 10_000, 15_000], "allocatedCores": [0, 8, 16], "runningCores": [0, 4],
                     "executors": [[], [{"executorId": "1"}], [{"executorId": "1"}, {"executorId": "2"}]]}
        }));
        let u = convert(&info);
        assert_eq!(u.points.len(), 3);
        assert_eq!(
            (u.points[2].at, u.points[2].allocated, u.points[2].running, u.points[2].executors),
            (10.0, 16.0, 0.0, 2)
        );
        assert_eq!((u.duration, u.idle, u.efficiency), (Some(10.0), Some(2.0), Some(0.5)));
        assert_eq!(u.bounds(), ([0.0, 10.0], [0.0, 16.0]));
        // A long timeline is thinned, keeping the last point.
        let many: Vec<i64> = (0..2_000).map(|i| i * 1_000).collect();
        let info: ResourceUsageInfo = decoded(json!({"data": {"timestamps": many}}));
        let u = convert(&info);
        assert!(u.points.len() <= MAX_POINTS + 1);
        assert_eq!(u.points.last().map(|p| p.at), Some(1_999.0));
        assert_eq!(convert(&ResourceUsageInfo::default()), Usage::default());
    }
}
