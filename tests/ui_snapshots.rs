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

/// At 80×24 the help is longer than its box: descriptions wrap under their own text, the
/// border says which rows are shown, and scrolling stops with the last row at the bottom.
#[test]
fn help_scrolled_to_its_end_on_a_small_terminal() {
    let mut app = loaded_app().with_pane(Pane::Clusters);
    app.update(Msg::Resize { width: NARROW.0, height: NARROW.1 });
    keys(&mut app, "?");
    assert_snapshot!("help_small_top", draw(&mut app, NARROW).backend());
    keys(&mut app, &"j".repeat(200));
    let end = draw(&mut app, NARROW).backend().to_string();
    assert_snapshot!("help_small_end", end);
    // One k moves the view at once: the scroll stopped at the last page, not past it.
    keys(&mut app, "k");
    let up = draw(&mut app, NARROW).backend().to_string();
    assert_ne!(up, end);
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
    let t = draw(&mut pane(Pane::All), NARROW);
    // A run's result reads whole in words even where its state is cut (NO_COLOR, colour-blind).
    let screen = format!("{}", t.backend());
    let row = screen.lines().find(|l| l.contains("train-churn-model")).unwrap_or_default();
    assert!(row.contains("/FAILED"), "{row}");
    assert_snapshot!(t.backend());
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
        rows: refreshed.into(),
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

/// What fabric-dev's REPLs are configured with (`[fabric.repl]`): an environment and two conf keys.
fn repl_settings() -> sparkdeck::domain::statement::ReplSettings {
    sparkdeck::domain::statement::ReplSettings {
        environment: Some("6d1a9c2e-1f3b-4c5d-8e9f-0a1b2c3d4e5f".into()),
        conf: [("spark.sql.shuffle.partitions", "64"), ("spark.sql.ansi.enabled", "true")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into(),
        ..Default::default()
    }
}

/// The editor with highlighted Python cells and, below, a typed 200-row result table.
fn editor_with_code_and_a_grid() -> App {
    use sparkdeck::app::StatementUpdate as U;
    use sparkdeck::domain::statement::{Cell, Column, Output, Phase, Repl, Table};
    // The lakehouses configured for fabric-dev, and what its REPLs are acquired with.
    let targets = sparkdeck::app::Targets::default().with_fabric(
        "fabric-dev",
        vec!["lh".into(), "lh_marketing".into()],
        repl_settings(),
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
fn the_repl_settings_of_a_lakehouse_at_80x24_and_160x45() {
    let mut app = editor_with_code_and_a_grid();
    let ctrl = |c| Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    app.update(ctrl('g'));
    keys(&mut app, "marketing");
    app.update(ctrl('s'));
    // Reading the workspace's environments…
    assert_snapshot!("editor_repl_settings_reading_80x24", draw(&mut app, NARROW).backend());
    app.update(Msg::Environments {
        workspace: "fabric-dev".into(),
        result: Ok(vec![
            ("6d1a9c2e-1f3b-4c5d-8e9f-0a1b2c3d4e5f".into(), "Analytics (Spark 3.5)".into()),
            ("9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b".into(), "ML libraries".into()),
        ]),
    });
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "spark.executor.memory");
    press(&mut app, KeyCode::Down);
    keys(&mut app, "28g");
    app.update(ctrl('s'));
    // Refused, and said by the line of conf.
    assert_snapshot!("editor_repl_settings_refused_160x45", draw(&mut app, BIG).backend());
    assert_snapshot!("editor_repl_settings_refused_80x24", draw(&mut app, NARROW).backend());
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

/// A row holding megabytes (a hostile or broken service) is cut to its column like any other:
/// only what fits is measured and drawn (issue 16, item 14: 21 s before the widths were capped).
#[test]
fn a_ten_megabyte_id_and_name_are_cut_to_their_columns() {
    let mut app = loaded_app().with_pane(Pane::Runs);
    let mut huge = runs().remove(0);
    huge.id = "7".repeat(10_000_000);
    huge.name = "n".repeat(10_000_000);
    app.update(Msg::Rows {
        workspace: "adb-prod".into(),
        kind: Kind::Run,
        rows: vec![huge].into(),
        fetched_at: ts("2026-11-22T09:59:58Z"),
    });
    let started = std::time::Instant::now();
    let terminal = draw(&mut app, NARROW);
    let screen = format!("{}", terminal.backend());
    let row = screen.lines().find(|l| l.contains("▶")).unwrap_or_default().to_string();
    assert!(row.contains("nnnnnnnn…") && row.contains("7777777…"), "{row}");
    eprintln!("drawn in {:?}", started.elapsed());
}

const MID: (u16, u16) = (90, 24);

/// The loaded app after adb-prod stopped answering 45 s ago (its runs and clusters failing).
fn stale_adb_prod() -> App {
    let mut app = pane(Pane::Runs);
    for kind in [Kind::Run, Kind::Cluster] {
        app.update(Msg::PollFailed {
            workspace: "adb-prod".into(),
            kind,
            problem: sparkdeck::domain::Problem::text("no answer from adb-prod after 30 s (still trying)"),
            at: ts("2026-11-22T10:00:00Z"),
        });
    }
    app.update(Msg::Tick(ts("2026-11-22T10:00:43Z")));
    app
}

#[test]
fn stale_rows_at_every_width() {
    for (size, name) in [(NARROW, "stale_80x24"), (MID, "stale_90x24"), (BIG, "stale_160x45")] {
        let mut app = stale_adb_prod();
        let t = draw(&mut app, size);
        let screen = format!("{}", t.backend());
        assert!(screen.contains("stale 45s"), "{name}: {screen}");
        assert_snapshot!(name, screen);
    }
    // The rows are dimmed, and their durations stopped at their last poll (4m 56s, not 5m 41s).
    let mut app = stale_adb_prod();
    let t = draw(&mut app, BIG);
    let screen = format!("{}", t.backend());
    assert!(screen.contains("4m 56s") && !screen.contains("5m 41s"), "{screen}");
    let buf = t.backend().buffer();
    let y = (0..buf.area.height)
        .find(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, *y)].symbol())
                .collect::<String>()
                .contains("hourly-aggregates")
        })
        .unwrap_or(0);
    assert_eq!(buf[(20, y)].fg, Theme::dark().muted.fg.unwrap_or_default(), "stale rows are dimmed");
}

