//! `sparkdeck batches submit|resubmit` and `sparkdeck sessions create`: the flags and `--json`
//! made into a description, handed to `workspace::create::livy`, and the new item followed
//! with `--wait` (and its Livy log with `--logs`).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::context::{CmdResult, Context, fail};
use super::created::{self, invalid};
use super::output;
use super::spec_input;
use super::wait;
use super::{BatchResubmitArgs, BatchSpecArgs, BatchSubmitArgs, SessionCreateArgs, SparkSizeArgs, WaitArgs};
use crate::api::ErrorKind;
use crate::domain::create::{CreatedKind, NewBatch, NewSession, SparkSizes};
use crate::domain::{Kind, Target};
use crate::workspace::create::key_values;
use crate::workspace::create::livy::{self, PreparedBatch};
use crate::workspace::create::upload::UploadProgress;
use crate::workspace::{Error, Service, Workspace, actions, convert};

/// Lines of the log kept to find where the next fetch continues (Livy sends its last 10).
const LOG_TAIL: usize = 50;

fn sizes(base: &mut SparkSizes, flags: &SparkSizeArgs) {
    let s = flags.clone();
    base.driver_memory = s.driver_memory.or(base.driver_memory.take());
    base.driver_cores = s.driver_cores.or(base.driver_cores);
    base.executor_memory = s.executor_memory.or(base.executor_memory.take());
    base.executor_cores = s.executor_cores.or(base.executor_cores);
    base.num_executors = s.num_executors.or(base.num_executors);
}

/// Lay the flags over a batch: each given flag replaces its field; `--conf` adds settings.
fn apply_batch_flags(b: &mut NewBatch, f: &BatchSpecArgs) -> Result<(), String> {
    let or = |flag: &Option<String>, field: &mut Option<String>| {
        if flag.is_some() {
            field.clone_from(flag);
        }
    };
    or(&f.lakehouse, &mut b.lakehouse);
    or(&f.name, &mut b.name);
    or(&f.class_name, &mut b.class_name);
    or(&f.environment, &mut b.environment);
    or(&f.target_lakehouse, &mut b.target_lakehouse);
    for (flag, field) in [
        (&f.args, &mut b.args),
        (&f.py_files, &mut b.py_files),
        (&f.jars, &mut b.jars),
        (&f.files, &mut b.files),
        (&f.archives, &mut b.archives),
    ] {
        if !flag.is_empty() {
            field.clone_from(flag);
        }
    }
    b.conf.extend(key_values("--conf", &f.conf)?);
    sizes(&mut b.sizes, &f.sizes);
    Ok(())
}

fn spec(json: Option<&str>) -> CmdResult<Value> {
    match json {
        Some(arg) => spec_input::read(arg).map_err(invalid),
        None => Ok(json!({})),
    }
}

pub async fn submit(ctx: &Context, args: &BatchSubmitArgs) -> CmdResult {
    let base = spec(args.create.json.as_deref())?;
    let mut batch = livy::batch_from_request(&base).map_err(|why| invalid(format!("--json: {why}")))?;
    apply_batch_flags(&mut batch, &args.spec).map_err(invalid)?;
    if let Some(file) = &args.file {
        batch.file.clone_from(file);
    }
    let ws = ctx.one(args.spec.workspace.as_deref(), Service::Fabric)?;
    if !args.create.dry_run {
        ctx.allow_changes(ws)?;
    }
    run_batch(ctx, ws, batch, &args.spec, &args.create, "submitted").await
}

pub async fn resubmit(ctx: &Context, args: &BatchResubmitArgs) -> CmdResult {
    let (ws, _) = if args.create.dry_run {
        super::list::find(ctx, Kind::Batch, &args.id, args.spec.workspace.as_deref()).await?
    } else {
        super::list::find_to_change(ctx, Kind::Batch, &args.id, args.spec.workspace.as_deref()).await?
    };
    let (lakehouse, mut request) =
        livy::batch_request(ws, &args.id).await.map_err(|e| created::failure(ws, CreatedKind::Batch, e))?;
    if let Some(arg) = &args.create.json {
        spec_input::overlay(&mut request, spec(Some(arg))?);
    }
    let mut batch = livy::batch_from_request(&request)
        .map_err(|why| invalid(format!("batch {}'s request: {why}", args.id)))?;
    batch.lakehouse = Some(lakehouse);
    apply_batch_flags(&mut batch, &args.spec).map_err(invalid)?;
    if let Some(file) = &args.file {
        batch.file.clone_from(file);
    }
    run_batch(ctx, ws, batch, &args.spec, &args.create, &format!("submitted (again, as {})", args.id)).await
}

async fn run_batch(
    ctx: &Context,
    ws: &Workspace,
    batch: NewBatch,
    spec: &BatchSpecArgs,
    create: &super::CreateArgs,
    verb: &str,
) -> CmdResult {
    let failed = |e| created::failure(ws, CreatedKind::Batch, e);
    let prepared = livy::prepare_batch(ws, &batch).await.map_err(failed)?;
    warn(&prepared.warnings);
    if create.dry_run {
        created::dry_run(ws, "the batch request", dry_run_doc(&prepared));
        return Ok(());
    }
    let progress = upload_printer();
    let new = livy::submit_batch(ws, &prepared, &progress).await.map_err(failed)?;
    created::report(ws, &new, verb, Some(&prepared.body), create.output);
    if !(create.wait.wait || spec.logs) {
        return Ok(());
    }
    let target = Target {
        workspace: ws.name.clone(),
        kind: Kind::Batch,
        id: new.id.clone(),
        name: new.name.clone().unwrap_or_default(),
        lakehouse: Some(prepared.lakehouse.clone()),
    };
    if spec.logs {
        follow_logs(ws, &target, create.wait, ctx.settings.poll.active()).await
    } else {
        wait::wait(ws, Kind::Batch, &new.id, wait::succeeded, false, create.wait, ctx.settings.poll.active())
            .await
    }
}

