//! App state and its one entry point, `App::update(Msg) -> Vec<Effect>`.
//!
//! No I/O here and no clock: poll results, keys and the time arrive as `Msg`s; everything the
//! app wants done leaves as `Effect`s. The renderer (`ui`) reads the state through the
//! accessors below and never mutates it.
//!
//! One file per feature, mirroring `ui/`: `update` dispatches each message and key to `table`
//! (the panes), `prompt` (the bottom line), `confirm` (actions), `details`, `logs`, `help`,
//! `editor`, `mouse` and `watch`; `message` is the status line, `keymap` the keys.

pub mod alerts;
pub mod capacity;
mod clock;
pub mod columns;
mod command;
mod confirm;
mod details;
pub mod editor;
mod errors;
mod events;
pub mod filter;
mod filter_query;
mod focus;
mod footer;
pub mod form;
mod gantt;
mod help;
mod history;
mod jobs;
pub mod keymap;
pub mod layout;
pub mod log_source;
pub mod logs;
mod marks;
mod message;
mod mine;
mod mouse;
mod msg;
mod named_filters;
mod open;
mod pane;
mod prompt;
mod quit;
mod readonly;
mod sheet;
mod store;
mod table;
mod update;
pub mod usage;
mod watch;

#[cfg(test)]
mod tests;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

pub use clock::Redraw;
pub use confirm::Confirm;
pub use details::{DetailLine, Details};
pub use editor::{
    Console, Editor, Environments, Field, Picker, ReplState, Run, RunState, SettingsForm, Targets,
};
pub use events::Event;
pub use footer::logs_available;
pub use gantt::Gantt;
pub use help::{Help, HelpRow, help_box, help_inner};
pub use keymap::Scope;
pub use logs::Logs;
pub use marks::{Bulk, BulkOp, BulkTarget};
pub use message::{Level, Message};
pub use msg::{Edited, Effect, Msg, StatementUpdate};
pub use open::{COPY_LIMIT, LinkUse, Opened};
pub use pane::{Pane, PaneState, RowRef, SortKey};
pub use prompt::{Prompt, PromptMode};
pub use sheet::{Sheet, SheetKind};
pub use store::{Entry, Me, PollError, Slot, WorkspaceRef, WorkspaceState};

use crate::domain::{Kind, Problem, Service, Target};
pub use layout::Areas;

/// How long a row whose state changed stays highlighted.
pub const FLASH: SignedDuration = SignedDuration::from_secs(2);

/// At most this many workspace lines in the header; the last one then says how many more.
const MAX_HEADER_LINES: usize = 4;

/// The whole UI state.
#[derive(Debug, Clone)]
pub struct App {
    workspaces: Vec<WorkspaceState>,
    pane: Pane,
    panes: [PaneState; Pane::ALL.len()],
    /// Views whose row list must be rebuilt before use (data arrived while hidden).
    stale: [bool; Pane::ALL.len()],
    /// The last re-sort's ranks, kept so the next one writes into memory already mapped
    /// (`table::rebuild`).
    sort_buffer: pane::SortBuffer,
    /// `:ws NAME` narrows every pane to one workspace.
    scope: Option<usize>,
    now: Timestamp,
    tz: TimeZone,
    /// Terminal size in cells.
    size: (u16, u16),
    /// `[[alerts]]`: filters watched on every poll.
    alerts: alerts::Alerts,
    /// Workspaces that refuse changes (config `read_only`, `:ro`).
    read_only: readonly::ReadOnly,
    prompt: Option<Prompt>,
    details: Option<Details>,
    logs: Option<Logs>,
    help: Option<Help>,
    confirm: Option<Confirm>,
    /// The marked rows of every pane.
    marks: marks::Marks,
    /// The confirmation of an action on every marked row.
    bulk: Option<Bulk>,
    /// That action under way: its answers so far.
    bulk_run: Option<marks::BulkRun>,
    /// Where the user has been (`[`, `]`, `-`).
    history: history::History,
    /// The New form, its lists and templates, the typed permanent delete.
    forms: form::Forms,
    /// Quitting would give back or leave running what these lines say: asked first.
    quitting: Option<Vec<String>>,
    message: Option<Message>,
    /// The errors view or the event log, when open.
    sheet: Option<Sheet>,
    /// The event log, newest first.
    events: std::collections::VecDeque<Event>,
    /// The last action that failed (what was asked, why not), for the errors view.
    last_failure: Option<(String, Problem)>,
    /// The keys in use (built-in, with the user's `[keys]`).
    keymap: std::sync::Arc<keymap::Keymap>,
    /// Items the user asked to hear about when they end (`w`).
    watched: Vec<Target>,
    /// The latest state change seen; the clock runs until its flash is over.
    last_change: Option<Timestamp>,
    /// What the last tick found time shows on screen, and when: the next tick's "before" while
    /// nothing but ticks came in between (`clock::on_tick`).
    tick_face: Option<(Timestamp, clock::Face)>,
    /// The statement editor (kept while closed: its tabs with their text, REPLs and outputs).
    console: editor::Console,
    /// Where code can run beyond the rows: the lakehouses configured per Fabric workspace.
    targets: editor::Targets,
    /// The editor is on screen.
    editing: bool,
    /// The columns each pane shows (`[columns]`, `:columns`) and the picker, when open.
    columns: columns::ColumnChoice,
    column_picker: Option<columns::ColumnPicker>,
    /// `:filter save NAME`: filters kept in the data dir.
    named_filters: named_filters::NamedFilters,
    /// What the pollers were last told is on screen (`Effect::SetVisible`).
    told_visible: Option<(Vec<String>, Vec<Kind>)>,
    /// Whether the terminal has focus, and whether losing it pauses (`[poll] pause_unfocused`).
    focus: focus::Focus,
    /// Resource usage of the details' Fabric item (`app::usage`).
    usage: Option<usage::UsageView>,
    /// Something on screen changed; `live_dirty`: only the live cells of the rows on screen
    /// (durations, countdowns) read differently (`app::clock`).
    dirty: bool,
    live_dirty: bool,
}

