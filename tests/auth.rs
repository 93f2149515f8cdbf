//! Every authentication method through its real code path against fakes: an HTTPS Entra
//! authority (azure_identity and the device flow), a fake `az`, a fake IMDS, Databricks `/oidc`
//! (httpmock and the simulator), plus caching, early refresh, single-flight and redaction.

#[path = "common/auth_fakes.rs"]
mod auth_fakes;

use std::sync::{Arc, Mutex};

use auth_fakes::*;
use httpmock::prelude::*;
use reqwest::header::{HeaderName, HeaderValue};
use secrecy::SecretString;
use serde_json::json;
use sparkdeck::auth::spec::{
    ARM_SCOPE, AZURE_DATABRICKS_APP_ID, DatabricksAuth, EntraCredential, EntraEndpoints, FABRIC_SCOPE,
    FabricAuth,
};
use sparkdeck::auth::{
    AuthError, DeviceCodePrompt, REFRESH_MARGIN, SharedAuthenticator, databricks_authenticator,
    fabric_authenticator,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const SECRET: &str = "sp-secret~Q8x.very-secret-value";
const DATABRICKS_SCOPE: &str = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default";

fn endpoints(server: &MockServer) -> EntraEndpoints {
    EntraEndpoints { authority_host: Some(server.base_url()), imds_endpoint: None }
}

fn client_secret(secret: &str) -> EntraCredential {
    EntraCredential::ClientSecret {
        tenant_id: TENANT.into(),
        client_id: CLIENT_ID.into(),
        client_secret: SecretString::from(secret.to_string()),
    }
}

fn fabric(credential: EntraCredential, server: &MockServer) -> FabricAuth {
    FabricAuth::Entra { credential, endpoints: endpoints(server) }
}

fn header<'a>(headers: &'a [(HeaderName, HeaderValue)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.as_str().eq_ignore_ascii_case(name)).and_then(|(_, v)| v.to_str().ok())
}

async fn bearer(auth: &SharedAuthenticator) -> Result<String, AuthError> {
    let headers = auth.headers().await?;
    Ok(header(&headers, "authorization").unwrap_or_default().to_string())
}

async fn mock_secret_token<'a>(
    server: &'a MockServer,
    scope: &str,
    token: &str,
    expires_in: i64,
) -> httpmock::Mock<'a> {
    let (scope, token) = (scope.to_string(), token.to_string());
    server
        .mock_async(move |when, then| {
            when.method(POST)
                .path(token_path())
                .header("content-type", "application/x-www-form-urlencoded")
                .form_urlencoded_tuple("client_id", CLIENT_ID)
                .form_urlencoded_tuple("client_secret", SECRET)
                .form_urlencoded_tuple("grant_type", "client_credentials")
                .form_urlencoded_tuple("scope", scope);
            then.status(200).json_body(entra_token(&token, expires_in));
        })
        .await
}

#[tokio::test]
async fn client_secret_token_is_cached_and_fetched_again_after_invalidate() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = mock_secret_token(&server, FABRIC_SCOPE, "fabric-token", 3599).await;
    let dir = tempfile::tempdir()?;
    let auth = fabric_authenticator(&fabric(client_secret(SECRET), &server), &context(dir.path()))?;

    let headers = auth.headers().await?;
    assert_eq!(header(&headers, "authorization"), Some("Bearer fabric-token"));
    assert!(headers.iter().all(|(_, v)| v.is_sensitive()));
    assert_eq!(bearer(&auth).await?, "Bearer fabric-token");
    assert_eq!(mock.calls_async().await, 1, "the second call must come from the cache");

    let described = auth.describe();
    assert_eq!(described.method, "service-principal-secret");
    assert_eq!(described.principal.as_deref(), Some(CLIENT_ID));
    assert_eq!(described.audience.as_deref(), Some(FABRIC_SCOPE));
    let expires: jiff::Timestamp = described.expires_at.as_deref().unwrap_or_default().parse()?;
    let remaining = expires.duration_since(jiff::Timestamp::now()).as_secs();
    assert!((3500..=3600).contains(&remaining), "{remaining}");

    auth.invalidate();
    assert_eq!(bearer(&auth).await?, "Bearer fabric-token");
    assert_eq!(
        mock.calls_async().await,
        2,
        "invalidate must reach the authority, not azure_identity's cache"
    );
    Ok(())
}

