//! The simulated Databricks account: workspaces and everything in them. Lifecycles are stored as
//! deadlines and settled on each request from the simulated clock.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::DemoDatabricksWorkspace;
use crate::sim::clock::SimMillis;
use crate::sim::engine::{Execution, Lang, Repl};

pub const SEC: i64 = 1000;
pub const MIN: i64 = 60 * SEC;

/// Simulated time a cluster needs per transition.
pub const START_MS: i64 = 4 * MIN;
pub const RESTART_MS: i64 = 2 * MIN;
pub const RESIZE_MS: i64 = MIN;
pub const TERMINATE_MS: i64 = 30 * SEC;

pub struct DatabricksState {
    pub workspaces: Vec<Workspace>,
    /// OAuth access tokens issued by `/oidc/v1/token`: token → (workspace, expiry in wall-clock
    /// Unix seconds).
    pub oauth_tokens: HashMap<String, (usize, i64)>,
    pub counter: u64,
}

pub struct Workspace {
    pub name: String,
    pub id: u64,
    pub resource_id: String,
    pub m2m_client_id: String,
    pub m2m_client_secret: String,
    pub user_name: String,
    pub user_id: String,
    pub tokens: Vec<PatToken>,
    /// Entra application ids of service principals admitted to the workspace.
    pub members: HashSet<String>,
    pub clusters: Vec<Cluster>,
    pub jobs: Vec<Job>,
    pub runs: Vec<Run>,
    pub contexts: Vec<Context>,
    pub commands: Vec<Command>,
    pub scopes: BTreeMap<String, SecretScope>,
    pub service_principals: Vec<ServicePrincipal>,
    pub idempotency: HashMap<String, i64>,
    pub next_id: i64,
    /// The live world keeps at most this many runs (the seeded ones, at least a few hundred).
    pub keep_runs: usize,
}

pub struct PatToken {
    pub token_id: String,
    pub value: String,
    pub comment: String,
    pub creation_time: i64,
    /// -1 when the token never expires.
    pub expiry_time: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterState {
    Pending,
    Running,
    Restarting,
    Resizing,
    Terminating,
    Terminated,
    Error,
}

impl ClusterState {
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterState::Pending => "PENDING",
            ClusterState::Running => "RUNNING",
            ClusterState::Restarting => "RESTARTING",
            ClusterState::Resizing => "RESIZING",
            ClusterState::Terminating => "TERMINATING",
            ClusterState::Terminated => "TERMINATED",
            ClusterState::Error => "ERROR",
        }
    }
}

pub struct Termination {
    pub code: String,
    pub kind: String,
    pub parameters: Value,
}

pub struct ClusterEvent {
    pub timestamp: i64,
    pub kind: &'static str,
    pub details: Value,
}

pub struct Cluster {
    pub id: String,
    pub name: String,
    pub spark_version: String,
    pub node_type: String,
    pub num_workers: u32,
    pub autoscale: Option<(u32, u32)>,
    pub autotermination_minutes: i64,
    pub source: &'static str,
    pub creator: String,
    pub pinned: bool,
    pub state: ClusterState,
    /// When the current transitional state ends.
    pub until: i64,
    pub state_message: String,
    pub start_time: i64,
    pub terminated_time: Option<i64>,
    pub last_restarted_time: Option<i64>,
    pub last_activity: i64,
    pub termination: Option<Termination>,
    /// Request fields we keep verbatim (spark_conf, custom_tags, azure_attributes, ...).
    pub extra: serde_json::Map<String, Value>,
    pub events: Vec<ClusterEvent>,
    pub deleted: bool,
    pub spark_context_id: i64,
}

impl Cluster {
    pub fn event(&mut self, timestamp: i64, kind: &'static str, details: Value) {
        self.events.push(ClusterEvent { timestamp, kind, details });
    }

    /// A terminated cluster starts (`clusters/start`).
    pub fn begin_start(&mut self, now: i64, user: &str) {
        self.state = ClusterState::Pending;
        self.until = now + START_MS;
        self.state_message = "Starting Spark".into();
        self.start_time = now;
        self.terminated_time = None;
        self.termination = None;
        self.event(now, "STARTING", serde_json::json!({"user": user}));
    }

