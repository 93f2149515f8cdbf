//! Watching (`w`): the user marks a run, batch, session or cluster, and when it ends the app
//! says so in the status line and asks for a notification (terminal bell or desktop
//! notification, as configured).

use crate::domain::Kind;

use super::msg::Effect;
use super::{App, Level, Message};
use crate::domain::Target;

impl App {
    /// `w`: watch the selected item, or stop watching it.
    pub(super) fn toggle_watch(&mut self) {
        let Some(target) = self.selected().map(|e| Target::of(&e.res)) else {
            return self.error("Nothing selected.".into());
        };
        if let Some(i) = self.watched.iter().position(|t| same(t, &target)) {
            self.watched.remove(i);
            self.info(format!("Stopped watching {target}."));
        } else if self.selected().is_some_and(|e| e.res.status.is_terminal()) {
            self.error(format!("{target} has already ended."));
        } else {
            self.info(format!("Watching {target}: you will be told when it ends."));
            self.watched.push(target);
        }
    }

    /// After new rows of `kind` in workspace `ws`: the watched items among them that ended.
    pub(super) fn notify_ended(&mut self, ws: usize, kind: Kind) -> Vec<Effect> {
        let mut effects = Vec::new();
        let rows = &self.workspaces[ws].slot(kind).rows;
        let mut still = Vec::new();
        let mut ended = Vec::new();
        for t in std::mem::take(&mut self.watched) {
            match rows
                .iter()
                .find(|e| e.res.kind == t.kind && e.res.id == t.id && e.res.workspace == t.workspace)
            {
                Some(e) if e.res.status.is_terminal() => {
                    ended.push((t, e.res.raw_state.clone(), e.res.status))
                }
                _ => still.push(t),
            }
        }
        self.watched = still;
        for (target, raw, status) in ended {
            let text = format!("{target} ended: {raw} ({status})");
            let level = if status == crate::domain::Status::Succeeded { Level::Info } else { Level::Error };
            self.message = Some(Message { level, text: text.clone() });
            effects.push(Effect::Notify { title: "sparkdeck".into(), body: text });
        }
        effects
    }

    pub fn is_watched(&self, kind: Kind, workspace: &str, id: &str) -> bool {
        self.watched.iter().any(|t| t.kind == kind && t.workspace == workspace && t.id == id)
    }
}

fn same(a: &Target, b: &Target) -> bool {
    a.kind == b.kind && a.workspace == b.workspace && a.id == b.id
}
