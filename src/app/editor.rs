//! The statement editor's state: the text being written (a ratatui-textarea), its language,
//! the REPL it runs in, the statements run so far with their outputs, and the history.
//!
//! Like the rest of `app`, no I/O: running, cancelling, acquiring a REPL and saving the draft
//! leave as `Effect`s; their outcomes come back as `Msg`s.

use std::collections::VecDeque;

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
    pub state: RunState,
    pub output: Option<Output>,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
}

impl Run {
    pub fn is_finished(&self) -> bool {
        match &self.state {
            RunState::Queued => false,
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
    /// The draft as it was before history navigation replaced it.
    stashed: Option<String>,
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
            stashed: None,
            output_scroll: 0,
            next_seq: 1,
            notice: None,
            replacing: false,
            last_activity: None,
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
        self.last_activity?.checked_add(crate::domain::convert::IDLE_TIMEOUT).ok()
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
            }
        }
        self.history_pos = None;
        self.stashed = None;
        Some((run, new.then_some(entry)))
    }

    pub(super) fn run_mut(&mut self, seq: u64) -> Option<&mut Run> {
        self.runs.iter_mut().find(|r| r.seq == seq)
    }

    /// The newest run that can still be cancelled.
    pub(super) fn cancellable(&self) -> Option<(u64, String)> {
        self.runs.iter().rev().find(|r| !r.is_finished()).and_then(|r| Some((r.seq, r.statement_id.clone()?)))
    }

    /// Step through the history: `back` to older entries. Leaving the history at the newest
    /// end restores the draft that was being written.
    pub(super) fn recall(&mut self, back: bool) -> bool {
        if self.history.is_empty() {
            return false;
        }
        let last = self.history.len() - 1;
        let pos = match (self.history_pos, back) {
            (None, true) => Some(last),
            (None, false) => return false,
            (Some(0), true) => Some(0),
            (Some(p), true) => Some(p - 1),
            (Some(p), false) if p >= last => None,
            (Some(p), false) => Some(p + 1),
        };
        if self.history_pos.is_none() {
            self.stashed = Some(self.code());
        }
        self.history_pos = pos;
        let (text, language) = match pos {
            Some(p) => (self.history[p].code.clone(), self.history[p].language),
            None => (self.stashed.take().unwrap_or_default(), self.language),
        };
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
use super::store::Service;
use super::{App, Help};
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
        let moved = self.editor.workspace.as_deref() != Some(chosen.workspace.as_str())
            || self.editor.place != chosen.place
            || self.editor.attached != chosen.attach;
        if moved {
            if let Some(repl) = self.editor.held_repl().filter(|r| r.is_owned()) {
                effects.push(Effect::ReleaseRepl { repl: repl.clone() });
            }
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
        match &self.editor.repl {
            ReplState::Ready(repl) => effects.push(Effect::RunStatement {
                seq: run.seq,
                repl: repl.clone(),
                language: run.language,
                code: run.code,
            }),
            ReplState::Acquiring(_) => {}
            ReplState::None | ReplState::Failed(_) => {
                self.editor.repl = ReplState::Acquiring("requesting a place to run".into());
                effects.push(Effect::AcquireRepl {
                    workspace,
                    place: self.editor.place.clone(),
                    language: run.language,
                });
            }
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
        match (self.editor.cancellable(), self.editor.held_repl().cloned()) {
            (Some((seq, statement_id)), Some(repl)) => {
                self.info(format!("Cancelling statement {statement_id}…"));
                vec![Effect::CancelStatement { seq, repl, statement_id }]
            }
            _ => {
                self.info("Nothing is running.".into());
                Vec::new()
            }
        }
    }

    pub(super) fn on_repl(&mut self, workspace: String, result: Result<Repl, String>) -> Vec<Effect> {
        if self.editor.workspace.as_deref() != Some(workspace.as_str()) {
            // The editor moved on while this was being acquired: give it back.
            return result.map(|repl| vec![Effect::ReleaseRepl { repl }]).unwrap_or_default();
        }
        let now = self.now;
        match result {
            Ok(repl) => {
                let effects = self
                    .editor
                    .runs
                    .iter()
                    .filter(|r| r.state == RunState::Queued)
                    .map(|r| Effect::RunStatement {
                        seq: r.seq,
                        repl: repl.clone(),
                        language: r.language,
                        code: r.code.clone(),
                    })
                    .collect();
                self.editor.repl = ReplState::Ready(repl);
                self.editor.last_activity = Some(now);
                if std::mem::take(&mut self.editor.replacing) {
                    self.info(
                        "The earlier session had ended, so this one starts fresh: variables defined before are gone."
                            .into(),
                    );
                }
                effects
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
                // It never ran: send it again in a new REPL.
                run.state = RunState::Queued;
                tracing::info!("statement {seq} refused by an ended REPL ({error}); acquiring a new one");
                let language = run.language;
                if !matches!(self.editor.repl, ReplState::Acquiring(_)) {
                    self.editor.replacing = true;
                    // An attached session that ended is replaced by a REPL of sparkdeck's own.
                    if self.editor.attached.take().is_some() {
                        self.editor.place_label = self.editor.place.clone();
                    }
                    self.editor.repl =
                        ReplState::Acquiring("the session had ended; starting a new one".into());
                    if let Some(workspace) = self.editor.workspace.clone() {
                        return vec![Effect::AcquireRepl {
                            workspace,
                            place: self.editor.place.clone(),
                            language,
                        }];
                    }
                }
            }
            StatementUpdate::Failed { error, .. } => {
                run.state = RunState::Failed(error);
                run.finished_at = Some(now);
            }
            StatementUpdate::CancelFailed(error) => self.error(format!("Could not cancel: {error}")),
        }
        Vec::new()
    }

    pub(super) fn on_repl_progress(&mut self, workspace: String, state: String) {
        if self.editor.workspace.as_deref() == Some(workspace.as_str())
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
            Some(Spot { workspace, place: lakehouse.clone(), label, attach })
        }
        Detail::Cluster { .. } => {
            let name = if r.name.is_empty() { r.id.clone() } else { r.name.clone() };
            Some(Spot {
                workspace,
                place: Some(r.id.clone()),
                label: Some(format!("cluster {name}")),
                attach: None,
            })
        }
        Detail::Session { .. } | Detail::Batch { .. } => Some(Spot { workspace, ..Spot::default() }),
        Detail::Run { .. } => None,
    }
}
