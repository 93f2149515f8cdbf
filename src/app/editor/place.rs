//! Where the editor runs code, and moving it there: a workspace and, in it, a Fabric lakehouse,
//! an existing Livy session or a Databricks cluster. Chosen when the editor opens (the selected
//! row, `:editor NAME`, where it already runs, or the first Fabric workspace); moving elsewhere
//! gives the old REPL back.

use crate::app::App;
use crate::app::msg::Effect;
use crate::domain::statement::Repl;
use crate::domain::{Detail, Resource, Service};
use crate::drafts::Target as SavedTarget;

use super::{ReplState, RunState};

/// Where the editor runs code, once chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub workspace: String,
    pub within: Within,
}

/// What in the workspace runs the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Within {
    /// A REPL of sparkdeck's own in a Fabric lakehouse, by label (`None`: the first configured).
    Lakehouse(Option<String>),
    /// A REPL of sparkdeck's own in `lakehouse`, in the high-concurrency session tagged `tag`
    /// rather than the configured tag (shared with whatever else uses that tag).
    Tagged { lakehouse: String, tag: String },
    /// The existing Livy session `id` (shown as `name`) in `lakehouse`, used as it is.
    Session { lakehouse: String, id: String, name: String },
    /// An execution context on the Databricks cluster `id` (shown as `name`).
    Cluster { id: String, name: String },
}

impl Place {
    /// The lakehouse label or the cluster id a REPL is acquired in (`Effect::AcquireRepl`).
    pub fn lakehouse_or_cluster(&self) -> Option<&str> {
        match &self.within {
            Within::Lakehouse(lakehouse) => lakehouse.as_deref(),
            Within::Tagged { lakehouse, .. } | Within::Session { lakehouse, .. } => Some(lakehouse),
            Within::Cluster { id, .. } => Some(id),
        }
    }

    /// The session tag chosen in the picker (`None`: the configured one).
    pub fn tag(&self) -> Option<&str> {
        match &self.within {
            Within::Tagged { tag, .. } => Some(tag),
            _ => None,
        }
    }

    /// The id of the existing Livy session it is attached to, when one was chosen.
    pub fn attached(&self) -> Option<&str> {
        match &self.within {
            Within::Session { id, .. } => Some(id),
            _ => None,
        }
    }

    /// How to name it on screen ("sales_lh", "sales_lh · session etl", "cluster etl-nightly");
    /// `None`: the workspace's first lakehouse.
    pub fn label(&self) -> Option<String> {
        self.label_with(|l| l)
    }

    /// The same, a lakehouse label shown as `show` gives it (Fabric's name for an id).
    pub fn label_with<'a>(&'a self, show: impl Fn(&'a str) -> &'a str) -> Option<String> {
        match &self.within {
            Within::Lakehouse(lakehouse) => lakehouse.as_deref().map(|l| show(l).to_string()),
            Within::Tagged { lakehouse, tag } => Some(format!("{} · tag {tag}", show(lakehouse))),
            Within::Session { lakehouse, name, .. } => Some(format!("{} · session {name}", show(lakehouse))),
            Within::Cluster { name, .. } => Some(format!("cluster {name}")),
        }
    }

    /// As the tabs file keeps it.
    pub fn saved(&self) -> SavedTarget {
        let workspace = self.workspace.clone();
        match &self.within {
            Within::Lakehouse(lakehouse) => {
                SavedTarget::Lakehouse { workspace, lakehouse: lakehouse.clone() }
            }
            Within::Tagged { lakehouse, tag } => {
                SavedTarget::Tagged { workspace, lakehouse: lakehouse.clone(), tag: tag.clone() }
            }
            Within::Session { lakehouse, id, name } => SavedTarget::Session {
                workspace,
                lakehouse: lakehouse.clone(),
                id: id.clone(),
                name: name.clone(),
            },
            Within::Cluster { id, name } => {
                SavedTarget::Cluster { workspace, id: id.clone(), name: name.clone() }
            }
        }
    }

