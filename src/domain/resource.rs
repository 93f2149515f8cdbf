//! One row of the monitor: a Livy session or batch, a Databricks cluster or job run, in the
//! terms the UI and the headless commands show. Built from API objects by `workspace::convert`;
//! the full API object stays attached, unread, for the details view and `-o json`.

use std::sync::Arc;

use jiff::Timestamp;

use super::Status;

/// What a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Fabric Livy session (also high-concurrency sessions and, read-only, other Spark
    /// sessions from the workspace monitoring list).
    Session,
    /// Fabric Livy batch.
    Batch,
    /// Databricks cluster.
    Cluster,
    /// Databricks job run.
    Run,
    /// Databricks job (the Jobs pane: a job with its recent runs).
    Job,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Session, Kind::Batch, Kind::Cluster, Kind::Run, Kind::Job];

    /// Plural noun as used by commands (`sparkdeck sessions list`, `:sessions`).
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Session => "sessions",
            Kind::Batch => "batches",
            Kind::Cluster => "clusters",
            Kind::Run => "runs",
            Kind::Job => "jobs",
        }
    }

    pub fn singular(self) -> &'static str {
        match self {
            Kind::Session => "session",
            Kind::Batch => "batch",
            Kind::Cluster => "cluster",
            Kind::Run => "run",
            Kind::Job => "job",
        }
    }
}

/// The columns that matter per kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    Session {
        /// When the 20-minute idle timeout will end the session (idle sessions only).
        idle_timeout_at: Option<Timestamp>,
        high_concurrency: bool,
        /// From the workspace monitoring list (notebooks, Spark job definitions): cannot be
        /// acted on through the Livy API.
        read_only: bool,
        lakehouse: Option<String>,
        app_id: Option<String>,
    },
    Batch {
        file: Option<String>,
        lakehouse: Option<String>,
        app_id: Option<String>,
    },
    Cluster {
        /// "4", "2–8" (autoscale) or "single node".
        workers: String,
        runtime: Option<String>,
        node_type: Option<String>,
        /// UI, API, JOB, ...
        source: Option<String>,
        pinned: bool,
    },
    Run {
        job_id: Option<i64>,
        job_name: Option<String>,
        trigger: Option<String>,
        /// `result_state` once terminal.
        result: Option<String>,
        /// One line per task ("ingest: TERMINATED / SUCCESS") when the row carries its tasks
        /// (`runs/get`, expanded lists); `None` when it does not, so they have to be read.
        tasks: Option<Vec<String>>,
    },
    Job {
        job_id: i64,
        /// "0 0 2 * * ? UTC", "file arrival", "continuous"; `None`: started by hand or by API.
        schedule: Option<String>,
        /// The schedule or trigger is paused.
        paused: bool,
        /// Declared job parameters (name, default): `run-now` takes `job_parameters` for them.
        parameters: Vec<(String, String)>,
        /// The most recent runs, newest first (at most `job::RECENT_RUNS`).
        recent: Vec<super::job::RecentRun>,
        /// The job's page in the workspace (what `o` opens and `Y` copies).
        url: Option<String>,
    },
}

/// Fabric ends a session after this long idle (the default; a session's own
/// `spark.livy.session.idle.timeout` is not visible in its body).
pub const IDLE_TIMEOUT: jiff::SignedDuration = jiff::SignedDuration::from_mins(20);
/// An idle countdown shorter than this is shown as a warning.
pub const IDLE_WARNING: jiff::SignedDuration = jiff::SignedDuration::from_mins(3);
/// Durations are shown to the second below this (in seconds), then to the minute (as
/// Kubernetes' `HumanDuration` does): seconds matter while something is young or about to end,
/// and a live duration or countdown then changes once a minute, not once a second (each change
/// is a frame: the clock of an idle monitor).
const SECONDS_SHOWN_BELOW: i64 = 10 * 60;

/// One row.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub kind: Kind,
    /// Display name of the workspace it belongs to.
    pub workspace: String,
    pub id: String,
    pub name: String,
    pub status: Status,
    /// The service's own word for the state, always shown next to the unified status.
    pub raw_state: String,
    /// Submitter or creator.
    pub owner: Option<String>,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    /// Why it is in this state, in the service's words (a cluster's or run's `state_message`).
    pub state_message: Option<String>,
    pub detail: Detail,
    /// The full API object as received: shown whole, never read by key outside the conversion.
    pub raw: Arc<crate::raw_json::Raw>,
}

impl Resource {
    /// Equal in everything shown: all but the API object (which a service may change on every
    /// read, e.g. a running run's `execution_duration`, while nothing on screen does).
    pub fn same_but_raw(&self, other: &Resource) -> bool {
        let Resource {
            kind,
            workspace,
            id,
            name,
            status,
            raw_state,
            owner,
            started_at,
            ended_at,
            state_message,
            detail,
            raw: _,
        } = self;
        *kind == other.kind
            && *status == other.status
            && *started_at == other.started_at
            && *ended_at == other.ended_at
            && *id == other.id
            && *raw_state == other.raw_state
            && *name == other.name
            && *workspace == other.workspace
            && *owner == other.owner
            && *state_message == other.state_message
            && *detail == other.detail
    }

