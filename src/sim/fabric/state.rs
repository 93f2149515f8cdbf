//! The simulated Fabric tenant: workspaces, lakehouses, Livy sessions, batches, high-concurrency
//! sessions and other Spark runs, stored as compact structs. Every lifecycle is a function of
//! the simulated time; `settle` brings a session's statements and idle timeout up to "now"
//! lazily, on each request.

use std::collections::{BTreeMap, VecDeque};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use super::statements::{self, Statement};
use crate::sim::clock::SimMillis;
use crate::sim::engine::{Engine, Repl};

/// Sessions are reaped after 20 minutes without activity (Learn, api-livy-overview.md).
pub const IDLE_TIMEOUT_MS: i64 = 20 * 60 * 1000;
/// A deleted HC session answers `Deleting` this long, then 404.
pub const HC_DELETING_MS: i64 = 2_000;
/// The first seconds of an acquisition report `queued`, then `acquiringSession`.
pub const QUEUED_MS: i64 = 3_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    User,
    ServicePrincipal,
}

#[derive(Debug, Clone)]
pub struct Principal {
    pub id: Uuid,
    pub name: String,
    pub kind: PrincipalKind,
}

#[derive(Debug, Clone)]
pub struct Lakehouse {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Notebook,
    SparkJobDefinition,
}

/// A notebook or Spark job definition: their runs appear in the monitoring lists only.
#[derive(Debug, Clone)]
pub struct OtherItem {
    pub id: Uuid,
    pub name: String,
    pub kind: ItemKind,
}

/// A Fabric environment (libraries and Spark settings) sessions and batches can run on.
#[derive(Debug, Clone)]
pub struct Environment {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    /// Custom libraries: sessions on it spend a while in `libraryPackaging`.
    pub libraries: bool,
}

pub struct Workspace {
    pub id: Uuid,
    pub name: String,
    pub capacity_id: Uuid,
    pub lakehouses: Vec<Lakehouse>,
    pub environments: Vec<Environment>,
    pub items: Vec<OtherItem>,
    pub sessions: Vec<Session>,
    pub batches: Vec<Batch>,
    pub hcs: Vec<HcSession>,
    pub runs: Vec<ItemRun>,
}

