//! The embedded simulator of the Fabric Livy API and the Azure Databricks REST API.
//!
//! One HTTP server on loopback serves both services (Fabric under `/v1/workspaces/...`,
//! Databricks under `/api/...`, `/oidc/...` and `/.well-known/...`). Databricks workspaces are
//! told apart by the credential presented, as Databricks' own test server does.
//!
//! It is used by `sparkdeck sim`, by `--demo` (in-process) and by the tests (port 0).
//! It keeps its own wire structures and never reuses `api/` models, so a misread field cannot
//! hide by being wrong on both sides. Lifecycles are computed from the simulated clock on each
//! request; nothing runs in the background.

pub mod clock;
pub mod creates;
pub mod databricks;
pub mod engine;
pub mod fabric;
pub mod faults;
pub mod jwt;
mod request;
pub mod world;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use clock::SimClock;
pub use faults::FaultSpec;

/// How to run the simulator.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Seed for demo data and random faults.
    pub seed: u64,
    /// Simulated seconds per real second.
    pub speed: f64,
    /// 0 = the normal demo data set; N > 0 = N tenths of the benchmark volumes
    /// (10 → 10k clusters, 100k runs, 10k sessions).
    pub scale: u32,
    pub faults: FaultSpec,
    /// When simulated time starts (epoch ms); `None` = now, so demo timestamps look current.
    /// Tests fix it so screens and outputs are the same on every run.
    pub start_ms: Option<i64>,
    /// New sessions, batches, runs and cluster changes keep arriving (`world`): the demo and
    /// `sparkdeck sim`. Off by default, so tests see only what they make.
    pub live: bool,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self { seed: 42, speed: 1.0, scale: 0, faults: FaultSpec::default(), start_ms: None, live: false }
    }
}

/// Everything the handlers share. Each service has its own lock; handlers never hold a lock
/// across an await.
pub struct SimShared {
    pub clock: SimClock,
    pub base_url: String,
    pub engine: engine::Engine,
    pub fabric: Mutex<fabric::FabricState>,
    pub databricks: Mutex<databricks::DatabricksState>,
    pub faults: faults::FaultInjector,
    /// What keeps arriving in a live demo (`None`: nothing does).
    pub world: Option<Mutex<world::World>>,
}

impl SimShared {
    pub fn fabric(&self) -> MutexGuard<'_, fabric::FabricState> {
        self.fabric.lock().unwrap_or_else(|e| e.into_inner())
    }
    pub fn databricks(&self) -> MutexGuard<'_, databricks::DatabricksState> {
        self.databricks.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running simulator.
pub struct Sim {
    addr: SocketAddr,
    shared: Arc<SimShared>,
    cancel: CancellationToken,
    task: JoinHandle<()>,
}