fn dry_run_doc(p: &PreparedBatch) -> Value {
    let uploads: Vec<Value> = p
        .uploads
        .iter()
        .map(|u| json!({"local": u.local.display().to_string(), "bytes": u.size, "to": format!("Files/{}", u.dest.path)}))
        .collect();
    json!({"lakehouse": p.lakehouse, "uploads": uploads, "request": p.body})
}

fn warn(warnings: &[String]) {
    for w in warnings {
        eprintln!("sparkdeck: warning: {}", output::safe(w));
    }
}

/// Upload progress on stderr: a rewritten line on a terminal, a line per file when piped.
fn upload_printer() -> impl Fn(UploadProgress) + Send + Sync {
    let tty = std::io::stderr().is_terminal();
    move |p| match p {
        UploadProgress::Sending { file, done, total } if tty => {
            eprint!("\r\x1b[2Kuploading {}: {} of {}", file.display(), mib(done), mib(total));
            let _ = std::io::stderr().flush();
        }
        UploadProgress::Sending { .. } => {}
        UploadProgress::AlreadyThere { file } => {
            eprintln!("{}: already in OneLake, not uploaded again", file.display())
        }
        UploadProgress::Done { file } => {
            if tty {
                eprint!("\r\x1b[2K");
            }
            eprintln!("uploaded {}", file.display());
        }
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// `--logs`: print the batch's Livy log as it grows (stdout), its state changes (stderr), until
/// it ends; exit 1 unless it succeeded.
async fn follow_logs(ws: &Workspace, target: &Target, args: WaitArgs, interval: Duration) -> CmdResult {
    let started = Instant::now();
    let mut shown: Vec<String> = Vec::new();
    let mut last_state = String::new();
    loop {
        match actions::livy_item(ws, target).await {
            Ok(job) => {
                let lines = job.value.log.clone();
                let skip = crate::app::logs::overlap(&shown, &lines);
                for line in lines.iter().skip(skip) {
                    println!("{}", output::safe(line));
                }
                shown.extend(lines.into_iter().skip(skip));
                let drop = shown.len().saturating_sub(LOG_TAIL);
                shown.drain(..drop);
                let row = convert::livy_row(Kind::Batch, &ws.name, target.lakehouse.as_deref(), job);
                if row.raw_state != last_state {
                    eprintln!("batch {}: {}", output::safe(&target.id), output::safe(&row.raw_state));
                    last_state.clone_from(&row.raw_state);
                }
                if let Some(outcome) = wait::succeeded(&row) {
                    return outcome.map_err(|why| fail(1, format!("batch {}: {why}", target.id)));
                }
            }
            Err(Error::Api(e))
                if matches!(e.kind, ErrorKind::Throttled | ErrorKind::Network | ErrorKind::Timeout) =>
            {
                eprintln!("{}", output::safe(&format!("batch {}: {last_state} (retrying: {e})", target.id)));
            }
            Err(e) => return Err(fail(1, format!("{}: {e}", ws.name))),
        }
        if started.elapsed() >= Duration::from_secs(args.timeout) {
            return Err(fail(
                1,
                format!(
                    "gave up waiting after {} s; batch {} is still {last_state}",
                    args.timeout, target.id
                ),
            ));
        }
        tokio::time::sleep(interval).await;
    }
}

pub async fn create_session(ctx: &Context, args: &SessionCreateArgs) -> CmdResult {
    let base = spec(args.create.json.as_deref())?;
    let mut session: NewSession =
        livy::session_from_request(&base).map_err(|why| invalid(format!("--json: {why}")))?;
    if args.lakehouse.is_some() {
        session.lakehouse.clone_from(&args.lakehouse);
    }
    if args.name.is_some() {
        session.name.clone_from(&args.name);
    }
    if args.environment.is_some() {
        session.environment.clone_from(&args.environment);
    }
    session.conf.extend(key_values("--conf", &args.conf).map_err(invalid)?);
    session.tags.extend(key_values("--tag", &args.tags).map_err(invalid)?);
    sizes(&mut session.sizes, &args.sizes);
    let ws = ctx.one(args.workspace.as_deref(), Service::Fabric)?;
    if !args.create.dry_run {
        ctx.allow_changes(ws)?;
    }
    let failed = |e| created::failure(ws, CreatedKind::Session, e);
    let prepared = livy::prepare_session(ws, &session).await.map_err(failed)?;
    warn(&prepared.warnings);
    if args.create.dry_run {
        created::dry_run(
            ws,
            "the session request",
            json!({"lakehouse": prepared.lakehouse, "request": prepared.body}),
        );
        return Ok(());
    }
    let new = livy::create_session(ws, &prepared).await.map_err(failed)?;
    created::report(ws, &new, "is starting", Some(&prepared.body), args.create.output);
    if !args.create.wait.wait {
        return Ok(());
    }
    wait::wait(
        ws,
        Kind::Session,
        &new.id,
        wait::session_ready,
        false,
        args.create.wait,
        ctx.settings.poll.active(),
    )
    .await
}
