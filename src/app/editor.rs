//! The statement editor's state: the text being written (a ratatui-textarea), its language,
//! the REPL it runs in, the statements run so far with their outputs, and the history.
//!
//! Like the rest of `app`, no I/O: running, cancelling, acquiring a REPL and saving the draft
//! leave as `Effect`s; their outcomes come back as `Msg`s.

use std::collections::{HashMap, VecDeque};

use jiff::Timestamp;
use ratatui_textarea::TextArea;

use crate::domain::statement::{Language, Output, Phase, Repl};
use crate::drafts::{Draft, HistoryEntry, MAX_HISTORY};

/// Statements kept on screen with their outputs (older ones stay in the history).
pub const MAX_RUNS: usize = 50;

/// The REPL the editor runs code in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplState {
    /// None yet: one is acquired when the first statement runs.
    None,
    /// Being acquired; the latest state the service reported.
    Acquiring(String),
    Ready(Repl),
    /// The last acquisition failed; running again retries.
    Failed(String),
}

/// Where one statement is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunState {
    /// Waiting for the REPL.
    Queued,
    /// Handed to the runner; the service has not said it took it yet.
    Sending,
    /// Sent; the service's phase.
    Sent(Phase),
    /// It could not be sent or read.
    Failed(String),
}

/// One statement the user ran, and what came of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Numbers runs within this app (the service's statement ids are per REPL).
    pub seq: u64,
    pub language: Language,
    pub code: String,
    pub statement_id: Option<String>,
    /// Where it was sent (statement ids are per REPL).
    pub repl: Option<Repl>,
    pub state: RunState,
    pub output: Option<Output>,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
}

impl Run {
    pub fn is_finished(&self) -> bool {
        match &self.state {
            RunState::Queued | RunState::Sending => false,
            RunState::Sent(phase) => phase.is_finished(),
            RunState::Failed(_) => true,
        }
    }
}

/// The editor.
#[derive(Debug, Clone)]
pub struct Editor {
    /// The workspace it runs in, once chosen.
    pub workspace: Option<String>,
    /// Where in it: a Fabric lakehouse label (`None` = the first configured) or a Databricks
    /// cluster id.
    pub place: Option<String>,
    /// How to name `place` on screen ("sales_lh", "cluster etl-nightly").
    pub place_label: Option<String>,
    /// It runs on a Databricks cluster (execution contexts), not in a Fabric session.
    pub on_cluster: bool,
    /// The id of the existing Livy session it is attached to, when one was chosen.
    pub attached: Option<String>,
    pub text: TextArea<'static>,
    pub language: Language,
    pub repl: ReplState,
    pub runs: VecDeque<Run>,
    /// Runs dropped from `runs` to keep memory bounded (their code stays in the history).
    pub dropped_runs: usize,
    pub history: Vec<HistoryEntry>,
    /// Where history navigation is (`None`: editing the draft).
    history_pos: Option<usize>,
    /// Texts (with their language) left at history positions while browsing, so nothing typed
    /// is lost by moving through the history: `None` is the draft being written, `Some(i)` an
    /// edited history entry.
    slots: HashMap<Option<usize>, (String, Language)>,
    /// Output lines scrolled up from the bottom (0 = follow the newest).
    pub output_scroll: usize,
    next_seq: u64,
    /// Shown once in the status line (e.g. an unreadable saved draft).
    pub notice: Option<String>,
    /// The REPL being acquired replaces one that ended: say that its variables are gone.
    replacing: bool,
    /// When the REPL last did something (ready, a statement ended): Fabric ends a session
    /// 20 idle minutes after that.
    pub last_activity: Option<Timestamp>,
    /// Numbers the acquisitions; only the answer to the current one is taken.
    attempt: u64,
    /// What the current acquisition made before it was ready: given back if abandoned.
    pending: Option<Repl>,
    /// REPLs given up while statements still ran in them: left to finish, named on quit.
    pub left_running: Vec<Repl>,
}

impl Default for Editor {
    fn default() -> Self {
        Editor::new(Draft::default(), Vec::new())
    }
}

