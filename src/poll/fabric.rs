//! Fabric's Sessions and Batches polls, paced per source rather than per pane:
//!
//! - each lakehouse list at the pace its own rows need (a lakehouse where nothing starts or
//!   runs is not re-read at the active pace because another one is busy), the active pace
//!   stretching while reads find nothing changed ([`super::settled`]);
//! - the workspace monitoring list (notebooks, Spark job definitions, other lakehouses: rows
//!   shown read-only) read once for both kinds: the Sessions and Batches pollers share the last
//!   read while it is younger than the pace either needs. Its rows are watched one pace slower
//!   than rows of ours (never faster than the idle pace), and between whole reads (at the
//!   finished pace) only its first page, the newest items, is read and merged in;
//! - an idle session's own record (for its idle-timeout countdown, which the list lacks) read
//!   once when it is first seen idle, and again only after activity or once that deadline
//!   passed; a session seen going idle gets `IDLE_TIMEOUT` from then instead, read exactly only
//!   once its countdown nears the end (see [`Deadline`]).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::future::join_all;
use jiff::Timestamp;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::{FRESH, pace, same_states, settled};
use crate::api::livy::models::{JobType, LivySession};
use crate::api::{ApiError, Fetched};
use crate::config::PollSettings;
use crate::domain::{Clock, Detail, Kind, Resource, Status};
use crate::workspace::{Error, FabricClients, rows};

/// Idle-deadline reads per pass at most (each is one request).
const IDLE_LOOKUPS: usize = 20;
/// Monitoring items read at most (four pages of 50): it holds every notebook and job run of
/// the workspace, of which the newest are what a monitor shows.
const MONITORING_LIMIT: usize = 200;

type Items = Arc<Vec<Fetched<LivySession>>>;

/// One workspace's last monitoring-list read, shared by its Sessions and Batches pollers.
#[derive(Default)]
pub struct SharedMonitoring {
    last: Mutex<Option<Read>>,
}

struct Read {
    /// The last read of any kind, and of the whole list.
    at: Instant,
    whole_at: Instant,
    items: Items,
    /// Whether every item behind the last first page has ended: those cannot change (ended is
    /// final), so reading the first page, where new items come, is reading everything that can.
    tail_ended: bool,
}

/// A whole read, even of a list whose older items have all ended, this often: items deleted
/// or aged out of the service's list go from ours too.
const WHOLE_ANYWAY: Duration = Duration::from_secs(600);

/// Whether a monitoring item has ended (`Cancelled`, `Succeeded`, `Failed`: final states).
fn ended(item: &Fetched<LivySession>) -> bool {
    use crate::api::livy::models::MonitoringState as S;
    matches!(item.value.state, Some(S::Cancelled | S::Succeeded | S::Failed))
}

impl SharedMonitoring {
    /// The list, read now unless a read younger than `max_age` is at hand: the whole list when
    /// the last whole read is `whole_every` old and an item behind the first page may still
    /// change (or it is `WHOLE_ANYWAY` old), else its first page merged into the last.
    /// Single-flight: a poller arriving while the other reads waits for that read and uses it.
    async fn read(
        &self,
        f: &FabricClients,
        limit: usize,
        max_age: Duration,
        whole_every: Duration,
    ) -> Result<Items, ApiError> {
        let mut last = self.last.lock().await;
        match last.as_mut() {
            Some(r) if r.at.elapsed() < max_age => Ok(r.items.clone()),
            Some(r)
                if max_age > Duration::ZERO
                    && (r.whole_at.elapsed() < whole_every
                        || r.tail_ended && r.whole_at.elapsed() < WHOLE_ANYWAY.max(whole_every)) =>
            {
                let page = rows::monitoring_first_page(f).await?;
                // The last read is moved, not copied, when no poller holds it any more.
                let before = Arc::unwrap_or_clone(std::mem::take(&mut r.items));
                let (items, tail_ended) = merge(page, before, limit);
                r.items = Arc::new(items);
                r.tail_ended = tail_ended;
                r.at = Instant::now();
                Ok(r.items.clone())
            }
            _ => {
                let items = Arc::new(rows::monitoring_items(f, limit).await?);
                let now = Instant::now();
                // Where the first page ends is not known yet: the next first page tells.
                *last = Some(Read { at: now, whole_at: now, items: items.clone(), tail_ended: false });
                Ok(items)
            }
        }
    }
}

