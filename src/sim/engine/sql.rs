//! The SQL side of the engine: an in-memory SQLite database holding the bundled demo tables,
//! with the few Spark-isms clients use (`SHOW TABLES`, `SHOW DATABASES`, `DESCRIBE`, the
//! `default.` database prefix) and Spark-style error messages.
//!
//! SQLite (bundled, via rusqlite) is a real SQL engine: joins, aggregates and window functions
//! behave as users expect, so demo queries return real tables.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, params_from_iter};
use serde_json::Value;

use super::{Column, Outcome};

/// Livy's default `livy.rsc.sql.num-rows`: results beyond it are cut and marked truncated.
pub const MAX_ROWS: usize = 1000;

/// A bundled table: name, CSV (header row first) and the Spark type of each column.
struct DemoTable {
    name: &'static str,
    csv: &'static str,
    types: &'static [&'static str],
}

const DEMO_TABLES: &[DemoTable] = &[
    DemoTable {
        name: "sales",
        csv: include_str!("../../../assets/demo/sales.csv"),
        types: &["long", "date", "long", "long", "string", "long", "double"],
    },
    DemoTable {
        name: "customers",
        csv: include_str!("../../../assets/demo/customers.csv"),
        types: &["long", "string", "string", "string", "string", "date", "boolean"],
    },
    DemoTable {
        name: "products",
        csv: include_str!("../../../assets/demo/products.csv"),
        types: &["long", "string", "string", "double"],
    },
    DemoTable {
        name: "nyc_taxi_trips",
        csv: include_str!("../../../assets/demo/nyc_taxi_trips.csv"),
        types: &[
            "long",
            "timestamp",
            "timestamp",
            "string",
            "string",
            "long",
            "double",
            "double",
            "double",
            "string",
        ],
    },
    DemoTable {
        name: "web_events",
        csv: include_str!("../../../assets/demo/web_events.csv"),
        types: &["long", "timestamp", "long", "string", "string", "long"],
    },
];

/// SQLite declared type for a Spark type; read back by [`spark_type`].
fn declared_type(spark: &str) -> &'static str {
    match spark {
        "long" => "BIGINT",
        "double" => "DOUBLE",
        "boolean" => "BOOLEAN",
        "date" => "DATE",
        "timestamp" => "TIMESTAMP",
        _ => "STRING",
    }
}

/// Spark type of a result column, from its declared type or else from its first value.
fn spark_type(decl: Option<&str>, first: Option<ValueRef<'_>>) -> &'static str {
    match decl.map(|d| d.to_ascii_uppercase()) {
        Some(d) if d.contains("INT") => "long",
        Some(d) if d.contains("DOUBLE") || d.contains("REAL") || d.contains("FLOAT") => "double",
        Some(d) if d == "BOOLEAN" => "boolean",
        Some(d) if d == "DATE" => "date",
        Some(d) if d == "TIMESTAMP" => "timestamp",
        Some(d) if d.contains("CHAR") || d.contains("TEXT") || d == "STRING" => "string",
        _ => match first {
            Some(ValueRef::Integer(_)) => "long",
            Some(ValueRef::Real(_)) => "double",
            _ => "string",
        },
    }
}

/// Open the database and load the demo tables.
pub fn open() -> rusqlite::Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    let tx = conn.transaction()?;
    for table in DEMO_TABLES {
        let mut lines = table.csv.lines();
        let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
        let cols: Vec<String> = header
            .iter()
            .zip(table.types)
            .map(|(name, ty)| format!("\"{name}\" {}", declared_type(ty)))
            .collect();
        tx.execute(&format!("CREATE TABLE \"{}\" ({})", table.name, cols.join(", ")), [])?;
        let marks = vec!["?"; header.len()].join(", ");
        let mut insert = tx.prepare(&format!("INSERT INTO \"{}\" VALUES ({marks})", table.name))?;
        for line in lines.filter(|l| !l.is_empty()) {
            // The bundled CSVs are ours and never quote or embed commas, so a plain split is
            // exact (a test checks every row's width).
            let values = line.split(',').zip(table.types).map(|(v, ty)| csv_value(v, ty));
            insert.execute(params_from_iter(values))?;
        }
    }
    tx.commit()?;
    Ok(conn)
}

