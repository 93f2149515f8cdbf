//! A clock tick draws only the live cells again (`ui::redraw_live`): laid over the last frame
//! they make the frame the whole renderer makes at that second, cell for cell and style for
//! style, in every pane and size, with the selection anywhere, marked, flashing and stale rows;
//! and they are used for most ticks, not bypassed.

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::SignedDuration;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use sparkdeck::app::{App, Msg, Pane, Redraw};
use sparkdeck::domain::{Kind, Problem};
use sparkdeck::ui::{self, Drawn, Theme};
use tui_support::{NOW, loaded_app, ts};

fn press(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn terminal((w, h): (u16, u16)) -> Terminal<TestBackend> {
    match Terminal::new(TestBackend::new(w, h)) {
        Ok(t) => t,
        Err(e) => match e {},
    }
}

/// The whole frame of `app`, and where its live cells went.
fn whole(t: &mut Terminal<TestBackend>, app: &App, theme: &Theme) -> (Buffer, Drawn) {
    let mut drawn = Drawn::default();
    if let Err(e) = t.draw(|f| drawn = ui::draw(f, app, theme)) {
        match e {}
    }
    (t.backend().buffer().clone(), drawn)
}

/// Ticks `app` once a second for `secs` seconds from NOW, drawing as the event loop does:
/// after a tick that changed only live cells, the last frame with those drawn again, which
/// must equal the whole frame. Returns (ticks drawn by `redraw_live`, ticks drawn whole).
fn tick_and_compare(app: &mut App, size: (u16, u16), secs: i64, label: &str) -> (usize, usize) {
    let theme = Theme::dark();
    let mut t = terminal(size);
    app.update(Msg::Resize { width: size.0, height: size.1 });
    let (mut last, mut drawn) = whole(&mut t, app, &theme);
    app.take_redraw();
    let (mut live, mut all) = (0, 0);
    for s in 1..=secs {
        let at = ts(NOW) + SignedDuration::from_secs(s);
        app.update(Msg::Tick(at));
        let redraw = app.take_redraw();
        if redraw == Redraw::Nothing {
            continue;
        }
        let (full, next) = whole(&mut t, app, &theme);
        if redraw == Redraw::Live {
            if let Some(cells) = ui::redraw_live(app, &theme, &drawn) {
                live += 1;
                let mut patched = last.clone();
                for b in &cells {
                    for p in b.area.positions() {
                        patched[p] = b[p].clone();
                    }
                }
                assert_eq!(patched, full, "{label}: the tick at {at} drew live cells unlike the whole frame");
                continue;
            }
        } else {
            all += 1;
        }
        (last, drawn) = (full, next);
    }
    (live, all)
}

fn pane(p: Pane) -> App {
    loaded_app().with_pane(p)
}

#[test]
fn a_tick_draws_the_live_cells_as_the_whole_frame_does_in_every_pane_and_size() {
    for p in [Pane::Sessions, Pane::Batches, Pane::Clusters, Pane::Runs, Pane::All] {
        for size in [(140, 32), (80, 24), (200, 60), (60, 12)] {
            for moves in [0, 1, 3] {
                let mut app = pane(p);
                app.update(Msg::Resize { width: size.0, height: size.1 });
                for _ in 0..moves {
                    press(&mut app, KeyCode::Down);
                }
                let label = format!("{p:?} {}x{} selection +{moves}", size.0, size.1);
                let (live, _) = tick_and_compare(&mut app, size, 75, &label);
                if matches!(p, Pane::Sessions | Pane::Runs | Pane::All) {
                    assert!(live > 30, "{label}: ticks drew live cells alone only {live} times");
                }
            }
        }
    }
}

#[test]
fn marked_flashing_and_stale_rows_keep_their_look_on_a_tick() {
    // A marked row (bold), a stale workspace (muted rows, its age in the header).
    let mut app = pane(Pane::All);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char(' '));
    app.update(Msg::PollFailed {
        workspace: "fabric-prod".into(),
        kind: Kind::Session,
        problem: Problem::text("connection reset"),
        at: ts(NOW),
    });
    let (live, all) = tick_and_compare(&mut app, (140, 32), 40, "marked and stale");
    assert!(live + all > 0, "the ticks drew");
    // A changed row flashes, then stops: the fade is a whole frame, the ticks around it live.
    let mut app = pane(Pane::Runs);
    let mut rows = tui_support::runs();
    let finished = serde_json::json!({"run_id": 884211, "job_id": 7001, "run_name": "hourly-aggregates",
        "state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"},
        "start_time": ts("2026-11-22T09:55:02Z").as_millisecond(),
        "end_time": ts("2026-11-22T10:00:00Z").as_millisecond()});
    let finished =
        sparkdeck::api::Fetched::decode("GET", "/fixture", finished).unwrap_or_else(|e| panic!("{e}"));
    rows[0] = sparkdeck::workspace::convert::run_row("adb-prod", finished);
    app.update(Msg::Rows {
        workspace: "adb-prod".into(),
        kind: Kind::Run,
        rows: rows.into(),
        fetched_at: ts(NOW),
    });
    let (live, all) = tick_and_compare(&mut app, (140, 32), 30, "flashing");
    assert!(live > 10 && all >= 1, "live {live}, whole {all}");
}

#[test]
fn covered_rows_are_drawn_whole() {
    // Under the details or help, a tick's live cells are not drawn over the overlay.
    for key in [KeyCode::Enter, KeyCode::Char('?')] {
        let mut app = pane(Pane::Runs);
        press(&mut app, key);
        let (live, _) = tick_and_compare(&mut app, (140, 32), 20, "covered");
        assert_eq!(live, 0, "{key:?}: live cells drawn over an overlay");
    }
}