/// A hidden lakehouse Batches list is read at least this often, whatever the monitoring list
/// says (a batch deleted, or one the list lags behind on).
const RECHECK_HIDDEN: Duration = Duration::from_secs(300);

/// The monitoring list's items of one kind (`job_type`) in lakehouse `lakehouse_id`.
fn of_lakehouse<'a>(
    items: &'a [Fetched<LivySession>],
    job_type: JobType,
    lakehouse_id: &'a str,
) -> impl Iterator<Item = &'a Fetched<LivySession>> {
    items.iter().filter(move |i| {
        i.value.job_type.as_ref() == Some(&job_type)
            && i.value.item.as_ref().and_then(|r| r.item_id.as_deref()) == Some(lakehouse_id)
    })
}

/// Whether every batch of lakehouse `lakehouse_id` the monitoring list shows is among `rows` in
/// the same state (the two lists' states map to the same `Status`es): nothing new, nothing
/// changed there since the lakehouse's own list was read.
fn batches_as_held(items: &[Fetched<LivySession>], lakehouse_id: &str, rows: &[Resource]) -> bool {
    of_lakehouse(items, JobType::SparkBatch, lakehouse_id).all(|i| {
        let state = i.value.state.as_ref().map_or("Unknown", |s| s.as_str());
        let status = Status::from_monitoring(state);
        i.value.livy_id.as_deref().is_some_and(|id| rows.iter().any(|r| r.id == id && r.status == status))
    })
}

/// The newest items (`page`) in front of the older ones read before, each item once; and
/// whether every one of those older ones has ended. Merged in the room of `before` (a fresh
/// list of a few hundred items each read came from fresh pages, which the kernel zeroes).
fn merge(
    page: Vec<Fetched<LivySession>>,
    mut before: Vec<Fetched<LivySession>>,
    limit: usize,
) -> (Vec<Fetched<LivySession>>, bool) {
    {
        let fresh: foldhash::HashSet<&str> = page.iter().filter_map(|i| i.value.livy_id.as_deref()).collect();
        before.retain(|i| i.value.livy_id.as_deref().is_some_and(|id| !fresh.contains(id)));
    }
    let tail_ended = before.iter().all(ended);
    before.splice(0..0, page);
    before.truncate(limit);
    (before, tail_ended)
}

/// When a poll happens and what it must not reuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// A source's time came.
    Due,
    /// The pane came on screen: every source now (a fresh shared read may serve).
    Shown,
    /// Asked to refresh after an action: every source now, nothing reused.
    Refresh,
}

/// The rows of one lakehouse list and when to read it again.
#[derive(Default)]
struct Source {
    rows: Vec<Resource>,
    due: Option<Instant>,
    read_at: Option<Instant>,
    /// Reads in a row that found every row in the state it had (see [`settled`]).
    calm: u32,
}

/// Whether the monitoring list shows lakehouse `lakehouse_id`'s sessions as `rows` hold them:
/// each session it shows going (not started, in progress) is held going, each it shows ended
/// is not held going. Its states are coarser than Livy's (idle and busy are both "in
/// progress"), so it tells of sessions that are new or ended — what an idle list waits for —,
/// not of a statement starting in one.
fn sessions_as_held(items: &[Fetched<LivySession>], lakehouse_id: &str, rows: &[Resource]) -> bool {
    of_lakehouse(items, JobType::SparkSession, lakehouse_id).all(|i| {
        let held = i.value.livy_id.as_deref().and_then(|id| rows.iter().find(|r| r.id == id));
        // Not held: as held only if it ended (an old one); held: going on both sides or neither.
        held.map_or(ended(i), |r| r.status.is_active() != ended(i))
    })
}

/// An idle session's deadline as known to the poller.
#[derive(Debug, Clone, Copy)]
struct Deadline {
    at: Option<Timestamp>,
    /// When it was read (or estimated).
    read: Timestamp,
    /// Estimated from seeing the session go idle (its record not read): `IDLE_TIMEOUT` after
    /// that pass, at most a poll interval late. Shown to the minute, that is the countdown
    /// itself; the record is read once the countdown comes within `EXACT_WITHIN`, where seconds
    /// show — and a session that gets a statement before then is never read at all.
    estimated: bool,
}

