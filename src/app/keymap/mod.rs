//! The one keymap. `update` resolves keys through it and the `?` help and the footer are
//! generated from it, so what the help says is what the keys do. Here: what has focus
//! (`Scope`), what a key does (`Command`), and the keymap in use with the user's `[keys]`;
//! the built-in bindings are in `table`, one key's matching and spelling in `keys`.

mod keys;
mod table;

use crossterm::event::KeyEvent;

use crate::domain::{Action, Kind};

use super::pane::Pane;

pub use keys::{KeySpec, parse_key};
pub use table::{KEYMAP, notes};

/// Where a binding applies: the topmost thing with focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A pane or the All view.
    Pane,
    /// The details overlay (`Enter`).
    Details,
    /// The `?` overlay.
    Help,
    /// A confirmation dialog.
    Confirm,
    /// The logs view (`l`).
    Logs,
    /// The errors view (`!`) or the event log (`:events`).
    Sheet,
    /// The `:` command line and the `/` filter line; other keys are typed text.
    Prompt,
    /// The statement editor; other keys are typed text.
    Editor,
    /// The New form (and its lists); other keys are typed text.
    Form,
    /// The request a form will send, waiting for `y`.
    Review,
    /// Typing a cluster's name to delete it permanently; other keys are typed text.
    TypeName,
    /// The `:columns` picker.
    Columns,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Pane => "pane",
            Scope::Details => "details",
            Scope::Help => "help",
            Scope::Confirm => "confirmation",
            Scope::Logs => "logs",
            Scope::Sheet => "errors / events",
            Scope::Prompt => "command / filter line",
            Scope::Editor => "statement editor",
            Scope::Form => "form",
            Scope::Review => "request review",
            Scope::TypeName => "permanent delete",
            Scope::Columns => "columns",
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
    NextPane,
    PrevPane,
    ShowPane(Pane),
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
    /// Only the rows of the signed-in identity, on / off.
    Mine,
    /// Columns picker: show / hide the column; move it up / down.
    ToggleColumn,
    MoveColumnUp,
    MoveColumnDown,
    Act(ActionKey),
    Confirm,
    Deny,
    Submit,
    Complete,
    DeleteChar,
    /// Prompt: delete the word before the cursor (ctrl-w).
    DeleteWord,
    /// Prompt: delete the whole line (ctrl-u).
    ClearLine,
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
    /// Every error on screen, whole: request, status, code, message, request id, fix.
    Errors,
    /// Open the statement editor.
    Editor,
    /// Editor: run the selection, else the cell under the cursor.
    RunCode,
    /// Editor: run every cell in order, stopping at the first failure.
    RunAll,
    Undo,
    Redo,
    SelectAll,
    /// Editor: empty the text (undo brings it back).
    ClearText,
    /// Editor: comment the lines out, or back in.
    ToggleComment,
    /// Editor: a new tab / close the tab in front / bring tab N (1-based) to the front.
    NewTab,
    CloseTab,
    Tab(u8),
    /// Editor: choose where the tab runs code.
    PickTarget,
    /// Editor: edit the text in `$VISUAL` / `$EDITOR`.
    ExternalEditor,
    /// Editor: the command line (`:open`, `:save`, `:export`).
    EditorCommand,
    /// Editor: the newest table scrolled left / right, and shown full screen.
    GridLeft,
    GridRight,
    GridView,
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
    /// A New form for the pane's kind.
    New,
    /// Jobs: run the job now with parameters typed as `KEY=VALUE ...`.
    RunWithParameters,
    /// The selected cluster's configuration in the form, to edit.
    EditItem,
    /// The selected batch's request in the form, to submit again.
    Resubmit,
    /// Delete the selected terminated cluster permanently (its name typed to confirm).
    DeleteForGood,
    /// Form: the next / previous field.
    NextField,
    PrevField,
    /// Form: start from a template.
    Templates,
    /// Form: save it as a template.
    SaveTemplate,
    /// Mark the selected row, or unmark it (then the next row).
    Mark,
    /// Mark every row from the last mark to the selected one.
    MarkRange,
    /// Mark every row shown (the filter applies).
    MarkAll,
    /// Open the item's page in the browser (or show its URL where there is none).
    OpenBrowser,
    /// Copy the item's id / its URL / its API object (JSON) to the clipboard (OSC 52).
    CopyId,
    CopyUrl,
    CopyJson,
    /// Back / forward through the places visited (panes, filters, opened items); the last one.
    ViewBack,
    ViewForward,
    ViewLast,
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
    /// `R`: repair a failed run (a job's last failed one).
    Repair,
    /// `C`: cancel every active run of a job.
    CancelAll,
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
            (ActionKey::Restart, Kind::Job) => Some(Action::RunJob),
            (ActionKey::Repair, Kind::Job | Kind::Run) => Some(Action::RepairRun),
            (ActionKey::CancelAll, Kind::Job) => Some(Action::CancelAllRuns),
            _ => None,
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

fn applies(b: &Binding, scope: Scope, kind: Option<Kind>) -> bool {
    b.scope == scope && (b.kinds.is_empty() || kind.is_some_and(|k| b.kinds.contains(&k)))
}