impl App {
    /// An app over `workspaces` (in header order), starting at `now`; start times are shown
    /// in `tz` (production: `TimeZone::system()`).
    pub fn new(workspaces: Vec<WorkspaceRef>, now: Timestamp, tz: TimeZone) -> App {
        App {
            read_only: readonly::ReadOnly::new(workspaces.len()),
            workspaces: workspaces.into_iter().map(WorkspaceState::new).collect(),
            pane: Pane::Sessions,
            panes: Default::default(),
            stale: [false; Pane::ALL.len()],
            sort_buffer: pane::SortBuffer::default(),
            scope: None,
            now,
            tz,
            size: (80, 24),
            alerts: Default::default(),
            prompt: None,
            details: None,
            logs: None,
            help: None,
            confirm: None,
            marks: Default::default(),
            bulk: None,
            bulk_run: None,
            history: Default::default(),
            forms: form::Forms::default(),
            quitting: None,
            message: None,
            sheet: None,
            events: Default::default(),
            last_failure: None,
            keymap: Default::default(),
            watched: Vec::new(),
            last_change: None,
            tick_face: None,
            console: editor::Console::default(),
            targets: editor::Targets::default(),
            editing: false,
            columns: Default::default(),
            column_picker: None,
            named_filters: Default::default(),
            told_visible: None,
            focus: focus::Focus::default(),
            usage: None,
            dirty: true,
            live_dirty: false,
        }
    }

    /// Start with this editor (the saved tabs and history).
    pub fn with_console(mut self, console: editor::Console) -> App {
        self.console = console;
        self
    }

    /// Where the editor can run code besides the rows (the configured lakehouses).
    /// Where the editor can run code, and with what settings.
    pub fn targets(&self) -> &editor::Targets {
        &self.targets
    }

    pub fn with_targets(mut self, targets: editor::Targets) -> App {
        self.targets = targets;
        self
    }

    /// The editor's tab in front.
    pub fn editor(&self) -> &editor::Editor {
        self.console.tab()
    }

    /// The editor: its tabs and shared history.
    pub fn console(&self) -> &editor::Console {
        &self.console
    }

    /// Whether the statement editor is on screen.
    pub fn is_editing(&self) -> bool {
        self.editing
    }

    /// Start with `text` in the status line and the event log (how this run was set up).
    pub fn with_notice(mut self, text: String) -> App {
        self.record(None, Level::Info, text.clone());
        self.info(text);
        self
    }

    /// Use these keys (the user's `[keys]` applied to the built-in ones).
    pub fn with_keymap(mut self, keymap: keymap::Keymap) -> App {
        self.keymap = std::sync::Arc::new(keymap);
        self
    }

    pub fn keymap(&self) -> &keymap::Keymap {
        &self.keymap
    }

    /// The pane to open on.
    pub fn with_pane(mut self, pane: Pane) -> App {
        self.pane = pane;
        self.rebuild(pane);
        self
    }

    /// What to tell the effect runner before the first message: what is visible.
    pub fn start(&mut self) -> Vec<Effect> {
        self.told_visible = None;
        self.visibility_effect().into_iter().collect()
    }

    /// Whether anything changed on screen since the last call (the event loop's dirty flag).
    pub fn take_dirty(&mut self) -> bool {
        self.take_redraw() != Redraw::Nothing
    }

