//! A Databricks job as the Jobs pane shows it: its recent runs (for the strip of coloured marks
//! and the duration sparkline), its schedule and declared parameters, and how `run-now` passes
//! parameters typed as `KEY=VALUE ...`.

use jiff::{SignedDuration, Timestamp};

use super::Status;

/// One of a job's recent runs.
#[derive(Debug, Clone, PartialEq)]
pub struct RecentRun {
    pub run_id: String,
    pub status: Status,
    /// The service's words: `TERMINATED/FAILED`, `RUNNING`.
    pub state: String,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
}

impl RecentRun {
    /// Start to end, or to `now` while it runs; `None` before it starts.
    pub fn duration(&self, now: Timestamp) -> Option<SignedDuration> {
        Some(self.ended_at.unwrap_or(now).duration_since(self.started_at?))
    }
}

/// The mark a run leaves in a job's strip: one narrow glyph per state, so the strip reads
/// without colour too.
pub fn mark(status: Status) -> char {
    match status {
        Status::Succeeded => '●',
        Status::Failed => '✗',
        Status::Cancelled => '○',
        Status::Busy | Status::Ready => '▶',
        Status::Pending => '◌',
        Status::Unknown => '?',
    }
}

/// The strip's runs (given newest first) in words, oldest first as on screen: what the search
/// text has for the RUNS column ("succeeded failed", so `runs:failed$` finds a job whose last
/// run failed).
pub fn strip_words(recent: &[RecentRun]) -> String {
    let words: Vec<&str> = recent.iter().rev().map(|r| r.status.as_str()).collect();
    words.join(" ")
}

/// The SCHEDULE column: the cron or trigger (" (paused)" when it is), or "manual" for a job
/// started only by hand or by API.
pub fn schedule_text(schedule: Option<&str>, paused: bool) -> String {
    match (schedule, paused) {
        (Some(s), true) => format!("{s} (paused)"),
        (Some(s), false) => s.to_string(),
        (None, _) => "manual".into(),
    }
}

/// The strip of a job's recent runs (given newest first), oldest on the left.
pub fn strip(recent: &[RecentRun]) -> String {
    recent.iter().rev().map(|r| mark(r.status)).collect()
}

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The bar heights (0–7) of the recent runs' durations (given newest first), oldest on the
/// left, scaled to the longest; `None` for a run that has not started. A running run counts to
/// `now`, so its bar grows.
pub fn bar_levels(recent: &[RecentRun], now: Timestamp) -> Vec<Option<usize>> {
    let secs: Vec<Option<i64>> =
        recent.iter().rev().map(|r| r.duration(now).map(|d| d.as_secs().max(0))).collect();
    let longest = secs.iter().flatten().copied().max().unwrap_or(0).max(1);
    secs.iter().map(|s| s.map(|s| ((s * (BARS.len() as i64 - 1) + longest / 2) / longest) as usize)).collect()
}

/// The duration sparkline: one block character per run (a space where a run has not started).
pub fn sparkline(recent: &[RecentRun], now: Timestamp) -> String {
    bar_levels(recent, now).into_iter().map(|l| l.map_or(' ', |l| BARS[l.min(BARS.len() - 1)])).collect()
}

/// Runs of a job the Jobs pane reads (one `runs/list?job_id=…&limit=N` per job).
pub const RECENT_RUNS: usize = 10;

/// How `run-now` takes parameters: a job that declares parameters takes `job_parameters`; one
/// that does not takes them as its notebook tasks' `notebook_params` (Jobs API 2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunParameters {
    Job(Vec<(String, String)>),
    Notebook(Vec<(String, String)>),
}

impl RunParameters {
    /// `pairs` for a job that declares the parameters `declared` (empty: none).
    pub fn for_job(declared: &[String], pairs: Vec<(String, String)>) -> RunParameters {
        if declared.is_empty() { RunParameters::Notebook(pairs) } else { RunParameters::Job(pairs) }
    }

    pub fn pairs(&self) -> &[(String, String)] {
        match self {
            RunParameters::Job(p) | RunParameters::Notebook(p) => p,
        }
    }

    /// "job parameters run_date=2026-12-01 env=dev" for confirmations.
    pub fn describe(&self) -> String {
        let what = match self {
            RunParameters::Job(_) => "job parameters",
            RunParameters::Notebook(_) => "notebook parameters",
        };
        let pairs: Vec<String> = self.pairs().iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{what} {}", pairs.join(" "))
    }
}

