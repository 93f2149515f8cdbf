//! Sessions and batches: their states, the create requests, the full bodies (one `LivyJob` for both) and the items of the `GET /sessions` / `GET /batches` lists.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::wire::{lenient, wire_enum};

wire_enum! {
    /// `state` of a Livy session or batch (and `livyInfo.currentState`).
    pub LivyState {
        NotStarted = "not_started",
        Starting = "starting",
        Idle = "idle",
        Busy = "busy",
        Running = "running",
        ShuttingDown = "shutting_down",
        Error = "error",
        Dead = "dead",
        Killed = "killed",
        Success = "success",
        Recovering = "recovering",
        Submitting = "submitting",
        NotSubmitted = "not_submitted",
    }
}

impl LivyState {
    /// The session or batch is over (or, for `shutting_down`, about to be): not usable.
    pub fn is_finished(&self) -> bool {
        matches!(self, Self::Error | Self::Dead | Self::Killed | Self::Success | Self::ShuttingDown)
    }
}

wire_enum! {
    /// `fabricSessionStateInfo.state`: Fabric's acquisition of a session (regular and HC).
    pub FabricSessionState {
        Queued = "queued",
        LibraryPackaging = "libraryPackaging",
        AcquiringSession = "acquiringSession",
        Cancelling = "cancelling",
        Cancelled = "cancelled",
        Error = "error",
        Unknown = "unknown",
    }
}

wire_enum! {
    /// `fabricBatchStateInfo.state`.
    pub FabricBatchState {
        Unknown = "unknown",
        Expired = "expired",
        Queued = "queued",
        LibraryPackaging = "libraryPackaging",
        Submitting = "submitting",
        Cancelling = "cancelling",
        Cancelled = "cancelled",
        Error = "error",
    }
}

wire_enum! {
    /// `result`: the final outcome (`Uncertain` while running).
    pub JobResult { Uncertain = "Uncertain", Succeeded = "Succeeded", Failed = "Failed", Cancelled = "Cancelled" }
}

wire_enum! {
    pub SchedulerState { Queued = "Queued", Scheduled = "Scheduled", Ended = "Ended" }
}

wire_enum! {
    pub PluginState {
        Preparation = "Preparation",
        ResourceAcquisition = "ResourceAcquisition",
        Queued = "Queued",
        Submission = "Submission",
        Monitoring = "Monitoring",
        Cleanup = "Cleanup",
        Ended = "Ended",
    }
}

wire_enum! {
    /// `jobType` in Livy responses and in the monitoring lists.
    pub JobType {
        SparkBatch = "SparkBatch",
        SparkSession = "SparkSession",
        ScopeBatch = "ScopeBatch",
        JupyterEnvironment = "JupyterEnvironment",
        JupyterSession = "JupyterSession",
        Unknown = "Unknown",
    }
}

wire_enum! {
    pub ErrorSource { System = "System", User = "User", Unknown = "Unknown", Dependency = "Dependency" }
}

/// The driver and executor sizes a session or batch request may set (sent only when set).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SparkResources {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver_memory: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver_cores: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executor_memory: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executor_cores: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub num_executors: Option<u32>,
}

/// `POST /sessions` (every field optional; `{}` works).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub archives: Vec<String>,
    /// Spark configuration; values are strings (`spark.fabric.environmentDetails` is a JSON
    /// string). Note: `spark.livy.session.idle.timeout` makes Fabric fall back from the starter
    /// pool to a slow on-demand cluster.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub conf: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    #[serde(flatten)]
    pub resources: SparkResources,
}

/// `POST /batches` (the swagger's `LivyRequestBase`, which is what the service accepts).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// OneLake ABFS path of the main file.
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub jars: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub py_files: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub archives: Vec<String>,
    /// Includes `spark.targetLakehouse` and `spark.fabric.environmentDetails`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub conf: BTreeMap<String, String>,
    #[serde(flatten)]
    pub resources: SparkResources,
}

/// `fabricSessionStateInfo` / `fabricBatchStateInfo`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FabricStateInfo<S> {
    // Missing `Option` fields read as `None` (no `default` attribute: it would demand `S: Default`).
    pub state: Option<S>,
    pub error_message: Option<String>,
}

