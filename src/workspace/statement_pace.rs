//! When a running statement, a starting Databricks execution context and a starting Fabric
//! high-concurrency session are read back. Neither Livy nor the command execution API 1.2 can
//! wait on the server (no long-poll or wait parameter), so every read is a request: the
//! schedules are fitted to how long each thing takes, so a short statement is usually seen
//! done by its first read, a longer one within ~100 ms of ending, and `Retry-After` still holds
//! every read (the HTTP layer's gate).
//!
//! The first read is adaptive: it goes when statements at the same place (a Livy session, a
//! Databricks cluster) have lately been ending ([`learn`], kept for this process: the editor's
//! statements and a `sparkdeck` command's), and, with nothing learned yet, at a first guess for
//! a short statement on a warm driver. A guess that was too late costs latency, one too early
//! costs a read; learning keeps both small where statements take alike (a notebook's cells, a
//! job's commands) and is never tuned to one service's constant.

use std::collections::{HashMap, VecDeque};
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

/// The first read of a Livy statement with nothing learned: code on a warm Spark driver comes
/// back through Livy's REPL in a few hundred milliseconds at the least (the simulator: 200 ms to
/// 1 s). One that ends before is seen at most this late, in one read; one still running says
/// its `progress`, which places the second read just after its end.
const FIRST_LIVY: Duration = Duration::from_millis(400);
/// The same for a Databricks command, which reports no progress: earlier, so the steady reads
/// that follow start sooner.
const FIRST_COMMAND: Duration = Duration::from_millis(300);
/// Between reads for the first seconds without progress to go by: a result is seen at most
/// this long after it is ready (75 ms late on average).
const STEADY: Duration = Duration::from_millis(150);
const STEADY_FOR: Duration = Duration::from_secs(2);
/// The slowest pace, for long statements (after backing off by a quarter each read).
const LONGEST: Duration = Duration::from_secs(2);
/// Livy's `progress` below this says too little to predict the end by.
const TRUSTED_PROGRESS: f64 = 0.05;
/// Read this long after the end Livy's `progress` (or what was learned) predicts, so the read
/// finds it ended.
const MARGIN: Duration = Duration::from_millis(25);
/// Never sooner than this after a read, whatever `progress` predicts.
const FLOOR: Duration = Duration::from_millis(50);
/// Durations remembered per place (the newest) and places remembered (the newest).
const REMEMBERED: usize = 8;
/// The latest a learned first read goes (statements of minutes are read steadily from then).
const LATEST_FIRST: Duration = Duration::from_secs(10);
const PLACES: usize = 64;

/// How the statements of one place are read back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    first: Duration,
}

impl Schedule {
    /// For a statement at `place` (a key naming the session or cluster), Livy's or a
    /// Databricks command (`livy`: whether the service reports progress).
    pub fn at(place: &str, livy: bool) -> Schedule {
        let guess = if livy { FIRST_LIVY } else { FIRST_COMMAND };
        Schedule { first: learned().get(place).and_then(|r| r.first_read(guess)).unwrap_or(guess) }
    }

    /// The wait before the next read, `elapsed` after the submit was answered, `previous` the
    /// last wait (None before the first read) and `progress` what the last read reported
    /// (Livy's 0..1; Databricks commands have none). Where Livy reports progress (a statement
    /// running Spark jobs: the share of their tasks done), the next read goes just after the
    /// end that rate predicts; otherwise steadily, then backing off gently up to every 2 s.
    pub fn wait(&self, elapsed: Duration, previous: Option<Duration>, progress: Option<f64>) -> Duration {
        // Steady for the first seconds after the first read (however late that was learned to
        // go), then backing off from the steady pace.
        let by_time = match previous {
            None => self.first,
            Some(_) if elapsed < self.first + STEADY_FOR => STEADY,
            Some(p) => p.min(LONGEST).max(STEADY).mul_f64(1.25).min(LONGEST),
        };
        match progress.filter(|p| (TRUSTED_PROGRESS..1.0).contains(p)) {
            Some(p) if previous.is_some() => (elapsed.mul_f64((1.0 - p) / p) + MARGIN).clamp(FLOOR, LONGEST),
            _ => by_time,
        }
    }
}