fn csv_value(raw: &str, spark: &str) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match spark {
        "long" => raw.parse().map(V::Integer).unwrap_or(V::Null),
        "double" => raw.parse().map(V::Real).unwrap_or(V::Null),
        "boolean" => V::Integer(i64::from(raw == "true")),
        _ => V::Text(raw.to_string()),
    }
}

/// Run one SQL statement.
pub fn run(conn: &Connection, sql: &str) -> Outcome {
    let sql = sql.trim().trim_end_matches(';').trim();
    let lower = sql.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    match words.as_slice() {
        [] => Outcome::Text(String::new()),
        ["show", "tables", ..] => show_tables(conn),
        ["show", "databases" | "schemas" | "namespaces", ..] => Outcome::Table {
            columns: vec![col("namespace", "string")],
            rows: vec![vec![Value::from("default")]],
            truncated: false,
        },
        ["describe" | "desc", rest @ ..] => {
            let name = rest.iter().find(|w| !matches!(**w, "table" | "extended" | "formatted"));
            match name {
                Some(n) => describe(conn, strip_database(n)),
                None => parse_error(sql),
            }
        }
        _ => query(conn, &rewrite(sql)),
    }
}

fn col(name: &str, spark_type: &str) -> Column {
    Column { name: name.into(), spark_type: spark_type.into() }
}

fn strip_database(name: &str) -> &str {
    name.trim_matches('`').rsplit('.').next().unwrap_or(name)
}

/// Spark SQL that SQLite spells differently.
fn rewrite(sql: &str) -> String {
    // `default.t` and `spark_catalog.default.t` name the same tables here.
    let re = regex::Regex::new(r"(?i)\b(spark_catalog\.)?default\.").ok();
    let mut out = re.map(|r| r.replace_all(sql, "").into_owned()).unwrap_or_else(|| sql.to_string());
    // Spark's `CREATE OR REPLACE TEMP VIEW v AS ...` → SQLite's `CREATE TEMP VIEW` after a drop.
    if let Some(caps) =
        regex::Regex::new(r"(?is)^\s*create\s+or\s+replace\s+(temp|temporary)\s+view\s+(\S+)\s+as\s+(.*)$")
            .ok()
            .and_then(|r| r.captures(&out).map(|c| (c[2].to_string(), c[3].to_string())))
    {
        out = format!("DROP VIEW IF EXISTS {0}; CREATE TEMP VIEW {0} AS {1}", caps.0, caps.1);
    }
    out.replace('`', "\"")
}

fn show_tables(conn: &Connection) -> Outcome {
    let sql = "SELECT name, type = 'view' FROM sqlite_master WHERE type IN ('table','view') \
               UNION ALL SELECT name, 1 FROM sqlite_temp_master WHERE type = 'view' ORDER BY 1";
    let rows = conn.prepare(sql).and_then(|mut st| {
        st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?)))?
            .collect::<Result<Vec<_>, _>>()
    });
    match rows {
        Ok(rows) => Outcome::Table {
            columns: vec![
                col("namespace", "string"),
                col("tableName", "string"),
                col("isTemporary", "boolean"),
            ],
            rows: rows
                .into_iter()
                .map(|(name, temp)| {
                    vec![Value::from(if temp { "" } else { "default" }), Value::from(name), Value::from(temp)]
                })
                .collect(),
            truncated: false,
        },
        Err(e) => error_outcome(&e.to_string(), "SHOW TABLES"),
    }
}

