//! `/api/2.x/jobs/*`: jobs, runs, their outputs and the run actions.

use serde_json::{Value, json};

use super::clusters::{decode_token, encode_token};
use super::state::{Plan, Repair, Run, RunPhase, SEC, TaskRun, Workspace};
use super::tasks;
use super::{Reply, Req, error, int_field, invalid_parameter};

pub fn handle(ws: &mut Workspace, req: &Req) -> Result<Reply, Reply> {
    let op = req.path.trim_start_matches("jobs/");
    let method = req.method.as_str();
    match (method, op) {
        ("GET", "list") => list_jobs(ws, req),
        ("GET", "get") => {
            let id = req
                .int_param("job_id")?
                .ok_or_else(|| invalid_parameter("Missing required field: job_id"))?;
            let job = ws.jobs.iter().find(|j| j.job_id == id).ok_or_else(|| job_missing(id))?;
            let mut body = job_json(job, true);
            // 2.2 caps the settings' arrays at 100 items a page, as runs/get does its tasks.
            let offset = page_offset(req)?;
            let mut more = false;
            for key in ["tasks", "job_clusters", "parameters"] {
                if let Some(Value::Array(items)) = body.get_mut("settings").and_then(|s| s.get_mut(key)) {
                    more |= offset + ARRAY_PAGE < items.len();
                    *items = items.drain(..).skip(offset).take(ARRAY_PAGE).collect();
                }
            }
            if more {
                body["next_page_token"] = json!(encode_token(offset + ARRAY_PAGE));
                body["has_more"] = json!(true);
            }
            Reply::ok(body)
        }
        ("POST", "run-now") => run_now(ws, req),
        ("POST", "runs/submit") => submit(ws, req),
        ("GET", "runs/list") => list_runs(ws, req),
        ("GET", "runs/get") => {
            let id = req
                .int_param("run_id")?
                .ok_or_else(|| invalid_parameter("Missing required field: run_id"))?;
            let run = find_run(ws, id)?;
            let mut body = run_json(run, req.now, req.base_url, ws.id, true);
            // 2.2 caps arrays at 100 items and pages them with `page_token`; an array with
            // nothing left on a later page comes back empty.
            let offset = page_offset(req)?;
            if let Some(Value::Array(tasks)) = body.get_mut("tasks") {
                let total = tasks.len();
                let page: Vec<Value> = tasks.drain(..).skip(offset).take(ARRAY_PAGE).collect();
                *tasks = page;
                if offset + ARRAY_PAGE < total {
                    body["next_page_token"] = json!(encode_token(offset + ARRAY_PAGE));
                    body["has_more"] = json!(true);
                }
            }
            Reply::ok(body)
        }
        ("GET", "runs/get-output") => output(ws, req),
        ("POST", "runs/cancel") => {
            let id = int_field(&req.json()?, "run_id")?;
            let now = req.now;
            let run = find_run_mut(ws, id)?;
            cancel(run, now);
            Reply::ok(json!({}))
        }
        ("POST", "runs/cancel-all") => {
            let body = req.json()?;
            let job_id = body.get("job_id").and_then(Value::as_i64);
            let queued_only = body.get("all_queued_runs").and_then(Value::as_bool).unwrap_or(false);
            if job_id.is_none() && !queued_only {
                return Err(invalid_parameter("Either job_id or all_queued_runs must be set."));
            }
            let now = req.now;
            for run in ws.runs.iter_mut().filter(|r| !r.deleted) {
                let phase = run.phase(now);
                let matches_job = job_id.is_none_or(|j| run.job_id == Some(j));
                let queued = phase.life_cycle == "QUEUED";
                if matches_job && phase.end.is_none() && (!queued_only || queued) {
                    cancel(run, now);
                }
            }
            Reply::ok(json!({}))
        }
        ("POST", "runs/repair") => repair(ws, req),
        ("POST", "runs/delete") => {
            let id = int_field(&req.json()?, "run_id")?;
            let now = req.now;
            let run = find_run_mut(ws, id)?;
            if run.phase(now).end.is_none() {
                return Err(error(
                    400,
                    "INVALID_STATE",
                    format!("Cannot delete run {id} because it is in an active state."),
                ));
            }
            run.deleted = true;
            Reply::ok(json!({}))
        }
        _ => Err(error(
            404,
            "ENDPOINT_NOT_FOUND",
            format!("No API found for '{method} /api/{}/{}'", req.version, req.path),
        )),
    }
}

