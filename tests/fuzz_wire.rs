//! Fuzzing every response decoder: mutated reference bodies and arbitrary JSON, read as every
//! model the clients fetch (`Fetched::decode`, and list items as the pages read them), then
//! through the real HTTP client against a scripted server (bytes that are not JSON, HTML, empty
//! bodies, any status). No input panics; each failure is a `Decode` error naming the call and
//! the field, with a bounded excerpt.

#[path = "common/api_fake.rs"]
#[allow(dead_code)]
mod api_fake;
#[path = "common/fuzz.rs"]
#[allow(dead_code)]
mod fuzz;
#[path = "common/models.rs"]
mod models;

use std::sync::{Arc, Mutex};

use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sparkdeck::api::databricks::models::*;
use sparkdeck::api::livy::models::*;
use sparkdeck::api::{ApiKind, DatabricksClient, Endpoint, ErrorKind, Fetched, LivyClient, RetryPolicy};
use sparkdeck::auth::{Authenticator, StaticBearer};

use api_fake::{Fake, Reply};

/// Decode `raw` as `T`: the raw body is kept exactly, or the error is precise and bounded.
fn check<T: DeserializeOwned>(model: &str, raw: &Value) {
    match Fetched::<T>::decode("GET", "/fuzz/call", raw.clone()) {
        Ok(fetched) => assert_eq!(&fetched.raw, raw, "{model}: raw must be the body as sent"),
        Err(e) => {
            let text = e.to_string();
            assert_eq!(e.kind, ErrorKind::Decode, "{model}: {text}");
            assert!(text.starts_with("GET /fuzz/call: at `"), "{model}: the call and the field: {text}");
            assert!(text.chars().count() < 1_500, "{model}: an excerpt, not the body: {} chars", text.len());
        }
    }
}

/// Every model a client fetches.
fn check_all(raw: &Value) {
    each_model!(check, raw);
}

proptest! {
    #![proptest_config(fuzz::cases(384))]

    #[test]
    fn mutated_reference_bodies_never_panic_a_decoder(raw in fuzz::mutated(fuzz::reference_bodies())) {
        check_all(&raw);
    }

    #[test]
    fn arbitrary_json_never_panics_a_decoder(raw in fuzz::any_json()) {
        check_all(&raw);
    }
}

#[test]
fn every_reference_body_decodes_as_its_model() {
    // The seeds themselves are what the references say the services send: the models must
    // read the ones they are for (spot checks; the fuzzing above covers every pair).
    let seeds = fuzz::reference_bodies();
    let find = |key: &str| seeds.iter().find(|s| s.get(key).is_some()).cloned().unwrap_or_default();
    assert!(Fetched::<ClusterDetails>::decode("GET", "/x", find("cluster_name")).is_ok());
    assert!(Fetched::<RunOutput>::decode("GET", "/x", find("metadata")).is_ok());
    assert!(Fetched::<User>::decode("GET", "/x", find("userName")).is_ok());
    assert!(Fetched::<LivySession>::decode("GET", "/x", find("sparkApplicationId")).is_ok());
}

// ------------------------------------------------------------------ through the HTTP client

/// The next answer of the scripted server.
type Script = Arc<Mutex<(u16, &'static str, Vec<u8>)>>;

struct Http {
    runtime: tokio::runtime::Runtime,
    script: Script,
    _fake: Fake,
    dbx: DatabricksClient,
    livy: LivyClient,
}

fn http() -> Http {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let script: Script = Arc::new(Mutex::new((200, "application/json", b"{}".to_vec())));
    let answer = script.clone();
    let fake = runtime.block_on(Fake::start(move |_, _| {
        let (status, content_type, body) = answer.lock().map(|a| a.clone()).unwrap_or((200, "", Vec::new()));
        Reply::text(status, content_type, &String::from_utf8_lossy(&body))
    }));
    let ep = |api| {
        let client = sparkdeck::api::http::client().unwrap_or_else(|e| panic!("{e}"));
        let auth: Arc<dyn Authenticator> =
            Arc::new(StaticBearer::new("pat", secrecy::SecretString::from("dapi-fuzz".to_string())));
        // One attempt: a fuzzed 5xx is not worth a retry's wait here.
        Endpoint::new(client, api, &fake.base, auth)
            .with_policy(RetryPolicy { max_attempts: 1, ..RetryPolicy::default() })
    };
    let dbx = DatabricksClient::new(ep(ApiKind::Databricks));
    let livy = LivyClient::new(ep(ApiKind::Fabric), "ws1", "lh1").unwrap_or_else(|e| panic!("{e}"));
    Http { runtime, script, _fake: fake, dbx, livy }
}

/// Bodies a gateway or a broken service might send instead of JSON.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let page =
        |key: &'static str| fuzz::mutated(fuzz::reference_bodies()).prop_map(move |v| fuzz::as_page(v, key));
    prop_oneof![
        3 => fuzz::mutated(fuzz::reference_bodies()).prop_map(|v| v.to_string().into_bytes()),
        2 => page("clusters").prop_map(|v| v.to_string().into_bytes()),
        2 => page("runs").prop_map(|v| v.to_string().into_bytes()),
        2 => page("items").prop_map(|v| v.to_string().into_bytes()),
        1 => Just(b"<html><head><title>502 Bad Gateway</title></head></html>".to_vec()),
        1 => Just(Vec::new()),
        1 => Just(b"{\"clusters\": [".to_vec()),
        1 => prop::collection::vec(any::<u8>(), 0..256),
    ]
}

#[test]
fn any_body_through_the_http_client_is_a_precise_error_or_a_value() {
    let h = http();
    let mut runner = proptest::test_runner::TestRunner::new(fuzz::cases(160));
    let status = prop_oneof![6 => Just(200u16), 1 => Just(201), 1 => 400..600u16];
    let content_type = prop::sample::select(vec!["application/json", "text/html", "text/plain", ""]);
    let result = runner.run(&(status, content_type, body()), |(status, content_type, body)| {
        if let Ok(mut next) = h.script.lock() {
            *next = (status, content_type, body);
        }
        let errors: Vec<String> = h.runtime.block_on(async {
            let mut errors = Vec::new();
            let mut note =
                |r: Result<(), sparkdeck::api::ApiError>| errors.extend(r.err().map(|e| e.to_string()));
            note(h.dbx.cluster("c1").await.map(drop));
            note(h.dbx.clusters(&ClusterFilter::default()).collect(50).await.map(drop));
            note(h.dbx.runs(&RunFilter::default()).collect(50).await.map(drop));
            note(h.dbx.run_output(1).await.map(drop));
            note(h.livy.sessions().collect(50).await.map(drop));
            note(h.livy.statement("s1", 1).await.map(drop));
            errors
        });
        for text in errors {
            // Which call failed, and why, briefly: never a panic, never the whole body.
            prop_assert!(text.starts_with("GET /"), "{}", text);
            prop_assert!(text.chars().count() < 1_500, "{} chars", text.len());
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
