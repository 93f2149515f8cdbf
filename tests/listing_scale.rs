//! Listing at benchmark volumes (`--scale 10`: 10k clusters, 100k runs, 10k sessions) through
//! the same workspace layer the commands and the monitor use: only the pages the limit needs
//! are fetched, and what is kept is bounded by the limit.

use std::net::SocketAddr;

use sparkdeck::domain::Kind;
use sparkdeck::sim::{Sim, SimOptions};
use sparkdeck::workspace::rows::{self, Query};
use sparkdeck::workspace::{self, Workspace};

async fn setup() -> (Sim, Vec<Workspace>) {
    let opts = SimOptions { scale: 10, speed: 0.0, ..SimOptions::default() };
    let sim = Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await.unwrap_or_else(|e| panic!("{e}"));
    let http = sparkdeck::api::http::client().unwrap_or_else(|e| panic!("{e}"));
    let ctx = sparkdeck::auth::AuthContext::new(http.clone(), std::env::temp_dir());
    let workspaces = workspace::connect(&sparkdeck::cli::demo::demo_config(&sim), &http, &ctx);
    (sim, workspaces)
}

fn by_name<'a>(all: &'a [Workspace], name: &str) -> &'a Workspace {
    all.iter().find(|w| w.name == name).unwrap_or_else(|| panic!("no workspace {name}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_clusters_and_a_hundred_thousand_runs_page_only_as_needed() {
    let (sim, all) = setup().await;
    let ws = by_name(&all, "adb-analytics-prod");
    let total_clusters = sim.shared().databricks().workspaces[0].clusters.len();
    let total_runs = sim.shared().databricks().workspaces[0].runs.len();
    assert!(total_clusters >= 5_000 && total_runs >= 50_000, "{total_clusters} clusters, {total_runs} runs");

    // Every cluster, page by page.
    let listing = rows::list(
        ws,
        Kind::Cluster,
        Query { limit: usize::MAX, active_only: false, ..Query::default() },
        &[],
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(listing.rows.len(), total_clusters);
    let pages = sim.shared().faults.count("GET", "/api/2.1/clusters/list");
    assert!(pages >= (total_clusters / 100) as u64, "{pages} pages for {total_clusters} clusters");

    // The newest 200 runs of 50k+: 8 pages of 25, not 2000.
    let listing =
        rows::list(ws, Kind::Run, Query { limit: 200, active_only: false, ..Query::default() }, &[])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(listing.rows.len(), 200);
    assert_eq!(sim.shared().faults.count("GET", "/api/2.2/jobs/runs/list"), 8);

    // Active runs only: the server filters.
    let active = rows::list(ws, Kind::Run, Query { limit: 50, active_only: true, ..Query::default() }, &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!active.rows.is_empty() && active.rows.iter().all(|r| r.status.is_active()));

    // Fabric: 100 sessions per page.
    let fabric = by_name(&all, "Sales Analytics");
    let listing =
        rows::list(fabric, Kind::Session, Query { limit: 300, active_only: false, ..Query::default() }, &[])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    assert!(listing.rows.len() >= 300, "{}", listing.rows.len());
}