fn job_missing(id: i64) -> Reply {
    invalid_parameter(format!("Job {id} does not exist."))
}

fn find_run(ws: &Workspace, id: i64) -> Result<&Run, Reply> {
    ws.runs
        .iter()
        .find(|r| !r.deleted && (r.run_id == id || r.tasks.iter().any(|t| t.run_id == id)))
        .ok_or_else(|| invalid_parameter(format!("Run {id} does not exist")))
}

fn find_run_mut(ws: &mut Workspace, id: i64) -> Result<&mut Run, Reply> {
    ws.runs
        .iter_mut()
        .find(|r| !r.deleted && (r.run_id == id || r.tasks.iter().any(|t| t.run_id == id)))
        .ok_or_else(|| invalid_parameter(format!("Run {id} does not exist")))
}

fn cancel(run: &mut Run, now: i64) {
    if run.phase(now).end.is_none() && run.cancelled_at.is_none() {
        run.cancelled_at = Some(now);
    }
}

fn job_json(job: &super::state::Job, expand_tasks: bool) -> Value {
    let mut settings = json!({
        "name": job.name,
        "max_concurrent_runs": 1,
        "timeout_seconds": 3600,
        "format": "MULTI_TASK",
        "queue": {"enabled": true},
        "email_notifications": {},
    });
    if expand_tasks {
        settings["tasks"] = Value::Array(
            job.tasks
                .iter()
                .map(|t| {
                    let mut task = json!({
                        "task_key": t.key,
                        "notebook_task": {"notebook_path": t.notebook_path, "source": "WORKSPACE"},
                        "timeout_seconds": 0,
                        "run_if": "ALL_SUCCESS",
                    });
                    match &job.cluster_id {
                        Some(c) => task["existing_cluster_id"] = json!(c),
                        None => task["job_cluster_key"] = json!("job_cluster"),
                    }
                    if !t.depends_on.is_empty() {
                        task["depends_on"] =
                            Value::Array(t.depends_on.iter().map(|d| json!({ "task_key": d })).collect());
                    }
                    task
                })
                .collect(),
        );
        if job.cluster_id.is_none() {
            settings["job_clusters"] = json!([{"job_cluster_key": "job_cluster", "new_cluster": {
                "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2",
                "autoscale": {"min_workers": 2, "max_workers": 8}}}]);
        }
    }
    if !job.parameters.is_empty() {
        settings["parameters"] = Value::Array(
            job.parameters.iter().map(|(name, default)| json!({"name": name, "default": default})).collect(),
        );
    }
    if let Some(cron) = &job.schedule {
        settings["schedule"] =
            json!({"quartz_cron_expression": cron, "timezone_id": "UTC", "pause_status": "UNPAUSED"});
    }
    json!({
        "job_id": job.job_id,
        "creator_user_name": job.creator,
        "run_as_user_name": job.creator,
        "created_time": job.created,
        "settings": settings,
    })
}

fn list_jobs(ws: &Workspace, req: &Req) -> Result<Reply, Reply> {
    let limit = match req.int_param("limit")? {
        None | Some(0) => 20,
        Some(n) if (1..=100).contains(&n) => n as usize,
        Some(n) => return Err(invalid_parameter(format!("limit must be between 1 and 100, got {n}"))),
    };
    let expand = req.flag("expand_tasks")?.unwrap_or(false);
    let name = req.param("name");
    let jobs: Vec<&super::state::Job> =
        ws.jobs.iter().filter(|j| name.is_none_or(|n| j.name.eq_ignore_ascii_case(n))).collect();
    let offset = page_offset(req)?;
    let end = (offset + limit).min(jobs.len());
    let page: Vec<Value> =
        jobs.get(offset..end).unwrap_or_default().iter().map(|j| job_json(j, expand)).collect();
    let mut body = json!({ "jobs": page, "has_more": end < jobs.len() });
    if end < jobs.len() {
        body["next_page_token"] = json!(encode_token(end));
    }
    if offset > 0 {
        body["prev_page_token"] = json!(encode_token(offset.saturating_sub(limit)));
    }
    Reply::ok(body)
}

