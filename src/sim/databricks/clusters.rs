//! `/api/2.x/clusters/*`.

use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::state::{Cluster, ClusterState, RESTART_MS, START_MS, Workspace};
use super::{Reply, Req, error, field, invalid_parameter};

pub const SPARK_VERSIONS: &[(&str, &str)] = &[
    ("16.4.x-scala2.12", "16.4 LTS (includes Apache Spark 3.5.2, Scala 2.12)"),
    ("15.4.x-scala2.12", "15.4 LTS (includes Apache Spark 3.5.0, Scala 2.12)"),
    ("15.4.x-photon-scala2.12", "15.4 LTS Photon (includes Apache Spark 3.5.0, Scala 2.12)"),
    ("14.3.x-scala2.12", "14.3 LTS (includes Apache Spark 3.5.0, Scala 2.12)"),
    ("13.3.x-scala2.12", "13.3 LTS (includes Apache Spark 3.4.1, Scala 2.12)"),
    ("15.4.x-cpu-ml-scala2.12", "15.4 LTS ML (includes Apache Spark 3.5.0, Scala 2.12)"),
];

/// Azure node types: (id, memory MB, cores, category).
pub const NODE_TYPES: &[(&str, i64, f64, &str)] = &[
    ("Standard_DS3_v2", 14336, 4.0, "General Purpose"),
    ("Standard_DS4_v2", 28672, 8.0, "General Purpose"),
    ("Standard_D8ds_v5", 32768, 8.0, "General Purpose"),
    ("Standard_E8ds_v5", 65536, 8.0, "Memory Optimized"),
    ("Standard_E16ds_v5", 131072, 16.0, "Memory Optimized"),
    ("Standard_F8s_v2", 16384, 8.0, "Compute Optimized"),
    ("Standard_L8s_v3", 65536, 8.0, "Storage Optimized"),
    ("Standard_NC6s_v3", 114688, 6.0, "GPU Accelerated"),
];

const PAGE_SIZE_DEFAULT: usize = 100;

pub fn handle(ws: &mut Workspace, req: &Req) -> Result<Reply, Reply> {
    let op = req.path.trim_start_matches("clusters/");
    let method = req.method.as_str();
    match (method, op) {
        ("GET", "list") => list(ws, req),
        ("GET", "get") => {
            let id = req
                .param("cluster_id")
                .ok_or_else(|| invalid_parameter("Missing required field: cluster_id"))?;
            let c = ws.cluster(id)?;
            Reply::ok(cluster_json(c))
        }
        ("GET", "spark-versions") => Reply::ok(json!({
            "versions": SPARK_VERSIONS.iter().map(|(k, n)| json!({"key": k, "name": n})).collect::<Vec<_>>()
        })),
        ("GET", "list-node-types") => Reply::ok(json!({
            "node_types": NODE_TYPES.iter().map(|(id, mem, cores, cat)| json!({
                "node_type_id": id, "memory_mb": mem, "num_cores": cores, "description": id,
                "instance_type_id": id, "category": cat, "num_gpus": i32::from(cat.starts_with("GPU")),
                "is_deprecated": false, "is_hidden": false, "photon_driver_capable": true, "photon_worker_capable": true,
            })).collect::<Vec<_>>()
        })),
        ("GET", "list-zones") => Reply::ok(json!({"zones": ["1", "2", "3"], "default_zone": "1"})),
        ("POST", "create") => create(ws, req),
        ("POST", "edit") => edit(ws, req),
        ("POST", "events") => events(ws, req),
        (
            "POST",
            action @ ("start" | "restart" | "resize" | "delete" | "permanent-delete" | "pin" | "unpin"),
        ) => act(ws, req, action),
        _ => Err(error(
            404,
            "ENDPOINT_NOT_FOUND",
            format!("No API found for '{method} /api/{}/{}'", req.version, req.path),
        )),
    }
}