#[test]
fn the_whole_error_opens_with_bang() {
    let mut app = pane(Pane::Clusters);
    keys(&mut app, "!");
    let t = draw(&mut app, MID);
    let screen = format!("{}", t.backend());
    for part in [
        "Request",
        "GET /api/2.1/clusters/list",
        "403 Forbidden",
        "PERMISSION_DENIED",
        "9f1c2b7e-3d4a-4c5b-8e6f-7a8b9c0d1e2f",
        "grant CAN_ATTACH_TO",
    ] {
        assert!(screen.contains(part), "{part}: {screen}");
    }
    assert_snapshot!("errors_view_90x24", screen);
    keys(&mut app, "q");
    assert!(app.sheet().is_none());
}

#[test]
fn long_and_nearly_equal_workspace_names_stay_apart() {
    use sparkdeck::app::WorkspaceRef;
    use sparkdeck::domain::Service;
    let names = ["analytics-production-westeurope", "analytics-production-northeurope"];
    let mut app = App::new(
        names.iter().map(|n| WorkspaceRef::new(*n, Service::Databricks)).collect(),
        ts(tui_support::NOW),
        jiff::tz::TimeZone::UTC,
    )
    .with_pane(Pane::Runs);
    for n in names {
        let rows: Vec<sparkdeck::domain::Resource> = runs()
            .into_iter()
            .map(|mut r| {
                r.workspace = n.into();
                r
            })
            .collect();
        app.update(Msg::Rows {
            workspace: n.into(),
            kind: Kind::Run,
            rows: rows.into(),
            fetched_at: ts("2026-11-22T09:59:58Z"),
        });
    }
    for (size, name) in [(NARROW, "long_names_80x24"), (MID, "long_names_90x24"), (BIG, "long_names_160x45")]
    {
        let t = draw(&mut app, size);
        let screen = format!("{}", t.backend());
        let rows: Vec<&str> = screen.lines().filter(|l| l.contains("nightly-etl")).collect();
        assert_eq!(rows.len(), 2, "{screen}");
        let tag = |row: &str| row.split_whitespace().nth(1).unwrap_or_default().to_string();
        assert_ne!(tag(rows[0]), tag(rows[1]), "{name}: the two tags differ:\n{screen}");
        assert_snapshot!(name, screen);
    }
}

