//! Local files a batch names, put into its lakehouse's `Files/` through OneLake before the
//! batch is submitted (fabric-livy.md §1.6).
//!
//! A file goes to `Files/sparkdeck/uploads/<first 16 hex digits of its SHA-256>/<its name>`:
//! the same content always lands on the same path, so submitting an unchanged file again
//! uploads nothing, and a new version never overwrites a file a running batch may be reading.
//! A path already holding the whole file is left alone; one left half-written (created, never
//! flushed) is written again.

use std::path::{Path, PathBuf};

use tokio::io::AsyncReadExt;

use super::CreateError;
use crate::api::onelake::{CHUNK, LakePath};
use crate::api::{ErrorKind, OneLakeClient};

/// Where uploads go under `Files/`.
pub const UPLOAD_DIR: &str = "sparkdeck/uploads";

/// A local file and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub local: PathBuf,
    pub size: u64,
    pub dest: LakePath,
}

/// How an upload went, for progress lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadProgress {
    /// Bytes written so far.
    Sending {
        file: PathBuf,
        done: u64,
        total: u64,
    },
    /// The file was there already, whole.
    AlreadyThere {
        file: PathBuf,
    },
    Done {
        file: PathBuf,
    },
}

/// Check a local file and decide where it goes (reads it once, for its hash). A missing,
/// unreadable or non-regular file is [`CreateError::Invalid`]: nothing is sent.
pub async fn plan(local: &Path, lakehouse_id: &str) -> Result<Upload, CreateError> {
    let shown = local.display();
    let meta = tokio::fs::metadata(local).await.map_err(|e| {
        CreateError::Invalid(match e.kind() {
            std::io::ErrorKind::NotFound => format!(
                "{shown}: no such local file (give an existing file, or an abfss:// path of a file already in OneLake)"
            ),
            _ => format!("{shown}: cannot read it: {e}"),
        })
    })?;
    if !meta.is_file() {
        return Err(CreateError::Invalid(format!("{shown}: not a regular file")));
    }
    let name = local
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| CreateError::Invalid(format!("{shown}: the file name is not valid UTF-8")))?;
    let digest =
        sha256(local).await.map_err(|e| CreateError::Invalid(format!("{shown}: cannot read it: {e}")))?;
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    Ok(Upload {
        local: local.to_path_buf(),
        size: meta.len(),
        dest: LakePath { lakehouse_id: lakehouse_id.to_string(), path: format!("{UPLOAD_DIR}/{hex}/{name}") },
    })
}

async fn sha256(path: &Path) -> std::io::Result<[u8; 32]> {
    let mut file = tokio::fs::File::open(path).await?;
    let mut hasher = openssl::sha::Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf).await?;
        if n == 0 {
            return Ok(hasher.finish());
        }
        hasher.update(&buf[..n]);
    }
}

/// Is the whole file at its destination? A refused identity is an error (it would fail the
/// upload too); any other failure to tell (a service without HEAD) counts as "not there".
async fn present(onelake: &OneLakeClient, up: &Upload) -> Result<bool, CreateError> {
    match onelake.length(&up.dest).await {
        Ok(length) => Ok(length == Some(up.size)),
        Err(e) if matches!(e.kind, ErrorKind::Unauthorized | ErrorKind::Forbidden) => Err(e.into()),
        Err(e) => {
            tracing::debug!("cannot tell whether {} is in OneLake: {e}", up.dest.path);
            Ok(false)
        }
    }
}

/// Put the file into OneLake: create, append in chunks, flush. Nothing is sent when the whole
/// file is there already.
pub async fn send(
    onelake: &OneLakeClient,
    up: &Upload,
    progress: &(dyn Fn(UploadProgress) + Send + Sync),
) -> Result<(), CreateError> {
    let file = up.local.clone();
    if present(onelake, up).await? {
        progress(UploadProgress::AlreadyThere { file });
        return Ok(());
    }
    match onelake.create_file(&up.dest, false).await {
        Ok(()) => {}
        // There already, whole (a race, or HEAD could not tell): done; else left half-written by
        // an upload that did not finish: start over.
        Err(e) if e.kind == ErrorKind::Conflict => {
            if present(onelake, up).await? {
                progress(UploadProgress::AlreadyThere { file });
                return Ok(());
            }
            onelake.create_file(&up.dest, true).await?
        }
        Err(e) => return Err(e.into()),
    }
    let mut reader = tokio::fs::File::open(&up.local)
        .await
        .map_err(|e| CreateError::Invalid(format!("{}: cannot read it: {e}", up.local.display())))?;
    let mut done = 0u64;
    loop {
        let mut chunk = Vec::with_capacity(CHUNK);
        let n = (&mut reader)
            .take(CHUNK as u64)
            .read_to_end(&mut chunk)
            .await
            .map_err(|e| CreateError::Invalid(format!("{}: cannot read it: {e}", up.local.display())))?;
        if n == 0 {
            break;
        }
        onelake.append(&up.dest, done, bytes::Bytes::from(chunk)).await?;
        done += n as u64;
        progress(UploadProgress::Sending { file: file.clone(), done, total: up.size });
    }
    if done != up.size {
        return Err(CreateError::Invalid(format!(
            "{}: the file changed while it was uploaded ({done} bytes read, {} expected); try again",
            up.local.display(),
            up.size
        )));
    }
    onelake.flush(&up.dest, done).await?;
    progress(UploadProgress::Done { file });
    Ok(())
}
