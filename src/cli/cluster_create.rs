//! `sparkdeck clusters create|edit|delete-permanently|spark-versions|node-types`: the flags and
//! `--json` made into a cluster description for `workspace::create::clusters`.

use std::io::{BufRead, IsTerminal, Write};

use serde_json::json;

use super::context::{CmdResult, Context, fail};
use super::created::{self, invalid};
use super::output::{self, Format};
use super::spec_input;
use super::wait;
use super::{ClusterCreateArgs, ClusterDeleteArgs, ClusterEditArgs, ClusterSpecArgs, WorkspaceArgs};
use crate::api::databricks::ClusterSize;
use crate::api::databricks::models::ClusterState;
use crate::domain::Kind;
use crate::domain::create::{CreatedKind, NewCluster, Workers};
use crate::workspace::create::{clusters, key_values};
use crate::workspace::{Service, Workspace};

/// `MIN:MAX`, read as `clusters resize` reads it.
fn autoscale(text: &str) -> Result<Workers, String> {
    match super::resources::parse_autoscale(text)? {
        ClusterSize::Autoscale { min_workers, max_workers } => {
            Ok(Workers::Autoscale { min: min_workers, max: max_workers })
        }
        ClusterSize::Workers(n) => Ok(Workers::Fixed(n)),
    }
}

/// Lay the flags over a cluster description: each given flag replaces its field; `--spark-conf`
/// and `--tag` add entries.
fn apply(c: &mut NewCluster, f: &ClusterSpecArgs) -> Result<(), String> {
    for (flag, field) in [
        (&f.name, &mut c.name),
        (&f.spark_version, &mut c.spark_version),
        (&f.node_type, &mut c.node_type),
        (&f.driver_node_type, &mut c.driver_node_type),
    ] {
        if flag.is_some() {
            field.clone_from(flag);
        }
    }
    if let Some(n) = f.workers {
        c.workers = Some(Workers::Fixed(n));
    }
    if let Some(range) = &f.autoscale {
        c.workers = Some(autoscale(range)?);
    }
    if f.single_node {
        c.workers = Some(Workers::SingleNode);
    }
    if f.auto_termination.is_some() {
        c.auto_termination_minutes = f.auto_termination;
    }
    c.spark_conf.extend(key_values("--spark-conf", &f.spark_conf)?);
    c.tags.extend(key_values("--tag", &f.tags)?);
    Ok(())
}

fn from_json(arg: Option<&str>) -> CmdResult<NewCluster> {
    match arg {
        Some(a) => {
            let spec = spec_input::read(a).map_err(invalid)?;
            clusters::cluster_from_request(&spec).map_err(|why| invalid(format!("--json: {why}")))
        }
        None => Ok(NewCluster::default()),
    }
}

pub async fn create(ctx: &Context, args: &ClusterCreateArgs) -> CmdResult {
    let mut cluster = from_json(args.create.json.as_deref())?;
    apply(&mut cluster, &args.spec).map_err(invalid)?;
    let ws = ctx.one(args.spec.workspace.as_deref(), Service::Databricks)?;
    if !args.create.dry_run {
        ctx.allow_changes(ws)?;
    }
    let failed = |e| created::failure(ws, CreatedKind::Cluster, e);
    let body = clusters::prepare(ws, &cluster).await.map_err(failed)?;
    if args.create.dry_run {
        created::dry_run(ws, "the clusters/create request", body);
        return Ok(());
    }
    let new = clusters::create(ws, &body).await.map_err(failed)?;
    created::report(ws, &new, "is starting", Some(&body), args.create.output);
    if !args.create.wait.wait {
        return Ok(());
    }
    wait::wait(
        ws,
        Kind::Cluster,
        &new.id,
        wait::cluster_running,
        false,
        args.create.wait,
        ctx.settings.poll.active(),
    )
    .await
}

pub async fn edit(ctx: &Context, args: &ClusterEditArgs) -> CmdResult {
    let (ws, _) = if args.create.dry_run {
        super::list::find(ctx, Kind::Cluster, &args.id, args.spec.workspace.as_deref()).await?
    } else {
        super::list::find_to_change(ctx, Kind::Cluster, &args.id, args.spec.workspace.as_deref()).await?
    };
    let failed = |e| created::failure(ws, CreatedKind::Cluster, e);
    let (current, state) = clusters::current(ws, &args.id).await.map_err(failed)?;
    // The current configuration, with --json's fields laid over it, then the flags.
    let mut base = clusters::editable(&current);
    if let Some(arg) = &args.create.json {
        spec_input::overlay(&mut base, spec_input::read(arg).map_err(invalid)?);
    }
    let mut cluster =
        clusters::cluster_from_request(&base).map_err(|why| invalid(format!("--json: {why}")))?;
    apply(&mut cluster, &args.spec).map_err(invalid)?;
    let body = clusters::prepare(ws, &cluster).await.map_err(failed)?;
    if args.create.dry_run {
        created::dry_run(ws, &format!("the clusters/edit request for {}", args.id), body);
        return Ok(());
    }
    if !matches!(state, Some(ClusterState::Running | ClusterState::Terminated)) {
        let now = state.map(|s| s.to_string()).unwrap_or_else(|| "in an unknown state".into());
        return Err(fail(
            1,
            format!(
                "{}: cluster {} is {now}; the service edits only RUNNING or TERMINATED clusters (wait with `sparkdeck clusters get {}`)",
                ws.name, args.id, args.id
            ),
        ));
    }
    clusters::edit(ws, &args.id, &body).await.map_err(failed)?;
    let restarts = state == Some(ClusterState::Running);
    let note = if restarts {
        "edited; it restarts with the new configuration"
    } else {
        "edited (it stays terminated)"
    };
    match args.create.output {
        Format::Json => println!(
            "{}",
            output::json_text(
                &json!({"workspace": ws.name, "kind": "cluster", "id": args.id, "result": note, "request": body})
            )
        ),
        Format::Table => println!("{}: cluster {} {note}", ws.name, output::safe(&args.id)),
    }
    if args.create.wait.wait && restarts {
        return wait::wait(
            ws,
            Kind::Cluster,
            &args.id,
            wait::cluster_running,
            false,
            args.create.wait,
            ctx.settings.poll.active(),
        )
        .await;
    }
    Ok(())
}

