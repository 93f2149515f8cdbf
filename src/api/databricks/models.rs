//! Databricks wire models, as the official SDKs read them: every field optional, unknown fields
//! ignored, unknown enum values kept. Timestamps are epoch milliseconds. Deep or rarely shown
//! structures (cloud attributes, task definitions) stay `serde_json::Value`.

use std::collections::BTreeMap;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::wire::wire_enum;

// ---------------------------------------------------------------- clusters

wire_enum! {
    pub ClusterState {
        Pending = "PENDING",
        Running = "RUNNING",
        Restarting = "RESTARTING",
        Resizing = "RESIZING",
        Terminating = "TERMINATING",
        Terminated = "TERMINATED",
        Error = "ERROR",
        Unknown = "UNKNOWN",
    }
}

wire_enum! {
    pub ClusterSource {
        Ui = "UI",
        Api = "API",
        Job = "JOB",
        Models = "MODELS",
        Pipeline = "PIPELINE",
        PipelineMaintenance = "PIPELINE_MAINTENANCE",
        Sql = "SQL",
    }
}

wire_enum! {
    /// `termination_reason.type`.
    pub TerminationType {
        Success = "SUCCESS",
        ClientError = "CLIENT_ERROR",
        ServiceFault = "SERVICE_FAULT",
        CloudFailure = "CLOUD_FAILURE",
    }
}

wire_enum! {
    /// `termination_reason.code`: the common ones of ~200; the rest arrive as `Other`.
    pub TerminationCode {
        UserRequest = "USER_REQUEST",
        Inactivity = "INACTIVITY",
        JobFinished = "JOB_FINISHED",
        Unknown = "UNKNOWN",
        InternalError = "INTERNAL_ERROR",
        InitScriptFailure = "INIT_SCRIPT_FAILURE",
        DriverUnreachable = "DRIVER_UNREACHABLE",
        DriverUnresponsive = "DRIVER_UNRESPONSIVE",
        SparkStartupFailure = "SPARK_STARTUP_FAILURE",
        CloudProviderLaunchFailure = "CLOUD_PROVIDER_LAUNCH_FAILURE",
        AzureQuotaExceededException = "AZURE_QUOTA_EXCEEDED_EXCEPTION",
        AzureResourceManagerThrottling = "AZURE_RESOURCE_MANAGER_THROTTLING",
        AzureVmExtensionFailure = "AZURE_VM_EXTENSION_FAILURE",
        AzureVnetConfigurationFailure = "AZURE_VNET_CONFIGURATION_FAILURE",
        AzureInvalidDeploymentTemplate = "AZURE_INVALID_DEPLOYMENT_TEMPLATE",
        AzureOperationNotAllowedException = "AZURE_OPERATION_NOT_ALLOWED_EXCEPTION",
        InstanceUnreachable = "INSTANCE_UNREACHABLE",
        CommunicationLost = "COMMUNICATION_LOST",
        RequestRejected = "REQUEST_REJECTED",
        RequestThrottled = "REQUEST_THROTTLED",
        SpotInstanceTermination = "SPOT_INSTANCE_TERMINATION",
        TrialExpired = "TRIAL_EXPIRED",
        WorkspaceCancelledError = "WORKSPACE_CANCELLED_ERROR",
        BootstrapTimeout = "BOOTSTRAP_TIMEOUT",
        NetworkConfigurationFailure = "NETWORK_CONFIGURATION_FAILURE",
        DbfsComponentUnhealthy = "DBFS_COMPONENT_UNHEALTHY",
        MetastoreComponentUnhealthy = "METASTORE_COMPONENT_UNHEALTHY",
    }
}

