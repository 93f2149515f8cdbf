//! The `-o` of `list` and `get` on sessions, batches, clusters and runs: the table ([`output`]'s,
//! fitted to `COLUMNS`), `wide` (every column, nothing cut to the terminal), and the documents
//! for scripts — JSON, YAML, CSV — which keep server strings exactly as sent. `--no-header`
//! leaves out the header line of tables and CSV. The small lists of one workspace (tokens,
//! secret scopes and keys, ACLs, service principals) print through [`print_listing`], in the
//! same formats.

use std::io::Write;

use jiff::Timestamp;

use serde_json::Value;

use super::RowOutputArgs;
use super::context::{CmdResult, fail};
use super::output::{self, RowJson};
use crate::domain::statement::{Cell, Column, Table};
use crate::domain::{Kind, Resource};

/// `-o table|wide|json|yaml|csv`
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum RowFormat {
    /// Aligned columns fitted to the terminal (`COLUMNS`); server text made terminal-safe.
    #[default]
    Table,
    /// Every column, at full width (cells up to 256 characters), terminal-safe.
    Wide,
    /// The API's objects with `workspace`, `id`, `name`, `state`, `sparkdeck_status` added.
    Json,
    /// The same documents as `json`, in YAML.
    Yaml,
    /// Every column of the table, one line per row; values exactly as the service sent them.
    Csv,
}

impl RowFormat {
    /// Whether rows are printed as their API documents (kept until printing).
    pub fn is_document(self) -> bool {
        matches!(self, RowFormat::Json | RowFormat::Yaml)
    }
}

/// Rows kept as compact JSON text (see [`RowJson`]) as one YAML sequence: each is parsed
/// again only while it is written. YAML by serde_norway, the maintained fork of the
/// deprecated serde_yaml (serde_yml is deprecated too); its emitter writes control
/// characters as escapes in double quotes, so values read back exactly.
pub fn write_yaml_texts<'a>(
    rows: impl Iterator<Item = &'a str> + Clone,
    out: &mut impl Write,
) -> std::io::Result<()> {
    serde_norway::to_writer(out, &output::JsonTexts(rows)).map_err(std::io::Error::other)
}

/// One row as a YAML document.
pub fn yaml_row(row: &Resource) -> String {
    serde_norway::to_string(&RowJson(row)).unwrap_or_default()
}

/// Rows as CSV: the table's columns, every one, with values as the service sent them (the
/// `csv` crate quotes commas, quotes and line breaks; nothing is stripped or cut).
pub fn csv(kind: Kind, rows: &[Resource], header: bool, now: Timestamp) -> Result<String, String> {
    csv_of(output::columns(kind), rows, header, now)
}

/// As [`csv`], with these columns (`--columns`).
pub fn csv_of(
    cols: Vec<output::Column>,
    rows: &[Resource],
    header: bool,
    now: Timestamp,
) -> Result<String, String> {
    let table = Table {
        columns: cols.iter().map(|c| Column::new(c.header, None)).collect(),
        rows: rows.iter().map(|r| cols.iter().map(|c| Cell::Text((c.cell)(r, now))).collect()).collect(),
        dropped_rows: 0,
    };
    let text = crate::export::csv(&table)?;
    Ok(if header { text } else { without_first_line(&text).to_string() })
}

/// A table of rows for people: fitted to `width`, or every column (`wide`); without the
/// header line if asked. An empty list says so on standard error when the header is left
/// out (a script reading the rows gets none).
pub fn table(kind: Kind, rows: &[Resource], wide: bool, header: bool, now: Timestamp) -> String {
    table_of(kind, output::columns(kind), rows, wide, header, now)
}

/// As [`table`], with these columns (`--columns`).
pub fn table_of(
    kind: Kind,
    cols: Vec<output::Column>,
    rows: &[Resource],
    wide: bool,
    header: bool,
    now: Timestamp,
) -> String {
    let width = if wide { u16::MAX } else { output::width() };
    if !header && rows.is_empty() {
        eprintln!("No {} found.", kind.plural());
        return String::new();
    }
    let text = output::table_of(kind, cols, rows, width, now);
    if header { text } else { without_first_line(&text).to_string() }
}

/// One field of a [`Listing`]: the name `--columns` takes (lower case, `_` between words) and
/// its heading.
pub struct Field {
    pub name: &'static str,
    pub title: &'static str,
}

/// A small list of one workspace: its fields, each row's cells (the service's text, made
/// terminal-safe only in tables) and each row's API object for `-o json|yaml`. Whoever builds
/// one leaves secret values out of both.
pub struct Listing {
    /// What the rows are, for messages (`tokens`).
    pub what: &'static str,
    /// What a table says when there are none.
    pub empty: &'static str,
    pub fields: &'static [Field],
    pub rows: Vec<Vec<String>>,
    pub docs: Vec<Value>,
}

/// Prints `listing` as `-o`, `--no-header` and `--columns` ask.
pub fn print_listing(listing: Listing, out: RowOutputArgs, columns: Option<&str>) -> CmdResult {
    let text = listing_text(listing, out, columns).map_err(|e| fail(2, e))?;
    print!("{text}");
    Ok(())
}

