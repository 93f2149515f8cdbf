//! Databricks clusters: create and edit from a `domain::create::NewCluster` (and from the Clusters
//! API body, `--json`, as the Databricks CLI takes it), checked against what the workspace offers
//! (`clusters/spark-versions`, `clusters/list-node-types`) before anything is sent; permanent
//! delete; the runtime and node type lists pickers show.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{CreateError, outcome_unknown};
use crate::api::databricks::ClusterFilter;
use crate::api::databricks::models::{ClusterDetails, ClusterState, NodeType, SparkVersion};
use crate::api::{ErrorKind, Fetched};
use crate::domain::create::{Created, CreatedKind, NewCluster, Workers};
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

/// How Azure Databricks spells a single-node cluster (no workers; Spark local on the driver).
const SINGLE_NODE_PROFILE: (&str, &str) = ("spark.databricks.cluster.profile", "singleNode");
const SINGLE_NODE_MASTER: (&str, &str) = ("spark.master", "local[*, 4]");
const SINGLE_NODE_TAG: (&str, &str) = ("ResourceClass", "SingleNode");
/// How far back a lost create is looked for.
const SEARCH_WINDOW_MS: i64 = 5 * 60 * 1000;

fn text_map(obj: &mut Map<String, Value>, key: &str) -> Result<BTreeMap<String, String>, String> {
    match obj.remove(key) {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(m)) => m
            .into_iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k, s)),
                Value::Number(_) | Value::Bool(_) => Ok((k, v.to_string())),
                other => Err(format!("`{key}.{k}` must be a string, not {other}")),
            })
            .collect(),
        Some(other) => Err(format!("`{key}` must be an object of strings, not {other}")),
    }
}

fn text(obj: &mut Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match obj.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!("`{key}` must be a string, not {other}")),
    }
}

fn whole(v: &Value, key: &str) -> Result<u32, String> {
    v.as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| format!("`{key}` must be a whole number, not {v}"))
}

/// A Clusters API body (a `--json` spec, a cluster's [`editable`] configuration) as a
/// description; fields without a word of their own stay in `extra`.
pub fn cluster_from_request(request: &Value) -> Result<NewCluster, String> {
    let Value::Object(obj) = request else {
        return Err(format!("the cluster spec must be a JSON object, not {request}"));
    };
    let mut obj = obj.clone();
    obj.remove("cluster_id");
    let mut spark_conf = text_map(&mut obj, "spark_conf")?;
    let mut tags = text_map(&mut obj, "custom_tags")?;
    let single = spark_conf.get(SINGLE_NODE_PROFILE.0).map(String::as_str) == Some(SINGLE_NODE_PROFILE.1)
        || obj.get("is_single_node").and_then(Value::as_bool) == Some(true);
    let workers = match (obj.remove("num_workers"), obj.remove("autoscale")) {
        (_, Some(a @ Value::Object(_))) => Some(Workers::Autoscale {
            min: whole(a.get("min_workers").unwrap_or(&Value::Null), "autoscale.min_workers")?,
            max: whole(a.get("max_workers").unwrap_or(&Value::Null), "autoscale.max_workers")?,
        }),
        (Some(n), _) if n.as_u64() == Some(0) && single => Some(Workers::SingleNode),
        (Some(Value::Null), _) | (None, _) if single => Some(Workers::SingleNode),
        (Some(Value::Null), _) | (None, _) => None,
        (Some(n), _) => Some(Workers::Fixed(whole(&n, "num_workers")?)),
    };
    if workers == Some(Workers::SingleNode) {
        // Written again from the word when the request is made.
        spark_conf.remove(SINGLE_NODE_PROFILE.0);
        spark_conf.remove(SINGLE_NODE_MASTER.0);
        tags.remove(SINGLE_NODE_TAG.0);
    }
    let auto_termination_minutes = match obj.remove("autotermination_minutes") {
        None | Some(Value::Null) => None,
        Some(v) => Some(whole(&v, "autotermination_minutes")?),
    };
    Ok(NewCluster {
        name: text(&mut obj, "cluster_name")?,
        spark_version: text(&mut obj, "spark_version")?,
        node_type: text(&mut obj, "node_type_id")?,
        driver_node_type: text(&mut obj, "driver_node_type_id")?,
        workers,
        auto_termination_minutes,
        spark_conf,
        tags,
        extra: obj,
    })
}

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

