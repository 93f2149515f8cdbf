//! A tiny interpreter of the statement forms the simulator recognises in PySpark, Scala and R.
//!
//! Hand-written on purpose: the simulator reproduces what a client *observes* (output text,
//! tables shown like `df.show()`, errors with tracebacks, long-running statements, REPL
//! isolation), not a language runtime; embedding Python, Scala and R interpreters would be
//! enormous and still not behave like a remote Spark REPL.

use std::time::Duration;

use super::sql::MAX_ROWS;
use super::{Lang, Outcome, Repl, show};

/// A value the scripts can hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Nothing,
    /// A DataFrame, kept as what produces it.
    Frame(Frame),
}

/// Where a DataFrame's rows come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// A query on the engine's SQL database (`spark.sql`, `spark.table`).
    Sql(String),
    /// `spark.range(start, end, step)`: a `long` column `id`, counted without being made.
    Range { start: i64, end: i64, step: i64 },
}

impl Frame {
    /// How many rows a range has (`None`: a query, which must be run to know).
    fn range_len(&self) -> Option<i64> {
        match *self {
            Frame::Range { start, end, step } if step > 0 && end > start => {
                Some((end - start - 1) / step + 1)
            }
            Frame::Range { start, end, step } if step < 0 && end < start => {
                Some((start - end - 1) / -step + 1)
            }
            Frame::Range { .. } => Some(0),
            Frame::Sql(_) => None,
        }
    }
}

/// Why a line stopped.
pub enum Stop {
    /// A user-visible error (ename, evalue).
    Error(String, String),
    /// Syntax outside the recognised forms: a clear error naming the statement (the simulator
    /// never pretends to have run what it cannot).
    Unsupported,
}

/// Runs SQL for DataFrames; provided by the engine.
pub trait Sql {
    fn query(&self, sql: &str) -> Outcome;
}

/// Run `code` statement by statement; the first error stops it. A `display(df)` that ends the
/// code makes the outcome that table (as notebooks show it); otherwise what was printed.
pub fn run(lang: Lang, code: &str, repl: &mut Repl, sql: &dyn Sql) -> (Duration, Outcome) {
    let mut out = String::new();
    let mut slept = Duration::ZERO;
    let mut shown = None;
    let statements = split_statements(code);
    let last = statements.len().saturating_sub(1);
    for (i, (line_no, statement)) in statements.iter().enumerate() {
        let mut ctx = Ctx { lang, repl, sql, out: &mut out, slept: &mut slept, shown: &mut shown };
        let stopped = match ctx.statement(statement, i == last) {
            Ok(()) => continue,
            Err(Stop::Unsupported) => unsupported(lang, statement),
            Err(Stop::Error(ename, evalue)) => (ename, evalue),
        };
        let (ename, evalue) = stopped;
        let traceback = traceback(lang, *line_no, &ename, &evalue);
        return (slept, Outcome::Error { ename, evalue, traceback });
    }
    if let Some((columns, rows, truncated)) = shown {
        return (slept, Outcome::Table { columns, rows, truncated });
    }
    // Livy's REPL strips trailing whitespace from text/plain output.
    (slept, Outcome::Text(out.trim_end().to_string()))
}

/// The error for a statement outside what the simulator understands, in the language's words.
fn unsupported(lang: Lang, statement: &str) -> (String, String) {
    let first = statement.lines().next().unwrap_or_default().trim();
    let what = format!(
        "the sparkdeck simulator does not run `{first}` (it understands print, assignments, arithmetic, \
         spark.sql / spark.table / spark.range, .show() / .count() / display(), sleeps and raise)"
    );
    let name = match lang {
        Lang::Python => "NotImplementedError",
        Lang::Scala => "error",
        _ => "Error",
    };
    (name.into(), what)
}

/// A table `display(df)` showed: columns, rows, whether rows were cut.
type Shown = (Vec<super::Column>, Vec<Vec<serde_json::Value>>, bool);

