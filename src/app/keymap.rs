//! The one keymap table. `update` resolves keys through it and the `?` help and the footer
//! are generated from it, so what the help says is what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::Kind;

use super::view::View;
use crate::domain::Action;

/// Where a binding applies: the topmost thing with focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A pane or the All view.
    Table,
    /// The details overlay (`Enter`).
    Details,
    /// The `?` overlay.
    Help,
    /// A confirmation dialog.
    Confirm,
    /// The logs view (`l`).
    Logs,
    /// The `:` command line and the `/` filter line; other keys are typed text.
    Prompt,
    /// The statement editor; other keys are typed text.
    Editor,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Table => "pane",
            Scope::Details => "details",
            Scope::Help => "help",
            Scope::Confirm => "confirmation",
            Scope::Logs => "logs",
            Scope::Prompt => "command / filter line",
            Scope::Editor => "statement editor",
        }
    }
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    Help,
    CommandLine,
    FilterLine,
    NextView,
    PrevView,
    ShowView(View),
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    HalfPageDown,
    HalfPageUp,
    Open,
    /// Close the topmost overlay, or clear the pane's filter.
    Back,
    SortNext,
    SortReverse,
    Act(ActionKey),
    Confirm,
    Deny,
    Submit,
    Complete,
    DeleteChar,
    /// Open the logs view of the selected item.
    Logs,
    /// Logs: the next / previous line matching the search.
    NextMatch,
    PrevMatch,
    /// Logs: follow new lines on or off.
    Follow,
    /// Watch the selected item: say when it ends.
    Watch,
    /// Ask for the selected cluster's new size.
    Resize,
    /// Restart the selected session's idle countdown (harmless: no confirmation).
    KeepAlive,
    /// Open the statement editor.
    Editor,
    /// Editor: run the text.
    RunCode,
    /// Editor: the next language.
    NextLanguage,
    /// Editor: cancel the running statement.
    CancelCode,
    /// Editor: an older / newer statement from the history.
    HistoryBack,
    HistoryForward,
    /// Editor: scroll the output.
    OutputUp,
    OutputDown,
    /// Editor: the newest output to the clipboard.
    CopyOutput,
}

/// The action keys; what they do depends on the kind of the focused row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKey {
    /// `c`: kill a session, cancel a batch or a run.
    Stop,
    /// `t`: terminate a cluster.
    Terminate,
    /// `r`: restart a cluster.
    Restart,
    /// `u`: start a terminated cluster.
    Start,
}

impl ActionKey {
    pub fn action_for(self, kind: Kind) -> Option<Action> {
        match (self, kind) {
            (ActionKey::Stop, Kind::Session) => Some(Action::KillSession),
            (ActionKey::Stop, Kind::Batch) => Some(Action::CancelBatch),
            (ActionKey::Stop, Kind::Run) => Some(Action::CancelRun),
            (ActionKey::Terminate, Kind::Cluster) => Some(Action::TerminateCluster),
            (ActionKey::Restart, Kind::Cluster) => Some(Action::RestartCluster),
            (ActionKey::Start, Kind::Cluster) => Some(Action::StartCluster),
            _ => None,
        }
    }
}

/// One key: a code plus Ctrl/Alt (Shift is part of the character for letters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySpec {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const fn key(c: char) -> KeySpec {
    KeySpec { code: KeyCode::Char(c), modifiers: KeyModifiers::NONE }
}

const fn ctrl(c: char) -> KeySpec {
    KeySpec { code: KeyCode::Char(c), modifiers: KeyModifiers::CONTROL }
}

const fn code(code: KeyCode) -> KeySpec {
    KeySpec { code, modifiers: KeyModifiers::NONE }
}

const fn alt(code: KeyCode) -> KeySpec {
    KeySpec { code, modifiers: KeyModifiers::ALT }
}

