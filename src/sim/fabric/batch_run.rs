//! What a submitted batch does, decided when it is submitted: its files are looked up in
//! OneLake (a missing one fails the job as Spark fails it: the driver cannot fetch it), a Python
//! main file that is in OneLake runs on the simulator's engine (its prints are the log, an
//! exception the failure), a JAR needs its class, and the log's first lines say what was asked
//! for: file, class, arguments, environment, target lakehouse, sizes, Spark settings.
//!
//! Files the simulator cannot check (an ADLS account, https) keep the old rule of `batches.rs`: a
//! name containing `fail` fails, `--duration=<s>` sets the running time.

use uuid::Uuid;

use super::items::{ENVIRONMENT_CONF, requested_environment};
use super::onelake::{Lake, Resolved};
use super::requests::LivyRequest;
use super::state::{BatchFailure, BatchOutcome, BatchRun, Workspace};
use super::{ApiError, batches};
use crate::sim::engine::{Engine, Lang, Outcome, Repl};

/// Running time of a script that ran on the engine, besides what the engine says it took.
const SCRIPT_BASE_MS: i64 = 20_000;
/// A job whose file is missing fails this soon after Spark starts.
pub const MISSING_FILE_MS: i64 = 2_000;

/// The batch's run, outcome and running time.
pub struct Planned {
    pub run: BatchRun,
    pub outcome: BatchOutcome,
    pub run_ms: i64,
}

pub fn plan(
    req: &LivyRequest,
    file: &str,
    ws: &Workspace,
    lakehouse: Uuid,
    lake: &Lake,
    engine: &Engine,
) -> Result<Planned, ApiError> {
    let environment = requested_environment(ws, req.conf.as_ref())?;
    let args = req.args.clone().unwrap_or_default();
    let (fallback_outcome, default_ms) = batches::plan(file, &args);
    let duration_arg = args.iter().any(|a| a.starts_with("--duration="));
    let jar = file.to_ascii_lowercase().ends_with(".jar");

    let mut run = BatchRun {
        preamble: preamble(req, file, environment.map(|e| (e.id, e.name.as_str()))),
        ..BatchRun::default()
    };

    // Every file the job names must be fetchable.
    let named = std::iter::once(file.to_string()).chain(
        [&req.py_files, &req.jars, &req.files, &req.archives].into_iter().flatten().flatten().cloned(),
    );
    for path in named {
        let url = match lake.resolve(ws.id, lakehouse, &path) {
            Resolved::File(key) if lake.read(&key).is_some() => continue,
            Resolved::File(key) => Lake::url(&key),
            Resolved::NoContainer(url) => url,
            Resolved::Elsewhere => continue,
        };
        let message = format!(
            "java.io.FileNotFoundException: Operation failed: \"The specified path does not exist.\", 404, HEAD, {url}"
        );
        run.failure = Some(BatchFailure {
            // [I] Fabric's code for this failure is not documented; named in its style.
            code: "Spark_User_FileNotFound",
            lines: vec![
                format!("Exception in thread \"main\" {message}"),
                "\tat org.apache.hadoop.fs.azurebfs.AzureBlobFileSystem.getFileStatus(AzureBlobFileSystem.java:1011)".into(),
                "\tat org.apache.spark.deploy.SparkSubmit.downloadFile(SparkSubmit.scala:1417)".into(),
            ],
            message,
        });
        return Ok(Planned { run, outcome: BatchOutcome::Fail, run_ms: MISSING_FILE_MS });
    }

    if jar && req.class_name.as_deref().is_none_or(|c| c.trim().is_empty()) {
        let message = "Error: No main class set in JAR; please specify one with --class.".to_string();
        run.failure = Some(BatchFailure {
            code: "Spark_User_SparkSubmit_NoMainClass",
            lines: vec![message.clone()],
            message,
        });
        return Ok(Planned { run, outcome: BatchOutcome::Fail, run_ms: MISSING_FILE_MS });
    }

    // A Python or R script in OneLake runs for real.
    let lang = match file.rsplit('.').next().map(str::to_ascii_lowercase).as_deref() {
        Some("py") => Some(Lang::Python),
        Some("r") => Some(Lang::R),
        _ => None,
    };
    let script = match (lang, lake.resolve(ws.id, lakehouse, file)) {
        (Some(lang), Resolved::File(key)) => {
            lake.read(&key).map(|b| (lang, String::from_utf8_lossy(b).into_owned()))
        }
        _ => None,
    };
    let Some((lang, code)) = script else {
        return Ok(Planned { run, outcome: fallback_outcome, run_ms: default_ms });
    };
    let execution = engine.execute(lang, &code, &mut Repl::default());
    let ran_ms = SCRIPT_BASE_MS + i64::try_from(execution.duration.as_millis()).unwrap_or(i64::MAX / 4);
    let run_ms = if duration_arg { default_ms } else { ran_ms };
    let outcome = match execution.outcome {
        Outcome::Text(text) => {
            run.output = text.lines().map(str::to_string).collect();
            BatchOutcome::Succeed
        }
        Outcome::Table { columns, rows, .. } => {
            run.output = vec![format!(
                "({} rows of {})",
                rows.len(),
                columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
            )];
            BatchOutcome::Succeed
        }
        Outcome::Error { ename, evalue, traceback } => {
            let mut lines = vec!["Traceback (most recent call last):".to_string()];
            lines.extend(traceback.into_iter().filter(|l| !l.starts_with("Traceback")));
            lines.push(format!("{ename}: {evalue}"));
            lines.dedup();
            run.failure = Some(BatchFailure {
                code: "Spark_Ambiguous_NonJvmUserApp_ExitWithStatus1",
                message: format!("{ename}: {evalue}"),
                lines,
            });
            BatchOutcome::Fail
        }
    };
    Ok(Planned { run, outcome, run_ms })
}