/// Note how a statement at `place` ended: seen finished by read number `reads`, `seen_at`
/// after its submit was answered, the read before at `before` (it was still running then).
/// Seen by a later read, it ended between the two, usually just before the last (reads go just
/// after a predicted end); seen by the first, it ended some time before, which says only that
/// the first read was not early.
pub fn learn(place: &str, reads: usize, seen_at: Duration, before: Option<Duration>) {
    let took = match before {
        Some(before) if reads > 1 => Took::Ended(seen_at.saturating_sub(MARGIN).max(before)),
        _ => Took::Within(seen_at),
    };
    let mut learned = learned();
    if !learned.contains_key(place) && learned.len() >= PLACES {
        learned.clear();
    }
    learned.entry(place.to_string()).or_default().note(took);
}

fn learned() -> std::sync::MutexGuard<'static, HashMap<String, Recent>> {
    // Process-wide, so every caller at a place (the editor, a command) learns together; a
    // panic while it was held leaves at worst one duration half-noted.
    static LEARNED: LazyLock<Mutex<HashMap<String, Recent>>> = LazyLock::new(Mutex::default);
    LEARNED.lock().unwrap_or_else(|e| e.into_inner())
}

/// How long a statement took, as far as its reads tell.
#[derive(Debug, Clone, Copy)]
enum Took {
    /// It ended about then (seen running before).
    Ended(Duration),
    /// It ended by then (the first read found it done).
    Within(Duration),
}

/// The newest durations of one place's statements.
#[derive(Debug, Default)]
struct Recent(VecDeque<Took>);

impl Recent {
    fn note(&mut self, took: Took) {
        if self.0.len() == REMEMBERED {
            self.0.pop_front();
        }
        self.0.push_back(took);
    }

    /// Where the quickest quarter of the statements ended, from this many: `None` before any.
    /// One seen ending counts as its end plus the margin; one done by its first read as a tenth
    /// before that read, so statements that got quicker are found out, a read or two at a
    /// time, while ones that take alike (a notebook's cells) keep being seen by one read. Later
    /// than `guess` only where statements take alike: where they vary (one took under four
    /// fifths of that), the guess, so the short ones among them are not kept waiting.
    fn first_read(&self, guess: Duration) -> Option<Duration> {
        let mut took: Vec<Duration> = self
            .0
            .iter()
            .map(|t| match t {
                Took::Ended(d) => *d + MARGIN,
                Took::Within(d) => d.mul_f64(0.9),
            })
            .collect();
        took.sort();
        let quarter = (*took.get(took.len() / 4)?).clamp(FLOOR, LATEST_FIRST);
        let varied = took.first().is_some_and(|quickest| *quickest < quarter.mul_f64(0.8));
        Some(if quarter > guess && varied { guess } else { quarter })
    }
}

/// The wait before the next read of a starting Databricks execution context (`elapsed` since
/// its creation was answered, `previous` the last wait): one takes about two seconds on a
/// running cluster (the simulator: 2 s), so the first read is at 2 s — usually the only one —,
/// then one every 100 ms (seen ready at most 100 ms late) for 10 s, then backing off to once a
/// second for a cluster that is slow to give one.
pub fn context_wait(elapsed: Duration, previous: Option<Duration>) -> Duration {
    const FIRST: Duration = Duration::from_secs(2);
    const STEADY: Duration = Duration::from_millis(100);
    const STEADY_FOR: Duration = Duration::from_secs(10);
    const LONGEST: Duration = Duration::from_secs(1);
    match previous {
        None => FIRST,
        Some(_) if elapsed < STEADY_FOR => STEADY,
        Some(p) => p.mul_f64(1.25).min(LONGEST),
    }
}

