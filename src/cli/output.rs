//! How headless commands print rows: aligned tables readable at 80 columns, or one JSON
//! document that keeps the API's own fields. Every server string printed for a person goes
//! through [`safe`] / [`safe_cell`] first; `-o json` stays exact (JSON escapes control
//! characters itself).

use std::borrow::Cow;

use comfy_table::{ContentArrangement, Table, presets};
use jiff::Timestamp;
// The JSON documents live in `json_output.rs`; re-exported so every command keeps writing
// `output::json_text` as before.
pub use super::json_output::{
    EscapeC1, JsonTexts, RowJson, escape_c1, json, json_text, row_json, write_json, write_json_texts,
};

use crate::domain::columns::Column as C;
use crate::domain::{Detail, Kind, Resource, format_duration};

/// `-o table|json`
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
}

/// `text` from a server, safe to print on a terminal: escape sequences (CSI `ESC [`, OSC
/// `ESC ]` — clipboard writes, window titles, hyperlinks —, DCS, APC, their 8-bit forms) and
/// every other control character are removed; newlines and tabs stay. (The TUI drops them as it
/// draws.) Hand-rolled because it is one small state machine, and `strip-ansi-escapes` keeps
/// the other control characters.
pub fn safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // A string sequence (OSC, DCS, SOS, PM, APC) runs to BEL or ST (`ESC \`, 0x9C); a line
        // end also stops it, so an unterminated one cannot swallow the rest of a message.
        let string_sequence = |chars: &mut std::iter::Peekable<std::str::Chars>| {
            while let Some(&d) = chars.peek() {
                if d == '\n' {
                    break;
                }
                chars.next();
                if d == '\u{7}' || d == '\u{9c}' || (d == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                    break;
                }
            }
        };
        // A control sequence (CSI) runs to its final byte, 0x40–0x7E.
        let control_sequence = |chars: &mut std::iter::Peekable<std::str::Chars>| {
            while let Some(d) = chars.next_if(|d| *d != '\n') {
                if ('\u{40}'..='\u{7e}').contains(&d) {
                    break;
                }
            }
        };
        match c {
            '\n' | '\t' => out.push(c),
            '\u{1b}' => match chars.peek() {
                Some('[') => {
                    chars.next();
                    control_sequence(&mut chars);
                }
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    chars.next();
                    string_sequence(&mut chars);
                }
                // Two-character escapes (`ESC c` resets the terminal, `ESC 7` saves the cursor).
                Some(d) if (' '..='~').contains(d) => {
                    chars.next();
                }
                _ => {}
            },
            '\u{9b}' => control_sequence(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => string_sequence(&mut chars),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// One table cell: [`safe`], on one line (newlines and tabs become spaces).
pub fn safe_cell(text: &str) -> Cow<'_, str> {
    match safe(text) {
        clean if clean.contains(['\n', '\t']) => Cow::Owned(clean.replace(['\n', '\t'], " ")),
        clean => clean,
    }
}

/// One column: its name (the monitor's, [`crate::domain::columns`]: what `--columns` takes),
/// header, how important it is (lower survives narrow terminals), and its cell.
pub struct Column {
    pub(super) name: C,
    pub(super) header: &'static str,
    priority: u8,
    pub(super) cell: fn(&Resource, Timestamp) -> String,
}

/// Every column `--columns` can choose for `kind`: the table's, then those printed only when
/// asked for.
pub fn all_columns(kind: Kind) -> Vec<Column> {
    let mut cols = columns(kind);
    match kind {
        Kind::Cluster => {
            cols.push(Column { name: C::Duration, header: "DURATION", priority: 2, cell: duration })
        }
        Kind::Run => cols.push(Column {
            name: C::Result,
            header: "RESULT",
            priority: 2,
            cell: |r, _| match &r.detail {
                Detail::Run { result: Some(result), .. } => result.clone(),
                _ => String::new(),
            },
        }),
        _ => {}
    }
    cols
}

