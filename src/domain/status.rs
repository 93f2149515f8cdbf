//! The unified status vocabulary (DESIGN.md "One status vocabulary, raw state always visible").
//!
//! Each service keeps its own words; this maps them onto a small set for colour, sorting and
//! filtering. Anything unrecognised is `Unknown`, and callers keep displaying the raw word.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Queued, starting, acquiring, restarting: not yet usable.
    Pending,
    /// Up and waiting for work (an idle session, an idle cluster).
    Ready,
    /// Doing work (a busy session, a running batch, run or cluster).
    Busy,
    Succeeded,
    Failed,
    Cancelled,
    /// A word we do not know yet; the raw text stays visible.
    Unknown,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Pending,
        Status::Ready,
        Status::Busy,
        Status::Succeeded,
        Status::Failed,
        Status::Cancelled,
        Status::Unknown,
    ];

    /// Still going: worth polling often.
    pub fn is_active(self) -> bool {
        matches!(self, Status::Pending | Status::Ready | Status::Busy)
    }

    /// Finished for good.
    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Succeeded | Status::Failed | Status::Cancelled)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Ready => "ready",
            Status::Busy => "busy",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
            Status::Unknown => "unknown",
        }
    }

    /// Parse a `--state` filter value: a unified name, or `active` / `terminal` groups are
    /// handled by the caller; this accepts the unified names case-insensitively.
    pub fn parse(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// Livy session or batch: `state`, falling back to the Fabric acquisition state when the
    /// service has not assigned a Livy state yet (early polls carry only
    /// `fabricSessionStateInfo` / `fabricBatchStateInfo`).
    pub fn from_livy(state: Option<&str>, fabric_state: Option<&str>) -> Status {
        match state.map(str::to_ascii_lowercase).as_deref() {
            Some("not_started" | "starting" | "submitting" | "recovering" | "not_submitted") => {
                Status::Pending
            }
            Some("idle") => Status::Ready,
            Some("busy" | "running" | "shutting_down") => Status::Busy,
            Some("success") => Status::Succeeded,
            Some("dead" | "error") => Status::Failed,
            Some("killed") => Status::Cancelled,
            Some(_) => Status::Unknown,
            None => fabric_state.map(Status::from_fabric_acquisition).unwrap_or(Status::Pending),
        }
    }

    /// A Livy item as a whole: its Livy state, its Fabric acquisition state and its final
    /// `result`. A terminal acquisition state (capacity rejected, cancelled while queued) wins
    /// over a Livy state that never moved on; a list item carrying only `result` uses that.
    pub fn from_livy_item(state: Option<&str>, fabric_state: Option<&str>, result: Option<&str>) -> Status {
        let acquisition = fabric_state.map(Status::from_fabric_acquisition);
        let livy = Status::from_livy(state, fabric_state);
        let outcome = match result.map(str::to_ascii_lowercase).as_deref() {
            Some("succeeded") => Some(Status::Succeeded),
            Some("failed") => Some(Status::Failed),
            Some("cancelled" | "canceled") => Some(Status::Cancelled),
            _ => None,
        };
        match (acquisition, outcome) {
            (Some(a), _) if a.is_terminal() && !livy.is_terminal() => a,
            (_, Some(o)) if state.is_none() && !livy.is_terminal() => o,
            _ => livy,
        }
    }

    /// `fabricSessionStateInfo.state` / `fabricBatchStateInfo.state`.
    pub fn from_fabric_acquisition(state: &str) -> Status {
        match state.to_ascii_lowercase().as_str() {
            "queued" | "librarypackaging" | "acquiringsession" | "submitting" | "cancelling" => {
                Status::Pending
            }
            "error" | "expired" => Status::Failed,
            "cancelled" => Status::Cancelled,
            _ => Status::Unknown,
        }
    }

    /// High-concurrency session state (`NotStarted`, `AcquiringHighConcurrencySession`, `Idle`, ...).
    pub fn from_high_concurrency(state: &str) -> Status {
        match state.to_ascii_lowercase().as_str() {
            "notstarted" | "acquiringhighconcurrencysession" | "starting" => Status::Pending,
            "idle" => Status::Ready,
            "busy" => Status::Busy,
            "dead" | "failed" | "error" => Status::Failed,
            "killed" | "deleting" => Status::Cancelled,
            _ => Status::Unknown,
        }
    }

    /// Workspace monitoring `LivySession.state`.
    pub fn from_monitoring(state: &str) -> Status {
        match state.to_ascii_lowercase().as_str() {
            "notstarted" => Status::Pending,
            "inprogress" => Status::Busy,
            "succeeded" | "stopped" => Status::Succeeded,
            "failed" => Status::Failed,
            "cancelled" => Status::Cancelled,
            _ => Status::Unknown,
        }
    }

    /// Databricks cluster state; a TERMINATED cluster is Succeeded when it stopped for a normal
    /// reason (`termination_reason.type` SUCCESS or absent) and Failed otherwise.
    pub fn from_cluster(state: &str, termination_type: Option<&str>) -> Status {
        match state {
            "PENDING" | "RESTARTING" => Status::Pending,
            // A running cluster is up and usable; we cannot see its load from the API.
            "RUNNING" => Status::Ready,
            "RESIZING" | "TERMINATING" => Status::Busy,
            "TERMINATED" => match termination_type {
                None | Some("SUCCESS") => Status::Succeeded,
                Some(_) => Status::Failed,
            },
            "ERROR" => Status::Failed,
            _ => Status::Unknown,
        }
    }

    /// Databricks run: `state.life_cycle_state` and, once terminal, `state.result_state`.
    ///
    /// ```
    /// use sparkdeck::domain::Status;
    /// assert_eq!(Status::from_run("RUNNING", None), Status::Busy);
    /// assert_eq!(Status::from_run("TERMINATED", Some("TIMEDOUT")), Status::Failed);
    /// assert!(Status::from_run("TERMINATED", Some("SUCCESS")).is_terminal());
    /// ```
    pub fn from_run(life_cycle_state: &str, result_state: Option<&str>) -> Status {
        match life_cycle_state {
            "QUEUED" | "PENDING" | "BLOCKED" | "WAITING_FOR_RETRY" => Status::Pending,
            "RUNNING" | "TERMINATING" => Status::Busy,
            "INTERNAL_ERROR" => Status::Failed,
            "SKIPPED" => Status::Cancelled,
            "TERMINATED" => match result_state {
                Some("SUCCESS" | "SUCCESS_WITH_FAILURES") => Status::Succeeded,
                Some("CANCELED" | "UPSTREAM_CANCELED" | "EXCLUDED" | "DISABLED") => Status::Cancelled,
                Some("FAILED" | "TIMEDOUT" | "UPSTREAM_FAILED" | "MAXIMUM_CONCURRENT_RUNS_REACHED") => {
                    Status::Failed
                }
                _ => Status::Unknown,
            },
            _ => Status::Unknown,
        }
    }
}

