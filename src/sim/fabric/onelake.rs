//! Simulated OneLake: the ADLS Gen2 DFS API under `/onelake/{workspace}/{lakehouse}/Files/…`
//! (the real host is `onelake.dfs.fabric.microsoft.com`; the simulator serves it under a path
//! prefix of its own address), and the file store batches read their code from.
//!
//! What it does, after fabric-livy.md §1.6 and the storage service's documented behaviour:
//! - `PUT ?resource=file` creates an empty file (201); with `If-None-Match: *` an existing one is
//!   refused: 409 `PathAlreadyExists`.
//! - `PATCH ?action=append&position=N` (202) stages bytes at offset N; N may repeat a staged
//!   offset (a retried append) but not leave a gap: 400 `InvalidAppendPosition` [I: code name].
//!   More than 100 MiB at once: 413 `RequestBodyTooLarge`.
//! - `PATCH ?action=flush&position=N` (200) commits the staged bytes when N is their length, else
//!   400 `InvalidFlushPosition`.
//! - `HEAD` gives the committed `Content-Length` (404 without a body when absent); `GET` the bytes.
//! - Workspaces and lakehouses are named by GUID or by name (`{workspace}/{lakehouse}.Lakehouse`).
//! - Every call needs `x-ms-version` (400 `MissingRequiredHeader`) and a token for Azure Storage
//!   (`https://storage.azure.com`): the demo token, or a JWT with that audience; a Fabric API token
//!   is refused with 401 `InvalidAuthenticationInfo`, as Azure Storage refuses a token for
//!   another audience.
//! - Errors are `{"error": {"code", "message"}}` with the `x-ms-error-code` header; messages end
//!   with `RequestId:` and `Time:` lines.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use uuid::Uuid;

use super::auth::DEMO_TOKEN;
use super::percent_decode;
use crate::sim::SimShared;
use crate::sim::clock::SimMillis;
use crate::sim::request::RawRequest;

/// Largest single append the service accepts.
const MAX_APPEND: usize = 100 * 1024 * 1024;
/// The simulator keeps files in memory: a file and the whole store are bounded.
const MAX_FILE: usize = 64 * 1024 * 1024;
const MAX_STORE: usize = 256 * 1024 * 1024;
/// The audience OneLake accepts (Azure Storage).
const STORAGE_AUDIENCE: &str = "https://storage.azure.com";

/// One file: what is committed (readable) and what is staged by appends since.
#[derive(Debug, Clone, Default)]
pub struct LakeFile {
    pub committed: Vec<u8>,
    staged: Vec<u8>,
    pub modified: SimMillis,
}

/// Where a file lives.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileKey {
    pub workspace: Uuid,
    pub lakehouse: Uuid,
    /// Relative to `Files/`.
    pub path: String,
}

/// A lakehouse as OneLake names it.
#[derive(Debug, Clone)]
struct LakeDir {
    workspace: Uuid,
    workspace_name: String,
    lakehouses: Vec<(Uuid, String)>,
}

/// Every lakehouse's `Files/` area.
#[derive(Debug, Default)]
pub struct Lake {
    dirs: Vec<LakeDir>,
    files: BTreeMap<FileKey, LakeFile>,
    bytes: usize,
}

/// What an `abfss://` path or a relative `Files/...` path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A OneLake file in this tenant (it may or may not exist).
    File(FileKey),
    /// OneLake, but no such workspace or lakehouse: the URL as the storage error shows it.
    NoContainer(String),
    /// Not OneLake (an ADLS account, wasbs, https): the simulator cannot check it.
    Elsewhere,
}

impl Lake {
    /// Register the tenant's workspaces and lakehouses (ids and names).
    pub fn add_workspace(&mut self, id: Uuid, name: &str, lakehouses: &[(Uuid, String)]) {
        self.dirs.push(LakeDir {
            workspace: id,
            workspace_name: name.into(),
            lakehouses: lakehouses.to_vec(),
        });
    }

    /// A committed file, as a seeded one would be.
    pub fn put(&mut self, key: FileKey, content: Vec<u8>, at: SimMillis) {
        self.bytes += content.len();
        if let Some(old) =
            self.files.insert(key, LakeFile { committed: content, staged: Vec::new(), modified: at })
        {
            self.bytes -= old.committed.len() + old.staged.len();
        }
    }