impl KeySpec {
    pub fn matches(&self, event: &KeyEvent) -> bool {
        // Terminals report Shift on upper-case letters and on BackTab inconsistently.
        let relevant = event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        let code = match event.code {
            KeyCode::Char(c) if event.modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        code == self.code && relevant == self.modifiers
    }

    /// How help and the footer spell the key.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "enter".into(),
            KeyCode::Esc => "esc".into(),
            KeyCode::Tab => "tab".into(),
            KeyCode::BackTab => "shift-tab".into(),
            KeyCode::Backspace => "backspace".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "pgup".into(),
            KeyCode::PageDown => "pgdn".into(),
            KeyCode::Home => "home".into(),
            KeyCode::End => "end".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}").to_lowercase(),
        };
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            format!("ctrl-{base}")
        } else if self.modifiers.contains(KeyModifiers::ALT) {
            format!("alt-{base}")
        } else {
            base
        }
    }
}

/// A row of the keymap.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub scope: Scope,
    pub keys: &'static [KeySpec],
    pub command: Command,
    /// Kinds of the focused row this applies to; empty = any.
    pub kinds: &'static [Kind],
    /// Shown in the footer (short label); `None` = only in `?` help.
    pub footer: Option<&'static str>,
    /// The `?` help line.
    pub help: &'static str,
}

const ANY: &[Kind] = &[];

macro_rules! bind {
    ($scope:ident, [$($k:expr),+], $cmd:expr, $kinds:expr, $footer:expr, $help:expr) => {
        Binding { scope: Scope::$scope, keys: &[$($k),+], command: $cmd, kinds: $kinds, footer: $footer, help: $help }
    };
}

use Command as C;