// The parts of a simulated cluster's JSON, each object's fields in key order.
#[derive(serde::Serialize)]
struct AutoScale {
    max_workers: u32,
    min_workers: u32,
}
#[derive(serde::Serialize)]
struct Azure {
    availability: &'static str,
    first_on_demand: i64,
    spot_bid_max_price: f64,
}
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct Tags<'a> {
    cluster_id: &'a str,
    cluster_name: &'a str,
    creator: &'a str,
    vendor: &'static str,
}
#[derive(serde::Serialize)]
struct Empty {}
#[derive(serde::Serialize)]
struct Node {
    node_id: String,
    private_ip: String,
    start_timestamp: i64,
}
#[derive(serde::Serialize)]
struct Reason<'a> {
    code: &'a str,
    parameters: &'a Value,
    #[serde(rename = "type")]
    kind: &'a str,
}
/// A cluster as `clusters/get` and `clusters/list` show it, without the fields its request
/// gave of its own (`extra`). The fields in key order, as a `Value`'s map writes them, so the
/// text written straight from it (list pages) is the text of its `Value` (a test holds them
/// equal).
#[derive(serde::Serialize)]
struct ClusterOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    autoscale: Option<AutoScale>,
    autotermination_minutes: i64,
    azure_attributes: Azure,
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster_cores: Option<f64>,
    cluster_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster_memory_mb: Option<i64>,
    cluster_name: &'a str,
    cluster_source: &'a str,
    creator_user_name: &'a str,
    data_security_mode: &'static str,
    default_tags: Tags<'a>,
    disk_spec: Empty,
    #[serde(skip_serializing_if = "Option::is_none")]
    driver: Option<Node>,
    driver_node_type_id: &'a str,
    enable_elastic_disk: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    executors: Option<Vec<Node>>,
    is_pinned: bool,
    jdbc_port: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_restarted_time: Option<i64>,
    node_type_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    num_workers: Option<u32>,
    runtime_engine: &'static str,
    single_user_name: &'a str,
    spark_context_id: i64,
    spark_version: &'a str,
    start_time: i64,
    state: &'a str,
    state_message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    terminated_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    termination_reason: Option<Reason<'a>>,
}

fn cluster_view(c: &Cluster) -> ClusterOut<'_> {
    // Size and nodes only while running, as `cluster_json` has them.
    let running = matches!(c.state, ClusterState::Running | ClusterState::Resizing);
    let sized = NODE_TYPES.iter().find(|n| n.0 == c.node_type).filter(|_| running);
    let nodes = i64::from(c.num_workers) + 1;
    let short = &c.id[c.id.len().saturating_sub(8)..];
    let node =
        |node_id: String, private_ip: String| Node { node_id, private_ip, start_timestamp: c.start_time };
    let stopped =
        matches!(c.state, ClusterState::Terminating | ClusterState::Terminated | ClusterState::Error);
    ClusterOut {
        autoscale: c.autoscale.map(|(min_workers, max_workers)| AutoScale { max_workers, min_workers }),
        autotermination_minutes: c.autotermination_minutes,
        azure_attributes: Azure {
            availability: "ON_DEMAND_AZURE",
            first_on_demand: 1,
            spot_bid_max_price: -1.0,
        },
        cluster_cores: sized.map(|(_, _, cores, _)| cores * nodes as f64),
        cluster_id: &c.id,
        cluster_memory_mb: sized.map(|(_, mem, _, _)| mem * nodes),
        cluster_name: &c.name,
        cluster_source: c.source,
        creator_user_name: &c.creator,
        data_security_mode: "SINGLE_USER",
        default_tags: Tags {
            cluster_id: &c.id,
            cluster_name: &c.name,
            creator: &c.creator,
            vendor: "Databricks",
        },
        disk_spec: Empty {},
        driver: sized.map(|_| node(format!("{short}d"), "10.139.64.4".into())),
        driver_node_type_id: &c.node_type,
        enable_elastic_disk: true,
        executors: sized.map(|_| {
            (0..c.num_workers).map(|i| node(format!("{short}e{i}"), format!("10.139.64.{}", 5 + i))).collect()
        }),
        is_pinned: c.pinned,
        jdbc_port: 10000,
        last_restarted_time: c.last_restarted_time,
        node_type_id: &c.node_type,
        num_workers: c.autoscale.is_none().then_some(c.num_workers),
        runtime_engine: if c.spark_version.contains("photon") { "PHOTON" } else { "STANDARD" },
        single_user_name: &c.creator,
        spark_context_id: c.spark_context_id,
        spark_version: &c.spark_version,
        start_time: c.start_time,
        state: c.state.as_str(),
        state_message: &c.state_message,
        terminated_time: c.terminated_time,
        termination_reason: c.termination.as_ref().filter(|_| stopped).map(|t| Reason {
            code: &t.code,
            parameters: &t.parameters,
            kind: &t.kind,
        }),
    }
}