    /// What changed on screen since the last call: nothing, only the live cells of the rows
    /// on screen (a clock tick: `ui::redraw_live` can draw just those), or anything.
    pub fn take_redraw(&mut self) -> Redraw {
        let live = std::mem::take(&mut self.live_dirty);
        match (std::mem::take(&mut self.dirty), live) {
            (true, _) => Redraw::All,
            (false, true) => Redraw::Live,
            (false, false) => Redraw::Nothing,
        }
    }

    // ---- read access for the renderer -------------------------------------------------

    pub fn now(&self) -> Timestamp {
        self.now
    }

    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    pub fn pane(&self) -> Pane {
        self.pane
    }

    pub fn pane_state(&self) -> &PaneState {
        &self.panes[self.pane.index()]
    }

    pub fn workspaces(&self) -> &[WorkspaceState] {
        &self.workspaces
    }

    /// The workspace `:ws` narrowed to, if any.
    pub fn scope(&self) -> Option<&WorkspaceState> {
        self.scope.and_then(|i| self.workspaces.get(i))
    }

    pub fn entry(&self, r: RowRef) -> Option<&Entry> {
        self.workspaces.get(r.ws()).and_then(|w| w.slot(r.kind).rows.get(r.idx()))
    }

    /// The slot (rows and last poll) a shown row comes from.
    pub fn slot_of(&self, r: RowRef) -> Option<&Slot> {
        self.workspaces.get(r.ws()).map(|w| w.slot(r.kind))
    }

    /// How many workspaces the focused pane can show rows of (its kinds, in the `:ws` scope):
    /// the table keeps its WORKSPACE column while there is more than one.
    pub fn pane_workspace_count(&self) -> usize {
        let kinds = self.pane.kinds();
        self.in_scope().filter(|w| kinds.iter().any(|k| w.workspace.service == Service::of(*k))).count()
    }

    pub fn selected(&self) -> Option<&Entry> {
        let vs = self.pane_state();
        vs.rows.get(vs.selected).and_then(|r| self.entry(*r))
    }

    pub fn prompt(&self) -> Option<&Prompt> {
        self.prompt.as_ref()
    }

    pub fn details(&self) -> Option<&Details> {
        self.details.as_ref()
    }

    pub fn logs(&self) -> Option<&Logs> {
        self.logs.as_ref()
    }

    pub fn help(&self) -> Option<&Help> {
        self.help.as_ref()
    }

    pub fn confirm(&self) -> Option<&Confirm> {
        self.confirm.as_ref()
    }

    pub fn message(&self) -> Option<&Message> {
        self.message.as_ref()
    }

    /// Whether a row's state changed within the last `FLASH`.
    pub fn is_flashing(&self, e: &Entry) -> bool {
        e.changed_at.is_some_and(|t| self.now < t + FLASH)
    }

    /// What has focus, for key lookup, help and the footer.
    pub fn focus(&self) -> Scope {
        if self.confirm.is_some() || self.bulk.is_some() || self.quitting.is_some() {
            Scope::Confirm
        } else if self.help.is_some() {
            Scope::Help
        } else if self.prompt.is_some() {
            Scope::Prompt
        } else if self.column_picker.is_some() {
            Scope::Columns
        } else if let Some(scope) = self.form_scope() {
            scope
        } else if self.editing {
            Scope::Editor
        } else if self.sheet.is_some() {
            Scope::Sheet
        } else if self.logs.is_some() {
            Scope::Logs
        } else if self.details.is_some() {
            Scope::Details
        } else {
            Scope::Pane
        }
    }

    /// The kind whose keys apply: the selected row's, else the pane's.
    pub fn focused_kind(&self) -> Option<Kind> {
        self.selected().map(|e| e.res.kind).or(self.pane.kind())
    }

    /// Workspaces in the current scope that can hold `kind`.
    pub fn workspaces_for(&self, kind: Kind) -> impl Iterator<Item = &WorkspaceState> {
        self.in_scope().filter(move |w| w.workspace.service == Service::of(kind))
    }

    fn in_scope(&self) -> impl Iterator<Item = &WorkspaceState> {
        self.workspaces.iter().enumerate().filter(|(i, _)| self.scope.is_none_or(|s| s == *i)).map(|(_, w)| w)
    }

    /// (workspace, kind, error) for every failing poll shown in the focused pane.
    pub fn pane_errors(&self) -> Vec<(&WorkspaceState, Kind, &PollError)> {
        let kinds = self.pane.kinds();
        self.in_scope()
            .flat_map(|w| {
                let kinds = kinds.clone();
                kinds
                    .into_iter()
                    .filter(move |k| w.workspace.service == Service::of(*k))
                    .filter_map(move |k| w.slot(k).error.as_ref().map(|e| (w, k, e)))
            })
            .collect()
    }

