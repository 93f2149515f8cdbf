//! Who is signed in to a workspace, in the names its rows carry as their owner — for the
//! monitor's "mine only" (`m`) and `owner:me`. Databricks: SCIM `Me` (`userName`: a user's
//! e-mail, a service principal's application id — what `creator_user_name` holds). Fabric has
//! no "me" call: the Entra token's own claims (`upn` / `unique_name` / `preferred_username`,
//! `oid`, `appid`, `name`), which is what Livy's `submitterName` / `submitterId` and the
//! monitoring list's `submitter.id` hold. The claims are read, not verified, and the token
//! itself never leaves this function.

use secrecy::{ExposeSecret, SecretString};

use super::{Clients, Workspace};

/// Claims of an Entra access token that name its caller, most specific first.
const CLAIMS: [&str; 7] = ["upn", "unique_name", "preferred_username", "email", "oid", "appid", "name"];

/// The names rows of `ws` carry for the signed-in identity, or why they cannot be known.
pub async fn who_am_i(ws: &Workspace) -> Result<Vec<String>, String> {
    let clients = ws.clients.as_ref().map_err(|e| e.to_string())?;
    match clients {
        Clients::Databricks(d) => {
            let me = d.me().await.map_err(|e| e.to_string())?.value;
            let names: Vec<String> = me.user_name.into_iter().filter(|n| !n.is_empty()).collect();
            if names.is_empty() {
                return Err("SCIM Me answered without a userName".into());
            }
            Ok(names)
        }
        Clients::Fabric(f) => {
            let auth = f.monitor.endpoint().auth();
            let headers = auth.headers().await.map_err(|e| e.to_string())?;
            let bearer = headers
                .iter()
                .find(|(name, _)| *name == reqwest::header::AUTHORIZATION)
                .and_then(|(_, v)| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(|t| SecretString::from(t.to_string()));
            let names = bearer.as_ref().map(token_names).unwrap_or_default();
            if names.is_empty() {
                let method = auth.describe().method;
                return Err(format!(
                    "its token ({method}) is no Entra token naming a user or application (no upn / oid claim)"
                ));
            }
            Ok(names)
        }
    }
}

/// The caller's names in a JWT's claims (none when it is no JWT).
fn token_names(token: &SecretString) -> Vec<String> {
    use base64::Engine;
    let Some(payload) = token.expose_secret().split('.').nth(1) else { return Vec::new() };
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('='))
    else {
        return Vec::new();
    };
    let Ok(claims) = serde_json::from_slice::<serde_json::Value>(&bytes) else { return Vec::new() };
    let mut names: Vec<String> = Vec::new();
    for claim in CLAIMS {
        if let Some(v) = claims.get(claim).and_then(|v| v.as_str()).filter(|v| !v.is_empty())
            && !names.iter().any(|n| n == v)
        {
            names.push(v.to_string());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn jwt(claims: serde_json::Value) -> SecretString {
        let b64 = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        SecretString::from(format!(
            "{}.{}.sig",
            b64(b"{\"alg\":\"none\"}"),
            b64(claims.to_string().as_bytes())
        ))
    }

    #[test]
    fn a_user_token_names_the_user_and_an_app_token_the_app() {
        let user = jwt(
            serde_json::json!({"upn": "ana@contoso.com", "oid": "6f23a8a6", "name": "Ana Ruiz", "aud": "x"}),
        );
        assert_eq!(token_names(&user), ["ana@contoso.com", "6f23a8a6", "Ana Ruiz"]);
        let app = jwt(serde_json::json!({"oid": "1111", "appid": "2222"}));
        assert_eq!(token_names(&app), ["1111", "2222"]);
        assert!(token_names(&SecretString::from("sim-fabric-token".to_string())).is_empty());
        assert!(token_names(&SecretString::from("a.b.c".to_string())).is_empty());
    }
}
