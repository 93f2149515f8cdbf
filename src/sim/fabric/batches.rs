//! Livy batches: submit (202), list, get, cancel, and their lifecycle
//! `not_started → starting → running → success | dead` (or `killed` after DELETE).
//!
//! The outcome is decided when the batch is submitted (`batch_run.rs`): a file missing from
//! OneLake fails it, a Python script in OneLake runs on the engine (its output is the log, an
//! exception the failure). For files the simulator cannot read, demos and tests ask for it:
//! - a `file` or any of `args` containing `fail` (any case) fails at the end of its run with a
//!   Python traceback in the log (a Java exception for `.jar` files) and `errorInfo`;
//! - an argument `--duration=<seconds>` sets the running time (default 180 s);
//! - acquisition takes 10 s and Spark start-up 25 s more.

use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::requests::LivyRequest;
use super::sessions::{activity_common, log_time, principal};
use super::state::{
    BATCH_QUEUED_MS, Batch, BatchOutcome, BatchPhase, BatchRequestEcho, Principal, View, Workspace, app_id,
};
use super::{ApiError, Livy, Reply, page_params, parse_body};
use crate::sim::clock::{SimMillis, rfc3339};

pub const DEFAULT_RUN_MS: i64 = 180_000;
const STARTING_AFTER_MS: i64 = 10_000;
const RUNNING_AFTER_MS: i64 = 35_000;
/// Longest accepted `--duration` (a week), so arithmetic stays far from overflow.
const MAX_RUN_MS: i64 = 7 * 24 * 3600 * 1000;
/// A progress line is logged this often while a batch runs.
const TICK_MS: i64 = 15_000;

fn batch_not_found(id: &str) -> ApiError {
    ApiError::not_found("SparkCoreSessionNotFound", &format!("Batch {id} was not found."))
}

fn find(l: &Livy, id: &str) -> Result<usize, ApiError> {
    let uid = Uuid::parse_str(id).map_err(|_| batch_not_found(id))?;
    l.ws.batch_index(l.lh, uid).ok_or_else(|| batch_not_found(id))
}

/// Outcome and running time decided by the request (see the module docs).
pub fn plan(file: &str, args: &[String]) -> (BatchOutcome, i64) {
    let fails = file.to_ascii_lowercase().contains("fail")
        || args.iter().any(|a| a.to_ascii_lowercase().contains("fail"));
    let run_ms = args
        .iter()
        .find_map(|a| a.strip_prefix("--duration="))
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map_or(DEFAULT_RUN_MS, |s| ((s * 1000.0) as i64).min(MAX_RUN_MS));
    (if fails { BatchOutcome::Fail } else { BatchOutcome::Succeed }, run_ms)
}

pub fn create(l: &mut Livy) -> Result<Reply, ApiError> {
    let req: LivyRequest = parse_body(l.ctx.body)?;
    let file = req
        .file
        .clone()
        .filter(|f| !f.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("The 'file' field is required."))?;
    let planned = super::batch_run::plan(&req, &file, l.ws, l.lh, l.lake, l.ctx.engine)?;
    let (outcome, run_ms) = (planned.outcome, planned.run_ms);
    let now = l.ctx.now;
    let b = Batch {
        id: l.ids.uuid(),
        lakehouse: l.lh,
        name: req.name.clone(),
        submitter: l.principal,
        submitted: now,
        starting_at: now + STARTING_AFTER_MS,
        running_at: now + RUNNING_AFTER_MS,
        end_at: now + RUNNING_AFTER_MS + run_ms,
        outcome,
        cancelled_at: None,
        tags: req.tags.clone().unwrap_or_default(),
        request: Some(Box::new(BatchRequestEcho { json: req.echo(true), file: Some(file) })),
        app_id: app_id(now + STARTING_AFTER_MS, 1),
        ran: Some(Box::new(planned.run)),
    };
    let body = render(&b, l.ws, l.principals, now);
    l.ws.batches.push(b);
    Ok(Reply::json(202, body))
}

