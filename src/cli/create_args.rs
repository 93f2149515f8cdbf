//! The clap definitions of the commands that create things (batches, sessions, clusters,
//! runs, secret scopes and ACLs, service principals), kept together apart from `mod.rs`.

use clap::Args;

use super::{WaitArgs, WorkspaceArgs, output};

/// Driver and executor sizes of a Livy session or batch.
#[derive(Debug, Clone, Default, Args)]
pub struct SparkSizeArgs {
    /// Driver memory, e.g. 28g.
    #[arg(long, value_name = "SIZE")]
    pub driver_memory: Option<String>,
    /// Driver cores.
    #[arg(long, value_name = "N")]
    pub driver_cores: Option<u32>,
    /// Executor memory, e.g. 28g.
    #[arg(long, value_name = "SIZE")]
    pub executor_memory: Option<String>,
    /// Cores per executor.
    #[arg(long, value_name = "N")]
    pub executor_cores: Option<u32>,
    /// Number of executors.
    #[arg(long, value_name = "N")]
    pub num_executors: Option<u32>,
}

/// What every create shares: the request spec, a dry run, waiting, the output format.
#[derive(Debug, Clone, Args)]
pub struct CreateArgs {
    /// The request as JSON: inline, @FILE, or - for standard input; the flags are laid over it.
    #[arg(long, value_name = "JSON|@FILE|-")]
    pub json: Option<String>,
    /// Print the request that would be sent, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
    /// Output format (`json`: the workspace, the new id and the request sent).
    #[arg(short = 'o', long = "output", value_enum, default_value_t = output::Format::Table)]
    pub output: output::Format,
}

/// A Livy batch's settings (the main file is given apart).
#[derive(Debug, Clone, Args)]
pub struct BatchSpecArgs {
    /// The Fabric workspace (its display name); needed when more than one is configured.
    #[arg(long)]
    pub workspace: Option<String>,
    /// The lakehouse whose Livy API runs the batch (name or id; default: the first configured).
    #[arg(long)]
    pub lakehouse: Option<String>,
    /// The batch's name (shown in the monitoring hub).
    #[arg(long)]
    pub name: Option<String>,
    /// The main class (a JAR's).
    #[arg(long, value_name = "CLASS")]
    pub class_name: Option<String>,
    /// An argument for the job (repeatable, in order; values may start with -).
    #[arg(long = "args", value_name = "ARG", allow_hyphen_values = true)]
    pub args: Vec<String>,
    /// A Spark setting, KEY=VALUE (repeatable).
    #[arg(long = "conf", value_name = "KEY=VALUE")]
    pub conf: Vec<String>,
    /// Run on this Fabric environment (id or name): spark.fabric.environmentDetails.
    #[arg(long, value_name = "ENV")]
    pub environment: Option<String>,
    /// The lakehouse the job writes to (id or name): spark.targetLakehouse.
    #[arg(long, value_name = "LAKEHOUSE")]
    pub target_lakehouse: Option<String>,
    /// A Python file to add (abfss:// or local; repeatable).
    #[arg(long = "py-files", value_name = "PATH")]
    pub py_files: Vec<String>,
    /// A JAR to add (abfss:// or local; repeatable).
    #[arg(long = "jars", value_name = "PATH")]
    pub jars: Vec<String>,
    /// A file to place in the job's working directory (abfss:// or local; repeatable).
    #[arg(long = "files", value_name = "PATH")]
    pub files: Vec<String>,
    /// An archive to unpack for the job (abfss:// or local; repeatable).
    #[arg(long = "archives", value_name = "PATH")]
    pub archives: Vec<String>,
    #[command(flatten)]
    pub sizes: SparkSizeArgs,
    /// Print the job's Livy log while waiting (implies --wait).
    #[arg(long)]
    pub logs: bool,
}

#[derive(Debug, Clone, Args)]
pub struct BatchSubmitArgs {
    /// The main file: an abfss:// OneLake path, Files/… in the lakehouse, or a local file.
    pub file: Option<String>,
    #[command(flatten)]
    pub spec: BatchSpecArgs,
    #[command(flatten)]
    pub create: CreateArgs,
}

#[derive(Debug, Clone, Args)]
pub struct BatchResubmitArgs {
    /// The batch to submit again.
    pub id: String,
    /// Another main file.
    #[arg(long, value_name = "PATH")]
    pub file: Option<String>,
    #[command(flatten)]
    pub spec: BatchSpecArgs,
    #[command(flatten)]
    pub create: CreateArgs,
}

#[derive(Debug, Clone, Args)]
pub struct SessionCreateArgs {
    /// The Fabric workspace (its display name); needed when more than one is configured.
    #[arg(long)]
    pub workspace: Option<String>,
    /// The lakehouse (name or id; default: the first configured).
    #[arg(long)]
    pub lakehouse: Option<String>,
    /// The session's name.
    #[arg(long)]
    pub name: Option<String>,
    /// A Spark setting, KEY=VALUE (repeatable).
    #[arg(long = "conf", value_name = "KEY=VALUE")]
    pub conf: Vec<String>,
    /// A tag, KEY=VALUE (repeatable).
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
    /// Run on this Fabric environment (id or name): spark.fabric.environmentDetails.
    #[arg(long, value_name = "ENV")]
    pub environment: Option<String>,
    #[command(flatten)]
    pub sizes: SparkSizeArgs,
    #[command(flatten)]
    pub create: CreateArgs,
}

