//! Bearer-token check for every Fabric call. The simulator accepts its demo token and any
//! Entra-shaped JWT for one of the two Fabric audiences whose `exp` lies in the future (wall
//! clock: token lifetimes are real even when simulated time runs fast). Signatures are not
//! checked: nothing can reach Entra from here.

use axum::http::HeaderMap;
use uuid::Uuid;

use super::ApiError;

/// The token `sparkdeck sim` prints and `--demo` uses.
pub const DEMO_TOKEN: &str = "sim-fabric-token";

/// Audiences Fabric accepts (reference §3: the Fabric API and the Power BI API scopes).
const AUDIENCES: [&str; 2] = ["https://api.fabric.microsoft.com", "https://analysis.windows.net/powerbi/api"];

/// Who is calling, as far as the token tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The demo token: the seeded demo user.
    Demo,
    /// A JWT: object id and display name when the token carries them.
    Token { oid: Option<Uuid>, name: Option<String>, app: bool },
}

pub fn check(headers: &HeaderMap) -> Result<Caller, ApiError> {
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
        return Err(unauthorized("InvalidToken", "Access token is missing"));
    };
    let value = value.to_str().map_err(|_| invalid())?;
    let (scheme, token) = value.trim().split_once(' ').ok_or_else(invalid)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(invalid());
    }
    let token = token.trim();
    if token == DEMO_TOKEN {
        return Ok(Caller::Demo);
    }
    let claims = crate::sim::jwt::claims(token).ok_or_else(invalid)?;
    let aud_ok = match claims.get("aud") {
        Some(serde_json::Value::String(a)) => audience_ok(a),
        Some(serde_json::Value::Array(list)) => list.iter().filter_map(|v| v.as_str()).any(audience_ok),
        _ => false,
    };
    if !aud_ok {
        return Err(invalid());
    }
    let exp = claims.get("exp").and_then(|v| v.as_f64()).ok_or_else(invalid)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    if exp <= now {
        return Err(unauthorized(
            "TokenExpired",
            "Access token has expired, resubmit with a new access token",
        ));
    }
    let oid = claims.get("oid").and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok());
    let name = ["name", "upn", "app_displayname"]
        .iter()
        .find_map(|k| claims.get(*k).and_then(|v| v.as_str()).map(str::to_string));
    let app = claims.get("idtyp").and_then(|v| v.as_str()) == Some("app");
    Ok(Caller::Token { oid, name, app })
}

fn audience_ok(aud: &str) -> bool {
    let aud = aud.trim_end_matches('/');
    AUDIENCES.iter().any(|a| a.eq_ignore_ascii_case(aud))
}

fn invalid() -> ApiError {
    unauthorized("InvalidToken", "Access token is invalid")
}

fn unauthorized(code: &'static str, message: &str) -> ApiError {
    ApiError::new(401, code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: serde_json::Value) -> String {
        let enc = |v: &serde_json::Value| {
            base64::Engine::encode(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                v.to_string().as_bytes(),
            )
        };
        format!("{}.{}.sig", enc(&serde_json::json!({"alg": "RS256"})), enc(&payload))
    }

    fn headers(token: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Ok(v) = format!("Bearer {token}").parse() {
            h.insert(axum::http::header::AUTHORIZATION, v);
        }
        h
    }

    #[test]
    fn demo_token_and_valid_jwt_pass() {
        assert_eq!(check(&headers(DEMO_TOKEN)), Ok(Caller::Demo));
        let t = jwt(
            serde_json::json!({"aud": "https://analysis.windows.net/powerbi/api", "exp": 4_000_000_000u64}),
        );
        assert!(matches!(check(&headers(&t)), Ok(Caller::Token { .. })));
    }

    #[test]
    fn wrong_audience_expired_and_garbage_fail() {
        let wrong = jwt(serde_json::json!({"aud": "https://management.azure.com", "exp": 4_000_000_000u64}));
        assert_eq!(check(&headers(&wrong)).map_err(|e| e.code), Err("InvalidToken"));
        let expired = jwt(serde_json::json!({"aud": "https://api.fabric.microsoft.com", "exp": 1_000}));
        assert_eq!(check(&headers(&expired)).map_err(|e| e.code), Err("TokenExpired"));
        assert_eq!(check(&headers("a.b.c")).map_err(|e| e.code), Err("InvalidToken"));
        assert_eq!(check(&HeaderMap::new()).map_err(|e| e.status), Err(401));
    }
}
