//! Command-line definitions (clap) and the entry points `main` dispatches to.

pub mod account;
pub mod alerts;
pub mod cluster_create;
pub mod completion;
pub mod context;
mod create_args;
pub mod created;
pub mod demo;
pub mod doctor;
pub mod exec;
pub mod jobs;
pub mod jobs_run;
mod jobs_text;
pub mod json_output;
pub mod keys;
pub mod list;
pub mod list_options;
pub mod logging;
pub mod monitor;
pub mod output;
pub mod principals;
pub mod progress;
pub mod resources;
pub mod row_output;
pub mod runs_submit;
pub mod scopes;
pub mod spec_input;
pub mod submit;
mod wait;
mod wait_line;
mod watch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use self::context::CmdResult;
pub use self::create_args::*;
use crate::sim::{FaultSpec, Sim, SimOptions};

/// Terminal monitor and console for Spark in Microsoft Fabric (Livy) and Azure Databricks.
///
/// With no command, opens the monitor (`?` lists its keys; `n` starts a session, batch, cluster
/// or run from a form; `space` marks rows that `c`, `t`, `K` and `w` then act on at once; `o`
/// opens an item in the browser). Workspaces come from config.toml (--config,
/// $SPARKDECK_CONFIG, or the platform config directory) and, for Databricks, from
/// ~/.databrickscfg and DATABRICKS_* variables like the official CLI.
/// Text output drops the terminal escapes a server may send; `-o json` (and `-o yaml`, `-o csv`
/// of list and get) keeps every value exactly.
/// Exit status: 0 success (an empty list included), 1 an API error or an item not found, 2 a
/// usage or configuration error. `NO_COLOR` turns colours off.
#[derive(Debug, Parser)]
#[command(name = "sparkdeck", version, about, long_about)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command takes.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// Run against the embedded simulator instead of real workspaces (no credentials needed).
    #[arg(long, global = true)]
    pub demo: bool,
    /// With --demo: how fast the simulator's clock runs (10 = sessions start in seconds
    /// instead of the real services' minute).
    #[arg(long, global = true, value_name = "X", default_value_t = 1.0, value_parser = positive_speed)]
    pub demo_speed: f64,
    /// The config file to read (default: $SPARKDECK_CONFIG, else config.toml in the platform
    /// config directory).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

fn positive_speed(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x <= 1000.0 => Ok(x),
        _ => Err(format!("{text:?} is not a speed between 0 and 1000 (1 = real time)")),
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the simulated Fabric Livy and Databricks REST APIs on loopback until interrupted.
    Sim(SimArgs),
    /// Fabric Livy sessions.
    #[command(subcommand)]
    Sessions(SessionsCommand),
    /// Fabric Livy batches.
    #[command(subcommand)]
    Batches(BatchesCommand),
    /// Databricks clusters.
    #[command(subcommand)]
    Clusters(ClustersCommand),
    /// Databricks job runs.
    #[command(subcommand)]
    Runs(RunsCommand),
    /// Databricks jobs: list them with their last runs, show one, run one now, repair a run,
    /// cancel a job's runs.
    #[command(subcommand)]
    Jobs(jobs::JobsCommand),
    /// Databricks personal access tokens of the signed-in identity.
    #[command(subcommand)]
    Tokens(TokensCommand),
    /// Databricks secret scopes, secrets and their ACLs.
    #[command(subcommand)]
    Secrets(SecretsCommand),
    /// Databricks service principals of the workspace (SCIM).
    #[command(subcommand)]
    Principals(PrincipalsCommand),
    /// Check every configured workspace: identity, token audience and expiry, a live call,
    /// and the fix when something fails.
    Doctor(DoctorArgs),
    /// Print a completion script for bash, zsh, fish, elvish or PowerShell.
    Completion(completion::CompletionArgs),
}

#[derive(Debug, Subcommand)]
pub enum SessionsCommand {
    /// List across every workspace, most recent first.
    List(ListArgs),
    /// Show one session by id (searched in every workspace unless --workspace is given).
    Get(GetArgs),
    /// Stop a session (Livy DELETE).
    Delete(ActionArgs),
    /// Restart a session's 20-minute idle countdown.
    KeepAlive(TargetArgs),
    /// Run code once and print what it produced: in a REPL of sparkdeck's own (a Fabric
    /// high-concurrency session, given back afterwards) or, with --session, in an existing one.
    Exec(SessionExecArgs),
    /// Create a Livy session and print its id (--wait: until it is idle).
    Create(SessionCreateArgs),
}

