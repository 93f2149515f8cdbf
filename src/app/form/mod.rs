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

mod created;
mod delete;
pub mod fields;
pub mod memory;
pub mod msg;
mod picker;

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use crate::domain::create::{Extra, NewItem, Template};
use crate::domain::request;
use crate::domain::{Detail, Kind, Resource, Service};

use super::help::Help;
use super::keymap::{Command, Scope};
use super::msg::Effect;
use super::update::is_motion;
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

    /// Refuse a change in read-only mode, saying what was asked.
    pub(super) fn refused_read_only(&mut self, what: &str) -> bool {
        if self.read_only {
            self.error(format!(
                "sparkdeck is read-only (config read_only = true): {what} is refused; nothing was sent."
            ));
        }
        self.read_only
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
        if self.refused_read_only(&format!("a new {}", kind.singular())) {
            return Vec::new();
        }
        if let Some(kept) = self.forms.kept.take_if(|f| f.kind == kind && f.mode == Mode::New) {
            let ws = kept.workspace().to_string();
            self.forms.form = Some(kept);
            self.info("The form you left is back (esc twice drops it).".into());
            return self.load_choices(kind, &ws);
        }
        let selected =
            self.selected().filter(|e| Service::of(e.res.kind) == Service::of(kind)).map(|e| &e.res);
        let Some(ws) = selected
            .map(|r| r.workspace.clone())
            .or_else(|| self.workspaces_for(kind).next().map(|w| w.workspace.name.clone()))
        else {
            self.error(format!(
                "no {} workspace is configured: a {} needs one (see config.example.toml)",
                Service::of(kind).label(),
                kind.singular()
            ));
            return Vec::new();
        };
        let lakehouse = match selected.map(|r| &r.detail) {
            Some(Detail::Session { lakehouse: Some(l), .. } | Detail::Batch { lakehouse: Some(l), .. }) => {
                Some(l.clone())
            }
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
        if self.refused_read_only(&format!("editing cluster {}", r.id)) {
            return Vec::new();
        }
        if matches!(&r.detail, Detail::Cluster { source: Some(s), .. } if s == "JOB") {
            self.error(format!(
                "cluster {} is a job cluster: its job makes it, and it cannot be edited (edit the job's cluster spec instead).",
                r.id
            ));
            return Vec::new();
        }
        if !matches!(r.raw_state.as_str(), "RUNNING" | "TERMINATED") {
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
        if self.refused_read_only(&format!("resubmitting batch {}", r.id)) {
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

    // ---- keys ----------------------------------------------------------------------------

    /// A key while a form, its review or a typed delete has focus.
    pub(super) fn on_form_key(&mut self, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
        match command {
            Some(Command::Quit) => return vec![Effect::Quit],
            Some(Command::Help) => {
                self.help = Some(Help { scope: self.focus(), kind: None, scroll: 0 });
                return Vec::new();
            }
            _ => {}
        }
        if self.forms.deleting.is_some() {
            return self.on_delete_key(key, command);
        }
        let Some(form) = self.forms.form.as_mut() else { return Vec::new() };
        let id = form.id;
        match &mut form.stage {
            Stage::Editing => return self.on_editing_key(key, command),
            Stage::Review { scroll, lines, .. } => match command {
                Some(Command::Confirm) => {
                    form.stage = Stage::Sending(None);
                    return vec![Effect::Create(CreateEffect::Send { form: id })];
                }
                Some(Command::Deny | Command::Back) => {
                    form.stage = Stage::Editing;
                    return vec![Effect::Create(CreateEffect::Discard { form: id })];
                }
                Some(c) if is_motion(c) => {
                    *scroll = super::update::moved(*scroll, lines.len().saturating_sub(1), 10, c);
                }
                _ => {}
            },
            Stage::Sending(_) if command == Some(Command::Back) => {
                self.forms.form = None;
                self.info("It is being sent; the outcome shows here when it comes.".into());
            }
            Stage::Checking if command == Some(Command::Back) => {
                form.stage = Stage::Editing;
                return vec![Effect::Create(CreateEffect::Discard { form: id })];
            }
            Stage::Loading(_) | Stage::LoadFailed(_) if command == Some(Command::Back) => {
                self.forms.form = None
            }
            _ => {}
        }
        Vec::new()
    }

    fn on_editing_key(&mut self, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
        let Some(form) = self.forms.form.as_mut() else { return Vec::new() };
        if let Some(name) = &mut form.naming {
            match command {
                Some(Command::Open | Command::Submit) => return self.save_template(),
                Some(Command::Back) => form.naming = None,
                Some(Command::DeleteChar) => {
                    name.pop();
                }
                _ => {
                    if let Some(c) = typed(&key) {
                        name.push(c);
                    }
                }
            }
            return Vec::new();
        }
        if form.picker.is_some() {
            return self.on_picker_key(key, command);
        }
        let last = form.fields.len().saturating_sub(1);
        match command {
            Some(Command::NextField | Command::Down) => {
                form.focus = if form.focus >= last { 0 } else { form.focus + 1 }
            }
            Some(Command::PrevField | Command::Up) => form.focus = form.focus.checked_sub(1).unwrap_or(last),
            Some(Command::Open) => {
                let focus = form.focus.min(last);
                let field = &form.fields[focus];
                match field.key.source() {
                    Some(source) if !field.locked => return self.open_picker(source, Some(focus)),
                    _ => form.focus = (focus + 1).min(last),
                }
            }
            Some(Command::Submit) => return self.review(),
            Some(Command::Templates) => return self.open_picker(Source::Templates, None),
            Some(Command::SaveTemplate) => form.naming = Some(form.template.clone().unwrap_or_default()),
            Some(Command::Back) => {
                if form.changed && !form.discard_armed {
                    form.discard_armed = true;
                    form.error =
                        Some("Esc again closes the form (n brings it back); ctrl-s reviews it.".into());
                } else {
                    let form = self.forms.form.take();
                    self.forms.kept = form.filter(|f| f.changed && f.mode == Mode::New);
                }
            }
            _ => return self.edit_field(key, command),
        }
        Vec::new()
    }

    /// Typing in the focused field.
    fn edit_field(&mut self, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
        let Some(form) = self.forms.form.as_mut() else { return Vec::new() };
        let Some(field) = form.fields.get_mut(form.focus) else { return Vec::new() };
        let len = field.value.chars().count();
        let at = |f: &Field| f.value.char_indices().nth(f.cursor).map_or(f.value.len(), |(i, _)| i);
        let mut changed = true;
        match (command, key.code) {
            (_, KeyCode::Left) => (field.cursor, changed) = (field.cursor.saturating_sub(1), false),
            (_, KeyCode::Right) => (field.cursor, changed) = ((field.cursor + 1).min(len), false),
            (_, KeyCode::Home) => (field.cursor, changed) = (0, false),
            (_, KeyCode::End) => (field.cursor, changed) = (len, false),
            _ if field.locked => {
                let what = form.kind.singular();
                form.error = Some(format!("The workspace of this {what} cannot change here."));
                return Vec::new();
            }
            (Some(Command::DeleteChar), _) if field.cursor > 0 => {
                field.cursor -= 1;
                let i = at(field);
                field.value.remove(i);
            }
            (_, KeyCode::Delete) if field.cursor < len => {
                let i = at(field);
                field.value.remove(i);
            }
            _ => match typed(&key) {
                Some(c) => {
                    let i = at(field);
                    field.value.insert(i, c);
                    field.cursor += 1;
                }
                None => changed = false,
            },
        }
        if !changed {
            return Vec::new();
        }
        field.error = None;
        let workspace_changed = field.key == FieldKey::Workspace;
        form.changed = true;
        form.discard_armed = false;
        form.error = None;
        if workspace_changed {
            let (kind, ws) = (form.kind, form.workspace().to_string());
            return self.load_choices(kind, &ws);
        }
        Vec::new()
    }

    fn open_picker(&mut self, source: Source, field: Option<usize>) -> Vec<Effect> {
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

    fn on_picker_key(&mut self, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
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

    /// A template fills the form (its workspace too, when it names one this form can use).
    fn apply_template(&mut self, name: &str) -> Vec<Effect> {
        let Some(t) = self.forms.templates.iter().find(|t| t.name == name).cloned() else {
            return Vec::new();
        };
        let known = |ws: &str| self.workspaces_for(t.kind).any(|w| w.workspace.name == ws);
        let workspace = t.workspace.clone().filter(|w| known(w));
        let Some(form) = self.forms.form.as_mut() else { return Vec::new() };
        match request::item_from_spec(form.kind, &t.request) {
            Ok(item) => {
                let (values, extra) = fields::fill(&item);
                form.fill(values, extra);
                if let (Some(ws), Some(f)) = (workspace, form.field_mut(FieldKey::Workspace))
                    && !f.locked
                {
                    f.set(ws);
                }
                if let (Some(l), Some(f)) = (t.lakehouse, form.field_mut(FieldKey::Lakehouse)) {
                    f.set(l);
                }
                form.template = Some(t.name);
                form.changed = true;
                form.error = None;
                let (kind, ws) = (form.kind, form.workspace().to_string());
                self.load_choices(kind, &ws)
            }
            Err(why) => {
                form.error = Some(format!("template {name:?}: {why} (fix it in the config file)"));
                Vec::new()
            }
        }
    }

    /// ctrl-s: check the form; if it reads, ask the workspace for the exact request.
    fn review(&mut self) -> Vec<Effect> {
        let Some(form) = self.forms.form.as_ref() else { return Vec::new() };
        let (kind, ws) = (form.kind, form.workspace().to_string());
        let mut problems = match fields::describe(kind, &form.fields, &form.extra, true) {
            Ok(_) => Vec::new(),
            Err(p) => p,
        };
        let workspaces: Vec<String> = self.workspaces_for(kind).map(|w| w.workspace.name.clone()).collect();
        if !ws.is_empty() && !workspaces.contains(&ws) {
            problems.insert(
                0,
                (
                    FieldKey::Workspace,
                    format!(
                        "no {} workspace {ws:?}; configured: {}",
                        Service::of(kind).label(),
                        workspaces.join(", ")
                    ),
                ),
            );
        }
        let Some(form) = self.forms.form.as_mut() else { return Vec::new() };
        for f in &mut form.fields {
            f.error = problems.iter().find(|(k, _)| *k == f.key).map(|(_, e)| e.clone());
        }
        if let Some(first) = form.fields.iter().position(|f| f.error.is_some()) {
            form.focus = first;
            let n = problems.len();
            form.error = Some(format!(
                "{n} field{} to fix before it can be sent (nothing was sent).",
                if n == 1 { "" } else { "s" }
            ));
            return Vec::new();
        }
        let item = match fields::describe(kind, &form.fields, &form.extra, true) {
            Ok(item) => item,
            Err(_) => return Vec::new(),
        };
        // What needs no workspace, checked as the workspace layer will.
        let checked = match &item {
            NewItem::Cluster(c) => request::cluster_body(c).map(drop),
            NewItem::Run(r) => request::run_request(r).map(drop),
            _ => Ok(()),
        };
        if let Err(why) = checked {
            form.error = Some(format!("{why} (nothing was sent)"));
            return Vec::new();
        }
        let edit = match &form.mode {
            Mode::Edit { id, .. } => Some(id.clone()),
            _ => None,
        };
        form.error = None;
        form.stage = Stage::Checking;
        let effect =
            CreateEffect::Prepare { form: form.id, workspace: ws, request: Box::new(Request { item, edit }) };
        vec![Effect::Create(effect)]
    }

    /// Enter after alt-t: the form, as far as it goes, saved as `[templates.NAME]`.
    fn save_template(&mut self) -> Vec<Effect> {
        let Some(form) = self.forms.form.as_mut() else { return Vec::new() };
        let name = form.naming.clone().unwrap_or_default().trim().to_string();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            form.error = Some("A template needs a name (1 to 64 characters).".into());
            return Vec::new();
        }
        let item = match fields::describe(form.kind, &form.fields, &form.extra, false) {
            Ok(item) => item,
            Err(problems) => {
                for f in &mut form.fields {
                    f.error = problems.iter().find(|(k, _)| *k == f.key).map(|(_, e)| e.clone());
                }
                form.error = Some("Fix the marked fields first: the template keeps what they say.".into());
                form.naming = None;
                return Vec::new();
            }
        };
        let opt = |key| Some(fields::text(&form.fields, key).to_string()).filter(|t| !t.is_empty());
        let template = Template {
            name: name.clone(),
            kind: form.kind,
            workspace: opt(FieldKey::Workspace),
            lakehouse: opt(FieldKey::Lakehouse),
            request: request::spec(&item),
        };
        form.naming = None;
        form.template = Some(name.clone());
        form.error = Some(format!("Saving template {name:?}…"));
        vec![Effect::Create(CreateEffect::SaveTemplate { template })]
    }

    // ---- answers -------------------------------------------------------------------------

    pub(super) fn on_form_msg(&mut self, msg: FormMsg) -> Vec<Effect> {
        self.dirty = true;
        match msg {
            FormMsg::Choices { workspace, source, result } => {
                let choices = match result {
                    Ok(list) => Choices::Ready(list),
                    Err(e) => Choices::Failed(e),
                };
                self.forms.choices.insert((workspace.clone(), source), choices);
                if let Some(form) = &self.forms.form
                    && form.workspace() == workspace
                    && form.picker.as_ref().is_some_and(|p| p.source == source)
                {
                    let all = self.choices(form.kind, &workspace, source);
                    if let Some(p) = self.forms.form.as_mut().and_then(|f| f.picker.as_mut()) {
                        p.refilter(&all);
                    }
                }
            }
            FormMsg::Prefill { form, result } => {
                if let Some(f) =
                    self.forms.form.as_mut().filter(|f| f.id == form && matches!(f.stage, Stage::Loading(_)))
                {
                    match result {
                        Ok(item) => {
                            let (values, extra) = fields::fill(&item);
                            f.fill(values, extra);
                            f.stage = Stage::Editing;
                        }
                        Err(e) => f.stage = Stage::LoadFailed(e),
                    }
                }
            }
            FormMsg::Prepared { form, result } => {
                let Some(f) = self.forms.form.as_mut().filter(|f| f.id == form && f.stage == Stage::Checking)
                else {
                    // Closed or changed meanwhile: what was prepared is not wanted.
                    return vec![Effect::Create(CreateEffect::Discard { form })];
                };
                match result {
                    Ok(preview) => {
                        let lines = serde_json::to_string_pretty(&preview.body)
                            .unwrap_or_default()
                            .lines()
                            .map(str::to_string)
                            .collect();
                        f.stage = Stage::Review { preview, lines, scroll: 0 };
                    }
                    Err(e) => {
                        f.stage = Stage::Editing;
                        f.error = Some(e);
                    }
                }
            }
            FormMsg::Progress { form, text } => {
                if let Some(f) = self.forms.form.as_mut().filter(|f| f.id == form) {
                    f.stage = Stage::Sending(Some(text));
                }
            }
            FormMsg::Finished { form, result } => return self.create_finished(form, result),
            FormMsg::Deleted { target, result } => self.deleted(target, result),
            FormMsg::TemplateSaved { template, result } => {
                let name = template.name.clone();
                if let Some(f) = self
                    .forms
                    .form
                    .as_mut()
                    .filter(|f| f.error.as_deref().is_some_and(|e| e.starts_with("Saving template")))
                {
                    f.error = None;
                }
                match result {
                    Ok(place) => {
                        self.forms.templates.retain(|t| t.name != name);
                        self.forms.templates.push(template);
                        self.info(format!("Template {name:?} {place}."));
                    }
                    Err(e) => self.error(format!("Template {name:?} was not saved: {e}")),
                }
            }
        }
        Vec::new()
    }

    /// A create's outcome, whether or not its form is still open.
    fn create_finished(&mut self, form: u64, result: Result<CreatedItem, Failure>) -> Vec<Effect> {
        let open = self.forms.form.as_ref().is_some_and(|f| f.id == form);
        match result {
            Ok(created) => {
                if open {
                    self.forms.form = None;
                }
                let mut effects = Vec::new();
                if let Ok(item) = request::item_from_spec(created.kind, &created.request)
                    && self.forms.memory.note(&created.workspace, &item, created.lakehouse.as_deref())
                {
                    effects.push(Effect::Create(CreateEffect::Remember(self.forms.memory.clone())));
                }
                self.on_created(created);
                effects
            }
            Err(Failure::Refused(e)) => {
                match self.forms.form.as_mut().filter(|_| open) {
                    Some(f) => {
                        f.stage = Stage::Editing;
                        f.error = Some(e);
                    }
                    None => self.error(e),
                }
                Vec::new()
            }
            Err(Failure::MayExist(e)) => {
                if open {
                    // Not sent again; kept, so the user decides after looking.
                    self.forms.kept = self.forms.form.take().map(|mut f| {
                        f.stage = Stage::Editing;
                        f.error = Some(e.clone());
                        f
                    });
                }
                self.error(e);
                Vec::new()
            }
        }
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

/// The character a key types into a field, if it types one.
fn typed(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => Some(c),
        _ => None,
    }
}
