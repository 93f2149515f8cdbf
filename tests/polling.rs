//! What the monitor's pollers cost, counted by the simulator's own request log (or by a
//! scripted fake where the query matters): each Fabric source read at its own pace, one
//! monitoring-list read shared by the Sessions and Batches pollers, an idle session's own record
//! read once, active clusters read alone between full reads, hidden panes at the slow pace. The
//! simulator's clock is frozen, so the states (and with them the paces) hold still while the
//! test counts in real time.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use sparkdeck::app::Msg;
use sparkdeck::config::PollSettings;
use sparkdeck::config::model::Seconds;
use sparkdeck::domain::{Kind, Status};
use sparkdeck::poll::Poller;
use sparkdeck::sim::{Sim, SimOptions};
use sparkdeck::workspace::rows::{self, Query};
use sparkdeck::workspace::{self, Workspace};
use tokio::sync::mpsc;

#[allow(dead_code)]
#[path = "common/api_fake.rs"]
mod api_fake;

/// Poll paces of 1 s (active), 2 s (idle) and 4 s (finished), so a few seconds show the shape.
fn settings() -> PollSettings {
    PollSettings {
        active_seconds: Seconds(1),
        idle_seconds: Seconds(2),
        finished_seconds: Seconds(4),
        ..Default::default()
    }
}

struct Run {
    sim: Sim,
    /// Requests per `METHOD /path` while the pollers ran.
    routes: BTreeMap<String, u64>,
    /// The last rows each (workspace, kind) reported.
    rows: BTreeMap<(String, Kind), Vec<sparkdeck::domain::Resource>>,
}

/// A simulator whose clock stands still (nothing moves unless a test moves it).
async fn frozen_sim() -> Sim {
    let opts = SimOptions { speed: 0.0, ..SimOptions::default() };
    Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await.unwrap_or_else(|e| panic!("{e}"))
}

/// The demo configuration's workspaces on `sim`, connected.
fn demo_workspaces(sim: &Sim) -> Vec<Workspace> {
    let http = sparkdeck::api::http::client().unwrap_or_else(|e| panic!("{e}"));
    let ctx = sparkdeck::auth::AuthContext::new(http.clone(), std::env::temp_dir());
    workspace::connect(&sparkdeck::cli::demo::demo_config(sim), &http, &ctx)
}

/// Start the pollers over the simulator's workspaces, show `kinds` of every workspace, let them
/// run for `seconds`, and count.
async fn run(kinds: &[Kind], seconds: f64) -> Run {
    let sim = frozen_sim().await;
    let workspaces: Vec<Arc<Workspace>> = demo_workspaces(&sim).into_iter().map(Arc::new).collect();
    let names: Vec<String> = workspaces.iter().map(|w| w.name.clone()).collect();
    let (tx, mut rx) = mpsc::channel(1024);
    let poller = Poller::start(&workspaces, settings(), sparkdeck::domain::Clock::system(), tx);
    poller.set_visible(&names, kinds);
    let mut rows = BTreeMap::new();
    let until = tokio::time::Instant::now() + Duration::from_secs_f64(seconds);
    while let Ok(Some(msg)) = tokio::time::timeout_at(until, rx.recv()).await {
        if let Msg::Rows { workspace, kind, rows: r, .. } = msg {
            rows.insert((workspace, kind), Arc::unwrap_or_clone(r));
        }
    }
    drop(poller);
    let (_, routes) = sim.shared().faults.requests();
    Run { sim, routes, rows }
}

/// Requests whose `METHOD /path` satisfies `pick`.
fn count(routes: &BTreeMap<String, u64>, pick: impl Fn(&str) -> bool) -> u64 {
    routes.iter().filter(|(r, _)| pick(r)).map(|(_, n)| n).sum()
}

/// How many requests (pages) one read of the monitoring list takes.
async fn monitoring_pages(sim: &Sim, workspace_id: &str) -> u64 {
    let all = demo_workspaces(sim);
    let Some(Ok(workspace::Clients::Fabric(f))) = all
        .iter()
        .find(|w| w.base_url == sim.base_url() && fabric_id(w) == Some(workspace_id))
        .map(|w| w.clients.as_ref())
    else {
        panic!("no Fabric workspace {workspace_id}")
    };
    let before = count(&sim.shared().faults.requests().1, monitoring(workspace_id));
    sparkdeck::workspace::rows::monitoring_items(f, 200).await.unwrap_or_else(|e| panic!("{e}"));
    count(&sim.shared().faults.requests().1, monitoring(workspace_id)) - before
}

