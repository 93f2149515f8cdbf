//! Statements from API objects: a Livy `StatementResponse` or a Databricks 1.2 command status
//! becomes the editor's phase and output. Result cells are JSON by nature (any value a query
//! returns); everything else is read from the typed models, and every result is bounded.

use serde_json::Value;

use crate::api::databricks::models::{CommandResults, CommandStatus, CommandStatusResponse, ResultType};
use crate::api::livy::models::{SqlTable, StatementOutput, StatementResponse};
use crate::domain::statement::{Cell, Column, MAX_ROWS, Output, Phase, Table, bounded};

/// A Databricks 1.2 command status: `{"id", "status", "results"?}`. A failed command is
/// `Finished` with `results.resultType: error`; `Error` is the service failing to run it.
pub fn databricks_command(command: &CommandStatusResponse) -> (Phase, Option<Output>) {
    let results = command.results.as_ref();
    match command.status.as_ref().unwrap_or(&CommandStatus::Queued) {
        CommandStatus::Queued => (Phase::Waiting, None),
        CommandStatus::Running => (Phase::Running, None),
        CommandStatus::Cancelling => (Phase::Cancelling, None),
        CommandStatus::Cancelled => (Phase::Cancelled, None),
        CommandStatus::Finished => {
            (Phase::Done, Some(results.map(databricks_results).unwrap_or(Output::Empty)))
        }
        CommandStatus::Error => {
            let output =
                results.map(databricks_results).filter(Output::is_error).unwrap_or_else(|| Output::Error {
                    name: "Error".into(),
                    value: "the cluster could not run the command".into(),
                    traceback: Vec::new(),
                });
            (Phase::Done, Some(output))
        }
        // A status this build does not know: keep polling until a known one arrives.
        CommandStatus::Other(_) => (Phase::Running, None),
    }
}