/// Every binding. Order is the order of help and footer.
pub const KEYMAP: &[Binding] = &[
    // Panes.
    bind!(Table, [key('j'), code(KeyCode::Down)], C::Down, ANY, Some("move"), "next row"),
    bind!(Table, [key('k'), code(KeyCode::Up)], C::Up, ANY, None, "previous row"),
    bind!(
        Table,
        [code(KeyCode::Enter)],
        C::Open,
        ANY,
        Some("details"),
        "details of the row (fields + API object)"
    ),
    bind!(
        Table,
        [key('c')],
        C::Act(ActionKey::Stop),
        &[Kind::Session],
        Some("kill"),
        "kill the session (asks first)"
    ),
    bind!(
        Table,
        [key('c')],
        C::Act(ActionKey::Stop),
        &[Kind::Batch],
        Some("cancel"),
        "cancel the batch (asks first)"
    ),
    bind!(
        Table,
        [key('c')],
        C::Act(ActionKey::Stop),
        &[Kind::Run],
        Some("cancel"),
        "cancel the run (asks first)"
    ),
    bind!(
        Table,
        [key('t')],
        C::Act(ActionKey::Terminate),
        &[Kind::Cluster],
        Some("terminate"),
        "terminate the cluster (asks first)"
    ),
    bind!(
        Table,
        [key('r')],
        C::Act(ActionKey::Restart),
        &[Kind::Cluster],
        Some("restart"),
        "restart the cluster (asks first)"
    ),
    bind!(
        Table,
        [key('u')],
        C::Act(ActionKey::Start),
        &[Kind::Cluster],
        Some("start"),
        "start the terminated cluster (asks first)"
    ),
    bind!(
        Table,
        [key('K')],
        C::KeepAlive,
        &[Kind::Session],
        None,
        "keep alive: restart the session's 20-minute idle countdown"
    ),
    bind!(
        Table,
        [key('z')],
        C::Resize,
        &[Kind::Cluster],
        Some("resize"),
        "resize the cluster: a number of workers, or MIN-MAX to autoscale (asks first)"
    ),
    bind!(
        Table,
        [key('/')],
        C::FilterLine,
        ANY,
        Some("filter"),
        "filter: text, regex (~re or with metacharacters), ! inverts"
    ),
    bind!(Table, [key('s')], C::SortNext, ANY, Some("sort"), "sort by the next column"),
    bind!(Table, [key('S')], C::SortReverse, ANY, None, "reverse the sort"),
    bind!(
        Table,
        [key(':')],
        C::CommandLine,
        ANY,
        Some("cmd"),
        "command: sessions batches clusters runs all ws [NAME] q"
    ),
    bind!(Table, [code(KeyCode::Tab)], C::NextView, ANY, Some("pane"), "next pane"),
    bind!(Table, [code(KeyCode::BackTab)], C::PrevView, ANY, None, "previous pane"),
    bind!(Table, [key('1')], C::ShowView(View::Sessions), ANY, None, "Sessions pane"),
    bind!(Table, [key('2')], C::ShowView(View::Batches), ANY, None, "Batches pane"),
    bind!(Table, [key('3')], C::ShowView(View::Clusters), ANY, None, "Clusters pane"),
    bind!(Table, [key('4')], C::ShowView(View::Runs), ANY, None, "Runs pane"),
    bind!(Table, [key('5')], C::ShowView(View::All), ANY, None, "All: every workspace, most recent first"),
    bind!(Table, [key('g'), code(KeyCode::Home)], C::Top, ANY, None, "first row"),
    bind!(Table, [key('G'), code(KeyCode::End)], C::Bottom, ANY, None, "last row"),
    bind!(Table, [code(KeyCode::PageDown), ctrl('f')], C::PageDown, ANY, None, "page down"),
    bind!(Table, [code(KeyCode::PageUp), ctrl('b')], C::PageUp, ANY, None, "page up"),
    bind!(Table, [ctrl('d')], C::HalfPageDown, ANY, None, "half a page down"),
    bind!(Table, [ctrl('u')], C::HalfPageUp, ANY, None, "half a page up"),
    bind!(Table, [code(KeyCode::Esc)], C::Back, ANY, None, "clear the filter"),
    bind!(Table, [key('l')], C::Logs, ANY, Some("logs"), "logs: Livy log, cluster events, run output"),
    bind!(Table, [key('w')], C::Watch, ANY, None, "watch: tell me (bell / notification) when this ends"),
    bind!(
        Table,
        [key('e')],
        C::Editor,
        ANY,
        Some("editor"),
        "statement editor: run code in this session, a REPL of this Fabric workspace, or on this cluster"
    ),
    bind!(Table, [key('?')], C::Help, ANY, Some("help"), "this help"),
    bind!(Table, [key('q'), ctrl('c')], C::Quit, ANY, Some("quit"), "quit"),
    // Details.
    bind!(Details, [key('j'), code(KeyCode::Down)], C::Down, ANY, Some("scroll"), "scroll down"),
    bind!(Details, [key('k'), code(KeyCode::Up)], C::Up, ANY, None, "scroll up"),
    bind!(Details, [key('g'), code(KeyCode::Home)], C::Top, ANY, None, "top"),
    bind!(Details, [key('G'), code(KeyCode::End)], C::Bottom, ANY, None, "bottom"),
    bind!(Details, [code(KeyCode::PageDown), ctrl('f')], C::PageDown, ANY, None, "page down"),
    bind!(Details, [code(KeyCode::PageUp), ctrl('b')], C::PageUp, ANY, None, "page up"),
    bind!(Details, [ctrl('d')], C::HalfPageDown, ANY, None, "half a page down"),
    bind!(Details, [ctrl('u')], C::HalfPageUp, ANY, None, "half a page up"),
    bind!(Details, [code(KeyCode::Esc), code(KeyCode::Enter)], C::Back, ANY, Some("close"), "close details"),
    bind!(Details, [key('l')], C::Logs, ANY, Some("logs"), "logs of this item"),
    bind!(Details, [key('?')], C::Help, ANY, Some("help"), "this help"),
    bind!(Details, [key('q'), ctrl('c')], C::Quit, ANY, Some("quit"), "quit"),
    // Logs.
    bind!(Logs, [key('j'), code(KeyCode::Down)], C::Down, ANY, Some("scroll"), "scroll down"),
    bind!(Logs, [key('k'), code(KeyCode::Up)], C::Up, ANY, None, "scroll up (stops following)"),
    bind!(Logs, [key('g'), code(KeyCode::Home)], C::Top, ANY, None, "first line"),
    bind!(
        Logs,
        [key('G'), code(KeyCode::End)],
        C::Bottom,
        ANY,
        Some("end"),
        "last line, and follow new lines"
    ),
    bind!(Logs, [code(KeyCode::PageDown), ctrl('f')], C::PageDown, ANY, None, "page down"),
    bind!(Logs, [code(KeyCode::PageUp), ctrl('b')], C::PageUp, ANY, None, "page up"),
    bind!(Logs, [ctrl('d')], C::HalfPageDown, ANY, None, "half a page down"),
    bind!(Logs, [ctrl('u')], C::HalfPageUp, ANY, None, "half a page up"),
    bind!(Logs, [key('/')], C::FilterLine, ANY, Some("search"), "search (case-insensitive)"),
    bind!(Logs, [key('n')], C::NextMatch, ANY, None, "next match"),
    bind!(Logs, [key('N')], C::PrevMatch, ANY, None, "previous match"),
    bind!(Logs, [key('f')], C::Follow, ANY, Some("follow"), "follow new lines on / off"),
    bind!(Logs, [code(KeyCode::Esc)], C::Back, ANY, Some("close"), "close the logs"),
    bind!(Logs, [key('?')], C::Help, ANY, Some("help"), "this help"),
    bind!(Logs, [key('q'), ctrl('c')], C::Quit, ANY, Some("quit"), "quit"),
    // Help.
    bind!(Help, [key('j'), code(KeyCode::Down)], C::Down, ANY, Some("scroll"), "scroll down"),
    bind!(Help, [key('k'), code(KeyCode::Up)], C::Up, ANY, None, "scroll up"),
    bind!(Help, [code(KeyCode::Esc), key('?')], C::Back, ANY, Some("close"), "close help"),
    bind!(Help, [key('q'), ctrl('c')], C::Quit, ANY, Some("quit"), "quit"),
    // Confirmation.
    bind!(Confirm, [key('y')], C::Confirm, ANY, Some("yes, do it"), "confirm"),
    bind!(Confirm, [key('n'), code(KeyCode::Esc)], C::Deny, ANY, Some("no"), "cancel"),
    bind!(Confirm, [ctrl('c')], C::Quit, ANY, None, "quit"),
    // Command and filter lines.
    bind!(Prompt, [code(KeyCode::Enter)], C::Submit, ANY, Some("apply"), "run the command / keep the filter"),
    bind!(
        Prompt,
        [code(KeyCode::Tab)],
        C::Complete,
        ANY,
        Some("complete"),
        "complete a command or workspace name"
    ),
    bind!(Prompt, [code(KeyCode::Backspace)], C::DeleteChar, ANY, None, "delete a character"),
    bind!(
        Prompt,
        [code(KeyCode::Esc)],
        C::Back,
        ANY,
        Some("cancel"),
        "cancel (a filter line clears the filter)"
    ),
    bind!(Prompt, [ctrl('c')], C::Quit, ANY, None, "quit"),
    // Statement editor: every other key edits the text with ratatui-textarea's emacs-style
    // keys (arrows, home / end, ctrl-u undo, ctrl-r redo, ctrl-k kill to end of line, ctrl-y
    // paste). Function keys and alt- chords are used here because they type nothing.
    bind!(Editor, [code(KeyCode::F(5)), alt(KeyCode::Enter)], C::RunCode, ANY, Some("run"), "run the text"),
    bind!(
        Editor,
        [code(KeyCode::F(2))],
        C::NextLanguage,
        ANY,
        Some("language"),
        "next language: PySpark, Scala, SQL, R"
    ),
    bind!(Editor, [code(KeyCode::F(8))], C::CancelCode, ANY, Some("cancel"), "cancel the running statement"),
    bind!(
        Editor,
        [alt(KeyCode::Up), alt(KeyCode::Char('p'))],
        C::HistoryBack,
        ANY,
        Some("history"),
        "an older statement from the history"
    ),
    bind!(
        Editor,
        [alt(KeyCode::Down), alt(KeyCode::Char('n'))],
        C::HistoryForward,
        ANY,
        None,
        "a newer statement (back to the draft at the end)"
    ),
    bind!(
        Editor,
        [alt(KeyCode::Char('k')), alt(KeyCode::PageUp)],
        C::OutputUp,
        ANY,
        None,
        "scroll the output up"
    ),
    bind!(
        Editor,
        [alt(KeyCode::Char('j')), alt(KeyCode::PageDown)],
        C::OutputDown,
        ANY,
        None,
        "scroll the output down"
    ),
    bind!(
        Editor,
        [alt(KeyCode::Char('c'))],
        C::CopyOutput,
        ANY,
        None,
        "copy the newest output to the clipboard (tables as tab-separated text; OSC 52)"
    ),
    bind!(Editor, [code(KeyCode::Esc)], C::Back, ANY, Some("close"), "back to the panes (the text is kept)"),
    bind!(Editor, [code(KeyCode::F(1))], C::Help, ANY, Some("help"), "this help"),
    bind!(Editor, [ctrl('c')], C::Quit, ANY, Some("quit"), "quit (the text is kept for next time)"),
];