struct Ctx<'a> {
    lang: Lang,
    repl: &'a mut Repl,
    sql: &'a dyn Sql,
    out: &'a mut String,
    slept: &'a mut Duration,
    shown: &'a mut Option<Shown>,
}

impl Ctx<'_> {
    fn statement(&mut self, line: &str, is_last: bool) -> Result<(), Stop> {
        let line = line.trim();
        let comment = match self.lang {
            Lang::Scala => "//",
            _ => "#",
        };
        if line.is_empty()
            || line.starts_with(comment)
            || line.starts_with("import ")
            || line.starts_with("from ")
        {
            return Ok(());
        }
        if line.starts_with("library(") || line.starts_with("require(") {
            return Ok(());
        }
        if let Some(args) = call_args(line, &["print", "println", "cat"]) {
            let newline = !line.starts_with("cat");
            let vals = self.args(args)?;
            let text = match self.lang {
                Lang::R if line.starts_with("print") => {
                    vals.iter().map(r_print).collect::<Vec<_>>().join(" ")
                }
                _ => vals.iter().map(|v| self.display(v)).collect::<Vec<_>>().join(" "),
            };
            self.out.push_str(&text);
            if newline {
                self.out.push('\n');
            }
            return Ok(());
        }
        if let Some(args) = call_args(line, &["time.sleep", "Sys.sleep", "Thread.sleep"]) {
            let secs = match self.eval(args)? {
                Val::Int(n) => n as f64,
                Val::Float(f) => f,
                _ => return Err(Stop::Error("TypeError".into(), "an integer or float is required".into())),
            };
            let secs = if line.starts_with("Thread.sleep") { secs / 1000.0 } else { secs };
            *self.slept += Duration::from_secs_f64(secs.clamp(0.0, 7.0 * 86400.0));
            return Ok(());
        }
        if let Some(rest) = line.strip_prefix("raise ").or_else(|| line.strip_prefix("throw new ")) {
            let (name, msg) = match rest.find('(') {
                Some(p) => {
                    let msg = match self.args(rest[p + 1..].trim_end_matches(')'))?.first() {
                        Some(v) => self.display(v),
                        None => String::new(),
                    };
                    (rest[..p].trim().to_string(), msg)
                }
                None => (rest.trim().to_string(), String::new()),
            };
            let name = if self.lang == Lang::Scala && !name.contains('.') {
                format!("java.lang.{name}")
            } else {
                name
            };
            return Err(Stop::Error(name, msg));
        }
        if let Some(args) = call_args(line, &["stop"]) {
            let msg = self.args(args)?.first().map(|v| self.display(v)).unwrap_or_default();
            return Err(Stop::Error("Error".into(), msg));
        }
        if let Some(args) = call_args(line, &["display"]) {
            // A notebook's rich table: the outcome when it ends the code, else printed as show().
            let frame = self.eval(split_top_level(args, ',')[0])?;
            if !is_last {
                return self.show(frame, 20);
            }
            let Val::Frame(frame) = frame else { return Err(not_a_frame("display")) };
            *self.shown = Some(self.rows(&frame, MAX_ROWS)?);
            return Ok(());
        }
        if let Some(args) = call_args(line, &["showDF", "head"]) {
            let frame = self.eval(split_top_level(args, ',')[0])?;
            return self.show(frame, 20);
        }
        if let Some((target, n)) = show_call(line) {
            let frame = self.eval(target)?;
            let n = match n.trim() {
                "" => 20,
                other => other.parse().unwrap_or(20),
            };
            return self.show(frame, n);
        }
        if let Some((name, expr)) = assignment(self.lang, line) {
            let value = self.eval(expr)?;
            self.repl.vars.insert(name.to_string(), value);
            return Ok(());
        }
        if is_last {
            let value = self.eval(line)?;
            self.echo(&value);
            return Ok(());
        }
        // Anything else is accepted silently, but a line that is an expression still fails on
        // an unknown name, like the real REPL.
        self.eval(line).map(|_| ())
    }

    fn show(&mut self, frame: Val, n: usize) -> Result<(), Stop> {
        let Val::Frame(frame) = frame else { return Err(not_a_frame("show")) };
        let (columns, rows, _) = self.rows(&frame, n.min(MAX_ROWS) + 1)?;
        self.out.push_str(&show::render(&columns, &rows, n.min(MAX_ROWS)));
        Ok(())
    }

    /// Up to `limit` rows of a frame, and whether it has more.
    fn rows(&self, frame: &Frame, limit: usize) -> Result<Shown, Stop> {
        match frame {
            Frame::Range { start, step, .. } => {
                let len = frame.range_len().unwrap_or(0);
                let rows = (0..len.min(limit as i64))
                    .map(|i| vec![serde_json::Value::from(start + i * step)])
                    .collect();
                let column = super::Column { name: "id".into(), spark_type: "long".into() };
                Ok((vec![column], rows, len > limit as i64))
            }
            Frame::Sql(sql) => match self.sql.query(sql) {
                Outcome::Table { columns, mut rows, truncated } => {
                    let more = truncated || rows.len() > limit;
                    rows.truncate(limit);
                    Ok((columns, rows, more))
                }
                Outcome::Error { ename, evalue, .. } => Err(Stop::Error(ename, evalue)),
                Outcome::Text(_) => Ok((Vec::new(), Vec::new(), false)),
            },
        }
    }

    fn echo(&mut self, value: &Val) {
        let text = match (self.lang, value) {
            (_, Val::Nothing) => return,
            (Lang::Python, v) => python_repr(v),
            (Lang::R, v) => r_print(v),
            (Lang::Scala, v) => {
                let n = self.repl.results;
                self.repl.results += 1;
                format!("res{n}: {} = {}", scala_type(v), self.display(v))
            }
            (Lang::Sql, v) => self.display(v),
        };
        self.out.push_str(&text);
        self.out.push('\n');
    }

    /// How `print` shows a value.
    fn display(&self, v: &Val) -> String {
        match v {
            Val::Str(s) => s.clone(),
            Val::Int(i) => i.to_string(),
            Val::Float(f) => float_text(*f),
            Val::Bool(b) => match self.lang {
                Lang::Python => if *b { "True" } else { "False" }.into(),
                Lang::R => if *b { "TRUE" } else { "FALSE" }.into(),
                _ => b.to_string(),
            },
            Val::Nothing => match self.lang {
                Lang::R => "NULL".into(),
                Lang::Scala => "()".into(),
                _ => "None".into(),
            },
            Val::Frame(frame) => frame_repr(self.sql, frame),
        }
    }

    fn args(&mut self, text: &str) -> Result<Vec<Val>, Stop> {
        split_top_level(text, ',')
            .into_iter()
            .filter(|a| !a.trim().is_empty())
            .map(|a| self.eval(a))
            .collect()
    }

    fn eval(&mut self, text: &str) -> Result<Val, Stop> {
        let tokens = tokenize(text).ok_or(Stop::Unsupported)?;
        let mut p = Parser { tokens, pos: 0 };
        let v = self.expr(&mut p)?;
        if p.pos != p.tokens.len() {
            return Err(Stop::Unsupported);
        }
        Ok(v)
    }

    fn expr(&mut self, p: &mut Parser) -> Result<Val, Stop> {
        let mut left = self.term(p)?;
        while let Some(Tok::Op(op @ ('+' | '-'))) = p.peek().cloned() {
            p.pos += 1;
            let right = self.term(p)?;
            left = arith(self.lang, op, left, right)?;
        }
        Ok(left)
    }

    fn term(&mut self, p: &mut Parser) -> Result<Val, Stop> {
        let mut left = self.factor(p)?;
        while let Some(Tok::Op(op @ ('*' | '/'))) = p.peek().cloned() {
            p.pos += 1;
            let right = self.factor(p)?;
            left = arith(self.lang, op, left, right)?;
        }
        Ok(left)
    }

    fn factor(&mut self, p: &mut Parser) -> Result<Val, Stop> {
        match p.next() {
            Some(Tok::Op('-')) => match self.factor(p)? {
                Val::Int(i) => Ok(Val::Int(-i)),
                Val::Float(f) => Ok(Val::Float(-f)),
                _ => Err(Stop::Unsupported),
            },
            Some(Tok::Op('(')) => {
                let v = self.expr(p)?;
                match p.next() {
                    Some(Tok::Op(')')) => Ok(v),
                    _ => Err(Stop::Unsupported),
                }
            }
            Some(Tok::Int(i)) => Ok(Val::Int(i)),
            Some(Tok::Float(f)) => Ok(Val::Float(f)),
            Some(Tok::Str(s)) => Ok(Val::Str(s)),
            Some(Tok::FStr(s)) => self.interpolate(&s),
            Some(Tok::Name(name)) => self.name_chain(p, name),
            _ => Err(Stop::Unsupported),
        }
    }

    /// `spark.sql("...")`, `spark.version`, `sql("...")` (R), `df.count()`, or a variable.
    fn name_chain(&mut self, p: &mut Parser, name: String) -> Result<Val, Stop> {
        let mut value = match name.as_str() {
            "True" | "TRUE" | "true" => Val::Bool(true),
            "False" | "FALSE" | "false" => Val::Bool(false),
            "None" | "NULL" => Val::Nothing,
            "spark" => Val::Nothing,
            "sql" if matches!(p.peek(), Some(Tok::Op('('))) => {
                let arg = self.call_arg(p)?;
                return self.method_chain(p, Val::Frame(Frame::Sql(arg)));
            }
            _ => match self.repl.vars.get(&name) {
                Some(v) => v.clone(),
                None => return Err(self.name_error(&name)),
            },
        };
        if name == "spark" {
            let mut member = || match (p.next(), p.next()) {
                (Some(Tok::Op('.')), Some(Tok::Name(m))) => Ok(m),
                _ => Err(Stop::Unsupported),
            };
            let mut m = member()?;
            if m == "read" {
                m = member()?;
            }
            value = match m.as_str() {
                "version" => Val::Str("3.5.1".into()),
                "sql" => Val::Frame(Frame::Sql(self.call_arg(p)?)),
                "table" => Val::Frame(Frame::Sql(format!("SELECT * FROM {}", self.call_arg(p)?))),
                "range" => self.range(p)?,
                _ => return Err(Stop::Unsupported),
            };
        }
        self.method_chain(p, value)
    }

    /// `spark.range(end)`, `(start, end)`, `(start, end, step)`.
    fn range(&mut self, p: &mut Parser) -> Result<Val, Stop> {
        let args = self.call_arg_list(p)?;
        let ints: Option<Vec<i64>> =
            args.iter().map(|a| if let Val::Int(i) = a { Some(*i) } else { None }).collect();
        let (start, end, step) = match ints.as_deref() {
            Some([end]) => (0, *end, 1),
            Some([start, end]) => (*start, *end, 1),
            Some([start, end, step]) if *step != 0 => (*start, *end, *step),
            _ => {
                return Err(Stop::Error(
                    "TypeError".into(),
                    "range() takes 1 to 3 integers (step not 0)".into(),
                ));
            }
        };
        Ok(Val::Frame(Frame::Range { start, end, step }))
    }

    fn method_chain(&mut self, p: &mut Parser, mut value: Val) -> Result<Val, Stop> {
        while let Some(Tok::Op('.')) = p.peek() {
            p.pos += 1;
            let Some(Tok::Name(method)) = p.next() else { return Err(Stop::Unsupported) };
            match (method.as_str(), &value) {
                ("count", Val::Frame(frame)) => {
                    let _ = self.call_arg_list(p)?;
                    value = Val::Int(self.count(frame)?);
                }
                ("limit", Val::Frame(frame)) => {
                    let n = match self.call_arg_list(p)?.as_slice() {
                        [Val::Int(n)] if *n >= 0 => *n,
                        _ => return Err(Stop::Error("TypeError".into(), "limit() takes one count".into())),
                    };
                    value = Val::Frame(match frame {
                        Frame::Sql(sql) => Frame::Sql(format!("SELECT * FROM ({sql}) LIMIT {n}")),
                        Frame::Range { start, end, step } => {
                            let len = frame.range_len().unwrap_or(0).min(n);
                            Frame::Range { start: *start, end: (*start + len * step).min(*end), step: *step }
                        }
                    });
                }
                ("upper" | "lower", Val::Str(text)) => {
                    let _ = self.call_arg_list(p)?;
                    value =
                        Val::Str(if method == "upper" { text.to_uppercase() } else { text.to_lowercase() });
                }
                _ => return Err(Stop::Unsupported),
            }
        }
        Ok(value)
    }

    fn count(&self, frame: &Frame) -> Result<i64, Stop> {
        if let Some(n) = frame.range_len() {
            return Ok(n);
        }
        let Frame::Sql(sql) = frame else { return Ok(0) };
        match self.sql.query(&format!("SELECT COUNT(*) FROM ({sql})")) {
            Outcome::Table { rows, .. } => {
                Ok(rows.first().and_then(|r| r.first()).and_then(|v| v.as_i64()).unwrap_or(0))
            }
            Outcome::Error { ename, evalue, .. } => Err(Stop::Error(ename, evalue)),
            Outcome::Text(_) => Ok(0),
        }
    }

    /// The single string argument of a call: `("...")`.
    fn call_arg(&mut self, p: &mut Parser) -> Result<String, Stop> {
        match self.call_arg_list(p)?.into_iter().next() {
            Some(Val::Str(s)) => Ok(s),
            _ => Err(Stop::Unsupported),
        }
    }

    fn call_arg_list(&mut self, p: &mut Parser) -> Result<Vec<Val>, Stop> {
        if !matches!(p.next(), Some(Tok::Op('('))) {
            return Err(Stop::Unsupported);
        }
        let mut args = Vec::new();
        if let Some(Tok::Op(')')) = p.peek() {
            p.pos += 1;
            return Ok(args);
        }
        loop {
            args.push(self.expr(p)?);
            match p.next() {
                Some(Tok::Op(',')) => continue,
                Some(Tok::Op(')')) => return Ok(args),
                _ => return Err(Stop::Unsupported),
            }
        }
    }

    fn interpolate(&mut self, template: &str) -> Result<Val, Stop> {
        let mut out = String::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else { return Err(Stop::Unsupported) };
            let v = self.eval(&rest[open + 1..open + close])?;
            out.push_str(&self.display(&v));
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        Ok(Val::Str(out))
    }

    fn name_error(&self, name: &str) -> Stop {
        match self.lang {
            Lang::Scala => Stop::Error("error".into(), format!("not found: value {name}")),
            Lang::R => Stop::Error("Error".into(), format!("object '{name}' not found")),
            _ => Stop::Error("NameError".into(), format!("name '{name}' is not defined")),
        }
    }
}

