//! Monitor speed at volume, measured on the real app and renderer (release build): taking in
//! a poll, drawing a frame of every pane and of All at 1k, 10k and 100k rows at 80×24 and
//! 200×60, re-sorting, one filter keystroke, a key press; the statement editor's frame and a
//! typed character. `cargo bench --bench monitor` prints the median of many repetitions and
//! writes them to `target/bench/monitor.json`; `-- --quick` runs each case a few times at 1k
//! rows only (CI: proves the bench still builds and runs); `-- --sort-filter` only the sort and
//! filter cases at 10k rows (what a change to sorting or filtering needs measured).
//!
//! Targets (a 2-core machine): a frame under 2 ms whatever the row count, 100k rows within
//! 20 % of 1k (only visible rows are built); a re-sort of 10k rows under 0.5 ms, a filter
//! keystroke over 10k rows under 1 ms; the editor with 50 outputs of 1 000-row tables and a
//! 2 000-line text: a frame under 5 ms, a typed character under 1 ms; the same text
//! highlighted (PySpark, cursor mid-way): a character typed and deleted under 2 ms (1 ms a
//! key), a frame under 5 ms; the 1 000-row result grid full screen: a frame under 5 ms.

use std::collections::BTreeMap;
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
use sparkdeck::workspace::convert::{activity_row, cluster_row, run_row};

/// The monitor's allocator (the binary gives the monitor mimalloc: src/allocator.rs), so these
/// are the figures of the code as the monitor runs it.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn now() -> Timestamp {
    "2026-11-22T10:00:00Z".parse().unwrap_or(Timestamp::UNIX_EPOCH)
}

/// A list item written as JSON, decoded as the client decodes it.
fn fetched<T: serde::de::DeserializeOwned>(raw: serde_json::Value) -> Fetched<T> {
    Fetched::decode("GET", "/bench", raw).unwrap_or_else(|e| panic!("{e}"))
}

/// `n` rows of `kind`, a fifth of them live, as the conversion makes them from list items.
fn rows(kind: Kind, n: usize) -> Vec<Resource> {
    let base = now().as_millisecond();
    (0..n)
        .map(|i| match kind {
            Kind::Run | Kind::Job => {
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
            }
            Kind::Cluster => cluster_row(
                "adb-prod",
                fetched(json!({"cluster_id": format!("1122-{i:06}-abcdefgh"), "cluster_name": format!("cluster-{i}"),
                       "state": if i % 5 == 0 { "RUNNING" } else { "TERMINATED" }, "num_workers": i % 16,
                       "spark_version": "15.4.x-scala2.12", "start_time": base - i as i64 * 1000})),
            ),
            Kind::Session | Kind::Batch => {
                let state = match i % 5 {
                    0 => "running",
                    1 => "idle",
                    2 => "dead",
                    _ => "success",
                };
                let started = Timestamp::from_millisecond(base - i as i64 * 60_000).unwrap_or(now());
                activity_row(
                    kind,
                    "fabric-prod",
                    Some("sales_lh"),
                    fetched(json!({"id": format!("4f1c2d3e-0000-4000-8000-{i:012}"), "name": format!("etl-{}", i % 300),
                           "livyState": state, "submitterName": "grace@contoso.com", "startedAt": started.to_string()})),
                )
            }
        })
        .collect()
}

