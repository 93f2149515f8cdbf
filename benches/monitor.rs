//! Monitor speed at volume: 10 000 runs and 10 000 clusters in the app, then the costs that
//! decide how the screen feels: taking in a poll, drawing a frame, a key press, typing a
//! filter. Run with `cargo bench --bench monitor`; prints the median of many repetitions.
//!
//! Targets (a 2-core CI machine, release build): a frame under 2 ms whatever the row count
//! (only visible rows are built), a key press under 1 ms, a 10k-row poll under 30 ms; the
//! statement editor with 50 outputs of 1 000-row tables and a 2 000-line text: a frame under
//! 5 ms, a typed character under 1 ms; the same with the text highlighted (PySpark, cursor
//! mid-way): a character typed and deleted under 2 ms (1 ms a key); the 1 000-row result grid full screen: a frame
//! under 5 ms.

use std::hint::black_box;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;
use sparkdeck::api::Fetched;
use sparkdeck::app::{App, Console, Msg, Pane, StatementUpdate, WorkspaceRef};
use sparkdeck::domain::Service;
use sparkdeck::domain::statement::{Cell, Column, Language, Output, Phase, Repl, Table};
use sparkdeck::domain::{Kind, Resource};
use sparkdeck::drafts::{Draft, Tabs};
use sparkdeck::ui::{self, Theme};
use sparkdeck::workspace::convert::{cluster_row, run_row};

const ROWS: usize = 10_000;

fn now() -> Timestamp {
    "2026-11-22T10:00:00Z".parse().unwrap_or(Timestamp::UNIX_EPOCH)
}

/// A list item written as JSON, decoded as the client decodes it.
fn fetched<T: serde::de::DeserializeOwned>(raw: serde_json::Value) -> Fetched<T> {
    Fetched::decode("GET", "/bench", raw).unwrap_or_else(|e| panic!("{e}"))
}

fn runs() -> Vec<Resource> {
    let base = now().as_millisecond();
    (0..ROWS)
        .map(|i| {
            let (life, result) = match i % 5 {
                0 => ("RUNNING", None),
                1 => ("PENDING", None),
                2 => ("TERMINATED", Some("FAILED")),
                _ => ("TERMINATED", Some("SUCCESS")),
            };
            let mut state = json!({"life_cycle_state": life});
            if let Some(r) = result {
                state["result_state"] = json!(r);
            }
            run_row(
                "adb-prod",
                fetched(json!({"run_id": 1_000_000 + i, "job_id": i % 300, "run_name": format!("job-{}-nightly", i % 300),
                       "state": state, "start_time": base - (i as i64) * 60_000, "trigger": "PERIODIC",
                       "creator_user_name": "ada@contoso.com"})),
            )
        })
        .collect()
}

fn clusters() -> Vec<Resource> {
    (0..ROWS)
        .map(|i| {
            cluster_row(
                "adb-prod",
                fetched(json!({"cluster_id": format!("1122-{i:06}-abcdefgh"), "cluster_name": format!("cluster-{i}"),
                       "state": if i % 3 == 0 { "RUNNING" } else { "TERMINATED" }, "num_workers": i % 16,
                       "spark_version": "15.4.x-scala2.12", "start_time": now().as_millisecond() - i as i64 * 1000})),
            )
        })
        .collect()
}

fn rows_msg(kind: Kind, rows: Vec<Resource>) -> Msg {
    Msg::Rows { workspace: "adb-prod".into(), kind, rows, fetched_at: now() }
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// The median of `n` timed runs of `f`.
fn median(n: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[n / 2]
}

fn report(what: &str, d: Duration) {
    println!("{what:<48} {:>10.3} ms", d.as_secs_f64() * 1000.0);
}

/// The editor on a Fabric workspace with a 2 000-line text and 50 finished runs, each a
/// 1 000-row table.
fn busy_editor() -> App {
    let mut app = App::new(vec![WorkspaceRef::new("fabric-prod", Service::Fabric)], now(), TimeZone::UTC);
    app.update(Msg::Resize { width: 200, height: 60 });
    app.update(key(':'));
    for c in "editor fabric-prod".chars() {
        app.update(key(c));
    }
    app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    let repl = Repl::Livy {
        workspace: "fabric-prod".into(),
        lakehouse: "lh".into(),
        hc_id: "hc".into(),
        session_id: "s".into(),
        repl_id: "r".into(),
    };
    let table = Table {
        columns: vec![
            Column::new("id", Some("long")),
            Column::new("region", Some("string")),
            Column::new("revenue", Some("double")),
        ],
        rows: (0..1000)
            .map(|i| {
                let revenue = serde_json::Number::from_f64(f64::from(i) * 13.0 + 0.5).unwrap_or(0.into());
                vec![Cell::Number(i.into()), Cell::Text(format!("region-{}", i % 7)), Cell::Number(revenue)]
            })
            .collect(),
        dropped_rows: 0,
    };
    for seq in 1..=50u64 {
        for c in format!("SELECT * FROM sales_{seq}").chars() {
            app.update(key(c));
        }
        app.update(Msg::Key(KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE)));
        if seq == 1 {
            app.update(Msg::Repl { attempt: 1, result: Ok(repl.clone()) });
        }
        app.update(Msg::Statement { seq, update: StatementUpdate::Accepted(seq.to_string()) });
        let output = Some(Output::Table(table.clone()));
        app.update(Msg::Statement { seq, update: StatementUpdate::Finished(Phase::Done, output) });
    }
    for _ in 0..2000 {
        app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    }
    app
}