#[derive(Debug, Subcommand)]
pub enum BatchesCommand {
    /// List across every workspace, most recent first.
    List(ListArgs),
    /// Show one batch by id.
    Get(GetArgs),
    /// Cancel a batch (Livy DELETE).
    Cancel(ActionArgs),
    /// Submit a Livy batch job and print its id. A local FILE (and local --py-files, --jars,
    /// --files, --archives) is first uploaded to the lakehouse's Files/sparkdeck/uploads/ through
    /// OneLake. --wait follows it to the end (exit 1 unless it succeeded); --logs prints its log
    /// meanwhile.
    Submit(BatchSubmitArgs),
    /// Submit a batch again as it was submitted (its livyInfo.jobCreationRequest), edited by
    /// --json and the flags.
    Resubmit(BatchResubmitArgs),
}

#[derive(Debug, Subcommand)]
pub enum ClustersCommand {
    /// List across every workspace, most recent first.
    List(ListArgs),
    /// Show one cluster by id.
    Get(GetArgs),
    /// Start a terminated cluster (--wait: until RUNNING).
    Start(ActionArgs),
    /// Restart a running cluster (--wait: until RUNNING again).
    Restart(ActionArgs),
    /// Terminate a cluster; it can be started again (--wait: until TERMINATED).
    Terminate(ActionArgs),
    /// Change a running cluster's size.
    Resize(ResizeArgs),
    /// Pin a cluster so it is kept in the cluster list.
    Pin(TargetArgs),
    /// Unpin a cluster.
    Unpin(TargetArgs),
    /// A cluster's most recent events, oldest first (newest last), as the monitor shows them.
    Events(EventsArgs),
    /// Run code once on a running all-purpose cluster (an execution context, destroyed
    /// afterwards) and print what it produced.
    Exec(ClusterExecArgs),
    /// Create a cluster from --json (the Clusters API body) or the flags; print its id
    /// (--wait: until RUNNING).
    Create(ClusterCreateArgs),
    /// Replace a cluster's configuration (a RUNNING cluster restarts); --json or the flags are
    /// laid over its current configuration.
    Edit(ClusterEditArgs),
    /// Delete a terminated cluster for good: it disappears from lists and cannot be started.
    DeletePermanently(ClusterDeleteArgs),
    /// The Databricks runtimes (spark_version keys) the workspace offers.
    SparkVersions(WorkspaceArgs),
    /// The node types the workspace offers.
    NodeTypes(WorkspaceArgs),
}

#[derive(Debug, Subcommand)]
pub enum RunsCommand {
    /// List across every workspace, most recent first (--job-id, --since: asked of the service).
    List(RunsListArgs),
    /// Show one run by id.
    Get(GetArgs),
    /// Cancel a run (--wait: until it has ended).
    Cancel(ActionArgs),
    /// Cancel every active run of a job (or every queued run with --all-queued).
    CancelAll(CancelAllArgs),
    /// Start a job now and print the new run's id (--wait: until the run ends; exit 1 unless it
    /// succeeded); the same as `jobs run-now`.
    RunNow(RunNowArgs),
    /// Re-run a run's failed tasks (or --task KEY ...) and the tasks that depend on them; the
    /// same as `jobs repair`.
    Repair(jobs_run::RepairArgs),
    /// A run's output: result, error and stack trace, logs.
    Output(TargetArgs),
    /// Submit a one-time run (jobs/runs/submit) and print its id (--wait: until it ends; exit 1
    /// unless it succeeded).
    Submit(Box<RunSubmitArgs>),
}

#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// List tokens (never their values).
    List(AccountListArgs),
    /// Create a token and print its value once.
    Create(TokenCreateArgs),
    /// Revoke a token by its id.
    Revoke(TokenRevokeArgs),
}

#[derive(Debug, Subcommand)]
pub enum SecretsCommand {
    /// List secret scopes.
    Scopes(AccountListArgs),
    /// List the keys in a scope (never the values).
    List(ScopeListArgs),
    /// Store a secret: from --value-env, or read from standard input.
    Put(SecretPutArgs),
    /// Delete a secret.
    Delete(SecretKeyArgs),
    /// Create a Databricks-backed secret scope (you get MANAGE on it).
    CreateScope(SecretScopeArgs),
    /// Delete a secret scope and every secret in it.
    DeleteScope(SecretScopeArgs),
    /// The ACLs of a scope: who may READ, WRITE or MANAGE it.
    Acls(ScopeListArgs),
    /// One principal's permission on a scope: get, put or delete it.
    #[command(subcommand)]
    Acl(AclCommand),
}