    /// From the tabs file.
    pub fn restored(saved: SavedTarget) -> Place {
        match saved {
            SavedTarget::Lakehouse { workspace, lakehouse } => {
                Place { workspace, within: Within::Lakehouse(lakehouse) }
            }
            SavedTarget::Tagged { workspace, lakehouse, tag } => {
                Place { workspace, within: Within::Tagged { lakehouse, tag } }
            }
            SavedTarget::Session { workspace, lakehouse, id, name } => {
                Place { workspace, within: Within::Session { lakehouse, id, name } }
            }
            SavedTarget::Cluster { workspace, id, name } => {
                Place { workspace, within: Within::Cluster { id, name } }
            }
        }
    }

    /// Whether code would run in the same place (names aside: a renamed cluster is the same one).
    pub(in crate::app) fn same_as(&self, other: &Place) -> bool {
        self.workspace == other.workspace
            && self.lakehouse_or_cluster() == other.lakehouse_or_cluster()
            && self.attached() == other.attached()
            && self.tag() == other.tag()
    }

    /// The attached session ended: a REPL of sparkdeck's own in its lakehouse replaces it.
    pub(in crate::app) fn detach(&mut self) {
        if let Within::Session { lakehouse, .. } = &self.within {
            self.within = Within::Lakehouse(Some(lakehouse.clone()));
        }
    }
}

/// A place to open the editor on, and what to say on opening there.
pub(in crate::app) struct Choice {
    pub(in crate::app) place: Place,
    /// Why code will not run there yet (a stopped cluster).
    pub(in crate::app) warning: Option<String>,
}

impl Choice {
    /// A REPL of sparkdeck's own in the workspace's first lakehouse.
    fn first_lakehouse(workspace: String) -> Choice {
        Choice { place: Place { workspace, within: Within::Lakehouse(None) }, warning: None }
    }

    /// Where a row's item runs code, for opening the editor on it: a live Livy session is attached
    /// to (high-concurrency ones get a REPL of their own in the same lakehouse), a Databricks
    /// cluster gets an execution context, other Fabric rows their workspace.
    pub(in crate::app) fn of(r: &Resource) -> Option<Choice> {
        let name = || if r.name.is_empty() { r.id.clone() } else { r.name.clone() };
        let (within, warning) = match &r.detail {
            Detail::Session { lakehouse, read_only: false, high_concurrency, .. } => {
                let within = match lakehouse {
                    Some(lakehouse) if !high_concurrency && !r.status.is_terminal() => {
                        Within::Session { lakehouse: lakehouse.clone(), id: r.id.clone(), name: name() }
                    }
                    _ => Within::Lakehouse(lakehouse.clone()),
                };
                (within, None)
            }
            Detail::Cluster { .. } => (
                Within::Cluster { id: r.id.clone(), name: name() },
                // Contexts are created on running clusters only: say so before the first F5 fails.
                (r.raw_state != "RUNNING").then(|| {
                    format!(
                        "This cluster is {}: start it (u in the Clusters pane) before running code.",
                        r.raw_state
                    )
                }),
            ),
            Detail::Session { .. } | Detail::Batch { .. } => (Within::Lakehouse(None), None),
            Detail::Run { .. } | Detail::Job { .. } => return None,
        };
        Some(Choice { place: Place { workspace: r.workspace.clone(), within }, warning })
    }
}

