//! `sparkdeck doctor`: for each workspace, which identity it uses, a live call, the token's
//! audience and expiry once one was fetched, and the precise fix when something fails.

use std::process::ExitCode;

use super::DoctorArgs;
use super::context::{CmdResult, Context};
use crate::workspace::{Clients, Error, Service, Workspace, hints};

pub async fn doctor(ctx: &Context, args: &DoctorArgs) -> CmdResult {
    let chosen = ctx.select(args.workspace.as_deref(), None)?;
    let mut failures = 0;
    for ws in chosen {
        let outcome = check(ws).await;
        // Server answers (names, errors) are quoted: safe for the terminal.
        print!("{}", super::output::safe(&report(ws, &outcome)));
        if outcome.is_err() {
            failures += 1;
        }
    }
    let keys_ok = check_keys(ctx) & check_alerts(ctx);
    if ctx.settings.read_only {
        println!("read_only = true: actions are refused.");
    } else if !ctx.read_only.is_empty() {
        println!(
            "read-only (read_only = true in their table): {}; actions there are refused.",
            ctx.read_only.join(", ")
        );
    }
    if failures > 0 {
        println!("{failures} workspace(s) need attention.");
    }
    if failures == 0 && keys_ok { Ok(()) } else { Err(ExitCode::from(1)) }
}

/// `[keys]` as the monitor would apply it (the monitor refuses to start with a bad one).
fn check_keys(ctx: &Context) -> bool {
    if ctx.settings.keys.is_empty() {
        return true;
    }
    let file = ctx.config_path.as_ref().map(|p| format!(" ({})", p.display())).unwrap_or_default();
    println!("[keys]{file}");
    match super::keys::keymap(&ctx.settings, ctx.config_path.as_deref()) {
        Ok(_) => {
            println!("  ok:        {} command(s) rebound; no key does two things", ctx.settings.keys.len());
            true
        }
        Err(e) => {
            println!("  FAILED:    {e}");
            println!("  fix:       correct that line; the monitor does not start until [keys] is valid");
            false
        }
    }
}

/// `[[alerts]]`: every filter parses (the monitor does not start otherwise).
fn check_alerts(ctx: &Context) -> bool {
    if ctx.settings.alerts.is_empty() {
        return true;
    }
    println!("[[alerts]]");
    match super::alerts::alerts(&ctx.settings) {
        Ok(a) => {
            println!(
                "  ok:        {} alert(s): {}",
                a.len(),
                a.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
            );
            true
        }
        Err(e) => {
            println!("  FAILED:    {e}");
            println!("  fix:       correct that line; the monitor does not start until [[alerts]] is valid");
            false
        }
    }
}

/// One live, read-only call per workspace; what it proved.
async fn check(ws: &Workspace) -> Result<String, Error> {
    match ws.clients.as_ref().map_err(Clone::clone)? {
        Clients::Fabric(f) => {
            let mut seen = Vec::new();
            for (label, client) in &f.lakehouses {
                let n = client.sessions().collect(1).await?.len();
                seen.push(format!("lakehouse {label}: Livy API answers ({n} session(s) on the first page)"));
            }
            let n = f.monitor.workspace_livy_sessions().collect(1).await?.len();
            seen.push(format!("monitoring list answers ({n} item(s) on the first page)"));
            if f.lakehouses.is_empty() {
                seen.push("no lakehouses configured: sessions and batches are read-only here".into());
            }
            Ok(seen.join("\n"))
        }
        Clients::Databricks(d) => {
            let me = d.me().await?;
            let who = me.value.user_name.clone().or(me.value.display_name.clone()).unwrap_or_default();
            Ok(format!("signed in as {who}"))
        }
    }
}

fn report(ws: &Workspace, outcome: &Result<String, Error>) -> String {
    let service = match ws.service {
        Service::Fabric => "Fabric",
        Service::Databricks => "Databricks",
    };
    let mut out = format!("{} ({service}, {})\n", ws.name, ws.base_url);
    out += &format!("  from:      {}\n", ws.origin);
    if let Some(id) = ws.describe_auth() {
        let principal = id.principal.map(|p| format!(" as {p}")).unwrap_or_default();
        out += &format!("  identity:  {}{principal}\n", id.method);
        if let Some(aud) = id.audience {
            out += &format!("  audience:  {aud}\n");
        }
        if let Some(exp) = id.expires_at {
            out += &format!("  token:     expires {exp}\n");
        }
    }
    match outcome {
        Ok(what) => {
            for line in what.lines() {
                out += &format!("  ok:        {line}\n");
            }
        }
        Err(e) => {
            out += &format!("  FAILED:    {e}\n");
            if let Some(steps) = not_a_workspace_user(ws, e) {
                out += &steps;
            } else if let Some(fix) = hints::fix(ws.service, e) {
                out += &format!("  fix:       {fix}\n");
            }
        }
    }
    out
}

/// A Microsoft Entra service principal the Databricks workspace does not know: the exact
/// command a workspace admin runs to add it, and the route that needs no admin.
fn not_a_workspace_user(ws: &Workspace, e: &Error) -> Option<String> {
    let api = e.api()?;
    let message = api.message.to_ascii_lowercase();
    let refused = api.kind == crate::api::ErrorKind::Forbidden
        && (message.contains("unauthorized access to org") || message.contains("not a member"));
    if ws.service != Service::Databricks || !refused {
        return None;
    }
    let id = ws.describe_auth()?;
    let app = id.principal.filter(|p| uuid::Uuid::parse_str(p).is_ok())?;
    let name = super::created::quoted(&ws.name);
    Some(format!(
        "  fix:       the service principal {app} is not a user of this workspace. A workspace admin adds it\n\
         \x20            (signed in as themselves, with this workspace configured for them):\n\
         \x20              sparkdeck principals add {app} --workspace {name}\n\
         \x20            or, if it has Contributor on the workspace's Azure resource, it adds itself on first use\n\
         \x20            when this workspace sets, in config.toml:\n\
         \x20              sp_management_resource_id = \"/subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Databricks/workspaces/<name>\"\n"
    ))
}
