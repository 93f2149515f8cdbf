//! Background polling: one task per (workspace, kind), each answering with `Msg`s.
//!
//! - Visible pairs refresh at the pace their rows need: `active` while something is starting
//!   or running, `idle` while something waits (an idle session, a running cluster), `finished`
//!   otherwise; a list found unchanged read after read is read less and less often, up to
//!   the idle pace ([`settled`]). Hidden pairs refresh at the `finished` pace only, to keep
//!   header counts honest.
//! - Runs and clusters are polled politely: the active ones (runs `active_only`, clusters
//!   `filter_by.cluster_states`) between full reads, and of the runs only the first page at
//!   the fast pace, every active run at the idle pace; the whole recent list at the slow pace
//!   or when an active one disappears (it ended).
//! - Failures back off (doubling up to five minutes) and show in place with a fix when known.
//! - A workspace's throttle gate (429/430/503) is reported so the status line can count down;
//!   every task of the workspace waits together behind it in the HTTP layer.
//!
//! Tasks sleep on timers and a wake-up signal; nothing spins, so an idle monitor costs no CPU.
//! A task that panics is reported in its pane and started again ([`supervise`]).

pub mod supervise;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc, watch};
use tokio::task::JoinHandle;

use crate::api::databricks::RUNS_PAGE_MAX;
use crate::app::Msg;
use crate::config::PollSettings;
use crate::domain::{Clock, Kind, Resource, Status};
use crate::workspace::rows::{self, Query};
use crate::workspace::{Clients, Error, Workspace, problem};

mod fabric;

use fabric::{FabricPoll, SharedMonitoring, Trigger};

/// Rows kept per workspace and kind (the newest). Not a drawing limit (a frame costs the same
/// at 100k rows as at 1k: only the rows on screen are built) but a polling budget: every
/// refresh re-reads them all, two pages of 100. Measured at 1 000 (ten pages a refresh) the
/// All pane over `sim --scale 10` took 6.7 % of a core idle instead of 2.3 % (BENCHMARKS.md);
/// older items are one `sparkdeck <kind> list --limit N` away.
pub const ROW_LIMIT: usize = 200;
/// Runs fetched by a full refresh, and active runs by a read of them all (four pages of 25:
/// `runs/list` pages are at most 25, so a thousand runs would cost forty requests a refresh;
/// between full refreshes only the active runs are read, at the fast pace only their first
/// page).
const RUN_LIMIT: usize = 100;
/// What one poll of a Databricks kind reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    /// The whole recent list.
    Full,
    /// Every active item (runs: up to [`RUN_LIMIT`]).
    Active,
    /// Runs: the first page of the active ones, the newest.
    Newest,
}
/// Jobs read by the Jobs pane: one `jobs/list` page, then one `runs/list?job_id=…` each
/// (`workspace::jobs`): 1 + J requests a refresh.
const JOB_LIMIT: usize = 100;
/// How long a hidden Jobs poller sleeps between looks at whether it is shown (it is woken as
/// soon as it is).
const HIDDEN_JOBS: Duration = Duration::from_secs(24 * 3600);
/// Data this young is not read again when its pane comes on screen (the first poll of a task
/// happens before the app says what is visible; switching panes back and forth is free).
pub(crate) const FRESH: Duration = Duration::from_secs(1);
/// The longest wait after repeated failures.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// One polling task's handle: whether its pane is on screen, and a way to poll now.
struct Task {
    visible: watch::Sender<bool>,
    wake: Arc<Notify>,
    handle: JoinHandle<()>,
}

/// Starts and steers the polling tasks.
pub struct Poller {
    tasks: HashMap<(String, Kind), Task>,
}

impl Poller {
    /// A task for every kind every workspace serves; all hidden until `set_visible`.
    pub fn start(
        workspaces: &[Arc<Workspace>],
        settings: PollSettings,
        clock: Clock,
        tx: mpsc::Sender<Msg>,
    ) -> Poller {
        let mut tasks = HashMap::new();
        for ws in workspaces {
            let monitoring = Arc::new(SharedMonitoring::default());
            for &kind in ws.service.kinds() {
                let (visible, visible_rx) = watch::channel(false);
                let wake = Arc::new(Notify::new());
                let job = Job {
                    ws: ws.clone(),
                    kind,
                    settings: settings.clone(),
                    clock: clock.clone(),
                    tx: tx.clone(),
                    monitoring: monitoring.clone(),
                };
                let handle = tokio::spawn(job.supervised(visible_rx, wake.clone()));
                tasks.insert((ws.name.clone(), kind), Task { visible, wake, handle });
            }
        }
        Poller { tasks }
    }