impl Sim {
    /// Bind `addr` (use port 0 for a free port) and serve in a background task.
    pub async fn start(addr: SocketAddr, opts: SimOptions) -> std::io::Result<Sim> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let clock = match opts.start_ms {
            Some(at) => SimClock::starting_at(at, opts.speed),
            None => SimClock::new(opts.speed),
        };
        let now = clock.now_ms();
        let shared = Arc::new(SimShared {
            engine: engine::Engine::new(),
            fabric: Mutex::new(fabric::FabricState::seeded(opts.seed, opts.scale, now)),
            databricks: Mutex::new(databricks::DatabricksState::seeded(opts.seed, opts.scale, now)),
            faults: faults::FaultInjector::new(opts.faults, opts.seed),
            world: opts.live.then(|| Mutex::new(world::World::new(opts.seed, now))),
            clock,
            base_url,
        });
        let app = router(shared.clone());
        let cancel = CancellationToken::new();
        let stop = cancel.clone();
        let task = tokio::spawn(async move {
            let serve =
                axum::serve(listener, app).with_graceful_shutdown(async move { stop.cancelled().await });
            if let Err(err) = serve.await {
                tracing::error!("simulator server stopped: {err}");
            }
        });
        Ok(Sim { addr, shared, cancel, task })
    }

    /// Start on a free loopback port with default options.
    pub async fn start_default() -> std::io::Result<Sim> {
        Self::start(SocketAddr::from(([127, 0, 0, 1], 0)), SimOptions::default()).await
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The simulated OneLake DFS endpoint (a Fabric workspace's `onelake_endpoint`).
    pub fn onelake_url(&self) -> String {
        format!("{}/onelake", self.shared.base_url)
    }

    /// Shared state, for tests that assert on what the simulator holds.
    pub fn shared(&self) -> &Arc<SimShared> {
        &self.shared
    }

    /// Jump simulated time forward (tests).
    pub fn advance(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// One line per API: its base URL and the credentials to use.
    pub fn info_lines(&self) -> Vec<String> {
        let mut lines = self.shared.fabric().describe(&self.shared.base_url);
        lines.push(format!(
            "OneLake (Fabric onelake_endpoint): {}  token {}",
            self.onelake_url(),
            fabric::DEMO_TOKEN
        ));
        lines.extend(self.shared.databricks().describe(&self.shared.base_url));
        lines.push(format!(
            "Control: POST {}/__sim/clock/advance {{\"seconds\":N}}, POST {}/__sim/faults {{\"spec\":\"...\"}}, GET {}/__sim/creates",
            self.shared.base_url, self.shared.base_url, self.shared.base_url
        ));
        lines
    }

    pub async fn shutdown(self) {
        self.cancel.cancel();
        let _ = self.task.await;
    }
}

/// The whole application: both services behind the fault-injection layer, plus the control
/// endpoints (never subject to faults).
pub fn router(shared: Arc<SimShared>) -> Router {
    let services = Router::new()
        .merge(fabric::router(shared.clone()))
        .merge(databricks::router(shared.clone()))
        .fallback(fallback)
        .layer(axum::middleware::from_fn_with_state(shared.clone(), faults::inject))
        .layer(axum::middleware::from_fn_with_state(shared.clone(), world::alive));
    let control = Router::new()
        .route("/__sim/clock/advance", post(advance_clock))
        .route("/__sim/faults", post(faults::set_faults).get(faults::get_faults))
        .route("/__sim/requests", get(faults::get_requests))
        .route("/__sim/timings", get(timings))
        .route("/__sim/creates", get(faults::get_creates))
        .with_state(shared);
    control.merge(services)
}

/// `GET /__sim/timings`: when every statement, command and execution context finished or
/// became ready, so a benchmark can tell how late a client saw it.
async fn timings(State(shared): State<Arc<SimShared>>) -> axum::Json<serde_json::Value> {
    let statements = shared.fabric().statement_timings();
    let (commands, contexts) = shared.databricks().command_timings(databricks::CONTEXT_START_MS);
    axum::Json(serde_json::json!({
        "now_ms": shared.clock.now_ms(), "statements": statements, "commands": commands, "contexts": contexts,
    }))
}

#[derive(Deserialize)]
struct AdvanceBody {
    seconds: f64,
}

async fn advance_clock(
    State(shared): State<Arc<SimShared>>,
    axum::Json(body): axum::Json<AdvanceBody>,
) -> axum::Json<serde_json::Value> {
    if body.seconds.is_finite() && body.seconds > 0.0 {
        shared.clock.advance(Duration::from_secs_f64(body.seconds));
    }
    axum::Json(serde_json::json!({ "now_ms": shared.clock.now_ms() }))
}

/// Unknown routes answer in the style of the API the path belongs to.
async fn fallback(method: axum::http::Method, uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    let path = uri.path();
    if path.starts_with("/v1/") {
        fabric::not_found_route(&method, path)
    } else if path.starts_with("/api/") {
        databricks::not_found_route(&method, path)
    } else {
        (axum::http::StatusCode::NOT_FOUND, "Not Found").into_response()
    }
}