    /// Elapsed time: to the end for finished items, to `now` for live ones.
    pub fn duration(&self, now: Timestamp) -> Option<jiff::SignedDuration> {
        let start = self.started_at?;
        let end = self.ended_at.unwrap_or(now);
        Some(end.duration_since(start))
    }

    /// A session's idle-timeout countdown at `now` as its row shows it ("due" once passed), and
    /// whether it is in its last minutes (shown as a warning); `None` without a deadline.
    pub fn idle_countdown(&self, now: Timestamp) -> Option<(String, bool)> {
        let Detail::Session { idle_timeout_at: Some(at), .. } = &self.detail else { return None };
        let left = at.duration_since(now);
        let text = if left <= jiff::SignedDuration::ZERO { "due".to_string() } else { format_duration(left) };
        Some((text, left < IDLE_WARNING))
    }

    /// The most recent moment this item did something, for "sorted by recency" views.
    pub fn last_activity(&self) -> Option<Timestamp> {
        self.ended_at.or(self.started_at)
    }

    /// The state as every front end words it: the service's own word, with a run's result
    /// after its life-cycle state (`TERMINATED/FAILED`), so the outcome reads without colour.
    pub fn state_label(&self) -> std::borrow::Cow<'_, str> {
        match &self.detail {
            Detail::Run { result: Some(r), .. } if *r != self.raw_state => {
                std::borrow::Cow::Owned(format!("{}/{r}", self.raw_state))
            }
            _ => std::borrow::Cow::Borrowed(&self.raw_state),
        }
    }

    /// A key unique across workspaces and kinds.
    pub fn key(&self) -> (Kind, &str, &str) {
        (self.kind, &self.workspace, &self.id)
    }

    /// The API object as pretty-printed JSON, for reading.
    pub fn raw_pretty(&self) -> String {
        serde_json::to_string_pretty(&*self.raw).unwrap_or_else(|e| format!("(cannot show: {e})"))
    }
}

/// An id as the monitor's tables show it: a GUID by its first 8 characters (as git shows
/// commits), a Databricks cluster id (`1122-103040-a1b2c3d4`) by its random last part; other
/// ids (run numbers) whole. Details and headless output always show the whole id.
pub fn short_id(id: &str) -> &str {
    let b = id.as_bytes();
    let guid = b.len() == 36
        && b.iter()
            .enumerate()
            .all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { *c == b'-' } else { c.is_ascii_hexdigit() });
    if guid {
        return &id[..8];
    }
    let cluster = b.len() == 20
        && b[4] == b'-'
        && b[11] == b'-'
        && b[..4].iter().chain(&b[5..11]).all(u8::is_ascii_digit)
        && b[12..].iter().all(u8::is_ascii_alphanumeric);
    if cluster { &id[12..] } else { id }
}

/// "1h 02m", "14m", "3m 04s", "12s": compact, fixed-ish width for table cells; to the second
/// only below ten minutes.
pub fn format_duration(d: jiff::SignedDuration) -> String {
    let secs = d.as_secs().max(0);
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h >= 24 {
        format!("{}d {:02}h", h / 24, h % 24)
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else if secs >= SECONDS_SHOWN_BELOW {
        format!("{m}m")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_compact() {
        assert_eq!(format_duration(jiff::SignedDuration::from_secs(12)), "12s");
        assert_eq!(format_duration(jiff::SignedDuration::from_secs(184)), "3m 04s");
        assert_eq!(format_duration(jiff::SignedDuration::from_secs(599)), "9m 59s");
        assert_eq!(format_duration(jiff::SignedDuration::from_secs(600)), "10m");
        assert_eq!(format_duration(jiff::SignedDuration::from_secs(3599)), "59m");
        assert_eq!(format_duration(jiff::SignedDuration::from_secs(3720)), "1h 02m");
        assert_eq!(format_duration(jiff::SignedDuration::from_secs(90_000)), "1d 01h");
        assert_eq!(format_duration(jiff::SignedDuration::from_secs(-5)), "0s");
    }

    #[test]
    fn ids_are_shown_short_where_a_part_is_unique() {
        assert_eq!(short_id("87269ce1-4a9a-4529-b9db-20251eafbd65"), "87269ce1");
        assert_eq!(short_id("0427-062813-aifbfjgf"), "aifbfjgf");
        assert_eq!(short_id("884222"), "884222");
        assert_eq!(short_id("not-a-guid-but-36-characters-long-xx"), "not-a-guid-but-36-characters-long-xx");
    }

    #[test]
    fn live_items_measure_to_now() {
        let start: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap_or(Timestamp::UNIX_EPOCH);
        let now: Timestamp = "2026-01-01T00:05:00Z".parse().unwrap_or(Timestamp::UNIX_EPOCH);
        let row = Resource {
            kind: Kind::Run,
            workspace: "w".into(),
            id: "1".into(),
            name: "n".into(),
            status: Status::Busy,
            raw_state: "RUNNING".into(),
            owner: None,
            started_at: Some(start),
            ended_at: None,
            state_message: None,
            detail: Detail::Run { job_id: None, job_name: None, trigger: None, result: None, tasks: None },
            raw: Arc::new(serde_json::Value::Null.into()),
        };
        assert_eq!(row.duration(now).map(|d| d.as_secs()), Some(300));
    }
}
