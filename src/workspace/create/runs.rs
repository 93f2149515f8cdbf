//! One-time runs (`jobs/runs/submit`) from a `domain::create::NewRun`: one task, on an existing
//! cluster or a new job cluster, running a notebook, a Python file or a JAR's main class — or a
//! whole Jobs API body (`--json`), with the words laid over it.
//!
//! Every submission carries an `idempotency_token`: the service answers a repeated submission
//! with the run the first one started, so this create alone may be sent again after a lost
//! answer, and a user who is unsure can submit again with the same token.

use serde_json::{Map, Value};

use super::{CreateError, clusters, outcome_unknown};
use crate::domain::create::{Created, CreatedKind, NewRun, RunCompute};
use crate::domain::request::run_request;
use crate::workspace::{Workspace, actions};

/// The service's limit on a token's length.
const MAX_TOKEN: usize = 64;

/// The exact `runs/submit` body, checked (the new cluster's runtime and node type against what
/// the workspace offers). Nothing is sent.
pub async fn prepare(ws: &Workspace, run: &NewRun, token: &str) -> Result<Value, CreateError> {
    if token.is_empty() || token.len() > MAX_TOKEN {
        return Err(CreateError::Invalid(format!(
            "--idempotency-token must be 1 to {MAX_TOKEN} characters, got {}",
            token.len()
        )));
    }
    if let (Some(_), Some(RunCompute::New(spec))) = (&run.task, &run.compute) {
        // Its runtime and node type, against what the workspace offers.
        clusters::prepare(ws, spec).await?;
    }
    let mut body = match run_request(run).map_err(CreateError::Invalid)? {
        Value::Object(body) => body,
        _ => Map::new(),
    };
    body.insert("idempotency_token".into(), token.into());
    Ok(Value::Object(body))
}

/// `jobs/runs/submit`. The token makes repeating it safe, so the HTTP layer may retry it.
pub async fn submit(ws: &Workspace, body: &Value) -> Result<Created, CreateError> {
    let d = actions::databricks(ws)?;
    let name = body.get("run_name").and_then(Value::as_str).map(str::to_string);
    let token = body.get("idempotency_token").and_then(Value::as_str).unwrap_or_default().to_string();
    match d.submit_run(body).await {
        Ok(answer) => match answer.value.run_id {
            Some(id) => Ok(Created { kind: CreatedKind::Run, id: id.to_string(), name }),
            None => Err(CreateError::Unknown {
                what: format!("the run (idempotency token {token})"),
                found: Vec::new(),
                cause: crate::api::ApiError::decode(
                    "POST",
                    "/api/2.2/jobs/runs/submit",
                    "the answer has no run_id",
                ),
            }),
        },
        Err(e) if outcome_unknown(&e) => Err(CreateError::Unknown {
            what: format!(
                "the run (submit again with --idempotency-token {token}: the service gives back the run it started, if any, instead of a second)"
            ),
            found: Vec::new(),
            cause: e,
        }),
        Err(e) => Err(e.into()),
    }
}