/// The columns `kind`'s table prints.
pub fn columns(kind: Kind) -> Vec<Column> {
    let mut cols = vec![
        Column { name: C::Workspace, header: "WORKSPACE", priority: 1, cell: |r, _| r.workspace.clone() },
        Column { name: C::Name, header: "NAME", priority: 1, cell: |r, _| r.name.clone() },
        Column { name: C::Id, header: "ID", priority: 0, cell: |r, _| r.id.clone() },
        Column { name: C::State, header: "STATE", priority: 0, cell: |r, _| r.state_label().into_owned() },
    ];
    match kind {
        Kind::Session => {
            cols.push(Column { name: C::Owner, header: "OWNER", priority: 4, cell: owner });
            cols.push(Column { name: C::Started, header: "STARTED", priority: 3, cell: started });
            cols.push(Column { name: C::Duration, header: "DURATION", priority: 2, cell: duration });
            cols.push(Column {
                name: C::IdleIn,
                header: "IDLE TIMEOUT",
                priority: 3,
                cell: |r, now| match &r.detail {
                    Detail::Session { idle_timeout_at: Some(at), .. } => {
                        format_duration(at.duration_since(now).max(jiff::SignedDuration::ZERO))
                    }
                    _ => String::new(),
                },
            });
        }
        Kind::Batch => {
            cols.push(Column { name: C::Owner, header: "OWNER", priority: 4, cell: owner });
            cols.push(Column { name: C::Started, header: "STARTED", priority: 3, cell: started });
            cols.push(Column { name: C::Duration, header: "DURATION", priority: 2, cell: duration });
            cols.push(Column {
                name: C::File,
                header: "FILE",
                priority: 5,
                cell: |r, _| match &r.detail {
                    Detail::Batch { file: Some(f), .. } => f.rsplit('/').next().unwrap_or(f).to_string(),
                    _ => String::new(),
                },
            });
        }
        Kind::Cluster => {
            cols.push(Column {
                name: C::Workers,
                header: "WORKERS",
                priority: 2,
                cell: |r, _| match &r.detail {
                    Detail::Cluster { workers, .. } => workers.clone(),
                    _ => String::new(),
                },
            });
            cols.push(Column {
                name: C::Runtime,
                header: "RUNTIME",
                priority: 3,
                cell: |r, _| match &r.detail {
                    Detail::Cluster { runtime: Some(rt), .. } => rt.clone(),
                    _ => String::new(),
                },
            });
            cols.push(Column { name: C::Owner, header: "OWNER", priority: 4, cell: owner });
            cols.push(Column { name: C::Started, header: "STARTED", priority: 3, cell: started });
        }
        Kind::Run => {
            // STATE carries the result (`TERMINATED/FAILED`), as `get` says it.
            cols[1].header = "JOB / RUN";
            cols.push(Column { name: C::Owner, header: "OWNER", priority: 4, cell: owner });
            cols.push(Column {
                name: C::Trigger,
                header: "TRIGGER",
                priority: 4,
                cell: |r, _| match &r.detail {
                    Detail::Run { trigger: Some(t), .. } => t.clone(),
                    _ => String::new(),
                },
            });
            cols.push(Column { name: C::Started, header: "STARTED", priority: 3, cell: started });
            cols.push(Column { name: C::Duration, header: "DURATION", priority: 2, cell: duration });
        }
        Kind::Job => {
            // STATE is the last run's; the strip and the sparkline are the last runs, oldest first.
            cols[3].header = "LAST RUN";
            cols.push(Column { name: C::Owner, header: "CREATOR", priority: 4, cell: owner });
            cols.push(Column {
                name: C::Schedule,
                header: "SCHEDULE",
                priority: 3,
                cell: |r, _| match &r.detail {
                    Detail::Job { schedule: Some(s), paused, .. } => {
                        if *paused {
                            format!("{s} (paused)")
                        } else {
                            s.clone()
                        }
                    }
                    _ => String::new(),
                },
            });
            cols.push(Column {
                name: C::Runs,
                header: "RUNS",
                priority: 2,
                cell: |r, _| match &r.detail {
                    Detail::Job { recent, .. } => crate::domain::job::strip(recent),
                    _ => String::new(),
                },
            });
            cols.push(Column {
                name: C::Durations,
                header: "DURATIONS",
                priority: 3,
                cell: |r, now| match &r.detail {
                    Detail::Job { recent, .. } => crate::domain::job::sparkline(recent, now),
                    _ => String::new(),
                },
            });
            // The last run's.
            cols.push(Column { name: C::Duration, header: "DURATION", priority: 2, cell: duration });
        }
    }
    cols
}

