//! Tokens (`/api/2.0/token/*`), secrets (`/api/2.0/secrets/*`), SCIM
//! (`/api/2.0/preview/scim/v2/*`) and OAuth (`/oidc/*`).

use axum::http::{HeaderMap, Method};
use base64::Engine as _;
use serde_json::{Value, json};

use super::state::{DatabricksState, PatToken, SecretScope, ServicePrincipal, Workspace};
use super::{Reply, Req, error, field, invalid_parameter};

/// PATs a user may hold per workspace.
const TOKEN_QUOTA: usize = 600;
const MAX_SECRET_BYTES: usize = 128 * 1024;
const MAX_SECRETS_PER_SCOPE: usize = 1000;
const OAUTH_LIFETIME_SECS: i64 = 3600;

pub fn handle(ws: &mut Workspace, req: &Req) -> Result<Reply, Reply> {
    let method = req.method.as_str();
    match req.path.split('/').next().unwrap_or("") {
        "token" => tokens(ws, req, method),
        "secrets" => secrets(ws, req, method),
        "preview" => scim(ws, req, method),
        _ => Err(error(
            404,
            "ENDPOINT_NOT_FOUND",
            format!("No API found for '{method} /api/{}/{}'", req.version, req.path),
        )),
    }
}

fn hex(seed: u64, len: usize) -> String {
    let mut x = seed ^ 0x2545_F491_4F6C_DD1D;
    let mut out = String::with_capacity(len);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.push_str(&format!("{x:016x}"));
    }
    out.truncate(len);
    out
}

fn tokens(ws: &mut Workspace, req: &Req, method: &str) -> Result<Reply, Reply> {
    match (method, req.path) {
        ("POST", "token/create") => {
            let body = req.json()?;
            if ws.tokens.len() >= TOKEN_QUOTA {
                return Err(error(
                    400,
                    "QUOTA_EXCEEDED",
                    format!(
                        "Cannot create more than {TOKEN_QUOTA} tokens. Revoke unused tokens and try again."
                    ),
                ));
            }
            let lifetime = body.get("lifetime_seconds").and_then(Value::as_i64).filter(|l| *l > 0);
            let n = ws.next() as u64 ^ (ws.id << 8) ^ req.now as u64;
            let token = PatToken {
                token_id: hex(n, 64),
                value: format!("dapi{}", hex(n.rotate_left(17), 32)),
                comment: body.get("comment").and_then(Value::as_str).unwrap_or("").to_string(),
                creation_time: req.now,
                expiry_time: lifetime.map_or(-1, |l| req.now + l * 1000),
            };
            let out = json!({ "token_value": token.value, "token_info": token_info(&token) });
            ws.tokens.push(token);
            Reply::ok(out)
        }
        ("GET", "token/list") => {
            Reply::ok(json!({ "token_infos": ws.tokens.iter().map(token_info).collect::<Vec<_>>() }))
        }
        ("POST", "token/delete") => {
            let body = req.json()?;
            let id = field(&body, "token_id")?;
            let before = ws.tokens.len();
            ws.tokens.retain(|t| t.token_id != id);
            if ws.tokens.len() == before {
                return Err(error(
                    404,
                    "RESOURCE_DOES_NOT_EXIST",
                    format!("Token with id {id} does not exist."),
                ));
            }
            Reply::ok(json!({}))
        }
        _ => Err(error(
            404,
            "ENDPOINT_NOT_FOUND",
            format!("No API found for '{method} /api/{}/{}'", req.version, req.path),
        )),
    }
}

