//! Command-line definitions (clap) and the entry points `main` dispatches to.

pub mod list;
pub mod output;

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::sim::{FaultSpec, Sim, SimOptions};

/// Terminal monitor and console for Spark in Microsoft Fabric (Livy) and Azure Databricks.
#[derive(Debug, Parser)]
#[command(name = "sparkdeck", version, about, long_about = None)]
pub struct Cli {
    /// Run against the embedded simulator instead of real workspaces (no credentials needed).
    #[arg(long, global = true)]
    pub demo: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the simulated Fabric Livy and Databricks REST APIs on loopback until interrupted.
    Sim(SimArgs),
    /// Fabric Livy sessions.
    Sessions {
        #[command(subcommand)]
        action: ListAction,
    },
    /// Fabric Livy batches.
    Batches {
        #[command(subcommand)]
        action: ListAction,
    },
    /// Databricks clusters.
    Clusters {
        #[command(subcommand)]
        action: ListAction,
    },
    /// Databricks job runs.
    Runs {
        #[command(subcommand)]
        action: ListAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum ListAction {
    /// List across every workspace, most recent first.
    List(ListArgs),
    /// Show one item by id (searched in every workspace unless --workspace is given).
    Get(GetArgs),
}

#[derive(Debug, Clone, Args)]
pub struct GetArgs {
    /// The session, batch, cluster or run id.
    pub id: String,
    /// Only look in this workspace (its display name).
    #[arg(long)]
    pub workspace: Option<String>,
    /// Output format (`json` prints the API's object with `workspace`, `id`, `name`, `state`).
    #[arg(short = 'o', long = "output", value_enum, default_value_t = output::Format::Table)]
    pub output: output::Format,
}

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Only this workspace (its display name).
    #[arg(long)]
    pub workspace: Option<String>,
    /// Only rows in this state: pending, ready, busy, succeeded, failed, cancelled, active, or the
    /// service's own word (e.g. TERMINATED, idle).
    #[arg(long)]
    pub state: Option<String>,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = output::Format::Table)]
    pub output: output::Format,
    /// At most this many rows (per workspace when fetching, in total when printing).
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
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
    /// Fault injection, e.g. "429=0.1,500=0.05,latency=200ms" or "/clusters/list:script=429+429+ok" (see README).
    #[arg(long)]
    pub faults: Option<String>,
}

/// `sparkdeck sim`: serve until Ctrl-C, printing how to reach each API.
pub async fn run_sim(args: SimArgs) -> ExitCode {
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "sparkdeck sim: refusing to listen on {} (the simulator serves loopback only)",
            args.listen
        );
        return ExitCode::from(2);
    }
    let faults = match args.faults.as_deref().map(FaultSpec::parse).transpose() {
        Ok(f) => f.unwrap_or_default(),
        Err(err) => {
            eprintln!("sparkdeck sim: --faults: {err}");
            return ExitCode::from(2);
        }
    };
    if !(args.speed > 0.0 && args.speed.is_finite()) {
        eprintln!("sparkdeck sim: --speed must be a positive number, got {}", args.speed);
        return ExitCode::from(2);
    }
    let opts = SimOptions { seed: args.seed, speed: args.speed, scale: args.scale, faults };
    let sim = match Sim::start(args.listen, opts).await {
        Ok(sim) => sim,
        Err(err) => {
            eprintln!("sparkdeck sim: cannot listen on {}: {err}", args.listen);
            return ExitCode::from(1);
        }
    };
    for line in sim.info_lines() {
        println!("{line}");
    }
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
    ExitCode::SUCCESS
}

/// No subcommand: the terminal UI. Until it lands, `--demo` serves the in-process simulator
/// (the same one the UI will use) and says how to reach it.
pub async fn run_default(demo: bool) -> ExitCode {
    if !demo {
        eprintln!(
            "sparkdeck: the terminal UI is not built yet. Try `sparkdeck --demo` or `sparkdeck sim --help`."
        );
        return ExitCode::from(2);
    }
    let sim = match Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), SimOptions::default()).await {
        Ok(sim) => sim,
        Err(err) => {
            eprintln!("sparkdeck: cannot start the simulator: {err}");
            return ExitCode::from(1);
        }
    };
    println!("sparkdeck demo: the simulated Fabric and Databricks workspaces are serving (Ctrl-C to stop).");
    println!("The terminal UI is not built yet; meanwhile the APIs answer at:");
    for line in sim.info_lines() {
        println!("  {line}");
    }
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
    ExitCode::SUCCESS
}
