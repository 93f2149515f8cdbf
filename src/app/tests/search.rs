//! Every column a pane shows as text is in the rows' search text: `/` finds it and its field
//! filter (`schedule:`, `runs:`, `runtime:` …) reads it, checked against `domain::columns`.

use super::*;
use crate::app::filter::Filter;
use crate::app::store::{Entry, Me};
use crate::domain::Column;
use crate::domain::columns::columns_of;
use crate::domain::job::RecentRun;

fn job(name: &str, schedule: Option<&str>, paused: bool, recent: &[Status]) -> Resource {
    let recent = recent
        .iter()
        .enumerate()
        .map(|(i, s)| RecentRun {
            run_id: i.to_string(),
            status: *s,
            state: String::new(),
            started_at: None,
            ended_at: None,
        })
        .collect();
    let detail = Detail::Job {
        job_id: 7,
        schedule: schedule.map(str::to_string),
        paused,
        parameters: Vec::new(),
        recent,
        url: None,
    };
    Resource {
        owner: Some("ada@contoso.com".into()),
        started_at: Some(ts(T0)),
        ..row(Kind::Job, "7", name, (Status::Succeeded, "TERMINATED/SUCCESS"), detail, json!({}))
    }
}

fn batch() -> Resource {
    let detail = Detail::Batch {
        file: Some("abfss://x@onelake/Files/jobs/etl_main.py".into()),
        lakehouse: Some("sales_lh".into()),
        app_id: Some("application_1".into()),
    };
    Resource {
        owner: Some("Grace".into()),
        started_at: Some(ts(T0)),
        ..row(Kind::Batch, "b-1", "etl", (Status::Busy, "running"), detail, json!({}))
    }
}

fn entry(res: Resource) -> Entry {
    Entry::new(res, &TimeZone::UTC, None, ts(T0))
}

fn every_kind() -> Vec<Resource> {
    vec![
        session("s-1", "HC_etl", "idle"),
        batch(),
        Resource {
            owner: Some("ada@contoso.com".into()),
            started_at: Some(ts(T0)),
            ..cluster_row("c-1", "shared", "RUNNING", "2–8")
        },
        run(2, "hourly-agg", "TERMINATED", Some("FAILED"), T0),
        job("nightly", Some("0 0 2 * * ? UTC"), false, &[Status::Succeeded, Status::Failed]),
    ]
}

#[test]
fn every_text_column_of_every_pane_is_in_the_search_text() {
    for res in every_kind() {
        let kind = res.kind;
        let e = entry(res);
        // Its own pane, and the All pane (which shows no jobs).
        let panes: &[Option<Kind>] = if kind == Kind::Job { &[Some(Kind::Job)] } else { &[Some(kind), None] };
        for &pane in panes {
            for &c in columns_of(pane) {
                match e.field(c) {
                    Some(text) => {
                        assert!(c.is_text(), "{kind:?} {c:?} is no text but has {text:?}");
                        assert!(!text.is_empty(), "{kind:?} {c:?} is empty");
                        // A plain `/` leaves out the start time: every number typed would match
                        // some clock; `started:11-22` reads it.
                        let anywhere = c != Column::Started;
                        assert!(
                            !anywhere || e.haystack.contains(text),
                            "{kind:?} {c:?}: {text:?} not searched by /"
                        );
                    }
                    None => assert!(!c.is_text(), "{kind:?} pane {pane:?}: {c:?} is text but not searchable"),
                }
            }
        }
    }
}

#[test]
fn a_job_schedule_and_its_runs_read_as_the_pane_shows_them() {
    let cron = entry(job("nightly", Some("0 0 2 * * ? UTC"), false, &[Status::Failed, Status::Succeeded]));
    assert_eq!(cron.field(Column::Schedule), Some("0 0 2 * * ? utc"));
    // Newest first from the service, oldest first on screen and in the text.
    assert_eq!(cron.field(Column::Runs), Some("succeeded failed"));
    let paused = entry(job("close", Some("file arrival"), true, &[]));
    assert_eq!(paused.field(Column::Schedule), Some("file arrival (paused)"));
    assert_eq!(paused.field(Column::Runs), Some(""));
    let manual = entry(job("adhoc", None, false, &[Status::Busy]));
    assert_eq!(manual.field(Column::Schedule), Some("manual"));
    assert_eq!(manual.field(Column::Runs), Some("busy"));

    let kept = |query: &str| -> Vec<&str> {
        let filter = Filter::parse(query, Some(Kind::Job)).ok().flatten();
        let Some(filter) = filter else { panic!("{query} does not parse") };
        [&cron, &paused, &manual]
            .into_iter()
            .filter(|e| filter.matches(e, &Me::NotAsked))
            .map(|e| e.res.name.as_str())
            .collect()
    };
    assert_eq!(kept("schedule:manual"), ["adhoc"]);
    assert_eq!(kept("schedule:paused"), ["close"]);
    assert_eq!(kept("\"0 0 2 * * ?\""), ["nightly"]);
    assert_eq!(kept(r"schedule~^0\s0\s2"), ["nightly"]);
    assert_eq!(kept("arrival"), ["close"]);
    // The strip's newest mark is the last word: the nightly job's last run failed.
    assert_eq!(kept("runs~failed$"), ["nightly"]);
    assert_eq!(kept("runs~^succeeded"), ["nightly"]);
    assert_eq!(kept("runs:failed"), ["nightly"]);
    assert_eq!(kept("runs~busy$"), ["adhoc"]);
    assert_eq!(kept("!runs:failed"), ["close", "adhoc"]);
}