fn fabric_id(w: &Workspace) -> Option<&str> {
    match &w.clients {
        Ok(workspace::Clients::Fabric(f)) => Some(f.workspace_id.as_str()),
        _ => None,
    }
}

fn monitoring(workspace_id: &str) -> impl Fn(&str) -> bool + '_ {
    move |r| r == format!("GET /v1/workspaces/{workspace_id}/spark/livySessions")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_and_batches_share_one_monitoring_read_and_idle_sessions_are_read_once() {
    let r = run(&[Kind::Session, Kind::Batch], 4.5).await;
    let fabric = r.sim.shared().fabric().demo_workspaces();
    for ws in &fabric {
        // Both pollers need the list: one read between them, not one each.
        let pages = monitoring_pages(&r.sim, &ws.workspace_id).await;
        let reads = count(&r.routes, monitoring(&ws.workspace_id));
        assert!(
            (1..=6 * pages).contains(&reads),
            "{}: {reads} monitoring requests in 4.5 s ({pages} a read)",
            ws.name
        );
        // Each idle session's own record is read once (its deadline does not move: the clock is
        // frozen and nothing runs in it).
        for (route, n) in &r.routes {
            let session_read = route.contains(&format!("/v1/workspaces/{}/", ws.workspace_id))
                && route.contains("/sessions/")
                && !route.contains("/statements");
            assert!(!session_read || *n == 1, "{route} read {n} times");
        }
        let idle = r
            .rows
            .get(&(ws.name.clone(), Kind::Session))
            .map_or(0, |rows| rows.iter().filter(|s| s.status == Status::Ready).count());
        assert!(idle > 0, "{}: the demo has idle sessions", ws.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lakehouse_with_nothing_moving_is_not_read_at_the_active_pace() {
    let r = run(&[Kind::Session], 4.5).await;
    let fabric = r.sim.shared().fabric().demo_workspaces();
    let lists = |ws: &str, lh: &str, what: &str| {
        count(&r.routes, |route| {
            route.starts_with(&format!("GET /v1/workspaces/{ws}/lakehouses/{lh}/"))
                && route.ends_with(&format!("/{what}"))
        })
    };
    let mut fast = 0;
    for ws in &fabric {
        let rows = r.rows.get(&(ws.name.clone(), Kind::Session)).cloned().unwrap_or_default();
        for (lh, name) in &ws.lakehouses {
            let mine: Vec<_> = rows
                .iter()
                .filter(|s| matches!(&s.detail, sparkdeck::domain::Detail::Session { lakehouse: Some(l), read_only: false, .. } if l == name))
                .collect();
            let moving = mine.iter().any(|s| matches!(s.status, Status::Pending | Status::Busy));
            let waiting = mine.iter().any(|s| s.status == Status::Ready);
            let reads = lists(&ws.workspace_id, lh, "sessions");
            // 4.5 s at 1 s (moving), 2 s (something idle) or 4 s (all finished), plus the first.
            let most = if moving {
                6
            } else if waiting {
                3
            } else {
                2
            };
            assert!(
                reads <= most,
                "{} / {name}: {reads} session lists (moving {moving}, idle {waiting})",
                ws.name
            );
            fast += u64::from(moving);
            // Batches are hidden: the first read and the slow pace only.
            let batches = lists(&ws.workspace_id, lh, "batches");
            assert!(batches <= 2, "{} / {name}: {batches} batch lists while hidden", ws.name);
        }
    }
    assert!(fast > 0, "the demo has a lakehouse with something starting or running");
    // Databricks panes are hidden too: clusters and runs at the slow pace only.
    assert!(count(&r.routes, |route| route.contains("/clusters/list")) <= 2 * 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lakehouse_whose_running_rows_do_not_change_is_read_less_and_less_often() {
    // The clock is frozen: what starts or runs stays so, and every read finds it unchanged.
    let r = run(&[Kind::Session], 8.0).await;
    let fabric = r.sim.shared().fabric().demo_workspaces();
    let mut moving = 0;
    for ws in &fabric {
        let rows = r.rows.get(&(ws.name.clone(), Kind::Session)).cloned().unwrap_or_default();
        for (lh, name) in &ws.lakehouses {
            let active = rows.iter().any(|s| {
                matches!(s.status, Status::Pending | Status::Busy)
                    && matches!(&s.detail, sparkdeck::domain::Detail::Session { lakehouse: Some(l), read_only: false, .. } if l == name)
            });
            if !active {
                continue;
            }
            moving += 1;
            let reads = count(&r.routes, |route| {
                route
                    == format!(
                        "GET /v1/workspaces/{}/lakehouses/{lh}/livyapi/versions/2023-12-01/sessions",
                        ws.workspace_id
                    )
            });
            // At 0, 1, 3, 5 and 7 s (1 s stretched by a whole step each unchanged read, up to
            // the 2 s idle pace): five reads, where one a second made nine.
            assert!((4..=6).contains(&reads), "{} / {name}: {reads} session lists in 8 s", ws.name);
        }
    }
    assert!(moving > 0, "the demo has a lakehouse with something starting or running");
}

/// Clusters on screen between full reads ask the service for the active ones only
/// (`filter_by.cluster_states`) and lay them over the rest; when an active cluster is no longer
/// among them (it terminated) the whole list is read again at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clusters_between_full_reads_read_only_the_active_ones() {
    use std::sync::atomic::{AtomicBool, Ordering};

    use api_fake::Fake;
    use serde_json::json;

    let ended = Arc::new(AtomicBool::new(false));
    let flag = ended.clone();
    let (fake, poller, mut rx) = cluster_pollers(move |seen| {
        let cluster = |id: &str, state: &str| json!({"cluster_id": id, "cluster_name": id, "state": state});
        let filtered = seen.query_pairs().iter().any(|(k, _)| k == "filter_by.cluster_states");
        let starting = if flag.load(Ordering::SeqCst) { "TERMINATED" } else { "PENDING" };
        let mut clusters = vec![cluster("starting", starting), cluster("old", "TERMINATED")];
        if filtered {
            clusters.retain(|c| c["state"] != "TERMINATED");
        }
        json!({"clusters": clusters})
    })
    .await;
    let lists = |fake: &Fake| -> Vec<bool> {
        fake.requests()
            .iter()
            .filter(|s| s.path == "/api/2.1/clusters/list")
            .map(|s| s.query_pairs().iter().any(|(k, _)| k == "filter_by.cluster_states"))
            .collect()
    };
    let mut last = Vec::new();
    let until = tokio::time::Instant::now() + Duration::from_millis(2500);
    while let Ok(Some(msg)) = tokio::time::timeout_at(until, rx.recv()).await {
        if let Msg::Rows { kind: Kind::Cluster, rows, .. } = msg {
            last = Arc::unwrap_or_clone(rows);
        }
    }
    // A full read first, then (1 s pace, 4 s between full reads) the active ones only.
    let seen = lists(&fake);
    assert!(seen.len() >= 2 && !seen[0] && seen[1..].iter().all(|f| *f), "{seen:?}");
    let filtered =
        fake.requests().into_iter().find(|s| s.query.contains("filter_by")).map(|s| s.query_pairs());
    let states: Vec<String> = filtered
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k == "filter_by.cluster_states")
        .map(|(_, v)| v)
        .collect();
    assert_eq!(states, ["PENDING", "RUNNING", "RESTARTING", "RESIZING", "TERMINATING"]);
    // The terminated cluster the filtered reads do not return is still there, as it was.
    let ids: Vec<(&str, Status)> = last.iter().map(|r| (r.id.as_str(), r.status)).collect();
    assert_eq!(ids, [("starting", Status::Pending), ("old", Status::Succeeded)]);

    ended.store(true, Ordering::SeqCst);
    let before = seen.len();
    let until = tokio::time::Instant::now() + Duration::from_millis(1800);
    while let Ok(Some(msg)) = tokio::time::timeout_at(until, rx.recv()).await {
        if let Msg::Rows { kind: Kind::Cluster, rows, .. } = msg {
            last = Arc::unwrap_or_clone(rows);
        }
    }
    let seen = lists(&fake);
    let after: Vec<bool> = seen[before..].to_vec();
    // The filtered read no longer finds "starting": the whole list is read in the same poll.
    assert!(after.windows(2).any(|w| w[0] && !w[1]), "{after:?}");
    let ids: Vec<(&str, Status)> = last.iter().map(|r| (r.id.as_str(), r.status)).collect();
    assert_eq!(ids, [("starting", Status::Succeeded), ("old", Status::Succeeded)]);
    drop(poller);
}

/// A Databricks list on screen whose active rows come back as they were is read a whole active
/// pace later each time, up to the idle pace, and at the active pace again once a read finds a
/// change: a cluster that takes minutes to start is not read every second meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_databricks_list_whose_active_rows_do_not_change_is_read_less_and_less_often() {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};

    use serde_json::json;

    let restarted = Arc::new(AtomicBool::new(false));
    let reads: Arc<Mutex<Vec<(tokio::time::Instant, &'static str)>>> = Arc::default();
    let (flag, log) = (restarted.clone(), reads.clone());
    let (_fake, poller, mut rx) = cluster_pollers(move |_| {
        let state = if flag.load(Ordering::SeqCst) { "RESTARTING" } else { "PENDING" };
        log.lock().unwrap_or_else(|e| e.into_inner()).push((tokio::time::Instant::now(), state));
        json!({"clusters": [{"cluster_id": "slow", "cluster_name": "slow", "state": state}]})
    })
    .await;
    let gaps = |from: usize| -> Vec<f64> {
        let reads = reads.lock().unwrap_or_else(|e| e.into_inner());
        reads[from..].windows(2).map(|w| (w[1].0 - w[0].0).as_secs_f64()).collect()
    };
    let near = |gaps: &[f64], want: &[f64]| {
        gaps.len() >= want.len() && gaps.iter().zip(want).all(|(g, w)| (g - w).abs() < 0.5)
    };
    // Paces 1 s / 2 s: read at 0 and 1 s, then every 2 s while nothing changes.
    last_rows(&mut rx, Kind::Cluster, 5500).await;
    let calm = gaps(0);
    assert!(near(&calm, &[1.0, 2.0, 2.0]), "{calm:?}");

    restarted.store(true, Ordering::SeqCst);
    let from = reads.lock().unwrap_or_else(|e| e.into_inner()).len();
    last_rows(&mut rx, Kind::Cluster, 5000).await;
    // The first read that sees it restarting is followed by one a second later, then 2 s.
    let first_seen = {
        let reads = reads.lock().unwrap_or_else(|e| e.into_inner());
        reads.iter().position(|(_, s)| *s == "RESTARTING").unwrap_or(reads.len())
    };
    assert!(first_seen >= from, "{first_seen} {from}");
    let after = gaps(first_seen);
    assert!(near(&after, &[1.0, 2.0]), "{after:?}");
    drop(poller);
}

/// A full read of the clusters stops at its limit, and the service's order (running ones
/// first) can leave a pending cluster after it: the same poll reads the active ones too, so
/// the pending cluster is in the rows from the first on, not only between full reads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_read_cut_at_its_limit_keeps_the_active_clusters_it_left_out() {
    use serde_json::json;

    let (fake, poller, mut rx) = cluster_pollers(|seen| {
        let pairs = seen.query_pairs();
        let filtered = pairs.iter().any(|(k, _)| k == "filter_by.cluster_states");
        let page: usize =
            pairs.iter().find(|(k, _)| k == "page_token").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
        // 150 running, 100 terminated, then one pending: 100 a page.
        let all: Vec<(String, &str)> = (0..150)
            .map(|i| (format!("r{i}"), "RUNNING"))
            .chain((0..100).map(|i| (format!("t{i}"), "TERMINATED")))
            .chain([("late".to_string(), "PENDING")])
            .filter(|(_, state)| !filtered || *state != "TERMINATED")
            .collect();
        let clusters: Vec<_> = all
            .iter()
            .skip(page * 100)
            .take(100)
            .map(|(id, state)| json!({"cluster_id": id, "cluster_name": id, "state": state}))
            .collect();
        let next = if (page + 1) * 100 < all.len() { (page + 1).to_string() } else { String::new() };
        json!({"clusters": clusters, "next_page_token": next})
    })
    .await;
    let first = loop {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some(Msg::Rows { kind: Kind::Cluster, rows, .. })) => break Arc::unwrap_or_clone(rows),
            Ok(Some(_)) => continue,
            other => panic!("no clusters: {other:?}"),
        }
    };
    let ids: Vec<&str> = first.iter().map(|r| r.id.as_str()).collect();
    assert_eq!((ids.len(), ids[0], ids[1], ids[200]), (201, "late", "r0", "t49"), "{ids:?}");
    assert_eq!(first[0].status, Status::Pending);
    // Two pages of the whole list, then the active ones (two pages of 151).
    let reads: Vec<(bool, String)> = fake
        .requests()
        .iter()
        .filter(|s| s.path == "/api/2.1/clusters/list")
        .map(|s| {
            let pairs = s.query_pairs();
            let token = pairs.iter().find(|(k, _)| k == "page_token").map(|(_, v)| v.clone());
            (pairs.iter().any(|(k, _)| k == "filter_by.cluster_states"), token.unwrap_or_default())
        })
        .take(4)
        .collect();
    let want = [(false, ""), (false, "1"), (true, ""), (true, "1")];
    assert_eq!(reads, want.map(|(f, t)| (f, t.to_string())));
    drop(poller);
}