impl Status {
    /// Databricks run, newer `status` object: `status.state` and, once terminated,
    /// `status.termination_details.code`.
    pub fn from_run_status(state: &str, termination_code: Option<&str>) -> Status {
        match state {
            "QUEUED" | "PENDING" | "BLOCKED" | "WAITING" => Status::Pending,
            "RUNNING" | "TERMINATING" => Status::Busy,
            "TERMINATED" => match termination_code {
                Some("SUCCESS" | "SUCCESS_WITH_FAILURES") => Status::Succeeded,
                Some("USER_CANCELED" | "CANCELED" | "SKIPPED" | "DISABLED") => Status::Cancelled,
                Some(_) => Status::Failed,
                None => Status::Unknown,
            },
            _ => Status::Unknown,
        }
    }
}

/// The services' own state words per kind, as the mappings above know them: what `--state`
/// accepts besides the unified names (and `active`).
pub fn known_words(kind: super::Kind) -> &'static [&'static str] {
    use super::Kind;
    match kind {
        Kind::Session | Kind::Batch => &[
            "not_started",
            "starting",
            "submitting",
            "recovering",
            "idle",
            "busy",
            "running",
            "shutting_down",
            "success",
            "dead",
            "error",
            "killed",
            "queued",
            "NotStarted",
            "InProgress",
            "Succeeded",
            "Failed",
            "Cancelled",
            "Stopped",
        ],
        Kind::Cluster => {
            &["PENDING", "RUNNING", "RESTARTING", "RESIZING", "TERMINATING", "TERMINATED", "ERROR"]
        }
        Kind::Run | Kind::Job => &[
            "QUEUED",
            "PENDING",
            "BLOCKED",
            "WAITING_FOR_RETRY",
            "RUNNING",
            "TERMINATING",
            "TERMINATED",
            "SKIPPED",
            "INTERNAL_ERROR",
            "SUCCESS",
            "FAILED",
            "TIMEDOUT",
            "CANCELED",
            "UPSTREAM_FAILED",
            "UPSTREAM_CANCELED",
        ],
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn livy_states_follow_the_design_table() {
        assert_eq!(Status::from_livy(Some("starting"), None), Status::Pending);
        assert_eq!(Status::from_livy(Some("idle"), None), Status::Ready);
        assert_eq!(Status::from_livy(Some("busy"), None), Status::Busy);
        assert_eq!(Status::from_livy(Some("running"), None), Status::Busy);
        assert_eq!(Status::from_livy(Some("success"), None), Status::Succeeded);
        assert_eq!(Status::from_livy(Some("dead"), None), Status::Failed);
        assert_eq!(Status::from_livy(Some("killed"), None), Status::Cancelled);
        assert_eq!(Status::from_livy(Some("brand_new"), None), Status::Unknown);
    }

    #[test]
    fn sparse_livy_bodies_use_the_acquisition_state() {
        assert_eq!(Status::from_livy(None, Some("queued")), Status::Pending);
        assert_eq!(Status::from_livy(None, Some("acquiringSession")), Status::Pending);
        assert_eq!(Status::from_livy(None, Some("error")), Status::Failed);
        assert_eq!(Status::from_livy(None, Some("cancelled")), Status::Cancelled);
        assert_eq!(Status::from_livy(None, None), Status::Pending);
    }

    #[test]
    fn terminal_acquisition_and_final_results_win_over_stale_livy_states() {
        assert_eq!(Status::from_livy_item(Some("starting"), Some("error"), None), Status::Failed);
        assert_eq!(Status::from_livy_item(Some("not_started"), Some("cancelled"), None), Status::Cancelled);
        assert_eq!(Status::from_livy_item(Some("idle"), Some("queued"), None), Status::Ready);
        assert_eq!(Status::from_livy_item(Some("dead"), Some("cancelled"), None), Status::Failed);
        assert_eq!(Status::from_livy_item(None, None, Some("Succeeded")), Status::Succeeded);
        assert_eq!(Status::from_livy_item(None, None, Some("Uncertain")), Status::Pending);
        assert_eq!(Status::from_livy_item(Some("busy"), None, Some("Uncertain")), Status::Busy);
    }

    #[test]
    fn high_concurrency_and_monitoring_states() {
        assert_eq!(Status::from_high_concurrency("AcquiringHighConcurrencySession"), Status::Pending);
        assert_eq!(Status::from_high_concurrency("Idle"), Status::Ready);
        assert_eq!(Status::from_high_concurrency("Killed"), Status::Cancelled);
        assert_eq!(Status::from_monitoring("InProgress"), Status::Busy);
        assert_eq!(Status::from_monitoring("Succeeded"), Status::Succeeded);
    }

    #[test]
    fn clusters_terminated_for_errors_are_failures() {
        assert_eq!(Status::from_cluster("TERMINATED", Some("SUCCESS")), Status::Succeeded);
        assert_eq!(Status::from_cluster("TERMINATED", Some("CLOUD_FAILURE")), Status::Failed);
        assert_eq!(Status::from_cluster("RESTARTING", None), Status::Pending);
        assert_eq!(Status::from_cluster("RUNNING", None), Status::Ready);
        assert_eq!(Status::from_cluster("SOMETHING_NEW", None), Status::Unknown);
    }

    #[test]
    fn runs_use_the_result_once_terminated() {
        assert_eq!(Status::from_run("QUEUED", None), Status::Pending);
        assert_eq!(Status::from_run("RUNNING", None), Status::Busy);
        assert_eq!(Status::from_run("TERMINATED", Some("SUCCESS")), Status::Succeeded);
        assert_eq!(Status::from_run("TERMINATED", Some("TIMEDOUT")), Status::Failed);
        assert_eq!(Status::from_run("TERMINATED", Some("CANCELED")), Status::Cancelled);
        assert_eq!(Status::from_run("INTERNAL_ERROR", None), Status::Failed);
    }

    #[test]
    fn parse_accepts_unified_names() {
        assert_eq!(Status::parse("Failed"), Some(Status::Failed));
        assert_eq!(Status::parse("nope"), None);
    }
}