wire_enum! {
    /// Cluster event `type`.
    pub EventType {
        Creating = "CREATING",
        Starting = "STARTING",
        Running = "RUNNING",
        Restarting = "RESTARTING",
        Resizing = "RESIZING",
        UpsizeCompleted = "UPSIZE_COMPLETED",
        Terminating = "TERMINATING",
        Edited = "EDITED",
        Pinned = "PINNED",
        Unpinned = "UNPINNED",
        InitScriptsStarted = "INIT_SCRIPTS_STARTED",
        InitScriptsFinished = "INIT_SCRIPTS_FINISHED",
        DriverHealthy = "DRIVER_HEALTHY",
        DriverNotResponding = "DRIVER_NOT_RESPONDING",
        DriverUnavailable = "DRIVER_UNAVAILABLE",
        NodesLost = "NODES_LOST",
        NodeBlacklisted = "NODE_BLACKLISTED",
        NodeExcludedDecommissioned = "NODE_EXCLUDED_DECOMMISSIONED",
        SparkException = "SPARK_EXCEPTION",
        MetastoreDown = "METASTORE_DOWN",
        DbfsDown = "DBFS_DOWN",
        AutoscalingStatsReport = "AUTOSCALING_STATS_REPORT",
        AutoscalingBackoff = "AUTOSCALING_BACKOFF",
        AutoscalingFailed = "AUTOSCALING_FAILED",
        AddNodesFailed = "ADD_NODES_FAILED",
        ExpandedDisk = "EXPANDED_DISK",
        FailedToExpandDisk = "FAILED_TO_EXPAND_DISK",
        DidNotExpandDisk = "DID_NOT_EXPAND_DISK",
        DecommissionStarted = "DECOMMISSION_STARTED",
        DecommissionEnded = "DECOMMISSION_ENDED",
        ClusterMigrated = "CLUSTER_MIGRATED",
        AutomaticClusterUpdate = "AUTOMATIC_CLUSTER_UPDATE",
        DeferredPolicyEnforcementScheduled = "DEFERRED_POLICY_ENFORCEMENT_SCHEDULED",
        DeferredPolicyEnforcementFailed = "DEFERRED_POLICY_ENFORCEMENT_FAILED",
        UcVolumeMisconfigured = "UC_VOLUME_MISCONFIGURED",
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AutoScale {
    pub min_workers: Option<u32>,
    pub max_workers: Option<u32>,
}

/// Why a cluster stopped.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct TerminationReason {
    pub code: Option<TerminationCode>,
    #[serde(rename = "type")]
    pub reason_type: Option<TerminationType>,
    pub parameters: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct SparkNode {
    pub node_id: Option<String>,
    pub instance_id: Option<String>,
    pub private_ip: Option<String>,
    pub public_dns: Option<String>,
    pub host_private_ip: Option<String>,
    pub start_timestamp: Option<i64>,
}

/// `clusters/get` and the items of `clusters/list`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ClusterDetails {
    pub cluster_id: Option<String>,
    pub cluster_name: Option<String>,
    pub spark_version: Option<String>,
    pub node_type_id: Option<String>,
    pub driver_node_type_id: Option<String>,
    /// Target size; `executors` catch up over time. 0 with no autoscale = single node.
    pub num_workers: Option<u32>,
    pub autoscale: Option<AutoScale>,
    pub autotermination_minutes: Option<u32>,
    pub spark_conf: Map<String, Value>,
    pub spark_env_vars: Map<String, Value>,
    pub custom_tags: Map<String, Value>,
    pub default_tags: Map<String, Value>,
    pub azure_attributes: Option<Value>,
    pub instance_pool_id: Option<String>,
    pub driver_instance_pool_id: Option<String>,
    pub policy_id: Option<String>,
    pub data_security_mode: Option<String>,
    pub single_user_name: Option<String>,
    pub runtime_engine: Option<String>,
    pub is_single_node: Option<bool>,
    pub is_pinned: Option<bool>,
    pub creator_user_name: Option<String>,
    pub state: Option<ClusterState>,
    pub state_message: Option<String>,
    pub start_time: Option<i64>,
    pub terminated_time: Option<i64>,
    pub last_restarted_time: Option<i64>,
    pub last_state_loss_time: Option<i64>,
    pub termination_reason: Option<TerminationReason>,
    pub cluster_source: Option<ClusterSource>,
    pub driver: Option<SparkNode>,
    pub executors: Vec<SparkNode>,
    pub spark_context_id: Option<i64>,
    pub jdbc_port: Option<i64>,
    pub cluster_memory_mb: Option<i64>,
    pub cluster_cores: Option<f64>,
    pub spec: Option<Value>,
}

/// `clusters/create` and `clusters/edit` body. Only `spark_version` is required; `extra` carries
/// any field not modelled here (init scripts, docker image, ...).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ClusterSpec {
    pub spark_version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub num_workers: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub autoscale: Option<AutoScale>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_type_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver_node_type_id: Option<String>,
    /// 0 = never; else 10..10000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub autotermination_minutes: Option<u32>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub spark_conf: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub custom_tags: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_security_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub single_user_name: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `clusters/create` answer.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct CreateClusterResponse {
    pub cluster_id: Option<String>,
}