pub async fn delete_permanently(ctx: &Context, args: &ClusterDeleteArgs) -> CmdResult {
    let (ws, row) =
        super::list::find_to_change(ctx, Kind::Cluster, &args.id, args.workspace.as_deref()).await?;
    if !args.yes {
        confirm_by_name(ws, &args.id, &row.name, &row.raw_state)?;
    }
    clusters::delete_permanently(ws, &args.id)
        .await
        .map_err(|e| created::failure(ws, CreatedKind::Cluster, e))?;
    let line = format!("{}: cluster {} ({}) permanently deleted", ws.name, args.id, row.name);
    println!("{}", output::safe(&line));
    Ok(())
}

/// Ask for the cluster's name to be typed; refuse without a terminal (use --yes there).
fn confirm_by_name(ws: &Workspace, id: &str, name: &str, state: &str) -> CmdResult {
    if !std::io::stdin().is_terminal() {
        return Err(fail(
            2,
            format!(
                "refusing to delete cluster {id} for good without --yes (standard input is not a terminal)"
            ),
        ));
    }
    eprint!(
        "{}: cluster {id} \"{name}\" is {state}. Deleting it permanently cannot be undone.\nType its name to confirm: ",
        ws.name
    );
    let _ = std::io::stderr().flush();
    let mut typed = String::new();
    let _ = std::io::stdin().lock().read_line(&mut typed);
    if typed.trim_end_matches(['\n', '\r']) != name {
        return Err(fail(1, "the name did not match; nothing was deleted"));
    }
    Ok(())
}

pub async fn spark_versions(ctx: &Context, args: &WorkspaceArgs) -> CmdResult {
    let ws = ctx.one(args.workspace.as_deref(), Service::Databricks)?;
    let versions =
        clusters::spark_versions(ws).await.map_err(|e| created::failure(ws, CreatedKind::Cluster, e))?;
    if args.output == Format::Json {
        println!("{}", output::json_text(&versions.iter().map(|v| &v.raw).collect::<Vec<_>>()));
        return Ok(());
    }
    let rows = versions
        .iter()
        .map(|v| vec![v.value.key.clone().unwrap_or_default(), v.value.name.clone().unwrap_or_default()])
        .collect();
    print!("{}", output::plain(&["KEY", "NAME"], rows, "No runtimes."));
    Ok(())
}

pub async fn node_types(ctx: &Context, args: &WorkspaceArgs) -> CmdResult {
    let ws = ctx.one(args.workspace.as_deref(), Service::Databricks)?;
    let nodes = clusters::node_types(ws).await.map_err(|e| created::failure(ws, CreatedKind::Cluster, e))?;
    if args.output == Format::Json {
        println!("{}", output::json_text(&nodes.iter().map(|v| &v.raw).collect::<Vec<_>>()));
        return Ok(());
    }
    let rows = nodes
        .iter()
        .filter(|n| n.value.is_hidden != Some(true))
        .map(|n| {
            let n = &n.value;
            let memory = n.memory_mb.map(|m| format!("{:.0} GB", m as f64 / 1024.0)).unwrap_or_default();
            let mut category = n.category.clone().unwrap_or_default();
            if n.is_deprecated == Some(true) {
                category += " (deprecated)";
            }
            vec![
                n.node_type_id.clone().unwrap_or_default(),
                n.num_cores.map(|c| format!("{c}")).unwrap_or_default(),
                memory,
                n.num_gpus.filter(|g| *g > 0).map(|g| g.to_string()).unwrap_or_default(),
                category,
            ]
        })
        .collect();
    print!(
        "{}",
        output::plain(&["NODE TYPE", "CORES", "MEMORY", "GPUS", "CATEGORY"], rows, "No node types.")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autoscale_ranges_are_checked() {
        assert_eq!(autoscale("2:8"), Ok(Workers::Autoscale { min: 2, max: 8 }));
        assert!(autoscale("8:2").is_err_and(|e| e.contains("larger")));
        assert!(autoscale("x").is_err());
    }
}
