//! The demo world stays alive. While the simulator serves a demo (`--demo`, `sparkdeck sim`),
//! something new keeps happening — a session, a batch, a notebook run, a job run, a cluster
//! that starts, resizes or stops — a few times a simulated minute, and never more often than
//! about once a real second, so the world is as lively at `--demo-speed 1` as at 1000 and as
//! calm. Like every lifecycle here, arrivals are made when requests come in: nothing runs in
//! the background. Each service keeps its own bounded history (the oldest finished go first).

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::SimShared;
use super::clock::SimMillis;

/// Mean simulated time between arrivals over the whole demo (four workspaces).
const MEAN_GAP_MS: i64 = 20_000;
/// Never more often than this in real time.
const MIN_REAL_GAP: Duration = Duration::from_millis(800);
/// At most this many arrivals catch up at once (after a clock jump or a quiet spell).
const BURST: usize = 3;

pub struct World {
    rng: ChaCha8Rng,
    /// When the next arrival is due, simulated time.
    next: SimMillis,
    /// When the last one came, real time.
    last: Option<Instant>,
    /// How many have come.
    arrived: u64,
}

impl World {
    pub fn new(seed: u64, now: SimMillis) -> World {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_11fe);
        let next = now + gap(&mut rng);
        World { rng, next, last: None, arrived: 0 }
    }

    /// How many things have arrived since the simulator started.
    pub fn arrivals(&self) -> u64 {
        self.arrived
    }
}

/// Random gaps averaging `MEAN_GAP_MS`.
fn gap(rng: &mut ChaCha8Rng) -> i64 {
    rng.random_range(MEAN_GAP_MS / 4..MEAN_GAP_MS * 7 / 4)
}

/// Bring the world up to the simulator's now (called before each request is served).
pub fn advance(shared: &SimShared) {
    let Some(world) = &shared.world else { return };
    let now = shared.clock.now_ms();
    let mut w = world.lock().unwrap_or_else(|e| e.into_inner());
    // Long overdue (a jump, a quiet spell): what would have arrived meanwhile has come and
    // gone; only the last few arrive, now.
    if now - w.next > MEAN_GAP_MS * BURST as i64 {
        w.next = now - MEAN_GAP_MS * BURST as i64;
    }
    let mut arrived = 0;
    while w.next <= now && arrived < BURST && w.last.is_none_or(|t| t.elapsed() >= MIN_REAL_GAP) {
        let at = w.next;
        if w.rng.random_bool(0.5) {
            shared.fabric().arrive(at);
        } else {
            let World { rng, .. } = &mut *w;
            shared.databricks().arrive(at, rng);
        }
        let step = gap(&mut w.rng);
        w.next += step;
        w.last = Some(Instant::now());
        w.arrived += 1;
        arrived += 1;
    }
}

/// The middleware that keeps the world going.
pub async fn alive(
    axum::extract::State(shared): axum::extract::State<std::sync::Arc<SimShared>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    advance(&shared);
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::databricks::DatabricksState;
    use crate::sim::fabric::FabricState;

    #[test]
    fn a_demo_left_running_for_days_holds_no_more_than_a_bounded_world() {
        let start = 1_767_225_600_000;
        let mut fabric = FabricState::seeded(7, 0, start);
        let mut dbx = DatabricksState::seeded(7, 0, start);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        // Two days of arrivals every 20 s.
        for k in 0..8_640 {
            let at = start + k * MEAN_GAP_MS;
            fabric.arrive(at);
            dbx.arrive(at, &mut rng);
        }
        let (sessions, batches) = fabric.sizes();
        assert!(
            sessions.iter().all(|n| *n <= 320) && batches.iter().all(|n| *n <= 300),
            "{sessions:?} {batches:?}"
        );
        assert!(dbx.workspaces.iter().all(|w| w.runs.len() <= 400), "runs kept bounded");
        assert!(dbx.workspaces.iter().any(|w| w.runs.len() > 100), "and they did arrive");
    }

    #[test]
    fn a_scaled_world_keeps_its_seeded_runs_as_things_arrive() {
        // `sim --scale 1`: 5 000 runs a workspace, far over the live bound of a few hundred.
        let start = 1_767_225_600_000;
        let mut dbx = DatabricksState::seeded(7, 1, start);
        let seeded: Vec<usize> = dbx.workspaces.iter().map(|w| w.runs.len()).collect();
        assert!(seeded.iter().all(|n| *n >= 5_000), "{seeded:?}");
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for k in 0..200 {
            dbx.arrive(start + k * MEAN_GAP_MS, &mut rng);
        }
        for (w, seeded) in dbx.workspaces.iter().zip(&seeded) {
            assert!(w.runs.len() >= *seeded && w.runs.len() <= w.keep_runs, "{} of {seeded}", w.runs.len());
        }
    }
}