/// `clusters/resize`: a fixed size or an autoscale range.
#[derive(Debug, Clone, PartialEq)]
pub enum ClusterSize {
    Workers(u32),
    Autoscale { min_workers: u32, max_workers: u32 },
}

/// Server-side filter for `clusters/list` (2.1).
#[derive(Debug, Clone, Default)]
pub struct ClusterFilter {
    pub states: Vec<ClusterState>,
    pub sources: Vec<ClusterSource>,
    pub is_pinned: Option<bool>,
    pub policy_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct EventDetails {
    pub current_num_workers: Option<u32>,
    pub target_num_workers: Option<u32>,
    pub current_num_vcpus: Option<u32>,
    pub target_num_vcpus: Option<u32>,
    pub user: Option<String>,
    pub reason: Option<TerminationReason>,
    pub cause: Option<String>,
    pub cluster_size: Option<Value>,
    pub previous_cluster_size: Option<Value>,
    pub attributes: Option<Value>,
    pub previous_attributes: Option<Value>,
    pub instance_id: Option<String>,
    pub job_run_name: Option<String>,
    pub driver_state_message: Option<String>,
    pub did_not_expand_reason: Option<String>,
}

/// One cluster event.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ClusterEvent {
    pub cluster_id: Option<String>,
    pub timestamp: Option<i64>,
    #[serde(rename = "type")]
    pub event_type: Option<EventType>,
    pub details: Option<EventDetails>,
}

/// `clusters/events` filter (the rest of `GetEvents`; paging is handled by the client).
#[derive(Debug, Clone, Default, Serialize)]
pub struct EventsQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    /// `ASC` or `DESC` (the service's default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub event_types: Vec<EventType>,
    /// 1..500.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct SparkVersion {
    pub key: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct NodeType {
    pub node_type_id: Option<String>,
    pub memory_mb: Option<i64>,
    pub num_cores: Option<f64>,
    pub num_gpus: Option<i64>,
    pub description: Option<String>,
    pub instance_type_id: Option<String>,
    pub category: Option<String>,
    pub is_deprecated: Option<bool>,
    pub is_hidden: Option<bool>,
    pub photon_driver_capable: Option<bool>,
    pub photon_worker_capable: Option<bool>,
    pub display_order: Option<i64>,
}

