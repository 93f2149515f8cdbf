//! Seeded demo data: two workspaces with clusters, jobs and runs in every state, realistic
//! names, users, errors and traces; `--scale` adds benchmark volumes.

use std::collections::{BTreeMap, HashMap, HashSet};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::account::{pat_for, secret_for, token_id_for};
use super::clusters::{NODE_TYPES, SPARK_VERSIONS, cluster_id};
use super::state::{
    Cluster, ClusterState, Job, MIN, PatToken, Plan, Run, SEC, SecretScope, ServicePrincipal, TaskDef,
    TaskRun, Termination, Workspace,
};
use crate::sim::clock::SimMillis;

const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

struct Plan0 {
    name: &'static str,
    id: u64,
    user: &'static str,
}

const WORKSPACES: [Plan0; 2] = [
    Plan0 { name: "adb-analytics-prod", id: 1_234_567_890_123_456, user: "ada.lovelace@contoso.com" },
    Plan0 { name: "adb-dev", id: 9_876_543_210_987_654, user: "grace.hopper@contoso.com" },
];

const USERS: &[&str] = &[
    "ada.lovelace@contoso.com",
    "grace.hopper@contoso.com",
    "alan.turing@contoso.com",
    "margaret.hamilton@contoso.com",
    "9f1c2b7e-3d4a-4c5b-8e6f-0a1b2c3d4e5f",
];

/// (name, state, (termination code, termination type), pinned, source)
type ClusterPlan = (&'static str, ClusterState, Option<(&'static str, &'static str)>, bool, &'static str);

const CLUSTERS: &[ClusterPlan] = &[
    ("shared-analytics", ClusterState::Running, None, true, "UI"),
    ("etl-nightly", ClusterState::Running, None, false, "API"),
    ("ml-training-gpu", ClusterState::Pending, None, false, "UI"),
    ("adhoc-ada", ClusterState::Terminated, Some(("INACTIVITY", "SUCCESS")), false, "UI"),
    ("streaming-clickstream", ClusterState::Running, None, true, "API"),
    ("reporting-small", ClusterState::Terminated, Some(("USER_REQUEST", "SUCCESS")), false, "UI"),
    (
        "spot-batch",
        ClusterState::Terminated,
        Some(("SPOT_INSTANCE_TERMINATION", "CLOUD_FAILURE")),
        false,
        "API",
    ),
    (
        "quota-test",
        ClusterState::Terminated,
        Some(("AZURE_QUOTA_EXCEEDED_EXCEPTION", "CLIENT_ERROR")),
        false,
        "UI",
    ),
    (
        "init-script-broken",
        ClusterState::Terminated,
        Some(("INIT_SCRIPT_FAILURE", "CLIENT_ERROR")),
        false,
        "UI",
    ),
    (
        "vnet-injected",
        ClusterState::Error,
        Some(("CLOUD_PROVIDER_LAUNCH_FAILURE", "CLOUD_FAILURE")),
        false,
        "API",
    ),
    ("bi-serving", ClusterState::Resizing, None, false, "UI"),
    ("feature-store", ClusterState::Restarting, None, false, "UI"),
    ("legacy-hive", ClusterState::Terminating, Some(("USER_REQUEST", "SUCCESS")), false, "UI"),
    ("job-etl-nightly-run", ClusterState::Terminated, Some(("JOB_FINISHED", "SUCCESS")), false, "JOB"),
    ("job-ingest-orders", ClusterState::Running, None, false, "JOB"),
    ("driver-oom", ClusterState::Terminated, Some(("DRIVER_UNRESPONSIVE", "SERVICE_FAULT")), false, "UI"),
];

