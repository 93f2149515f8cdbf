//! `--wait`: poll one item until an action has taken effect, showing its state on a terminal
//! (one rewritten line) or a line per state change when piped.

use std::time::{Duration, Instant};

use super::WaitArgs;
use super::context::{CmdResult, fail};
use crate::api::ErrorKind;
use crate::domain::{Kind, Resource};
use crate::workspace::rows;
use crate::workspace::{Error, Workspace};

/// Is the wait over? `Some(Ok)` done, `Some(Err(why))` it will not happen, `None` keep waiting.
pub type Goal = fn(&Resource) -> Option<Result<(), String>>;

/// A cluster that came up.
pub fn cluster_running(r: &Resource) -> Option<Result<(), String>> {
    match r.raw_state.split(' ').next().unwrap_or_default() {
        "RUNNING" => Some(Ok(())),
        "TERMINATED" | "ERROR" | "TERMINATING" => Some(Err(format!("the cluster is {}", r.raw_state))),
        _ => None,
    }
}

/// A cluster that stopped.
pub fn cluster_terminated(r: &Resource) -> Option<Result<(), String>> {
    match r.raw_state.split(' ').next().unwrap_or_default() {
        "TERMINATED" => Some(Ok(())),
        "ERROR" => Some(Err(format!("the cluster is {}", r.raw_state))),
        _ => None,
    }
}

/// Anything that has ended, however it ended.
pub fn ended(r: &Resource) -> Option<Result<(), String>> {
    r.status.is_terminal().then_some(Ok(()))
}

/// A run or batch that ended well.
pub fn succeeded(r: &Resource) -> Option<Result<(), String>> {
    r.status.is_terminal().then(|| match r.status {
        crate::domain::Status::Succeeded => Ok(()),
        other => Err(format!("the {} ended {other} ({})", r.kind.singular(), run_result(r))),
    })
}

/// A session that can take statements.
pub fn session_ready(r: &Resource) -> Option<Result<(), String>> {
    match r.status {
        crate::domain::Status::Ready | crate::domain::Status::Busy => Some(Ok(())),
        s if s.is_terminal() => Some(Err(format!("the session ended {s} ({})", r.raw_state))),
        _ => None,
    }
}

fn run_result(r: &Resource) -> String {
    match &r.detail {
        crate::domain::Detail::Run { result: Some(res), .. } => res.clone(),
        _ => r.raw_state.clone(),
    }
}

/// Poll until `goal` says so, the item disappears (`gone_is_done`), or the timeout passes.
pub async fn wait(
    ws: &Workspace,
    kind: Kind,
    id: &str,
    goal: Goal,
    gone_is_done: bool,
    args: WaitArgs,
    interval: Duration,
) -> CmdResult {
    let started = Instant::now();
    let line = super::wait_line::WaitLine::new(format!("{} {id}", kind.singular()));
    let mut last_state = String::new();
    let progress = |state: &str, last: &mut String| {
        line.report(state);
        *last = state.to_string();
    };
    let end_line = || line.finish();
    loop {
        match rows::get(ws, kind, id).await {
            Ok(Some(row)) => {
                progress(&row.raw_state, &mut last_state);
                if let Some(outcome) = goal(&row) {
                    end_line();
                    return outcome.map_err(|why| fail(1, format!("{} {id}: {why}", kind.singular())));
                }
            }
            Ok(None) if gone_is_done => {
                progress("gone", &mut last_state);
                end_line();
                return Ok(());
            }
            Ok(None) => {
                end_line();
                return Err(fail(1, format!("{} {id} disappeared while waiting", kind.singular())));
            }
            // The gate already waited out throttling; a passing network fault is worth riding out.
            Err(Error::Api(e))
                if matches!(e.kind, ErrorKind::Throttled | ErrorKind::Network | ErrorKind::Timeout) =>
            {
                progress(&format!("{last_state} (retrying: {e})"), &mut last_state);
            }
            Err(e) => {
                end_line();
                return Err(fail(1, format!("{}: {e}", ws.name)));
            }
        }
        if started.elapsed() >= Duration::from_secs(args.timeout) {
            end_line();
            return Err(fail(
                1,
                format!(
                    "gave up waiting after {} s; {} {id} is still {last_state}",
                    args.timeout,
                    kind.singular()
                ),
            ));
        }
        tokio::time::sleep(interval).await;
    }
}