/// A binding with the keys in use (the built-in ones, or the user's from `[keys]`).
#[derive(Debug, Clone)]
pub struct Bound {
    pub binding: &'static Binding,
    pub keys: Vec<KeySpec>,
    /// The footer's hint, key and words (`("s", " sort  ")`), spelled once here: the footer is
    /// drawn every frame (a second while durations tick) and would otherwise format it each time.
    pub hint: Option<(String, String)>,
}

impl Bound {
    fn new(binding: &'static Binding, keys: Vec<KeySpec>) -> Bound {
        let hint = keys.first().zip(binding.footer).map(|(k, words)| (k.label(), format!(" {words}  ")));
        Bound { binding, keys, hint }
    }
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
        Keymap { rows: KEYMAP.iter().map(|b| Bound::new(b, b.keys.to_vec())).collect() }
    }
}

use Command as C;

/// The names `[keys]` uses for the commands that can be rebound.
pub const COMMAND_NAMES: &[(&str, Command)] = &[
    ("quit", C::Quit),
    ("help", C::Help),
    ("command", C::CommandLine),
    ("filter", C::FilterLine),
    ("next-pane", C::NextPane),
    ("prev-pane", C::PrevPane),
    ("sessions", C::ShowPane(Pane::Sessions)),
    ("batches", C::ShowPane(Pane::Batches)),
    ("clusters", C::ShowPane(Pane::Clusters)),
    ("runs", C::ShowPane(Pane::Runs)),
    ("all", C::ShowPane(Pane::All)),
    ("jobs", C::ShowPane(Pane::Jobs)),
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
    ("mine", C::Mine),
    ("kill", C::Act(ActionKey::Stop)),
    ("terminate", C::Act(ActionKey::Terminate)),
    ("restart", C::Act(ActionKey::Restart)),
    ("start", C::Act(ActionKey::Start)),
    ("run-now", C::Act(ActionKey::Restart)),
    ("run-with-parameters", C::RunWithParameters),
    ("repair", C::Act(ActionKey::Repair)),
    ("cancel-all", C::Act(ActionKey::CancelAll)),
    ("resize", C::Resize),
    ("keep-alive", C::KeepAlive),
    ("logs", C::Logs),
    ("next-match", C::NextMatch),
    ("prev-match", C::PrevMatch),
    ("follow", C::Follow),
    ("watch", C::Watch),
    ("errors", C::Errors),
    ("editor", C::Editor),
    ("run-code", C::RunCode),
    ("run-all", C::RunAll),
    ("undo", C::Undo),
    ("redo", C::Redo),
    ("select-all", C::SelectAll),
    ("clear", C::ClearText),
    ("comment", C::ToggleComment),
    ("new-tab", C::NewTab),
    ("close-tab", C::CloseTab),
    ("tab-1", C::Tab(1)),
    ("tab-2", C::Tab(2)),
    ("tab-3", C::Tab(3)),
    ("tab-4", C::Tab(4)),
    ("tab-5", C::Tab(5)),
    ("tab-6", C::Tab(6)),
    ("tab-7", C::Tab(7)),
    ("tab-8", C::Tab(8)),
    ("tab-9", C::Tab(9)),
    ("target", C::PickTarget),
    ("external-editor", C::ExternalEditor),
    ("editor-command", C::EditorCommand),
    ("scroll-left", C::GridLeft),
    ("scroll-right", C::GridRight),
    ("grid", C::GridView),
    ("next-language", C::NextLanguage),
    ("cancel-code", C::CancelCode),
    ("history-back", C::HistoryBack),
    ("history-forward", C::HistoryForward),
    ("copy-output", C::CopyOutput),
    ("new", C::New),
    ("edit", C::EditItem),
    ("resubmit", C::Resubmit),
    ("delete-permanently", C::DeleteForGood),
    ("next-field", C::NextField),
    ("prev-field", C::PrevField),
    ("templates", C::Templates),
    ("save-template", C::SaveTemplate),
    ("mark", C::Mark),
    ("mark-range", C::MarkRange),
    ("mark-all", C::MarkAll),
    ("open-browser", C::OpenBrowser),
    ("copy-id", C::CopyId),
    ("copy-url", C::CopyUrl),
    ("copy-json", C::CopyJson),
    ("view-back", C::ViewBack),
    ("view-forward", C::ViewForward),
    ("view-last", C::ViewLast),
];

/// Why `[keys]` cannot be applied, with the `[keys]` names at fault (so the caller can point
/// at their lines).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeysError {
    pub message: String,
    pub commands: Vec<String>,
}

