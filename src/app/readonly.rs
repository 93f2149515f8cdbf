//! Read-only workspaces: the configuration's (`read_only = true` at the top of the file or in a
//! workspace's table: production) and the user's at runtime (`:ro` / `:rw`, for one workspace
//! or `all`).
//!
//! Read-only means nothing is sent that changes a service: no kill, cancel, start, restart,
//! terminate, resize, keep-alive (it keeps billed compute up), create, edit, resubmit or
//! permanent delete, and the editor runs no code (any statement can write). Reading goes on:
//! lists, details, logs, related items, `:events`. Cancelling a statement the editor already
//! runs stays allowed (it only stops work sparkdeck itself started), as does giving back the
//! editor's own REPL at quit. Lifting a production workspace's read-only asks for its name
//! typed, as a permanent delete does.

use super::message::Level;
use super::msg::Effect;
use super::{App, PromptMode};

/// Per workspace (in header order): configured read-only, and read-only now.
#[derive(Debug, Clone, Default)]
pub struct ReadOnly {
    production: Vec<bool>,
    on: Vec<bool>,
    /// `:rw` on a production workspace waits for its name: this one's.
    unlocking: Option<usize>,
}

impl ReadOnly {
    pub fn new(workspaces: usize) -> ReadOnly {
        ReadOnly { production: vec![false; workspaces], on: vec![false; workspaces], unlocking: None }
    }
}

impl App {
    /// Every workspace read-only as configured (`read_only = true` at the top of the file).
    pub fn with_read_only(mut self, read_only: bool) -> App {
        for i in 0..self.workspaces.len() {
            self.read_only.production[i] |= read_only;
            self.read_only.on[i] |= read_only;
        }
        self
    }

    /// These workspaces are production: read-only from the start, `:rw` asks for the name.
    pub fn with_read_only_workspaces<S: AsRef<str>>(mut self, names: &[S]) -> App {
        for (i, w) in self.workspaces.iter().enumerate() {
            if names.iter().any(|n| n.as_ref() == w.workspace.name) {
                self.read_only.production[i] = true;
                self.read_only.on[i] = true;
            }
        }
        self
    }

    fn ws_index(&self, workspace: &str) -> Option<usize> {
        self.workspaces.iter().position(|w| w.workspace.name == workspace)
    }

    /// Whether changes in `workspace` are refused now.
    pub fn is_read_only_in(&self, workspace: &str) -> bool {
        self.ws_index(workspace).is_some_and(|i| self.read_only.on[i])
    }

    /// Whether `workspace` is read-only in the configuration (production).
    pub fn is_production(&self, workspace: &str) -> bool {
        self.ws_index(workspace).is_some_and(|i| self.read_only.production[i])
    }

    /// Whether every workspace refuses changes (the status line says "[read-only]").
    pub fn is_read_only(&self) -> bool {
        !self.workspaces.is_empty() && self.read_only.on.iter().all(|on| *on)
    }

    /// Why `what` cannot be done in `workspace` (it is read-only), and how to lift it.
    pub(super) fn read_only_refusal(&self, workspace: &str, what: &str) -> Option<String> {
        let i = self.ws_index(workspace).filter(|i| self.read_only.on[*i])?;
        let name = &self.workspaces[i].workspace.name;
        let why = if self.read_only.production[i] { "config read_only = true" } else { ":ro" };
        Some(format!(
            "{name} is read-only ({why}): {what} is refused; nothing was sent. :rw {name} allows changes."
        ))
    }

    /// Say why `what` is refused in `workspace`, if it is; `true` when refused.
    pub(super) fn refuse_read_only(&mut self, workspace: &str, what: &str) -> bool {
        match self.read_only_refusal(workspace, what) {
            Some(text) => {
                self.error(text);
                true
            }
            None => false,
        }
    }

    /// Whether every workspace of `service` refuses changes (so a new item has nowhere to go).
    pub(super) fn read_only_everywhere(&self, service: crate::domain::Service) -> bool {
        let mut of = self.workspaces.iter().enumerate().filter(|(_, w)| w.workspace.service == service);
        of.clone().next().is_some() && of.all(|(i, _)| self.read_only.on[i])
    }

