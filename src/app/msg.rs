//! What flows into the app (`Msg`) and what it asks the outside world to do (`Effect`).
//!
//! Every input — a key, a poll result, a clock tick — is a `Msg`; `App::update` turns it into
//! new state plus a list of `Effect`s that an effect runner executes (spawning pollers, calling
//! the APIs). The runner answers with more `Msg`s, so `update` itself never does I/O and never
//! reads the clock: time arrives as data (`Msg::Tick`, `fetched_at`).

use crossterm::event::{KeyEvent, MouseEvent};
use jiff::Timestamp;

use crate::domain::logs::{Earlier, LogChoice, LogSource, Page};
use crate::domain::statement::{Language, Output, Phase, Repl, ReplSettings};
use crate::domain::{Action, Kind, Problem, Resource, Target};
use crate::drafts::{HistoryEntry, Tabs};

use super::form::{CreateEffect, FormMsg};

/// Everything the app reacts to.
#[derive(Debug, Clone)]
pub enum Msg {
    /// A key press (release events are dropped by the event loop).
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// The terminal's new size in cells; the app needs it to page and to hit-test the mouse.
    Resize {
        width: u16,
        height: u16,
    },
    /// Who is signed in to `workspace`: the names its rows carry as owner (user name, object
    /// id, application id), or why that cannot be known.
    Identity {
        workspace: String,
        result: Result<Vec<String>, String>,
    },
    /// The current time. Sent by the event loop once a second, and only while something on
    /// screen depends on it (a live duration, an idle-timeout countdown, a flash, a throttle
    /// wait); it redraws only when what it changes reads differently (`app::clock`).
    Tick(Timestamp),
    /// The terminal gained (`true`) or lost focus (where it reports focus).
    Focus(bool),
    /// A successful poll: `rows` replace every previous row of this workspace and kind.
    Rows {
        workspace: String,
        kind: Kind,
        /// Shared with the poller, which keeps them for its next poll.
        rows: std::sync::Arc<Vec<Resource>>,
        fetched_at: Timestamp,
    },
    /// A poll failed (or has had no answer for a poll interval). Shown in place (in the pane,
    /// for that workspace) until the next success; its rows are then stale.
    PollFailed {
        workspace: String,
        kind: Kind,
        problem: Problem,
        at: Timestamp,
    },
    /// The workspace's API asked us to wait (429/430/503 Retry-After); `until: None` clears it.
    Throttled {
        workspace: String,
        until: Option<Timestamp>,
    },
    /// Calls to the workspace were retried (what failed, and when the retry goes), for the
    /// event log.
    Retried {
        workspace: String,
        retries: Vec<String>,
    },
    /// What the logs follower read for `target` (see `app::logs::Logs::receive`).
    Logs {
        target: Target,
        lines: Vec<String>,
        whole: bool,
        finished: bool,
        error_at: Option<usize>,
        /// What there is before the first line.
        earlier: Earlier,
    },
    /// Items related to `target` for its details view (a heading and one line per item), or
    /// why they could not be read.
    Related {
        target: Target,
        related: Result<(String, Vec<String>), Problem>,
    },
    /// The logs a Fabric Spark application has (the log picker's list, and a note when it is
    /// short), or why they could not be listed.
    LogSources {
        target: Target,
        result: Result<(Vec<LogChoice>, Option<String>), String>,
    },
    /// One page of the paged log `source` of `target` (see `app::Logs::take_page`).
    LogPage {
        target: Target,
        source: LogSource,
        page: Page,
    },
    /// The resource usage of `target`'s Spark application and whether it has ended, or why it
    /// could not be read.
    Usage {
        target: Target,
        result: Result<(crate::domain::usage::Usage, bool), String>,
    },
    /// A multi-task run's tasks against its clock, for the timeline in its details.
    Timeline {
        target: Target,
        timeline: crate::domain::timeline::Timeline,
    },
    /// The logs follower could not read `target`'s logs.
    LogsFailed {
        target: Target,
        problem: Problem,
    },
    /// Fabric workspace `workspace`'s environments (id, name), for the REPL settings, or why not.
    Environments {
        workspace: String,
        result: Result<Vec<(String, String)>, String>,
    },
    /// Fabric's names for workspace `workspace`'s lakehouses configured by id (label → name).
    LakehouseNames {
        workspace: String,
        result: Result<Vec<(String, String)>, String>,
    },
    /// The editor's acquisition `attempt` ended: a ready REPL, or why not.
    Repl {
        attempt: u64,
        result: Result<Repl, String>,
    },
    /// The service made what acquisition `attempt` asked for (not ready yet): what to give back
    /// should sparkdeck quit or move on before it is ready.
    ReplCreated {
        attempt: u64,
        repl: Repl,
    },
    /// What the service says while acquisition `attempt` goes on ("AcquiringHighConcurrencySession").
    ReplProgress {
        attempt: u64,
        state: String,
    },
    /// News of the editor's statement `seq`.
    Statement {
        seq: u64,
        update: StatementUpdate,
    },
    /// The file `:open` asked for, read for tab `tab` (or why not).
    FileRead {
        tab: u64,
        path: std::path::PathBuf,
        result: Result<String, String>,
    },
    /// A file was written (`:save`, `:export`): what, or why not.
    FileWritten {
        result: Result<String, String>,
    },
    /// The outside editor ended: the text it left for `what`, or why there is none.
    EditedExternally {
        what: Edited,
        result: Result<String, String>,
    },
    /// Something the user must hear about that belongs to no pane (the editor's text could not
    /// be saved); shown in the status line.
    Warning(String),
    /// News for the New form and the permanent delete (lists, checks, creates).
    Form(FormMsg),
    /// The URL of `target`'s page (or why it has none) for `Effect::Link`, and how opening it
    /// in the browser went.
    Link {
        target: Target,
        url: Result<String, String>,
        opened: super::Opened,
    },
    /// The outcome of an `Effect::RunAction`: `Ok(note)` or why not.
    ActionFinished {
        action: Action,
        target: Target,
        outcome: Result<String, Problem>,
    },
}