fn token_info(t: &PatToken) -> Value {
    json!({ "token_id": t.token_id, "creation_time": t.creation_time, "expiry_time": t.expiry_time, "comment": t.comment })
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

fn scope_missing(scope: &str) -> Reply {
    error(404, "RESOURCE_DOES_NOT_EXIST", format!("Scope {scope} does not exist!"))
}

fn secrets(ws: &mut Workspace, req: &Req, method: &str) -> Result<Reply, Reply> {
    let op = req.path.trim_start_matches("secrets/");
    let user = ws.user_name.clone();
    if method == "GET" {
        let scope_param =
            || req.param("scope").ok_or_else(|| invalid_parameter("Missing required field: scope"));
        return match op {
            "scopes/list" => Reply::ok(json!({
                "scopes": ws.scopes.keys().map(|n| json!({"name": n, "backend_type": "DATABRICKS"})).collect::<Vec<_>>()
            })),
            "list" => {
                let scope = scope_param()?;
                let s = ws.scopes.get(scope).ok_or_else(|| scope_missing(scope))?;
                Reply::ok(
                    json!({ "secrets": s.secrets.iter().map(|(k, (_, ts))| json!({"key": k, "last_updated_timestamp": ts})).collect::<Vec<_>>() }),
                )
            }
            "get" => {
                let scope = scope_param()?;
                let key = req.param("key").ok_or_else(|| invalid_parameter("Missing required field: key"))?;
                let s = ws.scopes.get(scope).ok_or_else(|| scope_missing(scope))?;
                let (value, _) = s.secrets.get(key).ok_or_else(|| {
                    error(
                        404,
                        "RESOURCE_DOES_NOT_EXIST",
                        format!("Secret {key} does not exist in scope {scope}"),
                    )
                })?;
                Reply::ok(
                    json!({ "key": key, "value": base64::engine::general_purpose::STANDARD.encode(value) }),
                )
            }
            "acls/list" => {
                let scope = scope_param()?;
                let s = ws.scopes.get(scope).ok_or_else(|| scope_missing(scope))?;
                Reply::ok(
                    json!({ "items": s.acls.iter().map(|(p, perm)| json!({"principal": p, "permission": perm})).collect::<Vec<_>>() }),
                )
            }
            "acls/get" => {
                let scope = scope_param()?;
                let principal = req
                    .param("principal")
                    .ok_or_else(|| invalid_parameter("Missing required field: principal"))?;
                let s = ws.scopes.get(scope).ok_or_else(|| scope_missing(scope))?;
                let perm = s.acls.get(principal).ok_or_else(|| {
                    error(
                        404,
                        "RESOURCE_DOES_NOT_EXIST",
                        format!("No ACL for principal {principal} in scope {scope}"),
                    )
                })?;
                Reply::ok(json!({ "principal": principal, "permission": perm }))
            }
            _ => Err(error(
                404,
                "ENDPOINT_NOT_FOUND",
                format!("No API found for 'GET /api/{}/{}'", req.version, req.path),
            )),
        };
    }
    let body = req.json()?;
    let scope = field(&body, "scope")?.to_string();
    match op {
        "scopes/create" => {
            if !valid_name(&scope) {
                return Err(invalid_parameter(format!(
                    "Scope name {scope} is invalid: use letters, digits, '-', '_' and '.' (at most 128 characters)."
                )));
            }
            if ws.scopes.contains_key(&scope) {
                return Err(error(409, "RESOURCE_ALREADY_EXISTS", format!("Scope {scope} already exists!")));
            }
            let mut acls = std::collections::BTreeMap::new();
            acls.insert(user, "MANAGE".to_string());
            if body.get("initial_manage_principal").and_then(Value::as_str) == Some("users") {
                acls.insert("users".into(), "MANAGE".into());
            }
            ws.scopes.insert(scope, SecretScope { secrets: Default::default(), acls });
            Reply::ok(json!({}))
        }
        "scopes/delete" => {
            ws.scopes.remove(&scope).ok_or_else(|| scope_missing(&scope))?;
            Reply::ok(json!({}))
        }
        "put" => {
            let key = field(&body, "key")?.to_string();
            if !valid_name(&key) {
                return Err(invalid_parameter(format!(
                    "Secret key {key} is invalid: use letters, digits, '-', '_' and '.'."
                )));
            }
            let value = match (
                body.get("string_value").and_then(Value::as_str),
                body.get("bytes_value").and_then(Value::as_str),
            ) {
                (Some(s), None) => s.as_bytes().to_vec(),
                (None, Some(b)) => base64::engine::general_purpose::STANDARD
                    .decode(b)
                    .map_err(|_| invalid_parameter("bytes_value must be base64"))?,
                _ => {
                    return Err(invalid_parameter(
                        "Exactly one of string_value or bytes_value must be given.",
                    ));
                }
            };
            if value.len() > MAX_SECRET_BYTES {
                return Err(invalid_parameter("Secret value exceeds the 128 KB limit."));
            }
            let s = ws.scopes.get_mut(&scope).ok_or_else(|| scope_missing(&scope))?;
            if !s.secrets.contains_key(&key) && s.secrets.len() >= MAX_SECRETS_PER_SCOPE {
                return Err(error(
                    400,
                    "RESOURCE_LIMIT_EXCEEDED",
                    format!("Scope {scope} already holds {MAX_SECRETS_PER_SCOPE} secrets."),
                ));
            }
            s.secrets.insert(key, (value, req.now));
            Reply::ok(json!({}))
        }
        "delete" => {
            let key = field(&body, "key")?;
            let s = ws.scopes.get_mut(&scope).ok_or_else(|| scope_missing(&scope))?;
            s.secrets.remove(key).ok_or_else(|| {
                error(404, "RESOURCE_DOES_NOT_EXIST", format!("Secret {key} does not exist in scope {scope}"))
            })?;
            Reply::ok(json!({}))
        }
        "acls/put" => {
            let principal = field(&body, "principal")?.to_string();
            let perm = field(&body, "permission")?.to_string();
            if !matches!(perm.as_str(), "READ" | "WRITE" | "MANAGE") {
                return Err(invalid_parameter(format!(
                    "Invalid permission {perm}: use READ, WRITE or MANAGE."
                )));
            }
            let s = ws.scopes.get_mut(&scope).ok_or_else(|| scope_missing(&scope))?;
            s.acls.insert(principal, perm);
            Reply::ok(json!({}))
        }
        "acls/delete" => {
            let principal = field(&body, "principal")?;
            let s = ws.scopes.get_mut(&scope).ok_or_else(|| scope_missing(&scope))?;
            s.acls.remove(principal).ok_or_else(|| {
                error(
                    404,
                    "RESOURCE_DOES_NOT_EXIST",
                    format!("No ACL for principal {principal} in scope {scope}"),
                )
            })?;
            Reply::ok(json!({}))
        }
        _ => Err(error(
            404,
            "ENDPOINT_NOT_FOUND",
            format!("No API found for '{method} /api/{}/{}'", req.version, req.path),
        )),
    }
}

fn scim_error(status: u16, detail: impl Into<String>) -> Reply {
    Reply {
        status,
        body: Some(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
            "detail": detail.into(),
            "status": status.to_string(),
        })),
        headers: Vec::new(),
        text: None,
    }
}