impl Editor {
    /// An editor holding the saved draft and history.
    pub fn new(draft: Draft, history: Vec<HistoryEntry>) -> Editor {
        let mut text = TextArea::new(lines_of(&draft.text));
        text.set_placeholder_text("Write PySpark, Scala, SQL or R; F5 runs it, F2 changes the language");
        text.move_cursor(ratatui_textarea::CursorMove::Bottom);
        text.move_cursor(ratatui_textarea::CursorMove::End);
        Editor {
            workspace: None,
            place: None,
            place_label: None,
            on_cluster: false,
            attached: None,
            text,
            language: draft.language,
            repl: ReplState::None,
            runs: VecDeque::new(),
            dropped_runs: 0,
            history,
            history_pos: None,
            slots: HashMap::new(),
            output_scroll: 0,
            next_seq: 1,
            notice: None,
            replacing: false,
            last_activity: None,
            attempt: 0,
            pending: None,
            left_running: Vec::new(),
        }
    }

    pub fn code(&self) -> String {
        self.text.lines().join("\n")
    }

    pub fn draft(&self) -> Draft {
        Draft { language: self.language, text: self.code() }
    }

    /// A REPL is held (to be released on quit).
    pub fn held_repl(&self) -> Option<&Repl> {
        match &self.repl {
            ReplState::Ready(r) => Some(r),
            _ => None,
        }
    }

    /// Something is under way whose elapsed time is on screen.
    pub fn is_busy(&self) -> bool {
        matches!(self.repl, ReplState::Acquiring(_)) || self.runs.iter().any(|r| !r.is_finished())
    }

    /// When Fabric will end the editor's idle session (`None`: not a Fabric session, or busy).
    /// Counted from its last activity seen here, so it is an upper bound for an attached
    /// session that others use too.
    pub fn idle_timeout_at(&self) -> Option<Timestamp> {
        let fabric = matches!(&self.repl, ReplState::Ready(Repl::Livy { .. } | Repl::LivySession { .. }));
        if !fabric || self.is_busy() {
            return None;
        }
        self.last_activity?.checked_add(crate::domain::IDLE_TIMEOUT).ok()
    }

    /// What F5 runs: the selection (shift + arrows) when there is one, else the whole text.
    pub fn code_to_run(&self) -> String {
        let Some(((r0, c0), (r1, c1))) = self.text.selection_range().filter(|(a, b)| a != b) else {
            return self.code();
        };
        let lines = self.text.lines();
        let cut = |line: &str, from: usize, to: Option<usize>| -> String {
            let chars = line.chars().skip(from);
            match to {
                Some(to) => chars.take(to.saturating_sub(from)).collect(),
                None => chars.collect(),
            }
        };
        let mut out = Vec::new();
        for (i, line) in lines.iter().enumerate().take(r1 + 1).skip(r0) {
            let from = if i == r0 { c0 } else { 0 };
            let to = (i == r1).then_some(c1);
            out.push(cut(line, from, to));
        }
        out.join("\n")
    }

    /// Start a run of the current text (or selection); `None` when there is nothing to run.
    /// The history entry is returned when it is new (the same statement run twice in a row is
    /// one entry).
    pub(super) fn new_run(&mut self, now: Timestamp, workspace: &str) -> Option<(Run, Option<HistoryEntry>)> {
        let code = self.code_to_run();
        if code.trim().is_empty() {
            return None;
        }
        let run = Run {
            seq: self.next_seq,
            language: self.language,
            code: code.clone(),
            statement_id: None,
            repl: None,
            state: RunState::Queued,
            output: None,
            started_at: now,
            finished_at: None,
        };
        self.next_seq += 1;
        self.runs.push_back(run.clone());
        while self.runs.len() > MAX_RUNS {
            self.runs.pop_front();
            self.dropped_runs += 1;
        }
        self.output_scroll = 0;
        let entry = HistoryEntry { language: self.language, code, workspace: workspace.to_string(), at: now };
        let new =
            self.history.last().is_none_or(|last| last.code != entry.code || last.language != entry.language);
        if new {
            self.history.push(entry.clone());
            if self.history.len() > MAX_HISTORY {
                self.history.remove(0);
                // Positions moved: only the draft's slot still means what it meant.
                self.slots.retain(|k, _| k.is_none());
            }
        }
        // Run while browsing: stay in the history, at the statement just run (the newest), so
        // alt-↓ still leads back to the draft.
        if self.history_pos.is_some() {
            self.history_pos = self.history.len().checked_sub(1);
            self.slots.remove(&self.history_pos);
        }
        Some((run, new.then_some(entry)))
    }

