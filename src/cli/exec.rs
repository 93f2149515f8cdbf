//! `sessions exec` and `clusters exec`: run code once, the way the editor does, and print what
//! it produced — text on stdout, a result table aligned, an error with its traceback on stderr
//! (exit 1). What sparkdeck acquired for the run is given back afterwards, also when the
//! statement fails or the user presses Ctrl-C (which cancels the statement first).

use std::io::{IsTerminal, Read};
use std::process::ExitCode;
use std::sync::Mutex;

use serde_json::{Value, json};

use super::context::{CmdResult, Context, fail};
use super::list::find_to_change;
use super::output;
use super::{ClusterExecArgs, CodeArgs, LanguageArg, SessionExecArgs};
use crate::domain::Kind;
use crate::domain::statement::{Language, Output, Phase, Repl};
use crate::workspace::{Service, Workspace, statements};

/// `-o table|json|csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ExecFormat {
    #[default]
    Table,
    Json,
    Csv,
}

pub async fn in_session(ctx: &Context, args: SessionExecArgs) -> CmdResult {
    let (code, language) = prepare(&args.code)?;
    // An existing session is found by its id in whichever Fabric workspace holds it, as `get` does.
    // Any statement can write: a read-only workspace runs none.
    let (ws, place) = match &args.session {
        Some(id) => {
            (find_to_change(ctx, Kind::Session, id, args.workspace.as_deref()).await?.0, Place::Session(id))
        }
        None => {
            let ws = fabric_workspace(ctx, &args)?;
            ctx.allow_changes(ws)?;
            (ws, Place::Acquire(args.lakehouse.as_deref(), args.tag.as_deref()))
        }
    };
    run(ws, place, language, &code, args.code.output).await
}

pub async fn on_cluster(ctx: &Context, args: ClusterExecArgs) -> CmdResult {
    let (code, language) = prepare(&args.code)?;
    let (ws, _) = find_to_change(ctx, Kind::Cluster, &args.cluster_id, args.workspace.as_deref()).await?;
    run(ws, Place::Acquire(Some(&args.cluster_id), None), language, &code, args.code.output).await
}

/// The Fabric workspace named, else the one whose lakehouses include `--lakehouse`, else the only one.
fn fabric_workspace<'a>(ctx: &'a Context, args: &SessionExecArgs) -> CmdResult<&'a Workspace> {
    if args.workspace.is_none()
        && let Some(label) = &args.lakehouse
    {
        let holding: Vec<&Workspace> = ctx.select(None, Some(Service::Fabric))?;
        let holding: Vec<&Workspace> =
            holding.into_iter().filter(|w| statements::has_lakehouse(w, label)).collect();
        if let [one] = holding.as_slice() {
            return Ok(one);
        }
    }
    ctx.one(args.workspace.as_deref(), Service::Fabric)
}

/// What both commands do first: read the code.
fn prepare(args: &CodeArgs) -> CmdResult<(String, Language)> {
    read_code(args).map_err(|e| fail(2, e))
}

/// Where the code runs: an existing session, or something acquired in a lakehouse (in the
/// session of a tag) or on a cluster.
enum Place<'a> {
    Session(&'a str),
    Acquire(Option<&'a str>, Option<&'a str>),
}

/// The code and its language: the argument, the file, or standard input.
fn read_code(args: &CodeArgs) -> Result<(String, Language), String> {
    let from_extension = args.file.as_deref().and_then(Language::of_path);
    let language = args.language.map(Language::from).or(from_extension).unwrap_or_default();
    let code = match (&args.code, &args.file) {
        (Some(code), _) if code != "-" => code.clone(),
        (_, Some(path)) => {
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
        }
        _ => {
            if std::io::stdin().is_terminal() {
                eprintln!("sparkdeck: reading the code from standard input (end with Ctrl-D)");
            }
            let mut code = String::new();
            std::io::stdin()
                .read_to_string(&mut code)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            code
        }
    };
    if code.trim().is_empty() {
        return Err("nothing to run: the code is empty".into());
    }
    Ok((code, language))
}

impl From<LanguageArg> for Language {
    fn from(l: LanguageArg) -> Language {
        match l {
            LanguageArg::Pyspark => Language::PySpark,
            LanguageArg::Scala => Language::Scala,
            LanguageArg::Sql => Language::Sql,
            LanguageArg::R => Language::R,
        }
    }
}

