//! Statements: state, kind, the request, and outputs (text, SQL tables, errors).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::wire::{items, lenient, wire_enum};

wire_enum! {
    /// Statement `state`. The swagger spells the error state `Error`; services send `error`.
    pub StatementState {
        Waiting = "waiting",
        Running = "running",
        Available = "available",
        Error = "error" | "Error",
        Cancelling = "cancelling",
        Cancelled = "cancelled",
    }
}

impl StatementState {
    pub fn is_finished(&self) -> bool {
        matches!(self, Self::Available | Self::Error | Self::Cancelled)
    }
}

wire_enum! {
    /// Statement `kind`, sent with every statement (Fabric sessions have no session-level kind).
    pub StatementKind { Spark = "spark", PySpark = "pyspark", SparkR = "sparkr", Sql = "sql" }
}

wire_enum! {
    pub OutputStatus { Ok = "ok", Error = "error" }
}

/// `POST .../statements`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementRequest {
    pub code: String,
    pub kind: StatementKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
}

/// A column of a SQL result schema. Read tolerantly: a column without a textual name is
/// still a column.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct SqlField {
    #[serde(deserialize_with = "lenient")]
    pub name: Option<String>,
    /// Spark type name (`long`, `string`, ...) or a nested type object.
    #[serde(rename = "type")]
    pub data_type: Value,
    #[serde(deserialize_with = "lenient")]
    pub nullable: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct SqlSchema {
    /// Required: an envelope without a list of fields is not a table. A field that is not an
    /// object reads as a nameless column.
    #[serde(deserialize_with = "items")]
    pub fields: Vec<SqlField>,
}

/// `output.data["application/json"]` of a `sql` statement: rows in schema order. `schema`
/// and `data` are required (other JSON outputs are not tables); a row that is not a list
/// reads as an empty row.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct SqlTable {
    pub schema: SqlSchema,
    #[serde(deserialize_with = "items")]
    pub data: Vec<Vec<Value>>,
}

/// A statement's `output`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct StatementOutput {
    pub status: Option<OutputStatus>,
    pub execution_count: Option<i64>,
    /// MIME type → value (`text/plain`, `application/json`, ...).
    pub data: Map<String, Value>,
    pub ename: Option<String>,
    pub evalue: Option<String>,
    pub traceback: Vec<String>,
}

impl StatementOutput {
    pub fn is_error(&self) -> bool {
        self.status == Some(OutputStatus::Error)
    }

    /// `text/plain` output.
    pub fn text(&self) -> Option<&str> {
        self.data.get("text/plain").and_then(Value::as_str)
    }

    /// A SQL result (`application/json` `{schema, data}`); `None` for DDL/DML, which return
    /// no table, and for anything that is not that envelope.
    pub fn table(&self) -> Option<SqlTable> {
        self.data.get("application/json").and_then(|v| serde_json::from_value(v.clone()).ok())
    }
}

/// `StatementResponse`. A failed statement usually ends `available` with `output.status:
/// "error"`: check the output, not only the state.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StatementResponse {
    pub id: Option<i64>,
    pub code: Option<String>,
    pub source_id: Option<String>,
    pub state: Option<StatementState>,
    pub output: Option<StatementOutput>,
    /// Upstream Livy extras, when present.
    pub progress: Option<f64>,
    pub started: Option<i64>,
    pub completed: Option<i64>,
}

/// `GET .../statements`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct StatementsResponse {
    pub statements: Vec<StatementResponse>,
    pub total_statements: Option<i64>,
}

/// `POST .../statements/{id}/cancel`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct StatementCancellationResponse {
    pub msg: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::wire::decoded as decode;

    #[test]
    fn statement_outputs_text_table_and_error() {
        let st: StatementResponse = decode(json!({"id": 0, "state": "available", "output": {
            "status": "ok", "execution_count": 0, "data": {"application/json": {
                "schema": {"type": "struct", "fields": [{"name": "c", "type": "long", "nullable": true, "metadata": {}}]},
                "data": [[1, "a"], [2, "b"]]}}}}));
        let table = st.output.as_ref().and_then(StatementOutput::table).unwrap_or_default();
        assert_eq!((table.schema.fields[0].name.as_deref(), table.data.len()), (Some("c"), 2));
        let st: StatementResponse = decode(json!({"id": 1, "state": "available", "output": {
            "status": "error", "execution_count": 1, "ename": "NameError", "evalue": "name 'x' is not defined",
            "traceback": ["Traceback ...", "NameError: name 'x' is not defined"]}}));
        let out = st.output.unwrap_or_default();
        assert!(out.is_error() && out.ename.as_deref() == Some("NameError") && out.traceback.len() == 2);
        let st: StatementResponse = decode(
            json!({"id": 2, "state": "Error", "output": {"status": "ok", "data": {"text/plain": "3"}}}),
        );
        assert_eq!(st.state, Some(StatementState::Error));
        assert_eq!(st.output.as_ref().and_then(StatementOutput::text), Some("3"));
        let list: StatementsResponse =
            decode(json!({"statements": [{"id": 0, "state": "waiting"}], "total_statements": 1}));
        assert_eq!(list.statements[0].state, Some(StatementState::Waiting));
    }
}