/// `results`: `resultType` text, table, error, image or images.
fn databricks_results(r: &CommandResults) -> Output {
    let text = |s: &Option<String>| s.clone().unwrap_or_default();
    match r.result_type {
        Some(ResultType::Table) => {
            let columns = r
                .schema
                .iter()
                .map(|c| {
                    let name = c.name.clone().unwrap_or_else(|| "?".into());
                    Column { name, data_type: c.data_type.as_ref().and_then(databricks_type) }
                })
                .collect();
            let rows = r.data.as_ref().and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            let mut t = table(columns, rows.iter().map(cells));
            if r.truncated == Some(true) && t.dropped_rows == 0 {
                // The cluster cut the result; how much is unknown.
                t.dropped_rows = 1;
            }
            Output::Table(t)
        }
        Some(ResultType::Error) => {
            let summary = without_html(&text(&r.summary));
            let (name, value) = match summary.split_once(": ") {
                Some((n, v)) if !n.contains(' ') => (n.to_string(), v.to_string()),
                _ => ("Error".to_string(), summary.clone()),
            };
            let traceback = without_ansi(&text(&r.cause)).lines().map(str::to_string).collect();
            Output::Error { name, value, traceback }
        }
        Some(ResultType::Image) => Output::Text(format!("(an image: {})", text(&r.file_name))),
        Some(ResultType::Images) => Output::Text("(images, which a terminal cannot show)".into()),
        _ => match &r.data {
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

/// How far along a running Livy statement is, as a share 0–1 (upstream Livy's `progress`).
pub fn livy_progress(statement: &StatementResponse) -> Option<f64> {
    statement.progress.filter(|p| p.is_finite()).map(|p| p.clamp(0.0, 1.0))
}

/// A Livy `StatementResponse`: its phase and, once finished, its output.
pub fn livy_statement(statement: &StatementResponse) -> (Phase, Option<Output>) {
    let state = statement.state.as_ref().map_or("waiting", |s| s.as_str());
    let phase = Phase::from_livy(state);
    match (phase, &statement.output) {
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
pub fn livy_output(out: &StatementOutput) -> Output {
    if out.status.as_ref().is_some_and(|s| s.as_str().eq_ignore_ascii_case("error")) {
        return Output::Error {
            name: out.ename.clone().unwrap_or_default(),
            value: out.evalue.clone().unwrap_or_default(),
            traceback: out.traceback.iter().map(|l| l.trim_end_matches('\n').to_string()).collect(),
        };
    }
    if let Some(table) = out.table() {
        return Output::Table(sql_table(&table));
    }
    match out.text() {
        Some(t) if !t.trim().is_empty() => Output::Text(bounded(t)),
        _ => Output::Empty,
    }
}

/// The `{schema, data}` envelope Livy SQL statements use.
fn sql_table(t: &SqlTable) -> Table {
    let columns = t
        .schema
        .fields
        .iter()
        .map(|f| Column {
            name: f.name.clone().unwrap_or_else(|| "?".into()),
            data_type: spark_type(&f.data_type),
        })
        .collect();
    table(columns, t.data.iter().map(Vec::as_slice))
}

/// A row's cells; a row that is not a list has none.
fn cells(row: &Value) -> &[Value] {
    row.as_array().map(Vec::as_slice).unwrap_or_default()
}

/// Rows of JSON cells, typed as they came, capped at `MAX_ROWS`.
fn table<'a>(columns: Vec<Column>, rows: impl ExactSizeIterator<Item = &'a [Value]>) -> Table {
    let total = rows.len();
    let rows = rows.take(MAX_ROWS).map(|row| row.iter().map(Cell::from_json).collect()).collect();
    Table { columns, rows, dropped_rows: total.saturating_sub(MAX_ROWS) }
}

/// A Livy schema field's type: a name (`long`), or a nested type object (`{"type": "array", …}`)
/// named by its kind.
fn spark_type(t: &Value) -> Option<String> {
    match t {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Object(o) => o.get("type").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

/// A Databricks 1.2 schema type: JSON text (`"\"string\""`, `"{\"type\":\"array\",…}"`), or
/// a plain name from a service that does not encode it.
fn databricks_type(t: &Value) -> Option<String> {
    match t {
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(decoded) => spark_type(&decoded),
            Err(_) => spark_type(t),
        },
        other => spark_type(other),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::wire::decoded;
    use crate::domain::statement::MAX_TEXT;

    fn livy(v: Value) -> (Phase, Option<Output>) {
        livy_statement(&decoded(v))
    }

    fn databricks(v: Value) -> (Phase, Option<Output>) {
        databricks_command(&decoded(v))
    }

    fn num(n: i64) -> Cell {
        Cell::Number(n.into())
    }

    fn txt(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn texts_tables_and_errors_from_the_reference_shapes() {
        let text = json!({"id": 0, "state": "available", "output": {"status": "ok", "execution_count": 0, "data": {"text/plain": "2\n"}}});
        assert_eq!(livy(text), (Phase::Done, Some(Output::Text("2\n".into()))));
        let sql = json!({"state": "available", "output": {"status": "ok", "data": {"application/json": {
            "schema": {"type": "struct", "fields": [{"name": "c", "type": "long"}, {"name": "s", "type": "string"}]},
            "data": [[1, "a"], [2, null]]}}}});
        let want = Table {
            columns: vec![Column::new("c", Some("long")), Column::new("s", Some("string"))],
            rows: vec![vec![num(1), txt("a")], vec![num(2), Cell::Null]],
            dropped_rows: 0,
        };
        assert_eq!(livy(sql).1, Some(Output::Table(want)));
        let err = json!({"state": "available", "output": {"status": "error", "ename": "NameError",
            "evalue": "name 'x' is not defined", "traceback": ["Traceback:\n", "  line 1\n"]}});
        assert_eq!(
            livy(err).1,
            Some(Output::Error {
                name: "NameError".into(),
                value: "name 'x' is not defined".into(),
                traceback: vec!["Traceback:".into(), "  line 1".into()]
            })
        );
        assert_eq!(livy(json!({"state": "Error"})).1.map(|o| o.is_error()), Some(true));
        assert_eq!(livy(json!({"state": "running"})), (Phase::Running, None));
        assert_eq!(livy(json!({"state": "cancelled"})), (Phase::Cancelled, None));
        assert_eq!(
            livy(json!({"state": "available", "output": {"status": "ok", "data": {}}})).1,
            Some(Output::Empty)
        );
    }

    #[test]
    fn big_results_are_bounded_with_a_marker() {
        let rows: Vec<Value> = (0..1500).map(|i| json!([i])).collect();
        let out = livy_output(&decoded(
            json!({"status": "ok", "data": {"application/json": {"schema": {"fields": [{"name": "i"}]}, "data": rows}}}),
        ));
        assert!(matches!(out, Output::Table(ref t) if t.rows.len() == MAX_ROWS && t.dropped_rows == 500));
        let big = "é".repeat(MAX_TEXT);
        let cut = bounded(&big);
        assert!(cut.len() < big.len() && cut.ends_with("bytes not shown)"));
    }

    #[test]
    fn odd_sql_envelopes_read_as_the_by_key_reader_did() {
        // A column without a textual name is "?", a row that is not a list is empty, and JSON
        // that is not the `{schema, data}` envelope falls back to the text output.
        let out = livy_output(&decoded(json!({"status": "ok", "data": {"application/json": {
            "schema": {"fields": [{"name": 1}, "c"]}, "data": [[1, 2], {"x": 1}]}}})));
        let want = Table {
            columns: vec![Column::new("?", None), Column::new("?", None)],
            rows: vec![vec![num(1), num(2)], vec![]],
            dropped_rows: 0,
        };
        assert_eq!(out, Output::Table(want));
        let out = livy_output(&decoded(
            json!({"status": "ok", "data": {"application/json": {"a": 1}, "text/plain": "{'a': 1}"}}),
        ));
        assert_eq!(out, Output::Text("{'a': 1}".into()));
    }

    #[test]
    fn databricks_commands_from_the_reference_shapes() {
        let text =
            json!({"id": "234", "status": "Finished", "results": {"resultType": "text", "data": "done"}});
        assert_eq!(databricks(text), (Phase::Done, Some(Output::Text("done".into()))));
        let table = json!({"id":"235","status":"Finished","results":{"resultType":"table","truncated":false,"isJsonSchema":true,
            "data":[["audit",1],["bronze",2]],"schema":[{"name":"databaseName","type":"\"string\"","metadata":"{}"},{"name":"n","type":"\"integer\"","metadata":"{}"}]}});
        let want = Table {
            columns: vec![Column::new("databaseName", Some("string")), Column::new("n", Some("integer"))],
            rows: vec![vec![txt("audit"), num(1)], vec![txt("bronze"), num(2)]],
            dropped_rows: 0,
        };
        assert_eq!(databricks(table).1, Some(Output::Table(want)));
        let error = json!({"id":"236","status":"Finished","results":{"resultType":"error",
            "summary":"<span class='ansi-red-fg'>NameError</span>: name 'x' is not defined",
            "cause":"\u{1b}[0;31m---------\u{1b}[0m\nNameError  Traceback (most recent call last)"}});
        assert_eq!(
            databricks(error).1,
            Some(Output::Error {
                name: "NameError".into(),
                value: "name 'x' is not defined".into(),
                traceback: vec!["---------".into(), "NameError  Traceback (most recent call last)".into()]
            })
        );
        assert_eq!(databricks(json!({"id": "237", "status": "Running"})), (Phase::Running, None));
        // Angle brackets in tracebacks are not tags.
        let error = json!({"status": "Finished", "results": {"resultType": "error",
            "summary": "ValueError: x &lt; 3 <b>failed</b>", "cause": "File <command-12>, line 1, in <module>\nif x < 3:"}});
        let Some(Output::Error { value, traceback, .. }) = databricks(error).1 else { panic!("an error") };
        assert_eq!(value, "x < 3 failed");
        assert_eq!(traceback, ["File <command-12>, line 1, in <module>", "if x < 3:"]);
        assert_eq!(databricks(json!({"status": "Cancelled"})), (Phase::Cancelled, None));
        assert!(databricks(json!({"status": "Error"})).1.is_some_and(|o| o.is_error()));
    }
}