pub fn get(l: &mut Livy, id: &str) -> Result<Reply, ApiError> {
    let idx = find(l, id)?;
    Ok(Reply::json(200, render(&l.ws.batches[idx], l.ws, l.principals, l.ctx.now)))
}

/// DELETE cancels a batch that has not finished; a finished one answers 404 like an ended session.
pub fn delete(l: &mut Livy, id: &str) -> Result<Reply, ApiError> {
    let idx = find(l, id)?;
    let now = l.ctx.now;
    let b = &mut l.ws.batches[idx];
    if b.is_finished(now) {
        return Err(batch_not_found(id));
    }
    b.cancelled_at = Some(now);
    Ok(Reply::empty(200))
}

pub fn list(l: &mut Livy) -> Result<Reply, ApiError> {
    let (top, skip) = page_params(&l.ctx.query)?;
    let now = l.ctx.now;
    let mut mine: Vec<&Batch> = l.ws.batches.iter().filter(|b| b.lakehouse == l.lh).collect();
    mine.sort_by(|a, b| b.submitted.cmp(&a.submitted).then(b.id.cmp(&a.id)));
    let total = mine.len();
    let items: Vec<Value> =
        mine.iter().skip(skip).take(top).map(|b| activity_item(b, l.ws, l.principals, now)).collect();
    Ok(Reply::json(200, json!({ "items": items, "totalCountOfMatchedItems": total, "pageSize": top })))
}

fn end_time(b: &Batch) -> SimMillis {
    match b.cancelled_at {
        Some(c) if c < b.end_at => c,
        _ => b.end_at,
    }
}

pub fn view(b: &Batch, now: SimMillis) -> View {
    let phase = b.phase(now);
    let started = (now >= b.starting_at && end_time(b) >= b.starting_at).then_some(b.starting_at);
    let mut v = View {
        livy_state: "not_started",
        result: "Uncertain",
        started_at: started,
        ended_at: None,
        scheduled_at: b.submitted + BATCH_QUEUED_MS,
        scheduler_state: "Scheduled",
        plugin_state: "Monitoring",
        cancellation_reason: None,
        error: None,
        monitoring_state: "NotStarted",
        timed_out: false,
    };
    match phase {
        BatchPhase::Queued => (v.scheduler_state, v.plugin_state) = ("Queued", "Preparation"),
        BatchPhase::Submitting => v.plugin_state = "Submission",
        BatchPhase::Starting => v.livy_state = "starting",
        BatchPhase::Running => (v.livy_state, v.monitoring_state) = ("running", "InProgress"),
        BatchPhase::Success | BatchPhase::Dead | BatchPhase::Killed => {
            v.ended_at = Some(end_time(b));
            (v.scheduler_state, v.plugin_state) = ("Ended", "Ended");
            match phase {
                BatchPhase::Success => {
                    (v.livy_state, v.result, v.monitoring_state) = ("success", "Succeeded", "Succeeded")
                }
                BatchPhase::Dead => {
                    (v.livy_state, v.result, v.monitoring_state) = ("dead", "Failed", "Failed");
                    v.error = Some(failure(b));
                }
                _ => {
                    (v.livy_state, v.result, v.monitoring_state) = ("killed", "Cancelled", "Cancelled");
                    v.cancellation_reason = Some("User cancelled the Spark batch");
                }
            }
        }
    }
    v
}

fn file_of(b: &Batch, ws: &Workspace) -> String {
    b.request.as_ref().and_then(|r| r.file.clone()).unwrap_or_else(|| {
        let name = b.name.as_deref().unwrap_or("job");
        format!("abfss://{}@onelake.dfs.fabric.microsoft.com/{}/Files/jobs/{name}.py", ws.id, b.lakehouse)
    })
}

fn is_jar(b: &Batch) -> bool {
    b.request
        .as_ref()
        .and_then(|r| r.file.as_deref())
        .is_some_and(|f| f.to_ascii_lowercase().ends_with(".jar"))
}