/// Items per array page in 2.2 `jobs/get` and `runs/get`.
const ARRAY_PAGE: usize = 100;

fn page_offset(req: &Req) -> Result<usize, Reply> {
    match req.param("page_token").filter(|t| !t.is_empty()) {
        Some(t) => decode_token(t).ok_or_else(|| invalid_parameter(format!("Invalid page token: {t}"))),
        None => Ok(req.int_param("offset")?.unwrap_or(0).max(0) as usize),
    }
}

/// `{life_cycle_state, result_state, ...}` and the newer `status` object.
fn state_objects(phase: &RunPhase, user_cancelled: bool) -> (Value, Value) {
    let mut state = json!({
        "life_cycle_state": phase.life_cycle,
        "state_message": phase.message,
        "user_cancelled_or_timedout": user_cancelled || phase.result == Some("TIMEDOUT"),
    });
    if let Some(r) = phase.result {
        state["result_state"] = json!(r);
    }
    let status_state = match phase.life_cycle {
        "INTERNAL_ERROR" | "SKIPPED" => "TERMINATED",
        other => other,
    };
    let mut status = json!({ "state": status_state });
    if phase.life_cycle == "QUEUED" {
        state["queue_reason"] = json!(phase.message);
        status["queue_details"] = json!({"code": "MAX_CONCURRENT_RUNS_REACHED", "message": phase.message});
    }
    if phase.end.is_some() {
        let (code, kind) = match (phase.life_cycle, phase.result) {
            ("SKIPPED", _) => ("SKIPPED", "SUCCESS"),
            ("INTERNAL_ERROR", _) => ("CLUSTER_ERROR", "CLOUD_FAILURE"),
            (_, Some("SUCCESS")) => ("SUCCESS", "SUCCESS"),
            (_, Some("CANCELED")) => ("USER_CANCELED", "SUCCESS"),
            (_, Some("TIMEDOUT")) => ("RUN_EXECUTION_ERROR", "CLIENT_ERROR"),
            _ => ("RUN_EXECUTION_ERROR", "CLIENT_ERROR"),
        };
        status["termination_details"] = json!({"code": code, "type": kind, "message": phase.message});
    }
    (state, status)
}

