//! Actions on the selected row: the refusals (read-only mode, a monitoring-list row, the row's
//! state), the confirmation naming the target and its `y` / `n`, the unconfirmed keep-alive, the
//! size asked for before a resize, and the message saying how the action went.

use crate::domain::{Action, Detail, Kind, Resource, Target};

use super::keymap::ActionKey;
use super::msg::Effect;
use super::{App, PromptMode};

/// A pending action waiting for `y`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub action: Action,
    pub target: Target,
}

impl App {
    /// Open the confirmation for `key` on the selected row, or say why not.
    pub(super) fn ask(&mut self, key: ActionKey) {
        let Some(e) = self.selected() else {
            return self.error("Nothing selected.".into());
        };
        let r = &e.res;
        let Some(action) = key.action_for(r.kind) else { return };
        let target = Target::of(r);
        match self.refused(action, r) {
            Some(text) => self.error(text),
            None => self.confirm = Some(Confirm { action, target }),
        }
    }

    /// Why `action` cannot be done to `r` now: read-only mode, a row from the monitoring list,
    /// or the row's state.
    fn refused(&self, action: Action, r: &Resource) -> Option<String> {
        if self.read_only {
            Some("sparkdeck is read-only (config read_only = true); nothing was changed.".to_string())
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
            None => {
                self.info(format!("Requested: {}", describe(Action::KeepAlive, &target)));
                vec![Effect::RunAction { action: Action::KeepAlive, target }]
            }
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
        self.open_prompt(PromptMode::Resize);
        if let Some(p) = &mut self.prompt {
            p.text =
                if current.chars().all(|c| c.is_ascii_digit() || c == '-') { current } else { String::new() };
        }
    }

    /// The size typed after `z`: "N" workers or "MIN-MAX" (also "MIN:MAX") to autoscale.
    pub(super) fn confirm_size(&mut self, text: &str) {
        let Some(e) = self.selected().filter(|e| e.res.kind == Kind::Cluster) else { return };
        let target = Target::of(&e.res);
        let parse = |s: &str| s.trim().parse::<u32>().ok();
        let size = match text.split_once(['-', ':']) {
            Some((min, max)) => parse(min).zip(parse(max)).filter(|(min, max)| min <= max),
            None => parse(text).map(|n| (n, n)),
        };
        match size {
            Some((min, max)) => {
                self.confirm = Some(Confirm { action: Action::ResizeCluster { min, max }, target });
            }
            None => self.error(format!(
                "{text:?} is not a size: type a number of workers (4) or MIN-MAX to autoscale (2-8)"
            )),
        }
    }

    /// `y`: run the action asked about.
    pub(super) fn confirmed(&mut self) -> Vec<Effect> {
        match self.confirm.take() {
            Some(Confirm { action, target }) => {
                self.info(format!("Requested: {}", describe(action, &target)));
                vec![Effect::RunAction { action, target }]
            }
            None => Vec::new(),
        }
    }

    /// `n` or Esc: forget it.
    pub(super) fn declined(&mut self) {
        self.confirm = None;
        self.info("Cancelled; nothing was changed.".into());
    }

    /// The service's answer to an action: "done", its note, or why it failed.
    pub(super) fn action_finished(
        &mut self,
        action: Action,
        target: Target,
        outcome: Result<String, String>,
    ) {
        let what = describe(action, &target);
        match outcome {
            Ok(note) if note.is_empty() => self.info(format!("{what}: done")),
            Ok(note) => self.info(format!("{what}: {note}")),
            Err(e) => self.error(format!("{what} failed: {e}")),
        }
    }
}

/// "kill session "etl" (id 12) in fabric-prod", "resize cluster … to 4 workers"
fn describe(action: Action, target: &Target) -> String {
    match action.detail() {
        Some(detail) => format!("{} {target} {detail}", action.verb()),
        None => format!("{} {target}", action.verb()),
    }
}

/// Why an action makes no sense for the row's current state.
fn refusal(action: Action, r: &Resource) -> Option<String> {
    let finished = r.status.is_terminal();
    let why = match action {
        Action::KillSession | Action::CancelBatch | Action::CancelRun | Action::KeepAlive if finished => {
            "it has already finished"
        }
        Action::TerminateCluster if finished => "it is already terminated",
        Action::RestartCluster if r.raw_state != "RUNNING" => "only a running cluster can be restarted",
        Action::StartCluster if !finished => "only a terminated cluster can be started",
        Action::ResizeCluster { .. } if r.raw_state != "RUNNING" => "only a running cluster can be resized",
        _ => return None,
    };
    Some(format!("Cannot {} {} {} ({}): {why}.", action.verb(), r.kind.singular(), r.id, r.raw_state))
}
