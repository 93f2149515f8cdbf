//! The line at the bottom: the `:` command line (Tab completes, Enter runs the command), the
//! `/` filter (applied as you type), the logs search and the new size of a cluster.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::App;
use super::command::{self, Cmd};
use super::filter::Filter;
use super::help::Help;
use super::keymap::{Command, Scope};
use super::msg::Effect;

/// The `:` or `/` line being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub mode: PromptMode,
    pub text: String,
    /// Completion candidates after Tab (command line), shown next to the text.
    pub candidates: Vec<String>,
    /// Which candidate a repeated Tab put in the line.
    cycle: Option<usize>,
    /// Why the text is not applied (an invalid regex, a size that is not one).
    pub error: Option<String>,
    /// The text was there when the line opened (the current filter, search or size) and is
    /// selected: typing replaces it, Backspace removes it, Enter keeps it.
    pub selected: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptMode {
    Command,
    Filter,
    /// Searching the logs view.
    Search,
    /// The new size of the selected cluster ("4" or "2-8").
    Resize,
    /// The parameters of a job run (`p`): `KEY=VALUE ...`.
    Parameters,
    /// The name of the production workspace `:rw` lifts read-only from.
    Unlock,
}

impl App {
    pub(super) fn open_prompt(&mut self, mode: PromptMode) {
        self.open_prompt_with(mode, String::new());
    }

    /// Open the line holding `text`, selected (so typing replaces it).
    pub(super) fn open_prompt_with(&mut self, mode: PromptMode, text: String) {
        let selected = !text.is_empty();
        self.prompt = Some(Prompt { mode, text, candidates: Vec::new(), cycle: None, error: None, selected });
    }

    pub(super) fn on_prompt_key(&mut self, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
        let Some(mode) = self.prompt.as_ref().map(|p| p.mode) else { return Vec::new() };
        match command {
            Some(Command::Back) => {
                self.prompt = None;
                if mode == PromptMode::Unlock {
                    self.unlock_dropped();
                }
                if mode == PromptMode::Filter && self.panes[self.pane.index()].filter.take().is_some() {
                    self.refilter(false);
                }
            }
            Some(Command::Submit) => {
                let text = self.prompt.take().map(|p| p.text).unwrap_or_default();
                match mode {
                    PromptMode::Command => return self.execute(&text),
                    PromptMode::Search => self.search_logs(&text),
                    PromptMode::Resize => self.confirm_size(&text),
                    PromptMode::Parameters => self.confirm_parameters(&text),
                    PromptMode::Unlock => self.unlock_typed(&text),
                    PromptMode::Filter => {}
                }
            }
            Some(Command::Complete) if mode == PromptMode::Command => self.complete(),
            Some(edit @ (Command::DeleteChar | Command::DeleteWord | Command::ClearLine)) => {
                if let Some(p) = &mut self.prompt {
                    match edit {
                        _ if p.selected => p.text.clear(),
                        Command::DeleteChar => drop(p.text.pop()),
                        Command::DeleteWord => {
                            let kept = p.text.trim_end().rfind(' ').map_or(0, |i| i + 1);
                            p.text.truncate(kept);
                        }
                        _ => p.text.clear(),
                    }
                    p.selected = false;
                }
                return self.edited(mode);
            }
            _ => {
                if let KeyCode::Char(c) = key.code
                    && !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                {
                    if let Some(p) = &mut self.prompt {
                        if std::mem::take(&mut p.selected) {
                            p.text.clear();
                        }
                        p.text.push(c);
                    }
                    return self.edited(mode);
                } else if let Some(p) = self.prompt.as_mut().filter(|p| p.selected) {
                    // Any other key (an arrow, End) keeps the text for editing.
                    p.selected =
                        !matches!(key.code, KeyCode::Left | KeyCode::Right | KeyCode::End | KeyCode::Home);
                }
            }
        }
        Vec::new()
    }

