//! Snapshots of the real renderer (`ui::render`) on a `TestBackend`, fed with realistic rows
//! at a fixed time. Review changes with `cargo insta review` (or INSTA_UPDATE=always + read
//! the .snap files).

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sparkdeck::app::{App, Msg, Pane};
use sparkdeck::domain::Kind;
use sparkdeck::ui::Theme;
use tui_support::{draw, empty_app, loaded_app, runs, ts};

const WIDE: (u16, u16) = (140, 32);
const NARROW: (u16, u16) = (80, 24);

fn press(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// A loaded app on view `v`, sized like the wide snapshots so keys page as they would there.
fn pane(v: Pane) -> App {
    let mut app = loaded_app().with_pane(v);
    app.update(Msg::Resize { width: WIDE.0, height: WIDE.1 });
    app
}

#[test]
fn sessions_pane() {
    assert_snapshot!(draw(&mut pane(Pane::Sessions), WIDE).backend());
}

#[test]
fn batches_pane() {
    assert_snapshot!(draw(&mut pane(Pane::Batches), WIDE).backend());
}

#[test]
fn clusters_pane_with_a_failing_workspace_in_place() {
    assert_snapshot!(draw(&mut pane(Pane::Clusters), WIDE).backend());
}

#[test]
fn runs_pane() {
    assert_snapshot!(draw(&mut pane(Pane::Runs), WIDE).backend());
}

#[test]
fn all_view_merges_workspaces_by_recency() {
    assert_snapshot!(draw(&mut pane(Pane::All), WIDE).backend());
}

#[test]
fn details_of_a_failed_run() {
    let mut app = pane(Pane::Runs);
    keys(&mut app, "jj");
    press(&mut app, KeyCode::Enter);
    assert_snapshot!(draw(&mut app, WIDE).backend());
}

#[test]
fn details_scrolled_into_the_api_object() {
    let mut app = pane(Pane::Clusters);
    app.update(Msg::Resize { width: 100, height: 30 });
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "jjjjjjjjjjjjjjj");
    assert_snapshot!(draw(&mut app, (100, 30)).backend());
}

#[test]
fn help_for_the_clusters_pane() {
    let mut app = pane(Pane::Clusters);
    keys(&mut app, "?");
    assert_snapshot!(draw(&mut app, WIDE).backend());
}

#[test]
fn confirmation_names_the_target() {
    let mut app = pane(Pane::Sessions);
    keys(&mut app, "jj");
    keys(&mut app, "c");
    assert_snapshot!(draw(&mut app, WIDE).backend());
}

#[test]
fn read_only_refusal_message() {
    let mut app = pane(Pane::Sessions);
    // The notebook from the workspace monitoring list.
    keys(&mut app, "/notebook");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "c");
    assert_snapshot!(draw(&mut app, WIDE).backend());
}

#[test]
fn empty_panes_say_they_are_polling() {
    assert_snapshot!(draw(&mut empty_app().with_pane(Pane::Batches), WIDE).backend());
}

#[test]
fn filter_with_no_match_and_the_filter_line() {
    let mut app = pane(Pane::Runs);
    keys(&mut app, "/~^zzz");
    assert_snapshot!(draw(&mut app, WIDE).backend());
}

#[test]
fn command_line_with_completions() {
    let mut app = pane(Pane::Runs);
    keys(&mut app, ":ws ");
    press(&mut app, KeyCode::Tab);
    assert_snapshot!(draw(&mut app, WIDE).backend());
}

#[test]
fn one_workspace_scope_drops_the_workspace_column() {
    let mut app = pane(Pane::All);
    keys(&mut app, ":ws adb-prod");
    press(&mut app, KeyCode::Enter);
    assert_snapshot!(draw(&mut app, WIDE).backend());
}

#[test]
fn narrow_sessions() {
    assert_snapshot!(draw(&mut pane(Pane::Sessions), NARROW).backend());
}

#[test]
fn narrow_clusters() {
    assert_snapshot!(draw(&mut pane(Pane::Clusters), NARROW).backend());
}

