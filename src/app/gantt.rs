//! The timeline of a multi-task run in its details: the tasks the chart shows, the one chosen
//! with `j` / `k`, `l` opening the run's output at that task, and the run read again while it
//! moves on.
//!
//! The re-read rides on the Runs poll (already at the watched pace, and only while the pane is
//! on screen): each refresh of the run's row asks for one more `runs/get` while the run is
//! active, one last after it ended, none while a read is still out or once the details close.

use crate::domain::timeline::Timeline;
use crate::domain::{Kind, Target};

use super::App;
use super::keymap::Command;
use super::msg::Effect;

/// The chart's tasks and the chosen one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gantt {
    pub timeline: Timeline,
    pub selected: usize,
}

/// Whether the open details of a run want its tasks read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reread {
    /// A read is out: the next refresh waits for its answer.
    pub in_flight: bool,
    /// The last read was asked for while the run was active: one more once it ends.
    pub live: bool,
}

impl App {
    /// After new rows of `kind` in workspace `ws`: the open run's tasks read again while it
    /// moves (see the module's comment).
    pub(super) fn reread_run(&mut self, ws: usize, kind: Kind) -> Option<Effect> {
        if kind != Kind::Run {
            return None;
        }
        let row = self.details_row().filter(|r| r.kind == Kind::Run)?;
        let (target, active) = (Target::of(row), !row.status.is_terminal());
        let d = self.details.as_mut().filter(|d| d.ws == ws)?;
        if d.reread.in_flight || !(active || d.reread.live) {
            return None;
        }
        d.reread = Reread { in_flight: true, live: active };
        Some(Effect::LoadRelated { target })
    }

    /// A run's timeline arrived: shown in its details if they are still open.
    pub(super) fn timeline_arrived(&mut self, target: Target, timeline: Timeline) {
        if let Some(d) = &mut self.details
            && d.kind == target.kind
            && d.id == target.id
        {
            let selected =
                d.gantt.as_ref().map_or(0, |g| g.selected.min(timeline.tasks.len().saturating_sub(1)));
            d.gantt = Some(Gantt { timeline, selected });
            self.dirty = true;
        }
    }

    /// `j` / `k` in the details of a run with a timeline choose a task (other motions scroll);
    /// returns whether the key was taken.
    pub(super) fn move_task(&mut self, command: Command) -> bool {
        let Some(g) = self.details.as_mut().and_then(|d| d.gantt.as_mut()) else { return false };
        let last = g.timeline.tasks.len().saturating_sub(1);
        match command {
            Command::Down => g.selected = (g.selected + 1).min(last),
            Command::Up => g.selected = g.selected.saturating_sub(1),
            _ => return false,
        }
        true
    }

    /// `l` in a run's details: its output, opened at the chosen task's part.
    pub(super) fn open_task_logs(&mut self, target: Target) -> Vec<Effect> {
        let task = self
            .details
            .as_ref()
            .and_then(|d| d.gantt.as_ref())
            .and_then(|g| g.timeline.tasks.get(g.selected))
            .map(|t| t.key.clone());
        let effects = self.open_logs(target);
        if let (Some(task), Some(logs)) = (task, self.logs.as_mut()) {
            logs.open_at_task(task);
        }
        effects
    }
}