#[derive(Debug, Subcommand)]
pub enum AclCommand {
    /// The principal's permission on the scope.
    Get(AclArgs),
    /// Grant the principal a permission on the scope (replacing any other).
    Put(AclPutArgs),
    /// Take the principal's permission away.
    Delete(AclArgs),
}

#[derive(Debug, Subcommand)]
pub enum PrincipalsCommand {
    /// The workspace's service principals.
    List(AccountListArgs),
    /// Add a Microsoft Entra service principal (by its application id) to the workspace.
    Add(PrincipalAddArgs),
}

#[derive(Debug, Clone, Args)]
pub struct WorkspaceArgs {
    /// The workspace (its display name); needed when more than one could serve the command.
    #[arg(long)]
    pub workspace: Option<String>,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = output::Format::Table)]
    pub output: output::Format,
}

/// A list of one Databricks workspace (tokens, secret scopes and keys, ACLs, principals).
#[derive(Debug, Clone, Args)]
pub struct AccountListArgs {
    /// The workspace (its display name); needed when more than one could serve the command.
    #[arg(long)]
    pub workspace: Option<String>,
    #[command(flatten)]
    pub out: RowOutputArgs,
    /// Only these columns of the table or CSV, in this order: the headings in lower case, `_`
    /// between words (e.g. `token_id,expires`); an unknown name lists the valid ones.
    #[arg(long, value_name = "A,B,C")]
    pub columns: Option<String>,
}

/// The list of one secret scope (its keys, its ACLs).
#[derive(Debug, Clone, Args)]
pub struct ScopeListArgs {
    pub scope: String,
    #[command(flatten)]
    pub list: AccountListArgs,
}

/// Code to run once.
#[derive(Debug, Clone, Args)]
pub struct CodeArgs {
    /// The code. Without it (or with `-`), it is read from standard input.
    pub code: Option<String>,
    /// Read the code from this file.
    #[arg(long, conflicts_with = "code", value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// The language (default: from the file's extension .py .scala .sql .r, else pyspark).
    #[arg(short = 'l', long, value_enum)]
    pub language: Option<LanguageArg>,
    /// Output format (`json`: `{"workspace", "status", "output"}`, table cells typed as the
    /// service sent them; `csv`: a result table as CSV, anything else as with `table`).
    #[arg(short = 'o', long = "output", value_enum, default_value_t = exec::ExecFormat::Table)]
    pub output: exec::ExecFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LanguageArg {
    #[value(alias = "python")]
    Pyspark,
    #[value(alias = "spark")]
    Scala,
    Sql,
    #[value(alias = "sparkr")]
    R,
}

#[derive(Debug, Clone, Args)]
pub struct SessionExecArgs {
    #[command(flatten)]
    pub code: CodeArgs,
    /// The Fabric workspace (its display name); needed when more than one is configured.
    #[arg(long)]
    pub workspace: Option<String>,
    /// The lakehouse (its name or id; default: the first configured).
    #[arg(long)]
    pub lakehouse: Option<String>,
    /// Run in this existing Livy session instead (it is left running).
    #[arg(long, value_name = "ID", conflicts_with = "tag")]
    pub session: Option<String>,
    /// The high-concurrency session tag to share (default: the workspace's `[fabric.repl]`
    /// tag, else "sparkdeck").
    #[arg(long)]
    pub tag: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ClusterExecArgs {
    /// The cluster id (it must be running).
    pub cluster_id: String,
    /// The Databricks workspace (its display name); needed when more than one is configured.
    #[arg(long)]
    pub workspace: Option<String>,
    #[command(flatten)]
    pub code: CodeArgs,
}

/// One item, by id.
#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// The session, batch, cluster or run id.
    pub id: String,
    /// Only look in this workspace (its display name); otherwise every workspace is searched.
    #[arg(long)]
    pub workspace: Option<String>,
    /// Output format (`json` prints the API's object with `workspace`, `id`, `name`, `state`).
    #[arg(short = 'o', long = "output", value_enum, default_value_t = output::Format::Table)]
    pub output: output::Format,
}

/// One item to show, by id.
#[derive(Debug, Clone, Args)]
pub struct GetArgs {
    /// The session, batch, cluster or run id.
    pub id: String,
    /// Only look in this workspace (its display name); otherwise every workspace is searched.
    #[arg(long)]
    pub workspace: Option<String>,
    #[command(flatten)]
    pub out: RowOutputArgs,
    /// Only these fields, as `list --columns` (a one-row table, or CSV).
    #[arg(long, value_name = "A,B,C")]
    pub columns: Option<String>,
}

/// How `list` and `get` print rows.
#[derive(Debug, Clone, Copy, Args)]
pub struct RowOutputArgs {
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = row_output::RowFormat::Table)]
    pub output: row_output::RowFormat,
    /// Leave out the header line (table, wide, csv): only rows, for scripts.
    #[arg(long)]
    pub no_header: bool,
}

