//! The New form: `n` on a pane opens it for that pane's kind (a Livy session or batch, a
//! Databricks cluster or one-time run), `E` on a cluster opens it prefilled to edit the cluster,
//! `R` on a batch prefilled to submit it again. Its fields are the headless commands' flags
//! (`fields`), with lists read from the workspace (`picker`); templates fill it, and it can be
//! saved as one. ctrl-s reviews: the app checks what it can, the effect runner checks the rest
//! with the workspace and makes the exact request, which the review shows with the workspace
//! before `y` sends it, once. The new item then shows at once, pending, and is selected
//! (`created`). `D` deletes a terminated cluster for good once its name is typed (`delete`).
//!
//! Nothing here does I/O: lists, prefills, checks, creates, saved templates and what the form
//! remembers (`memory`) go out as `Effect::Create` and come back as `Msg::Form`.

mod answers;
mod created;
mod delete;
pub mod fields;
mod json;
mod keys;
pub mod memory;
pub mod msg;
mod picker;
mod templates;

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use crate::domain::create::{Extra, Template};
use crate::domain::{Detail, Kind, Resource, Service};

use super::keymap::Scope;
use super::msg::Effect;
use super::{App, Pane};
pub use delete::TypedDelete;
pub use fields::{Choice, Field, FieldKey, Source};
pub use memory::FormMemory;
pub use msg::{CreateEffect, CreatedItem, Failure, FormMsg, PrefillOf, Preview, Request};
pub use picker::{Choices, Picker};

/// What the form is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    New,
    /// `clusters/edit`: the cluster's whole new configuration.
    Edit {
        id: String,
        name: String,
    },
    /// Submit batch `id`'s request again (a new batch).
    Resubmit {
        id: String,
    },
}

/// Where the form is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Reading what it starts from (the cluster's configuration, the batch's request).
    Loading(String),
    /// That could not be read: only esc is left.
    LoadFailed(String),
    Editing,
    /// The workspace is checking the request.
    Checking,
    /// The exact request, waiting for `y`; `lines`: its body pretty-printed, once.
    Review {
        preview: Box<Preview>,
        lines: Vec<String>,
        scroll: usize,
    },
    /// Sent; upload progress while it lasts.
    Sending(Option<String>),
}

/// An open form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// Numbers forms, so a late answer to a closed one is recognised.
    pub id: u64,
    pub kind: Kind,
    pub mode: Mode,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Request fields no field names (from a template, an edited cluster, the JSON), sent as given.
    pub extra: Extra,
    pub stage: Stage,
    /// What went wrong last (a check, the service's refusal), shown under the fields.
    pub error: Option<String>,
    pub picker: Option<Picker>,
    /// The name being typed to save the form as a template.
    pub naming: Option<String>,
    /// The template it started from or was saved as.
    pub template: Option<String>,
    /// JSON edited outside that did not read, opened again by the next ctrl-e.
    json_kept: Option<String>,
    changed: bool,
    /// Esc on a changed form asks once more.
    discard_armed: bool,
}

impl Form {
    fn new(id: u64, kind: Kind, mode: Mode, workspace: &str) -> Form {
        let fields = FieldKey::of(kind)
            .iter()
            .map(|k| {
                let mut f = Field::new(*k);
                if *k == FieldKey::Workspace {
                    f.set(workspace.to_string());
                    f.locked = mode != Mode::New;
                }
                f
            })
            .collect();
        Form {
            id,
            kind,
            mode,
            fields,
            focus: 0,
            extra: Extra::new(),
            stage: Stage::Editing,
            error: None,
            picker: None,
            naming: None,
            template: None,
            json_kept: None,
            changed: false,
            discard_armed: false,
        }
    }

    /// "New batch", "Edit cluster etl (0101-abc)", "Resubmit batch 12".
    pub fn title(&self) -> String {
        match &self.mode {
            Mode::New => format!("New {}", self.kind.singular()),
            Mode::Edit { id, name } => format!("Edit cluster {name} ({id})"),
            Mode::Resubmit { id } => format!("Resubmit batch {id}"),
        }
    }

    pub fn workspace(&self) -> &str {
        fields::text(&self.fields, FieldKey::Workspace)
    }

    fn field_mut(&mut self, key: FieldKey) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.key == key)
    }

    /// Put `values` in their fields (the workspace stays) and `extra` beside them.
    fn fill(&mut self, values: Vec<(FieldKey, String)>, extra: Extra) {
        for f in self.fields.iter_mut().filter(|f| f.key != FieldKey::Workspace) {
            f.set(String::new());
        }
        for (key, value) in values {
            if let Some(f) = self.field_mut(key) {
                f.set(value);
            }
        }
        self.extra = extra;
    }

    /// Request fields kept from a template, an edit or the JSON, by name.
    pub fn extra_keys(&self) -> Vec<&str> {
        self.extra.keys().map(String::as_str).collect()
    }
}

