//! The editor inside the app: its keys, running statements (a REPL acquired on a tab's first
//! run, what queued sent when it is ready, cells run one after another), cancelling, copying the
//! output, and the answers that come back as `Msg`s — to whichever tab asked.

use crossterm::event::KeyEvent;

use crate::app::keymap::{Command, Scope};
use crate::app::msg::{Effect, StatementUpdate};
use crate::app::prompt::PromptMode;
use crate::app::{App, Help};
use crate::domain::statement::{Language, Output, Phase, Repl};

use super::{Editor, ReplState, Run, RunState, cells};

impl App {
    pub(in crate::app) fn on_editor_key(&mut self, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
        if self.console.picker.is_some() {
            return self.on_picker_key(key);
        }
        if self.console.tab().grid_view.is_some() {
            return self.on_grid_key(key);
        }
        if command != Some(Command::CloseTab) {
            self.console.closing = None;
        }
        let tab = self.console.tab_mut();
        let changed = match command {
            Some(Command::Quit) => return vec![Effect::Quit],
            Some(Command::Back) => {
                self.editing = false;
                false
            }
            Some(Command::Help) => {
                self.help = Some(Help { scope: Scope::Editor, kind: None, scroll: 0 });
                false
            }
            Some(Command::RunCode) => return self.run_code(false),
            Some(Command::RunAll) => return self.run_code(true),
            Some(Command::CancelCode) => return self.cancel_code(),
            Some(Command::CopyOutput) => return self.copy_output(),
            Some(Command::NewTab) => return self.new_tab(),
            Some(Command::CloseTab) => return self.close_tab(),
            Some(Command::Tab(n)) => return self.switch_tab(usize::from(n).saturating_sub(1)),
            Some(Command::ExternalEditor) => return self.edit_externally(),
            Some(Command::GridLeft) | Some(Command::GridRight) => {
                self.scroll_grid(command == Some(Command::GridRight));
                false
            }
            Some(Command::GridView) => {
                self.open_grid();
                false
            }
            Some(Command::PickTarget) => return self.open_picker(None),
            Some(Command::EditorCommand) => {
                self.open_prompt(PromptMode::Command);
                false
            }
            Some(Command::NextLanguage) => {
                tab.language = tab.language.next();
                true
            }
            Some(Command::HistoryBack) | Some(Command::HistoryForward) => {
                let back = command == Some(Command::HistoryBack);
                if !self.console.recall(back) {
                    self.info(if self.console.history.is_empty() {
                        "The history is empty: statements you run are kept there.".into()
                    } else {
                        "Back at the text you were writing.".into()
                    });
                }
                false
            }
            Some(Command::OutputUp) => {
                tab.output_scroll = tab.output_scroll.saturating_add(3);
                false
            }
            Some(Command::OutputDown) => {
                tab.output_scroll = tab.output_scroll.saturating_sub(3);
                false
            }
            Some(Command::Undo) => tab.undo_redo(false),
            Some(Command::Redo) => tab.undo_redo(true),
            Some(Command::SelectAll) => {
                tab.select_all();
                false
            }
            Some(Command::ClearText) => {
                tab.edited();
                tab.clear()
            }
            Some(Command::ToggleComment) => {
                tab.edited();
                tab.toggle_comment()
            }
            _ => {
                let changed = tab.text.input(key);
                if changed {
                    tab.edited();
                }
                changed
            }
        };
        if changed { vec![Effect::SaveDraft(self.console.drafts())] } else { Vec::new() }
    }