/// A cluster's settings as flags (each replaces the field of --json or of the current cluster).
#[derive(Debug, Clone, Args)]
pub struct ClusterSpecArgs {
    /// The Databricks workspace (its display name); needed when more than one is configured.
    #[arg(long)]
    pub workspace: Option<String>,
    /// The cluster's name.
    #[arg(long)]
    pub name: Option<String>,
    /// The runtime, as `clusters spark-versions` lists it (e.g. 15.4.x-scala2.12).
    #[arg(long, value_name = "KEY")]
    pub spark_version: Option<String>,
    /// The worker node type, as `clusters node-types` lists it (e.g. Standard_DS3_v2).
    #[arg(long, value_name = "ID")]
    pub node_type: Option<String>,
    /// The driver's node type (default: the worker node type).
    #[arg(long, value_name = "ID")]
    pub driver_node_type: Option<String>,
    /// A fixed number of workers.
    #[arg(long, value_name = "N", conflicts_with_all = ["autoscale", "single_node"])]
    pub workers: Option<u32>,
    /// An autoscale range, MIN:MAX.
    #[arg(long, value_name = "MIN:MAX", conflicts_with = "single_node")]
    pub autoscale: Option<String>,
    /// No workers: Spark runs on the driver alone.
    #[arg(long)]
    pub single_node: bool,
    /// Terminate after this many idle minutes (0: never; else 10 to 10000).
    #[arg(long, value_name = "MINUTES")]
    pub auto_termination: Option<u32>,
    /// A Spark setting, KEY=VALUE (repeatable).
    #[arg(long = "spark-conf", value_name = "KEY=VALUE")]
    pub spark_conf: Vec<String>,
    /// A custom tag, KEY=VALUE (repeatable).
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ClusterCreateArgs {
    #[command(flatten)]
    pub spec: ClusterSpecArgs,
    #[command(flatten)]
    pub create: CreateArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ClusterEditArgs {
    /// The cluster to change.
    pub id: String,
    #[command(flatten)]
    pub spec: ClusterSpecArgs,
    #[command(flatten)]
    pub create: CreateArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ClusterDeleteArgs {
    /// The cluster to delete for good.
    pub id: String,
    /// Do not ask for confirmation (needed when standard input is not a terminal).
    #[arg(long)]
    pub yes: bool,
    /// The Databricks workspace (its display name).
    #[arg(long)]
    pub workspace: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct RunSubmitArgs {
    /// The Databricks workspace (its display name); needed when more than one is configured.
    #[arg(long)]
    pub workspace: Option<String>,
    /// The run's name.
    #[arg(long)]
    pub name: Option<String>,
    /// Run on this all-purpose cluster.
    #[arg(long, value_name = "ID", conflicts_with = "new_cluster")]
    pub cluster: Option<String>,
    /// Run on a new job cluster: its spec as JSON, @FILE or -.
    #[arg(long, value_name = "JSON|@FILE|-")]
    pub new_cluster: Option<String>,
    /// Run this workspace notebook.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["python_file", "main_class"])]
    pub notebook: Option<String>,
    /// Run this Python file.
    #[arg(long, value_name = "PATH", conflicts_with = "main_class")]
    pub python_file: Option<String>,
    /// The JAR library holding --main-class (dbfs:/, /Volumes/…, abfss://).
    #[arg(long, value_name = "PATH", requires = "main_class")]
    pub jar: Option<String>,
    /// Run this JAR main class.
    #[arg(long, value_name = "CLASS")]
    pub main_class: Option<String>,
    /// A notebook parameter, KEY=VALUE (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// A Python file's or JAR's argument (repeatable, in order; values may start with -).
    #[arg(long = "arg", value_name = "ARG", allow_hyphen_values = true)]
    pub args: Vec<String>,
    /// The idempotency token (default: a new one). Submitting again with the same token gives
    /// the run it started, if it started one, instead of a second run.
    #[arg(long, value_name = "TOKEN")]
    pub idempotency_token: Option<String>,
    #[command(flatten)]
    pub create: CreateArgs,
}

#[derive(Debug, Clone, Args)]
pub struct AclArgs {
    /// The secret scope.
    pub scope: String,
    /// A user name, group name or service principal application id.
    pub principal: String,
    #[command(flatten)]
    pub ws: WorkspaceArgs,
}

#[derive(Debug, Clone, Args)]
pub struct AclPutArgs {
    /// The secret scope.
    pub scope: String,
    /// A user name, group name or service principal application id.
    pub principal: String,
    /// READ lists and reads secrets, WRITE also puts and deletes them, MANAGE also changes ACLs.
    #[arg(long, value_enum)]
    pub permission: AclPermissionArg,
    #[command(flatten)]
    pub ws: WorkspaceArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AclPermissionArg {
    #[value(alias = "READ")]
    Read,
    #[value(alias = "WRITE")]
    Write,
    #[value(alias = "MANAGE")]
    Manage,
}

#[derive(Debug, Clone, Args)]
pub struct PrincipalAddArgs {
    /// The Microsoft Entra application (client) id of the service principal.
    pub application_id: String,
    /// Its name in the workspace (default: the application id).
    #[arg(long, value_name = "NAME")]
    pub display_name: Option<String>,
    #[command(flatten)]
    pub ws: WorkspaceArgs,
}