pub fn cluster_json(c: &Cluster) -> Value {
    let mut v = serde_json::to_value(cluster_view(c)).unwrap_or_default();
    // What the request gave wins over the defaults (availability, security mode, …).
    if let Value::Object(obj) = &mut v {
        for (k, val) in &c.extra {
            obj.insert(k.clone(), val.clone());
        }
    }
    v
}

/// [`cluster_json`]'s text, written straight from the cluster: a 10k-cluster listing is 100
/// pages, and building each cluster's `Value` to serialize it was half the simulator's time.
/// A cluster created with fields of its own (`extra`) goes through the `Value`, where those win.
fn write_cluster(c: &Cluster, out: &mut Vec<u8>) {
    let _ = if c.extra.is_empty() {
        serde_json::to_writer(out, &cluster_view(c))
    } else {
        serde_json::to_writer(out, &cluster_json(c))
    };
}

fn list(ws: &mut Workspace, req: &Req) -> Result<Reply, Reply> {
    let states = req.params("filter_by.cluster_states");
    let sources = req.params("filter_by.cluster_sources");
    let pinned = req.flag("filter_by.is_pinned")?;
    let policy = req.param("filter_by.policy_id");
    let mut clusters: Vec<&Cluster> = ws
        .clusters
        .iter()
        .filter(|c| !c.deleted)
        .filter(|c| states.is_empty() || states.contains(&c.state.as_str()))
        .filter(|c| sources.is_empty() || sources.contains(&c.source))
        .filter(|c| pinned.is_none_or(|p| c.pinned == p))
        .filter(|c| policy.is_none_or(|p| c.extra.get("policy_id").and_then(Value::as_str) == Some(p)))
        .collect();
    let by_name = req.param("sort_by.field") == Some("CLUSTER_NAME");
    // Reversed order (`DESC` by name, `ASC` by default) is the stable order read backwards.
    let reversed = req.param("sort_by.direction") == Some(if by_name { "DESC" } else { "ASC" });
    if by_name {
        clusters.sort_by_cached_key(|c| c.name.to_lowercase());
        if reversed {
            clusters.reverse();
        }
    }
    if req.version == "2.0" {
        if !by_name {
            let all = clusters.len();
            default_order(&mut clusters, 0, all, reversed);
        }
        return Reply::ok(
            json!({ "clusters": clusters.iter().map(|c| cluster_json(c)).collect::<Vec<_>>() }),
        );
    }
    let page_size = match req.int_param("page_size")? {
        None | Some(0) => PAGE_SIZE_DEFAULT,
        Some(n) if (1..=100).contains(&n) => n as usize,
        Some(n) => return Err(invalid_parameter(format!("page_size must be between 1 and 100, got {n}"))),
    };
    let offset = match req.param("page_token").filter(|t| !t.is_empty()) {
        Some(t) => decode_token(t).ok_or_else(|| invalid_parameter(format!("Invalid page token: {t}")))?,
        None => 0,
    };
    let end = (offset + page_size).min(clusters.len());
    if !by_name {
        default_order(&mut clusters, offset, end, reversed);
    }
    // `{"clusters": [...], "next_page_token": ..., "prev_page_token": ...}`, in key order.
    let page = clusters.get(offset..end).unwrap_or_default();
    let mut body = Vec::with_capacity(2048 * page.len() + 64);
    body.extend_from_slice(b"{\"clusters\":[");
    for (i, c) in page.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        write_cluster(c, &mut body);
    }
    body.push(b']');
    for (key, token) in [
        ("next_page_token", (end < clusters.len()).then(|| encode_token(end))),
        ("prev_page_token", (offset > 0).then(|| encode_token(offset.saturating_sub(page_size)))),
    ] {
        if let Some(token) = token {
            body.extend_from_slice(format!(",\"{key}\":\"{token}\"").as_bytes());
        }
    }
    body.push(b'}');
    Reply::ok_text(body)
}