impl Workspace {
    pub fn lakehouse(&self, id: Uuid) -> Option<&Lakehouse> {
        self.lakehouses.iter().find(|l| l.id == id)
    }
    pub fn session_index(&self, lh: Uuid, id: Uuid) -> Option<usize> {
        self.sessions.iter().position(|s| s.id == id && s.lakehouse == lh)
    }
    pub fn batch_index(&self, lh: Uuid, id: Uuid) -> Option<usize> {
        self.batches.iter().position(|b| b.id == id && b.lakehouse == lh)
    }
    pub fn environment(&self, id: Uuid) -> Option<&Environment> {
        self.environments.iter().find(|e| e.id == id)
    }
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndKind {
    /// DELETE /sessions/{id}: `killed`, result Cancelled.
    Killed,
    /// 20 minutes without activity: `dead`, result Failed (monitoring: "Failed … session timed out").
    IdleTimeout,
    /// The last REPL of a high-concurrency session was deleted: the session stops cleanly
    /// (`success`, monitoring Succeeded, as reported in dbt-fabricspark #232).
    Stopped,
    /// The Spark application crashed (seeded data only): `dead`, result Failed.
    Crashed,
}

#[derive(Debug, Clone, Copy)]
pub struct End {
    pub at: SimMillis,
    pub kind: EndKind,
}

/// The request a session was created with, echoed in `livyInfo.jobCreationRequest`.
#[derive(Debug, Clone, Default)]
pub struct SessionRequestEcho {
    pub json: serde_json::Map<String, serde_json::Value>,
    /// The environment it runs on (`spark.fabric.environmentDetails`), if any.
    pub environment: Option<Environment>,
}

/// One REPL of a session: a regular session has exactly one (without id), a high-concurrency
/// session one per acquired HC session.
pub struct ReplSlot {
    pub id: Option<Uuid>,
    pub vars: Repl,
    pub statements: VecDeque<Statement>,
    pub next_statement_id: u32,
    /// When the REPL became usable.
    pub ready_at: SimMillis,
    pub deleted_at: Option<SimMillis>,
}

impl ReplSlot {
    pub fn new(id: Option<Uuid>, ready_at: SimMillis) -> Self {
        Self {
            id,
            vars: Repl::default(),
            statements: VecDeque::new(),
            next_statement_id: 0,
            ready_at,
            deleted_at: None,
        }
    }
}

/// A Livy session (regular, or the underlying session of high-concurrency sessions).
pub struct Session {
    pub id: Uuid,
    pub lakehouse: Uuid,
    pub name: Option<String>,
    pub submitter: u16,
    pub submitted: SimMillis,
    pub not_started_at: SimMillis,
    pub starting_at: SimMillis,
    pub idle_at: SimMillis,
    /// Capacity rejection during acquisition (only `fabricSessionStateInfo` tells).
    pub acquire_error: Option<(SimMillis, String)>,
    /// On-demand cluster instead of the starter pool (conf had `spark.livy.session.idle.timeout`).
    pub fallback: bool,
    pub tags: BTreeMap<String, String>,
    pub request: Option<Box<SessionRequestEcho>>,
    pub app_id: String,
    pub end: Option<End>,
    /// Last reset-timeout or statement submission.
    pub last_activity: SimMillis,
    pub high_concurrency: bool,
    pub repls: Vec<ReplSlot>,
}

/// What a session is doing at a given time (after `settle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionPhase {
    Queued,
    Acquiring,
    AcquireError,
    NotStarted,
    Starting,
    Idle,
    Busy,
    Ended(EndKind),
}

impl Session {
    pub fn phase(&self, now: SimMillis) -> SessionPhase {
        if let Some((at, _)) = &self.acquire_error
            && now >= *at
        {
            return SessionPhase::AcquireError;
        }
        if let Some(end) = self.end
            && now >= end.at
        {
            return SessionPhase::Ended(end.kind);
        }
        if now < self.submitted + QUEUED_MS.min(self.not_started_at - self.submitted) {
            SessionPhase::Queued
        } else if now < self.not_started_at {
            SessionPhase::Acquiring
        } else if now < self.starting_at {
            SessionPhase::NotStarted
        } else if now < self.idle_at {
            SessionPhase::Starting
        } else if self.repls.iter().any(|r| statements::running_at(r, now)) {
            SessionPhase::Busy
        } else {
            SessionPhase::Idle
        }
    }

    /// Whether statements can be submitted now.
    pub fn accepts_statements(&self, now: SimMillis) -> bool {
        matches!(self.phase(now), SessionPhase::Idle | SessionPhase::Busy)
    }

    /// Run statements that became due and apply the idle timeout, up to `now`.
    pub fn settle(&mut self, now: SimMillis, engine: &Engine) {
        if self.acquire_error.is_some() || now < self.idle_at {
            return;
        }
        let horizon = self.end.map_or(now, |e| e.at.min(now));
        for repl in &mut self.repls {
            statements::settle(repl, horizon, engine);
        }
        if let Some(end) = self.end {
            if now >= end.at {
                for repl in &mut self.repls {
                    statements::cancel_unfinished(repl, end.at);
                }
            }
            return;
        }
        let pending = self.repls.iter().any(|r| statements::has_pending(r, now));
        if pending {
            return;
        }
        let idle_since = self.idle_since();
        if now >= idle_since + IDLE_TIMEOUT_MS {
            self.end = Some(End { at: idle_since + IDLE_TIMEOUT_MS, kind: EndKind::IdleTimeout });
        }
    }