/// What `?` help says under the keys of `scope`.
pub fn notes(scope: Scope) -> &'static [&'static str] {
    match scope {
        Scope::Table => &[
            "Filter /: plain text matches as a substring; text with regex metacharacters (^$.*+?()[]{}|\\)",
            "  or starting with ~ is a regex; a leading ! keeps the rows that do NOT match. Case-insensitive.",
            "Commands :  sessions  batches  clusters  runs  all  ws NAME (one workspace)  ws (all)  editor  q",
            "Mouse: click a tab or a row, wheel scrolls.",
        ],
        Scope::Editor => &[
            "Editing: arrows, home/end, ctrl-u undo, ctrl-r redo, ctrl-k cuts to the end of the line, ctrl-y pastes.",
            "Shift + arrows select; F5 then runs only the selection.",
            "Code runs in the session chosen in the pane, a REPL of sparkdeck's own (Fabric high-concurrency,",
            "  tag \"sparkdeck\") or an execution context on a cluster; the first F5 acquires it, which may start",
            "  a billed Spark session; variables live on between runs; quitting gives it back.",
            "The text is saved after every change and every run is kept in the history (data dir, editor/).",
        ],
        _ => &[],
    }
}

fn applies(b: &Binding, scope: Scope, kind: Option<Kind>) -> bool {
    b.scope == scope && (b.kinds.is_empty() || kind.is_some_and(|k| b.kinds.contains(&k)))
}

