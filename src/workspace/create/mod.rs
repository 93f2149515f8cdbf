//! The "create" half, shared by the headless commands and the monitor: submit Livy batches
//! (uploading local files to OneLake first) and create sessions ([`livy`], [`upload`]), create,
//! edit and permanently delete clusters ([`clusters`]), submit one-time runs ([`runs`]), and
//! manage secret scopes, their ACLs and service principals ([`access`]).
//!
//! Every function takes the plain description of `domain::create` and makes the exact request
//! from it; `preview`-style functions give that request without sending it, for a confirmation.
//!
//! Never twice: a create is sent once (the HTTP layer retries it only when the service refused
//! it before doing anything). When the answer is lost or unclear, what may have been created is
//! looked for — by a marker tag, by the request it echoes, by name and time, by idempotency
//! token — and reported as
//! [`CreateError::Unknown`] with what was found, never sent again.

pub mod access;
pub mod clusters;
pub mod livy;
pub mod runs;
pub mod upload;

use super::Error;
use crate::api::{ApiError, ErrorKind};
use crate::domain::create::Created;

/// Why a create did not (certainly) happen.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CreateError {
    /// Bad input, caught before anything was sent.
    #[error("{0}")]
    Invalid(String),
    /// The service refused, or could not be asked: nothing was created.
    #[error("{0}")]
    Failed(Error),
    /// The request was sent and its outcome is unknown (no answer, a server error): it may have
    /// been carried out. `found` holds what looks like it, from a search made afterwards.
    #[error("{what} may have been created: {cause}")]
    Unknown { what: String, found: Vec<Created>, cause: ApiError },
}

impl From<Error> for CreateError {
    fn from(e: Error) -> Self {
        CreateError::Failed(e)
    }
}

impl From<ApiError> for CreateError {
    fn from(e: ApiError) -> Self {
        CreateError::Failed(Error::Api(e))
    }
}

impl CreateError {
    /// The API error behind this one, if any (for hints and exit codes).
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            CreateError::Failed(e) => e.api(),
            CreateError::Unknown { cause, .. } => Some(cause),
            CreateError::Invalid(_) => None,
        }
    }
}

/// A create's answer leaves its outcome open: nothing came back, a server fault, a gateway
/// timeout, or a success body we could not read.
pub fn outcome_unknown(e: &ApiError) -> bool {
    matches!(e.kind, ErrorKind::MayHaveSucceeded | ErrorKind::Server | ErrorKind::Timeout | ErrorKind::Decode)
}

/// What to do about a refused create, when we know: the capacity is full (Fabric 430).
pub fn advice(e: &ApiError) -> Option<&'static str> {
    match e.kind {
        ErrorKind::Capacity => Some(
            "the workspace's Spark capacity is full: wait for running sessions and batches to end (or \
             cancel some: `sparkdeck sessions list --state active`), or move the workspace to a larger \
             capacity; nothing was created, and sparkdeck does not retry a create on its own",
        ),
        _ => None,
    }
}

/// `KEY=VALUE` pairs (`--conf`, `--tag`, `--spark-conf`, `--param`): the key must not be empty
/// and the `=` is required; the value may hold more `=`.
pub fn key_values(flag: &str, items: &[String]) -> Result<Vec<(String, String)>, String> {
    items
        .iter()
        .map(|item| match item.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
            Some(_) => Err(format!("{flag} {item:?}: the key before `=` is empty")),
            None => Err(format!("{flag} {item:?}: expected KEY=VALUE (no `=` found)")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_values_need_a_key_and_an_equals_sign() {
        let kv = key_values("--conf", &["spark.a=1=2".into(), "b=".into()]);
        assert_eq!(kv, Ok(vec![("spark.a".into(), "1=2".into()), ("b".into(), String::new())]));
        let e = key_values("--conf", &["spark.executor.memory".into()]).err().unwrap_or_default();
        assert!(e.contains("--conf \"spark.executor.memory\"") && e.contains("no `=`"), "{e}");
        assert!(key_values("--tag", &["=x".into()]).is_err_and(|e| e.contains("empty")));
    }
}
