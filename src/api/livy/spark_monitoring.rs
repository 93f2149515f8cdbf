//! The Spark application monitoring API of one Livy session or batch
//! (specs/fabric-spark-monitoring-swagger.json; fabric-livy.md §1.5.3), under
//! `/v1/workspaces/{ws}/{itemType}/{itemId}/livySessions/{livyId}/applications/{appId}[/{attemptId}]`:
//! the driver's files (`stdout`, `stderr`, rolled log4j parts), each executor's files, the Livy
//! log, and the resource usage timeline. Logs are read as metadata first (`meta=true`: sizes,
//! parts), then as byte ranges (`isPartial=true&offset=&size=`).

use reqwest::Method;

use super::models::{ContainerLogMeta, ContainerLogMetas, FileMetadata, ResourceUsageInfo};
use crate::api::wire::{Fetched, seg};
use crate::api::{ApiError, Endpoint};

/// The Fabric item a Livy session or batch belongs to, as the monitoring paths name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemType {
    Lakehouse,
    Notebook,
    SparkJobDefinition,
}

impl ItemType {
    /// The path segment (the swagger's `itemType` enum).
    pub fn segment(self) -> &'static str {
        match self {
            ItemType::Lakehouse => "lakehouses",
            ItemType::Notebook => "notebooks",
            ItemType::SparkJobDefinition => "sparkJobDefinitions",
        }
    }

    /// From the monitoring list's `itemType` ("Lakehouse", "Notebook", "SparkJobDefinition").
    pub fn from_monitoring(word: &str) -> Option<ItemType> {
        match word.to_ascii_lowercase().as_str() {
            "lakehouse" => Some(ItemType::Lakehouse),
            "notebook" => Some(ItemType::Notebook),
            "sparkjobdefinition" => Some(ItemType::SparkJobDefinition),
            _ => None,
        }
    }
}

/// Where a Spark application is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppAddress {
    pub workspace_id: String,
    pub item_type: ItemType,
    pub item_id: String,
    pub livy_id: String,
    /// `None` before the application started (only the Livy log exists then).
    pub app_id: Option<String>,
    pub attempt: Option<u32>,
}

/// The monitoring calls for one Spark application.
#[derive(Debug, Clone)]
pub struct SparkMonitoring {
    ep: Endpoint,
    /// `/v1/workspaces/{ws}/{itemType}/{itemId}/livySessions/{livyId}/applications`.
    base: String,
    app_id: Option<String>,
    attempt: Option<u32>,
}

impl SparkMonitoring {
    pub fn new(ep: Endpoint, a: &AppAddress) -> Result<SparkMonitoring, ApiError> {
        let base = format!(
            "/v1/workspaces/{}/{}/{}/livySessions/{}/applications",
            seg(&a.workspace_id)?,
            a.item_type.segment(),
            seg(&a.item_id)?,
            seg(&a.livy_id)?
        );
        let app_id = a.app_id.as_deref().map(seg).transpose()?;
        Ok(SparkMonitoring { ep, base, app_id, attempt: a.attempt })
    }

    /// `…/applications/{appId}[/{attemptId}]`; an application that has not started has no logs
    /// but the Livy log.
    fn app(&self, with_attempt: bool) -> Result<String, ApiError> {
        let app = self.app_id.as_deref().ok_or_else(|| {
            ApiError::invalid_input(
                "the Spark application has not started yet (no application id): only the Livy log exists",
            )
        })?;
        Ok(match self.attempt.filter(|_| with_attempt) {
            Some(n) => format!("{}/{app}/{n}", self.base),
            None => format!("{}/{app}", self.base),
        })
    }

    /// `GET …/logs?type=driver&meta=true&fileName=` → `ContainerLogMeta`.
    pub async fn driver_meta(&self, file_name: &str) -> Result<Fetched<ContainerLogMeta>, ApiError> {
        let path = format!("{}/logs", self.app(true)?);
        self.ep
            .call(Method::GET, path)
            .query("type", "driver")
            .query("meta", "true")
            .query("fileName", file_name)
            .fetch()
            .await
    }

    /// `GET …/logs?type=rollingdriver&meta=true[&filenamePrefix=]&offset=&maxResults=` → the
    /// driver's rolled parts.
    pub async fn rolling_meta(
        &self,
        prefix: Option<&str>,
        offset: u32,
        max_results: u32,
    ) -> Result<Fetched<ContainerLogMetas>, ApiError> {
        let path = format!("{}/logs", self.app(true)?);
        self.ep
            .call(Method::GET, path)
            .query("type", "rollingdriver")
            .query("meta", "true")
            .query_opt("filenamePrefix", prefix)
            .query("offset", offset)
            .query("maxResults", max_results)
            .fetch()
            .await
    }

    /// `GET …/logs?type=driver&fileName=&isPartial=true&offset=&size=` → bytes `offset..offset+size`.
    pub async fn driver_content(&self, file_name: &str, offset: u64, size: u64) -> Result<String, ApiError> {
        let path = format!("{}/logs", self.app(true)?);
        self.ep
            .call(Method::GET, path)
            .query("type", "driver")
            .query("fileName", file_name)
            .query("isPartial", "true")
            .query("offset", offset)
            .query("size", size)
            .text()
            .await
    }

    /// `GET …/logs?type=executor&meta=true` → every executor container with its files.
    pub async fn executor_meta(&self) -> Result<Fetched<Vec<ContainerLogMetas>>, ApiError> {
        let path = format!("{}/logs", self.app(true)?);
        self.ep.call(Method::GET, path).query("type", "executor").query("meta", "true").fetch().await
    }

    /// `GET …/applications/{appId}/logs?type=executor&fileName=&containerId=&size=`: the swagger
    /// gives executor content no attempt segment and no offset, only a size.
    pub async fn executor_content(
        &self,
        container_id: &str,
        file_name: &str,
        size: u64,
    ) -> Result<String, ApiError> {
        let path = format!("{}/logs", self.app(false)?);
        self.ep
            .call(Method::GET, path)
            .query("type", "executor")
            .query("fileName", file_name)
            .query("containerId", container_id)
            .query("size", size)
            .text()
            .await
    }

    /// `GET …/applications/none/logs?type=livy&meta=true` → `FileMetadata`.
    pub async fn livy_meta(&self) -> Result<Fetched<FileMetadata>, ApiError> {
        let path = format!("{}/none/logs", self.base);
        self.ep.call(Method::GET, path).query("type", "livy").query("meta", "true").fetch().await
    }

    /// `GET …/applications/none/{attemptId}/logs?type=livy&isPartial=true&offset=&size=`.
    pub async fn livy_content(&self, offset: u64, size: u64) -> Result<String, ApiError> {
        let path = format!("{}/none/{}/logs", self.base, self.attempt.unwrap_or(1));
        self.ep
            .call(Method::GET, path)
            .query("type", "livy")
            .query("isPartial", "true")
            .query("offset", offset)
            .query("size", size)
            .text()
            .await
    }

    /// `GET …/resourceUsage` → the usage timeline.
    pub async fn resource_usage(&self) -> Result<Fetched<ResourceUsageInfo>, ApiError> {
        let path = format!("{}/resourceUsage", self.app(true)?);
        self.ep.call(Method::GET, path).fetch().await
    }
}