/// Runs on screen between full reads: at the fast pace only the first page of the active ones,
/// every active run at the idle pace. A run that ended is seen by the read of them all (a full
/// first page says nothing of the runs after it), and the whole list is read again then.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_at_the_fast_pace_read_only_the_newest_active_page() {
    use std::sync::atomic::{AtomicBool, Ordering};

    use api_fake::{Fake, Reply};
    use serde_json::json;

    // 30 running runs (1 newest … 30 oldest), then 10 finished ones; run 28 ends on cue.
    let ended = Arc::new(AtomicBool::new(false));
    let flag = ended.clone();
    let fake = Fake::start(move |seen, _| {
        let q = seen.query_pairs();
        let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        let body = match seen.path.as_str() {
            "/api/2.2/jobs/runs/list" => {
                let runs: Vec<serde_json::Value> = (1..=40)
                    .map(|id: i64| {
                        let running = id <= 30 && !(id == 28 && flag.load(Ordering::SeqCst));
                        let state = if running {
                            json!({"life_cycle_state": "RUNNING"})
                        } else {
                            json!({"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"})
                        };
                        json!({"run_id": id, "run_name": format!("run-{id}"), "state": state,
                               "start_time": 1_800_000_000_000i64 - id * 60_000})
                    })
                    .filter(|r| get("active_only").is_none() || r["state"]["life_cycle_state"] == "RUNNING")
                    .collect();
                let from: usize = get("page_token").and_then(|t| t.parse().ok()).unwrap_or(0);
                let limit: usize = get("limit").and_then(|t| t.parse().ok()).unwrap_or(25);
                let page: Vec<_> = runs.iter().skip(from).take(limit).cloned().collect();
                let more = from + limit < runs.len();
                let mut body = json!({"runs": page, "has_more": more});
                if more {
                    body["next_page_token"] = json!((from + limit).to_string());
                }
                body
            }
            "/api/2.1/clusters/list" => json!({"clusters": []}),
            _ => json!({"jobs": []}),
        };
        Reply::json(200, body)
    })
    .await;
    let (poller, mut rx) = fake_pollers(&fake, PollSettings { finished_seconds: Seconds(30), ..settings() });
    poller.set_visible(&["adb-fake".to_string()], &[Kind::Run]);
    // Each runs/list request: (active only, which page).
    let reads = |fake: &Fake| -> Vec<(bool, usize)> {
        fake.requests()
            .iter()
            .filter(|s| s.path == "/api/2.2/jobs/runs/list")
            .map(|s| {
                let q = s.query_pairs();
                let active = q.iter().any(|(k, _)| k == "active_only");
                let from =
                    q.iter().find(|(k, _)| k == "page_token").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
                (active, from)
            })
            .collect()
    };
    // Paces 1 s / 2 s / 30 s: a full read, then first pages at 1 s and 3 s, every active run at
    // 2 s, and no other full read unless a run ends.
    let last = last_rows(&mut rx, Kind::Run, 3500).await;
    let seen = reads(&fake);
    let first_pages = seen.iter().filter(|r| **r == (true, 0)).count();
    let second_pages = seen.iter().filter(|r| **r == (true, 25)).count();
    let full = seen.iter().take_while(|r| !r.0).count();
    assert!(
        full == 2 && seen[full..].iter().all(|r| r.0),
        "one full read (two pages), then active ones: {seen:?}"
    );
    assert!(second_pages >= 1 && first_pages > second_pages, "{seen:?}");
    assert_eq!(last.map(|rows| rows.len()), Some(40));

    ended.store(true, Ordering::SeqCst);
    let before = seen.len();
    let last = last_rows(&mut rx, Kind::Run, 3000).await;
    let after = reads(&fake)[before..].to_vec();
    // The read of every active run no longer finds run 28: the whole list is read at once.
    assert!(after.windows(2).any(|w| w == [(true, 25), (false, 0)]), "{after:?}");
    let run28 = last.unwrap_or_default().into_iter().find(|r| r.id == "28").map(|r| r.status);
    assert_eq!(run28, Some(Status::Succeeded), "{after:?}");
    drop(poller);
}