#[test]
fn narrow_runs() {
    assert_snapshot!(draw(&mut pane(Pane::Runs), NARROW).backend());
}

#[test]
fn narrow_all() {
    assert_snapshot!(draw(&mut pane(Pane::All), NARROW).backend());
}

#[test]
fn narrow_details_and_confirmation() {
    let mut app = pane(Pane::Runs);
    press(&mut app, KeyCode::Enter);
    assert_snapshot!("narrow_details", draw(&mut app, NARROW).backend());
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "c");
    assert_snapshot!("narrow_confirmation", draw(&mut app, NARROW).backend());
}

#[test]
fn throttled_workspace_in_header_and_status_line() {
    let mut app = pane(Pane::Runs);
    app.update(Msg::Throttled { workspace: "adb-prod".into(), until: Some(ts("2026-11-22T10:00:42Z")) });
    assert_snapshot!(draw(&mut app, WIDE).backend());
}

#[test]
fn changed_rows_flash_and_stop_flashing() {
    let mut app = pane(Pane::Runs);
    let mut refreshed = runs();
    let finished = sparkdeck::workspace::convert::run_row(
        "adb-prod",
        sparkdeck::api::Fetched::decode(
            "GET",
            "/fixture",
            serde_json::json!({"run_id": 884211, "job_id": 7001, "run_name": "hourly-aggregates",
                "state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"},
                "start_time": ts("2026-11-22T09:55:02Z").as_millisecond(),
                "end_time": ts("2026-11-22T10:00:03Z").as_millisecond()}),
        )
        .unwrap_or_else(|e| panic!("{e}")),
    );
    refreshed[0] = finished;
    app.update(Msg::Rows {
        workspace: "adb-prod".into(),
        kind: Kind::Run,
        rows: refreshed,
        fetched_at: ts("2026-11-22T10:00:04Z"),
    });
    let theme = Theme::dark();
    let row_of = |t: &Terminal<TestBackend>, text: &str| {
        let buf = t.backend().buffer();
        (0..buf.area.height).find(|y| {
            let line: String = (0..buf.area.width).map(|x| buf[(x, *y)].symbol()).collect();
            line.contains(text)
        })
    };
    let t = draw(&mut app, WIDE);
    let y = row_of(&t, "hourly-aggregates");
    let name_x = 30;
    let y = y.unwrap_or(0);
    assert_eq!(
        t.backend().buffer()[(name_x, y)].bg,
        theme.flash.bg.unwrap_or_default(),
        "changed row flashes"
    );
    app.update(Msg::Tick(ts("2026-11-22T10:00:07Z")));
    let t = draw(&mut app, WIDE);
    let y = row_of(&t, "hourly-aggregates").unwrap_or(0);
    assert_ne!(t.backend().buffer()[(name_x, y)].bg, theme.flash.bg.unwrap_or_default(), "flash is over");
}

#[test]
fn a_watched_run_is_marked_and_the_status_line_says_so() {
    let mut app = pane(Pane::Runs);
    press(&mut app, KeyCode::Down);
    keys(&mut app, "w");
    assert_snapshot!(draw(&mut app, WIDE).backend());
}

