//! Keys while a form has focus: moving between fields, typing in one, opening its list, the
//! review (ctrl-s: what the app can check, then the workspace's check as an effect) and its
//! y / n, esc (a changed form asks once more, and is kept for `n`).

use crossterm::event::{KeyCode, KeyEvent};

use crate::domain::Service;
use crate::domain::create::NewItem;
use crate::domain::request;

use super::super::App;
use super::super::help::Help;
use super::super::keymap::Command;
use super::super::msg::{Edited, Effect};
use super::super::update::{is_motion, moved};
use super::{CreateEffect, Field, FieldKey, Mode, Request, Source, Stage, fields, typed};

impl App {
    /// A key while a form, its review or a typed delete has focus.
    pub(in crate::app) fn on_form_key(&mut self, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
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
                    *scroll = moved(*scroll, lines.len().saturating_sub(1), 10, c);
                }
                _ => {}
            },
            Stage::Sending(_) if command == Some(Command::Back) => {
                // Kept until the answer: a refusal brings it back with `n`, nothing typed lost.
                self.forms.kept = self.forms.form.take();
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

    pub(super) fn on_editing_key(&mut self, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
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
            return self.on_list_key(key, command);
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
                    Some(source) if !field.locked => return self.open_list(source, Some(focus)),
                    _ => form.focus = (focus + 1).min(last),
                }
            }
            Some(Command::Submit) => return self.review(),
            Some(Command::Templates) => return self.open_list(Source::Templates, None),
            Some(Command::ExternalEditor) => {
                return match self.request_to_edit() {
                    Some((id, text)) => {
                        vec![Effect::EditExternally { what: Edited::Form(id), text, extension: "json" }]
                    }
                    None => Vec::new(),
                };
            }
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
    pub(super) fn edit_field(&mut self, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
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

    /// ctrl-s: check the form; if it reads, ask the workspace for the exact request.
    pub(super) fn review(&mut self) -> Vec<Effect> {
        let Some(form) = self.forms.form.as_ref() else { return Vec::new() };
        let (kind, ws) = (form.kind, form.workspace().to_string());
        let mut problems = match fields::describe(kind, &form.fields, &form.extra, true) {
            Ok(_) => Vec::new(),
            Err(p) => p,
        };
        let workspaces: Vec<String> = self.workspaces_for(kind).map(|w| w.workspace.name.clone()).collect();
        if let Some(why) = self.read_only_refusal(&ws, &format!("a new {}", kind.singular())) {
            problems.insert(0, (FieldKey::Workspace, why));
        } else if !ws.is_empty() && !workspaces.contains(&ws) {
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
}