    /// Which workspaces `:ro` / `:rw` mean: the one named, `all`, else the one `:ws` narrowed
    /// to, else the selected row's.
    fn toggled(&mut self, arg: Option<&str>, command: &str) -> Option<Vec<usize>> {
        match arg {
            Some(a) if a.eq_ignore_ascii_case("all") => Some((0..self.workspaces.len()).collect()),
            Some(name) => self.workspace_named(name).map(|i| vec![i]),
            None => {
                let selected = self.selected().and_then(|e| self.ws_index(&e.res.workspace));
                match self.scope.or(selected) {
                    Some(i) => Some(vec![i]),
                    None => {
                        self.error(format!(
                            ":{command}: which workspace? :{command} NAME, or :{command} all"
                        ));
                        None
                    }
                }
            }
        }
    }

    /// `:ro [NAME|all]`: refuse changes there from now on.
    pub(super) fn set_read_only(&mut self, arg: Option<&str>) -> Vec<Effect> {
        let Some(chosen) = self.toggled(arg, "ro") else { return Vec::new() };
        let names: Vec<String> = chosen.iter().map(|i| self.workspaces[*i].workspace.name.clone()).collect();
        for (i, name) in chosen.iter().zip(&names) {
            if !self.read_only.on[*i] {
                self.read_only.on[*i] = true;
                self.record(Some(name), Level::Info, "read-only (:ro): changes are refused".into());
            }
        }
        self.info(format!("Read-only: {} (:rw allows changes again).", names.join(", ")));
        Vec::new()
    }

    /// `:rw [NAME|all]`: allow changes again. A production workspace asks for its name typed;
    /// `all` leaves production workspaces read-only and says so.
    pub(super) fn set_read_write(&mut self, arg: Option<&str>) -> Vec<Effect> {
        let all = arg.is_some_and(|a| a.eq_ignore_ascii_case("all"));
        let Some(chosen) = self.toggled(arg, "rw") else { return Vec::new() };
        let (production, plain): (Vec<usize>, Vec<usize>) =
            chosen.into_iter().filter(|i| self.read_only.on[*i]).partition(|i| self.read_only.production[*i]);
        let mut lifted = Vec::new();
        for i in plain {
            self.read_only.on[i] = false;
            let name = self.workspaces[i].workspace.name.clone();
            self.record(Some(&name), Level::Info, "changes allowed again (:rw)".into());
            lifted.push(name);
        }
        let kept: Vec<String> =
            production.iter().map(|i| self.workspaces[*i].workspace.name.clone()).collect();
        match (production.as_slice(), all) {
            ([one], false) => {
                self.read_only.unlocking = Some(*one);
                self.open_prompt(PromptMode::Unlock);
            }
            ([], _) if lifted.is_empty() => self.info("Nothing was read-only there.".into()),
            ([], _) => self.info(format!("Changes allowed in {}.", lifted.join(", "))),
            _ => {
                let done = if lifted.is_empty() {
                    String::new()
                } else {
                    format!("Changes allowed in {}. ", lifted.join(", "))
                };
                self.info(format!(
                    "{done}{} stay read-only (production, config read_only = true): :rw NAME and type its name.",
                    kept.join(", ")
                ));
            }
        }
        Vec::new()
    }

    /// The workspace whose name `:rw` waits for.
    pub fn unlocking(&self) -> Option<&str> {
        self.read_only.unlocking.and_then(|i| self.workspaces.get(i)).map(|w| w.workspace.name.as_str())
    }

    /// The name typed after `:rw` on a production workspace: exactly its name lifts it.
    pub(super) fn unlock_typed(&mut self, text: &str) {
        let Some(i) = self.read_only.unlocking.take() else { return };
        let name = self.workspaces[i].workspace.name.clone();
        if text.trim() == name {
            self.read_only.on[i] = false;
            self.record(
                Some(&name),
                Level::Info,
                "changes allowed (:rw) in a production workspace, until sparkdeck restarts or :ro".into(),
            );
            self.info(format!("Changes allowed in {name} (production) until :ro {name} or restart."));
        } else {
            self.error(format!("That is not its name: {name} stays read-only."));
        }
    }

    /// Esc on the name line.
    pub(super) fn unlock_dropped(&mut self) {
        if let Some(name) = self.unlocking().map(str::to_string) {
            self.info(format!("{name} stays read-only."));
        }
        self.read_only.unlocking = None;
    }
}
