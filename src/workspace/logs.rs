//! What the logs view shows for an item, as text lines: a session's or batch's Livy `log`
//! lines, a cluster's events, a run's output (result, error and stack trace, logs) per task.
//! The same formatting serves `sparkdeck runs output` and `sparkdeck clusters events`.

use serde_json::Value;

use super::actions::{self, TaskOutput};
use super::{Error, Workspace};
use crate::domain::Kind;
use crate::domain::convert::{cluster_row, livy_row, run_row};

/// Cluster events shown in the logs view.
const EVENTS: usize = 100;

/// One fetch of an item's logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogChunk {
    pub lines: Vec<String>,
    /// The lines are everything there is (replace what was shown); otherwise they are the
    /// latest lines only (Livy keeps the last few) and are appended where they overlap.
    pub whole: bool,
    /// The item has ended: nothing more will come.
    pub finished: bool,
    /// Where the interesting part starts (a failed run's error).
    pub error_at: Option<usize>,
}

pub async fn fetch(ws: &Workspace, kind: Kind, id: &str) -> Result<LogChunk, Error> {
    match kind {
        Kind::Session | Kind::Batch => {
            let raw = actions::livy_item(ws, kind, id).await?;
            let row = livy_row(kind, &ws.name, None, raw.clone());
            let lines = raw
                .get("log")
                .and_then(Value::as_array)
                .map(|l| l.iter().map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string)).collect())
                .unwrap_or_default();
            Ok(LogChunk { lines, whole: false, finished: row.status.is_terminal(), error_at: None })
        }
        Kind::Cluster => {
            let d = actions::databricks(ws)?;
            let row = cluster_row(&ws.name, d.cluster(id).await?.raw);
            let mut events = actions::cluster_events(ws, id, EVENTS).await?;
            // Oldest first, like a log.
            events.reverse();
            let lines = events.iter().map(event_line).collect();
            Ok(LogChunk { lines, whole: true, finished: row.status.is_terminal(), error_at: None })
        }
        Kind::Run => {
            let d = actions::databricks(ws)?;
            let run = run_row(&ws.name, d.run(id.parse().unwrap_or_default()).await?.raw);
            let outputs = actions::run_output(ws, id).await?;
            let lines = output_lines(&outputs, id);
            let error_at = lines.iter().position(|l| l.starts_with("Error:"));
            Ok(LogChunk { lines, whole: true, finished: run.status.is_terminal(), error_at })
        }
    }
}

/// A run's output, task by task: result, then error and stack trace, then logs.
pub fn output_lines(outputs: &[TaskOutput], id: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let several = outputs.len() > 1;
    for o in outputs {
        if several {
            lines.push(format!("── task {} ──", o.task_key.as_deref().unwrap_or("?")));
        }
        let text = |p: &str| o.output.pointer(p).and_then(Value::as_str).filter(|s| !s.is_empty());
        let before = lines.len();
        if let Some(result) = text("/notebook_output/result") {
            lines.push("Result:".into());
            lines.extend(result.lines().map(str::to_string));
            if o.output.pointer("/notebook_output/truncated").and_then(Value::as_bool) == Some(true) {
                lines.push("(truncated by the service)".into());
            }
        }
        if let Some(error) = text("/error") {
            lines.push(format!("Error: {error}"));
        }
        if let Some(trace) = text("/error_trace") {
            lines.push("Stack trace:".into());
            lines.extend(trace.lines().map(str::to_string));
        }
        if let Some(logs) = text("/logs") {
            lines.push("Logs:".into());
            lines.extend(logs.lines().map(str::to_string));
            if o.output.get("logs_truncated").and_then(Value::as_bool) == Some(true) {
                lines.push("(logs truncated by the service)".into());
            }
        }
        if lines.len() == before {
            lines.push(format!("Run {id} has no output (yet)."));
        }
    }
    lines
}

/// "2026-11-22 10:09:06  RUNNING  target 4 workers, now 4".
pub fn event_line(e: &Value) -> String {
    let at = e
        .get("timestamp")
        .and_then(Value::as_i64)
        .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default();
    let kind = e.get("type").and_then(Value::as_str).unwrap_or("?");
    format!("{at}  {kind:<20}  {}", event_summary(e.get("details"))).trim_end().to_string()
}

/// The details that matter, in a few words.
fn event_summary(details: Option<&Value>) -> String {
    let Some(d) = details else { return String::new() };
    let mut parts = Vec::new();
    if let Some(n) = d.get("target_num_workers") {
        parts.push(format!("target {n} workers"));
    }
    if let Some(n) = d.get("current_num_workers") {
        parts.push(format!("now {n}"));
    }
    if let Some(code) = d.pointer("/reason/code").and_then(Value::as_str) {
        parts.push(format!("reason {code}"));
    }
    if let Some(user) = d.get("user").and_then(Value::as_str) {
        parts.push(format!("by {user}"));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn run_output_puts_the_error_after_the_result_and_before_logs() {
        let outputs = vec![
            TaskOutput {
                task_key: Some("ingest".into()),
                output: json!({"notebook_output": {"result": "ok"}}),
            },
            TaskOutput {
                task_key: Some("train".into()),
                output: json!({"error": "ValueError: bad", "error_trace": "line 1\nline 2", "logs": "started"}),
            },
        ];
        let lines = output_lines(&outputs, "7");
        assert_eq!(
            lines,
            [
                "── task ingest ──",
                "Result:",
                "ok",
                "── task train ──",
                "Error: ValueError: bad",
                "Stack trace:",
                "line 1",
                "line 2",
                "Logs:",
                "started"
            ]
        );
        let empty = output_lines(&[TaskOutput { task_key: None, output: json!({}) }], "7");
        assert_eq!(empty, ["Run 7 has no output (yet)."]);
    }

    #[test]
    fn events_read_like_log_lines() {
        let e = json!({"timestamp": 1_700_000_000_000i64, "type": "RESIZING",
                       "details": {"target_num_workers": 4, "current_num_workers": 2, "user": "ada"}});
        assert_eq!(
            event_line(&e),
            "2023-11-14 22:13:20  RESIZING              target 4 workers, now 2, by ada"
        );
    }
}
