//! The request bodies the services take, made from the descriptions of `domain::create` and
//! read back into them: a Livy batch or session body, a Clusters API body, a `runs/submit` body.
//! Pure — no lookups, no files — so the headless commands (`--json` specs), the workspace
//! layer (which places files and resolves names first) and the monitor's New form (templates,
//! the request edited as JSON) all convert the same way. Fields without a word of their own
//! stay in `extra`, so a round trip loses nothing.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::Kind;
use super::create::{
    NewBatch, NewCluster, NewItem, NewRun, NewSession, RunCompute, RunTask, SparkSizes, Workers,
    environment_details, environment_id,
};

/// The tag that marks a request sparkdeck sent.
pub const MARKER_TAG: &str = "sparkdeck.request";
/// Conf keys with words of their own.
pub const ENVIRONMENT_CONF: &str = "spark.fabric.environmentDetails";
pub const TARGET_LAKEHOUSE_CONF: &str = "spark.targetLakehouse";

/// How Azure Databricks spells a single-node cluster (no workers; Spark local on the driver).
const SINGLE_NODE_PROFILE: (&str, &str) = ("spark.databricks.cluster.profile", "singleNode");
const SINGLE_NODE_MASTER: (&str, &str) = ("spark.master", "local[*, 4]");
const SINGLE_NODE_TAG: (&str, &str) = ("ResourceClass", "SingleNode");

/// The task key of the one task a run described by words has.
pub const TASK_KEY: &str = "main";

/// `KEY=VALUE` pairs (`--conf`, `--tag`, `--spark-conf`, `--param`, the form's fields): the key
/// must not be empty and the `=` is required; the value may hold more `=`.
pub fn key_values(flag: &str, items: &[String]) -> Result<Vec<(String, String)>, String> {
    items
        .iter()
        .map(|item| match item.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
            Some(_) => Err(format!("{flag} {item:?}: the key before `=` is empty")),
            None => Err(format!("{flag} {item:?}: expected KEY=VALUE (no `=` found)")),
        })
        .collect()
}

// ---- reading a request ----

fn strings(obj: &mut Map<String, Value>, key: &str) -> Result<Vec<String>, String> {
    match obj.remove(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                other => Err(format!("`{key}` must be a list of strings; it holds {other}")),
            })
            .collect(),
        Some(other) => Err(format!("`{key}` must be a list of strings, not {other}")),
    }
}

fn string(obj: &mut Map<String, Value>, key: &str) -> Result<Option<String>, String> {
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

fn count(obj: &mut Map<String, Value>, key: &str) -> Result<Option<u32>, String> {
    match obj.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => whole(&v, key).map(Some),
    }
}

/// Livy's `conf` and `tags`: strings only (Spark settings are strings).
fn string_map(obj: &mut Map<String, Value>, key: &str) -> Result<BTreeMap<String, String>, String> {
    match obj.remove(key) {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(map)) => map
            .into_iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k, s)),
                other => {
                    Err(format!("`{key}.{k}` must be a string (Spark settings are strings), not {other}"))
                }
            })
            .collect(),
        Some(other) => Err(format!("`{key}` must be an object of strings, not {other}")),
    }
}

/// The Clusters API's `spark_conf` and `custom_tags`: numbers and booleans read as their text.
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

fn sizes_from(obj: &mut Map<String, Value>) -> Result<SparkSizes, String> {
    Ok(SparkSizes {
        driver_memory: string(obj, "driverMemory")?,
        driver_cores: count(obj, "driverCores")?,
        executor_memory: string(obj, "executorMemory")?,
        executor_cores: count(obj, "executorCores")?,
        num_executors: count(obj, "numExecutors")?,
    })
}

fn object(request: &Value, what: &str) -> Result<Map<String, Value>, String> {
    match request {
        Value::Object(m) => Ok(m.clone()),
        other => Err(format!("{what} must be a JSON object, not {other}")),
    }
}

/// The environment and target lakehouse, taken out of `conf` into their own words.
fn split_conf(conf: &mut BTreeMap<String, String>) -> Result<(Option<String>, Option<String>), String> {
    let environment = match conf.remove(ENVIRONMENT_CONF) {
        Some(details) => Some(environment_id(&details).ok_or_else(|| {
            format!("`conf.{ENVIRONMENT_CONF}` must be the JSON string {{\"id\" : \"<environment id>\"}}, not {details:?}")
        })?),
        None => None,
    };
    Ok((environment, conf.remove(TARGET_LAKEHOUSE_CONF)))
}