/// The service's default order (running first, then by most recent start; ties as listed),
/// or that order backwards, correct at `offset..end` (everything before `offset` ahead of it):
/// two linear selections and a sort of one page, instead of sorting every cluster for every
/// page (10k clusters are read in 100 pages).
fn default_order(clusters: &mut [&Cluster], offset: usize, end: usize, reversed: bool) {
    // Each cluster's place in the list makes every key distinct, so the selections agree with
    // a stable sort and pages never overlap.
    type Key = (bool, std::cmp::Reverse<i64>, usize);
    let mut keyed: Vec<(Key, &Cluster)> = clusters
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.state != ClusterState::Running, std::cmp::Reverse(c.start_time), i), *c))
        .collect();
    let order =
        |a: &(Key, &Cluster), b: &(Key, &Cluster)| if reversed { b.0.cmp(&a.0) } else { a.0.cmp(&b.0) };
    let offset = offset.min(keyed.len());
    if offset > 0 && offset < keyed.len() {
        keyed.select_nth_unstable_by(offset, order);
    }
    let rest = &mut keyed[offset..];
    let count = end.saturating_sub(offset).min(rest.len());
    if count > 0 && count < rest.len() {
        rest.select_nth_unstable_by(count, order);
    }
    rest[..count].sort_unstable_by(order);
    for (slot, (_, c)) in clusters.iter_mut().zip(keyed) {
        *slot = c;
    }
}

pub fn encode_token(offset: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("offset:{offset}"))
}

pub fn decode_token(token: &str) -> Option<usize> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token).ok()?;
    String::from_utf8(raw).ok()?.strip_prefix("offset:")?.parse().ok()
}

/// Fields of a create/edit request that we keep as given.
const SPEC_FIELDS: &[&str] = &[
    "spark_conf",
    "spark_env_vars",
    "custom_tags",
    "azure_attributes",
    "init_scripts",
    "cluster_log_conf",
    "policy_id",
    "instance_pool_id",
    "driver_instance_pool_id",
    "data_security_mode",
    "single_user_name",
    "runtime_engine",
    "ssh_public_keys",
    "enable_local_disk_encryption",
    "docker_image",
    "is_single_node",
    "kind",
    "use_ml_runtime",
    "workload_type",
];

struct Spec {
    name: String,
    spark_version: String,
    node_type: String,
    num_workers: u32,
    autoscale: Option<(u32, u32)>,
    autotermination: i64,
    extra: Map<String, Value>,
}

/// Whether a `new_cluster` of a run is a valid spec: the message the API gives when not
/// ("Cluster validation error: …").
pub fn check_spec(body: &Map<String, Value>) -> Result<(), String> {
    spec(body).map(drop).map_err(|reply| {
        let message =
            reply.body.as_ref().and_then(|b| b.get("message")).and_then(Value::as_str).unwrap_or("invalid");
        format!("Cluster validation error: {message}")
    })
}