    /// Rows in a pane before filtering (tab counts).
    pub fn pane_total(&self, pane: Pane) -> usize {
        self.in_scope().map(|w| pane.kinds().iter().map(|k| w.slot(*k).rows.len()).sum::<usize>()).sum()
    }

    /// Tab labels in order; the renderer draws them side by side and the mouse hit-tests them.
    /// When the full labels do not fit the width, the other panes show only their number and
    /// count ("2·52"), and then only their number.
    pub fn tab_labels(&self) -> Vec<(Pane, String)> {
        // A pane read only while shown (Jobs) has no count until it is first read: "0" would
        // say there is nothing.
        let total = |v: Pane| {
            let read = self.in_scope().any(|w| v.kinds().iter().any(|k| w.slot(*k).fetched_at.is_some()));
            if read { self.pane_total(v).to_string() } else { "·".to_string() }
        };
        let full = |i: usize, v: Pane| format!(" {} {} {} ", i + 1, v.title(), total(v));
        let fits = |labels: &[(Pane, String)]| {
            labels.iter().map(|(_, l)| l.chars().count() + 1).sum::<usize>() <= usize::from(self.size.0)
        };
        let shorter = |short: &dyn Fn(usize, Pane) -> String| -> Vec<(Pane, String)> {
            Pane::ALL
                .iter()
                .enumerate()
                .map(|(i, v)| (*v, if *v == self.pane { full(i, *v) } else { short(i, *v) }))
                .collect()
        };
        let labels: Vec<(Pane, String)> =
            Pane::ALL.iter().enumerate().map(|(i, v)| (*v, full(i, *v))).collect();
        if fits(&labels) {
            return labels;
        }
        let counted = shorter(&|i, v| format!(" {}·{} ", i + 1, total(v)));
        if fits(&counted) { counted } else { shorter(&|i, _| format!(" {} ", i + 1)) }
    }

    /// Header lines: one per workspace, at most `MAX_HEADER_LINES`; one in all on a short
    /// terminal.
    pub fn header_lines(&self) -> u16 {
        if self.size.1 < layout::COMPACT_HEIGHT {
            return 1;
        }
        self.workspaces.len().clamp(1, MAX_HEADER_LINES) as u16
    }

    /// The size the terminal would need, when it is smaller than the monitor can draw in.
    pub fn too_small(&self) -> Option<(u16, u16)> {
        let (w, h) = self.size;
        (w < layout::MIN_SIZE.0 || h < layout::MIN_SIZE.1).then_some(layout::MIN_SIZE)
    }

    /// The layout for the current terminal size.
    pub fn areas(&self) -> Areas {
        let (w, h) = self.size;
        layout::areas(
            ratatui::layout::Rect::new(0, 0, w, h),
            self.header_lines(),
            self.pane_errors().len() as u16,
        )
    }

    fn body_height(&self) -> usize {
        usize::from(self.areas().rows.height).max(1)
    }

    /// Whether the focused pane's rows are on screen: the editor and the logs view cover them.
    fn pane_on_screen(&self) -> bool {
        !self.editing && self.logs.is_none()
    }

    /// Whether a row on screen (not merely in the pane) shows a live duration or countdown.
    fn live_on_screen(&self) -> bool {
        let vs = &self.panes[self.pane.index()];
        if !vs.has_live {
            return false;
        }
        let end = (vs.offset + self.body_height()).min(vs.rows.len());
        vs.rows[vs.offset.min(end)..end].iter().any(|r| self.entry(*r).is_some_and(Entry::is_live))
    }

    /// `Effect::SetVisible` when what is on screen differs from what the pollers were last
    /// told: the focused pane's workspaces × kinds, or nothing while the pane is covered (its
    /// pollers then keep only the header counts fresh, at the slow pace).
    /// While the editor's target picker is open, it offers every workspace's sessions and
    /// clusters, so those are polled even if their panes were never opened. While paused
    /// (unfocused), only what is watched.
    fn visibility_effect(&mut self) -> Option<Effect> {
        let now = if self.is_paused() {
            self.paused_visibility()
        } else if self.console.picker.is_some() {
            let workspaces = self.workspaces.iter().map(|w| w.workspace.name.clone()).collect();
            (workspaces, vec![Kind::Session, Kind::Cluster])
        } else {
            let kinds = if self.pane_on_screen() { self.pane.kinds() } else { Vec::new() };
            let workspaces: Vec<String> = self
                .in_scope()
                .filter(|w| kinds.iter().any(|k| w.workspace.service == Service::of(*k)))
                .map(|w| w.workspace.name.clone())
                .collect();
            (workspaces, kinds)
        };
        if self.told_visible.as_ref() == Some(&now) {
            return None;
        }
        self.told_visible = Some(now.clone());
        Some(Effect::SetVisible { workspaces: now.0, kinds: now.1 })
    }
}
