//! Fabric Livy wire models (swagger `2023-12-01` plus what the service really sends): every
//! field optional, unknown fields ignored, unknown enum values kept. Early session bodies may
//! hold nothing but `fabricSessionStateInfo`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::wire::{items, lenient, wire_enum};

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

wire_enum! {
    /// Statement `state`. The swagger spells the error state `Error`; services send `error`.
    pub StatementState {
        Waiting = "waiting",
        Running = "running",
        Available = "available",
        Error = "error" | "Error",
        Cancelling = "cancelling",
        Cancelled = "cancelled",
    }
}

impl StatementState {
    pub fn is_finished(&self) -> bool {
        matches!(self, Self::Available | Self::Error | Self::Cancelled)
    }
}

wire_enum! {
    /// Statement `kind`, sent with every statement (Fabric sessions have no session-level kind).
    pub StatementKind { Spark = "spark", PySpark = "pyspark", SparkR = "sparkr", Sql = "sql" }
}

wire_enum! {
    pub OutputStatus { Ok = "ok", Error = "error" }
}

wire_enum! {
    /// High-concurrency session `state` (`starting` and `Error` accepted defensively, as
    /// Microsoft's own sample does).
    pub HcState {
        NotStarted = "NotStarted",
        Starting = "starting",
        AcquiringHighConcurrencySession = "AcquiringHighConcurrencySession",
        Idle = "Idle",
        Dead = "Dead",
        Killed = "Killed",
        Failed = "Failed",
        Error = "Error",
        Deleting = "Deleting",
    }
}

impl HcState {
    pub fn is_failed(&self) -> bool {
        matches!(self, Self::Dead | Self::Killed | Self::Failed | Self::Error)
    }
}

wire_enum! {
    /// Monitoring `LivySession.state`.
    pub MonitoringState {
        NotStarted = "NotStarted",
        InProgress = "InProgress",
        Cancelled = "Cancelled",
        Succeeded = "Succeeded",
        Failed = "Failed",
        Unknown = "Unknown",
    }
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

/// `POST .../statements`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementRequest {
    pub code: String,
    pub kind: StatementKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
}

/// `POST /highConcurrencySessions`. Acquisition is not idempotent: every POST is a new REPL.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HighConcurrencySessionRequest {
    /// Sessions with the same tag share one Livy session (at most 5 REPLs each).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_tag: Option<String>,
    /// Lakehouse name; the monitoring hub shows `HC_<artifactName>_<sessionId>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub conf: BTreeMap<String, String>,
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

/// A column of a SQL result schema. Read tolerantly: a column without a textual name is
/// still a column.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct SqlField {
    #[serde(deserialize_with = "lenient")]
    pub name: Option<String>,
    /// Spark type name (`long`, `string`, ...) or a nested type object.
    #[serde(rename = "type")]
    pub data_type: Value,
    #[serde(deserialize_with = "lenient")]
    pub nullable: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct SqlSchema {
    /// Required: an envelope without a list of fields is not a table. A field that is not an
    /// object reads as a nameless column.
    #[serde(deserialize_with = "items")]
    pub fields: Vec<SqlField>,
}

/// `output.data["application/json"]` of a `sql` statement: rows in schema order. `schema`
/// and `data` are required (other JSON outputs are not tables); a row that is not a list
/// reads as an empty row.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct SqlTable {
    pub schema: SqlSchema,
    #[serde(deserialize_with = "items")]
    pub data: Vec<Vec<Value>>,
}

/// A statement's `output`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct StatementOutput {
    pub status: Option<OutputStatus>,
    pub execution_count: Option<i64>,
    /// MIME type → value (`text/plain`, `application/json`, ...).
    pub data: Map<String, Value>,
    pub ename: Option<String>,
    pub evalue: Option<String>,
    pub traceback: Vec<String>,
}

impl StatementOutput {
    pub fn is_error(&self) -> bool {
        self.status == Some(OutputStatus::Error)
    }

    /// `text/plain` output.
    pub fn text(&self) -> Option<&str> {
        self.data.get("text/plain").and_then(Value::as_str)
    }

    /// A SQL result (`application/json` `{schema, data}`); `None` for DDL/DML, which return
    /// no table, and for anything that is not that envelope.
    pub fn table(&self) -> Option<SqlTable> {
        self.data.get("application/json").and_then(|v| serde_json::from_value(v.clone()).ok())
    }
}

/// `StatementResponse`. A failed statement usually ends `available` with `output.status:
/// "error"`: check the output, not only the state.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StatementResponse {
    pub id: Option<i64>,
    pub code: Option<String>,
    pub source_id: Option<String>,
    pub state: Option<StatementState>,
    pub output: Option<StatementOutput>,
    /// Upstream Livy extras, when present.
    pub progress: Option<f64>,
    pub started: Option<i64>,
    pub completed: Option<i64>,
}

/// `GET .../statements`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct StatementsResponse {
    pub statements: Vec<StatementResponse>,
    pub total_statements: Option<i64>,
}

/// `POST .../statements/{id}/cancel`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct StatementCancellationResponse {
    pub msg: Option<String>,
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

