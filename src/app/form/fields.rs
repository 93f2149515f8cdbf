//! The New form's fields: which ones each kind has (the headless commands' flags), what each
//! says when empty and where its list comes from, and the form's text turned into the
//! description `domain::create` names (and back, to prefill), with a message per field for
//! what cannot be read.
//!
//! List fields (arguments, files) and `KEY=VALUE` fields are split as a shell splits words, so
//! a value with spaces is quoted: `--title "Q4 sales"`.

use std::collections::BTreeMap;

use crate::domain::Kind;
use crate::domain::create::{
    Extra, NewBatch, NewCluster, NewItem, NewRun, NewSession, RunCompute, RunTask, SparkSizes, Workers,
};
use crate::domain::request::key_values;

/// Where a field's list of choices comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The configured workspaces of the form's service.
    Workspaces,
    /// The workspace's configured lakehouses (sessions and batches run in one of them).
    Lakehouses,
    /// The workspace's Fabric environments.
    Environments,
    /// Every lakehouse of the workspace (a batch's default lakehouse).
    TargetLakehouses,
    /// The runtimes the Databricks workspace offers.
    SparkVersions,
    /// The node types the Databricks workspace offers.
    NodeTypes,
    /// The workspace's all-purpose clusters (from the Clusters pane's rows).
    Clusters,
    /// The templates of the form's kind.
    Templates,
}

impl Source {
    pub fn title(self) -> &'static str {
        match self {
            Source::Workspaces => "workspaces",
            Source::Lakehouses => "configured lakehouses",
            Source::Environments => "environments",
            Source::TargetLakehouses => "lakehouses",
            Source::SparkVersions => "runtimes",
            Source::NodeTypes => "node types",
            Source::Clusters => "clusters",
            Source::Templates => "templates",
        }
    }

    /// The lists the effect runner reads from the workspace for a form of `kind` (the others
    /// the app knows).
    pub fn remote(kind: Kind) -> &'static [Source] {
        match kind {
            Kind::Session => &[Source::Lakehouses, Source::Environments],
            Kind::Batch => &[Source::Lakehouses, Source::Environments, Source::TargetLakehouses],
            Kind::Cluster => &[Source::SparkVersions, Source::NodeTypes],
            Kind::Run | Kind::Job => &[],
        }
    }
}

/// One entry of a list: what goes into the field, and what is shown beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKey {
    Workspace,
    Lakehouse,
    File,
    Name,
    ClassName,
    Args,
    Conf,
    Environment,
    TargetLakehouse,
    PyFiles,
    Jars,
    Files,
    Archives,
    DriverMemory,
    DriverCores,
    ExecutorMemory,
    ExecutorCores,
    NumExecutors,
    Tags,
    SparkVersion,
    NodeType,
    DriverNodeType,
    Workers,
    AutoTermination,
    SparkConf,
    Cluster,
    Notebook,
    PythonFile,
    MainClass,
    Jar,
    Params,
}

use FieldKey as F;

const SESSION: &[FieldKey] = &[
    F::Workspace,
    F::Lakehouse,
    F::Name,
    F::Environment,
    F::Conf,
    F::Tags,
    F::DriverMemory,
    F::DriverCores,
    F::ExecutorMemory,
    F::ExecutorCores,
    F::NumExecutors,
];
const BATCH: &[FieldKey] = &[
    F::Workspace,
    F::Lakehouse,
    F::File,
    F::Name,
    F::ClassName,
    F::Args,
    F::Conf,
    F::Environment,
    F::TargetLakehouse,
    F::PyFiles,
    F::Jars,
    F::Files,
    F::Archives,
    F::DriverMemory,
    F::DriverCores,
    F::ExecutorMemory,
    F::ExecutorCores,
    F::NumExecutors,
];
const CLUSTER: &[FieldKey] = &[
    F::Workspace,
    F::Name,
    F::SparkVersion,
    F::NodeType,
    F::DriverNodeType,
    F::Workers,
    F::AutoTermination,
    F::SparkConf,
    F::Tags,
];
const RUN: &[FieldKey] = &[
    F::Workspace,
    F::Name,
    F::Cluster,
    F::Notebook,
    F::PythonFile,
    F::MainClass,
    F::Jar,
    F::Params,
    F::Args,
];

