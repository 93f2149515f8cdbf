//! Demo data: two workspaces with lakehouses, notebooks and Spark job definitions, and sessions,
//! batches, HC sessions and notebook/SJD runs in every state over the last days, deterministic
//! for a seed. `scale` N adds N × 1000 historical sessions, stored as compact structs (no JSON).

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use uuid::Uuid;

use super::onelake::{FileKey, Lake};
use super::state::{
    Batch, BatchOutcome, End, EndKind, Environment, HcSession, IdSource, ItemKind, ItemRun, Lakehouse,
    OtherItem, Principal, PrincipalKind, ReplSlot, RunOutcome, Session, Workspace, app_id,
};
use super::statements::Statement;
use crate::sim::clock::SimMillis;
use crate::sim::engine::{Execution, Lang, Outcome};

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

/// Index 0 is the demo user: whoever presents the demo token.
fn principals(ids: &mut IdSource) -> Vec<Principal> {
    let people = [
        ("Ana Ruiz", PrincipalKind::User),
        ("Jonas Berg", PrincipalKind::User),
        ("Priya Natarajan", PrincipalKind::User),
        ("Tomás Oliveira", PrincipalKind::User),
        ("sp-fabric-etl", PrincipalKind::ServicePrincipal),
        ("sp-dbt-prod", PrincipalKind::ServicePrincipal),
    ];
    people
        .iter()
        .map(|(name, kind)| Principal { id: ids.uuid(), name: (*name).into(), kind: *kind })
        .collect()
}

struct WorkspacePlan {
    name: &'static str,
    lakehouses: &'static [&'static str],
    notebooks: &'static [&'static str],
    sjds: &'static [&'static str],
    session_names: &'static [&'static str],
    batch_names: &'static [&'static str],
}

const PLANS: [WorkspacePlan; 2] = [
    WorkspacePlan {
        name: "Sales Analytics",
        lakehouses: &["lh_sales", "lh_sales_staging"],
        notebooks: &["nb_daily_sales_refresh", "nb_customer_churn", "nb_pricing_experiments"],
        sjds: &["sjd_orders_ingest"],
        session_names: &[
            "sales-adhoc",
            "dbt-sales-models",
            "churn-exploration",
            "forecast-dev",
            "pricing-qa",
        ],
        batch_names: &[
            "orders_ingest",
            "daily_sales_rollup",
            "customer_dedup",
            "returns_backfill",
            "fx_rates_load",
        ],
    },
    WorkspacePlan {
        name: "Data Platform",
        lakehouses: &["lh_bronze", "lh_silver"],
        notebooks: &["nb_bronze_to_silver", "nb_data_quality_checks"],
        sjds: &["sjd_cdc_merge", "sjd_vacuum_tables"],
        session_names: &["platform-debug", "dq-checks", "schema-migration", "dbt-platform", "cdc-replay"],
        batch_names: &["cdc_merge", "vacuum_tables", "bronze_ingest_events", "silver_build", "audit_export"],
    },
];

pub fn generate(seed: u64, scale: u32, now: SimMillis) -> (Vec<Workspace>, Vec<Principal>, IdSource, Lake) {
    let mut ids = IdSource::new(seed);
    let principals = principals(&mut ids);
    let mut workspaces: Vec<Workspace> = PLANS.iter().map(|p| workspace(&mut ids, p, now)).collect();
    if scale > 0 {
        let total = scale as usize * 1000;
        for i in 0..total {
            let wi = i % workspaces.len();
            let plan = &PLANS[wi];
            historical_session(&mut ids, &mut workspaces[wi], plan, now, 14 * DAY);
        }
    }
    let lake = lake(&workspaces, now);
    (workspaces, principals, ids, lake)
}