fn run_json(run: &Run, now: i64, base_url: &str, ws_id: u64, with_tasks: bool) -> Value {
    let phase = run.phase(now);
    let (state, status) = state_objects(&phase, run.cancelled_at.is_some());
    let started = now >= run.start && run.plan != Plan::StuckInQueue;
    let setup = if started { run.setup_ms.min(now - run.start) } else { 0 };
    let end = phase.end.unwrap_or(0);
    let exec = if phase.end.is_some() {
        (end - run.start - run.setup_ms).max(0)
    } else if started {
        (now - run.start - run.setup_ms).max(0)
    } else {
        0
    };
    let mut v = json!({
        "job_id": run.job_id,
        "run_id": run.run_id,
        "number_in_job": run.number_in_job,
        "original_attempt_run_id": run.run_id,
        "attempt_number": 0,
        "creator_user_name": run.creator,
        "run_name": run.name,
        "run_type": run.run_type,
        "trigger": run.trigger,
        "run_page_url": format!("{base_url}/?o={ws_id}#job/{}/run/{}", run.job_id.unwrap_or(0), run.run_id),
        "state": state,
        "status": status,
        "start_time": if started { run.start } else { 0 },
        "setup_duration": setup,
        "execution_duration": exec,
        "cleanup_duration": 0,
        "end_time": end,
        "run_duration": if phase.end.is_some() { end - run.created } else { 0 },
        "queue_duration": (run.start.min(now) - run.created).max(0),
        "format": "MULTI_TASK",
    });
    if run.job_id.is_none() {
        v.as_object_mut().map(|o| o.remove("job_id"));
    }
    // A multi-task run's own setup, execution and cleanup durations are 0 (its tasks carry
    // theirs); `run_duration` is its length.
    if run.tasks.len() > 1 {
        for k in ["setup_duration", "execution_duration", "cleanup_duration"] {
            v[k] = json!(0);
        }
    }
    if !run.job_parameters.is_empty() {
        v["job_parameters"] = Value::Array(
            run.job_parameters
                .iter()
                .map(|(name, default, value)| json!({"name": name, "default": default, "value": value}))
                .collect(),
        );
    }
    if !run.overriding.is_empty() {
        v["overriding_parameters"] = Value::Object(run.overriding.clone());
    }
    if let Some(c) = &run.cluster_id {
        v["cluster_instance"] = json!({"cluster_id": c, "spark_context_id": "4217638561253658147"});
    }
    if with_tasks {
        let windows = tasks::windows(run);
        let tasks: Vec<Value> = run
            .tasks
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let tp = tasks::task_phase(run, i, &windows[i], now);
                let clock = tasks::clock_fields(run, i, &windows[i], &tp, now);
                task_json(run, t, &tp, clock)
            })
            .collect();
        v["tasks"] = Value::Array(tasks);
        if !run.repairs.is_empty() {
            let mut history = vec![
                json!({"type": "ORIGINAL", "id": run.run_id, "start_time": run.created, "task_run_ids": run.repairs[0].before}),
            ];
            history.extend(run.repairs.iter().map(
                |r| json!({"type": "REPAIR", "id": r.id, "start_time": r.start, "task_run_ids": r.task_run_ids}),
            ));
            v["repair_history"] = Value::Array(history);
        }
    }
    v
}

fn task_json(run: &Run, t: &TaskRun, tp: &RunPhase, clock: Value) -> Value {
    let (state, status) = state_objects(tp, run.cancelled_at.is_some());
    let mut v = json!({
        "task_key": t.key,
        "run_id": t.run_id,
        "state": state,
        "status": status,
        "notebook_task": {"notebook_path": t.notebook_path, "source": "WORKSPACE"},
        "attempt_number": t.attempt,
        "run_if": "ALL_SUCCESS",
    });
    if let (Some(o), Value::Object(c)) = (v.as_object_mut(), clock) {
        o.extend(c);
    }
    if !t.depends_on.is_empty() {
        v["depends_on"] = Value::Array(t.depends_on.iter().map(|d| json!({ "task_key": d })).collect());
    }
    if let Some(def) = &t.definition
        && let Some(o) = v.as_object_mut()
    {
        o.remove("notebook_task");
        for (k, val) in def.iter() {
            o.insert(k.clone(), val.clone());
        }
    }
    if let Some(c) = &run.cluster_id {
        v["existing_cluster_id"] = json!(c);
        v["cluster_instance"] = json!({"cluster_id": c});
    }
    v
}