/// One entry of `errorInfo`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LivyErrorInfo {
    pub message: Option<String>,
    pub error_code: Option<String>,
    pub source: Option<ErrorSource>,
}

/// `livyInfo`: the union of the session and batch timestamp sets (RFC 3339 strings).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LivyInfo {
    pub not_started_at: Option<String>,
    pub starting_at: Option<String>,
    pub idle_at: Option<String>,
    pub busy_at: Option<String>,
    pub running_at: Option<String>,
    pub success_at: Option<String>,
    pub dead_at: Option<String>,
    pub shutting_down_at: Option<String>,
    pub killed_at: Option<String>,
    pub recovering_at: Option<String>,
    pub error_at: Option<String>,
    pub current_state: Option<LivyState>,
    /// The request as submitted (`SessionRequest` / `LivyRequestBase`), as far as it is read.
    #[serde(deserialize_with = "lenient")]
    pub job_creation_request: Option<JobCreationRequest>,
}

/// What is read of `livyInfo.jobCreationRequest` (the whole request stays in the raw object).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct JobCreationRequest {
    /// A batch's main file.
    #[serde(deserialize_with = "lenient")]
    pub file: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SchedulerInfo {
    pub submitted_at: Option<String>,
    pub queued_at: Option<String>,
    pub scheduled_at: Option<String>,
    pub ended_at: Option<String>,
    pub cancellation_requested_at: Option<String>,
    pub current_state: Option<SchedulerState>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PluginInfo {
    pub preparation_started_at: Option<String>,
    pub resource_acquisition_started_at: Option<String>,
    pub submission_started_at: Option<String>,
    pub monitoring_started_at: Option<String>,
    pub cleanup_started_at: Option<String>,
    pub current_state: Option<PluginState>,
}

/// `SessionResponse` and `BatchResponse` in one type: the swagger defines them alike but for
/// the name of Fabric's acquisition state (`fabricSessionStateInfo` / `fabricBatchStateInfo`),
/// and `livyInfo` is already the union of both timestamp sets. A body carries one of the two.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LivyJob {
    pub id: Option<String>,
    pub name: Option<String>,
    pub app_id: Option<String>,
    pub app_info: Map<String, Value>,
    pub artifact_id: Option<String>,
    pub job_type: Option<JobType>,
    pub submitter_id: Option<String>,
    pub submitter_name: Option<String>,
    pub state: Option<LivyState>,
    pub result: Option<JobResult>,
    pub cancellation_reason: Option<String>,
    pub log: Vec<String>,
    /// Service annotations too, e.g. `FallbackReasons: UserSparkConfigMismatch`.
    pub tags: Map<String, Value>,
    pub error_info: Vec<LivyErrorInfo>,
    pub fabric_session_state_info: Option<FabricStateInfo<FabricSessionState>>,
    pub fabric_batch_state_info: Option<FabricStateInfo<FabricBatchState>>,
    pub livy_info: Option<LivyInfo>,
    pub scheduler_info: Option<SchedulerInfo>,
    pub plugin_info: Option<PluginInfo>,
}

/// `GET /sessions/{id}` and `POST /sessions`.
pub type SessionResponse = LivyJob;
/// `GET /batches/{id}` and `POST /batches`.
pub type BatchResponse = LivyJob;

impl LivyJob {
    /// The Livy state: top-level `state`, else `livyInfo.currentState` (missing while starting).
    pub fn livy_state(&self) -> Option<&LivyState> {
        self.state.as_ref().or_else(|| self.livy_info.as_ref().and_then(|l| l.current_state.as_ref()))
    }

    /// Fabric's acquisition state of a session, the only state early bodies carry (and the only
    /// place a capacity rejection shows).
    pub fn fabric_session_state(&self) -> Option<&FabricSessionState> {
        self.fabric_session_state_info.as_ref().and_then(|f| f.state.as_ref())
    }

    /// Fabric's acquisition state of a batch.
    pub fn fabric_batch_state(&self) -> Option<&FabricBatchState> {
        self.fabric_batch_state_info.as_ref().and_then(|f| f.state.as_ref())
    }