    /// The committed bytes of a file.
    pub fn read(&self, key: &FileKey) -> Option<&[u8]> {
        self.files.get(key).map(|f| f.committed.as_slice())
    }

    fn dir(&self, workspace: &str) -> Option<&LakeDir> {
        let id = Uuid::parse_str(workspace).ok();
        self.dirs.iter().find(|d| Some(d.workspace) == id || d.workspace_name == workspace)
    }

    /// `{lakehouse}` or `{name}.Lakehouse` in a workspace.
    fn lakehouse(dir: &LakeDir, segment: &str) -> Option<Uuid> {
        let id = Uuid::parse_str(segment).ok();
        let name = segment.strip_suffix(".Lakehouse");
        dir.lakehouses.iter().find(|(lh, n)| Some(*lh) == id || Some(n.as_str()) == name).map(|(lh, _)| *lh)
    }

    /// A batch's `file` (or `pyFiles`, `jars` …): `abfss://ws@onelake…/lh/Files/x`, or a path
    /// relative to the batch's own lakehouse (`Files/x`).
    pub fn resolve(&self, workspace: Uuid, lakehouse: Uuid, file: &str) -> Resolved {
        if let Some(rest) = file.strip_prefix("Files/") {
            return Resolved::File(FileKey { workspace, lakehouse, path: rest.to_string() });
        }
        let Some((scheme, rest)) = file.split_once("://") else { return Resolved::Elsewhere };
        if !scheme.eq_ignore_ascii_case("abfss") && !scheme.eq_ignore_ascii_case("abfs") {
            return Resolved::Elsewhere;
        }
        let Some((authority, path)) = rest.split_once('/') else { return Resolved::Elsewhere };
        let Some((container, host)) = authority.split_once('@') else { return Resolved::Elsewhere };
        if !host.eq_ignore_ascii_case("onelake.dfs.fabric.microsoft.com") {
            return Resolved::Elsewhere;
        }
        let url = format!("https://{host}/{container}/{path}");
        let Some(dir) = self.dir(container) else { return Resolved::NoContainer(url) };
        let Some((lh, inner)) = path.split_once('/') else { return Resolved::NoContainer(url) };
        let Some(lh) = Self::lakehouse(dir, lh) else { return Resolved::NoContainer(url) };
        match inner.strip_prefix("Files/") {
            Some(p) => {
                Resolved::File(FileKey { workspace: dir.workspace, lakehouse: lh, path: p.to_string() })
            }
            None => Resolved::NoContainer(url),
        }
    }

    /// The HTTPS URL of a file, as storage errors and Spark's messages show it.
    pub fn url(key: &FileKey) -> String {
        format!(
            "https://onelake.dfs.fabric.microsoft.com/{}/{}/Files/{}",
            key.workspace, key.lakehouse, key.path
        )
    }
}

/// A storage error.
struct StorageError {
    status: u16,
    code: &'static str,
    message: String,
}

fn err(status: u16, code: &'static str, message: impl Into<String>) -> StorageError {
    StorageError { status, code, message: message.into() }
}

fn storage_headers(resp: &mut Response, request_id: &Uuid) {
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&request_id.to_string()) {
        h.insert("x-ms-request-id", v);
    }
    h.insert("x-ms-version", HeaderValue::from_static(VERSION));
}

/// The version the simulator says it speaks.
const VERSION: &str = "2023-11-03";

fn render_error(e: &StorageError, method: &Method, request_id: &Uuid) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let time = jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%S%.7fZ");
    let message = format!("{}\nRequestId:{request_id}\nTime:{time}", e.message);
    let mut resp = if *method == Method::HEAD {
        status.into_response()
    } else {
        (status, axum::Json(json!({ "error": { "code": e.code, "message": message } }))).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(e.code) {
        resp.headers_mut().insert("x-ms-error-code", v);
    }
    if e.status == 401 {
        resp.headers_mut().insert(
            axum::http::header::WWW_AUTHENTICATE,
            HeaderValue::from_static(
                "Bearer authorization_uri=https://login.microsoftonline.com/common/oauth2/authorize resource_id=https://storage.azure.com",
            ),
        );
    }
    storage_headers(&mut resp, request_id);
    resp
}