fn list_runs(ws: &Workspace, req: &Req) -> Result<Reply, Reply> {
    let limit = match req.int_param("limit")? {
        None => 20,
        Some(0) => 25,
        Some(n) if (1..=25).contains(&n) => n as usize,
        Some(n) => {
            return Err(invalid_parameter(format!("The limit parameter must be between 1 and 25, got {n}.")));
        }
    };
    let active = req.flag("active_only")?.unwrap_or(false);
    let completed = req.flag("completed_only")?.unwrap_or(false);
    if active && completed {
        return Err(invalid_parameter("active_only and completed_only cannot both be true."));
    }
    let job_id = req.int_param("job_id")?;
    let run_type = req.param("run_type");
    let from = req.int_param("start_time_from")?;
    let to = req.int_param("start_time_to")?;
    let expand = req.flag("expand_tasks")?.unwrap_or(false);
    let now = req.now;
    let mut runs: Vec<(&Run, RunPhase)> = ws
        .runs
        .iter()
        .filter(|r| !r.deleted)
        .filter(|r| job_id.is_none_or(|j| r.job_id == Some(j)))
        .filter(|r| run_type.is_none_or(|t| r.run_type == t))
        .filter(|r| from.is_none_or(|f| r.start >= f) && to.is_none_or(|t| r.start <= t))
        .map(|r| (r, r.phase(now)))
        .filter(|(_, p)| !active || p.end.is_none())
        .filter(|(_, p)| !completed || p.end.is_some())
        .collect();
    // Newest first: by end time, or start time for unfinished runs.
    runs.sort_by_key(|(r, p)| std::cmp::Reverse((p.end.unwrap_or(i64::MAX / 2).max(r.start), r.run_id)));
    let offset = page_offset(req)?;
    let end = (offset + limit).min(runs.len());
    let page: Vec<Value> = runs
        .get(offset..end)
        .unwrap_or_default()
        .iter()
        .map(|(r, _)| run_json(r, now, req.base_url, ws.id, expand))
        .collect();
    let mut body = json!({ "runs": page, "has_more": end < runs.len() });
    if end < runs.len() {
        body["next_page_token"] = json!(encode_token(end));
    }
    if offset > 0 {
        body["prev_page_token"] = json!(encode_token(offset.saturating_sub(limit)));
    }
    Reply::ok(body)
}

fn run_now(ws: &mut Workspace, req: &Req) -> Result<Reply, Reply> {
    let body = req.json()?;
    let job_id = int_field(&body, "job_id")?;
    if let Some(token) = body.get("idempotency_token").and_then(Value::as_str)
        && let Some(&run_id) = ws.idempotency.get(token)
    {
        let number = ws.runs.iter().find(|r| r.run_id == run_id).map_or(run_id, |r| r.number_in_job);
        return Reply::ok(json!({"run_id": run_id, "number_in_job": number}));
    }
    let now = req.now;
    let (overriding, job_parameters) = run_parameters(ws, job_id, &body)?;
    let only: Vec<String> = match body.get("only") {
        Some(Value::Array(keys)) => keys.iter().filter_map(Value::as_str).map(String::from).collect(),
        _ => Vec::new(),
    };
    let job = ws.jobs.iter_mut().find(|j| j.job_id == job_id).ok_or_else(|| job_missing(job_id))?;
    if let Some(k) = only.iter().find(|k| !job.tasks.iter().any(|t| &t.key == *k)) {
        return Err(invalid_parameter(format!("Task key {k} does not exist in job {job_id}.")));
    }
    job.runs_started += 1;
    let plan = resolve(&job.plan, job.runs_started);
    let (name, exec_ms, cluster) = (job.name.clone(), job.exec_ms, job.cluster_id.clone());
    let defs: Vec<(String, String, Vec<String>)> = job
        .tasks
        .iter()
        .filter(|t| only.is_empty() || only.contains(&t.key))
        .map(|t| (t.key.clone(), t.notebook_path.clone(), t.depends_on.clone()))
        .collect();
    let creator = ws.user_name.clone();
    let run_id = ws.next() * 1000 + 7;
    let tasks = defs
        .into_iter()
        .enumerate()
        .map(|(i, (key, notebook_path, depends_on))| TaskRun {
            key,
            run_id: run_id + 1 + i as i64,
            notebook_path,
            depends_on,
            kept: None,
            attempt: 0,
            definition: None,
        })
        .collect();
    ws.runs.push(Run {
        run_id,
        job_id: Some(job_id),
        name,
        number_in_job: run_id,
        creator,
        trigger: "ONE_TIME",
        run_type: "JOB_RUN",
        created: now,
        start: now + SEC,
        setup_ms: if cluster.is_some() { 5 * SEC } else { 90 * SEC },
        exec_ms,
        plan: if plan == Plan::StuckInQueue { Plan::Succeed } else { plan },
        cancelled_at: None,
        tasks,
        cluster_id: cluster,
        repairs: Vec::new(),
        deleted: false,
        overriding,
        job_parameters,
    });
    if let Some(token) = body.get("idempotency_token").and_then(Value::as_str) {
        ws.idempotency.insert(token.to_string(), run_id);
    }
    Reply::ok(json!({"run_id": run_id, "number_in_job": run_id}))
}

