//! The statement editor's state: where it runs code, the text being written (a
//! ratatui-textarea), its language, the REPL it runs in, the statements run so far with their
//! outputs, and the history. How it reacts to keys and messages is in `run`, choosing and
//! leaving its place in `place`.
//!
//! Like the rest of `app`, no I/O: running, cancelling, acquiring a REPL and saving the draft
//! leave as `Effect`s; their outcomes come back as `Msg`s.

mod place;
mod run;

use std::collections::{HashMap, VecDeque};

use jiff::Timestamp;
use ratatui_textarea::TextArea;

use crate::domain::statement::{Language, Output, Phase, Repl};
use crate::drafts::{Draft, HistoryEntry, MAX_HISTORY};

pub use place::{Place, Within};

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
    /// Where it runs code, once chosen.
    pub place: Option<Place>,
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
            place: None,
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

    /// The workspace it runs in, once chosen.
    pub fn workspace(&self) -> Option<&str> {
        self.place.as_ref().map(|p| p.workspace.as_str())
    }

    /// How to name where it runs on screen (`None`: the workspace's first lakehouse, or nowhere
    /// chosen yet).
    pub fn place_label(&self) -> Option<String> {
        self.place.as_ref().and_then(Place::label)
    }

    /// It runs on a Databricks cluster (execution contexts), not in a Fabric session.
    pub fn on_cluster(&self) -> bool {
        self.place.as_ref().is_some_and(|p| matches!(p.within, Within::Cluster { .. }))
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

/// The editor's lines of `text`: the inverse of [`Editor::code`], so a final newline (an empty
/// last line) survives a reload; `\r\n` endings are read as `\n`.
fn lines_of(text: &str) -> Vec<String> {
    text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l).to_string()).collect()
}
