use clap::Parser;
use sparkdeck::cli::context::Context;
use sparkdeck::cli::{Cli, Command, account, actions, doctor};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let _log = sparkdeck::cli::logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("sparkdeck: cannot start the async runtime: {err}");
            return std::process::ExitCode::from(1);
        }
    };
    runtime.block_on(async move {
        let command = match cli.command {
            Some(Command::Sim(args)) => return sparkdeck::cli::run_sim(args).await,
            None => return sparkdeck::cli::run_default(&cli.global).await,
            Some(command) => command,
        };
        let ctx = match Context::open(&cli.global).await {
            Ok(ctx) => ctx,
            Err(code) => return code,
        };
        let code = match command {
            Command::Sessions(cmd) => actions::sessions(&ctx, cmd).await,
            Command::Batches(cmd) => actions::batches(&ctx, cmd).await,
            Command::Clusters(cmd) => actions::clusters(&ctx, cmd).await,
            Command::Runs(cmd) => actions::runs(&ctx, cmd).await,
            Command::Tokens(cmd) => account::tokens(&ctx, cmd).await,
            Command::Secrets(cmd) => account::secrets(&ctx, cmd).await,
            Command::Doctor(args) => doctor::doctor(&ctx, &args).await,
            Command::Sim(_) => unreachable!("handled above"),
        };
        ctx.close().await;
        code
    })
}
