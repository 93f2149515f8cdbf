//! What a user asks to create, in plain words both front ends fill in (the headless flags, the
//! monitor's New form): a Livy batch or session, a Databricks cluster, a one-time run. The
//! workspace layer (`workspace::create`) makes the exact request bodies from these, and these
//! from a request, to resubmit or edit one. `extra` keeps every field of a request these words do
//! not name (init scripts, libraries, …), so nothing a `--json` spec or an earlier request said
//! is lost on the way.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::Kind;

/// Request fields no word here names, kept as they were.
pub type Extra = Map<String, Value>;

/// Driver and executor sizes of a Livy session or batch (memory as Spark spells it: `28g`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SparkSizes {
    pub driver_memory: Option<String>,
    pub driver_cores: Option<u32>,
    pub executor_memory: Option<String>,
    pub executor_cores: Option<u32>,
    pub num_executors: Option<u32>,
}

/// A Livy batch to submit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewBatch {
    /// The lakehouse whose Livy API runs it: a configured lakehouse's name or id (`None`: the
    /// workspace's first).
    pub lakehouse: Option<String>,
    /// The main file: an `abfss://` OneLake path, or a local file, uploaded first.
    pub file: String,
    pub name: Option<String>,
    /// The main class of a JAR.
    pub class_name: Option<String>,
    pub args: Vec<String>,
    /// Like `file`, each an `abfss://` path or a local file.
    pub py_files: Vec<String>,
    pub jars: Vec<String>,
    pub files: Vec<String>,
    pub archives: Vec<String>,
    /// Spark settings (the environment and target lakehouse have words of their own).
    pub conf: BTreeMap<String, String>,
    /// A Fabric environment, by id or name (`spark.fabric.environmentDetails`).
    pub environment: Option<String>,
    /// `spark.targetLakehouse`: a lakehouse id or name.
    pub target_lakehouse: Option<String>,
    pub sizes: SparkSizes,
    pub extra: Extra,
}

/// A Livy session to create.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewSession {
    pub lakehouse: Option<String>,
    pub name: Option<String>,
    pub conf: BTreeMap<String, String>,
    pub environment: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub sizes: SparkSizes,
    pub extra: Extra,
}

/// How many workers a cluster has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workers {
    Fixed(u32),
    Autoscale {
        min: u32,
        max: u32,
    },
    /// No workers: Spark runs on the driver (the single-node profile).
    SingleNode,
}

/// A Databricks cluster to create, or the whole new configuration of one to edit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewCluster {
    pub name: Option<String>,
    /// A runtime key as `clusters spark-versions` lists it (`15.4.x-scala2.12`).
    pub spark_version: Option<String>,
    pub node_type: Option<String>,
    pub driver_node_type: Option<String>,
    pub workers: Option<Workers>,
    /// Minutes of inactivity before it terminates itself (0: never).
    pub auto_termination_minutes: Option<u32>,
    pub spark_conf: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    pub extra: Extra,
}

/// What a one-time run runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunTask {
    /// A workspace notebook; parameters are its widgets' values.
    Notebook { path: String },
    /// A Python file (workspace, volume, `dbfs:/` or `abfss://` path).
    PythonFile { path: String },
    /// A JAR's main class; `jar` is the library holding it, if it is not on the cluster already.
    Jar { main_class: String, jar: Option<String> },
}

/// Where a one-time run runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunCompute {
    /// An all-purpose cluster, by id.
    Existing(String),
    /// A job cluster made for the run.
    New(Box<NewCluster>),
}

/// A one-time run (`jobs/runs/submit`) with one task.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewRun {
    pub name: Option<String>,
    pub compute: Option<RunCompute>,
    pub task: Option<RunTask>,
    /// A notebook's parameters.
    pub params: Vec<(String, String)>,
    /// A Python file's or JAR's command-line arguments.
    pub args: Vec<String>,
    /// The whole request as given (`--json`); the words above are laid over it.
    pub extra: Extra,
}

/// Any of the descriptions above: what the monitor's New form holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewItem {
    Session(NewSession),
    Batch(NewBatch),
    Cluster(NewCluster),
    Run(NewRun),
}

impl NewItem {
    /// The kind of row it makes.
    pub fn kind(&self) -> Kind {
        match self {
            NewItem::Session(_) => Kind::Session,
            NewItem::Batch(_) => Kind::Batch,
            NewItem::Cluster(_) => Kind::Cluster,
            NewItem::Run(_) => Kind::Run,
        }
    }
}

/// A named starting point for the New form (`[templates.NAME]` in the configuration): the
/// request as the API (and `--json`) take it, and where it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub name: String,
    pub kind: Kind,
    /// The workspace to choose, if it names one.
    pub workspace: Option<String>,
    /// The lakehouse a session or batch runs in, if it names one.
    pub lakehouse: Option<String>,
    /// The request body (a JSON object).
    pub request: Value,
}

/// Something that was, or may have been, created: what the user can look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub kind: CreatedKind,
    pub id: String,
    pub name: Option<String>,
}

/// What kind of thing was created (a superset of the panes' kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreatedKind {
    Session,
    Batch,
    Cluster,
    Run,
    SecretScope,
    ServicePrincipal,
}

impl CreatedKind {
    pub fn singular(self) -> &'static str {
        match self {
            CreatedKind::Session => "session",
            CreatedKind::Batch => "batch",
            CreatedKind::Cluster => "cluster",
            CreatedKind::Run => "run",
            CreatedKind::SecretScope => "secret scope",
            CreatedKind::ServicePrincipal => "service principal",
        }
    }
}

/// `{"id" : "<id>"}`, the JSON string Fabric reads from `spark.fabric.environmentDetails`
/// (spelled as the reference shows it).
pub fn environment_details(id: &str) -> String {
    format!("{{\"id\" : \"{id}\"}}")
}

/// The id in a `spark.fabric.environmentDetails` value, if it names one.
pub fn environment_id(details: &str) -> Option<String> {
    let v: Value = serde_json::from_str(details).ok()?;
    v.get("id").and_then(Value::as_str).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_details_round_trip() {
        let d = environment_details("e1");
        assert_eq!(d, r#"{"id" : "e1"}"#);
        assert_eq!(environment_id(&d).as_deref(), Some("e1"));
        assert_eq!(environment_id(r#"{"id":"e2"}"#).as_deref(), Some("e2"));
        assert_eq!(environment_id("e3"), None);
    }
}
