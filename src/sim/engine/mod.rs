//! Statement execution for the simulator: what a piece of PySpark, Scala, SQL or R "does".
//!
//! SQL runs for real on an embedded SQLite database loaded with the bundled demo tables
//! (`sales`, `customers`, `products`, `nyc_taxi_trips`, `web_events`; `default.` prefixes and
//! `SHOW TABLES` / `SHOW DATABASES` / `DESCRIBE` work; results are capped at 1000 rows). The
//! catalog is shared by every session, as Spark's is; temp views are too.
//!
//! Other languages understand a small, documented set of forms; anything else is a clear error
//! naming the statement (never a silent "no output"). Statements are lines or `;`-separated:
//! - Python: `print(...)`, `x = <expr>`, a bare expression on the last line echoes its repr,
//!   DataFrames from `spark.sql("...")`, `spark.table("t")` / `spark.read.table("t")` and
//!   `spark.range(n)` with `.show()` / `.show(n)` / `.count()` / `.limit(n)`, `display(df)` (a
//!   table), `spark.version`, `raise ValueError("msg")`, `time.sleep(N)` (N simulated seconds);
//!   an unknown name is a `NameError` with a `<stdin>` frame line (variables live in their REPL
//!   only, which makes high-concurrency isolation visible).
//! - Scala: `println(...)`, `val x = ...`, string `+` anything, `spark.sql("...").show()`,
//!   `throw new RuntimeException("msg")`, `Thread.sleep(ms)`, bare expressions echo `res0: Int = 2`.
//! - R: `print(...)`, `cat(...)`, `x <- ...`, `showDF(sql("..."))`, `head(sql("..."))`,
//!   `stop("msg")`, `Sys.sleep(N)`.
//! - A first line `%%sql` / `%sql` (or `%%pyspark`, `%python`, `%%spark`, `%scala`, `%%sparkr`,
//!   `%r`) runs the rest in that language.
//!
//! Expressions: string, integer and float literals, `+ - * /`, parentheses, variables,
//! f-strings / Scala `s"..."` with `{name}`.
//!
//! Statements take a small, deterministic time (the same code always takes the same time),
//! plus any sleeps, so clients see `waiting → running → available` and can cancel.

mod script;
mod show;
mod sql;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

pub use script::Val;

/// Statement language, as both services name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    Scala,
    Sql,
    R,
}

impl Lang {
    /// Livy statement `kind`: `pyspark`, `spark` (Scala), `sparkr`, `sql`.
    pub fn from_livy_kind(kind: &str) -> Option<Lang> {
        match kind.to_ascii_lowercase().as_str() {
            "pyspark" | "python" => Some(Lang::Python),
            "spark" | "scala" => Some(Lang::Scala),
            "sparkr" | "r" => Some(Lang::R),
            "sql" => Some(Lang::Sql),
            _ => None,
        }
    }

    /// Databricks command `language`: `python`, `scala`, `sql`, `r`.
    pub fn from_databricks(language: &str) -> Option<Lang> {
        match language.to_ascii_lowercase().as_str() {
            "python" => Some(Lang::Python),
            "scala" => Some(Lang::Scala),
            "sql" => Some(Lang::Sql),
            "r" => Some(Lang::R),
            _ => None,
        }
    }
}

/// A column of a result table, with its Spark SQL type name (`long`, `double`, `string`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub spark_type: String,
}

/// What a statement produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// stdout / repr text (may be empty).
    Text(String),
    /// A result set (SQL statements). `truncated` when rows were cut at the engine's row cap.
    Table { columns: Vec<Column>, rows: Vec<Vec<serde_json::Value>>, truncated: bool },
    /// A failure, Python-style.
    Error { ename: String, evalue: String, traceback: Vec<String> },
}

/// The result of running a statement: how long it runs in simulated time, and its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Execution {
    pub duration: Duration,
    pub outcome: Outcome,
}

/// Variables of one REPL / execution context. REPLs are isolated from each other.
#[derive(Debug, Clone, Default)]
pub struct Repl {
    vars: HashMap<String, Val>,
    /// Scala's `resN` counter.
    results: u32,
}

/// The shared execution engine.
pub struct Engine {
    db: Mutex<Option<rusqlite::Connection>>,
}

impl Engine {
    pub fn new() -> Self {
        let db = match sql::open() {
            Ok(conn) => Some(conn),
            Err(err) => {
                tracing::error!("simulator: cannot load the demo tables: {err}");
                None
            }
        };
        Self { db: Mutex::new(db) }
    }

    pub fn execute(&self, lang: Lang, code: &str, repl: &mut Repl) -> Execution {
        let base = base_duration(lang, code);
        let (lang, code) = magic(lang, code);
        let (slept, outcome) = match lang {
            Lang::Sql => (Duration::ZERO, self.sql(code)),
            _ => script::run(lang, code, repl, self),
        };
        Execution { duration: base + slept, outcome }
    }

