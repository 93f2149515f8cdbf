//! The details overlay: the key fields of one row laid out for reading, related items (a run's
//! tasks), and the full API object as pretty JSON. Built once when opened or when the row is
//! refreshed, never per frame.

use super::App;
use super::keymap::Command;
use super::msg::Effect;
use super::store::Entry;
use super::update::moved;
use crate::domain::{Detail, Kind, Problem, Target};

/// One line of the details overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailLine {
    Field {
        label: &'static str,
        value: String,
    },
    Heading(String),
    /// A line of pretty-printed JSON (coloured by the renderer).
    Json(String),
    /// A plain line (related items).
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    pub kind: Kind,
    pub ws: usize,
    pub id: String,
    pub title: String,
    pub lines: Vec<DetailLine>,
    pub scroll: usize,
    /// Related items read after opening: a heading and its lines (or the error).
    related: Option<(String, Vec<String>)>,
    /// A multi-task run's timeline, once read.
    pub gantt: Option<super::gantt::Gantt>,
    /// A run's tasks read again while it moves.
    pub(super) reread: super::gantt::Reread,
}

impl Details {
    pub fn new(ws: usize, e: &Entry, tz: &jiff::tz::TimeZone) -> Details {
        let r = &e.res;
        let title = format!(
            " {} {} — {} ",
            r.kind.singular(),
            if r.name.is_empty() { &r.id } else { &r.name },
            r.workspace
        );
        Details {
            kind: r.kind,
            ws,
            id: r.id.clone(),
            title,
            lines: lines(e, tz, None),
            scroll: 0,
            related: None,
            gantt: None,
            reread: super::gantt::Reread::default(),
        }
    }

    /// Show related items (they go above the API object).
    pub fn set_related(&mut self, e: &Entry, related: (String, Vec<String>), tz: &jiff::tz::TimeZone) {
        self.related = Some(related);
        self.refresh(e, tz);
    }

    /// Rebuild from a refreshed row, keeping the scroll position.
    pub fn refresh(&mut self, e: &Entry, tz: &jiff::tz::TimeZone) {
        self.lines = lines(e, tz, self.related.as_ref());
        self.scroll = self.scroll.min(self.lines.len().saturating_sub(1));
    }
}

/// The longest line the details keep (it wraps on screen): a value longer than this is from a
/// broken service, and wrapping megabytes would cost every frame.
const MAX_LINE: usize = 4_000;

fn bounded(text: &str) -> String {
    match text.char_indices().nth(MAX_LINE) {
        Some((end, _)) => format!("{}… ({} more characters)", &text[..end], text[end..].chars().count()),
        None => text.to_string(),
    }
}

fn field(label: &'static str, value: impl Into<String>) -> DetailLine {
    DetailLine::Field { label, value: value.into() }
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".into())
}