/// A run's outcome from its job's plan: a flaky job fails every third run.
pub fn resolve(plan: &Plan, number: i64) -> Plan {
    match plan {
        Plan::Flaky { error, trace } if number % 3 == 0 => {
            Plan::Fail { error: error.clone(), trace: trace.clone() }
        }
        Plan::Flaky { .. } => Plan::Succeed,
        other => other.clone(),
    }
}

/// Fields of `run-now` kept as the run's `overriding_parameters`.
const RUN_PARAMS: &[&str] = &[
    "job_parameters",
    "notebook_params",
    "python_params",
    "jar_params",
    "python_named_params",
    "spark_submit_params",
    "sql_params",
];

/// `run-now`'s parameters: what it overrides, and the job's declared parameters with the
/// values this run uses. A `job_parameters` name the job does not declare is refused, and
/// `job_parameters` cannot be mixed with the legacy task parameters.
#[allow(clippy::type_complexity)]
fn run_parameters(
    ws: &Workspace,
    job_id: i64,
    body: &serde_json::Map<String, Value>,
) -> Result<(serde_json::Map<String, Value>, Vec<(String, String, String)>), Reply> {
    let job = ws.jobs.iter().find(|j| j.job_id == job_id).ok_or_else(|| job_missing(job_id))?;
    let overriding: serde_json::Map<String, Value> = RUN_PARAMS
        .iter()
        .filter_map(|k| body.get(*k).filter(|v| !v.is_null()).map(|v| ((*k).to_string(), v.clone())))
        .collect();
    let given = match overriding.get("job_parameters") {
        None => serde_json::Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return Err(invalid_parameter("job_parameters must be an object of names to values")),
    };
    if !given.is_empty() && overriding.len() > 1 {
        return Err(invalid_parameter(
            "job_parameters cannot be used together with task parameters (notebook_params, python_params, ...).",
        ));
    }
    if let Some(name) = given.keys().find(|k| !job.parameters.iter().any(|(n, _)| n == *k)) {
        return Err(invalid_parameter(format!("Job parameter '{name}' is not defined in job {job_id}.")));
    }
    let values = job
        .parameters
        .iter()
        .map(|(name, default)| {
            let value = given.get(name).and_then(Value::as_str).unwrap_or(default);
            (name.clone(), default.clone(), value.to_string())
        })
        .collect();
    Ok((overriding, values))
}

/// The task types a task may name (one of them).
const TASK_TYPES: &[&str] = &[
    "notebook_task",
    "spark_python_task",
    "spark_jar_task",
    "python_wheel_task",
    "sql_task",
    "spark_submit_task",
    "pipeline_task",
    "run_job_task",
    "dbt_task",
    "condition_task",
    "for_each_task",
];

/// Fields of a submitted task shown back in `runs/get`, besides its task type.
const TASK_ECHO: &[&str] = &["libraries", "new_cluster", "existing_cluster_id", "timeout_seconds"];

/// What a task runs, for the outcome rule (a name containing `fail` fails).
fn task_subject(t: &Value) -> String {
    ["/notebook_task/notebook_path", "/spark_python_task/python_file", "/spark_jar_task/main_class_name"]
        .iter()
        .find_map(|p| t.pointer(p).and_then(Value::as_str))
        .unwrap_or("")
        .to_string()
}

/// Check one task of `runs/submit`: its key, one task type, and the compute it names.
fn check_task(ws: &Workspace, t: &Value, i: usize) -> Result<(), Reply> {
    let key = t.get("task_key").and_then(Value::as_str).filter(|k| !k.is_empty());
    if key.is_none() {
        return Err(invalid_parameter(format!("Missing required field: tasks[{i}].task_key")));
    }
    let types = TASK_TYPES.iter().filter(|k| t.get(**k).is_some_and(|v| !v.is_null())).count();
    if types != 1 {
        return Err(invalid_parameter(format!(
            "Task {} must have exactly one task type (notebook_task, spark_python_task, spark_jar_task, ...); it has {types}.",
            key.unwrap_or_default()
        )));
    }
    if let Some(id) = t.get("existing_cluster_id").and_then(Value::as_str)
        && !ws.clusters.iter().any(|c| c.id == id && !c.deleted)
    {
        return Err(invalid_parameter(format!("Cluster {id} does not exist")));
    }
    if let Some(spec) = t.get("new_cluster") {
        let Value::Object(spec) = spec else {
            return Err(invalid_parameter("Cluster validation error: new_cluster must be an object"));
        };
        super::clusters::check_spec(spec).map_err(invalid_parameter)?;
    }
    Ok(())
}