    /// Exactly these workspaces × kinds are on screen.
    pub fn set_visible(&self, workspaces: &[String], kinds: &[Kind]) {
        for ((name, kind), task) in &self.tasks {
            let on = workspaces.contains(name) && kinds.contains(kind);
            task.visible.send_if_modified(|v| std::mem::replace(v, on) != on);
        }
    }

    /// Poll this pair now (after an action, so its effect shows at once).
    pub fn refresh(&self, workspace: &str, kind: Kind) {
        if let Some(task) = self.tasks.get(&(workspace.to_string(), kind)) {
            task.wake.notify_one();
        }
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        for task in self.tasks.values() {
            task.handle.abort();
        }
    }
}

/// What one task polls and where it reports.
#[derive(Clone)]
struct Job {
    ws: Arc<Workspace>,
    kind: Kind,
    settings: PollSettings,
    /// The time rows are read at (the simulator's in `--demo`).
    clock: Clock,
    tx: mpsc::Sender<Msg>,
    /// The workspace's monitoring list, read once for its Sessions and Batches pollers.
    monitoring: Arc<SharedMonitoring>,
}

/// Sleep `wait` or until woken or shown; `None` when the poller is gone. Coming on screen
/// polls at once; going off screen waits out the current pace.
async fn next_trigger(wait: Duration, visible: &mut watch::Receiver<bool>, wake: &Notify) -> Option<Trigger> {
    Some(tokio::select! {
        _ = tokio::time::sleep(wait) => Trigger::Due,
        _ = wake.notified() => Trigger::Refresh,
        changed = visible.changed() => {
            changed.ok()?;
            if *visible.borrow() {
                Trigger::Shown
            } else {
                tokio::select! {
                    _ = tokio::time::sleep(wait) => Trigger::Due,
                    _ = wake.notified() => Trigger::Refresh,
                    _ = visible.changed() => Trigger::Shown,
                }
            }
        }
    })
}

/// Lay the active rows read again over `rows`: each where it was, new ones first; whether any
/// is new or in another state. When the read was `complete` and an item that was active is not
/// among them, it ended, and only a full read shows how: `rows` are left untouched and the
/// active rows come back.
fn overlay(rows: &mut Vec<Resource>, active: Vec<Resource>, complete: bool) -> Result<bool, Vec<Resource>> {
    let at: Vec<Option<usize>> = {
        let index: foldhash::HashMap<&str, usize> =
            active.iter().enumerate().map(|(i, r)| (r.id.as_str(), i)).collect();
        if complete && rows.iter().any(|r| r.status.is_active() && !index.contains_key(r.id.as_str())) {
            return Err(active);
        }
        rows.iter().map(|r| index.get(r.id.as_str()).copied()).collect()
    };
    let mut active: Vec<Option<Resource>> = active.into_iter().map(Some).collect();
    let mut changed = false;
    for (row, i) in rows.iter_mut().zip(at) {
        if let Some(fresh) = i.and_then(|i| active.get_mut(i)).and_then(Option::take) {
            changed |= !same_state(row, &fresh);
            *row = fresh;
        }
    }
    let new: Vec<Resource> = active.into_iter().flatten().collect();
    changed |= !new.is_empty();
    rows.splice(0..0, new);
    Ok(changed)
}

/// The active clusters a full read that stopped at its limit did not show, put first: the
/// service's order (running ones first, then by start) can leave a pending cluster after the
/// limit, and without it such a row came with each read of the active ones and went with each
/// full read. (Runs are not read twice: their active ones take up to four pages a read where
/// active clusters take one.)
fn with_active(rows: &mut Vec<Resource>, active: Vec<Resource>) {
    let listed: foldhash::HashSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let missing: Vec<Resource> = active.into_iter().filter(|r| !listed.contains(r.id.as_str())).collect();
    rows.splice(0..0, missing);
}

