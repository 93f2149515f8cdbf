//! The Fabric core API of one workspace: the monitoring lists of Livy sessions and batches
//! (`/v1/workspaces/{ws}/…/livySessions`: every Spark session and batch in the workspace,
//! notebooks and Spark job definitions included), and the workspace's lakehouses and
//! environments (what a new session or batch can name).

use reqwest::Method;
use serde_json::Value;

use serde::de::DeserializeOwned;

use super::models::{FabricItem, LivySession};
use crate::api::paging::{Page, Pages};
use crate::api::wire::{Fetched, decode_items, seg};
use crate::api::{ApiError, Endpoint};

/// Monitoring calls for one workspace.
#[derive(Debug, Clone)]
pub struct FabricMonitor {
    ep: Endpoint,
    /// `/v1/workspaces/{ws}`.
    workspace_path: String,
}

impl FabricMonitor {
    pub fn new(ep: Endpoint, workspace_id: &str) -> Result<Self, ApiError> {
        Ok(Self { ep, workspace_path: format!("/v1/workspaces/{}", seg(workspace_id)?) })
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.ep
    }

    /// `GET /v1/workspaces/{ws}/spark/livySessions`, with `continuationToken` paging.
    pub fn workspace_livy_sessions(&self) -> Pages<LivySession> {
        self.pages(format!("{}/spark/livySessions", self.workspace_path))
    }

    /// `GET /v1/workspaces/{ws}/lakehouses/{lh}/livySessions`.
    pub fn lakehouse_livy_sessions(&self, lakehouse_id: &str) -> Result<Pages<LivySession>, ApiError> {
        Ok(self.pages(format!("{}/lakehouses/{}/livySessions", self.workspace_path, seg(lakehouse_id)?)))
    }

    /// `GET /v1/workspaces/{ws}/lakehouses/{lh}/livySessions/{livyId}`.
    pub async fn lakehouse_livy_session(
        &self,
        lakehouse_id: &str,
        livy_id: &str,
    ) -> Result<Fetched<LivySession>, ApiError> {
        let path = format!(
            "{}/lakehouses/{}/livySessions/{}",
            self.workspace_path,
            seg(lakehouse_id)?,
            seg(livy_id)?
        );
        self.ep.call(Method::GET, path).fetch().await
    }

    /// `GET /v1/workspaces/{ws}/lakehouses`.
    pub fn lakehouses(&self) -> Pages<FabricItem> {
        self.pages(format!("{}/lakehouses", self.workspace_path))
    }

    /// `GET /v1/workspaces/{ws}/environments`: the Spark environments a session or batch can
    /// run on (`spark.fabric.environmentDetails`).
    pub fn environments(&self) -> Pages<FabricItem> {
        self.pages(format!("{}/environments", self.workspace_path))
    }

    /// Fabric core paging: `continuationToken` until it is absent or null.
    fn pages<T: DeserializeOwned + Send + 'static>(&self, path: String) -> Pages<T> {
        let ep = self.ep.clone();
        Pages::new("GET", path.clone(), None::<String>, move |token| {
            let (ep, path) = (ep.clone(), path.clone());
            async move {
                let mut body = ep
                    .call(Method::GET, path.as_str())
                    .query_opt("continuationToken", token)
                    .send_list("value")
                    .await?;
                let next = body
                    .get("continuationToken")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
                    .map(|t| Some(t.to_string()));
                let items = decode_items("GET", &path, &mut body, "value")?;
                Ok((Page { items, total: None }, next))
            }
        })
    }
}