fn spec(body: &Map<String, Value>) -> Result<Spec, Reply> {
    let spark_version = field(body, "spark_version")?.to_string();
    if !SPARK_VERSIONS.iter().any(|(k, _)| *k == spark_version) {
        return Err(invalid_parameter(format!("Invalid spark version {spark_version}.")));
    }
    let node_type = body.get("node_type_id").and_then(Value::as_str).unwrap_or("Standard_DS3_v2").to_string();
    if !NODE_TYPES.iter().any(|n| n.0 == node_type) && body.get("instance_pool_id").is_none() {
        return Err(invalid_parameter(format!("Node type {node_type} is not supported.")));
    }
    let autoscale = match body.get("autoscale") {
        Some(a) => {
            let min = a.get("min_workers").and_then(Value::as_u64).unwrap_or(1) as u32;
            let max = a.get("max_workers").and_then(Value::as_u64).unwrap_or(u64::from(min)) as u32;
            if max < min {
                return Err(invalid_parameter("max_workers must be greater than or equal to min_workers"));
            }
            Some((min, max))
        }
        None => None,
    };
    let num_workers = match (body.get("num_workers").filter(|n| !n.is_null()), autoscale) {
        (Some(n), _) => {
            n.as_u64().ok_or_else(|| invalid_parameter("num_workers must be a non-negative integer"))? as u32
        }
        (None, Some((min, _))) => min,
        // Neither a fixed size nor a range: the API's own words.
        (None, None) => return Err(invalid_parameter("Missing required field: size")),
    };
    let autotermination = match body.get("autotermination_minutes").map(Value::as_i64) {
        None => 120,
        Some(Some(0)) => 0,
        Some(Some(m)) if (10..=10000).contains(&m) => m,
        Some(_) => {
            return Err(invalid_parameter("autotermination_minutes must be 0 or between 10 and 10000"));
        }
    };
    let extra =
        SPEC_FIELDS.iter().filter_map(|k| body.get(*k).map(|v| ((*k).to_string(), v.clone()))).collect();
    let name = body.get("cluster_name").and_then(Value::as_str).unwrap_or("").to_string();
    Ok(Spec { name, spark_version, node_type, num_workers, autoscale, autotermination, extra })
}

fn create(ws: &mut Workspace, req: &Req) -> Result<Reply, Reply> {
    let body = req.json()?;
    let s = spec(&body)?;
    let now = req.now;
    let n = ws.next();
    let id = cluster_id(now, n);
    let mut c = Cluster {
        id: id.clone(),
        name: s.name,
        spark_version: s.spark_version,
        node_type: s.node_type,
        num_workers: s.num_workers,
        autoscale: s.autoscale,
        autotermination_minutes: s.autotermination,
        source: "API",
        creator: ws.user_name.clone(),
        pinned: false,
        state: ClusterState::Pending,
        until: now + START_MS,
        state_message: "Starting Spark".into(),
        start_time: now,
        terminated_time: None,
        last_restarted_time: None,
        last_activity: now,
        termination: None,
        extra: s.extra,
        events: Vec::new(),
        deleted: false,
        spark_context_id: n * 7919,
    };
    c.event(now, "CREATING", json!({"user": ws.user_name}));
    ws.clusters.push(c);
    Reply::ok(json!({ "cluster_id": id }))
}

pub fn cluster_id(now: i64, n: i64) -> String {
    let date = crate::sim::clock::millis_to_timestamp(now).to_zoned(jiff::tz::TimeZone::UTC);
    let suffix: String = format!("{:08x}", (n as u64).wrapping_mul(0x9E37_79B9) & 0xffff_ffff)
        .chars()
        .map(|ch| if ch.is_ascii_digit() { (b'a' + (ch as u8 - b'0')) as char } else { ch })
        .collect();
    format!(
        "{:02}{:02}-{:02}{:02}{:02}-{}",
        date.month(),
        date.day(),
        date.hour(),
        date.minute(),
        date.second(),
        suffix
    )
}

