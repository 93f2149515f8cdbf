//! Clusters (2.1): details, specs, sizes, filters, events, Spark versions and node types.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::wire::wire_enum;

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
}

/// `clusters/get` and the items of `clusters/list`: the fields sparkdeck reads. Every other
/// field (`spark_conf`, tags, `azure_attributes`, nodes, `spec`, ...) stays in the raw object
/// (`Fetched::raw`), which the details view shows and `-o json` prints: decoding them into
/// maps and strings nobody read was a tenth of a 10k-cluster listing.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ClusterDetails {
    pub cluster_id: Option<String>,
    pub cluster_name: Option<String>,
    pub spark_version: Option<String>,
    pub node_type_id: Option<String>,
    /// The size asked for (the nodes catch up over time). 0 with no autoscale = single node.
    pub num_workers: Option<u32>,
    pub autoscale: Option<AutoScale>,
    pub is_pinned: Option<bool>,
    pub creator_user_name: Option<String>,
    pub state: Option<ClusterState>,
    pub state_message: Option<String>,
    pub start_time: Option<i64>,
    pub terminated_time: Option<i64>,
    pub termination_reason: Option<TerminationReason>,
    pub cluster_source: Option<ClusterSource>,
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::wire::decoded as decode;

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
}
