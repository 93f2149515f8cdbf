//! Jobs and runs (2.2): run state and the newer status object, tasks, run requests and outputs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::wire::{items, lenient, wire_enum};

wire_enum! {
    /// `state.life_cycle_state` (legacy, still returned). Terminal: TERMINATED, SKIPPED,
    /// INTERNAL_ERROR.
    pub RunLifeCycleState {
        Queued = "QUEUED",
        Pending = "PENDING",
        Running = "RUNNING",
        Terminating = "TERMINATING",
        Terminated = "TERMINATED",
        Skipped = "SKIPPED",
        InternalError = "INTERNAL_ERROR",
        Blocked = "BLOCKED",
        WaitingForRetry = "WAITING_FOR_RETRY",
    }
}

impl RunLifeCycleState {
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Terminated | Self::Skipped | Self::InternalError)
    }
}

wire_enum! {
    /// `state.result_state`, once terminal.
    pub RunResultState {
        Success = "SUCCESS",
        Failed = "FAILED",
        TimedOut = "TIMEDOUT",
        Canceled = "CANCELED",
        MaximumConcurrentRunsReached = "MAXIMUM_CONCURRENT_RUNS_REACHED",
        Excluded = "EXCLUDED",
        SuccessWithFailures = "SUCCESS_WITH_FAILURES",
        UpstreamFailed = "UPSTREAM_FAILED",
        UpstreamCanceled = "UPSTREAM_CANCELED",
        Disabled = "DISABLED",
    }
}

wire_enum! {
    /// `status.state` (the newer status object).
    pub RunStatusState {
        Queued = "QUEUED",
        Pending = "PENDING",
        Running = "RUNNING",
        Terminating = "TERMINATING",
        Terminated = "TERMINATED",
        Blocked = "BLOCKED",
        Waiting = "WAITING",
    }
}

wire_enum! {
    pub TerminationDetailsType {
        Success = "SUCCESS",
        ClientError = "CLIENT_ERROR",
        InternalError = "INTERNAL_ERROR",
        CloudFailure = "CLOUD_FAILURE",
    }
}

wire_enum! {
    /// `status.termination_details.code`.
    pub TerminationDetailsCode {
        Success = "SUCCESS",
        SuccessWithFailures = "SUCCESS_WITH_FAILURES",
        UserCanceled = "USER_CANCELED",
        Canceled = "CANCELED",
        Skipped = "SKIPPED",
        Disabled = "DISABLED",
        RunExecutionError = "RUN_EXECUTION_ERROR",
        DriverError = "DRIVER_ERROR",
        ClusterError = "CLUSTER_ERROR",
        CloudFailure = "CLOUD_FAILURE",
        InternalError = "INTERNAL_ERROR",
        InvalidClusterRequest = "INVALID_CLUSTER_REQUEST",
        InvalidRunConfiguration = "INVALID_RUN_CONFIGURATION",
        LibraryInstallationError = "LIBRARY_INSTALLATION_ERROR",
        MaxConcurrentRunsExceeded = "MAX_CONCURRENT_RUNS_EXCEEDED",
        MaxJobQueueSizeExceeded = "MAX_JOB_QUEUE_SIZE_EXCEEDED",
        MaxSparkContextsExceeded = "MAX_SPARK_CONTEXTS_EXCEEDED",
        WorkspaceRunLimitExceeded = "WORKSPACE_RUN_LIMIT_EXCEEDED",
        ClusterRequestLimitExceeded = "CLUSTER_REQUEST_LIMIT_EXCEEDED",
        ClusterTerminatedByUser = "CLUSTER_TERMINATED_BY_USER",
        RepositoryCheckoutFailed = "REPOSITORY_CHECKOUT_FAILED",
        ResourceNotFound = "RESOURCE_NOT_FOUND",
        StorageAccessError = "STORAGE_ACCESS_ERROR",
        UnauthorizedError = "UNAUTHORIZED_ERROR",
        FeatureDisabled = "FEATURE_DISABLED",
        BudgetPolicyLimitExceeded = "BUDGET_POLICY_LIMIT_EXCEEDED",
        BreakingChange = "BREAKING_CHANGE",
    }
}

wire_enum! {
    pub QueueDetailsCode {
        ActiveRunsLimitReached = "ACTIVE_RUNS_LIMIT_REACHED",
        MaxConcurrentRunsReached = "MAX_CONCURRENT_RUNS_REACHED",
        ActiveRunJobTasksLimitReached = "ACTIVE_RUN_JOB_TASKS_LIMIT_REACHED",
    }
}