fn listing_text(listing: Listing, out: RowOutputArgs, columns: Option<&str>) -> Result<String, String> {
    let Listing { what, empty, fields, rows, docs } = listing;
    let picked = match columns {
        Some(_) if out.output.is_document() => return Err(COLUMNS_OF_DOCUMENTS.into()),
        Some(wanted) => {
            let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
            super::list_options::choose(wanted, what, &names, |name| {
                let name = name.to_lowercase().replace(['-', ' '], "_");
                fields.iter().position(|f| f.name == name || f.title.to_lowercase().replace(' ', "_") == name)
            })?
        }
        None => (0..fields.len()).collect(),
    };
    let headers: Vec<&str> = picked.iter().map(|&i| fields[i].title).collect();
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| picked.iter().map(|&i| row.get(i).cloned().unwrap_or_default()).collect())
        .collect();
    let header = !out.no_header;
    match out.output {
        RowFormat::Json => Ok(output::json_text(&Value::Array(docs)) + "\n"),
        RowFormat::Yaml => serde_norway::to_string(&docs).map_err(|e| e.to_string()),
        RowFormat::Csv => {
            let table = Table {
                columns: headers.iter().map(|h| Column::new(*h, None)).collect(),
                rows: rows.into_iter().map(|r| r.into_iter().map(Cell::Text).collect()).collect(),
                dropped_rows: 0,
            };
            let text = crate::export::csv(&table)?;
            Ok(if header { text } else { without_first_line(&text).to_string() })
        }
        RowFormat::Table | RowFormat::Wide if rows.is_empty() => {
            if header {
                return Ok(format!("{empty}\n"));
            }
            eprintln!("{empty}");
            Ok(String::new())
        }
        RowFormat::Table | RowFormat::Wide => {
            let width = if out.output == RowFormat::Wide { usize::MAX } else { usize::from(output::width()) };
            let text = output::plain_fitted(&headers, rows, empty, width);
            Ok(if header { text } else { without_first_line(&text).to_string() })
        }
    }
}

/// Why `--columns` goes with no `-o json` or `yaml`.
pub const COLUMNS_OF_DOCUMENTS: &str =
    "--columns chooses the columns of -o table, wide and csv; json and yaml keep every field";

fn without_first_line(text: &str) -> &str {
    text.split_once('\n').map_or("", |(_, rest)| rest)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::domain::{Detail, Status};

    fn run(name: &str) -> Resource {
        Resource {
            kind: Kind::Run,
            workspace: "adb-dev".into(),
            id: "42".into(),
            name: name.into(),
            status: Status::Failed,
            raw_state: "TERMINATED".into(),
            owner: Some("ada@contoso.com".into()),
            started_at: None,
            ended_at: None,
            state_message: None,
            detail: Detail::Run {
                job_id: Some(7),
                job_name: None,
                trigger: None,
                result: Some("FAILED".into()),
                tasks: None,
            },
            raw: Arc::new(serde_json::json!({"run_id": 42, "run_name": name}).into()),
        }
    }

    #[test]
    fn csv_keeps_every_column_and_the_exact_text() -> Result<(), String> {
        let name = "etl, \"nightly\"\u{1b}]0;x\u{7}";
        let text = csv(Kind::Run, &[run(name)], true, Timestamp::UNIX_EPOCH)?;
        let mut reader = ::csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| e.to_string())?.clone();
        assert_eq!(headers.iter().collect::<Vec<_>>()[..4], ["WORKSPACE", "JOB / RUN", "ID", "STATE"]);
        assert!(headers.iter().any(|h| h == "OWNER") && headers.iter().any(|h| h == "TRIGGER"));
        let rows: Vec<_> = reader.records().collect::<Result<_, _>>().map_err(|e| e.to_string())?;
        assert_eq!(rows.len(), 1);
        assert_eq!(&rows[0][1], name);
        let bare = csv(Kind::Run, &[run("a")], false, Timestamp::UNIX_EPOCH)?;
        assert!(bare.starts_with("adb-dev,a,42,"), "{bare}");
        Ok(())
    }

    #[test]
    fn yaml_reads_back_as_the_json_does() {
        let row = run("x\u{9b}2J\u{1b}[31m\u{7f}y");
        let text = yaml_row(&row);
        assert!(text.chars().all(|c| c == '\n' || !c.is_control()), "{text:?}");
        let back: serde_json::Value = serde_norway::from_str(&text).unwrap_or_default();
        assert_eq!(back, output::row_json(&row));
        let compact = serde_json::to_string(&RowJson(&row)).unwrap_or_default();
        let mut out = Vec::new();
        assert!(write_yaml_texts([compact.as_str(), compact.as_str()].into_iter(), &mut out).is_ok());
        let back: serde_json::Value = serde_norway::from_slice(&out).unwrap_or_default();
        assert_eq!(back, serde_json::json!([output::row_json(&row), output::row_json(&row)]));
    }

    #[test]
    fn tables_leave_out_the_header_when_asked() {
        let rows = [run("nightly")];
        let with = table(Kind::Run, &rows, true, true, Timestamp::UNIX_EPOCH);
        let without = table(Kind::Run, &rows, true, false, Timestamp::UNIX_EPOCH);
        assert!(with.trim_start().starts_with("WORKSPACE"), "{with}");
        assert_eq!(without, with.lines().skip(1).map(|l| format!("{l}\n")).collect::<String>());
        assert_eq!(table(Kind::Run, &[], false, false, Timestamp::UNIX_EPOCH), "");
    }
}