/// How long until the next poll, from what the rows show: fast while something starts, runs a
/// job or a statement; slower while clusters merely run or sessions sit idle.
pub fn pace(rows: &[Resource], settings: &PollSettings) -> Duration {
    // A job's runs are watched in the Runs pane; the Jobs pane (1 + J requests a poll) follows
    // its live runs at the idle pace.
    let moving = |r: &Resource| {
        r.kind != Kind::Job
            && (r.status == Status::Pending || (r.status == Status::Busy && r.kind != Kind::Cluster))
    };
    if rows.iter().any(moving) {
        settings.active()
    } else if rows.iter().any(|r| r.status == Status::Ready || r.status == Status::Busy) {
        settings.idle()
    } else {
        settings.finished()
    }
}

/// Whether two reads of an item show it in the same state.
fn same_state(x: &Resource, y: &Resource) -> bool {
    x.id == y.id && x.status == y.status && x.raw_state == y.raw_state
}

/// Whether two reads of a list show the same items in the same states.
fn same_states(a: &[Resource], b: &[Resource]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_state(x, y))
}

/// The active pace, stretched by itself for each read in a row that found nothing changed, up
/// to the idle pace: a session busy with a long statement, a long job run or a slow cluster
/// start is read after 3 s, then 6, 9, 12 and every 15 s (the defaults) — what changes quickly
/// is seen at once, what has not changed for a while is read as an idle list is —, and at the
/// active pace again as soon as a read finds any change or the user refreshes. With `idle_too`
/// (a Fabric Sessions list, whose news the shared monitoring list also shows) the idle pace
/// likewise stretches, up to the finished pace: 15 s, 30, 45, then every 60 s. Other paces are
/// kept as they are.
pub fn settled(pace: Duration, calm: u32, settings: &PollSettings, idle_too: bool) -> Duration {
    let longest = if pace == settings.active() {
        settings.idle()
    } else if idle_too && pace == settings.idle() {
        settings.finished()
    } else {
        return pace;
    };
    (pace * (calm.min(16) + 1)).min(longest.max(pace))
}

impl Job {
    /// [`Job::run`], started again whenever it panics; the pane shows what happened meanwhile.
    async fn supervised(self, visible: watch::Receiver<bool>, wake: Arc<Notify>) {
        let (job, tx) = (self.clone(), self.tx.clone());
        supervise::restarting(
            || job.clone().run(visible.clone(), wake.clone()),
            |why, panics| {
                let problem = crate::domain::Problem::text(format!(
                    "the {} poller stopped unexpectedly ({why}); it is started again (restart {panics})",
                    self.kind.plural()
                ))
                .with_fix(Some("this is a bug in sparkdeck: please report it with the log file".into()));
                let msg = Msg::PollFailed {
                    workspace: self.ws.name.clone(),
                    kind: self.kind,
                    problem,
                    at: self.clock.now(),
                };
                let tx = tx.clone();
                async move { tx.send(msg).await.is_ok() }
            },
        )
        .await;
    }

