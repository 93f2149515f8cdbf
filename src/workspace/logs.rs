//! What the logs view shows for an item, as text lines: a session's or batch's Livy `log`
//! lines, a cluster's events, a run's output (result, error and stack trace, logs) per task.
//! The same formatting serves `sparkdeck runs output` and `sparkdeck clusters events`.

use super::actions::{self, TaskOutput};
use super::convert::{cluster_row, livy_row, run_row};
use super::{Error, Workspace};
use crate::api::databricks::models::{ClusterEvent, EventDetails};
use crate::domain::logs::Earlier;
use crate::domain::{Kind, Target};

/// Cluster events the logs view reads first; `g` at the top doubles it.
pub const EVENTS: usize = 100;

/// Where a Livy item's earlier log lines are: the Livy API returns only the last few.
const LIVY_EARLIER: &str = "the Livy API returns only a session's or batch's latest log lines; \
    the whole driver log is in the Fabric Monitoring hub (the Spark application → Logs)";

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
    /// What there is before the first line.
    pub earlier: Earlier,
}

pub async fn fetch(ws: &Workspace, t: &Target) -> Result<LogChunk, Error> {
    fetch_window(ws, t, EVENTS).await
}

/// As [`fetch`], reading up to `window` cluster events (the other kinds are read whole, or as
/// the service keeps them).
pub async fn fetch_window(ws: &Workspace, t: &Target, window: usize) -> Result<LogChunk, Error> {
    let (kind, id) = (t.kind, t.id.as_str());
    match kind {
        Kind::Session | Kind::Batch => {
            let job = actions::livy_item(ws, t).await?;
            let lines = job.value.log.clone();
            let finished = livy_row(kind, &ws.name, None, job).status.is_terminal();
            let earlier =
                if lines.is_empty() { Earlier::None } else { Earlier::Elsewhere(LIVY_EARLIER.into()) };
            Ok(LogChunk { lines, whole: false, finished, error_at: None, earlier })
        }
        Kind::Cluster => {
            let d = actions::databricks(ws)?;
            let row = cluster_row(&ws.name, d.cluster(id).await?);
            let events = actions::cluster_events(ws, id, window).await?;
            let earlier = if events.len() >= window { Earlier::More } else { Earlier::None };
            let lines = events.iter().map(|e| event_line(e)).collect();
            Ok(LogChunk { lines, whole: true, finished: row.status.is_terminal(), error_at: None, earlier })
        }
        // A job's logs are its newest run's output.
        Kind::Job => {
            let job_id = actions::run_id(ws, id)?;
            match super::jobs::latest_run(ws, job_id).await? {
                Some(run) => run_output(ws, &run).await,
                None => Ok(LogChunk {
                    lines: vec![format!("Job {id} has no runs yet (r runs it now).")],
                    whole: true,
                    finished: true,
                    error_at: None,
                    earlier: Earlier::None,
                }),
            }
        }
        Kind::Run => run_output(ws, id).await,
    }
}

/// A run's output, task by task, and whether the run has ended.
async fn run_output(ws: &Workspace, id: &str) -> Result<LogChunk, Error> {
    // One `runs/get` serves both the run's state and the list of its tasks' outputs.
    let d = actions::databricks(ws)?;
    let run_id = actions::run_id(ws, id)?;
    let run = d.run(run_id).await?;
    let outputs = actions::task_outputs(d, run_id, &run.value).await?;
    let finished = run_row(&ws.name, run).status.is_terminal();
    let lines = output_lines(&outputs, id);
    let error_at = lines.iter().position(|l| l.starts_with("Error:"));
    Ok(LogChunk { lines, whole: true, finished, error_at, earlier: Earlier::None })
}

/// A run's output, task by task: result, then error and stack trace, then logs.
pub fn output_lines(outputs: &[TaskOutput], id: &str) -> Vec<String> {
    let text = |s: &Option<String>| s.as_deref().filter(|s| !s.is_empty()).map(str::to_string);
    let mut lines = Vec::new();
    let several = outputs.len() > 1;
    for o in outputs {
        if several {
            lines.push(format!("── task {} ──", o.task_key.as_deref().unwrap_or("?")));
        }
        let out = &o.output.value;
        let before = lines.len();
        if let Some(notebook) = &out.notebook_output
            && let Some(result) = text(&notebook.result)
        {
            lines.push("Result:".into());
            lines.extend(result.lines().map(str::to_string));
            if notebook.truncated == Some(true) {
                lines.push("(truncated by the service)".into());
            }
        }
        if let Some(error) = text(&out.error) {
            lines.push(format!("Error: {error}"));
        }
        if let Some(trace) = text(&out.error_trace) {
            lines.push("Stack trace:".into());
            lines.extend(trace.lines().map(str::to_string));
        }
        if let Some(logs) = text(&out.logs) {
            lines.push("Logs:".into());
            lines.extend(logs.lines().map(str::to_string));
            if out.logs_truncated == Some(true) {
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
pub fn event_line(e: &ClusterEvent) -> String {
    let at = e
        .timestamp
        .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default();
    let kind = e.event_type.as_ref().map_or("?", |t| t.as_str());
    format!("{at}  {kind:<20}  {}", event_summary(e.details.as_ref())).trim_end().to_string()
}

/// The details that matter, in a few words.
fn event_summary(details: Option<&EventDetails>) -> String {
    let Some(d) = details else { return String::new() };
    let mut parts = Vec::new();
    if let Some(n) = d.target_num_workers {
        parts.push(format!("target {n} workers"));
    }
    if let Some(n) = d.current_num_workers {
        parts.push(format!("now {n}"));
    }
    if let Some(code) = d.reason.as_ref().and_then(|r| r.code.as_ref()) {
        parts.push(format!("reason {code}"));
    }
    if let Some(user) = &d.user {
        parts.push(format!("by {user}"));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::wire::{decoded, fetched};

    #[test]
    fn run_output_puts_the_error_after_the_result_and_before_logs() {
        let outputs = vec![
            TaskOutput {
                task_key: Some("ingest".into()),
                output: fetched(json!({"notebook_output": {"result": "ok"}})),
            },
            TaskOutput {
                task_key: Some("train".into()),
                output: fetched(
                    json!({"error": "ValueError: bad", "error_trace": "line 1\nline 2", "logs": "started"}),
                ),
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
        let empty = output_lines(&[TaskOutput { task_key: None, output: fetched(json!({})) }], "7");
        assert_eq!(empty, ["Run 7 has no output (yet)."]);
    }

    #[test]
    fn events_read_like_log_lines() {
        let e = json!({"timestamp": 1_700_000_000_000i64, "type": "RESIZING",
                       "details": {"target_num_workers": 4, "current_num_workers": 2, "user": "ada"}});
        assert_eq!(
            event_line(&decoded(e)),
            "2023-11-14 22:13:20  RESIZING              target 4 workers, now 2, by ada"
        );
    }
}