wire_enum! {
    pub TriggerType {
        Periodic = "PERIODIC",
        OneTime = "ONE_TIME",
        Retry = "RETRY",
        RunJobTask = "RUN_JOB_TASK",
        FileArrival = "FILE_ARRIVAL",
        Table = "TABLE",
        Continuous = "CONTINUOUS",
        ContinuousRestart = "CONTINUOUS_RESTART",
    }
}

wire_enum! {
    pub RunType { JobRun = "JOB_RUN", WorkflowRun = "WORKFLOW_RUN", SubmitRun = "SUBMIT_RUN" }
}

/// `state` of a run or task run.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct RunState {
    pub life_cycle_state: Option<RunLifeCycleState>,
    pub result_state: Option<RunResultState>,
    pub state_message: Option<String>,
    pub user_cancelled_or_timedout: Option<bool>,
    pub queue_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct TerminationDetails {
    pub code: Option<TerminationDetailsCode>,
    #[serde(rename = "type")]
    pub details_type: Option<TerminationDetailsType>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct QueueDetails {
    pub code: Option<QueueDetailsCode>,
    pub message: Option<String>,
}

/// `status` of a run or task run.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct RunStatus {
    pub state: Option<RunStatusState>,
    pub termination_details: Option<TerminationDetails>,
    pub queue_details: Option<QueueDetails>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ClusterInstance {
    pub cluster_id: Option<String>,
    pub spark_context_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct TaskDependency {
    pub task_key: Option<String>,
}

/// One task of a run.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct RunTask {
    pub task_key: Option<String>,
    pub run_id: Option<i64>,
    pub description: Option<String>,
    pub state: Option<RunState>,
    pub status: Option<RunStatus>,
    pub attempt_number: Option<i64>,
    pub depends_on: Vec<TaskDependency>,
    pub run_if: Option<String>,
    pub existing_cluster_id: Option<String>,
    pub new_cluster: Option<Value>,
    pub job_cluster_key: Option<String>,
    pub notebook_task: Option<Value>,
    pub spark_python_task: Option<Value>,
    pub spark_jar_task: Option<Value>,
    pub python_wheel_task: Option<Value>,
    pub sql_task: Option<Value>,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    /// Time in the queue, setting up the cluster, executing, cleaning up (ms so far).
    #[serde(deserialize_with = "lenient")]
    pub queue_duration: Option<i64>,
    #[serde(deserialize_with = "lenient")]
    pub setup_duration: Option<i64>,
    #[serde(deserialize_with = "lenient")]
    pub execution_duration: Option<i64>,
    #[serde(deserialize_with = "lenient")]
    pub cleanup_duration: Option<i64>,
    pub run_page_url: Option<String>,
    pub cluster_instance: Option<ClusterInstance>,
}

wire_enum! {
    /// `repair_history[].type`.
    pub RepairType { Original = "ORIGINAL", Repair = "REPAIR" }
}

/// An entry of a run's `repair_history`, as far as it is read (the raw object has the rest).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct RepairHistoryItem {
    #[serde(rename = "type")]
    pub repair_type: Option<RepairType>,
    /// The repair id (the original run's id for `ORIGINAL`).
    #[serde(deserialize_with = "lenient")]
    pub id: Option<i64>,
}

/// A job run (`runs/get`, items of `runs/list`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Run {
    pub job_id: Option<i64>,
    pub run_id: Option<i64>,
    pub number_in_job: Option<i64>,
    pub original_attempt_run_id: Option<i64>,
    pub attempt_number: Option<i64>,
    pub job_run_id: Option<i64>,
    pub creator_user_name: Option<String>,
    pub run_name: Option<String>,
    pub run_page_url: Option<String>,
    pub run_type: Option<RunType>,
    pub trigger: Option<TriggerType>,
    pub description: Option<String>,
    pub state: Option<RunState>,
    pub status: Option<RunStatus>,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    pub setup_duration: Option<i64>,
    pub execution_duration: Option<i64>,
    pub cleanup_duration: Option<i64>,
    pub run_duration: Option<i64>,
    pub queue_duration: Option<i64>,
    pub cluster_instance: Option<ClusterInstance>,
    pub cluster_spec: Option<Value>,
    pub job_parameters: Vec<Value>,
    pub overriding_parameters: Option<Value>,
    /// `None` when the body does not carry its tasks (list items without `expand_tasks`).
    pub tasks: Option<Vec<RunTask>>,
    /// The original run and each repair, oldest first. An entry of an unexpected shape reads
    /// as an empty one.
    #[serde(deserialize_with = "items")]
    pub repair_history: Vec<RepairHistoryItem>,
    /// Set when `tasks` (or other arrays) were cut at 100 items (`expand_tasks` lists, 2.2 get).
    pub has_more: Option<bool>,
    /// 2.2 `runs/get`: the next page of this run's arrays.
    pub next_page_token: Option<String>,
}

