//! `D` on a terminated cluster: deleted for good (`clusters/permanent-delete`: gone from every
//! list, never to start again) once its name is typed — the id, for a cluster without one.

use crossterm::event::KeyEvent;

use crate::domain::{Kind, Target};

use super::super::App;
use super::super::keymap::Command;
use super::super::msg::Effect;
use super::{CreateEffect, typed};

/// The cluster to delete and what has been typed so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedDelete {
    pub target: Target,
    pub typed: String,
    /// What must be typed: the cluster's name, else its id.
    pub expected: String,
    /// Why the last enter did nothing.
    pub error: Option<String>,
}

impl App {
    /// `D`: ask for the selected terminated cluster's name, or say why not.
    pub(in crate::app) fn ask_delete(&mut self) {
        let Some(r) = self.selected().map(|e| e.res.clone()).filter(|r| r.kind == Kind::Cluster) else {
            return;
        };
        if self.refused_read_only(&r.workspace, &format!("deleting cluster {} permanently", r.id)) {
            return;
        }
        if super::cluster_state(&r) != "TERMINATED" {
            return self.error(format!(
                "Cannot delete cluster {} permanently ({}): only a terminated cluster can be; terminate it first (t).",
                r.id, r.raw_state
            ));
        }
        let expected = if r.name.is_empty() { r.id.clone() } else { r.name.clone() };
        self.forms.deleting =
            Some(TypedDelete { target: Target::of(&r), typed: String::new(), expected, error: None });
    }

    pub(super) fn on_delete_key(&mut self, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
        let Some(d) = self.forms.deleting.as_mut() else { return Vec::new() };
        match command {
            Some(Command::Back) => {
                self.forms.deleting = None;
                self.info("Cancelled; nothing was deleted.".into());
            }
            Some(Command::Submit) if d.typed == d.expected => {
                let target = d.target.clone();
                self.forms.deleting = None;
                self.info(format!("Requested: delete {target} permanently"));
                return vec![Effect::Create(CreateEffect::DeleteCluster { target })];
            }
            Some(Command::Submit) => {
                d.error = Some("That is not its name: nothing was deleted. Type it exactly, or esc.".into());
            }
            Some(Command::DeleteChar) => {
                d.typed.pop();
                d.error = None;
            }
            _ => {
                if let Some(c) = typed(&key) {
                    d.typed.push(c);
                    d.error = None;
                }
            }
        }
        Vec::new()
    }

    /// The service's answer to a permanent delete.
    pub(super) fn deleted(&mut self, target: Target, result: Result<(), String>) {
        match result {
            Ok(()) => self.info(format!("Deleted {target} permanently.")),
            Err(e) => self.error(format!("Deleting {target} permanently failed: {e}")),
        }
    }
}