    async fn run(self, mut visible: watch::Receiver<bool>, wake: Arc<Notify>) {
        // Shared with the app's copy of the last `Msg::Rows` (taken in by then, so changing the
        // rows for the next poll copies nothing).
        let mut rows: Arc<Vec<Resource>> = Arc::default();
        let mut failures = 0u32;
        let mut last_full: Option<tokio::time::Instant> = None;
        let mut last_active: Option<tokio::time::Instant> = None;
        let mut throttled = false;
        // Databricks reads in a row that found every row as it was ([`settled`]).
        let mut calm = 0u32;
        let mut fabric = FabricPoll::new(self.kind, ROW_LIMIT, self.clock.clone());
        let mut trigger = Trigger::Shown;
        let mut last_poll: Option<tokio::time::Instant> = None;
        let fabric_clients = matches!(self.ws.clients, Ok(Clients::Fabric(_)));
        loop {
            let on_screen = *visible.borrow_and_update();
            // Jobs cost a request each: read only while the Jobs pane is on screen (or asked).
            if self.kind == Kind::Job && !on_screen && trigger != Trigger::Refresh {
                match next_trigger(HIDDEN_JOBS, &mut visible, &wake).await {
                    Some(t) => trigger = t,
                    None => return,
                }
                continue;
            }
            // Shown again right after a poll: only the pace changes (Fabric sources see to it
            // themselves, one by one).
            if let Some(since) = last_poll.map(|t| t.elapsed()).filter(|e| *e < FRESH)
                && trigger == Trigger::Shown
                && !fabric_clients
            {
                let wait =
                    settled(pace(&rows, &self.settings), calm, &self.settings, false).saturating_sub(since);
                match next_trigger(wait, &mut visible, &wake).await {
                    Some(t) => trigger = t,
                    None => return,
                }
                continue;
            }
            last_poll = Some(tokio::time::Instant::now());
            throttled = self.report_throttle(throttled).await;
            // A poll with no answer after one poll interval is reported at once (its rows go
            // stale), and then waited for: retries and timeouts can take minutes.
            let patience = if on_screen { pace(&rows, &self.settings) } else { self.settings.finished() };
            let poll = async {
                match self.ws.clients.as_ref() {
                    Ok(Clients::Fabric(f)) => {
                        let (name, settings) = (&self.ws.name, &self.settings);
                        // The rows go back to their sources and out again moved, not copied.
                        fabric.take_back(std::mem::take(&mut rows));
                        let wait = fabric.poll(name, f, &self.monitoring, settings, on_screen, trigger).await;
                        rows = Arc::new(fabric.hand_out());
                        wait
                    }
                    _ => {
                        let due = |last: Option<tokio::time::Instant>, every| {
                            last.is_none_or(|t| t.elapsed() >= every)
                        };
                        let read = if !on_screen || due(last_full, self.settings.finished()) {
                            Read::Full
                        } else if due(last_active, self.settings.idle()) {
                            Read::Active
                        } else {
                            Read::Newest
                        };
                        if trigger == Trigger::Refresh {
                            calm = 0;
                        }
                        self.poll(Arc::make_mut(&mut rows), read).await.map(|(read, changed)| {
                            let now = tokio::time::Instant::now();
                            if read == Read::Full {
                                last_full = Some(now);
                            }
                            if read != Read::Newest {
                                last_active = Some(now);
                            }
                            calm = if changed { 0 } else { calm.saturating_add(1) };
                            let settings = &self.settings;
                            if on_screen {
                                settled(pace(&rows, settings), calm, settings, false)
                            } else {
                                settings.finished()
                            }
                        })
                    }
                }
            };
            let outcome = {
                tokio::pin!(poll);
                tokio::select! {
                    outcome = &mut poll => outcome,
                    () = tokio::time::sleep(patience) => {
                        if self.report_no_answer(patience).await.is_err() {
                            return;
                        }
                        poll.await
                    }
                }
            };
            throttled = self.report_throttle(throttled).await;
            let wait = match outcome {
                Ok(wait) => {
                    failures = 0;
                    let sent = Msg::Rows {
                        workspace: self.ws.name.clone(),
                        kind: self.kind,
                        rows: Arc::clone(&rows),
                        fetched_at: self.clock.now(),
                    };
                    if self.tx.send(sent).await.is_err() {
                        return;
                    }
                    wait
                }
                Err(e) => {
                    failures += 1;
                    tracing::warn!(workspace = %self.ws.name, kind = self.kind.plural(), failures, "poll failed: {e}");
                    let msg = Msg::PollFailed {
                        workspace: self.ws.name.clone(),
                        kind: self.kind,
                        problem: problem::of(self.ws.service, &e),
                        at: self.clock.now(),
                    };
                    if self.tx.send(msg).await.is_err() {
                        return;
                    }
                    let base = if matches!(e, Error::Auth(_)) { MAX_BACKOFF } else { self.settings.active() };
                    (base * 2u32.saturating_pow(failures.min(8))).min(MAX_BACKOFF)
                }
            };
            match next_trigger(wait, &mut visible, &wake).await {
                Some(t) => trigger = t,
                None => return,
            }
        }
    }

