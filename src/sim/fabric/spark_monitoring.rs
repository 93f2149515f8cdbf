//! The Spark application monitoring API (reference specs/fabric-spark-monitoring-swagger.json,
//! fabric-livy.md §1.5.3), under
//! `/v1/workspaces/{ws}/{itemType}/{itemId}/livySessions/{livyId}/applications/{appId}[/{attemptId}]/`:
//!
//! - `logs?type=driver&meta=true&fileName=stderr|stdout` → `ContainerLogMeta`;
//! - `logs?type=rollingdriver&meta=true[&filenamePrefix=&offset=&maxResults=]` → `ContainerLogMetas`
//!   (the driver's rolled log4j parts, `stderr-00001`…, read with `type=driver&fileName=`);
//! - `logs?type=driver&fileName=…[&isPartial=true&offset=&size=]` → the bytes (text);
//! - `logs?type=executor&meta=true[&containerId=&filenamePrefix=&offset=&maxResults=]` → an array
//!   of `ContainerLogMetas`, one per executor container; `applications/{appId}/logs?type=executor&fileName=&containerId=[&size=]` → bytes;
//! - `applications/none/logs?type=livy&meta=true` → `FileMetadata`;
//!   `applications/none/{attemptId}/logs?type=livy[&offset=&size=]` → bytes;
//! - `resourceUsage[?start=&end=&executorLimit=…]` → `ResourceUsageInfo`;
//!   `resourceUsage/{timestamp}` → `ResourceUsageSnapshot`.
//!
//! Errors (the swagger names none; Fabric core codes): 404 `SparkCoreItemNotFound` (unknown
//! item), `SparkCoreSessionNotFound` (unknown livyId), `SparkApplicationNotFound` [I] (the
//! application has not started, or the appId is not this Livy item's), `FileNotFound` [I] (no
//! such log file or container); 400 `InvalidInput` for a missing or malformed parameter.
//! Resource usage timestamps are milliseconds since the application started [I: the swagger
//! types them int32, which epoch milliseconds would overflow].

use serde_json::{Value, json};
use uuid::Uuid;

use super::spark_monitoring_logs::{self as logs, DEFAULT_EXECUTOR_CORES, PART_LINES, SparkApp};
use super::state::{ItemKind, Workspace};
use super::{ApiError, Ctx, Reply, batches, sessions};
use crate::sim::clock::{SimMillis, millis_to_timestamp};

/// Default `size` of a content read (reference: 1 MiB).
const DEFAULT_SIZE: usize = 1 << 20;
/// `maxResults` default and bound (reference: 1..3000).
const MAX_RESULTS: usize = 3_000;

/// `rest` after the workspace id, when it is a monitoring route:
/// `[itemType, itemId, "livySessions", livyId, "applications", appId, tail @ ..]`.
pub fn route(ws: &mut Workspace, rest: &[&str], ctx: &Ctx) -> Option<Result<Reply, ApiError>> {
    let [item_type, item_id, "livySessions", livy_id, "applications", app_id, tail @ ..] = rest else {
        return None;
    };
    if !matches!(*item_type, "notebooks" | "sparkJobDefinitions" | "lakehouses") {
        return None;
    }
    let found = find(ws, item_type, item_id, livy_id, ctx);
    Some(found.and_then(|app| answer(&app, app_id, tail, ctx)))
}

