//! Service-principal certificates: azure_identity takes PKCS#12 bytes only, so a PEM file
//! (certificate chain + private key) is repacked into PKCS#12 in memory, never on disk.

use std::path::Path;

use azure_core::credentials::SecretBytes;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::PKey;
use openssl::stack::Stack;
use openssl::x509::X509;
use secrecy::{ExposeSecret, SecretString};

use super::AuthError;

const METHOD: &str = "service-principal-certificate";

/// The certificate file as PKCS#12 DER bytes, protected by `password` (or the empty password).
pub(crate) fn load_pkcs12(path: &Path, password: Option<&SecretString>) -> Result<SecretBytes, AuthError> {
    let bytes = std::fs::read(path).map_err(|e| AuthError::Misconfigured {
        method: METHOD.into(),
        message: format!("cannot read the certificate file {}: {e}", path.display()),
    })?;
    if !bytes.windows(11).any(|w| w == b"-----BEGIN ") {
        check_pkcs12(&bytes, password).map_err(|message| AuthError::Misconfigured {
            method: METHOD.into(),
            message: format!("{}: {message}", path.display()),
        })?;
        return Ok(SecretBytes::new(bytes));
    }
    let pem = SecretBytes::new(bytes);
    pem_to_pkcs12(pem.bytes(), password).map(SecretBytes::new).map_err(|message| AuthError::Misconfigured {
        method: METHOD.into(),
        message: format!("{}: {message}", path.display()),
    })
}

/// Open the bundle now, so a wrong password is reported at start-up with a clear message.
fn check_pkcs12(der: &[u8], password: Option<&SecretString>) -> Result<(), String> {
    let pkcs12 =
        Pkcs12::from_der(der).map_err(|_| "neither PEM nor a PKCS#12 (.pfx/.p12) file".to_string())?;
    let parsed = pkcs12
        .parse2(password.map(|p| p.expose_secret()).unwrap_or(""))
        .map_err(|_| "cannot open the PKCS#12 file: wrong or missing certificate_password".to_string())?;
    match (parsed.pkey, parsed.cert) {
        (Some(_), Some(_)) => Ok(()),
        _ => Err("the PKCS#12 file must hold the certificate and its private key".into()),
    }
}

fn pem_to_pkcs12(pem: &[u8], password: Option<&SecretString>) -> Result<Vec<u8>, String> {
    let mut certs = X509::stack_from_pem(pem)
        .map_err(|_| "the PEM file holds no readable certificate".to_string())?
        .into_iter();
    let leaf = certs.next().ok_or("the PEM file holds no certificate (expected BEGIN CERTIFICATE)")?;
    let pass = password.map(|p| p.expose_secret()).unwrap_or("");
    let key = match password {
        Some(p) => PKey::private_key_from_pem_passphrase(pem, p.expose_secret().as_bytes()),
        None => PKey::private_key_from_pem(pem),
    }
    .map_err(|_| {
        "the PEM file holds no readable private key (expected BEGIN PRIVATE KEY; an encrypted key \
         needs certificate_password)"
            .to_string()
    })?;
    let public_matches = leaf.public_key().map(|public| public.public_eq(&key)).unwrap_or(false);
    if !public_matches {
        return Err("the private key does not belong to the first certificate".into());
    }
    let mut chain = Stack::new().map_err(|e| e.to_string())?;
    for cert in certs {
        chain.push(cert).map_err(|e| e.to_string())?;
    }
    let mut builder = Pkcs12::builder();
    builder.name("sparkdeck").pkey(&key).cert(&leaf);
    if !chain.is_empty() {
        builder.ca(chain);
    }
    let pkcs12 = builder.build2(pass).map_err(|e| format!("cannot repack the certificate: {e}"))?;
    pkcs12.to_der().map_err(|e| format!("cannot repack the certificate: {e}"))
}