/// A binding with the keys in use (the built-in ones, or the user's from `[keys]`).
#[derive(Debug, Clone)]
pub struct Bound {
    pub binding: &'static Binding,
    pub keys: Vec<KeySpec>,
}

impl std::ops::Deref for Bound {
    type Target = Binding;
    fn deref(&self) -> &Binding {
        self.binding
    }
}

/// The keymap in use: `KEYMAP` with the user's `[keys]` applied.
#[derive(Debug, Clone)]
pub struct Keymap {
    rows: Vec<Bound>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap { rows: KEYMAP.iter().map(|b| Bound { binding: b, keys: b.keys.to_vec() }).collect() }
    }
}

/// The names `[keys]` uses for the commands that can be rebound.
pub const COMMAND_NAMES: &[(&str, Command)] = &[
    ("quit", C::Quit),
    ("help", C::Help),
    ("command", C::CommandLine),
    ("filter", C::FilterLine),
    ("next-pane", C::NextView),
    ("prev-pane", C::PrevView),
    ("sessions", C::ShowView(View::Sessions)),
    ("batches", C::ShowView(View::Batches)),
    ("clusters", C::ShowView(View::Clusters)),
    ("runs", C::ShowView(View::Runs)),
    ("all", C::ShowView(View::All)),
    ("down", C::Down),
    ("up", C::Up),
    ("top", C::Top),
    ("bottom", C::Bottom),
    ("page-down", C::PageDown),
    ("page-up", C::PageUp),
    ("half-page-down", C::HalfPageDown),
    ("half-page-up", C::HalfPageUp),
    ("open", C::Open),
    ("back", C::Back),
    ("sort", C::SortNext),
    ("sort-reverse", C::SortReverse),
    ("kill", C::Act(ActionKey::Stop)),
    ("terminate", C::Act(ActionKey::Terminate)),
    ("restart", C::Act(ActionKey::Restart)),
    ("start", C::Act(ActionKey::Start)),
    ("resize", C::Resize),
    ("keep-alive", C::KeepAlive),
    ("logs", C::Logs),
    ("next-match", C::NextMatch),
    ("prev-match", C::PrevMatch),
    ("follow", C::Follow),
    ("watch", C::Watch),
    ("editor", C::Editor),
    ("run-code", C::RunCode),
    ("next-language", C::NextLanguage),
    ("cancel-code", C::CancelCode),
    ("history-back", C::HistoryBack),
    ("history-forward", C::HistoryForward),
    ("copy-output", C::CopyOutput),
];

