//! How a create's outcome is printed: what was created (a line, or JSON with the request that was
//! sent), a dry run's request, and failures — bad input (exit 2, nothing sent), a refusal with
//! what to do (exit 1), or an unknown outcome with what may have been created and the command
//! that checks (exit 1; it was not sent again).

use std::process::ExitCode;

use serde_json::{Value, json};

use super::context::fail;
use super::output::{self, Format};
use crate::domain::create::{Created, CreatedKind};
use crate::workspace::create::{CreateError, advice};
use crate::workspace::{Workspace, hints};

/// A workspace name as it goes on a command line.
pub fn quoted(name: &str) -> String {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\\\""))
    }
}

/// The command that shows one created item.
pub fn check_command(ws: &Workspace, c: &Created) -> String {
    let w = quoted(&ws.name);
    match c.kind {
        CreatedKind::Session => format!("sparkdeck sessions get {} --workspace {w}", c.id),
        CreatedKind::Batch => format!("sparkdeck batches get {} --workspace {w}", c.id),
        CreatedKind::Cluster => format!("sparkdeck clusters get {} --workspace {w}", c.id),
        CreatedKind::Run => format!("sparkdeck runs get {} --workspace {w}", c.id),
        CreatedKind::SecretScope => format!("sparkdeck secrets scopes --workspace {w}"),
        CreatedKind::ServicePrincipal => format!("sparkdeck principals list --workspace {w}"),
    }
}

/// The command that lists what a create of `kind` may have made.
pub fn list_command(ws: &Workspace, kind: CreatedKind) -> String {
    let w = quoted(&ws.name);
    match kind {
        CreatedKind::Session => format!("sparkdeck sessions list --workspace {w}"),
        CreatedKind::Batch => format!("sparkdeck batches list --workspace {w}"),
        CreatedKind::Cluster => format!("sparkdeck clusters list --workspace {w}"),
        CreatedKind::Run => format!("sparkdeck runs list --workspace {w}"),
        CreatedKind::SecretScope => format!("sparkdeck secrets scopes --workspace {w}"),
        CreatedKind::ServicePrincipal => format!("sparkdeck principals list --workspace {w}"),
    }
}

/// Print a failed create and give its exit status.
pub fn failure(ws: &Workspace, kind: CreatedKind, e: CreateError) -> ExitCode {
    match e {
        CreateError::Invalid(why) => fail(2, format!("{}: {why} (nothing was sent)", ws.name)),
        CreateError::Failed(err) => {
            let code = if matches!(err, crate::workspace::Error::Auth(_)) { 2 } else { 1 };
            let mut text = format!("{}: {err}", ws.name);
            if let Some(what) = err.api().and_then(advice) {
                text += &format!("\n  what to do: {what}");
            } else if let Some(fix) = hints::fix(ws.service, &err) {
                text += &format!("\n  fix: {fix}");
            }
            fail(code, text)
        }
        CreateError::Unknown { what, found, cause } => {
            let mut text = format!("{}: {what} may have been created: {cause}", ws.name);
            if found.is_empty() {
                text += &format!("\n  nothing like it was found yet; look with: {}", list_command(ws, kind));
            } else {
                for c in &found {
                    let name = c.name.as_deref().map(|n| format!(" {n:?}")).unwrap_or_default();
                    text += &format!(
                        "\n  found: {} {}{name} — check it with: {}",
                        c.kind.singular(),
                        c.id,
                        check_command(ws, c)
                    );
                }
            }
            text += "\n  It was not sent again.";
            fail(1, text)
        }
    }
}

/// Print what was created: a line (`workspace: batch ID submitted …`) or one JSON document.
pub fn report(ws: &Workspace, c: &Created, verb: &str, request: Option<&Value>, format: Format) {
    match format {
        Format::Json => {
            let mut doc =
                json!({"workspace": ws.name, "kind": c.kind.singular(), "id": c.id, "name": c.name});
            if let Some(r) = request {
                doc["request"] = r.clone();
            }
            println!("{}", output::json_text(&doc));
        }
        Format::Table => {
            let name = c.name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
            let line = format!("{}: {} {}{name} {verb}", ws.name, c.kind.singular(), c.id);
            println!("{}", output::safe(&line));
        }
    }
}

/// A dry run: the request that would be sent.
pub fn dry_run(ws: &Workspace, what: &str, doc: Value) {
    eprintln!("{}: {what} (dry run: nothing was sent)", ws.name);
    println!("{}", output::json_text(&doc));
}

/// Bad flags or `--json`: exit 2 before anything was sent.
pub fn invalid(why: impl std::fmt::Display) -> ExitCode {
    fail(2, format!("{why} (nothing was sent)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_spaces_are_quoted() {
        assert_eq!(quoted("adb-prod"), "adb-prod");
        assert_eq!(quoted("Sales Analytics"), "\"Sales Analytics\"");
    }
}
