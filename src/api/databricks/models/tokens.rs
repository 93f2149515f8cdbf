//! Personal access tokens: public facts only, except the value `token/create` hands out once.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// A personal access token's public facts (never its value).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct PublicTokenInfo {
    pub token_id: Option<String>,
    pub creation_time: Option<i64>,
    /// -1 when the token never expires.
    pub expiry_time: Option<i64>,
    pub comment: Option<String>,
    pub last_accessed_time: Option<i64>,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CreateTokenRequest {
    /// Omitted: the service default (two years today).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifetime_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// `token/create`: the new token's value (shown once, a secret) and its public facts. The raw
/// answer is not kept because it holds the value in clear.
#[derive(Debug, Clone, Deserialize)]
pub struct CreatedToken {
    pub token_value: SecretString,
    #[serde(default)]
    pub token_info: PublicTokenInfo,
}