/// Countdowns closer than this show seconds (`domain::format_duration`): an estimated deadline
/// is read exactly from then on.
const EXACT_WITHIN: jiff::SignedDuration = jiff::SignedDuration::from_mins(10);

/// The state of one (Fabric workspace, Sessions or Batches) poller between passes.
pub struct FabricPoll {
    kind: Kind,
    limit: usize,
    lakehouses: Vec<Source>,
    extras: Source,
    /// How many of the rows handed out last came from each source (the lakehouses in order,
    /// then the extras): between passes the rows live in the handed-out list, shared with
    /// the app until it has taken them in, and go back to their sources at the next pass
    /// (moved, not copied: copying every row each pass was a fifteenth of the idle work).
    handed_out: Vec<usize>,
    /// The handed-out list once its rows went back: its room holds the next one (a fresh
    /// list of a few hundred rows each pass came from fresh pages, which the kernel zeroes).
    spare: Vec<Resource>,
    /// Idle deadlines read from the sessions themselves, by session id (`None`: the session
    /// did not say), with when they were read — or, for a session seen going idle, estimated.
    deadlines: HashMap<String, Deadline>,
    /// Our sessions seen going idle in the last pass (busy or starting before).
    became_idle: Vec<String>,
    /// What time it is for those deadlines (the simulator's in `--demo`).
    clock: Clock,
}

impl FabricPoll {
    pub fn new(kind: Kind, limit: usize, clock: Clock) -> FabricPoll {
        FabricPoll {
            kind,
            limit,
            lakehouses: Vec::new(),
            extras: Source::default(),
            handed_out: Vec::new(),
            spare: Vec::new(),
            deadlines: HashMap::new(),
            became_idle: Vec::new(),
            clock,
        }
    }

    /// The rows handed out last, back to the sources they came from.
    pub fn take_back(&mut self, rows: Arc<Vec<Resource>>) {
        let counts = std::mem::take(&mut self.handed_out);
        let mut rows = Arc::unwrap_or_clone(rows);
        let mut from = rows.drain(..);
        for (source, n) in self.lakehouses.iter_mut().chain([&mut self.extras]).zip(counts) {
            source.rows.clear();
            source.rows.extend(from.by_ref().take(n));
        }
        drop(from);
        self.spare = rows;
    }

    /// Every source's rows, lakehouses first, moved into one list.
    pub fn hand_out(&mut self) -> Vec<Resource> {
        let mut rows = std::mem::take(&mut self.spare);
        rows.reserve(self.lakehouses.iter().chain([&self.extras]).map(|s| s.rows.len()).sum());
        for source in self.lakehouses.iter_mut().chain([&mut self.extras]) {
            self.handed_out.push(source.rows.len());
            rows.append(&mut source.rows);
        }
        rows
    }

