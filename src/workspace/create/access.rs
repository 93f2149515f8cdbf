//! Who may do what in a Databricks workspace: secret scopes and their ACLs, and the service
//! principals admitted to it (SCIM). A create first looks whether the thing exists (so a
//! duplicate is refused without sending it), and after a lost answer looks again to tell
//! whether it happened.

use super::{CreateError, outcome_unknown};
use crate::api::databricks::models::{
    AclItem, AclPermission, NewServicePrincipal, SecretScope, ServicePrincipal,
};
use crate::api::{ErrorKind, Fetched};
use crate::domain::create::{Created, CreatedKind};
use crate::workspace::{Workspace, actions};

/// Scope and key names: letters, digits, `-`, `_` and `.`, at most 128 (the Secrets API's rule).
pub fn check_name(what: &str, name: &str) -> Result<(), CreateError> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(CreateError::Invalid(format!(
            "{what} {name:?} is not valid: use letters, digits, '-', '_' and '.', at most 128 characters"
        )))
    }
}

async fn scope_exists(ws: &Workspace, scope: &str) -> Result<bool, CreateError> {
    let scopes: Vec<Fetched<SecretScope>> = actions::databricks(ws)?.secret_scopes().await?;
    Ok(scopes.iter().any(|s| s.value.name.as_deref() == Some(scope)))
}

/// `secrets/scopes/create` (Databricks-backed; the creator gets MANAGE).
pub async fn create_scope(ws: &Workspace, scope: &str) -> Result<Created, CreateError> {
    check_name("the scope name", scope)?;
    let created = Created { kind: CreatedKind::SecretScope, id: scope.to_string(), name: None };
    if scope_exists(ws, scope).await? {
        return Err(CreateError::Invalid(format!("the secret scope {scope} exists already")));
    }
    match actions::databricks(ws)?.create_secret_scope(scope).await {
        Ok(()) => Ok(created),
        Err(e) if outcome_unknown(&e) => match scope_exists(ws, scope).await {
            Ok(true) => Ok(created),
            _ => Err(CreateError::Unknown {
                what: format!("the secret scope {scope}"),
                found: Vec::new(),
                cause: e,
            }),
        },
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_scope(ws: &Workspace, scope: &str) -> Result<(), CreateError> {
    Ok(actions::databricks(ws)?.delete_secret_scope(scope).await?)
}

pub async fn acls(ws: &Workspace, scope: &str) -> Result<Vec<Fetched<AclItem>>, CreateError> {
    Ok(actions::databricks(ws)?.secret_acls(scope).await?)
}

/// One principal's permission on a scope; `None` when it has none.
pub async fn acl(
    ws: &Workspace,
    scope: &str,
    principal: &str,
) -> Result<Option<Fetched<AclItem>>, CreateError> {
    match actions::databricks(ws)?.secret_acl(scope, principal).await {
        Ok(a) => Ok(Some(a)),
        // A missing ACL is RESOURCE_DOES_NOT_EXIST, as is a missing scope, which is an error.
        Err(e) if e.kind == ErrorKind::NotFound && !scope_missing(&e.message) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn scope_missing(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("scope") && m.contains("does not exist")
}

/// Grant `permission` (replacing any other the principal had).
pub async fn put_acl(
    ws: &Workspace,
    scope: &str,
    principal: &str,
    permission: &AclPermission,
) -> Result<(), CreateError> {
    Ok(actions::databricks(ws)?.put_secret_acl(scope, principal, permission).await?)
}

pub async fn delete_acl(ws: &Workspace, scope: &str, principal: &str) -> Result<(), CreateError> {
    Ok(actions::databricks(ws)?.delete_secret_acl(scope, principal).await?)
}

/// The workspace's service principals.
pub async fn principals(ws: &Workspace, limit: usize) -> Result<Vec<Fetched<ServicePrincipal>>, CreateError> {
    Ok(actions::databricks(ws)?.service_principals(None).collect(limit).await?)
}

async fn principal_by_app(
    ws: &Workspace,
    application_id: &str,
) -> Result<Option<Fetched<ServicePrincipal>>, CreateError> {
    let filter = format!("applicationId eq \"{application_id}\"");
    let found = actions::databricks(ws)?.service_principals(Some(&filter)).collect(10).await?;
    Ok(found.into_iter().find(|sp| {
        sp.value.application_id.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(application_id))
    }))
}

/// What adding a service principal came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    New(Created),
    /// It was a user of the workspace already (nothing was sent).
    AlreadyThere(Created),
}

/// Add a Microsoft Entra service principal (its application id, a GUID) to the workspace.
pub async fn add_principal(
    ws: &Workspace,
    application_id: &str,
    display_name: Option<&str>,
) -> Result<Added, CreateError> {
    if uuid::Uuid::parse_str(application_id).is_err() {
        return Err(CreateError::Invalid(format!(
            "{application_id:?} is not an application id: give the service principal's Microsoft Entra \
             application (client) id, a GUID like 00000000-0000-0000-0000-000000000000"
        )));
    }
    let as_created = |sp: &ServicePrincipal| Created {
        kind: CreatedKind::ServicePrincipal,
        id: sp.id.clone().unwrap_or_default(),
        name: sp.display_name.clone(),
    };
    if let Some(sp) = principal_by_app(ws, application_id).await? {
        return Ok(Added::AlreadyThere(as_created(&sp.value)));
    }
    let body = NewServicePrincipal::new(
        Some(application_id.to_string()),
        Some(display_name.unwrap_or(application_id).to_string()),
    );
    match actions::databricks(ws)?.create_service_principal(&body).await {
        Ok(sp) => Ok(Added::New(as_created(&sp.value))),
        Err(e) if outcome_unknown(&e) => match principal_by_app(ws, application_id).await {
            Ok(Some(sp)) => Ok(Added::New(as_created(&sp.value))),
            _ => Err(CreateError::Unknown {
                what: format!("the service principal {application_id}"),
                found: Vec::new(),
                cause: e,
            }),
        },
        Err(e) => Err(e.into()),
    }
}