fn arith(lang: Lang, op: char, a: Val, b: Val) -> Result<Val, Stop> {
    use Val::*;
    let type_error = || Stop::Error("TypeError".into(), format!("unsupported operand type(s) for {op}"));
    Ok(match (a, b) {
        (Str(x), Str(y)) if op == '+' => Str(x + &y),
        // Scala's `+` makes a string of anything added to one.
        (Str(x), y) if op == '+' && lang == Lang::Scala => Str(x + &scala_text(&y)),
        (x, Str(y)) if op == '+' && lang == Lang::Scala => Str(scala_text(&x) + &y),
        (Str(_), y) if lang == Lang::Python => {
            let name = python_type(&y);
            return Err(Stop::Error(
                "TypeError".into(),
                format!("can only concatenate str (not \"{name}\") to str"),
            ));
        }
        (Str(_), _) | (_, Str(_)) if lang == Lang::R => {
            return Err(Stop::Error("Error".into(), "non-numeric argument to binary operator".into()));
        }
        (Int(x), Int(y)) => match op {
            '+' => Int(x.saturating_add(y)),
            '-' => Int(x.saturating_sub(y)),
            '*' => Int(x.saturating_mul(y)),
            _ if y == 0 => return Err(Stop::Error("ZeroDivisionError".into(), "division by zero".into())),
            _ if lang == Lang::Scala => Int(x / y),
            _ => Float(x as f64 / y as f64),
        },
        (x, y) => {
            let (Some(x), Some(y)) = (as_f64(&x), as_f64(&y)) else { return Err(type_error()) };
            match op {
                '+' => Float(x + y),
                '-' => Float(x - y),
                '*' => Float(x * y),
                _ if y == 0.0 => {
                    return Err(Stop::Error("ZeroDivisionError".into(), "float division by zero".into()));
                }
                _ => Float(x / y),
            }
        }
    })
}

