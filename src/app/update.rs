//! `App::update`: every state change happens here, from one `Msg` at a time.

use std::cmp::Ordering;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use jiff::Timestamp;

use crate::domain::{Detail, Kind, Resource};

use super::command::{self, Cmd};
use super::details::Details;
use super::filter::Filter;
use super::keymap::{self, ActionKey, Command, Scope};
use super::msg::{Effect, Msg};
use super::store::{PollError, Workspace, WorkspaceState};
use super::view::{RowKey, RowRef, SortKey, View};
use super::{App, Confirm, Help, Level, Message, Prompt, PromptMode};
use crate::domain::{Action, Service, Target};

/// Rows moved per mouse-wheel notch.
const WHEEL_ROWS: usize = 3;

impl App {
    /// Apply one message; returns what the outside world should do.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Mouse(mouse) => self.on_mouse(mouse),
            Msg::Resize { width, height } => {
                self.size = (width, height);
                self.clamp_view();
                self.dirty = true;
                Vec::new()
            }
            Msg::Tick(now) => {
                self.dirty |= self.needs_clock();
                self.now = now;
                Vec::new()
            }
            Msg::Rows { workspace, kind, rows, fetched_at } => {
                let ws = self.on_rows(workspace, kind, rows, fetched_at);
                if self.watched.is_empty() { Vec::new() } else { self.notify_ended(ws, kind) }
            }
            Msg::PollFailed { workspace, kind, error, hint } => {
                let ws = self.workspace_index(&workspace, Service::of(kind));
                self.workspaces[ws].fail(kind, PollError { error, hint });
                self.clamp_view();
                self.dirty = true;
                Vec::new()
            }
            Msg::Logs { target, lines, whole, finished, error_at } => {
                let height = self.logs_height();
                if let Some(logs) = self.logs.as_mut().filter(|l| l.target == target) {
                    logs.receive(lines, whole, finished, error_at, height);
                    self.dirty = true;
                }
                Vec::new()
            }
            Msg::Related { target, related } => {
                let related =
                    related.unwrap_or_else(|e| ("Related".into(), vec![format!("cannot read: {e}")]));
                if let Some(d) = &mut self.details
                    && d.kind == target.kind
                    && d.id == target.id
                    && let Some(e) = self.workspaces.get(d.ws).and_then(|w| {
                        w.slot(d.kind)
                            .rows
                            .iter()
                            .find(|e| e.res.id == target.id && e.res.workspace == target.workspace)
                    })
                {
                    d.set_related(e, related, &self.tz);
                    self.dirty = true;
                }
                Vec::new()
            }
            Msg::LogsFailed { target, error } => {
                if let Some(logs) = self.logs.as_mut().filter(|l| l.target == target) {
                    logs.error = Some(error);
                    logs.loading = false;
                    self.dirty = true;
                }
                Vec::new()
            }
            Msg::Throttled { workspace, until } => {
                if let Some(ws) = self.workspaces.iter_mut().find(|w| w.workspace.name == workspace) {
                    ws.throttled_until = until;
                    self.dirty = true;
                }
                Vec::new()
            }
            Msg::Warning(text) => {
                self.error(text);
                self.dirty = true;
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
            Msg::ActionFinished { action, target, outcome } => {
                self.message = Some(match outcome {
                    Ok(note) if note.is_empty() => {
                        Message { level: Level::Info, text: format!("{}: done", describe(action, &target)) }
                    }
                    Ok(note) => {
                        Message { level: Level::Info, text: format!("{}: {note}", describe(action, &target)) }
                    }
                    Err(e) => Message {
                        level: Level::Error,
                        text: format!("{} failed: {e}", describe(action, &target)),
                    },
                });
                self.dirty = true;
                Vec::new()
            }
        }
    }

    // ---- data ----------------------------------------------------------------------------

    fn workspace_index(&mut self, name: &str, service: Service) -> usize {
        match self.workspaces.iter().position(|w| w.workspace.name == name) {
            Some(i) => i,
            None => {
                // Rows for a workspace we were not told about: show it rather than drop data.
                self.workspaces.push(WorkspaceState::new(Workspace::new(name, service)));
                self.workspaces.len() - 1
            }
        }
    }

    /// Store a poll's rows; returns the workspace's index.
    fn on_rows(
        &mut self,
        workspace: String,
        kind: Kind,
        rows: Vec<Resource>,
        fetched_at: Timestamp,
    ) -> usize {
        let ws = self.workspace_index(&workspace, Service::of(kind));
        self.now = self.now.max(fetched_at);
        // Row indices are about to change: remember what each affected view has selected.
        for view in View::ALL {
            let i = view.index();
            if view.shows(kind) && self.views[i].keep.is_none() {
                self.views[i].keep = self.selected_key(view);
            }
        }
        self.workspaces[ws].replace(kind, rows, fetched_at, &self.tz);
        if let Some(latest) = self.workspaces[ws].slot(kind).rows.iter().filter_map(|e| e.changed_at).max() {
            self.last_change = Some(self.last_change.map_or(latest, |t| t.max(latest)));
        }
        for view in View::ALL {
            if view.shows(kind) {
                self.stale[view.index()] = true;
            }
        }
        self.rebuild(self.view);
        if let Some(d) = &mut self.details
            && d.ws == ws
            && d.kind == kind
            && let Some(e) = self.workspaces[ws].slot(kind).rows.iter().find(|e| e.res.id == d.id)
        {
            d.refresh(e, &self.tz);
        }
        self.dirty = true;
        ws
    }

    /// Recompute a view's rows (scope, filter, sort), keeping the selected item selected.
    pub(super) fn rebuild(&mut self, view: View) {
        let i = view.index();
        let keep = self.views[i].keep.take().or_else(|| self.selected_key(view));
        let vs = &self.views[i];
        let mut rows = Vec::new();
        let mut total = 0;
        for (wi, w) in self.workspaces.iter().enumerate() {
            if self.scope.is_some_and(|s| s != wi) {
                continue;
            }
            for kind in view.kinds() {
                for (idx, e) in w.slot(kind).rows.iter().enumerate() {
                    total += 1;
                    if vs.filter.as_ref().is_none_or(|f| f.matches(&e.haystack)) {
                        rows.push(RowRef { ws: wi, kind, idx });
                    }
                }
            }
        }
        let (sort, reverse, now) = (vs.sort, vs.reverse, self.now);
        rows.sort_by(|a, b| {
            let (Some(x), Some(y)) = (self.entry(*a), self.entry(*b)) else { return Ordering::Equal };
            let ord = compare(sort, &x.res, &y.res, now).then_with(|| x.res.id.cmp(&y.res.id));
            if reverse { ord.reverse() } else { ord }
        });
        let has_live = rows.iter().any(|r| self.entry(*r).is_some_and(|e| e.is_live()));
        let selected = keep.and_then(|(kind, ws, id)| {
            rows.iter().position(|r| {
                self.entry(*r).is_some_and(|e| e.res.kind == kind && e.res.id == id && e.res.workspace == ws)
            })
        });
        let height = self.body_height();
        let vs = &mut self.views[i];
        vs.rows = rows;
        vs.total = total;
        vs.has_live = has_live;
        if let Some(s) = selected {
            vs.selected = s;
        }
        vs.clamp(height);
        self.stale[i] = false;
    }

    fn selected_key(&self, view: View) -> Option<RowKey> {
        let vs = &self.views[view.index()];
        let e = vs.rows.get(vs.selected).and_then(|r| self.entry(*r))?;
        Some((e.res.kind, e.res.workspace.clone(), e.res.id.clone()))
    }

    fn clamp_view(&mut self) {
        let height = self.body_height();
        self.views[self.view.index()].clamp(height);
    }

    // ---- keys ----------------------------------------------------------------------------

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let had_message = self.message.take().is_some();
        let focus = self.focus();
        let command = self.keymap.lookup(focus, self.focused_kind(), &key);
        let effects = match focus {
            Scope::Prompt => self.on_prompt_key(key, command),
            Scope::Editor => self.on_editor_key(key, command),
            _ => match command {
                Some(c) => self.run(focus, c),
                None => {
                    self.dirty |= had_message;
                    return Vec::new();
                }
            },
        };
        self.dirty = true;
        effects
    }

    fn run(&mut self, focus: Scope, command: Command) -> Vec<Effect> {
        match (focus, command) {
            (_, Command::Quit) => return vec![Effect::Quit],
            (Scope::Confirm, Command::Confirm) => {
                if let Some(Confirm { action, target }) = self.confirm.take() {
                    self.info(format!("Requested: {}", describe(action, &target)));
                    return vec![Effect::RunAction { action, target }];
                }
            }
            (Scope::Confirm, Command::Deny) => {
                self.confirm = None;
                self.info("Cancelled; nothing was changed.".into());
            }
            (Scope::Help, Command::Back) => self.help = None,
            (Scope::Help, Command::Down) => self.scroll_help(1),
            (Scope::Help, Command::Up) => self.scroll_help(-1),
            (Scope::Logs, c) => return self.run_logs(c),
            (Scope::Details, Command::Logs) => {
                let target = self.details.as_ref().and_then(|d| {
                    let e = self.workspaces.get(d.ws)?.slot(d.kind).rows.iter().find(|e| e.res.id == d.id)?;
                    Some(target_of(&e.res))
                });
                if let Some(target) = target {
                    return self.open_logs(target);
                }
            }
            (Scope::Details, Command::Back) => self.details = None,
            (Scope::Details, c) if is_motion(c) => self.scroll_details(c),
            (_, Command::Help) => {
                self.help = Some(Help { scope: focus, kind: self.focused_kind(), scroll: 0 });
            }
            (Scope::Table, c) => return self.run_table(c),
            _ => {}
        }
        Vec::new()
    }

    fn run_table(&mut self, command: Command) -> Vec<Effect> {
        match command {
            Command::NextView => return self.show(View::from_index(self.view.index() + 1)),
            Command::PrevView => return self.show(View::from_index(self.view.index() + View::ALL.len() - 1)),
            Command::ShowView(v) => return self.show(v),
            Command::CommandLine => self.open_prompt(PromptMode::Command),
            Command::FilterLine => {
                self.open_prompt(PromptMode::Filter);
                if let Some(p) = &mut self.prompt {
                    p.text = self.views[self.view.index()]
                        .filter
                        .as_ref()
                        .map(|f| f.text.clone())
                        .unwrap_or_default();
                }
            }
            Command::Back if self.views[self.view.index()].filter.take().is_some() => self.rebuild(self.view),
            Command::SortNext => {
                let vs = &mut self.views[self.view.index()];
                vs.sort = vs.sort.next();
                self.rebuild(self.view);
            }
            Command::SortReverse => {
                let vs = &mut self.views[self.view.index()];
                vs.reverse = !vs.reverse;
                self.rebuild(self.view);
            }
            Command::Open => {
                let vs = self.view_state();
                if let Some(r) = vs.rows.get(vs.selected).copied()
                    && let Some(e) = self.entry(r)
                {
                    let details = Details::new(r.ws, e, &self.tz);
                    let read_only = matches!(e.res.detail, Detail::Session { read_only: true, .. });
                    let load = (matches!(e.res.kind, Kind::Cluster | Kind::Session | Kind::Run)
                        && !read_only)
                        .then(|| Effect::LoadRelated { target: target_of(&e.res) });
                    self.details = Some(details);
                    if let Some(effect) = load {
                        return vec![effect];
                    }
                }
            }
            Command::Act(key) => self.ask(key),
            Command::Resize => self.ask_size(),
            Command::KeepAlive => return self.keep_alive(),
            Command::Watch => self.toggle_watch(),
            Command::Editor => return self.open_editor(None),
            Command::Logs => match self.selected().map(|e| target_of(&e.res)) {
                Some(target) => return self.open_logs(target),
                None => self.error("Nothing selected.".into()),
            },
            c if is_motion(c) => self.move_selection(c),
            _ => {}
        }
        Vec::new()
    }

    fn show(&mut self, view: View) -> Vec<Effect> {
        if view == self.view {
            return Vec::new();
        }
        self.view = view;
        if self.stale[view.index()] || self.views[view.index()].rows.is_empty() {
            self.rebuild(view);
        } else {
            self.clamp_view();
        }
        vec![self.visible_effect()]
    }

    fn move_selection(&mut self, command: Command) {
        let height = self.body_height();
        let vs = &mut self.views[self.view.index()];
        let last = vs.rows.len().saturating_sub(1);
        vs.selected = moved(vs.selected, last, height, command);
        vs.clamp(height);
    }

    fn scroll_details(&mut self, command: Command) {
        // Inside the overlay's borders.
        let height = usize::from(super::layout::details(self.areas().body).height).saturating_sub(2).max(1);
        if let Some(d) = &mut self.details {
            let last = d.lines.len().saturating_sub(height);
            d.scroll = moved(d.scroll, last, height, command);
        }
    }

    fn scroll_help(&mut self, delta: isize) {
        if let Some(h) = &mut self.help {
            // The bindings, a blank line and the notes under them (see ui::overlay::help).
            let lines = self.keymap.bindings(h.scope, h.kind).count() + 1 + keymap::notes(h.scope).len();
            h.scroll = h.scroll.saturating_add_signed(delta).min(lines.saturating_sub(1));
        }
    }

    // ---- actions ---------------------------------------------------------------------------

    /// Open the confirmation for `key` on the selected row, or say why not.
    fn ask(&mut self, key: ActionKey) {
        let Some(e) = self.selected() else {
            return self.error("Nothing selected.".into());
        };
        let r = &e.res;
        let Some(action) = key.action_for(r.kind) else { return };
        let target = target_of(r);
        match self.refused(action, r) {
            Some(text) => self.error(text),
            None => self.confirm = Some(Confirm { action, target }),
        }
    }

    /// Why `action` cannot be done to `r` now: read-only mode, a row from the monitoring list,
    /// or the row's state.
    fn refused(&self, action: Action, r: &Resource) -> Option<String> {
        if self.read_only {
            Some("sparkdeck is read-only (config read_only = true); nothing was changed.".to_string())
        } else if matches!(r.detail, Detail::Session { read_only: true, .. }) {
            Some(format!(
                "{} \"{}\" is read-only: it is from the workspace monitoring list, and the Livy API cannot {}.",
                r.kind.singular(),
                r.name,
                action.done_to("it")
            ))
        } else {
            refusal(action, r)
        }
    }

    /// `K`: restart the selected session's idle countdown. It changes nothing else, so it is
    /// not confirmed; the refusals of every action still apply.
    fn keep_alive(&mut self) -> Vec<Effect> {
        let Some(e) = self.selected().filter(|e| e.res.kind == Kind::Session) else { return Vec::new() };
        let target = target_of(&e.res);
        match self.refused(Action::KeepAlive, &e.res) {
            Some(text) => {
                self.error(text);
                Vec::new()
            }
            None => {
                self.info(format!("Requested: {}", describe(Action::KeepAlive, &target)));
                vec![Effect::RunAction { action: Action::KeepAlive, target }]
            }
        }
    }

    /// `z`: ask for the selected cluster's new size, starting from its current one.
    fn ask_size(&mut self) {
        let Some(e) = self.selected().filter(|e| e.res.kind == Kind::Cluster) else { return };
        let current = match &e.res.detail {
            Detail::Cluster { workers, .. } => workers.replace('–', "-"),
            _ => String::new(),
        };
        // The size is not known yet; the refusals do not depend on it.
        if let Some(text) = self.refused(Action::ResizeCluster { min: 0, max: 0 }, &e.res) {
            return self.error(text);
        }
        self.open_prompt(PromptMode::Resize);
        if let Some(p) = &mut self.prompt {
            p.text =
                if current.chars().all(|c| c.is_ascii_digit() || c == '-') { current } else { String::new() };
        }
    }

    /// The size typed after `z`: "N" workers or "MIN-MAX" (also "MIN:MAX") to autoscale.
    fn confirm_size(&mut self, text: &str) {
        let Some(e) = self.selected().filter(|e| e.res.kind == Kind::Cluster) else { return };
        let target = target_of(&e.res);
        let parse = |s: &str| s.trim().parse::<u32>().ok();
        let size = match text.split_once(['-', ':']) {
            Some((min, max)) => parse(min).zip(parse(max)).filter(|(min, max)| min <= max),
            None => parse(text).map(|n| (n, n)),
        };
        match size {
            Some((min, max)) => {
                self.confirm = Some(Confirm { action: Action::ResizeCluster { min, max }, target });
            }
            None => self.error(format!(
                "{text:?} is not a size: type a number of workers (4) or MIN-MAX to autoscale (2-8)"
            )),
        }
    }

    pub(super) fn info(&mut self, text: String) {
        self.message = Some(Message { level: Level::Info, text });
    }

    pub(super) fn error(&mut self, text: String) {
        self.message = Some(Message { level: Level::Error, text });
    }

    // ---- prompt ----------------------------------------------------------------------------

    pub(super) fn open_prompt(&mut self, mode: PromptMode) {
        self.prompt =
            Some(Prompt { mode, text: String::new(), candidates: Vec::new(), cycle: None, error: None });
    }

    fn on_prompt_key(&mut self, key: KeyEvent, command: Option<Command>) -> Vec<Effect> {
        let Some(mode) = self.prompt.as_ref().map(|p| p.mode) else { return Vec::new() };
        match command {
            Some(Command::Quit) => return vec![Effect::Quit],
            Some(Command::Back) => {
                self.prompt = None;
                if mode == PromptMode::Filter && self.views[self.view.index()].filter.take().is_some() {
                    self.rebuild(self.view);
                }
            }
            Some(Command::Submit) => {
                let text = self.prompt.take().map(|p| p.text).unwrap_or_default();
                match mode {
                    PromptMode::Command => return self.execute(&text),
                    PromptMode::Search => self.search_logs(&text),
                    PromptMode::Resize => self.confirm_size(&text),
                    PromptMode::Filter => {}
                }
            }
            Some(Command::Complete) if mode == PromptMode::Command => self.complete(),
            Some(Command::DeleteChar) => {
                if let Some(p) = &mut self.prompt {
                    p.text.pop();
                }
                self.edited(mode);
            }
            _ => {
                if let KeyCode::Char(c) = key.code
                    && !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                {
                    if let Some(p) = &mut self.prompt {
                        p.text.push(c);
                    }
                    self.edited(mode);
                }
            }
        }
        Vec::new()
    }

    /// After typing: filters apply as you type; the command line forgets stale completions.
    fn edited(&mut self, mode: PromptMode) {
        let Some(p) = &mut self.prompt else { return };
        p.cycle = None;
        p.candidates.clear();
        if mode == PromptMode::Search {
            let text = p.text.clone();
            return self.search_logs(&text);
        }
        if mode != PromptMode::Filter {
            return;
        }
        match Filter::parse(&p.text) {
            Ok(filter) => {
                p.error = None;
                self.views[self.view.index()].filter = filter;
                self.views[self.view.index()].selected = 0;
                self.rebuild(self.view);
            }
            Err(e) => p.error = Some(e.to_string()),
        }
    }

    /// Tab: extend to the longest shared prefix; when that adds nothing, cycle through the
    /// candidates.
    fn complete(&mut self) {
        let names: Vec<String> = self.workspaces.iter().map(|w| w.workspace.name.clone()).collect();
        let Some(p) = &mut self.prompt else { return };
        let (base, next) = match p.cycle {
            Some(i) => (p.candidates.clone(), Some(i + 1)),
            None => {
                let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                (command::candidates(&p.text, &refs), None)
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
            Ok(Cmd::Show(view)) => self.show(view),
            Ok(Cmd::Workspace(name)) => self.set_scope(name),
            Ok(Cmd::Editor(name)) => self.open_editor(name),
            Ok(Cmd::Help) => {
                self.help = Some(Help { scope: Scope::Table, kind: self.focused_kind(), scroll: 0 });
                Vec::new()
            }
            Ok(Cmd::Quit) => vec![Effect::Quit],
            Ok(Cmd::Nothing) => Vec::new(),
            Err(e) => {
                self.error(e.to_string());
                Vec::new()
            }
        }
    }

    fn set_scope(&mut self, name: Option<String>) -> Vec<Effect> {
        let scope = match name {
            None => None,
            Some(name) => {
                match self.workspaces.iter().position(|w| w.workspace.name.eq_ignore_ascii_case(&name)) {
                    Some(i) => Some(i),
                    None => {
                        let known: Vec<&str> =
                            self.workspaces.iter().map(|w| w.workspace.name.as_str()).collect();
                        self.error(format!("no workspace {name:?} (configured: {})", known.join(", ")));
                        return Vec::new();
                    }
                }
            }
        };
        if scope == self.scope {
            return Vec::new();
        }
        self.scope = scope;
        self.stale = [true; 5];
        for vs in &mut self.views {
            vs.selected = 0;
            vs.offset = 0;
        }
        self.rebuild(self.view);
        vec![self.visible_effect()]
    }

    // ---- mouse -----------------------------------------------------------------------------

    fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        let (x, y) = (mouse.column, mouse.row);
        let areas = self.areas();
        let overlay = self.confirm.is_some() || self.help.is_some();
        if self.editing && !overlay {
            // The wheel scrolls the outputs; the text is driven by the keyboard.
            let scroll = &mut self.editor.output_scroll;
            match mouse.kind {
                MouseEventKind::ScrollUp => *scroll = scroll.saturating_add(WHEEL_ROWS),
                MouseEventKind::ScrollDown => *scroll = scroll.saturating_sub(WHEEL_ROWS),
                _ => return Vec::new(),
            }
            self.dirty = true;
            return Vec::new();
        }
        match mouse.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let down = mouse.kind == MouseEventKind::ScrollDown;
                if self.help.is_some() {
                    self.scroll_help(if down { WHEEL_ROWS as isize } else { -(WHEEL_ROWS as isize) });
                } else if self.details.is_some() {
                    for _ in 0..WHEEL_ROWS {
                        self.scroll_details(if down { Command::Down } else { Command::Up });
                    }
                } else {
                    let height = self.body_height();
                    let vs = &mut self.views[self.view.index()];
                    let last = vs.rows.len().saturating_sub(1);
                    vs.selected = if down {
                        (vs.selected + WHEEL_ROWS).min(last)
                    } else {
                        vs.selected.saturating_sub(WHEEL_ROWS)
                    };
                    vs.clamp(height);
                }
                self.dirty = true;
            }
            MouseEventKind::Down(MouseButton::Left) if !overlay && self.details.is_none() => {
                if contains(areas.tabs, x, y) {
                    let mut left = areas.tabs.x;
                    for (view, label) in self.tab_labels() {
                        let right = left + label.chars().count() as u16;
                        if x >= left && x < right {
                            self.dirty = true;
                            return self.show(view);
                        }
                        left = right + 1;
                    }
                } else if contains(areas.rows, x, y) {
                    let vs = &mut self.views[self.view.index()];
                    let index = vs.offset + usize::from(y - areas.rows.y);
                    if index < vs.rows.len() {
                        vs.selected = index;
                        self.dirty = true;
                    }
                }
            }
            _ => {}
        }
        Vec::new()
    }
}