/// The next wait while a Fabric high-concurrency session starts: it takes from seconds (a
/// warm pool) to minutes (an on-demand cluster), so start quick and double up to 3 s.
pub fn hc_wait(previous: Option<Duration>) -> Duration {
    previous.map_or(Duration::from_millis(250), |d| (d * 2).min(Duration::from_secs(3)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    /// The reads of a statement that runs `runs` (when each happens) on `schedule`, when a read
    /// at `t` reports `progress(t)`.
    fn reads(
        schedule: Schedule,
        runs: Duration,
        progress: impl Fn(Duration) -> Option<f64>,
    ) -> Vec<Duration> {
        let (mut at, mut previous, mut seen, mut reads) = (Duration::ZERO, None, None, Vec::new());
        loop {
            let wait = schedule.wait(at, previous, seen);
            previous = Some(wait);
            at += wait;
            reads.push(at);
            if at >= runs {
                return reads;
            }
            seen = progress(at);
        }
    }

    fn no_progress(_: Duration) -> Option<f64> {
        None
    }

    fn linear(runs: Duration) -> impl Fn(Duration) -> Option<f64> {
        // Progress as upstream Livy reports it while Spark jobs run: the share done.
        move |t: Duration| Some((t.as_secs_f64() / runs.as_secs_f64()).min(0.99))
    }

    const COMMAND: Schedule = Schedule { first: FIRST_COMMAND };
    const LIVY: Schedule = Schedule { first: FIRST_LIVY };

    #[test]
    fn without_progress_statements_are_read_at_the_first_guess_then_steadily_then_gently_less() {
        assert_eq!(COMMAND.wait(Duration::ZERO, None, None), FIRST_COMMAND);
        // Within the first seconds a result is seen at most 150 ms after it is ready.
        for ms in [120, 300, 700, 1_500, 1_950] {
            let seen = *reads(COMMAND, ms * MS, no_progress).last().unwrap_or(&Duration::ZERO);
            assert!(seen - (ms * MS).max(FIRST_COMMAND) <= STEADY, "{ms} ms: seen at {seen:?}");
        }
        // Over commands of 200 ms to 1 s: under 3.5 reads on average (with the context's
        // creation, one status read, the execute and the destroy: under the SDK's 8 requests).
        let total: usize =
            (200..=1_000).step_by(10).map(|ms| reads(COMMAND, ms * MS, no_progress).len()).sum();
        assert!(total as f64 / 81.0 <= 3.5, "{} reads on average", total as f64 / 81.0);
        assert!(reads(COMMAND, Duration::from_secs(60), no_progress).len() <= 55);
        // Never slower than every 2 s.
        let mut previous = Some(LONGEST);
        for _ in 0..5 {
            let wait = COMMAND.wait(Duration::from_secs(600), previous, None);
            assert!(wait <= LONGEST);
            previous = Some(wait);
        }
    }

    #[test]
    fn livy_progress_predicts_the_end_so_at_most_two_reads_see_it() {
        for ms in [150u32, 300, 650, 1_000, 1_900] {
            let runs = ms * MS;
            let seen = reads(LIVY, runs, linear(runs));
            if runs <= FIRST_LIVY {
                assert_eq!(seen, [FIRST_LIVY], "{ms} ms: seen by the first read");
            } else {
                assert_eq!(seen.len(), 2, "{ms} ms: read at {seen:?}");
                assert!(seen[1] - runs <= MARGIN + MS, "{ms} ms: seen at {:?}", seen[1]);
            }
        }
        // A read that lands early (progress 0.99) reads again soon, not a whole step later.
        assert_eq!(LIVY.wait(990 * MS, Some(STEADY), Some(0.99)), FLOOR);
        // Too little progress to go by, none at all (a statement without Spark jobs), or the
        // end reported: the time schedule.
        assert_eq!(LIVY.wait(100 * MS, Some(FIRST_LIVY), Some(0.01)), STEADY);
        assert_eq!(LIVY.wait(100 * MS, Some(FIRST_LIVY), Some(0.0)), STEADY);
        assert_eq!(LIVY.wait(100 * MS, Some(FIRST_LIVY), Some(1.0)), STEADY);
        // A long statement at 10 %: never waits longer than the slowest pace.
        assert_eq!(LIVY.wait(Duration::from_secs(30), Some(LONGEST), Some(0.1)), LONGEST);
    }

    /// Runs `durations` in turn at a fresh place, learning as `statements::follow` does; the
    /// reads of each.
    fn learning(place: &str, livy: bool, durations: &[Duration]) -> Vec<Vec<Duration>> {
        durations
            .iter()
            .map(|&runs| {
                let seen = if livy {
                    reads(Schedule::at(place, true), runs, linear(runs))
                } else {
                    reads(Schedule::at(place, false), runs, no_progress)
                };
                let before = seen.len().checked_sub(2).map(|i| seen[i]);
                learn(place, seen.len(), *seen.last().unwrap_or(&Duration::ZERO), before);
                seen
            })
            .collect()
    }

    #[test]
    fn the_first_read_learns_when_statements_at_a_place_end() {
        // Commands of 3 s each: after the first (18 reads on the first guess's schedule), most
        // are seen by one read just after they end, a few by three when a first read probes
        // whether they got quicker.
        let runs = vec![3_000 * MS; 12];
        let seen = learning("test:cluster-a", false, &runs);
        assert!(seen[0].len() > 10, "{:?}", seen[0]);
        let later: Vec<usize> = seen[1..].iter().map(Vec::len).collect();
        assert!(later.iter().sum::<usize>() <= 11 * 5 / 2, "reads {later:?}");
        for s in &seen[1..] {
            let last = *s.last().unwrap_or(&Duration::ZERO);
            assert!(last - 3_000 * MS <= STEADY, "seen at {last:?}");
        }
        // Statements that got quicker (100 ms after 1 s ones): the first read moves earlier,
        // each seen by one read.
        let place = "test:session-b";
        learning(place, true, &[1_000 * MS; 8]);
        let slow = Schedule::at(place, true).first;
        let quick = learning(place, true, &[100 * MS; 20]);
        let now = Schedule::at(place, true).first;
        assert!(now < slow.mul_f64(0.6), "first read {now:?}, was {slow:?}");
        assert!(quick.iter().all(|r| r.len() == 1), "{quick:?}");
        // Another place keeps the first guess.
        assert_eq!(Schedule::at("test:elsewhere", true).first, FIRST_LIVY);
        assert_eq!(Schedule::at("test:elsewhere", false).first, FIRST_COMMAND);
    }

    #[test]
    fn statements_of_mixed_lengths_cost_about_one_read_and_a_half_each() {
        // Livy statements of 200 ms to 1 s (the simulator's spread): seen by the first read
        // when short, by the second, just after the predicted end, otherwise.
        let runs: Vec<Duration> = (0..40).map(|i| (200 + (i * 397) % 800) * MS).collect();
        let seen = learning("test:session-c", true, &runs);
        let total: usize = seen.iter().map(Vec::len).sum();
        assert!(total as f64 / 40.0 <= 1.85, "{} reads on average", total as f64 / 40.0);
        let mut late: Vec<Duration> =
            seen.iter().zip(&runs).map(|(s, r)| *s.last().unwrap_or(&Duration::ZERO) - *r).collect();
        late.sort();
        assert!(late[20] <= 100 * MS && late[37] <= 250 * MS, "late {late:?}");
    }

    #[test]
    fn a_context_is_read_once_it_can_be_ready_then_steadily() {
        let mut at = Duration::ZERO;
        let mut previous = None;
        let mut reads = Vec::new();
        while at < Duration::from_secs(2) {
            let wait = context_wait(at, previous);
            previous = Some(wait);
            at += wait;
            reads.push(at);
        }
        // Ready at 2 s: one read, seen at once (before: six, and twenty before that).
        assert_eq!(reads.len(), 1, "{reads:?}");
        assert_eq!(context_wait(Duration::from_secs(5), Some(Duration::from_secs(2))), 100 * MS);
        assert_eq!(
            context_wait(Duration::from_secs(60), Some(Duration::from_secs(1))),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn a_starting_session_is_read_quickly_then_every_3_s() {
        let waits: Vec<Duration> =
            std::iter::successors(Some(hc_wait(None)), |d| Some(hc_wait(Some(*d)))).take(6).collect();
        assert_eq!(waits[0], 250 * MS);
        assert_eq!(waits[5], Duration::from_secs(3));
    }
}