    /// F5: the selection, else the cell under the cursor; ctrl-F5 (`all`): every cell, each sent
    /// once the one before it has ended well. A cell's magic (`%%sql`) picks its language. When
    /// the newest run could not be sent and is what F5 would run again, it is sent again.
    fn run_code(&mut self, all: bool) -> Vec<Effect> {
        let Some(workspace) = self.console.tab().workspace().map(str::to_string) else {
            self.error("Choose where this tab runs first (ctrl-g, or :editor NAME).".into());
            return Vec::new();
        };
        // Any statement can write: a read-only workspace runs none.
        if self.refuse_read_only(&workspace, "running code") {
            return Vec::new();
        }
        let tab = self.console.tab();
        let pieces: Vec<String> = if all { tab.all_cells() } else { vec![tab.code_to_run()] };
        let language = tab.language;
        let pieces: Vec<(Language, String)> = pieces
            .iter()
            .map(|code| {
                let (magic, body) = cells::magic(code);
                (magic.unwrap_or(language), body.trim_matches('\n').to_string())
            })
            .filter(|(_, code)| !code.trim().is_empty())
            .collect();
        if pieces.is_empty() {
            self.error(
                if all {
                    "Nothing to run: every cell is empty."
                } else {
                    "Nothing to run here: the cell is empty."
                }
                .into(),
            );
            return Vec::new();
        }
        if let [(language, code)] = pieces.as_slice()
            && let Some(seq) = self.resendable(*language, code)
        {
            return self.resend(seq);
        }
        let mut effects = Vec::new();
        let mut after = None;
        let target = self.target_label();
        for (language, code) in pieces {
            let seq = self.console.take_seq();
            let run = Run {
                seq,
                language,
                code: code.clone(),
                statement_id: None,
                repl: None,
                target: target.clone(),
                state: RunState::Queued,
                progress: None,
                after,
                resendable: false,
                output: None,
                grid: None,
                started_at: self.now,
                finished_at: None,
            };
            self.console.tab_mut().push_run(run);
            effects.extend(
                self.console.remember(language, &code, &workspace, self.now).map(Effect::AppendHistory),
            );
            if after.is_none() {
                effects.extend(self.dispatch(seq));
            }
            after = Some(seq);
        }
        effects
    }

    /// The newest run, when it never reached the service and is `code` in `language` again.
    fn resendable(&self, language: Language, code: &str) -> Option<u64> {
        let last = self.console.tab().runs.back()?;
        (last.resendable && last.language == language && last.code == code).then_some(last.seq)
    }

    fn resend(&mut self, seq: u64) -> Vec<Effect> {
        let now = self.now;
        let target = self.target_label();
        if let Some(run) = self.console.tab_mut().run_mut(seq) {
            run.resendable = false;
            run.started_at = now;
            run.finished_at = None;
            run.target = target;
        }
        self.info(format!("Sending [{seq}] again."));
        self.dispatch(seq)
    }

    /// Send run `seq` (of the tab holding it) where it can run: to the REPL held, else queued
    /// behind an acquisition (started here if none is under way).
    fn dispatch(&mut self, seq: u64) -> Vec<Effect> {
        // Where it is sent, named now that the REPL (and so the real lakehouse) may be known.
        let target = self
            .console
            .tabs
            .iter()
            .find(|t| t.runs.iter().any(|r| r.seq == seq))
            .map(|t| self.target_label_of(t));
        let Some(tab) = self.console.tab_of_run(seq) else { return Vec::new() };
        let repl = tab.held_repl().cloned();
        let acquiring = matches!(tab.repl, ReplState::Acquiring(_));
        let Some(run) = tab.run_mut(seq) else { return Vec::new() };
        match repl {
            Some(repl) => {
                run.state = RunState::Sending;
                run.repl = Some(repl.clone());
                if let Some(target) = target {
                    run.target = target;
                }
                vec![Effect::RunStatement { seq, repl, language: run.language, code: run.code.clone() }]
            }
            None => {
                run.state = RunState::Queued;
                run.repl = None;
                let language = run.language;
                if acquiring {
                    return Vec::new();
                }
                self.acquire(seq, language, "requesting a place to run")
            }
        }
    }

    /// Start a new acquisition for the tab holding run `seq`; the answer to any earlier one will
    /// be given back.
    fn acquire(&mut self, seq: u64, language: Language, state: &str) -> Vec<Effect> {
        let attempt = self.console.take_attempt();
        let Some(tab) = self.console.tab_of_run(seq) else { return Vec::new() };
        let Some(place) = &tab.place else { return Vec::new() };
        let workspace = place.workspace.clone();
        let tag = place.tag().map(str::to_string);
        let place = place.lakehouse_or_cluster().map(str::to_string);
        tab.attempt = attempt;
        tab.pending = None;
        tab.repl = ReplState::Acquiring(state.into());
        let settings = tab.settings.clone();
        vec![Effect::AcquireRepl { attempt, workspace, place, tag, settings, language }]
    }