    pub(super) fn run_mut(&mut self, seq: u64) -> Option<&mut Run> {
        self.runs.iter_mut().find(|r| r.seq == seq)
    }

    /// The newest run the service has taken and that is still going: its seq, id and REPL.
    pub(super) fn cancellable(&self) -> Option<(u64, String, Repl)> {
        self.runs
            .iter()
            .rev()
            .filter(|r| !r.is_finished())
            .find_map(|r| Some((r.seq, r.statement_id.clone()?, r.repl.clone()?)))
    }

    /// Whether a statement still runs in `repl` (giving it back would stop it).
    pub fn runs_in(&self, repl: &Repl) -> bool {
        self.runs.iter().any(|r| !r.is_finished() && r.repl.as_ref() == Some(repl))
    }

    /// What quitting must give back (owned, idle REPLs and an acquisition in flight) and what
    /// it leaves running (REPLs with a statement still going).
    pub fn quit_plan(&self) -> (Vec<Repl>, Vec<Repl>) {
        let mut release = Vec::new();
        let mut left = self.left_running.clone();
        if let Some(repl) = self.held_repl().filter(|r| r.is_owned()) {
            if self.runs_in(repl) {
                left.push(repl.clone());
            } else {
                release.push(repl.clone());
            }
        }
        release.extend(self.pending.clone());
        (release, left)
    }

    /// Step through the history: `back` to older entries, forward down to the draft. What was
    /// on screen is kept at its position (edits to a recalled entry and the draft survive).
    pub(super) fn recall(&mut self, back: bool) -> bool {
        if self.history.is_empty() {
            return false;
        }
        let last = self.history.len() - 1;
        let pos = match (self.history_pos, back) {
            (None, true) => Some(last),
            (None, false) => return false,
            (Some(p), true) => Some(p.saturating_sub(1).min(last)),
            (Some(p), false) if p >= last => None,
            (Some(p), false) => Some(p + 1),
        };
        self.slots.insert(self.history_pos, (self.code(), self.language));
        let (text, language) = self.slots.remove(&pos).unwrap_or_else(|| match pos {
            Some(p) => (self.history[p].code.clone(), self.history[p].language),
            None => (String::new(), self.language),
        });
        self.history_pos = pos;
        self.language = language;
        self.set_text(&text);
        true
    }

    fn set_text(&mut self, text: &str) {
        let mut area = TextArea::new(lines_of(text));
        area.set_placeholder_text(self.text.placeholder_text().to_string());
        area.move_cursor(ratatui_textarea::CursorMove::Bottom);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        self.text = area;
    }

    /// The history position, for the title ("history 3/12").
    pub fn history_position(&self) -> Option<(usize, usize)> {
        self.history_pos.map(|p| (p + 1, self.history.len()))
    }
}

fn lines_of(text: &str) -> Vec<String> {
    if text.is_empty() { vec![String::new()] } else { text.lines().map(str::to_string).collect() }
}

// ---- the editor inside the app: keys and messages -------------------------------------------

use super::keymap::{Command, Scope};
use super::msg::{Effect, StatementUpdate};
use super::{App, Help};
use crate::domain::Service;
use crate::domain::{Detail, Resource};