// ---------------------------------------------------------------- jobs and runs

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
    pub run_page_url: Option<String>,
    pub cluster_instance: Option<ClusterInstance>,
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
    pub tasks: Vec<RunTask>,
    pub repair_history: Vec<Value>,
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

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct JobSettings {
    pub name: Option<String>,
    pub description: Option<String>,
    pub tasks: Vec<Value>,
    pub job_clusters: Vec<Value>,
    pub parameters: Vec<Value>,
    pub schedule: Option<Value>,
    pub trigger: Option<Value>,
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

/// `jobs/run-now` body. `idempotency_token` makes a retried run-now safe on the service side;
/// the client still never re-sends it by itself.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunNowRequest {
    pub job_id: i64,
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

// ---------------------------------------------------------------- command execution 1.2

wire_enum! {
    /// 1.2 language (`contexts/create`, `commands/execute`).
    pub Language { Python = "python", Scala = "scala", Sql = "sql", R = "r" }
}

wire_enum! {
    /// 1.2 context `status` (CamelCase on the wire).
    pub ContextStatus { Pending = "Pending", Running = "Running", Error = "Error" }
}

wire_enum! {
    /// 1.2 command `status` (CamelCase on the wire, not the `COMMAND_*` names of some docs).
    pub CommandStatus {
        Queued = "Queued",
        Running = "Running",
        Cancelling = "Cancelling",
        Finished = "Finished",
        Cancelled = "Cancelled",
        Error = "Error",
    }
}

wire_enum! {
    pub ResultType { Text = "text", Table = "table", Error = "error", Image = "image", Images = "images" }
}

/// `{"id": ...}` answers of the 1.2 API.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Created {
    pub id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ContextStatusResponse {
    pub id: Option<String>,
    pub status: Option<ContextStatus>,
}

/// A column of a 1.2 table result (`type` is a JSON-encoded type name like `"\"string\""`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ResultColumn {
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub data_type: Option<Value>,
    pub metadata: Option<Value>,
}

/// 1.2 `results`. A failed command is `Finished` with `resultType: error`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CommandResults {
    pub result_type: Option<ResultType>,
    /// A string for text; rows (arrays) for a table.
    pub data: Option<Value>,
    pub schema: Vec<ResultColumn>,
    pub truncated: Option<bool>,
    pub is_json_schema: Option<bool>,
    /// Error summary (often HTML/ANSI markup).
    pub summary: Option<String>,
    pub cause: Option<String>,
    pub file_name: Option<String>,
    pub file_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct CommandStatusResponse {
    pub id: Option<String>,
    pub status: Option<CommandStatus>,
    pub results: Option<CommandResults>,
}

// ---------------------------------------------------------------- tokens

/// A personal access token's public facts (never its value).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct PublicTokenInfo {
    pub token_id: Option<String>,
    pub creation_time: Option<i64>,
    /// -1 when the token never expires.
    pub expiry_time: Option<i64>,
    pub comment: Option<String>,
    pub last_accessed_time: Option<i64>,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CreateTokenRequest {
    /// Omitted: the service default (two years today).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifetime_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// `token/create`: the new token's value (shown once, a secret) and its public facts. The raw
/// answer is not kept because it holds the value in clear.
#[derive(Debug, Clone, Deserialize)]
pub struct CreatedToken {
    pub token_value: SecretString,
    #[serde(default)]
    pub token_info: PublicTokenInfo,
}

// ---------------------------------------------------------------- secrets

wire_enum! {
    pub ScopeBackendType { Databricks = "DATABRICKS", AzureKeyvault = "AZURE_KEYVAULT" }
}

wire_enum! {
    pub AclPermission { Read = "READ", Write = "WRITE", Manage = "MANAGE" }
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct SecretScope {
    pub name: Option<String>,
    pub backend_type: Option<ScopeBackendType>,
    pub keyvault_metadata: Option<Value>,
}

/// A secret's key and last update (values are never listed).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct SecretMetadata {
    pub key: Option<String>,
    pub last_updated_timestamp: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct AclItem {
    pub principal: Option<String>,
    pub permission: Option<AclPermission>,
}

// ---------------------------------------------------------------- SCIM

/// A SCIM multi-valued attribute entry (emails, groups, entitlements, roles).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ScimValue {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    #[serde(rename = "$ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub value_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ScimName {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
}

/// SCIM `User` (`/Me`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct User {
    pub id: Option<String>,
    pub user_name: Option<String>,
    pub display_name: Option<String>,
    pub active: Option<bool>,
    pub emails: Vec<ScimValue>,
    pub name: Option<ScimName>,
    pub groups: Vec<ScimValue>,
    pub entitlements: Vec<ScimValue>,
    pub roles: Vec<ScimValue>,
    pub external_id: Option<String>,
    pub schemas: Vec<String>,
}

