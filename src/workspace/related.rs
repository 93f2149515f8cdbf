//! Related items shown in the details view: a cluster's recent events, a session's recent
//! statements (a high-concurrency session's statements come from all its REPLs), a run's tasks
//! (list rows carry none: `runs/get` and its pages do).

use serde_json::Value;

use super::{Error, Workspace, actions, logs};
use crate::domain::Kind;

/// Items per related list.
const RELATED: usize = 10;

/// A heading and its lines, or `None` when the kind has nothing related to fetch.
pub async fn fetch(ws: &Workspace, kind: Kind, id: &str) -> Result<Option<(String, Vec<String>)>, Error> {
    match kind {
        Kind::Cluster => {
            let events = actions::cluster_events(ws, id, RELATED).await?;
            let lines = events.iter().map(logs::event_line).collect();
            Ok(Some(("Recent events (newest first)".into(), lines)))
        }
        Kind::Session => {
            let raw = actions::session_statements(ws, id).await?;
            let statements = raw.get("statements").and_then(Value::as_array).cloned().unwrap_or_default();
            let lines = statements.iter().rev().take(RELATED).map(statement_line).collect();
            Ok(Some((format!("Recent statements ({} in all)", statements.len()), lines)))
        }
        Kind::Run => {
            let tasks = actions::run_tasks(ws, id).await?;
            let lines = tasks.iter().map(crate::domain::convert::task_line).collect();
            Ok(Some((format!("Tasks ({})", tasks.len()), lines)))
        }
        Kind::Batch => Ok(None),
    }
}

/// "#3  available  ok     spark.sql("select 1").show()".
fn statement_line(s: &Value) -> String {
    let id = s.get("id").map(Value::to_string).unwrap_or_default();
    let state = s.get("state").and_then(Value::as_str).unwrap_or("?");
    let status = s.pointer("/output/status").and_then(Value::as_str).unwrap_or("");
    let code = s.get("code").and_then(Value::as_str).unwrap_or("").lines().next().unwrap_or("");
    format!("#{id:<4} {state:<10} {status:<6} {code}")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn statements_read_on_one_line() {
        let s = json!({"id": 3, "state": "available", "code": "x = 1\nprint(x)", "output": {"status": "ok"}});
        assert_eq!(statement_line(&s), "#3    available  ok     x = 1");
    }
}
