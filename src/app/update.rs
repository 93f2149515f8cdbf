//! `App::update`: every state change happens here, from one `Msg` at a time. This file is the
//! dispatch (messages by kind, keys by what has focus) and what every feature shares (motions,
//! naming a row's item); each feature's own handling lives in its file.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use crate::domain::{Kind, Resource, Service, Status, Target};

use super::App;
use super::help::Help;
use super::keymap::{Command, Scope};
use super::message::Level;
use super::msg::{Effect, Msg};
use super::pane::Pane;
use super::sheet::SheetKind;
use super::store::{WorkspaceRef, WorkspaceState};

/// What a workspace's rows show outside the pane (see `App::chrome_of`).
type Chrome = ([usize; Status::ALL.len()], Option<(Kind, String)>, Vec<usize>, Option<i64>);

impl App {
    /// Apply one message; returns what the outside world should do. Whatever the message,
    /// the pollers hear when what is on screen changed.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        // Anything but time may change what the clock's face reads (see `clock::on_tick`).
        if !matches!(msg, Msg::Tick(_)) {
            self.tick_face = None;
        }
        let mut effects = self.handle(msg);
        self.note_place();
        effects.extend(self.usage_effect());
        effects.extend(self.visibility_effect());
        effects
    }

    fn handle(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Mouse(mouse) => self.on_mouse(mouse),
            Msg::Resize { width, height } => {
                self.size = (width, height);
                self.clamp_pane();
                self.dirty = true;
                Vec::new()
            }
            Msg::Tick(now) => {
                self.on_tick(now);
                Vec::new()
            }
            Msg::Focus(focused) => {
                self.on_focus(focused);
                Vec::new()
            }
            Msg::Rows { workspace, kind, rows, fetched_at } => {
                let ws = self.on_rows(workspace, kind, rows, fetched_at);
                self.prune_marks(ws, kind);
                let mut effects =
                    if self.watched.is_empty() { Vec::new() } else { self.notify_ended(ws, kind) };
                effects.extend(self.check_alerts(ws, kind));
                effects.extend(self.reread_run(ws, kind));
                effects
            }
            Msg::PollFailed { workspace, kind, problem, at } => {
                self.now = self.now.max(at);
                let ws = self.workspace_index(&workspace, Service::of(kind));
                let summary = problem.summary();
                self.count_capacity(&workspace, super::capacity::Signal::of_problem(&problem));
                if self.workspaces[ws].fail(kind, problem, at) {
                    self.record(Some(&workspace), Level::Error, format!("{}: {summary}", kind.plural()));
                }
                // Its rows are stale now: their live cells stop counting.
                self.stale[Pane::All.index()] = true;
                self.rebuild(self.pane);
                self.refresh_errors();
                self.dirty = true;
                Vec::new()
            }
            Msg::Logs { target, lines, whole, finished, error_at, earlier } => {
                let height = self.logs_height();
                if let Some(logs) = self.logs.as_mut().filter(|l| l.target == target) {
                    logs.receive(lines, whole, finished, error_at, earlier, height);
                    self.dirty = true;
                }
                Vec::new()
            }
            Msg::Timeline { target, timeline } => {
                self.timeline_arrived(target, timeline);
                Vec::new()
            }
            Msg::Related { target, related } => {
                let ended = self.details_row().is_some_and(|r| r.status.is_terminal());
                let related =
                    related.unwrap_or_else(|p| super::details::related_failure(target.kind, ended, &p));
                if let Some(d) = self.details.as_mut().filter(|d| d.kind == target.kind && d.id == target.id)
                {
                    // Answered, shown or not: the next refresh may read the run again.
                    d.reread.in_flight = false;
                    if let Some(e) = self.workspaces.get(d.ws).and_then(|w| {
                        w.slot(d.kind)
                            .rows
                            .iter()
                            .find(|e| e.res.id == target.id && e.res.workspace == target.workspace)
                    }) {
                        d.set_related(e, related, &self.tz);
                        self.dirty = true;
                    }
                }
                Vec::new()
            }
            Msg::Usage { target, result } => {
                self.on_usage(target, result);
                Vec::new()
            }
            Msg::LogSources { target, result } => {
                self.on_log_sources(target, result);
                Vec::new()
            }
            Msg::LogPage { target, source, page } => {
                self.on_log_page(target, source, page);
                Vec::new()
            }
            Msg::LogsFailed { target, problem } => {
                if let Some(logs) = self.logs.as_mut().filter(|l| l.target == target) {
                    logs.error = Some(problem.summary());
                    logs.loading = false;
                    self.dirty = true;
                }
                Vec::new()
            }
            Msg::Throttled { workspace, until } => {
                let now = self.now;
                let mut news = None;
                for ws in self.workspaces.iter_mut().filter(|w| w.workspace.name == workspace) {
                    let was = ws.throttled_until.filter(|t| *t > now);
                    match (was, until) {
                        (None, Some(t)) => {
                            news = Some(format!("throttled: every call waits {} (Retry-After)", wait(t, now)))
                        }
                        (Some(_), None) => news = Some("throttle over: calls go out again".to_string()),
                        _ => {}
                    }
                    ws.throttled_until = until;
                    self.dirty = true;
                }
                if let Some(text) = news {
                    self.record(Some(&workspace), Level::Info, text);
                }
                Vec::new()
            }
            Msg::Retried { workspace, retries } => {
                self.count_capacity_texts(&workspace, retries.iter().map(String::as_str));
                for text in retries {
                    self.record(Some(&workspace), Level::Info, text);
                }
                Vec::new()
            }
            Msg::Warning(text) => {
                self.error(text);
                self.dirty = true;
                Vec::new()
            }
            Msg::FileRead { tab, path, result } => {
                self.dirty = true;
                self.on_file_read(tab, path, result)
            }
            Msg::FileWritten { result } => {
                match result {
                    Ok(what) => self.info(what),
                    Err(e) => self.error(e),
                }
                self.dirty = true;
                Vec::new()
            }
            Msg::EditedExternally { what, result } => {
                self.dirty = true;
                match what {
                    super::msg::Edited::Tab(tab) => self.on_edited(tab, result),
                    super::msg::Edited::Form(form) => {
                        self.on_request_edited(form, result);
                        Vec::new()
                    }
                }
            }
            Msg::Environments { workspace, result } => {
                self.dirty = true;
                self.targets.set_environments(&workspace, result);
                Vec::new()
            }
            Msg::LakehouseNames { workspace, result } => {
                self.dirty = true;
                // Without names the labels (ids) stay: correct, only less readable.
                if let Ok(names) = result {
                    self.targets.name(&workspace, names);
                }
                Vec::new()
            }
            Msg::Repl { attempt, result } => {
                self.dirty = true;
                self.on_repl(attempt, result)
            }
            Msg::ReplCreated { attempt, repl } => self.on_repl_created(attempt, repl),
            Msg::ReplProgress { attempt, state } => {
                self.on_repl_progress(attempt, state);
                self.dirty |= self.editing;
                Vec::new()
            }
            Msg::Statement { seq, update } => {
                self.dirty = true;
                self.on_statement(seq, update)
            }
            Msg::Form(msg) => self.on_form_msg(msg),
            Msg::Identity { workspace, result } => {
                self.on_identity(workspace, result);
                Vec::new()
            }
            Msg::Link { target, url, opened } => {
                self.dirty = true;
                self.on_link(target, url, opened)
            }
            Msg::ActionFinished { action, target, outcome } => {
                if let Err(p) = &outcome {
                    self.count_capacity(&target.workspace, super::capacity::Signal::of_problem(p));
                }
                self.action_finished(action, target, outcome);
                self.dirty = true;
                Vec::new()
            }
        }
    }

    // ---- data ----------------------------------------------------------------------------

    pub(super) fn workspace_index(&mut self, name: &str, service: Service) -> usize {
        match self.workspaces.iter().position(|w| w.workspace.name == name && w.workspace.service == service)
        {
            Some(i) => i,
            None => {
                // Rows for a workspace we were not told about: show it rather than drop data.
                self.workspaces.push(WorkspaceState::new(WorkspaceRef::new(name, service)));
                self.workspaces.len() - 1
            }
        }
    }

    /// Store a poll's rows; returns the workspace's index.
    fn on_rows(
        &mut self,
        workspace: String,
        kind: Kind,
        rows: std::sync::Arc<Vec<Resource>>,
        fetched_at: Timestamp,
    ) -> usize {
        let ws = self.workspace_index(&workspace, Service::of(kind));
        self.now = self.now.max(fetched_at);
        let rows = self.with_created(&workspace, kind, rows);
        let shown_before = self.workspaces[ws].refreshed_minute();
        if let Some(raw_changed) = self.workspaces[ws].refreshed_unchanged(kind, &rows, fetched_at) {
            // Nothing shown changed: only the footer's "refreshed" minute may have moved, and
            // the API object in an open details view.
            self.dirty |= self.workspaces[ws].refreshed_minute() != shown_before;
            if raw_changed {
                self.refresh_details(ws, kind);
            }
            return ws;
        }
        if let Some(e) = &self.workspaces[ws].slot(kind).error {
            let after = crate::domain::format_duration(fetched_at.duration_since(e.since));
            self.record(
                Some(&workspace),
                Level::Info,
                format!("{}: answering again (after {after})", kind.plural()),
            );
        }
        let recovered = self.workspaces[ws].slot(kind).error.is_some();
        // Under the editor or the logs view only the header, tabs and footer show rows.
        let chrome_before = (!self.pane_on_screen()).then(|| self.chrome_of(ws));
        // Row indices are about to change: remember what each affected pane has selected.
        for pane in Pane::ALL {
            let i = pane.index();
            if pane.shows(kind) && self.panes[i].keep.is_none() {
                self.panes[i].keep = self.selected_key(pane);
            }
        }
        self.workspaces[ws].replace(kind, &rows, fetched_at, &self.tz);
        if let Some(latest) = self.workspaces[ws].slot(kind).rows.iter().filter_map(|e| e.changed_at).max() {
            self.last_change = Some(self.last_change.map_or(latest, |t| t.max(latest)));
        }
        for pane in Pane::ALL {
            if pane.shows(kind) {
                self.stale[pane.index()] = true;
            }
        }
        self.rebuild(self.pane);
        self.refresh_details(ws, kind);
        if recovered {
            self.refresh_errors();
        }
        self.dirty |= recovered || chrome_before.is_none_or(|before| before != self.chrome_of(ws));
        ws
    }

    /// Show the latest of the item an open details view shows, if it is of `ws` and `kind`.
    fn refresh_details(&mut self, ws: usize, kind: Kind) {
        if let Some(d) = &mut self.details
            && d.ws == ws
            && d.kind == kind
            && let Some(e) = self.workspaces[ws].slot(kind).rows.iter().find(|e| e.res.id == d.id)
        {
            d.refresh(e, &self.tz);
            self.dirty = true;
        }
    }

    /// Rebuild the errors view if it is open.
    fn refresh_errors(&mut self) {
        if self.sheet.as_ref().is_some_and(|s| s.kind == super::SheetKind::Errors) {
            self.refresh_sheet();
        }
    }

    /// What rows of workspace `ws` show while the pane is covered: its header line (counts and
    /// the first poll error), the tabs' totals and the footer's refresh minute.
    fn chrome_of(&self, ws: usize) -> Chrome {
        let w = &self.workspaces[ws];
        let error = w.errors(w.workspace.service.kinds()).next().map(|(k, e)| (k, e.problem.message.clone()));
        (w.counts, error, Pane::ALL.iter().map(|p| self.pane_total(*p)).collect(), w.refreshed_minute())
    }

    /// The index of the workspace called `name` (in any case), or a message naming the
    /// configured ones.
    pub(super) fn workspace_named(&mut self, name: &str) -> Option<usize> {
        let found = self.workspaces.iter().position(|w| w.workspace.name.eq_ignore_ascii_case(name));
        if found.is_none() {
            let known: Vec<&str> = self.workspaces.iter().map(|w| w.workspace.name.as_str()).collect();
            self.error(format!("no workspace {name:?} (configured: {})", known.join(", ")));
        }
        found
    }

    // ---- keys ----------------------------------------------------------------------------

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let had_message = self.message.take().is_some();
        let focus = self.focus();
        let mut command = self.keymap.lookup(focus, self.focused_kind(), &key);
        if command.is_none() && focus == Scope::Pane {
            // With marks, the keys of every marked kind apply (`c` on a cluster row in All).
            command = self.marked_kinds().into_iter().find_map(|k| self.keymap.lookup(focus, Some(k), &key));
        }
        if command == Some(Command::Quit) && matches!(focus, Scope::Prompt | Scope::Editor) {
            self.dirty = true;
            return self.quit();
        }
        let effects = match focus {
            Scope::Prompt => self.on_prompt_key(key, command),
            Scope::Editor => self.on_editor_key(key, command),
            Scope::Form | Scope::Review | Scope::TypeName => self.on_form_key(key, command),
            _ => match command {
                Some(c) => self.run(focus, c),
                // Shift + a column's letter sorts by it.
                None if focus == Scope::Pane
                    && !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                    && matches!(key.code, KeyCode::Char(c) if self.sort_by_letter(c)) =>
                {
                    Vec::new()
                }
                None => {
                    self.dirty |= had_message;
                    return Vec::new();
                }
            },
        };
        if self.editing {
            self.refresh_editor();
        }
        self.dirty = true;
        effects
    }

    fn run(&mut self, focus: Scope, command: Command) -> Vec<Effect> {
        match (focus, command) {
            // A second ctrl-c while asked whether to quit: quit.
            (Scope::Confirm, Command::Quit) if self.quitting.is_some() => return vec![Effect::Quit],
            (_, Command::Quit) => return self.quit(),
            (Scope::Confirm, Command::Confirm) => return self.confirmed(),
            (Scope::Confirm, Command::Deny) => self.declined(),
            (Scope::Confirm, c) if is_motion(c) => self.scroll_bulk(c),
            (Scope::Pane | Scope::Details | Scope::Logs, c) if super::open::is_open(c) => {
                return self.run_open(c);
            }
            (Scope::Pane | Scope::Details | Scope::Logs, c) if super::history::is_history(c) => {
                return self.run_history(c);
            }
            (Scope::Help, Command::Back) => self.help = None,
            (Scope::Help, Command::Down) => self.scroll_help(1),
            (Scope::Help, Command::Up) => self.scroll_help(-1),
            (Scope::Sheet, c) => self.run_sheet(c),
            (_, Command::Errors) => self.open_sheet(SheetKind::Errors),
            (Scope::Logs, c) => return self.run_logs(c),
            (Scope::Details, Command::Logs) => {
                let target = self.details.as_ref().and_then(|d| {
                    let e = self.workspaces.get(d.ws)?.slot(d.kind).rows.iter().find(|e| e.res.id == d.id)?;
                    Some(Target::of(&e.res))
                });
                if let Some(target) = target {
                    return self.open_task_logs(target);
                }
            }
            (Scope::Details, Command::Back) => self.details = None,
            (Scope::Details, c) if self.move_task(c) => {}
            (Scope::Details, c) if is_motion(c) => self.scroll_details(c),
            (_, Command::Help) => {
                self.help = Some(Help { scope: focus, kind: self.focused_kind(), scroll: 0 });
            }
            (Scope::Columns, c) => return self.run_column_picker(c),
            (Scope::Pane, c) => return self.run_table(c),
            _ => {}
        }
        Vec::new()
    }
}

/// "30s" until `t`.
fn wait(t: Timestamp, now: Timestamp) -> String {
    crate::domain::format_duration(t.duration_since(now))
}

pub(super) fn is_motion(c: Command) -> bool {
    matches!(
        c,
        Command::Down
            | Command::Up
            | Command::Top
            | Command::Bottom
            | Command::PageDown
            | Command::PageUp
            | Command::HalfPageDown
            | Command::HalfPageUp
    )
}

/// A position after a motion, within `0..=last`, for a viewport of `height`.
pub(super) fn moved(pos: usize, last: usize, height: usize, command: Command) -> usize {
    let half = (height / 2).max(1);
    match command {
        Command::Down => pos.saturating_add(1),
        Command::Up => pos.saturating_sub(1),
        Command::Top => 0,
        Command::Bottom => last,
        Command::PageDown => pos.saturating_add(height),
        Command::PageUp => pos.saturating_sub(height),
        Command::HalfPageDown => pos.saturating_add(half),
        Command::HalfPageUp => pos.saturating_sub(half),
        _ => pos,
    }
    .min(last)
}
