//! The statement editor's state: tabs (`Console`), each an `Editor` with its own place to run
//! code, text (a ratatui-textarea), language, REPL, statements run with their outputs, and
//! history position; the history itself is shared. How it reacts to keys and messages is in
//! `run`, choosing and leaving a place in `place`, tabs in `tabs`, cells and magics in `cells`,
//! text edits in `text`.
//!
//! Like the rest of `app`, no I/O: running, cancelling, acquiring a REPL and saving the drafts
//! leave as `Effect`s; their outcomes come back as `Msg`s, which name the statement (`seq`) or
//! acquisition (`attempt`), both numbered across tabs, so an answer finds its tab.

mod cells;
mod files;
mod grid;
pub mod highlight;
mod picker;
mod place;
mod run;
mod tabs;
mod text;

use std::collections::{HashMap, VecDeque};

use jiff::Timestamp;
use ratatui_textarea::TextArea;

use crate::domain::statement::{Language, Output, Phase, Repl};
use crate::drafts::{Draft, HistoryEntry, MAX_HISTORY, Tabs};

pub use cells::{CodeCell, cells, magic};
pub use grid::{Grid, GridView, grid_of, layout_of};
pub use picker::{PickItem, Picker, Targets};
pub use place::{Place, Within};

/// Statements kept on screen with their outputs, per tab (older ones stay in the history).
pub const MAX_RUNS: usize = 50;
/// Tabs at most (Alt-1…9 reach them all).
pub const MAX_TABS: usize = 9;

const PLACEHOLDER: &str =
    "Write PySpark, Scala, SQL or R; F5 runs the cell (# %% starts one), F2 changes the language";

/// The REPL a tab runs code in.
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
    /// Waiting for the REPL, or for the run before it (`Run::after`).
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
    /// Numbers runs across tabs (the service's statement ids are per REPL).
    pub seq: u64,
    pub language: Language,
    pub code: String,
    pub statement_id: Option<String>,
    /// Where it was sent (statement ids are per REPL).
    pub repl: Option<Repl>,
    /// Where it runs, named for the screen ("Sales Analytics / lh_sales").
    pub target: String,
    pub state: RunState,
    /// How far along the service says it is, in percent (Livy `progress`).
    pub progress: Option<u8>,
    /// Sent only once run `after` has ended well (running all cells stops at the first failure).
    pub after: Option<u64>,
    /// It never reached the service (the submit failed): F5 sends it again.
    pub resendable: bool,
    pub output: Option<Output>,
    /// How its table is laid out, worked out when it arrived.
    pub grid: Option<Grid>,
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

    /// It ended without an error.
    pub fn succeeded(&self) -> bool {
        self.state == RunState::Sent(Phase::Done) && !self.output.as_ref().is_some_and(Output::is_error)
    }
}

/// One tab of the editor.
#[derive(Debug, Clone)]
pub struct Editor {
    /// Names the tab in answers that come back later (file reads, the external editor).
    pub id: u64,
    /// Where it runs code, once chosen.
    pub place: Option<Place>,
    pub text: TextArea<'static>,
    pub language: Language,
    pub repl: ReplState,
    pub runs: VecDeque<Run>,
    /// Runs dropped from `runs` to keep memory bounded (their code stays in the history).
    pub dropped_runs: usize,
    /// Where history navigation is (`None`: editing the draft).
    history_pos: Option<usize>,
    /// Texts (with their language) left at history positions while browsing, so nothing typed
    /// is lost by moving through the history: `None` is the draft being written, `Some(i)` an
    /// edited history entry.
    slots: HashMap<Option<usize>, (String, Language)>,
    /// Output lines scrolled up from the bottom (0 = follow the newest).
    pub output_scroll: usize,
    /// The REPL being acquired replaces one that ended: say that its variables are gone.
    replacing: bool,
    /// When the REPL last did something (ready, a statement ended): Fabric ends a session
    /// 20 idle minutes after that.
    pub last_activity: Option<Timestamp>,
    /// The current acquisition's number; only its answer is taken.
    attempt: u64,
    /// What the current acquisition made before it was ready: given back if abandoned.
    pending: Option<Repl>,
    /// The text's highlighted lines, parsed as far as the screen needs.
    pub highlight: highlight::Highlight,
    /// Columns the newest table is scrolled right by (alt-→).
    pub grid_left: usize,
    /// The full-screen table (alt-f), while open.
    pub grid_view: Option<GridView>,
    /// The last edit replaced the whole text (a file, the outside editor): two text-area edits
    /// (clear, insert) that undo and redo take as one.
    replaced: Replaced,
}