    /// A running cluster moves to its new size (`clusters/resize`), from `previous` workers.
    pub fn begin_resize(&mut self, now: i64, previous: u32, user: &str) {
        self.state = ClusterState::Resizing;
        self.until = now + RESIZE_MS;
        let target = self.num_workers;
        self.event(
            now,
            "RESIZING",
            serde_json::json!({"current_num_workers": previous, "target_num_workers": target, "user": user}),
        );
    }

    /// A cluster stops at the user's request (`clusters/delete`).
    pub fn begin_terminate(&mut self, now: i64, user: &str) {
        self.state = ClusterState::Terminating;
        self.until = now + TERMINATE_MS;
        self.state_message = "Terminating".into();
        self.termination = Some(Termination {
            code: "USER_REQUEST".into(),
            kind: "SUCCESS".into(),
            parameters: serde_json::json!({"username": user}),
        });
    }

    /// Apply every transition due by `now`.
    pub fn settle(&mut self, now: i64) {
        loop {
            match self.state {
                ClusterState::Pending | ClusterState::Restarting | ClusterState::Resizing
                    if now >= self.until =>
                {
                    let at = self.until;
                    let previous = self.state;
                    self.state = ClusterState::Running;
                    self.state_message.clear();
                    self.last_activity = at;
                    if previous == ClusterState::Resizing {
                        let n = self.num_workers;
                        self.event(
                            at,
                            "UPSIZE_COMPLETED",
                            serde_json::json!({"current_num_workers": n, "target_num_workers": n}),
                        );
                    } else {
                        self.event(at, "DRIVER_HEALTHY", serde_json::json!({}));
                        let n = self.num_workers;
                        self.event(
                            at,
                            "RUNNING",
                            serde_json::json!({"current_num_workers": n, "target_num_workers": n}),
                        );
                    }
                }
                ClusterState::Terminating if now >= self.until => {
                    self.state = ClusterState::Terminated;
                    self.terminated_time = Some(self.until);
                    let reason = self.termination.as_ref().map(
                        |t| serde_json::json!({"code": t.code, "type": t.kind, "parameters": t.parameters}),
                    );
                    self.event(self.until, "TERMINATING", serde_json::json!({ "reason": reason }));
                }
                ClusterState::Running
                    if self.autotermination_minutes > 0
                        && self.source != "JOB"
                        && now >= self.last_activity + self.autotermination_minutes * MIN =>
                {
                    let at = self.last_activity + self.autotermination_minutes * MIN;
                    self.state = ClusterState::Terminating;
                    self.until = at + TERMINATE_MS;
                    self.state_message = format!(
                        "Inactive cluster terminated (inactive for {} minutes).",
                        self.autotermination_minutes
                    );
                    self.termination = Some(Termination {
                        code: "INACTIVITY".into(),
                        kind: "SUCCESS".into(),
                        parameters: serde_json::json!({"inactivity_duration_min": self.autotermination_minutes.to_string()}),
                    });
                }
                _ => return,
            }
        }
    }
}

/// How a job's runs end.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    Succeed,
    Fail {
        error: String,
        trace: String,
    },
    TimeOut,
    InternalError,
    Skip,
    /// A streaming job: runs until cancelled.
    Forever,
    /// Never leaves the queue (max concurrent runs reached).
    StuckInQueue,
    /// A flaky job: every third run fails like `Fail`, the others succeed (decided when the
    /// run starts; a run's own plan is never `Flaky`).
    Flaky {
        error: String,
        trace: String,
    },
}

pub struct TaskDef {
    pub key: String,
    pub notebook_path: String,
    pub depends_on: Vec<String>,
}

pub struct Job {
    pub job_id: i64,
    pub name: String,
    pub creator: String,
    pub created: i64,
    pub tasks: Vec<TaskDef>,
    pub plan: Plan,
    /// Execution time of a run, simulated ms.
    pub exec_ms: i64,
    pub schedule: Option<String>,
    pub cluster_id: Option<String>,
    pub runs_started: i64,
    /// Declared job parameters (name, default): `run-now` takes `job_parameters` for them.
    pub parameters: Vec<(String, String)>,
}