fn answer(app: &SparkApp, app_id: &str, tail: &[&str], ctx: &Ctx) -> Result<Reply, ApiError> {
    let q = Query(&ctx.query);
    let kind = q.get("type").unwrap_or_default();
    // `applications/none` serves the Livy log only, which exists before the application does.
    if app_id == "none" {
        return match (tail, kind) {
            (["logs"] | [_, "logs"], "livy") => livy(app, &q, ctx.now),
            _ => Err(not_found_app(app_id, app)),
        };
    }
    if app.started.is_none_or(|s| s > ctx.now) || app.app_id != app_id {
        return Err(not_found_app(app_id, app));
    }
    match (tail, kind) {
        (["logs"] | [_, "logs"], "driver") => driver(app, &q, ctx.now),
        (["logs"] | [_, "logs"], "rollingdriver") => rolling(app, &q, ctx.now),
        (["logs"] | [_, "logs"], "executor") => executor(app, &q, ctx.now),
        (["logs"] | [_, "logs"], "livy") => livy(app, &q, ctx.now),
        (["logs"] | [_, "logs"], other) => Err(invalid(&format!(
            "Query parameter 'type' must be driver, rollingdriver, executor or livy, not {other:?}."
        ))),
        (["resourceUsage"] | [_, "resourceUsage"], _) => Ok(Reply::json(200, usage(app, &q, ctx.now)?)),
        (["resourceUsage", ts] | [_, "resourceUsage", ts], _) => {
            let ts = ts.parse::<i64>().map_err(|_| invalid("The timestamp must be an integer."))?;
            Ok(Reply::json(200, snapshot(app, ts, &q, ctx.now)?))
        }
        _ => Err(ApiError::not_found("EntityNotFound", "The requested resource could not be found.")),
    }
}

/// The Spark application of a Livy item of `item_type`/`item_id`.
fn find(
    ws: &mut Workspace,
    item_type: &str,
    item_id: &str,
    livy_id: &str,
    ctx: &Ctx,
) -> Result<SparkApp, ApiError> {
    let item = Uuid::parse_str(item_id).ok();
    let livy = Uuid::parse_str(livy_id).ok();
    let no_item =
        || ApiError::not_found("SparkCoreItemNotFound", "The requested item was not found in the workspace.");
    let no_livy =
        || ApiError::not_found("SparkCoreSessionNotFound", &format!("Livy session {livy_id} was not found."));
    let now = ctx.now;
    if item_type == "lakehouses" {
        let lh = item.filter(|id| ws.lakehouse(*id).is_some()).ok_or_else(no_item)?;
        let livy = livy.ok_or_else(no_livy)?;
        if let Some(i) = ws.session_index(lh, livy) {
            ws.sessions[i].settle(now, ctx.engine);
            let s = &ws.sessions[i];
            let v = sessions::view(s, now);
            let req = s.request.as_ref().map(|r| &r.json);
            return Ok(SparkApp {
                livy_id: s.id,
                app_id: s.app_id.clone(),
                name: sessions::display_name(s, ws).unwrap_or_else(|| "session".into()),
                submitted: s.submitted,
                started: v.started_at,
                ended: v.ended_at,
                failed: v.monitoring_state == "Failed",
                executors: int(req, "numExecutors", 2),
                executor_cores: int(req, "executorCores", DEFAULT_EXECUTOR_CORES),
                printed: Vec::new(),
            });
        }
        let b = ws.batch_index(lh, livy).map(|i| &ws.batches[i]).ok_or_else(no_livy)?;
        let v = batches::view(b, now);
        let req = b.request.as_ref().map(|r| &r.json);
        return Ok(SparkApp {
            livy_id: b.id,
            app_id: b.app_id.clone(),
            name: b.name.clone().unwrap_or_else(|| "batch".into()),
            submitted: b.submitted,
            // The application runs from `starting` on; a batch cancelled before that has none.
            started: v.started_at,
            ended: v.ended_at,
            failed: v.monitoring_state == "Failed",
            executors: int(req, "numExecutors", 2),
            executor_cores: int(req, "executorCores", DEFAULT_EXECUTOR_CORES),
            printed: b.ran.as_ref().map(|r| r.output.clone()).unwrap_or_default(),
        });
    }
    let kind = if item_type == "notebooks" { ItemKind::Notebook } else { ItemKind::SparkJobDefinition };
    let index = ws.items.iter().position(|it| Some(it.id) == item && it.kind == kind).ok_or_else(no_item)?;
    let r = ws.runs.iter().find(|r| r.item == index && Some(r.livy_id) == livy).ok_or_else(no_livy)?;
    Ok(SparkApp {
        livy_id: r.livy_id,
        app_id: r.app_id.clone(),
        name: ws.items[index].name.clone(),
        submitted: r.submitted,
        started: Some(r.started).filter(|s| *s <= now),
        ended: Some(r.end_at).filter(|e| *e <= now),
        failed: r.outcome == super::state::RunOutcome::Failed,
        executors: 2,
        executor_cores: DEFAULT_EXECUTOR_CORES,
        printed: Vec::new(),
    })
}

