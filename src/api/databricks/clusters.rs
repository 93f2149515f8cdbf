//! Clusters API 2.1.

use reqwest::Method;
use serde_json::{Value, json};

use super::models::*;
use super::{CLUSTERS_PAGE, DatabricksClient, done, flag, id_body, list_of};
use crate::api::paging::{Page, Pages};
use crate::api::wire::{Unread, decode_items, unread_items};
use crate::api::{ApiError, ErrorKind, Fetched};

/// A refused start that means the start has happened: the cluster is Pending, or — when an
/// earlier attempt of the same call may have started it — already Running.
fn already_started(e: &ApiError) -> bool {
    let state = e.message.rsplit("unexpected state ").next().unwrap_or_default().trim_end_matches('.');
    state.eq_ignore_ascii_case("pending") || (e.attempts > 1 && state.eq_ignore_ascii_case("running"))
}

const EVENTS: &str = "/api/2.1/clusters/events";
const CLUSTERS: &str = "/api/2.1/clusters/list";

/// The `clusters/list` query for `filter`.
fn clusters_query(filter: &ClusterFilter) -> Vec<(&'static str, String)> {
    let mut query: Vec<(&'static str, String)> = vec![("page_size", CLUSTERS_PAGE.to_string())];
    query.extend(filter.states.iter().map(|s| ("filter_by.cluster_states", s.to_string())));
    query.extend(filter.sources.iter().map(|s| ("filter_by.cluster_sources", s.to_string())));
    if let Some(pinned) = filter.is_pinned {
        query.push(("filter_by.is_pinned", flag(pinned)));
    }
    if let Some(policy) = &filter.policy_id {
        query.push(("filter_by.policy_id", policy.clone()));
    }
    query
}

impl DatabricksClient {
    /// `clusters/list`, filtered by the service and paged with `page_token`.
    pub fn clusters(&self, filter: &ClusterFilter) -> Pages<ClusterDetails> {
        self.token_pages(CLUSTERS, "clusters", clusters_query(filter))
    }

    /// [`Self::clusters`], each item left as its text until [`Fetched::decoded`].
    pub fn clusters_unread(&self, filter: &ClusterFilter) -> Pages<Unread> {
        self.token_pages_as(CLUSTERS, "clusters", clusters_query(filter), unread_items)
    }

    /// `clusters/get`. A missing cluster is 400 `INVALID_PARAMETER_VALUE`, read as `NotFound`.
    pub async fn cluster(&self, cluster_id: &str) -> Result<Fetched<ClusterDetails>, ApiError> {
        self.ep.call(Method::GET, "/api/2.1/clusters/get").query("cluster_id", cluster_id).fetch().await
    }

    /// `clusters/create` with a [`ClusterSpec`] (or a JSON body made from one): never re-sent
    /// once it may have reached the service.
    pub async fn create_cluster<S: serde::Serialize + ?Sized>(
        &self,
        spec: &S,
    ) -> Result<Fetched<CreateClusterResponse>, ApiError> {
        self.ep.call(Method::POST, "/api/2.1/clusters/create").json(spec).fetch().await
    }

    /// `clusters/edit`: replaces the whole configuration (RUNNING clusters restart). Repeating
    /// the same edit changes nothing, so it is retried like a read.
    pub async fn edit_cluster<S: serde::Serialize + ?Sized>(
        &self,
        cluster_id: &str,
        spec: &S,
    ) -> Result<(), ApiError> {
        let mut body = serde_json::to_value(spec).map_err(|e| ApiError::invalid_input(e.to_string()))?;
        if let Value::Object(map) = &mut body {
            map.insert("cluster_id".into(), cluster_id.into());
        }
        self.ep.call(Method::POST, "/api/2.1/clusters/edit").json(&body).idempotent().send().await.map(done)
    }

    /// `clusters/start` (400 `INVALID_STATE` unless TERMINATED). Repeating it starts nothing
    /// twice, so it is retried like a read; the answer "unexpected state Pending" (or, after a
    /// retry, "Running") says the cluster is starting or up — which is what was asked.
    pub async fn start_cluster(&self, cluster_id: &str) -> Result<(), ApiError> {
        match self.cluster_action("start", cluster_id).await {
            Err(e) if e.kind == ErrorKind::InvalidState && already_started(&e) => {
                tracing::debug!("{e}: the cluster is already on its way up");
                Ok(())
            }
            other => other,
        }
    }

    /// `clusters/restart`: every request restarts the cluster again, so it is a create (never
    /// re-sent once it may have been carried out).
    pub async fn restart_cluster(&self, cluster_id: &str) -> Result<(), ApiError> {
        let path = "/api/2.1/clusters/restart";
        self.ep.call(Method::POST, path).json(&id_body("cluster_id", cluster_id)).send().await.map(done)
    }

    /// `clusters/delete`: terminate (the cluster can be started again).
    pub async fn terminate_cluster(&self, cluster_id: &str) -> Result<(), ApiError> {
        self.cluster_action("delete", cluster_id).await
    }

    /// `clusters/permanent-delete`: gone from get and list afterwards.
    pub async fn permanent_delete_cluster(&self, cluster_id: &str) -> Result<(), ApiError> {
        self.cluster_action("permanent-delete", cluster_id).await
    }

    pub async fn pin_cluster(&self, cluster_id: &str) -> Result<(), ApiError> {
        self.cluster_action("pin", cluster_id).await
    }

    pub async fn unpin_cluster(&self, cluster_id: &str) -> Result<(), ApiError> {
        self.cluster_action("unpin", cluster_id).await
    }

    /// `clusters/resize` (RUNNING only).
    pub async fn resize_cluster(&self, cluster_id: &str, size: &ClusterSize) -> Result<(), ApiError> {
        let body = match size {
            ClusterSize::Workers(n) => json!({"cluster_id": cluster_id, "num_workers": n}),
            ClusterSize::Autoscale { min_workers, max_workers } => json!({
                "cluster_id": cluster_id,
                "autoscale": {"min_workers": min_workers, "max_workers": max_workers},
            }),
        };
        self.ep.call(Method::POST, "/api/2.1/clusters/resize").json(&body).idempotent().send().await.map(done)
    }

    /// `clusters/events`, newest first by default. A POST that only reads. Pages follow
    /// `next_page_token`, or re-send the `next_page` object (what the Python SDK does) when
    /// the service gives only that.
    pub fn cluster_events(
        &self,
        cluster_id: &str,
        query: &EventsQuery,
    ) -> Result<Pages<ClusterEvent>, ApiError> {
        let mut first = serde_json::to_value(query).map_err(|e| ApiError::invalid_input(e.to_string()))?;
        if let Value::Object(map) = &mut first {
            map.insert("cluster_id".into(), cluster_id.into());
        }
        let ep = self.ep.clone();
        Ok(Pages::new("POST", EVENTS, first, move |body| {
            let ep = ep.clone();
            async move {
                let mut answer =
                    ep.call(Method::POST, EVENTS).json(&body).idempotent().send_list("events").await?;
                let total = answer.get("total_count").and_then(Value::as_u64);
                // `next_page` re-sent verbatim, as the official SDK pages; the token only when
                // a service sends no `next_page` object.
                let next = match (answer.get("next_page"), super::next_token(&answer)) {
                    (Some(page @ Value::Object(_)), _) => Some(page.clone()),
                    (_, Some(token)) => {
                        let mut next = body.clone();
                        if let Value::Object(map) = &mut next {
                            map.insert("page_token".into(), token.into());
                        }
                        Some(next)
                    }
                    _ => None,
                };
                let items = decode_items("POST", EVENTS, &mut answer, "events")?;
                Ok((Page { items, total }, next))
            }
        }))
    }

    /// `clusters/spark-versions`.
    pub async fn spark_versions(&self) -> Result<Vec<Fetched<SparkVersion>>, ApiError> {
        let path = "/api/2.1/clusters/spark-versions";
        list_of("GET", path, self.ep.call(Method::GET, path), "versions").await
    }

    /// `clusters/list-node-types`.
    pub async fn node_types(&self) -> Result<Vec<Fetched<NodeType>>, ApiError> {
        let path = "/api/2.1/clusters/list-node-types";
        list_of("GET", path, self.ep.call(Method::GET, path), "node_types").await
    }

    /// The `{cluster_id}` POST actions: repeating any of them changes nothing, so they are
    /// retried like reads.
    async fn cluster_action(&self, action: &str, cluster_id: &str) -> Result<(), ApiError> {
        let path = format!("/api/2.1/clusters/{action}");
        self.ep
            .call(Method::POST, path)
            .json(&id_body("cluster_id", cluster_id))
            .idempotent()
            .send()
            .await
            .map(done)
    }
}