fn edit(ws: &mut Workspace, req: &Req) -> Result<Reply, Reply> {
    let body = req.json()?;
    let id = field(&body, "cluster_id")?.to_string();
    let s = spec(&body)?;
    let now = req.now;
    let user = ws.user_name.clone();
    let c = ws.cluster(&id)?;
    if c.source == "JOB" {
        return Err(invalid_parameter(format!("Cluster {id} is a job cluster and cannot be edited.")));
    }
    if !matches!(c.state, ClusterState::Running | ClusterState::Terminated) {
        return Err(error(
            400,
            "INVALID_STATE",
            format!("Cluster {id} is in unexpected state {}.", pretty(c.state)),
        ));
    }
    c.name = s.name;
    c.spark_version = s.spark_version;
    c.node_type = s.node_type;
    c.num_workers = s.num_workers;
    c.autoscale = s.autoscale;
    c.autotermination_minutes = s.autotermination;
    c.extra = s.extra;
    c.event(now, "EDITED", json!({"user": user}));
    if c.state == ClusterState::Running {
        c.state = ClusterState::Restarting;
        c.until = now + RESTART_MS;
        c.last_restarted_time = Some(now);
        c.event(now, "RESTARTING", json!({"user": user}));
    }
    Reply::ok(json!({}))
}

/// `Running` as the API's messages spell states.
fn pretty(s: ClusterState) -> String {
    let raw = s.as_str();
    raw[..1].to_string() + &raw[1..].to_lowercase()
}

fn act(ws: &mut Workspace, req: &Req, action: &str) -> Result<Reply, Reply> {
    let body = req.json()?;
    let id = field(&body, "cluster_id")?.to_string();
    let now = req.now;
    let user = ws.user_name.clone();
    let c = ws.cluster(&id)?;
    match action {
        "start" => {
            if c.source == "JOB" {
                return Err(invalid_parameter(format!(
                    "Cluster {id} is a job cluster and cannot be started."
                )));
            }
            if c.state != ClusterState::Terminated {
                return Err(error(
                    400,
                    "INVALID_STATE",
                    format!("Cluster {id} is in unexpected state {}.", pretty(c.state)),
                ));
            }
            c.begin_start(now, &user);
        }
        "restart" => {
            if c.state == ClusterState::Running {
                c.state = ClusterState::Restarting;
                c.until = now + RESTART_MS;
                c.last_restarted_time = Some(now);
                c.state_message = "Restarting Spark".into();
                c.event(now, "RESTARTING", json!({"user": user}));
            } else if c.state == ClusterState::Terminated {
                return Err(error(
                    400,
                    "INVALID_STATE",
                    format!("Cluster {id} is in unexpected state Terminated."),
                ));
            }
        }
        "resize" => {
            if c.state != ClusterState::Running {
                return Err(error(
                    400,
                    "INVALID_STATE",
                    format!("Cluster {id} is in unexpected state {}.", pretty(c.state)),
                ));
            }
            let previous = c.num_workers;
            if let Some(a) = body.get("autoscale") {
                let min = a.get("min_workers").and_then(Value::as_u64).unwrap_or(1) as u32;
                let max = a.get("max_workers").and_then(Value::as_u64).unwrap_or(u64::from(min)) as u32;
                if max < min {
                    return Err(invalid_parameter(
                        "max_workers must be greater than or equal to min_workers",
                    ));
                }
                c.autoscale = Some((min, max));
                c.num_workers = min;
            } else if let Some(n) = body.get("num_workers") {
                c.num_workers = n
                    .as_u64()
                    .ok_or_else(|| invalid_parameter("num_workers must be a non-negative integer"))?
                    as u32;
                c.autoscale = None;
            } else {
                return Err(invalid_parameter("Either num_workers or autoscale must be given."));
            }
            c.begin_resize(now, previous, &user);
        }
        // Deleting a cluster that is already stopping or stopped is a no-op.
        "delete" if !matches!(c.state, ClusterState::Terminating | ClusterState::Terminated) => {
            c.begin_terminate(now, &user);
        }
        "permanent-delete" => {
            c.deleted = true;
        }
        "pin" | "unpin" => {
            let pin = action == "pin";
            if c.pinned != pin {
                c.pinned = pin;
                c.event(now, if pin { "PINNED" } else { "UNPINNED" }, json!({"user": user}));
            }
        }
        _ => {}
    }
    Reply::ok(json!({}))
}