    /// Refresh `rows` by the read asked for; returns the read done (a full one when the
    /// active items read show that one ended) and whether it found any row new, gone or in
    /// another state. Runs and clusters on screen between full reads
    /// read only their active items (the service filters them: `active_only`,
    /// `filter_by.cluster_states`) and lay them over the rest; a full read of clusters that
    /// stops at its limit keeps the active ones it left out ([`with_active`]).
    async fn poll(&self, rows: &mut Vec<Resource>, read: Read) -> Result<(Read, bool), Error> {
        // The active items read when they show that one ended (complete, and fresher than
        // `rows`): what a full read of clusters that stops at its limit keeps of them.
        let mut fresh_active = None;
        if matches!(self.kind, Kind::Run | Kind::Cluster) && read != Read::Full && !rows.is_empty() {
            // `runs/list` pages hold 25 runs: at the fast pace only the first (the newest, the
            // likeliest to move), every active run at the idle pace. Active clusters are few
            // and come 100 a page: every read reads them all.
            let read = if self.kind == Kind::Run { read } else { Read::Active };
            let limit = match (self.kind, read) {
                (Kind::Run, Read::Newest) => RUNS_PAGE_MAX,
                (Kind::Run, _) => RUN_LIMIT,
                _ => ROW_LIMIT,
            };
            // The few active items are the ones that change: matching them against every row
            // (hashing each one's text) would cost more than reading them.
            let active =
                rows::list(&self.ws, self.kind, Query { limit, active_only: true, ..Query::default() }, &[])
                    .await?;
            // A read that stopped at its limit may have left active items unread, and the order
            // among unfinished runs is not one to rely on (the reference: by end time, "falling
            // back to start time"): an item it does not show can have ended only if it read
            // them all. So with more active runs than a page, an end is seen by the read of
            // them all, at the idle pace.
            let complete = active.rows.len() < limit;
            match overlay(rows, active.rows, complete) {
                Ok(changed) => return Ok((read, changed)),
                Err(active) => fresh_active = Some(active),
            }
        }
        let limit = match self.kind {
            Kind::Run => RUN_LIMIT,
            Kind::Job => JOB_LIMIT,
            _ => ROW_LIMIT,
        };
        let mut listing =
            rows::list(&self.ws, self.kind, Query { limit, active_only: false, ..Query::default() }, rows)
                .await?;
        if self.kind == Kind::Cluster && listing.rows.len() >= limit {
            let active = match fresh_active {
                Some(active) => active,
                None => {
                    let query = Query { limit, active_only: true, ..Query::default() };
                    rows::list(&self.ws, self.kind, query, &[]).await?.rows
                }
            };
            with_active(&mut listing.rows, active);
        }
        listing.rows.truncate(ROW_LIMIT * 2);
        let changed = !same_states(&listing.rows, rows);
        *rows = listing.rows;
        Ok((Read::Full, changed))
    }

    /// The poll has had no answer for `waited`: say so (unless the workspace's throttle gate
    /// holds it, which the status line already shows).
    async fn report_no_answer(&self, waited: Duration) -> Result<(), ()> {
        if self.ws.endpoint().and_then(|ep| ep.gate().remaining()).is_some() {
            return Ok(());
        }
        let host = self.ws.base_url.split("://").nth(1).unwrap_or(&self.ws.base_url).trim_end_matches('/');
        let problem = crate::domain::Problem::text(format!(
            "no answer from {host} after {} s (still trying)",
            waited.as_secs()
        ));
        let msg = Msg::PollFailed {
            workspace: self.ws.name.clone(),
            kind: self.kind,
            problem,
            at: self.clock.now(),
        };
        self.tx.send(msg).await.map_err(drop)
    }

