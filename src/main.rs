use clap::Parser;
use sparkdeck::cli::{Cli, Command, ListAction, list};
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
            Some(Command::Sessions { action: ListAction::List(args) }) => {
                list::run(Kind::Session, args, cli.demo).await
            }
            Some(Command::Batches { action: ListAction::List(args) }) => {
                list::run(Kind::Batch, args, cli.demo).await
            }
            Some(Command::Clusters { action: ListAction::List(args) }) => {
                list::run(Kind::Cluster, args, cli.demo).await
            }
            Some(Command::Runs { action: ListAction::List(args) }) => {
                list::run(Kind::Run, args, cli.demo).await
            }
            None => sparkdeck::cli::run_default(cli.demo).await,
        }
    })
}