async fn run(
    ws: &Workspace,
    place: Place<'_>,
    language: Language,
    code: &str,
    format: ExecFormat,
) -> CmdResult {
    // What was acquired (as soon as the service made it) and the statement's id once taken,
    // so an interruption at any point cancels and gives back exactly what exists.
    let held = Mutex::new(None::<Repl>);
    let submitted = Mutex::new(None::<String>);
    let keep = |slot: &Mutex<Option<Repl>>, r: &Repl| {
        *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(r.clone())
    };
    let work = async {
        let repl = match place {
            Place::Session(id) => statements::attach(ws, id).await?,
            Place::Acquire(at, tag) => {
                // A long wait (a high-concurrency session may take minutes): one updating line
                // with the time waited on a terminal, a line every 10 s without one.
                let line = super::wait_line::WaitLine::new("sparkdeck: starting");
                let acquired = statements::acquire(
                    ws,
                    at,
                    tag,
                    None,
                    language,
                    |s: &str| line.report(s),
                    |r| keep(&held, r),
                )
                .await;
                line.finish();
                // A failed acquisition has already given back what it made.
                acquired.inspect_err(|_| *held.lock().unwrap_or_else(|e| e.into_inner()) = None)?
            }
        };
        keep(&held, &repl);
        let id = statements::submit(ws, &repl, language, code).await?;
        *submitted.lock().unwrap_or_else(|e| e.into_inner()) = Some(id.clone());
        statements::follow(ws, &repl, &id, |_, _| {}).await
    };
    let outcome = tokio::select! {
        outcome = work => outcome.map_err(|e| e.to_string()),
        _ = tokio::signal::ctrl_c() => {
            eprintln!("sparkdeck: interrupted");
            let repl = held.lock().unwrap_or_else(|e| e.into_inner()).clone();
            let id = submitted.lock().unwrap_or_else(|e| e.into_inner()).clone();
            if let (Some(repl), Some(id)) = (&repl, id) {
                eprintln!("sparkdeck: cancelling statement {id}");
                if let Err(e) = statements::cancel(ws, repl, &id).await {
                    eprintln!("sparkdeck: could not cancel statement {id}: {}", output::safe(&e.to_string()));
                }
            }
            Err("interrupted".to_string())
        }
    };
    let repl = held.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(repl) = repl.filter(Repl::is_owned)
        && let Err(e) = statements::release(ws, &repl).await
    {
        let e = output::safe(&e.to_string()).into_owned();
        eprintln!("sparkdeck: could not give back {} (it ends by itself when idle): {e}", repl.describe());
    }
    match outcome {
        Ok((phase, output)) => print(ws, phase, output, format),
        Err(e) => Err(fail(1, e)),
    }
}

fn print(ws: &Workspace, phase: Phase, output: Option<Output>, format: ExecFormat) -> CmdResult {
    let failed = phase == Phase::Cancelled || output.as_ref().is_some_and(Output::is_error);
    match (format, &output) {
        (ExecFormat::Json, _) => {
            let status = match (phase, &output) {
                (Phase::Cancelled, _) => "cancelled",
                (_, Some(o)) if o.is_error() => "error",
                _ => "ok",
            };
            let doc = json!({"workspace": ws.name, "status": status, "output": output_json(output.as_ref())});
            println!("{}", output::json_text(&doc));
        }
        _ if phase == Phase::Cancelled => eprintln!("sparkdeck: the statement was cancelled"),
        (ExecFormat::Csv, Some(Output::Table(t))) => {
            print!("{}", crate::export::csv(t).map_err(|e| fail(1, e))?);
            dropped(t.dropped_rows);
        }
        (_, Some(Output::Text(text))) => println!("{}", output::safe(text)),
        (_, Some(Output::Table(t))) => {
            print!("{}", output::plain(&t.names(), t.text_rows(), "(no rows)"));
            dropped(t.dropped_rows);
        }
        (_, Some(Output::Error { name, value, traceback })) => {
            eprintln!("{}: {}", output::safe(name), output::safe(value));
            for line in traceback {
                eprintln!("{}", output::safe(line));
            }
        }
        (_, Some(Output::Empty) | None) => {}
    }
    if failed { Err(ExitCode::from(1)) } else { Ok(()) }
}

fn dropped(rows: usize) {
    if rows > 0 {
        eprintln!("sparkdeck: {rows} more rows were not kept");
    }
}

fn output_json(output: Option<&Output>) -> Value {
    match output {
        None | Some(Output::Empty) => Value::Null,
        Some(Output::Text(t)) => json!({"type": "text", "text": t}),
        Some(Output::Table(t)) => crate::export::json_value(t),
        Some(Output::Error { name, value, traceback }) => {
            json!({"type": "error", "name": name, "message": value, "traceback": traceback})
        }
    }
}