    /// Read what is due into the sources' rows (given back by [`FabricPoll::take_back`], handed
    /// out after by [`FabricPoll::hand_out`]); how long until the next source is due.
    pub async fn poll(
        &mut self,
        workspace: &str,
        f: &FabricClients,
        shared: &SharedMonitoring,
        settings: &PollSettings,
        on_screen: bool,
        trigger: Trigger,
    ) -> Result<Duration, Error> {
        let idle_too = self.kind == Kind::Session;
        let pace_of = |rows: &[Resource], calm: u32| {
            if on_screen {
                settled(pace(rows, settings), calm, settings, idle_too)
            } else {
                settings.finished()
            }
        };
        self.lakehouses.resize_with(f.lakehouses.len(), Source::default);
        if trigger == Trigger::Refresh {
            self.deadlines.clear();
            for s in &mut self.lakehouses {
                s.calm = 0;
            }
        }
        let now = Instant::now();
        let is_due = |s: &Source| match trigger {
            Trigger::Due => s.due.is_none_or(|d| d <= now),
            Trigger::Refresh => true,
            Trigger::Shown => s.read_at.is_none_or(|t| now - t >= FRESH),
        };
        // Shown again while fresh: not read again, only re-paced.
        for s in self.lakehouses.iter_mut().chain([&mut self.extras]) {
            if trigger == Trigger::Shown && !is_due(s) {
                s.due = s.read_at.map(|t| t + pace_of(&s.rows, s.calm));
            }
        }
        let mut due: Vec<usize> =
            (0..self.lakehouses.len()).filter(|i| is_due(&self.lakehouses[*i])).collect();
        // Hidden, a Batches list only keeps the header's counts honest, and the workspace's
        // monitoring list (read for the Sessions pane anyway, else once for both) holds our
        // batches too: a lakehouse whose batches it shows in the states we hold is not read
        // again (at least every `RECHECK_HIDDEN` it is). A failed monitoring read reads them all.
        if self.kind == Kind::Batch && !on_screen && trigger == Trigger::Due && !due.is_empty() {
            let finished = settings.finished();
            if let Ok(items) = shared.read(f, MONITORING_LIMIT, finished, finished).await {
                let (lakehouses, clients) = (&mut self.lakehouses, &f.lakehouses);
                due.retain(|&i| {
                    let source = &mut lakehouses[i];
                    let recent = source.read_at.is_some_and(|t| now - t < RECHECK_HIDDEN);
                    let skip = recent && batches_as_held(&items, clients[i].1.lakehouse_id(), &source.rows);
                    if skip {
                        source.due = Some(now + finished);
                    }
                    !skip
                });
            }
        }
        let reads = join_all(due.iter().map(|&i| {
            let (label, client) = &f.lakehouses[i];
            let before = &self.lakehouses[i].rows;
            rows::lakehouse_rows(workspace, label, client, self.kind, self.limit, before)
        }))
        .await;
        for (i, read) in due.into_iter().zip(reads) {
            let source = &mut self.lakehouses[i];
            let rows = read?;
            // Sessions that were starting or busy last time and are idle now: their idle
            // clock started about now.
            let before = &source.rows;
            let sessions = self.kind == Kind::Session;
            let went_idle = |r: &&Resource| {
                sessions
                    && r.status == Status::Ready
                    && before
                        .iter()
                        .any(|b| b.id == r.id && matches!(b.status, Status::Pending | Status::Busy))
            };
            self.became_idle.extend(rows.iter().filter(went_idle).map(|r| r.id.clone()));
            let unchanged = source.read_at.is_some() && same_states(&rows, &source.rows);
            source.calm = if unchanged { source.calm.saturating_add(1) } else { 0 };
            source.rows = rows;
            source.read_at = Some(Instant::now());
            source.due = Some(Instant::now() + pace_of(&source.rows, source.calm));
        }
        if self.kind == Kind::Session {
            self.apply_deadlines(f).await;
        }
        // Others' items, shown read-only, are watched one pace slower than ours (unless, with
        // no lakehouse configured, they are all there is).
        let slowest = if f.lakehouses.is_empty() { Duration::ZERO } else { settings.idle() };
        let extras_pace = |rows: &[Resource]| pace_of(rows, 0).max(slowest);
        if is_due(&self.extras) {
            let max_age =
                if trigger == Trigger::Refresh { Duration::ZERO } else { extras_pace(&self.extras.rows) };
            match shared.read(f, MONITORING_LIMIT, max_age, settings.finished()).await {
                Ok(items) => {
                    // A lakehouse read at a stretched pace whose sessions this list shows new
                    // or ended is read now (in the very next pass).
                    if self.kind == Kind::Session {
                        let now = Instant::now();
                        for (source, (_, client)) in self.lakehouses.iter_mut().zip(&f.lakehouses) {
                            let waiting = source.due.is_some_and(|d| d > now) && source.read_at.is_some();
                            if waiting && !sessions_as_held(&items, client.lakehouse_id(), &source.rows) {
                                source.due = Some(now);
                                source.calm = 0;
                            }
                        }
                    }
                    let extras = rows::monitoring_extras(
                        self.kind,
                        workspace,
                        &items,
                        self.lakehouse_rows(),
                        &self.extras.rows,
                    );
                    self.extras.rows = extras;
                }
                // With no lakehouse configured the monitoring list is all there is; otherwise
                // its rows stay as last read.
                Err(e) if f.lakehouses.is_empty() => return Err(e.into()),
                Err(e) => tracing::debug!(workspace, "monitoring list failed: {e}"),
            }
            self.extras.read_at = Some(Instant::now());
            self.extras.due = Some(Instant::now() + extras_pace(&self.extras.rows));
        }
        let next = self.lakehouses.iter().chain([&self.extras]).filter_map(|s| s.due).min();
        let wait = next.map_or(settings.finished(), |at| at.saturating_duration_since(Instant::now()));
        Ok(wait)
    }