    /// When the session last became idle: readiness, last activity or last statement end.
    pub fn idle_since(&self) -> SimMillis {
        let last_stmt = self.repls.iter().filter_map(statements::last_finished_at).max().unwrap_or(0);
        self.idle_at.max(self.last_activity).max(last_stmt)
    }

    /// When the last statement started running (for `livyInfo.busyAt`).
    pub fn last_busy_at(&self) -> Option<SimMillis> {
        self.repls.iter().filter_map(statements::last_started_at).max()
    }

    pub fn live_repls(&self) -> usize {
        self.repls.iter().filter(|r| r.deleted_at.is_none()).count()
    }
}

/// How a batch turns out, decided from its request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchOutcome {
    Succeed,
    Fail,
}

/// The request a batch was created with (LivyRequestBase), echoed in `jobCreationRequest`.
#[derive(Debug, Clone, Default)]
pub struct BatchRequestEcho {
    pub json: serde_json::Map<String, serde_json::Value>,
    pub file: Option<String>,
}

pub struct Batch {
    pub id: Uuid,
    pub lakehouse: Uuid,
    pub name: Option<String>,
    pub submitter: u16,
    pub submitted: SimMillis,
    pub starting_at: SimMillis,
    pub running_at: SimMillis,
    pub end_at: SimMillis,
    pub outcome: BatchOutcome,
    pub cancelled_at: Option<SimMillis>,
    pub tags: BTreeMap<String, String>,
    pub request: Option<Box<BatchRequestEcho>>,
    pub app_id: String,
    /// What a submitted batch did, decided when it was submitted (seeded batches have none).
    pub ran: Option<Box<BatchRun>>,
}

/// What a submitted batch ran and how it went: the lines it logs and, if it failed, why.
#[derive(Debug, Clone, Default)]
pub struct BatchRun {
    /// Logged when the application starts: what was submitted (file, class, arguments,
    /// environment, target lakehouse).
    pub preamble: Vec<String>,
    /// What the job printed, spread over its running time.
    pub output: Vec<String>,
    pub failure: Option<BatchFailure>,
}

/// Why a batch failed: its `errorInfo` and the log lines that say so.
#[derive(Debug, Clone)]
pub struct BatchFailure {
    pub code: &'static str,
    pub message: String,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchPhase {
    Queued,
    Submitting,
    Starting,
    Running,
    Success,
    Dead,
    Killed,
}

/// Seconds a batch spends queued before submission, and submitting before Livy starts it.
pub const BATCH_QUEUED_MS: i64 = 4_000;

impl Batch {
    pub fn phase(&self, now: SimMillis) -> BatchPhase {
        if let Some(c) = self.cancelled_at
            && c < self.end_at
            && now >= c
        {
            return BatchPhase::Killed;
        }
        if now < self.submitted + BATCH_QUEUED_MS {
            BatchPhase::Queued
        } else if now < self.starting_at {
            BatchPhase::Submitting
        } else if now < self.running_at {
            BatchPhase::Starting
        } else if now < self.end_at {
            BatchPhase::Running
        } else if self.outcome == BatchOutcome::Succeed {
            BatchPhase::Success
        } else {
            BatchPhase::Dead
        }
    }

    pub fn is_finished(&self, now: SimMillis) -> bool {
        matches!(self.phase(now), BatchPhase::Success | BatchPhase::Dead | BatchPhase::Killed)
    }
}

/// One acquired high-concurrency session: a REPL in an underlying Livy session.
pub struct HcSession {
    pub id: Uuid,
    pub lakehouse: Uuid,
    pub tag: Option<String>,
    pub creator: u16,
    pub created: SimMillis,
    pub session_id: Uuid,
    pub repl_id: Uuid,
    pub ready_at: SimMillis,
    pub deleted_at: Option<SimMillis>,
}

/// A notebook or Spark job definition run (monitoring only, read-only).
pub struct ItemRun {
    pub livy_id: Uuid,
    pub item: usize,
    pub submitter: u16,
    pub submitted: SimMillis,
    pub started: SimMillis,
    pub end_at: SimMillis,
    pub outcome: RunOutcome,
    pub high_concurrency: bool,
    pub app_id: String,
    pub job_instance: Uuid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    Succeeded,
    Failed,
    Cancelled,
}

/// Deterministic source of ids and small random choices.
pub struct IdSource {
    rng: ChaCha8Rng,
}

impl IdSource {
    pub fn new(seed: u64) -> Self {
        Self { rng: ChaCha8Rng::seed_from_u64(seed) }
    }
    pub fn uuid(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.random()).into_uuid()
    }
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo { lo } else { self.rng.random_range(lo..hi) }
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }
}

