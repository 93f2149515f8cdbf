//! Result tables as files and documents: CSV (a header line, then the rows; the `csv` crate does
//! the quoting) and JSON (one object per row, columns in order, values with the types the
//! service sent: numbers stay numbers, nulls stay null). Used by `exec -o csv|json` and the
//! editor's `:export`.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use crate::domain::statement::{Cell, Table};

/// The formats a table can be written in, chosen by a path's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    /// `.csv` or `.json` (any case); anything else says which are known.
    pub fn of(path: &Path) -> Result<Format, String> {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") => Ok(Format::Csv),
            Some("json") => Ok(Format::Json),
            _ => Err(format!("{}: export writes .csv or .json files", path.display())),
        }
    }
}

/// The table as CSV: a header of column names, one line per row; a null is an empty field.
pub fn csv(table: &Table) -> Result<String, String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(table.columns.iter().map(|c| c.name.as_str())).map_err(|e| e.to_string())?;
    for row in &table.rows {
        let fields = (0..table.columns.len()).map(|i| match row.get(i) {
            None | Some(Cell::Null) => String::new(),
            Some(cell) => cell.text(),
        });
        out.write_record(fields).map_err(|e| e.to_string())?;
    }
    let bytes = out.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// The table as a JSON array of row objects, keys in column order (written by hand because a
/// `serde_json::Map` sorts its keys), values typed as they came.
pub fn json_records(table: &Table) -> String {
    let mut out = String::from("[");
    for (r, row) in table.rows.iter().enumerate() {
        out.push_str(if r == 0 { "\n  {" } else { ",\n  {" });
        for (i, column) in table.columns.iter().enumerate() {
            let value = row.get(i).map_or(Value::Null, Cell::to_json);
            let sep = if i == 0 { "" } else { ", " };
            let _ = write!(out, "{sep}{}: {value}", Value::String(column.name.clone()));
        }
        out.push('}');
    }
    out.push_str(if table.rows.is_empty() { "]\n" } else { "\n]\n" });
    out
}

/// The table as one JSON value: column names and types, rows of typed values, and how many
/// rows were not kept.
pub fn json_value(table: &Table) -> Value {
    let rows: Vec<Value> =
        table.rows.iter().map(|r| Value::Array(r.iter().map(Cell::to_json).collect())).collect();
    serde_json::json!({
        "type": "table",
        "columns": table.names(),
        "column_types": table.columns.iter().map(|c| c.data_type.clone()).collect::<Vec<_>>(),
        "rows": rows,
        "dropped_rows": table.dropped_rows,
    })
}

/// The table in `format`.
pub fn render(table: &Table, format: Format) -> Result<String, String> {
    match format {
        Format::Csv => csv(table),
        Format::Json => Ok(json_records(table)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::statement::Column;

    fn table() -> Table {
        Table {
            columns: vec![Column::new("region", Some("string")), Column::new("n", Some("long"))],
            rows: vec![
                vec![Cell::Text("East, \"big\"".into()), Cell::Number(12.into())],
                vec![Cell::Null, Cell::from_json(&json!(2.5))],
            ],
            dropped_rows: 0,
        }
    }

    #[test]
    fn csv_quotes_what_needs_it_and_leaves_nulls_empty() {
        assert_eq!(csv(&table()).ok().as_deref(), Some("region,n\n\"East, \"\"big\"\"\",12\n,2.5\n"));
    }

    #[test]
    fn json_keeps_types_and_column_order() -> Result<(), serde_json::Error> {
        let text = json_records(&table());
        assert!(text.contains(r#"{"region": "East, \"big\"", "n": 12}"#), "{text}");
        let back: Value = serde_json::from_str(&text)?;
        assert_eq!(back, json!([{"region": "East, \"big\"", "n": 12}, {"region": null, "n": 2.5}]));
        assert_eq!(json_records(&Table::default()), "[]\n");
        assert_eq!(json_value(&table())["rows"][0][1], json!(12));
        assert_eq!(json_value(&table())["column_types"], json!(["string", "long"]));
        Ok(())
    }

    #[test]
    fn formats_come_from_the_extension() {
        assert_eq!(Format::of(Path::new("out/sales.CSV")), Ok(Format::Csv));
        assert_eq!(Format::of(Path::new("a.json")), Ok(Format::Json));
        assert!(Format::of(Path::new("a.parquet")).is_err_and(|e| e.contains(".csv or .json")));
    }
}