    /// Fabric's acquisition state, session or batch, as the service spells it.
    pub fn fabric_state_word(&self) -> Option<&str> {
        self.fabric_session_state()
            .map(FabricSessionState::as_str)
            .or_else(|| self.fabric_batch_state().map(FabricBatchState::as_str))
    }

    /// A session's acquisition failed or was cancelled before Livy ever ran.
    pub fn acquisition_failed(&self) -> bool {
        matches!(self.fabric_session_state(), Some(FabricSessionState::Error | FabricSessionState::Cancelled))
    }
}

/// An item of `LivySparkActivityList` (`GET /sessions`, `GET /batches`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LivySparkActivity {
    pub id: Option<String>,
    pub app_id: Option<String>,
    pub name: Option<String>,
    pub workspace_id: Option<String>,
    pub submitter_id: Option<String>,
    pub submitter_name: Option<String>,
    pub artifact_id: Option<String>,
    pub cancellation_reason: Option<String>,
    pub result: Option<JobResult>,
    pub submitted_at: Option<String>,
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    pub error_source: Option<ErrorSource>,
    pub error_code: Option<String>,
    pub tags: Map<String, Value>,
    pub scheduler_state: Option<SchedulerState>,
    pub plugin_state: Option<PluginState>,
    pub livy_state: Option<LivyState>,
    pub is_job_timed_out: Option<bool>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::wire::decoded as decode;

    #[test]
    fn a_sparse_early_session_body_reads() {
        let s: SessionResponse = decode(json!({"fabricSessionStateInfo": {"state": "acquiringSession"}}));
        assert_eq!(s.id, None);
        assert_eq!(s.livy_state(), None);
        assert_eq!(s.fabric_session_state(), Some(&FabricSessionState::AcquiringSession));
        let s: SessionResponse =
            decode(json!({"fabricSessionStateInfo": {"state": "error", "errorMessage": "capacity"}}));
        assert!(s.acquisition_failed());
        let s: SessionResponse = decode(json!({"id": "a", "livyInfo": {"currentState": "idle"}}));
        assert_eq!(s.livy_state(), Some(&LivyState::Idle));
        let s: SessionResponse = decode(json!({"state": "hibernating", "surprise": [1, 2]}));
        assert_eq!(s.state, Some(LivyState::Other("hibernating".into())));
    }

    #[test]
    fn the_swagger_session_and_batch_shapes_read() {
        let s: SessionResponse = decode(json!({
            "id": "9d4b4f1b-0000-4000-8000-000000000001", "name": "s1", "appId": "application_1730933685452_0001",
            "appInfo": {"driverLogUrl": "https://x"}, "artifactId": "lh", "jobType": "SparkSession",
            "submitterId": "u", "submitterName": "Ada", "state": "idle", "result": "Uncertain",
            "log": ["a", "b"], "tags": {"FallbackReasons": "UserSparkConfigMismatch"},
            "errorInfo": [{"message": "m", "errorCode": "E", "source": "User"}],
            "livyInfo": {"startingAt": "2026-01-01T00:00:00Z", "idleAt": "2026-01-01T00:00:40Z", "currentState": "idle",
                         "jobCreationRequest": {"name": "s1"}},
            "schedulerInfo": {"submittedAt": "2026-01-01T00:00:00Z", "currentState": "Scheduled"},
            "pluginInfo": {"currentState": "Monitoring"}
        }));
        assert_eq!(s.state, Some(LivyState::Idle));
        assert_eq!(s.error_info[0].source, Some(ErrorSource::User));
        assert_eq!(s.plugin_info.and_then(|p| p.current_state), Some(PluginState::Monitoring));
        let b: BatchResponse = decode(json!({
            "id": "b", "state": "success", "result": "Succeeded",
            "fabricBatchStateInfo": {"state": "expired"},
            "livyInfo": {"runningAt": "2026-01-01T00:01:00Z", "successAt": "2026-01-01T00:02:00Z", "currentState": "success"}
        }));
        assert!(b.livy_state().is_some_and(LivyState::is_finished));
        assert_eq!(b.fabric_batch_state(), Some(&FabricBatchState::Expired));
    }
}
