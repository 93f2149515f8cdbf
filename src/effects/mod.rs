//! The monitor's effect runner: turns the app's `Effect`s into polling changes, API calls and
//! file writes, answering with `Msg`s on the app's channel. Every call runs in its own task, so
//! a slow or failing workspace never holds up the screen. One file per family of effect; the
//! terminal's own effects (quitting, clipboard, notifications) stay with the event loop in `tui`.

mod actions;
pub mod create;
mod drafts;
mod files;
mod logs;
mod open;
mod spark_logs;
mod statements;
mod usage;
mod view;

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::app::form::CreateEffect;
use crate::app::{Effect, Msg};
use crate::config::PollSettings;
use crate::domain::{Action, Clock};
use crate::drafts::Drafts;
use crate::poll::Poller;
use crate::workspace::Workspace;
use drafts::DraftSaver;
use logs::LogFollower;
use usage::UsageWatcher;

/// What every effect may need: the connected workspaces, their poller, the app's channel.
pub struct Runner {
    workspaces: Vec<Arc<Workspace>>,
    poller: Arc<Poller>,
    tx: mpsc::Sender<Msg>,
    logs: LogFollower,
    usage: UsageWatcher,
    drafts: DraftSaver,
    create: create::Creator,
    /// Where named filters are kept (`None`: nowhere, e.g. in tests).
    filters: Option<crate::saved_filters::FilterStore>,
    /// The config file `:columns` writes (`None`: the demo, kept for the run).
    config_file: Option<std::path::PathBuf>,
}

impl Runner {
    /// Start polling every workspace (all hidden until the app says what is on screen); the
    /// time the rows were read comes from `clock`.
    pub fn start(
        workspaces: Vec<Workspace>,
        settings: PollSettings,
        drafts: Drafts,
        clock: Clock,
        tx: mpsc::Sender<Msg>,
    ) -> Runner {
        let workspaces: Vec<Arc<Workspace>> = workspaces.into_iter().map(Arc::new).collect();
        // An open logs view re-reads a live item at the active pace.
        let logs = LogFollower::new(settings.active(), tx.clone());
        // Usage in the details changes slowly: re-read at the idle pace.
        let usage = UsageWatcher::new(settings.idle(), tx.clone());
        let poller = Arc::new(Poller::start(&workspaces, settings, clock, tx.clone()));
        let drafts = DraftSaver::new(drafts, tx.clone());
        let create = create::Creator::new(tx.clone());
        Runner { workspaces, poller, tx, logs, usage, drafts, create, filters: None, config_file: None }
    }

    /// Where the New form remembers its last choices and named filters are kept (`data_dir`),
    /// and the config file templates and `:columns` are saved in (`templates_file`; `None`: kept
    /// for this run only).
    pub fn with_form_files(
        mut self,
        data_dir: &std::path::Path,
        templates_file: Option<std::path::PathBuf>,
    ) -> Runner {
        self.create = self.create.with_files(Some(data_dir), templates_file.clone());
        self.filters = Some(crate::saved_filters::FilterStore::in_data_dir(data_dir));
        self.config_file = templates_file;
        self
    }

    fn workspace(&self, name: &str) -> Option<Arc<Workspace>> {
        self.workspaces.iter().find(|w| w.name == name).cloned()
    }

    /// Carry out one effect.
    pub fn run(&mut self, effect: Effect) {
        let tx = &self.tx;
        match effect {
            Effect::SetVisible { workspaces, kinds } => self.poller.set_visible(&workspaces, &kinds),
            Effect::RunAction { action, target } => {
                actions::run(self.workspace(&target.workspace), &self.poller, action, target, Vec::new(), tx)
            }
            Effect::RunJob { target, parameters } => {
                let ws = self.workspace(&target.workspace);
                actions::run(ws, &self.poller, Action::RunJob, target, parameters, tx)
            }
            Effect::Link { target, raw, then } => {
                open::link(self.workspace(&target.workspace), target, raw, then, tx)
            }
            Effect::LoadRelated { target } => {
                actions::load_related(self.workspace(&target.workspace), target, tx)
            }
            Effect::FollowLogs { target } => self.logs.follow(self.workspace(&target.workspace), target),
            Effect::LoadLogSources { target } => {
                spark_logs::load_sources(self.workspace(&target.workspace), target, tx)
            }
            Effect::FollowSparkLog { target, source } => {
                self.logs.follow_spark(self.workspace(&target.workspace), target, source)
            }
            Effect::EarlierLogs { target } => self.logs.earlier(self.workspace(&target.workspace), target),
            Effect::StopLogs => self.logs.stop(),
            Effect::WatchUsage { target } => self.usage.watch(self.workspace(&target.workspace), target),
            Effect::StopUsage => self.usage.stop(),
            Effect::LoadLakehouseNames { workspace } => {
                statements::lakehouse_names(self.workspace(&workspace), workspace, tx)
            }
            Effect::AcquireRepl { attempt, workspace, place, tag, settings, language } => {
                let at = statements::Where { place, tag, settings };
                statements::acquire(self.workspace(&workspace), workspace, attempt, at, language, tx)
            }
            Effect::LoadEnvironments { workspace } => {
                statements::environments(self.workspace(&workspace), workspace, tx)
            }
            Effect::RunStatement { seq, repl, language, code } => {
                let Some(ws) = self.workspace(repl.workspace()) else { return };
                statements::run(ws, repl, seq, language, code, tx)
            }
            Effect::CancelStatement { seq, repl, statement_id } => {
                let Some(ws) = self.workspace(repl.workspace()) else { return };
                statements::cancel(ws, repl, seq, statement_id, tx)
            }
            Effect::ReleaseRepl { repl } => {
                let Some(ws) = self.workspace(repl.workspace()) else { return };
                statements::release(ws, repl)
            }
            Effect::Create(e) => {
                let ws = match &e {
                    CreateEffect::LoadChoices { workspace, .. }
                    | CreateEffect::LoadPrefill { workspace, .. }
                    | CreateEffect::Prepare { workspace, .. } => self.workspace(workspace),
                    CreateEffect::DeleteCluster { target } => self.workspace(&target.workspace),
                    _ => None,
                };
                self.create.run(e, ws, &self.poller)
            }
            Effect::SaveDraft(tabs) => self.drafts.save(tabs),
            Effect::LoadIdentity { workspace } => {
                let ws = self.workspace(&workspace);
                view::load_identity(workspace, ws, tx)
            }
            Effect::SaveFilters(filters) => view::save_filters(self.filters.clone(), filters, tx),
            Effect::SaveColumns { pane, columns } => {
                view::save_columns(self.config_file.clone(), pane, columns, tx)
            }
            Effect::ReadFile { tab, path } => files::read(tab, path, tx),
            Effect::WriteFile { path, text } => files::write(path, text, tx),
            Effect::Export { path, table } => files::export(path, table, tx),
            Effect::AppendHistory(entry) => self.drafts.append_history(entry),
            // The event loop's own (see `tui`): they never reach the runner.
            Effect::Quit
            | Effect::Copy(_)
            | Effect::Notify { .. }
            | Effect::Alert { .. }
            | Effect::EditExternally { .. } => {}
        }
    }
}