fn scala_text(v: &Val) -> String {
    match v {
        Val::Str(s) => s.clone(),
        Val::Int(i) => i.to_string(),
        Val::Float(f) => float_text(*f),
        Val::Bool(b) => b.to_string(),
        Val::Nothing => "()".into(),
        Val::Frame(_) => "[DataFrame]".into(),
    }
}

fn python_type(v: &Val) -> &'static str {
    match v {
        Val::Str(_) => "str",
        Val::Int(_) => "int",
        Val::Float(_) => "float",
        Val::Bool(_) => "bool",
        Val::Nothing => "NoneType",
        Val::Frame(_) => "DataFrame",
    }
}

fn not_a_frame(method: &str) -> Stop {
    Stop::Error("AttributeError".into(), format!("object has no attribute '{method}'"))
}

fn as_f64(v: &Val) -> Option<f64> {
    match v {
        Val::Int(i) => Some(*i as f64),
        Val::Float(f) => Some(*f),
        _ => None,
    }
}

fn float_text(f: f64) -> String {
    let s = f.to_string();
    if s.contains(['.', 'e', 'N', 'i']) { s } else { format!("{s}.0") }
}

fn python_repr(v: &Val) -> String {
    match v {
        Val::Str(s) => format!("'{}'", s.replace('\'', "\\'")),
        Val::Int(i) => i.to_string(),
        Val::Float(f) => float_text(*f),
        Val::Bool(b) => if *b { "True" } else { "False" }.into(),
        Val::Nothing => "None".into(),
        Val::Frame(_) => "DataFrame".into(),
    }
}