fn submit(ws: &mut Workspace, req: &Req) -> Result<Reply, Reply> {
    let body = req.json()?;
    if let Some(token) = body.get("idempotency_token").and_then(Value::as_str)
        && let Some(&run_id) = ws.idempotency.get(token)
    {
        return Reply::ok(json!({"run_id": run_id}));
    }
    let tasks = body.get("tasks").and_then(Value::as_array).cloned().unwrap_or_default();
    if tasks.is_empty() {
        return Err(invalid_parameter("At least one task is required."));
    }
    for (i, t) in tasks.iter().enumerate() {
        check_task(ws, t, i)?;
    }
    let now = req.now;
    let run_id = ws.next() * 1000 + 9;
    let mut fails = false;
    let mut cluster = None;
    let mut new_cluster = false;
    let task_runs = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let path = task_subject(t);
            fails |= path.to_ascii_lowercase().contains("fail");
            if cluster.is_none() {
                cluster = t.get("existing_cluster_id").and_then(Value::as_str).map(String::from);
            }
            new_cluster |= t.get("new_cluster").is_some();
            let definition: serde_json::Map<String, Value> = TASK_TYPES
                .iter()
                .chain(TASK_ECHO)
                .filter_map(|k| t.get(*k).map(|v| ((*k).to_string(), v.clone())))
                .collect();
            TaskRun {
                key: t
                    .get("task_key")
                    .and_then(Value::as_str)
                    .map_or_else(|| format!("task_{i}"), String::from),
                run_id: run_id + 1 + i as i64,
                notebook_path: path,
                depends_on: t
                    .get("depends_on")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|d| d.get("task_key").and_then(Value::as_str).map(String::from))
                    .collect(),
                kept: None,
                attempt: 0,
                definition: Some(Box::new(definition)),
            }
        })
        .collect();
    let plan = if fails {
        Plan::Fail {
            error: "Exception: the notebook raised an error".into(),
            trace: "Traceback (most recent call last):\n  File \"<command-1>\", line 3, in <module>\nException: the notebook raised an error".into(),
        }
    } else {
        Plan::Succeed
    };
    ws.runs.push(Run {
        run_id,
        job_id: None,
        name: body.get("run_name").and_then(Value::as_str).unwrap_or("Untitled").to_string(),
        number_in_job: run_id,
        creator: ws.user_name.clone(),
        trigger: "ONE_TIME",
        run_type: "SUBMIT_RUN",
        created: now,
        start: now + SEC,
        // An existing cluster is ready; a new job cluster has to start (and serverless is quick).
        setup_ms: if cluster.is_some() {
            5 * SEC
        } else if new_cluster {
            240 * SEC
        } else {
            30 * SEC
        },
        exec_ms: 60 * SEC,
        plan,
        cancelled_at: None,
        tasks: task_runs,
        cluster_id: cluster,
        repairs: Vec::new(),
        deleted: false,
        overriding: serde_json::Map::new(),
        job_parameters: Vec::new(),
    });
    if let Some(token) = body.get("idempotency_token").and_then(Value::as_str) {
        ws.idempotency.insert(token.to_string(), run_id);
    }
    Reply::ok(json!({"run_id": run_id}))
}