fn int(req: Option<&serde_json::Map<String, Value>>, key: &str, default: i64) -> i64 {
    req.and_then(|r| r.get(key)).and_then(Value::as_i64).filter(|n| *n > 0).unwrap_or(default).min(64)
}

fn not_found_app(app_id: &str, app: &SparkApp) -> ApiError {
    ApiError::not_found(
        "SparkApplicationNotFound",
        &format!(
            "Spark application {app_id} of Livy session {} was not found: it has not started yet, or it is not this session's.",
            app.livy_id
        ),
    )
}

fn invalid(message: &str) -> ApiError {
    ApiError::new(400, "InvalidInput", message)
}

fn no_file(what: &str) -> ApiError {
    ApiError::not_found("FileNotFound", &format!("The log file {what} was not found."))
}

struct Query<'a>(&'a [(String, String)]);

impl Query<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn number(&self, key: &str) -> Result<Option<i64>, ApiError> {
        self.get(key)
            .map(|v| v.trim().parse::<i64>().ok().filter(|n| *n >= 0))
            .map(|n| {
                n.ok_or_else(|| invalid(&format!("Query parameter '{key}' must be a non-negative integer.")))
            })
            .transpose()
    }

    fn meta(&self) -> bool {
        self.get("meta").is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    fn required(&self, key: &str) -> Result<&str, ApiError> {
        self.get(key)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| invalid(&format!("Query parameter '{key}' is required.")))
    }
}

/// `FileMetadata` of a file that was last written at `modified`.
fn file_meta(name: &str, length: usize, created: SimMillis, modified: SimMillis) -> Value {
    let gmt = |ms| millis_to_timestamp(ms).strftime("%Y-%m-%dT%H:%M:%S.000GMT").to_string();
    json!({ "fileName": name, "length": length, "lastModified": gmt(modified), "creationTime": gmt(created), "metaData": {} })
}

/// `offset` / `size` of a content read, applied to `text`.
fn content(text: &str, q: &Query) -> Result<Reply, ApiError> {
    let offset = q.number("offset")?.unwrap_or(0) as usize;
    let size = q.number("size")?.map_or(DEFAULT_SIZE, |s| s as usize);
    let bytes = text.as_bytes();
    let start = offset.min(bytes.len());
    let end = start.saturating_add(size).min(bytes.len());
    Ok(Reply::text(200, String::from_utf8_lossy(&bytes[start..end]).into_owned()))
}

/// The driver's files: `stdout`, `stderr` and the rolled parts of both.
fn driver_file(app: &SparkApp, name: &str, now: SimMillis) -> Option<Vec<String>> {
    let (prefix, part) = match name.split_once('-') {
        Some((p, n)) => (p, Some(n.parse::<usize>().ok().filter(|n| *n > 0)?)),
        None => (name, None),
    };
    let lines = match prefix {
        "stderr" => logs::driver_stderr(app, now),
        "stdout" => logs::driver_stdout(app, now),
        _ => return None,
    };
    match part {
        None => Some(lines),
        Some(n) => {
            let from = (n - 1) * PART_LINES;
            (from < lines.len() || (n == 1 && lines.is_empty()))
                .then(|| lines[from.min(lines.len())..].iter().take(PART_LINES).cloned().collect())
        }
    }
}

fn driver(app: &SparkApp, q: &Query, now: SimMillis) -> Result<Reply, ApiError> {
    let name = q.required("fileName")?;
    let lines = driver_file(app, name, now).ok_or_else(|| no_file(name))?;
    let text = logs::text(&lines);
    if q.meta() {
        let modified = now.min(app.ended.unwrap_or(now));
        let meta = json!({
            "containerId": app.container(0),
            "nodeId": app.node(0),
            "containerLogMeta": file_meta(name, text.len(), app.started.unwrap_or(now), modified),
        });
        return Ok(Reply::json(200, meta));
    }
    content(&text, q)
}