/// Every lakehouse's `Files/`, holding the scripts the seeded batches ran
/// (`Files/jobs/<name>.py`), so they can be resubmitted as they are.
fn lake(workspaces: &[Workspace], now: SimMillis) -> Lake {
    let mut lake = Lake::default();
    for (ws, plan) in workspaces.iter().zip(&PLANS) {
        let lakehouses: Vec<(Uuid, String)> = ws.lakehouses.iter().map(|l| (l.id, l.name.clone())).collect();
        lake.add_workspace(ws.id, &ws.name, &lakehouses);
        let Some(lh) = ws.lakehouses.first() else { continue };
        for name in plan.batch_names {
            let script = format!(
                "# {name}: a Spark job of the demo workspace\n\
                 print(\"{name}: reading the input\")\n\
                 rows = {}\n\
                 print(f\"{name}: wrote {{rows}} rows\")\n",
                1_000 + 37 * name.len()
            );
            let key = FileKey { workspace: ws.id, lakehouse: lh.id, path: format!("jobs/{name}.py") };
            lake.put(key, script.into_bytes(), now - 30 * DAY);
        }
    }
    lake
}

/// Environments of a workspace, with ids derived from the workspace's (drawing no random
/// numbers, so the rest of the demo data stays as it was).
fn environments(ws: Uuid) -> Vec<Environment> {
    let id = |n: u128| Uuid::from_u128(ws.as_u128() ^ (0xE0E0 + n));
    vec![
        Environment {
            id: id(1),
            name: "env_standard".into(),
            description: "Runtime 1.3, no extra libraries".into(),
            libraries: false,
        },
        Environment {
            id: id(2),
            name: "env_ml_libs".into(),
            description: "Runtime 1.3 with scikit-learn, xgboost and the team's wheel".into(),
            libraries: true,
        },
    ]
}

fn workspace(ids: &mut IdSource, plan: &WorkspacePlan, now: SimMillis) -> Workspace {
    let id = ids.uuid();
    let mut ws = Workspace {
        id,
        name: plan.name.into(),
        capacity_id: ids.uuid(),
        lakehouses: plan.lakehouses.iter().map(|n| Lakehouse { id: ids.uuid(), name: (*n).into() }).collect(),
        environments: environments(id),
        items: Vec::new(),
        sessions: Vec::new(),
        batches: Vec::new(),
        hcs: Vec::new(),
        runs: Vec::new(),
    };
    for n in plan.notebooks {
        ws.items.push(OtherItem { id: ids.uuid(), name: (*n).into(), kind: ItemKind::Notebook });
    }
    for n in plan.sjds {
        ws.items.push(OtherItem { id: ids.uuid(), name: (*n).into(), kind: ItemKind::SparkJobDefinition });
    }
    let lh = ws.lakehouses[0].id;
    let name = |i: usize| Some(plan.session_names[i % plan.session_names.len()].to_string());

    // Sessions in every phase, relative to now.
    let mut s = session(ids, lh, 0, now - 1_000, name(0));
    ws.sessions.push(s); // queued
    s = session(ids, lh, 5, now - 5_000, name(3));
    ws.sessions.push(s); // acquiring
    s = session(ids, lh, 1, now - 10_000, name(1));
    ws.sessions.push(s); // not_started
    s = session(ids, lh, 2, now - 20_000, name(2));
    ws.sessions.push(s); // starting
    s = session(ids, lh, 0, now - 6 * MIN, name(0));
    ws.sessions.push(s); // idle (times out in ~15 min)
    s = session(ids, lh, 3, now - 4 * MIN, name(4));
    busy(&mut s, now);
    ws.sessions.push(s); // busy
    s = session(ids, lh, 1, now - 3 * MIN, name(1));
    s.acquire_error = Some((
        now - 3 * MIN + 9_000,
        "[TooManyRequestsForCapacity] This spark job can't be run because you have hit a spark compute or API \
         rate limit. To run this spark job, cancel an active Spark job through the Monitoring hub, choose a \
         larger capacity SKU, or try again later."
            .into(),
    ));
    ws.sessions.push(s); // capacity error
    s = session(ids, lh, 5, now - 2 * MIN, name(3));
    fallback(&mut s);
    ws.sessions.push(s); // on-demand fallback, still starting
    s = session(ids, lh, 0, now - 2 * DAY, name(2));
    s.end = Some(End { at: now - 2 * DAY + 35 * MIN, kind: EndKind::Killed });
    ws.sessions.push(s); // killed
    s = session(ids, lh, 2, now - DAY - 3 * HOUR, name(1));
    ws.sessions.push(s); // idle timeout (computed lazily)
    s = session(ids, lh, 3, now - 5 * HOUR, name(4));
    s.end = Some(End { at: now - 4 * HOUR, kind: EndKind::Crashed });
    ws.sessions.push(s); // crashed

    // Batches: queued, submitting, starting, running (two), succeeded, failed, cancelled.
    let bname = |i: usize| plan.batch_names[i % plan.batch_names.len()];
    for (ago, k) in [(2_000, 0), (7_000, 1), (20_000, 2), (2 * MIN, 3), (50 * MIN, 4)] {
        let run_ms = if k == 4 { 2 * HOUR } else { 5 * MIN };
        ws.batches.push(batch(ids, lh, 4, now - ago, bname(k), run_ms, BatchOutcome::Succeed, None));
    }
    ws.batches.push(batch(ids, lh, 4, now - 3 * HOUR, bname(0), 12 * MIN, BatchOutcome::Succeed, None));
    ws.batches.push(batch(ids, lh, 5, now - 7 * HOUR, bname(1), 4 * MIN, BatchOutcome::Fail, None));
    ws.batches.push(batch(
        ids,
        lh,
        1,
        now - 26 * HOUR,
        bname(2),
        30 * MIN,
        BatchOutcome::Succeed,
        Some(9 * MIN),
    ));
    ws.batches.push(batch(ids, lh, 4, now - 30 * HOUR, bname(3), 6 * MIN, BatchOutcome::Fail, None));

    // High-concurrency: a tag with three REPLs in an idle session, and one stopped session.
    hc_group(ids, &mut ws, lh, "dbt-run", 3, now - 8 * MIN, None);
    hc_group(ids, &mut ws, lh, "nightly", 2, now - 20 * HOUR, Some(now - 19 * HOUR));

    // Notebook and Spark job definition runs.
    let item_count = ws.items.len();
    for k in 0..12usize {
        let item = k % item_count;
        let ago = [30_000, 5 * MIN, 40 * MIN, 2 * HOUR, 9 * HOUR, 20 * HOUR, DAY + HOUR, 2 * DAY][k % 8]
            + k as i64 * MIN;
        let outcome =
            [RunOutcome::Succeeded, RunOutcome::Failed, RunOutcome::Succeeded, RunOutcome::Cancelled][k % 4];
        let run_ms = [3 * MIN, 25 * MIN, 70 * MIN][k % 3];
        run(ids, &mut ws, item, (k % 6) as u16, now - ago, run_ms, outcome, k % 5 == 1);
    }

    // Some history on every lakehouse.
    for _ in 0..30 {
        historical_session(ids, &mut ws, plan, now, 3 * DAY);
    }
    ws
}

