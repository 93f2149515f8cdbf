//! Command execution API 1.2 (`/api/1.2/contexts/*`, `/api/1.2/commands/*`): camelCase keys,
//! `{"error": "..."}` bodies. Commands run through the shared engine, one REPL per context.

use serde_json::{Map, Value, json};

use super::state::{ClusterState, Command, Context, SEC, Workspace};
use super::{Reply, Req};
use crate::sim::engine::{Engine, Lang, Outcome, Repl};

/// Contexts per cluster (Databricks' documented limit).
const MAX_CONTEXTS: usize = 145;
pub const CONTEXT_START_MS: i64 = 2 * SEC;
const CANCEL_MS: i64 = SEC;

fn fail(status: u16, message: impl Into<String>) -> Reply {
    Reply { status, body: Some(json!({ "error": message.into() })), headers: Vec::new(), text: None }
}

fn get<'a>(map: &'a Map<String, Value>, name: &str) -> Result<&'a str, Reply> {
    map.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| fail(400, format!("{name} is required")))
}

pub fn handle(ws: &mut Workspace, req: &Req, engine: &Engine) -> Result<Reply, Reply> {
    // GET parameters and POST bodies carry the same camelCase keys.
    let params: Map<String, Value> = if req.method.as_str() == "GET" {
        req.query.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect()
    } else {
        req.json().map_err(|r| {
            fail(400, r.body.and_then(|b| b["message"].as_str().map(String::from)).unwrap_or_default())
        })?
    };
    let now = req.now;
    match (req.method.as_str(), req.path) {
        ("POST", "contexts/create") => {
            let cluster_id = get(&params, "clusterId")?;
            let lang = language(&params)?;
            running_cluster(ws, cluster_id)?;
            let open = ws.contexts.iter().filter(|c| c.cluster_id == cluster_id && !c.destroyed).count();
            if open >= MAX_CONTEXTS {
                return Err(fail(
                    400,
                    format!(
                        "Too many execution contexts are open right now (Limit set currently to {MAX_CONTEXTS})."
                    ),
                ));
            }
            let id = (ws.next() * 7_777_777).to_string();
            ws.contexts.push(Context {
                id: id.clone(),
                cluster_id: cluster_id.to_string(),
                lang,
                created: now,
                destroyed: false,
                repl: Repl::default(),
                seen_ready: None,
            });
            Reply::ok(json!({ "id": id }))
        }
        ("GET", "contexts/status") => {
            let id = context(ws, &params)?.id.clone();
            let Some(ctx) = ws.contexts.iter_mut().find(|c| c.id == id) else {
                return Err(fail(400, format!("Context {id} does not exist")));
            };
            let ready = now >= ctx.created + CONTEXT_START_MS;
            if ready {
                ctx.seen_ready.get_or_insert(now);
            }
            Reply::ok(json!({ "id": ctx.id, "status": if ready { "Running" } else { "Pending" } }))
        }
        ("POST", "contexts/destroy") => {
            let id = context(ws, &params)?.id.clone();
            if let Some(c) = ws.contexts.iter_mut().find(|c| c.id == id) {
                c.destroyed = true;
            }
            Reply::ok(json!({ "id": id }))
        }
        ("POST", "commands/execute") => {
            let code = get(&params, "command")?.to_string();
            let lang = match params.get("language") {
                Some(_) => Some(language(&params)?),
                None => None,
            };
            let cluster_id = get(&params, "clusterId")?.to_string();
            running_cluster(ws, &cluster_id)?;
            let id = ws.next().to_string() + "4242";
            let ctx_id = context(ws, &params)?.id.clone();
            let Some(ctx) = ws.contexts.iter_mut().find(|c| c.id == ctx_id) else {
                return Err(fail(400, format!("Context {ctx_id} does not exist")));
            };
            let started = now.max(ctx.created + CONTEXT_START_MS);
            let exec = engine.execute(lang.unwrap_or(ctx.lang), &code, &mut ctx.repl);
            ws.commands.push(Command {
                id: id.clone(),
                context_id: ctx_id,
                started,
                exec,
                cancelled_at: None,
                seen_finished: None,
            });
            if let Ok(c) = ws.cluster(&cluster_id) {
                c.last_activity = now;
            }
            Reply::ok(json!({ "id": id }))
        }
        ("GET", "commands/status") => {
            let id = get(&params, "commandId")?;
            let cmd = ws
                .commands
                .iter_mut()
                .find(|c| c.id == id)
                .ok_or_else(|| fail(400, format!("Command {id} does not exist")))?;
            let status = command_status(cmd, now);
            if status["status"] == "Finished" {
                cmd.seen_finished.get_or_insert(now);
            }
            Reply::ok(status)
        }
        ("POST", "commands/cancel") => {
            let id = get(&params, "commandId")?.to_string();
            let cmd = ws
                .commands
                .iter_mut()
                .find(|c| c.id == id)
                .ok_or_else(|| fail(400, format!("Command {id} does not exist")))?;
            let done = cmd.started + cmd.exec.duration.as_millis() as i64;
            if now < done && cmd.cancelled_at.is_none() {
                cmd.cancelled_at = Some(now);
            }
            Reply::ok(json!({ "id": id }))
        }
        (method, path) => Err(fail(404, format!("No API found for '{method} /api/1.2/{path}'"))),
    }
}