pub struct TaskRun {
    pub key: String,
    pub run_id: i64,
    pub notebook_path: String,
    pub depends_on: Vec<String>,
    /// A task that had succeeded when its run was repaired: it keeps that window (start, end
    /// of setup, end) and is not run again.
    pub kept: Option<(i64, i64, i64)>,
    /// 0 for the first attempt, +1 each time a repair runs it again.
    pub attempt: i64,
    /// A submitted task's own fields (`notebook_task`, `spark_python_task`, `spark_jar_task`,
    /// `libraries`, `new_cluster`, …), shown back in `runs/get`; `None` for jobs' tasks.
    pub definition: Option<Box<serde_json::Map<String, Value>>>,
}

pub struct Repair {
    pub id: i64,
    pub start: i64,
    /// The task run ids before this repair, and the new ones it started.
    pub before: Vec<i64>,
    pub task_run_ids: Vec<i64>,
}

pub struct Run {
    pub run_id: i64,
    pub job_id: Option<i64>,
    pub name: String,
    pub number_in_job: i64,
    pub creator: String,
    pub trigger: &'static str,
    pub run_type: &'static str,
    /// When the run was created (queued).
    pub created: i64,
    /// When it left the queue (PENDING begins).
    pub start: i64,
    pub setup_ms: i64,
    pub exec_ms: i64,
    pub plan: Plan,
    pub cancelled_at: Option<i64>,
    pub tasks: Vec<TaskRun>,
    pub cluster_id: Option<String>,
    pub repairs: Vec<Repair>,
    pub deleted: bool,
    /// What `run-now` was given: `job_parameters` / `notebook_params` / ... as sent.
    pub overriding: serde_json::Map<String, Value>,
    /// The job's parameters with the values this run used (`job_parameters` of `runs/get`).
    pub job_parameters: Vec<(String, String, String)>,
}

/// Where a run is at a moment.
#[derive(Debug, Clone, PartialEq)]
pub struct RunPhase {
    pub life_cycle: &'static str,
    pub result: Option<&'static str>,
    pub message: String,
    pub end: Option<i64>,
}

pub const TERMINATING_MS: i64 = 5 * SEC;

impl Run {
    /// When the last task's execution ends (the run's own setup and execution without tasks).
    pub fn exec_end(&self) -> i64 {
        let windows = super::tasks::windows(self);
        windows
            .iter()
            .zip(&self.tasks)
            .filter(|(_, t)| t.kept.is_none())
            .map(|(w, _)| w.end)
            .max()
            .unwrap_or_else(|| self.start.saturating_add(self.setup_ms).saturating_add(self.exec_ms))
    }

    pub fn phase(&self, now: i64) -> RunPhase {
        let phase = |lc: &'static str, result: Option<&'static str>, message: &str, end: Option<i64>| {
            RunPhase { life_cycle: lc, result, message: message.to_string(), end }
        };
        if let Some(c) = self.cancelled_at.filter(|c| *c < self.exec_end() || self.plan == Plan::Forever) {
            return if now < c + TERMINATING_MS {
                phase("TERMINATING", None, "Run cancellation requested.", None)
            } else {
                phase("TERMINATED", Some("CANCELED"), "Run cancelled.", Some(c + TERMINATING_MS))
            };
        }
        if self.plan == Plan::StuckInQueue || now < self.start {
            return phase("QUEUED", None, "Queued due to reaching maximum concurrent runs of 1.", None);
        }
        if now < self.start + self.setup_ms {
            return phase("PENDING", None, "Waiting for cluster", None);
        }
        if self.plan == Plan::Forever || now < self.exec_end() {
            return phase("RUNNING", None, "In run", None);
        }
        let end = self.exec_end() + TERMINATING_MS;
        if now < end {
            return phase("TERMINATING", None, "", None);
        }
        match &self.plan {
            Plan::Succeed | Plan::Forever | Plan::StuckInQueue => {
                phase("TERMINATED", Some("SUCCESS"), "", Some(end))
            }
            Plan::Fail { error, .. } | Plan::Flaky { error, .. } => {
                phase("TERMINATED", Some("FAILED"), error, Some(end))
            }
            Plan::TimeOut => {
                phase("TERMINATED", Some("TIMEDOUT"), "Run timed out after 3600 seconds.", Some(end))
            }
            Plan::InternalError => phase(
                "INTERNAL_ERROR",
                Some("FAILED"),
                "Cluster '0923-164208-abcd1234' was terminated. Reason: CLOUD_PROVIDER_LAUNCH_FAILURE.",
                Some(end),
            ),
            Plan::Skip => {
                phase("SKIPPED", None, "Run skipped because the previous run is still active.", Some(end))
            }
        }
    }
}

