//! What comes back to the form (`Msg::Form`): lists, prefills, the checked request for the
//! review, upload progress, a create's outcome (a refusal back to the form; an unknown outcome
//! never sent again, the form kept), a permanent delete, a saved template.

use crate::domain::request;

use super::super::App;
use super::super::msg::Effect;
use super::{Choices, CreateEffect, CreatedItem, Failure, Form, FormMsg, Mode, Stage, fields};

impl Form {
    /// The workspace's refusal under the fields, and the field it names marked and focused: the
    /// one whose value it quotes ("unknown spark version \"x\"") or starts with ("x: no such
    /// local file"). Short values are not matched: "2" is in too many texts.
    fn refused(&mut self, why: String) {
        let named = self.fields.iter().position(|f| {
            let v = f.value.trim();
            v.chars().count() >= 3 && (why.starts_with(&format!("{v}:")) || why.contains(&format!("{v:?}")))
        });
        if let Some(i) = named {
            self.focus = i;
            self.fields[i].error = Some("refused by the workspace (below)".into());
        }
        self.error = Some(why);
    }
}

impl App {
    pub(in crate::app) fn on_form_msg(&mut self, msg: FormMsg) -> Vec<Effect> {
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
                        f.refused(e);
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
    pub(super) fn create_finished(&mut self, form: u64, result: Result<CreatedItem, Failure>) -> Vec<Effect> {
        let open = self.forms.form.as_ref().is_some_and(|f| f.id == form);
        // Closed while it was being sent: it waits in `kept`.
        let closed = !open && self.forms.kept.as_ref().is_some_and(|f| f.id == form);
        match result {
            Ok(created) => {
                if open {
                    self.forms.form = None;
                } else if closed {
                    self.forms.kept = None;
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
                // A 430 on a create is not retried: it counts in the capacity signal here.
                let form_ws =
                    [&self.forms.form, &self.forms.kept].into_iter().flatten().find(|f| f.id == form);
                if let Some(ws) = form_ws.map(|f| f.workspace().to_string()) {
                    self.count_capacity_texts(&ws, [e.as_str()]);
                }
                if open {
                    if let Some(f) = self.forms.form.as_mut() {
                        f.stage = Stage::Editing;
                        f.refused(e);
                    }
                    return Vec::new();
                }
                match self.forms.kept.as_mut().filter(|_| closed) {
                    Some(f) => {
                        f.stage = Stage::Editing;
                        f.error = Some(e.clone());
                        let again =
                            if f.mode == Mode::New { "n brings the form back" } else { "nothing was sent" };
                        self.error(format!("{e} — {again}"));
                    }
                    None => self.error(e),
                }
                Vec::new()
            }
            Err(Failure::MayExist(e)) => {
                if open {
                    // Not sent again; kept, so the user decides after looking.
                    self.forms.kept = self.forms.form.take();
                }
                if let Some(f) = self.forms.kept.as_mut().filter(|f| f.id == form) {
                    f.stage = Stage::Editing;
                    f.error = Some(e.clone());
                }
                self.error(e);
                Vec::new()
            }
        }
    }
}
