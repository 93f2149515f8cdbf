//! Secrets API: scopes, secrets (values go in, never come out) and ACLs.

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use super::models::*;
use super::{DatabricksClient, done, list_of};
use crate::api::ApiError;
use crate::api::wire::Fetched;

impl DatabricksClient {
    /// `secrets/scopes/create` (Databricks-backed). The creator gets MANAGE.
    pub async fn create_secret_scope(&self, scope: &str) -> Result<(), ApiError> {
        let body = json!({"scope": scope});
        self.ep.call(Method::POST, "/api/2.0/secrets/scopes/create").json(&body).send().await.map(done)
    }

    pub async fn secret_scopes(&self) -> Result<Vec<Fetched<SecretScope>>, ApiError> {
        let path = "/api/2.0/secrets/scopes/list";
        list_of("GET", path, self.ep.call(Method::GET, path), "scopes").await
    }

    pub async fn delete_secret_scope(&self, scope: &str) -> Result<(), ApiError> {
        let body = json!({"scope": scope});
        self.ep
            .call(Method::POST, "/api/2.0/secrets/scopes/delete")
            .json(&body)
            .idempotent()
            .send()
            .await
            .map(done)
    }

    /// `secrets/put` (overwrites). Putting the same value again changes nothing, so it is
    /// retried like a read.
    pub async fn put_secret(&self, scope: &str, key: &str, value: &SecretString) -> Result<(), ApiError> {
        let body = json!({"scope": scope, "key": key, "string_value": value.expose_secret()});
        self.ep.call(Method::POST, "/api/2.0/secrets/put").json(&body).idempotent().send().await.map(done)
    }

    /// Keys and update times of a scope's secrets.
    pub async fn secrets(&self, scope: &str) -> Result<Vec<Fetched<SecretMetadata>>, ApiError> {
        let path = "/api/2.0/secrets/list";
        list_of("GET", path, self.ep.call(Method::GET, path).query("scope", scope), "secrets").await
    }

    pub async fn delete_secret(&self, scope: &str, key: &str) -> Result<(), ApiError> {
        let body = json!({"scope": scope, "key": key});
        self.ep.call(Method::POST, "/api/2.0/secrets/delete").json(&body).idempotent().send().await.map(done)
    }

    /// `secrets/acls/put`.
    pub async fn put_secret_acl(
        &self,
        scope: &str,
        principal: &str,
        permission: &AclPermission,
    ) -> Result<(), ApiError> {
        let body = json!({"scope": scope, "principal": principal, "permission": permission});
        self.ep
            .call(Method::POST, "/api/2.0/secrets/acls/put")
            .json(&body)
            .idempotent()
            .send()
            .await
            .map(done)
    }

    pub async fn secret_acl(&self, scope: &str, principal: &str) -> Result<Fetched<AclItem>, ApiError> {
        let call = self.ep.call(Method::GET, "/api/2.0/secrets/acls/get").query("scope", scope);
        call.query("principal", principal).fetch().await
    }

    pub async fn secret_acls(&self, scope: &str) -> Result<Vec<Fetched<AclItem>>, ApiError> {
        let path = "/api/2.0/secrets/acls/list";
        list_of("GET", path, self.ep.call(Method::GET, path).query("scope", scope), "items").await
    }

    pub async fn delete_secret_acl(&self, scope: &str, principal: &str) -> Result<(), ApiError> {
        let body = json!({"scope": scope, "principal": principal});
        self.ep
            .call(Method::POST, "/api/2.0/secrets/acls/delete")
            .json(&body)
            .idempotent()
            .send()
            .await
            .map(done)
    }
}