/// (name, outcome, run time, tasks as (key, notebook); each task depends on the one before it
/// unless [`depends_on`] says otherwise)
type JobPlan = (&'static str, Plan, i64, Vec<(&'static str, &'static str)>);

/// Tasks that do not simply follow the one before them: the nightly ETL checks quality beside
/// the transform, and publishes after both.
fn depends_on(tasks: &[(&str, &str)], i: usize) -> Vec<String> {
    match tasks[i].0 {
        "quality_checks" => vec!["ingest".into()],
        "publish" => vec!["transform".into(), "quality_checks".into()],
        _ if i > 0 => vec![tasks[i - 1].0.to_string()],
        _ => Vec::new(),
    }
}

/// Declared job parameters (name, default) per job.
fn job_parameters(name: &str) -> Vec<(String, String)> {
    match name {
        "nightly-sales-etl" => {
            vec![("run_date".into(), "{{job.start_time.iso_date}}".into()), ("env".into(), "prod".into())]
        }
        "monthly-finance-close" => vec![("period".into(), "current".into())],
        _ => Vec::new(),
    }
}

fn jobs_plan() -> Vec<JobPlan> {
    vec![
        ("nightly-sales-etl", Plan::Succeed, 20 * MIN, vec![("ingest", "/Repos/etl/ingest_sales"), ("transform", "/Repos/etl/transform_sales"), ("quality_checks", "/Repos/etl/check_sales"), ("publish", "/Repos/etl/publish_gold")]),
        (
            "hourly-orders-ingest",
            Plan::Flaky {
                error: "java.net.SocketTimeoutException: Read timed out (orders API at https://orders.contoso.com)".into(),
                trace: "java.net.SocketTimeoutException: Read timed out\n\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)\n\tat com.contoso.orders.Client.fetch(Client.scala:41)".into(),
            },
            90 * SEC,
            vec![("ingest_orders", "/Repos/etl/ingest_orders")],
        ),
        (
            "customer-churn-model",
            Plan::Fail {
                error: "ValueError: Input contains NaN, infinity or a value too large for dtype('float64').".into(),
                trace: "---------------------------------------------------------------------------\nValueError                                Traceback (most recent call last)\nFile <command-3418756>, line 12\n     10 X = features.toPandas()\n     11 y = X.pop(\"churned\")\n---> 12 model.fit(X, y)\nFile /databricks/python/lib/python3.11/site-packages/sklearn/base.py:1151, in fit(self, X, y)\nValueError: Input contains NaN, infinity or a value too large for dtype('float64').".into(),
            },
            6 * MIN,
            vec![("prepare_features", "/Users/alan.turing@contoso.com/churn/features"), ("train", "/Users/alan.turing@contoso.com/churn/train")],
        ),
        ("clickstream-streaming", Plan::Forever, 0, vec![("stream", "/Repos/streaming/clickstream")]),
        ("monthly-finance-close", Plan::TimeOut, 60 * MIN, vec![("close_books", "/Repos/finance/close")]),
        (
            "inventory-snapshot",
            Plan::Fail {
                error: "org.apache.spark.sql.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view `inventory`.`snapshots` cannot be found.".into(),
                trace: "org.apache.spark.sql.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view `inventory`.`snapshots` cannot be found.\n\tat org.apache.spark.sql.catalyst.analysis.package$AnalysisErrorAt.tableNotFound(package.scala:87)\n\tat org.apache.spark.sql.catalyst.analysis.CheckAnalysis.$anonfun$checkAnalysis0$2(CheckAnalysis.scala:228)".into(),
            },
            4 * MIN,
            vec![("snapshot", "/Repos/ops/inventory_snapshot")],
        ),
        ("vacuum-delta-tables", Plan::Skip, MIN, vec![("vacuum", "/Repos/ops/vacuum")]),
        ("gdpr-erasure", Plan::InternalError, 3 * MIN, vec![("erase", "/Repos/compliance/erase")]),
        ("weekly-marketing-report", Plan::StuckInQueue, 5 * MIN, vec![("report", "/Repos/marketing/weekly")]),
    ]
}

pub fn generate(seed: u64, scale: u32, now: SimMillis) -> Vec<Workspace> {
    WORKSPACES.iter().enumerate().map(|(i, p)| workspace(seed, i, p, scale, now)).collect()
}

fn workspace(seed: u64, index: usize, plan: &Plan0, scale: u32, now: SimMillis) -> Workspace {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ plan.id);
    let mut ws = Workspace {
        name: plan.name.to_string(),
        id: plan.id,
        resource_id: format!(
            "/subscriptions/4d1b6c2e-8a3f-4e5d-9c7b-1a2b3c4d5e6f/resourceGroups/rg-data/providers/Microsoft.Databricks/workspaces/{}",
            plan.name
        ),
        m2m_client_id: uuid::Uuid::from_u64_pair(seed ^ plan.id, 0x6d32_6d00 + index as u64).to_string(),
        m2m_client_secret: secret_for(seed, index),
        user_name: plan.user.to_string(),
        user_id: (8_563_246_545_823u64 + index as u64).to_string(),
        tokens: vec![PatToken {
            token_id: token_id_for(seed, index),
            value: pat_for(seed, index),
            comment: "sparkdeck demo".into(),
            creation_time: now - 30 * DAY,
            expiry_time: -1,
        }],
        members: HashSet::new(),
        clusters: Vec::new(),
        jobs: Vec::new(),
        runs: Vec::new(),
        contexts: Vec::new(),
        commands: Vec::new(),
        scopes: BTreeMap::new(),
        service_principals: vec![ServicePrincipal {
            id: (7_100_000_000_000 + index as u64).to_string(),
            application_id: "0c3f7a2e-5b1d-4f6e-9a8c-2d3e4f5a6b7c".into(),
            display_name: "sp-ci-deploy".into(),
            active: true,
        }],
        idempotency: HashMap::new(),
        next_id: 100 + index as i64 * 50_000_000,
        keep_runs: KEEP_RUNS,
    };
    ws.members.insert("0c3f7a2e-5b1d-4f6e-9a8c-2d3e4f5a6b7c".into());
    let mut acls = BTreeMap::new();
    acls.insert(plan.user.to_string(), "MANAGE".to_string());
    let mut secrets = BTreeMap::new();
    secrets.insert("storage-account-key".to_string(), (b"not-a-real-key".to_vec(), now - 10 * DAY));
    ws.scopes.insert("etl-secrets".into(), SecretScope { secrets, acls });

    for (name, state, term, pinned, source) in CLUSTERS {
        let n = ws.next();
        let started = now - rng.random_range(10 * MIN..3 * DAY);
        let (node, _, _, _) = NODE_TYPES[rng.random_range(0..NODE_TYPES.len() - 1)];
        let workers = if name.contains("gpu") { 2 } else { rng.random_range(1..9) };
        let mut c = Cluster {
            id: cluster_id(seed_stamp(n), n),
            name: (*name).to_string(),
            spark_version: SPARK_VERSIONS[rng.random_range(0..4)].0.to_string(),
            node_type: node.to_string(),
            num_workers: workers,
            autoscale: if rng.random_bool(0.3) { Some((1, workers.max(2) * 2)) } else { None },
            autotermination_minutes: if *source == "JOB" || name.contains("streaming") { 0 } else { 120 },
            source,
            creator: USERS[rng.random_range(0..USERS.len())].to_string(),
            pinned: *pinned,
            state: *state,
            until: 0,
            state_message: String::new(),
            start_time: started,
            terminated_time: None,
            last_restarted_time: None,
            last_activity: now - rng.random_range(0..30 * MIN),
            termination: None,
            extra: serde_json::Map::new(),
            events: Vec::new(),
            deleted: false,
            spark_context_id: n * 104_729,
        };
        c.event(started, "CREATING", json!({"user": c.creator}));
        match state {
            ClusterState::Pending => {
                c.start_time = now - 40 * SEC;
                c.until = now + 3 * MIN;
                c.state_message =
                    "Finding instances for new nodes, acquiring more instances if necessary".into();
            }
            ClusterState::Restarting => {
                c.until = now + 90 * SEC;
                c.last_restarted_time = Some(now - 30 * SEC);
                c.state_message = "Restarting Spark".into();
            }
            ClusterState::Resizing => {
                c.until = now + 45 * SEC;
                c.event(
                    now - 15 * SEC,
                    "RESIZING",
                    json!({"current_num_workers": 2, "target_num_workers": workers}),
                );
            }
            ClusterState::Terminating => c.until = now + 20 * SEC,
            ClusterState::Running => {
                c.event(
                    started + 4 * MIN,
                    "RUNNING",
                    json!({"current_num_workers": workers, "target_num_workers": workers}),
                );
            }
            _ => {}
        }
        if let Some((code, kind)) = term {
            c.termination = Some(Termination {
                code: (*code).into(),
                kind: (*kind).into(),
                parameters: match *code {
                    "INACTIVITY" => json!({"inactivity_duration_min": "120"}),
                    "USER_REQUEST" => json!({"username": c.creator}),
                    "AZURE_QUOTA_EXCEEDED_EXCEPTION" => {
                        json!({"azure_error_code": "OperationNotAllowed", "azure_error_message": "Operation could not be completed as it results in exceeding approved Total Regional Cores quota."})
                    }
                    _ => json!({}),
                },
            });
            if *state == ClusterState::Terminated || *state == ClusterState::Error {
                let ended = (started + rng.random_range(5 * MIN..6 * HOUR)).min(now - MIN);
                c.terminated_time = Some(ended);
                c.state_message = match *code {
                    "INACTIVITY" => "Inactive cluster terminated (inactive for 120 minutes).".into(),
                    "INIT_SCRIPT_FAILURE" => {
                        "Init script /Volumes/main/default/scripts/install.sh exited with code 1.".into()
                    }
                    "AZURE_QUOTA_EXCEEDED_EXCEPTION" => {
                        "Azure quota exceeded: Total Regional Cores quota of 100 reached.".into()
                    }
                    other => format!("Terminated: {other}"),
                };
                c.event(ended, "TERMINATING", json!({"reason": {"code": code, "type": kind}}));
            }
        }
        ws.clusters.push(c);
    }
    let shared_cluster = ws.clusters.first().map(|c| c.id.clone());

    for (j, (name, plan_kind, exec_ms, tasks)) in jobs_plan().into_iter().enumerate() {
        let job_id = 500_000_000_000 + (index as i64) * 1_000_000 + j as i64 * 1013;
        ws.jobs.push(Job {
            job_id,
            name: name.to_string(),
            creator: USERS[j % USERS.len()].to_string(),
            created: now - 90 * DAY + j as i64 * DAY,
            tasks: tasks
                .iter()
                .enumerate()
                .map(|(i, (k, p))| TaskDef {
                    key: (*k).into(),
                    notebook_path: (*p).into(),
                    depends_on: depends_on(&tasks, i),
                })
                .collect(),
            parameters: job_parameters(name),
            plan: plan_kind,
            exec_ms,
            schedule: if name.contains("nightly") {
                Some("0 0 2 * * ?".into())
            } else if name.contains("hourly") {
                Some("0 0 * * * ?".into())
            } else {
                None
            },
            cluster_id: if j % 2 == 0 { None } else { shared_cluster.clone() },
            runs_started: 0,
        });
    }
    // History: a few finished runs per job plus the latest one, which may still be going.
    let job_count = ws.jobs.len();
    for j in 0..job_count {
        let history = if ws.jobs[j].plan == Plan::Forever { 1 } else { 4 };
        for k in 0..history {
            let latest = k + 1 == history;
            let created = if latest {
                now - rng.random_range(MIN..20 * MIN)
            } else {
                now - (history - k) as i64 * rng.random_range(4 * HOUR..12 * HOUR)
            };
            push_run(&mut ws, j, created, k, latest, &mut rng);
        }
    }
    if scale > 0 {
        let clusters = scale as usize * 1000 / WORKSPACES.len();
        for i in 0..clusters {
            let n = ws.next();
            let started = now - rng.random_range(HOUR..29 * DAY);
            ws.clusters.push(Cluster {
                id: cluster_id(seed_stamp(n), n),
                name: format!("bench-cluster-{i:05}"),
                spark_version: SPARK_VERSIONS[i % 4].0.to_string(),
                node_type: NODE_TYPES[i % 4].0.to_string(),
                num_workers: (i % 8) as u32,
                autoscale: None,
                autotermination_minutes: 60,
                source: if i % 3 == 0 { "JOB" } else { "API" },
                creator: USERS[i % USERS.len()].to_string(),
                pinned: false,
                state: ClusterState::Terminated,
                until: 0,
                state_message: "Terminated: JOB_FINISHED".into(),
                start_time: started,
                terminated_time: Some(started + 30 * MIN),
                last_restarted_time: None,
                last_activity: started,
                termination: Some(Termination {
                    code: "JOB_FINISHED".into(),
                    kind: "SUCCESS".into(),
                    parameters: json!({}),
                }),
                extra: serde_json::Map::new(),
                events: Vec::new(),
                deleted: false,
                spark_context_id: n,
            });
        }
        let runs = scale as usize * 10_000 / WORKSPACES.len();
        for i in 0..runs {
            let created = now - rng.random_range(HOUR..59 * DAY);
            push_run(&mut ws, i % job_count, created, i + 10, false, &mut rng);
        }
    }
    ws.keep_runs = KEEP_RUNS.max(ws.runs.len());
    ws
}

