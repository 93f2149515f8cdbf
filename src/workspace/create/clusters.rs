//! Databricks clusters: create and edit from a `domain::create::NewCluster` (and from the Clusters
//! API body, `--json`, as the Databricks CLI takes it), checked against what the workspace offers
//! (`clusters/spark-versions`, `clusters/list-node-types`) before anything is sent; permanent
//! delete; the runtime and node type lists pickers show.

use serde_json::Value;

use super::{CreateError, outcome_unknown};
use crate::api::databricks::ClusterFilter;
use crate::api::databricks::models::{ClusterDetails, ClusterState, NodeType, SparkVersion};
use crate::api::{ErrorKind, Fetched};
use crate::domain::create::{Created, CreatedKind, NewCluster};
pub use crate::domain::request::{cluster_body, cluster_from_request};
use crate::workspace::{Workspace, actions};

/// The fields of a `ClusterSpec` (what create and edit take); a cluster's details hold these
/// and more (state, nodes, times), which edit must not send back.
const SPEC_FIELDS: &[&str] = &[
    "spark_version",
    "cluster_name",
    "num_workers",
    "autoscale",
    "node_type_id",
    "driver_node_type_id",
    "spark_conf",
    "spark_env_vars",
    "custom_tags",
    "autotermination_minutes",
    "azure_attributes",
    "aws_attributes",
    "gcp_attributes",
    "instance_pool_id",
    "driver_instance_pool_id",
    "policy_id",
    "apply_policy_default_values",
    "data_security_mode",
    "single_user_name",
    "runtime_engine",
    "kind",
    "is_single_node",
    "use_ml_runtime",
    "enable_elastic_disk",
    "enable_local_disk_encryption",
    "init_scripts",
    "cluster_log_conf",
    "docker_image",
    "ssh_public_keys",
    "workload_type",
    "remote_disk_throughput",
    "total_initial_remote_disk_size",
];

/// How far back a lost create is looked for.
const SEARCH_WINDOW_MS: i64 = 5 * 60 * 1000;

/// A cluster's configuration as `clusters/edit` takes it: the `spec` its details carry (the spec
/// as it was given), else the spec fields of the details — never the output-only ones (state,
/// nodes, times, default tags), which edit must not send back.
pub fn editable(details: &Value) -> Value {
    match details.get("spec") {
        Some(spec @ Value::Object(_)) => spec.clone(),
        _ => Value::Object(
            details
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, _)| SPEC_FIELDS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
    }
}

/// The runtimes the workspace offers, newest first as the service lists them.
pub async fn spark_versions(ws: &Workspace) -> Result<Vec<Fetched<SparkVersion>>, CreateError> {
    Ok(actions::databricks(ws)?.spark_versions().await?)
}

/// The node types the workspace offers.
pub async fn node_types(ws: &Workspace) -> Result<Vec<Fetched<NodeType>>, CreateError> {
    Ok(actions::databricks(ws)?.node_types().await?)
}

/// The few closest names to `wanted` among `known` (shared prefix, then length), for "did you mean".
fn closest<'a>(wanted: &str, known: &'a [String]) -> Vec<&'a str> {
    let w = wanted.to_ascii_lowercase();
    let common = |k: &str| k.to_ascii_lowercase().chars().zip(w.chars()).take_while(|(a, b)| a == b).count();
    let mut scored: Vec<(usize, &str)> = known.iter().map(|k| (common(k), k.as_str())).collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.len().cmp(&b.1.len())));
    scored.into_iter().take(3).map(|(_, k)| k).collect()
}

/// Refuse a runtime or node type the workspace does not offer, naming the nearest it does.
async fn check_offered(ws: &Workspace, body: &Value) -> Result<(), CreateError> {
    let d = actions::databricks(ws)?;
    if let Some(version) = body.get("spark_version").and_then(Value::as_str) {
        let keys: Vec<String> = d.spark_versions().await?.into_iter().filter_map(|v| v.value.key).collect();
        if !keys.iter().any(|k| k == version) {
            return Err(CreateError::Invalid(format!(
                "unknown spark version {version:?}; did you mean {}? (all: sparkdeck clusters spark-versions)",
                closest(version, &keys).join(", ")
            )));
        }
    }
    let nodes: Vec<&str> = ["node_type_id", "driver_node_type_id"]
        .iter()
        .filter_map(|k| body.get(*k).and_then(Value::as_str))
        .collect();
    if !nodes.is_empty() {
        let ids: Vec<String> =
            d.node_types().await?.into_iter().filter_map(|n| n.value.node_type_id).collect();
        for node in nodes {
            if !ids.iter().any(|k| k == node) {
                return Err(CreateError::Invalid(format!(
                    "unknown node type {node:?}; did you mean {}? (all: sparkdeck clusters node-types)",
                    closest(node, &ids).join(", ")
                )));
            }
        }
    } else if body.get("instance_pool_id").is_none() {
        return Err(CreateError::Invalid(
            "a cluster needs a node type: give --node-type (see `sparkdeck clusters node-types`) or an instance_pool_id".into(),
        ));
    }
    Ok(())
}

