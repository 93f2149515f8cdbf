//! `sparkdeck secrets create-scope|delete-scope|acls|acl get|put|delete`: secret scopes and who
//! may use them, through `workspace::create::access`.

use serde_json::{Value, json};

use super::context::{CmdResult, Context, fail};
use super::created;
use super::output::{self, Format};
use super::row_output::{Field, Listing, print_listing};
use super::{AclCommand, AclPermissionArg, ScopeListArgs, SecretScopeArgs, WorkspaceArgs};
use crate::api::databricks::models::AclPermission;
use crate::domain::create::CreatedKind;
use crate::workspace::create::CreateError;
use crate::workspace::create::access;
use crate::workspace::{Service, Workspace};

fn workspace<'a>(ctx: &'a Context, args: &WorkspaceArgs) -> CmdResult<&'a Workspace> {
    ctx.one(args.workspace.as_deref(), Service::Databricks)
}

fn print_doc(doc: &Value) {
    println!("{}", output::json_text(doc));
}

pub async fn create_scope(ctx: &Context, args: &SecretScopeArgs) -> CmdResult {
    let ws = workspace(ctx, &args.ws)?;
    ctx.allow_changes(ws)?;
    let new = access::create_scope(ws, &args.scope)
        .await
        .map_err(|e| created::failure(ws, CreatedKind::SecretScope, e))?;
    created::report(ws, &new, "created (you have MANAGE on it)", None, args.ws.output);
    Ok(())
}

pub async fn delete_scope(ctx: &Context, args: &SecretScopeArgs) -> CmdResult {
    let ws = workspace(ctx, &args.ws)?;
    ctx.allow_changes(ws)?;
    access::delete_scope(ws, &args.scope)
        .await
        .map_err(|e| created::failure(ws, CreatedKind::SecretScope, e))?;
    println!("{}: secret scope {} deleted, with its secrets", ws.name, args.scope);
    Ok(())
}

pub async fn acls(ctx: &Context, args: &ScopeListArgs) -> CmdResult {
    let ws = ctx.one(args.list.workspace.as_deref(), Service::Databricks)?;
    let items =
        access::acls(ws, &args.scope).await.map_err(|e| created::failure(ws, CreatedKind::SecretScope, e))?;
    let rows = items
        .iter()
        .map(|a| {
            let permission = a.value.permission.as_ref().map_or("", |p| p.as_str()).to_string();
            vec![a.value.principal.clone().unwrap_or_default(), permission]
        })
        .collect();
    let docs = items.into_iter().map(|a| a.raw.into_value()).collect();
    let fields = ACL_FIELDS;
    let listing = Listing { what: "ACLs", empty: "No ACLs on this scope.", fields, rows, docs };
    print_listing(listing, args.list.out, args.list.columns.as_deref())
}

const ACL_FIELDS: &[Field] =
    &[Field { name: "principal", title: "PRINCIPAL" }, Field { name: "permission", title: "PERMISSION" }];

fn permission(p: AclPermissionArg) -> AclPermission {
    match p {
        AclPermissionArg::Read => AclPermission::Read,
        AclPermissionArg::Write => AclPermission::Write,
        AclPermissionArg::Manage => AclPermission::Manage,
    }
}

fn failed(ws: &Workspace) -> impl Fn(CreateError) -> std::process::ExitCode + '_ {
    move |e| created::failure(ws, CreatedKind::SecretScope, e)
}

pub async fn acl(ctx: &Context, cmd: &AclCommand) -> CmdResult {
    match cmd {
        AclCommand::Get(a) => {
            let ws = workspace(ctx, &a.ws)?;
            let found = access::acl(ws, &a.scope, &a.principal).await.map_err(failed(ws))?;
            match (found, a.ws.output) {
                (Some(acl), Format::Json) => print_doc(&acl.raw),
                (Some(acl), Format::Table) => {
                    let permission = acl.value.permission.as_ref().map_or("?", |p| p.as_str());
                    let line = format!("{}: {} has {permission} on {}", ws.name, a.principal, a.scope);
                    println!("{}", output::safe(&line));
                }
                (None, Format::Json) => print_doc(&json!(null)),
                (None, Format::Table) => {
                    return Err(fail(
                        1,
                        format!("{}: {} has no permission on {}", ws.name, a.principal, a.scope),
                    ));
                }
            }
        }
        AclCommand::Put(a) => {
            let ws = workspace(ctx, &a.ws)?;
            ctx.allow_changes(ws)?;
            let p = permission(a.permission);
            access::put_acl(ws, &a.scope, &a.principal, &p).await.map_err(failed(ws))?;
            println!("{}: {} now has {} on {}", ws.name, a.principal, p.as_str(), a.scope);
        }
        AclCommand::Delete(a) => {
            let ws = workspace(ctx, &a.ws)?;
            ctx.allow_changes(ws)?;
            access::delete_acl(ws, &a.scope, &a.principal).await.map_err(failed(ws))?;
            println!("{}: {}'s permission on {} removed", ws.name, a.principal, a.scope);
        }
    }
    Ok(())
}