/// What the driver logs first about the request.
fn preamble(req: &LivyRequest, file: &str, environment: Option<(Uuid, &str)>) -> Vec<String> {
    let mut lines = match &req.class_name {
        Some(class) if !class.is_empty() => vec![format!("INFO SparkSubmit: Main class {class} from {file}")],
        _ => vec![format!("INFO SparkSubmit: Main file {file}")],
    };
    if let Some(args) = req.args.as_ref().filter(|a| !a.is_empty()) {
        lines.push(format!("INFO SparkSubmit: Arguments: {}", args.join(" ")));
    }
    for (what, list) in
        [("py files", &req.py_files), ("jars", &req.jars), ("files", &req.files), ("archives", &req.archives)]
    {
        if let Some(list) = list.as_ref().filter(|l| !l.is_empty()) {
            lines.push(format!("INFO SparkSubmit: Added {what}: {}", list.join(", ")));
        }
    }
    lines.push(match environment {
        Some((id, name)) => format!("INFO FabricEnvironment: Using environment {name} ({id})"),
        None => "INFO FabricEnvironment: Using the workspace default environment (starter pool)".into(),
    });
    let sizes: Vec<String> = [
        req.driver_memory.as_ref().map(|m| format!("driver memory {m}")),
        req.driver_cores.map(|c| format!("driver cores {c}")),
        req.executor_memory.as_ref().map(|m| format!("executor memory {m}")),
        req.executor_cores.map(|c| format!("executor cores {c}")),
        req.num_executors.map(|n| format!("{n} executors")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !sizes.is_empty() {
        lines.push(format!("INFO ResourceProfile: Requested {}", sizes.join(", ")));
    }
    for (k, v) in req.conf.iter().flatten().filter(|(k, _)| k.as_str() != ENVIRONMENT_CONF) {
        lines.push(format!("INFO SparkConf: {k} = {v}"));
    }
    lines
}