fn r_print(v: &Val) -> String {
    match v {
        Val::Str(s) => format!("[1] \"{s}\""),
        Val::Int(i) => format!("[1] {i}"),
        Val::Float(f) => format!("[1] {f}"),
        Val::Bool(b) => format!("[1] {}", if *b { "TRUE" } else { "FALSE" }),
        Val::Nothing => "NULL".into(),
        Val::Frame(_) => "SparkDataFrame".into(),
    }
}

fn scala_type(v: &Val) -> &'static str {
    match v {
        Val::Str(_) => "String",
        Val::Int(_) => "Int",
        Val::Float(_) => "Double",
        Val::Bool(_) => "Boolean",
        Val::Nothing => "Unit",
        Val::Frame(_) => "org.apache.spark.sql.DataFrame",
    }
}

/// `DataFrame[region: string, orders: bigint]`, like PySpark's repr.
fn frame_repr(sql: &dyn Sql, frame: &Frame) -> String {
    let query = match frame {
        Frame::Range { .. } => return "DataFrame[id: bigint]".into(),
        Frame::Sql(query) => query,
    };
    match sql.query(&format!("SELECT * FROM ({query}) LIMIT 0")) {
        Outcome::Table { columns, .. } => {
            let cols: Vec<String> = columns
                .iter()
                .map(|c| {
                    format!("{}: {}", c.name, if c.spark_type == "long" { "bigint" } else { &c.spark_type })
                })
                .collect();
            format!("DataFrame[{}]", cols.join(", "))
        }
        _ => "DataFrame[]".into(),
    }
}

