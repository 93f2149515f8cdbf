//! Files and the outside editor: `:open PATH` and `:save PATH` (the language follows the
//! extension), `:export PATH.csv|.json` (the table open full screen, else the newest), and
//! `Ctrl-E`, which hands the text to `$VISUAL` / `$EDITOR` and takes back what it left. The
//! reading and writing are effects; the answers land in the tab that asked, replacing its text
//! as one edit (undo brings the old text back), so nothing is lost if the outside editor fails.

use std::path::PathBuf;

use crate::app::App;
use crate::app::msg::{Edited, Effect};
use crate::domain::statement::{Language, lines_of};

impl App {
    pub(in crate::app) fn open_file(&mut self, path: String) -> Vec<Effect> {
        self.editing = true;
        let tab = self.console.tab().id;
        vec![Effect::ReadFile { tab, path: PathBuf::from(path) }]
    }

    pub(in crate::app) fn save_file(&mut self, path: String) -> Vec<Effect> {
        let path = PathBuf::from(path);
        let tab = self.console.tab_mut();
        if let Some(language) = Language::of_path(&path) {
            tab.language = language;
        }
        vec![Effect::WriteFile { path, text: tab.code() }]
    }

    pub(in crate::app) fn export(&mut self, path: String) -> Vec<Effect> {
        let Some((seq, table)) = self.grid_table().map(|(seq, t)| (seq, t.clone())) else {
            self.error("Nothing to export: no statement of this tab returned a table yet.".into());
            return Vec::new();
        };
        let lower = path.to_ascii_lowercase();
        if !(lower.ends_with(".csv") || lower.ends_with(".json")) {
            self.error(format!(
                "{path}: export writes .csv or .json files (the extension picks the format)."
            ));
            return Vec::new();
        }
        self.info(format!("Exporting the table of [{seq}] ({} rows) to {path}…", table.rows.len()));
        vec![Effect::Export { path: PathBuf::from(path), table }]
    }

    pub(in crate::app) fn edit_externally(&mut self) -> Vec<Effect> {
        let tab = self.console.tab();
        let (what, extension) = (Edited::Tab(tab.id), tab.language.extension());
        vec![Effect::EditExternally { what, text: tab.code(), extension }]
    }

    pub(in crate::app) fn on_file_read(
        &mut self,
        tab: u64,
        path: PathBuf,
        result: Result<String, String>,
    ) -> Vec<Effect> {
        match result {
            Ok(text) => {
                let language = Language::of_path(&path);
                let replaced = self.replace_text(tab, &text, language);
                if replaced {
                    self.info(format!("Opened {} ({}).", path.display(), lines_of(&text)));
                }
                self.saved_drafts(replaced)
            }
            Err(e) => {
                self.error(format!("Cannot open {}: {e}", path.display()));
                Vec::new()
            }
        }
    }

    pub(in crate::app) fn on_edited(&mut self, tab: u64, result: Result<String, String>) -> Vec<Effect> {
        match result {
            Ok(text) => {
                let unchanged =
                    self.console.tab_by_id(tab).is_some_and(|t| t.code() == text.trim_end_matches('\n'));
                if unchanged {
                    self.info("The outside editor left the text as it was.".into());
                    return Vec::new();
                }
                let replaced = self.replace_text(tab, &text, None);
                if replaced {
                    self.info(
                        "The text from the outside editor is in (ctrl-z brings the old one back).".into(),
                    );
                }
                self.saved_drafts(replaced)
            }
            Err(e) => {
                self.error(format!("The outside editor did not finish: {e}; the text is as it was."));
                Vec::new()
            }
        }
    }

    fn saved_drafts(&self, changed: bool) -> Vec<Effect> {
        if changed { vec![Effect::SaveDraft(self.console.drafts())] } else { Vec::new() }
    }

    /// Put `text` in tab `id` as one edit (the old text one undo away); `language` when known.
    fn replace_text(&mut self, id: u64, text: &str, language: Option<Language>) -> bool {
        let rows = usize::from(self.size.1);
        let Some(tab) = self.console.tab_by_id(id) else {
            self.info("The tab that asked for this text is closed.".into());
            return false;
        };
        tab.replace(text.trim_end_matches('\n'));
        if let Some(language) = language {
            tab.language = language;
        }
        tab.refresh_highlight(rows);
        true
    }
}