#[test]
fn short_terminals_get_a_compact_header_and_tiny_ones_say_the_size_they_need() {
    let mut app = pane(Pane::Runs);
    let t = draw(&mut app, (40, 10));
    let screen = format!("{}", t.backend());
    assert!(screen.contains("4 workspaces") && screen.contains("✗ adb-dev"), "{screen}");
    assert!(screen.contains("refresh-dashbo…"), "a row fits:\n{screen}");
    assert!(screen.contains("/FAILED"), "without a RESULT column the state says it:\n{screen}");
    assert_snapshot!("compact_40x10", screen);
    let t = draw(&mut app, (90, 16));
    assert_snapshot!("compact_90x16", format!("{}", t.backend()));
    let t = draw(&mut app, (30, 6));
    let screen = format!("{}", t.backend());
    assert!(screen.contains("needs at least 40×8") && screen.contains("this terminal is 30×6"), "{screen}");
}

#[test]
fn a_fabric_pane_scoped_to_a_databricks_workspace_says_what_it_means() {
    let mut app = pane(Pane::Clusters);
    keys(&mut app, ":ws adb-prod");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "1");
    let screen = format!("{}", draw(&mut app, WIDE).backend());
    assert!(
        screen.contains("adb-prod is a Databricks workspace: sessions are Fabric's. It has 3 clusters, 4 runs, 6 jobs; :ws shows every workspace again."),
        "{screen}"
    );
    assert!(!screen.contains("No Fabric workspace configured"), "{screen}");
}

/// A long value in the details (a field or a line of the API object) wraps inside the overlay
/// instead of running off its right edge, so its end can be read at 80 columns.
#[test]
fn long_values_in_the_details_wrap() {
    use sparkdeck::app::DetailLine;
    let mut app = loaded_app().with_pane(Pane::Runs);
    let mut run = runs().remove(0);
    let message = format!(
        "Cluster launch failed: {} END-OF-MESSAGE",
        "the driver could not reach the metastore; ".repeat(4)
    );
    run.state_message = Some(message.clone());
    let mut raw = (**run.raw).clone();
    raw["state"]["state_message"] = serde_json::json!(message);
    run.raw = std::sync::Arc::new(raw.into());
    app.update(Msg::Rows {
        workspace: "adb-prod".into(),
        kind: Kind::Run,
        rows: vec![run].into(),
        fetched_at: ts(tui_support::NOW),
    });
    press(&mut app, KeyCode::Enter);
    let lines = app.details().map(|d| d.lines.clone()).unwrap_or_default();
    for wanted in [
        |l: &DetailLine| matches!(l, DetailLine::Field { value, .. } if value.ends_with("END-OF-MESSAGE")),
        |l: &DetailLine| matches!(l, DetailLine::Json(text) if text.contains("END-OF-MESSAGE")),
    ] {
        let at = lines
            .iter()
            .position(wanted)
            .unwrap_or_else(|| panic!("the long value is in the details: {lines:?}"));
        let mut app = app.clone();
        for _ in 0..at {
            press(&mut app, KeyCode::Char('j'));
        }
        let screen = format!("{}", draw(&mut app, NARROW).backend());
        assert!(screen.contains("END-OF-MESSAGE"), "line {at} is read to its end:\n{screen}");
    }
}

/// Move the selection down to the first row whose state starts with `state`.
fn select_state(app: &mut App, state: &str) {
    while app.selected().is_none_or(|e| !e.res.raw_state.starts_with(state)) {
        let before = app.pane_state().selected;
        press(app, KeyCode::Char('j'));
        assert_ne!(app.pane_state().selected, before, "no {state} row");
    }
}