fn window(q: &Query) -> Result<(usize, usize), ApiError> {
    let offset = q.number("offset")?.unwrap_or(0) as usize;
    let max = q.number("maxResults")?.map_or(MAX_RESULTS, |m| (m as usize).clamp(1, MAX_RESULTS));
    Ok((offset, max))
}

fn rolling(app: &SparkApp, q: &Query, now: SimMillis) -> Result<Reply, ApiError> {
    let prefix = q.get("filenamePrefix");
    if prefix.is_some_and(|p| !matches!(p, "stdout" | "stderr")) {
        return Err(invalid("Query parameter 'filenamePrefix' must be stdout or stderr."));
    }
    let (offset, max) = window(q)?;
    let start = app.started.unwrap_or(now);
    let mut files = Vec::new();
    for p in ["stderr", "stdout"].into_iter().filter(|p| prefix.is_none_or(|x| x == *p)) {
        let all = logs::text(&driver_file(app, p, now).unwrap_or_default()).len();
        let lines = driver_file(app, p, now).unwrap_or_default().len();
        let parts = lines.div_ceil(PART_LINES).max(1);
        for n in 1..=parts {
            let name = format!("{p}-{n:05}");
            let len = logs::text(&driver_file(app, &name, now).unwrap_or_default()).len();
            let last = n == parts;
            files.push(file_meta(
                &name,
                if parts == 1 { all } else { len },
                start,
                if last { now } else { start },
            ));
        }
    }
    let page: Vec<Value> = files.into_iter().skip(offset).take(max).collect();
    Ok(Reply::json(
        200,
        json!({ "containerId": app.container(0), "nodeId": app.node(0), "containerLogMeta": page }),
    ))
}

fn executor_file(app: &SparkApp, n: i64, name: &str, now: SimMillis) -> Option<Vec<String>> {
    match name {
        "stderr" => Some(logs::executor_stderr(app, n, now)),
        "stdout" => Some(logs::executor_stdout(app, n, now)),
        _ => None,
    }
}

fn executor(app: &SparkApp, q: &Query, now: SimMillis) -> Result<Reply, ApiError> {
    let containers: Vec<(i64, String)> = (1..=app.executors).map(|n| (n, app.container(n))).collect();
    let started = app.started.unwrap_or(now);
    if q.meta() {
        let (offset, max) = window(q)?;
        let prefix = q.get("filenamePrefix");
        let wanted = q.get("containerId");
        let metas: Vec<Value> = containers
            .iter()
            .filter(|(_, c)| wanted.is_none_or(|w| w == c))
            // An executor's container exists once it came up (2 s × n after the start).
            .filter(|(n, _)| now >= started + 2_000 * n)
            .skip(offset)
            .take(max)
            .map(|(n, c)| {
                let files: Vec<Value> = ["stderr", "stdout"]
                    .into_iter()
                    .filter(|f| prefix.is_none_or(|p| f.starts_with(p)))
                    .map(|f| {
                        let len = logs::text(&executor_file(app, *n, f, now).unwrap_or_default()).len();
                        file_meta(f, len, started + 2_000 * n, now.min(app.ended.unwrap_or(now)))
                    })
                    .collect();
                json!({ "containerId": c, "nodeId": app.node(*n), "containerLogMeta": files })
            })
            .collect();
        return Ok(Reply::json(200, Value::Array(metas)));
    }
    let name = q.required("fileName")?;
    let container = q.required("containerId")?;
    let n =
        containers.iter().find(|(_, c)| c == container).map(|(n, _)| *n).ok_or_else(|| no_file(container))?;
    let lines = executor_file(app, n, name, now).ok_or_else(|| no_file(name))?;
    content(&logs::text(&lines), q)
}

fn livy(app: &SparkApp, q: &Query, now: SimMillis) -> Result<Reply, ApiError> {
    let text = logs::text(&logs::livy_log(app, now));
    if q.meta() {
        let modified = now.min(app.ended.unwrap_or(now));
        return Ok(Reply::json(200, file_meta("livy.log", text.len(), app.submitted, modified)));
    }
    content(&text, q)
}

