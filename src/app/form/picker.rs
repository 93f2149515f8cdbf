//! The lists a form field chooses from (enter on a field marked ▾, ctrl-t for templates):
//! typing narrows the list, ↑/↓ move, enter chooses, esc closes. The remote lists are read
//! once per workspace (as effects) and kept; the others come from what the app holds.

use crate::domain::{Detail, Kind, Service};

use crossterm::event::KeyEvent;

use super::super::App;
use super::super::keymap::Command;
use super::super::msg::Effect;
use super::fields::{Choice, FieldKey, Source};
use super::typed;

/// How a list stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choices {
    Loading,
    Ready(Vec<Choice>),
    Failed(String),
}

/// An open list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub source: Source,
    /// The form field the choice goes into; `None` for a template (it fills the whole form).
    pub field: Option<usize>,
    /// Typed to narrow the list (case-insensitive, anywhere in the value or its label).
    pub filter: String,
    /// The choices that match, in list order.
    pub shown: Vec<Choice>,
    pub selected: usize,
    /// Still being read, or why it could not be.
    pub status: Option<String>,
}

impl Picker {
    pub fn new(source: Source, field: Option<usize>) -> Picker {
        Picker { source, field, filter: String::new(), shown: Vec::new(), selected: 0, status: None }
    }

    /// Narrow `all` by the filter; the selection stays on its choice when it still shows.
    pub fn refilter(&mut self, all: &Choices) {
        let keep = self.shown.get(self.selected).map(|c| c.value.clone());
        let needle = self.filter.to_lowercase();
        let (list, status) = match all {
            Choices::Loading => (&[][..], Some(format!("reading the {}…", self.source.title()))),
            Choices::Failed(e) => (
                &[][..],
                Some(format!("cannot read the {}: {e} — type the value instead", self.source.title())),
            ),
            Choices::Ready(list) => (list.as_slice(), None),
        };
        self.status = status;
        self.shown = list
            .iter()
            .filter(|c| {
                needle.is_empty()
                    || c.value.to_lowercase().contains(&needle)
                    || c.label.to_lowercase().contains(&needle)
            })
            .cloned()
            .collect();
        self.selected = keep.and_then(|v| self.shown.iter().position(|c| c.value == v)).unwrap_or(0);
    }

    pub fn chosen(&self) -> Option<&Choice> {
        self.shown.get(self.selected)
    }

    pub fn step(&mut self, by: isize) {
        let last = self.shown.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(by).min(last);
    }
}

