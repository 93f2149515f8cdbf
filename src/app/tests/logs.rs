//! The logs view.

use super::*;

#[test]
fn logs_open_follow_search_and_close() {
    let mut app = app();
    runs_fixture(&mut app);
    app.update(key('4'));
    let effects = app.update(key('l'));
    let target = match effects.as_slice() {
        [Effect::FollowLogs { target }, hidden] if *hidden == super::hidden() => target.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(app.focus(), Scope::Logs);
    let lines: Vec<String> = (0..60).map(|i| format!("line {i}")).collect();
    app.update(Msg::Logs {
        target: target.clone(),
        lines,
        whole: true,
        finished: false,
        error_at: None,
        earlier: Default::default(),
    });
    let logs = app.logs().cloned().unwrap_or_else(|| panic!("logs open"));
    assert!(logs.follow && logs.scroll > 0, "follows the end: {}", logs.scroll);
    // Reads for another item (a previous view) are ignored.
    let other = Target { id: "other".into(), ..target.clone() };
    app.update(Msg::LogsFailed { target: other, problem: crate::domain::Problem::text("nope") });
    assert_eq!(app.logs().and_then(|l| l.error.clone()), None);
    // Scrolling up pauses following; `/` searches from the top of the view.
    app.update(key('g'));
    assert!(app.logs().is_some_and(|l| !l.follow && l.scroll == 0));
    app.update(key('/'));
    for c in "line 42".chars() {
        app.update(key(c));
    }
    app.update(code(KeyCode::Enter));
    assert_eq!(app.logs().map(|l| l.scroll), Some(42));
    let shown_again = Effect::SetVisible { workspaces: vec!["adb-prod".into()], kinds: vec![Kind::Run] };
    assert_eq!(
        app.update(code(KeyCode::Esc)),
        vec![Effect::StopLogs, shown_again],
        "the pane is polled again"
    );
    assert!(app.logs().is_none());
}

fn open_cluster_logs(app: &mut App) -> Target {
    app.update(key('3'));
    rows(app, Kind::Cluster, "adb-prod", vec![cluster_row("0101-a", "shared", "RUNNING", "4")], T0);
    // (The pane under the logs is then polled as hidden: a SetVisible follows.)
    match app.update(key('l')).as_slice() {
        [Effect::FollowLogs { target }, ..] => target.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn g_at_the_top_reads_earlier_lines_when_there_are_more() {
    use crate::domain::logs::Earlier;
    let mut app = app();
    let target = open_cluster_logs(&mut app);
    let lines = |n: usize| (0..n).map(|i| format!("event {i}")).collect::<Vec<_>>();
    app.update(Msg::Logs {
        target: target.clone(),
        lines: lines(100),
        whole: true,
        finished: false,
        error_at: None,
        earlier: Earlier::More,
    });
    app.update(key('g'));
    assert_eq!(app.logs().map(|l| l.scroll), Some(0));
    // At the top already: g reads further back, once at a time.
    assert_eq!(app.update(key('g')), [Effect::EarlierLogs { target: target.clone() }]);
    assert!(app.update(key('g')).is_empty());
    app.update(Msg::Logs {
        target: target.clone(),
        lines: lines(150),
        whole: true,
        finished: false,
        error_at: None,
        earlier: Earlier::None,
    });
    let logs = app.logs().cloned().unwrap_or_else(|| panic!("open"));
    assert_eq!(
        (logs.lines.len(), logs.scroll, logs.follow),
        (150, 0, false),
        "the earliest lines are on screen"
    );
    assert!(app.update(key('g')).is_empty(), "nothing earlier");
}

#[test]
fn a_new_search_jumps_to_the_first_match() {
    let mut app = app();
    let target = open_cluster_logs(&mut app);
    let lines: Vec<String> =
        (0..60).map(|i| if i % 20 == 5 { format!("ERROR {i}") } else { format!("ok {i}") }).collect();
    app.update(Msg::Logs {
        target,
        lines,
        whole: true,
        finished: false,
        error_at: None,
        earlier: Default::default(),
    });
    // Following at the end; the first match is line 5, not the next one below the view.
    app.update(key('/'));
    for c in "error".chars() {
        app.update(key(c));
    }
    assert_eq!(app.logs().map(|l| l.scroll), Some(5));
    app.update(code(KeyCode::Enter));
    app.update(key('n'));
    assert_eq!(app.logs().map(|l| l.scroll), Some(25));
}

#[test]
fn a_monitoring_list_session_offers_its_spark_logs() {
    use crate::domain::logs::{Earlier, LogChoice, LogSource, Page, Placement};
    let mut app = app();
    let mut notebook = session("m-1", "Notebook 1", "busy");
    if let crate::domain::Detail::Session { read_only, .. } = &mut notebook.detail {
        *read_only = true;
    }
    rows(&mut app, Kind::Session, "fabric-prod", vec![notebook], T0);
    // `l` opens the picker on the Livy log and asks what else there is.
    let target = match app.update(key('l')).as_slice() {
        [Effect::LoadLogSources { target }, ..] => target.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(app.focus(), Scope::Logs);
    let stderr = LogSource::Driver("stderr".into());
    let executor =
        LogSource::Executor { executor: "1".into(), container: "c_000002".into(), file: "stderr".into() };
    let choices = [LogSource::Livy, stderr.clone(), executor.clone()]
        .map(|source| LogChoice { source, about: "1.0 KiB".into() })
        .to_vec();
    app.update(Msg::LogSources { target: target.clone(), result: Ok((choices, None)) });
    app.update(key('j'));
    app.update(key('j'));
    assert_eq!(
        app.update(code(KeyCode::Enter)),
        [Effect::FollowSparkLog { target: target.clone(), source: executor.clone() }]
    );
    // Pages for another log of the item (a previous choice) are ignored.
    let page = |lines: &[&str]| Page {
        lines: lines.iter().map(|l| l.to_string()).collect(),
        placement: Placement::Replace,
        finished: false,
        earlier: Earlier::None,
    };
    app.update(Msg::LogPage { target: target.clone(), source: stderr, page: page(&["other"]) });
    app.update(Msg::LogPage { target: target.clone(), source: executor, page: page(&["a", "b"]) });
    assert_eq!(app.logs().map(|l| l.lines.clone()), Some(vec!["a".to_string(), "b".into()]));
    // `l` goes back to the picker, the log no longer followed.
    assert!(matches!(app.update(key('l')).as_slice(), [Effect::StopLogs, Effect::LoadLogSources { .. }]));
    assert!(app.logs().is_some_and(|l| l.picker.is_some()));
}
