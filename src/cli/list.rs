//! `sparkdeck sessions|batches|clusters|runs list`: fetch from every workspace, filter, print.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use secrecy::SecretString;

use super::output::{self, Format};
use super::{GetArgs, ListAction, ListArgs};
use crate::api::databricks::{ClusterFilter, RunFilter};
use crate::api::{ApiError, ApiKind, DatabricksClient, Endpoint, ErrorKind, LivyClient};
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
        let ep = Endpoint::new(http.clone(), ApiKind::Fabric, sim.base_url(), auth);
        for (lh_id, lh_name) in &ws.lakehouses {
            targets.push(Target::Livy {
                workspace: ws.name.clone(),
                lakehouse: lh_name.clone(),
                client: LivyClient::new(ep.clone(), &ws.workspace_id, lh_id)?,
            });
        }
    }
    for ws in sim.shared().databricks().demo_workspaces(sim.base_url()) {
        let auth = Arc::new(StaticBearer::new("pat", SecretString::from(ws.pat.clone())));
        let ep = Endpoint::new(http.clone(), ApiKind::Databricks, ws.host.clone(), auth);
        targets.push(Target::Databricks { workspace: ws.name.clone(), client: DatabricksClient::new(ep) });
    }
    Ok(targets)
}

async fn fetch(target: &Target, kind: Kind, args: &ListArgs) -> Result<Vec<Resource>, ApiError> {
    let limit = args.limit;
    Ok(match (target, kind) {
        (Target::Livy { workspace, lakehouse, client }, Kind::Session) => client
            .sessions()
            .collect(limit)
            .await?
            .into_iter()
            .map(|v| livy_row(kind, workspace, Some(lakehouse), v.raw))
            .collect(),
        (Target::Livy { workspace, lakehouse, client }, Kind::Batch) => client
            .batches()
            .collect(limit)
            .await?
            .into_iter()
            .map(|v| livy_row(kind, workspace, Some(lakehouse), v.raw))
            .collect(),
        (Target::Databricks { workspace, client }, Kind::Cluster) => {
            let clusters = client.clusters(&ClusterFilter::default()).collect(limit).await?;
            clusters.into_iter().map(|v| cluster_row(workspace, v.raw)).collect()
        }
        (Target::Databricks { workspace, client }, Kind::Run) => {
            let filter =
                RunFilter { active_only: args.state.as_deref() == Some("active"), ..RunFilter::default() };
            client
                .runs(&filter)
                .collect(limit)
                .await?
                .into_iter()
                .map(|v| run_row(workspace, v.raw))
                .collect()
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

/// `sparkdeck <kind> list|get`.
pub async fn dispatch(kind: Kind, action: ListAction, demo: bool) -> ExitCode {
    if !demo {
        eprintln!(
            "sparkdeck: reading workspaces from config.toml is not built yet; run `sparkdeck --demo {} ...` to use the simulator.",
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
    let code = match action {
        ListAction::List(args) => list(kind, &args, &sim).await,
        ListAction::Get(args) => get(kind, &args, &sim).await,
    };
    sim.shutdown().await;
    code
}

/// The targets named by `--workspace` (all when absent); a name that matches none is a usage
/// error listing the valid names.
fn select<'a>(targets: &'a [Target], workspace: Option<&String>) -> Result<Vec<&'a Target>, ExitCode> {
    if let Some(name) = workspace
        && !targets.iter().any(|t| t.workspace() == name)
    {
        let mut names: Vec<&str> = targets.iter().map(Target::workspace).collect();
        names.dedup();
        eprintln!("sparkdeck: no workspace named {name:?}; configured: {}", names.join(", "));
        return Err(ExitCode::from(2));
    }
    Ok(targets.iter().filter(|t| workspace.is_none_or(|n| t.workspace() == n)).collect())
}

/// One item from one target: `Ok(None)` when this target does not hold it.
async fn fetch_one(target: &Target, kind: Kind, id: &str) -> Result<Option<Resource>, ApiError> {
    let found = match (target, kind) {
        (Target::Livy { workspace, lakehouse, client }, Kind::Session) => {
            client.session(id).await.map(|v| livy_row(kind, workspace, Some(lakehouse), v.raw))
        }
        (Target::Livy { workspace, lakehouse, client }, Kind::Batch) => {
            client.batch(id).await.map(|v| livy_row(kind, workspace, Some(lakehouse), v.raw))
        }
        (Target::Databricks { workspace, client }, Kind::Cluster) => {
            client.cluster(id).await.map(|v| cluster_row(workspace, v.raw))
        }
        (Target::Databricks { workspace, client }, Kind::Run) => match id.parse::<i64>() {
            Ok(n) => client.run(n).await.map(|v| run_row(workspace, v.raw)),
            Err(_) => return Ok(None),
        },
        _ => return Ok(None),
    };
    match found {
        // Early Fabric polls carry only the acquisition state, not even the id.
        Ok(mut row) => {
            if row.id.is_empty() {
                row.id = id.to_string();
            }
            Ok(Some(row))
        }
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

async fn get(kind: Kind, args: &GetArgs, sim: &Sim) -> ExitCode {
    if kind == Kind::Run && args.id.parse::<i64>().is_err() {
        eprintln!("sparkdeck: run ids are numbers, got {:?}", args.id);
        return ExitCode::from(2);
    }
    let targets = match demo_targets(sim) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("sparkdeck: {e}");
            return ExitCode::from(1);
        }
    };
    let chosen = match select(&targets, args.workspace.as_ref()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut failures = Vec::new();
    for target in chosen {
        match fetch_one(target, kind, &args.id).await {
            Ok(Some(row)) => {
                let text = match args.output {
                    Format::Json => {
                        serde_json::to_string_pretty(&output::row_json(&row)).unwrap_or_default() + "\n"
                    }
                    Format::Table => output::detail(&row, jiff::Timestamp::now()),
                };
                print!("{text}");
                return ExitCode::SUCCESS;
            }
            Ok(None) => {}
            Err(e) => failures.push(e),
        }
    }
    for e in &failures {
        eprintln!("sparkdeck: {e}");
    }
    eprintln!("sparkdeck: no {} with id {:?} found", kind.singular(), args.id);
    ExitCode::from(1)
}

async fn list(kind: Kind, args: &ListArgs, sim: &Sim) -> ExitCode {
    let targets = match demo_targets(sim) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("sparkdeck: {e}");
            return ExitCode::from(1);
        }
    };
    let chosen = match select(&targets, args.workspace.as_ref()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let results = futures::future::join_all(chosen.into_iter().map(|t| fetch(t, kind, args))).await;
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