fn usage(app: &SparkApp, q: &Query, now: SimMillis) -> Result<Value, ApiError> {
    let from = q.number("start")?;
    let to = q.number("end")?;
    let limit = q.number("executorLimit")?.map(|n| n as usize);
    let samples: Vec<logs::Sample> = logs::usage(app, now)
        .into_iter()
        .filter(|s| from.is_none_or(|f| s.at >= f) && to.is_none_or(|t| s.at <= t))
        .collect();
    let executors = |s: &logs::Sample| -> (Vec<Value>, bool) {
        let cut = limit.unwrap_or(usize::MAX);
        let list = s.executors.iter().take(cut).map(|(id, cores, tasks)| {
            json!({ "executorId": id.to_string(), "coreCount": cores, "taskCount": tasks })
        });
        (list.collect(), s.executors.len() > cut)
    };
    let mut data = json!({
        "timestamps": [], "isPartials": [], "allocatedCores": [], "idleCores": [], "runningCores": [],
        "executors": [], "jobs": [], "executorJobs": [],
    });
    let (mut allocated, mut running) = (0.0, 0.0);
    for s in &samples {
        let (list, partial) = executors(s);
        let push = |data: &mut Value, key: &str, v: Value| {
            if let Some(a) = data[key].as_array_mut() {
                a.push(v);
            }
        };
        push(&mut data, "timestamps", json!(s.at));
        push(&mut data, "isPartials", json!(partial));
        push(&mut data, "allocatedCores", json!(s.allocated));
        push(&mut data, "idleCores", json!(s.allocated - s.running));
        push(&mut data, "runningCores", json!(s.running));
        push(&mut data, "executors", Value::Array(list));
        let tasks: i64 = s.executors.iter().map(|e| e.2).sum();
        let job = s.at / 60_000;
        push(&mut data, "jobs", json!([{ "jobId": job, "taskCount": tasks }]));
        let per: Vec<Value> = s.executors.iter().map(|e| {
            json!({ "executorId": e.0.to_string(), "resourceUsageJob": [{ "jobId": job, "taskCount": e.2 }] })
        }).collect();
        push(&mut data, "executorJobs", Value::Array(per));
        allocated += s.allocated;
        running += s.running;
    }
    let duration = app.started.map_or(0, |s| app.ended.unwrap_or(now).min(now) - s).max(0);
    let idle = samples.iter().filter(|s| s.running == 0.0).count() as i64 * logs::USAGE_STEP_MS;
    Ok(json!({
        "resourceUsageApiVersion": 1,
        "duration": duration,
        "capacityExceeded": false,
        "idleTime": idle.min(duration),
        "coreEfficiency": if allocated > 0.0 { running / allocated } else { 0.0 },
        "data": data,
    }))
}

fn snapshot(app: &SparkApp, ts: i64, q: &Query, now: SimMillis) -> Result<Value, ApiError> {
    let limit = q.number("executorLimit")?.map_or(usize::MAX, |n| n as usize);
    let samples = logs::usage(app, now);
    let s =
        samples.iter().min_by_key(|s| (s.at - ts).abs()).ok_or_else(|| not_found_app(&app.app_id, app))?;
    let tasks: i64 = s.executors.iter().map(|e| e.2).sum();
    let job = s.at / 60_000;
    Ok(json!({
        "queryTime": ts,
        "data": {
            "timestamp": s.at,
            "isPartial": s.executors.len() > limit,
            "allocatedCores": s.allocated,
            "idleCores": s.allocated - s.running,
            "runningCores": s.running,
            "executors": s.executors.iter().take(limit).map(|e| json!({ "executorId": e.0.to_string(), "coreCount": e.1, "taskCount": e.2 })).collect::<Vec<_>>(),
            "jobs": [{ "jobId": job, "taskCount": tasks }],
            "executorJobs": s.executors.iter().map(|e| json!({ "executorId": e.0.to_string(), "resourceUsageJob": [{ "jobId": job, "taskCount": e.2 }] })).collect::<Vec<_>>(),
        }
    }))
}