/// `KEY=VALUE ...` as typed after `p`: shell-like words (quotes keep spaces in a value), each
/// `KEY=VALUE` with a non-empty key, each key once. `declared`: the job's parameter names (a
/// key it does not declare is refused, with the names it does).
pub fn parse_parameters(text: &str, declared: &[String]) -> Result<Vec<(String, String)>, String> {
    let words = shlex::split(text).ok_or_else(|| "an unclosed quote: close it, or drop it".to_string())?;
    if words.is_empty() {
        return Err("type at least one KEY=VALUE (r runs the job without parameters)".into());
    }
    let mut pairs: Vec<(String, String)> = Vec::new();
    for w in words {
        let Some((k, v)) = w.split_once('=').filter(|(k, _)| !k.trim().is_empty()) else {
            return Err(format!("{w:?} is not KEY=VALUE"));
        };
        let k = k.trim().to_string();
        if pairs.iter().any(|(seen, _)| *seen == k) {
            return Err(format!("{k} is given twice"));
        }
        if !declared.is_empty() && !declared.contains(&k) {
            return Err(format!("the job has no parameter {k} (it has {})", declared.join(", ")));
        }
        pairs.push((k, v.to_string()));
    }
    Ok(pairs)
}

/// The prompt's starting text for a job: its declared parameters with their defaults.
pub fn parameters_template(declared: &[(String, String)]) -> String {
    declared
        .iter()
        .map(|(k, v)| {
            let pair = format!("{k}={v}");
            let plain = !pair.chars().any(|c| c.is_whitespace() || "'\"\\$`".contains(c));
            if plain { pair } else { shlex::try_quote(&pair).map(|q| q.into_owned()).unwrap_or(pair) }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(secs: i64) -> Timestamp {
        Timestamp::from_second(1_767_225_600 + secs).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn run(status: Status, start: Option<i64>, end: Option<i64>) -> RecentRun {
        RecentRun {
            run_id: "1".into(),
            status,
            state: String::new(),
            started_at: start.map(ts),
            ended_at: end.map(ts),
        }
    }

    #[test]
    fn the_strip_reads_oldest_to_newest_with_a_glyph_per_state() {
        let newest_first = [
            run(Status::Busy, Some(0), None),
            run(Status::Failed, Some(0), Some(60)),
            run(Status::Succeeded, Some(0), Some(60)),
            run(Status::Cancelled, Some(0), Some(60)),
            run(Status::Pending, None, None),
        ];
        assert_eq!(strip(&newest_first), "◌○●✗▶");
        assert_eq!(strip(&[]), "");
    }

    #[test]
    fn the_sparkline_scales_to_the_longest_and_a_running_run_grows() {
        // Newest first: running since 0, then 100 s, 400 s, 800 s, one not started.
        let recent = [
            run(Status::Busy, Some(0), None),
            run(Status::Succeeded, Some(0), Some(100)),
            run(Status::Succeeded, Some(0), Some(400)),
            run(Status::Failed, Some(0), Some(800)),
            run(Status::Pending, None, None),
        ];
        assert_eq!(bar_levels(&recent, ts(10)), [None, Some(7), Some(4), Some(1), Some(0)]);
        assert_eq!(sparkline(&recent, ts(10)), " █▅▂▁");
        // Later the running one is the longest.
        assert_eq!(sparkline(&recent, ts(1600)), " ▅▃▁█");
        // Zero-length runs and a lone run do not divide by zero.
        assert_eq!(sparkline(&[run(Status::Succeeded, Some(5), Some(5))], ts(0)), "▁");
        assert_eq!(sparkline(&[], ts(0)), "");
    }

    fn declared(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn parameters_parse_as_shell_words() {
        let p = parse_parameters("run_date=2026-12-01 note='two words' empty=", &[]);
        assert_eq!(
            p,
            Ok(vec![
                ("run_date".into(), "2026-12-01".into()),
                ("note".into(), "two words".into()),
                ("empty".into(), String::new())
            ])
        );
        assert_eq!(parse_parameters("a=1=2", &[]), Ok(vec![("a".into(), "1=2".into())]));
    }

    #[test]
    fn bad_parameters_say_what_is_wrong() {
        assert!(parse_parameters("", &[]).is_err_and(|e| e.contains("at least one")));
        assert!(parse_parameters("novalue", &[]).is_err_and(|e| e.contains("\"novalue\" is not KEY=VALUE")));
        assert!(parse_parameters("=x", &[]).is_err_and(|e| e.contains("not KEY=VALUE")));
        assert!(parse_parameters("a=1 a=2", &[]).is_err_and(|e| e.contains("a is given twice")));
        assert!(parse_parameters("a='open", &[]).is_err_and(|e| e.contains("unclosed quote")));
        let e = parse_parameters("envv=dev", &declared(&["run_date", "env"]));
        assert_eq!(e, Err("the job has no parameter envv (it has run_date, env)".into()));
    }

    #[test]
    fn declared_parameters_go_as_job_parameters_else_notebook_params() {
        let pairs = vec![("env".to_string(), "dev".to_string())];
        assert!(matches!(RunParameters::for_job(&declared(&["env"]), pairs.clone()), RunParameters::Job(_)));
        let legacy = RunParameters::for_job(&[], pairs);
        assert_eq!(legacy.describe(), "notebook parameters env=dev");
    }

    #[test]
    fn the_template_quotes_what_needs_it() {
        let t = parameters_template(&[("env".into(), "prod".into()), ("note".into(), "a b".into())]);
        assert_eq!(t, "env=prod 'note=a b'");
        assert_eq!(parse_parameters(&t, &[]).map(|p| p.len()), Ok(2));
    }
}
