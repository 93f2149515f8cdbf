//! OneLake's Azure Data Lake Storage Gen2 API for one workspace: putting a local file into a
//! lakehouse's `Files/` area so a batch can name it (fabric-livy.md §1.6).
//!
//! Base `https://onelake.dfs.fabric.microsoft.com` (GUID form `/{workspace}/{lakehouse}/Files/…`),
//! a token for Azure Storage (not the Fabric API), and `x-ms-version` on every call. A file is
//! written in three steps: create (`PUT ?resource=file`), append chunks at byte offsets
//! (`PATCH ?action=append&position=N`), flush the total length (`PATCH ?action=flush`), which
//! commits it. Appends and the flush name their position, so repeating one after a lost answer
//! writes the same bytes to the same place: they are retried like reads.

use reqwest::Method;

use super::wire::seg;
use super::{ApiError, Endpoint, ErrorKind};

/// The storage service version sent with every call.
pub const STORAGE_VERSION: &str = "2023-11-03";
/// OneLake's DFS host, as `abfss://` paths name it.
pub const ONELAKE_HOST: &str = "onelake.dfs.fabric.microsoft.com";
/// The service accepts appends of up to 100 MiB; 4 MiB is the usual chunk.
pub const CHUNK: usize = 4 * 1024 * 1024;

/// OneLake calls for one workspace.
#[derive(Debug, Clone)]
pub struct OneLakeClient {
    ep: Endpoint,
    workspace_id: String,
}

/// A file under a lakehouse's `Files/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LakePath {
    pub lakehouse_id: String,
    /// Relative to `Files/`, `/`-separated, e.g. `sparkdeck/uploads/3f2a/job.py`.
    pub path: String,
}

impl LakePath {
    /// The Spark path of the file, e.g.
    /// `abfss://{ws}@onelake.dfs.fabric.microsoft.com/{lh}/Files/{path}`.
    pub fn abfss(&self, workspace_id: &str) -> String {
        format!("abfss://{workspace_id}@{ONELAKE_HOST}/{}/Files/{}", self.lakehouse_id, self.path)
    }
}

impl OneLakeClient {
    pub fn new(ep: Endpoint, workspace_id: &str) -> Result<Self, ApiError> {
        seg(workspace_id)?;
        Ok(Self { ep, workspace_id: workspace_id.to_string() })
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.ep
    }

    pub fn workspace_id(&self) -> &str {
        &self.workspace_id
    }

    /// `/{ws}/{lh}/Files/{each segment encoded}`.
    fn url_path(&self, file: &LakePath) -> Result<String, ApiError> {
        let mut out = format!("/{}/{}/Files", seg(&self.workspace_id)?, seg(&file.lakehouse_id)?);
        for part in file.path.split('/') {
            if part.is_empty() || part == "." || part == ".." {
                return Err(ApiError::invalid_input(format!(
                    "{:?} is not a file path under Files/",
                    file.path
                )));
            }
            out.push('/');
            out.push_str(&seg(part)?);
        }
        Ok(out)
    }

    /// `PUT ?resource=file`: an empty file. With `overwrite` false (`If-None-Match: *`) an
    /// existing file is refused with 409 `PathAlreadyExists`.
    pub async fn create_file(&self, file: &LakePath, overwrite: bool) -> Result<(), ApiError> {
        let mut call = self
            .ep
            .call(Method::PUT, self.url_path(file)?)
            .query("resource", "file")
            .header("x-ms-version", STORAGE_VERSION)
            // The service requires the length even of an empty body, which hyper leaves out.
            .header("content-length", "0");
        if !overwrite {
            call = call.header("if-none-match", "*");
        }
        call.execute().await
    }

    /// `PATCH ?action=append&position={offset}` with the bytes (202).
    pub async fn append(&self, file: &LakePath, position: u64, chunk: bytes::Bytes) -> Result<(), ApiError> {
        self.ep
            .call(Method::PATCH, self.url_path(file)?)
            .query("action", "append")
            .query("position", position)
            .header("x-ms-version", STORAGE_VERSION)
            .bytes(chunk)
            .idempotent()
            .execute()
            .await
    }

    /// `PATCH ?action=flush&position={total length}` (200): commits what was appended.
    pub async fn flush(&self, file: &LakePath, length: u64) -> Result<(), ApiError> {
        self.ep
            .call(Method::PATCH, self.url_path(file)?)
            .query("action", "flush")
            .query("position", length)
            .header("x-ms-version", STORAGE_VERSION)
            .header("content-length", "0")
            .idempotent()
            .execute()
            .await
    }

    /// `HEAD`: the committed length of the file, `None` when there is no such file.
    pub async fn length(&self, file: &LakePath) -> Result<Option<u64>, ApiError> {
        let answer = self
            .ep
            .call(Method::HEAD, self.url_path(file)?)
            .header("x-ms-version", STORAGE_VERSION)
            .status_only()
            .answer()
            .await;
        match answer {
            Ok(a) => Ok(a
                .headers
                .get(reqwest::header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// An `abfss://` path taken apart: the container (workspace, by id or name), the host, and the
/// path inside it (`{lakehouse}/Files/...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Abfss<'a> {
    pub container: &'a str,
    pub host: &'a str,
    pub path: &'a str,
}

impl<'a> Abfss<'a> {
    /// `abfss://container@host/path` (the scheme case-insensitively); `None` for anything else.
    pub fn parse(url: &'a str) -> Option<Abfss<'a>> {
        let (scheme, rest) = url.split_once("://")?;
        if !scheme.eq_ignore_ascii_case("abfss") && !scheme.eq_ignore_ascii_case("abfs") {
            return None;
        }
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (container, host) = authority.split_once('@')?;
        Some(Abfss { container, host, path })
    }

    /// Is this OneLake (rather than an ADLS account)?
    pub fn is_onelake(&self) -> bool {
        self.host.eq_ignore_ascii_case(ONELAKE_HOST)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abfss_paths_come_apart_and_are_made_alike() {
        let p = LakePath { lakehouse_id: "lh".into(), path: "a/b.py".into() };
        let url = p.abfss("ws");
        assert_eq!(url, "abfss://ws@onelake.dfs.fabric.microsoft.com/lh/Files/a/b.py");
        let parsed = Abfss::parse(&url).unwrap_or_else(|| panic!("{url}"));
        assert_eq!((parsed.container, parsed.path), ("ws", "lh/Files/a/b.py"));
        assert!(parsed.is_onelake());
        assert!(Abfss::parse("abfss://c@acct.dfs.core.windows.net/x").is_some_and(|a| !a.is_onelake()));
        assert_eq!(Abfss::parse("Files/job.py"), None);
        assert_eq!(Abfss::parse("https://x/y"), None);
    }
}
