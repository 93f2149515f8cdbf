//! Secret scopes, secret keys (never values) and ACLs.

use serde::Deserialize;
use serde_json::Value;

use crate::api::wire::wire_enum;

wire_enum! {
    pub ScopeBackendType { Databricks = "DATABRICKS", AzureKeyvault = "AZURE_KEYVAULT" }
}

wire_enum! {
    pub AclPermission { Read = "READ", Write = "WRITE", Manage = "MANAGE" }
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct SecretScope {
    pub name: Option<String>,
    pub backend_type: Option<ScopeBackendType>,
    pub keyvault_metadata: Option<Value>,
}

/// A secret's key and last update (values are never listed).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct SecretMetadata {
    pub key: Option<String>,
    pub last_updated_timestamp: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct AclItem {
    pub principal: Option<String>,
    pub permission: Option<AclPermission>,
}
