//! Effects on one item: an action (cancel, kill, start, terminate, resize…), and what is
//! related to it for its details view (a cluster's events, a session's statements, a run's tasks).

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::app::Msg;
use crate::domain::{Action, Kind, Problem, Target};
use crate::poll::Poller;
use crate::poll::supervise::spawn_reporting;
use crate::workspace::{Workspace, actions, jobs, problem, related};

/// Perform `action` on `target` (a job run with `parameters`, when there are any), then poll
/// its pane at once so the effect shows (a job's runs: the Runs pane too).
pub(super) fn run(
    ws: Option<Arc<Workspace>>,
    poller: &Arc<Poller>,
    action: Action,
    target: Target,
    parameters: Vec<(String, String)>,
    tx: &mpsc::Sender<Msg>,
) {
    let (tx, poller) = (tx.clone(), poller.clone());
    let (failed_tx, failed_target) = (tx.clone(), target.clone());
    let work = async move {
        let outcome = match ws {
            Some(ws) if !parameters.is_empty() => {
                jobs::start(&ws, &target, parameters).await.map_err(|e| problem::of(ws.service, &e))
            }
            Some(ws) => actions::perform(&ws, action, &target).await.map_err(|e| problem::of(ws.service, &e)),
            None => Err(Problem::text(format!("no workspace named {:?}", target.workspace))),
        };
        poller.refresh(&target.workspace, target.kind);
        if matches!(target.kind, Kind::Job | Kind::Run) {
            poller.refresh(&target.workspace, if target.kind == Kind::Job { Kind::Run } else { Kind::Job });
        }
        let _ = tx.send(Msg::ActionFinished { action, target, outcome }).await;
    };
    spawn_reporting(work, move |why| async move {
        let outcome = Err(Problem::text(format!(
            "{} failed inside sparkdeck ({why}); check its state before trying again",
            action.verb()
        )));
        let _ = failed_tx.send(Msg::ActionFinished { action, target: failed_target, outcome }).await;
    });
}

/// Read what is related to `target`; nothing is sent when its kind has no related list.
pub(super) fn load_related(ws: Option<Arc<Workspace>>, target: Target, tx: &mpsc::Sender<Msg>) {
    let tx = tx.clone();
    let (failed_tx, failed_target) = (tx.clone(), target.clone());
    let work = async move {
        let Some(ws) = ws else { return };
        // A run's one `runs/get` serves its task lines and its timeline.
        if target.kind == Kind::Run {
            let (related, timeline) = match related::run_tasks(&ws, &target.id).await {
                Ok((heading, lines, timeline)) => (Ok((heading, lines)), Some(timeline)),
                Err(e) => (Err(problem::of(ws.service, &e)), None),
            };
            if let Some(timeline) = timeline.filter(|t| t.tasks.len() > 1) {
                let _ = tx.send(Msg::Timeline { target: target.clone(), timeline }).await;
            }
            let _ = tx.send(Msg::Related { target, related }).await;
            return;
        }
        let related = match related::fetch(&ws, &target).await {
            Ok(Some(found)) => Ok(found),
            Ok(None) => return,
            Err(e) => Err(problem::of(ws.service, &e)),
        };
        let _ = tx.send(Msg::Related { target, related }).await;
    };
    spawn_reporting(work, move |why| async move {
        let related = Err(Problem::text(format!("reading this failed inside sparkdeck ({why})")));
        let _ = failed_tx.send(Msg::Related { target: failed_target, related }).await;
    });
}