fn output(ws: &Workspace, req: &Req) -> Result<Reply, Reply> {
    let id = req.int_param("run_id")?.ok_or_else(|| invalid_parameter("Missing required field: run_id"))?;
    let run = find_run(ws, id)?;
    let index = match run.tasks.iter().position(|t| t.run_id == id) {
        Some(i) => i,
        None if run.tasks.len() == 1 => 0,
        None => {
            return Err(invalid_parameter(
                "Retrieving the output of runs with multiple tasks is not supported. Please retrieve the output of each individual task run instead.",
            ));
        }
    };
    let windows = tasks::windows(run);
    let tp = tasks::task_phase(run, index, &windows[index], req.now);
    let task = &run.tasks[index];
    let mut metadata = run_json(run, req.now, req.base_url, ws.id, false);
    let (state, status) = state_objects(&tp, run.cancelled_at.is_some());
    metadata["run_id"] = json!(task.run_id);
    metadata["task_key"] = json!(task.key);
    metadata["state"] = state;
    metadata["status"] = status;
    let mut out = json!({ "metadata": metadata });
    match (&run.plan, tp.result) {
        (Plan::Fail { error, trace } | Plan::Flaky { error, trace }, Some("FAILED")) => {
            out["error"] = json!(error);
            out["error_trace"] = json!(trace);
        }
        (_, Some("TIMEDOUT")) => out["error"] = json!("Run timed out after 3600 seconds."),
        (_, Some("SUCCESS"))
            if task.definition.as_ref().is_some_and(|d| !d.contains_key("notebook_task")) =>
        {
            // Python files and JARs print to the driver's stdout, which `logs` returns.
            out["logs"] = json!(format!("{}: {} rows written\n", task.key, 1000 + run.run_id % 90_000));
            out["logs_truncated"] = json!(false);
        }
        (_, Some("SUCCESS")) => {
            out["notebook_output"] = json!({"result": format!("{} finished: {} rows written", task.key, 1000 + run.run_id % 90_000), "truncated": false});
        }
        _ => out["notebook_output"] = json!({}),
    }
    Reply::ok(out)
}

fn repair(ws: &mut Workspace, req: &Req) -> Result<Reply, Reply> {
    let body = req.json()?;
    let id = int_field(&body, "run_id")?;
    let now = req.now;
    let repair_id = ws.next() * 1000 + 3;
    let run = find_run_mut(ws, id)?;
    let phase = run.phase(now);
    if phase.end.is_none() {
        return Err(error(
            400,
            "INVALID_STATE",
            format!("Run {id} is still in progress and cannot be repaired."),
        ));
    }
    let rerun_tasks = body.get("rerun_tasks").and_then(Value::as_array).map(Vec::len).unwrap_or(0);
    let all_failed = body.get("rerun_all_failed_tasks").and_then(Value::as_bool).unwrap_or(false);
    if rerun_tasks == 0 && !all_failed {
        return Err(invalid_parameter("Either rerun_tasks or rerun_all_failed_tasks must be set."));
    }
    let latest = run.repairs.last().map(|r| r.id);
    match (latest, body.get("latest_repair_id").and_then(Value::as_i64)) {
        (Some(l), Some(given)) if l != given => {
            return Err(invalid_parameter(format!(
                "latest_repair_id {given} is not the latest repair of run {id} ({l})."
            )));
        }
        (Some(_), None) => {
            return Err(invalid_parameter("latest_repair_id is required when the run was already repaired."));
        }
        _ => {}
    }
    let only: Vec<String> = body
        .get("rerun_tasks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|k| k.as_str().map(String::from))
        .collect();
    if let Some(k) = only.iter().find(|k| !run.tasks.iter().any(|t| &t.key == *k)) {
        return Err(invalid_parameter(format!("Task key {k} does not exist in run {id}.")));
    }
    let dependents = body.get("rerun_dependent_tasks").and_then(Value::as_bool).unwrap_or(false);
    let before: Vec<i64> = run.tasks.iter().map(|t| t.run_id).collect();
    let mut next = repair_id;
    let task_run_ids = tasks::repair(run, &only, dependents, now, || {
        next += 1;
        next
    });
    run.repairs.push(Repair { id: repair_id, start: now, before, task_run_ids });
    run.plan = Plan::Succeed;
    Reply::ok(json!({"repair_id": repair_id}))
}
