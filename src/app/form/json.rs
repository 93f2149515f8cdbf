//! ctrl-e: the form's whole request as JSON, to edit outside (`$VISUAL` / `$EDITOR`), and the
//! edited document read back into the form — through the same conversions the headless
//! `--json` uses (`domain::request`), so fields the form has no place for stay as given. The
//! workspace and the lakehouse are not part of the body: they stay in their fields. Text that
//! does not read is kept, and ctrl-e opens it again: nothing typed outside is lost.

use crate::domain::request;

use super::super::App;
use super::{FieldKey, Form, Stage, fields};

impl App {
    /// ctrl-e: the open form's id and its request as JSON, to edit outside; `None` (the reason
    /// shown in the form) when there is no request to edit.
    pub(in crate::app) fn request_to_edit(&mut self) -> Option<(u64, String)> {
        let form = self.forms.form.as_mut().filter(|f| f.stage == Stage::Editing)?;
        match form.request_text() {
            Ok(text) => Some((form.id, text)),
            Err(why) => {
                form.error = Some(why);
                None
            }
        }
    }

    /// What the outside editor left for form `form`: into the form, or why not (the form as it
    /// was; text that does not read kept for the next ctrl-e).
    pub(in crate::app) fn on_request_edited(&mut self, form: u64, result: Result<String, String>) {
        let Some(f) = self.forms.form.as_mut().filter(|f| f.id == form) else { return };
        match result {
            Ok(text) => match f.apply_request_text(&text) {
                Ok(()) => self.info("The request edited outside is in the form; ctrl-s reviews it.".into()),
                Err(why) => f.error = Some(why),
            },
            Err(why) => {
                f.error = Some(format!("The outside editor did not finish: {why}; the form is as it was."))
            }
        }
    }
}

impl Form {
    /// The document to edit: the text a failed read left, else the request as far as the form
    /// goes, pretty-printed. `Err`: a field does not read (it is marked), so there is no request.
    pub fn request_text(&mut self) -> Result<String, String> {
        if let Some(kept) = &self.json_kept {
            return Ok(kept.clone());
        }
        match fields::describe(self.kind, &self.fields, &self.extra, false) {
            Ok(item) => Ok(serde_json::to_string_pretty(&request::spec(&item)).unwrap_or_default() + "\n"),
            Err(problems) => {
                for f in &mut self.fields {
                    f.error = problems.iter().find(|(k, _)| *k == f.key).map(|(_, e)| e.clone());
                }
                Err("Fix the marked fields first: the JSON is made from them.".into())
            }
        }
    }

    /// The edited document into the form (the workspace and lakehouse as they were); when it
    /// does not read, the form stays as it was and the text is kept for the next ctrl-e.
    pub fn apply_request_text(&mut self, text: &str) -> Result<(), String> {
        let read = serde_json::from_str(text)
            .map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))
            .and_then(|value| request::item_from_spec(self.kind, &value));
        let item = match read {
            Ok(item) => item,
            Err(why) => {
                self.json_kept = Some(text.to_string());
                return Err(format!(
                    "The edited JSON does not read ({why}): the form is unchanged; ctrl-e opens your text again."
                ));
            }
        };
        let lakehouse = fields::text(&self.fields, FieldKey::Lakehouse).to_string();
        let (values, extra) = fields::fill(&item);
        self.fill(values, extra);
        if let Some(f) = self.field_mut(FieldKey::Lakehouse).filter(|f| f.value.trim().is_empty()) {
            f.set(lakehouse);
        }
        self.json_kept = None;
        self.changed = true;
        self.discard_armed = false;
        self.error = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::Mode;
    use super::*;
    use crate::domain::Kind;

    fn batch_form() -> Form {
        let mut form = Form::new(1, Kind::Batch, Mode::New, "fabric-prod");
        for (key, value) in [
            (FieldKey::Lakehouse, "sales_lh"),
            (FieldKey::File, "Files/etl.py"),
            (FieldKey::Args, "--title \"Q4 sales\""),
            (FieldKey::Conf, "spark.executor.memory=8g"),
        ] {
            if let Some(f) = form.field_mut(key) {
                f.set(value.into());
            }
        }
        form
    }

    fn value(form: &Form, key: FieldKey) -> &str {
        fields::text(&form.fields, key)
    }

    #[test]
    fn the_request_goes_out_as_json_and_comes_back_with_what_the_form_has_no_field_for() {
        let mut form = batch_form();
        let text = form.request_text().unwrap_or_default();
        let body: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(
            body,
            json!({"file": "Files/etl.py", "args": ["--title", "Q4 sales"], "conf": {"spark.executor.memory": "8g"}})
        );
        let edited = r#"{"file": "Files/etl2.py", "args": ["--day", "1"], "numExecutors": 4,
                         "conf": {"spark.executor.memory": "8g"}, "queue": "gold"}"#;
        assert_eq!(form.apply_request_text(edited), Ok(()));
        assert_eq!(value(&form, FieldKey::File), "Files/etl2.py");
        assert_eq!(value(&form, FieldKey::Args), "--day 1");
        assert_eq!(value(&form, FieldKey::NumExecutors), "4");
        assert_eq!(
            (value(&form, FieldKey::Workspace), value(&form, FieldKey::Lakehouse)),
            ("fabric-prod", "sales_lh")
        );
        assert_eq!(form.extra_keys(), ["queue"], "kept and sent as given");
        assert!(form.changed);
    }

    #[test]
    fn json_that_does_not_read_leaves_the_form_and_is_opened_again() {
        let mut form = batch_form();
        let broken = "{\n  \"file\": \"Files/x.py\",\n  \"args\": [1\n";
        let e = form.apply_request_text(broken).err().unwrap_or_default();
        assert!(e.starts_with("The edited JSON does not read (line 4, column 0:"), "{e}");
        assert!(e.ends_with("ctrl-e opens your text again."), "{e}");
        assert_eq!(value(&form, FieldKey::File), "Files/etl.py", "unchanged");
        assert_eq!(form.request_text().as_deref(), Ok(broken), "the edited text, not the form's");
        // Valid JSON of the wrong shape is refused as the headless --json refuses it.
        let e = form.apply_request_text(r#"{"file": "f", "args": "--day 1"}"#).err().unwrap_or_default();
        assert!(e.contains("args"), "{e}");
        assert!(form.apply_request_text(r#"{"file": "Files/ok.py"}"#).is_ok());
        assert!(
            form.request_text().is_ok_and(|t| t.contains("Files/ok.py")),
            "read: the form's request again"
        );
    }

    #[test]
    fn fields_that_do_not_read_are_marked_first() {
        let mut form = batch_form();
        if let Some(f) = form.field_mut(FieldKey::DriverCores) {
            f.set("four".into());
        }
        assert!(form.request_text().is_err());
        let marked =
            form.fields.iter().find(|f| f.key == FieldKey::DriverCores).and_then(|f| f.error.clone());
        assert_eq!(marked.as_deref(), Some("\"four\" is not a whole number"));
    }
}
