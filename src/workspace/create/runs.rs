//! One-time runs (`jobs/runs/submit`) from a `domain::create::NewRun`: one task, on an existing
//! cluster or a new job cluster, running a notebook, a Python file or a JAR's main class — or a
//! whole Jobs API body (`--json`), with the words laid over it.
//!
//! Every submission carries an `idempotency_token`: the service answers a repeated submission
//! with the run the first one started, so this create alone may be sent again after a lost
//! answer, and a user who is unsure can submit again with the same token.

use serde_json::{Map, Value, json};

use super::{CreateError, clusters, outcome_unknown};
use crate::domain::create::{Created, CreatedKind, NewRun, RunCompute, RunTask};
use crate::workspace::{Workspace, actions};

/// The service's limit on a token's length.
const MAX_TOKEN: usize = 64;
/// The task key of the one task a flag-built run has.
const TASK_KEY: &str = "main";

/// The exact `runs/submit` body, checked (the new cluster's runtime and node type against what
/// the workspace offers). Nothing is sent.
pub async fn prepare(ws: &Workspace, run: &NewRun, token: &str) -> Result<Value, CreateError> {
    if token.is_empty() || token.len() > MAX_TOKEN {
        return Err(CreateError::Invalid(format!(
            "--idempotency-token must be 1 to {MAX_TOKEN} characters, got {}",
            token.len()
        )));
    }
    let mut body: Map<String, Value> = run.extra.clone();
    if let Some(name) = &run.name {
        body.insert("run_name".into(), name.clone().into());
    }
    match (&run.task, &run.compute) {
        (Some(task), Some(compute)) => {
            let mut t = Map::new();
            t.insert("task_key".into(), TASK_KEY.into());
            match compute {
                RunCompute::Existing(id) => {
                    t.insert("existing_cluster_id".into(), id.clone().into());
                }
                RunCompute::New(spec) => {
                    t.insert("new_cluster".into(), clusters::prepare(ws, spec).await?);
                }
            }
            task_fields(&mut t, task, run)?;
            body.insert("tasks".into(), json!([t]));
        }
        (Some(_), None) => {
            return Err(CreateError::Invalid(
                "where should it run? give --cluster ID (an all-purpose cluster) or --new-cluster SPEC"
                    .into(),
            ));
        }
        (None, Some(_)) => {
            return Err(CreateError::Invalid(
                "what should it run? give --notebook PATH, --python-file PATH or --main-class CLASS".into(),
            ));
        }
        (None, None) => {
            if !run.params.is_empty() || !run.args.is_empty() {
                return Err(CreateError::Invalid(
                    "--param and --arg go with a task given by flags (--notebook, --python-file, --main-class)".into(),
                ));
            }
            let tasks = body.get("tasks").and_then(Value::as_array).map_or(0, Vec::len);
            if tasks == 0 {
                return Err(CreateError::Invalid(
                    "a run needs a task: give --notebook, --python-file or --main-class with --cluster or --new-cluster, \
                     or `tasks` in the --json spec"
                        .into(),
                ));
            }
        }
    }
    body.insert("idempotency_token".into(), token.into());
    Ok(Value::Object(body))
}

fn task_fields(t: &mut Map<String, Value>, task: &RunTask, run: &NewRun) -> Result<(), CreateError> {
    let notebook = matches!(task, RunTask::Notebook { .. });
    if notebook && !run.args.is_empty() {
        return Err(CreateError::Invalid(
            "--arg is for a Python file's or JAR's arguments; a notebook takes --param KEY=VALUE".into(),
        ));
    }
    if !notebook && !run.params.is_empty() {
        return Err(CreateError::Invalid(
            "--param KEY=VALUE is for notebooks; a Python file or JAR takes its arguments with --arg".into(),
        ));
    }
    match task {
        RunTask::Notebook { path } => {
            let mut nb = json!({"notebook_path": path});
            if !run.params.is_empty() {
                let params: Map<String, Value> =
                    run.params.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect();
                nb["base_parameters"] = Value::Object(params);
            }
            t.insert("notebook_task".into(), nb);
        }
        RunTask::PythonFile { path } => {
            let mut py = json!({"python_file": path});
            if !run.args.is_empty() {
                py["parameters"] = json!(run.args);
            }
            t.insert("spark_python_task".into(), py);
        }
        RunTask::Jar { main_class, jar } => {
            let mut j = json!({"main_class_name": main_class});
            if !run.args.is_empty() {
                j["parameters"] = json!(run.args);
            }
            t.insert("spark_jar_task".into(), j);
            if let Some(path) = jar {
                t.insert("libraries".into(), json!([{"jar": path}]));
            }
        }
    }
    Ok(())
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