fn session(
    ids: &mut IdSource,
    lh: Uuid,
    submitter: u16,
    submitted: SimMillis,
    name: Option<String>,
) -> Session {
    let jitter = ids.range(0, 5_000);
    let idle_at = submitted + 38_000 + jitter;
    Session {
        id: ids.uuid(),
        lakehouse: lh,
        name,
        submitter,
        submitted,
        not_started_at: submitted + 8_000,
        starting_at: submitted + 12_000,
        idle_at,
        acquire_error: None,
        fallback: false,
        tags: BTreeMap::new(),
        request: None,
        app_id: app_id(submitted + 12_000, 1),
        end: None,
        last_activity: submitted,
        high_concurrency: false,
        repls: vec![ReplSlot::new(None, idle_at)],
    }
}

fn fallback(s: &mut Session) {
    s.fallback = true;
    s.not_started_at = s.submitted + 150_000;
    s.starting_at = s.submitted + 158_000;
    s.idle_at = s.submitted + 192_000;
    for r in &mut s.repls {
        r.ready_at = s.idle_at;
    }
    s.tags.insert("FallbackReasons".into(), "UserSparkConfigMismatch".into());
    s.tags.insert(
        "FallbackMessages".into(),
        "Session falling back to on-demand cluster because no compatible starter pool exists. The following \
         Spark configurations make the session immutable and incompatible with the pool: \
         spark.livy.session.idle.timeout,"
            .into(),
    );
}