/// SCIM `ServicePrincipal`. On Azure `application_id` is the Entra client id.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ServicePrincipal {
    pub id: Option<String>,
    pub application_id: Option<String>,
    pub display_name: Option<String>,
    pub active: Option<bool>,
    pub groups: Vec<ScimValue>,
    pub entitlements: Vec<ScimValue>,
    pub roles: Vec<ScimValue>,
    pub external_id: Option<String>,
    pub schemas: Vec<String>,
}

/// `POST .../ServicePrincipals` body.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewServicePrincipal {
    pub schemas: Vec<String>,
    /// Entra client id; omit for a Databricks-managed principal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entitlements: Vec<ScimValue>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<ScimValue>,
}

impl NewServicePrincipal {
    pub const SCHEMA: &'static str = "urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal";

    pub fn new(application_id: Option<String>, display_name: Option<String>) -> Self {
        Self {
            schemas: vec![Self::SCHEMA.to_string()],
            application_id,
            display_name,
            active: Some(true),
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;
    use serde_json::json;

    use super::*;
    use crate::api::wire::Fetched;

    fn decode<T: serde::de::DeserializeOwned>(v: Value) -> T {
        match Fetched::<T>::decode("GET", "/t", v) {
            Ok(f) => f.value,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn the_reference_cluster_reads() {
        let c: ClusterDetails = decode(json!({"cluster_id":"0101-120000-abcd1234","cluster_name":"etl",
            "spark_version":"15.4.x-scala2.12","node_type_id":"Standard_DS3_v2","driver_node_type_id":"Standard_DS3_v2",
            "num_workers":2,"autotermination_minutes":60,"azure_attributes":{"availability":"ON_DEMAND_AZURE","first_on_demand":1},
            "state":"TERMINATED","state_message":"Inactive cluster terminated (inactive for 60 minutes).",
            "start_time":1718000000000i64,"terminated_time":1718003600000i64,"creator_user_name":"me@corp.com",
            "cluster_source":"UI","default_tags":{"Vendor":"Databricks","ClusterId":"0101-120000-abcd1234"},
            "termination_reason":{"code":"INACTIVITY","type":"SUCCESS","parameters":{"inactivity_duration_min":"60"}}}));
        assert_eq!(c.state, Some(ClusterState::Terminated));
        let reason = c.termination_reason.unwrap_or_default();
        assert_eq!(
            (reason.code, reason.reason_type),
            (Some(TerminationCode::Inactivity), Some(TerminationType::Success))
        );
        assert_eq!(c.cluster_source, Some(ClusterSource::Ui));
        let c: ClusterDetails = decode(json!({"state": "HIBERNATING", "cluster_source": "NEW_THING",
            "termination_reason": {"code": "SOME_NEW_CODE"}}));
        assert_eq!(c.state, Some(ClusterState::Other("HIBERNATING".into())));
        assert_eq!(
            c.termination_reason.and_then(|r| r.code),
            Some(TerminationCode::Other("SOME_NEW_CODE".into()))
        );
    }

    #[test]
    fn the_reference_events_versions_and_node_types_read() {
        let e: ClusterEvent =
            decode(json!({"cluster_id":"0101-120000-abcd1234","timestamp":1718000100000i64,
            "type":"RUNNING","details":{"current_num_workers":2,"target_num_workers":2}}));
        assert_eq!(e.event_type, Some(EventType::Running));
        let v: SparkVersion = decode(
            json!({"key":"15.4.x-scala2.12","name":"15.4 LTS (includes Apache Spark 3.5.0, Scala 2.12)"}),
        );
        assert_eq!(v.key.as_deref(), Some("15.4.x-scala2.12"));
        let n: NodeType = decode(json!({"node_type_id":"Standard_DS3_v2","memory_mb":14336,"num_cores":4.0,
            "description":"Standard_DS3_v2","instance_type_id":"Standard_DS3_v2","category":"General Purpose",
            "num_gpus":0,"is_deprecated":false}));
        assert_eq!(n.num_cores, Some(4.0));
    }

    #[test]
    fn nulls_and_string_numbers_from_gateways_read() {
        let r: Run =
            decode(json!({"run_id": "455644833", "job_id": 11, "tasks": null, "job_parameters": null,
            "cluster_instance": {"cluster_id": "c", "spark_context_id": 4348585301701786482i64},
            "start_time": "1718000000000", "repair_history": [null]}));
        assert_eq!((r.run_id, r.start_time, r.tasks.len()), (Some(455644833), Some(1718000000000), 0));
        assert_eq!(
            r.cluster_instance.and_then(|c| c.spark_context_id).as_deref(),
            Some("4348585301701786482")
        );
        let c: ClusterDetails = decode(json!({"cluster_id": "c", "spark_conf": null, "custom_tags": null,
            "termination_reason": {"code": "INACTIVITY", "parameters": null}, "num_workers": "2"}));
        assert_eq!((c.spark_conf.len(), c.num_workers), (0, Some(2)));
    }

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
        assert_eq!(r.tasks[0].run_id, Some(455644834));
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
    fn the_reference_command_results_read() {
        let t: CommandStatusResponse =
            decode(json!({"id":"234","status":"Finished","results":{"resultType":"text","data":"done"}}));
        assert_eq!(t.results.and_then(|r| r.data), Some(json!("done")));
        let t: CommandStatusResponse = decode(
            json!({"id":"235","status":"Finished","results":{"resultType":"table",
            "truncated":false,"isJsonSchema":true,"data":[["audit",1],["bronze",2]],
            "schema":[{"name":"databaseName","type":"\"string\"","metadata":"{}"},{"name":"n","type":"\"integer\"","metadata":"{}"}]}}),
        );
        let results = t.results.unwrap_or_default();
        assert_eq!((results.result_type, results.schema.len()), (Some(ResultType::Table), 2));
        let e: CommandStatusResponse = decode(
            json!({"id":"236","status":"Finished","results":{"resultType":"error",
            "summary":"<span class='ansi-red-fg'>NameError</span>: name 'x' is not defined","cause":"NameError ..."}}),
        );
        assert_eq!(e.results.and_then(|r| r.result_type), Some(ResultType::Error));
        let r: CommandStatusResponse = decode(json!({"id":"237","status":"Running"}));
        assert_eq!(r.status, Some(CommandStatus::Running));
    }

    #[test]
    fn tokens_secrets_and_scim_read() {
        let created: CreatedToken = serde_json::from_value(json!({"token_value":"dapi0123456789abcdef0123456789abcdef",
            "token_info":{"token_id":"5715","creation_time":1718000000000i64,"expiry_time":1725776000000i64,"comment":"ci"}}))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(created.token_info.comment.as_deref(), Some("ci"));
        assert!(!format!("{created:?}").contains("0123456789abcdef"), "the value never shows in Debug");
        assert_eq!(created.token_value.expose_secret().len(), 36);
        let me: User =
            decode(json!({"id":"8563246545823","userName":"me@corp.com","displayName":"Me","active":true,
            "emails":[{"value":"me@corp.com","type":"work","primary":true}],
            "groups":[{"display":"admins","value":"112233","$ref":"Groups/112233","type":"direct"}],
            "schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}));
        assert_eq!(me.groups[0].reference.as_deref(), Some("Groups/112233"));
        let acl: AclItem = decode(json!({"principal": "users", "permission": "READ"}));
        assert_eq!(acl.permission, Some(AclPermission::Read));
        let body = serde_json::to_value(NewServicePrincipal::new(Some("app".into()), Some("ci-sp".into())));
        assert_eq!(
            body.ok(),
            Some(
                json!({"schemas": [NewServicePrincipal::SCHEMA], "applicationId": "app", "displayName": "ci-sp", "active": true})
            )
        );
    }
}
