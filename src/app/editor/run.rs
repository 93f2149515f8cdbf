//! The editor inside the app: its keys, running statements (a REPL acquired on the first run,
//! what queued sent when it is ready), cancelling, copying the output, and the answers that
//! come back as `Msg`s.

use crossterm::event::KeyEvent;

use crate::app::keymap::{Command, Scope};
use crate::app::msg::{Effect, StatementUpdate};
use crate::app::{App, Help};
use crate::domain::statement::{Language, Output, Phase, Repl};

use super::{ReplState, RunState};

impl App {
    pub(in crate::app) fn on_editor_key(&mut self, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
        match command {
            Some(Command::Quit) => return vec![Effect::Quit],
            Some(Command::Back) => self.editing = false,
            Some(Command::Help) => {
                self.help = Some(Help { scope: Scope::Editor, kind: None, scroll: 0 });
            }
            Some(Command::RunCode) => return self.run_code(),
            Some(Command::NextLanguage) => {
                self.editor.language = self.editor.language.next();
                return vec![Effect::SaveDraft(self.editor.draft())];
            }
            Some(Command::CancelCode) => return self.cancel_code(),
            Some(Command::HistoryBack) | Some(Command::HistoryForward) => {
                let back = command == Some(Command::HistoryBack);
                if !self.editor.recall(back) {
                    self.info(if self.editor.history.is_empty() {
                        "The history is empty: statements you run are kept there.".into()
                    } else {
                        "Back at the text you were writing.".into()
                    });
                }
            }
            Some(Command::CopyOutput) => return self.copy_output(),
            Some(Command::OutputUp) => {
                self.editor.output_scroll = self.editor.output_scroll.saturating_add(3)
            }
            Some(Command::OutputDown) => {
                self.editor.output_scroll = self.editor.output_scroll.saturating_sub(3)
            }
            _ => {
                if self.editor.text.input(key) {
                    return vec![Effect::SaveDraft(self.editor.draft())];
                }
            }
        }
        Vec::new()
    }

    fn run_code(&mut self) -> Vec<Effect> {
        if self.read_only {
            self.error(
                "sparkdeck is read-only (config read_only = true): the editor does not run code.".into(),
            );
            return Vec::new();
        }
        let Some(workspace) = self.editor.workspace().map(str::to_string) else {
            self.error("Choose a Fabric workspace first (:editor NAME).".into());
            return Vec::new();
        };
        let Some((run, entry)) = self.editor.new_run(self.now, &workspace) else {
            self.error("Nothing to run: the editor is empty.".into());
            return Vec::new();
        };
        let mut effects: Vec<Effect> = entry.map(Effect::AppendHistory).into_iter().collect();
        effects.extend(self.dispatch(run.seq, run.language));
        effects
    }

    /// Send run `seq` where it can run: to the REPL held, else queued behind an acquisition
    /// (started here if none is under way).
    fn dispatch(&mut self, seq: u64, language: Language) -> Vec<Effect> {
        let repl = self.editor.held_repl().cloned();
        let Some(run) = self.editor.run_mut(seq) else { return Vec::new() };
        match repl {
            Some(repl) => {
                run.state = RunState::Sending;
                run.repl = Some(repl.clone());
                vec![Effect::RunStatement { seq, repl, language, code: run.code.clone() }]
            }
            None => {
                run.state = RunState::Queued;
                run.repl = None;
                if matches!(self.editor.repl, ReplState::Acquiring(_)) {
                    return Vec::new();
                }
                self.acquire(language, "requesting a place to run")
            }
        }
    }

    /// Start a new acquisition; the answer to any earlier one will be given back.
    fn acquire(&mut self, language: Language, state: &str) -> Vec<Effect> {
        let Some(place) = &self.editor.place else { return Vec::new() };
        let (workspace, place) = (place.workspace.clone(), place.lakehouse_or_cluster().map(str::to_string));
        self.editor.attempt += 1;
        self.editor.pending = None;
        self.editor.repl = ReplState::Acquiring(state.into());
        vec![Effect::AcquireRepl { attempt: self.editor.attempt, workspace, place, language }]
    }

    /// The newest output as plain text on the clipboard: text as it is, a table tab-separated
    /// (it pastes into a spreadsheet), an error with its traceback.
    fn copy_output(&mut self) -> Vec<Effect> {
        let Some((seq, output)) =
            self.editor.runs.iter().rev().find_map(|r| Some((r.seq, r.output.as_ref()?)))
        else {
            self.info("No output to copy yet.".into());
            return Vec::new();
        };
        let text = match output {
            Output::Empty => String::new(),
            Output::Text(t) => t.clone(),
            Output::Table(t) => std::iter::once(t.names().join("\t"))
                .chain(t.text_rows().iter().map(|r| r.join("\t")))
                .collect::<Vec<_>>()
                .join("\n"),
            Output::Error { name, value, traceback } => std::iter::once(format!("{name}: {value}"))
                .chain(traceback.iter().cloned())
                .collect::<Vec<_>>()
                .join("\n"),
        };
        if text.is_empty() {
            self.info(format!("[{seq}] has no output to copy."));
            return Vec::new();
        }
        self.info(format!(
            "Copied the output of [{seq}] ({} lines) to the clipboard, if the terminal allows OSC 52.",
            text.lines().count()
        ));
        vec![Effect::Copy(text)]
    }