/// Everything about forms the app keeps: the open form or delete, the lists read so far,
/// the templates, what is remembered, and the rows creates made.
#[derive(Debug, Clone, Default)]
pub struct Forms {
    form: Option<Form>,
    deleting: Option<TypedDelete>,
    choices: HashMap<(String, Source), Choices>,
    templates: Vec<Template>,
    memory: FormMemory,
    next_id: u64,
    /// A form closed unsent after changes, or whose create may have happened: `n` on its kind
    /// brings it back.
    kept: Option<Form>,
    /// Rows creates made, shown until a poll lists them (at most `CREATED_KEPT`).
    created: Vec<(Resource, Timestamp)>,
}

impl App {
    /// Templates from the configuration (`[templates]`).
    pub fn with_templates(mut self, templates: Vec<Template>) -> App {
        self.forms.templates = templates;
        self
    }

    /// What the form remembered last time.
    pub fn with_form_memory(mut self, memory: FormMemory) -> App {
        self.forms.memory = memory;
        self
    }

    pub fn form(&self) -> Option<&Form> {
        self.forms.form.as_ref()
    }

    pub fn typed_delete(&self) -> Option<&TypedDelete> {
        self.forms.deleting.as_ref()
    }

    pub fn templates(&self) -> &[Template] {
        &self.forms.templates
    }

    /// The form's scope when one has focus: typing a name to delete, reviewing, or editing.
    pub(super) fn form_scope(&self) -> Option<Scope> {
        if self.forms.deleting.is_some() {
            return Some(Scope::TypeName);
        }
        let form = self.forms.form.as_ref()?;
        Some(if matches!(form.stage, Stage::Review { .. }) { Scope::Review } else { Scope::Form })
    }

    /// Refuse a change in a read-only workspace, saying what was asked.
    pub(super) fn refused_read_only(&mut self, workspace: &str, what: &str) -> bool {
        self.refuse_read_only(workspace, what)
    }

    /// `n`: a New form for the pane's kind (the selected row's on the All pane), starting in
    /// the selected row's workspace and lakehouse; a form left unsent comes back instead.
    pub(super) fn open_new(&mut self) -> Vec<Effect> {
        let Some(kind) = self.pane.kind().or(self.selected().map(|e| e.res.kind)) else {
            self.error(
                "n: choose what to create first: the Sessions, Batches, Clusters or Runs pane (1-4).".into(),
            );
            return Vec::new();
        };
        if kind == Kind::Job {
            self.error(
                "n: jobs are defined in the workspace; on the Runs pane (4) n submits a one-time run.".into(),
            );
            return Vec::new();
        }
        // Where it goes is chosen in the form (checked again before it is sent).
        if self.read_only_everywhere(Service::of(kind)) {
            let ws = self.workspaces_for(kind).next().map(|w| w.workspace.name.clone()).unwrap_or_default();
            self.refused_read_only(&ws, &format!("a new {}", kind.singular()));
            return Vec::new();
        }
        if let Some(kept) = self.forms.kept.take_if(|f| f.kind == kind && f.mode == Mode::New) {
            let ws = kept.workspace().to_string();
            self.forms.form = Some(kept);
            self.info("The form you left is back (esc twice drops it).".into());
            return self.load_choices(kind, &ws);
        }
        // A read-only workspace takes nothing new: the form starts in one that does.
        let selected = self
            .selected()
            .filter(|e| {
                Service::of(e.res.kind) == Service::of(kind) && !self.is_read_only_in(&e.res.workspace)
            })
            .map(|e| &e.res);
        let Some(ws) = selected.map(|r| r.workspace.clone()).or_else(|| {
            let mut all = self.workspaces_for(kind);
            all.find(|w| !self.is_read_only_in(&w.workspace.name)).map(|w| w.workspace.name.clone())
        }) else {
            self.error(format!(
                "no {} workspace is configured: a {} needs one (see config.example.toml)",
                Service::of(kind).label(),
                kind.singular()
            ));
            return Vec::new();
        };
        // A monitoring-list session (a notebook's, read-only) names its item, not a lakehouse.
        let lakehouse = match selected.map(|r| &r.detail) {
            Some(
                Detail::Session { lakehouse: Some(l), read_only: false, .. }
                | Detail::Batch { lakehouse: Some(l), .. },
            ) => Some(l.clone()),
            _ => self.forms.memory.lakehouse(&ws).map(str::to_string),
        };
        let mut form = Form::new(self.next_form_id(), kind, Mode::New, &ws);
        let memory = &self.forms.memory;
        let defaults = [
            (FieldKey::Lakehouse, lakehouse),
            (FieldKey::SparkVersion, memory.spark_version(&ws).map(str::to_string)),
            (FieldKey::NodeType, memory.node_type(&ws).map(str::to_string)),
            (FieldKey::Workers, Some("2".to_string())),
            (FieldKey::AutoTermination, Some("60".to_string())),
            (FieldKey::Cluster, memory.cluster(&ws).map(str::to_string)),
        ];
        for (key, value) in defaults {
            if let (Some(f), Some(v)) = (form.field_mut(key), value) {
                f.set(v);
            }
        }
        // Start on the first field worth typing in.
        form.focus = usize::from(form.fields.len() > 1);
        self.forms.form = Some(form);
        self.load_choices(kind, &ws)
    }

