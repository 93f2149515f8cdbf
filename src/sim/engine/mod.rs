//! Statement execution for the simulator: what a piece of PySpark, Scala, SQL or R "does".
//!
//! STUB: filled in by the engine work item (embedded SQL over bundled demo tables, and a
//! small documented set of recognised code forms).

use std::collections::HashMap;
use std::time::Duration;

/// Statement language, as both services name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    Scala,
    Sql,
    R,
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
    pub vars: HashMap<String, String>,
}

/// The shared execution engine.
pub struct Engine {}

impl Engine {
    pub fn new() -> Self {
        Self {}
    }

    pub fn execute(&self, lang: Lang, code: &str, repl: &mut Repl) -> Execution {
        let _ = (lang, code, repl);
        Execution { duration: Duration::from_millis(500), outcome: Outcome::Text(String::new()) }
    }
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}
