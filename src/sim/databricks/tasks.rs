//! The tasks of a simulated run: when each one sets up and executes (after the tasks it
//! depends on, siblings side by side), its state at a moment, and how a repair reruns only the
//! tasks that did not succeed.

use serde_json::{Value, json};

use super::state::{MIN, Plan, Run, RunPhase, SEC, TERMINATING_MS};

/// When a task sets up and executes, simulated epoch ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: i64,
    pub setup_end: i64,
    pub end: i64,
}

/// Setup of a task that follows another on the run's cluster: the cluster is already up.
const FOLLOW_SETUP_MS: i64 = 2 * SEC;

/// Each task's depth in the dependency graph (0 for tasks that depend on nothing). A key that
/// names no task is ignored, and a cycle cannot loop: depths are settled in `n` rounds.
fn depths(run: &Run) -> Vec<usize> {
    let n = run.tasks.len();
    let mut depth = vec![0usize; n];
    for _ in 0..n {
        let mut changed = false;
        for (i, t) in run.tasks.iter().enumerate() {
            let d = t
                .depends_on
                .iter()
                .filter_map(|k| run.tasks.iter().position(|u| &u.key == k))
                .map(|j| depth[j] + 1)
                .max()
                .unwrap_or(0)
                .min(n);
            if d != depth[i] {
                depth[i] = d;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    depth
}

/// Every task's window. The run's execution time is shared between the levels of its graph;
/// tasks at the same level run side by side, each a little shorter than the one before it so
/// the chart tells them apart. Tasks kept by a repair keep their windows and hold nothing up.
pub fn windows(run: &Run) -> Vec<Window> {
    let depth = depths(run);
    let levels = depth.iter().max().map_or(1, |d| d + 1) as i64;
    let per_level = run.exec_ms / levels;
    let mut order: Vec<usize> = (0..run.tasks.len()).collect();
    order.sort_by_key(|&i| (depth[i], i));
    let mut out: Vec<Option<Window>> = vec![None; run.tasks.len()];
    for &i in &order {
        let t = &run.tasks[i];
        if let Some((start, setup_end, end)) = t.kept {
            out[i] = Some(Window { start, setup_end, end });
            continue;
        }
        let upstream = t
            .depends_on
            .iter()
            .filter_map(|k| run.tasks.iter().position(|u| &u.key == k))
            .filter(|&j| run.tasks[j].kept.is_none())
            .filter_map(|j| out[j].map(|w| w.end))
            .max();
        let start = upstream.unwrap_or(run.start);
        let setup = if upstream.is_some() { FOLLOW_SETUP_MS.min(per_level / 2) } else { run.setup_ms };
        let sibling = order.iter().take_while(|&&j| j != i).filter(|&&j| depth[j] == depth[i]).count() as i64;
        let own = if upstream.is_some() { per_level - setup } else { per_level };
        let exec = own * (100 - 15 * sibling.min(4)) / 100;
        out[i] = Some(Window { start, setup_end: start + setup, end: start + setup + exec.max(0) });
    }
    out.into_iter()
        .map(|w| w.unwrap_or(Window { start: run.start, setup_end: run.start, end: run.start }))
        .collect()
}

fn phase(
    life_cycle: &'static str,
    result: Option<&'static str>,
    message: &str,
    end: Option<i64>,
) -> RunPhase {
    RunPhase { life_cycle, result, message: message.to_string(), end }
}

/// The cancellation that stopped the run, if one did (a request after it ended changes
/// nothing).
fn cancelled(run: &Run) -> Option<i64> {
    run.cancelled_at.filter(|c| *c < run.exec_end() || run.plan == Plan::Forever)
}

/// Task `i`'s state at `now`. With a failing plan the last task fails (it depends on the
/// others, so nothing is left upstream-failed); the others succeed.
pub fn task_phase(run: &Run, i: usize, w: &Window, now: i64) -> RunPhase {
    if run.tasks[i].kept.is_some() {
        return phase("TERMINATED", Some("SUCCESS"), "", Some(w.end));
    }
    if let Some(c) = cancelled(run).filter(|c| *c < w.end || run.plan == Plan::Forever) {
        return if now < c + TERMINATING_MS {
            phase("TERMINATING", None, "Run cancellation requested.", None)
        } else {
            phase("TERMINATED", Some("CANCELED"), "Run cancelled.", Some(c + TERMINATING_MS))
        };
    }
    if run.plan == Plan::StuckInQueue || now < run.start {
        return phase("QUEUED", None, "Queued due to reaching maximum concurrent runs of 1.", None);
    }
    if now < w.start {
        return phase("BLOCKED", None, "Waiting for upstream tasks to finish.", None);
    }
    if now < w.setup_end {
        return phase("PENDING", None, "Waiting for cluster", None);
    }
    if run.plan == Plan::Forever || now < w.end {
        return phase("RUNNING", None, "In run", None);
    }
    let failing = i + 1 == run.tasks.len();
    let end = Some(w.end);
    match &run.plan {
        Plan::Fail { error, .. } | Plan::Flaky { error, .. } if failing => {
            phase("TERMINATED", Some("FAILED"), error, end)
        }
        Plan::TimeOut if failing => {
            phase("TERMINATED", Some("TIMEDOUT"), "Run timed out after 3600 seconds.", end)
        }
        Plan::InternalError if failing => phase(
            "INTERNAL_ERROR",
            Some("FAILED"),
            "Cluster '0923-164208-abcd1234' was terminated. Reason: CLOUD_PROVIDER_LAUNCH_FAILURE.",
            end,
        ),
        Plan::Skip => phase("SKIPPED", None, "Run skipped because the previous run is still active.", end),
        _ => phase("TERMINATED", Some("SUCCESS"), "", end),
    }
}

/// A task's clock fields as `runs/get` shows them: `start_time`, `end_time` (0 until then) and
/// its queue / setup / execution / cleanup durations so far.
pub fn clock_fields(run: &Run, i: usize, w: &Window, tp: &RunPhase, now: i64) -> Value {
    let stop = cancelled(run).filter(|c| *c < w.end).map_or(now, |c| c.min(now)).min(w.end);
    let queued = run.plan == Plan::StuckInQueue || now < run.start;
    let started = !queued && now >= w.start && stop >= w.start;
    let setup = if started { (stop.min(w.setup_end) - w.start).max(0) } else { 0 };
    let exec = if started { (stop - w.setup_end).max(0) } else { 0 };
    let first = run.tasks[i].depends_on.iter().all(|k| !run.tasks.iter().any(|u| &u.key == k));
    // Only the tasks that start the run wait in its queue.
    let queue =
        if first && run.tasks[i].kept.is_none() { (run.start.min(now) - run.created).max(0) } else { 0 };
    let end = tp.end.unwrap_or(0);
    json!({
        "start_time": if started { w.start } else { 0 },
        "end_time": end,
        "queue_duration": queue,
        "setup_duration": setup,
        "execution_duration": exec,
        "cleanup_duration": 0,
        "run_duration": if started && end > 0 { end - w.start } else { 0 },
    })
}

/// `runs/repair`: the tasks that succeeded keep their windows; the others (and, with
/// `rerun_dependent_tasks`, what depends on them) run again as new task runs from `start`.
/// `only` names the tasks to rerun (`rerun_tasks`); empty means every task that did not
/// succeed. Returns the new task run ids.
pub fn repair(
    run: &mut Run,
    only: &[String],
    dependents: bool,
    now: i64,
    mut next_id: impl FnMut() -> i64,
) -> Vec<i64> {
    let windows = windows(run);
    let succeeded: Vec<bool> = (0..run.tasks.len())
        .map(|i| task_phase(run, i, &windows[i], now).result == Some("SUCCESS"))
        .collect();
    let mut rerun: Vec<bool> = run
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| if only.is_empty() { !succeeded[i] } else { only.contains(&t.key) })
        .collect();
    if dependents {
        for _ in 0..run.tasks.len() {
            for i in 0..run.tasks.len() {
                let upstream_rerun = run.tasks[i]
                    .depends_on
                    .iter()
                    .any(|k| run.tasks.iter().position(|u| &u.key == k).is_some_and(|j| rerun[j]));
                rerun[i] |= upstream_rerun;
            }
        }
    }
    let mut ids = Vec::new();
    for (i, t) in run.tasks.iter_mut().enumerate() {
        if rerun[i] {
            t.kept = None;
            t.attempt += 1;
            t.run_id = next_id();
            ids.push(t.run_id);
        } else if t.kept.is_none() {
            let w = windows[i];
            t.kept = Some((w.start, w.setup_end, w.end));
        }
    }
    run.cancelled_at = None;
    run.start = now + SEC;
    run.setup_ms = 5 * SEC;
    // A repaired run takes at least a minute per rerun level, so its progress can be watched.
    run.exec_ms = run.exec_ms.max(MIN);
    ids
}