/// The editor on a cluster speaks of an execution context ("starting an execution context"),
/// never of a session's idle timeout.
#[test]
fn the_editor_on_a_cluster_starts_an_execution_context() {
    let mut app = pane(Pane::Clusters);
    select_state(&mut app, "RUNNING");
    keys(&mut app, "e");
    keys(&mut app, "spark.range(3).count()");
    press(&mut app, KeyCode::F(5));
    app.update(Msg::ReplProgress { attempt: 1, state: "PENDING".into() });
    let screen = format!("{}", draw(&mut app, NARROW).backend());
    assert!(screen.contains("starting an execution context: PENDING"), "{screen}");
    assert!(!screen.contains("idle"), "{screen}");
}

/// The status line is cut by the one rule (ending in "…"), and a prompt's reason for refusing
/// what was typed reads whole on 80 columns.
#[test]
fn the_status_line_keeps_its_point_at_80_columns() {
    let mut app = pane(Pane::Clusters);
    let screen = format!("{}", draw(&mut app, (60, 24)).backend());
    let status = screen.lines().last().unwrap_or_default().trim_matches('"').trim_end().to_string();
    assert!(status.starts_with(" refreshed") && status.ends_with('…'), "{status}");
    select_state(&mut app, "RUNNING");
    keys(&mut app, "z");
    press(&mut app, KeyCode::Backspace);
    keys(&mut app, "lots");
    press(&mut app, KeyCode::Enter);
    let screen = format!("{}", draw(&mut app, NARROW).backend());
    assert!(
        screen.contains("resize to: lots█  \"lots\" is not a number of workers: type 4, or 2-8 to autoscale"),
        "{screen}"
    );
}

/// Slack goes to the columns that are cut before the name gets it: a long owner reads whole
/// on a wide terminal.
#[test]
fn slack_goes_to_the_cut_columns_first() {
    let mut app = loaded_app().with_pane(Pane::Runs);
    let owner = "data-platform-service-principal@contoso.onmicrosoft.com";
    let mut run = runs().remove(0);
    run.owner = Some(owner.into());
    app.update(Msg::Rows {
        workspace: "adb-prod".into(),
        kind: Kind::Run,
        rows: vec![run].into(),
        fetched_at: ts(tui_support::NOW),
    });
    let screen = format!("{}", draw(&mut app, (160, 45)).backend());
    assert!(screen.contains(owner), "{screen}");
    let screen = format!("{}", draw(&mut app, NARROW).backend());
    assert!(!screen.contains(owner), "on 80 columns it is cut:\n{screen}");
}

/// The sort column is marked in its title (and the pane's title names the sort); the pane's
/// edge says where the selection is.
#[test]
fn the_sort_column_is_marked_and_the_position_shown() {
    let mut app = pane(Pane::Runs);
    keys(&mut app, "s");
    keys(&mut app, "jj");
    let screen = format!("{}", draw(&mut app, NARROW).backend());
    let header = screen.lines().find(|l| l.contains("STATE")).unwrap_or_default();
    assert!(header.contains("JOB / RUN↓"), "{header}");
    assert_eq!(header.matches(['↓', '↑']).count(), 1, "{header}");
    assert!(screen.contains("sort name ↓"), "{screen}");
    assert!(screen.contains(" 3/5 ┘"), "{screen}");
    keys(&mut app, "S");
    let screen = format!("{}", draw(&mut app, NARROW).backend());
    assert!(screen.lines().any(|l| l.contains("JOB / RUN↑")), "{screen}");
}

/// "Start cluster?  y start it   n/esc cancel": the question and its answers in words.
#[test]
fn starting_a_cluster_asks_in_words() {
    let mut app = pane(Pane::Clusters);
    select_state(&mut app, "TERMINATED");
    keys(&mut app, "u");
    let screen = format!("{}", draw(&mut app, NARROW).backend());
    assert!(screen.contains("Start cluster?") && screen.contains("y start it   n/esc cancel"), "{screen}");
}