    fn cancel_code(&mut self) -> Vec<Effect> {
        match self.editor.cancellable() {
            Some((seq, statement_id, repl)) => {
                self.info(format!("Cancelling statement {statement_id}…"));
                vec![Effect::CancelStatement { seq, repl, statement_id }]
            }
            None => {
                self.info("Nothing is running (or the service has not taken it yet).".into());
                Vec::new()
            }
        }
    }

    pub(in crate::app) fn on_repl(&mut self, attempt: u64, result: Result<Repl, String>) -> Vec<Effect> {
        let current = attempt == self.editor.attempt && matches!(self.editor.repl, ReplState::Acquiring(_));
        if !current {
            // An acquisition the editor gave up on (it moved, or started another): give it back.
            return result.map(|repl| vec![Effect::ReleaseRepl { repl }]).unwrap_or_default();
        }
        self.editor.pending = None;
        let now = self.now;
        match result {
            Ok(repl) => {
                self.editor.repl = ReplState::Ready(repl);
                self.editor.last_activity = Some(now);
                if std::mem::take(&mut self.editor.replacing) {
                    self.info(
                        "The earlier session had ended, so this one starts fresh: variables defined before are gone."
                            .into(),
                    );
                }
                let queued: Vec<(u64, Language)> = self
                    .editor
                    .runs
                    .iter()
                    .filter(|r| r.state == RunState::Queued)
                    .map(|r| (r.seq, r.language))
                    .collect();
                queued.into_iter().flat_map(|(seq, language)| self.dispatch(seq, language)).collect()
            }
            Err(e) => {
                self.editor.replacing = false;
                for run in self.editor.runs.iter_mut().filter(|r| r.state == RunState::Queued) {
                    run.state = RunState::Failed(format!("no session to run in: {e}"));
                    run.finished_at = Some(now);
                }
                self.editor.repl = ReplState::Failed(e);
                Vec::new()
            }
        }
    }

    pub(in crate::app) fn on_repl_created(&mut self, attempt: u64, repl: Repl) -> Vec<Effect> {
        if attempt == self.editor.attempt && matches!(self.editor.repl, ReplState::Acquiring(_)) {
            self.editor.pending = Some(repl);
        }
        Vec::new()
    }

    pub(in crate::app) fn on_statement(&mut self, seq: u64, update: StatementUpdate) -> Vec<Effect> {
        let now = self.now;
        let Some(run) = self.editor.run_mut(seq) else { return Vec::new() };
        match update {
            StatementUpdate::Accepted(id) => {
                run.statement_id = Some(id);
                run.state = RunState::Sent(Phase::Waiting);
            }
            StatementUpdate::Phase(phase) => run.state = RunState::Sent(phase),
            StatementUpdate::Finished(phase, output) => {
                run.state = RunState::Sent(phase);
                run.output = output;
                run.finished_at = Some(now);
                self.editor.last_activity = Some(now);
            }
            StatementUpdate::Failed { error, repl_gone } if repl_gone && run.statement_id.is_none() => {
                // It never ran: send it again — to the REPL now held if that is another one,
                // else into a new one.
                tracing::info!("statement {seq} refused by an ended REPL ({error}); sending it again");
                let (language, sent_to) = (run.language, run.repl.take());
                let held = self.editor.held_repl().cloned();
                if held.is_some() && held != sent_to {
                    return self.dispatch(seq, language);
                }
                if held.is_some() {
                    // The REPL held is the one that ended.
                    self.editor.repl = ReplState::None;
                    self.editor.replacing = true;
                    // An attached session that ended is replaced by a REPL of sparkdeck's own.
                    if let Some(place) = &mut self.editor.place {
                        place.detach();
                    }
                }
                if let Some(run) = self.editor.run_mut(seq) {
                    run.state = RunState::Queued;
                }
                if matches!(self.editor.repl, ReplState::Acquiring(_)) {
                    return Vec::new();
                }
                return self.acquire(language, "the session had ended; starting a new one");
            }
            StatementUpdate::Failed { error, .. } => {
                run.state = RunState::Failed(error);
                run.finished_at = Some(now);
            }
            StatementUpdate::CancelFailed(error) => self.error(format!("Could not cancel: {error}")),
        }
        Vec::new()
    }

    pub(in crate::app) fn on_repl_progress(&mut self, attempt: u64, state: String) {
        if attempt == self.editor.attempt
            && let ReplState::Acquiring(s) = &mut self.editor.repl
        {
            *s = state;
        }
    }
}