/// A batch request (a `--json` spec, or `livyInfo.jobCreationRequest` of one to resubmit) as a
/// description. Unknown fields are kept in `extra`.
pub fn batch_from_request(request: &Value) -> Result<NewBatch, String> {
    let mut obj = object(request, "the request")?;
    let mut conf = string_map(&mut obj, "conf")?;
    let (environment, target_lakehouse) = split_conf(&mut conf)?;
    let batch = NewBatch {
        lakehouse: None,
        file: string(&mut obj, "file")?.unwrap_or_default(),
        name: string(&mut obj, "name")?,
        class_name: string(&mut obj, "className")?,
        args: strings(&mut obj, "args")?,
        py_files: strings(&mut obj, "pyFiles")?,
        jars: strings(&mut obj, "jars")?,
        files: strings(&mut obj, "files")?,
        archives: strings(&mut obj, "archives")?,
        conf,
        environment,
        target_lakehouse,
        sizes: sizes_from(&mut obj)?,
        extra: obj,
    };
    Ok(batch)
}

/// A session request as a description (sparkdeck's marker tag dropped).
pub fn session_from_request(request: &Value) -> Result<NewSession, String> {
    let mut obj = object(request, "the request")?;
    let mut conf = string_map(&mut obj, "conf")?;
    let (environment, target) = split_conf(&mut conf)?;
    if let Some(t) = target {
        conf.insert(TARGET_LAKEHOUSE_CONF.into(), t);
    }
    let mut tags = string_map(&mut obj, "tags")?;
    tags.remove(MARKER_TAG);
    Ok(NewSession {
        lakehouse: None,
        name: string(&mut obj, "name")?,
        conf,
        environment,
        tags,
        sizes: sizes_from(&mut obj)?,
        extra: obj,
    })
}

/// A Clusters API body (a `--json` spec, a cluster's editable configuration) as a description;
/// fields without a word of their own stay in `extra`.
pub fn cluster_from_request(request: &Value) -> Result<NewCluster, String> {
    let mut obj = object(request, "the cluster spec")?;
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
    Ok(NewCluster {
        name: string(&mut obj, "cluster_name")?,
        spark_version: string(&mut obj, "spark_version")?,
        node_type: string(&mut obj, "node_type_id")?,
        driver_node_type: string(&mut obj, "driver_node_type_id")?,
        workers,
        auto_termination_minutes: count(&mut obj, "autotermination_minutes")?,
        spark_conf,
        tags,
        extra: obj,
    })
}

/// A run's one task in words: (existing cluster id, task, notebook parameters, arguments).
type OneTask = (String, RunTask, Vec<(String, String)>, Vec<String>);

/// The one task of a `runs/submit` body, as words, when every field of it has one: a notebook,
/// a Python file or a JAR on an existing cluster. Anything else stays as it was.
fn run_task_from(task: &Value) -> Option<OneTask> {
    let t = task.as_object()?;
    let known = [
        "task_key",
        "existing_cluster_id",
        "notebook_task",
        "spark_python_task",
        "spark_jar_task",
        "libraries",
    ];
    if t.keys().any(|k| !known.contains(&k.as_str())) {
        return None;
    }
    if t.get("task_key").is_some_and(|k| k.as_str() != Some(TASK_KEY)) {
        return None;
    }
    let cluster = t.get("existing_cluster_id")?.as_str()?.to_string();
    let only = |v: &Value, keys: &[&str]| {
        v.as_object().is_some_and(|o| o.keys().all(|k| keys.contains(&k.as_str())))
    };
    let texts = |v: Option<&Value>| -> Option<Vec<String>> {
        match v {
            None => Some(Vec::new()),
            Some(Value::Array(a)) => a.iter().map(|s| s.as_str().map(str::to_string)).collect(),
            Some(_) => None,
        }
    };
    let jar = match t.get("libraries") {
        None => None,
        Some(Value::Array(libs)) => match libs.as_slice() {
            [lib] if only(lib, &["jar"]) => Some(lib.get("jar")?.as_str()?.to_string()),
            _ => return None,
        },
        Some(_) => return None,
    };
    match (t.get("notebook_task"), t.get("spark_python_task"), t.get("spark_jar_task")) {
        (Some(nb), None, None) if jar.is_none() && only(nb, &["notebook_path", "base_parameters"]) => {
            let params = match nb.get("base_parameters") {
                None => Vec::new(),
                Some(Value::Object(p)) => p
                    .iter()
                    .map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect::<Option<_>>()?,
                Some(_) => return None,
            };
            let path = nb.get("notebook_path")?.as_str()?.to_string();
            Some((cluster, RunTask::Notebook { path }, params, Vec::new()))
        }
        (None, Some(py), None) if jar.is_none() && only(py, &["python_file", "parameters"]) => {
            let path = py.get("python_file")?.as_str()?.to_string();
            Some((cluster, RunTask::PythonFile { path }, Vec::new(), texts(py.get("parameters"))?))
        }
        (None, None, Some(j)) if only(j, &["main_class_name", "parameters"]) => {
            let main_class = j.get("main_class_name")?.as_str()?.to_string();
            Some((cluster, RunTask::Jar { main_class, jar }, Vec::new(), texts(j.get("parameters"))?))
        }
        _ => None,
    }
}

