//! What the simulated Spark applications write and use, as pure functions of the application
//! and the simulated time: the driver's stdout and stderr (log4j lines, rolled into parts), one
//! stdout/stderr pair per executor container, the Livy log, and the resource usage timeline.
//! Everything grows while the application runs and stops growing when it ends, so a client
//! that follows a log sees appends, and a read at the same instant always gives the same bytes.

use uuid::Uuid;

use crate::sim::clock::{SimMillis, millis_to_timestamp};

/// Lines a log holds at most (a long-running demo session must not grow a log without bound).
pub const MAX_LINES: usize = 10_000;
/// A driver log4j line every this often while the application runs.
const DRIVER_TICK_MS: i64 = 500;
/// An executor line every this often.
const EXECUTOR_TICK_MS: i64 = 2_000;
/// Rolling driver log parts hold this many lines [I: Fabric rolls by size; lines keep it simple].
pub const PART_LINES: usize = 400;
/// One resource usage sample every this often.
pub const USAGE_STEP_MS: i64 = 5_000;
/// Cores per executor when the request does not say.
pub const DEFAULT_EXECUTOR_CORES: i64 = 8;

/// One simulated Spark application (of a Livy session or batch, or a notebook or Spark job
/// definition run).
#[derive(Debug, Clone)]
pub struct SparkApp {
    pub livy_id: Uuid,
    pub app_id: String,
    pub name: String,
    /// When the Livy item was submitted (the Livy log starts there).
    pub submitted: SimMillis,
    /// When the Spark application started; `None` while it has not.
    pub started: Option<SimMillis>,
    pub ended: Option<SimMillis>,
    pub failed: bool,
    pub executors: i64,
    pub executor_cores: i64,
    /// What the job printed (a submitted batch's output), spread over its running time.
    pub printed: Vec<String>,
}

impl SparkApp {
    /// Until when the application's logs have grown at `now`.
    fn until(&self, now: SimMillis) -> Option<SimMillis> {
        let start = self.started?;
        Some(self.ended.map_or(now, |e| e.min(now)).max(start))
    }

    fn seed(&self) -> u32 {
        self.livy_id.as_u128() as u32
    }

    /// The YARN container of executor `n` (1-based); container 1 is the driver's.
    pub fn container(&self, n: i64) -> String {
        let digits = self.app_id.trim_start_matches("application_");
        format!("container_{digits}_01_{:06}", n + 1)
    }

    pub fn node(&self, n: i64) -> String {
        format!("vm-{:08x}:{}", self.seed() ^ n as u32, 44_000 + n * 17)
    }
}

fn stamp(ms: SimMillis) -> String {
    millis_to_timestamp(ms).strftime("%y/%m/%d %H:%M:%S").to_string()
}

/// The driver's `stderr` (log4j) at `now`, one line per entry.
pub fn driver_stderr(app: &SparkApp, now: SimMillis) -> Vec<String> {
    let Some((start, until)) = app.started.zip(app.until(now)) else { return Vec::new() };
    let mut lines = vec![
        format!("{} INFO SparkContext: Running Spark version 3.5.1.5.4.20250310.1", stamp(start)),
        format!("{} INFO ResourceUtils: No custom resources configured for spark.driver.", stamp(start)),
        format!("{} INFO SparkContext: Submitted application: {}", stamp(start), app.name),
        format!(
            "{} INFO Utils: Successfully started service 'sparkDriver' on port 40123.",
            stamp(start + 200)
        ),
        format!("{} INFO SparkEnv: Registering MapOutputTracker", stamp(start + 300)),
        format!(
            "{} INFO YarnClientSchedulerBackend: Application {} has started running.",
            stamp(start + 600),
            app.app_id
        ),
    ];
    let ticks = (until - start) / DRIVER_TICK_MS;
    let seed = i64::from(app.seed() % 97);
    for k in 1..=ticks {
        if lines.len() >= MAX_LINES - 3 {
            break;
        }
        let at = stamp(start + k * DRIVER_TICK_MS);
        let (stage, task) = (k / 40, k % 40);
        let executor = 1 + (k + seed) % app.executors.max(1);
        lines.push(match k % 10 {
            0 => format!("{at} INFO DAGScheduler: Submitting 40 missing tasks from ResultStage {stage}"),
            5 => format!("{at} INFO BlockManagerInfo: Added broadcast_{stage}_piece0 in memory on vm-{:08x}:44017", app.seed()),
            _ => format!(
                "{at} INFO TaskSetManager: Finished task {task}.0 in stage {stage}.0 (TID {k}) in {} ms on executor {executor} ({task}/40)",
                900 + (k * 373 + seed) % 7_000
            ),
        });
    }
    if let Some(end) = app.ended.filter(|e| *e <= now) {
        if app.failed {
            lines.push(format!(
                "{} ERROR ApplicationMaster: User application exited with status 1",
                stamp(end)
            ));
        }
        lines.push(format!("{} INFO SparkContext: Successfully stopped SparkContext", stamp(end)));
    }
    lines
}

