//! When a running statement, a starting Databricks execution context and a starting Fabric
//! high-concurrency session are read back. Neither Livy nor the command execution API 1.2 can
//! wait on the server (no long-poll or wait parameter), so every read is a request: the
//! schedules are fitted to how long each thing takes, so a result is seen within ~100 ms of
//! being ready for a few reads, and `Retry-After` still holds every read (the HTTP layer's gate).

use std::time::Duration;

/// Before the first read of a statement: code that runs on a Spark driver takes a couple of
/// hundred milliseconds at least (the simulator's 200 ms to 1 s, a round trip included), so an
/// earlier read would only find it running.
const FIRST: Duration = Duration::from_millis(200);
/// Between reads for the first seconds: a result is seen at most this long after it is ready
/// (90 ms late on average), in about four reads for a statement of up to a second.
const STEADY: Duration = Duration::from_millis(180);
const STEADY_FOR: Duration = Duration::from_secs(2);
/// The slowest pace, for long statements (after backing off by a quarter each read).
const LONGEST: Duration = Duration::from_secs(2);
/// Livy's `progress` below this says too little to predict the end by.
const TRUSTED_PROGRESS: f64 = 0.05;
/// Read this long after the end Livy's `progress` predicts, so the read finds it ended.
const MARGIN: Duration = Duration::from_millis(25);
/// Never sooner than this after a read, whatever `progress` predicts.
const FLOOR: Duration = Duration::from_millis(50);

/// The wait before the next read of a statement, `elapsed` after its submit was answered,
/// `previous` the last wait (None before the first read) and `progress` what the last read
/// reported (Livy's 0..1; Databricks commands have none). Where Livy reports progress (a
/// statement running Spark jobs: the share of their tasks done), the next read goes just after
/// the end that rate predicts — usually one more read instead of one every 150 ms; otherwise
/// soon after submitting, then steadily, then backing off gently up to every 2 s.
pub fn statement_wait(elapsed: Duration, previous: Option<Duration>, progress: Option<f64>) -> Duration {
    let by_time = match previous {
        None => FIRST,
        Some(_) if elapsed < STEADY_FOR => STEADY,
        Some(p) => p.max(STEADY).mul_f64(1.25).min(LONGEST),
    };
    match progress.filter(|p| (TRUSTED_PROGRESS..1.0).contains(p)) {
        Some(p) if previous.is_some() => (elapsed.mul_f64((1.0 - p) / p) + MARGIN).clamp(FLOOR, LONGEST),
        _ => by_time,
    }
}

/// The wait before the next read of a starting Databricks execution context (`elapsed` since
/// it was created, `previous` the last wait): one takes about two seconds on a running cluster
/// (the simulator: 2 s), so the first read is at 2 s — usually the only one —, then one every
/// 200 ms (seen ready at most 200 ms late) for 10 s, then backing off to once a second for a
/// cluster that is slow to give one.
pub fn context_wait(elapsed: Duration, previous: Option<Duration>) -> Duration {
    const FIRST: Duration = Duration::from_secs(2);
    const STEADY: Duration = Duration::from_millis(200);
    const STEADY_FOR: Duration = Duration::from_secs(10);
    const LONGEST: Duration = Duration::from_secs(1);
    match previous {
        None => FIRST,
        Some(_) if elapsed < STEADY_FOR => STEADY,
        Some(p) => p.mul_f64(1.25).min(LONGEST),
    }
}