impl App {
    /// Open the editor. Where it runs: the `name`d workspace, else the selected row's (a Fabric
    /// session's lakehouse, a Databricks cluster), else where it already runs, else the first
    /// Fabric workspace in scope. Moving elsewhere gives the old REPL back.
    pub(in crate::app) fn open_editor(&mut self, name: Option<String>) -> Vec<Effect> {
        let selected = self.selected().and_then(|e| Choice::of(&e.res));
        let current = self.console.tab().place.clone().map(|place| Choice { place, warning: None });
        let chosen = match name {
            Some(name) => {
                let Some(i) = self.workspace_named(&name) else { return Vec::new() };
                let ws = self.workspaces[i].workspace.name.clone();
                selected
                    .filter(|c| c.place.workspace == ws)
                    .or(current.filter(|c| c.place.workspace == ws))
                    .unwrap_or_else(|| Choice::first_lakehouse(ws))
            }
            None => match selected.or(current).or_else(|| {
                let first = self
                    .in_scope()
                    .find(|w| w.workspace.service == Service::Fabric)
                    .or_else(|| self.workspaces.iter().find(|w| w.workspace.service == Service::Fabric))?;
                Some(Choice::first_lakehouse(first.workspace.name.clone()))
            }) {
                Some(chosen) => chosen,
                None => {
                    self.error(
                        "The editor runs code in a Fabric workspace's high-concurrency session or on a Databricks \
                         cluster: select a cluster (Clusters pane) and press e."
                            .into(),
                    );
                    return Vec::new();
                }
            },
        };
        let Choice { place, warning } = chosen;
        let databricks = self
            .workspaces
            .iter()
            .any(|w| w.workspace.name == place.workspace && w.workspace.service == Service::Databricks);
        if databricks && place.lakehouse_or_cluster().is_none() {
            // Which cluster? The picker asks, showing that workspace's clusters.
            let workspace = place.workspace.clone();
            self.editing = true;
            return self.open_picker(Some(&workspace));
        }
        // Other tabs restored from disk that run nowhere yet start where the editor opens (with
        // REPLs of their own: an attached session serves the tab in front only).
        let active = self.console.active;
        for (i, tab) in self.console.tabs.iter_mut().enumerate() {
            if i != active && tab.place.is_none() {
                let mut p = place.clone();
                p.detach();
                tab.place = Some(p);
            }
        }
        let mut effects = self.name_lakehouses([place.workspace.clone()]);
        effects.extend(self.move_tab(place));
        self.editing = true;
        if let Some(notice) = self.console.notice.take() {
            self.error(notice);
        } else if let Some(warning) = warning {
            self.error(warning);
        }
        effects
    }

    /// The tab in front runs code at `place` from now on (nothing changes if it already does).
    pub(in crate::app) fn move_tab(&mut self, place: Place) -> Vec<Effect> {
        let mut place = place;
        if let Within::Lakehouse(None) = &place.within {
            // Name the real lakehouse, never "the first one".
            place.within = Within::Lakehouse(self.first_lakehouse(&place.workspace));
        }
        if self.console.tab().place.as_ref().is_some_and(|p| p.same_as(&place)) {
            return Vec::new();
        }
        let mut effects = self.leave_place(&place.workspace);
        effects.extend(self.name_lakehouses([place.workspace.clone()]));
        let now = self.now;
        let tab = self.console.tab_mut();
        // A session chosen in the pane is used as it is; anything else is acquired on F5.
        tab.repl = match &place.within {
            Within::Session { lakehouse, id, .. } => ReplState::Ready(Repl::LivySession {
                workspace: place.workspace.clone(),
                lakehouse: lakehouse.clone(),
                session_id: id.clone(),
            }),
            _ => ReplState::None,
        };
        tab.last_activity = place.attached().is_some().then_some(now);
        // Settings chosen for one place are not another's (the settings form sets them after).
        tab.settings = None;
        tab.place = Some(place);
        effects
    }

    /// The tab is moving elsewhere: runs not yet sent fail, the REPL held is given back unless a
    /// statement still runs in it (then it is left to finish), and an acquisition under way is
    /// abandoned (its answer will be given back).
    pub(super) fn leave_place(&mut self, to: &str) -> Vec<Effect> {
        let now = self.now;
        let tab = self.console.tab_mut();
        for run in tab.runs.iter_mut().filter(|r| matches!(r.state, RunState::Queued)) {
            run.state = RunState::Failed(format!("not run: the tab moved to {to} first"));
            run.finished_at = Some(now);
            run.after = None;
        }
        let (release, left) = tab.leave_plan();
        tab.pending = None;
        if matches!(tab.repl, ReplState::Acquiring(_)) {
            // Abandoned: its answer, when it comes, is given back.
            tab.repl = ReplState::None;
        }
        if let Some(repl) = left.first() {
            self.info(format!("A statement still runs in {}: it is left to finish.", repl.describe()));
        }
        self.console.left_running.extend(left);
        release.into_iter().map(|repl| Effect::ReleaseRepl { repl }).collect()
    }

    /// The label of the first lakehouse configured for Fabric workspace `workspace`.
    pub(in crate::app) fn first_lakehouse(&self, workspace: &str) -> Option<String> {
        self.targets.lakehouses(workspace).first().cloned()
    }
}
