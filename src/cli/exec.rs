//! `sessions exec` and `clusters exec`: run code once, the way the editor does, and print what
//! it produced — text on stdout, a result table aligned, an error with its traceback on stderr
//! (exit 1). What sparkdeck acquired for the run is given back afterwards, also when the
//! statement fails or the user presses Ctrl-C (which cancels the statement first).

use std::io::{IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;

use serde_json::{Value, json};

use super::context::{CmdResult, Context, fail};
use super::output::{self, Format};
use super::{ClusterExecArgs, CodeArgs, LanguageArg, SessionExecArgs};
use crate::domain::statement::{Language, Output, Phase, Repl};
use crate::workspace::{Service, Workspace, statements};

pub async fn in_session(ctx: &Context, args: SessionExecArgs) -> CmdResult {
    let place = match &args.session {
        Some(id) => Place::Session(id),
        None => Place::Acquire(args.lakehouse.as_deref()),
    };
    exec(ctx, &args.code, args.workspace.as_deref(), Service::Fabric, place).await
}

pub async fn on_cluster(ctx: &Context, args: ClusterExecArgs) -> CmdResult {
    let place = Place::Acquire(Some(&args.cluster_id));
    exec(ctx, &args.code, args.workspace.as_deref(), Service::Databricks, place).await
}

/// What both commands do: refuse in read-only mode, read the code, pick the workspace, run.
async fn exec(
    ctx: &Context,
    args: &CodeArgs,
    workspace: Option<&str>,
    service: Service,
    place: Place<'_>,
) -> CmdResult {
    ctx.allow_changes()?;
    let (code, language) = read_code(args).map_err(|e| fail(2, e))?;
    let ws = ctx.one(workspace, service)?;
    run(ws, place, language, &code, args.output).await
}

/// Where the code runs: an existing session, or something acquired in a lakehouse or on a cluster.
enum Place<'a> {
    Session(&'a str),
    Acquire(Option<&'a str>),
}

/// The code and its language: the argument, the file, or standard input.
fn read_code(args: &CodeArgs) -> Result<(String, Language), String> {
    let from_extension = args.file.as_deref().and_then(language_of);
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

fn language_of(path: &Path) -> Option<Language> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "py" => Some(Language::PySpark),
        "scala" | "sc" => Some(Language::Scala),
        "sql" => Some(Language::Sql),
        "r" => Some(Language::R),
        _ => None,
    }
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

async fn run(ws: &Workspace, place: Place<'_>, language: Language, code: &str, format: Format) -> CmdResult {
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
            Place::Acquire(at) => {
                // A long wait (a high-concurrency session may take minutes): one updating line
                // with the time waited on a terminal, a line every 10 s without one.
                let line = super::wait_line::WaitLine::new("sparkdeck: starting");
                let acquired =
                    statements::acquire(ws, at, language, |s: &str| line.report(s), |r| keep(&held, r)).await;
                line.finish();
                // A failed acquisition has already given back what it made.
                acquired.inspect_err(|_| *held.lock().unwrap_or_else(|e| e.into_inner()) = None)?
            }
        };
        keep(&held, &repl);
        let id = statements::submit(ws, &repl, language, code).await?;
        *submitted.lock().unwrap_or_else(|e| e.into_inner()) = Some(id.clone());
        statements::follow(ws, &repl, &id, |_| {}).await
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

fn print(ws: &Workspace, phase: Phase, output: Option<Output>, format: Format) -> CmdResult {
    let failed = phase == Phase::Cancelled || output.as_ref().is_some_and(Output::is_error);
    match format {
        Format::Json => {
            let status = match (phase, &output) {
                (Phase::Cancelled, _) => "cancelled",
                (_, Some(o)) if o.is_error() => "error",
                _ => "ok",
            };
            let doc = json!({"workspace": ws.name, "status": status, "output": output_json(output.as_ref())});
            println!("{}", output::json_text(&doc));
        }
        Format::Table => match &output {
            _ if phase == Phase::Cancelled => eprintln!("sparkdeck: the statement was cancelled"),
            Some(Output::Text(text)) => println!("{}", output::safe(text)),
            Some(Output::Table(t)) => {
                let headers: Vec<&str> = t.columns.iter().map(String::as_str).collect();
                print!("{}", output::plain(&headers, t.rows.clone(), "(no rows)"));
                if t.dropped_rows > 0 {
                    eprintln!("sparkdeck: {} more rows were not kept", t.dropped_rows);
                }
            }
            Some(Output::Error { name, value, traceback }) => {
                eprintln!("{}: {}", output::safe(name), output::safe(value));
                for line in traceback {
                    eprintln!("{}", output::safe(line));
                }
            }
            Some(Output::Empty) | None => {}
        },
    }
    if failed { Err(ExitCode::from(1)) } else { Ok(()) }
}

fn output_json(output: Option<&Output>) -> Value {
    match output {
        None | Some(Output::Empty) => Value::Null,
        Some(Output::Text(t)) => json!({"type": "text", "text": t}),
        Some(Output::Table(t)) => {
            json!({"type": "table", "columns": t.columns, "rows": t.rows, "dropped_rows": t.dropped_rows})
        }
        Some(Output::Error { name, value, traceback }) => {
            json!({"type": "error", "name": name, "message": value, "traceback": traceback})
        }
    }
}
