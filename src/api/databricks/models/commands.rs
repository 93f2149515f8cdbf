//! Command execution 1.2: contexts, commands and their results.

use serde::Deserialize;
use serde_json::Value;

use crate::api::wire::wire_enum;

wire_enum! {
    /// 1.2 language (`contexts/create`, `commands/execute`).
    pub Language { Python = "python", Scala = "scala", Sql = "sql", R = "r" }
}

wire_enum! {
    /// 1.2 context `status` (CamelCase on the wire).
    pub ContextStatus { Pending = "Pending", Running = "Running", Error = "Error" }
}

wire_enum! {
    /// 1.2 command `status` (CamelCase on the wire, not the `COMMAND_*` names of some docs).
    pub CommandStatus {
        Queued = "Queued",
        Running = "Running",
        Cancelling = "Cancelling",
        Finished = "Finished",
        Cancelled = "Cancelled",
        Error = "Error",
    }
}

wire_enum! {
    pub ResultType { Text = "text", Table = "table", Error = "error", Image = "image", Images = "images" }
}

/// `{"id": ...}` answers of the 1.2 API.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Created {
    pub id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ContextStatusResponse {
    pub id: Option<String>,
    pub status: Option<ContextStatus>,
}

/// A column of a 1.2 table result (`type` is a JSON-encoded type name like `"\"string\""`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ResultColumn {
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub data_type: Option<Value>,
    pub metadata: Option<Value>,
}

/// 1.2 `results`. A failed command is `Finished` with `resultType: error`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CommandResults {
    pub result_type: Option<ResultType>,
    /// A string for text; rows (arrays) for a table.
    pub data: Option<Value>,
    pub schema: Vec<ResultColumn>,
    pub truncated: Option<bool>,
    pub is_json_schema: Option<bool>,
    /// Error summary (often HTML/ANSI markup).
    pub summary: Option<String>,
    pub cause: Option<String>,
    pub file_name: Option<String>,
    pub file_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct CommandStatusResponse {
    pub id: Option<String>,
    pub status: Option<CommandStatus>,
    pub results: Option<CommandResults>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::wire::decoded as decode;

    #[test]
    fn the_reference_command_results_read() {
        let t: CommandStatusResponse =
            decode(json!({"id":"234","status":"Finished","results":{"resultType":"text","data":"done"}}));
        assert_eq!(t.results.and_then(|r| r.data), Some(json!("done")));
        let t: CommandStatusResponse = decode(
            json!({"id":"235","status":"Finished","results":{"resultType":"table",
            "truncated":false,"isJsonSchema":true,"data":[["audit",1],["bronze",2]],
            "schema":[{"name":"databaseName","type":"\"string\"","metadata":"{}"},{"name":"n","type":"\"integer\"","metadata":"{}"}]}}),
        );
        let results = t.results.unwrap_or_default();
        assert_eq!((results.result_type, results.schema.len()), (Some(ResultType::Table), 2));
        let e: CommandStatusResponse = decode(
            json!({"id":"236","status":"Finished","results":{"resultType":"error",
            "summary":"<span class='ansi-red-fg'>NameError</span>: name 'x' is not defined","cause":"NameError ..."}}),
        );
        assert_eq!(e.results.and_then(|r| r.result_type), Some(ResultType::Error));
        let r: CommandStatusResponse = decode(json!({"id":"237","status":"Running"}));
        assert_eq!(r.status, Some(CommandStatus::Running));
    }
}