fn push_run(
    ws: &mut Workspace,
    job_index: usize,
    created: i64,
    k: usize,
    latest: bool,
    rng: &mut ChaCha8Rng,
) {
    let run_id = ws.next() * 1000 + 1;
    let job = &mut ws.jobs[job_index];
    job.runs_started += 1;
    // Older runs of a failing job sometimes succeeded, like real flaky jobs.
    let plan = if !latest && rng.random_bool(0.3) && job.plan != Plan::Forever {
        Plan::Succeed
    } else {
        super::jobs::resolve(&job.plan, job.runs_started)
    };
    let plan = if !latest && plan == Plan::StuckInQueue { Plan::Succeed } else { plan };
    let tasks = job
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| TaskRun {
            key: t.key.clone(),
            run_id: run_id + 1 + i as i64,
            notebook_path: t.notebook_path.clone(),
            depends_on: t.depends_on.clone(),
            kept: None,
            attempt: 0,
            definition: None,
        })
        .collect();
    let job_parameters = job.parameters.iter().map(|(n, d)| (n.clone(), d.clone(), d.clone())).collect();
    let run = Run {
        run_id,
        job_id: Some(job.job_id),
        name: job.name.clone(),
        number_in_job: run_id,
        creator: job.creator.clone(),
        trigger: if job.schedule.is_some() {
            "PERIODIC"
        } else if k.is_multiple_of(3) {
            "ONE_TIME"
        } else {
            "RETRY"
        },
        run_type: "JOB_RUN",
        created,
        start: created + rng.random_range(SEC..30 * SEC),
        setup_ms: if job.cluster_id.is_some() { 5 * SEC } else { rng.random_range(60 * SEC..5 * MIN) },
        exec_ms: if job.exec_ms > 0 { job.exec_ms + rng.random_range(0..job.exec_ms / 4 + 1) } else { 0 },
        plan,
        cancelled_at: None,
        tasks,
        cluster_id: job.cluster_id.clone(),
        repairs: Vec::new(),
        deleted: false,
        overriding: serde_json::Map::new(),
        job_parameters,
    };
    ws.runs.push(run);
    // One cancelled run per workspace keeps that state in the demo.
    if k == 1
        && job_index == 1
        && let Some(r) = ws.runs.last_mut()
    {
        r.cancelled_at = Some(r.start + r.setup_ms + 10 * SEC);
    }
}