/// The exact create body for `c`, checked against the workspace (no change is made).
pub async fn prepare(ws: &Workspace, c: &NewCluster) -> Result<Value, CreateError> {
    let body = cluster_body(c).map_err(CreateError::Invalid)?;
    check_offered(ws, &body).await?;
    Ok(body)
}

/// `clusters/create` (sent once): the new cluster, PENDING.
pub async fn create(ws: &Workspace, body: &Value) -> Result<Created, CreateError> {
    let d = actions::databricks(ws)?;
    let name = body.get("cluster_name").and_then(Value::as_str).map(str::to_string);
    let sent = jiff::Timestamp::now().as_millisecond();
    match d.create_cluster(body).await {
        Ok(created) => match created.value.cluster_id {
            Some(id) => Ok(Created { kind: CreatedKind::Cluster, id, name }),
            None => {
                lost(
                    ws,
                    name,
                    sent,
                    crate::api::ApiError::decode(
                        "POST",
                        "/api/2.1/clusters/create",
                        "no cluster_id in the answer",
                    ),
                )
                .await
            }
        },
        Err(e) if outcome_unknown(&e) => lost(ws, name, sent, e).await,
        Err(e) => Err(e.into()),
    }
}

/// A create whose outcome is unknown: clusters of that name started since just before.
async fn lost(
    ws: &Workspace,
    name: Option<String>,
    sent: i64,
    cause: crate::api::ApiError,
) -> Result<Created, CreateError> {
    let mut found = Vec::new();
    if let (Some(n), Ok(d)) = (&name, actions::databricks(ws)) {
        let clusters = d.clusters(&ClusterFilter::default()).collect(500).await.unwrap_or_default();
        found = clusters
            .into_iter()
            .filter(|c| c.value.cluster_name.as_deref() == Some(n.as_str()))
            .filter(|c| c.value.start_time.is_some_and(|t| t >= sent - SEARCH_WINDOW_MS))
            .filter_map(|c| {
                Some(Created { kind: CreatedKind::Cluster, id: c.value.cluster_id?, name: name.clone() })
            })
            .collect();
    }
    let what = match &name {
        Some(n) => format!("cluster {n:?}"),
        None => "the cluster (it has no name to look for)".into(),
    };
    Err(CreateError::Unknown { what, found, cause })
}

/// A cluster's current configuration, as the base of an edit, and its state.
pub async fn current(ws: &Workspace, id: &str) -> Result<(Value, Option<ClusterState>), CreateError> {
    let c: Fetched<ClusterDetails> =
        actions::databricks(ws)?.cluster(id).await.map_err(|e| match e.kind {
            ErrorKind::NotFound => CreateError::Failed(crate::workspace::Error::NotFound {
                workspace: ws.name.clone(),
                kind: "cluster",
                id: id.to_string(),
            }),
            _ => e.into(),
        })?;
    Ok((c.raw.into_value(), c.value.state))
}

/// Cluster `id`'s configuration as a description, to edit (what `E` on a cluster fills its form
/// with), and its state (the service edits only RUNNING and TERMINATED clusters).
pub async fn for_edit(ws: &Workspace, id: &str) -> Result<(NewCluster, Option<ClusterState>), CreateError> {
    let (details, state) = current(ws, id).await?;
    let cluster = cluster_from_request(&editable(&details))
        .map_err(|why| CreateError::Invalid(format!("cluster {id}'s configuration: {why}")))?;
    Ok((cluster, state))
}

/// `clusters/edit`: the whole new configuration (a RUNNING cluster restarts with it).
pub async fn edit(ws: &Workspace, id: &str, body: &Value) -> Result<(), CreateError> {
    Ok(actions::databricks(ws)?.edit_cluster(id, body).await?)
}

/// `clusters/permanent-delete`: gone from lists; cannot be started again.
pub async fn delete_permanently(ws: &Workspace, id: &str) -> Result<(), CreateError> {
    Ok(actions::databricks(ws)?.permanent_delete_cluster(id).await?)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::create::Workers;

    #[test]
    fn a_clusters_details_give_only_its_spec_to_edit() {
        let details = json!({"cluster_id": "c1", "state": "RUNNING", "cluster_name": "etl", "spark_version": "v",
                             "num_workers": 2, "node_type_id": "n", "driver": {"node_id": "x"}, "default_tags": {"a": "b"},
                             "init_scripts": [{"workspace": {"destination": "/x.sh"}}]});
        let c = cluster_from_request(&editable(&details)).unwrap_or_default();
        assert_eq!(c.workers, Some(Workers::Fixed(2)));
        assert_eq!(c.extra.keys().collect::<Vec<_>>(), ["init_scripts"]);
    }

    #[test]
    fn suggestions_share_a_prefix() {
        let known =
            vec!["15.4.x-scala2.12".to_string(), "14.3.x-scala2.12".into(), "16.4.x-scala2.12".into()];
        assert_eq!(closest("15.3.x-scala2.12", &known)[0], "15.4.x-scala2.12");
    }
}