/// errorInfo of a failed batch: (source, errorCode [I: Synapse/Fabric naming], message).
fn failure(b: &Batch) -> (&'static str, &'static str, String) {
    if let Some(f) = b.ran.as_ref().and_then(|r| r.failure.as_ref()) {
        return ("User", f.code, f.message.clone());
    }
    if is_jar(b) {
        (
            "User",
            "Spark_User_UserApp_ExitWithStatus1",
            "java.lang.IllegalStateException: Input table sales.orders_raw is empty".into(),
        )
    } else {
        (
            "User",
            "Spark_Ambiguous_NonJvmUserApp_ExitWithStatus1",
            "pyspark.errors.exceptions.captured.AnalysisException: [PATH_NOT_FOUND] Path does not exist: Files/input/orders_2024.csv."
                .into(),
        )
    }
}

/// BatchResponse at `now`.
pub fn render(b: &Batch, ws: &Workspace, principals: &[Principal], now: SimMillis) -> Value {
    let v = view(b, now);
    let phase = b.phase(now);
    let p = principal(principals, b.submitter);
    let mut m = Map::new();
    m.insert("id".into(), json!(b.id));
    if let Some(name) = &b.name {
        m.insert("name".into(), json!(name));
    }
    if v.started_at.is_some() {
        m.insert("appId".into(), json!(b.app_id));
    }
    m.insert("artifactId".into(), json!(b.lakehouse));
    m.insert("jobType".into(), json!("SparkBatch"));
    m.insert("submitterId".into(), json!(p.id));
    m.insert("submitterName".into(), json!(p.name));
    m.insert("state".into(), json!(v.livy_state));
    m.insert("result".into(), json!(v.result));
    m.insert("tags".into(), json!(b.tags));
    if let Some(reason) = v.cancellation_reason {
        m.insert("cancellationReason".into(), json!(reason));
    }
    if let Some((source, code, message)) = &v.error {
        m.insert("errorInfo".into(), json!([{ "message": message, "errorCode": code, "source": source }]));
    }
    let fabric_state = match phase {
        BatchPhase::Queued => Some("queued"),
        BatchPhase::Submitting => Some("submitting"),
        BatchPhase::Killed => Some("cancelled"),
        _ => None,
    };
    if let Some(state) = fabric_state {
        m.insert("fabricBatchStateInfo".into(), json!({ "state": state }));
    }
    m.insert("log".into(), json!(log(b, ws, now)));
    m.insert("livyInfo".into(), livy_info(b, ws, &v, now));
    let mut sched = Map::new();
    put(&mut sched, "submittedAt", Some(b.submitted));
    put(&mut sched, "queuedAt", Some(b.submitted));
    if v.scheduler_state != "Queued" {
        put(&mut sched, "scheduledAt", Some(v.scheduled_at));
    }
    put(&mut sched, "endedAt", v.ended_at);
    if phase == BatchPhase::Killed {
        put(&mut sched, "cancellationRequestedAt", b.cancelled_at);
    }
    sched.insert("currentState".into(), json!(v.scheduler_state));
    m.insert("schedulerInfo".into(), Value::Object(sched));
    let mut plugin = Map::new();
    let until = end_time(b).min(now);
    put(&mut plugin, "preparationStartedAt", Some(b.submitted));
    put(
        &mut plugin,
        "resourceAcquisitionStartedAt",
        (b.submitted + 1_000 <= until).then_some(b.submitted + 1_000),
    );
    put(&mut plugin, "submissionStartedAt", (v.scheduled_at <= until).then_some(v.scheduled_at));
    put(&mut plugin, "monitoringStartedAt", v.started_at);
    put(&mut plugin, "cleanupStartedAt", v.ended_at);
    plugin.insert("currentState".into(), json!(v.plugin_state));
    m.insert("pluginInfo".into(), Value::Object(plugin));
    Value::Object(m)
}

fn put(m: &mut Map<String, Value>, key: &str, at: Option<SimMillis>) {
    if let Some(at) = at {
        m.insert(key.into(), json!(rfc3339(at)));
    }
}