/// The next wait while a Fabric high-concurrency session starts: it takes from seconds (a
/// warm pool) to minutes (an on-demand cluster), so start quick and double up to 3 s.
pub fn hc_wait(previous: Option<Duration>) -> Duration {
    previous.map_or(Duration::from_millis(250), |d| (d * 2).min(Duration::from_secs(3)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    /// The reads of a statement that runs `runs` (when each happens) when a read at `t` reports
    /// `progress(t)`.
    fn reads(runs: Duration, progress: impl Fn(Duration) -> Option<f64>) -> Vec<Duration> {
        let (mut at, mut previous, mut seen, mut reads) = (Duration::ZERO, None, None, Vec::new());
        loop {
            let wait = statement_wait(at, previous, seen);
            previous = Some(wait);
            at += wait;
            reads.push(at);
            if at >= runs {
                return reads;
            }
            seen = progress(at);
        }
    }

    fn no_progress(_: Duration) -> Option<f64> {
        None
    }

    #[test]
    fn without_progress_statements_are_read_soon_then_steadily_then_gently_less() {
        assert_eq!(statement_wait(Duration::ZERO, None, None), FIRST);
        // Within the first seconds a result is seen at most 150 ms after it is ready.
        for ms in [120, 300, 700, 1_500, 1_950] {
            let seen = *reads(ms * MS, no_progress).last().unwrap_or(&Duration::ZERO);
            assert!(seen - ms * MS <= STEADY, "{ms} ms: seen at {seen:?}");
        }
        // A one-second statement costs six reads (ten before), a minute-long one under fifty.
        assert_eq!(reads(1_000 * MS, no_progress).len(), 6);
        // Over the benchmark's statements (200 ms to 1 s) four reads or fewer on average.
        let total: usize = (200..=1_000).step_by(10).map(|ms| reads(ms * MS, no_progress).len()).sum();
        assert!(total as f64 / 81.0 <= 4.0, "{} reads on average", total as f64 / 81.0);
        assert!(reads(Duration::from_secs(60), no_progress).len() <= 50);
        // Never slower than every 2 s.
        let mut previous = Some(LONGEST);
        for _ in 0..5 {
            let wait = statement_wait(Duration::from_secs(600), previous, None);
            assert!(wait <= LONGEST);
            previous = Some(wait);
        }
    }

    #[test]
    fn livy_progress_predicts_the_end_so_two_reads_see_it() {
        for ms in [300u32, 650, 1_000, 1_900] {
            let runs = ms * MS;
            // Progress as upstream Livy reports it while Spark jobs run: the share done.
            let linear = |t: Duration| Some((t.as_secs_f64() / runs.as_secs_f64()).min(0.99));
            let seen = reads(runs, linear);
            assert_eq!(seen.len(), 2, "{ms} ms: read at {seen:?}");
            assert!(seen[1] - runs <= MARGIN + MS, "{ms} ms: seen at {:?}", seen[1]);
        }
        // A read that lands early (progress 0.99) reads again soon, not a whole step later.
        assert_eq!(statement_wait(990 * MS, Some(STEADY), Some(0.99)), FLOOR);
        // Too little progress to go by, none at all (a statement without Spark jobs), or the
        // end reported: the time schedule.
        assert_eq!(statement_wait(100 * MS, Some(FIRST), Some(0.01)), STEADY);
        assert_eq!(statement_wait(100 * MS, Some(FIRST), Some(0.0)), STEADY);
        assert_eq!(statement_wait(100 * MS, Some(FIRST), Some(1.0)), STEADY);
        // A long statement at 10 %: never waits longer than the slowest pace.
        assert_eq!(statement_wait(Duration::from_secs(30), Some(LONGEST), Some(0.1)), LONGEST);
    }

    #[test]
    fn a_context_is_read_once_it_can_be_ready_then_steadily() {
        let mut at = Duration::ZERO;
        let mut previous = None;
        let mut reads = Vec::new();
        while at < Duration::from_secs(2) {
            let wait = context_wait(at, previous);
            previous = Some(wait);
            at += wait;
            reads.push(at);
        }
        // Ready at 2 s: one read, seen at once (before: six, and twenty before that).
        assert_eq!(reads.len(), 1, "{reads:?}");
        assert_eq!(context_wait(Duration::from_secs(5), Some(200 * MS)), 200 * MS);
        assert_eq!(
            context_wait(Duration::from_secs(60), Some(Duration::from_secs(1))),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn a_starting_session_is_read_quickly_then_every_3_s() {
        let waits: Vec<Duration> =
            std::iter::successors(Some(hc_wait(None)), |d| Some(hc_wait(Some(*d)))).take(6).collect();
        assert_eq!(waits[0], 250 * MS);
        assert_eq!(waits[5], Duration::from_secs(3));
    }
}
