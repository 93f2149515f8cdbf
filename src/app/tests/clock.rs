//! What time alone redraws (`App::on_tick`, `App::needs_clock`) and what focus changes.

use super::*;

/// Ticks `at` each second from `from` for `secs` seconds; how many marked the app dirty.
fn frames(app: &mut App, from: &str, secs: i64) -> usize {
    let start = ts(from);
    let mut drawn = 0;
    app.take_dirty();
    for s in 1..=secs {
        app.update(Msg::Tick(start + SignedDuration::from_secs(s)));
        drawn += usize::from(app.take_dirty());
    }
    drawn
}

#[test]
fn a_young_duration_draws_each_second_an_old_one_each_minute() {
    let mut young = app().with_pane(Pane::Runs);
    rows(&mut young, Kind::Run, "adb-prod", vec![run(2, "agg", "RUNNING", None, "2026-11-22T09:58:00Z")], T0);
    assert!(young.needs_clock());
    // Two minutes old: "2m 01s", "2m 02s", …
    assert_eq!(frames(&mut young, T0, 10), 10);
    // An hour-old run reads "1h 00m": the clock ticks, a frame comes once a minute.
    let mut old = app().with_pane(Pane::Runs);
    rows(&mut old, Kind::Run, "adb-prod", vec![run(2, "agg", "RUNNING", None, "2026-11-22T09:00:00Z")], T0);
    assert!(old.needs_clock(), "still live: the tick must come to see the minute turn");
    assert_eq!(frames(&mut old, T0, 120), 2);
    // Past ten minutes: to the minute.
    let mut older = app().with_pane(Pane::Runs);
    rows(&mut older, Kind::Run, "adb-prod", vec![run(2, "agg", "RUNNING", None, "2026-11-22T09:45:00Z")], T0);
    assert_eq!(frames(&mut older, T0, 60), 1);
}

#[test]
fn an_idle_countdown_draws_each_minute_until_its_last_ten() {
    let mut app = app();
    let mut s = session("s1", "nb", "idle");
    if let Detail::Session { idle_timeout_at, .. } = &mut s.detail {
        *idle_timeout_at = Some(ts("2026-11-22T10:19:30Z"));
    }
    // The session started 09:30 and is idle: only the countdown moves.
    rows(&mut app, Kind::Session, "fabric-prod", vec![s.clone()], T0);
    assert!(app.needs_clock());
    // Its duration (started 09:30) turns "31m" at 10:01 too.
    assert_eq!(frames(&mut app, T0, 60), 2, "19m → 18m, 30m → 31m");
    assert_eq!(frames(&mut app, "2026-11-22T10:10:00Z", 10), 10, "9m 29s, 9m 28s, …");
}

#[test]
fn the_editor_attached_to_an_idle_session_draws_its_countdown_once_a_minute() {
    let mut app = app();
    let sessions = vec![session("s1", "nb", "idle"), session("s2", "HC_lh_1", "starting")];
    rows(&mut app, Kind::Session, "fabric-prod", sessions, T0);
    // `e` on the idle session attaches the editor to it: "idle timeout in 20m" counts down.
    app.update(key('e'));
    assert!(app.is_editing());
    assert!(app.needs_clock(), "the countdown is on screen");
    assert!(frames(&mut app, T0, 30) <= 1, "to the minute, not the second");
    // The same rows again, every few seconds: nothing on the editor's screen changes.
    for s in (33..60).step_by(3) {
        let at = (ts(T0) + SignedDuration::from_secs(s)).to_string();
        let sessions = vec![session("s1", "nb", "idle"), session("s2", "HC_lh_1", "starting")];
        rows(&mut app, Kind::Session, "fabric-prod", sessions, &at);
        assert!(!app.take_dirty(), "a quiet poll under the editor at {at}");
    }
}

#[test]
fn unfocused_the_panes_are_polled_as_hidden_and_the_clock_stops_watched_items_excepted() {
    let mut app = app().with_pane(Pane::Runs);
    rows(&mut app, Kind::Run, "adb-prod", vec![run(2, "agg", "RUNNING", None, "2026-11-22T09:59:00Z")], T0);
    assert!(app.needs_clock());
    assert!(app.update(Msg::Focus(false)).contains(&hidden()));
    assert!(app.is_paused());
    assert!(!app.needs_clock(), "nobody looks: no clock");
    app.take_dirty();
    // Focus back: visible again (the pollers read at once), drawn again.
    let runs = Effect::SetVisible { workspaces: vec!["adb-prod".into()], kinds: vec![Kind::Run] };
    assert!(app.update(Msg::Focus(true)).contains(&runs));
    assert!(app.take_dirty());
    assert!(app.needs_clock());
    // A watched run keeps its pace while unfocused, so its end is told in time.
    app.update(key('w'));
    assert!(app.update(Msg::Focus(false)).is_empty(), "the watched run's pane is what was visible");
    assert!(!app.needs_clock());
    // Unwatched while unfocused is not possible (no keys come), so refocus and unwatch.
    app.update(Msg::Focus(true));
    app.update(key('w'));
    assert!(app.update(Msg::Focus(false)).contains(&hidden()));
}

#[test]
fn without_pausing_focus_changes_nothing() {
    let mut app = app().with_pane(Pane::Runs).with_pause_unfocused(false);
    rows(&mut app, Kind::Run, "adb-prod", vec![run(2, "agg", "RUNNING", None, "2026-11-22T09:59:00Z")], T0);
    assert!(app.update(Msg::Focus(false)).is_empty());
    assert!(!app.is_paused());
    assert!(app.needs_clock());
}

#[test]
fn a_tick_after_other_news_reads_the_screen_as_it_now_is() {
    // Ticks alone reuse the last tick's reading of the screen; anything else comes between,
    // and the next tick reads it afresh.
    let mut app = app().with_pane(Pane::Runs);
    rows(&mut app, Kind::Run, "adb-prod", vec![run(2, "agg", "RUNNING", None, "2026-11-22T09:58:00Z")], T0);
    assert_eq!(frames(&mut app, T0, 3), 3, "2m 01s, 2m 02s, 2m 03s");
    // The run ends: that poll draws its frame; its flash fades in one frame; then nothing.
    let ended = run(2, "agg", "TERMINATED", Some("SUCCESS"), "2026-11-22T09:58:00Z");
    rows(&mut app, Kind::Run, "adb-prod", vec![ended], "2026-11-22T10:00:03Z");
    assert!(app.take_dirty(), "the new state is drawn");
    assert_eq!(frames(&mut app, "2026-11-22T10:00:03Z", 10), 1, "the flash's end, and no duration ticking");
}