/// Whether undo (or redo) should step twice: over both halves of a text replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Replaced {
    #[default]
    No,
    /// Undo next takes both halves.
    Undo,
    /// It was just undone: redo takes both halves.
    Redo,
}

impl Default for Editor {
    fn default() -> Self {
        Editor::new(Draft::default())
    }
}

impl Editor {
    /// A tab holding `draft`.
    pub fn new(draft: Draft) -> Editor {
        Editor {
            place: None,
            text: text_area(&draft.text),
            language: draft.language,
            repl: ReplState::None,
            runs: VecDeque::new(),
            dropped_runs: 0,
            history_pos: None,
            slots: HashMap::new(),
            output_scroll: 0,
            replacing: false,
            last_activity: None,
            attempt: 0,
            pending: None,
            highlight: highlight::Highlight::default(),
            grid_left: 0,
            grid_view: None,
            replaced: Replaced::No,
            id: 0,
        }
    }

    /// Put `text` in place of the whole text, as one step of undo.
    pub(super) fn replace(&mut self, text: &str) {
        self.text.clear();
        self.text.insert_str(text);
        self.replaced = Replaced::Undo;
    }

    /// Undo (`redo` false) or redo one edit; a whole-text replacement counts as one.
    pub(super) fn undo_redo(&mut self, redo: bool) -> bool {
        let twice = matches!((self.replaced, redo), (Replaced::Undo, false) | (Replaced::Redo, true));
        let step = |t: &mut TextArea<'static>| if redo { t.redo() } else { t.undo() };
        let mut changed = step(&mut self.text);
        if twice {
            changed |= step(&mut self.text);
        }
        self.replaced = match (twice, redo) {
            (true, false) => Replaced::Redo,
            (true, true) => Replaced::Undo,
            _ => Replaced::No,
        };
        changed
    }

    /// Any other edit: a replacement further back is undone edit by edit.
    pub(super) fn edited(&mut self) {
        self.replaced = Replaced::No;
    }

    /// Run at `place` again, as before a restart: an attached session is attached to again (if it
    /// has ended since, the first run says so and moves to a REPL of sparkdeck's own).
    fn restore(&mut self, place: Option<Place>) {
        if let Some(Place { workspace, within: Within::Session { lakehouse, id, .. } }) = &place {
            self.repl = ReplState::Ready(Repl::LivySession {
                workspace: workspace.clone(),
                lakehouse: lakehouse.clone(),
                session_id: id.clone(),
            });
        }
        self.place = place;
    }

    /// Highlight what can be on screen: `rows` lines around the cursor.
    pub(super) fn refresh_highlight(&mut self, rows: usize) {
        let upto = self.text.cursor().0 + rows + 1;
        self.highlight.refresh(self.text.lines(), self.language, upto);
    }

    /// The workspace it runs in, once chosen.
    pub fn workspace(&self) -> Option<&str> {
        self.place.as_ref().map(|p| p.workspace.as_str())
    }

    /// How to name where it runs on screen ("sales_lh", "cluster etl"); `None` before a place is
    /// chosen, or for a workspace's first lakehouse when the app does not know its name.
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

