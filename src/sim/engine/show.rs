//! Renders a result the way PySpark's `DataFrame.show(n)` prints it: a `+---+` framed table,
//! cells cut to 20 characters, right-aligned, and the "only showing top n rows" footer.

use serde_json::Value;

use super::Column;

const MAX_CELL: usize = 20;

pub fn render(columns: &[Column], rows: &[Vec<Value>], n: usize) -> String {
    let shown = &rows[..rows.len().min(n)];
    let cells: Vec<Vec<String>> = shown.iter().map(|r| r.iter().map(cell).collect()).collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let data = cells.iter().map(|r| r.get(i).map_or(0, |s| s.chars().count())).max().unwrap_or(0);
            data.max(c.name.chars().count()).max(3)
        })
        .collect();
    let rule: String = widths.iter().map(|w| format!("+{}", "-".repeat(*w))).collect::<String>() + "+\n";
    let line = |values: Vec<&str>| -> String {
        let mut s = String::new();
        for (v, w) in values.iter().zip(&widths) {
            s.push('|');
            s.push_str(&" ".repeat(w - v.chars().count()));
            s.push_str(v);
        }
        s + "|\n"
    };
    let mut out = rule.clone();
    out.push_str(&line(columns.iter().map(|c| c.name.as_str()).collect()));
    out.push_str(&rule);
    for row in &cells {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out.push_str(&rule);
    if rows.len() > n {
        out.push_str(&format!("only showing top {n} row{}\n", if n == 1 { "" } else { "s" }));
    }
    out
}

fn cell(v: &Value) -> String {
    let s = match v {
        Value::Null => "null".to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) if n.is_f64() => {
            let t = n.to_string();
            if t.contains(['.', 'e', 'E']) { t } else { format!("{t}.0") }
        }
        other => other.to_string(),
    };
    if s.chars().count() > MAX_CELL { s.chars().take(MAX_CELL - 3).collect::<String>() + "..." } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str) -> Column {
        Column { name: name.into(), spark_type: "string".into() }
    }

    #[test]
    fn looks_like_pyspark_show() {
        let rows = vec![
            vec![Value::from("East"), Value::from(12), Value::from(5.0)],
            vec![Value::from("a very long region name indeed"), Value::Null, Value::from(1.25)],
        ];
        let out = render(&[col("region"), col("n"), col("x")], &rows, 20);
        let expected = "\
+--------------------+----+----+
|              region|   n|   x|
+--------------------+----+----+
|                East|  12| 5.0|
|a very long regio...|null|1.25|
+--------------------+----+----+
";
        assert_eq!(out, expected);
    }

    #[test]
    fn footer_when_rows_are_cut() {
        let rows = vec![vec![Value::from(1)], vec![Value::from(2)], vec![Value::from(3)]];
        let out = render(&[col("id")], &rows, 2);
        assert!(out.ends_with("only showing top 2 rows\n"), "{out}");
    }
}