/// `HighConcurrencySessionResponse`. `session_id`/`repl_id` appear only once `Idle`; statement
/// paths use them, while get/delete use `id`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HighConcurrencySessionResponse {
    pub id: Option<String>,
    pub state: Option<HcState>,
    pub fabric_session_state_info: Option<FabricStateInfo<FabricSessionState>>,
    pub session_id: Option<String>,
    pub repl_id: Option<String>,
    pub workspace_id: Option<String>,
    pub artifact_id: Option<String>,
    pub creator_id: Option<String>,
    pub created_at: Option<String>,
    pub session_tag: Option<String>,
}

/// A principal in the monitoring lists.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Principal {
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub principal_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ItemReference {
    pub workspace_id: Option<String>,
    pub item_id: Option<String>,
    pub reference_type: Option<String>,
}

/// `{value, timeUnit}` durations of the monitoring lists.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MonitoringDuration {
    pub value: Option<f64>,
    pub time_unit: Option<String>,
}

/// A Livy session or batch as the Fabric monitoring API lists it (`/spark/livySessions`,
/// `/lakehouses/{lh}/livySessions`). Memory sizes are integers in GB here.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LivySession {
    pub spark_application_id: Option<String>,
    pub state: Option<MonitoringState>,
    pub livy_id: Option<String>,
    pub origin: Option<String>,
    pub attempt_number: Option<i64>,
    pub max_number_of_attempts: Option<i64>,
    pub livy_name: Option<String>,
    pub submitter: Option<Principal>,
    pub consumer_id: Option<Principal>,
    pub item: Option<ItemReference>,
    pub item_name: Option<String>,
    pub item_type: Option<String>,
    pub job_type: Option<JobType>,
    pub submitted_date_time: Option<String>,
    pub start_date_time: Option<String>,
    pub end_date_time: Option<String>,
    pub queued_duration: Option<MonitoringDuration>,
    pub running_duration: Option<MonitoringDuration>,
    pub total_duration: Option<MonitoringDuration>,
    pub job_instance_id: Option<String>,
    pub creator_item: Option<ItemReference>,
    pub cancellation_reason: Option<String>,
    pub capacity_id: Option<String>,
    pub operation_name: Option<String>,
    pub runtime_version: Option<String>,
    pub livy_session_item_resource_uri: Option<String>,
    pub driver_memory: Option<f64>,
    pub driver_cores: Option<f64>,
    pub executor_memory: Option<f64>,
    pub executor_cores: Option<f64>,
    pub num_executors: Option<f64>,
    pub is_dynamic_allocation_enabled: Option<bool>,
    pub dynamic_allocation_max_executors: Option<f64>,
    pub is_high_concurrency: Option<bool>,
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

    #[test]
    fn statement_outputs_text_table_and_error() {
        let st: StatementResponse = decode(json!({"id": 0, "state": "available", "output": {
            "status": "ok", "execution_count": 0, "data": {"application/json": {
                "schema": {"type": "struct", "fields": [{"name": "c", "type": "long", "nullable": true, "metadata": {}}]},
                "data": [[1, "a"], [2, "b"]]}}}}));
        let table = st.output.as_ref().and_then(StatementOutput::table).unwrap_or_default();
        assert_eq!((table.schema.fields[0].name.as_deref(), table.data.len()), (Some("c"), 2));
        let st: StatementResponse = decode(json!({"id": 1, "state": "available", "output": {
            "status": "error", "execution_count": 1, "ename": "NameError", "evalue": "name 'x' is not defined",
            "traceback": ["Traceback ...", "NameError: name 'x' is not defined"]}}));
        let out = st.output.unwrap_or_default();
        assert!(out.is_error() && out.ename.as_deref() == Some("NameError") && out.traceback.len() == 2);
        let st: StatementResponse = decode(
            json!({"id": 2, "state": "Error", "output": {"status": "ok", "data": {"text/plain": "3"}}}),
        );
        assert_eq!(st.state, Some(StatementState::Error));
        assert_eq!(st.output.as_ref().and_then(StatementOutput::text), Some("3"));
        let list: StatementsResponse =
            decode(json!({"statements": [{"id": 0, "state": "waiting"}], "total_statements": 1}));
        assert_eq!(list.statements[0].state, Some(StatementState::Waiting));
    }

    #[test]
    fn fields_read_for_rows_tolerate_unexpected_shapes() {
        // `livyInfo.jobCreationRequest.file` (a batch's file): a value of another type is absent,
        // not a failed body.
        let file = |v: Value| {
            let b: BatchResponse = decode(v);
            b.livy_info.and_then(|l| l.job_creation_request).and_then(|r| r.file)
        };
        assert_eq!(
            file(json!({"livyInfo": {"jobCreationRequest": {"file": "abfss://x/a.py", "conf": {"k": 1}}}})),
            Some("abfss://x/a.py".into())
        );
        assert_eq!(file(json!({"id": "b", "livyInfo": {"jobCreationRequest": {"file": 5}}})), None);
        assert_eq!(file(json!({"id": "b", "livyInfo": {"jobCreationRequest": "file.py"}})), None);
        // SQL tables: a nameless or odd column and a row that is not a list still make a table;
        // an envelope without a schema or rows is not a table.
        let table = |v: Value| {
            let out: StatementOutput = decode(json!({"status": "ok", "data": {"application/json": v}}));
            out.table()
        };
        let t = table(json!({"schema": {"fields": [{"name": 1, "nullable": "yes"}, "c", {"name": "n"}]},
                             "data": [[1, 2, 3], {"x": 1}, null]}))
        .unwrap_or_default();
        let names: Vec<_> = t.schema.fields.iter().map(|f| f.name.as_deref()).collect();
        assert_eq!(names, [None, None, Some("n")]);
        assert_eq!(t.data, [vec![json!(1), json!(2), json!(3)], vec![], vec![]]);
        assert_eq!(table(json!({"data": [[1]]})), None);
        assert_eq!(table(json!({"schema": {}, "data": [[1]]})), None);
        assert_eq!(table(json!({"schema": {"fields": []}, "data": null})), None);
        assert_eq!(table(json!({"a": 1})), None);
    }

    #[test]
    fn the_hc_202_and_idle_bodies_read() {
        let hc: HighConcurrencySessionResponse = decode(json!({
            "id": "hc1", "state": "NotStarted", "sessionId": null, "replId": null, "workspaceId": "ws",
            "fabricSessionStateInfo": {"state": "queued", "errorMessage": null}, "sessionTag": "t"}));
        assert_eq!((hc.state, hc.session_id), (Some(HcState::NotStarted), None));
        let hc: HighConcurrencySessionResponse =
            decode(json!({"id": "hc1", "state": "Idle", "sessionId": "s", "replId": "r"}));
        assert_eq!(hc.repl_id.as_deref(), Some("r"));
    }

    #[test]
    fn the_monitoring_list_example_reads() {
        let s: LivySession = decode(json!({
            "sparkApplicationId": "application_1730933685452_0001", "state": "Cancelled",
            "livyId": "9611f500-bf44-42e0-a0de-78dacb374398", "origin": "SubmittedJob",
            "attemptNumber": 1, "maxNumberOfAttempts": 1, "livyName": "random_test_name_app",
            "submitter": {"id": "6f23a8a6-d954-4550-b91a-4df73ccd0311", "type": "User"},
            "item": {"workspaceId": "f8113ba8", "itemId": "8cee7699", "referenceType": "ById"},
            "itemName": "lh_itemName", "itemType": "Lakehouse", "jobType": "SparkBatch",
            "submittedDateTime": "2025-01-31T15:32:03Z", "startDateTime": "2025-01-31T15:34:11Z",
            "endDateTime": "2025-01-31T15:37:30Z",
            "queuedDuration": {"value": 1, "timeUnit": "Seconds"},
            "runningDuration": {"value": 180, "timeUnit": "Seconds"},
            "totalDuration": {"value": 360, "timeUnit": "Seconds"},
            "jobInstanceId": "c2baabbd-5327-430c-87a6-ff4f98285601",
            "cancellationReason": "User cancelled the Spark batch",
            "capacityId": "3c0cd366-dc28-4b6d-a525-4d415a8666e7", "operationName": "Batch Livy Run",
            "runtimeVersion": "1.3", "livySessionItemResourceUri": "",
            "driverMemory": 4, "driverCores": 2, "executorMemory": 8, "executorCores": 4, "numExecutors": 10,
            "isDynamicAllocationEnabled": true, "dynamicAllocationMaxExecutors": 20}));
        assert_eq!(s.state, Some(MonitoringState::Cancelled));
        assert_eq!(s.job_type, Some(JobType::SparkBatch));
        assert_eq!(s.running_duration.and_then(|d| d.value), Some(180.0));
        let item: LivySparkActivity =
            decode(json!({"id": "x", "livyState": "busy", "schedulerState": "Scheduled",
            "pluginState": "Monitoring", "result": "Uncertain", "isJobTimedOut": false}));
        assert_eq!(item.livy_state, Some(LivyState::Busy));
    }

    #[test]
    fn requests_send_only_what_is_set() {
        let body = serde_json::to_value(SessionRequest { name: Some("s".into()), ..Default::default() });
        assert_eq!(body.ok(), Some(json!({"name": "s"})));
        let body = serde_json::to_value(StatementRequest {
            code: "1+1".into(),
            kind: StatementKind::PySpark,
            source_id: None,
        });
        assert_eq!(body.ok(), Some(json!({"code": "1+1", "kind": "pyspark"})));
        let mut conf = BTreeMap::new();
        conf.insert("spark.targetLakehouse".to_string(), "lh".to_string());
        let body = serde_json::to_value(BatchRequest {
            file: "abfss://x/Files/a.py".into(),
            class_name: Some("Main".into()),
            conf,
            ..Default::default()
        });
        assert_eq!(
            body.ok(),
            Some(
                json!({"file": "abfss://x/Files/a.py", "className": "Main", "conf": {"spark.targetLakehouse": "lh"}})
            )
        );
    }
}
