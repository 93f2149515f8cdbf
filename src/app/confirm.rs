//! Actions on the selected row: the refusals (read-only mode, a monitoring-list row, the row's
//! state), the confirmation naming the target and its `y` / `n`, the unconfirmed keep-alive, the
//! size asked for before a resize, and the message saying how the action went.

use crate::domain::{Action, Detail, Kind, Problem, Resource, Target};

use super::keymap::ActionKey;
use super::message::Level;
use super::msg::Effect;
use super::{App, PromptMode};

/// A pending action waiting for `y`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub action: Action,
    pub target: Target,
    /// What changes, when the action has a size: "from 4 to 8 workers".
    pub change: Option<String>,
    /// Worth a second look before `y` (a large jump in size).
    pub warning: Option<String>,
    /// A job run's parameters, typed after `p` (empty: the job's defaults).
    pub parameters: Vec<(String, String)>,
}

impl Confirm {
    pub(super) fn new(action: Action, target: Target) -> Confirm {
        Confirm { action, target, change: None, warning: None, parameters: Vec::new() }
    }
}

impl App {
    /// Open the confirmation for `key` on the selected row, or say why not.
    pub(super) fn ask(&mut self, key: ActionKey) {
        let Some(e) = self.selected() else {
            return self.error("Nothing selected.".into());
        };
        let r = &e.res;
        let Some(action) = key.action_for(r.kind) else { return };
        if let Some(text) = self.refused(action, r) {
            return self.error(text);
        }
        match self.job_confirm(action, r) {
            Ok(confirm) => self.confirm = Some(confirm),
            Err(text) => self.error(text),
        }
    }

    /// Why `action` cannot be done to `r` now: read-only mode, a row from the monitoring list,
    /// or the row's state.
    pub(super) fn refused(&self, action: Action, r: &Resource) -> Option<String> {
        if let Some(text) = self.read_only_refusal(&r.workspace, &describe(action, &Target::of(r))) {
            Some(text)
        } else if matches!(r.detail, Detail::Session { read_only: true, .. }) {
            Some(format!(
                "{} \"{}\" is read-only: it is from the workspace monitoring list, and the Livy API cannot {}.",
                r.kind.singular(),
                r.name,
                action.done_to("it")
            ))
        } else {
            refusal(action, r)
        }
    }

    /// `K`: restart the selected session's idle countdown. It changes nothing else, so it is
    /// not confirmed; the refusals of every action still apply.
    pub(super) fn keep_alive(&mut self) -> Vec<Effect> {
        let Some(e) = self.selected().filter(|e| e.res.kind == Kind::Session) else { return Vec::new() };
        let target = Target::of(&e.res);
        match self.refused(Action::KeepAlive, &e.res) {
            Some(text) => {
                self.error(text);
                Vec::new()
            }
            None => self.request(Action::KeepAlive, target),
        }
    }

    /// `z`: ask for the selected cluster's new size, starting from its current one.
    pub(super) fn ask_size(&mut self) {
        let Some(e) = self.selected().filter(|e| e.res.kind == Kind::Cluster) else { return };
        let current = match &e.res.detail {
            Detail::Cluster { workers, .. } => workers.replace('–', "-"),
            _ => String::new(),
        };
        // The size is not known yet; the refusals do not depend on it.
        if let Some(text) = self.refused(Action::ResizeCluster { min: 0, max: 0 }, &e.res) {
            return self.error(text);
        }
        let current =
            if current.chars().all(|c| c.is_ascii_digit() || c == '-') { current } else { String::new() };
        self.open_prompt_with(PromptMode::Resize, current);
    }

