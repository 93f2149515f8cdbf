//! `sparkdeck principals list|add`: the service principals of a Databricks workspace (SCIM),
//! through `workspace::create::access`.

use serde_json::json;

use super::PrincipalsCommand;
use super::context::{CmdResult, Context};
use super::created;
use super::output::{self, Format};
use super::row_output::{Field, Listing, print_listing};
use crate::domain::create::CreatedKind;
use crate::workspace::Service;
use crate::workspace::create::access::{self, Added};

const FIELDS: &[Field] = &[
    Field { name: "application_id", title: "APPLICATION ID" },
    Field { name: "name", title: "NAME" },
    Field { name: "id", title: "ID" },
    Field { name: "active", title: "ACTIVE" },
];

/// Service principals listed at most.
const LIST_LIMIT: usize = 10_000;

pub async fn principals(ctx: &Context, cmd: PrincipalsCommand) -> CmdResult {
    match cmd {
        PrincipalsCommand::List(args) => {
            let ws = ctx.one(args.workspace.as_deref(), Service::Databricks)?;
            let sps = access::principals(ws, LIST_LIMIT)
                .await
                .map_err(|e| created::failure(ws, CreatedKind::ServicePrincipal, e))?;
            let rows = sps
                .iter()
                .map(|s| {
                    let s = &s.value;
                    vec![
                        s.application_id.clone().unwrap_or_default(),
                        s.display_name.clone().unwrap_or_default(),
                        s.id.clone().unwrap_or_default(),
                        if s.active == Some(false) { "no".into() } else { "yes".into() },
                    ]
                })
                .collect();
            let docs = sps.into_iter().map(|s| s.raw.into_value()).collect();
            let listing = Listing {
                what: "service principals",
                empty: "No service principals.",
                fields: FIELDS,
                rows,
                docs,
            };
            print_listing(listing, args.out, args.columns.as_deref())
        }
        PrincipalsCommand::Add(args) => {
            let ws = ctx.one(args.ws.workspace.as_deref(), Service::Databricks)?;
            ctx.allow_changes(ws)?;
            let added = access::add_principal(ws, &args.application_id, args.display_name.as_deref())
                .await
                .map_err(|e| created::failure(ws, CreatedKind::ServicePrincipal, e))?;
            let (c, note) = match &added {
                Added::New(c) => (c, "added to the workspace"),
                Added::AlreadyThere(c) => (c, "is a user of the workspace already (nothing was changed)"),
            };
            match args.ws.output {
                Format::Json => println!(
                    "{}",
                    output::json_text(&json!({"workspace": ws.name, "application_id": args.application_id,
                        "id": c.id, "display_name": c.name, "added": matches!(added, Added::New(_))}))
                ),
                Format::Table => {
                    println!("{}: service principal {} (id {}) {note}", ws.name, args.application_id, c.id)
                }
            }
            Ok(())
        }
    }
}
