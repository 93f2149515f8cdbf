//! `sparkdeck tokens …` and `sparkdeck secrets …` on one Databricks workspace.

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::context::{CmdResult, Context, fail};
use super::output::{self, Format};
use super::row_output::{Field, Listing, print_listing};
use super::{AccountListArgs, SecretsCommand, TokensCommand};
use crate::api::databricks::DatabricksClient;
use crate::api::databricks::models::CreateTokenRequest;
use crate::workspace::{Service, Workspace, actions::databricks};

/// The one Databricks workspace `--workspace` names (or the only one) and its client.
fn client<'a>(ctx: &'a Context, workspace: Option<&str>) -> CmdResult<(&'a Workspace, &'a DatabricksClient)> {
    let ws = ctx.one(workspace, Service::Databricks)?;
    let d = databricks(ws).map_err(|e| failed(ws, e))?;
    Ok((ws, d))
}

fn failed(ws: &Workspace, e: impl std::fmt::Display) -> ExitCode {
    fail(1, format!("{}: {e}", ws.name))
}

fn epoch_ms(v: Option<i64>) -> String {
    match v {
        Some(-1) => "never".into(),
        Some(ms) if ms > 0 => jiff::Timestamp::from_millisecond(ms)
            .map(|t| t.strftime("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn print_doc(doc: &Value) {
    println!("{}", output::json_text(doc));
}

/// An API object without `keys` (a value a broken or hostile service put where none belongs).
fn without(mut doc: Value, keys: &[&str]) -> Value {
    if let Some(map) = doc.as_object_mut() {
        map.retain(|k, _| !keys.contains(&k.as_str()));
    }
    doc
}

/// Keys that may hold a secret, never printed from a list.
const SECRET_KEYS: [&str; 3] = ["token_value", "value", "string_value"];

const TOKEN_FIELDS: &[Field] = &[
    Field { name: "token_id", title: "TOKEN ID" },
    Field { name: "comment", title: "COMMENT" },
    Field { name: "created", title: "CREATED" },
    Field { name: "expires", title: "EXPIRES" },
];

const SCOPE_FIELDS: &[Field] =
    &[Field { name: "scope", title: "SCOPE" }, Field { name: "backend", title: "BACKEND" }];

const SECRET_FIELDS: &[Field] =
    &[Field { name: "key", title: "KEY" }, Field { name: "updated", title: "UPDATED" }];

fn list(args: &AccountListArgs, listing: Listing) -> CmdResult {
    print_listing(listing, args.out, args.columns.as_deref())
}

pub async fn tokens(ctx: &Context, cmd: TokensCommand) -> CmdResult {
    match cmd {
        TokensCommand::List(args) => {
            let (ws, d) = client(ctx, args.workspace.as_deref())?;
            let tokens = d.tokens().await.map_err(|e| failed(ws, e))?;
            let rows = tokens
                .iter()
                .map(|t| {
                    let t = &t.value;
                    vec![
                        t.token_id.clone().unwrap_or_default(),
                        t.comment.clone().unwrap_or_default(),
                        epoch_ms(t.creation_time),
                        epoch_ms(t.expiry_time),
                    ]
                })
                .collect();
            let docs = tokens.into_iter().map(|t| without(t.raw.into_value(), &SECRET_KEYS)).collect();
            list(&args, Listing { what: "tokens", empty: "No tokens.", fields: TOKEN_FIELDS, rows, docs })
        }
        TokensCommand::Create(args) => {
            let (ws, d) = client(ctx, args.ws.workspace.as_deref())?;
            ctx.allow_changes(ws)?;
            let req =
                CreateTokenRequest { lifetime_seconds: args.lifetime_seconds, comment: args.comment.clone() };
            let created = d.create_token(&req).await.map_err(|e| failed(ws, e))?;
            // The value is shown once, on stdout only, for the user to store.
            let id = created.token_info.token_id.clone().unwrap_or_default();
            match args.ws.output {
                Format::Json => print_doc(&json!({
                    "token_value": created.token_value.expose_secret(),
                    "token_info": {"token_id": id, "comment": created.token_info.comment,
                                   "creation_time": created.token_info.creation_time,
                                   "expiry_time": created.token_info.expiry_time},
                })),
                Format::Table => {
                    println!("{}", created.token_value.expose_secret());
                    let id = output::safe(&id);
                    eprintln!("Token {id} created in {}; this is the only time its value is shown.", ws.name);
                }
            }
            Ok(())
        }
        TokensCommand::Revoke(args) => {
            let (ws, d) = client(ctx, args.ws.workspace.as_deref())?;
            ctx.allow_changes(ws)?;
            d.revoke_token(&args.token_id).await.map_err(|e| failed(ws, e))?;
            println!("{}: token {} revoked", ws.name, args.token_id);
            Ok(())
        }
    }
}

/// The secret value: from the named variable, or standard input (one trailing newline dropped,
/// as `echo value |` adds one). Never from the command line.
fn secret_value(value_env: Option<&str>) -> CmdResult<SecretString> {
    if let Some(var) = value_env {
        return std::env::var(var)
            .map(SecretString::from)
            .map_err(|_| fail(2, format!("--value-env: the environment variable {var} is not set")));
    }
    if std::io::stdin().is_terminal() {
        eprintln!("Type the secret value, then Ctrl-D:");
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| fail(2, format!("cannot read the secret from standard input: {e}")))?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(SecretString::from(text))
}

pub async fn secrets(ctx: &Context, cmd: SecretsCommand) -> CmdResult {
    let workspace = match &cmd {
        SecretsCommand::Scopes(a) => &a.workspace,
        SecretsCommand::List(a) => &a.list.workspace,
        SecretsCommand::Put(a) => &a.ws.workspace,
        SecretsCommand::Delete(a) => &a.ws.workspace,
        // Scopes and ACLs: `scopes.rs`.
        SecretsCommand::CreateScope(a) => return super::scopes::create_scope(ctx, a).await,
        SecretsCommand::DeleteScope(a) => return super::scopes::delete_scope(ctx, a).await,
        SecretsCommand::Acls(a) => return super::scopes::acls(ctx, a).await,
        SecretsCommand::Acl(c) => return super::scopes::acl(ctx, c).await,
    };
    let (ws, d) = client(ctx, workspace.as_deref())?;
    match cmd {
        SecretsCommand::Scopes(a) => {
            let scopes = d.secret_scopes().await.map_err(|e| failed(ws, e))?;
            let rows = scopes
                .iter()
                .map(|s| {
                    let backend = s.value.backend_type.as_ref().map_or("", |b| b.as_str());
                    vec![s.value.name.clone().unwrap_or_default(), backend.to_string()]
                })
                .collect();
            let docs = scopes.into_iter().map(|s| s.raw.into_value()).collect();
            let empty = "No secret scopes.";
            list(&a, Listing { what: "secret scopes", empty, fields: SCOPE_FIELDS, rows, docs })?;
        }
        SecretsCommand::List(a) => {
            let keys = d.secrets(&a.scope).await.map_err(|e| failed(ws, e))?;
            let rows = keys
                .iter()
                .map(|k| {
                    vec![k.value.key.clone().unwrap_or_default(), epoch_ms(k.value.last_updated_timestamp)]
                })
                .collect();
            // Listing secrets returns keys only; a value sent anyway is not printed.
            let docs = keys.into_iter().map(|k| without(k.raw.into_value(), &SECRET_KEYS)).collect();
            let empty = "No secrets in this scope.";
            list(&a.list, Listing { what: "secrets", empty, fields: SECRET_FIELDS, rows, docs })?;
        }
        SecretsCommand::Put(a) => {
            ctx.allow_changes(ws)?;
            let value = secret_value(a.value_env.as_deref())?;
            d.put_secret(&a.scope, &a.key, &value).await.map_err(|e| failed(ws, e))?;
            println!("{}: secret {}/{} stored", ws.name, a.scope, a.key);
        }
        SecretsCommand::Delete(a) => {
            ctx.allow_changes(ws)?;
            d.delete_secret(&a.scope, &a.key).await.map_err(|e| failed(ws, e))?;
            println!("{}: secret {}/{} deleted", ws.name, a.scope, a.key);
        }
        SecretsCommand::CreateScope(_)
        | SecretsCommand::DeleteScope(_)
        | SecretsCommand::Acls(_)
        | SecretsCommand::Acl(_) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_objects_lose_any_secret_value() {
        let doc = serde_json::json!({"key": "db-password", "value": "hunter2", "token_value": "dapi1",
            "string_value": "s3cr3t", "last_updated_timestamp": 1});
        assert_eq!(
            without(doc, &SECRET_KEYS),
            serde_json::json!({"key": "db-password", "last_updated_timestamp": 1})
        );
        assert_eq!(without(serde_json::json!([1]), &SECRET_KEYS), serde_json::json!([1]));
    }
}
