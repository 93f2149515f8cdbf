//! Reading the claims of a JWT bearer token. The simulator trusts the token's own claims (no
//! signature check): tests and demos mint tokens with a fake authority.

use base64::Engine as _;
use serde_json::{Map, Value};

/// The payload claims of `header.payload.signature`, if the token has that shape.
pub fn claims(token: &str) -> Option<Map<String, Value>> {
    let mut parts = token.split('.');
    let (_header, payload, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// The `aud` claim (a string, or the first of a list).
pub fn audience(claims: &Map<String, Value>) -> Option<&str> {
    match claims.get("aud")? {
        Value::String(s) => Some(s),
        Value::Array(a) => a.first()?.as_str(),
        _ => None,
    }
}

/// Whether `exp` (Unix seconds, wall clock) has passed; a token without `exp` never expires.
pub fn expired(claims: &Map<String, Value>) -> bool {
    claims.get("exp").and_then(Value::as_i64).is_some_and(|exp| exp <= jiff::Timestamp::now().as_second())
}