impl App {
    /// Open the editor. Where it runs: the `name`d workspace, else the selected row's (a Fabric
    /// session's lakehouse, a Databricks cluster), else where it already runs, else the first
    /// Fabric workspace in scope. Moving elsewhere gives the old REPL back.
    pub(super) fn open_editor(&mut self, name: Option<String>) -> Vec<Effect> {
        let selected = self.selected().and_then(|e| spot_of(&e.res));
        let current = self.editor.workspace.clone().map(|workspace| Spot {
            workspace,
            place: self.editor.place.clone(),
            label: self.editor.place_label.clone(),
            attach: self.editor.attached.clone(),
            warning: None,
        });
        let chosen = match name {
            Some(name) => {
                let Some(w) = self.workspaces.iter().find(|w| w.workspace.name.eq_ignore_ascii_case(&name))
                else {
                    let known: Vec<&str> =
                        self.workspaces.iter().map(|w| w.workspace.name.as_str()).collect();
                    self.error(format!("no workspace {name:?} (configured: {})", known.join(", ")));
                    return Vec::new();
                };
                let ws = w.workspace.name.clone();
                selected
                    .filter(|s| s.workspace == ws)
                    .or(current.filter(|s| s.workspace == ws))
                    .unwrap_or(Spot { workspace: ws, ..Spot::default() })
            }
            None => match selected.or(current).or_else(|| {
                let first = self
                    .in_scope()
                    .find(|w| w.workspace.service == Service::Fabric)
                    .or_else(|| self.workspaces.iter().find(|w| w.workspace.service == Service::Fabric))?;
                Some(Spot { workspace: first.workspace.name.clone(), ..Spot::default() })
            }) {
                Some(chosen) => chosen,
                None => {
                    self.error(
                        "The editor runs code in a Fabric workspace's high-concurrency session or on a Databricks \
                         cluster: select a cluster (Clusters pane) and press e."
                            .into(),
                    );
                    return Vec::new();
                }
            },
        };
        let databricks = self
            .workspaces
            .iter()
            .any(|w| w.workspace.name == chosen.workspace && w.workspace.service == Service::Databricks);
        if databricks && chosen.place.is_none() {
            self.error(format!(
                "{} is a Databricks workspace: select one of its running clusters (Clusters pane) and press e.",
                chosen.workspace
            ));
            return Vec::new();
        }
        let mut effects = Vec::new();
        let warning = chosen.warning.clone();
        let moved = self.editor.workspace.as_deref() != Some(chosen.workspace.as_str())
            || self.editor.place != chosen.place
            || self.editor.attached != chosen.attach;
        if moved {
            effects.extend(self.leave_place(&chosen.workspace));
            // A session chosen in the pane is used as it is; anything else is acquired on F5.
            self.editor.repl = match &chosen.attach {
                Some(session_id) => ReplState::Ready(Repl::LivySession {
                    workspace: chosen.workspace.clone(),
                    lakehouse: chosen.place.clone().unwrap_or_default(),
                    session_id: session_id.clone(),
                }),
                None => ReplState::None,
            };
            self.editor.workspace = Some(chosen.workspace);
            self.editor.place = chosen.place;
            self.editor.place_label = chosen.label;
            self.editor.attached = chosen.attach;
            self.editor.on_cluster = databricks;
            self.editor.last_activity = self.editor.attached.is_some().then_some(self.now);
        }
        self.editing = true;
        if let Some(notice) = self.editor.notice.take() {
            self.error(notice);
        } else if let Some(warning) = warning {
            self.error(warning);
        }
        effects
    }