/// The last rows of `kind` the pollers reported within `millis`.
async fn last_rows(
    rx: &mut mpsc::Receiver<Msg>,
    kind: Kind,
    millis: u64,
) -> Option<Vec<sparkdeck::domain::Resource>> {
    let until = tokio::time::Instant::now() + Duration::from_millis(millis);
    let mut last = None;
    while let Ok(Some(msg)) = tokio::time::timeout_at(until, rx.recv()).await {
        if let Msg::Rows { kind: k, rows, .. } = msg
            && k == kind
        {
            last = Some(Arc::unwrap_or_clone(rows));
        }
    }
    last
}

/// The pollers of one Databricks workspace, "adb-fake", served by `fake`.
fn fake_pollers(fake: &api_fake::Fake, settings: PollSettings) -> (Poller, mpsc::Receiver<Msg>) {
    let text = format!(
        "[[databricks]]\nname = \"adb-fake\"\nhost = \"{}\"\nauth = {{ method = \"pat\", token = \"dapi-test\" }}\n",
        fake.base
    );
    let env = sparkdeck::config::MapEnv::new().with_home("/nonexistent-home-for-sparkdeck-tests");
    let config = sparkdeck::config::load::load_text("config.toml".into(), &text, &env)
        .unwrap_or_else(|e| panic!("{e}"));
    let http = sparkdeck::api::http::client().unwrap_or_else(|e| panic!("{e}"));
    let ctx = sparkdeck::auth::AuthContext::new(http.clone(), std::env::temp_dir());
    let workspaces: Vec<Arc<Workspace>> =
        workspace::connect(&config, &http, &ctx).into_iter().map(Arc::new).collect();
    let (tx, rx) = mpsc::channel(1024);
    (Poller::start(&workspaces, settings, sparkdeck::domain::Clock::system(), tx), rx)
}