/// An item to act on, optionally waiting for the outcome.
#[derive(Debug, Clone, Args)]
pub struct ActionArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    #[command(flatten)]
    pub wait: WaitArgs,
}

#[derive(Debug, Clone, Copy, Args)]
pub struct WaitArgs {
    /// Wait until the action has taken effect, showing progress on a terminal.
    #[arg(long)]
    pub wait: bool,
    /// Give up waiting after this many seconds (exit 1).
    #[arg(long, default_value_t = 1200, value_name = "SECONDS")]
    pub timeout: u64,
}

#[derive(Debug, Clone, Args)]
pub struct ResizeArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// A fixed number of workers.
    #[arg(long, conflicts_with = "autoscale", required_unless_present = "autoscale")]
    pub workers: Option<u32>,
    /// An autoscale range, MIN:MAX (e.g. 2:8).
    #[arg(long, value_name = "MIN:MAX")]
    pub autoscale: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct EventsArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// At most this many events.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

#[derive(Debug, Clone, Args)]
pub struct CancelAllArgs {
    /// The job whose active runs to cancel.
    #[arg(long, required_unless_present = "all_queued")]
    pub job_id: Option<i64>,
    /// Cancel every queued run (of the job, or of the workspace without --job-id).
    #[arg(long)]
    pub all_queued: bool,
    /// The workspace (its display name); needed when several Databricks workspaces are configured.
    #[arg(long)]
    pub workspace: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct RunNowArgs {
    /// The job to run.
    pub job_id: i64,
    /// A job parameter, KEY=VALUE (repeatable; wins over the same key in --json-params).
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Job parameters from a JSON object of names and values (`{"env": "dev", "days": 3}`) in
    /// FILE, or on standard input with `-`.
    #[arg(long, value_name = "FILE|-")]
    pub json_params: Option<String>,
    /// The workspace (its display name); without it, the one Databricks workspace that has the
    /// job.
    #[arg(long)]
    pub workspace: Option<String>,
    #[command(flatten)]
    pub wait: WaitArgs,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = output::Format::Table)]
    pub output: output::Format,
}

#[derive(Debug, Clone, Args)]
pub struct TokenCreateArgs {
    /// A note shown in token lists.
    #[arg(long)]
    pub comment: Option<String>,
    /// Lifetime in seconds (default: the workspace's maximum).
    #[arg(long, value_name = "SECONDS")]
    pub lifetime_seconds: Option<i64>,
    #[command(flatten)]
    pub ws: WorkspaceArgs,
}

#[derive(Debug, Clone, Args)]
pub struct TokenRevokeArgs {
    /// The token id (from `tokens list`), not its value.
    pub token_id: String,
    #[command(flatten)]
    pub ws: WorkspaceArgs,
}

#[derive(Debug, Clone, Args)]
pub struct SecretScopeArgs {
    pub scope: String,
    #[command(flatten)]
    pub ws: WorkspaceArgs,
}

#[derive(Debug, Clone, Args)]
pub struct SecretKeyArgs {
    pub scope: String,
    pub key: String,
    #[command(flatten)]
    pub ws: WorkspaceArgs,
}

#[derive(Debug, Clone, Args)]
pub struct SecretPutArgs {
    pub scope: String,
    pub key: String,
    /// Read the value from this environment variable instead of standard input (a value is never
    /// taken on the command line, where other users and shell history could see it).
    #[arg(long, value_name = "VARIABLE")]
    pub value_env: Option<String>,
    #[command(flatten)]
    pub ws: WorkspaceArgs,
}

#[derive(Debug, Clone, Args)]
pub struct DoctorArgs {
    /// Only this workspace.
    #[arg(long)]
    pub workspace: Option<String>,
}