    fn lakehouse_rows(&self) -> impl Iterator<Item = &Resource> {
        self.lakehouses.iter().flat_map(|s| &s.rows)
    }

    /// Give idle sessions the deadline read earlier, read the ones not known yet, and forget
    /// sessions that are no longer idle (after activity the deadline moves).
    async fn apply_deadlines(&mut self, f: &FabricClients) {
        let now = self.clock.now();
        // (id, lakehouse, whether its row still lacks the deadline) of our idle sessions.
        let idle: Vec<(String, Option<String>, bool)> = self
            .lakehouse_rows()
            .filter_map(|r| match &r.detail {
                Detail::Session { idle_timeout_at, read_only: false, lakehouse, .. }
                    if r.status == Status::Ready =>
                {
                    Some((r.id.clone(), lakehouse.clone(), idle_timeout_at.is_none()))
                }
                _ => None,
            })
            .collect();
        // A deadline that passed while the session stayed idle was moved by activity we did not
        // see: read it once more (not again and again if the service keeps saying the same).
        let passed = |d: &Deadline| d.at.is_some_and(|at| at <= now && d.read < at);
        // An estimate coming within the last minutes is read exactly.
        let near = |d: &Deadline| d.estimated && d.at.is_none_or(|at| at.duration_since(now) < EXACT_WITHIN);
        self.deadlines.retain(|id, d| !passed(d) && !near(d) && idle.iter().any(|(i, ..)| i == id));
        for id in std::mem::take(&mut self.became_idle) {
            let lacks = idle.iter().any(|(i, _, lacks)| *i == id && *lacks);
            if lacks && !self.deadlines.contains_key(&id) {
                let at = now.checked_add(crate::domain::IDLE_TIMEOUT).ok();
                self.deadlines.insert(id, Deadline { at, read: now, estimated: true });
            }
        }
        let unknown: Vec<&(String, Option<String>, bool)> = idle
            .iter()
            .filter(|(id, _, lacks)| *lacks && !self.deadlines.contains_key(id))
            .take(IDLE_LOOKUPS)
            .collect();
        let reads = join_all(unknown.iter().map(|(id, label, _)| async move {
            match label {
                Some(label) => rows::idle_deadline(f, label, id).await,
                None => None,
            }
        }))
        .await;
        for ((id, ..), at) in unknown.into_iter().zip(reads) {
            self.deadlines.insert(id.clone(), Deadline { at, read: now, estimated: false });
        }
        for source in &mut self.lakehouses {
            for r in &mut source.rows {
                if let Detail::Session { idle_timeout_at: at @ None, read_only: false, .. } = &mut r.detail {
                    *at = self.deadlines.get(&r.id).and_then(|d| d.at);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn item(id: &str, state: &str) -> Fetched<LivySession> {
        let raw = json!({"livyId": id, "state": state});
        Fetched::decode("GET", "/monitoring", raw).unwrap_or_else(|e| panic!("{e}"))
    }

    fn monitored_session(id: &str, lakehouse: &str, state: &str) -> Fetched<LivySession> {
        monitored("SparkSession", id, lakehouse, state)
    }

    #[test]
    fn an_idle_sessions_list_is_read_at_once_when_the_monitoring_list_shows_a_session_new_or_ended() {
        let rows = [
            Resource { kind: Kind::Session, ..held("s1", Status::Ready) },
            Resource { kind: Kind::Session, ..held("s2", Status::Busy) },
            Resource { kind: Kind::Session, ..held("s3", Status::Cancelled) },
        ];
        let as_held = vec![
            monitored_session("s1", "lh", "InProgress"),
            monitored_session("s2", "lh", "InProgress"),
            monitored_session("s3", "lh", "Cancelled"),
            monitored_session("old", "lh", "Succeeded"),
            monitored_session("x", "other", "NotStarted"),
            batch("b", "lh", "NotStarted"),
        ];
        assert!(
            sessions_as_held(&as_held, "lh", &rows),
            "idle and busy are both in progress; ended ones we do not hold, others' lakehouses and batches do not count"
        );
        let new = [as_held.clone(), vec![monitored_session("s4", "lh", "NotStarted")]].concat();
        assert!(!sessions_as_held(&new, "lh", &rows), "a new session: read the list");
        let ended = vec![monitored_session("s1", "lh", "Cancelled")];
        assert!(!sessions_as_held(&ended, "lh", &rows), "s1 ended: read the list");
    }

    fn batch(id: &str, lakehouse: &str, state: &str) -> Fetched<LivySession> {
        monitored("SparkBatch", id, lakehouse, state)
    }

    /// A monitoring-list item of `job_type` in `lakehouse`.
    fn monitored(job_type: &str, id: &str, lakehouse: &str, state: &str) -> Fetched<LivySession> {
        let raw = json!({"livyId": id, "state": state, "jobType": job_type, "item": {"itemId": lakehouse}});
        Fetched::decode("GET", "/monitoring", raw).unwrap_or_else(|e| panic!("{e}"))
    }

    fn held(id: &str, status: Status) -> Resource {
        let detail = Detail::Batch { file: None, lakehouse: None, app_id: None };
        Resource {
            kind: Kind::Batch,
            workspace: "w".into(),
            id: id.into(),
            name: String::new(),
            status,
            raw_state: String::new(),
            owner: None,
            started_at: None,
            ended_at: None,
            state_message: None,
            detail,
            raw: Arc::new(json!({}).into()),
        }
    }

    #[test]
    fn a_hidden_batches_list_is_read_only_when_the_monitoring_list_shows_a_change_there() {
        let rows = [held("b1", Status::Busy), held("b2", Status::Succeeded)];
        let items = vec![
            batch("b1", "lh", "InProgress"),
            batch("b2", "lh", "Succeeded"),
            batch("x", "other", "NotStarted"),
        ];
        assert!(
            batches_as_held(&items, "lh", &rows),
            "same batches, same states; another lakehouse's do not count"
        );
        let ended = vec![batch("b1", "lh", "Failed"), batch("b2", "lh", "Succeeded")];
        assert!(!batches_as_held(&ended, "lh", &rows), "b1 ended: read the list");
        let new = vec![batch("b3", "lh", "NotStarted"), batch("b1", "lh", "InProgress")];
        assert!(!batches_as_held(&new, "lh", &rows), "a new batch: read the list");
        assert!(batches_as_held(&[], "lh", &rows), "nothing shown there: nothing changed");
    }

    #[test]
    fn rows_handed_out_go_back_to_their_sources_whether_or_not_the_app_still_holds_them() {
        let mut poll = FabricPoll::new(Kind::Batch, 10, Clock::system());
        poll.lakehouses.resize_with(2, Source::default);
        poll.lakehouses[0].rows = vec![held("a1", Status::Busy), held("a2", Status::Succeeded)];
        poll.extras.rows = vec![held("x1", Status::Failed)];
        let ids = |rows: &[Resource]| rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
        let handed = Arc::new(poll.hand_out());
        assert_eq!(ids(&handed), ["a1", "a2", "x1"], "lakehouses in order, then the extras");
        assert!(poll.lakehouses.iter().chain([&poll.extras]).all(|s| s.rows.is_empty()));
        // Taken in by the app already (moved back), then still held by it (copied back).
        let before = (*handed).clone();
        poll.take_back(handed);
        let again = Arc::new(poll.hand_out());
        let app = again.clone();
        poll.take_back(again);
        assert_eq!(ids(&poll.lakehouses[0].rows), ["a1", "a2"]);
        assert!(poll.lakehouses[1].rows.is_empty());
        assert_eq!(ids(&poll.extras.rows), ["x1"]);
        assert_eq!((poll.hand_out(), &*app), (before.clone(), &before));
    }

    #[test]
    fn a_first_page_goes_in_front_of_what_was_read_before_each_item_once() {
        let before = vec![item("b", "InProgress"), item("c", "Succeeded"), item("d", "Failed")];
        let page = vec![item("a", "InProgress"), item("b", "Succeeded")];
        let (merged, tail_ended) = merge(page, before.clone(), 3);
        let ids: Vec<_> = merged.iter().map(|i| i.value.livy_id.clone().unwrap_or_default()).collect();
        assert_eq!(ids, ["a", "b", "c"], "newest first, b once (as the page says), at most the limit");
        assert_eq!(merged[1].raw["state"], "Succeeded");
        assert!(tail_ended, "c and d have ended: only the first page can change");
        let (_, tail_ended) = merge(vec![item("a", "InProgress")], before, 3);
        assert!(!tail_ended, "b still runs behind the first page: the whole list is read again");
    }
}