fn describe(conn: &Connection, table: &str) -> Outcome {
    let mut rows = Vec::new();
    if let Ok(mut st) = conn.prepare(&format!("PRAGMA table_info(\"{}\")", table.replace('"', ""))) {
        let cols = st.query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?)));
        if let Ok(cols) = cols {
            for (name, decl) in cols.flatten() {
                rows.push(vec![Value::from(name), Value::from(spark_type(Some(&decl), None)), Value::Null]);
            }
        }
    }
    if rows.is_empty() {
        return table_not_found(table);
    }
    Outcome::Table {
        columns: vec![col("col_name", "string"), col("data_type", "string"), col("comment", "string")],
        rows,
        truncated: false,
    }
}

fn query(conn: &Connection, sql: &str) -> Outcome {
    // Several statements (our rewrites) run in order; the last one's result is shown.
    let parts: Vec<&str> = sql.split("; ").filter(|p| !p.trim().is_empty()).collect();
    let Some((last, before)) = parts.split_last() else {
        return Outcome::Text(String::new());
    };
    for part in before {
        if let Err(e) = conn.execute_batch(part) {
            return error_outcome(&e.to_string(), part);
        }
    }
    let mut stmt = match conn.prepare(last) {
        Ok(s) => s,
        Err(e) => return error_outcome(&e.to_string(), last),
    };
    if stmt.column_count() == 0 {
        // DDL / DML: Livy answers ok with no table.
        return match stmt.raw_execute() {
            Ok(_) => Outcome::Text(String::new()),
            Err(e) => error_outcome(&e.to_string(), last),
        };
    }
    let names: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
    let decls: Vec<Option<String>> = stmt.columns().iter().map(|c| c.decl_type().map(String::from)).collect();
    let mut types: Vec<Option<&'static str>> =
        decls.iter().map(|d| d.as_deref().map(|d| spark_type(Some(d), None))).collect();
    let mut rows = Vec::new();
    let mut truncated = false;
    let mut q = match stmt.query([]) {
        Ok(q) => q,
        Err(e) => return error_outcome(&e.to_string(), last),
    };
    loop {
        let row = match q.next() {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(e) => return error_outcome(&e.to_string(), last),
        };
        if rows.len() == MAX_ROWS {
            truncated = true;
            break;
        }
        let mut out = Vec::with_capacity(names.len());
        for (i, ty) in types.iter_mut().enumerate() {
            let value = row.get_ref(i).unwrap_or(ValueRef::Null);
            if ty.is_none() && value != ValueRef::Null {
                *ty = Some(spark_type(None, Some(value)));
            }
            out.push(json_value(value, ty.unwrap_or("string")));
        }
        rows.push(out);
    }
    let columns =
        names.iter().zip(types).map(|(n, t)| col(n, t.unwrap_or("string"))).collect::<Vec<Column>>();
    Outcome::Table { columns, rows, truncated }
}

fn json_value(v: ValueRef<'_>, spark: &str) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) if spark == "boolean" => Value::Bool(i != 0),
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => Value::from(f),
        ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::from(format!("<{} bytes>", b.len())),
    }
}

/// SQLite's message, in Spark's words.
fn error_outcome(message: &str, sql: &str) -> Outcome {
    if let Some(name) = message.strip_prefix("no such table: ") {
        return table_not_found(strip_database(name));
    }
    if let Some(name) = message.strip_prefix("no such column: ") {
        return spark_error(
            "AnalysisException",
            format!(
                "[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] A column, variable, or function parameter with name `{name}` cannot be resolved.; line 1 pos 7"
            ),
        );
    }
    if message.contains("syntax error") || message.contains("incomplete input") {
        return parse_error(sql);
    }
    spark_error("AnalysisException", message.to_string())
}

fn table_not_found(name: &str) -> Outcome {
    spark_error(
        "AnalysisException",
        format!(
            "[TABLE_OR_VIEW_NOT_FOUND] The table or view `{name}` cannot be found. Verify the spelling and correctness of the schema and catalog."
        ),
    )
}

fn parse_error(sql: &str) -> Outcome {
    let near = sql.split_whitespace().last().unwrap_or("end of input");
    spark_error(
        "ParseException",
        format!("[PARSE_SYNTAX_ERROR] Syntax error at or near '{near}'.(line 1, pos 0)"),
    )
}