    pub(super) fn on_editor_key(
        &mut self,
        key: crossterm::event::KeyEvent,
        command: Option<Command>,
    ) -> Vec<Effect> {
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
        let Some(workspace) = self.editor.workspace.clone() else {
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
        let Some(workspace) = self.editor.workspace.clone() else { return Vec::new() };
        self.editor.attempt += 1;
        self.editor.pending = None;
        self.editor.repl = ReplState::Acquiring(state.into());
        vec![Effect::AcquireRepl {
            attempt: self.editor.attempt,
            workspace,
            place: self.editor.place.clone(),
            language,
        }]
    }

    /// The editor is moving elsewhere: runs not yet sent fail, the REPL held is given back
    /// unless a statement still runs in it (then it is left to finish), and an acquisition
    /// under way is abandoned (its answer will be given back).
    fn leave_place(&mut self, to: &str) -> Vec<Effect> {
        let now = self.now;
        for run in self.editor.runs.iter_mut().filter(|r| matches!(r.state, RunState::Queued)) {
            run.state = RunState::Failed(format!("not run: the editor moved to {to} first"));
            run.finished_at = Some(now);
        }
        let mut effects = Vec::new();
        if let Some(repl) = self.editor.held_repl().filter(|r| r.is_owned()).cloned() {
            if self.editor.runs_in(&repl) {
                self.info(format!("A statement still runs in {}: it is left to finish.", repl.describe()));
                self.editor.left_running.push(repl);
            } else {
                effects.push(Effect::ReleaseRepl { repl });
            }
        }
        effects.extend(self.editor.pending.take().map(|repl| Effect::ReleaseRepl { repl }));
        if matches!(self.editor.repl, ReplState::Acquiring(_)) {
            // Abandoned: its answer, when it comes, is given back.
            self.editor.attempt += 1;
        }
        effects
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
            Output::Table(t) => std::iter::once(t.columns.join("\t"))
                .chain(t.rows.iter().map(|r| r.join("\t")))
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

    pub(super) fn on_repl(&mut self, attempt: u64, result: Result<Repl, String>) -> Vec<Effect> {
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

    pub(super) fn on_repl_created(&mut self, attempt: u64, repl: Repl) -> Vec<Effect> {
        if attempt == self.editor.attempt && matches!(self.editor.repl, ReplState::Acquiring(_)) {
            self.editor.pending = Some(repl);
        }
        Vec::new()
    }

    pub(super) fn on_statement(&mut self, seq: u64, update: StatementUpdate) -> Vec<Effect> {
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
                    if self.editor.attached.take().is_some() {
                        self.editor.place_label = self.editor.place.clone();
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

    pub(super) fn on_repl_progress(&mut self, attempt: u64, state: String) {
        if attempt == self.editor.attempt
            && let ReplState::Acquiring(s) = &mut self.editor.repl
        {
            *s = state;
        }
    }
}

/// Where the editor runs code: a workspace, the lakehouse label or cluster id in it, how to
/// name that on screen, and the existing Livy session to attach to (if one was chosen).
#[derive(Debug, Clone, Default)]
struct Spot {
    workspace: String,
    place: Option<String>,
    label: Option<String>,
    attach: Option<String>,
    /// Said on opening: why code will not run there yet (a stopped cluster).
    warning: Option<String>,
}

/// Where a row's item runs code, for opening the editor on it: a live Livy session is attached
/// to (high-concurrency ones get a REPL of their own in the same lakehouse), a Databricks cluster
/// gets an execution context, other Fabric rows their workspace.
fn spot_of(r: &Resource) -> Option<Spot> {
    let workspace = r.workspace.clone();
    match &r.detail {
        Detail::Session { lakehouse, read_only: false, high_concurrency, .. } => {
            let attach =
                (!high_concurrency && !r.status.is_terminal() && lakehouse.is_some()).then(|| r.id.clone());
            let name = if r.name.is_empty() { r.id.clone() } else { r.name.clone() };
            let label = match (&attach, lakehouse) {
                (Some(_), Some(lh)) => Some(format!("{lh} · session {name}")),
                _ => lakehouse.clone(),
            };
            Some(Spot { workspace, place: lakehouse.clone(), label, attach, warning: None })
        }
        Detail::Cluster { .. } => {
            let name = if r.name.is_empty() { r.id.clone() } else { r.name.clone() };
            Some(Spot {
                workspace,
                place: Some(r.id.clone()),
                label: Some(format!("cluster {name}")),
                attach: None,
                // Contexts are created on running clusters only: say so before the first F5 fails.
                warning: (r.raw_state != "RUNNING").then(|| {
                    format!(
                        "This cluster is {}: start it (u in the Clusters pane) before running code.",
                        r.raw_state
                    )
                }),
            })
        }
        Detail::Session { .. } | Detail::Batch { .. } => Some(Spot { workspace, ..Spot::default() }),
        Detail::Run { .. } => None,
    }
}
