//! Any bytes as a response body, read as every model the clients fetch: no panic; a failure is
//! a `Decode` error naming the field.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use sparkdeck::api::databricks::models::*;
use sparkdeck::api::livy::models::*;
use sparkdeck::api::{ErrorKind, Fetched};

#[path = "../../tests/common/models.rs"]
mod models;

fn check<T: DeserializeOwned>(_model: &str, raw: &serde_json::Value) {
    match Fetched::<T>::decode("GET", "/fuzz", raw.clone()) {
        Ok(fetched) => assert_eq!(&fetched.raw, raw),
        Err(e) => assert_eq!(e.kind, ErrorKind::Decode),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    each_model!(check, &raw);
});