/// The editor on fabric-prod after three runs (a text, a table, an error) and a fourth waiting.
fn editor_with_outputs() -> App {
    use sparkdeck::app::StatementUpdate as U;
    use sparkdeck::domain::statement::{Column, Output, Phase, Repl, Table};
    let mut app = pane(Pane::Sessions);
    keys(&mut app, ":editor fabric-prod");
    press(&mut app, KeyCode::Enter);
    let repl = Repl::Livy {
        workspace: "fabric-prod".into(),
        lakehouse: "sales_lh".into(),
        hc_id: "hc-1".into(),
        session_id: "5f1c2a90-1111-2222-3333-444455556666".into(),
        repl_id: "0c0ffee0-aaaa-bbbb-cccc-ddddeeeeffff".into(),
    };
    keys(&mut app, "df = spark.read.table(\"sales\")");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "print(df.count())");
    press(&mut app, KeyCode::F(5));
    app.update(Msg::Repl { attempt: 1, result: Ok(repl) });
    app.update(Msg::Statement { seq: 1, update: U::Accepted("0".into()) });
    app.update(Msg::Statement {
        seq: 1,
        update: U::Finished(Phase::Done, Some(Output::Text("1204\n".into()))),
    });
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::F(5));
    let table = Table {
        columns: vec![Column::new("region", Some("string")), Column::new("revenue", Some("double"))],
        rows: vec![vec!["EMEA".into(), number(1200.5)], vec!["APAC".into(), number(980.0)]],
        dropped_rows: 0,
    };
    app.update(Msg::Statement { seq: 2, update: U::Accepted("1".into()) });
    app.update(Msg::Statement { seq: 2, update: U::Finished(Phase::Done, Some(Output::Table(table))) });
    press(&mut app, KeyCode::F(5));
    let error = Output::Error {
        name: "AnalysisException".into(),
        value: "[TABLE_OR_VIEW_NOT_FOUND] The table or view `sales` cannot be found.".into(),
        traceback: vec!["Traceback (most recent call last):".into(), "  File \"<stdin>\", line 1".into()],
    };
    app.update(Msg::Statement { seq: 3, update: U::Accepted("2".into()) });
    app.update(Msg::Statement { seq: 3, update: U::Finished(Phase::Done, Some(error)) });
    press(&mut app, KeyCode::F(5));
    app.update(Msg::Statement { seq: 4, update: U::Accepted("3".into()) });
    app.update(Msg::Statement { seq: 4, update: U::Phase(Phase::Running, Some(40)) });
    app
}

fn number(n: f64) -> sparkdeck::domain::statement::Cell {
    sparkdeck::domain::statement::Cell::Number(serde_json::Number::from_f64(n).unwrap_or(0.into()))
}

const BIG: (u16, u16) = (160, 45);

/// The editor with highlighted Python cells and, below, a typed 200-row result table.
fn editor_with_code_and_a_grid() -> App {
    use sparkdeck::app::StatementUpdate as U;
    use sparkdeck::domain::statement::{Cell, Column, Output, Phase, Repl, Table};
    // The lakehouses configured for fabric-dev, and what its REPLs are acquired with.
    let targets = sparkdeck::app::Targets::default().with_fabric(
        "fabric-dev",
        vec!["lh".into(), "lh_marketing".into()],
        "tag sparkdeck · environment 6d1a9c2e · 2 conf keys".into(),
    );
    let mut app = pane(Pane::Sessions).with_targets(targets);
    keys(&mut app, ":editor fabric-dev");
    press(&mut app, KeyCode::Enter);
    for line in [
        "# %% load",
        "from pyspark.sql import functions as F",
        "df = spark.table('sales')  # the demo table",
        "# %% totals",
        "%%sql",
        "SELECT region, COUNT(*) AS orders, SUM(amount) AS revenue FROM sales GROUP BY region",
    ] {
        keys(&mut app, line);
        press(&mut app, KeyCode::Enter);
    }
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::F(5));
    let repl = Repl::Livy {
        workspace: "fabric-dev".into(),
        lakehouse: "lh".into(),
        hc_id: "hc".into(),
        session_id: "5f1c2a90".into(),
        repl_id: "0c0ffee0".into(),
    };
    app.update(Msg::Repl { attempt: 1, result: Ok(repl) });
    let regions = ["EMEA", "APAC", "AMER", "LATAM"];
    let table = Table {
        columns: vec![
            Column::new("region", Some("string")),
            Column::new("orders", Some("bigint")),
            Column::new("revenue", Some("double")),
            Column::new("best_customer_with_a_long_name", Some("string")),
            Column::new("last_order", Some("timestamp")),
        ],
        rows: (0..200)
            .map(|i| {
                vec![
                    Cell::Text(format!("{}-{i}", regions[i % 4])),
                    Cell::Number((i as u64 * 37 % 1000).into()),
                    number(i as f64 * 123.25),
                    if i % 5 == 0 { Cell::Null } else { Cell::Text(format!("Contoso Customer Number {i}")) },
                    Cell::Text(format!("2026-11-{:02}T10:00:00Z", i % 28 + 1)),
                ]
            })
            .collect(),
        dropped_rows: 0,
    };
    app.update(Msg::Statement { seq: 1, update: U::Accepted("0".into()) });
    app.update(Msg::Statement { seq: 1, update: U::Finished(Phase::Done, Some(Output::Table(table))) });
    app
}

