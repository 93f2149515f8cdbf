//! `[[alerts]]`: once per item entering the match, quiet at start unless `on_start`.

use super::*;
use crate::app::alerts::{Alert, Channels};

const BELL: Channels = Channels { bell: true, osc9: false, osc777: false };

fn alerts(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Alert { body, .. } => Some(body.clone()),
            _ => None,
        })
        .collect()
}

fn failing_app(on_start: bool) -> App {
    let alert = Alert::new("prod failures", "state:failed ws:prod kind:run", BELL, on_start);
    app().with_alerts(alert.into_iter().collect())
}

fn poll(app: &mut App, runs: Vec<Resource>) -> Vec<Effect> {
    app.update(Msg::Rows {
        workspace: "adb-prod".into(),
        kind: Kind::Run,
        rows: runs.into(),
        fetched_at: ts(T0),
    })
}

#[test]
fn an_item_entering_the_match_fires_once_and_what_matched_at_start_does_not() {
    let mut app = failing_app(false);
    let old = run(3, "ml-train", "TERMINATED", Some("FAILED"), "2026-11-22T08:00:00Z");
    let live = run(2, "hourly-agg", "RUNNING", None, "2026-11-22T09:55:00Z");
    assert!(alerts(&poll(&mut app, vec![old.clone(), live.clone()])).is_empty(), "the start is quiet");
    let failed = run(2, "hourly-agg", "INTERNAL_ERROR", Some("FAILED"), "2026-11-22T09:55:00Z");
    let fired = alerts(&poll(&mut app, vec![old.clone(), failed.clone()]));
    assert_eq!(fired, ["alert \"prod failures\": run hourly-agg (2) is INTERNAL_ERROR/FAILED"]);
    assert!(app.events().front().is_some_and(|e| e.text == fired[0] && e.level == Level::Error));
    assert!(app.message().is_some_and(|m| m.text.starts_with("adb-prod: alert \"prod failures\"")));
    assert!(alerts(&poll(&mut app, vec![old.clone(), failed.clone()])).is_empty(), "once");
    // Repaired (running again) it leaves the match; failing again, it enters it again.
    assert!(alerts(&poll(&mut app, vec![old.clone(), live])).is_empty());
    assert_eq!(alerts(&poll(&mut app, vec![old, failed])).len(), 1);
    // Other kinds and workspaces do not match.
    let other = app.update(Msg::Rows {
        workspace: "fabric-prod".into(),
        kind: Kind::Session,
        rows: vec![session("s-1", "etl", "dead"), session("s-2", "x", "idle")].into(),
        fetched_at: ts(T0),
    });
    assert!(alerts(&other).is_empty());
    let later = app.update(Msg::Rows {
        workspace: "fabric-prod".into(),
        kind: Kind::Session,
        rows: vec![session("s-1", "etl", "dead"), session("s-2", "x", "dead")].into(),
        fetched_at: ts(T0),
    });
    assert!(alerts(&later).is_empty(), "kind:run only");
}

#[test]
fn on_start_fires_for_what_already_matches_and_channels_travel_with_the_effect() {
    let mut app = failing_app(true);
    let effects =
        poll(&mut app, vec![run(3, "ml-train", "TERMINATED", Some("FAILED"), "2026-11-22T08:00:00Z")]);
    assert!(
        matches!(effects.as_slice(), [Effect::Alert { title, notify, .. }] if title == "sparkdeck: adb-prod" && *notify == BELL),
        "{effects:?}"
    );
}

#[test]
fn field_terms_match_the_row() {
    let e = |r: Resource| Entry::new(r, &TimeZone::UTC, None, ts(T0));
    let q = |text: &str| {
        let filter = crate::app::filter::Filter::parse(text, None).unwrap_or_else(|e| panic!("{e}"));
        filter.unwrap_or_else(|| panic!("{text}: no terms"))
    };
    let me = crate::app::store::Me::NotAsked;
    let failed = e(run(3, "ml-train", "TERMINATED", Some("FAILED"), "2026-11-22T08:00:00Z"));
    let dead = e(session("s-1", "etl-nightly", "dead"));
    for (text, on_failed, on_dead) in [
        ("state:failed", true, true),
        ("state:FAILED kind:run", true, false),
        ("state:dead", false, true),
        ("state:ended ws:fabric", false, true),
        ("state:active", false, false),
        ("name~^etl-", false, true),
        ("!kind:session state:failed", true, false),
        ("owner:grace", false, true),
        ("id:s-1", false, true),
        ("train", true, false),
    ] {
        assert_eq!(
            (q(text).matches(&failed, &me), q(text).matches(&dead, &me)),
            (on_failed, on_dead),
            "{text}"
        );
    }
}

#[test]
fn a_when_that_cannot_work_is_said() {
    let err = |text: &str| Alert::new("a", text, BELL, false).err().unwrap_or_default();
    for ok in ["state:failed", "ws:prod kind:run", "name~^etl", "!owner:bot etl", "state:ended"] {
        assert!(Alert::new("a", ok, BELL, false).is_ok(), "{ok}");
    }
    assert!(err("stat:failed").starts_with("unknown field \"stat\""), "{}", err("stat:failed"));
    assert!(err("kind:jib").contains("session, batch, cluster, run or job"));
    assert!(err("name~(").starts_with("invalid regex in \"name~(\""), "{}", err("name~("));
    assert!(err("state:").contains("nothing after"));
    assert!(err("  ").contains("match everything"));
    assert!(err("owner:me").contains("signed-in identity"));
}