/// A `runs/submit` body as a description: its one task in words when it is a notebook, Python
/// file or JAR on an existing cluster; otherwise (several tasks, a job cluster…) the tasks stay
/// in `extra` as given. The idempotency token is the submitter's to choose, so it is dropped.
pub fn run_from_request(request: &Value) -> Result<NewRun, String> {
    let mut obj = object(request, "the runs/submit body")?;
    obj.remove("idempotency_token");
    let mut run = NewRun { name: string(&mut obj, "run_name")?, ..NewRun::default() };
    if let Some(Value::Array(tasks)) = obj.get("tasks")
        && let [task] = tasks.as_slice()
        && let Some((cluster, task, params, args)) = run_task_from(task)
    {
        run.compute = Some(RunCompute::Existing(cluster));
        run.task = Some(task);
        run.params = params;
        run.args = args;
        obj.remove("tasks");
    }
    run.extra = obj;
    Ok(run)
}

// ---- making a request ----

fn put<T: Into<Value>>(body: &mut Map<String, Value>, key: &str, value: Option<T>) {
    if let Some(v) = value {
        body.insert(key.into(), v.into());
    }
}

fn put_list(body: &mut Map<String, Value>, key: &str, list: &[String]) {
    if !list.is_empty() {
        body.insert(key.into(), json!(list));
    }
}

fn put_sizes(body: &mut Map<String, Value>, s: &SparkSizes) {
    put(body, "driverMemory", s.driver_memory.clone());
    put(body, "driverCores", s.driver_cores);
    put(body, "executorMemory", s.executor_memory.clone());
    put(body, "executorCores", s.executor_cores);
    put(body, "numExecutors", s.num_executors);
}

fn put_conf(
    body: &mut Map<String, Value>,
    conf: &BTreeMap<String, String>,
    environment: Option<&str>,
    target: Option<&str>,
) {
    let mut conf = conf.clone();
    if let Some(id) = environment {
        conf.insert(ENVIRONMENT_CONF.into(), environment_details(id));
    }
    if let Some(t) = target {
        conf.insert(TARGET_LAKEHOUSE_CONF.into(), t.into());
    }
    if !conf.is_empty() {
        body.insert("conf".into(), json!(conf));
    }
}

/// The batch request a description says, its paths and names as given (the workspace layer
/// places local files and resolves names into ids first, then makes the request it sends).
pub fn batch_request(b: &NewBatch) -> Value {
    let mut body = b.extra.clone();
    body.insert("file".into(), b.file.clone().into());
    put(&mut body, "name", b.name.clone());
    put(&mut body, "className", b.class_name.clone());
    put_list(&mut body, "args", &b.args);
    for (key, list) in
        [("pyFiles", &b.py_files), ("jars", &b.jars), ("files", &b.files), ("archives", &b.archives)]
    {
        put_list(&mut body, key, list);
    }
    put_conf(&mut body, &b.conf, b.environment.as_deref(), b.target_lakehouse.as_deref());
    put_sizes(&mut body, &b.sizes);
    Value::Object(body)
}