fn owner(r: &Resource, _: Timestamp) -> String {
    r.owner.clone().unwrap_or_default()
}

fn started(r: &Resource, _: Timestamp) -> String {
    r.started_at.map(|t| t.strftime("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
}

fn duration(r: &Resource, now: Timestamp) -> String {
    r.duration(now).map(format_duration).unwrap_or_default()
}

/// An aligned table of `rows`, fitted to `width` columns by dropping the least important
/// columns first (ids and states always stay).
pub fn table(kind: Kind, rows: &[Resource], width: u16, now: Timestamp) -> String {
    table_of(kind, columns(kind), rows, width, now)
}

/// As [`table`], with these columns (`--columns`).
pub(super) fn table_of(
    kind: Kind,
    cols: Vec<Column>,
    rows: &[Resource],
    width: u16,
    now: Timestamp,
) -> String {
    if rows.is_empty() {
        return format!("No {} found.\n", kind.plural());
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| cols.iter().map(|c| capped(safe_cell(&(c.cell)(r, now)).into_owned())).collect())
        .collect();
    let mut keep: Vec<bool> = vec![true; cols.len()];
    // Natural width of each column (header or widest cell) plus two spaces of padding.
    let natural: Vec<usize> = (0..cols.len())
        .map(|i| {
            cells.iter().map(|row| row[i].chars().count()).max().unwrap_or(0).max(cols[i].header.len()) + 2
        })
        .collect();
    let total = |keep: &[bool]| -> usize { (0..keep.len()).filter(|&i| keep[i]).map(|i| natural[i]).sum() };
    while total(&keep) > width as usize {
        // Drop the least important remaining column that may go (priority > 1).
        let victim = (0..cols.len())
            .filter(|&i| keep[i] && cols[i].priority > 1)
            .max_by_key(|&i| (cols[i].priority, i));
        match victim {
            Some(i) => keep[i] = false,
            None => break,
        }
    }
    // Still too wide: shorten names, workspaces and long states (with an ellipsis) rather than
    // wrapping rows; ids are never cut, they are what the user copies.
    let mut widths = natural.clone();
    let mut excess = total(&keep).saturating_sub(width as usize);
    for header in ["NAME", "JOB / RUN", "WORKSPACE", "STATE"] {
        if let Some(i) = cols.iter().position(|c| c.header == header).filter(|&i| keep[i]) {
            let cut = excess.min(widths[i].saturating_sub(12));
            widths[i] -= cut;
            excess -= cut;
        }
    }
    let fit = |i: usize, cell: String| -> String {
        let max = widths[i].saturating_sub(2);
        if cell.chars().count() <= max {
            cell
        } else {
            cell.chars().take(max.saturating_sub(1)).collect::<String>() + "…"
        }
    };
    let mut table = Table::new();
    table.load_preset(presets::NOTHING).set_content_arrangement(ContentArrangement::Disabled);
    table.set_header(cols.iter().zip(&keep).filter(|(_, k)| **k).map(|(c, _)| c.header));
    for row in cells {
        table.add_row(row.into_iter().enumerate().filter(|(i, _)| keep[*i]).map(|(i, cell)| fit(i, cell)));
    }
    let mut out = String::new();
    for line in table.to_string().lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The widest cell a table prints: no id, name or state is longer, and capping first keeps the
/// layout linear (a 10 MB id from a broken service took minutes to lay out).
const MAX_CELL: usize = 256;

/// `cell` cut to `MAX_CELL` characters, ending in "…" when cut.
fn capped(cell: String) -> String {
    match cell.char_indices().nth(MAX_CELL) {
        Some((end, _)) => format!("{}…", &cell[..end]),
        None => cell,
    }
}

/// One item laid out for reading: the key fields, one per line.
pub fn detail(r: &Resource, now: Timestamp) -> String {
    let mut fields: Vec<(&str, String)> = vec![
        ("Workspace", r.workspace.clone()),
        ("Name", r.name.clone()),
        ("Id", r.id.clone()),
        ("State", format!("{} ({})", r.state_label(), r.status)),
        ("Owner", owner(r, now)),
        ("Started", started(r, now)),
        ("Duration", duration(r, now)),
    ];
    match &r.detail {
        Detail::Session { lakehouse, app_id, high_concurrency, .. } => {
            fields.push(("Lakehouse", lakehouse.clone().unwrap_or_default()));
            fields.push(("Spark app", app_id.clone().unwrap_or_default()));
            fields.push(("High concurrency", if *high_concurrency { "yes" } else { "no" }.into()));
        }
        Detail::Batch { file, lakehouse, app_id } => {
            fields.push(("File", file.clone().unwrap_or_default()));
            fields.push(("Lakehouse", lakehouse.clone().unwrap_or_default()));
            fields.push(("Spark app", app_id.clone().unwrap_or_default()));
        }
        Detail::Cluster { workers, runtime, node_type, source, pinned } => {
            fields.push(("Workers", workers.clone()));
            fields.push(("Runtime", runtime.clone().unwrap_or_default()));
            fields.push(("Node type", node_type.clone().unwrap_or_default()));
            fields.push(("Source", source.clone().unwrap_or_default()));
            fields.push(("Pinned", if *pinned { "yes" } else { "no" }.into()));
        }
        Detail::Job { schedule, parameters, recent, url, paused, .. } => {
            let schedule = schedule.clone().unwrap_or_default();
            fields.push(("Schedule", if *paused { format!("{schedule} (paused)") } else { schedule }));
            let declared: Vec<String> = parameters.iter().map(|(k, v)| format!("{k}={v}")).collect();
            fields.push(("Parameters", declared.join(" ")));
            fields.push(("Last runs", crate::domain::job::strip(recent)));
            fields.push(("Durations", crate::domain::job::sparkline(recent, now)));
            fields.push(("Page", url.clone().unwrap_or_default()));
        }
        Detail::Run { job_id, trigger, result, .. } => {
            fields.push(("Job", job_id.map(|j| j.to_string()).unwrap_or_default()));
            fields.push(("Trigger", trigger.clone().unwrap_or_default()));
            fields.push(("Result", result.clone().unwrap_or_default()));
        }
    }
    let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    fields
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k:<width$}  {}\n", safe_cell(&v)))
        .collect()
}

/// A simple aligned table of text cells (tokens, secrets, node types, a statement's table)
/// fitted to the terminal's width (`COLUMNS`), or `empty` when there are no rows. Too wide, the
/// widest columns are cut with "…" (never below 8 characters); id columns are never cut, they
/// are what the user copies.
pub fn plain(headers: &[&str], rows: Vec<Vec<String>>, empty: &str) -> String {
    plain_fitted(headers, rows, empty, usize::from(width()))
}

pub(super) fn plain_fitted(headers: &[&str], rows: Vec<Vec<String>>, empty: &str, width: usize) -> String {
    use unicode_truncate::UnicodeTruncateStr;
    use unicode_width::UnicodeWidthStr;
    if rows.is_empty() {
        return format!("{empty}\n");
    }
    let rows: Vec<Vec<String>> =
        rows.into_iter().map(|r| r.iter().map(|c| capped(safe_cell(c).into_owned())).collect()).collect();
    let natural: Vec<usize> = (0..headers.len())
        .map(|i| {
            rows.iter().filter_map(|r| r.get(i)).map(|c| c.width()).max().unwrap_or(0).max(headers[i].width())
        })
        .collect();
    let mut widths = natural.clone();
    // Each cell is padded one space either side; a dropped column takes no room.
    let total = |w: &[Option<usize>]| w.iter().flatten().map(|n| n + 2).sum::<usize>();
    let mut widths: Vec<Option<usize>> = widths.drain(..).map(Some).collect();
    let is_id = |i: usize| headers[i].contains("ID");
    while total(&widths) > width {
        let widest = (0..widths.len())
            .filter(|&i| !is_id(i) && widths[i].is_some_and(|w| w > 8))
            .max_by_key(|&i| widths[i]);
        match widest {
            Some(i) => widths[i] = widths[i].map(|w| w - 1),
            None => break,
        }
    }
    // Still too wide (a 64-character token id on 80 columns): the rightmost columns go, never
    // an id (what the user copies) and never the first.
    while total(&widths) > width {
        match (1..widths.len()).rev().find(|&i| !is_id(i) && widths[i].is_some()) {
            Some(i) => widths[i] = None,
            None => break,
        }
    }
    let keep: Vec<usize> = (0..headers.len()).filter(|&i| widths[i].is_some()).collect();
    let cut = |cell: &str, w: usize| -> String {
        if cell.width() <= w {
            return cell.to_string();
        }
        format!("{}…", cell.unicode_truncate(w.saturating_sub(1)).0)
    };
    let mut table = Table::new();
    table.load_preset(presets::NOTHING).set_content_arrangement(ContentArrangement::Disabled);
    let width_of = |i: usize| widths.get(i).copied().flatten().unwrap_or(usize::MAX);
    table.set_header(keep.iter().map(|&i| cut(&safe_cell(headers[i]), width_of(i))));
    for row in rows {
        table.add_row(keep.iter().filter_map(|&i| row.get(i).map(|c| cut(c, width_of(i)))));
    }
    table.to_string().lines().map(|l| l.trim_end().to_string() + "\n").collect()
}

/// The terminal's width; `COLUMNS` when set; otherwise (piped) no limit.
pub fn width() -> u16 {
    use std::io::IsTerminal;
    if let Some(cols) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return cols;
    }
    if std::io::stdout().is_terminal() {
        return crossterm::terminal::size().map(|(w, _)| w).unwrap_or(80);
    }
    u16::MAX
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::domain::Status;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn session(name: &str, id: &str) -> Resource {
        Resource {
            kind: Kind::Session,
            workspace: "Sales Analytics".into(),
            id: id.into(),
            name: name.into(),
            status: Status::Ready,
            raw_state: "idle".into(),
            owner: Some("ada@contoso.com".into()),
            started_at: Some(ts("2026-11-22T10:00:00Z")),
            ended_at: None,
            state_message: None,
            detail: Detail::Session {
                idle_timeout_at: Some(ts("2026-11-22T10:20:00Z")),
                high_concurrency: false,
                read_only: false,
                lakehouse: None,
                app_id: None,
            },
            raw: Arc::new(
                serde_json::json!({"id": id, "state": "idle", "appId": "application_1_0001"}).into(),
            ),
        }
    }

    #[test]
    fn tables_fit_80_columns_and_keep_ids_and_states() {
        let rows = vec![
            session("etl-notebook-session", "4f1c2d3e-0000-4000-8000-000000000001"),
            session("adhoc", "4f1c2d3e-0000-4000-8000-000000000002"),
        ];
        let out = table(Kind::Session, &rows, 80, ts("2026-11-22T10:05:00Z"));
        for line in out.lines() {
            assert!(line.chars().count() <= 80, "too wide: {line:?}");
        }
        assert!(out.contains("4f1c2d3e-0000-4000-8000-000000000001"), "{out}");
        assert!(out.contains("idle"), "{out}");
        let wide = table(Kind::Session, &rows, 200, ts("2026-11-22T10:05:00Z"));
        assert!(wide.contains("ada@contoso.com") && wide.contains(" 15m"), "{wide}");
    }

    #[test]
    fn huge_cells_are_capped_before_the_layout() {
        let mut row = session("adhoc", "abc");
        row.id = "7".repeat(10_000_000);
        let out = table(Kind::Session, &[row], 80, ts("2026-11-22T10:05:00Z"));
        assert!(out.lines().all(|l| l.chars().count() < 400), "{}", out.len());
        assert!(out.contains(&format!("{}…", "7".repeat(MAX_CELL))));
    }

    #[test]
    fn plain_tables_fit_the_width_and_keep_ids_whole() {
        let id = "a".repeat(64);
        let rows = vec![vec![
            id.clone(),
            "a very long comment about what this token is for".into(),
            "2026-11-22".into(),
        ]];
        let out = plain_fitted(&["TOKEN ID", "COMMENT", "CREATED"], rows, "none", 100);
        assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
        assert!(out.contains(&id) && out.contains("a very long comment…"), "{out}");
        // On 80 columns the id stays whole and the rightmost columns give way.
        let rows = vec![vec![id.clone(), "ci token".into(), "2026-11-22".into(), "never".into()]];
        let out = plain_fitted(&["TOKEN ID", "COMMENT", "CREATED", "EXPIRES"], rows, "none", 80);
        assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
        assert!(out.contains(&id) && out.contains("COMMENT") && !out.contains("EXPIRES"), "{out}");
    }

    #[test]
    fn empty_lists_say_so() {
        assert_eq!(table(Kind::Cluster, &[], 80, Timestamp::UNIX_EPOCH), "No clusters found.\n");
    }

    #[test]
    fn json_keeps_api_fields_and_adds_ours() {
        let row = session("adhoc", "abc");
        let v = row_json(&row);
        assert_eq!(v["appId"], "application_1_0001");
        assert_eq!(v["workspace"], "Sales Analytics");
        assert_eq!(v["id"], "abc");
        assert_eq!(v["name"], "adhoc");
        assert_eq!(v["state"], "idle");
        let doc: serde_json::Value = serde_json::from_str(&json(&[row])).unwrap_or_default();
        assert_eq!(doc.as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn rows_kept_as_compact_text_print_exactly_as_the_rows() {
        let rows = vec![session("adhoc", "a"), session("etl", "b")];
        let texts: Vec<String> = rows.iter().map(|r| RowJson(r).compact()).collect();
        for (text, row) in texts.iter().zip(&rows) {
            assert_eq!(
                Some(text),
                serde_json::to_string(&RowJson(row)).ok().as_ref(),
                "written straight as serialized"
            );
        }
        let mut out = Vec::new();
        assert!(write_json_texts(texts.iter().map(String::as_str), &mut out).is_ok());
        assert_eq!(String::from_utf8_lossy(&out), json(&rows));
        assert!(json(&rows).starts_with("[\n  {\n"), "a pretty array, as before");
        // Streamed output is escaped as the whole text is, wherever the writes split it (even
        // between the two bytes of a C1 control).
        let text = format!("{}", serde_json::json!({"a": "x\u{9b}y\u{7f}z\u{e9}\u{c2}"}));
        for size in [1, 2, 3, 64] {
            let mut streamed = EscapeC1::new(Vec::new());
            for chunk in text.as_bytes().chunks(size) {
                let _ = std::io::Write::write(&mut streamed, chunk);
            }
            let streamed = streamed.finish().unwrap_or_default();
            assert_eq!(String::from_utf8_lossy(&streamed), escape_c1(text.clone()), "chunks of {size}");
        }
    }

    #[test]
    fn server_escapes_are_removed_whole_and_plain_text_is_borrowed() {
        assert!(matches!(safe("etl-nightly\tok\n"), Cow::Borrowed(_)));
        let cases = [
            ("\u{1b}]52;c;ZXZpbA==\u{7}name", "name"),
            ("\u{1b}]0;title\u{1b}\\name", "name"),
            ("\u{1b}[1;31mred\u{1b}[0m", "red"),
            ("\u{9b}2Jclear\u{9d}8;;http://x\u{9c}link", "clearlink"),
            ("\u{1b}Preset\u{1b}\\a\u{1b}cb\u{1b}7c", "abc"),
            ("back\u{8}\u{8}space\r\u{0}\u{7f}", "backspace"),
            // An unterminated sequence stops at the line's end, not the text's.
            ("\u{1b}]0;never ends\nnext line", "\nnext line"),
            ("\u{1b}[12", ""),
            ("trailing \u{1b}", "trailing "),
            ("naïve – 東京", "naïve – 東京"),
        ];
        for (raw, clean) in cases {
            assert_eq!(safe(raw), clean, "{raw:?}");
        }
        assert_eq!(safe_cell("two\nlines\tand tab\u{1b}[K"), "two lines and tab");
    }
}