/// A creation stamp for a seeded cluster id that depends on the seed data alone, so separate
/// simulator runs agree on ids (real ids embed the creation time; the wall clock would differ).
fn seed_stamp(n: i64) -> i64 {
    1_767_225_600_000 + n * 97_531_000
}

/// Runs kept per workspace while the demo lives; the oldest finished go first.
const KEEP_RUNS: usize = 400;

/// Something new at `now` in `ws` (the live demo, `sim::world`): mostly a run of one of its jobs
/// (as a schedule or a user would start it), sometimes a cluster that starts, resizes or stops.
pub fn arrival(ws: &mut Workspace, now: i64, rng: &mut ChaCha8Rng) {
    ws.settle(now);
    if rng.random_bool(0.7) {
        let jobs: Vec<usize> = (0..ws.jobs.len())
            .filter(|&j| !matches!(ws.jobs[j].plan, Plan::Forever | Plan::StuckInQueue))
            .collect();
        if let Some(&j) = jobs.get(rng.random_range(0..jobs.len().max(1)))
            && !jobs.is_empty()
        {
            push_run(ws, j, now, 0, true, rng);
        }
    } else {
        let user = USERS[rng.random_range(0..USERS.len())];
        let movable: Vec<usize> = (0..ws.clusters.len())
            .filter(|&i| !ws.clusters[i].deleted && ws.clusters[i].source != "JOB")
            .filter(|&i| matches!(ws.clusters[i].state, ClusterState::Terminated | ClusterState::Running))
            .collect();
        if !movable.is_empty() {
            let c = &mut ws.clusters[movable[rng.random_range(0..movable.len())]];
            match (c.state, rng.random_range(0..3)) {
                (ClusterState::Terminated, _) => c.begin_start(now, user),
                (_, 0) if c.autoscale.is_none() => {
                    let previous = c.num_workers;
                    c.num_workers = (previous + rng.random_range(1..4)) % 9;
                    c.begin_resize(now, previous, user);
                }
                _ => c.begin_terminate(now, user),
            }
        }
    }
    // Over the bound (the seeded runs, at least KEEP_RUNS), the oldest runs that ended over two
    // hours ago go, in one pass: removing them one scan at a time was quadratic, and held a
    // `--scale 10` simulator (50k runs a workspace) for minutes on its first Databricks arrival.
    let excess = ws.runs.len().saturating_sub(ws.keep_runs);
    if excess > 0 {
        let old = now - 2 * HOUR;
        let mut ended: Vec<(i64, usize)> = (0..ws.runs.len())
            .filter(|&i| ws.runs[i].phase(now).end.is_some_and(|e| e < old))
            .map(|i| (ws.runs[i].created, i))
            .collect();
        ended.sort_unstable();
        let mut gone = vec![false; ws.runs.len()];
        ended.iter().take(excess).for_each(|&(_, i)| gone[i] = true);
        let mut at = 0;
        ws.runs.retain(|_| {
            at += 1;
            !gone[at - 1]
        });
    }
}
