//! Fakes for the authentication tests: an HTTPS Entra authority (httpmock with its bundled CA),
//! a self-signed service-principal certificate made at test time, a fake `az` script, and
//! checks that secrets stay out of Debug/Display output.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openssl::asn1::Asn1Time;
use openssl::hash::MessageDigest;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::Verifier;
use openssl::x509::{X509, X509NameBuilder};
use serde_json::{Value, json};
use sparkdeck::auth::AuthContext;

pub const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
pub const CLIENT_ID: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

/// A reqwest client that trusts httpmock's CA, so azure_identity accepts the fake authority.
pub fn trusting_client() -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(httpmock::server::DEFAULT_CA_CERTIFICATE.as_bytes())
        .unwrap_or_else(|e| panic!("httpmock CA: {e}"));
    reqwest::Client::builder().add_root_certificate(ca).build().unwrap_or_else(|e| panic!("client: {e}"))
}

pub fn context(data_dir: &Path) -> AuthContext {
    AuthContext::new(trusting_client(), data_dir)
}

/// `/{tenant}/oauth2/v2.0/token`, the v2 endpoint azure_identity and the device flow use.
pub fn token_path() -> String {
    format!("/{TENANT}/oauth2/v2.0/token")
}

/// A v2 token response (integer `expires_in`).
pub fn entra_token(access_token: &str, expires_in: i64) -> Value {
    json!({ "token_type": "Bearer", "expires_in": expires_in, "ext_expires_in": expires_in, "access_token": access_token })
}

/// A JWT-shaped token whose claims name `upn` (signature irrelevant: nobody verifies it here).
pub fn user_token(upn: &str, marker: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let claims = URL_SAFE_NO_PAD.encode(json!({ "upn": upn, "marker": marker }).to_string());
    format!("{header}.{claims}.sig")
}

/// A self-signed RSA certificate and key, as the files a user would configure.
pub struct TestCertificate {
    pub cert: X509,
    pub pem_path: PathBuf,
    pub pfx_path: PathBuf,
    pub pfx_password: &'static str,
}

impl TestCertificate {
    pub fn generate(dir: &Path) -> Self {
        let key: PKey<Private> =
            Rsa::generate(2048).and_then(PKey::from_rsa).unwrap_or_else(|e| panic!("key: {e}"));
        let mut name = X509NameBuilder::new().unwrap_or_else(|e| panic!("{e}"));
        name.append_entry_by_text("CN", "sparkdeck-test").unwrap_or_else(|e| panic!("{e}"));
        let name = name.build();
        let mut builder = X509::builder().unwrap_or_else(|e| panic!("{e}"));
        builder.set_version(2).unwrap_or_else(|e| panic!("{e}"));
        builder.set_subject_name(&name).unwrap_or_else(|e| panic!("{e}"));
        builder.set_issuer_name(&name).unwrap_or_else(|e| panic!("{e}"));
        builder.set_pubkey(&key).unwrap_or_else(|e| panic!("{e}"));
        let not_before = Asn1Time::days_from_now(0).unwrap_or_else(|e| panic!("{e}"));
        let not_after = Asn1Time::days_from_now(1).unwrap_or_else(|e| panic!("{e}"));
        builder.set_not_before(&not_before).unwrap_or_else(|e| panic!("{e}"));
        builder.set_not_after(&not_after).unwrap_or_else(|e| panic!("{e}"));
        builder.sign(&key, MessageDigest::sha256()).unwrap_or_else(|e| panic!("{e}"));
        let cert = builder.build();

        let pem_path = dir.join("sp.pem");
        let mut pem = cert.to_pem().unwrap_or_else(|e| panic!("{e}"));
        pem.extend(key.private_key_to_pem_pkcs8().unwrap_or_else(|e| panic!("{e}")));
        std::fs::write(&pem_path, pem).unwrap_or_else(|e| panic!("{e}"));

        let pfx_password = "pfx-pass-4711";
        let pfx = Pkcs12::builder()
            .name("sp")
            .pkey(&key)
            .cert(&cert)
            .build2(pfx_password)
            .and_then(|p| p.to_der())
            .unwrap_or_else(|e| panic!("pkcs12: {e}"));
        let pfx_path = dir.join("sp.pfx");
        std::fs::write(&pfx_path, pfx).unwrap_or_else(|e| panic!("{e}"));
        Self { cert, pem_path, pfx_path, pfx_password }
    }
}

/// Does this `client_assertion` carry a valid RS256 signature by `cert` and the claims Entra
/// checks (aud = token endpoint, iss = sub = client id)?
pub fn valid_client_assertion(assertion: &str, cert: &X509, client_id: &str, token_url: &str) -> bool {
    let parts: Vec<&str> = assertion.split('.').collect();
    let [header, claims, signature] = parts.as_slice() else { return false };
    let Ok(signature) = URL_SAFE_NO_PAD.decode(signature.trim_end_matches('=')) else { return false };
    let Ok(public) = cert.public_key() else { return false };
    let verified = Verifier::new(MessageDigest::sha256(), &public)
        .and_then(|mut v| {
            v.update(format!("{header}.{claims}").as_bytes())?;
            v.verify(&signature)
        })
        .unwrap_or(false);
    let claims: Value = URL_SAFE_NO_PAD
        .decode(claims.trim_end_matches('='))
        .ok()
        .and_then(|c| serde_json::from_slice(&c).ok())
        .unwrap_or_default();
    verified && claims["aud"] == token_url && claims["iss"] == client_id && claims["sub"] == client_id
}

/// The value of one form field in a request body.
pub fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// A fake `az`: appends its arguments to `args.log`, counts runs in `count`, and prints what
/// `body` (shell) prints, with `$N` the run number.
pub fn fake_az(dir: &Path, body: &str) -> PathBuf {
    fake_cli(dir, "az", body)
}

/// A shell script standing in for a sign-in helper (`az`, `databricks`): it logs its arguments
/// to `args.log`, counts its runs in `count` (as `$N`), then runs `body`.
pub fn fake_cli(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    let script = format!(
        "#!/bin/sh\nDIR=\"$(dirname \"$0\")\"\necho \"$@\" >> \"$DIR/args.log\"\nN=$(( $(cat \"$DIR/count\" 2>/dev/null || echo 0) + 1 ))\necho $N > \"$DIR/count\"\n{body}\n"
    );
    std::fs::write(&path, script).unwrap_or_else(|e| panic!("{e}"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap_or_else(|e| panic!("{e}"));
    path
}

pub fn az_runs(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("count")).ok().and_then(|c| c.trim().parse().ok()).unwrap_or(0)
}

/// Panics naming the secret if any appears in `text`.
pub fn assert_secret_free(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "secret {secret:?} leaked into: {text}");
    }
}
