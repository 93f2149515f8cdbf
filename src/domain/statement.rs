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

    pub fn next(self) -> Language {
        let i = Language::ALL.iter().position(|l| *l == self).unwrap_or(0);
        Language::ALL[(i + 1) % Language::ALL.len()]
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

/// A result table, with every cell already text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Rows the service sent beyond what is kept.
    pub dropped_rows: usize,
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