    /// The size typed after `z`: "N" workers or "MIN-MAX" (also "MIN:MAX") to autoscale. The
    /// confirmation says from what to what, and flags a large jump; input that is not a new
    /// size keeps the line open with the reason.
    pub(super) fn confirm_size(&mut self, text: &str) {
        let Some(e) = self.selected().filter(|e| e.res.kind == Kind::Cluster) else { return };
        let target = Target::of(&e.res);
        let from = match &e.res.detail {
            Detail::Cluster { workers, .. } => parse_size(&workers.replace('–', "-")).ok(),
            _ => None,
        };
        let to = match parse_size(text) {
            Ok(to) if Some(to) == from => Err(format!("it already has {}", workers(to))),
            other => other,
        };
        match to {
            Ok((min, max)) => {
                let change = match from {
                    Some(from) => format!("from {} to {}", workers(from), workers((min, max))),
                    None => format!("to {}", workers((min, max))),
                };
                let warning =
                    from.filter(|&(_, was)| max >= was.max(1) * 3 && max - was >= 10).map(|(_, was)| {
                        format!("a large jump: {max} workers where there were {was} (each is a billed VM)")
                    });
                let action = Action::ResizeCluster { min, max };
                self.confirm =
                    Some(Confirm { change: Some(change), warning, ..Confirm::new(action, target) });
            }
            Err(reason) => {
                self.open_prompt_with(PromptMode::Resize, text.to_string());
                if let Some(p) = &mut self.prompt {
                    p.selected = false;
                    p.error = Some(reason);
                }
            }
        }
    }

    /// `y`: run the action asked about (or quit, when that was the question).
    pub(super) fn confirmed(&mut self) -> Vec<Effect> {
        if self.quitting.take().is_some() {
            return vec![Effect::Quit];
        }
        if let Some(bulk) = self.bulk.take() {
            return self.run_bulk(bulk);
        }
        match self.confirm.take() {
            Some(Confirm { action, target, parameters, .. }) if !parameters.is_empty() => {
                self.announce(action, &target);
                vec![Effect::RunJob { target, parameters }]
            }
            Some(Confirm { action, target, .. }) => self.request(action, target),
            None => Vec::new(),
        }
    }

    /// Send the action; the status line says it is under way until the answer comes.
    fn request(&mut self, action: Action, target: Target) -> Vec<Effect> {
        self.announce(action, &target);
        vec![Effect::RunAction { action, target }]
    }

    /// The status line and the event log say the action is under way.
    fn announce(&mut self, action: Action, target: &Target) {
        self.info(format!("{} {}…", capitalised(action.ongoing()), target.short()));
        self.record(Some(&target.workspace), Level::Info, format!("asked to {}", describe(action, target)));
    }

    /// `n` or Esc: forget it.
    pub(super) fn declined(&mut self) {
        if self.quitting.take().is_some() {
            return self.info("Not quitting.".into());
        }
        if self.bulk.take().is_some() {
            return self.info("Cancelled; nothing was changed (the marks are kept).".into());
        }
        self.confirm = None;
        self.info("Cancelled; nothing was changed.".into());
    }

    /// The service's answer to an action, the point first: "cancelled ✓ run …", or "✗ cancel
    /// failed: 400 INVALID_STATE: … — run …" (the whole error behind `!`). An answer to a bulk
    /// action is logged on its own and summed up with the others in the status line.
    pub(super) fn action_finished(
        &mut self,
        action: Action,
        target: Target,
        outcome: Result<String, Problem>,
    ) {
        let bulk = self.bulk_finished(action, &target, &outcome);
        let (ok, text) = self.action_result(action, target, outcome);
        if bulk {
            self.bulk_progress();
        } else if ok {
            self.info(text);
        } else {
            self.error(format!("{text} (! shows it whole)"));
        }
    }

    /// Log an action's answer (and keep a failure for `!`); returns whether it went through and
    /// its line.
    fn action_result(
        &mut self,
        action: Action,
        target: Target,
        outcome: Result<String, Problem>,
    ) -> (bool, String) {
        match outcome {
            Ok(note) => {
                let mut text = format!("{} ✓ {}", action.done(), target.short());
                // What the service started (a run's id) is worth reading.
                if matches!(action, Action::RunJob | Action::RepairRun | Action::CancelAllRuns)
                    && !note.is_empty()
                {
                    text += &format!(": {note}");
                }
                if action == Action::KeepAlive {
                    let ends = self.keep_alive_done(&target);
                    text += &format!(": idle countdown restarted, it ends at {ends} if it stays idle");
                }
                self.record(Some(&target.workspace), Level::Info, text.clone());
                (true, text)
            }
            Err(p) => {
                let text = format!("✗ {} failed: {} — {}", action.verb(), p.cause(), target.short());
                self.record(Some(&target.workspace), Level::Error, format!("{text} ({})", p.summary()));
                self.last_failure = Some((describe(action, &target), p));
                (false, text)
            }
        }
    }

