//! What to do about a failure, in one sentence, when we know: shown by `doctor` and next to a
//! failing workspace in the monitor.

use super::{Error, Service};
use crate::api::{ApiError, ErrorKind};
use crate::auth::spec::FABRIC_DELEGATED_SCOPES;

/// How to find out what a create whose outcome is unknown ([`ErrorKind::MayHaveSucceeded`])
/// may have made, before trying it again.
pub fn check(e: &ApiError) -> Option<&'static str> {
    if e.kind != ErrorKind::MayHaveSucceeded {
        return None;
    }
    let path = e.path.as_str();
    let ends = |tail: &str| path.ends_with(tail);
    Some(if ends("/jobs/run-now") || ends("/jobs/runs/submit") {
        "the run may have started: check `sparkdeck runs list`"
    } else if ends("/jobs/runs/repair") {
        "the repair may have started: check `sparkdeck runs get RUN_ID`"
    } else if ends("/token/create") {
        "a token may have been created: check `sparkdeck tokens list` (revoke one you cannot use)"
    } else if ends("/clusters/create") {
        "the cluster may have been created: check `sparkdeck clusters list`"
    } else if ends("/clusters/restart") {
        "the cluster may be restarting: check `sparkdeck clusters get CLUSTER_ID`"
    } else if ends("/highConcurrencySessions") || ends("/sessions") {
        "a Spark session may have started: check `sparkdeck sessions list`"
    } else if ends("/batches") {
        "the batch may have started: check `sparkdeck batches list`"
    } else if ends("/statements") || ends("/commands/execute") {
        "the code may have run: look at the session's statements before running it again"
    } else if ends("/contexts/create") {
        "an execution context may have been made on the cluster (it ends with the cluster)"
    } else {
        "check the workspace before trying again"
    })
}

/// What to do about a failure, when we know.
pub fn fix(service: Service, e: &Error) -> Option<String> {
    let api: &ApiError = match e {
        Error::Auth(crate::auth::AuthError::NotConfigured { fix, .. }) => return Some(fix.clone()),
        Error::Auth(_) => {
            return Some(
                "complete the workspace's auth settings in the config file (see config.example.toml)".into(),
            );
        }
        Error::Api(api) => api,
        _ => return None,
    };
    let code = api.code.as_deref().unwrap_or_default();
    let message = api.message.to_ascii_lowercase();
    Some(match (service, api.kind) {
        (_, ErrorKind::Network) => "cannot reach the service: check the URL, network, proxy (HTTPS_PROXY) and VPN".into(),
        (_, ErrorKind::Timeout) => "the service did not answer in time: try again; check network and proxy".into(),
        (_, ErrorKind::Throttled | ErrorKind::Capacity) => {
            "the service is throttling; wait and retry (sparkdeck honours Retry-After)".into()
        }
        (Service::Databricks, ErrorKind::Forbidden)
            if message.contains("not a member") || message.contains("unauthorized access to org") =>
        {
            "the service principal is not a user of this workspace: add it in Admin settings → Identity and \
             access → Service principals, or set sp_management_resource_id so a Contributor service principal \
             is added on first use"
                .into()
        }
        (Service::Databricks, ErrorKind::Unauthorized | ErrorKind::Forbidden) if message.contains("invalid access token") => {
            "the token was refused: the PAT may be expired or revoked (create one under User settings → \
             Developer → Access tokens), or the Entra token is for another tenant"
                .into()
        }
        (Service::Databricks, ErrorKind::Unauthorized | ErrorKind::Forbidden) => {
            format!("the workspace refused the identity ({code}): check that it is a workspace user with access")
        }
        (Service::Fabric, ErrorKind::Unauthorized) => format!(
            "the token was refused ({code}): a signed-in user needs the delegated scopes {}; a service principal \
             or managed identity needs the tenant setting \"Service principals can use Fabric APIs\"",
            FABRIC_DELEGATED_SCOPES.join(", ")
        ),
        (Service::Fabric, ErrorKind::Forbidden) => format!(
            "access denied ({code}): add the identity to the workspace as Contributor (or higher), and check the \
             delegated scopes {} and the tenant settings for the Livy API",
            FABRIC_DELEGATED_SCOPES.join(", ")
        ),
        (Service::Fabric, ErrorKind::NotFound) => {
            "the workspace or lakehouse id was not found: copy both GUIDs from the lakehouse URL \
             (…/groups/<workspace id>/lakehouses/<lakehouse id>)"
                .into()
        }
        _ => return None,
    })
}
