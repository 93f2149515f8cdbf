//! The workspace's Livy monitoring lists (`/spark/livySessions`): every Spark session and batch, notebooks included.

use serde::Deserialize;

use super::sessions::JobType;
use crate::api::wire::wire_enum;

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

/// A Fabric item of the core API's lists (`/lakehouses`, `/environments`): what pickers show.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FabricItem {
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub item_type: Option<String>,
    pub workspace_id: Option<String>,
}