/// What happened to a statement the editor sent.
/// What a text handed to the outside editor (`Effect::EditExternally`) belongs to, so its
/// answer finds its way back. One variant per feature that edits text outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edited {
    /// The text of editor tab `id` (ctrl-e).
    Tab(u64),
    /// The request of New form `id`, as JSON (ctrl-e in the form).
    Form(u64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementUpdate {
    /// The service took it, under this id (a Livy statement number, a Databricks command id).
    Accepted(String),
    /// It moved on (waiting → running → cancelling), and how far along it is in percent when
    /// the service says (Livy `progress`).
    Phase(Phase, Option<u8>),
    /// It ended; the output when it produced one.
    Finished(Phase, Option<Output>),
    /// It could not be sent or read. `repl_gone`: the REPL had ended before the statement was
    /// accepted, so it never ran and may be sent again in a new REPL.
    Failed { error: String, repl_gone: bool },
    /// A cancel request was refused; the statement goes on.
    CancelFailed(String),
}

/// What the app asks the effect runner to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Poll exactly these workspaces × kinds (what is on screen); stop polling the rest
    /// (a slow refresh for the header counts may continue). Sent at start and whenever the
    /// focused pane or the workspace scope changes.
    SetVisible {
        workspaces: Vec<String>,
        kinds: Vec<Kind>,
    },
    /// The New form's and the permanent delete's work (see `app::form::CreateEffect`);
    /// answered with `Msg::Form`.
    Create(CreateEffect),
    /// Run an action the user confirmed with `y`; answer with `Msg::ActionFinished`.
    RunAction {
        action: Action,
        target: Target,
    },
    /// Run a job now with parameters the user typed and confirmed (`p` on the Jobs pane);
    /// answered with `Msg::ActionFinished` for `Action::RunJob`.
    RunJob {
        target: Target,
        parameters: Vec<(String, String)>,
    },
    /// Read `target`'s logs now and keep following them until `StopLogs` (or the item ends);
    /// answer with `Msg::Logs` / `Msg::LogsFailed`.
    FollowLogs {
        target: Target,
    },
    /// List the logs of a Fabric session's or batch's Spark application; answer with
    /// `Msg::LogSources`.
    LoadLogSources {
        target: Target,
    },
    /// Read the log `source` of `target` (its end first) and follow it until `StopLogs` or the
    /// application ends; answer with `Msg::LogPage` / `Msg::LogsFailed`.
    FollowSparkLog {
        target: Target,
        source: LogSource,
    },
    /// Read the resource usage of `target`'s Spark application now and again while it runs,
    /// until `StopUsage`; answer with `Msg::Usage`.
    WatchUsage {
        target: Target,
    },
    StopUsage,
    /// Follow the logs view's item again, reading further back (`g` at the top).
    EarlierLogs {
        target: Target,
    },
    /// The logs view closed.
    StopLogs,
    /// Read what is related to `target` (a cluster's events, a session's statements) for its
    /// details view; answer with `Msg::Related`.
    LoadRelated {
        target: Target,
    },
    /// Ask Fabric the names of workspace `workspace`'s lakehouses configured by id alone;
    /// answer with `Msg::LakehouseNames`.
    LoadLakehouseNames {
        workspace: String,
    },
    /// Acquire somewhere for the editor to run code — a high-concurrency REPL in the Fabric
    /// lakehouse `place` (`None`: the first) in the session tagged `tag` (`None`: the configured
    /// tag), or an execution context on the Databricks cluster `place` — and answer with
    /// `Msg::ReplProgress`s and one `Msg::Repl`.
    /// `attempt` numbers the acquisitions, so a late answer to an abandoned one is recognised.
    /// `settings`: the tab's own REPL settings (`None`: the workspace's configured ones).
    AcquireRepl {
        attempt: u64,
        workspace: String,
        place: Option<String>,
        tag: Option<String>,
        settings: Option<ReplSettings>,
        language: Language,
    },
    /// Read Fabric workspace `workspace`'s environments; answer with `Msg::Environments`.
    LoadEnvironments {
        workspace: String,
    },
    /// Send the editor's statement `seq` and follow it to its end; answer with `Msg::Statement`s.
    RunStatement {
        seq: u64,
        repl: Repl,
        language: Language,
        code: String,
    },
    /// Cancel a running statement (its end arrives through the `RunStatement` follower).
    CancelStatement {
        seq: u64,
        repl: Repl,
        statement_id: String,
    },
    /// Give back a REPL the editor no longer uses.
    ReleaseRepl {
        repl: Repl,
    },
    /// Put text on the terminal's clipboard (OSC 52).
    Copy(String),
    /// Find the URL of `target`'s page (its API object `raw` may carry it) and open it in the
    /// browser or hand it back to be copied, as `then` says; answer with `Msg::Link`.
    Link {
        target: Target,
        raw: std::sync::Arc<crate::raw_json::Raw>,
        then: super::LinkUse,
    },
    /// Read a file into editor tab `tab` (`:open`); answer with `Msg::FileRead`.
    ReadFile {
        tab: u64,
        path: std::path::PathBuf,
    },
    /// Write the tab's text to a file (`:save`); answer with `Msg::FileWritten`.
    WriteFile {
        path: std::path::PathBuf,
        text: String,
    },
    /// Write a result table as CSV or JSON, by the path's extension (`:export`); answer with
    /// `Msg::FileWritten`.
    Export {
        path: std::path::PathBuf,
        table: crate::domain::statement::Table,
    },
    /// Edit `text` in `$VISUAL` / `$EDITOR`, in a file named `*.extension` (the event loop
    /// suspends the terminal and its input meanwhile, `tui::external`); answer with
    /// `Msg::EditedExternally` carrying `what` back.
    EditExternally {
        what: Edited,
        text: String,
        extension: &'static str,
    },
    /// Keep every editor tab's text on disk (after every change, so a crash loses nothing).
    SaveDraft(Tabs),
    /// Add a statement to the history on disk.
    AppendHistory(HistoryEntry),
    /// A watched item ended: ring the bell / send a desktop notification, as configured.
    Notify {
        title: String,
        body: String,
    },
    /// Ask `workspace` who is signed in (`owner:me`, `m`); answer with `Msg::Identity`.
    LoadIdentity {
        workspace: String,
    },
    /// Keep the named filters on disk (`:filter save`, `:filter rm`); a failure answers with
    /// `Msg::Warning`.
    SaveFilters(Vec<crate::saved_filters::NamedFilter>),
    /// Keep the columns `pane` (its command name) shows in the config file (`:columns`);
    /// answer with `Msg::FileWritten`.
    SaveColumns {
        pane: String,
        columns: Vec<String>,
    },
    /// An alert fired: write the notification escapes it names (the event loop's, as `Notify`).
    Alert {
        title: String,
        body: String,
        notify: super::alerts::Channels,
    },
    /// Leave the app; the event loop stops and restores the terminal.
    Quit,
}