impl App {
    /// Every choice of `source` for a form of `kind` in `workspace`, as it stands.
    pub(super) fn choices(&self, kind: Kind, workspace: &str, source: Source) -> Choices {
        match source {
            Source::Workspaces => Choices::Ready(
                self.workspaces
                    .iter()
                    .filter(|w| w.workspace.service == Service::of(kind))
                    .map(|w| Choice {
                        value: w.workspace.name.clone(),
                        label: w.workspace.service.label().into(),
                    })
                    .collect(),
            ),
            Source::Clusters => {
                let Some(ws) = self.workspaces.iter().find(|w| w.workspace.name == workspace) else {
                    return Choices::Ready(Vec::new());
                };
                let slot = ws.slot(Kind::Cluster);
                let mut list: Vec<(bool, Choice)> = slot
                    .rows
                    .iter()
                    .filter(
                        |e| !matches!(&e.res.detail, Detail::Cluster { source: Some(s), .. } if s == "JOB"),
                    )
                    .map(|e| {
                        let runtime = match &e.res.detail {
                            Detail::Cluster { runtime: Some(r), .. } => format!(" · {r}"),
                            _ => String::new(),
                        };
                        let label = format!("{} · {}{runtime}", e.res.name, e.res.raw_state);
                        (e.res.raw_state != "RUNNING", Choice { value: e.res.id.clone(), label })
                    })
                    .collect();
                // Running clusters first: a run starts at once there.
                list.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.label.cmp(&b.1.label)));
                match (list.is_empty(), slot.fetched_at, &slot.error) {
                    (true, None, Some(e)) => Choices::Failed(e.problem.summary()),
                    (true, None, None) => Choices::Loading,
                    _ => Choices::Ready(list.into_iter().map(|(_, c)| c).collect()),
                }
            }
            Source::Templates => Choices::Ready(
                self.forms
                    .templates
                    .iter()
                    .filter(|t| t.kind == kind)
                    .map(|t| {
                        let label = [t.workspace.as_deref(), t.lakehouse.as_deref()]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" · ");
                        Choice { value: t.name.clone(), label }
                    })
                    .collect(),
            ),
            remote => {
                self.forms.choices.get(&(workspace.to_string(), remote)).cloned().unwrap_or(Choices::Loading)
            }
        }
    }

    /// What is known of the value a field holds (a runtime's name, an environment's, a
    /// cluster's), without building its list.
    pub fn choice_label(&self, workspace: &str, source: Source, value: &str) -> Option<&str> {
        match source {
            Source::Clusters => self
                .workspaces
                .iter()
                .find(|w| w.workspace.name == workspace)?
                .slot(Kind::Cluster)
                .rows
                .iter()
                .find(|e| e.res.id == value)
                .map(|e| e.res.name.as_str()),
            Source::Workspaces | Source::Templates => None,
            remote => match self.forms.choices.get(&(workspace.to_string(), remote))? {
                Choices::Ready(list) => list.iter().find(|c| c.value == value).map(|c| c.label.as_str()),
                _ => None,
            },
        }
    }

    pub(super) fn open_list(&mut self, source: Source, field: Option<usize>) -> Vec<Effect> {
        let Some(form) = &self.forms.form else { return Vec::new() };
        let (kind, ws) = (form.kind, form.workspace().to_string());
        let all = self.choices(kind, &ws, source);
        let mut picker = Picker::new(source, field);
        picker.refilter(&all);
        if let Some(current) = field.and_then(|i| form.fields.get(i)).map(|f| f.value.trim().to_string()) {
            picker.selected = picker.shown.iter().position(|c| c.value == current).unwrap_or(0);
        }
        if source == Source::Templates && picker.shown.is_empty() {
            self.error(format!(
                "No {} templates yet: add [templates.NAME] to the config file (see config.example.toml), or save this form as one (alt-t).",
                kind.singular()
            ));
            return Vec::new();
        }
        if let Some(form) = &mut self.forms.form {
            form.picker = Some(picker);
        }
        // A list that failed before is asked for again.
        self.load_choices(kind, &ws)
    }

    pub(super) fn on_list_key(&mut self, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
        let Some(form) = self.forms.form.as_mut() else { return Vec::new() };
        let Some(picker) = form.picker.as_mut() else { return Vec::new() };
        match command {
            Some(Command::Down) => picker.step(1),
            Some(Command::Up) => picker.step(-1),
            Some(Command::Back) => form.picker = None,
            Some(Command::Open) => {
                let Some(choice) = picker.chosen().cloned() else {
                    form.picker = None;
                    return Vec::new();
                };
                let field = picker.field;
                form.picker = None;
                let Some(i) = field else { return self.apply_template(&choice.value) };
                let last = form.fields.len().saturating_sub(1);
                if let Some(f) = form.fields.get_mut(i) {
                    f.set(choice.value);
                    form.changed = true;
                    form.focus = (i + 1).min(last);
                    if f.key == FieldKey::Workspace {
                        let (kind, ws) = (form.kind, form.workspace().to_string());
                        return self.load_choices(kind, &ws);
                    }
                }
            }
            Some(Command::NextField | Command::PrevField) => {}
            _ => {
                let edited = match (command, typed(&key)) {
                    (Some(Command::DeleteChar), _) => picker.filter.pop().is_some(),
                    (_, Some(c)) => {
                        picker.filter.push(c);
                        true
                    }
                    _ => false,
                };
                if edited {
                    let (source, kind, ws) = (picker.source, form.kind, form.workspace().to_string());
                    let all = self.choices(kind, &ws, source);
                    if let Some(p) = self.forms.form.as_mut().and_then(|f| f.picker.as_mut()) {
                        p.refilter(&all);
                    }
                }
            }
        }
        Vec::new()
    }
}