    /// After typing: filters apply as you type; the command line forgets stale completions.
    fn edited(&mut self, mode: PromptMode) -> Vec<Effect> {
        let Some(p) = &mut self.prompt else { return Vec::new() };
        p.cycle = None;
        p.candidates.clear();
        if mode == PromptMode::Search {
            let text = p.text.clone();
            self.search_logs(&text);
            return Vec::new();
        }
        if mode != PromptMode::Filter {
            return Vec::new();
        }
        match Filter::parse(&p.text, self.pane.kind()) {
            Ok(filter) => {
                p.error = None;
                let vs = &mut self.panes[self.pane.index()];
                let narrows = matches!((&filter, &vs.filter), (Some(new), Some(old)) if new.narrows(old));
                vs.filter = filter;
                vs.select(0);
                let effects = self.ask_identities();
                if self.stale[self.pane.index()] {
                    self.rebuild(self.pane)
                } else {
                    self.refilter(narrows)
                }
                return effects;
            }
            Err(e) => p.error = Some(e.to_string()),
        }
        Vec::new()
    }

    /// Tab: extend to the longest shared prefix; when that adds nothing, cycle through the
    /// candidates.
    fn complete(&mut self) {
        let names: Vec<String> = self.workspaces.iter().map(|w| w.workspace.name.clone()).collect();
        let filters = self.filter_names();
        let Some(p) = &mut self.prompt else { return };
        let (base, next) = match p.cycle {
            Some(i) => (p.candidates.clone(), Some(i + 1)),
            None => {
                let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                let filters: Vec<&str> = filters.iter().map(String::as_str).collect();
                (command::candidates(&p.text, &refs, &filters), None)
            }
        };
        if base.is_empty() {
            p.error = Some("no completions".into());
            return;
        }
        p.error = None;
        let prefix = command::common_prefix(&base);
        match next {
            None if prefix.len() > p.text.len() || base.len() == 1 => {
                p.text = if base.len() == 1 { base[0].clone() } else { prefix };
                p.candidates = if base.len() == 1 { Vec::new() } else { base };
            }
            _ => {
                let i = next.unwrap_or(0) % base.len();
                p.text = base[i].clone();
                p.cycle = Some(i);
                p.candidates = base;
            }
        }
    }

    fn execute(&mut self, line: &str) -> Vec<Effect> {
        match command::parse(line) {
            Ok(Cmd::Show(pane)) => self.show(pane),
            Ok(Cmd::Workspace(name)) => self.set_scope(name),
            Ok(Cmd::Editor(name)) => self.open_editor(name),
            Ok(Cmd::Events(workspace)) => {
                if workspace.as_deref().is_none_or(|w| self.workspace_named(w).is_some()) {
                    self.open_sheet(super::SheetKind::Events { workspace });
                }
                Vec::new()
            }
            Ok(Cmd::Errors) => {
                self.open_sheet(super::SheetKind::Errors);
                Vec::new()
            }
            Ok(Cmd::Filter(cmd)) => self.run_filter_command(cmd),
            Ok(Cmd::Columns) => {
                self.open_column_picker();
                Vec::new()
            }
            Ok(Cmd::Open(path)) => self.open_file(path),
            Ok(Cmd::Save(path)) => self.save_file(path),
            Ok(Cmd::Export(path)) => self.export(path),
            Ok(Cmd::Help) => {
                self.help = Some(Help { scope: Scope::Pane, kind: self.focused_kind(), scroll: 0 });
                Vec::new()
            }
            Ok(Cmd::ReadOnly(name)) => self.set_read_only(name.as_deref()),
            Ok(Cmd::ReadWrite(name)) => self.set_read_write(name.as_deref()),
            Ok(Cmd::Quit) => self.quit(),
            Ok(Cmd::Nothing) => Vec::new(),
            Err(e) => {
                self.error(e.to_string());
                Vec::new()
            }
        }
    }
}
