//! The simulator's own log of the creates it carried out (`GET /__sim/creates`), so a test can
//! tell whether a client ever made the service do one thing twice.
//!
//! A create is a POST that makes or starts something: a Livy session, batch, high-concurrency
//! session or statement; a Databricks run (run-now, runs/submit, repair), cluster, restart,
//! execution context, command, token, secret scope or service principal. Each one the service
//! carried out (a 2xx from its handler) is logged with its body, what it made (the id in the
//! answer), and whether that answer reached the client or a fault replaced it.
//!
//! **Done twice** means one call of the client carried out twice with different outcomes
//! (another run id, another session — or, for an action that names nothing such as a restart,
//! at all). A call is told by its `x-ms-client-request-id` (sparkdeck sends one per call, the
//! same on each retry); a request without one counts as a repeat of the same route and body
//! sent again after an earlier run of it lost its answer — exactly a client re-sending a
//! create whose outcome it could not know. The same request answered with the same id
//! (Databricks' `idempotency_token`) is one create; a new call for the same thing is the
//! caller's own choice.

use std::collections::BTreeMap;
use std::sync::Mutex;

use axum::http::Method;
use serde_json::{Value, json};

/// Distinct (route, body) pairs remembered before further ones are only counted.
const MAX_KEPT: usize = 50_000;

/// Path endings of the POSTs that create or start something.
const CREATES: [&str; 15] = [
    "/sessions",
    "/batches",
    "/highconcurrencysessions",
    "/statements",
    "/jobs/run-now",
    "/jobs/runs/submit",
    "/jobs/runs/repair",
    "/jobs/create",
    "/clusters/create",
    "/clusters/restart",
    "/contexts/create",
    "/commands/execute",
    "/token/create",
    "/secrets/scopes/create",
    "/serviceprincipals",
];

/// Whether `METHOD path` creates something.
pub fn is_create(method: &Method, path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    *method == Method::POST && CREATES.iter().any(|c| p.ends_with(c))
}

/// One create carried out.
#[derive(Debug, Clone)]
struct Done {
    /// What it made, from the answer (`None`: the answer names nothing, e.g. a restart).
    made: Option<String>,
    /// Whether the client received the answer (false: a fault replaced it after the work).
    answered: bool,
}

/// The header a client names its call with.
pub const CALL_ID_HEADER: &str = "x-ms-client-request-id";

/// Every run of one call (or, without a call id, of one route and body).
#[derive(Debug, Default)]
struct Runs {
    body: String,
    by_call: bool,
    done: Vec<Done>,
}

#[derive(Default)]
struct Log {
    performed: u64,
    lost_answers: u64,
    by_request: BTreeMap<(String, String), Runs>,
}

/// The log; one per simulator.
#[derive(Default)]
pub struct CreateLog {
    inner: Mutex<Log>,
}

impl CreateLog {
    /// A create carried out: `route` is `METHOD path`, `call` the client's call id if it sent
    /// one, `answer` the handler's JSON.
    pub fn record(&self, route: &str, call: Option<&str>, body: &[u8], answer: &[u8], answered: bool) {
        let made = serde_json::from_slice::<Value>(answer).ok().and_then(|v| made_by(&v));
        let body = String::from_utf8_lossy(body).into_owned();
        let mut log = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        log.performed += 1;
        if !answered {
            log.lost_answers += 1;
        }
        let key = (route.to_string(), call.map_or_else(|| body.clone(), |c| format!("call {c}")));
        if log.by_request.len() < MAX_KEPT || log.by_request.contains_key(&key) {
            let runs = log.by_request.entry(key).or_insert_with(|| Runs {
                body,
                by_call: call.is_some(),
                done: vec![],
            });
            runs.done.push(Done { made, answered });
        }
    }

    /// Creates done twice (see the module doc), with how often each was carried out.
    pub fn duplicates(&self) -> Vec<(String, String, usize)> {
        let log = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        log.by_request
            .iter()
            .filter(|(_, runs)| twice(runs))
            .map(|((route, _), runs)| (route.clone(), runs.body.clone(), runs.done.len()))
            .collect()
    }

