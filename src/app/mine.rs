//! "Mine": `m` shows only the rows of the signed-in identity, and `owner:me` in a filter. Who
//! that is is asked of each workspace once (`Effect::LoadIdentity`), the first time a pane
//! needs it; until it is known, or where it cannot be, the pane says so instead of silently
//! matching nothing.

use super::App;
use super::message::Level;
use super::msg::Effect;
use super::store::Me;

impl App {
    /// `m`: mine only, on / off.
    pub(super) fn toggle_mine(&mut self) -> Vec<Effect> {
        let i = self.pane.index();
        self.panes[i].mine = !self.panes[i].mine;
        let on = self.panes[i].mine;
        self.panes[i].select(0);
        let effects = self.ask_identities();
        // Turning it on keeps fewer of the rows shown; off, every sorted row is tested again.
        if self.stale[i] {
            self.rebuild(self.pane)
        } else {
            self.refilter(on)
        }
        if on && !self.say_unknown_identities() {
            self.info("Mine only: the rows of the signed-in identity (m again: everyone's).".into());
        }
        effects
    }

    /// Whether the focused pane needs who is signed in (mine only, or `owner:me`).
    fn needs_me(&self) -> bool {
        let vs = &self.panes[self.pane.index()];
        vs.mine || vs.filter.as_ref().is_some_and(|f| f.uses_me())
    }

    /// Ask the workspaces of the focused pane who is signed in, where not yet asked.
    pub(super) fn ask_identities(&mut self) -> Vec<Effect> {
        if !self.needs_me() {
            return Vec::new();
        }
        let kinds = self.pane.kinds();
        let mut effects = Vec::new();
        for (i, w) in self.workspaces.iter_mut().enumerate() {
            let shown = self.scope.is_none_or(|s| s == i)
                && kinds.iter().any(|k| w.workspace.service == crate::domain::Service::of(*k));
            if shown && w.me == Me::NotAsked {
                w.me = Me::Asking;
                effects.push(Effect::LoadIdentity { workspace: w.workspace.name.clone() });
            }
        }
        effects
    }

    /// Say, in the status line, where the identity is not known (yet); whether anything was said.
    pub(super) fn say_unknown_identities(&mut self) -> bool {
        if !self.needs_me() {
            return false;
        }
        let kinds = self.pane.kinds();
        let mut asking = Vec::new();
        let mut unknown = Vec::new();
        for (i, w) in self.workspaces.iter().enumerate() {
            let shown = self.scope.is_none_or(|s| s == i)
                && kinds.iter().any(|k| w.workspace.service == crate::domain::Service::of(*k));
            match &w.me {
                Me::Asking | Me::NotAsked if shown => asking.push(w.workspace.name.clone()),
                Me::Unknown(why) if shown => unknown.push(format!("{}: {why}", w.workspace.name)),
                _ => {}
            }
        }
        if !unknown.is_empty() {
            self.error(format!(
                "Mine: who you are is not known in {} — their rows never match.",
                unknown.join("; ")
            ));
        } else if !asking.is_empty() {
            self.info(format!("Mine: asking {} who you are…", asking.join(", ")));
        }
        !(unknown.is_empty() && asking.is_empty())
    }

    /// Who is signed in to `workspace` (or why that is not known).
    pub(super) fn on_identity(&mut self, workspace: String, result: Result<Vec<String>, String>) {
        let me = match result {
            Ok(names) if !names.is_empty() => Me::Known(names.iter().map(|n| n.to_lowercase()).collect()),
            Ok(_) => Me::Unknown("the sign-in names no user or application".into()),
            Err(why) => Me::Unknown(why),
        };
        let text = match &me {
            Me::Known(names) => format!("signed in as {}", names.join(" / ")),
            Me::Unknown(why) => format!("who is signed in is not known: {why}"),
            _ => String::new(),
        };
        self.record(Some(&workspace), Level::Info, text);
        for w in self.workspaces.iter_mut().filter(|w| w.workspace.name == workspace) {
            w.me = me.clone();
        }
        self.stale = [true; super::Pane::ALL.len()];
        self.rebuild(self.pane);
        if self.needs_me() {
            self.message = None;
            self.say_unknown_identities();
        }
        self.dirty = true;
    }
}
