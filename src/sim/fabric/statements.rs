//! Statements of a REPL (a regular session's only REPL, or one REPL of a high-concurrency
//! session): submit, list, get (with `from`/`size` byte slicing), cancel. Statements of one REPL
//! run one at a time in submission order; they are executed lazily by `settle` when the
//! simulated clock reaches their start, so a queued statement stays `waiting`.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use super::state::ReplSlot;
use super::{ApiError, Reply};
use crate::sim::clock::SimMillis;
use crate::sim::engine::{Column, Engine, Execution, Lang, Outcome};

/// Upstream Livy keeps the last 100 statements per session (`livy.rsc.retained-statements`).
pub const RETAINED_STATEMENTS: usize = 100;
/// A running statement shows `cancelling` this long after a cancel request.
const CANCELLING_MS: i64 = 1_000;

pub struct Statement {
    pub id: u32,
    pub code: String,
    pub lang: Lang,
    pub source_id: Option<String>,
    pub submitted: SimMillis,
    pub started: Option<SimMillis>,
    pub exec: Option<Execution>,
    pub cancel_at: Option<SimMillis>,
    /// When a read first answered `available` (what benchmarks measure clients by).
    pub seen: Option<SimMillis>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StmtState {
    Waiting,
    Running,
    Available,
    Cancelling,
    Cancelled,
}

impl StmtState {
    fn wire(self) -> &'static str {
        match self {
            StmtState::Waiting => "waiting",
            StmtState::Running => "running",
            StmtState::Available => "available",
            StmtState::Cancelling => "cancelling",
            StmtState::Cancelled => "cancelled",
        }
    }
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4)
}

impl Statement {
    /// When the statement stops occupying the REPL (None while waiting).
    pub fn finish_at(&self) -> Option<SimMillis> {
        let start = self.started?;
        let natural = start.saturating_add(self.exec.as_ref().map_or(0, |e| millis(e.duration)));
        Some(match self.cancel_at {
            Some(c) if c < natural => c + CANCELLING_MS,
            _ => natural,
        })
    }

    fn state(&self, now: SimMillis) -> StmtState {
        let Some(start) = self.started else {
            return if self.cancel_at.is_some() { StmtState::Cancelled } else { StmtState::Waiting };
        };
        let natural = start.saturating_add(self.exec.as_ref().map_or(0, |e| millis(e.duration)));
        match self.cancel_at {
            Some(c) if c < natural => {
                if now < c {
                    StmtState::Running
                } else if now < c + CANCELLING_MS {
                    StmtState::Cancelling
                } else {
                    StmtState::Cancelled
                }
            }
            _ if now < natural => StmtState::Running,
            _ => StmtState::Available,
        }
    }
}

/// Start every statement whose turn has come by `horizon`.
pub fn settle(repl: &mut ReplSlot, horizon: SimMillis, engine: &Engine) {
    let ReplSlot { statements, vars, ready_at, .. } = repl;
    let mut free_at = *ready_at;
    for st in statements.iter_mut() {
        if st.started.is_none() {
            if st.cancel_at.is_some() {
                continue;
            }
            let start = st.submitted.max(free_at);
            if start > horizon {
                break;
            }
            st.exec = Some(engine.execute(st.lang, &st.code, vars));
            st.started = Some(start);
        }
        if let Some(end) = st.finish_at() {
            free_at = free_at.max(end);
            if end > horizon {
                break;
            }
        }
    }
}

/// The session ended: whatever has not finished is cancelled.
pub fn cancel_unfinished(repl: &mut ReplSlot, at: SimMillis) {
    for st in repl.statements.iter_mut() {
        let unfinished = match st.finish_at() {
            None => st.cancel_at.is_none(),
            Some(end) => end > at,
        };
        if unfinished && st.cancel_at.is_none() {
            st.cancel_at = Some(at);
        }
    }
}

pub fn running_at(repl: &ReplSlot, now: SimMillis) -> bool {
    repl.statements.iter().any(|s| matches!(s.state(now), StmtState::Running | StmtState::Cancelling))
}

pub fn has_pending(repl: &ReplSlot, now: SimMillis) -> bool {
    repl.statements
        .iter()
        .any(|s| matches!(s.state(now), StmtState::Waiting | StmtState::Running | StmtState::Cancelling))
}

pub fn last_finished_at(repl: &ReplSlot) -> Option<SimMillis> {
    repl.statements.iter().filter_map(|s| s.finish_at().or(s.cancel_at)).max()
}

pub fn last_started_at(repl: &ReplSlot) -> Option<SimMillis> {
    repl.statements.iter().filter_map(|s| s.started).max()
}

#[derive(Deserialize)]
struct StatementRequest {
    code: Option<String>,
    kind: Option<String>,
    #[serde(rename = "sourceId")]
    source_id: Option<String>,
}

