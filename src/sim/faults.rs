//! Fault injection for the simulator: throttling (429 with Retry-After, Fabric's
//! "RequestBlocked ... until" body), Fabric 430 on session create, 500/503, added latency,
//! dropped connections, malformed JSON and HTML error pages. Rates or scripted sequences,
//! deterministic for a given seed. Set at start (`--faults`) or at run time
//! (`POST /__sim/faults`).
//!
//! STUB: the grammar and the middleware are filled in by the faults work item.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::SimShared;

/// A parsed `--faults` specification.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultSpec {}

impl FaultSpec {
    pub fn parse(spec: &str) -> Result<FaultSpec, String> {
        if spec.trim().is_empty() {
            return Ok(FaultSpec::default());
        }
        Err(format!("fault specifications are not supported yet: {spec:?}"))
    }
}

/// Decides, request by request, whether to inject a fault.
pub struct FaultInjector {}

impl FaultInjector {
    pub fn new(spec: FaultSpec, seed: u64) -> Self {
        let _ = (spec, seed);
        Self {}
    }
}

/// Middleware in front of both services.
pub async fn inject(State(shared): State<Arc<SimShared>>, req: Request, next: Next) -> Response {
    let _ = &shared.faults;
    next.run(req).await
}

/// `POST /__sim/faults {"spec": "..."}`
pub async fn set_faults(State(shared): State<Arc<SimShared>>) -> Response {
    let _ = &shared.faults;
    axum::response::IntoResponse::into_response(axum::http::StatusCode::NOT_IMPLEMENTED)
}