fn contains(r: ratatui::layout::Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height
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

/// The item a row is, named fully.
pub(super) fn target_of(r: &Resource) -> Target {
    Target { workspace: r.workspace.clone(), kind: r.kind, id: r.id.clone(), name: r.name.clone() }
}

/// "kill session "etl" (id 12) in fabric-prod", "resize cluster … to 4 workers"
fn describe(action: Action, target: &Target) -> String {
    match action.detail() {
        Some(detail) => format!("{} {target} {detail}", action.verb()),
        None => format!("{} {target}", action.verb()),
    }
}

/// Why an action makes no sense for the row's current state.
fn refusal(action: Action, r: &Resource) -> Option<String> {
    let finished = r.status.is_terminal();
    let why = match action {
        Action::KillSession | Action::CancelBatch | Action::CancelRun | Action::KeepAlive if finished => {
            "it has already finished"
        }
        Action::TerminateCluster if finished => "it is already terminated",
        Action::RestartCluster if r.raw_state != "RUNNING" => "only a running cluster can be restarted",
        Action::StartCluster if !finished => "only a terminated cluster can be started",
        Action::ResizeCluster { .. } if r.raw_state != "RUNNING" => "only a running cluster can be resized",
        _ => return None,
    };
    Some(format!("Cannot {} {} {} ({}): {why}.", action.verb(), r.kind.singular(), r.id, r.raw_state))
}

/// Order of two rows under a sort key (before `reverse`).
fn compare(key: SortKey, a: &Resource, b: &Resource, now: Timestamp) -> Ordering {
    let text = |x: &str, y: &str| x.to_lowercase().cmp(&y.to_lowercase());
    match key {
        SortKey::Recent => b
            .status
            .is_active()
            .cmp(&a.status.is_active())
            .then_with(|| b.last_activity().cmp(&a.last_activity())),
        SortKey::Name => text(&a.name, &b.name),
        SortKey::Status => a.status.cmp(&b.status).then_with(|| a.raw_state.cmp(&b.raw_state)),
        SortKey::Workspace => {
            text(&a.workspace, &b.workspace).then_with(|| b.last_activity().cmp(&a.last_activity()))
        }
        SortKey::Owner => text(a.owner.as_deref().unwrap_or("~"), b.owner.as_deref().unwrap_or("~")),
        SortKey::Duration => b.duration(now).cmp(&a.duration(now)),
    }
}
