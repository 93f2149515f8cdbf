//! The target picker (`Ctrl-G`, and `:editor WORKSPACE` on Databricks): every place the tab in
//! front could run code — a REPL of sparkdeck's own in each configured lakehouse (with the
//! workspace's REPL settings), each live Livy session to attach to, each Databricks cluster —
//! narrowed by what is typed. `tag:NAME` in the search offers each lakehouse's REPL in the
//! high-concurrency session tagged NAME instead (REPLs of one tag share a Spark session).
//! Enter moves the tab there.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::App;
use crate::app::msg::Effect;
use crate::domain::{Detail, Kind, Service};

use super::place::{Choice, Place, Within};

/// What the app knows of where code can run besides the rows: per Fabric workspace, its
/// configured lakehouses and a summary of the settings its REPLs are acquired with.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    fabric: Vec<FabricTargets>,
}

#[derive(Debug, Clone)]
struct FabricTargets {
    workspace: String,
    lakehouses: Vec<String>,
    settings: String,
    /// Some lakehouse is configured by id alone, and Fabric has not been asked its name yet.
    unnamed: bool,
    /// Fabric's names of lakehouses configured by id (label → name).
    names: Vec<(String, String)>,
}

impl Targets {
    /// Add a Fabric workspace's lakehouse labels and its REPL settings ("tag sparkdeck").
    pub fn with_fabric(mut self, workspace: &str, lakehouses: Vec<String>, settings: String) -> Targets {
        let entry = FabricTargets {
            workspace: workspace.into(),
            lakehouses,
            settings,
            unnamed: false,
            names: Vec::new(),
        };
        self.fabric.push(entry);
        self
    }

    /// Workspace `workspace` has lakehouses configured by id alone: ask Fabric their names.
    pub fn with_unnamed(mut self, workspace: &str) -> Targets {
        self.fabric.iter_mut().filter(|f| f.workspace == workspace).for_each(|f| f.unnamed = true);
        self
    }

    /// Ask for names once per workspace: whether to ask now.
    fn ask_names(&mut self, workspace: &str) -> bool {
        let entry = self.fabric.iter_mut().find(|f| f.workspace == workspace && f.unnamed);
        entry.map(|f| std::mem::take(&mut f.unnamed)).unwrap_or(false)
    }

    pub(in crate::app) fn name(&mut self, workspace: &str, names: Vec<(String, String)>) {
        if let Some(f) = self.fabric.iter_mut().find(|f| f.workspace == workspace) {
            f.names = names;
        }
    }

    /// How to show lakehouse `label` of `workspace`: Fabric's name for it when it is known.
    pub fn display<'a>(&'a self, workspace: &str, label: &'a str) -> &'a str {
        let names = self.fabric.iter().find(|f| f.workspace == workspace).map(|f| f.names.as_slice());
        names.and_then(|n| n.iter().find(|(l, _)| l == label)).map_or(label, |(_, name)| name.as_str())
    }

    pub fn lakehouses(&self, workspace: &str) -> &[String] {
        self.fabric.iter().find(|f| f.workspace == workspace).map_or(&[], |f| f.lakehouses.as_slice())
    }

    fn settings(&self, workspace: &str) -> &str {
        self.fabric.iter().find(|f| f.workspace == workspace).map_or("", |f| f.settings.as_str())
    }
}

/// The picker on screen: the search typed and the highlighted item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Picker {
    pub query: String,
    pub selected: usize,
    /// Only this workspace's places (`:editor WORKSPACE`).
    pub only: Option<String>,
}

/// One place in the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickItem {
    pub workspace: String,
    /// What it is ("lh_sales", "session etl", "cluster etl-nightly").
    pub label: String,
    /// More about it ("a REPL of sparkdeck's own · tag sparkdeck", "RUNNING · 4 workers").
    pub detail: String,
    /// The tab in front runs code here now.
    pub here: bool,
    place: Place,
    warning: Option<String>,
}

impl PickItem {
    /// A session or cluster row as a place ("session etl", "cluster etl-nightly").
    fn of_row(r: &crate::domain::Resource, what: &str, detail: String) -> Option<PickItem> {
        let Choice { place, warning } = Choice::of(r)?;
        let name = if r.name.is_empty() { &r.id } else { &r.name };
        Some(PickItem {
            workspace: r.workspace.clone(),
            label: format!("{what} {name}"),
            detail,
            here: false,
            place,
            warning,
        })
    }

    fn matches(&self, words: &[String]) -> bool {
        let hay = format!("{} {} {}", self.workspace, self.label, self.detail).to_lowercase();
        words.iter().all(|word| hay.contains(word))
    }
}

/// The search split into the words that narrow it and the session tag asked for (`tag:NAME`).
fn search(query: &str) -> (Vec<String>, Option<&str>) {
    let mut tag = None;
    let mut words = Vec::new();
    for word in query.split_whitespace() {
        match word.strip_prefix("tag:") {
            Some(t) => tag = Some(t).filter(|t| !t.is_empty()),
            None => words.push(word.to_lowercase()),
        }
    }
    (words, tag)
}