#[tokio::test]
async fn a_token_close_to_expiry_is_refreshed_before_use() -> TestResult {
    let server = MockServer::start_async().await;
    // Valid for less than the refresh margin: every use needs a new one.
    let lifetime = REFRESH_MARGIN.as_secs() - 30;
    let mock = mock_secret_token(&server, FABRIC_SCOPE, "short-lived", lifetime).await;
    let dir = tempfile::tempdir()?;
    let auth = fabric_authenticator(&fabric(client_secret(SECRET), &server), &context(dir.path()))?;
    bearer(&auth).await?;
    bearer(&auth).await?;
    assert_eq!(mock.calls_async().await, 2);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_callers_cause_one_token_request() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = mock_secret_token(&server, FABRIC_SCOPE, "shared", 3599).await;
    let dir = tempfile::tempdir()?;
    let auth = fabric_authenticator(&fabric(client_secret(SECRET), &server), &context(dir.path()))?;
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let auth = auth.clone();
            tokio::spawn(async move { bearer(&auth).await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await??, "Bearer shared");
    }
    assert_eq!(mock.calls_async().await, 1);
    Ok(())
}

#[tokio::test]
async fn entra_refusals_name_the_aadsts_code_and_never_the_secret() -> TestResult {
    let server = MockServer::start_async().await;
    let wrong = "wrong-secret-value-123";
    server
        .mock_async(|when, then| {
            when.method(POST).path(token_path()).form_urlencoded_tuple("client_secret", wrong);
            then.status(401).json_body(json!({
                "error": "invalid_client",
                "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'.\r\nTrace ID: 8f2c\r\nCorrelation ID: 11aa\r\nTimestamp: 2026-05-11 10:00:00Z",
                "error_codes": [7000215],
                "timestamp": "2026-05-11 10:00:00Z"
            }));
        })
        .await;
    let unknown_app = format!("/{TENANT}/oauth2/v2.0/token");
    let dir = tempfile::tempdir()?;
    let auth = fabric_authenticator(&fabric(client_secret(wrong), &server), &context(dir.path()))?;
    let err = auth.headers().await.err().ok_or("expected a refusal")?;
    assert!(matches!(err, AuthError::Refused { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("AADSTS7000215: Invalid client secret provided."), "{text}");
    assert!(text.contains("invalid_client") && text.contains("HTTP 401"), "{text}");
    assert!(!text.contains("Trace ID"), "{text}");
    assert_secret_free(&format!("{text} {err:?} {auth:?}"), &[wrong]);

    // AADSTS700016: the application is unknown in the tenant.
    let server2 = MockServer::start_async().await;
    server2
        .mock_async(move |when, then| {
            when.method(POST).path(unknown_app);
            then.status(400).json_body(json!({
                "error": "unauthorized_client",
                "error_description": "AADSTS700016: Application with identifier '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' was not found in the directory 'Contoso'.\r\nTrace ID: 1",
                "error_codes": [700016]
            }));
        })
        .await;
    let auth = fabric_authenticator(&fabric(client_secret(SECRET), &server2), &context(dir.path()))?;
    let text = auth.headers().await.err().ok_or("expected a refusal")?.to_string();
    assert!(text.contains("AADSTS700016: Application with identifier"), "{text}");
    assert!(text.contains("check client_id and tenant_id"), "{text}");
    assert_secret_free(&text, &[SECRET]);
    Ok(())
}

#[tokio::test]
async fn certificate_credentials_sign_a_valid_assertion_from_pem_and_pkcs12() -> TestResult {
    let server = MockServer::start_async().await;
    let dir = tempfile::tempdir()?;
    let cert = TestCertificate::generate(dir.path());
    let token_url = format!("{}{}", server.base_url(), token_path());
    let signer = cert.cert.clone();
    let mock = server
        .mock_async(move |when, then| {
            when.method(POST)
                .path(token_path())
                .form_urlencoded_tuple("client_id", CLIENT_ID)
                .form_urlencoded_tuple("grant_type", "client_credentials")
                .form_urlencoded_tuple("scope", DATABRICKS_SCOPE)
                .form_urlencoded_tuple(
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                )
                .is_true(move |req| {
                    form_field(req.body_ref(), "client_assertion")
                        .is_some_and(|a| valid_client_assertion(&a, &signer, CLIENT_ID, &token_url))
                });
            then.status(200).json_body(entra_token("cert-token", 3599));
        })
        .await;
    let files = [(cert.pem_path.clone(), None), (cert.pfx_path.clone(), Some(cert.pfx_password))];
    for (path, password) in files {
        let spec = DatabricksAuth::Entra {
            credential: EntraCredential::ClientCertificate {
                tenant_id: TENANT.into(),
                client_id: CLIENT_ID.into(),
                certificate_path: path.clone(),
                certificate_password: password.map(|p| SecretString::from(p.to_string())),
            },
            endpoints: endpoints(&server),
            sp_management_resource_id: None,
            management_token: false,
        };
        let auth =
            databricks_authenticator(&spec, "https://adb-1.2.azuredatabricks.net", &context(dir.path()))?;
        assert_eq!(bearer(&auth).await?, "Bearer cert-token", "{}", path.display());
        assert_eq!(auth.describe().method, "service-principal-certificate");
        assert_secret_free(&format!("{auth:?}"), &[cert.pfx_password]);
    }
    assert_eq!(mock.calls_async().await, 2, "one signed request per certificate file");

    // A wrong PKCS#12 password is a configuration error found at construction.
    let spec = FabricAuth::Entra {
        credential: EntraCredential::ClientCertificate {
            tenant_id: TENANT.into(),
            client_id: CLIENT_ID.into(),
            certificate_path: cert.pfx_path.clone(),
            certificate_password: Some(SecretString::from("not-the-password".to_string())),
        },
        endpoints: endpoints(&server),
    };
    let err = fabric_authenticator(&spec, &context(dir.path())).err().ok_or("expected a bad password")?;
    assert!(
        matches!(&err, AuthError::Misconfigured { message, .. } if message.contains("certificate_password"))
    );
    assert_secret_free(&format!("{err} {err:?}"), &["not-the-password"]);
    Ok(())
}

#[tokio::test]
async fn workload_identity_presents_the_federated_token() -> TestResult {
    let server = MockServer::start_async().await;
    let dir = tempfile::tempdir()?;
    let token_file = dir.path().join("federated-token");
    std::fs::write(&token_file, "federated.jwt.from-aks")?;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(token_path())
                .form_urlencoded_tuple("client_id", CLIENT_ID)
                .form_urlencoded_tuple("grant_type", "client_credentials")
                .form_urlencoded_tuple("scope", FABRIC_SCOPE)
                .form_urlencoded_tuple(
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                )
                .form_urlencoded_tuple("client_assertion", "federated.jwt.from-aks");
            then.status(200).json_body(entra_token("workload-token", 3599));
        })
        .await;
    let credential = EntraCredential::WorkloadIdentity {
        tenant_id: TENANT.into(),
        client_id: CLIENT_ID.into(),
        token_file,
    };
    let auth = fabric_authenticator(&fabric(credential, &server), &context(dir.path()))?;
    assert_eq!(bearer(&auth).await?, "Bearer workload-token");
    assert_eq!(auth.describe().method, "workload-identity");
    assert_eq!(mock.calls_async().await, 1);
    Ok(())
}