/// The pollers of "adb-fake" showing its clusters, which `clusters` lists (`clusters/list`
/// asked as it was seen); it has no runs and no jobs.
async fn cluster_pollers(
    clusters: impl Fn(&api_fake::Seen) -> serde_json::Value + Send + Sync + 'static,
) -> (api_fake::Fake, Poller, mpsc::Receiver<Msg>) {
    use serde_json::json;
    let fake = api_fake::Fake::start(move |seen, _| {
        let body = match seen.path.as_str() {
            "/api/2.1/clusters/list" => clusters(seen),
            "/api/2.2/jobs/runs/list" => json!({"runs": []}),
            _ => json!({"jobs": []}),
        };
        api_fake::Reply::json(200, body)
    })
    .await;
    let (poller, rx) = fake_pollers(&fake, settings());
    poller.set_visible(&["adb-fake".to_string()], &[Kind::Cluster]);
    (fake, poller, rx)
}

/// A lakehouse list read again keeps the rows of the items that came as the same text (not
/// decoded again: the very `raw` they had) and reads a changed item anew; either way the rows
/// are what a first read gives, an idle session's deadline (added by the poller) included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_read_again_keeps_the_rows_of_unchanged_items_and_reads_changed_ones() {
    let sim = frozen_sim().await;
    let all = demo_workspaces(&sim);
    let Some((name, f)) = all.iter().find_map(|w| match &w.clients {
        Ok(workspace::Clients::Fabric(f)) if !f.lakehouses.is_empty() => Some((w.name.as_str(), f)),
        _ => None,
    }) else {
        panic!("no Fabric workspace with a lakehouse")
    };
    let (label, client) = &f.lakehouses[0];
    let read = |before: Vec<sparkdeck::domain::Resource>| async move {
        sparkdeck::workspace::rows::lakehouse_rows(name, label, client, Kind::Session, 200, &before)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let mut first = read(Vec::new()).await;
    let active = |r: &&sparkdeck::domain::Resource| r.status.is_active();
    let Some(stopped) = first.iter().find(active).map(|r| r.id.clone()) else {
        panic!("no active session to stop in {first:?}")
    };
    let deadline = "2026-12-01T12:00:00Z".parse().ok();
    for r in &mut first {
        if let sparkdeck::domain::Detail::Session { idle_timeout_at, .. } = &mut r.detail {
            *idle_timeout_at = deadline;
        }
    }
    client.delete_session(&stopped).await.unwrap_or_else(|e| panic!("{e}"));

    let again = read(first.clone()).await;
    let fresh = read(Vec::new()).await;
    assert_eq!(again, fresh, "the rows a first read gives");
    assert!(first.len() > 2 && again.len() == first.len());
    for (before, after) in first.iter().zip(&again) {
        let kept = Arc::ptr_eq(&before.raw, &after.raw);
        assert_eq!(kept, after.id != stopped, "{}: kept only while its text is the same", after.id);
    }
    let was = first.iter().find(|r| r.id == stopped).map(|r| r.status);
    let now = again.iter().find(|r| r.id == stopped).map(|r| r.status);
    assert!(was != now && now.is_some_and(|s| !s.is_active()), "{stopped}: {was:?} then {now:?}");
}

