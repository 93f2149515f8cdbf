//! Fuzzing the error-body parser, `Retry-After` and Fabric's "blocked until" (all read by
//! `ApiError::from_response`): any status, any header value, any body — the reference error
//! bodies mutated, HTML pages, bytes — never panic, and always give one bounded line naming the
//! call and the status.

#[path = "common/fuzz.rs"]
#[allow(dead_code)]
mod fuzz;

use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use sparkdeck::api::ApiError;

fn error_seeds() -> Vec<Value> {
    let mut seeds: Vec<Value> = fuzz::reference_bodies()
        .into_iter()
        .filter(|b| {
            ["error_code", "errorCode", "error", "detail", "message"].iter().any(|k| b.get(k).is_some())
        })
        .collect();
    seeds.push(json!({"errorCode": "TooManyRequestsForCapacity", "message":
        "Request is blocked by the upstream service until: 4/17/2026 12:22:35 PM (UTC)"}));
    seeds.push(json!({"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "rate limited", "details": [
        {"@type": "type.googleapis.com/google.rpc.RequestInfo", "request_id": "r-1"},
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retry_delay": "30s"}]}));
    assert!(seeds.len() >= 10, "{}", seeds.len());
    seeds
}

/// `Retry-After` values: numbers of every size (the overflow of issue 16 came from one),
/// HTTP dates far and near, and junk.
fn retry_after() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        (0..100_000u64).prop_map(|n| n.to_string()),
        Just("18446744073709551615".to_string()),
        Just("99999999999999999999999".to_string()),
        Just("-1".to_string()),
        Just("1.5".to_string()),
        Just("Wed, 21 Oct 2015 07:28:00 GMT".to_string()),
        Just("Fri, 31 Dec 9999 23:59:59 GMT".to_string()),
        Just("Mon, 01 Jan 0001 00:00:00 GMT".to_string()),
        "[ -~]{0,40}",
    ]
}

/// Messages that look like Fabric's "blocked until", with any date in them.
fn blocked_message() -> impl Strategy<Value = String> {
    (
        0..20u32,
        0..40u32,
        0..100_000u32,
        0..30u32,
        0..70u32,
        0..70u32,
        prop::sample::select(vec!["AM", "PM", "XM"]),
    )
        .prop_map(|(mo, d, y, h, mi, s, ampm)| {
            format!(
                "Request is blocked by the upstream service until: {mo}/{d}/{y} {h}:{mi}:{s} {ampm} (UTC)"
            )
        })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => fuzz::mutated(error_seeds()).prop_map(|v| v.to_string().into_bytes()),
        2 => blocked_message().prop_map(|m| json!({"errorCode": "RequestBlocked", "message": m}).to_string().into_bytes()),
        1 => fuzz::any_json().prop_map(|v| v.to_string().into_bytes()),
        1 => Just(format!("<html><title>{}</title><body>{}</body></html>", "x".repeat(300), "y".repeat(100_000)).into_bytes()),
        1 => Just(Vec::new()),
        1 => prop::collection::vec(any::<u8>(), 0..512),
    ]
}

proptest! {
    #![proptest_config(fuzz::cases(1024))]

    #[test]
    fn any_error_response_reads_as_one_bounded_line(
        status in prop_oneof![4 => 400..600u16, 1 => 100..1000u16],
        body in body(),
        retry in proptest::option::of(retry_after()),
        content_type in prop::sample::select(vec!["application/json", "text/html; charset=utf-8", "text/plain", "application/problem+json"]),
        request_id in proptest::option::of("[ -~]{0,60}"),
    ) {
        let mut headers = HeaderMap::new();
        let mut put = |name: &'static str, value: &str| {
            if let Ok(v) = HeaderValue::from_str(value) {
                headers.insert(HeaderName::from_static(name), v);
            }
        };
        put("content-type", content_type);
        if let Some(r) = &retry {
            put("retry-after", r);
        }
        if let Some(id) = &request_id {
            put("x-ms-request-id", id);
        }
        let now = jiff::Timestamp::now();
        let e = ApiError::from_response("POST", "/fuzz/call", status, &headers, &body, now);
        let text = e.to_string();
        prop_assert!(text.starts_with(&format!("POST /fuzz/call → {status}")), "{}", text);
        prop_assert!(text.chars().count() < 1_200, "{} chars", text.chars().count());
        prop_assert_eq!(e.status, Some(status));
        // A wait is a duration, whatever it says; converting it back must not overflow either.
        if let Some(wait) = e.retry_after {
            let _ = now.checked_add(jiff::SignedDuration::try_from(wait).unwrap_or(jiff::SignedDuration::MAX));
        }
    }
}

#[test]
fn the_reference_error_bodies_keep_their_codes() {
    for seed in error_seeds() {
        let code = seed.get("error_code").or_else(|| seed.get("errorCode")).cloned();
        let body = seed.to_string().into_bytes();
        let e = ApiError::from_response("GET", "/x", 400, &HeaderMap::new(), &body, jiff::Timestamp::now());
        if let Some(Value::String(code)) = code {
            assert_eq!(e.code.as_deref(), Some(code.as_str()), "{seed}");
        }
    }
}