#[tokio::test]
async fn device_code_sign_in_polls_then_later_runs_use_the_saved_refresh_token() -> TestResult {
    let server = MockServer::start_async().await;
    let devicecode = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/{TENANT}/oauth2/v2.0/devicecode"))
                .form_urlencoded_tuple("client_id", CLIENT_ID)
                .form_urlencoded_tuple_includes("scope", "https://api.fabric.microsoft.com/Lakehouse.Execute.All")
                .form_urlencoded_tuple_includes("scope", "https://api.fabric.microsoft.com/Code.AccessFabric.All")
                .form_urlencoded_tuple_includes("scope", "offline_access");
            then.status(200).json_body(json!({
                "device_code": "device-code-secret",
                "user_code": "FQK5HW3UF",
                "verification_uri": "https://microsoft.com/devicelogin",
                "expires_in": 900,
                "interval": 0,
                "message": "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code FQK5HW3UF to authenticate."
            }));
        })
        .await;
    let device_grant = |when: httpmock::When| {
        when.method(POST)
            .path(token_path())
            .form_urlencoded_tuple("grant_type", "urn:ietf:params:oauth:grant-type:device_code")
            .form_urlencoded_tuple("device_code", "device-code-secret")
            .form_urlencoded_tuple("client_id", CLIENT_ID)
    };
    let pending = server
        .mock_async(move |when, then| {
            device_grant(when);
            then.status(400).json_body(json!({
                "error": "authorization_pending",
                "error_description": "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.\r\nTrace ID: 1",
                "error_codes": [70016]
            }));
        })
        .await;
    pending.up_to_n_times_async(2).await;
    let signed_in = user_token("ada@contoso.com", "first");
    let granted = server
        .mock_async({
            let signed_in = signed_in.clone();
            move |when, then| {
                device_grant(when);
                then.status(200).json_body(json!({
                    "token_type": "Bearer",
                    "scope": "https://api.fabric.microsoft.com/Lakehouse.Execute.All offline_access",
                    "expires_in": 3599,
                    "access_token": signed_in,
                    "refresh_token": "refresh-token-one"
                }));
            }
        })
        .await;

    let dir = tempfile::tempdir()?;
    let prompts: Arc<Mutex<Vec<DeviceCodePrompt>>> = Arc::default();
    let sink = prompts.clone();
    let ctx = context(dir.path()).with_device_code_prompt(Arc::new(move |p| {
        if let Ok(mut all) = sink.lock() {
            all.push(p);
        }
    }));
    let credential = EntraCredential::DeviceCode { tenant_id: TENANT.into(), client_id: CLIENT_ID.into() };
    let auth = fabric_authenticator(&fabric(credential.clone(), &server), &ctx)?;
    assert_eq!(bearer(&auth).await?, format!("Bearer {signed_in}"));
    assert_eq!(
        (devicecode.calls_async().await, pending.calls_async().await, granted.calls_async().await),
        (1, 2, 1)
    );
    let shown = prompts.lock().map(|p| p.clone()).unwrap_or_default();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].user_code, "FQK5HW3UF");
    assert_eq!(shown[0].verification_uri, "https://microsoft.com/devicelogin");
    assert!(shown[0].message.as_deref().unwrap_or_default().contains("FQK5HW3UF"));
    assert_eq!(auth.describe().principal.as_deref(), Some("ada@contoso.com"));

    // The refresh token is on disk, readable by the owner only, and never in Debug output.
    let auth_dir = dir.path().join("auth");
    let files: Vec<_> = std::fs::read_dir(&auth_dir)?.filter_map(Result::ok).map(|e| e.path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&files[0])?.permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::metadata(&auth_dir)?.permissions().mode() & 0o777, 0o700);
    assert!(std::fs::read_to_string(&files[0])?.contains("refresh-token-one"));
    assert_secret_free(&format!("{auth:?} {ctx:?}"), &["refresh-token-one", "device-code-secret"]);

    // A later run (no prompt available) signs in silently with the refresh token, which rotates.
    let refreshed_token = user_token("ada@contoso.com", "second");
    let refresh = server
        .mock_async({
            let refreshed_token = refreshed_token.clone();
            move |when, then| {
                when.method(POST)
                    .path(token_path())
                    .form_urlencoded_tuple("grant_type", "refresh_token")
                    .form_urlencoded_tuple("refresh_token", "refresh-token-one")
                    .form_urlencoded_tuple("client_id", CLIENT_ID)
                    .form_urlencoded_tuple_includes("scope", "offline_access");
                then.status(200).json_body(json!({
                    "token_type": "Bearer",
                    "expires_in": 3599,
                    "access_token": refreshed_token,
                    "refresh_token": "refresh-token-two"
                }));
            }
        })
        .await;
    let later = fabric_authenticator(&fabric(credential, &server), &context(dir.path()))?;
    assert_eq!(bearer(&later).await?, format!("Bearer {refreshed_token}"));
    assert_eq!(refresh.calls_async().await, 1);
    assert_eq!(devicecode.calls_async().await, 1, "no second interactive sign-in");
    assert!(std::fs::read_to_string(&files[0])?.contains("refresh-token-two"));
    assert_eq!(std::fs::metadata(&files[0])?.permissions().mode() & 0o777, 0o600);
    Ok(())
}