impl App {
    /// Open the picker; while it is open, sessions and clusters of every workspace are polled,
    /// so it offers what exists now even if those panes were never opened.
    pub(in crate::app) fn open_picker(&mut self, only: Option<&str>) -> Vec<Effect> {
        self.console.picker = Some(Picker { only: only.map(str::to_string), ..Picker::default() });
        // Start on where the tab runs now.
        let here = self.picker_items().iter().position(|i| i.here).unwrap_or(0);
        if let Some(p) = &mut self.console.picker {
            p.selected = here;
        }
        if let Some(ws) = only {
            self.info(format!("{ws} is a Databricks workspace: choose one of its clusters to run code on."));
        }
        // (`App::visibility_effect` has the sessions and clusters polled while it is open.)
        let workspaces: Vec<String> = self.workspaces.iter().map(|w| w.workspace.name.clone()).collect();
        self.name_lakehouses(workspaces)
    }

    /// Ask Fabric, once per workspace, the names of lakehouses configured by id alone.
    pub(in crate::app) fn name_lakehouses(
        &mut self,
        workspaces: impl IntoIterator<Item = String>,
    ) -> Vec<Effect> {
        workspaces
            .into_iter()
            .filter(|ws| self.targets.ask_names(ws))
            .map(|workspace| Effect::LoadLakehouseNames { workspace })
            .collect()
    }

    fn close_picker(&mut self) {
        self.console.picker = None;
    }

    /// The places the picker offers for its search, in workspace order.
    pub fn picker_items(&self) -> Vec<PickItem> {
        let Some(picker) = &self.console.picker else { return Vec::new() };
        let (words, tag) = search(&picker.query);
        let mut items = Vec::new();
        for w in &self.workspaces {
            let ws = &w.workspace.name;
            if picker.only.as_ref().is_some_and(|o| o != ws) {
                continue;
            }
            match w.workspace.service {
                Service::Fabric => {
                    let settings = self.targets.settings(ws);
                    for lakehouse in self.targets.lakehouses(ws).iter().filter(|_| tag.is_some()) {
                        let tag = tag.unwrap_or_default();
                        let place = Place {
                            workspace: ws.clone(),
                            within: Within::Tagged { lakehouse: lakehouse.clone(), tag: tag.into() },
                        };
                        items.push(PickItem {
                            workspace: ws.clone(),
                            label: format!("{} · tag {tag}", self.targets.display(ws, lakehouse)),
                            detail: format!(
                                "a REPL in the session tagged {tag} (shared with its other REPLs)"
                            ),
                            here: false,
                            place,
                            warning: None,
                        });
                    }
                    for lakehouse in self.targets.lakehouses(ws) {
                        let place = Place {
                            workspace: ws.clone(),
                            within: Within::Lakehouse(Some(lakehouse.clone())),
                        };
                        let detail = format!(
                            "a REPL of sparkdeck's own{}",
                            if settings.is_empty() { String::new() } else { format!(" · {settings}") }
                        );
                        items.push(PickItem {
                            workspace: ws.clone(),
                            label: self.targets.display(ws, lakehouse).to_string(),
                            detail,
                            here: false,
                            place,
                            warning: None,
                        });
                    }
                    for e in &w.slot(Kind::Session).rows {
                        let attachable = matches!(
                            e.res.detail,
                            Detail::Session { read_only: false, high_concurrency: false, .. }
                        ) && !e.res.status.is_terminal();
                        if attachable {
                            let detail = format!("attach to it ({}; it stays yours)", e.res.raw_state);
                            items.extend(PickItem::of_row(&e.res, "session", detail));
                        }
                    }
                }
                Service::Databricks => {
                    for e in &w.slot(Kind::Cluster).rows {
                        let workers = match &e.res.detail {
                            Detail::Cluster { workers, .. } if !workers.is_empty() => {
                                format!(" · {workers} workers")
                            }
                            _ => String::new(),
                        };
                        let detail = format!("an execution context · {}{workers}", e.res.raw_state);
                        items.extend(PickItem::of_row(&e.res, "cluster", detail));
                    }
                }
            }
        }
        items.retain(|i| i.matches(&words));
        if let Some(place) = &self.console.tab().place {
            items.iter_mut().filter(|i| i.place.same_as(place)).for_each(|i| i.here = true);
        }
        items
    }

    /// Keys while the picker is open: type to search, ↑/↓ to choose, enter to move there.
    pub(in crate::app) fn on_picker_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let count = self.picker_items().len();
        let Some(picker) = &mut self.console.picker else { return Vec::new() };
        match key.code {
            KeyCode::Esc => {
                self.close_picker();
                return Vec::new();
            }
            KeyCode::Down => picker.selected = (picker.selected + 1).min(count.saturating_sub(1)),
            KeyCode::Up => picker.selected = picker.selected.saturating_sub(1),
            KeyCode::Backspace => {
                picker.query.pop();
                picker.selected = 0;
            }
            KeyCode::Enter => {
                let chosen = self
                    .picker_items()
                    .into_iter()
                    .nth(self.console.picker.as_ref().map_or(0, |p| p.selected));
                let Some(item) = chosen else {
                    self.info("Nothing matches: backspace widens the search.".into());
                    return Vec::new();
                };
                self.close_picker();
                let effects = self.move_tab(item.place);
                let label = self.target_label();
                match item.warning {
                    Some(w) => self.error(w),
                    None => self.info(format!("This tab runs code in {label} from now on.")),
                }
                return effects;
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => return vec![Effect::Quit],
            KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
                picker.query.push(c);
                picker.selected = 0;
            }
            _ => {}
        }
        Vec::new()
    }
}
