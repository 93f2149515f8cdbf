//! `jobs get` for people: the job's key fields, then its tasks (what each runs, on which
//! cluster, after which tasks), its job clusters and its recent runs, read from the `jobs/get`
//! object the row carries. Tables fit the terminal, or (`-o wide`) are never cut.

use jiff::Timestamp;
use serde_json::Value;

use super::output;
use crate::domain::{Detail, Resource, format_duration};

pub fn job_text(row: &Resource, now: Timestamp, wide: bool) -> String {
    let width = if wide { usize::MAX } else { usize::from(output::width()) };
    let plain = |headers: &[&str], rows, empty| output::plain_fitted(headers, rows, empty, width);
    let mut text = output::detail(row, now);
    let settings = row.raw.get("settings").cloned().unwrap_or(Value::Null);
    let tasks = array(&settings, "tasks");
    text += &format!("\nTasks ({})\n", tasks.len());
    let task_rows =
        tasks.iter().map(|t| vec![str_of(t, "task_key"), what(t), cluster(t), depends_on(t)]).collect();
    text += &indent(&plain(&["KEY", "RUNS", "CLUSTER", "DEPENDS ON"], task_rows, "No tasks."));
    let clusters = array(&settings, "job_clusters");
    if !clusters.is_empty() {
        text += "\nJob clusters\n";
        let rows = clusters
            .iter()
            .map(|c| {
                let spec = c.get("new_cluster").unwrap_or(&Value::Null);
                vec![
                    str_of(c, "job_cluster_key"),
                    str_of(spec, "spark_version"),
                    str_of(spec, "node_type_id"),
                    workers(spec),
                ]
            })
            .collect();
        text += &indent(&plain(&["KEY", "RUNTIME", "NODE TYPE", "WORKERS"], rows, ""));
    }
    if let Detail::Job { recent, .. } = &row.detail {
        text += "\nRecent runs\n";
        let rows = recent
            .iter()
            .map(|r| {
                vec![
                    r.run_id.clone(),
                    r.state.clone(),
                    r.started_at.map(|t| t.strftime("%Y-%m-%d %H:%M").to_string()).unwrap_or_default(),
                    r.duration(now).map(format_duration).unwrap_or_default(),
                ]
            })
            .collect();
        text += &indent(&plain(&["RUN ID", "STATE", "STARTED", "DURATION"], rows, "No runs."));
    }
    text
}

fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn str_of(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// What a task runs: its kind (`notebook_task` → notebook) and the path, file, class or id it
/// names.
fn what(task: &Value) -> String {
    let Some((key, spec)) =
        task.as_object().and_then(|m| m.iter().find(|(k, v)| k.ends_with("_task") && v.is_object()))
    else {
        return String::new();
    };
    let kind = key.trim_end_matches("_task").replace('_', " ");
    let named = [
        "notebook_path",
        "python_file",
        "main_class_name",
        "package_name",
        "pipeline_id",
        "job_id",
        "path",
        "query_id",
    ]
    .iter()
    .map(|k| str_of(spec, k))
    .find(|s| !s.is_empty());
    match named {
        Some(name) => format!("{kind} {name}"),
        None => kind,
    }
}

/// Where a task runs: an existing cluster, a job cluster, its own new cluster, or serverless.
fn cluster(task: &Value) -> String {
    if let Some(id) = task.get("existing_cluster_id").and_then(Value::as_str) {
        return id.to_string();
    }
    if let Some(key) = task.get("job_cluster_key").and_then(Value::as_str) {
        return format!("job cluster {key}");
    }
    if let Some(spec) = task.get("new_cluster") {
        return format!("new cluster {}", str_of(spec, "spark_version")).trim_end().to_string();
    }
    match task.get("environment_key").and_then(Value::as_str) {
        Some(env) => format!("serverless ({env})"),
        None => "serverless".into(),
    }
}

fn depends_on(task: &Value) -> String {
    let keys: Vec<String> = array(task, "depends_on").iter().map(|d| str_of(d, "task_key")).collect();
    keys.join(", ")
}

fn workers(spec: &Value) -> String {
    if let Some(a) = spec.get("autoscale") {
        return format!("{}-{}", str_of(a, "min_workers"), str_of(a, "max_workers"));
    }
    str_of(spec, "num_workers")
}

/// Under its heading (the table's cells already start one space in).
fn indent(table: &str) -> String {
    table.lines().map(|l| format!(" {l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn tasks_say_what_they_run_where_and_after_what() {
        let t = json!({"task_key": "load", "notebook_task": {"notebook_path": "/etl/load"},
            "job_cluster_key": "main", "depends_on": [{"task_key": "a"}, {"task_key": "b"}]});
        assert_eq!(
            (what(&t), cluster(&t), depends_on(&t)),
            ("notebook /etl/load".to_string(), "job cluster main".to_string(), "a, b".to_string())
        );
        let py = json!({"spark_python_task": {"python_file": "dbfs:/x.py"}, "existing_cluster_id": "0101-x"});
        assert_eq!((what(&py), cluster(&py)), ("spark python dbfs:/x.py".into(), "0101-x".into()));
        let sql = json!({"sql_task": {"warehouse_id": "w"}, "environment_key": "default"});
        assert_eq!((what(&sql), cluster(&sql)), ("sql".into(), "serverless (default)".into()));
        assert_eq!(workers(&json!({"autoscale": {"min_workers": 2, "max_workers": 8}})), "2-8");
        assert_eq!(workers(&json!({"num_workers": 3})), "3");
    }
}
