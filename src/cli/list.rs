//! `sparkdeck sessions|batches|clusters|runs list`: fetch from every workspace, filter, print.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use secrecy::SecretString;

use super::ListArgs;
use super::output::{self, Format};
use crate::api::databricks::RunFilter;
use crate::api::{ApiError, DatabricksClient, Endpoint, LivyClient};
use crate::auth::StaticBearer;
use crate::domain::convert::{cluster_row, livy_row, run_row};
use crate::domain::{Kind, Resource, Status};
use crate::sim::{Sim, SimOptions};

/// One workspace's client, by service.
enum Target {
    Livy { workspace: String, lakehouse: String, client: LivyClient },
    Databricks { workspace: String, client: DatabricksClient },
}

impl Target {
    fn workspace(&self) -> &str {
        match self {
            Target::Livy { workspace, .. } | Target::Databricks { workspace, .. } => workspace,
        }
    }
}

/// The simulator's workspaces as a user's configuration would describe them.
fn demo_targets(sim: &Sim) -> Result<Vec<Target>, ApiError> {
    let http = crate::api::http::client()?;
    let mut targets = Vec::new();
    for ws in sim.shared().fabric().demo_workspaces() {
        let auth = Arc::new(StaticBearer::new("static", SecretString::from(ws.token.clone())));
        let ep = Endpoint::new(http.clone(), sim.base_url(), auth);
        for (lh_id, lh_name) in &ws.lakehouses {
            targets.push(Target::Livy {
                workspace: ws.name.clone(),
                lakehouse: lh_name.clone(),
                client: LivyClient::new(ep.clone(), &ws.workspace_id, lh_id),
            });
        }
    }
    for ws in sim.shared().databricks().demo_workspaces(sim.base_url()) {
        let auth = Arc::new(StaticBearer::new("pat", SecretString::from(ws.pat.clone())));
        let ep = Endpoint::new(http.clone(), ws.host.clone(), auth);
        targets.push(Target::Databricks { workspace: ws.name.clone(), client: DatabricksClient::new(ep) });
    }
    Ok(targets)
}

async fn fetch(target: &Target, kind: Kind, args: &ListArgs) -> Result<Vec<Resource>, ApiError> {
    let limit = args.limit;
    Ok(match (target, kind) {
        (Target::Livy { workspace, lakehouse, client }, Kind::Session) => client
            .sessions(limit)
            .await?
            .into_iter()
            .map(|v| livy_row(kind, workspace, Some(lakehouse), v))
            .collect(),
        (Target::Livy { workspace, lakehouse, client }, Kind::Batch) => client
            .batches(limit)
            .await?
            .into_iter()
            .map(|v| livy_row(kind, workspace, Some(lakehouse), v))
            .collect(),
        (Target::Databricks { workspace, client }, Kind::Cluster) => {
            client.clusters(&[], limit).await?.into_iter().map(|v| cluster_row(workspace, v)).collect()
        }
        (Target::Databricks { workspace, client }, Kind::Run) => {
            let filter =
                RunFilter { active_only: args.state.as_deref() == Some("active"), ..RunFilter::default() };
            client.runs(&filter, limit).await?.into_iter().map(|v| run_row(workspace, v)).collect()
        }
        _ => Vec::new(),
    })
}

/// `--state`: a unified status (`failed`), `active`, or the service's own word (`TERMINATED`).
fn state_matches(row: &Resource, wanted: &str) -> bool {
    if wanted.eq_ignore_ascii_case("active") {
        return row.status.is_active();
    }
    match Status::parse(wanted) {
        Some(s) => row.status == s,
        None => {
            let raw = row.raw_state.split(' ').next().unwrap_or(&row.raw_state);
            raw.eq_ignore_ascii_case(wanted)
        }
    }
}

pub async fn run(kind: Kind, args: ListArgs, demo: bool) -> ExitCode {
    if !demo {
        eprintln!(
            "sparkdeck: reading workspaces from config.toml is not built yet; run `sparkdeck --demo {} list` to use the simulator.",
            kind.plural()
        );
        return ExitCode::from(2);
    }
    let sim = match Sim::start(std::net::SocketAddr::from(([127, 0, 0, 1], 0)), SimOptions::default()).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("sparkdeck: cannot start the simulator: {e}");
            return ExitCode::from(1);
        }
    };
    let code = list(kind, &args, &sim).await;
    sim.shutdown().await;
    code
}

async fn list(kind: Kind, args: &ListArgs, sim: &Sim) -> ExitCode {
    let targets = match demo_targets(sim) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("sparkdeck: {e}");
            return ExitCode::from(1);
        }
    };
    if let Some(name) = &args.workspace
        && !targets.iter().any(|t| t.workspace() == name)
    {
        let mut names: Vec<&str> = targets.iter().map(Target::workspace).collect();
        names.dedup();
        eprintln!("sparkdeck: no workspace named {name:?}; configured: {}", names.join(", "));
        return ExitCode::from(2);
    }
    let chosen = targets.iter().filter(|t| args.workspace.as_ref().is_none_or(|n| t.workspace() == n));
    let results = futures::future::join_all(chosen.map(|t| fetch(t, kind, args))).await;
    let mut rows = Vec::new();
    let mut failed = false;
    for result in results {
        match result {
            Ok(mut r) => rows.append(&mut r),
            Err(e) => {
                failed = true;
                eprintln!("sparkdeck: {e}");
            }
        }
    }
    if let Some(state) = &args.state {
        rows.retain(|r| state_matches(r, state));
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.last_activity()));
    rows.truncate(args.limit);
    let text = match args.output {
        Format::Json => output::json(&rows),
        Format::Table => output::table(kind, &rows, width(), jiff::Timestamp::now()),
    };
    print!("{text}");
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// The terminal's width; `COLUMNS` when set; otherwise (piped) no limit.
fn width() -> u16 {
    if let Some(cols) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return cols;
    }
    if std::io::stdout().is_terminal() {
        return crossterm::terminal::size().map(|(w, _)| w).unwrap_or(80);
    }
    u16::MAX
}