/// What the service sends as the traceback of an error on line `line` of the statement.
fn traceback(lang: Lang, line: usize, ename: &str, evalue: &str) -> Vec<String> {
    match lang {
        Lang::Scala => vec![
            format!("{ename}: {evalue}\n"),
            format!("  at $line{line}.$read$$iw.<init>(<console>:{line})\n"),
        ],
        Lang::R => vec![format!("Error in eval(expr, envir, enclos) : {evalue}\n")],
        // The REPL runs the code as `<stdin>`: one frame, the statement's line.
        _ => vec![
            "Traceback (most recent call last):\n".into(),
            format!("  File \"<stdin>\", line {line}, in <module>\n"),
            format!("{ename}: {evalue}\n"),
        ],
    }
}

/// `name(args)` for one of `names` → `args`.
fn call_args<'a>(line: &'a str, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|n| {
        let rest = line.strip_prefix(n)?.trim_start().strip_prefix('(')?;
        rest.trim_end().strip_suffix(')')
    })
}

/// `<target>.show(<n>)` → (target, n)
fn show_call(line: &str) -> Option<(&str, &str)> {
    let idx = line.rfind(".show(")?;
    let args = line[idx + 6..].trim_end().strip_suffix(')')?;
    Some((&line[..idx], args.split(',').next().unwrap_or("")))
}

