//! Any status, `Retry-After` and body as an error response (Fabric's "blocked until" comes in
//! the body): no panic, one bounded line naming the call and the status.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use sparkdeck::api::ApiError;

fuzz_target!(|data: &[u8]| {
    // Two bytes of status, a `Retry-After` line, then the body.
    let [hi, lo, rest @ ..] = data else { return };
    let status = u16::from_be_bytes([*hi, *lo]) % 1000;
    let (retry, body) = match rest.iter().position(|b| *b == b'\n') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&[][..], rest),
    };
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_bytes(retry) {
        headers.insert(RETRY_AFTER, value);
    }
    let now = jiff::Timestamp::now();
    let e = ApiError::from_response("GET", "/fuzz", status, &headers, body, now);
    let text = e.to_string();
    assert!(text.starts_with(&format!("GET /fuzz → {status}")));
    assert!(text.chars().count() < 1_200);
});