/// The driver's `stdout`: what the job printed, spread evenly over its running time.
pub fn driver_stdout(app: &SparkApp, now: SimMillis) -> Vec<String> {
    let Some((start, until)) = app.started.zip(app.until(now)) else { return Vec::new() };
    let span = app.ended.map_or(600_000, |e| (e - start).max(1));
    let printed: Vec<String> = if app.printed.is_empty() {
        (1..=20).map(|i| format!("processed partition {i}/20 of {}", app.name)).collect()
    } else {
        app.printed.clone()
    };
    let n = printed.len() as i64;
    printed
        .into_iter()
        .enumerate()
        .filter(|(i, _)| start + span * (*i as i64 + 1) / (n + 1) <= until)
        .map(|(_, l)| l)
        .collect()
}

/// Executor `n`'s stderr (1-based) at `now`.
pub fn executor_stderr(app: &SparkApp, n: i64, now: SimMillis) -> Vec<String> {
    let Some((start, until)) = app.started.zip(app.until(now)) else { return Vec::new() };
    let first = start + 2_000 * n;
    if until < first {
        return Vec::new();
    }
    let mut lines = vec![
        format!(
            "{} INFO CoarseGrainedExecutorBackend: Started daemon with process name: {}@{}",
            stamp(first),
            7_000 + n,
            app.node(n)
        ),
        format!("{} INFO Executor: Starting executor ID {n} on host {}", stamp(first), app.node(n)),
    ];
    let ticks = ((until - first) / EXECUTOR_TICK_MS) as usize;
    for k in 1..=ticks.min(MAX_LINES - 2) {
        let at = stamp(first + k as i64 * EXECUTOR_TICK_MS);
        let tid = k as i64 * app.executors.max(1) + n;
        lines.push(if k % 2 == 1 {
            format!("{at} INFO Executor: Running task {}.0 in stage {}.0 (TID {tid})", k % 40, k / 40)
        } else {
            format!("{at} INFO Executor: Finished task {}.0 in stage {}.0 (TID {tid}). 2245 bytes result sent to driver", k % 40, k / 40)
        });
    }
    lines
}

/// Executor `n`'s stdout.
pub fn executor_stdout(app: &SparkApp, n: i64, now: SimMillis) -> Vec<String> {
    match app.until(now) {
        Some(_) if executor_stderr(app, n, now).len() > 2 => {
            vec![format!("executor {n}: python worker ready")]
        }
        _ => Vec::new(),
    }
}