impl Keymap {
    /// The built-in keymap with `overrides` (command name → keys) applied everywhere that
    /// command is bound. Unknown names, unreadable keys and keys that would do two things in
    /// one place are refused with a message naming them.
    pub fn with_overrides(overrides: &[(String, Vec<String>)]) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        for (name, keys) in overrides {
            let Some((_, command)) = COMMAND_NAMES.iter().find(|(n, _)| n == name) else {
                let names: Vec<&str> = COMMAND_NAMES.iter().map(|(n, _)| *n).collect();
                return Err(format!("[keys] {name}: no such command; rebindable: {}", names.join(", ")));
            };
            if keys.is_empty() {
                return Err(format!("[keys] {name}: give at least one key"));
            }
            let specs = keys
                .iter()
                .map(|k| parse_key(k))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("[keys] {name}: {e}"))?;
            for row in map.rows.iter_mut().filter(|r| r.command == *command) {
                row.keys = specs.clone();
            }
        }
        map.check()?;
        Ok(map)
    }

    /// No key may do two things in one scope for one kind of row.
    fn check(&self) -> Result<(), String> {
        for scope in [
            Scope::Table,
            Scope::Details,
            Scope::Logs,
            Scope::Help,
            Scope::Confirm,
            Scope::Prompt,
            Scope::Editor,
        ] {
            for kind in [None, Some(Kind::Session), Some(Kind::Batch), Some(Kind::Cluster), Some(Kind::Run)] {
                let mut seen: Vec<(KeySpec, &str)> = Vec::new();
                for b in self.bindings(scope, kind) {
                    for k in &b.keys {
                        if let Some((_, other)) = seen.iter().find(|(s, _)| s == k) {
                            return Err(format!(
                                "[keys]: {} would both \"{other}\" and \"{}\" in the {}",
                                k.label(),
                                b.help,
                                scope.title()
                            ));
                        }
                        seen.push((*k, b.help));
                    }
                }
            }
        }
        Ok(())
    }

    /// The command `event` triggers in `scope` with a row of `kind` focused.
    pub fn lookup(&self, scope: Scope, kind: Option<Kind>, event: &KeyEvent) -> Option<Command> {
        self.rows
            .iter()
            .find(|b| applies(b, scope, kind) && b.keys.iter().any(|k| k.matches(event)))
            .map(|b| b.command)
    }

    /// The bindings valid in `scope` for a focused row of `kind` (help and footer).
    pub fn bindings(&self, scope: Scope, kind: Option<Kind>) -> impl Iterator<Item = &Bound> {
        self.rows.iter().filter(move |b| applies(b, scope, kind))
    }
}

/// "x", "X", "ctrl-x", "enter", "esc", "tab", "shift-tab", "backspace", "space", "up", "down",
/// "left", "right", "home", "end", "pgup", "pgdn", "f1"…"f12", and "alt-" before any of them.
pub fn parse_key(text: &str) -> Result<KeySpec, String> {
    let lower = text.trim().to_ascii_lowercase();
    if lower.starts_with("alt-") && lower.len() > 4 {
        let inner = parse_key(&text.trim()[4..])?;
        if inner.modifiers != KeyModifiers::NONE {
            return Err(format!("{text:?}: alt- takes a plain key"));
        }
        return Ok(alt(inner.code));
    }
    if let Some(rest) = lower.strip_prefix("ctrl-") {
        let mut chars = rest.chars();
        return match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_alphanumeric() => Ok(ctrl(c)),
            _ => Err(format!("{text:?}: ctrl- takes one letter or digit")),
        };
    }
    let named = match lower.as_str() {
        "enter" => Some(KeyCode::Enter),
        "esc" | "escape" => Some(KeyCode::Esc),
        "tab" => Some(KeyCode::Tab),
        "shift-tab" | "backtab" => Some(KeyCode::BackTab),
        "backspace" => Some(KeyCode::Backspace),
        "space" => Some(KeyCode::Char(' ')),
        "up" => Some(KeyCode::Up),
        "down" => Some(KeyCode::Down),
        "left" => Some(KeyCode::Left),
        "right" => Some(KeyCode::Right),
        "home" => Some(KeyCode::Home),
        "end" => Some(KeyCode::End),
        "pgup" | "pageup" => Some(KeyCode::PageUp),
        "pgdn" | "pagedown" => Some(KeyCode::PageDown),
        f if f.starts_with('f') && f.len() > 1 => {
            f[1..].parse::<u8>().ok().filter(|n| (1..=12).contains(n)).map(KeyCode::F)
        }
        _ => None,
    };
    if let Some(code) = named {
        return Ok(KeySpec { code, modifiers: KeyModifiers::NONE });
    }
    // A single character, case kept ("G" is shift-g).
    let mut chars = text.trim().chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_control() => Ok(key(c)),
        _ => Err(format!("{text:?} is not a key (try \"x\", \"X\", \"ctrl-x\", \"enter\", \"f5\")")),
    }
}