#[test]
fn editor_highlighted_code_and_a_typed_grid_at_80x24_and_160x45() {
    let mut app = editor_with_code_and_a_grid();
    let terminal = draw(&mut app, BIG);
    assert_snapshot!("editor_code_grid_160x45", terminal.backend());
    // The colours are the highlighting: a keyword, a string and a comment in the theme's colours.
    let theme = Theme::dark();
    let buffer = terminal.backend().buffer();
    let find = |needle: &str| -> Option<(u16, u16)> {
        (0..buffer.area.height).find_map(|y| {
            let row: String = (0..buffer.area.width).map(|x| buffer[(x, y)].symbol().to_string()).collect();
            row.find(needle).map(|at| (row[..at].chars().count() as u16, y))
        })
    };
    let fg = |needle: &str| find(needle).map(|(x, y)| buffer[(x, y)].fg);
    assert_eq!(fg("from pyspark"), theme.json_key.fg, "keyword");
    assert_eq!(fg("'sales'"), theme.json_string.fg, "string");
    assert_eq!(fg("# the demo table"), theme.muted.fg, "comment");
    assert_snapshot!("editor_code_grid_80x24", draw(&mut app, NARROW).backend());
    // Scrolled sideways by a column, then full screen.
    app.update(Msg::Key(KeyEvent::new(KeyCode::Right, KeyModifiers::ALT)));
    assert_snapshot!("editor_grid_scrolled_80x24", draw(&mut app, NARROW).backend());
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::ALT)));
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Right);
    }
    assert_snapshot!("editor_grid_full_screen_160x45", draw(&mut app, BIG).backend());
    assert_snapshot!("editor_grid_full_screen_80x24", draw(&mut app, NARROW).backend());
}

#[test]
fn the_target_picker_lists_lakehouses_sessions_and_clusters() {
    let mut app = editor_with_code_and_a_grid();
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('g'), KeyModifiers::CONTROL)));
    assert_snapshot!("editor_target_picker", draw(&mut app, WIDE).backend());
}

#[test]
fn editor_with_text_table_error_and_running_outputs() {
    assert_snapshot!(draw(&mut editor_with_outputs(), (110, 44)).backend());
}

#[test]
fn editor_narrow() {
    assert_snapshot!(draw(&mut editor_with_outputs(), NARROW).backend());
}

#[test]
fn editor_help() {
    let mut app = editor_with_outputs();
    press(&mut app, KeyCode::F(1));
    assert_snapshot!(draw(&mut app, WIDE).backend());
}

#[test]
fn editor_counts_down_the_idle_session() {
    use sparkdeck::app::StatementUpdate as U;
    use sparkdeck::domain::statement::{Output, Phase};
    let mut app = editor_with_outputs();
    app.update(Msg::Statement { seq: 4, update: U::Finished(Phase::Done, Some(Output::Empty)) });
    app.update(Msg::Tick(ts("2026-11-22T10:05:00Z")));
    let backend = draw(&mut app, (110, 24));
    let screen = format!("{:?}", backend.backend());
    assert!(screen.contains("idle timeout in"), "{screen}");
    assert_snapshot!(backend.backend());
}

#[test]
fn resizing_a_cluster_asks_for_the_size_then_confirms_it() {
    let mut app = pane(Pane::Clusters);
    // The first running cluster.
    keys(&mut app, "/RUNNING");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "z");
    let prompt = draw(&mut app, WIDE);
    let text = format!("{:?}", prompt.backend());
    assert!(text.contains("resize to (workers N, or MIN-MAX to autoscale): "), "{text}");
    for _ in 0..8 {
        press(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "3-12");
    press(&mut app, KeyCode::Enter);
    assert_snapshot!(draw(&mut app, WIDE).backend());
}