/// `x = expr` (Python), `val x = expr` / `var x: T = expr` (Scala), `x <- expr` (R).
fn assignment(lang: Lang, line: &str) -> Option<(&str, &str)> {
    let (lhs, rhs) = match lang {
        Lang::R => line.split_once("<-").or_else(|| eq_split(line))?,
        Lang::Scala => {
            let rest = line.strip_prefix("val ").or_else(|| line.strip_prefix("var "))?;
            eq_split(rest)?
        }
        _ => eq_split(line)?,
    };
    let name = lhs.split(':').next()?.trim();
    let ident = !name.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    ident.then_some((name, rhs.trim()))
}

/// Split at the first `=` that is not part of `==`, `<=`, `>=`, `!=`, outside quotes.
fn eq_split(line: &str) -> Option<(&str, &str)> {
    let bytes = line.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => quote = Some(b),
            (None, b'(') => return None,
            (None, b'=') => {
                let prev = if i > 0 { bytes[i - 1] } else { b' ' };
                let next = bytes.get(i + 1).copied().unwrap_or(b' ');
                if next != b'=' && !matches!(prev, b'=' | b'<' | b'>' | b'!') {
                    return Some((&line[..i], &line[i + 1..]));
                }
            }
            _ => {}
        }
    }
    None
}

/// Split code into statements, each with the line it starts on: one per line, or per `;`
/// outside quotes and brackets, except that brackets and (triple) quotes may span lines.
fn split_statements(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 1;
    let mut depth: i32 = 0;
    let mut triple = false;
    for (n, line) in code.lines().enumerate() {
        if current.trim().is_empty() {
            current.clear();
            start = n + 1;
        } else {
            current.push('\n');
        }
        let mut quote: Option<char> = None;
        let mut from = 0;
        let mut chars = line.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if quote.is_none() && (line[i..].starts_with("\"\"\"") || line[i..].starts_with("'''")) {
                triple = !triple;
                chars.next();
                chars.next();
                continue;
            }
            if triple {
                continue;
            }
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), '\\') => {
                    chars.next();
                }
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '(' | '[' | '{') => depth += 1,
                (None, ')' | ']' | '}') => depth -= 1,
                (None, '#') => break,
                (None, ';') if depth <= 0 => {
                    current.push_str(&line[from..i]);
                    out.push((start, std::mem::take(&mut current)));
                    start = n + 1;
                    from = i + 1;
                }
                _ => {}
            }
        }
        current.push_str(&line[from..]);
        if depth <= 0 && !triple {
            out.push((start, std::mem::take(&mut current)));
            depth = 0;
        }
    }
    if !current.trim().is_empty() {
        out.push((start, current));
    }
    out.retain(|(_, s)| !s.trim().is_empty());
    out
}