/// The editor on a 2 000-line PySpark text (highlighted as it is typed in), the cursor in the
/// middle.
fn highlighted_editor() -> App {
    const CODE: [&str; 6] = [
        "df = spark.table(\"sales\").where(F.col(\"region\") == 'EMEA')  # the EMEA orders",
        "totals = df.groupBy(\"product_id\").agg(F.sum(\"quantity\").alias(\"units\"))",
        "def top(n=10):",
        "    return totals.orderBy(F.desc(\"units\")).limit(n)",
        "display(top(25))",
        "# %% next cell",
    ];
    let text: Vec<&str> = (0..2000).map(|i| CODE[i % CODE.len()]).collect();
    let draft = Draft { language: Language::PySpark, text: text.join("\n") };
    let tabs = Tabs { active: 0, tabs: vec![draft], targets: Vec::new() };
    let mut app = App::new(vec![WorkspaceRef::new("fabric-prod", Service::Fabric)], now(), TimeZone::UTC)
        .with_console(Console::new(tabs, Vec::new()));
    app.update(Msg::Resize { width: 200, height: 60 });
    app.update(key(':'));
    for c in "editor fabric-prod".chars() {
        app.update(key(c));
    }
    app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    for _ in 0..1000 {
        app.update(Msg::Key(KeyEvent::new(KeyCode::Up, KeyModifiers::NONE)));
    }
    app
}

fn main() {
    let app = App::new(vec![WorkspaceRef::new("adb-prod", Service::Databricks)], now(), TimeZone::UTC);
    let runs = runs();
    let clusters = clusters();

    report(
        "poll: 10k runs into the app (Msg::Rows)",
        median(20, || {
            let mut a = app.clone();
            a.update(rows_msg(Kind::Run, runs.clone()));
            black_box(&a);
        }),
    );

    let mut loaded = app.clone().with_pane(Pane::Runs);
    loaded.update(Msg::Resize { width: 200, height: 60 });
    loaded.update(rows_msg(Kind::Run, runs.clone()));
    loaded.update(rows_msg(Kind::Cluster, clusters));
    let theme = Theme::dark();
    let mut terminal = match Terminal::new(TestBackend::new(200, 60)) {
        Ok(t) => t,
        Err(e) => match e {},
    };
    report(
        "frame: runs pane, 200x60, 10k rows",
        median(200, || {
            if let Err(e) = terminal.draw(|f| ui::render(f, &loaded, &theme)) {
                match e {}
            }
        }),
    );
    let mut all = loaded.clone();
    all.update(key('5'));
    report(
        "frame: All view, 20k rows",
        median(200, || {
            if let Err(e) = terminal.draw(|f| ui::render(f, &all, &theme)) {
                match e {}
            }
        }),
    );
    report(
        "key: j (move down) on 10k rows",
        median(1000, || {
            black_box(loaded.update(key('j')));
        }),
    );
    report(
        "key: s (re-sort 10k rows)",
        median(50, || {
            black_box(loaded.update(key('s')));
        }),
    );
    report(
        "filter: type \"nightly\" over 10k rows",
        median(20, || {
            let mut a = loaded.clone();
            a.update(key('/'));
            for c in "nightly".chars() {
                a.update(key(c));
            }
            black_box(&a);
        }),
    );

    let mut editor = busy_editor();
    report(
        "frame: editor, 50 outputs of 1k-row tables, 200x60",
        median(200, || {
            if let Err(e) = terminal.draw(|f| ui::render(f, &editor, &theme)) {
                match e {}
            }
        }),
    );
    report(
        "key: a character typed into a 2k-line editor text",
        median(1000, || {
            black_box(editor.update(key('x')));
        }),
    );
    editor.update(Msg::Key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::ALT)));
    report(
        "frame: a 1k-row result grid full screen, 200x60",
        median(200, || {
            if let Err(e) = terminal.draw(|f| ui::render(f, &editor, &theme)) {
                match e {}
            }
        }),
    );
    let mut code = highlighted_editor();
    // Typed then deleted, so the line keeps its length (typing 1 000 x's into one line would
    // measure parsing a 1 000-character line); the figure is for the two keys.
    report(
        "keys: x then backspace mid-way in a highlighted 2k-line text",
        median(1000, || {
            black_box(code.update(key('x')));
            black_box(code.update(Msg::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE))));
        }),
    );
    report(
        "frame: editor with a highlighted 2k-line text, 200x60",
        median(200, || {
            if let Err(e) = terminal.draw(|f| ui::render(f, &code, &theme)) {
                match e {}
            }
        }),
    );
}
