//! No credential leaves its origin on a redirect. A real service-principal identity with
//! `sp_management_resource_id` (so it sends `Authorization`, `X-Databricks-Azure-SP-Management-
//! Token` and `X-Databricks-Azure-Workspace-Resource-Id`, tokens from a fake HTTPS Entra) talks
//! to a scripted workspace that redirects — with every redirect status — to the same origin,
//! another host, another port, and from https to http; then in a loop, and to the private-link
//! sign-in page. Token requests to Entra are redirected too: the client secret stays put.

#[allow(dead_code)]
#[path = "common/api_fake.rs"]
mod api_fake;

use api_fake::{Fake, Reply, Seen};
use httpmock::Method::POST;
use httpmock::MockServer;
use reqwest::Method;
use secrecy::SecretString;
use serde_json::json;
use sparkdeck::api::http::{MAX_REDIRECTS, Timeouts, builder};
use sparkdeck::api::{ApiKind, Endpoint, ErrorKind, RetryPolicy};
use sparkdeck::auth::spec::{DatabricksAuth, EntraCredential, EntraEndpoints};
use sparkdeck::auth::{AuthContext, SharedAuthenticator, databricks_authenticator};

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT_ID: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const CLIENT_SECRET: &str = "canary-client-secret-5b1e";
const WORKSPACE_TOKEN: &str = "canary-workspace-token-7c2f";
const MANAGEMENT_TOKEN: &str = "canary-management-token-9d3a";
const RESOURCE_ID: &str = "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/canary-ws";

/// Every header a credential travels in, and the part of each value that identifies it.
const CREDENTIALS: [(&str, &str); 3] = [
    ("authorization", WORKSPACE_TOKEN),
    ("x-databricks-azure-sp-management-token", MANAGEMENT_TOKEN),
    ("x-databricks-azure-workspace-resource-id", "canary-ws"),
];

/// sparkdeck's own client (its redirect rule), trusting httpmock's CA.
fn client() -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(httpmock::server::DEFAULT_CA_CERTIFICATE.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    builder(Timeouts::default()).add_root_certificate(ca).build().unwrap_or_else(|e| panic!("{e}"))
}

/// Entra answering both token requests (AzureDatabricks and ARM) with canary tokens.
async fn entra() -> MockServer {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/{TENANT}/oauth2/v2.0/token"))
                .body_includes("management.core.windows.net");
            then.status(200).json_body(
                json!({"token_type": "Bearer", "expires_in": 3599, "access_token": MANAGEMENT_TOKEN}),
            );
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(format!("/{TENANT}/oauth2/v2.0/token"));
            then.status(200).json_body(
                json!({"token_type": "Bearer", "expires_in": 3599, "access_token": WORKSPACE_TOKEN}),
            );
        })
        .await;
    server
}

