//! Fabric core item lists of a workspace: `GET /v1/workspaces/{ws}/lakehouses` and
//! `/environments` (`{"value": [Item]}`, one page: `continuationToken` null), and what a session or
//! batch request may say about its environment (`spark.fabric.environmentDetails`).

use std::collections::BTreeMap;

use serde_json::{Value, json};
use uuid::Uuid;

use super::state::{Environment, Workspace};
use super::{ApiError, Ctx, Reply};

/// The conf key naming the environment, whose value is a JSON string `{"id" : "<guid>"}`.
pub const ENVIRONMENT_CONF: &str = "spark.fabric.environmentDetails";

pub fn lakehouses(ws: &Workspace, _ctx: &Ctx) -> Reply {
    let value: Vec<Value> = ws
        .lakehouses
        .iter()
        .map(|l| {
            json!({
                "id": l.id, "type": "Lakehouse", "displayName": l.name, "description": "",
                "workspaceId": ws.id,
                "properties": {
                    "oneLakeFilesPath": format!("https://onelake.dfs.fabric.microsoft.com/{}/{}/Files", ws.id, l.id),
                    "oneLakeTablesPath": format!("https://onelake.dfs.fabric.microsoft.com/{}/{}/Tables", ws.id, l.id),
                },
            })
        })
        .collect();
    Reply::json(200, json!({ "value": value, "continuationToken": null, "continuationUri": null }))
}

pub fn environments(ws: &Workspace) -> Reply {
    let value: Vec<Value> = ws
        .environments
        .iter()
        .map(|e| {
            json!({"id": e.id, "type": "Environment", "displayName": e.name, "description": e.description,
                   "workspaceId": ws.id})
        })
        .collect();
    Reply::json(200, json!({ "value": value, "continuationToken": null, "continuationUri": null }))
}

/// The environment a request's conf names, if any. A value that is not the JSON object
/// `{"id": "<guid>"}` is a 400; an id the workspace does not have, a 404 `ItemNotFound` [I: the
/// service's code for an unknown environment is not documented].
pub fn requested_environment<'a>(
    ws: &'a Workspace,
    conf: Option<&BTreeMap<String, String>>,
) -> Result<Option<&'a Environment>, ApiError> {
    let Some(raw) = conf.and_then(|c| c.get(ENVIRONMENT_CONF)) else { return Ok(None) };
    let id = serde_json::from_str::<Value>(raw)
        .ok()
        .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_string))
        .ok_or_else(|| {
            ApiError::bad_request(&format!(
                "{ENVIRONMENT_CONF} must be a JSON object naming the environment, e.g. {{\"id\" : \"<environment id>\"}}; got {raw:?}."
            ))
        })?;
    let found = Uuid::parse_str(&id).ok().and_then(|u| ws.environment(u));
    match found {
        Some(e) => Ok(Some(e)),
        None => Err(ApiError::not_found(
            "ItemNotFound",
            &format!("The environment {id} was not found in workspace {}.", ws.id),
        )),
    }
}
