//! The capacity signal of a Fabric workspace: how often the service refused for capacity (HTTP
//! 430 `TooManyRequestsForCapacity`: the Spark capacity is full) and blocked requests
//! (`RequestBlocked`: the front end's throttle), and when it last did — counted from the
//! retries the HTTP layer noted (`Msg::Retried`), and from the failures that came back (a poll's,
//! an action's, a create's: a 430 on a create is not retried). Shown in the header ("capacity:
//! 3 refusals, last 14:02"). And how long a queued item has waited, for its duration cell.
//!
//! Retries and create failures arrive as text: an `ApiError` written out, which always says
//! `→ {status} {code}:`; failures with a `Problem` are read by their status and code.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::domain::{Kind, Problem, Resource, Status};

/// A workspace's counts since sparkdeck started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capacity {
    /// 430 answers.
    pub refusals: u32,
    /// `RequestBlocked` answers.
    pub blocked: u32,
    pub last: Option<Timestamp>,
}

/// What one answer was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Refusal,
    Blocked,
}

const CAPACITY_CODE: &str = "TooManyRequestsForCapacity";
const BLOCKED_CODE: &str = "RequestBlocked";

impl Signal {
    /// An error as `ApiError` writes it ("POST /…/sessions → 430 TooManyRequestsForCapacity: …").
    pub fn of_text(text: &str) -> Option<Signal> {
        if text.contains("→ 430 ") || text.contains(CAPACITY_CODE) {
            Some(Signal::Refusal)
        } else if text.contains(BLOCKED_CODE) {
            Some(Signal::Blocked)
        } else {
            None
        }
    }

    pub fn of_problem(p: &Problem) -> Option<Signal> {
        if p.status.as_deref().is_some_and(|s| s.starts_with("430"))
            || p.code.as_deref() == Some(CAPACITY_CODE)
        {
            Some(Signal::Refusal)
        } else if p.code.as_deref() == Some(BLOCKED_CODE) {
            Some(Signal::Blocked)
        } else {
            None
        }
    }
}

impl Capacity {
    pub fn note(&mut self, signal: Signal, at: Timestamp) {
        match signal {
            Signal::Refusal => self.refusals += 1,
            Signal::Blocked => self.blocked += 1,
        }
        self.last = Some(self.last.map_or(at, |l| l.max(at)));
    }

    /// "capacity: 3 refusals, 1 blocked, last 14:02"; `None` while nothing was refused.
    pub fn summary(&self, tz: &TimeZone) -> Option<String> {
        let last = self.last?;
        let plural = |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut parts = Vec::new();
        if self.refusals > 0 {
            parts.push(plural(self.refusals, "refusal", "refusals"));
        }
        if self.blocked > 0 {
            parts.push(plural(self.blocked, "blocked", "blocked"));
        }
        let at = last.to_zoned(tz.clone()).strftime("%H:%M");
        Some(format!("capacity: {}, last {at}", parts.join(", ")))
    }
}

/// How long a queued Fabric session or batch (not started yet: `not_started`, `NotStarted`)
/// has waited: from its submission (what a row not yet started carries as its start) to now.
/// A Livy item `starting` is past the queue: its application is coming up.
pub fn waited(r: &Resource, now: Timestamp) -> Option<SignedDuration> {
    let fabric = matches!(r.kind, Kind::Session | Kind::Batch);
    let queued = fabric && r.status == Status::Pending && !r.raw_state.eq_ignore_ascii_case("starting");
    (queued && r.ended_at.is_none()).then(|| r.duration(now)).flatten()
}

/// "wait 4m": at most 8 characters, to fit the duration cell.
pub fn wait_label(d: SignedDuration) -> String {
    let s = d.as_secs().max(0);
    match s {
        s if s < 60 => format!("wait {s}s"),
        s if s < 3_600 => format!("wait {}m", s / 60),
        s if s < 86_400 => format!("wait {}h", s / 3_600),
        s => format!("wait {}d", s / 86_400),
    }
}

impl super::App {
    /// Count what `texts` (retries, a create's failure) say about the capacity of `workspace`.
    pub(super) fn count_capacity_texts<'a>(
        &mut self,
        workspace: &str,
        texts: impl IntoIterator<Item = &'a str>,
    ) {
        let signals: Vec<Signal> = texts.into_iter().filter_map(Signal::of_text).collect();
        self.count_capacity(workspace, signals);
    }

    pub(super) fn count_capacity(&mut self, workspace: &str, signals: impl IntoIterator<Item = Signal>) {
        let now = self.now;
        let Some(ws) = self.workspaces.iter_mut().find(|w| w.workspace.name == workspace) else { return };
        for s in signals {
            ws.capacity.note(s, now);
            self.dirty = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn refusals_and_blocks_are_told_apart_and_counted() {
        let retry = "retrying in 1.0 s (attempt 2 of 5): POST /v1/workspaces/w/lakehouses/l/livyapi/versions/2023-12-01/sessions → 430 TooManyRequestsForCapacity: [TooManyRequestsForCapacity] This Spark job can't be run";
        let blocked = "retrying in 3.0 s (attempt 2 of 5): GET /v1/workspaces/w/spark/livySessions → 429 RequestBlocked: Request is blocked by the upstream service until: 4/17/2026 12:22:35 PM (UTC)";
        let other = "retrying in 1.0 s (attempt 2 of 5): GET /x → 503 Service Unavailable: busy";
        assert_eq!(Signal::of_text(retry), Some(Signal::Refusal));
        assert_eq!(Signal::of_text(blocked), Some(Signal::Blocked));
        assert_eq!(Signal::of_text(other), None);
        let mut p = Problem::text("full");
        p.status = Some("430 Too Many Requests For Capacity".into());
        assert_eq!(Signal::of_problem(&p), Some(Signal::Refusal));
        p.status = Some("429 Too Many Requests".into());
        p.code = Some("RequestBlocked".into());
        assert_eq!(Signal::of_problem(&p), Some(Signal::Blocked));

        let mut c = Capacity::default();
        assert_eq!(c.summary(&TimeZone::UTC), None, "nothing shown until something is refused");
        c.note(Signal::Refusal, at("2026-12-01T14:01:00Z"));
        c.note(Signal::Refusal, at("2026-12-01T14:02:30Z"));
        c.note(Signal::Refusal, at("2026-12-01T13:00:00Z"));
        assert_eq!(c.summary(&TimeZone::UTC).as_deref(), Some("capacity: 3 refusals, last 14:02"));
        c.note(Signal::Blocked, at("2026-12-01T14:05:00Z"));
        assert_eq!(c.summary(&TimeZone::UTC).as_deref(), Some("capacity: 3 refusals, 1 blocked, last 14:05"));
    }

    #[test]
    fn waits_fit_the_duration_cell() {
        for (secs, label) in [
            (0, "wait 0s"),
            (59, "wait 59s"),
            (240, "wait 4m"),
            (3_599, "wait 59m"),
            (7_300, "wait 2h"),
            (200_000, "wait 2d"),
        ] {
            let got = wait_label(SignedDuration::from_secs(secs));
            assert_eq!(got, label);
            assert!(got.chars().count() <= 8, "{got}");
        }
    }
}