pub struct Context {
    pub id: String,
    pub cluster_id: String,
    pub lang: Lang,
    pub created: i64,
    pub destroyed: bool,
    pub repl: Repl,
    /// When a status read first answered Running (what benchmarks measure clients by).
    pub seen_ready: Option<i64>,
}

pub struct Command {
    pub id: String,
    pub context_id: String,
    pub started: i64,
    pub exec: Execution,
    pub cancelled_at: Option<i64>,
    /// When a status read first answered Finished (what benchmarks measure clients by).
    pub seen_finished: Option<i64>,
}

pub struct SecretScope {
    pub secrets: BTreeMap<String, (Vec<u8>, i64)>,
    pub acls: BTreeMap<String, String>,
}

pub struct ServicePrincipal {
    pub id: String,
    pub application_id: String,
    pub display_name: String,
    pub active: bool,
}

impl Workspace {
    pub fn settle(&mut self, now: i64) {
        for c in &mut self.clusters {
            c.settle(now);
        }
    }

    pub fn next(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn cluster(&mut self, id: &str) -> Result<&mut Cluster, super::Reply> {
        self.clusters
            .iter_mut()
            .find(|c| c.id == id && !c.deleted)
            .ok_or_else(|| super::invalid_parameter(format!("Cluster {id} does not exist")))
    }

    pub fn pat_valid(&self, token: &str) -> bool {
        self.tokens.iter().any(|t| t.value == token)
    }
}

impl DatabricksState {
    /// When each command started, finished and was first read finished, and when each context
    /// was created, became ready and was first read ready (simulated epoch ms): how late a
    /// client saw them, for the benchmarks.
    pub fn command_timings(&self, context_start_ms: i64) -> (Vec<serde_json::Value>, Vec<serde_json::Value>) {
        let ws = self.workspaces.iter();
        let commands = ws
            .clone()
            .flat_map(|w| &w.commands)
            .map(|c| {
                serde_json::json!({"id": c.id, "context": c.context_id, "started_ms": c.started,
                    "finished_ms": c.started + c.exec.duration.as_millis() as i64, "seen_ms": c.seen_finished})
            })
            .collect();
        let contexts = ws
            .flat_map(|w| &w.contexts)
            .map(|c| {
                serde_json::json!({"id": c.id, "cluster": c.cluster_id, "created_ms": c.created,
                    "ready_ms": c.created + context_start_ms, "seen_ms": c.seen_ready})
            })
            .collect();
        (commands, contexts)
    }

    /// Demo data, deterministic for a seed; `scale` N > 0 adds N × 1000 clusters and
    /// N × 10 000 runs.
    pub fn seeded(seed: u64, scale: u32, now: SimMillis) -> Self {
        Self { workspaces: super::seed::generate(seed, scale, now), oauth_tokens: HashMap::new(), counter: 0 }
    }

    /// Something new happens at `now` in one workspace (the live demo, `sim::world`).
    pub fn arrive(&mut self, now: SimMillis, rng: &mut rand_chacha::ChaCha8Rng) {
        use rand::Rng;
        let wi = rng.random_range(0..self.workspaces.len().max(1));
        if let Some(ws) = self.workspaces.get_mut(wi) {
            super::seed::arrival(ws, now, rng);
        }
    }

    pub fn describe(&self, base_url: &str) -> Vec<String> {
        self.workspaces
            .iter()
            .map(|w| {
                format!(
                    "Databricks \"{}\": host {}  token {}  (OAuth M2M client {} secret {})",
                    w.name,
                    base_url,
                    w.tokens.first().map(|t| t.value.as_str()).unwrap_or(""),
                    w.m2m_client_id,
                    w.m2m_client_secret
                )
            })
            .collect()
    }

    pub fn demo_workspaces(&self, base_url: &str) -> Vec<DemoDatabricksWorkspace> {
        self.workspaces
            .iter()
            .map(|w| DemoDatabricksWorkspace {
                name: w.name.clone(),
                host: base_url.to_string(),
                workspace_id: w.id.to_string(),
                pat: w.tokens.first().map(|t| t.value.clone()).unwrap_or_default(),
                m2m_client_id: w.m2m_client_id.clone(),
                m2m_client_secret: w.m2m_client_secret.clone(),
                resource_id: w.resource_id.clone(),
            })
            .collect()
    }
}
