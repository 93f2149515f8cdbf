//! Templates in the form: ctrl-t lists the `[templates.NAME]` of the form's kind and fills the
//! form from the one chosen; alt-t names the form, as far as it goes, and saves it as one (the
//! effect runner writes the configuration file).

use crate::domain::create::Template;
use crate::domain::request;

use super::super::App;
use super::super::msg::Effect;
use super::{CreateEffect, FieldKey, fields};

impl App {
    /// A template fills the form (its workspace too, when it names one this form can use).
    pub(super) fn apply_template(&mut self, name: &str) -> Vec<Effect> {
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

    /// Enter after alt-t: the form, as far as it goes, saved as `[templates.NAME]`.
    pub(super) fn save_template(&mut self) -> Vec<Effect> {
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
}