/// Each pane's column headings with the sort letters in brackets (they are underlined on
/// screen), at 80×24 and 160×45: what shift + letter sorts by, and the arrow of the sort.
#[test]
fn headings_show_each_columns_sort_letter() {
    let mut out = String::new();
    for size in [NARROW, (160, 45)] {
        for p in Pane::ALL {
            let mut app = pane(p);
            if p == Pane::Runs {
                keys(&mut app, "J");
            }
            let t = draw(&mut app, size);
            let buf = t.backend().buffer();
            let line = (0..buf.area.height)
                .find(|y| {
                    let text: String =
                        (0..buf.area.width).map(|x| buf[(x, *y)].symbol().to_string()).collect();
                    text.contains("NAME") || text.contains("JOB / RUN")
                })
                .map(|y| {
                    (0..buf.area.width)
                        .map(|x| {
                            let c = &buf[(x, y)];
                            if c.modifier.contains(ratatui::style::Modifier::UNDERLINED) {
                                format!("[{}]", c.symbol())
                            } else {
                                c.symbol().to_string()
                            }
                        })
                        .collect::<String>()
                })
                .unwrap_or_default();
            out += &format!("{:>3}x{:<3} {:<9}{}\n", size.0, size.1, p.title(), line.trim_end());
        }
    }
    assert_snapshot!(out);
}

#[test]
fn column_picker_small() {
    let mut app = pane(Pane::Runs);
    keys(&mut app, ":columns");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, " j");
    assert_snapshot!(draw(&mut app, NARROW).backend());
}

#[test]
fn column_picker_large() {
    let mut app = pane(Pane::Sessions);
    keys(&mut app, ":columns");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "jJ");
    assert_snapshot!(draw(&mut app, (160, 45)).backend());
}

/// The header rows of `buf` as text, then each run of cells of one style that is not the
/// terminal's default: where it is, its text and its colours (what a text snapshot loses).
fn header_with_styles(buf: &ratatui::buffer::Buffer, rows: u16) -> String {
    use unicode_width::UnicodeWidthStr;
    // The cell after a wide character (🔒) is only its second half: left out.
    let cells = |y: u16| {
        let mut x = 0;
        std::iter::from_fn(move || {
            let at = x;
            let c = (x < buf.area.width).then(|| &buf[(x, y)])?;
            x += c.symbol().width().max(1) as u16;
            Some((at, c))
        })
    };
    let mut out = String::new();
    for y in 0..rows {
        let text: String = cells(y).map(|(_, c)| c.symbol()).collect();
        out += &format!("{y}: {}\n", text.trim_end());
    }
    for y in 0..rows {
        let mut runs: Vec<(u16, String, _)> = Vec::new();
        for (x, c) in cells(y) {
            let key = (c.fg, c.bg, c.modifier);
            match runs.last_mut() {
                Some((_, text, k)) if *k == key => *text += c.symbol(),
                _ => runs.push((x, c.symbol().to_string(), key)),
            }
        }
        for (start, text, (fg, bg, modifier)) in runs {
            let styled = fg != ratatui::style::Color::Reset
                || bg != ratatui::style::Color::Reset
                || !modifier.is_empty();
            if styled && !text.trim().is_empty() {
                out +=
                    &format!("{y}:{start:<3} {:<28} fg={fg:?} bg={bg:?} {modifier:?}\n", format!("{text:?}"));
            }
        }
    }
    out
}

/// A production workspace (`read_only = true`) in the header: its name white on red, bold, and
/// `🔒 read-only` beside it; the others as usual.
#[test]
fn production_header_is_white_on_red_with_a_lock() {
    let mut app = loaded_app().with_read_only_workspaces(&["adb-prod"]);
    let t = draw(&mut app, WIDE);
    let buf = t.backend().buffer();
    let theme = Theme::dark();
    let row = (0..4).find(|y| (0..buf.area.width).any(|x| buf[(x, *y)].symbol() == "🔒"));
    let Some(row) = row else { panic!("no lock in the header:\n{}", t.backend()) };
    let name = &buf[(1, row)];
    assert_eq!((name.fg, name.bg), (ratatui::style::Color::White, ratatui::style::Color::Red));
    assert_eq!(theme.production.fg, Some(ratatui::style::Color::White));
    assert!(name.modifier.contains(ratatui::style::Modifier::BOLD));
    assert_snapshot!(header_with_styles(buf, 5));
}
