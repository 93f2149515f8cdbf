use clap::Parser;
use sparkdeck::cli::{Cli, Command, list};
use sparkdeck::domain::Kind;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("sparkdeck: cannot start the async runtime: {err}");
            return std::process::ExitCode::from(1);
        }
    };
    runtime.block_on(async move {
        match cli.command {
            Some(Command::Sim(args)) => sparkdeck::cli::run_sim(args).await,
            Some(Command::Sessions { action }) => list::dispatch(Kind::Session, action, cli.demo).await,
            Some(Command::Batches { action }) => list::dispatch(Kind::Batch, action, cli.demo).await,
            Some(Command::Clusters { action }) => list::dispatch(Kind::Cluster, action, cli.demo).await,
            Some(Command::Runs { action }) => list::dispatch(Kind::Run, action, cli.demo).await,
            None => sparkdeck::cli::run_default(cli.demo).await,
        }
    })
}