fn rows_msg(kind: Kind, rows: Vec<Resource>) -> Msg {
    let workspace = if Service::of(kind) == Service::Fabric { "fabric-prod" } else { "adb-prod" };
    Msg::Rows { workspace: workspace.into(), kind, rows: rows.into(), fetched_at: now() }
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// The median of `n` timed runs of `f`.
fn median(n: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..n.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// The median of `n` timed runs of `f` on a fresh `setup()` each (the setup is not timed).
fn median_after<T>(n: usize, mut setup: impl FnMut() -> T, mut f: impl FnMut(&mut T)) -> Duration {
    let mut times: Vec<Duration> = (0..n.max(1))
        .map(|_| {
            let mut state = setup();
            let t = Instant::now();
            f(&mut state);
            let d = t.elapsed();
            black_box(&state);
            d
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Prints each figure and keeps it for `target/bench/monitor.json`.
#[derive(Default)]
struct Report(BTreeMap<String, f64>);

impl Report {
    fn add(&mut self, what: &str, d: Duration) {
        let ms = d.as_secs_f64() * 1000.0;
        println!("{what:<56} {ms:>10.3} ms");
        self.0.insert(what.to_string(), (ms * 1000.0).round() / 1000.0);
    }

    fn save(&self) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("bench");
        let text = serde_json::to_string_pretty(&self.0).unwrap_or_default();
        if let Err(e) =
            std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(dir.join("monitor.json"), text))
        {
            eprintln!("cannot write target/bench/monitor.json: {e}");
        }
    }
}

/// An app holding `n` rows of every kind (Fabric sessions and batches, Databricks clusters and
/// runs), on `pane`.
fn loaded(n: usize, pane: Pane, (w, h): (u16, u16)) -> App {
    let workspaces = vec![
        WorkspaceRef::new("fabric-prod", Service::Fabric),
        WorkspaceRef::new("adb-prod", Service::Databricks),
    ];
    let mut app = App::new(workspaces, now(), TimeZone::UTC).with_pane(pane);
    app.update(Msg::Resize { width: w, height: h });
    for kind in Kind::ALL {
        app.update(rows_msg(kind, rows(kind, n)));
    }
    app
}

fn terminal((w, h): (u16, u16)) -> Terminal<TestBackend> {
    match Terminal::new(TestBackend::new(w, h)) {
        Ok(t) => t,
        Err(e) => match e {},
    }
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
    let tabs = Tabs { active: 0, tabs: vec![draft], ..Tabs::default() };
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
    let quick = std::env::args().any(|a| a == "--quick");
    let sort_filter = std::env::args().any(|a| a == "--sort-filter");
    let reps = |n: usize| if quick { 3 } else { n };
    let sizes: &[usize] = match (quick, sort_filter) {
        (_, true) => &[],
        (true, _) => &[1_000],
        _ => &[1_000, 10_000, 100_000],
    };
    let theme = Theme::dark();
    let mut report = Report::default();

    for &n in sizes {
        let runs = rows(Kind::Run, n);
        let empty = App::new(vec![WorkspaceRef::new("adb-prod", Service::Databricks)], now(), TimeZone::UTC);
        report.add(
            &format!("poll: {n} runs into the app (Msg::Rows)"),
            median(reps(if n > 10_000 { 5 } else { 20 }), || {
                let mut a = empty.clone();
                a.update(rows_msg(Kind::Run, runs.clone()));
                black_box(&a);
            }),
        );
        let mut app = loaded(n, Pane::Sessions, (80, 24));
        for size in [(80u16, 24u16), (200, 60)] {
            app.update(Msg::Resize { width: size.0, height: size.1 });
            for (i, pane) in Pane::ALL.into_iter().enumerate() {
                app.update(key(char::from(b'1' + i as u8)));
                let mut term = terminal(size);
                let what = if pane == Pane::All { format!("{} rows", 4 * n) } else { format!("{n} rows") };
                report.add(
                    &format!("frame: {} {}x{}, {what}", pane.title(), size.0, size.1),
                    median(reps(200), || {
                        if let Err(e) = term.draw(|f| ui::render(f, &app, &theme)) {
                            match e {}
                        }
                    }),
                );
            }
        }
    }

    let n = if quick { 1_000 } else { 10_000 };
    let mut runs = loaded(n, Pane::Runs, (200, 60));
    report.add(
        &format!("key: j (move down) on {n} rows"),
        median(reps(1000), || {
            black_box(runs.update(key('j')));
        }),
    );
    report.add(
        &format!("key: s (re-sort {n} rows)"),
        median(reps(60), || {
            black_box(runs.update(key('s')));
        }),
    );
    let mut typing = runs.clone();
    typing.update(key('/'));
    typing.update(key('n'));
    report.add(
        &format!("filter: a keystroke narrowing over {n} rows (\"n\" → \"ni\")"),
        median_after(
            reps(50),
            || typing.clone(),
            |a| {
                a.update(key('i'));
            },
        ),
    );
    let mut opened = runs.clone();
    opened.update(key('/'));
    report.add(
        &format!("filter: the first keystroke over {n} rows (\"n\")"),
        median_after(
            reps(50),
            || opened.clone(),
            |a| {
                a.update(key('n'));
            },
        ),
    );

    let mut fields = runs.clone();
    fields.update(key('/'));
    for c in "state:f".chars() {
        fields.update(key(c));
    }
    report.add(
        &format!("filter: a field term narrowing over {n} rows (\"state:f\" → \"state:fa\")"),
        median_after(
            reps(50),
            || fields.clone(),
            |a| {
                a.update(key('a'));
            },
        ),
    );
    if sort_filter {
        return;
    }

    let mut editor = busy_editor();
    let mut term = terminal((200, 60));
    report.add(
        "frame: editor, 50 outputs of 1k-row tables, 200x60",
        median(reps(200), || {
            if let Err(e) = term.draw(|f| ui::render(f, &editor, &theme)) {
                match e {}
            }
        }),
    );
    report.add(
        "key: a character typed into a 2k-line editor text",
        median(reps(1000), || {
            black_box(editor.update(key('x')));
        }),
    );
    editor.update(Msg::Key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::ALT)));
    report.add(
        "frame: a 1k-row result grid full screen, 200x60",
        median(reps(200), || {
            if let Err(e) = term.draw(|f| ui::render(f, &editor, &theme)) {
                match e {}
            }
        }),
    );
    let mut code = highlighted_editor();
    // Typed then deleted, so the line keeps its length (typing 1 000 x's into one line would
    // measure parsing a 1 000-character line); the figure is for the two keys.
    report.add(
        "keys: x then backspace mid-way in a highlighted 2k-line text",
        median(reps(1000), || {
            black_box(code.update(key('x')));
            black_box(code.update(Msg::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE))));
        }),
    );
    report.add(
        "frame: editor with a highlighted 2k-line text, 200x60",
        median(reps(200), || {
            if let Err(e) = term.draw(|f| ui::render(f, &code, &theme)) {
                match e {}
            }
        }),
    );
    if !quick {
        report.save();
    }
}