/// The session request a description says (without sparkdeck's marker tag).
pub fn session_request(s: &NewSession) -> Value {
    let mut body = s.extra.clone();
    put(&mut body, "name", s.name.clone());
    put_conf(&mut body, &s.conf, s.environment.as_deref(), None);
    if !s.tags.is_empty() {
        body.insert("tags".into(), json!(s.tags));
    }
    put_sizes(&mut body, &s.sizes);
    Value::Object(body)
}

/// The exact `clusters/create` (or, with `cluster_id` added, `clusters/edit`) body. Checks only
/// what needs no request: a runtime, a size, the auto-termination range.
pub fn cluster_body(c: &NewCluster) -> Result<Value, String> {
    if c.spark_version.as_deref().is_none_or(|v| v.trim().is_empty()) {
        return Err(
            "a cluster needs a runtime: give --spark-version (see `sparkdeck clusters spark-versions`)"
                .into(),
        );
    }
    match c.workers {
        Some(Workers::Autoscale { min, max }) if min > max => {
            return Err(format!("the autoscale range {min}:{max} has MIN above MAX"));
        }
        None => {
            return Err(
                "a cluster needs a size: give --workers N, --autoscale MIN:MAX or --single-node (the API's \"Missing required field: size\")"
                    .into(),
            );
        }
        _ => {}
    }
    if let Some(m) = c.auto_termination_minutes
        && m != 0
        && !(10..=10_000).contains(&m)
    {
        return Err(format!("--auto-termination {m}: give 0 (never) or 10 to 10000 minutes"));
    }
    Ok(cluster_spec(c))
}

/// The Clusters API body a description says, as far as it goes (no checks: a template or a
/// request being edited may be unfinished).
pub fn cluster_spec(c: &NewCluster) -> Value {
    let mut body = c.extra.clone();
    put(&mut body, "spark_version", c.spark_version.clone());
    put(&mut body, "cluster_name", c.name.clone());
    put(&mut body, "node_type_id", c.node_type.clone());
    put(&mut body, "driver_node_type_id", c.driver_node_type.clone());
    let mut spark_conf = c.spark_conf.clone();
    let mut tags = c.tags.clone();
    match c.workers {
        Some(Workers::Fixed(n)) => {
            body.insert("num_workers".into(), n.into());
        }
        Some(Workers::Autoscale { min, max }) => {
            body.insert("autoscale".into(), json!({"min_workers": min, "max_workers": max}));
        }
        Some(Workers::SingleNode) => {
            body.insert("num_workers".into(), 0.into());
            spark_conf.insert(SINGLE_NODE_PROFILE.0.into(), SINGLE_NODE_PROFILE.1.into());
            spark_conf.insert(SINGLE_NODE_MASTER.0.into(), SINGLE_NODE_MASTER.1.into());
            tags.insert(SINGLE_NODE_TAG.0.into(), SINGLE_NODE_TAG.1.into());
        }
        None => {}
    }
    put(&mut body, "autotermination_minutes", c.auto_termination_minutes);
    if !spark_conf.is_empty() {
        body.insert("spark_conf".into(), json!(spark_conf));
    }
    if !tags.is_empty() {
        body.insert("custom_tags".into(), json!(tags));
    }
    Value::Object(body)
}

/// The `runs/submit` body a description says, without its idempotency token, checked: one
/// task and where it runs (or `tasks` as given), parameters that fit the task, a new job
/// cluster's runtime and size (the workspace layer checks them against what it offers).
pub fn run_request(run: &NewRun) -> Result<Value, String> {
    match (&run.task, &run.compute) {
        (Some(task), Some(compute)) => {
            let notebook = matches!(task, RunTask::Notebook { .. });
            if notebook && !run.args.is_empty() {
                return Err(
                    "--arg is for a Python file's or JAR's arguments; a notebook takes --param KEY=VALUE"
                        .into(),
                );
            }
            if !notebook && !run.params.is_empty() {
                return Err(
                    "--param KEY=VALUE is for notebooks; a Python file or JAR takes its arguments with --arg"
                        .into(),
                );
            }
            if let RunCompute::New(spec) = compute {
                cluster_body(spec)?;
            }
        }
        (Some(_), None) => {
            return Err(
                "where should it run? give --cluster ID (an all-purpose cluster) or --new-cluster SPEC"
                    .into(),
            );
        }
        (None, Some(_)) => {
            return Err(
                "what should it run? give --notebook PATH, --python-file PATH or --main-class CLASS".into()
            );
        }
        (None, None) => {
            if !run.params.is_empty() || !run.args.is_empty() {
                return Err(
                    "--param and --arg go with a task given by flags (--notebook, --python-file, --main-class)".into()
                );
            }
            if run.extra.get("tasks").and_then(Value::as_array).is_none_or(Vec::is_empty) {
                return Err(
                    "a run needs a task: give --notebook, --python-file or --main-class with --cluster or \
                     --new-cluster, or `tasks` in the --json spec"
                        .into(),
                );
            }
        }
    }
    Ok(run_spec(run))
}

