//! The built-in bindings, in the order help and the footer show them, and the notes help adds
//! under them.

use crossterm::event::KeyCode;

use crate::app::pane::Pane;
use crate::domain::Kind;

use super::keys::{alt, code, ctrl, ctrl_code, ctrl_shift, key};
use super::{ActionKey, Binding, Command, Scope};

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
    bind!(Pane, [key('j'), code(KeyCode::Down)], C::Down, ANY, Some("move"), "next row"),
    bind!(Pane, [key('k'), code(KeyCode::Up)], C::Up, ANY, None, "previous row"),
    bind!(
        Pane,
        [code(KeyCode::Enter)],
        C::Open,
        ANY,
        Some("details"),
        "details of the row (fields + API object)"
    ),
    bind!(
        Pane,
        [key('c')],
        C::Act(ActionKey::Stop),
        &[Kind::Session],
        Some("kill"),
        "kill the session (asks first)"
    ),
    bind!(
        Pane,
        [key('c')],
        C::Act(ActionKey::Stop),
        &[Kind::Batch],
        Some("cancel"),
        "cancel the batch (asks first)"
    ),
    bind!(
        Pane,
        [key('c')],
        C::Act(ActionKey::Stop),
        &[Kind::Run],
        Some("cancel"),
        "cancel the run (asks first)"
    ),
    bind!(
        Pane,
        [key('t')],
        C::Act(ActionKey::Terminate),
        &[Kind::Cluster],
        Some("terminate"),
        "terminate the cluster (asks first)"
    ),
    bind!(
        Pane,
        [key('r')],
        C::Act(ActionKey::Restart),
        &[Kind::Cluster],
        Some("restart"),
        "restart the cluster (asks first)"
    ),
    bind!(
        Pane,
        [key('r')],
        C::Act(ActionKey::Restart),
        &[Kind::Job],
        Some("run now"),
        "run the job now (asks first)"
    ),
    bind!(
        Pane,
        [key('p')],
        C::RunWithParameters,
        &[Kind::Job],
        Some("run with…"),
        "run the job now with parameters: KEY=VALUE ... (job parameters, else notebook_params; asks first)"
    ),
    bind!(
        Pane,
        [key('R')],
        C::Act(ActionKey::Repair),
        &[Kind::Job, Kind::Run],
        Some("repair"),
        "repair the (job's last) failed run: rerun its failed tasks and those after them (asks first)"
    ),
    bind!(
        Pane,
        [key('C')],
        C::Act(ActionKey::CancelAll),
        &[Kind::Job],
        Some("cancel all"),
        "cancel every active run of the job (asks first, says how many)"
    ),
    bind!(
        Pane,
        [key('u')],
        C::Act(ActionKey::Start),
        &[Kind::Cluster],
        Some("start"),
        "start the terminated cluster (asks first)"
    ),
    bind!(
        Pane,
        [key('K')],
        C::KeepAlive,
        &[Kind::Session],
        None,
        "keep alive: restart the session's 20-minute idle countdown"
    ),
    bind!(
        Pane,
        [key('z')],
        C::Resize,
        &[Kind::Cluster],
        Some("resize"),
        "resize the cluster: a number of workers, or MIN-MAX to autoscale (asks first)"
    ),
    bind!(
        Pane,
        [key('n')],
        C::New,
        ANY,
        Some("new"),
        "new session, batch, cluster or run: a form, reviewed before it is sent"
    ),
    bind!(
        Pane,
        [key('E')],
        C::EditItem,
        &[Kind::Cluster],
        Some("edit"),
        "edit the cluster's configuration in the form (a running cluster restarts with it)"
    ),
    bind!(
        Pane,
        [key('R')],
        C::Resubmit,
        &[Kind::Batch],
        Some("resubmit"),
        "submit the batch again: the form, prefilled with its request"
    ),
    bind!(
        Pane,
        [key('D')],
        C::DeleteForGood,
        &[Kind::Cluster],
        None,
        "delete the terminated cluster permanently (type its name to confirm)"
    ),
    bind!(
        Pane,
        [key('/')],
        C::FilterLine,
        ANY,
        Some("filter"),
        "filter: text, regex (~re or with metacharacters), ! inverts"
    ),
    bind!(Pane, [key(' ')], C::Mark, ANY, None, "mark the row, or unmark it (and move down)"),
    bind!(Pane, [ctrl(' '), key('V')], C::MarkRange, ANY, None, "mark every row from the last mark to here"),
    bind!(
        Pane,
        [key('*')],
        C::MarkAll,
        ANY,
        None,
        "mark every row shown (the filter applies); again: unmark them"
    ),
    bind!(Pane, [key('s')], C::SortNext, ANY, Some("sort"), "sort by the next column"),
    bind!(
        Pane,
        [key('S')],
        C::SortReverse,
        ANY,
        None,
        "reverse the sort (shift + a column's underlined letter: sort by it)"
    ),
    bind!(
        Pane,
        [key('m')],
        C::Mine,
        ANY,
        Some("mine"),
        "mine only: the rows of the signed-in identity, on / off"
    ),
    bind!(
        Pane,
        [key(':')],
        C::CommandLine,
        ANY,
        Some("cmd"),
        "command: sessions batches clusters runs all jobs ws [NAME] q"
    ),
    bind!(Pane, [code(KeyCode::Tab)], C::NextPane, ANY, Some("pane"), "next pane"),
    bind!(Pane, [code(KeyCode::BackTab)], C::PrevPane, ANY, None, "previous pane"),
    bind!(Pane, [key('1')], C::ShowPane(Pane::Sessions), ANY, None, "Sessions pane"),
    bind!(Pane, [key('2')], C::ShowPane(Pane::Batches), ANY, None, "Batches pane"),
    bind!(Pane, [key('3')], C::ShowPane(Pane::Clusters), ANY, None, "Clusters pane"),
    bind!(Pane, [key('4')], C::ShowPane(Pane::Runs), ANY, None, "Runs pane"),
    bind!(Pane, [key('5')], C::ShowPane(Pane::All), ANY, None, "All: every workspace, most recent first"),
    bind!(Pane, [key('6')], C::ShowPane(Pane::Jobs), ANY, None, "Jobs pane: each job with its last runs"),
    bind!(Pane, [key('g'), code(KeyCode::Home)], C::Top, ANY, None, "first row"),
    bind!(Pane, [key('G'), code(KeyCode::End)], C::Bottom, ANY, None, "last row"),
    bind!(Pane, [code(KeyCode::PageDown), ctrl('f')], C::PageDown, ANY, None, "page down"),
    bind!(Pane, [code(KeyCode::PageUp), ctrl('b')], C::PageUp, ANY, None, "page up"),
    bind!(Pane, [ctrl('d')], C::HalfPageDown, ANY, None, "half a page down"),
    bind!(Pane, [ctrl('u')], C::HalfPageUp, ANY, None, "half a page up"),
    bind!(Pane, [code(KeyCode::Esc)], C::Back, ANY, Some("clear"), "clear the marks, else the filter"),
    bind!(
        Pane,
        [key('l')],
        C::Logs,
        ANY,
        Some("logs"),
        "logs: Fabric: pick Livy, driver or executor logs; cluster events, run output"
    ),
    bind!(Pane, [key('w')], C::Watch, ANY, None, "watch: tell me (bell / notification) when this ends"),
    bind!(
        Pane,
        [key('o')],
        C::OpenBrowser,
        ANY,
        Some("open"),
        "open in the browser: run page, cluster page (the URL is shown where there is no browser)"
    ),
    bind!(Pane, [key('y')], C::CopyId, ANY, None, "copy the id (OSC 52: works over SSH and tmux)"),
    bind!(Pane, [key('Y')], C::CopyUrl, ANY, None, "copy the URL of its page"),
    bind!(Pane, [alt(KeyCode::Char('y'))], C::CopyJson, ANY, None, "copy its API object (JSON)"),
    bind!(Pane, [key('[')], C::ViewBack, ANY, None, "back: the pane, filter or item before"),
    bind!(Pane, [key(']')], C::ViewForward, ANY, None, "forward again"),
    bind!(Pane, [key('-')], C::ViewLast, ANY, None, "the last place, and back again (like cd -)"),
    bind!(
        Pane,
        [key('e')],
        C::Editor,
        ANY,
        Some("editor"),
        "statement editor: run code in this session, a REPL of this Fabric workspace, or on this cluster"
    ),
    bind!(
        Pane,
        [key('!')],
        C::Errors,
        ANY,
        Some("error"),
        "the whole error: request, status, code, message, request id, fix (:events: the event log)"
    ),
    bind!(Pane, [key('?')], C::Help, ANY, Some("help"), "this help"),
    bind!(Pane, [key('q'), ctrl('c')], C::Quit, ANY, Some("quit"), "quit"),
    // Details.
    bind!(Details, [key('j'), code(KeyCode::Down)], C::Down, ANY, Some("scroll"), "scroll down"),
    bind!(Details, [key('k'), code(KeyCode::Up)], C::Up, ANY, None, "scroll up"),
    bind!(Details, [key('g'), code(KeyCode::Home)], C::Top, ANY, None, "top"),
    bind!(Details, [key('G'), code(KeyCode::End)], C::Bottom, ANY, None, "bottom"),
    bind!(Details, [code(KeyCode::PageDown), ctrl('f')], C::PageDown, ANY, None, "page down"),
    bind!(Details, [code(KeyCode::PageUp), ctrl('b')], C::PageUp, ANY, None, "page up"),
    bind!(Details, [ctrl('d')], C::HalfPageDown, ANY, None, "half a page down"),
    bind!(Details, [ctrl('u')], C::HalfPageUp, ANY, None, "half a page up"),
    bind!(
        Details,
        [code(KeyCode::Esc), key('q'), code(KeyCode::Enter)],
        C::Back,
        ANY,
        Some("close"),
        "close details"
    ),
    bind!(Details, [key('l')], C::Logs, ANY, Some("logs"), "logs of this item"),
    bind!(Details, [key('o')], C::OpenBrowser, ANY, Some("open"), "open in the browser"),
    bind!(Details, [key('y')], C::CopyId, ANY, None, "copy the id"),
    bind!(Details, [key('Y')], C::CopyUrl, ANY, None, "copy the URL of its page"),
    bind!(Details, [alt(KeyCode::Char('y'))], C::CopyJson, ANY, None, "copy its API object (JSON)"),
    bind!(Details, [key('[')], C::ViewBack, ANY, None, "back: the pane, filter or item before"),
    bind!(Details, [key(']')], C::ViewForward, ANY, None, "forward again"),
    bind!(Details, [key('-')], C::ViewLast, ANY, None, "the last place, and back again"),
    bind!(Details, [key('!')], C::Errors, ANY, Some("error"), "the whole error"),
    bind!(Details, [key('?')], C::Help, ANY, Some("help"), "this help"),
    bind!(Details, [ctrl('c')], C::Quit, ANY, None, "quit"),
    // Logs.
    bind!(Logs, [key('j'), code(KeyCode::Down)], C::Down, ANY, Some("scroll"), "scroll down"),
    bind!(Logs, [key('k'), code(KeyCode::Up)], C::Up, ANY, None, "scroll up (stops following)"),
    bind!(
        Logs,
        [key('g'), code(KeyCode::Home)],
        C::Top,
        ANY,
        None,
        "first line; at the first line, read earlier ones"
    ),
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
    bind!(Logs, [code(KeyCode::Enter)], C::Open, ANY, Some("open"), "picker: open the chosen log"),
    bind!(
        Logs,
        [key('l')],
        C::Logs,
        ANY,
        Some("other logs"),
        "Fabric: back to the log picker (driver, executors, Livy)"
    ),
    bind!(Logs, [key('/')], C::FilterLine, ANY, Some("search"), "search (case-insensitive)"),
    bind!(Logs, [key('n')], C::NextMatch, ANY, None, "next match"),
    bind!(Logs, [key('N')], C::PrevMatch, ANY, None, "previous match"),
    bind!(Logs, [key('f')], C::Follow, ANY, Some("follow"), "follow new lines on / off"),
    bind!(Logs, [key('[')], C::ViewBack, ANY, None, "back: the pane, filter or item before"),
    bind!(Logs, [key(']')], C::ViewForward, ANY, None, "forward again"),
    bind!(Logs, [key('-')], C::ViewLast, ANY, None, "the last place, and back again"),
    bind!(Logs, [code(KeyCode::Esc), key('q')], C::Back, ANY, Some("close"), "close the logs"),
    bind!(Logs, [key('!')], C::Errors, ANY, Some("error"), "the whole error"),
    bind!(Logs, [key('?')], C::Help, ANY, Some("help"), "this help"),
    bind!(Logs, [ctrl('c')], C::Quit, ANY, None, "quit"),
    // The errors view and the event log.
    bind!(Sheet, [key('j'), code(KeyCode::Down)], C::Down, ANY, Some("scroll"), "scroll down"),
    bind!(Sheet, [key('k'), code(KeyCode::Up)], C::Up, ANY, None, "scroll up"),
    bind!(Sheet, [key('g'), code(KeyCode::Home)], C::Top, ANY, None, "top"),
    bind!(Sheet, [key('G'), code(KeyCode::End)], C::Bottom, ANY, None, "bottom"),
    bind!(Sheet, [code(KeyCode::PageDown), ctrl('f')], C::PageDown, ANY, None, "page down"),
    bind!(Sheet, [code(KeyCode::PageUp), ctrl('b')], C::PageUp, ANY, None, "page up"),
    bind!(Sheet, [code(KeyCode::Esc), key('q'), code(KeyCode::Enter)], C::Back, ANY, Some("close"), "close"),
    bind!(Sheet, [key('?')], C::Help, ANY, Some("help"), "this help"),
    bind!(Sheet, [ctrl('c')], C::Quit, ANY, None, "quit"),
    // Help.
    bind!(Help, [key('j'), code(KeyCode::Down)], C::Down, ANY, Some("scroll"), "scroll down"),
    bind!(Help, [key('k'), code(KeyCode::Up)], C::Up, ANY, None, "scroll up"),
    bind!(Help, [code(KeyCode::Esc), key('q'), key('?')], C::Back, ANY, Some("close"), "close help"),
    bind!(Help, [ctrl('c')], C::Quit, ANY, None, "quit"),
    // Confirmation.
    bind!(Confirm, [key('y')], C::Confirm, ANY, Some("yes, do it"), "confirm"),
    bind!(Confirm, [key('n'), code(KeyCode::Esc)], C::Deny, ANY, Some("cancel"), "cancel"),
    bind!(Confirm, [key('j'), code(KeyCode::Down)], C::Down, ANY, None, "scroll a long list of targets"),
    bind!(Confirm, [key('k'), code(KeyCode::Up)], C::Up, ANY, None, "scroll up"),
    bind!(Confirm, [code(KeyCode::PageDown), ctrl('f')], C::PageDown, ANY, None, "page down"),
    bind!(Confirm, [code(KeyCode::PageUp), ctrl('b')], C::PageUp, ANY, None, "page up"),
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
    bind!(Prompt, [ctrl('w')], C::DeleteWord, ANY, None, "delete the word before the cursor"),
    bind!(Prompt, [ctrl('u')], C::ClearLine, ANY, None, "delete the whole line"),
    bind!(
        Prompt,
        [code(KeyCode::Esc)],
        C::Back,
        ANY,
        Some("cancel"),
        "cancel (a filter line clears the filter)"
    ),
    bind!(Prompt, [ctrl('c')], C::Quit, ANY, None, "quit"),
    // The :columns picker.
    bind!(Columns, [key('j'), code(KeyCode::Down)], C::Down, ANY, Some("move"), "next column"),
    bind!(Columns, [key('k'), code(KeyCode::Up)], C::Up, ANY, None, "previous column"),
    bind!(Columns, [key(' ')], C::ToggleColumn, ANY, Some("show/hide"), "show or hide the column"),
    bind!(
        Columns,
        [key('K'), alt(KeyCode::Up)],
        C::MoveColumnUp,
        ANY,
        Some("earlier"),
        "move the column left (up the list)"
    ),
    bind!(
        Columns,
        [key('J'), alt(KeyCode::Down)],
        C::MoveColumnDown,
        ANY,
        Some("later"),
        "move the column right (down the list)"
    ),
    bind!(
        Columns,
        [code(KeyCode::Enter)],
        C::Submit,
        ANY,
        Some("save"),
        "save: the pane shows these columns (kept in the config file)"
    ),
    bind!(Columns, [code(KeyCode::Esc), key('q')], C::Back, ANY, Some("cancel"), "close: nothing changes"),
    bind!(Columns, [ctrl('c')], C::Quit, ANY, None, "quit"),
    // The New form: every other key edits the focused field (←/→, home/end, delete).
    bind!(Form, [code(KeyCode::Tab)], C::NextField, ANY, Some("next"), "next field"),
    bind!(Form, [code(KeyCode::BackTab)], C::PrevField, ANY, None, "previous field"),
    bind!(Form, [code(KeyCode::Down)], C::Down, ANY, None, "next field (in a list: the next choice)"),
    bind!(Form, [code(KeyCode::Up)], C::Up, ANY, None, "previous field (in a list: the previous choice)"),
    bind!(
        Form,
        [code(KeyCode::Enter)],
        C::Open,
        ANY,
        Some("list"),
        "a field marked ▾: its list (type to narrow it, enter chooses); else the next field"
    ),
    bind!(
        Form,
        [ctrl('s'), code(KeyCode::F(10))],
        C::Submit,
        ANY,
        Some("review"),
        "review: the exact request, checked with the workspace; nothing is sent before y"
    ),
    bind!(Form, [code(KeyCode::Backspace)], C::DeleteChar, ANY, None, "delete a character"),
    bind!(
        Form,
        [code(KeyCode::Esc)],
        C::Back,
        ANY,
        Some("close"),
        "close the list; close the form (asks again when it was changed; n brings it back)"
    ),
    bind!(
        Form,
        [ctrl('e')],
        C::ExternalEditor,
        ANY,
        Some("JSON"),
        "edit the whole request as JSON in $VISUAL / $EDITOR; it comes back into the form"
    ),
    bind!(
        Form,
        [ctrl('t')],
        C::Templates,
        ANY,
        Some("template"),
        "start from a template ([templates] in the config)"
    ),
    bind!(
        Form,
        [alt(KeyCode::Char('t'))],
        C::SaveTemplate,
        ANY,
        None,
        "save the form as a template in the config file"
    ),
    bind!(Form, [code(KeyCode::F(1))], C::Help, ANY, Some("help"), "this help"),
    bind!(Form, [ctrl('c')], C::Quit, ANY, None, "quit"),
    // The request a form will send.
    bind!(Review, [key('y')], C::Confirm, ANY, Some("send it"), "send the request, once"),
    bind!(
        Review,
        [key('n'), code(KeyCode::Esc)],
        C::Deny,
        ANY,
        Some("back to the form"),
        "back to the form: nothing is sent"
    ),
    bind!(Review, [key('j'), code(KeyCode::Down)], C::Down, ANY, Some("scroll"), "scroll down"),
    bind!(Review, [key('k'), code(KeyCode::Up)], C::Up, ANY, None, "scroll up"),
    bind!(Review, [code(KeyCode::PageDown), ctrl('f')], C::PageDown, ANY, None, "page down"),
    bind!(Review, [code(KeyCode::PageUp), ctrl('b')], C::PageUp, ANY, None, "page up"),
    bind!(Review, [key('?'), code(KeyCode::F(1))], C::Help, ANY, Some("help"), "this help"),
    bind!(Review, [ctrl('c')], C::Quit, ANY, None, "quit"),
    // Typing a cluster's name to delete it permanently.
    bind!(
        TypeName,
        [code(KeyCode::Enter)],
        C::Submit,
        ANY,
        Some("delete"),
        "delete it permanently, if what is typed is its name"
    ),
    bind!(TypeName, [code(KeyCode::Backspace)], C::DeleteChar, ANY, None, "delete a character"),
    bind!(TypeName, [code(KeyCode::Esc)], C::Back, ANY, Some("keep it"), "cancel: nothing is deleted"),
    bind!(TypeName, [code(KeyCode::F(1))], C::Help, ANY, None, "this help"),
    bind!(TypeName, [ctrl('c')], C::Quit, ANY, None, "quit"),
    // Statement editor: every other key edits the text with ratatui-textarea's emacs-style
    // keys (arrows, home / end, ctrl-k kill to end of line, ctrl-y paste). Function keys, ctrl-
    // and alt- chords are used here because they type nothing.
    bind!(
        Editor,
        [code(KeyCode::F(5)), alt(KeyCode::Enter)],
        C::RunCode,
        ANY,
        Some("run"),
        "run the selection, else the cell under the cursor (# %% starts a cell)"
    ),
    bind!(
        Editor,
        [ctrl_code(KeyCode::F(5)), alt(KeyCode::Char('r'))],
        C::RunAll,
        ANY,
        None,
        "run all cells in order (stops at the first failure)"
    ),
    bind!(
        Editor,
        [code(KeyCode::F(2))],
        C::NextLanguage,
        ANY,
        Some("language"),
        "next language: PySpark, Scala, SQL, R (%%sql … on a cell's first line picks its own)"
    ),
    bind!(Editor, [code(KeyCode::F(8))], C::CancelCode, ANY, Some("cancel"), "cancel the running statement"),
    bind!(Editor, [ctrl('t')], C::NewTab, ANY, Some("tab"), "a new tab (its own session: tabs run at once)"),
    bind!(Editor, [ctrl('w')], C::CloseTab, ANY, None, "close the tab (its session is given back)"),
    bind!(Editor, [alt(KeyCode::Char('1'))], C::Tab(1), ANY, None, "tab 1 (alt-2 … alt-9: tabs 2 to 9)"),
    bind!(Editor, [alt(KeyCode::Char('2'))], C::Tab(2), ANY, None, ""),
    bind!(Editor, [alt(KeyCode::Char('3'))], C::Tab(3), ANY, None, ""),
    bind!(Editor, [alt(KeyCode::Char('4'))], C::Tab(4), ANY, None, ""),
    bind!(Editor, [alt(KeyCode::Char('5'))], C::Tab(5), ANY, None, ""),
    bind!(Editor, [alt(KeyCode::Char('6'))], C::Tab(6), ANY, None, ""),
    bind!(Editor, [alt(KeyCode::Char('7'))], C::Tab(7), ANY, None, ""),
    bind!(Editor, [alt(KeyCode::Char('8'))], C::Tab(8), ANY, None, ""),
    bind!(Editor, [alt(KeyCode::Char('9'))], C::Tab(9), ANY, None, ""),
    bind!(
        Editor,
        [ctrl('g')],
        C::PickTarget,
        ANY,
        Some("target"),
        "where the tab runs: lakehouse, session, cluster (type to search; tag:NAME a session tag)"
    ),
    bind!(
        Editor,
        [ctrl('e')],
        C::ExternalEditor,
        ANY,
        None,
        "edit the text in $VISUAL / $EDITOR; it comes back when the editor exits"
    ),
    bind!(
        Editor,
        [alt(KeyCode::Char(':')), alt(KeyCode::Char('x'))],
        C::EditorCommand,
        ANY,
        None,
        "command: open PATH, save PATH, export PATH.csv|.json, editor WORKSPACE"
    ),
    bind!(Editor, [ctrl('z'), ctrl('u')], C::Undo, ANY, None, "undo"),
    bind!(Editor, [ctrl_shift('z'), ctrl('r')], C::Redo, ANY, None, "redo"),
    bind!(Editor, [ctrl('a')], C::SelectAll, ANY, None, "select all"),
    bind!(Editor, [ctrl('l')], C::ClearText, ANY, None, "clear the text (undo brings it back)"),
    bind!(Editor, [ctrl('/'), ctrl('7')], C::ToggleComment, ANY, None, "comment the lines out, or back in"),
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
    bind!(Editor, [alt(KeyCode::Left)], C::GridLeft, ANY, None, "scroll the newest table left"),
    bind!(Editor, [alt(KeyCode::Right)], C::GridRight, ANY, None, "scroll the newest table right"),
    bind!(
        Editor,
        [alt(KeyCode::Char('f'))],
        C::GridView,
        ANY,
        Some("grid"),
        "the newest table full screen: arrows move, y copies, esc closes"
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
        Scope::Pane => &[
            "Filter /: words separated by spaces, all of which must hold; case-insensitive.",
            "  field:value  the field contains value (text)   field~re  the field matches a regex",
            "  state:failed owner:me ws:prod name~etl   state:active / state:terminal: the status groups",
            "  owner:me: the signed-in identity of the row's workspace (m: mine only, the same identity)",
            "  fields: the pane's columns by name (name id state owner started lakehouse file workers runtime",
            "  result trigger), ws, kind; a bare word matches anywhere: a regex with metacharacters",
            "  (^$.*+?()[]{}|\\) or a leading ~, else text; \"…\" quotes a word; ! before a word negates it.",
            "  ctrl-w deletes a word, ctrl-u the line. :filter save NAME keeps it; :filter NAME brings it back.",
            "Columns: :columns picks and orders the pane's columns (kept in the config file's [columns]).",
            "Marks (● in front of the row): space marks a row, V or ctrl-space the rows from the last mark,",
            "  * every row shown; c, t, r, u, K and w then act on every marked row after one confirmation",
            "  listing them (and what is skipped, and why). Esc clears the marks. Kill my idle sessions: /idle * c y",
            "Open and copy: o opens the page in the browser (the URL where there is none); y copies the id, Y the",
            "  URL, alt-y the API object (OSC 52: over SSH too; in tmux with set-clipboard on).",
            "History: [ and ] go back and forward through panes, filters and opened items; - to the last one.",
            "Flags: ◉ watched  HC high concurrency  ro read-only (monitoring list)  pin pinned",
            "  stale: its workspace stopped answering (the row is its last known state).",
            "Ids are shown short (a GUID's first 8 characters); details (enter) show them whole.",
            "Commands :  sessions  batches  clusters  runs  all  ws NAME (one workspace)  ws (all)  editor",
            "  filter [NAME | save NAME | rm NAME] (named filters; alone: the list)  columns",
            "  events [NAME] (failures, throttles, retries, alerts, actions; newest first)  errors  q",
            "  ro [NAME|all] (refuse changes there)  rw [NAME|all] (allow them; production asks for its name)",
            "Mouse: click a tab or a row, wheel scrolls.",
        ],
        Scope::Form => &[
            "Fields marked * are needed; ▾ has a list read from the workspace (enter); any value can be typed.",
            "Lists (arguments, files) are words as a shell splits them: quote a value with spaces, \"Q4 sales\".",
            "KEY=VALUE fields (Spark conf, tags, parameters) the same: spark.executor.memory=8g team=data.",
            "A batch's file may be a local path: it is uploaded to the lakehouse's Files/sparkdeck/uploads first.",
            "Defaults: the selected row's workspace and lakehouse, the runtime and node type last used (data dir,",
            "  forms.json). ctrl-t starts from a [templates.NAME] of the config file; alt-t saves the form as one.",
            "ctrl-s shows the exact request and the workspace; y sends it once; the new item shows at once, selected.",
            "ctrl-e opens the request as JSON (the API's body, as --json takes it) in $VISUAL / $EDITOR; fields the",
            "  form has no place for are kept; JSON that does not read leaves the form as it was, and opens again.",
        ],
        Scope::Review => &[
            "This is exactly what is sent, to the workspace named above; the workspace has checked names, files,",
            "  runtimes and node types. A local file is uploaded first (shown as Upload). y sends it once: a create",
            "  whose answer is lost is never sent again; the message says what was found of it.",
        ],
        Scope::TypeName => &[
            "A permanent delete cannot be undone: the cluster leaves every list and its configuration is gone.",
            "Only a terminated cluster can be deleted so; type its name exactly (its id when it has none).",
        ],
        Scope::Editor => &[
            "Editing: arrows, home/end, shift + arrows select, ctrl-k cuts to the end of the line, ctrl-y pastes.",
            "Cells: a line `# %%` (`-- %%` in SQL, `// %%` in Scala) starts one; F5 runs the cell under the cursor",
            "  (or the selection), ctrl-F5 all of them; %%sql, %%pyspark, %%spark, %%sparkr on its first line pick",
            "  its language. Commands (alt-:): open PATH, save PATH (language from the extension), export PATH.csv|.json.",
            "Code runs in the session chosen in the pane, a REPL of sparkdeck's own (Fabric high-concurrency,",
            "  the configured tag, or tag:NAME typed in ctrl-g) or an execution context on a cluster; the first",
            "  F5 acquires it, which may start a billed Spark session; variables live on between runs; quitting",
            "  gives it back.",
            "REPL settings: ctrl-s on a lakehouse line of ctrl-g sets this tab's environment (←/→ among the",
            "  workspace's), conf (KEY=VALUE lines), driver/executor memory and cores, executors and session tag;",
            "  they start from [fabric.repl], are kept with the tab and apply to its next REPL (a new one).",
            "The text is saved after every change and every run is kept in the history (data dir, editor/).",
        ],
        _ => &[],
    }
}
