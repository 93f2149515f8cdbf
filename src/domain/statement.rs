//! A statement as the editor shows it, independent of the wire: its language, where it is in
//! its life, and its outcome — text, a table, or an error with its traceback — bounded, so a
//! huge result never fills memory. `workspace::statement_convert` builds them from API objects.

/// The languages a Livy statement can be written in (Databricks command contexts take the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    PySpark,
    Scala,
    Sql,
    R,
}

/// "1 line", "3 lines": how long a text is, for messages about files.
pub fn lines_of(text: &str) -> String {
    match text.lines().count() {
        1 => "1 line".into(),
        n => format!("{n} lines"),
    }
}

impl Language {
    pub const ALL: [Language; 4] = [Language::PySpark, Language::Scala, Language::Sql, Language::R];

    pub fn label(self) -> &'static str {
        match self {
            Language::PySpark => "PySpark",
            Language::Scala => "Scala",
            Language::Sql => "SQL",
            Language::R => "R",
        }
    }

    /// The statement `kind` Livy expects.
    pub fn livy_kind(self) -> &'static str {
        match self {
            Language::PySpark => "pyspark",
            Language::Scala => "spark",
            Language::Sql => "sql",
            Language::R => "sparkr",
        }
    }

    /// The command-execution `language` Databricks expects.
    pub fn databricks_language(self) -> &'static str {
        match self {
            Language::PySpark => "python",
            Language::Scala => "scala",
            Language::Sql => "sql",
            Language::R => "r",
        }
    }

    /// The language a file's extension names (`.py`, `.scala`/`.sc`, `.sql`, `.r`).
    pub fn of_path(path: &std::path::Path) -> Option<Language> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "py" => Some(Language::PySpark),
            "scala" | "sc" => Some(Language::Scala),
            "sql" => Some(Language::Sql),
            "r" => Some(Language::R),
            _ => None,
        }
    }

    /// The extension of a file holding code in this language.
    pub fn extension(self) -> &'static str {
        match self {
            Language::PySpark => "py",
            Language::Scala => "scala",
            Language::Sql => "sql",
            Language::R => "r",
        }
    }

    pub fn next(self) -> Language {
        let i = Language::ALL.iter().position(|l| *l == self).unwrap_or(0);
        Language::ALL[(i + 1) % Language::ALL.len()]
    }
}

/// How sparkdeck acquires its own REPLs in a Fabric workspace (config `[fabric.repl]`): the
/// high-concurrency session tag they share, the environment, Spark conf and sizes — all sent in
/// the acquire body.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReplSettings {
    /// Default `sparkdeck`.
    pub session_tag: Option<String>,
    /// A Fabric environment's id (its libraries and Spark settings).
    pub environment: Option<String>,
    pub conf: std::collections::BTreeMap<String, String>,
    pub driver_memory: Option<String>,
    pub driver_cores: Option<u32>,
    pub executor_memory: Option<String>,
    pub executor_cores: Option<u32>,
    pub num_executors: Option<u32>,
}

/// The session tag sparkdeck's REPLs share unless the configuration names another.
pub const SESSION_TAG: &str = "sparkdeck";

impl ReplSettings {
    pub fn tag(&self) -> &str {
        self.session_tag.as_deref().unwrap_or(SESSION_TAG)
    }

    /// One line for the target picker: "tag sparkdeck · environment 1c2d3e4f · 2 conf keys · 4 executors".
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("tag {}", self.tag())];
        if let Some(env) = &self.environment {
            parts.push(format!("environment {}", env.get(..8).unwrap_or(env)));
        }
        if !self.conf.is_empty() {
            let n = self.conf.len();
            parts.push(format!("{n} conf key{}", if n == 1 { "" } else { "s" }));
        }
        if let Some(memory) = &self.driver_memory {
            parts.push(format!("driver {memory}"));
        }
        if let Some(n) = self.num_executors {
            parts.push(format!("{n} executors"));
        }
        parts.join(" · ")
    }
}

/// Where the editor's statements run, once acquired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repl {
    /// A REPL of a Fabric high-concurrency session: the HC id names it for get / delete, the
    /// Livy session id and the REPL id name it for statements.
    Livy {
        workspace: String,
        /// The lakehouse's label (its name, or its id).
        lakehouse: String,
        hc_id: String,
        session_id: String,
        repl_id: String,
    },
    /// An existing (not high-concurrency) Livy session the user chose in the Sessions pane:
    /// statements go straight to it. It is the user's: sparkdeck never deletes it.
    LivySession { workspace: String, lakehouse: String, session_id: String },
    /// A Databricks execution context on an all-purpose cluster (command execution API 1.2).
    /// Each command names its own language, so one context serves them all.
    Databricks { workspace: String, cluster_id: String, context_id: String },
}

impl Repl {
    pub fn workspace(&self) -> &str {
        match self {
            Repl::Livy { workspace, .. }
            | Repl::LivySession { workspace, .. }
            | Repl::Databricks { workspace, .. } => workspace,
        }
    }

    /// For the editor's frame: "session 5f1c2a90 · REPL 0c0ffee0", "context 1234 on 0101-…".
    /// Whether sparkdeck acquired it (and so gives it back on quit); an attached session is not.
    pub fn is_owned(&self) -> bool {
        !matches!(self, Repl::LivySession { .. })
    }

