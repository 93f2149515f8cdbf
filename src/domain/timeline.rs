//! A multi-task run's tasks against the run's clock: each task's queue, setup, execution and
//! cleanup phases (from its durations and start / end times), its state and what it depends on.
//! Drawn as a Gantt chart in the run's details.

use jiff::{SignedDuration, Timestamp};

use super::Status;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskSpan {
    pub key: String,
    /// The task run's id (what `runs/get-output` takes).
    pub run_id: Option<String>,
    pub status: Status,
    /// The service's words: `TERMINATED/FAILED`, `BLOCKED`.
    pub state: String,
    pub depends_on: Vec<String>,
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
    pub queue: SignedDuration,
    pub setup: SignedDuration,
    pub execution: SignedDuration,
    pub cleanup: SignedDuration,
}

/// One phase of a task, for the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Queue,
    Setup,
    Execution,
    Cleanup,
    /// A task that reports no phases: its whole span.
    Span,
}

impl TaskSpan {
    /// The task's phases as (phase, from, to), in order, zero-length ones left out. A running
    /// task's last phase grows to `now`; a task without phases shows its span.
    pub fn phases(&self, now: Timestamp) -> Vec<(Phase, Timestamp, Timestamp)> {
        let Some(start) = self.start else { return Vec::new() };
        let running = self.end.is_none() && self.status.is_active();
        let end = self.end.unwrap_or(if running { now } else { start });
        let plus = |t: Timestamp, d: SignedDuration| t.checked_add(d.max(SignedDuration::ZERO)).unwrap_or(t);
        let mut out = Vec::new();
        let queued_from = start.checked_sub(self.queue.max(SignedDuration::ZERO)).unwrap_or(start);
        if queued_from < start {
            out.push((Phase::Queue, queued_from, start));
        }
        let none = [self.setup, self.execution, self.cleanup].iter().all(|d| *d <= SignedDuration::ZERO);
        if none {
            if end > start {
                out.push((Phase::Span, start, end));
            }
            return out;
        }
        let setup_end = plus(start, self.setup);
        let exec_end = plus(setup_end, self.execution);
        let cleanup_end = plus(exec_end, self.cleanup);
        out.push((Phase::Setup, start, setup_end));
        out.push((Phase::Execution, setup_end, exec_end));
        out.push((Phase::Cleanup, exec_end, cleanup_end));
        // While it runs, the phase it is in reaches to now (the durations lag a poll behind).
        if running && let Some(last) = out.iter_mut().rev().find(|(p, a, b)| *p != Phase::Queue && b > a) {
            last.2 = last.2.max(now);
        }
        out.retain(|(_, a, b)| b > a);
        out
    }
}

/// The tasks of one run, in the order the service lists them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Timeline {
    pub tasks: Vec<TaskSpan>,
}

impl Timeline {
    /// The run's clock: from the first queued moment to the last end (now, while any task runs).
    pub fn clock(&self, now: Timestamp) -> Option<(Timestamp, Timestamp)> {
        let phases: Vec<_> = self.tasks.iter().flat_map(|t| t.phases(now)).collect();
        let from = phases.iter().map(|(_, a, _)| *a).min()?;
        let to = phases.iter().map(|(_, _, b)| *b).max()?;
        Some((from, to.max(from)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(secs: i64) -> Timestamp {
        Timestamp::from_second(1_767_225_600 + secs).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn task(status: Status, start: Option<i64>, end: Option<i64>, q: i64, s: i64, e: i64) -> TaskSpan {
        TaskSpan {
            key: "t".into(),
            run_id: None,
            status,
            state: String::new(),
            depends_on: Vec::new(),
            start: start.map(ts),
            end: end.map(ts),
            queue: SignedDuration::from_secs(q),
            setup: SignedDuration::from_secs(s),
            execution: SignedDuration::from_secs(e),
            cleanup: SignedDuration::ZERO,
        }
    }

    #[test]
    fn phases_follow_the_durations_and_zero_length_ones_are_left_out() {
        let t = task(Status::Succeeded, Some(10), Some(100), 10, 0, 90);
        assert_eq!(t.phases(ts(500)), [(Phase::Queue, ts(0), ts(10)), (Phase::Execution, ts(10), ts(100))]);
    }

    #[test]
    fn a_running_task_grows_to_now_and_a_task_without_phases_shows_its_span() {
        let running = task(Status::Busy, Some(0), None, 0, 5, 20);
        assert_eq!(running.phases(ts(60)), [(Phase::Setup, ts(0), ts(5)), (Phase::Execution, ts(5), ts(60))]);
        let setting_up = task(Status::Pending, Some(0), None, 0, 0, 0);
        assert_eq!(setting_up.phases(ts(30)), [(Phase::Span, ts(0), ts(30))]);
        let bare = task(Status::Failed, Some(0), Some(40), 0, 0, 0);
        assert_eq!(bare.phases(ts(99)), [(Phase::Span, ts(0), ts(40))]);
        assert!(task(Status::Pending, None, None, 0, 0, 0).phases(ts(5)).is_empty());
    }

    #[test]
    fn the_clock_spans_every_task() {
        let tl = Timeline {
            tasks: vec![
                task(Status::Succeeded, Some(10), Some(40), 10, 5, 25),
                task(Status::Busy, Some(40), None, 0, 2, 1),
            ],
        };
        assert_eq!(tl.clock(ts(70)), Some((ts(0), ts(70))));
        assert_eq!(Timeline::default().clock(ts(0)), None);
    }
}