    /// The newest output as plain text on the clipboard: text as it is, a table tab-separated
    /// (it pastes into a spreadsheet), an error with its traceback.
    fn copy_output(&mut self) -> Vec<Effect> {
        let Some((seq, output)) =
            self.console.tab().runs.iter().rev().find_map(|r| Some((r.seq, r.output.as_ref()?)))
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
        // The terminal would cut it at the limit without a word: say so, and where it fits.
        if text.len() > crate::app::COPY_LIMIT {
            let whole = match output {
                Output::Table(_) => "; :export FILE.csv writes the table whole",
                _ => "",
            };
            self.error(format!(
                "The output of [{seq}] is {} of text, more than the terminal clipboard carries ({}); \
                 nothing was copied{whole}.",
                crate::app::open::size(text.len()),
                crate::app::open::size(crate::app::COPY_LIMIT)
            ));
            return Vec::new();
        }
        self.info(format!(
            "Copied the output of [{seq}] ({} lines) to the clipboard, if the terminal allows OSC 52.",
            text.lines().count()
        ));
        vec![Effect::Copy(text)]
    }

    fn cancel_code(&mut self) -> Vec<Effect> {
        match self.console.tab().cancellable() {
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
        let now = self.now;
        let Some(tab) = self.console.tab_of_attempt(attempt) else {
            // An acquisition given up on (the tab moved, closed, or started another): give it back.
            return result.map(|repl| vec![Effect::ReleaseRepl { repl }]).unwrap_or_default();
        };
        tab.pending = None;
        match result {
            Ok(repl) => {
                tab.repl = ReplState::Ready(repl);
                tab.last_activity = Some(now);
                let fresh = std::mem::take(&mut tab.replacing);
                let queued: Vec<u64> = tab
                    .runs
                    .iter()
                    .filter(|r| r.state == RunState::Queued && r.after.is_none())
                    .map(|r| r.seq)
                    .collect();
                if fresh {
                    self.info(
                        "The earlier session had ended, so this one starts fresh: variables defined before are gone."
                            .into(),
                    );
                }
                queued.into_iter().flat_map(|seq| self.dispatch(seq)).collect()
            }
            Err(e) => {
                tab.replacing = false;
                for run in tab.runs.iter_mut().filter(|r| r.state == RunState::Queued) {
                    run.state = RunState::Failed(format!("no session to run in: {e}"));
                    run.finished_at = Some(now);
                }
                tab.repl = ReplState::Failed(e);
                Vec::new()
            }
        }
    }

    pub(in crate::app) fn on_repl_created(&mut self, attempt: u64, repl: Repl) -> Vec<Effect> {
        if let Some(tab) = self.console.tab_of_attempt(attempt) {
            tab.pending = Some(repl);
        }
        Vec::new()
    }

    pub(in crate::app) fn on_statement(&mut self, seq: u64, update: StatementUpdate) -> Vec<Effect> {
        let now = self.now;
        let Some(tab) = self.console.tab_of_run(seq) else { return Vec::new() };
        let Some(run) = tab.run_mut(seq) else { return Vec::new() };
        match update {
            StatementUpdate::Accepted(id) => {
                run.statement_id = Some(id);
                run.state = RunState::Sent(Phase::Waiting);
            }
            StatementUpdate::Phase(phase, progress) => {
                run.state = RunState::Sent(phase);
                run.progress = progress.or(run.progress);
            }
            StatementUpdate::Finished(phase, output) => {
                run.state = RunState::Sent(phase);
                run.grid = match &output {
                    Some(Output::Table(t)) => Some(super::grid_of(t)),
                    _ => None,
                };
                run.output = output;
                run.finished_at = Some(now);
                tab.last_activity = Some(now);
                return self.after_run(seq);
            }
            StatementUpdate::Failed { error, repl_gone } if repl_gone && run.statement_id.is_none() => {
                // It never ran: send it again — to the REPL now held if that is another one,
                // else into a new one.
                tracing::info!("statement {seq} refused by an ended REPL ({error}); sending it again");
                let (language, sent_to) = (run.language, run.repl.take());
                let held = tab.held_repl().cloned();
                if held.is_some() && held != sent_to {
                    return self.dispatch(seq);
                }
                if held.is_some() {
                    // The REPL held is the one that ended.
                    tab.repl = ReplState::None;
                    tab.replacing = true;
                    // An attached session that ended is replaced by a REPL of sparkdeck's own.
                    if let Some(place) = &mut tab.place {
                        place.detach();
                    }
                }
                if let Some(run) = tab.run_mut(seq) {
                    run.state = RunState::Queued;
                }
                if matches!(tab.repl, ReplState::Acquiring(_)) {
                    return Vec::new();
                }
                return self.acquire(seq, language, "the session had ended; starting a new one");
            }
            StatementUpdate::Failed { error, .. } => {
                // Never accepted: nothing ran, so F5 may send it again.
                run.resendable = run.statement_id.is_none();
                run.state = RunState::Failed(error);
                run.finished_at = Some(now);
                return self.after_run(seq);
            }
            StatementUpdate::CancelFailed(error) => self.error(format!("Could not cancel: {error}")),
        }
        Vec::new()
    }

    /// Run `seq` ended: the run waiting for it is sent if it ended well; otherwise it and those
    /// after it are not run.
    fn after_run(&mut self, seq: u64) -> Vec<Effect> {
        let now = self.now;
        let Some(tab) = self.console.tab_of_run(seq) else { return Vec::new() };
        let ok = tab.runs.iter().any(|r| r.seq == seq && r.succeeded());
        let Some(next) = tab.runs.iter().find(|r| r.after == Some(seq)).map(|r| r.seq) else {
            return Vec::new();
        };
        if ok {
            if let Some(run) = tab.run_mut(next) {
                run.after = None;
                run.started_at = now;
            }
            return self.dispatch(next);
        }
        let mut skipped = next;
        while let Some(run) = tab.run_mut(skipped) {
            run.state = RunState::Failed(format!("not run: [{seq}] before it did not succeed"));
            run.finished_at = Some(now);
            run.after = None;
            match tab.runs.iter().find(|r| r.after == Some(skipped)) {
                Some(r) => skipped = r.seq,
                None => break,
            }
        }
        Vec::new()
    }

    pub(in crate::app) fn on_repl_progress(&mut self, attempt: u64, state: String) {
        if let Some(tab) = self.console.tab_of_attempt(attempt)
            && let ReplState::Acquiring(s) = &mut tab.repl
        {
            *s = state;
        }
    }

    /// Highlight what can be on screen of the tab in front, after anything that may change it.
    pub(in crate::app) fn refresh_editor(&mut self) {
        let rows = usize::from(self.size.1);
        self.console.tab_mut().refresh_highlight(rows);
    }

    /// Where the tab in front runs, as outputs name it ("Sales Analytics / lh_sales").
    pub fn target_label(&self) -> String {
        self.target_label_of(self.console.tab())
    }

    /// Where `tab` runs, named for the screen.
    pub fn target_label_of<'a>(&'a self, tab: &'a Editor) -> String {
        let Some(place) = &tab.place else { return "nowhere yet".into() };
        let show = |label: &'a str| self.targets.display(&place.workspace, label);
        let within = match (&tab.repl, place.label_with(show)) {
            (_, Some(label)) if place.tag().is_some() => label,
            (ReplState::Ready(Repl::Livy { lakehouse, .. }), _) => show(lakehouse).to_string(),
            (_, Some(label)) => label,
            (_, None) => match self.targets.lakehouses(&place.workspace).first() {
                Some(first) => show(first).to_string(),
                None => "its first lakehouse".into(),
            },
        };
        match &tab.settings {
            Some(s) => {
                format!("{} / {within} · {}", place.workspace, self.targets.describe(&place.workspace, s))
            }
            None => format!("{} / {within}", place.workspace),
        }
    }
}