impl FieldKey {
    /// The fields of a form of `kind`, in order.
    pub fn of(kind: Kind) -> &'static [FieldKey] {
        match kind {
            Kind::Session => SESSION,
            Kind::Batch => BATCH,
            Kind::Cluster => CLUSTER,
            Kind::Run | Kind::Job => RUN,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            F::Workspace => "Workspace",
            F::Lakehouse => "Lakehouse",
            F::File => "File",
            F::Name => "Name",
            F::ClassName | F::MainClass => "Main class",
            F::Args => "Arguments",
            F::Conf | F::SparkConf => "Spark conf",
            F::Environment => "Environment",
            F::TargetLakehouse => "Default lakehouse",
            F::PyFiles => "Python files",
            F::Jars => "JARs",
            F::Files => "Files",
            F::Archives => "Archives",
            F::DriverMemory => "Driver memory",
            F::DriverCores => "Driver cores",
            F::ExecutorMemory => "Executor memory",
            F::ExecutorCores => "Executor cores",
            F::NumExecutors => "Executors",
            F::Tags => "Tags",
            F::SparkVersion => "Runtime",
            F::NodeType => "Node type",
            F::DriverNodeType => "Driver node type",
            F::Workers => "Workers",
            F::AutoTermination => "Auto-terminate",
            F::Cluster => "Cluster",
            F::Notebook => "Notebook",
            F::PythonFile => "Python file",
            F::Jar => "JAR",
            F::Params => "Parameters",
        }
    }

    /// What an empty field means, or what to type.
    pub fn hint(self) -> &'static str {
        match self {
            F::Workspace => "enter lists them",
            F::Lakehouse => "the workspace's first configured one",
            F::File => "abfss://…, Files/… in the lakehouse, or a local file (uploaded first)",
            F::Name => "optional",
            F::ClassName => "the main class of a JAR",
            F::Args | F::PyFiles | F::Jars | F::Files | F::Archives => "space-separated; quote with \"…\"",
            F::Conf | F::SparkConf => "KEY=VALUE …",
            F::Environment => "the workspace's default",
            F::TargetLakehouse => "none (spark.targetLakehouse)",
            F::DriverMemory | F::ExecutorMemory => "the pool's default (e.g. 28g)",
            F::DriverCores | F::ExecutorCores | F::NumExecutors => "the pool's default",
            F::Tags => "KEY=VALUE …",
            F::SparkVersion => "enter lists the workspace's runtimes",
            F::NodeType => "enter lists the workspace's node types",
            F::DriverNodeType => "the node type",
            F::Workers => "4, 2-8 to autoscale, or single",
            F::AutoTermination => "minutes idle (0: never)",
            F::Cluster => "an all-purpose cluster (enter lists them)",
            F::Notebook => "a workspace notebook path",
            F::PythonFile => "dbfs:/…, /Workspace/…, a volume or abfss:// path",
            F::MainClass => "a JAR's main class",
            F::Jar => "the JAR holding the main class, if not on the cluster",
            F::Params => "KEY=VALUE … (a notebook's widgets)",
        }
    }

    /// Where the field's list comes from (enter opens it).
    pub fn source(self) -> Option<Source> {
        match self {
            F::Workspace => Some(Source::Workspaces),
            F::Lakehouse => Some(Source::Lakehouses),
            F::Environment => Some(Source::Environments),
            F::TargetLakehouse => Some(Source::TargetLakehouses),
            F::SparkVersion => Some(Source::SparkVersions),
            F::NodeType | F::DriverNodeType => Some(Source::NodeTypes),
            F::Cluster => Some(Source::Clusters),
            _ => None,
        }
    }

    /// Must be given to review a form of `kind` (runs have their own rule: see `describe`).
    pub fn required(self, kind: Kind) -> bool {
        matches!(
            (kind, self),
            (_, F::Workspace)
                | (Kind::Batch, F::File)
                | (Kind::Cluster, F::SparkVersion | F::NodeType | F::Workers)
                | (Kind::Run, F::Cluster)
        )
    }
}

/// One field of the form: its text and where the cursor is (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub key: FieldKey,
    pub value: String,
    pub cursor: usize,
    /// Why the text cannot be used, after the last review.
    pub error: Option<String>,
    /// Cannot change (the workspace of an edit or a resubmit).
    pub locked: bool,
}

impl Field {
    pub fn new(key: FieldKey) -> Field {
        Field { key, value: String::new(), cursor: 0, error: None, locked: false }
    }

    pub fn set(&mut self, value: String) {
        self.cursor = value.chars().count();
        self.value = value;
        self.error = None;
    }
}