    /// Tell the app when the workspace's gate closes and opens, and what was retried (by this
    /// poller or any other call to the workspace); returns whether the gate is closed.
    async fn report_throttle(&self, was: bool) -> bool {
        let retries = self.ws.endpoint().map(|ep| ep.retries().take()).unwrap_or_default();
        if !retries.is_empty() {
            let _ = self.tx.send(Msg::Retried { workspace: self.ws.name.clone(), retries }).await;
        }
        let remaining = self.ws.endpoint().and_then(|ep| ep.gate().remaining());
        let now = remaining.is_some();
        if now || was {
            let until = remaining.and_then(|d| self.clock.now().checked_add(d).ok());
            let _ = self.tx.send(Msg::Throttled { workspace: self.ws.name.clone(), until }).await;
        }
        now
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc as StdArc;

    use serde_json::json;

    use super::*;
    use crate::domain::Detail;

    fn row(status: Status) -> Resource {
        Resource {
            kind: Kind::Cluster,
            workspace: "w".into(),
            id: "c".into(),
            name: "n".into(),
            status,
            raw_state: String::new(),
            owner: None,
            started_at: None,
            ended_at: None,
            state_message: None,
            detail: Detail::Cluster {
                workers: String::new(),
                runtime: None,
                node_type: None,
                source: None,
                pinned: false,
            },
            raw: StdArc::new(json!({}).into()),
        }
    }

    #[test]
    fn active_rows_lay_over_the_rest_and_an_ended_one_asks_for_a_full_read() {
        let at = |id: &str, status| Resource { id: id.into(), ..row(status) };
        let ids = |rows: &[Resource]| rows.iter().map(|r| (r.id.clone(), r.status)).collect::<Vec<_>>();
        let mut rows = vec![at("running", Status::Ready), at("stopped", Status::Succeeded)];
        // A stopped cluster started again takes its place; a new one comes first.
        let active =
            vec![at("stopped", Status::Pending), at("new", Status::Pending), at("running", Status::Busy)];
        assert_eq!(overlay(&mut rows, active, true), Ok(true));
        let want = [("new", Status::Pending), ("running", Status::Busy), ("stopped", Status::Pending)];
        assert_eq!(ids(&rows), want.map(|(i, s)| (i.to_string(), s)));
        // "running" is no longer active: it ended, and the rows are left for the full read.
        let before = ids(&rows);
        let later = || vec![at("new", Status::Busy), at("stopped", Status::Pending)];
        let back = overlay(&mut rows, later(), true).expect_err("running ended");
        assert_eq!((ids(&rows), ids(&back)), (before, ids(&later())));
        // Unless the read stopped at its limit (it may be further on): it stays as it was.
        assert_eq!(overlay(&mut rows, later(), false), Ok(true));
        let want = [("new", Status::Busy), ("running", Status::Busy), ("stopped", Status::Pending)];
        assert_eq!(ids(&rows), want.map(|(i, s)| (i.to_string(), s)));
        // The same again: nothing changed (what stretches the pace).
        assert_eq!(overlay(&mut rows, later(), false), Ok(false));
        let restarting = Resource { raw_state: "RESTARTING".into(), ..at("stopped", Status::Pending) };
        assert_eq!(overlay(&mut rows, vec![restarting], false), Ok(true));
    }

    #[test]
    fn a_full_read_cut_at_its_limit_keeps_the_active_clusters_it_left_out() {
        let at = |id: &str, status| Resource { id: id.into(), ..row(status) };
        let ids = |rows: &[Resource]| rows.iter().map(|r| (r.id.clone(), r.status)).collect::<Vec<_>>();
        let mut rows = vec![at("running", Status::Ready), at("old", Status::Succeeded)];
        // "running" is listed (its state as listed stays); "pending" came after the limit.
        with_active(&mut rows, vec![at("pending", Status::Pending), at("running", Status::Busy)]);
        let want = [("pending", Status::Pending), ("running", Status::Ready), ("old", Status::Succeeded)];
        assert_eq!(ids(&rows), want.map(|(i, s)| (i.to_string(), s)));
    }

    #[test]
    fn an_unchanged_active_list_is_read_less_and_less_often_up_to_the_idle_pace() {
        let s = PollSettings::default();
        for idle_too in [false, true] {
            let waits: Vec<u64> =
                (0..6).map(|calm| settled(s.active(), calm, &s, idle_too).as_millis() as u64).collect();
            assert_eq!(waits, [3_000, 6_000, 9_000, 12_000, 15_000, 15_000]);
            assert_eq!(settled(s.active(), 100, &s, idle_too), s.idle());
            assert_eq!(settled(s.finished(), 3, &s, idle_too), s.finished());
        }
        // The idle pace stretches only where the monitoring list stands guard (Sessions).
        assert_eq!(settled(s.idle(), 3, &s, false), s.idle());
        let waits: Vec<u64> =
            (0..6).map(|calm| settled(s.idle(), calm, &s, true).as_millis() as u64).collect();
        assert_eq!(waits, [15_000, 30_000, 45_000, 60_000, 60_000, 60_000]);
    }

    #[test]
    fn pace_follows_the_busiest_row() {
        let s = PollSettings::default();
        assert_eq!(pace(&[row(Status::Succeeded), row(Status::Pending)], &s), s.active());
        assert_eq!(pace(&[row(Status::Succeeded), row(Status::Ready)], &s), s.idle());
        assert_eq!(pace(&[row(Status::Failed)], &s), s.finished());
        // A running cluster is watched at the idle pace; a running job at the fast one.
        assert_eq!(pace(&[row(Status::Busy)], &s), s.idle());
        assert_eq!(pace(&[Resource { kind: Kind::Run, ..row(Status::Busy) }], &s), s.active());
        assert_eq!(pace(&[], &s), s.finished());
    }
}