fn events(ws: &mut Workspace, req: &Req) -> Result<Reply, Reply> {
    let body = req.json()?;
    let id = field(&body, "cluster_id")?.to_string();
    let c = ws.cluster(&id)?;
    let start = body.get("start_time").and_then(Value::as_i64).unwrap_or(i64::MIN);
    let end = body.get("end_time").and_then(Value::as_i64).unwrap_or(i64::MAX);
    let types: Vec<&str> = body
        .get("event_types")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let asc = body.get("order").and_then(Value::as_str) == Some("ASC");
    let mut matching: Vec<&super::state::ClusterEvent> = c
        .events
        .iter()
        .filter(|e| e.timestamp >= start && e.timestamp <= end)
        .filter(|e| types.is_empty() || types.contains(&e.kind))
        .collect();
    matching.sort_by_key(|e| e.timestamp);
    if !asc {
        matching.reverse();
    }
    let limit = body
        .get("page_size")
        .or_else(|| body.get("limit"))
        .and_then(Value::as_u64)
        .filter(|n| *n > 0)
        .unwrap_or(50)
        .min(500) as usize;
    let offset = match body.get("page_token").and_then(Value::as_str).filter(|t| !t.is_empty()) {
        Some(t) => decode_token(t).ok_or_else(|| invalid_parameter(format!("Invalid page token: {t}")))?,
        None => body.get("offset").and_then(Value::as_u64).unwrap_or(0) as usize,
    };
    let end_idx = (offset + limit).min(matching.len());
    let page: Vec<Value> = matching
        .get(offset..end_idx)
        .unwrap_or_default()
        .iter()
        .map(|e| json!({"cluster_id": c.id, "timestamp": e.timestamp, "type": e.kind, "details": e.details}))
        .collect();
    let mut out = json!({ "events": page, "total_count": matching.len() });
    if end_idx < matching.len() {
        // The SDK re-POSTs `next_page` verbatim; newer clients follow `next_page_token`.
        let mut next = body.clone();
        next.remove("page_token");
        next.insert("offset".into(), json!(end_idx));
        next.insert("limit".into(), json!(limit));
        out["next_page"] = Value::Object(next);
        out["next_page_token"] = json!(encode_token(end_idx));
    }
    Reply::ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_written_straight_are_the_text_of_their_value() {
        let now = 1_750_000_000_000;
        let mut workspaces = super::super::seed::generate(7, 1, now);
        let ws = &mut workspaces[0];
        // Every state the seed has, plus one started, resized and terminated from here.
        for (i, action) in ["start", "resize", "terminate"].iter().enumerate() {
            let c = &mut ws.clusters[i];
            match *action {
                "start" => c.begin_start(now, "me@corp.com"),
                "resize" => c.begin_resize(now, c.num_workers, "me@corp.com"),
                _ => c.begin_terminate(now, "me@corp.com"),
            }
        }
        let mut states = std::collections::BTreeSet::new();
        for at in [now, now + 10 * 60_000] {
            ws.settle(at);
            for c in &ws.clusters {
                let mut text = Vec::new();
                write_cluster(c, &mut text);
                let expected = serde_json::to_string(&cluster_json(c)).unwrap_or_default();
                assert_eq!(String::from_utf8_lossy(&text), expected);
                states.insert(c.state.as_str());
                for key in
                    ["executors", "termination_reason", "autoscale", "num_workers", "last_restarted_time"]
                {
                    if expected.contains(&format!("\"{key}\":")) {
                        states.insert(key);
                    }
                }
            }
        }
        // Each optional part was written at least once.
        let seen = [
            "RUNNING",
            "TERMINATED",
            "PENDING",
            "executors",
            "termination_reason",
            "autoscale",
            "num_workers",
        ];
        assert!(seen.iter().all(|s| states.contains(s)), "{states:?}");
    }
}