/// The text of `key`'s field, trimmed ("" when the form has none).
pub fn text(fields: &[Field], key: FieldKey) -> &str {
    fields.iter().find(|f| f.key == key).map_or("", |f| f.value.trim())
}

fn opt(fields: &[Field], key: FieldKey) -> Option<String> {
    Some(text(fields, key)).filter(|t| !t.is_empty()).map(str::to_string)
}

/// Words as a shell splits them.
fn words(fields: &[Field], key: FieldKey) -> Result<Vec<String>, String> {
    shlex::split(text(fields, key)).ok_or_else(|| "a quote is not closed".to_string())
}

fn pairs(fields: &[Field], key: FieldKey) -> Result<Vec<(String, String)>, String> {
    key_values(key.label(), &words(fields, key)?)
}

fn map(fields: &[Field], key: FieldKey) -> Result<BTreeMap<String, String>, String> {
    Ok(pairs(fields, key)?.into_iter().collect())
}

fn number(fields: &[Field], key: FieldKey) -> Result<Option<u32>, String> {
    match text(fields, key) {
        "" => Ok(None),
        t => t.parse().map(Some).map_err(|_| format!("{t:?} is not a whole number")),
    }
}

/// "4", "2-8" (or "2:8") to autoscale, "single" for a single-node cluster.
pub fn workers(text: &str) -> Result<Option<Workers>, String> {
    let t = text.trim().to_ascii_lowercase();
    if t.is_empty() {
        return Ok(None);
    }
    if ["single", "single node", "single-node"].contains(&t.as_str()) {
        return Ok(Some(Workers::SingleNode));
    }
    let n =
        |s: &str| s.trim().parse::<u32>().map_err(|_| format!("{text:?}: give 4, 2-8 (autoscale) or single"));
    match t.split_once(['-', ':']) {
        Some((min, max)) => {
            let (min, max) = (n(min)?, n(max)?);
            if min > max {
                return Err(format!("{min}-{max}: the smallest size comes first"));
            }
            Ok(Some(Workers::Autoscale { min, max }))
        }
        None => Ok(Some(Workers::Fixed(n(&t)?))),
    }
}

fn workers_text(w: Option<Workers>) -> String {
    match w {
        None => String::new(),
        Some(Workers::Fixed(n)) => n.to_string(),
        Some(Workers::Autoscale { min, max }) => format!("{min}-{max}"),
        Some(Workers::SingleNode) => "single".into(),
    }
}

/// Words joined back so that splitting them gives them again; a word that splits as itself
/// stays bare (`team=data`, not shlex's shell-safe `'team=data'`).
fn joined(items: &[String]) -> String {
    let word = |w: &String| match shlex::split(w) {
        Some(split) if split.len() == 1 && split[0] == *w => w.clone(),
        _ => shlex::try_quote(w).map_or_else(|_| w.clone(), |q| q.into_owned()),
    };
    items.iter().map(word).collect::<Vec<_>>().join(" ")
}

fn joined_pairs<'a>(pairs: impl IntoIterator<Item = (&'a String, &'a String)>) -> String {
    joined(&pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>())
}

/// Collects each field's problem, so the form shows them all at once.
struct Problems(Vec<(FieldKey, String)>);

impl Problems {
    fn take<T: Default>(&mut self, key: FieldKey, r: Result<T, String>) -> T {
        r.unwrap_or_else(|e| {
            self.0.push((key, e));
            T::default()
        })
    }
}

fn sizes(fields: &[Field], p: &mut Problems) -> SparkSizes {
    SparkSizes {
        driver_memory: opt(fields, F::DriverMemory),
        driver_cores: p.take(F::DriverCores, number(fields, F::DriverCores)),
        executor_memory: opt(fields, F::ExecutorMemory),
        executor_cores: p.take(F::ExecutorCores, number(fields, F::ExecutorCores)),
        num_executors: p.take(F::NumExecutors, number(fields, F::NumExecutors)),
    }
}