/// "j/↓" for a binding's keys.
pub fn keys_label(b: &Bound) -> String {
    b.keys.iter().map(KeySpec::label).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn shift_letters_and_ctrl_keys_resolve() {
        let sort_rev = press(KeyCode::Char('S'), KeyModifiers::SHIFT);
        let map = Keymap::default();
        assert_eq!(map.lookup(Scope::Table, None, &sort_rev), Some(Command::SortReverse));
        let half = press(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(map.lookup(Scope::Table, None, &half), Some(Command::HalfPageDown));
        let back = press(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(map.lookup(Scope::Table, None, &back), Some(Command::PrevView));
    }

    #[test]
    fn action_keys_depend_on_the_row_kind() {
        let map = Keymap::default();
        let c = press(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(map.lookup(Scope::Table, Some(Kind::Run), &c), Some(Command::Act(ActionKey::Stop)));
        assert_eq!(map.lookup(Scope::Table, Some(Kind::Cluster), &c), None);
        let t = press(KeyCode::Char('t'), KeyModifiers::NONE);
        assert_eq!(map.lookup(Scope::Table, Some(Kind::Session), &t), None);
        assert_eq!(ActionKey::Stop.action_for(Kind::Session), Some(Action::KillSession));
    }

    #[test]
    fn no_key_is_bound_twice_in_one_scope_for_one_kind() {
        assert_eq!(Keymap::default().check(), Ok(()));
    }

    #[test]
    fn user_keys_replace_the_built_in_ones_everywhere() {
        let map = Keymap::with_overrides(&[
            ("kill".into(), vec!["x".into()]),
            ("down".into(), vec!["ctrl-n".into(), "down".into()]),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let x = press(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(map.lookup(Scope::Table, Some(Kind::Run), &x), Some(Command::Act(ActionKey::Stop)));
        let c = press(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(map.lookup(Scope::Table, Some(Kind::Run), &c), None);
        let n = press(KeyCode::Char('n'), KeyModifiers::CONTROL);
        assert_eq!(map.lookup(Scope::Logs, None, &n), Some(Command::Down));
        assert_eq!(map.lookup(Scope::Details, None, &n), Some(Command::Down));
        let label = map.bindings(Scope::Table, None).find(|b| b.command == Command::Down).map(keys_label);
        assert_eq!(label.as_deref(), Some("ctrl-n/↓"));
    }

    #[test]
    fn bad_user_keys_are_refused_with_the_reason() {
        let err = |name: &str, key: &str| {
            Keymap::with_overrides(&[(name.into(), vec![key.into()])]).err().unwrap_or_default()
        };
        assert!(err("kil", "x").contains("no such command"));
        assert!(err("kill", "ctrl-").contains("ctrl- takes one letter"));
        assert!(err("kill", "xyz").contains("is not a key"));
        // `s` already sorts in the pane.
        assert!(err("kill", "s").contains("would both"), "{}", err("kill", "s"));
        assert_eq!(parse_key("F5"), Ok(KeySpec { code: KeyCode::F(5), modifiers: KeyModifiers::NONE }));
        assert_eq!(parse_key("G"), Ok(key('G')));
        assert_eq!(parse_key("alt-enter"), Ok(alt(KeyCode::Enter)));
        assert_eq!(parse_key("Alt-p"), Ok(alt(KeyCode::Char('p'))));
        assert!(parse_key("alt-ctrl-x").is_err());
        assert_eq!(alt(KeyCode::Up).label(), "alt-↑");
        assert_eq!(code(KeyCode::F(5)).label(), "F5");
    }
}