    fn sql(&self, code: &str) -> Outcome {
        let guard = self.db.lock().unwrap_or_else(|e| e.into_inner());
        match guard.as_ref() {
            Some(conn) => sql::run(conn, code),
            None => Outcome::Error {
                ename: "AnalysisException".into(),
                evalue: "the simulator's demo database is unavailable".into(),
                traceback: Vec::new(),
            },
        }
    }
}

impl script::Sql for Engine {
    fn query(&self, sql: &str) -> Outcome {
        self.sql(sql)
    }
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

/// A cell magic on the code's first line (`%%sql`, `%sql`, `%%pyspark`, `%python`, `%%spark`,
/// `%scala`, `%%sparkr`, `%r`) picks the language of the rest, as Fabric and Databricks notebooks do.
fn magic(lang: Lang, code: &str) -> (Lang, &str) {
    let trimmed = code.trim_start();
    let (first, rest) = trimmed.split_once('\n').unwrap_or((trimmed, ""));
    let word = first.trim().trim_start_matches('%').to_ascii_lowercase();
    if !first.trim_start().starts_with('%') {
        return (lang, code);
    }
    match word.as_str() {
        "sql" => (Lang::Sql, rest),
        "pyspark" | "python" => (Lang::Python, rest),
        "spark" | "scala" => (Lang::Scala, rest),
        "sparkr" | "r" => (Lang::R, rest),
        _ => (lang, code),
    }
}

/// Deterministic run time: 0.2–1 s for code, 0.6–2.4 s for SQL (FNV-1a of the code picks it).
fn base_duration(lang: Lang, code: &str) -> Duration {
    let hash =
        code.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let ms = match lang {
        Lang::Sql => 600 + hash % 1800,
        _ => 200 + hash % 800,
    };
    Duration::from_millis(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(lang: Lang, code: &str, repl: &mut Repl) -> Execution {
        Engine::new().execute(lang, code, repl)
    }

    fn text(e: &Execution) -> &str {
        match &e.outcome {
            Outcome::Text(t) => t,
            other => panic!("expected text, got {other:?}"),
        }
    }

    #[test]
    fn python_prints_assigns_and_echoes() {
        let mut repl = Repl::default();
        let e = run(Lang::Python, "x = 6 * 7\nprint(f\"answer {x}\")\nx / 4", &mut repl);
        assert_eq!(text(&e), "answer 42\n10.5");
        let e = run(Lang::Python, "'hi' + ' there'", &mut repl);
        assert_eq!(text(&e), "'hi there'");
    }

    #[test]
    fn repls_are_isolated() {
        let (mut a, mut b) = (Repl::default(), Repl::default());
        run(Lang::Python, "secret = 1", &mut a);
        let e = run(Lang::Python, "print(secret)", &mut b);
        match e.outcome {
            Outcome::Error { ename, evalue, traceback } => {
                assert_eq!(ename, "NameError");
                assert_eq!(evalue, "name 'secret' is not defined");
                assert_eq!(
                    traceback,
                    [
                        "Traceback (most recent call last):\n",
                        "  File \"<stdin>\", line 1, in <module>\n",
                        "NameError: name 'secret' is not defined\n"
                    ]
                );
            }
            other => panic!("expected NameError, got {other:?}"),
        }
    }

    #[test]
    fn dataframes_show_and_count() {
        let mut repl = Repl::default();
        let e = run(
            Lang::Python,
            "df = spark.sql(\"SELECT name FROM products ORDER BY product_id\")\ndf.show(2)\nprint(df.count())",
            &mut repl,
        );
        let out = text(&e);
        assert!(out.starts_with("+--------------------+\n|                name|\n"), "{out}");
        assert!(out.ends_with("only showing top 2 rows\n12"), "{out}");
        let e = run(Lang::Python, "df", &mut repl);
        assert_eq!(text(&e), "DataFrame");
    }

    #[test]
    fn raise_and_sleep() {
        let mut repl = Repl::default();
        let e = run(Lang::Python, "import time\ntime.sleep(30)", &mut repl);
        assert!(e.duration >= Duration::from_secs(30) && e.duration < Duration::from_secs(32));
        let e = run(Lang::Python, "raise ValueError(\"bad input\")", &mut repl);
        assert!(
            matches!(e.outcome, Outcome::Error { ref ename, ref evalue, .. } if ename == "ValueError" && evalue == "bad input")
        );
    }

    #[test]
    fn scala_and_r_forms() {
        let mut repl = Repl::default();
        assert_eq!(text(&run(Lang::Scala, "val n = 40\nn + 2", &mut repl)), "res0: Int = 42");
        assert_eq!(text(&run(Lang::Scala, "println(\"hi\")", &mut repl)), "hi");
        let e = run(Lang::Scala, "Thread.sleep(5000)", &mut repl);
        assert!(e.duration >= Duration::from_secs(5));
        let e = run(Lang::Scala, "throw new RuntimeException(\"boom\")", &mut repl);
        assert!(
            matches!(e.outcome, Outcome::Error { ref ename, .. } if ename == "java.lang.RuntimeException")
        );
        let mut r = Repl::default();
        assert_eq!(text(&run(Lang::R, "x <- 2\nprint(x * 3)", &mut r)), "[1] 6");
        assert!(
            matches!(run(Lang::R, "stop(\"nope\")", &mut r).outcome, Outcome::Error { ref ename, .. } if ename == "Error")
        );
        let out = run(Lang::R, "showDF(sql(\"SELECT 1 AS one\"))", &mut r);
        assert!(text(&out).contains("|one|"), "{out:?}");
    }

    #[test]
    fn sql_is_real_and_durations_are_deterministic() {
        let mut repl = Repl::default();
        let a = run(Lang::Sql, "SELECT COUNT(*) AS n FROM sales", &mut repl);
        let b = run(Lang::Sql, "SELECT COUNT(*) AS n FROM sales", &mut repl);
        assert_eq!(a, b);
        match a.outcome {
            Outcome::Table { rows, .. } => assert_eq!(rows, vec![vec![serde_json::json!(500)]]),
            other => panic!("expected a table, got {other:?}"),
        }
    }

    #[test]
    fn unrecognised_code_is_a_clear_error_never_silence() {
        let mut repl = Repl::default();
        let e = run(Lang::Python, "df2 = df.groupBy('x').agg(F.sum('y'))", &mut repl);
        assert!(matches!(e.outcome, Outcome::Error { ref ename, .. } if ename == "NameError"));
        let e = run(Lang::Python, "x = 1\nfor i in range(3): pass", &mut repl);
        let Outcome::Error { ename, evalue, traceback } = e.outcome else { panic!("an error") };
        assert_eq!(ename, "NotImplementedError");
        assert!(evalue.contains("does not run `for i in range(3): pass`"), "{evalue}");
        assert_eq!(traceback[1], "  File \"<stdin>\", line 2, in <module>\n");
    }

    #[test]
    fn semicolons_ranges_display_and_magics() {
        let mut repl = Repl::default();
        let e = run(Lang::Python, "a = 2; b = a * 3; print(b)", &mut repl);
        assert_eq!(text(&e), "6");
        assert_eq!(text(&run(Lang::Python, "spark.range(1000000000).count()", &mut repl)), "1000000000");
        assert_eq!(text(&run(Lang::Python, "spark.range(0, 10, 3).count()", &mut repl)), "4");
        let e = run(Lang::Python, "df = spark.range(5)\ndf.show(2)", &mut repl);
        assert_eq!(text(&e), "+---+\n| id|\n+---+\n|  0|\n|  1|\n+---+\nonly showing top 2 rows");
        // display() ending the code is a table, typed.
        let e = run(Lang::Python, "display(spark.table(\"products\").limit(3))", &mut repl);
        match e.outcome {
            Outcome::Table { columns, rows, .. } => {
                assert_eq!(rows.len(), 3);
                assert!(columns.iter().any(|c| c.name == "name"), "{columns:?}");
            }
            other => panic!("a table: {other:?}"),
        }
        // A magic on the first line picks the language of the rest.
        let e = run(Lang::Python, "%%sql\nSELECT 1 AS one", &mut repl);
        assert!(
            matches!(e.outcome, Outcome::Table { ref rows, .. } if rows == &vec![vec![serde_json::json!(1)]])
        );
        assert_eq!(text(&run(Lang::Sql, "%python\nprint('py')", &mut repl)), "py");
        // A sleep takes simulated time.
        let e = run(Lang::Python, "import time; time.sleep(90)", &mut repl);
        assert!(e.duration >= Duration::from_secs(90));
    }

    #[test]
    fn strings_add_as_each_language_does() {
        let mut repl = Repl::default();
        assert_eq!(text(&run(Lang::Scala, "val n = 3\nprintln(\"n = \" + n)", &mut repl)), "n = 3");
        let e = run(Lang::Python, "print('n = ' + 3)", &mut repl);
        assert!(
            matches!(e.outcome, Outcome::Error { ref evalue, .. } if evalue == "can only concatenate str (not \"int\") to str")
        );
        assert_eq!(text(&run(Lang::R, "print(\"hi\")", &mut repl)), "[1] \"hi\"");
    }

    #[test]
    fn languages_from_wire_names() {
        assert_eq!(Lang::from_livy_kind("PySpark"), Some(Lang::Python));
        assert_eq!(Lang::from_livy_kind("spark"), Some(Lang::Scala));
        assert_eq!(Lang::from_databricks("r"), Some(Lang::R));
        assert_eq!(Lang::from_databricks("cobol"), None);
    }
}