pub async fn dispatch(
    State(shared): State<Arc<SimShared>>,
    RawRequest { method, uri, headers, body }: RawRequest,
) -> Response {
    let request_id = Uuid::new_v4();
    let query: Vec<(String, String)> =
        form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect();
    let now = shared.clock.now_ms();
    let result = {
        let mut fabric = shared.fabric();
        handle(&mut fabric.lake, &method, uri.path(), &query, &headers, &body, now)
    };
    match result {
        Ok((status, content)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut resp = match content {
                Content::Empty => status.into_response(),
                Content::Length(n) => {
                    let mut r = status.into_response();
                    if let Ok(v) = HeaderValue::from_str(&n.to_string()) {
                        r.headers_mut().insert(axum::http::header::CONTENT_LENGTH, v);
                    }
                    r.headers_mut().insert("x-ms-resource-type", HeaderValue::from_static("file"));
                    r
                }
                Content::Bytes(b) => (status, b).into_response(),
            };
            storage_headers(&mut resp, &request_id);
            resp
        }
        Err(e) => render_error(&e, &method, &request_id),
    }
}

enum Content {
    Empty,
    Length(usize),
    Bytes(Vec<u8>),
}

fn check_auth(headers: &HeaderMap) -> Result<(), StorageError> {
    let refused = || {
        err(
            401,
            "InvalidAuthenticationInfo",
            "Server failed to authenticate the request. Please refer to the information in the www-authenticate header.",
        )
    };
    let value = headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).ok_or_else(|| {
        err(401, "NoAuthenticationInformation", "Server failed to authenticate the request. Please refer to the information in the www-authenticate header.")
    })?;
    let token =
        value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")).ok_or_else(refused)?.trim();
    if token == DEMO_TOKEN {
        return Ok(());
    }
    let claims = crate::sim::jwt::claims(token).ok_or_else(refused)?;
    let aud = crate::sim::jwt::audience(&claims).unwrap_or("").trim_end_matches('/');
    if !aud.eq_ignore_ascii_case(STORAGE_AUDIENCE) {
        return Err(refused());
    }
    if crate::sim::jwt::expired(&claims) {
        return Err(err(
            401,
            "InvalidAuthenticationInfo",
            "Lifetime validation failed. The token is expired.",
        ));
    }
    Ok(())
}