    /// `GET /__sim/creates`.
    pub fn report(&self) -> Value {
        let duplicates: Vec<Value> = self
            .duplicates()
            .into_iter()
            .map(|(route, body, times)| json!({"route": route, "body": body, "times": times}))
            .collect();
        let log = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        json!({"performed": log.performed, "lost_answers": log.lost_answers, "duplicates": duplicates})
    }
}

/// Carried out again, differently: within one call at all, or — without a call id — after an
/// earlier run lost its answer.
fn twice(runs: &Runs) -> bool {
    let done = &runs.done;
    done.iter().enumerate().any(|(i, first)| {
        (runs.by_call || !first.answered)
            && done[i + 1..].iter().any(|later| later.made.is_none() || later.made != first.made)
    })
}

/// The id a create's answer names.
fn made_by(answer: &Value) -> Option<String> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    ["run_id", "repair_id", "cluster_id", "id", "scope"]
        .iter()
        .find_map(|k| answer.get(k).and_then(text))
        .or_else(|| answer.pointer("/token_info/token_id").and_then(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_create_redone_after_a_lost_answer_is_a_duplicate() {
        let log = CreateLog::default();
        let route = "POST /api/2.2/jobs/run-now";
        // Lost, then deduplicated by its token: one run.
        log.record(route, None, br#"{"job_id":1,"idempotency_token":"t"}"#, br#"{"run_id":5}"#, false);
        log.record(route, None, br#"{"job_id":1,"idempotency_token":"t"}"#, br#"{"run_id":5}"#, true);
        // Answered, then asked again by the caller: its own choice.
        log.record(route, None, br#"{"job_id":2}"#, br#"{"run_id":6}"#, true);
        log.record(route, None, br#"{"job_id":2}"#, br#"{"run_id":7}"#, true);
        assert!(log.duplicates().is_empty());
        // Lost, then sent again: a second run.
        log.record(route, None, br#"{"job_id":3}"#, br#"{"run_id":8}"#, false);
        log.record(route, None, br#"{"job_id":3}"#, br#"{"run_id":9}"#, true);
        // A restart names nothing: any second one is a second restart.
        let restart = "POST /api/2.1/clusters/restart";
        log.record(restart, None, br#"{"cluster_id":"c"}"#, b"{}", false);
        log.record(restart, None, br#"{"cluster_id":"c"}"#, b"{}", true);
        let found: Vec<_> = log.duplicates().into_iter().map(|(r, _, n)| (r, n)).collect();
        assert_eq!(found, vec![(restart.to_string(), 2), (route.to_string(), 2)]);
        // One call carried out twice, whether or not its first answer arrived.
        let submit = "POST /api/2.2/jobs/runs/submit";
        log.record(submit, Some("call-1"), b"{}", br#"{"run_id":10}"#, true);
        log.record(submit, Some("call-2"), b"{}", br#"{"run_id":11}"#, true);
        assert_eq!(log.duplicates().len(), 2, "two calls, one run each");
        log.record(submit, Some("call-2"), b"{}", br#"{"run_id":12}"#, true);
        assert_eq!(log.duplicates().len(), 3);
        let report = log.report();
        assert_eq!((report["performed"].as_u64(), report["lost_answers"].as_u64()), (Some(11), Some(3)));
    }

    #[test]
    fn creates_are_told_by_method_and_path() {
        let livy = "/v1/workspaces/w/lakehouses/l/livyApi/versions/2023-12-01";
        assert!(is_create(&Method::POST, &format!("{livy}/sessions")));
        assert!(is_create(&Method::POST, &format!("{livy}/highConcurrencySessions")));
        assert!(is_create(&Method::POST, &format!("{livy}/sessions/s/statements")));
        assert!(!is_create(&Method::GET, &format!("{livy}/sessions")));
        assert!(!is_create(&Method::POST, &format!("{livy}/sessions/s/statements/1/cancel")));
        assert!(is_create(&Method::POST, "/api/2.1/clusters/restart"));
        assert!(!is_create(&Method::POST, "/api/2.1/clusters/start"));
    }
}