/// The `runs/submit` body a description says, as far as it goes (no checks): the task its
/// words describe replaces any `tasks` given.
pub fn run_spec(run: &NewRun) -> Value {
    let mut body: Map<String, Value> = run.extra.clone();
    put(&mut body, "run_name", run.name.clone());
    if run.task.is_none() && run.compute.is_none() {
        return Value::Object(body);
    }
    let mut t = Map::new();
    t.insert("task_key".into(), TASK_KEY.into());
    match &run.compute {
        Some(RunCompute::Existing(id)) => {
            t.insert("existing_cluster_id".into(), id.clone().into());
        }
        Some(RunCompute::New(spec)) => {
            t.insert("new_cluster".into(), cluster_spec(spec));
        }
        None => {}
    }
    match &run.task {
        Some(RunTask::Notebook { path }) => {
            let mut nb = json!({"notebook_path": path});
            if !run.params.is_empty() {
                let params: Map<String, Value> =
                    run.params.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect();
                nb["base_parameters"] = Value::Object(params);
            }
            t.insert("notebook_task".into(), nb);
        }
        Some(RunTask::PythonFile { path }) => {
            let mut py = json!({"python_file": path});
            if !run.args.is_empty() {
                py["parameters"] = json!(run.args);
            }
            t.insert("spark_python_task".into(), py);
        }
        Some(RunTask::Jar { main_class, jar }) => {
            let mut j = json!({"main_class_name": main_class});
            if !run.args.is_empty() {
                j["parameters"] = json!(run.args);
            }
            t.insert("spark_jar_task".into(), j);
            if let Some(path) = jar {
                t.insert("libraries".into(), json!([{"jar": path}]));
            }
        }
        None => {}
    }
    body.insert("tasks".into(), json!([t]));
    Value::Object(body)
}

/// The request a description says, as far as it goes: what a template keeps and what the
/// request edited as JSON starts from.
pub fn spec(item: &NewItem) -> Value {
    match item {
        NewItem::Session(s) => session_request(s),
        NewItem::Batch(b) => batch_request(b),
        NewItem::Cluster(c) => cluster_spec(c),
        NewItem::Run(r) => run_spec(r),
    }
}