/// `application_<13-digit cluster start>_<4-digit sequence>`, like YARN.
pub fn app_id(cluster_start_ms: SimMillis, seq: u32) -> String {
    format!("application_{:013}_{:04}", cluster_start_ms.rem_euclid(10_000_000_000_000), seq % 10_000)
}

/// A session's or batch's state at one instant, as the lists and the monitoring API show it.
#[derive(Debug, Clone)]
pub struct View {
    pub livy_state: &'static str,
    pub result: &'static str,
    /// When the Spark application started (Livy `starting`), if it has.
    pub started_at: Option<SimMillis>,
    pub ended_at: Option<SimMillis>,
    /// When it left the queue (scheduled).
    pub scheduled_at: SimMillis,
    pub scheduler_state: &'static str,
    pub plugin_state: &'static str,
    pub cancellation_reason: Option<&'static str>,
    /// (source, errorCode, message)
    pub error: Option<(&'static str, &'static str, String)>,
    /// Monitoring `LivySession.state`: NotStarted | InProgress | Cancelled | Succeeded | Failed.
    pub monitoring_state: &'static str,
    pub timed_out: bool,
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::sim::engine::{Execution, Lang, Outcome};

    fn idle_session(idle_at: SimMillis) -> Session {
        Session {
            id: Uuid::nil(),
            lakehouse: Uuid::nil(),
            name: None,
            submitter: 0,
            submitted: 0,
            not_started_at: 1_000,
            starting_at: 2_000,
            idle_at,
            acquire_error: None,
            fallback: false,
            tags: BTreeMap::new(),
            request: None,
            app_id: app_id(2_000, 1),
            end: None,
            last_activity: 0,
            high_concurrency: false,
            repls: vec![ReplSlot::new(None, idle_at)],
        }
    }

    #[test]
    fn a_running_statement_holds_off_the_idle_timeout() {
        let engine = Engine::new();
        let mut s = idle_session(10_000);
        s.repls[0].statements.push_back(Statement {
            id: 0,
            code: "long".into(),
            lang: Lang::Python,
            source_id: None,
            submitted: 10_000,
            started: Some(10_000),
            exec: Some(Execution {
                duration: Duration::from_secs(3600),
                outcome: Outcome::Text(String::new()),
            }),
            cancel_at: None,
            seen: None,
        });
        let after_run = 10_000 + 3_600_000;
        s.settle(10_000 + IDLE_TIMEOUT_MS + 1, &engine);
        assert_eq!(s.phase(10_000 + IDLE_TIMEOUT_MS + 1), SessionPhase::Busy);
        s.settle(after_run + IDLE_TIMEOUT_MS - 1, &engine);
        assert_eq!(s.phase(after_run + IDLE_TIMEOUT_MS - 1), SessionPhase::Idle);
        s.settle(after_run + IDLE_TIMEOUT_MS + 5, &engine);
        assert_eq!(s.phase(after_run + IDLE_TIMEOUT_MS + 5), SessionPhase::Ended(EndKind::IdleTimeout));
        assert_eq!(s.end.map(|e| e.at), Some(after_run + IDLE_TIMEOUT_MS));
    }

    #[test]
    fn app_ids_look_like_yarn() {
        assert_eq!(app_id(1_730_933_685_452, 1), "application_1730933685452_0001");
    }
}