/// POST .../statements: queue a statement (200 StatementResponse, state `waiting`).
pub fn submit(repl: &mut ReplSlot, body: &[u8], now: SimMillis) -> Result<Reply, ApiError> {
    let req: StatementRequest = super::parse_body(body)?;
    let code = req.code.ok_or_else(|| ApiError::bad_request("The 'code' field is required."))?;
    let lang = match req.kind.as_deref() {
        None | Some("") => Lang::Python,
        Some(k) => Lang::from_livy_kind(k).ok_or_else(|| {
            ApiError::bad_request(&format!(
                "Unsupported statement kind '{k}'. Supported kinds: spark, pyspark, sparkr, sql."
            ))
        })?,
    };
    let id = repl.next_statement_id;
    repl.next_statement_id += 1;
    repl.statements.push_back(Statement {
        id,
        code,
        lang,
        source_id: req.source_id,
        submitted: now,
        started: None,
        exec: None,
        cancel_at: None,
        seen: None,
    });
    while repl.statements.len() > RETAINED_STATEMENTS {
        match repl.statements.front() {
            Some(front) if !matches!(front.state(now), StmtState::Waiting | StmtState::Running) => {
                repl.statements.pop_front();
            }
            _ => break,
        }
    }
    let st = repl.statements.back().ok_or_else(|| ApiError::internal("statement vanished"))?;
    Ok(Reply::json(200, render(st, now, None)))
}

pub fn list(repl: &ReplSlot, now: SimMillis) -> Reply {
    let statements: Vec<Value> = repl.statements.iter().map(|s| render(s, now, None)).collect();
    Reply::json(200, json!({ "total_statements": statements.len(), "statements": statements }))
}

fn find(repl: &ReplSlot, id: &str) -> Result<usize, ApiError> {
    let id: u32 = id.parse().map_err(|_| statement_not_found(id))?;
    repl.statements.iter().position(|s| s.id == id).ok_or_else(|| statement_not_found(&id.to_string()))
}

fn statement_not_found(id: &str) -> ApiError {
    ApiError::not_found("EntityNotFound", &format!("Statement '{id}' was not found."))
}

/// Byte window of the text output requested with `from` / `size`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Window {
    pub from: Option<usize>,
    pub size: Option<usize>,
}

impl Window {
    pub fn parse(query: &[(String, String)]) -> Result<Window, ApiError> {
        let mut w = Window::default();
        for (k, v) in query {
            let parsed = || {
                v.parse::<usize>().map_err(|_| {
                    ApiError::bad_request(&format!("Query parameter '{k}' must be a non-negative integer."))
                })
            };
            match k.as_str() {
                "from" => w.from = Some(parsed()?),
                "size" => w.size = Some(parsed()?),
                _ => {}
            }
        }
        Ok(w)
    }

