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
pub use crate::domain::request::key_values;

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
