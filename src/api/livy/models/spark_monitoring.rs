//! The Spark application monitoring API (specs/fabric-spark-monitoring-swagger.json): log file
//! metadata (driver, rolling driver, executor, Livy logs) and resource usage timelines. Every
//! field optional; lists read item by item so one odd entry does not lose the rest.

use serde::Deserialize;

use crate::api::wire::{items, lenient};

/// `FileMetadata`: one log file.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FileMetadata {
    pub file_name: Option<String>,
    /// Bytes.
    #[serde(deserialize_with = "lenient")]
    pub length: Option<u64>,
    /// "2025-03-05T12:31:31.000GMT" (not RFC 3339: shown as sent).
    pub last_modified: Option<String>,
    pub creation_time: Option<String>,
}

/// `ContainerLogMeta`: one file of one container (the driver's `stdout` / `stderr`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerLogMeta {
    pub container_id: Option<String>,
    pub node_id: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub container_log_meta: Option<FileMetadata>,
}

/// `ContainerLogMetas`: the files of one container (rolled driver parts, an executor's files).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerLogMetas {
    pub container_id: Option<String>,
    pub node_id: Option<String>,
    #[serde(deserialize_with = "items")]
    pub container_log_meta: Vec<FileMetadata>,
}

/// `ResourceUsageExecutor`: one executor at one time point.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ResourceUsageExecutor {
    #[serde(deserialize_with = "lenient")]
    pub executor_id: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub core_count: Option<f64>,
    #[serde(deserialize_with = "lenient")]
    pub task_count: Option<f64>,
}

/// `ResourceUsageData`: parallel arrays, one entry per time point.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ResourceUsageData {
    #[serde(deserialize_with = "items")]
    pub timestamps: Vec<f64>,
    #[serde(deserialize_with = "items")]
    pub is_partials: Vec<bool>,
    #[serde(deserialize_with = "items")]
    pub allocated_cores: Vec<f64>,
    #[serde(deserialize_with = "items")]
    pub idle_cores: Vec<f64>,
    #[serde(deserialize_with = "items")]
    pub running_cores: Vec<f64>,
    #[serde(deserialize_with = "items")]
    pub executors: Vec<Vec<ResourceUsageExecutor>>,
}

/// `ResourceUsageInfo`: an application's usage timeline.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ResourceUsageInfo {
    #[serde(deserialize_with = "lenient")]
    pub resource_usage_api_version: Option<i64>,
    /// Milliseconds.
    #[serde(deserialize_with = "lenient")]
    pub duration: Option<f64>,
    /// More than 10k tasks: `data` is empty.
    #[serde(deserialize_with = "lenient")]
    pub capacity_exceeded: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub idle_time: Option<f64>,
    #[serde(deserialize_with = "lenient")]
    pub core_efficiency: Option<f64>,
    #[serde(deserialize_with = "lenient")]
    pub data: Option<ResourceUsageData>,
}