fn spark_error(ename: &str, evalue: String) -> Outcome {
    let traceback = vec![
        "Traceback (most recent call last):\n".to_string(),
        "  File \"/opt/spark/python/lib/pyspark.zip/pyspark/sql/session.py\", line 1631, in sql\n"
            .to_string(),
        "    return DataFrame(self._jsparkSession.sql(sqlQuery, litArgs), self)\n".to_string(),
        format!("pyspark.errors.exceptions.captured.{ename}: {evalue}\n"),
    ];
    Outcome::Error { ename: ename.into(), evalue, traceback }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        match open() {
            Ok(c) => c,
            Err(e) => panic!("demo database: {e}"),
        }
    }

    #[test]
    fn every_bundled_row_has_every_column() {
        for t in DEMO_TABLES {
            let width = t.types.len();
            for (i, line) in t.csv.lines().enumerate().filter(|(_, l)| !l.is_empty()) {
                assert_eq!(line.split(',').count(), width, "{} line {}", t.name, i + 1);
            }
        }
    }

    #[test]
    fn queries_return_typed_tables() {
        let out = run(
            &conn(),
            "SELECT region, COUNT(*) AS orders, SUM(quantity * unit_price) AS revenue FROM default.sales GROUP BY region ORDER BY region",
        );
        let Outcome::Table { columns, rows, truncated } = out else { panic!("expected a table: {out:?}") };
        assert_eq!(
            columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["region", "orders", "revenue"]
        );
        assert_eq!(columns[0].spark_type, "string");
        assert_eq!(columns[1].spark_type, "long");
        assert_eq!(columns[2].spark_type, "double");
        assert_eq!(rows.len(), 5);
        assert!(!truncated);
    }

    #[test]
    fn booleans_and_literals() {
        let Outcome::Table { columns, rows, .. } =
            run(&conn(), "SELECT 1 AS one, 'a' AS letter, is_member FROM customers LIMIT 1")
        else {
            panic!("expected a table")
        };
        assert_eq!(columns[0].spark_type, "long");
        assert_eq!(columns[2].spark_type, "boolean");
        assert!(rows[0][2].is_boolean());
    }

    #[test]
    fn large_results_are_capped() {
        let Outcome::Table { rows, truncated, .. } =
            run(&conn(), "SELECT a.order_id FROM sales a CROSS JOIN products b")
        else {
            panic!("expected a table")
        };
        assert_eq!(rows.len(), MAX_ROWS);
        assert!(truncated);
    }

    #[test]
    fn spark_commands() {
        let c = conn();
        let Outcome::Table { rows, .. } = run(&c, "SHOW TABLES") else { panic!("table") };
        assert!(rows.iter().any(|r| r[1] == "nyc_taxi_trips"));
        let Outcome::Table { rows, .. } = run(&c, "DESCRIBE TABLE default.products") else { panic!("table") };
        assert_eq!(rows[3][1], "double");
        assert_eq!(
            run(&c, "CREATE OR REPLACE TEMP VIEW big AS SELECT * FROM sales WHERE quantity > 3"),
            Outcome::Text(String::new())
        );
        assert!(matches!(run(&c, "SELECT COUNT(*) FROM big"), Outcome::Table { .. }));
    }

    #[test]
    fn errors_speak_spark() {
        let c = conn();
        let Outcome::Error { ename, evalue, .. } = run(&c, "SELECT * FROM nope") else { panic!("error") };
        assert_eq!(ename, "AnalysisException");
        assert!(evalue.contains("TABLE_OR_VIEW_NOT_FOUND") && evalue.contains("`nope`"), "{evalue}");
        let Outcome::Error { ename, .. } = run(&c, "SELEC 1") else { panic!("error") };
        assert_eq!(ename, "ParseException");
        let Outcome::Error { evalue, .. } = run(&c, "SELECT missing_col FROM sales") else { panic!("error") };
        assert!(evalue.contains("UNRESOLVED_COLUMN"), "{evalue}");
    }
}
