//! Which workspace a request belongs to, from its credential: a PAT, an OAuth token from
//! `/oidc/v1/token`, or an Entra token for the AzureDatabricks application (routed by the
//! `X-Databricks-Azure-Workspace-Resource-Id` header, else the first workspace).

use axum::http::HeaderMap;
use serde_json::json;

use super::state::DatabricksState;
use super::{Reply, error};
use crate::sim::jwt;

const AZURE_DATABRICKS: &str = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";
const ARM_AUDIENCES: &[&str] = &["https://management.core.windows.net", "https://management.azure.com"];

pub fn authenticate(
    state: &mut DatabricksState,
    headers: &HeaderMap,
    command_api: bool,
) -> Result<usize, Reply> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let Some(token) =
        header("authorization").and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
    else {
        let id = uuid::Uuid::new_v4();
        return Err(legacy(
            401,
            format!("Credential was not sent or was of an unsupported type for this API. [ReqId: {id}]"),
            command_api,
        ));
    };
    let token = token.trim();
    if let Some(i) = state.workspaces.iter().position(|w| w.pat_valid(token)) {
        return Ok(i);
    }
    if let Some(&(i, exp)) = state.oauth_tokens.get(token) {
        if exp <= jiff::Timestamp::now().as_second() {
            return Err(legacy(
                403,
                "Token is expiring within 30 seconds. (token expired)".into(),
                command_api,
            ));
        }
        return Ok(i);
    }
    let Some(claims) = jwt::claims(token) else {
        return Err(invalid_token(command_api));
    };
    let aud = jwt::audience(&claims).unwrap_or("").trim_end_matches("/.default");
    if !aud.eq_ignore_ascii_case(AZURE_DATABRICKS) {
        return Err(invalid_token(command_api));
    }
    if jwt::expired(&claims) {
        return Err(legacy(403, "Token is expiring within 30 seconds. (token expired)".into(), command_api));
    }
    let resource = header("x-databricks-azure-workspace-resource-id");
    let index = match resource {
        Some(r) => {
            state.workspaces.iter().position(|w| w.resource_id.eq_ignore_ascii_case(r)).ok_or_else(|| {
                error(
                    400,
                    "INVALID_PARAMETER_VALUE",
                    format!("No workspace matches X-Databricks-Azure-Workspace-Resource-Id {r}"),
                )
            })?
        }
        None => 0,
    };
    // Service principals (app-only tokens) must be workspace members, or be provisioned by an
    // ARM management token for the workspace resource (they need Contributor on it).
    let app_only = claims.get("idtyp").and_then(|v| v.as_str()) == Some("app") || !claims.contains_key("upn");
    let app_id = claims.get("appid").or_else(|| claims.get("azp")).and_then(|v| v.as_str()).unwrap_or("");
    if app_only && !app_id.is_empty() {
        let ws = &mut state.workspaces[index];
        if !ws.members.contains(app_id) {
            let mgmt = header("x-databricks-azure-sp-management-token")
                .and_then(jwt::claims)
                .filter(|c| !jwt::expired(c))
                .and_then(|c| {
                    jwt::audience(&c).map(|a| ARM_AUDIENCES.iter().any(|m| a.trim_end_matches('/') == *m))
                });
            if mgmt == Some(true) && resource.is_some() {
                ws.members.insert(app_id.to_string());
            } else {
                // What Azure Databricks answers a service principal that is not a workspace user
                // (the legacy integer error code, and the org id).
                let id = uuid::Uuid::new_v4();
                return Err(legacy(
                    403,
                    format!("Unauthorized access to Org: {} [ReqId: {id}]", ws.id),
                    command_api,
                ));
            }
        }
    }
    Ok(index)
}

fn invalid_token(command_api: bool) -> Reply {
    let mut reply = legacy(403, "Invalid access token.".into(), command_api);
    reply.headers.push(("x-databricks-reason-phrase", "Invalid access token.".into()));
    reply
}

/// The legacy body with an integer `error_code` equal to the status (1.2: `{"error"}`).
fn legacy(status: u16, message: String, command_api: bool) -> Reply {
    let body = if command_api {
        json!({ "error": message })
    } else {
        json!({ "error_code": status, "message": message })
    };
    Reply { status, body: Some(body), headers: Vec::new(), text: None }
}
