//! What the user can do to one item (`Action`) and the item it is done to (`Target`): the words
//! the monitor, the headless commands and the workspace layer share.

use super::{Detail, Kind, Resource};

/// A change the user can make to one item. Which key triggers which action per kind lives in
/// the keymap (`app::keymap`): `c` kill/cancel, `t` terminate, `r` restart, `u` start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Livy `DELETE .../sessions/{id}`.
    KillSession,
    /// Livy `POST .../sessions/{id}/reset-timeout`: restart the 20-minute idle countdown.
    KeepAlive,
    /// Livy `DELETE .../batches/{id}`.
    CancelBatch,
    /// Databricks `jobs/runs/cancel`.
    CancelRun,
    /// Databricks `clusters/start` (a terminated all-purpose cluster).
    StartCluster,
    /// Databricks `clusters/restart`.
    RestartCluster,
    /// Databricks `clusters/delete` (terminate; the cluster can be started again).
    TerminateCluster,
    /// Databricks `clusters/resize`: `min == max` is a fixed size, else autoscale.
    ResizeCluster { min: u32, max: u32 },
    /// Databricks `jobs/run-now` (its parameters travel beside the action).
    RunJob,
    /// Databricks `jobs/runs/repair`: rerun a run's failed tasks and those after them.
    RepairRun,
    /// Databricks `jobs/runs/cancel-all` of one job.
    CancelAllRuns,
}

impl Action {
    /// The verb shown in confirmations and messages.
    pub fn verb(self) -> &'static str {
        match self {
            Action::KillSession => "kill",
            Action::KeepAlive => "keep alive",
            Action::CancelBatch | Action::CancelRun => "cancel",
            Action::StartCluster => "start",
            Action::RestartCluster => "restart",
            Action::TerminateCluster => "terminate",
            Action::ResizeCluster { .. } => "resize",
            Action::RunJob => "run",
            Action::RepairRun => "repair",
            Action::CancelAllRuns => "cancel all runs of",
        }
    }

    /// What the action is while it goes on: "cancelling".
    pub fn ongoing(self) -> &'static str {
        match self {
            Action::KillSession => "killing",
            Action::KeepAlive => "keeping alive",
            Action::CancelBatch | Action::CancelRun => "cancelling",
            Action::StartCluster => "starting",
            Action::RestartCluster => "restarting",
            Action::TerminateCluster => "terminating",
            Action::ResizeCluster { .. } => "resizing",
            Action::RunJob => "starting",
            Action::RepairRun => "repairing",
            Action::CancelAllRuns => "cancelling all runs of",
        }
    }

    /// What the action did, once the service took it: "cancelled".
    pub fn done(self) -> &'static str {
        match self {
            Action::KillSession => "killed",
            Action::KeepAlive => "kept alive",
            Action::CancelBatch | Action::CancelRun => "cancelled",
            Action::StartCluster => "started",
            Action::RestartCluster => "restarted",
            Action::TerminateCluster => "terminated",
            Action::ResizeCluster { .. } => "resized",
            Action::RunJob => "started",
            Action::RepairRun => "repairing",
            Action::CancelAllRuns => "cancelling all runs of",
        }
    }

    /// The verb with its object: "kill it", "keep it alive".
    pub fn done_to(self, object: &str) -> String {
        match self {
            Action::KeepAlive => format!("keep {object} alive"),
            other => format!("{} {object}", other.verb()),
        }
    }

    /// What the action will do beyond its verb ("to 2–8 workers"), for confirmations.
    pub fn detail(self) -> Option<String> {
        match self {
            Action::ResizeCluster { min, max } if min == max => {
                Some(format!("to {min} worker{}", if min == 1 { "" } else { "s" }))
            }
            Action::ResizeCluster { min, max } => Some(format!("to {min}–{max} workers (autoscale)")),
            _ => None,
        }
    }

    /// The kind of item this action applies to.
    pub fn kind(self) -> Kind {
        match self {
            Action::KillSession | Action::KeepAlive => Kind::Session,
            Action::CancelBatch => Kind::Batch,
            Action::CancelRun | Action::RepairRun => Kind::Run,
            Action::RunJob | Action::CancelAllRuns => Kind::Job,
            Action::StartCluster
            | Action::RestartCluster
            | Action::TerminateCluster
            | Action::ResizeCluster { .. } => Kind::Cluster,
        }
    }
}

/// The item an action is for, named fully so the confirmation and the runner agree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    pub workspace: String,
    pub kind: Kind,
    pub id: String,
    pub name: String,
    /// The lakehouse (its configured label) whose Livy API holds a session or batch, when the
    /// row says so: actions and reads go straight there instead of asking every lakehouse.
    pub lakehouse: Option<String>,
}

impl Target {
    /// The item a row shows.
    pub fn of(r: &Resource) -> Target {
        let lakehouse = match &r.detail {
            Detail::Session { lakehouse, .. } | Detail::Batch { lakehouse, .. } => lakehouse.clone(),
            Detail::Cluster { .. } | Detail::Run { .. } | Detail::Job { .. } => None,
        };
        Target {
            workspace: r.workspace.clone(),
            kind: r.kind,
            id: r.id.clone(),
            name: r.name.clone(),
            lakehouse,
        }
    }
}

impl Target {
    /// For one line: `run "nightly-etl" (884190) in adb-prod`, the id short.
    pub fn short(&self) -> String {
        let name = if self.name.is_empty() { "(unnamed)" } else { &self.name };
        format!("{} \"{}\" ({}) in {}", self.kind.singular(), name, super::short_id(&self.id), self.workspace)
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = if self.name.is_empty() { "(unnamed)" } else { &self.name };
        write!(f, "{} \"{}\" (id {}) in {}", self.kind.singular(), name, self.id, self.workspace)
    }
}