    /// `E` on a cluster: the form prefilled with its configuration, to `clusters/edit`.
    pub(super) fn open_edit(&mut self) -> Vec<Effect> {
        let Some(r) = self.selected().map(|e| e.res.clone()).filter(|r| r.kind == Kind::Cluster) else {
            return Vec::new();
        };
        if self.refused_read_only(&r.workspace, &format!("editing cluster {}", r.id)) {
            return Vec::new();
        }
        if matches!(&r.detail, Detail::Cluster { source: Some(s), .. } if s == "JOB") {
            self.error(format!(
                "cluster {} is a job cluster: its job makes it, and it cannot be edited (edit the job's cluster spec instead).",
                r.id
            ));
            return Vec::new();
        }
        if !matches!(cluster_state(&r), "RUNNING" | "TERMINATED") {
            self.error(format!(
                "Cannot edit cluster {} ({}): the service edits only RUNNING or TERMINATED clusters; wait until it is one.",
                r.id, r.raw_state
            ));
            return Vec::new();
        }
        let mode = Mode::Edit { id: r.id.clone(), name: r.name.clone() };
        self.open_prefilled(Kind::Cluster, mode, &r.workspace, PrefillOf::Cluster(r.id.clone()))
    }

    /// `R` on a batch: the form prefilled with its request, to submit it again.
    pub(super) fn open_resubmit(&mut self) -> Vec<Effect> {
        let Some(r) = self.selected().map(|e| e.res.clone()).filter(|r| r.kind == Kind::Batch) else {
            return Vec::new();
        };
        if self.refused_read_only(&r.workspace, &format!("resubmitting batch {}", r.id)) {
            return Vec::new();
        }
        let mode = Mode::Resubmit { id: r.id.clone() };
        self.open_prefilled(Kind::Batch, mode, &r.workspace, PrefillOf::Batch(r.id.clone()))
    }

    fn open_prefilled(&mut self, kind: Kind, mode: Mode, workspace: &str, of: PrefillOf) -> Vec<Effect> {
        let mut form = Form::new(self.next_form_id(), kind, mode, workspace);
        form.stage = Stage::Loading(match &of {
            PrefillOf::Cluster(id) => format!("reading cluster {id}'s configuration…"),
            PrefillOf::Batch(id) => format!("reading how batch {id} was submitted…"),
        });
        form.focus = 1;
        let id = form.id;
        self.forms.form = Some(form);
        let mut effects = self.load_choices(kind, workspace);
        effects.push(Effect::Create(CreateEffect::LoadPrefill { form: id, workspace: workspace.into(), of }));
        effects
    }

    fn next_form_id(&mut self) -> u64 {
        self.forms.next_id += 1;
        self.forms.next_id
    }

    /// Ask for the lists of a `kind` form in `workspace` not read (or read in vain) yet.
    fn load_choices(&mut self, kind: Kind, workspace: &str) -> Vec<Effect> {
        if !self.workspaces.iter().any(|w| w.workspace.name == workspace) {
            return Vec::new();
        }
        let mut effects = Vec::new();
        for source in Source::remote(kind) {
            let key = (workspace.to_string(), *source);
            if matches!(self.forms.choices.get(&key), None | Some(Choices::Failed(_))) {
                self.forms.choices.insert(key, Choices::Loading);
                effects.push(Effect::Create(CreateEffect::LoadChoices {
                    workspace: workspace.to_string(),
                    source: *source,
                }));
            }
        }
        effects
    }

    /// Where a new or created row shows: the focused pane when it shows `kind`, else its own.
    fn pane_for(&self, kind: Kind) -> Pane {
        if self.pane.shows(kind) {
            self.pane
        } else {
            Pane::ALL.into_iter().find(|p| p.kind() == Some(kind)).unwrap_or(self.pane)
        }
    }
}

/// Whether `E` can edit this cluster: an all-purpose one, running or terminated (the service
/// edits only those).
pub(in crate::app) fn editable(r: &Resource) -> bool {
    let job = matches!(&r.detail, Detail::Cluster { source: Some(s), .. } if s == "JOB");
    r.kind == Kind::Cluster && !job && matches!(cluster_state(r), "RUNNING" | "TERMINATED")
}

/// A cluster's state without the reason a terminated one carries ("TERMINATED (INACTIVITY)").
fn cluster_state(r: &Resource) -> &str {
    r.raw_state.split(' ').next().unwrap_or_default()
}

/// The character a key types into a field, if it types one.
fn typed(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => Some(c),
        _ => None,
    }
}
