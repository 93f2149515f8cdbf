//! What running one statement costs, counted by the simulator's own request log (its clock at
//! real speed): a Fabric statement in an idle session is read back on the schedule Livy's
//! `progress` predicts, and a Databricks context is read once it can be ready, then steadily,
//! instead of every 100 ms from its creation.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use sparkdeck::domain::statement::{Language, Output, Phase};
use sparkdeck::domain::{Detail, Kind, Status};
use sparkdeck::sim::{Sim, SimOptions};
use sparkdeck::workspace::rows::{self, Query};
use sparkdeck::workspace::{self, Service, Workspace, statements};

async fn start() -> (Sim, Vec<Arc<Workspace>>) {
    let sim = Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), SimOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let http = sparkdeck::api::http::client().unwrap_or_else(|e| panic!("{e}"));
    let ctx = sparkdeck::auth::AuthContext::new(http.clone(), std::env::temp_dir());
    let workspaces = workspace::connect(&sparkdeck::cli::demo::demo_config(&sim), &http, &ctx)
        .into_iter()
        .map(Arc::new)
        .collect();
    (sim, workspaces)
}

fn routes(sim: &Sim) -> BTreeMap<String, u64> {
    sim.shared().faults.requests().1
}

/// Requests since `before` whose `METHOD /path` satisfies `pick`.
fn since(sim: &Sim, before: &BTreeMap<String, u64>, pick: impl Fn(&str) -> bool) -> u64 {
    routes(sim).iter().filter(|(r, _)| pick(r)).map(|(r, n)| n - before.get(r).copied().unwrap_or(0)).sum()
}

fn first(workspaces: &[Arc<Workspace>], service: Service) -> Arc<Workspace> {
    workspaces.iter().find(|w| w.service == service).cloned().unwrap_or_else(|| panic!("no {service:?}"))
}

async fn listed(ws: &Workspace, kind: Kind) -> Vec<sparkdeck::domain::Resource> {
    rows::list(ws, kind, Query { limit: 200, active_only: false, ..Query::default() }, &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fabric_statement_is_read_where_its_progress_says_it_ends() {
    let (sim, workspaces) = start().await;
    let ws = first(&workspaces, Service::Fabric);
    let session = listed(&ws, Kind::Session)
        .await
        .into_iter()
        .find(|s| s.status == Status::Ready && matches!(s.detail, Detail::Session { read_only: false, .. }))
        .unwrap_or_else(|| panic!("the demo has an idle session"));
    let repl = statements::attach(&ws, &session.id).await.unwrap_or_else(|e| panic!("{e}"));
    for (i, code) in ["x = 1 * 7\nprint(x)", "y = 2 * 7\nprint(y)", "z = 3 * 7\nprint(z)"].iter().enumerate()
    {
        let before = routes(&sim);
        let id =
            statements::submit(&ws, &repl, Language::PySpark, code).await.unwrap_or_else(|e| panic!("{e}"));
        let (phase, output) =
            statements::follow(&ws, &repl, &id, |_, _| {}).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(phase, Phase::Done);
        assert!(matches!(output, Some(Output::Text(_))), "{output:?}");
        let reads = since(&sim, &before, |r| r.starts_with("GET ") && r.contains("/statements/"));
        // 0.2–1 s statements: a short one is done by the first read (at 400 ms, or when the
        // statements before ended); a longer one reports progress, and the second read finds
        // the result (a third when the prediction lands early). One every 100 ms took up to 11.
        assert!((1..=3).contains(&reads), "statement {i}: {reads} reads");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_databricks_context_is_read_once_it_can_be_ready_and_the_command_steadily() {
    let (sim, workspaces) = start().await;
    let ws = first(&workspaces, Service::Databricks);
    let cluster = listed(&ws, Kind::Cluster)
        .await
        .into_iter()
        .find(|c| {
            c.raw_state == "RUNNING"
                && matches!(&c.detail, Detail::Cluster { source: Some(s), .. } if s != "JOB")
        })
        .unwrap_or_else(|| panic!("the demo has a running all-purpose cluster"));
    let before = routes(&sim);
    let repl = statements::acquire(&ws, Some(&cluster.id), None, None, Language::PySpark, |_| {}, |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let id = statements::submit(&ws, &repl, Language::PySpark, "print(6 * 7)")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (phase, _) = statements::follow(&ws, &repl, &id, |_, _| {}).await.unwrap_or_else(|e| panic!("{e}"));
    statements::release(&ws, &repl).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(phase, Phase::Done);
    let count = |path: &str| since(&sim, &before, |r| r.contains(path));
    // Ready after 2 s: read at 2 s, again 100 ms later at most (twenty reads when one went every
    // 100 ms from the start, six when the first was at 1 s).
    let context_reads = count("/api/1.2/contexts/status");
    assert!((1..=2).contains(&context_reads), "{context_reads} context reads");
    // A 0.2–1 s command: at 300 ms, then every 150 ms.
    let command_reads = count("/api/1.2/commands/status");
    assert!((1..=6).contains(&command_reads), "{command_reads} command reads");
    assert_eq!(count("/api/1.2/contexts/create"), 1);
    assert_eq!(count("/api/1.2/commands/execute"), 1);
    assert_eq!(count("/api/1.2/contexts/destroy"), 1);
    let total = since(&sim, &before, |_| true);
    assert_eq!(total, 3 + context_reads + command_reads, "nothing else is sent: {:?}", routes(&sim));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_goes_straight_to_a_session_in_whichever_lakehouse_holds_it() {
    let (sim, workspaces) = start().await;
    let ws = first(&workspaces, Service::Fabric);
    let lakehouses = statements::lakehouse_labels(&ws).unwrap_or_default();
    assert!(lakehouses.len() >= 2, "the demo workspace has two lakehouses: {lakehouses:?}");
    // An idle session of ours: every lakehouse before its own answers 404, which ran nothing.
    let (session, at) = listed(&ws, Kind::Session)
        .await
        .into_iter()
        .find_map(|s| match &s.detail {
            Detail::Session { read_only: false, lakehouse: Some(l), .. } if s.status == Status::Ready => {
                let at = lakehouses.iter().position(|x| x == l)?;
                Some((s.clone(), at))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("the demo has an idle session"));
    let before = routes(&sim);
    let (repl, id) = statements::submit_in_session(&ws, &session.id, None, Language::PySpark, "print(7)")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("session {} not found", session.id));
    let (phase, _) = statements::follow(&ws, &repl, &id, |_, _| {}).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(phase, Phase::Done);
    let session_path = format!("/sessions/{}", session.id);
    let submits = since(&sim, &before, |r| r.starts_with("POST ") && r.ends_with("/statements"));
    assert_eq!(submits as usize, at + 1, "a 404 in each lakehouse before its own, then the submit");
    assert_eq!(since(&sim, &before, |r| r.starts_with("GET ") && r.ends_with(&session_path)), 0, "no lookup");
    let reads = since(&sim, &before, |r| r.contains("/statements/"));
    assert!((1..=3).contains(&reads), "{reads} reads");
    // Named first, the lakehouse that holds it is the only one asked.
    let before = routes(&sim);
    let found =
        statements::submit_in_session(&ws, &session.id, Some(&lakehouses[at]), Language::PySpark, "1")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    assert!(found.is_some());
    assert_eq!(since(&sim, &before, |r| r.starts_with("POST ")), 1);
    // A session no lakehouse knows.
    let missing = statements::submit_in_session(
        &ws,
        "00000000-0000-0000-0000-000000000000",
        None,
        Language::PySpark,
        "1",
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(missing.is_none());
}