fn handle(
    lake: &mut Lake,
    method: &Method,
    path: &str,
    query: &[(String, String)],
    headers: &HeaderMap,
    body: &[u8],
    now: SimMillis,
) -> Result<(u16, Content), StorageError> {
    check_auth(headers)?;
    if !headers.contains_key("x-ms-version") {
        return Err(err(
            400,
            "MissingRequiredHeader",
            "An HTTP header that's mandatory for this request is not specified.",
        ));
    }
    let rest = path.trim_start_matches("/onelake/");
    let mut parts = rest.splitn(4, '/');
    let (ws, lh, area, file) = (parts.next(), parts.next(), parts.next(), parts.next());
    let dir = ws
        .and_then(|w| lake.dir(&percent_decode(w)))
        .ok_or_else(|| err(404, "FileSystemNotFound", "The specified filesystem does not exist."))?;
    let workspace = dir.workspace;
    let lakehouse = lh
        .and_then(|l| Lake::lakehouse(dir, &percent_decode(l)))
        .ok_or_else(|| err(404, "PathNotFound", "The specified path does not exist."))?;
    if area != Some("Files") {
        return Err(err(400, "InvalidUri", "The simulator serves only the Files/ area of a lakehouse."));
    }
    let file = file
        .map(percent_decode)
        .filter(|f| !f.is_empty() && !f.split('/').any(|p| p.is_empty() || p == ".."));
    let key = FileKey {
        workspace,
        lakehouse,
        path: file.ok_or_else(|| {
            err(400, "InvalidUri", "The request URI is invalid: no file path under Files/.")
        })?,
    };
    let param = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let position = || -> Result<usize, StorageError> {
        param("position").and_then(|p| p.parse().ok()).ok_or_else(|| {
            err(
                400,
                "InvalidQueryParameterValue",
                "Value for one of the query parameters specified in the request URI is invalid: position.",
            )
        })
    };
    let missing = || err(404, "PathNotFound", "The specified path does not exist.");
    match (method.as_str(), param("resource"), param("action")) {
        ("PUT", Some("file"), _) => {
            let exists = lake.files.contains_key(&key);
            let no_overwrite = headers.get("if-none-match").and_then(|v| v.to_str().ok()) == Some("*");
            if exists && no_overwrite {
                return Err(err(409, "PathAlreadyExists", "The specified path already exists."));
            }
            lake.put(key, Vec::new(), now);
            Ok((201, Content::Empty))
        }
        ("PATCH", _, Some("append")) => {
            let at = position()?;
            if body.len() > MAX_APPEND {
                return Err(err(
                    413,
                    "RequestBodyTooLarge",
                    "The request body is too large and exceeds the maximum permissible limit.",
                ));
            }
            let store = lake.bytes;
            let f = lake.files.get_mut(&key).ok_or_else(missing)?;
            let staged_end = f.committed.len() + f.staged.len();
            if at < f.committed.len() || at > staged_end {
                return Err(err(
                    400,
                    "InvalidAppendPosition",
                    "The value for one of the HTTP headers is not in the correct format: position must not leave a gap or rewrite committed data.",
                ));
            }
            let keep = at - f.committed.len();
            let grows = (at + body.len()).saturating_sub(staged_end);
            if at + body.len() > MAX_FILE || store + grows > MAX_STORE {
                return Err(err(
                    413,
                    "RequestBodyTooLarge",
                    "The simulator keeps files in memory and this one would be too large.",
                ));
            }
            f.staged.truncate(keep);
            f.staged.extend_from_slice(body);
            f.modified = now;
            lake.bytes = store + grows;
            Ok((202, Content::Empty))
        }
        ("PATCH", _, Some("flush")) => {
            let at = position()?;
            let f = lake.files.get_mut(&key).ok_or_else(missing)?;
            if at != f.committed.len() + f.staged.len() {
                return Err(err(
                    400,
                    "InvalidFlushPosition",
                    "The uploaded data is not contiguous or the position query parameter value is not equal to the length of the file after appending the uploaded data.",
                ));
            }
            let staged = std::mem::take(&mut f.staged);
            f.committed.extend(staged);
            f.modified = now;
            Ok((200, Content::Empty))
        }
        ("HEAD", _, _) => {
            Ok((200, Content::Length(lake.files.get(&key).ok_or_else(missing)?.committed.len())))
        }
        ("GET", _, _) => {
            Ok((200, Content::Bytes(lake.files.get(&key).ok_or_else(missing)?.committed.clone())))
        }
        ("DELETE", _, _) => {
            let f = lake.files.remove(&key).ok_or_else(missing)?;
            lake.bytes -= f.committed.len() + f.staged.len();
            Ok((200, Content::Empty))
        }
        _ => Err(err(
            400,
            "UnsupportedHttpVerb",
            "The resource doesn't support the specified HTTP verb or query.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_by_id_name_or_relative_to_the_lakehouse() {
        let (ws, lh) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut lake = Lake::default();
        lake.add_workspace(ws, "Sales", &[(lh, "lh_sales".into())]);
        let key = FileKey { workspace: ws, lakehouse: lh, path: "a/job.py".into() };
        let by_id = format!("abfss://{ws}@onelake.dfs.fabric.microsoft.com/{lh}/Files/a/job.py");
        assert_eq!(lake.resolve(ws, lh, &by_id), Resolved::File(key.clone()));
        let by_name = "abfss://Sales@onelake.dfs.fabric.microsoft.com/lh_sales.Lakehouse/Files/a/job.py";
        assert_eq!(lake.resolve(ws, lh, by_name), Resolved::File(key.clone()));
        assert_eq!(lake.resolve(ws, lh, "Files/a/job.py"), Resolved::File(key));
        assert!(matches!(
            lake.resolve(ws, lh, "abfss://Other@onelake.dfs.fabric.microsoft.com/x/Files/y"),
            Resolved::NoContainer(_)
        ));
        assert_eq!(lake.resolve(ws, lh, "abfss://c@acct.dfs.core.windows.net/y"), Resolved::Elsewhere);
    }
}