/// `runs/list` filter, applied by the service.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    pub job_id: Option<i64>,
    /// QUEUED, PENDING, RUNNING or TERMINATING only (exclusive with `completed_only`).
    pub active_only: bool,
    pub completed_only: bool,
    pub run_type: Option<RunType>,
    pub start_time_from: Option<i64>,
    pub start_time_to: Option<i64>,
    pub expand_tasks: bool,
}

wire_enum! {
    /// `pause_status` of a schedule, trigger or continuous job.
    pub PauseStatus { Paused = "PAUSED", Unpaused = "UNPAUSED" }
}

/// `settings.schedule`: a Quartz cron expression in a time zone.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct CronSchedule {
    pub quartz_cron_expression: Option<String>,
    pub timezone_id: Option<String>,
    pub pause_status: Option<PauseStatus>,
}

/// `settings.trigger`: file arrival, table update or a periodic interval.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct TriggerSettings {
    pub file_arrival: Option<Value>,
    pub table_update: Option<Value>,
    pub table: Option<Value>,
    pub periodic: Option<PeriodicTrigger>,
    pub pause_status: Option<PauseStatus>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct PeriodicTrigger {
    #[serde(deserialize_with = "lenient")]
    pub interval: Option<i64>,
    pub unit: Option<String>,
}

/// `settings.continuous`: the job runs all the time.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ContinuousSettings {
    pub pause_status: Option<PauseStatus>,
}

/// A declared job parameter (`settings.parameters[]`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct JobParameterDefinition {
    pub name: Option<String>,
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct JobSettings {
    pub name: Option<String>,
    pub description: Option<String>,
    pub tasks: Vec<Value>,
    pub job_clusters: Vec<Value>,
    /// Declared parameters; an entry of an unexpected shape reads as an empty one.
    #[serde(deserialize_with = "items")]
    pub parameters: Vec<JobParameterDefinition>,
    pub schedule: Option<CronSchedule>,
    pub trigger: Option<TriggerSettings>,
    pub continuous: Option<ContinuousSettings>,
    pub max_concurrent_runs: Option<i64>,
    pub timeout_seconds: Option<i64>,
    pub tags: Map<String, Value>,
    pub queue: Option<Value>,
    pub format: Option<String>,
}

/// A job (`jobs/get`, items of `jobs/list`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Job {
    pub job_id: Option<i64>,
    pub creator_user_name: Option<String>,
    pub run_as_user_name: Option<String>,
    pub created_time: Option<i64>,
    pub settings: Option<JobSettings>,
    pub has_more: Option<bool>,
    pub next_page_token: Option<String>,
}

/// `jobs/run-now` body. `idempotency_token` (at most 64 characters) makes the service start one
/// run however often the request arrives; the client fills one in when the caller gives none.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunNowRequest {
    pub job_id: i64,
    /// For a job that declares parameters; the legacy `*_params` otherwise.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub job_parameters: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_token: Option<String>,
    /// Run only these task keys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub only: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub notebook_params: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub python_params: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub jar_params: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct RunNowResponse {
    pub run_id: Option<i64>,
    pub number_in_job: Option<i64>,
}

/// `jobs/runs/submit` body: a one-time run. Tasks are JSON (`task_key` plus one `*_task`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SubmitRunRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_name: Option<String>,
    pub tasks: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_token: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct SubmitRunResponse {
    pub run_id: Option<i64>,
}

