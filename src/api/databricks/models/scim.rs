//! SCIM: users and service principals.

use serde::{Deserialize, Serialize};

/// A SCIM multi-valued attribute entry (emails, groups, entitlements, roles).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ScimValue {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    #[serde(rename = "$ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub value_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ScimName {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
}

/// SCIM `User` (`/Me`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct User {
    pub id: Option<String>,
    pub user_name: Option<String>,
    pub display_name: Option<String>,
    pub active: Option<bool>,
    pub emails: Vec<ScimValue>,
    pub name: Option<ScimName>,
    pub groups: Vec<ScimValue>,
    pub entitlements: Vec<ScimValue>,
    pub roles: Vec<ScimValue>,
    pub external_id: Option<String>,
    pub schemas: Vec<String>,
}

/// SCIM `ServicePrincipal`. On Azure `application_id` is the Entra client id.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ServicePrincipal {
    pub id: Option<String>,
    pub application_id: Option<String>,
    pub display_name: Option<String>,
    pub active: Option<bool>,
    pub groups: Vec<ScimValue>,
    pub entitlements: Vec<ScimValue>,
    pub roles: Vec<ScimValue>,
    pub external_id: Option<String>,
    pub schemas: Vec<String>,
}

/// `POST .../ServicePrincipals` body.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewServicePrincipal {
    pub schemas: Vec<String>,
    /// Entra client id; omit for a Databricks-managed principal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entitlements: Vec<ScimValue>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<ScimValue>,
}

impl NewServicePrincipal {
    pub const SCHEMA: &'static str = "urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal";

    pub fn new(application_id: Option<String>, display_name: Option<String>) -> Self {
        Self {
            schemas: vec![Self::SCHEMA.to_string()],
            application_id,
            display_name,
            active: Some(true),
            ..Self::default()
        }
    }
}