fn split_top_level(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, c) if c == sep && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Int(i64),
    Float(f64),
    Str(String),
    FStr(String),
    Name(String),
    Op(char),
}

struct Parser {
    tokens: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }
}

fn tokenize(text: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == '_') {
                i += 1;
            }
            let s: String = chars[start..i].iter().filter(|c| **c != '_').collect();
            // Scala/R numeric suffixes (`1000L`).
            if i < chars.len() && matches!(chars[i], 'L' | 'l') {
                i += 1;
            }
            toks.push(if s.contains('.') { Tok::Float(s.parse().ok()?) } else { Tok::Int(s.parse().ok()?) });
        } else if c == '"'
            || c == '\''
            || ((c == 'f' || c == 's') && matches!(chars.get(i + 1), Some('"' | '\'')))
        {
            let interpolated = c == 'f' || c == 's';
            if interpolated {
                i += 1;
            }
            let q = chars[i];
            let triple = chars.get(i + 1) == Some(&q) && chars.get(i + 2) == Some(&q);
            i += if triple { 3 } else { 1 };
            let mut s = String::new();
            loop {
                let ch = *chars.get(i)?;
                if triple && ch == q && chars.get(i + 1) == Some(&q) && chars.get(i + 2) == Some(&q) {
                    i += 3;
                    break;
                }
                if !triple && ch == q {
                    i += 1;
                    break;
                }
                if ch == '\\' {
                    let esc = *chars.get(i + 1)?;
                    s.push(match esc {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                    i += 2;
                    continue;
                }
                s.push(ch);
                i += 1;
            }
            toks.push(if interpolated {
                Tok::FStr(s.replace("${", "{").replace('$', ""))
            } else {
                Tok::Str(s)
            });
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            toks.push(Tok::Name(chars[start..i].iter().collect()));
        } else if "+-*/().,".contains(c) {
            toks.push(Tok::Op(c));
            i += 1;
        } else {
            return None;
        }
    }
    Some(toks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_span_brackets_and_triple_quotes() {
        let code = "x = 1\nspark.sql(\"\"\"\n  SELECT 1\n\"\"\").show()\nprint(\n  x)\n";
        let starts: Vec<usize> = split_statements(code).iter().map(|(line, _)| *line).collect();
        assert_eq!(starts, [1, 2, 5]);
        let parts: Vec<String> =
            split_statements("a = 1; b = 'x;y'; print(a)\n\nc = 2").into_iter().map(|s| s.1).collect();
        assert_eq!(parts, ["a = 1", " b = 'x;y'", " print(a)", "c = 2"]);
    }

    #[test]
    fn assignments_are_recognised_per_language() {
        assert_eq!(assignment(Lang::Python, "x = 1 + 2"), Some(("x", "1 + 2")));
        assert_eq!(assignment(Lang::Python, "x == 1"), None);
        assert_eq!(assignment(Lang::Scala, "val n: Int = 3"), Some(("n", "3")));
        assert_eq!(assignment(Lang::R, "df <- sql(\"SELECT 1\")"), Some(("df", "sql(\"SELECT 1\")")));
        assert_eq!(assignment(Lang::Python, "print(a=1)"), None);
    }

    #[test]
    fn floats_keep_a_decimal_point() {
        assert_eq!(float_text(5.0), "5.0");
        assert_eq!(float_text(2.5), "2.5");
    }
}