/// `jobs/runs/repair` body: `rerun_tasks` or `rerun_all_failed_tasks`; `latest_repair_id` is
/// required after the first repair.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RepairRunRequest {
    pub run_id: i64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rerun_tasks: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rerun_all_failed_tasks: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rerun_dependent_tasks: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_repair_id: Option<i64>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub job_parameters: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct RepairRunResponse {
    pub repair_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct NotebookOutput {
    pub result: Option<String>,
    pub truncated: Option<bool>,
}

/// `runs/get-output` (of a task run; a single-task run also works). Only the first 5 MB.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct RunOutput {
    pub metadata: Option<Run>,
    pub notebook_output: Option<NotebookOutput>,
    pub error: Option<String>,
    pub error_trace: Option<String>,
    pub logs: Option<String>,
    pub logs_truncated: Option<bool>,
    pub info: Option<String>,
    pub sql_output: Option<Value>,
    pub dbt_output: Option<Value>,
    pub run_job_output: Option<Value>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::wire::decoded as decode;

    #[test]
    fn the_reference_runs_and_output_read() {
        let r: Run = decode(
            json!({"job_id":11,"run_id":455644833,"number_in_job":455644833,"run_name":"nightly",
            "run_type":"JOB_RUN","trigger":"ONE_TIME","creator_user_name":"me@corp.com",
            "run_page_url":"https://adb-1.1.azuredatabricks.net/?o=1#job/11/run/455644833",
            "state":{"life_cycle_state":"TERMINATED","result_state":"SUCCESS","state_message":"","user_cancelled_or_timedout":false},
            "status":{"state":"TERMINATED","termination_details":{"code":"SUCCESS","type":"SUCCESS","message":""}},
            "start_time":1718000000000i64,"setup_duration":0,"execution_duration":0,"cleanup_duration":0,
            "end_time":1718000300000i64,"run_duration":300000,
            "tasks":[{"task_key":"t1","run_id":455644834,"notebook_task":{"notebook_path":"/Users/me/nb","source":"WORKSPACE"},
              "existing_cluster_id":"0101-120000-abcd1234","state":{"life_cycle_state":"TERMINATED","result_state":"SUCCESS"}}]}),
        );
        let state = r.state.clone().unwrap_or_default();
        assert!(state.life_cycle_state.as_ref().is_some_and(RunLifeCycleState::is_terminal));
        assert_eq!(state.result_state, Some(RunResultState::Success));
        assert_eq!(r.trigger, Some(TriggerType::OneTime));
        assert_eq!(r.tasks.as_deref().and_then(|t| t.first()).and_then(|t| t.run_id), Some(455644834));
        let q: Run = decode(
            json!({"run_id":9,"state":{"life_cycle_state":"QUEUED","state_message":"Queued"},
            "status":{"state":"QUEUED","queue_details":{"code":"MAX_CONCURRENT_RUNS_REACHED","message":"..."}}}),
        );
        let status = q.status.unwrap_or_default();
        assert_eq!(
            status.queue_details.and_then(|d| d.code),
            Some(QueueDetailsCode::MaxConcurrentRunsReached)
        );
        let out: RunOutput = decode(json!({"metadata":{"job_id":11,"run_id":455644834,
            "state":{"life_cycle_state":"TERMINATED","result_state":"SUCCESS"}},
            "notebook_output":{"result":"done","truncated":false}}));
        assert_eq!(out.notebook_output.and_then(|n| n.result).as_deref(), Some("done"));
        let failed: RunOutput = decode(json!({"metadata":{},"error":"ZeroDivisionError: division by zero",
            "error_trace":"Traceback ..."}));
        assert!(failed.error.is_some() && failed.error_trace.is_some());
    }

    #[test]
    fn repair_history_and_tasks_read_tolerantly() {
        let r: Run = decode(json!({"run_id": 1, "repair_history": [
            {"type": "ORIGINAL", "id": 1, "task_run_ids": [2]}, "junk", {"type": "REPAIR", "id": "7"},
            {"type": "REPAIR", "id": 8, "task_run_ids": ["x"], "start_time": "soon"}]}));
        let history: Vec<_> = r.repair_history.iter().map(|h| (h.repair_type.clone(), h.id)).collect();
        assert_eq!(
            history,
            [
                (Some(RepairType::Original), Some(1)),
                (None, None),
                (Some(RepairType::Repair), None),
                (Some(RepairType::Repair), Some(8))
            ]
        );
        assert_eq!(r.tasks, None, "a list item without expand_tasks carries no tasks");
        let r: Run = decode(json!({"run_id": 1, "repair_history": null, "tasks": []}));
        assert_eq!((r.repair_history.len(), r.tasks), (0, Some(vec![])));
    }
}