/// A long-running statement, already executed, so the session is busy for a while.
fn busy(s: &mut Session, now: SimMillis) {
    let start = now - MIN;
    if let Some(repl) = s.repls.first_mut() {
        repl.statements = VecDeque::from([Statement {
            id: 0,
            code: "orders = spark.read.table(\"sales.orders\")\n\
                   orders.groupBy(\"region\").count().write.mode(\"overwrite\").saveAsTable(\"sales.orders_by_region\")"
                .into(),
            lang: Lang::Python,
            source_id: None,
            submitted: start,
            started: Some(start),
            exec: Some(Execution { duration: Duration::from_secs(25 * 60), outcome: Outcome::Text(String::new()) }),
            cancel_at: None,
            seen: None,
        }]);
        repl.next_statement_id = 1;
    }
    s.last_activity = start;
}

#[allow(clippy::too_many_arguments)]
fn batch(
    ids: &mut IdSource,
    lh: Uuid,
    submitter: u16,
    submitted: SimMillis,
    name: &str,
    run_ms: i64,
    outcome: BatchOutcome,
    cancelled_after: Option<i64>,
) -> Batch {
    Batch {
        id: ids.uuid(),
        lakehouse: lh,
        name: Some(name.into()),
        submitter,
        submitted,
        starting_at: submitted + 10_000,
        running_at: submitted + 35_000,
        end_at: submitted + 35_000 + run_ms,
        outcome,
        cancelled_at: cancelled_after.map(|c| submitted + c),
        tags: BTreeMap::new(),
        request: None,
        app_id: app_id(submitted + 10_000, 1),
        ran: None,
    }
}

fn hc_group(
    ids: &mut IdSource,
    ws: &mut Workspace,
    lh: Uuid,
    tag: &str,
    repls: usize,
    created: SimMillis,
    deleted: Option<SimMillis>,
) {
    let mut s = session(ids, lh, 5, created, None);
    s.high_concurrency = true;
    s.repls.clear();
    for k in 0..repls {
        let repl_id = ids.uuid();
        let at = created + k as i64 * 20_000;
        let ready_at = s.idle_at.max(at + 3_000);
        let mut slot = ReplSlot::new(Some(repl_id), ready_at);
        slot.deleted_at = deleted;
        s.repls.push(slot);
        s.last_activity = s.last_activity.max(at);
        ws.hcs.push(HcSession {
            id: ids.uuid(),
            lakehouse: lh,
            tag: Some(tag.into()),
            creator: 5,
            created: at,
            session_id: s.id,
            repl_id,
            ready_at,
            deleted_at: deleted,
        });
    }
    if let Some(at) = deleted {
        s.end = Some(End { at, kind: EndKind::Stopped });
    }
    ws.sessions.push(s);
}

#[allow(clippy::too_many_arguments)]
fn run(
    ids: &mut IdSource,
    ws: &mut Workspace,
    item: usize,
    submitter: u16,
    submitted: SimMillis,
    run_ms: i64,
    outcome: RunOutcome,
    high_concurrency: bool,
) {
    let started = submitted + 30_000;
    ws.runs.push(ItemRun {
        livy_id: ids.uuid(),
        item,
        submitter,
        submitted,
        started,
        end_at: started + run_ms,
        outcome,
        high_concurrency,
        app_id: app_id(started, 1),
        job_instance: ids.uuid(),
    });
}

/// A finished session, batch or notebook run somewhere in the last `window`.
fn historical_session(
    ids: &mut IdSource,
    ws: &mut Workspace,
    plan: &WorkspacePlan,
    now: SimMillis,
    window: i64,
) {
    let submitted = now - ids.range(HOUR, window);
    let lh = ws.lakehouses[ids.range(0, ws.lakehouses.len() as i64) as usize].id;
    let submitter = ids.range(0, 6) as u16;
    match ids.range(0, 10) {
        0..=3 => {
            let name = ids.pick(plan.session_names).to_string();
            let mut s = session(ids, lh, submitter, submitted, Some(name));
            if ids.chance(0.5) {
                s.end = Some(End { at: submitted + ids.range(5 * MIN, 3 * HOUR), kind: EndKind::Killed });
            }
            ws.sessions.push(s);
        }
        4..=7 => {
            let name = *ids.pick(plan.batch_names);
            let run_ms = ids.range(MIN, 45 * MIN);
            let roll = ids.range(0, 10);
            let outcome = if roll < 2 { BatchOutcome::Fail } else { BatchOutcome::Succeed };
            let cancel = (roll == 9).then_some(run_ms / 2);
            ws.batches.push(batch(ids, lh, submitter, submitted, name, run_ms, outcome, cancel));
        }
        _ => {
            let item = ids.range(0, ws.items.len() as i64) as usize;
            let outcome = *ids.pick(&[
                RunOutcome::Succeeded,
                RunOutcome::Succeeded,
                RunOutcome::Failed,
                RunOutcome::Cancelled,
            ]);
            let run_ms = ids.range(2 * MIN, 90 * MIN);
            let hc = ids.chance(0.2);
            run(ids, ws, item, submitter, submitted, run_ms, outcome, hc);
        }
    }
}