    /// After a keep-alive the service restarted the idle countdown, whether or not it moves
    /// `idleAt`: count from now. Returns when it ends, as a local time.
    fn keep_alive_done(&mut self, target: &Target) -> String {
        let now = self.now;
        if let Some(ws) = self.workspaces.iter_mut().find(|w| w.workspace.name == target.workspace) {
            ws.kept_alive(&target.id, now);
        }
        self.stale[super::Pane::All.index()] = true;
        self.rebuild(self.pane);
        let ends = now.checked_add(crate::domain::IDLE_TIMEOUT).unwrap_or(now);
        ends.to_zoned(self.tz.clone()).strftime("%H:%M").to_string()
    }
}

/// The most workers a resize may ask for (Databricks refuses more; a typo is likelier).
const MAX_WORKERS: u32 = 10_000;

/// "4" → (4, 4), "2-8" or "2:8" → (2, 8), or why the text is not a size.
fn parse_size(text: &str) -> Result<(u32, u32), String> {
    // Short enough to be read whole after the prompt on an 80-column terminal.
    let number = |s: &str| match s.trim().parse::<u32>() {
        Ok(n) if n <= MAX_WORKERS => Ok(n),
        Ok(n) => Err(format!("{n} is more than {MAX_WORKERS} workers")),
        Err(_) => Err(format!("{:?} is not a number of workers: type 4, or 2-8 to autoscale", s.trim())),
    };
    match text.split_once(['-', ':']) {
        Some((min, max)) => {
            let (min, max) = (number(min)?, number(max)?);
            if min > max {
                return Err(format!("MIN-MAX: the minimum {min} is above the maximum {max}"));
            }
            Ok((min, max))
        }
        None => number(text).map(|n| (n, n)),
    }
}

/// "4 workers", "1 worker", "2–8 workers (autoscale)".
fn workers((min, max): (u32, u32)) -> String {
    match (min, max) {
        (1, 1) => "1 worker".into(),
        (n, m) if n == m => format!("{n} workers"),
        (n, m) => format!("{n}–{m} workers (autoscale)"),
    }
}

/// "kill session "etl" (id 12) in fabric-prod", "resize cluster … to 4 workers"
fn describe(action: Action, target: &Target) -> String {
    match action.detail() {
        Some(detail) => format!("{} {target} {detail}", action.verb()),
        None => format!("{} {target}", action.verb()),
    }
}

pub(super) fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Why an action makes no sense for the row's current state.
fn refusal(action: Action, r: &Resource) -> Option<String> {
    let finished = r.status.is_terminal();
    let why = match action {
        Action::KillSession | Action::CancelBatch | Action::CancelRun | Action::KeepAlive if finished => {
            "it has already finished"
        }
        Action::RepairRun if r.kind == Kind::Run && !finished => "only a finished run can be repaired",
        Action::RepairRun if r.kind == Kind::Run && r.status == crate::domain::Status::Succeeded => {
            "it succeeded: there are no failed tasks to rerun"
        }
        Action::TerminateCluster if finished => "it is already terminated",
        Action::RestartCluster if r.raw_state != "RUNNING" => "only a running cluster can be restarted",
        Action::StartCluster if !finished => "only a terminated cluster can be started",
        Action::ResizeCluster { .. } if r.raw_state != "RUNNING" => "only a running cluster can be resized",
        _ => return None,
    };
    Some(format!("Cannot {} {} {} ({}): {why}.", action.verb(), r.kind.singular(), r.id, r.raw_state))
}