/// The same for Databricks clusters and runs, through `rows::list`: what comes as the same
/// text keeps its row, what changed (a cluster terminated, a run cancelled) is read anew, and
/// the rows are what a first read gives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_databricks_list_read_again_keeps_the_rows_of_unchanged_items() {
    let sim = frozen_sim().await;
    let all = demo_workspaces(&sim);
    let Some((ws, d)) = all.iter().find_map(|w| match &w.clients {
        Ok(workspace::Clients::Databricks(d)) => Some((w, d)),
        _ => None,
    }) else {
        panic!("no Databricks workspace")
    };
    let query = Query { limit: 100, ..Query::default() };
    for kind in [Kind::Cluster, Kind::Run] {
        let read = |before: Vec<sparkdeck::domain::Resource>| async move {
            let listing = rows::list(ws, kind, query, &before).await.unwrap_or_else(|e| panic!("{e}"));
            listing.rows
        };
        let first = read(Vec::new()).await;
        let Some(ended) = first.iter().find(|r| r.status.is_active()).map(|r| r.id.clone()) else {
            panic!("no active {kind:?} to end in {first:?}")
        };
        let ended_now = match kind {
            Kind::Cluster => d.terminate_cluster(&ended).await,
            _ => d.cancel_run(ended.parse().unwrap_or_else(|e| panic!("{ended}: {e}"))).await,
        };
        ended_now.unwrap_or_else(|e| panic!("{e}"));

        let again = read(first.clone()).await;
        let fresh = read(Vec::new()).await;
        assert_eq!(again, fresh, "{kind:?}: the rows a first read gives");
        assert!(
            first.len() > 2 && again.len() == first.len(),
            "{kind:?}: {} then {}",
            first.len(),
            again.len()
        );
        for after in &again {
            let before = first.iter().find(|r| r.id == after.id);
            let kept = before.is_some_and(|b| Arc::ptr_eq(&b.raw, &after.raw));
            assert_eq!(
                kept,
                after.id != ended,
                "{kind:?} {}: kept only while its text is the same",
                after.id
            );
        }
    }
}
