//! Related items shown in the details view: a cluster's recent events, a session's recent
//! statements (a high-concurrency session's statements come from all its REPLs), a run's tasks
//! (list rows carry none: `runs/get` and its pages do).

use super::{Error, Workspace, actions, convert, logs};
use crate::api::livy::models::StatementResponse;
use crate::domain::timeline::Timeline;
use crate::domain::{Kind, Target};

/// Items per related list.
const RELATED: usize = 10;
/// Runs of a job its details list (one `runs/list` page).
const HISTORY: usize = 25;

/// "884190  TERMINATED/FAILED  2026-11-22 10:09  12m 04s  PERIODIC".
fn history_line(r: &crate::domain::Resource) -> String {
    let at = r
        .started_at
        .map(|t| t.strftime("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "not started".into());
    let took = match (r.started_at, r.ended_at) {
        (Some(s), Some(e)) => crate::domain::format_duration(e.duration_since(s)),
        (Some(_), None) => "running".into(),
        _ => String::new(),
    };
    let trigger = match &r.detail {
        crate::domain::Detail::Run { trigger: Some(t), .. } => t.as_str(),
        _ => "",
    };
    format!("{:<14} {:<26} {at:<16}  {took:<8}  {trigger}", r.id, r.state_label()).trim_end().to_string()
}

/// A heading and its lines, or `None` when the kind has nothing related to fetch.
pub async fn fetch(ws: &Workspace, t: &Target) -> Result<Option<(String, Vec<String>)>, Error> {
    let id = t.id.as_str();
    match t.kind {
        Kind::Cluster => {
            let events = actions::cluster_events(ws, id, RELATED).await?;
            let lines = events.iter().map(|e| logs::event_line(e)).collect();
            Ok(Some(("Recent events (oldest first)".into(), lines)))
        }
        Kind::Session => {
            let statements = actions::session_statements(ws, t).await?;
            let lines = statements.iter().rev().take(RELATED).map(statement_line).collect();
            Ok(Some((format!("Recent statements ({} in all)", statements.len()), lines)))
        }
        Kind::Run => {
            let (heading, lines, _) = run_tasks(ws, id).await?;
            Ok(Some((heading, lines)))
        }
        Kind::Job => {
            let job_id = actions::run_id(ws, id)?;
            let runs = actions::databricks(ws)?.recent_runs(job_id, HISTORY).await?;
            let lines: Vec<String> =
                runs.into_iter().map(|r| history_line(&convert::run_row(&ws.name, r))).collect();
            Ok(Some((format!("Last {} runs (newest first; the Runs pane has them all)", lines.len()), lines)))
        }
        Kind::Batch => Ok(None),
    }
}

/// A run's tasks as lines (each with what it runs after), and against the run's clock.
pub async fn run_tasks(ws: &Workspace, id: &str) -> Result<(String, Vec<String>, Timeline), Error> {
    let tasks = actions::run_tasks(ws, id).await?;
    let lines = tasks.iter().map(convert::task_line).collect();
    Ok((format!("Tasks ({})", tasks.len()), lines, super::jobs::timeline(&tasks)))
}

/// "#3  available  ok     spark.sql("select 1").show()".
fn statement_line(s: &StatementResponse) -> String {
    let id = s.id.map(|id| id.to_string()).unwrap_or_default();
    let state = s.state.as_ref().map_or("?", |s| s.as_str());
    let status = s.output.as_ref().and_then(|o| o.status.as_ref()).map_or("", |s| s.as_str());
    let code = s.code.as_deref().unwrap_or("").lines().next().unwrap_or("");
    format!("#{id:<4} {state:<10} {status:<6} {code}")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::wire::decoded;

    #[test]
    fn statements_read_on_one_line() {
        let s = json!({"id": 3, "state": "available", "code": "x = 1\nprint(x)", "output": {"status": "ok"}});
        assert_eq!(statement_line(&decoded(s)), "#3    available  ok     x = 1");
    }
}