    fn apply(self, text: &str) -> String {
        let len = text.len();
        let floor = |mut i: usize| {
            i = i.min(len);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let start = floor(self.from.unwrap_or(0));
        let end = floor(self.size.map_or(len, |s| start.saturating_add(s)));
        text[start..end.max(start)].to_string()
    }
}

pub fn get(repl: &mut ReplSlot, id: &str, window: Window, now: SimMillis) -> Result<Reply, ApiError> {
    let idx = find(repl, id)?;
    let st = &mut repl.statements[idx];
    if st.exec.is_some() && st.state(now) == StmtState::Available {
        st.seen.get_or_insert(now);
    }
    Ok(Reply::json(200, render(st, now, Some(window))))
}

/// POST .../cancel: waiting → cancelled, running → cancelling → cancelled; no-op when finished.
pub fn cancel(repl: &mut ReplSlot, id: &str, now: SimMillis) -> Result<Reply, ApiError> {
    let idx = find(repl, id)?;
    let st = &mut repl.statements[idx];
    if matches!(st.state(now), StmtState::Waiting | StmtState::Running) && st.cancel_at.is_none() {
        st.cancel_at = Some(now);
    }
    Ok(Reply::json(200, json!({ "msg": "canceled" })))
}

fn render(st: &Statement, now: SimMillis, window: Option<Window>) -> Value {
    let state = st.state(now);
    let mut obj = serde_json::Map::new();
    obj.insert("id".into(), json!(st.id));
    obj.insert("code".into(), json!(st.code));
    obj.insert("state".into(), json!(state.wire()));
    if let Some(src) = &st.source_id {
        obj.insert("sourceId".into(), json!(src));
    }
    let natural_end = st.finish_at();
    let progress = match state {
        StmtState::Waiting => 0.0,
        StmtState::Available => 1.0,
        _ => match (st.started, natural_end) {
            (Some(s), Some(e)) if e > s => ((now - s) as f64 / (e - s) as f64).clamp(0.0, 0.99),
            _ => 0.0,
        },
    };
    obj.insert("progress".into(), json!(progress));
    obj.insert("started".into(), json!(st.started.filter(|s| *s <= now).unwrap_or(0)));
    let completed = match state {
        StmtState::Available | StmtState::Cancelled => natural_end.or(st.cancel_at).unwrap_or(0),
        _ => 0,
    };
    obj.insert("completed".into(), json!(completed));
    if state == StmtState::Available
        && let Some(exec) = &st.exec
    {
        obj.insert("output".into(), output(st, exec, window.unwrap_or_default()));
    }
    Value::Object(obj)
}

/// Output per the reference §4: text/plain for code, application/json {schema, data} for SQL
/// result sets, `status: error` with ename/evalue/traceback for failures.
fn output(st: &Statement, exec: &Execution, window: Window) -> Value {
    let count = st.id;
    match &exec.outcome {
        Outcome::Error { ename, evalue, traceback } => json!({
            "status": "error", "execution_count": count,
            "ename": ename, "evalue": evalue, "traceback": traceback,
        }),
        // SQL result sets: the `{schema, data}` envelope, as upstream Livy sends them.
        Outcome::Table { columns, rows, .. } if st.lang == Lang::Sql => json!({
            "status": "ok", "execution_count": count,
            "data": { "application/json": { "schema": schema(columns), "data": rows } },
        }),
        // `display(df)` tables: the envelope, and the table as text for clients that read
        // only text/plain.
        Outcome::Table { columns, rows, truncated } => json!({
            "status": "ok", "execution_count": count,
            "data": {
                "application/json": { "schema": schema(columns), "data": rows },
                "text/plain": window.apply(&show_table(columns, rows, *truncated)),
            },
        }),
        // DDL / DML through `sql` produce no result set: status ok without application/json.
        Outcome::Text(text) if st.lang == Lang::Sql && text.is_empty() => {
            json!({ "status": "ok", "execution_count": count, "data": {} })
        }
        Outcome::Text(text) => json!({
            "status": "ok", "execution_count": count,
            "data": { "text/plain": window.apply(text) },
        }),
    }
}

fn schema(columns: &[Column]) -> Value {
    let fields: Vec<Value> = columns
        .iter()
        .map(|c| json!({ "name": c.name, "type": c.spark_type, "nullable": true, "metadata": {} }))
        .collect();
    json!({ "type": "struct", "fields": fields })
}

/// A table rendered the way `df.show()` prints it.
fn show_table(columns: &[Column], rows: &[Vec<Value>], truncated: bool) -> String {
    let cell = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".to_string(),
        other => other.to_string(),
    };
    let mut widths: Vec<usize> = columns.iter().map(|c| c.name.chars().count()).collect();
    for row in rows {
        for (i, v) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell(v).chars().count());
            }
        }
    }
    let rule: String = widths.iter().map(|w| format!("+{}", "-".repeat(*w))).collect::<String>() + "+\n";
    let line = |cells: Vec<String>| {
        cells.iter().zip(&widths).map(|(c, w)| format!("|{c:>w$}")).collect::<String>() + "|\n"
    };
    let mut out = rule.clone();
    out += &line(columns.iter().map(|c| c.name.clone()).collect());
    out += &rule;
    for row in rows {
        out += &line(row.iter().map(cell).collect());
    }
    out += &rule;
    if truncated {
        out += &format!("only showing top {} rows\n", rows.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_slices_bytes_on_char_boundaries() {
        let all = Window::default();
        assert_eq!(all.apply("hello world"), "hello world");
        assert_eq!(Window { from: Some(6), size: Some(5) }.apply("hello world"), "world");
        assert_eq!(Window { from: Some(6), size: None }.apply("hello world"), "world");
        assert_eq!(Window { from: Some(99), size: Some(5) }.apply("hello"), "");
        assert_eq!(Window { from: Some(0), size: Some(usize::MAX) }.apply("abc"), "abc");
        // "é" is two bytes: a window cutting it in half never splits the character.
        assert_eq!(Window { from: Some(0), size: Some(2) }.apply("aé"), "a");
        assert_eq!(Window { from: Some(2), size: Some(2) }.apply("aéb"), "é");
    }

    #[test]
    fn show_table_renders_like_dataframe_show() {
        let cols = vec![Column { name: "n".into(), spark_type: "long".into() }];
        let text = show_table(&cols, &[vec![serde_json::json!(1)], vec![serde_json::json!(22)]], true);
        assert_eq!(text, "+--+\n| n|\n+--+\n| 1|\n|22|\n+--+\nonly showing top 2 rows\n");
    }
}
