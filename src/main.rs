use std::process::ExitCode;

use clap::Parser;
use sparkdeck::cli::context::{CmdResult, Context};
use sparkdeck::cli::{Cli, Command, GlobalArgs, account, doctor, principals, resources};

mod allocator;

#[global_allocator]
static ALLOC: allocator::Allocator = allocator::Allocator;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let monitor = cli.command.is_none();
    // The monitor and the simulator are long-lived and allocate all the time (a page of 100
    // clusters is a few thousand small blocks); headless commands stay on the system
    // allocator, whose peak a 10k-row listing keeps under 40 MiB (`allocator`).
    if monitor || matches!(cli.command, Some(Command::Sim(_))) {
        allocator::use_mimalloc();
    }
    let _log = sparkdeck::cli::logging::init();
    let runtime = match runtime_for(monitor).build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("sparkdeck: cannot start the async runtime: {err}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async move {
        let result = match cli.command {
            Some(Command::Sim(args)) => sparkdeck::cli::run_sim(args).await,
            Some(Command::Completion(args)) => sparkdeck::cli::completion::run(&args),
            None => sparkdeck::cli::run_default(&cli.global).await,
            Some(command) => headless(&cli.global, command).await,
        };
        // A failure has been reported already; only its exit status is left to give.
        result.err().unwrap_or(ExitCode::SUCCESS)
    })
}

/// The monitor (`monitor`) runs its event loop on this thread (`block_on`) and its polls on one
/// worker: idle, a poll's answer then wakes one thread, not whichever of several workers the
/// scheduler unparks to steal it, and an idle worker has no sibling to look for work at. A
/// headless command (and the simulator) keeps a worker per core; its own futures run on this
/// thread, its connections' reads on the workers.
fn runtime_for(monitor: bool) -> tokio::runtime::Builder {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if monitor {
        builder.worker_threads(1);
    }
    builder.enable_all();
    builder
}

/// A command on the configured workspaces, which stay open while it runs.
async fn headless(global: &GlobalArgs, command: Command) -> CmdResult {
    // A line on the terminal while a service keeps us waiting (cleared before anything prints).
    let _progress = sparkdeck::cli::progress::Progress::start();
    let ctx = Context::open(global).await?;
    let result = match command {
        Command::Sessions(cmd) => resources::sessions(&ctx, cmd).await,
        Command::Batches(cmd) => resources::batches(&ctx, cmd).await,
        Command::Clusters(cmd) => resources::clusters(&ctx, cmd).await,
        Command::Runs(cmd) => resources::runs(&ctx, cmd).await,
        Command::Jobs(cmd) => sparkdeck::cli::jobs::jobs(&ctx, cmd).await,
        Command::Tokens(cmd) => account::tokens(&ctx, cmd).await,
        Command::Secrets(cmd) => account::secrets(&ctx, cmd).await,
        Command::Principals(cmd) => principals::principals(&ctx, cmd).await,
        Command::Doctor(args) => doctor::doctor(&ctx, &args).await,
        Command::Sim(_) | Command::Completion(_) => unreachable!("handled in main"),
    };
    ctx.close().await;
    result
}
