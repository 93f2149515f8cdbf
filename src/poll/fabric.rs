//! Fabric's Sessions and Batches polls, paced per source rather than per pane:
//!
//! - each lakehouse list at the pace its own rows need (a lakehouse where nothing starts or
//!   runs is not re-read at the active pace because another one is busy);
//! - the workspace monitoring list (notebooks, Spark job definitions, other lakehouses) read
//!   once for both kinds: the Sessions and Batches pollers share the last read while it is
//!   younger than the pace either needs;
//! - an idle session's own record (for its idle-timeout countdown, which the list lacks) read
//!   once when it becomes idle, and again only after activity or once that deadline passed.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::future::join_all;
use jiff::Timestamp;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::pace;
use crate::api::livy::models::LivySession;
use crate::api::{ApiError, Fetched};
use crate::config::PollSettings;
use crate::domain::{Detail, Kind, Resource, Status};
use crate::workspace::{Error, FabricClients, rows};

/// Idle-deadline reads per pass at most (each is one request).
const IDLE_LOOKUPS: usize = 20;

type Items = Arc<Vec<Fetched<LivySession>>>;

/// One workspace's last monitoring-list read, shared by its Sessions and Batches pollers.
#[derive(Default)]
pub struct SharedMonitoring {
    last: Mutex<Option<(Instant, Items)>>,
}

impl SharedMonitoring {
    /// The list, read now unless a read younger than `max_age` is at hand. Single-flight: a
    /// poller arriving while the other reads waits for that read and uses it.
    async fn read(&self, f: &FabricClients, limit: usize, max_age: Duration) -> Result<Items, ApiError> {
        let mut last = self.last.lock().await;
        if let Some((at, items)) = last.as_ref()
            && at.elapsed() < max_age
        {
            return Ok(items.clone());
        }
        let items = Arc::new(rows::monitoring_items(f, limit).await?);
        *last = Some((Instant::now(), items.clone()));
        Ok(items)
    }
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
}

/// The state of one (Fabric workspace, Sessions or Batches) poller between passes.
pub struct FabricPoll {
    kind: Kind,
    limit: usize,
    lakehouses: Vec<Source>,
    extras: Source,
    /// Idle deadlines read from the sessions themselves, by session id (`None`: the session
    /// did not say), with when they were read.
    deadlines: HashMap<String, (Option<Timestamp>, Timestamp)>,
}

impl FabricPoll {
    pub fn new(kind: Kind, limit: usize) -> FabricPoll {
        FabricPoll {
            kind,
            limit,
            lakehouses: Vec::new(),
            extras: Source::default(),
            deadlines: HashMap::new(),
        }
    }

    /// Read what is due; the rows of every source and how long until the next source is due.
    pub async fn poll(
        &mut self,
        workspace: &str,
        f: &FabricClients,
        shared: &SharedMonitoring,
        settings: &PollSettings,
        on_screen: bool,
        trigger: Trigger,
    ) -> Result<(Vec<Resource>, Duration), Error> {
        let pace_of = |rows: &[Resource]| if on_screen { pace(rows, settings) } else { settings.finished() };
        self.lakehouses.resize_with(f.lakehouses.len(), Source::default);
        if trigger == Trigger::Refresh {
            self.deadlines.clear();
        }
        let now = Instant::now();
        let is_due = |s: &Source| trigger != Trigger::Due || s.due.is_none_or(|d| d <= now);
        let due: Vec<usize> = (0..self.lakehouses.len()).filter(|i| is_due(&self.lakehouses[*i])).collect();
        let reads = join_all(due.iter().map(|&i| {
            let (label, client) = &f.lakehouses[i];
            rows::lakehouse_rows(workspace, label, client, self.kind, self.limit)
        }))
        .await;
        for (i, read) in due.into_iter().zip(reads) {
            let source = &mut self.lakehouses[i];
            source.rows = read?;
            source.due = Some(Instant::now() + pace_of(&source.rows));
        }
        if self.kind == Kind::Session {
            self.apply_deadlines(f).await;
        }
        if is_due(&self.extras) {
            let max_age =
                if trigger == Trigger::Refresh { Duration::ZERO } else { pace_of(&self.extras.rows) };
            match shared.read(f, self.limit, max_age).await {
                Ok(items) => {
                    let known: Vec<Resource> = self.lakehouse_rows().cloned().collect();
                    self.extras.rows = rows::monitoring_extras(self.kind, workspace, &items, &known);
                }
                // With no lakehouse configured the monitoring list is all there is; otherwise
                // its rows stay as last read.
                Err(e) if f.lakehouses.is_empty() => return Err(e.into()),
                Err(e) => tracing::debug!(workspace, "monitoring list failed: {e}"),
            }
            self.extras.due = Some(Instant::now() + pace_of(&self.extras.rows));
        }
        let rows: Vec<Resource> = self.lakehouse_rows().chain(&self.extras.rows).cloned().collect();
        let next = self.lakehouses.iter().chain([&self.extras]).filter_map(|s| s.due).min();
        let wait = next.map_or(settings.finished(), |at| at.saturating_duration_since(Instant::now()));
        Ok((rows, wait))
    }

    fn lakehouse_rows(&self) -> impl Iterator<Item = &Resource> {
        self.lakehouses.iter().flat_map(|s| &s.rows)
    }

    /// Give idle sessions the deadline read earlier, read the ones not known yet, and forget
    /// sessions that are no longer idle (after activity the deadline moves).
    async fn apply_deadlines(&mut self, f: &FabricClients) {
        let now = Timestamp::now();
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
        let passed =
            |(at, read): &(Option<Timestamp>, Timestamp)| at.is_some_and(|at| at <= now && *read < at);
        self.deadlines.retain(|id, entry| !passed(entry) && idle.iter().any(|(i, ..)| i == id));
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
            self.deadlines.insert(id.clone(), (at, now));
        }
        for source in &mut self.lakehouses {
            for r in &mut source.rows {
                if let Detail::Session { idle_timeout_at: at @ None, read_only: false, .. } = &mut r.detail {
                    *at = self.deadlines.get(&r.id).and_then(|(at, _)| *at);
                }
            }
        }
    }
}