#[tokio::test]
async fn device_code_without_a_saved_sign_in_or_prompt_asks_for_sign_in() -> TestResult {
    let server = MockServer::start_async().await;
    let dir = tempfile::tempdir()?;
    let credential = EntraCredential::DeviceCode { tenant_id: TENANT.into(), client_id: CLIENT_ID.into() };
    let auth = fabric_authenticator(&fabric(credential, &server), &context(dir.path()))?;
    let err = auth.headers().await.err().ok_or("expected sign-in required")?;
    assert!(matches!(err, AuthError::SignInRequired { .. }), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn azure_cli_is_run_once_until_invalidated() -> TestResult {
    let dir = tempfile::tempdir()?;
    let expires_on = jiff::Timestamp::now().as_second() + 3600;
    let az = fake_az(
        dir.path(),
        &format!(
            "printf '{{\"accessToken\":\"az-token-%s\",\"expiresOn\":\"2099-01-01 00:00:00.000000\",\"expires_on\":{expires_on},\"subscription\":\"sub\",\"tenant\":\"{TENANT}\",\"tokenType\":\"Bearer\"}}' \"$N\""
        ),
    );
    let ctx = context(dir.path()).with_az_path(&az);
    let spec = DatabricksAuth::Entra {
        credential: EntraCredential::AzureCli {
            tenant_id: Some(TENANT.into()),
            subscription: Some("sub-1".into()),
        },
        endpoints: EntraEndpoints::default(),
        sp_management_resource_id: None,
        management_token: false,
    };
    let auth = databricks_authenticator(&spec, "https://adb-1.2.azuredatabricks.net", &ctx)?;
    assert_eq!(bearer(&auth).await?, "Bearer az-token-1");
    assert_eq!(bearer(&auth).await?, "Bearer az-token-1");
    assert_eq!(az_runs(dir.path()), 1, "az must not run for a cached token");
    let expires = auth.describe().expires_at.unwrap_or_default();
    assert_eq!(expires.parse::<jiff::Timestamp>()?.as_second(), expires_on, "expires_on wins over expiresOn");

    auth.invalidate();
    assert_eq!(bearer(&auth).await?, "Bearer az-token-2");
    assert_eq!(az_runs(dir.path()), 2);
    let args = std::fs::read_to_string(dir.path().join("args.log"))?;
    assert_eq!(
        args.lines().next(),
        Some(
            format!(
                "account get-access-token --resource {AZURE_DATABRICKS_APP_ID} --output json --tenant {TENANT} --subscription sub-1"
            )
            .as_str()
        )
    );
    Ok(())
}

#[tokio::test]
async fn azure_cli_local_expiry_and_failures() -> TestResult {
    // Older az prints only expiresOn, in local time; a token inside the margin is replaced.
    let dir = tempfile::tempdir()?;
    let soon = jiff::Zoned::now().checked_add(REFRESH_MARGIN - jiff::SignedDuration::from_secs(30))?;
    let local = soon.strftime("%Y-%m-%d %H:%M:%S.%6f").to_string();
    let az = fake_az(
        dir.path(),
        &format!(
            "printf '{{\"accessToken\":\"old-az-%s\",\"expiresOn\":\"{local}\",\"tokenType\":\"Bearer\"}}' \"$N\""
        ),
    );
    let spec = FabricAuth::Entra {
        credential: EntraCredential::AzureCli { tenant_id: None, subscription: None },
        endpoints: EntraEndpoints::default(),
    };
    let auth = fabric_authenticator(&spec, &context(dir.path()).with_az_path(&az))?;
    assert_eq!(bearer(&auth).await?, "Bearer old-az-1");
    assert_eq!(bearer(&auth).await?, "Bearer old-az-2");
    let args = std::fs::read_to_string(dir.path().join("args.log"))?;
    assert_eq!(
        args.lines().next(),
        Some("account get-access-token --resource https://api.fabric.microsoft.com --output json")
    );

    // Not logged in: az's own advice comes through as "sign-in required".
    let dir = tempfile::tempdir()?;
    let az = fake_az(dir.path(), "echo \"ERROR: Please run 'az login' to setup account.\" >&2; exit 1");
    let auth = fabric_authenticator(&spec, &context(dir.path()).with_az_path(&az))?;
    let err = auth.headers().await.err().ok_or("expected an error")?;
    assert!(
        matches!(&err, AuthError::SignInRequired { message, .. } if message.contains("az login")),
        "{err:?}"
    );

    // No az at all.
    let auth = fabric_authenticator(&spec, &context(dir.path()).with_az_path(dir.path().join("missing-az")))?;
    let err = auth.headers().await.err().ok_or("expected an error")?;
    assert!(matches!(err, AuthError::Misconfigured { .. }), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn managed_identity_asks_imds_with_the_metadata_header() -> TestResult {
    let server = MockServer::start_async().await;
    let expires_on = jiff::Timestamp::now().as_second() + 3600;
    let imds = server
        .mock_async(move |when, then| {
            when.method(GET)
                .path("/metadata/identity/oauth2/token")
                .header("metadata", "true")
                .query_param("api-version", "2018-02-01")
                .query_param("resource", "https://management.core.windows.net/")
                .query_param("client_id", "3d4e5f6a-user-assigned");
            then.status(200).json_body(json!({
                "access_token": "mi-arm-token",
                "expires_on": expires_on.to_string(),
                "expires_in": "3599",
                "resource": "https://management.core.windows.net/",
                "token_type": "Bearer"
            }));
        })
        .await;
    let imds_databricks = server
        .mock_async(move |when, then| {
            when.method(GET)
                .path("/metadata/identity/oauth2/token")
                .header("metadata", "true")
                .query_param("api-version", "2018-02-01")
                .query_param("resource", AZURE_DATABRICKS_APP_ID)
                .query_param("client_id", "3d4e5f6a-user-assigned");
            then.status(200).json_body(json!({
                "access_token": "mi-databricks-token",
                "expires_on": expires_on.to_string(),
                "token_type": "Bearer"
            }));
        })
        .await;
    // Plain HTTP, like the real IMDS (httpmock serves both on one port).
    let endpoint = format!("http://{}/metadata/identity/oauth2/token", server.address());
    let spec = DatabricksAuth::Entra {
        credential: EntraCredential::ManagedIdentity { client_id: Some("3d4e5f6a-user-assigned".into()) },
        endpoints: EntraEndpoints { authority_host: None, imds_endpoint: Some(endpoint.clone()) },
        sp_management_resource_id: Some(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/w".into(),
        ),
        management_token: false,
    };
    let dir = tempfile::tempdir()?;
    let auth = databricks_authenticator(&spec, "https://adb-1.2.azuredatabricks.net", &context(dir.path()))?;
    let headers = auth.headers().await?;
    assert_eq!(header(&headers, "authorization"), Some("Bearer mi-databricks-token"));
    assert_eq!(header(&headers, "x-databricks-azure-sp-management-token"), Some("mi-arm-token"));
    assert_eq!((imds.calls_async().await, imds_databricks.calls_async().await), (1, 1));
    let expires = auth.describe().expires_at.unwrap_or_default();
    assert_eq!(expires.parse::<jiff::Timestamp>()?.as_second(), expires_on);

    // An identity IMDS does not know is a refusal with IMDS's own words.
    let missing = server
        .mock_async(|when, then| {
            when.method(GET).path("/metadata/identity/oauth2/token").query_param("client_id", "unknown-id");
            then.status(400)
                .json_body(json!({ "error": "invalid_request", "error_description": "Identity not found" }));
        })
        .await;
    let spec = FabricAuth::Entra {
        credential: EntraCredential::ManagedIdentity { client_id: Some("unknown-id".into()) },
        endpoints: EntraEndpoints { authority_host: None, imds_endpoint: Some(endpoint) },
    };
    let auth = fabric_authenticator(&spec, &context(dir.path()))?;
    let err = auth.headers().await.err().ok_or("expected a refusal")?;
    assert!(
        matches!(&err, AuthError::Refused { message, .. } if message.contains("Identity not found")),
        "{err:?}"
    );
    assert_eq!(missing.calls_async().await, 1);
    Ok(())
}

#[tokio::test]
async fn oauth_m2m_discovers_the_endpoint_and_reads_a_string_expires_in() -> TestResult {
    let server = MockServer::start_async().await;
    let m2m_secret = "dose0123456789abcdef";
    let token_url = server.url("/oidc/v1/token");
    let discovery = server
        .mock_async(move |when, then| {
            when.method(GET).path("/oidc/.well-known/oauth-authorization-server");
            then.status(200).json_body(json!({
                "authorization_endpoint": "unused",
                "token_endpoint": token_url,
            }));
        })
        .await;
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("m2m-client:{m2m_secret}"));
    let token = server
        .mock_async(move |when, then| {
            when.method(POST)
                .path("/oidc/v1/token")
                .header("authorization", format!("Basic {basic}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .form_urlencoded_tuple("grant_type", "client_credentials")
                .form_urlencoded_tuple("scope", "all-apis");
            then.status(200).json_body(json!({
                "access_token": "oauth-token",
                "expires_in": "3600",
                "token_type": "Bearer",
                "scope": "all-apis"
            }));
        })
        .await;
    let spec = DatabricksAuth::OAuthM2M {
        client_id: "m2m-client".into(),
        client_secret: SecretString::from(m2m_secret.to_string()),
    };
    let dir = tempfile::tempdir()?;
    let auth = databricks_authenticator(&spec, &format!("{}/", server.base_url()), &context(dir.path()))?;
    assert_eq!(bearer(&auth).await?, "Bearer oauth-token");
    auth.invalidate();
    assert_eq!(bearer(&auth).await?, "Bearer oauth-token");
    assert_eq!((discovery.calls_async().await, token.calls_async().await), (1, 2), "discovery is remembered");
    let described = auth.describe();
    assert_eq!(
        (described.method.as_str(), described.principal.as_deref()),
        ("oauth-m2m", Some("m2m-client"))
    );
    let expires: jiff::Timestamp = described.expires_at.unwrap_or_default().parse()?;
    assert!((3500..=3600).contains(&expires.duration_since(jiff::Timestamp::now()).as_secs()));
    assert_secret_free(&format!("{auth:?}"), &[m2m_secret]);
    Ok(())
}

#[tokio::test]
async fn oauth_m2m_falls_back_to_the_conventional_endpoint_and_reports_refusals() -> TestResult {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/oidc/v1/token")
                .form_urlencoded_tuple("grant_type", "client_credentials");
            then.status(401).json_body(
                json!({ "error": "invalid_client", "error_description": "Client authentication failed." }),
            );
        })
        .await;
    let secret = "dose-wrong-secret-42";
    let spec = DatabricksAuth::OAuthM2M {
        client_id: "m2m-client".into(),
        client_secret: SecretString::from(secret.to_string()),
    };
    let dir = tempfile::tempdir()?;
    let auth = databricks_authenticator(&spec, &server.base_url(), &context(dir.path()))?;
    let err = auth.headers().await.err().ok_or("expected a refusal")?;
    assert!(matches!(err, AuthError::Refused { .. }), "{err:?}");
    assert!(err.to_string().contains("Client authentication failed. (invalid_client, HTTP 401)"), "{err}");
    assert_secret_free(&format!("{err} {err:?}"), &[secret]);
    assert_eq!(token.calls_async().await, 1);
    Ok(())
}

#[tokio::test]
async fn oauth_m2m_against_the_simulator() -> TestResult {
    let sim = sparkdeck::sim::Sim::start_default().await?;
    let ws = sim.shared().databricks().demo_workspaces(sim.base_url());
    let spec = DatabricksAuth::OAuthM2M {
        client_id: ws[0].m2m_client_id.clone(),
        client_secret: SecretString::from(ws[0].m2m_client_secret.clone()),
    };
    let dir = tempfile::tempdir()?;
    let ctx = sparkdeck::auth::AuthContext::new(reqwest::Client::new(), dir.path());
    let auth = databricks_authenticator(&spec, sim.base_url(), &ctx)?;
    let headers = auth.headers().await?;
    let mut request = reqwest::Client::new().get(format!("{}/api/2.0/preview/scim/v2/Me", sim.base_url()));
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let status = request.send().await?.status();
    assert_eq!(status.as_u16(), 200);
    Ok(())
}

#[tokio::test]
async fn sp_management_headers_carry_both_tokens_and_the_workspace() -> TestResult {
    let server = MockServer::start_async().await;
    let workspace = mock_secret_token(&server, DATABRICKS_SCOPE, "databricks-token", 3599).await;
    let management = mock_secret_token(&server, ARM_SCOPE, "arm-token", 3599).await;
    let resource_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/ws";
    let spec = DatabricksAuth::Entra {
        credential: client_secret(SECRET),
        endpoints: endpoints(&server),
        sp_management_resource_id: Some(resource_id.into()),
        management_token: false,
    };
    let dir = tempfile::tempdir()?;
    let auth = databricks_authenticator(&spec, "https://adb-1.2.azuredatabricks.net", &context(dir.path()))?;
    let headers = auth.headers().await?;
    assert_eq!(headers.len(), 3);
    assert_eq!(header(&headers, "Authorization"), Some("Bearer databricks-token"));
    assert_eq!(header(&headers, "X-Databricks-Azure-SP-Management-Token"), Some("arm-token"));
    assert_eq!(header(&headers, "X-Databricks-Azure-Workspace-Resource-Id"), Some(resource_id));
    for (name, value) in &headers {
        let carries_token = name.as_str() != "x-databricks-azure-workspace-resource-id";
        assert_eq!(value.is_sensitive(), carries_token, "{name}");
    }
    auth.headers().await?;
    assert_eq!((workspace.calls_async().await, management.calls_async().await), (1, 1));
    assert_eq!(auth.describe().audience.as_deref(), Some(DATABRICKS_SCOPE));
    Ok(())
}

#[tokio::test]
async fn a_client_secret_profile_sends_the_management_token_without_a_resource_id() -> TestResult {
    let server = MockServer::start_async().await;
    mock_secret_token(&server, DATABRICKS_SCOPE, "databricks-token", 3599).await;
    mock_secret_token(&server, ARM_SCOPE, "arm-token", 3599).await;
    let spec = DatabricksAuth::Entra {
        credential: client_secret(SECRET),
        endpoints: endpoints(&server),
        sp_management_resource_id: None,
        management_token: true,
    };
    let dir = tempfile::tempdir()?;
    let auth = databricks_authenticator(&spec, "https://adb-1.2.azuredatabricks.net", &context(dir.path()))?;
    let headers = auth.headers().await?;
    assert_eq!(headers.len(), 2, "{headers:?}");
    assert_eq!(header(&headers, "X-Databricks-Azure-SP-Management-Token"), Some("arm-token"));
    assert_eq!(header(&headers, "X-Databricks-Azure-Workspace-Resource-Id"), None);
    Ok(())
}

#[tokio::test]
async fn debug_and_display_never_show_secrets() -> TestResult {
    let server = MockServer::start_async().await;
    let dir = tempfile::tempdir()?;
    let pat = "dapi0123456789abcdef0123456789abcdef";
    let m2m = "dose-m2m-secret-value";
    let specs_debug = format!(
        "{:?} {:?} {:?}",
        fabric(client_secret(SECRET), &server),
        DatabricksAuth::Pat { token: SecretString::from(pat.to_string()) },
        DatabricksAuth::OAuthM2M {
            client_id: "c".into(),
            client_secret: SecretString::from(m2m.to_string())
        },
    );
    let ctx = context(dir.path());
    let auths = [
        fabric_authenticator(&fabric(client_secret(SECRET), &server), &ctx)?,
        databricks_authenticator(
            &DatabricksAuth::Pat { token: SecretString::from(pat.to_string()) },
            "h",
            &ctx,
        )?,
        databricks_authenticator(
            &DatabricksAuth::OAuthM2M {
                client_id: "c".into(),
                client_secret: SecretString::from(m2m.to_string()),
            },
            &server.base_url(),
            &ctx,
        )?,
        fabric_authenticator(&FabricAuth::Static { token: SecretString::from(pat.to_string()) }, &ctx)?,
    ];
    let mut text = specs_debug;
    for auth in &auths {
        text.push_str(&format!(" {auth:?} {:?}", auth.describe()));
        // No mocks: every token call fails; the errors must not quote secrets either.
        if let Err(err) = auth.headers().await {
            text.push_str(&format!(" {err} {err:?}"));
        }
    }
    assert_secret_free(&text, &[SECRET, pat, m2m]);

    // Missing pieces are reported at construction, by name.
    let err = fabric_authenticator(
        &FabricAuth::Entra {
            credential: EntraCredential::EnvironmentToken {
                variable: "SPARKDECK_TEST_UNSET_TOKEN_VARIABLE".into(),
            },
            endpoints: EntraEndpoints::default(),
        },
        &ctx,
    )
    .err()
    .ok_or("expected misconfigured")?;
    assert!(err.to_string().contains("SPARKDECK_TEST_UNSET_TOKEN_VARIABLE"), "{err}");
    let err = fabric_authenticator(
        &FabricAuth::Entra {
            credential: client_secret(SECRET),
            endpoints: EntraEndpoints {
                authority_host: Some("http://login.example".into()),
                imds_endpoint: None,
            },
        },
        &ctx,
    )
    .err()
    .ok_or("expected misconfigured")?;
    assert!(matches!(err, AuthError::Misconfigured { .. }) && err.to_string().contains("https"), "{err}");
    Ok(())
}

#[tokio::test]
async fn databricks_cli_profiles_get_tokens_from_databricks_auth_token() -> TestResult {
    let sim = sparkdeck::sim::Sim::start_default().await?;
    let pat = sim.shared().databricks().demo_workspaces(sim.base_url())[0].pat.clone();
    let dir = tempfile::tempdir()?;
    // The CLI answers from its OAuth cache; here the cached token is one the simulator accepts.
    let cli = fake_cli(
        dir.path(),
        "databricks",
        &format!(
            "printf '{{\"access_token\":\"{pat}\",\"token_type\":\"Bearer\",\"expiry\":\"2099-06-10T11:22:33.123456789+02:00\"}}'"
        ),
    );
    let ctx = context(dir.path()).with_databricks_cli_path(&cli);
    let auth = databricks_authenticator(&DatabricksAuth::DatabricksCli, sim.base_url(), &ctx)?;
    let headers = auth.headers().await?;
    let mut request = reqwest::Client::new().get(format!("{}/api/2.0/preview/scim/v2/Me", sim.base_url()));
    for (name, value) in headers {
        request = request.header(name, value);
    }
    assert_eq!(request.send().await?.status().as_u16(), 200);
    auth.headers().await?;
    assert_eq!(az_runs(dir.path()), 1, "cached until its expiry");
    let args = std::fs::read_to_string(dir.path().join("args.log"))?;
    assert_eq!(args.trim(), format!("auth token --host {}", sim.base_url()));
    assert_eq!(auth.describe().method, "databricks-cli");

    // Not signed in: the CLI's own advice comes through as "sign-in required", token-free.
    let dir = tempfile::tempdir()?;
    let cli = fake_cli(
        dir.path(),
        "databricks",
        "echo 'Error: cache: databricks OAuth is not configured for this host. Try logging in again with `databricks auth login --host https://adb-1.2.azuredatabricks.net` before retrying.' >&2; exit 1",
    );
    let ctx = context(dir.path()).with_databricks_cli_path(&cli);
    let auth = databricks_authenticator(
        &DatabricksAuth::DatabricksCli,
        "https://adb-1.2.azuredatabricks.net",
        &ctx,
    )?;
    let err = auth.headers().await.err().ok_or("expected an error")?;
    assert!(
        matches!(&err, AuthError::SignInRequired { message, .. } if message.starts_with("cache: databricks OAuth is not configured")),
        "{err:?}"
    );
    // No CLI at all: say how to get one.
    let ctx = context(dir.path()).with_databricks_cli_path(dir.path().join("missing"));
    let auth = databricks_authenticator(
        &DatabricksAuth::DatabricksCli,
        "https://adb-1.2.azuredatabricks.net",
        &ctx,
    )?;
    let err = auth.headers().await.err().ok_or("expected an error")?;
    assert!(err.to_string().contains("databricks auth login"), "{err}");
    Ok(())
}