fn livy_info(b: &Batch, ws: &Workspace, v: &View, now: SimMillis) -> Value {
    let mut m = Map::new();
    let until = end_time(b).min(now);
    put(&mut m, "notStartedAt", Some(b.submitted));
    put(&mut m, "startingAt", v.started_at);
    put(&mut m, "runningAt", (b.running_at <= until).then_some(b.running_at));
    let end_key = match b.phase(now) {
        BatchPhase::Success => Some("successAt"),
        BatchPhase::Dead => Some("deadAt"),
        BatchPhase::Killed => Some("killedAt"),
        _ => None,
    };
    if let Some(key) = end_key {
        put(&mut m, key, v.ended_at);
    }
    m.insert("currentState".into(), json!(v.livy_state));
    let request = match &b.request {
        Some(r) => Value::Object(r.json.clone()),
        None => json!({
            "name": b.name,
            "file": file_of(b, ws),
            "conf": { "spark.targetLakehouse": b.lakehouse.to_string() },
        }),
    };
    m.insert("jobCreationRequest".into(), request);
    Value::Object(m)
}

/// The last 10 log lines at `now`; progress lines accumulate while the batch runs.
fn log(b: &Batch, ws: &Workspace, now: SimMillis) -> Vec<String> {
    let end = end_time(b);
    let limit = now.min(end + 10);
    let name = b.name.clone().unwrap_or_else(|| "job".into());
    let mut events: Vec<(SimMillis, String)> = vec![
        (b.submitted, format!("INFO LivyServer: Batch session {} created", b.id)),
        (b.starting_at, format!("INFO Client: Submitted application {}", b.app_id)),
        (b.starting_at + 2_000, "INFO SparkContext: Running Spark version 3.5.1.5.4.20250310.1".into()),
        (b.running_at, "INFO ApplicationMaster: Starting the user application in a separate Thread".into()),
        (b.running_at + 500, format!("INFO SparkContext: Submitted application: {name}")),
    ];
    let ran_until = limit.min(end);
    if let Some(run) = &b.ran {
        for (i, line) in run.preamble.iter().enumerate() {
            events.push((b.starting_at + 1_000 + i as i64, line.clone()));
        }
        // What the job printed, spread evenly over its running time.
        let span = (b.end_at - b.running_at).max(1);
        let n = run.output.len() as i64;
        for (i, line) in run.output.iter().enumerate() {
            events.push((b.running_at + 1_000.min(span / 2) + span * i as i64 / (n + 1), line.clone()));
        }
    }
    let printed = b.ran.as_ref().is_some_and(|r| !r.output.is_empty() || r.failure.is_some());
    if ran_until > b.running_at && !printed {
        let ticks = (ran_until - b.running_at) / TICK_MS;
        let total = ((b.end_at - b.running_at) / TICK_MS).max(1);
        for k in ticks.saturating_sub(10).max(1)..=ticks {
            let stage = k / 8;
            events.push((
                b.running_at + k * TICK_MS,
                format!(
                    "INFO TaskSetManager: Finished task {}.0 in stage {stage}.0 (TID {k}) in {} ms on vm-{:08x} (executor {}) ({}/{total})",
                    k % 8,
                    1_200 + (k * 373) % 9_000,
                    (b.id.as_u128() as u32) ^ (k as u32),
                    1 + k % 4,
                    k.min(total)
                ),
            ));
        }
    }
    match b.phase(now) {
        BatchPhase::Success => {
            events.push((end, "INFO ApplicationMaster: Final app status: SUCCEEDED, exitCode: 0".into()));
            events.push((end + 1, "INFO SparkContext: Successfully stopped SparkContext".into()));
        }
        BatchPhase::Dead => {
            let lines = if let Some(f) = b.ran.as_ref().and_then(|r| r.failure.as_ref()) {
                f.lines.clone()
            } else if is_jar(b) {
                vec![
                    "ERROR ApplicationMaster: User class threw exception: java.lang.IllegalStateException: Input table sales.orders_raw is empty".to_string(),
                    "java.lang.IllegalStateException: Input table sales.orders_raw is empty".into(),
                    "\tat com.contoso.etl.OrdersJob$.run(OrdersJob.scala:58)".into(),
                    "\tat com.contoso.etl.OrdersJob$.main(OrdersJob.scala:21)".into(),
                    "\tat com.contoso.etl.OrdersJob.main(OrdersJob.scala)".into(),
                ]
            } else {
                let script = file_of(b, ws).rsplit('/').next().unwrap_or("job.py").to_string();
                vec![
                    "Traceback (most recent call last):".to_string(),
                    format!("  File \"/home/trusted-service-user/work/{script}\", line 27, in <module>"),
                    "    df = spark.read.option(\"header\", \"true\").csv(\"Files/input/orders_2024.csv\")".into(),
                    "  File \"/opt/spark/python/lib/pyspark.zip/pyspark/sql/readwriter.py\", line 740, in csv".into(),
                    "    return self._df(self._jreader.csv(self._spark._sc._jvm.PythonUtils.toSeq(path)))".into(),
                    "  File \"/opt/spark/python/lib/pyspark.zip/pyspark/errors/exceptions/captured.py\", line 185, in deco".into(),
                    "    raise converted from None".into(),
                    "pyspark.errors.exceptions.captured.AnalysisException: [PATH_NOT_FOUND] Path does not exist: Files/input/orders_2024.csv.".into(),
                ]
            };
            for (i, line) in lines.into_iter().enumerate() {
                events.push((end - 10 + i as i64, line));
            }
            events.push((end, "ERROR ApplicationMaster: User application exited with status 1".into()));
            events.push((end + 1, "INFO ApplicationMaster: Final app status: FAILED, exitCode: 1, (reason: User application exited with status 1)".into()));
        }
        BatchPhase::Killed => {
            events.push((end, "INFO LivyServer: Batch cancellation requested by user".into()));
            events.push((end + 1, "INFO ApplicationMaster: Final app status: KILLED, exitCode: 0".into()));
        }
        _ => {}
    }
    let mut lines: Vec<(SimMillis, String)> = events.into_iter().filter(|(at, _)| *at <= limit).collect();
    lines.sort_by_key(|(at, _)| *at);
    let start = lines.len().saturating_sub(10);
    lines[start..]
        .iter()
        .map(|(at, l)| {
            // Job output and stack traces are printed as they are; the driver's own lines
            // carry log4j's time prefix.
            let printed = b.ran.as_ref().is_some_and(|r| {
                r.output.contains(l) || r.failure.as_ref().is_some_and(|f| f.lines.contains(l))
            });
            if printed
                || l.starts_with(' ')
                || l.starts_with('\t')
                || l.starts_with("Traceback")
                || l.starts_with("java.")
                || l.starts_with("pyspark.")
            {
                l.clone()
            } else {
                format!("{} {l}", log_time(*at))
            }
        })
        .collect()
}

