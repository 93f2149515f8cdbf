//! A statement as the editor shows it, independent of the wire: its language, where it is in
//! its life, and its outcome — text, a table, or an error with its traceback. Reads are
//! tolerant (every field may be missing) and bounded (a huge result never fills memory).

use serde_json::Value;

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

/// A Databricks 1.2 command status: `{"id", "status", "results"?}`. A failed command is
/// `Finished` with `results.resultType: error`; `Error` is the service failing to run it.
pub fn databricks_command(command: &Value) -> (Phase, Option<Output>) {
    let status = command.get("status").and_then(Value::as_str).unwrap_or("Queued");
    let results = command.get("results").filter(|r| r.is_object());
    match status {
        "Queued" => (Phase::Waiting, None),
        "Running" => (Phase::Running, None),
        "Cancelling" => (Phase::Cancelling, None),
        "Cancelled" => (Phase::Cancelled, None),
        "Finished" => (Phase::Done, Some(results.map(databricks_results).unwrap_or(Output::Empty))),
        "Error" => {
            let output =
                results.map(databricks_results).filter(Output::is_error).unwrap_or_else(|| Output::Error {
                    name: "Error".into(),
                    value: "the cluster could not run the command".into(),
                    traceback: Vec::new(),
                });
            (Phase::Done, Some(output))
        }
        // A status this build does not know: keep polling until a known one arrives.
        _ => (Phase::Running, None),
    }
}

/// `results`: `resultType` text, table, error, image or images.
fn databricks_results(r: &Value) -> Output {
    let text = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or_default();
    match text("resultType") {
        "table" => {
            let columns = r
                .get("schema")
                .and_then(Value::as_array)
                .map(|cols| {
                    cols.iter()
                        .map(|c| c.get("name").and_then(Value::as_str).unwrap_or("?").to_string())
                        .collect()
                })
                .unwrap_or_default();
            let rows = r.get("data").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            let mut t =
                table(columns, rows.iter().map(|row| row.as_array().map(Vec::as_slice).unwrap_or_default()));
            if r.get("truncated").and_then(Value::as_bool) == Some(true) && t.dropped_rows == 0 {
                // The cluster cut the result; how much is unknown.
                t.dropped_rows = 1;
            }
            Output::Table(t)
        }
        "error" => {
            let summary = without_html(text("summary"));
            let (name, value) = match summary.split_once(": ") {
                Some((n, v)) if !n.contains(' ') => (n.to_string(), v.to_string()),
                _ => ("Error".to_string(), summary.clone()),
            };
            let traceback = without_ansi(text("cause")).lines().map(str::to_string).collect();
            Output::Error { name, value, traceback }
        }
        "image" => Output::Text(format!("(an image: {})", text("fileName"))),
        "images" => Output::Text("(images, which a terminal cannot show)".into()),
        _ => match r.get("data") {
            Some(Value::String(s)) if !s.trim().is_empty() => Output::Text(bounded(s)),
            Some(Value::String(_)) | None | Some(Value::Null) => Output::Empty,
            Some(other) => Output::Text(bounded(&other.to_string())),
        },
    }
}