    /// When Fabric will end the tab's idle session (`None`: not a Fabric session, or busy).
    /// Counted from its last activity seen here, so it is an upper bound for an attached
    /// session that others use too.
    pub fn idle_timeout_at(&self) -> Option<Timestamp> {
        let fabric = matches!(&self.repl, ReplState::Ready(Repl::Livy { .. } | Repl::LivySession { .. }));
        if !fabric || self.is_busy() {
            return None;
        }
        self.last_activity?.checked_add(crate::domain::IDLE_TIMEOUT).ok()
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

    /// What leaving this tab's REPL behind must give back (owned and idle, or an acquisition in
    /// flight) and what it leaves running (a statement still going).
    fn leave_plan(&self) -> (Vec<Repl>, Vec<Repl>) {
        let (mut release, mut left) = (Vec::new(), Vec::new());
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

    fn set_text(&mut self, text: &str) {
        self.text = text_area(text);
    }

    /// The history position, for the title ("history 3/12").
    pub fn history_position(&self, history: &[HistoryEntry]) -> Option<(usize, usize)> {
        self.history_pos.map(|p| (p + 1, history.len()))
    }

    /// Put the run on screen, keeping at most `MAX_RUNS`.
    fn push_run(&mut self, run: Run) {
        self.runs.push_back(run);
        while self.runs.len() > MAX_RUNS {
            self.runs.pop_front();
            self.dropped_runs += 1;
        }
        self.output_scroll = 0;
    }
}

/// The editor: its tabs and what they share (the history, the numbering of runs and
/// acquisitions, REPLs left to finish).
#[derive(Debug, Clone)]
pub struct Console {
    tabs: Vec<Editor>,
    active: usize,
    pub history: Vec<HistoryEntry>,
    next_seq: u64,
    next_attempt: u64,
    /// REPLs given up while statements still ran in them: left to finish, named on quit.
    pub left_running: Vec<Repl>,
    /// Shown once in the status line (e.g. unreadable saved drafts).
    pub notice: Option<String>,
    /// A tab whose text Ctrl-W would drop: asked once, closed on the second press.
    closing: Option<usize>,
    /// The target picker, while open.
    pub picker: Option<Picker>,
    next_tab_id: u64,
}

impl Default for Console {
    fn default() -> Self {
        Console::new(Tabs::default(), Vec::new())
    }
}

impl Console {
    /// The editor as it was left: the saved tabs and the history.
    pub fn new(saved: Tabs, history: Vec<HistoryEntry>) -> Console {
        let mut console = Console {
            tabs: Vec::new(),
            active: 0,
            history,
            next_seq: 1,
            next_attempt: 1,
            left_running: Vec::new(),
            notice: None,
            closing: None,
            picker: None,
            next_tab_id: 0,
        };
        let mut drafts = saved.tabs;
        drafts.truncate(MAX_TABS);
        if drafts.is_empty() {
            drafts.push(Draft::default());
        }
        let mut targets = saved.targets.into_iter();
        for draft in drafts {
            let mut tab = console.open_tab(draft);
            tab.restore(targets.next().flatten().map(Place::restored));
            console.tabs.push(tab);
        }
        console.active = saved.active.min(console.tabs.len() - 1);
        console
    }

    /// The tab in front.
    pub fn tab(&self) -> &Editor {
        &self.tabs[self.active]
    }

    pub(super) fn tab_mut(&mut self) -> &mut Editor {
        &mut self.tabs[self.active]
    }

    pub fn tabs(&self) -> &[Editor] {
        &self.tabs
    }

    /// The index of the tab in front.
    pub fn active(&self) -> usize {
        self.active
    }

    /// Every tab's text and target, to keep on disk.
    pub fn drafts(&self) -> Tabs {
        Tabs {
            active: self.active,
            tabs: self.tabs.iter().map(Editor::draft).collect(),
            targets: self.tabs.iter().map(|t| t.place.as_ref().map(Place::saved)).collect(),
        }
    }

    /// A tab for `draft`, numbered.
    fn open_tab(&mut self, draft: Draft) -> Editor {
        self.next_tab_id += 1;
        Editor { id: self.next_tab_id, ..Editor::new(draft) }
    }

    pub(super) fn tab_by_id(&mut self, id: u64) -> Option<&mut Editor> {
        self.tabs.iter_mut().find(|t| t.id == id)
    }

    /// The tab that ran statement `seq`.
    fn tab_of_run(&mut self, seq: u64) -> Option<&mut Editor> {
        self.tabs.iter_mut().find(|t| t.runs.iter().any(|r| r.seq == seq))
    }

    /// The tab waiting for acquisition `attempt` (an abandoned or closed tab's answer finds none).
    fn tab_of_attempt(&mut self, attempt: u64) -> Option<&mut Editor> {
        self.tabs.iter_mut().find(|t| t.attempt == attempt && matches!(t.repl, ReplState::Acquiring(_)))
    }

    /// Whether any tab has something under way (the clock runs while it is on screen).
    pub fn is_busy(&self) -> bool {
        self.tabs.iter().any(Editor::is_busy)
    }

    /// What quitting must give back (owned, idle REPLs and acquisitions in flight, in every tab)
    /// and what it leaves running (REPLs with a statement still going).
    pub fn quit_plan(&self) -> (Vec<Repl>, Vec<Repl>) {
        let mut release = Vec::new();
        let mut left = self.left_running.clone();
        for tab in &self.tabs {
            let (r, l) = tab.leave_plan();
            release.extend(r);
            left.extend(l);
        }
        (release, left)
    }

    /// Record `code` in the history; the entry when it is new (the same statement run twice in a
    /// row is one entry). A tab browsing the history stays at the statement just run.
    fn remember(
        &mut self,
        language: Language,
        code: &str,
        workspace: &str,
        now: Timestamp,
    ) -> Option<HistoryEntry> {
        let entry =
            HistoryEntry { language, code: code.to_string(), workspace: workspace.to_string(), at: now };
        let new = self.history.last().is_none_or(|last| last.code != entry.code || last.language != language);
        if new {
            self.history.push(entry.clone());
            if self.history.len() > MAX_HISTORY {
                self.history.remove(0);
                // Positions moved: only the drafts' slots still mean what they meant.
                for tab in &mut self.tabs {
                    tab.slots.retain(|k, _| k.is_none());
                }
            }
        }
        let last = self.history.len().checked_sub(1);
        let tab = self.tab_mut();
        if tab.history_pos.is_some() {
            tab.history_pos = last;
            tab.slots.remove(&last);
        }
        new.then_some(entry)
    }

    /// Step the tab in front through the history: `back` to older entries, forward down to the
    /// draft. What was on screen is kept at its position (edits to a recalled entry and the draft
    /// survive).
    pub(super) fn recall(&mut self, back: bool) -> bool {
        if self.history.is_empty() {
            return false;
        }
        let last = self.history.len() - 1;
        let tab = &mut self.tabs[self.active];
        let pos = match (tab.history_pos, back) {
            (None, true) => Some(last),
            (None, false) => return false,
            (Some(p), true) => Some(p.saturating_sub(1).min(last)),
            (Some(p), false) if p >= last => None,
            (Some(p), false) => Some(p + 1),
        };
        let code = tab.code();
        tab.slots.insert(tab.history_pos, (code, tab.language));
        let (text, language) = tab.slots.remove(&pos).unwrap_or_else(|| match pos {
            Some(p) => (self.history[p].code.clone(), self.history[p].language),
            None => (String::new(), tab.language),
        });
        tab.history_pos = pos;
        tab.language = language;
        tab.set_text(&text);
        true
    }

    fn take_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    fn take_attempt(&mut self) -> u64 {
        let attempt = self.next_attempt;
        self.next_attempt += 1;
        attempt
    }
}

fn text_area(text: &str) -> TextArea<'static> {
    let mut area = TextArea::new(lines_of(text));
    area.set_placeholder_text(PLACEHOLDER);
    area.move_cursor(ratatui_textarea::CursorMove::Bottom);
    area.move_cursor(ratatui_textarea::CursorMove::End);
    area
}

/// The editor's lines of `text`: the inverse of [`Editor::code`], so a final newline (an empty
/// last line) survives a reload; `\r\n` endings are read as `\n`.
fn lines_of(text: &str) -> Vec<String> {
    text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l).to_string()).collect()
}