/// Sessions, batches and notebook runs kept per workspace while the demo lives; the oldest
/// finished go first, so a demo left running for days holds no more than a fresh one.
const KEEP: usize = 300;

/// One new item arriving at `now` in workspace `wi` of the live demo (see `sim::world`): an
/// interactive session (most go idle and time out; some stay busy, some are killed), a batch,
/// or a notebook / Spark job definition run, like the seeded ones.
pub fn arrival(ids: &mut IdSource, ws: &mut Workspace, wi: usize, now: SimMillis) {
    let plan = &PLANS[wi % PLANS.len()];
    let lh = ws.lakehouses[ids.range(0, ws.lakehouses.len() as i64) as usize].id;
    let submitter = ids.range(0, 6) as u16;
    match ids.range(0, 10) {
        0..=3 => {
            let name = ids.pick(plan.session_names).to_string();
            let mut s = session(ids, lh, submitter, now, Some(name));
            match ids.range(0, 10) {
                // Busy with a long statement from just after it is ready.
                0..=1 => {
                    let ready = s.idle_at;
                    busy(&mut s, ready + MIN + 5_000);
                }
                2..=3 => s.end = Some(End { at: now + ids.range(3 * MIN, 15 * MIN), kind: EndKind::Killed }),
                _ => {}
            }
            ws.sessions.push(s);
        }
        4..=7 => {
            let name = *ids.pick(plan.batch_names);
            let run_ms = ids.range(2 * MIN, 20 * MIN);
            let roll = ids.range(0, 20);
            let outcome = if roll < 3 { BatchOutcome::Fail } else { BatchOutcome::Succeed };
            let cancel = (roll == 19).then_some(run_ms / 2);
            ws.batches.push(batch(ids, lh, submitter, now, name, run_ms, outcome, cancel));
        }
        _ => {
            let item = ids.range(0, ws.items.len() as i64) as usize;
            let outcome = *ids.pick(&[RunOutcome::Succeeded, RunOutcome::Succeeded, RunOutcome::Failed]);
            let run_ms = ids.range(2 * MIN, 30 * MIN);
            run(ids, ws, item, submitter, now, run_ms, outcome, false);
        }
    }
    prune(ws, now);
}

/// Drop the oldest finished items beyond `KEEP` (high-concurrency sessions stay: their REPLs
/// point at them).
fn prune(ws: &mut Workspace, now: SimMillis) {
    let old = now - 2 * HOUR;
    while ws.sessions.len() > KEEP {
        let oldest = (0..ws.sessions.len())
            .filter(|&i| !ws.sessions[i].high_concurrency && ws.sessions[i].submitted < old)
            .min_by_key(|&i| ws.sessions[i].submitted);
        match oldest {
            Some(i) => drop(ws.sessions.remove(i)),
            None => break,
        }
    }
    while ws.batches.len() > KEEP {
        match (0..ws.batches.len())
            .filter(|&i| ws.batches[i].end_at < old)
            .min_by_key(|&i| ws.batches[i].submitted)
        {
            Some(i) => drop(ws.batches.remove(i)),
            None => break,
        }
    }
    while ws.runs.len() > KEEP {
        match (0..ws.runs.len()).filter(|&i| ws.runs[i].end_at < old).min_by_key(|&i| ws.runs[i].submitted) {
            Some(i) => drop(ws.runs.remove(i)),
            None => break,
        }
    }
}