/// LivySparkActivity for a batch.
pub fn activity_item(b: &Batch, ws: &Workspace, principals: &[Principal], now: SimMillis) -> Value {
    let v = view(b, now);
    let p = principal(principals, b.submitter);
    let mut m = Map::new();
    m.insert("id".into(), json!(b.id));
    if v.started_at.is_some() {
        m.insert("appId".into(), json!(b.app_id));
    }
    if let Some(name) = &b.name {
        m.insert("name".into(), json!(name));
    }
    m.insert("workspaceId".into(), json!(ws.id));
    m.insert("submitterId".into(), json!(p.id));
    m.insert("submitterName".into(), json!(p.name));
    m.insert("artifactId".into(), json!(b.lakehouse));
    m.insert("tags".into(), json!(b.tags));
    activity_common(&mut m, &v, b.submitted);
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_and_duration_come_from_the_request() {
        assert_eq!(plan("Files/job.py", &[]), (BatchOutcome::Succeed, DEFAULT_RUN_MS));
        assert_eq!(plan("Files/FAIL.py", &[]).0, BatchOutcome::Fail);
        let args = vec!["--mode=fail-fast".to_string(), "--duration=42.5".to_string()];
        assert_eq!(plan("Files/job.py", &args), (BatchOutcome::Fail, 42_500));
        assert_eq!(plan("x.py", &["--duration=-3".to_string()]).1, DEFAULT_RUN_MS);
        assert_eq!(plan("x.py", &["--duration=1e30".to_string()]).1, MAX_RUN_MS);
    }
}