/// The exact `clusters/create` (or, with `cluster_id` added, `clusters/edit`) body. Checks only
/// what needs no request: a runtime, a size, the auto-termination range.
pub fn cluster_body(c: &NewCluster) -> Result<Value, String> {
    let spark_version = c.spark_version.as_deref().filter(|v| !v.trim().is_empty()).ok_or_else(|| {
        "a cluster needs a runtime: give --spark-version (see `sparkdeck clusters spark-versions`)"
            .to_string()
    })?;
    let mut body = c.extra.clone();
    body.insert("spark_version".into(), spark_version.into());
    if let Some(n) = &c.name {
        body.insert("cluster_name".into(), n.clone().into());
    }
    if let Some(n) = &c.node_type {
        body.insert("node_type_id".into(), n.clone().into());
    }
    if let Some(n) = &c.driver_node_type {
        body.insert("driver_node_type_id".into(), n.clone().into());
    }
    let mut spark_conf = c.spark_conf.clone();
    let mut tags = c.tags.clone();
    match c.workers {
        Some(Workers::Fixed(n)) => {
            body.insert("num_workers".into(), n.into());
        }
        Some(Workers::Autoscale { min, max }) => {
            if min > max {
                return Err(format!("the autoscale range {min}:{max} has MIN above MAX"));
            }
            body.insert("autoscale".into(), json!({"min_workers": min, "max_workers": max}));
        }
        Some(Workers::SingleNode) => {
            body.insert("num_workers".into(), 0.into());
            spark_conf.insert(SINGLE_NODE_PROFILE.0.into(), SINGLE_NODE_PROFILE.1.into());
            spark_conf.insert(SINGLE_NODE_MASTER.0.into(), SINGLE_NODE_MASTER.1.into());
            tags.insert(SINGLE_NODE_TAG.0.into(), SINGLE_NODE_TAG.1.into());
        }
        None => {
            return Err(
                "a cluster needs a size: give --workers N, --autoscale MIN:MAX or --single-node (the API's \"Missing required field: size\")"
                    .into(),
            );
        }
    }
    if let Some(m) = c.auto_termination_minutes {
        if m != 0 && !(10..=10_000).contains(&m) {
            return Err(format!("--auto-termination {m}: give 0 (never) or 10 to 10000 minutes"));
        }
        body.insert("autotermination_minutes".into(), m.into());
    }
    if !spark_conf.is_empty() {
        body.insert("spark_conf".into(), json!(spark_conf));
    }
    if !tags.is_empty() {
        body.insert("custom_tags".into(), json!(tags));
    }
    Ok(Value::Object(body))
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
    Ok((c.raw.clone(), c.value.state))
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
    use super::*;

    #[test]
    fn flags_and_specs_make_the_same_body() {
        let c = NewCluster {
            name: Some("etl".into()),
            spark_version: Some("15.4.x-scala2.12".into()),
            node_type: Some("Standard_DS3_v2".into()),
            workers: Some(Workers::Autoscale { min: 2, max: 8 }),
            auto_termination_minutes: Some(60),
            tags: BTreeMap::from([("team".to_string(), "data".to_string())]),
            ..NewCluster::default()
        };
        let body = cluster_body(&c).unwrap_or_default();
        assert_eq!(
            body,
            json!({"cluster_name": "etl", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2",
                   "autoscale": {"min_workers": 2, "max_workers": 8}, "autotermination_minutes": 60,
                   "custom_tags": {"team": "data"}})
        );
        assert_eq!(cluster_from_request(&body).ok(), Some(c));
    }

    #[test]
    fn single_node_is_spelled_as_azure_databricks_does() {
        let c = NewCluster {
            spark_version: Some("v".into()),
            workers: Some(Workers::SingleNode),
            ..NewCluster::default()
        };
        let body = cluster_body(&c).unwrap_or_default();
        assert_eq!(body["num_workers"], 0);
        assert_eq!(body["spark_conf"]["spark.databricks.cluster.profile"], "singleNode");
        assert_eq!(body["custom_tags"]["ResourceClass"], "SingleNode");
        assert_eq!(cluster_from_request(&body).ok().and_then(|c| c.workers), Some(Workers::SingleNode));
    }

    #[test]
    fn a_missing_size_or_runtime_is_refused_before_sending() {
        let c = NewCluster { spark_version: Some("v".into()), ..NewCluster::default() };
        assert!(cluster_body(&c).is_err_and(|e| e.contains("Missing required field: size")));
        let c = NewCluster { workers: Some(Workers::Fixed(1)), ..NewCluster::default() };
        assert!(cluster_body(&c).is_err_and(|e| e.contains("--spark-version")));
        let c = NewCluster {
            spark_version: Some("v".into()),
            workers: Some(Workers::Fixed(1)),
            auto_termination_minutes: Some(5),
            ..NewCluster::default()
        };
        assert!(cluster_body(&c).is_err_and(|e| e.contains("10 to 10000")));
    }

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