impl std::fmt::Display for KeysError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Keymap {
    /// The built-in keymap with `overrides` (command name → keys) applied everywhere that
    /// command is bound. Unknown names, unreadable keys and keys that would do two things in
    /// one place are refused with a message naming them.
    pub fn with_overrides(overrides: &[(String, Vec<String>)]) -> Result<Keymap, KeysError> {
        let mut map = Keymap::default();
        for (name, keys) in overrides {
            let fault = |message: String| KeysError { message, commands: vec![name.clone()] };
            let Some((_, command)) = COMMAND_NAMES.iter().find(|(n, _)| n == name) else {
                let names: Vec<&str> = COMMAND_NAMES.iter().map(|(n, _)| *n).collect();
                return Err(fault(format!(
                    "[keys] {name}: no such command; rebindable: {}",
                    names.join(", ")
                )));
            };
            if keys.is_empty() {
                return Err(fault(format!("[keys] {name}: give at least one key")));
            }
            let specs = keys
                .iter()
                .map(|k| parse_key(k))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| fault(format!("[keys] {name}: {e}")))?;
            for row in map.rows.iter_mut().filter(|r| r.command == *command) {
                *row = Bound::new(row.binding, specs.clone());
            }
        }
        map.check()?;
        Ok(map)
    }

    /// No key may do two things in one scope for one kind of row.
    fn check(&self) -> Result<(), KeysError> {
        for scope in [
            Scope::Pane,
            Scope::Details,
            Scope::Logs,
            Scope::Sheet,
            Scope::Help,
            Scope::Confirm,
            Scope::Prompt,
            Scope::Editor,
            Scope::Form,
            Scope::Review,
            Scope::TypeName,
        ] {
            for kind in [None, Some(Kind::Session), Some(Kind::Batch), Some(Kind::Cluster), Some(Kind::Run)] {
                let mut seen: Vec<(KeySpec, &Bound)> = Vec::new();
                for b in self.bindings(scope, kind) {
                    for k in &b.keys {
                        if let Some((_, other)) = seen.iter().find(|(s, _)| s == k) {
                            let message = format!(
                                "[keys]: {} would both \"{}\" and \"{}\" in the {}",
                                k.label(),
                                other.help,
                                b.help,
                                scope.title()
                            );
                            let commands = [other.command, b.command]
                                .iter()
                                .filter_map(|c| COMMAND_NAMES.iter().find(|(_, n)| n == c))
                                .map(|(name, _)| name.to_string())
                                .collect();
                            return Err(KeysError { message, commands });
                        }
                        seen.push((*k, b));
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

/// "j/↓" for a binding's keys.
pub fn keys_label(b: &Bound) -> String {
    b.keys.iter().map(KeySpec::label).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::keys::{alt, code, key};
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn shift_letters_and_ctrl_keys_resolve() {
        let sort_rev = press(KeyCode::Char('S'), KeyModifiers::SHIFT);
        let map = Keymap::default();
        assert_eq!(map.lookup(Scope::Pane, None, &sort_rev), Some(Command::SortReverse));
        let half = press(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(map.lookup(Scope::Pane, None, &half), Some(Command::HalfPageDown));
        let back = press(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(map.lookup(Scope::Pane, None, &back), Some(Command::PrevPane));
    }

    #[test]
    fn action_keys_depend_on_the_row_kind() {
        let map = Keymap::default();
        let c = press(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(map.lookup(Scope::Pane, Some(Kind::Run), &c), Some(Command::Act(ActionKey::Stop)));
        assert_eq!(map.lookup(Scope::Pane, Some(Kind::Cluster), &c), None);
        let t = press(KeyCode::Char('t'), KeyModifiers::NONE);
        assert_eq!(map.lookup(Scope::Pane, Some(Kind::Session), &t), None);
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
        assert_eq!(map.lookup(Scope::Pane, Some(Kind::Run), &x), Some(Command::Act(ActionKey::Stop)));
        let c = press(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(map.lookup(Scope::Pane, Some(Kind::Run), &c), None);
        let n = press(KeyCode::Char('n'), KeyModifiers::CONTROL);
        assert_eq!(map.lookup(Scope::Logs, None, &n), Some(Command::Down));
        assert_eq!(map.lookup(Scope::Details, None, &n), Some(Command::Down));
        let label = map.bindings(Scope::Pane, None).find(|b| b.command == Command::Down).map(keys_label);
        assert_eq!(label.as_deref(), Some("ctrl-n/↓"));
    }

    #[test]
    fn bad_user_keys_are_refused_with_the_reason() {
        let err = |name: &str, key: &str| {
            Keymap::with_overrides(&[(name.into(), vec![key.into()])]).err().unwrap_or_default().message
        };
        let both = Keymap::with_overrides(&[("kill".into(), vec!["s".into()])]).err().unwrap_or_default();
        assert_eq!(both.commands, ["kill", "sort"], "both ends of a clash are named: {both}");
        assert!(err("kil", "x").contains("no such command"));
        assert!(err("kill", "ctrl-").contains("ctrl- takes one letter"));
        assert_eq!(parse_key("ctrl-shift-z"), Ok(keys::ctrl_shift('z')));
        assert_eq!(parse_key("ctrl-f5"), Ok(keys::ctrl_code(KeyCode::F(5))));
        assert_eq!(keys::ctrl_shift('z').label(), "ctrl-shift-z");
        // ctrl-shift-z is not ctrl-z (where the terminal can tell them apart).
        let redo = press(KeyCode::Char('Z'), KeyModifiers::CONTROL | KeyModifiers::SHIFT);
        assert!(keys::ctrl_shift('z').matches(&redo) && !keys::ctrl('z').matches(&redo));
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