fn language(params: &Map<String, Value>) -> Result<Lang, Reply> {
    let l = get(params, "language")?;
    Lang::from_databricks(l)
        .ok_or_else(|| fail(400, format!("Unsupported language {l}: use python, scala, sql or r")))
}

fn running_cluster(ws: &mut Workspace, id: &str) -> Result<(), Reply> {
    let c = ws.cluster(id).map_err(|_| fail(400, format!("Cluster {id} does not exist")))?;
    if c.state != ClusterState::Running {
        return Err(fail(
            400,
            format!(
                "ClusterNotReadyException: Cluster {id} is in state {} and cannot run commands.",
                c.state.as_str()
            ),
        ));
    }
    Ok(())
}

fn context<'a>(ws: &'a Workspace, params: &Map<String, Value>) -> Result<&'a Context, Reply> {
    let id = get(params, "contextId")?;
    ws.contexts
        .iter()
        .find(|c| c.id == id && !c.destroyed)
        .ok_or_else(|| fail(400, format!("Context {id} does not exist")))
}

fn command_status(cmd: &Command, now: i64) -> Value {
    if let Some(c) = cmd.cancelled_at {
        let status = if now < c + CANCEL_MS { "Cancelling" } else { "Cancelled" };
        return json!({ "id": cmd.id, "status": status });
    }
    if now < cmd.started {
        return json!({ "id": cmd.id, "status": "Queued" });
    }
    if now < cmd.started + cmd.exec.duration.as_millis() as i64 {
        return json!({ "id": cmd.id, "status": "Running" });
    }
    let results = match &cmd.exec.outcome {
        Outcome::Text(t) => json!({ "resultType": "text", "data": t }),
        Outcome::Table { columns, rows, truncated } => json!({
            "resultType": "table",
            "data": rows,
            "schema": columns.iter().map(|c| json!({"name": c.name, "type": format!("\"{}\"", c.spark_type), "metadata": "{}"})).collect::<Vec<_>>(),
            "truncated": truncated,
            "isJsonSchema": true,
        }),
        // `cause` is the notebook's (IPython) traceback, ANSI-coloured.
        Outcome::Error { ename, evalue, traceback } => json!({
            "resultType": "error",
            "summary": format!("<span class='ansi-red-fg'>{ename}</span>: {evalue}"),
            "cause": format!(
                "\u{1b}[0;31m{}\u{1b}[0m\n\u{1b}[0;31m{ename}\u{1b}[0m{:>width$}\n{}",
                "-".repeat(75),
                "Traceback (most recent call last)",
                traceback.iter().skip_while(|l| l.starts_with("Traceback")).cloned().collect::<String>(),
                width = 75usize.saturating_sub(ename.len()),
            ),
        }),
    };
    json!({ "id": cmd.id, "status": "Finished", "results": results })
}