/// A request (a template's, the one edited as JSON) as the description of a `kind`.
pub fn item_from_spec(kind: Kind, request: &Value) -> Result<NewItem, String> {
    Ok(match kind {
        Kind::Session => NewItem::Session(session_from_request(request)?),
        Kind::Batch => NewItem::Batch(batch_from_request(request)?),
        Kind::Cluster => NewItem::Cluster(cluster_from_request(request)?),
        Kind::Run | Kind::Job => NewItem::Run(run_from_request(request)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_values_need_a_key_and_an_equals_sign() {
        let kv = key_values("--conf", &["spark.a=1=2".into(), "b=".into()]);
        assert_eq!(kv, Ok(vec![("spark.a".into(), "1=2".into()), ("b".into(), String::new())]));
        let e = key_values("--conf", &["spark.executor.memory".into()]).err().unwrap_or_default();
        assert!(e.contains("--conf \"spark.executor.memory\"") && e.contains("no `=`"), "{e}");
        assert!(key_values("--tag", &["=x".into()]).is_err_and(|e| e.contains("empty")));
    }

    #[test]
    fn a_batch_request_reads_back_into_its_words_and_keeps_the_rest() {
        let request = json!({
            "name": "nightly", "file": "abfss://w@onelake.dfs.fabric.microsoft.com/l/Files/j.py",
            "className": "Main", "args": ["--a", "1"], "pyFiles": ["p.py"], "numExecutors": 2,
            "conf": {"spark.targetLakehouse": "lh", "spark.fabric.environmentDetails": "{\"id\" : \"env\"}", "spark.x": "1"},
            "tags": {"team": "a"}, "surprise": {"k": 1}
        });
        let b = batch_from_request(&request).unwrap_or_default();
        assert_eq!(b.file, "abfss://w@onelake.dfs.fabric.microsoft.com/l/Files/j.py");
        assert_eq!((b.environment.as_deref(), b.target_lakehouse.as_deref()), (Some("env"), Some("lh")));
        assert_eq!(b.conf.get("spark.x").map(String::as_str), Some("1"));
        assert_eq!(b.sizes.num_executors, Some(2));
        assert_eq!(b.extra.get("surprise"), Some(&json!({"k": 1})));
        assert_eq!(b.extra.get("tags"), Some(&json!({"team": "a"})));
        assert_eq!(batch_request(&b), request, "and back, exactly");
        let bad = batch_from_request(&json!({"file": "f", "conf": {"spark.executor.instances": 4}}));
        assert!(bad.is_err_and(|e| e.contains("conf.spark.executor.instances") && e.contains("string")));
        let bad = batch_from_request(&json!({"file": "f", "args": "x"}));
        assert!(bad.is_err_and(|e| e.contains("`args` must be a list of strings")));
        let bad =
            batch_from_request(&json!({"file": "f", "conf": {"spark.fabric.environmentDetails": "env"}}));
        assert!(bad.is_err_and(|e| e.contains("environmentDetails")));
    }

    #[test]
    fn a_session_request_round_trips_without_the_marker() {
        let request = json!({"name": "s", "conf": {"spark.fabric.environmentDetails": "{\"id\" : \"e\"}"},
                             "tags": {"team": "a", "sparkdeck.request": "x"}, "driverCores": 4});
        let s = session_from_request(&request).unwrap_or_default();
        assert_eq!(s.environment.as_deref(), Some("e"));
        let back = session_request(&s);
        assert_eq!(back["tags"], json!({"team": "a"}));
        assert_eq!(back["conf"], request["conf"]);
        assert_eq!(back["driverCores"], 4);
    }

    #[test]
    fn flags_and_specs_make_the_same_cluster_body() {
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
    fn a_run_with_one_plain_task_reads_back_into_words() {
        let run = NewRun {
            name: Some("adhoc".into()),
            compute: Some(RunCompute::Existing("0101-abc".into())),
            task: Some(RunTask::Notebook { path: "/Users/a/nb".into() }),
            params: vec![("date".into(), "2026-11-22".into())],
            ..NewRun::default()
        };
        let body = run_request(&run).unwrap_or_default();
        assert_eq!(body["tasks"][0]["notebook_task"]["base_parameters"]["date"], "2026-11-22");
        assert_eq!(run_from_request(&body).ok(), Some(run));
        // A job cluster, or a task with more than words say, stays as given.
        let other = json!({"run_name": "x", "idempotency_token": "t",
                           "tasks": [{"task_key": "a", "new_cluster": {}, "notebook_task": {"notebook_path": "/n"}}]});
        let r = run_from_request(&other).unwrap_or_default();
        assert_eq!((&r.task, r.name.as_deref()), (&None, Some("x")));
        assert_eq!(r.extra.get("tasks"), other.get("tasks"));
        assert!(!r.extra.contains_key("idempotency_token"));
        assert_eq!(run_request(&r).ok().and_then(|b| b.get("tasks").cloned()), other.get("tasks").cloned());
        let jar = json!({"tasks": [{"task_key": "main", "existing_cluster_id": "c",
                         "spark_jar_task": {"main_class_name": "M", "parameters": ["1"]}, "libraries": [{"jar": "dbfs:/a.jar"}]}]});
        let r = run_from_request(&jar).unwrap_or_default();
        assert_eq!(r.task, Some(RunTask::Jar { main_class: "M".into(), jar: Some("dbfs:/a.jar".into()) }));
        assert_eq!(run_request(&r).ok(), Some(jar));
    }
}