/// An error summary without its HTML (`<span class='ansi-red-fg'>NameError</span>`): only real
/// tags (`<` then a letter or `/`) are removed, so `x < 3` or `<module>`-free text survives;
/// entities are decoded; ANSI codes go too.
fn without_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let is_tag = tail[1..].chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '/');
        match (is_tag, tail.find('>')) {
            (true, Some(end)) => rest = &tail[end + 1..],
            _ => {
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    without_ansi(&decoded)
}

/// Text without ANSI escape sequences (CSI: ESC [ parameters final byte), as in Databricks'
/// `cause` tracebacks.
fn without_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A Livy `StatementResponse`: its phase and, once finished, its output.
pub fn livy_statement(statement: &Value) -> (Phase, Option<Output>) {
    let state = statement.get("state").and_then(Value::as_str).unwrap_or("waiting");
    let phase = Phase::from_livy(state);
    let output = statement.get("output").filter(|o| o.is_object());
    match (phase, output) {
        (Phase::Done, Some(out)) => (Phase::Done, Some(livy_output(out))),
        // `error` without an output body: say so rather than show nothing.
        (Phase::Done, None) if state.eq_ignore_ascii_case("error") => (
            Phase::Done,
            Some(Output::Error {
                name: "Error".into(),
                value: "the statement failed and the service sent no output".into(),
                traceback: Vec::new(),
            }),
        ),
        (Phase::Done, None) if state.eq_ignore_ascii_case("available") => (Phase::Done, Some(Output::Empty)),
        // An unknown state without output: keep polling.
        (Phase::Done, None) => (Phase::Running, None),
        (phase, _) => (phase, None),
    }
}

/// A Livy statement `output`: `status` ok with a MIME map, or error with ename / evalue / traceback.
pub fn livy_output(out: &Value) -> Output {
    let text = |k: &str| out.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    if out.get("status").and_then(Value::as_str).is_some_and(|s| s.eq_ignore_ascii_case("error")) {
        let traceback = out
            .get("traceback")
            .and_then(Value::as_array)
            .map(|lines| {
                lines.iter().filter_map(Value::as_str).map(|l| l.trim_end_matches('\n').to_string()).collect()
            })
            .unwrap_or_default();
        return Output::Error { name: text("ename"), value: text("evalue"), traceback };
    }
    let data = out.get("data");
    if let Some(table) = data.and_then(|d| d.get("application/json")).and_then(sql_table) {
        return Output::Table(table);
    }
    match data.and_then(|d| d.get("text/plain")).and_then(Value::as_str) {
        Some(t) if !t.trim().is_empty() => Output::Text(bounded(t)),
        _ => Output::Empty,
    }
}

/// `{"schema": {"fields": [{"name"}]}, "data": [[...]]}`, the envelope Livy SQL statements use.
fn sql_table(v: &Value) -> Option<Table> {
    let fields = v.pointer("/schema/fields")?.as_array()?;
    let columns: Vec<String> =
        fields.iter().map(|f| f.get("name").and_then(Value::as_str).unwrap_or("?").to_string()).collect();
    let data = v.get("data")?.as_array()?;
    Some(table(columns, data.iter().map(|row| row.as_array().map(Vec::as_slice).unwrap_or_default())))
}

/// Rows of JSON cells as text, capped at `MAX_ROWS`.
pub fn table<'a>(columns: Vec<String>, rows: impl ExactSizeIterator<Item = &'a [Value]>) -> Table {
    let total = rows.len();
    let rows = rows.take(MAX_ROWS).map(|row| row.iter().map(cell).collect()).collect();
    Table { columns, rows, dropped_rows: total.saturating_sub(MAX_ROWS) }
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

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
    use serde_json::json;

    use super::*;

    #[test]
    fn texts_tables_and_errors_from_the_reference_shapes() {
        let text = json!({"id": 0, "state": "available", "output": {"status": "ok", "execution_count": 0, "data": {"text/plain": "2\n"}}});
        assert_eq!(livy_statement(&text), (Phase::Done, Some(Output::Text("2\n".into()))));
        let sql = json!({"state": "available", "output": {"status": "ok", "data": {"application/json": {
            "schema": {"type": "struct", "fields": [{"name": "c", "type": "long"}, {"name": "s", "type": "string"}]},
            "data": [[1, "a"], [2, null]]}}}});
        let want = Table {
            columns: vec!["c".into(), "s".into()],
            rows: vec![vec!["1".into(), "a".into()], vec!["2".into(), "null".into()]],
            dropped_rows: 0,
        };
        assert_eq!(livy_statement(&sql).1, Some(Output::Table(want)));
        let err = json!({"state": "available", "output": {"status": "error", "ename": "NameError",
            "evalue": "name 'x' is not defined", "traceback": ["Traceback:\n", "  line 1\n"]}});
        assert_eq!(
            livy_statement(&err).1,
            Some(Output::Error {
                name: "NameError".into(),
                value: "name 'x' is not defined".into(),
                traceback: vec!["Traceback:".into(), "  line 1".into()]
            })
        );
        assert_eq!(livy_statement(&json!({"state": "Error"})).1.map(|o| o.is_error()), Some(true));
        assert_eq!(livy_statement(&json!({"state": "running"})), (Phase::Running, None));
        assert_eq!(livy_statement(&json!({"state": "cancelled"})), (Phase::Cancelled, None));
        assert_eq!(
            livy_statement(&json!({"state": "available", "output": {"status": "ok", "data": {}}})).1,
            Some(Output::Empty)
        );
    }

    #[test]
    fn big_results_are_bounded_with_a_marker() {
        let rows: Vec<Value> = (0..1500).map(|i| json!([i])).collect();
        let out = livy_output(
            &json!({"status": "ok", "data": {"application/json": {"schema": {"fields": [{"name": "i"}]}, "data": rows}}}),
        );
        assert!(matches!(out, Output::Table(ref t) if t.rows.len() == MAX_ROWS && t.dropped_rows == 500));
        let big = "é".repeat(MAX_TEXT);
        let cut = bounded(&big);
        assert!(cut.len() < big.len() && cut.ends_with("bytes not shown)"));
    }

    #[test]
    fn databricks_commands_from_the_reference_shapes() {
        let text =
            json!({"id": "234", "status": "Finished", "results": {"resultType": "text", "data": "done"}});
        assert_eq!(databricks_command(&text), (Phase::Done, Some(Output::Text("done".into()))));
        let table = json!({"id":"235","status":"Finished","results":{"resultType":"table","truncated":false,"isJsonSchema":true,
            "data":[["audit",1],["bronze",2]],"schema":[{"name":"databaseName","type":"\"string\"","metadata":"{}"},{"name":"n","type":"\"integer\"","metadata":"{}"}]}});
        let want = Table {
            columns: vec!["databaseName".into(), "n".into()],
            rows: vec![vec!["audit".into(), "1".into()], vec!["bronze".into(), "2".into()]],
            dropped_rows: 0,
        };
        assert_eq!(databricks_command(&table).1, Some(Output::Table(want)));
        let error = json!({"id":"236","status":"Finished","results":{"resultType":"error",
            "summary":"<span class='ansi-red-fg'>NameError</span>: name 'x' is not defined",
            "cause":"\u{1b}[0;31m---------\u{1b}[0m\nNameError  Traceback (most recent call last)"}});
        assert_eq!(
            databricks_command(&error).1,
            Some(Output::Error {
                name: "NameError".into(),
                value: "name 'x' is not defined".into(),
                traceback: vec!["---------".into(), "NameError  Traceback (most recent call last)".into()]
            })
        );
        assert_eq!(databricks_command(&json!({"id": "237", "status": "Running"})), (Phase::Running, None));
        // Angle brackets in tracebacks are not tags.
        let error = json!({"status": "Finished", "results": {"resultType": "error",
            "summary": "ValueError: x &lt; 3 <b>failed</b>", "cause": "File <command-12>, line 1, in <module>\nif x < 3:"}});
        let Some(Output::Error { value, traceback, .. }) = databricks_command(&error).1 else {
            panic!("an error")
        };
        assert_eq!(value, "x < 3 failed");
        assert_eq!(traceback, ["File <command-12>, line 1, in <module>", "if x < 3:"]);
        assert_eq!(databricks_command(&json!({"status": "Cancelled"})), (Phase::Cancelled, None));
        assert!(databricks_command(&json!({"status": "Error"})).1.is_some_and(|o| o.is_error()));
    }

    #[test]
    fn languages_map_to_livy_and_databricks_names() {
        assert_eq!(Language::Scala.livy_kind(), "spark");
        assert_eq!(Language::R.livy_kind(), "sparkr");
        assert_eq!(Language::PySpark.databricks_language(), "python");
        assert_eq!(Language::R.next(), Language::PySpark);
    }
}