/// `runs list`: the shared list options, and the runs the service is asked for.
#[derive(Debug, Clone, Args)]
pub struct RunsListArgs {
    #[command(flatten)]
    pub list: ListArgs,
    /// Only runs of this job (asked of the service: `job_id`).
    #[arg(long, value_name = "ID")]
    pub job_id: Option<i64>,
    /// Only runs started since: a time ago (30m, 2h, 1d, 1w) or an RFC 3339 time (asked of the
    /// service: `start_time_from`).
    #[arg(long, value_name = "AGO|TIME")]
    pub since: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Only this workspace (its display name).
    #[arg(long)]
    pub workspace: Option<String>,
    /// Only rows in this state: pending, ready, busy, succeeded, failed, cancelled, active, or the
    /// service's own word (e.g. TERMINATED, idle, a run's FAILED). Filtered before --limit:
    /// the 1,000 most recent items of each workspace are looked through.
    #[arg(long)]
    pub state: Option<String>,
    #[command(flatten)]
    pub out: RowOutputArgs,
    /// At most this many rows, the most recent first.
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
    /// Only these columns of the table or CSV, in this order, by the monitor's column names
    /// (`:columns`): e.g. `id,state,duration`; an unknown name lists the valid ones.
    #[arg(long, value_name = "A,B,C")]
    pub columns: Option<String>,
    /// Keep listing, as kubectl's --watch: the table once, then each new or changed row (with
    /// -o json, one object per line). Ctrl-C ends it (exit 0).
    #[arg(short = 'w', long)]
    pub watch: bool,
    /// With --watch: seconds between two listings (default: [poll] active_seconds).
    #[arg(long, value_name = "SECONDS", requires = "watch", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub interval: Option<u64>,
}

#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Address to listen on (loopback only; port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8089")]
    pub listen: SocketAddr,
    /// Seed for the demo data and for random faults (same seed, same behaviour).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Simulated seconds per real second (e.g. 60 makes a 2-minute cluster start take 2 s).
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Generate large volumes for benchmarks: N × (10k clusters, 100k runs, 10k sessions) / 10.
    #[arg(long, default_value_t = 0)]
    pub scale: u32,
    /// Fault injection, e.g. "429=0.1,500=0.05,latency=200ms", "/clusters/list:script=429+429+ok" or
    /// "POST@/jobs/run-now:503-after=0.5" (the work done, the answer lost); see README.
    #[arg(long)]
    pub faults: Option<String>,
    /// Print a config.toml for this simulator on standard output (the addresses and tokens
    /// above go to standard error), then serve: `sparkdeck sim --print-config > sim.toml`.
    #[arg(long)]
    pub print_config: bool,
    // The global options mean nothing to `sim`: these take their names so `sim --help` does
    // not list them, and say so when given.
    #[arg(id = "demo", long = "demo", hide = true)]
    pub not_demo: bool,
    // (The global --demo-speed always has a value: it is hidden here and means nothing.)
    #[arg(id = "demo_speed", long = "demo-speed", hide = true, value_parser = positive_speed)]
    pub not_demo_speed: Option<f64>,
    #[arg(id = "config", long = "config", hide = true)]
    pub not_config: Option<PathBuf>,
}

/// `sparkdeck sim`: serve until Ctrl-C, printing how to reach each API.
pub async fn run_sim(args: SimArgs) -> CmdResult {
    for (given, option, instead) in [
        (args.not_demo, "--demo", "the simulator is what --demo runs in-process"),
        (args.not_config.is_some(), "--config", "it reads no configuration; --print-config writes one"),
    ] {
        if given {
            return Err(sim_fail(2, format!("{option} does not apply to `sim`: {instead}")));
        }
    }
    if !args.listen.ip().is_loopback() {
        return Err(sim_fail(
            2,
            format!("refusing to listen on {} (the simulator serves loopback only)", args.listen),
        ));
    }
    let faults = args
        .faults
        .as_deref()
        .map(FaultSpec::parse)
        .transpose()
        .map_err(|err| sim_fail(2, format!("--faults: {err}")))?
        .unwrap_or_default();
    if !(args.speed > 0.0 && args.speed.is_finite()) {
        return Err(sim_fail(2, format!("--speed must be a positive number, got {}", args.speed)));
    }
    let opts = SimOptions {
        seed: args.seed,
        speed: args.speed,
        scale: args.scale,
        faults,
        start_ms: None,
        live: true,
    };
    let sim = Sim::start(args.listen, opts)
        .await
        .map_err(|err| sim_fail(1, format!("cannot listen on {}: {err}", args.listen)))?;
    if args.print_config {
        // The config on stdout, ready to redirect; the rest on stderr.
        print!("{}", demo::config_toml(&sim));
        // Out now: the simulator serves until interrupted.
        let _ = std::io::Write::flush(&mut std::io::stdout());
        for line in sim.info_lines() {
            eprintln!("{line}");
        }
    } else {
        for line in sim.info_lines() {
            println!("{line}");
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
    Ok(())
}

/// As [`context::fail`], in the simulator's own name.
fn sim_fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("sparkdeck sim: {message}");
    ExitCode::from(code)
}

/// No subcommand: the monitor.
pub async fn run_default(global: &GlobalArgs) -> CmdResult {
    monitor::run(global).await
}