fn sp_management(entra: &MockServer, host: &str, dir: &tempfile::TempDir) -> SharedAuthenticator {
    let spec = DatabricksAuth::Entra {
        credential: EntraCredential::ClientSecret {
            tenant_id: TENANT.into(),
            client_id: CLIENT_ID.into(),
            client_secret: SecretString::from(CLIENT_SECRET.to_string()),
        },
        endpoints: EntraEndpoints { authority_host: Some(entra.base_url()), imds_endpoint: None },
        sp_management_resource_id: Some(RESOURCE_ID.into()),
        management_token: true,
    };
    databricks_authenticator(&spec, host, &AuthContext::new(client(), dir.path()))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn endpoint(base: &str, auth: SharedAuthenticator) -> Endpoint {
    Endpoint::new(client(), ApiKind::Databricks, base, auth)
        .with_policy(RetryPolicy { max_attempts: 1, ..RetryPolicy::default() })
}

/// No credential, by header or by value, in what `seen` received.
fn assert_no_credentials(seen: &[Seen], where_: &str) {
    for s in seen {
        for (name, canary) in CREDENTIALS {
            assert!(s.header(name).is_none(), "{where_}: {name} arrived: {s:?}");
            assert!(!s.headers.iter().any(|(_, v)| v.contains(canary)), "{where_}: {canary} arrived: {s:?}");
        }
        assert!(!s.body.contains(CLIENT_SECRET) && !s.query.contains(CLIENT_SECRET), "{where_}: {s:?}");
    }
}

fn redirect(status: u16, to: &str) -> Reply {
    Reply::text(status, "text/plain", "moved").header("location", to)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_never_follow_a_redirect_to_another_host_or_port() {
    let entra = entra().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for status in [301, 302, 303, 307, 308] {
        let elsewhere = Fake::script(vec![Reply::json(200, json!({"clusters": []}))]).await;
        let port = elsewhere.base.rsplit(':').next().unwrap_or_default().to_string();
        for (what, to) in [
            ("another port", format!("http://127.0.0.1:{port}/api/2.1/clusters/list")),
            ("another host", format!("http://localhost:{port}/api/2.1/clusters/list")),
        ] {
            let workspace = Fake::script(vec![redirect(status, &to)]).await;
            let ep = endpoint(&workspace.base, sp_management(&entra, &workspace.base, &dir));
            let e = ep.call(Method::GET, "/api/2.1/clusters/list").send().await.err();
            let e = e.unwrap_or_else(|| panic!("{status} to {what}: a redirect off the origin must fail"));
            assert_eq!((e.kind, e.status), (ErrorKind::Redirected, Some(status)), "{status} {what}: {e}");
            assert!(e.to_string().contains("not followed") && e.to_string().contains(&port), "{e}");
            // The workspace got every credential; the other origin got nothing at all.
            let first = &workspace.requests()[0];
            for (name, canary) in CREDENTIALS {
                assert!(
                    first.header(name).is_some_and(|v| v.contains(canary)),
                    "{name} was sent to the workspace"
                );
            }
            assert_eq!(elsewhere.count(), 0, "{status} to {what} was followed");
            assert_no_credentials(&elsewhere.requests(), what);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_same_origin_redirect_is_followed_and_a_loop_is_cut() {
    let entra = entra().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let workspace = Fake::start(|seen, _| match seen.path.as_str() {
        "/api/2.1/clusters/list" => redirect(302, "/api/2.1/clusters/list-moved"),
        _ => Reply::json(200, json!({"clusters": []})),
    })
    .await;
    let ep = endpoint(&workspace.base, sp_management(&entra, &workspace.base, &dir));
    let list = ep.call(Method::GET, "/api/2.1/clusters/list").send().await;
    assert!(list.is_ok_and(|v| v["clusters"].is_array()));
    let seen = workspace.requests();
    assert_eq!(seen.len(), 2);
    assert!(seen[1].header("authorization").is_some(), "the same origin keeps its credentials");

    let looping = Fake::script(vec![redirect(302, "/again")]).await;
    let ep = endpoint(&looping.base, sp_management(&entra, &looping.base, &dir));
    let e = ep.call(Method::GET, "/api/2.1/clusters/list").send().await.err();
    let e = e.unwrap_or_else(|| panic!("a loop must end"));
    assert_eq!(e.kind, ErrorKind::Redirected);
    assert!(e.to_string().contains("a redirect loop?"), "{e}");
    assert_eq!(looping.count(), 1 + MAX_REDIRECTS, "cut after {MAX_REDIRECTS} hops, never retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_private_link_sign_in_page_is_named_not_parsed() {
    let entra = entra().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let workspace = Fake::start(|seen, _| match seen.path.as_str() {
        "/login.html" => Reply::text(200, "text/html", "<html>sign in</html>"),
        _ => redirect(303, "/login.html?error=private-link-validation-error&token=zzz"),
    })
    .await;
    let ep = endpoint(&workspace.base, sp_management(&entra, &workspace.base, &dir));
    let e = ep.call(Method::GET, "/api/2.1/clusters/list").send().await.err();
    let text = e.map(|e| e.to_string()).unwrap_or_default();
    assert!(text.contains("sign-in page /login.html (private-link-validation-error)"), "{text}");
    assert!(text.contains("private link") && !text.contains("zzz"), "{text}");
    assert_eq!(workspace.count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_to_http_is_never_followed() {
    let entra = entra().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // One port, both schemes (httpmock speaks TLS and plain HTTP on it): only the scheme differs.
    let workspace = MockServer::start_async().await;
    let plain = workspace.base_url().replacen("https://", "http://", 1);
    let moved = workspace
        .mock_async(|when, then| {
            when.path("/api/2.1/clusters/list");
            then.status(302).header("location", format!("{plain}/landing"));
        })
        .await;
    let landing = workspace
        .mock_async(|when, then| {
            when.path("/landing");
            then.status(200).json_body(json!({"clusters": []}));
        })
        .await;
    let ep = endpoint(&workspace.base_url(), sp_management(&entra, &workspace.base_url(), &dir));
    let e = ep.call(Method::GET, "/api/2.1/clusters/list").send().await.err();
    let e = e.unwrap_or_else(|| panic!("https → http must fail"));
    assert_eq!(e.kind, ErrorKind::Redirected);
    assert!(e.to_string().contains("to http://127.0.0.1"), "{e}");
    assert_eq!(moved.calls_async().await, 1);
    assert_eq!(landing.calls_async().await, 0, "nothing was sent over plain http");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_request_redirected_elsewhere_keeps_the_client_secret() {
    let elsewhere =
        Fake::script(vec![Reply::json(200, json!({"access_token": "stolen", "expires_in": 3599}))]).await;
    let entra = MockServer::start_async().await;
    for status in [302, 307, 308] {
        let to = format!("{}/{TENANT}/oauth2/v2.0/token", elsewhere.base);
        let mock = entra
            .mock_async(move |when, then| {
                when.method(POST).path(format!("/{TENANT}/oauth2/v2.0/token"));
                then.status(status).header("location", to.clone());
            })
            .await;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let auth = sp_management(&entra, "https://adb-1.2.azuredatabricks.net", &dir);
        let got = auth.headers().await;
        assert!(got.is_err(), "{status}: no token from a redirect");
        let message = got.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(!message.contains(CLIENT_SECRET), "{message}");
        assert!(mock.calls_async().await >= 1);
        mock.delete_async().await;
    }
    assert_eq!(elsewhere.count(), 0, "the client secret never left for another origin");
    assert_no_credentials(&elsewhere.requests(), "the redirect target");
}