fn lines(e: &Entry, tz: &jiff::tz::TimeZone, related: Option<&(String, Vec<String>)>) -> Vec<DetailLine> {
    let r = &e.res;
    let time = |t: Option<jiff::Timestamp>| {
        t.map(|t| t.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M:%S %Z").to_string())
            .unwrap_or_else(|| "—".into())
    };
    let mut out = vec![
        field("Kind", r.kind.singular()),
        field("Workspace", r.workspace.clone()),
        field("Name", r.name.clone()),
        field("Id", r.id.clone()),
        field("State", format!("{} ({})", r.state_label(), r.status)),
        field("Owner", opt(&r.owner)),
        field("Started", time(r.started_at)),
        field("Ended", time(r.ended_at)),
    ];
    match &r.detail {
        Detail::Session { idle_timeout_at, high_concurrency, read_only, lakehouse, app_id } => {
            out.push(field("High concurrency", if *high_concurrency { "yes" } else { "no" }));
            out.push(field("Idle timeout at", time(*idle_timeout_at)));
            out.push(field("Lakehouse", opt(lakehouse)));
            out.push(field("Spark app", opt(app_id)));
            if *read_only {
                out.push(field("Read-only", "from the workspace monitoring list; act on it in Fabric"));
            }
        }
        Detail::Batch { file, lakehouse, app_id } => {
            out.push(field("File", opt(file)));
            out.push(field("Lakehouse", opt(lakehouse)));
            out.push(field("Spark app", opt(app_id)));
        }
        Detail::Cluster { workers, runtime, node_type, source, pinned } => {
            out.push(field("Workers", workers.clone()));
            out.push(field("Runtime", opt(runtime)));
            out.push(field("Node type", opt(node_type)));
            out.push(field("Source", opt(source)));
            out.push(field("Pinned", if *pinned { "yes" } else { "no" }));
            if let Some(msg) = &r.state_message {
                out.push(field("Message", msg.clone()));
            }
        }
        Detail::Run { job_id, job_name, trigger, result, tasks } => {
            out.push(field("Job id", job_id.map_or_else(|| "—".into(), |j| j.to_string())));
            out.push(field("Job / run name", opt(job_name)));
            out.push(field("Trigger", opt(trigger)));
            out.push(field("Result", opt(result)));
            if let Some(msg) = &r.state_message {
                out.push(field("Message", msg.clone()));
            }
            // The row's own tasks (expanded lists carry them) until `runs/get` has been read.
            // (A multi-task run's timeline is drawn above these lines once it is read.)
            if related.is_none()
                && let Some(tasks) = tasks.as_ref().filter(|t| !t.is_empty())
            {
                out.push(DetailLine::Heading(format!("Tasks ({})", tasks.len())));
                out.extend(tasks.iter().map(|t| field("Task", t.clone())));
            }
        }
        Detail::Job { job_id, schedule, paused, parameters, recent, url } => {
            out.push(field("Job id", job_id.to_string()));
            let schedule = schedule.clone().unwrap_or_else(|| "none (started by hand or by API)".into());
            out.push(field("Schedule", if *paused { format!("{schedule} (paused)") } else { schedule }));
            let declared: Vec<String> = parameters.iter().map(|(k, v)| format!("{k}={v}")).collect();
            out.push(field(
                "Parameters",
                if declared.is_empty() {
                    "none declared (p passes notebook_params)".into()
                } else {
                    declared.join(" ")
                },
            ));
            out.push(field("Page", opt(url)));
            // The polled runs until the longer history has been read.
            if related.is_none() && !recent.is_empty() {
                out.push(DetailLine::Heading(format!("Last {} runs (newest first)", recent.len())));
                out.extend(recent.iter().map(|run| {
                    DetailLine::Text(format!("{:<14} {:<24} {}", run.run_id, run.state, time(run.started_at)))
                }));
            }
        }
    }
    match related {
        Some((heading, items)) => {
            out.push(DetailLine::Heading(heading.clone()));
            if items.is_empty() {
                out.push(DetailLine::Text("(none)".into()));
            }
            out.extend(items.iter().map(|l| DetailLine::Text(l.clone())));
        }
        None if matches!(r.detail, Detail::Cluster { .. } | Detail::Session { read_only: false, .. })
            || matches!(r.detail, Detail::Run { tasks: None, .. } | Detail::Job { .. }) =>
        {
            out.push(DetailLine::Heading("Related".into()));
            out.push(DetailLine::Text("reading…".into()));
        }
        None => {}
    }
    out.push(DetailLine::Heading("API object".into()));
    out.extend(r.raw_pretty().lines().map(|l| DetailLine::Json(bounded(l))));
    for line in &mut out {
        if let DetailLine::Field { value, .. } = line {
            *value = bounded(value);
        }
    }
    out
}

/// What a failed read of related items says: in words where the cause is known (a session's
/// statements are gone once it ended), else the whole cause.
pub(super) fn related_failure(kind: Kind, ended: bool, p: &Problem) -> (String, Vec<String>) {
    let gone = p.is_not_found();
    let (heading, words) = match kind {
        Kind::Session => (
            "Recent statements",
            match (gone, ended) {
                (true, true) => Some("statements are gone: the session ended, and Livy forgets them with it"),
                (true, false) => {
                    Some("statements are gone: the lakehouse's Livy API no longer knows this session")
                }
                _ => None,
            },
        ),
        Kind::Cluster => ("Recent events", gone.then_some("events are gone: the cluster was deleted")),
        Kind::Run => (
            "Tasks",
            gone.then_some("tasks are gone: the run was deleted, or is older than the workspace keeps"),
        ),
        Kind::Job => ("Recent runs", gone.then_some("the job is gone: it was deleted")),
        Kind::Batch => ("Related", None),
    };
    let line = match words {
        Some(w) => format!("{w} ({})", p.cause()),
        None => format!("cannot read them: {}", p.summary()),
    };
    (heading.into(), vec![line])
}

impl App {
    /// `Enter` on a row: its details, and a read of what is related to it (a cluster's events,
    /// a session's statements, a run's tasks; nothing for items sparkdeck cannot act on).
    pub(super) fn open_details(&mut self) -> Vec<Effect> {
        let vs = self.pane_state();
        let Some((r, e)) = vs.rows.get(vs.selected).copied().and_then(|r| Some((r, self.entry(r)?))) else {
            return Vec::new();
        };
        let mut details = Details::new(r.ws(), e, &self.tz);
        let read_only = matches!(e.res.detail, Detail::Session { read_only: true, .. });
        let load = (matches!(e.res.kind, Kind::Cluster | Kind::Session | Kind::Run | Kind::Job)
            && !read_only)
            .then(|| Effect::LoadRelated { target: Target::of(&e.res) });
        if load.is_some() && e.res.kind == Kind::Run {
            details.reread = super::gantt::Reread { in_flight: true, live: !e.res.status.is_terminal() };
        }
        self.details = Some(details);
        load.into_iter().collect()
    }

    /// Scroll the details overlay by a motion.
    pub(super) fn scroll_details(&mut self, command: Command) {
        // Inside the overlay's borders.
        let rect = super::layout::details(self.areas().body);
        let mut height = usize::from(rect.height).saturating_sub(2);
        // The resource usage chart covers the bottom rows.
        let inner = ratatui::layout::Rect { height: rect.height.saturating_sub(2), ..rect };
        if let Some(chart) = self.usage.as_ref().and_then(|_| super::layout::usage(inner)) {
            height = height.saturating_sub(usize::from(chart.height));
        }
        let height = height.max(1);
        if let Some(d) = &mut self.details {
            let last = d.lines.len().saturating_sub(height);
            d.scroll = moved(d.scroll, last, height, command);
        }
    }
}