/// The form's text as the description of a `kind`, with `extra` (what the fields do not name)
/// kept. `strict`: also what a request must have (a review); not for a template or the JSON
/// edit, which may be unfinished.
pub fn describe(
    kind: Kind,
    fields: &[Field],
    extra: &Extra,
    strict: bool,
) -> Result<NewItem, Vec<(FieldKey, String)>> {
    let mut p = Problems(Vec::new());
    if strict {
        for key in FieldKey::of(kind).iter().filter(|k| k.required(kind) && text(fields, **k).is_empty()) {
            // A run's cluster has its own rule; an instance pool stands in for a node type.
            let own_rule = kind == Kind::Run && *key == F::Cluster;
            if !(own_rule || (*key == F::NodeType && extra.contains_key("instance_pool_id"))) {
                p.0.push((*key, "required".into()));
            }
        }
    }
    let item = match kind {
        Kind::Session => NewItem::Session(NewSession {
            lakehouse: opt(fields, F::Lakehouse),
            name: opt(fields, F::Name),
            conf: p.take(F::Conf, map(fields, F::Conf)),
            environment: opt(fields, F::Environment),
            tags: p.take(F::Tags, map(fields, F::Tags)),
            sizes: sizes(fields, &mut p),
            extra: extra.clone(),
        }),
        Kind::Batch => NewItem::Batch(NewBatch {
            lakehouse: opt(fields, F::Lakehouse),
            file: text(fields, F::File).to_string(),
            name: opt(fields, F::Name),
            class_name: opt(fields, F::ClassName),
            args: p.take(F::Args, words(fields, F::Args)),
            py_files: p.take(F::PyFiles, words(fields, F::PyFiles)),
            jars: p.take(F::Jars, words(fields, F::Jars)),
            files: p.take(F::Files, words(fields, F::Files)),
            archives: p.take(F::Archives, words(fields, F::Archives)),
            conf: p.take(F::Conf, map(fields, F::Conf)),
            environment: opt(fields, F::Environment),
            target_lakehouse: opt(fields, F::TargetLakehouse),
            sizes: sizes(fields, &mut p),
            extra: extra.clone(),
        }),
        Kind::Cluster => {
            let minutes = p.take(F::AutoTermination, number(fields, F::AutoTermination));
            if strict && minutes.is_some_and(|m| m != 0 && !(10..=10_000).contains(&m)) {
                p.0.push((F::AutoTermination, "0 (never) or 10 to 10000 minutes".into()));
            }
            NewItem::Cluster(NewCluster {
                name: opt(fields, F::Name),
                spark_version: opt(fields, F::SparkVersion),
                node_type: opt(fields, F::NodeType),
                driver_node_type: opt(fields, F::DriverNodeType),
                workers: p.take(F::Workers, workers(text(fields, F::Workers))),
                auto_termination_minutes: minutes,
                spark_conf: p.take(F::SparkConf, map(fields, F::SparkConf)),
                tags: p.take(F::Tags, map(fields, F::Tags)),
                extra: extra.clone(),
            })
        }
        Kind::Run | Kind::Job => NewItem::Run(run(fields, extra, strict, &mut p)),
    };
    if p.0.is_empty() { Ok(item) } else { Err(p.0) }
}

/// A one-time run: one of a notebook, a Python file or a main class, on a cluster — or the
/// tasks the JSON gave, when the fields name none.
fn run(fields: &[Field], extra: &Extra, strict: bool, p: &mut Problems) -> NewRun {
    let tasks: Vec<(FieldKey, RunTask)> = [
        opt(fields, F::Notebook).map(|path| (F::Notebook, RunTask::Notebook { path })),
        opt(fields, F::PythonFile).map(|path| (F::PythonFile, RunTask::PythonFile { path })),
        opt(fields, F::MainClass)
            .map(|main_class| (F::MainClass, RunTask::Jar { main_class, jar: opt(fields, F::Jar) })),
    ]
    .into_iter()
    .flatten()
    .collect();
    let given_tasks = extra.get("tasks").and_then(|t| t.as_array()).is_some_and(|t| !t.is_empty());
    let cluster = opt(fields, F::Cluster);
    let params = p.take(F::Params, pairs(fields, F::Params));
    let args = p.take(F::Args, words(fields, F::Args));
    let task = tasks.first().map(|(_, t)| t.clone());
    if strict {
        if let Some((key, _)) = tasks.get(1) {
            p.0.push((*key, "give only one of Notebook, Python file or Main class".into()));
        }
        if tasks.is_empty() && !given_tasks {
            p.0.push((F::Notebook, "give a notebook, a Python file or a main class".into()));
        }
        if (task.is_some() || !given_tasks) && cluster.is_none() {
            p.0.push((F::Cluster, "required".into()));
        }
        if opt(fields, F::Jar).is_some() && opt(fields, F::MainClass).is_none() {
            p.0.push((F::Jar, "a JAR goes with its Main class".into()));
        }
        match &task {
            Some(RunTask::Notebook { .. }) if !args.is_empty() => {
                p.0.push((F::Args, "a notebook takes Parameters (KEY=VALUE), not arguments".into()))
            }
            Some(RunTask::PythonFile { .. } | RunTask::Jar { .. }) if !params.is_empty() => p.0.push((
                F::Params,
                "Parameters are a notebook's; a Python file or JAR takes Arguments".into(),
            )),
            _ => {}
        }
    }
    NewRun {
        name: opt(fields, F::Name),
        compute: cluster.map(RunCompute::Existing),
        task,
        params,
        args,
        extra: extra.clone(),
    }
}