    pub fn describe(&self) -> String {
        let short = |id: &str| id.get(..8).unwrap_or(id).to_string();
        match self {
            Repl::Livy { session_id, repl_id, .. } => {
                format!("session {} · REPL {}", short(session_id), short(repl_id))
            }
            Repl::LivySession { session_id, .. } => format!("attached to session {}", short(session_id)),
            Repl::Databricks { cluster_id, context_id, .. } => {
                format!("context {context_id} on cluster {cluster_id}")
            }
        }
    }
}

/// Where a statement is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Accepted, not started (Livy `waiting`).
    Waiting,
    Running,
    Cancelling,
    /// Finished; the outcome says whether it worked.
    Done,
    Cancelled,
}

impl Phase {
    pub fn is_finished(self) -> bool {
        matches!(self, Phase::Done | Phase::Cancelled)
    }

    /// Livy statement `state` (`Error` in the swagger, `error` from the service).
    pub fn from_livy(state: &str) -> Phase {
        match state.to_ascii_lowercase().as_str() {
            "waiting" => Phase::Waiting,
            "running" => Phase::Running,
            "cancelling" => Phase::Cancelling,
            "cancelled" | "canceled" => Phase::Cancelled,
            // available, error, and anything new that the service considers final: the output
            // decides. An unknown word is treated as still running only if no output came.
            _ => Phase::Done,
        }
    }
}

/// A result table as the service sent it: typed cells (numbers stay numbers, so a JSON export
/// keeps them) and the columns' Spark types when the service names them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Rows the service sent beyond what is kept.
    pub dropped_rows: usize,
}

/// A result column: its name and, when the service says, its Spark type (`long`, `string`,
/// `array<int>`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Column {
    pub name: String,
    pub data_type: Option<String>,
}

impl Column {
    pub fn new(name: impl Into<String>, data_type: Option<&str>) -> Column {
        Column { name: name.into(), data_type: data_type.map(str::to_string) }
    }

    /// A numeric Spark type: right-aligned in grids.
    pub fn is_numeric(&self) -> bool {
        self.data_type.as_deref().is_some_and(|t| {
            let t = t.to_ascii_lowercase();
            [
                "int", "integer", "long", "bigint", "short", "smallint", "tinyint", "byte", "float",
                "double", "real",
            ]
            .contains(&t.as_str())
                || t.starts_with("decimal")
        })
    }
}

impl From<&str> for Column {
    fn from(name: &str) -> Column {
        Column::new(name, None)
    }
}

/// One result cell, typed as it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Text(String),
    /// An array, map or struct, kept whole.
    Nested(serde_json::Value),
}

impl Cell {
    pub fn from_json(value: &serde_json::Value) -> Cell {
        use serde_json::Value;
        match value {
            Value::Null => Cell::Null,
            Value::Bool(b) => Cell::Bool(*b),
            Value::Number(n) => Cell::Number(n.clone()),
            Value::String(s) => Cell::Text(s.clone()),
            other => Cell::Nested(other.clone()),
        }
    }

    /// The cell as JSON, with its type.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Cell::Null => Value::Null,
            Cell::Bool(b) => Value::Bool(*b),
            Cell::Number(n) => Value::Number(n.clone()),
            Cell::Text(s) => Value::String(s.clone()),
            Cell::Nested(v) => v.clone(),
        }
    }

    /// How the cell reads as text: `null`, `true`, `42`, the string itself, compact JSON.
    pub fn text(&self) -> String {
        match self {
            Cell::Null => "null".into(),
            Cell::Bool(b) => b.to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::Text(s) => s.clone(),
            Cell::Nested(v) => v.to_string(),
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Cell::Number(_))
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.into())
    }
}

impl Table {
    /// The column names, for headers.
    pub fn names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }

    /// The rows as text.
    pub fn text_rows(&self) -> Vec<Vec<String>> {
        self.rows.iter().map(|r| r.iter().map(Cell::text).collect()).collect()
    }

    /// Whether column `i` holds numbers: by its type, else by its cells (a service that sends no
    /// types still gets its numbers right-aligned).
    pub fn is_numeric(&self, i: usize) -> bool {
        match self.columns.get(i) {
            Some(c) if c.data_type.is_some() => c.is_numeric(),
            _ => {
                let mut cells = self.rows.iter().filter_map(|r| r.get(i)).filter(|c| **c != Cell::Null);
                cells.clone().next().is_some() && cells.all(Cell::is_number)
            }
        }
    }
}

/// What a finished statement produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Nothing to show (DDL, an assignment).
    Empty,
    Text(String),
    Table(Table),
    Error {
        name: String,
        value: String,
        traceback: Vec<String>,
    },
}

impl Output {
    pub fn is_error(&self) -> bool {
        matches!(self, Output::Error { .. })
    }
}

/// At most this many result rows are kept per statement (upstream Livy sends at most 1000).
pub const MAX_ROWS: usize = 1000;
/// At most this much text is kept per statement; the rest is cut with a marker.
pub const MAX_TEXT: usize = 256 * 1024;

/// `text`, cut at `MAX_TEXT` bytes (on a character boundary) with a visible marker.
pub fn bounded(text: &str) -> String {
    if text.len() <= MAX_TEXT {
        return text.to_string();
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n… output truncated ({} bytes not shown)", &text[..end], text.len() - end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_map_to_livy_and_databricks_names() {
        assert_eq!(Language::Scala.livy_kind(), "spark");
        assert_eq!(Language::R.livy_kind(), "sparkr");
        assert_eq!(Language::PySpark.databricks_language(), "python");
        assert_eq!(Language::R.next(), Language::PySpark);
    }
}