/// The Livy log: from submission (before the application starts) to the end.
pub fn livy_log(app: &SparkApp, now: SimMillis) -> Vec<String> {
    let mut events = vec![
        (app.submitted, format!("INFO LivyServer: Livy session {} submitted", app.livy_id)),
        (
            app.submitted + 100,
            "INFO InteractiveSession: state changed from not_started to starting".to_string(),
        ),
    ];
    if let Some(start) = app.started {
        events.push((start, format!("INFO SparkYarnApp: Application {} started", app.app_id)));
        events.push((
            start + 500,
            format!("INFO SparkYarnApp: YARN diagnostics: application {} is RUNNING", app.app_id),
        ));
    }
    if let Some(end) = app.ended {
        let word = if app.failed { "FAILED" } else { "FINISHED" };
        events.push((end, format!("INFO SparkYarnApp: Application {} {word}", app.app_id)));
    }
    events.into_iter().filter(|(at, _)| *at <= now).map(|(at, l)| format!("{} {l}", stamp(at))).collect()
}

/// Lines as a file's bytes: every line ends with a newline.
pub fn text(lines: &[String]) -> String {
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// One resource usage sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Milliseconds since the application started.
    pub at: i64,
    pub allocated: f64,
    pub running: f64,
    /// (executor, cores, tasks)
    pub executors: Vec<(i64, i64, i64)>,
}

/// The usage timeline at `now`: executors come up one by one, work comes in waves.
pub fn usage(app: &SparkApp, now: SimMillis) -> Vec<Sample> {
    let Some((start, until)) = app.started.zip(app.until(now)) else { return Vec::new() };
    let steps = (until - start) / USAGE_STEP_MS;
    let seed = i64::from(app.seed() % 13);
    (0..=steps.min(MAX_LINES as i64))
        .map(|k| {
            let at = k * USAGE_STEP_MS;
            // Executor n is up from 2 s × n on, like its log.
            let up = (1..=app.executors).filter(|n| at >= 2_000 * n).count() as i64;
            let cores = up * app.executor_cores;
            let wave = (k + seed) % 12;
            let busy = if wave < 8 { cores * (wave + 2) / 10 } else { cores / 8 };
            let executors = (1..=up)
                .map(|n| {
                    let tasks = (busy / up.max(1) + i64::from(n <= busy % up.max(1))).min(app.executor_cores);
                    (n, app.executor_cores, tasks)
                })
                .collect();
            Sample { at, allocated: cores as f64, running: busy.min(cores) as f64, executors }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(started: Option<SimMillis>, ended: Option<SimMillis>) -> SparkApp {
        SparkApp {
            livy_id: Uuid::from_u128(7),
            app_id: "application_1730933685452_0001".into(),
            name: "etl".into(),
            submitted: 0,
            started,
            ended,
            failed: false,
            executors: 2,
            executor_cores: 4,
            printed: Vec::new(),
        }
    }

    #[test]
    fn logs_grow_while_running_and_stop_at_the_end() {
        let running = app(Some(1_000), None);
        assert!(driver_stderr(&app(None, None), 5_000).is_empty(), "nothing before the app starts");
        let early = driver_stderr(&running, 11_000);
        let later = driver_stderr(&running, 21_000);
        assert!(later.len() > early.len() && later.starts_with(&early), "appends only");
        let ended = app(Some(1_000), Some(21_000));
        assert_eq!(driver_stderr(&ended, 60_000), driver_stderr(&ended, 90_000));
        assert!(driver_stderr(&ended, 60_000).last().is_some_and(|l| l.contains("stopped SparkContext")));
        assert_eq!(livy_log(&app(None, None), 1_000).len(), 2, "the Livy log starts before the app");
    }

    #[test]
    fn usage_counts_executors_as_they_come_up() {
        let samples = usage(&app(Some(0), None), 20_000);
        assert_eq!(samples.len(), 5);
        assert_eq!(samples[0].allocated, 0.0);
        assert_eq!(samples[1].executors.len(), 2);
        assert!(samples.iter().all(|s| s.running <= s.allocated));
        assert_eq!(app(Some(0), None).container(1), "container_1730933685452_0001_01_000002");
    }
}