fn sp_json(sp: &ServicePrincipal) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"],
        "id": sp.id,
        "applicationId": sp.application_id,
        "displayName": sp.display_name,
        "active": sp.active,
        "entitlements": [{"value": "workspace-access"}],
    })
}

fn scim(ws: &mut Workspace, req: &Req, method: &str) -> Result<Reply, Reply> {
    let Some(rest) = req.path.strip_prefix("preview/scim/v2/") else {
        return Err(error(
            404,
            "ENDPOINT_NOT_FOUND",
            format!("No API found for '{method} /api/{}/{}'", req.version, req.path),
        ));
    };
    match (method, rest.split_once('/').map_or((rest, None), |(a, b)| (a, Some(b)))) {
        ("GET", ("Me", None)) => Reply::ok(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:workspace:2.0:User"],
            "id": ws.user_id,
            "userName": ws.user_name,
            "displayName": display_name(&ws.user_name),
            "active": true,
            "emails": [{"value": ws.user_name, "type": "work", "primary": true}],
            "groups": [{"display": "admins", "value": "112233", "$ref": "Groups/112233", "type": "direct"}],
            "entitlements": [{"value": "allow-cluster-create"}, {"value": "workspace-access"}],
        })),
        ("GET", ("ServicePrincipals", None)) => {
            let filter = req.param("filter");
            let wanted = filter
                .and_then(|f| f.split_once(" eq "))
                .map(|(attr, v)| (attr.trim(), v.trim().trim_matches('"')));
            let matching: Vec<&ServicePrincipal> = ws
                .service_principals
                .iter()
                .filter(|sp| match wanted {
                    Some(("applicationId", v)) => sp.application_id.eq_ignore_ascii_case(v),
                    Some(("displayName", v)) => sp.display_name == v,
                    Some(("id", v)) => sp.id == v,
                    _ => true,
                })
                .collect();
            let start = req.int_param("startIndex")?.unwrap_or(1).max(1) as usize;
            let count = req.int_param("count")?.unwrap_or(10_000).max(0) as usize;
            let page: Vec<Value> =
                matching.iter().skip(start - 1).take(count).map(|sp| sp_json(sp)).collect();
            Reply::ok(json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": matching.len(),
                "startIndex": start,
                "itemsPerPage": page.len(),
                "Resources": page,
            }))
        }
        ("POST", ("ServicePrincipals", None)) => {
            let body = req.json().map_err(|_| scim_error(400, "Request body is not valid JSON"))?;
            let app_id = body.get("applicationId").and_then(Value::as_str).map(String::from);
            if let Some(a) = &app_id
                && ws.service_principals.iter().any(|sp| &sp.application_id == a)
            {
                return Err(scim_error(
                    409,
                    format!("Service principal with application ID {a} already exists."),
                ));
            }
            let n = ws.next();
            let sp = ServicePrincipal {
                id: (7_000_000_000_000 + n).to_string(),
                application_id: app_id
                    .unwrap_or_else(|| uuid::Uuid::from_u64_pair(ws.id, n as u64).to_string()),
                display_name: body
                    .get("displayName")
                    .and_then(Value::as_str)
                    .unwrap_or("service principal")
                    .to_string(),
                active: body.get("active").and_then(Value::as_bool).unwrap_or(true),
            };
            ws.members.insert(sp.application_id.clone());
            let out = sp_json(&sp);
            ws.service_principals.push(sp);
            Ok(Reply { status: 201, body: Some(out), headers: Vec::new(), text: None })
        }
        ("GET", ("ServicePrincipals", Some(id))) => {
            let sp = ws
                .service_principals
                .iter()
                .find(|sp| sp.id == id)
                .ok_or_else(|| scim_error(404, format!("Service Principal with id {id} not found.")))?;
            Reply::ok(sp_json(sp))
        }
        ("DELETE", ("ServicePrincipals", Some(id))) => {
            let idx = ws
                .service_principals
                .iter()
                .position(|sp| sp.id == id)
                .ok_or_else(|| scim_error(404, format!("Service Principal with id {id} not found.")))?;
            let sp = ws.service_principals.remove(idx);
            ws.members.remove(&sp.application_id);
            Ok(Reply { status: 204, body: None, headers: Vec::new(), text: None })
        }
        _ => Err(error(
            404,
            "ENDPOINT_NOT_FOUND",
            format!("No API found for '{method} /api/{}/{}'", req.version, req.path),
        )),
    }
}