/// A description's words as the form's text (the rest stays in the returned `extra`), to
/// prefill a form: a cluster to edit, a batch to resubmit, a template, the edited JSON. A run's
/// job cluster has no field: it stays in `extra`, as given.
pub fn fill(item: &NewItem) -> (Vec<(FieldKey, String)>, Extra) {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let n = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
    let sizes = |s: &SparkSizes| {
        vec![
            (F::DriverMemory, o(&s.driver_memory)),
            (F::DriverCores, n(s.driver_cores)),
            (F::ExecutorMemory, o(&s.executor_memory)),
            (F::ExecutorCores, n(s.executor_cores)),
            (F::NumExecutors, n(s.num_executors)),
        ]
    };
    match item {
        NewItem::Session(s) => {
            let mut v = vec![
                (F::Lakehouse, o(&s.lakehouse)),
                (F::Name, o(&s.name)),
                (F::Environment, o(&s.environment)),
                (F::Conf, joined_pairs(&s.conf)),
                (F::Tags, joined_pairs(&s.tags)),
            ];
            v.extend(sizes(&s.sizes));
            (v, s.extra.clone())
        }
        NewItem::Batch(b) => {
            let mut v = vec![
                (F::Lakehouse, o(&b.lakehouse)),
                (F::File, b.file.clone()),
                (F::Name, o(&b.name)),
                (F::ClassName, o(&b.class_name)),
                (F::Args, joined(&b.args)),
                (F::Conf, joined_pairs(&b.conf)),
                (F::Environment, o(&b.environment)),
                (F::TargetLakehouse, o(&b.target_lakehouse)),
                (F::PyFiles, joined(&b.py_files)),
                (F::Jars, joined(&b.jars)),
                (F::Files, joined(&b.files)),
                (F::Archives, joined(&b.archives)),
            ];
            v.extend(sizes(&b.sizes));
            (v, b.extra.clone())
        }
        NewItem::Cluster(c) => (
            vec![
                (F::Name, o(&c.name)),
                (F::SparkVersion, o(&c.spark_version)),
                (F::NodeType, o(&c.node_type)),
                (F::DriverNodeType, o(&c.driver_node_type)),
                (F::Workers, workers_text(c.workers)),
                (F::AutoTermination, n(c.auto_termination_minutes)),
                (F::SparkConf, joined_pairs(&c.spark_conf)),
                (F::Tags, joined_pairs(&c.tags)),
            ],
            c.extra.clone(),
        ),
        NewItem::Run(r) => {
            let cluster = match &r.compute {
                Some(RunCompute::Existing(id)) => id.clone(),
                None => String::new(),
                Some(RunCompute::New(_)) => {
                    // A job cluster has no field: the run's task stays as JSON.
                    let mut extra = r.extra.clone();
                    if let Some(tasks) = crate::domain::request::run_spec(r).get("tasks") {
                        extra.insert("tasks".into(), tasks.clone());
                    }
                    return (vec![(F::Name, o(&r.name))], extra);
                }
            };
            let (notebook, python, main_class, jar) = match &r.task {
                Some(RunTask::Notebook { path }) => {
                    (path.clone(), String::new(), String::new(), String::new())
                }
                Some(RunTask::PythonFile { path }) => {
                    (String::new(), path.clone(), String::new(), String::new())
                }
                Some(RunTask::Jar { main_class, jar }) => {
                    (String::new(), String::new(), main_class.clone(), o(jar))
                }
                None => Default::default(),
            };
            (
                vec![
                    (F::Name, o(&r.name)),
                    (F::Cluster, cluster),
                    (F::Notebook, notebook),
                    (F::PythonFile, python),
                    (F::MainClass, main_class),
                    (F::Jar, jar),
                    (F::Params, joined_pairs(r.params.iter().map(|(k, v)| (k, v)))),
                    (F::Args, joined(&r.args)),
                ],
                r.extra.clone(),
            )
        }
    }
}