fn display_name(user: &str) -> String {
    user.split('@')
        .next()
        .unwrap_or(user)
        .split('.')
        .map(|p| {
            let mut c = p.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn oauth_error(status: u16, code: &str, description: &str) -> Reply {
    Reply {
        status,
        body: Some(json!({ "error": code, "error_description": description })),
        headers: Vec::new(),
        text: None,
    }
}

/// `/oidc/.well-known/oauth-authorization-server` and `/oidc/v1/token` (client credentials).
pub fn oidc(
    state: &mut DatabricksState,
    base_url: &str,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Reply {
    match (method.as_str(), path) {
        ("GET", "/oidc/.well-known/oauth-authorization-server") => Reply {
            status: 200,
            body: Some(json!({
                "issuer": format!("{base_url}/oidc"),
                "authorization_endpoint": format!("{base_url}/oidc/v1/authorize"),
                "token_endpoint": format!("{base_url}/oidc/v1/token"),
                "jwks_uri": format!("{base_url}/oidc/jwks.json"),
                "grant_types_supported": ["client_credentials", "authorization_code", "refresh_token"],
                "scopes_supported": ["all-apis", "offline_access"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            })),
            headers: Vec::new(),
            text: None,
        },
        ("POST", "/oidc/v1/token") => {
            let form: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
            let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            if get("grant_type").as_deref() != Some("client_credentials") {
                return oauth_error(
                    400,
                    "unsupported_grant_type",
                    "Only client_credentials is supported here.",
                );
            }
            let basic = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|h| h.strip_prefix("Basic "))
                .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b.trim()).ok())
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|s| s.split_once(':').map(|(a, b)| (a.to_string(), b.to_string())));
            let Some((id, secret)) = basic.or_else(|| Some((get("client_id")?, get("client_secret")?)))
            else {
                return oauth_error(
                    401,
                    "invalid_client",
                    "Client authentication failed: no credentials were sent.",
                );
            };
            let Some(index) =
                state.workspaces.iter().position(|w| w.m2m_client_id == id && w.m2m_client_secret == secret)
            else {
                return oauth_error(401, "invalid_client", "Client authentication failed.");
            };
            state.counter += 1;
            let token = format!(
                "eyJraWQiOiJzaW0ifQ.{}.{}",
                hex(state.counter ^ index as u64, 48),
                hex(state.counter, 24)
            );
            let exp = jiff::Timestamp::now().as_second() + OAUTH_LIFETIME_SECS;
            state.oauth_tokens.insert(token.clone(), (index, exp));
            Reply {
                status: 200,
                body: Some(json!({
                    "access_token": token,
                    "token_type": "Bearer",
                    "expires_in": OAUTH_LIFETIME_SECS,
                    "scope": get("scope").unwrap_or_else(|| "all-apis".into()),
                })),
                headers: Vec::new(),
                text: None,
            }
        }
        _ => oauth_error(404, "not_found", &format!("No OIDC endpoint at {method} {path}")),
    }
}

pub fn pat_for(seed: u64, index: usize) -> String {
    format!("dapi{}", hex(seed.wrapping_mul(31).wrapping_add(index as u64 + 1), 32))
}

pub fn token_id_for(seed: u64, index: usize) -> String {
    hex(seed.wrapping_mul(97).wrapping_add(index as u64 + 11), 64)
}

pub fn secret_for(seed: u64, index: usize) -> String {
    format!("dose{}", hex(seed.wrapping_mul(53).wrapping_add(index as u64 + 5), 32))
}
