//! The `/` filter's words: splitting the line into terms and reading each term.
//!
//! Syntax (shown in `?` help and the README): terms separated by spaces, all of which must
//! hold; `"…"` quotes a term with spaces (a quoted term is always plain text);
//! - `field:value` — the field contains `value` (case-insensitive, literal text);
//! - `field~re` — the field matches the regular expression `re`;
//! - `state:active`, `state:terminal` — the status groups of DESIGN.md's vocabulary;
//! - `owner:me` — the signed-in identity of the row's workspace;
//! - a bare word — anywhere in the row: a regex with metacharacters or a leading `~`, else text;
//! - `!` before any term keeps the rows where it does NOT hold.
//!
//! Fields are the pane's columns by name (`domain::columns`) and `ws`, `kind`, `owner`, `state`.

use regex::{Regex, RegexBuilder};

use crate::domain::{Column, Kind, columns};

const META: &[char] = &['^', '$', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '\\'];

/// One term of a filter.
#[derive(Debug, Clone)]
pub struct Term {
    /// `!`: keep rows where the test fails.
    pub negated: bool,
    pub test: Test,
}

/// What a term tests.
#[derive(Debug, Clone)]
pub enum Test {
    /// A bare word: anywhere in the row's search text.
    Anywhere(Matcher),
    /// `field:value` / `field~re`.
    Field(Column, Matcher),
    /// `state:active` / `state:terminal`.
    Group(StateGroup),
    /// `owner:me`.
    Me,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateGroup {
    /// Pending, ready or busy: still going.
    Active,
    /// Succeeded, failed or cancelled: finished for good.
    Terminal,
}

#[derive(Debug, Clone)]
pub enum Matcher {
    /// The lower-cased needle's searcher; haystacks are lower-cased when rows arrive.
    Substring(Box<memchr::memmem::Finder<'static>>),
    Regex(Regex),
}

impl Matcher {
    fn substring(text: &str) -> Matcher {
        Matcher::Substring(Box::new(memchr::memmem::Finder::new(&text.to_lowercase()).into_owned()))
    }

    pub fn is_match(&self, haystack: &str) -> bool {
        match self {
            Matcher::Substring(finder) => finder.find(haystack.as_bytes()).is_some(),
            Matcher::Regex(re) => re.is_match(haystack),
        }
    }

    /// The lower-cased text a substring looks for.
    #[cfg(test)]
    pub fn needle(&self) -> Option<&[u8]> {
        match self {
            Matcher::Substring(finder) => Some(finder.needle()),
            Matcher::Regex(_) => None,
        }
    }

    fn same(&self, other: &Matcher) -> bool {
        match (self, other) {
            (Matcher::Substring(a), Matcher::Substring(b)) => a.needle() == b.needle(),
            (Matcher::Regex(a), Matcher::Regex(b)) => a.as_str() == b.as_str(),
            _ => false,
        }
    }
}

impl Term {
    /// Whether every row this term keeps is also kept by `old` (it is `old` typed on).
    pub fn narrows(&self, old: &Term) -> bool {
        if self.negated != old.negated {
            return false;
        }
        match (&self.test, &old.test) {
            (Test::Anywhere(new), Test::Anywhere(was)) => extends(new, was, self.negated),
            (Test::Field(c, new), Test::Field(d, was)) if c == d => extends(new, was, self.negated),
            (Test::Group(a), Test::Group(b)) => a == b,
            (Test::Me, Test::Me) => true,
            _ => false,
        }
    }
}

/// A longer plain substring keeps fewer rows; the same matcher the same rows; a negated one
/// keeps more as it grows.
fn extends(new: &Matcher, old: &Matcher, negated: bool) -> bool {
    match (new, old) {
        (Matcher::Substring(n), Matcher::Substring(o)) if !negated => {
            memchr::memmem::find(n.needle(), o.needle()).is_some()
        }
        _ => new.same(old),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("invalid regex in {term:?}: {reason} (a \\ before a metacharacter matches it as text)")]
    Regex { term: String, reason: String },
    #[error("unknown field {field:?}: use {valid} (or quote the word: \"{field}:…\")")]
    UnknownField { field: String, valid: String },
    #[error("{field} shows no text to match (it moves with the clock); sort by it instead")]
    NotText { field: &'static str },
    #[error("{term:?}: nothing after the {sep:?}")]
    Empty { term: String, sep: char },
    #[error("a \" is not closed")]
    Unclosed,
}

/// The regex crate's reason in one line (its message also draws the pattern with a caret).
fn reason(e: &regex::Error) -> String {
    let text = e.to_string();
    let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(&text);
    last.trim().trim_start_matches("error:").trim().to_string()
}

fn regex(pattern: &str, term: &str) -> Result<Regex, QueryError> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .multi_line(true)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| QueryError::Regex { term: term.to_string(), reason: reason(&e) })
}

/// The words of a filter line: split at spaces outside `"…"`; a quoted word comes back with
/// `quoted` set. Hand-written: shell splitting (shlex) would eat the backslashes of regexes.
fn words(line: &str) -> Result<Vec<(String, bool)>, QueryError> {
    let mut out = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut in_quotes) = (false, false);
    for c in line.chars() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                quoted = true;
            }
            c if c.is_whitespace() && !in_quotes => {
                if !word.is_empty() || quoted {
                    out.push((std::mem::take(&mut word), quoted));
                }
                quoted = false;
            }
            c => word.push(c),
        }
    }
    if in_quotes {
        return Err(QueryError::Unclosed);
    }
    if !word.is_empty() || quoted {
        out.push((word, quoted));
    }
    Ok(out)
}

/// The fields a pane showing `kind` (`None`: All) filters on: its columns with text, and the
/// ones every row has.
pub fn fields_of(kind: Option<Kind>) -> Vec<&'static str> {
    let mut names: Vec<&str> = vec!["ws", "kind", "owner", "state"];
    for c in columns::columns_of(kind).iter().filter(|c| c.is_text()) {
        if !names.contains(&c.name()) && *c != Column::Workspace {
            names.push(c.name());
        }
    }
    names
}

/// Read a filter line for the pane showing `kind`. An empty line (or only `!`) is no terms.
pub fn parse(line: &str, kind: Option<Kind>) -> Result<Vec<Term>, QueryError> {
    let mut terms = Vec::new();
    for (word, quoted) in words(line)? {
        let (negated, rest) = match word.strip_prefix('!') {
            Some(rest) if !quoted || !rest.is_empty() => (true, rest),
            _ => (false, word.as_str()),
        };
        if rest.is_empty() {
            continue;
        }
        let test = if quoted { Test::Anywhere(Matcher::substring(rest)) } else { term(rest, kind)? };
        terms.push(Term { negated, test });
    }
    Ok(terms)
}

fn term(text: &str, kind: Option<Kind>) -> Result<Test, QueryError> {
    if let Some((field, sep, value)) = field_term(text) {
        let valid = fields_of(kind);
        let column = match Column::parse(field) {
            Some(c) if !c.is_text() => return Err(QueryError::NotText { field: c.name() }),
            Some(c) if c == Column::Workspace || valid.contains(&c.name()) => c,
            _ => return Err(QueryError::UnknownField { field: field.to_string(), valid: valid.join(", ") }),
        };
        if value.is_empty() {
            return Err(QueryError::Empty { term: text.to_string(), sep });
        }
        return Ok(match (column, sep, value.to_lowercase().as_str()) {
            (Column::Owner, ':', "me") => Test::Me,
            (Column::State, ':', "active") => Test::Group(StateGroup::Active),
            (Column::State, ':', "terminal" | "ended" | "finished" | "done") => {
                Test::Group(StateGroup::Terminal)
            }
            (_, ':', _) => Test::Field(column, Matcher::substring(value)),
            _ => Test::Field(column, Matcher::Regex(regex(value, text)?)),
        });
    }
    let (forced, pattern) = match text.strip_prefix('~') {
        Some(p) => (true, p),
        None => (false, text),
    };
    if forced && pattern.is_empty() {
        return Err(QueryError::Empty { term: text.to_string(), sep: '~' });
    }
    Ok(Test::Anywhere(if forced || pattern.contains(META) {
        Matcher::Regex(regex(pattern, text)?)
    } else {
        Matcher::substring(pattern)
    }))
}

/// `field:value` or `field~re`: a word of letters (`_`, `-` too) before the first `:` or `~`.
fn field_term(text: &str) -> Option<(&str, char, &str)> {
    let at = text.find([':', '~'])?;
    let field = &text[..at];
    let starts_with_letter = field.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if !starts_with_letter || !field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return None;
    }
    let sep = text[at..].chars().next()?;
    Some((field, sep, &text[at + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Term {
        match parse(text, Some(Kind::Run)).as_deref() {
            Ok([t]) => t.clone(),
            other => panic!("{text:?} should be one term, got {other:?}"),
        }
    }

    fn err(text: &str, kind: Option<Kind>) -> String {
        parse(text, kind).err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn every_form_reads() {
        assert!(matches!(one("etl").test, Test::Anywhere(ref m) if m.needle() == Some(b"etl")));
        assert!(matches!(one("ETL.*").test, Test::Anywhere(Matcher::Regex(_))));
        assert!(matches!(one("~etl").test, Test::Anywhere(Matcher::Regex(_))));
        assert!(
            matches!(one("state:FAILED").test, Test::Field(Column::State, ref m) if m.needle() == Some(b"failed"))
        );
        assert!(matches!(one("name~^etl").test, Test::Field(Column::Name, Matcher::Regex(_))));
        assert!(matches!(one("ws:prod").test, Test::Field(Column::Workspace, _)));
        assert!(matches!(one("owner:me").test, Test::Me));
        assert!(matches!(one("owner:ME").test, Test::Me));
        assert!(
            matches!(one("owner~me").test, Test::Field(Column::Owner, Matcher::Regex(_))),
            "a regex is text"
        );
        assert!(matches!(one("state:active").test, Test::Group(StateGroup::Active)));
        assert!(matches!(one("state:terminal").test, Test::Group(StateGroup::Terminal)));
        assert!(one("!state:failed").negated);
        assert!(
            matches!(one("name:a.b").test, Test::Field(_, ref m) if m.needle() == Some(b"a.b")),
            "literal"
        );
        assert!(
            matches!(one("\"nightly etl\"").test, Test::Anywhere(ref m) if m.needle() == Some(b"nightly etl"))
        );
        assert!(matches!(one("\"ws:x\"").test, Test::Anywhere(_)), "a quoted word is plain text");
        assert!(matches!(one("12:03").test, Test::Anywhere(_)), "a time is no field");
        assert_eq!(parse("state:failed owner:me ws:prod name~etl", Some(Kind::Run)).map(|t| t.len()), Ok(4));
        assert!(parse("", None).is_ok_and(|t| t.is_empty()));
        assert!(parse("  !  ", None).is_ok_and(|t| t.is_empty()));
    }

    #[test]
    fn errors_say_what_and_what_would_do() {
        assert_eq!(
            err("colour:red", Some(Kind::Session)),
            "unknown field \"colour\": use ws, kind, owner, state, name, id, started, lakehouse (or quote the word: \"colour:…\")"
        );
        assert!(
            err("workers:4", Some(Kind::Session)).starts_with("unknown field \"workers\""),
            "not a session column"
        );
        assert!(parse("workers:4", Some(Kind::Cluster)).is_ok());
        assert!(err("name~a(b", None).starts_with("invalid regex in \"name~a(b\": unclosed group"));
        assert!(err("a(b", None).starts_with("invalid regex in \"a(b\""));
        assert_eq!(err("state:", None), "\"state:\": nothing after the ':'");
        assert_eq!(err("\"open", None), "a \" is not closed");
        assert!(err("duration:5m", None).starts_with("duration shows no text"));
    }

    #[test]
    fn typing_on_narrows_and_widening_is_seen() {
        let t = |s: &str| one(s);
        assert!(t("state:fa").narrows(&t("state:f")));
        assert!(t("etl").narrows(&t("et")));
        assert!(!t("et").narrows(&t("etl")));
        assert!(!t("!etl").narrows(&t("!et")), "a negated word keeps more as it grows");
        assert!(t("!etl").narrows(&t("!etl")));
        assert!(!t("name:etl").narrows(&t("owner:etl")));
        assert!(!t("^etl").narrows(&t("^et")), "a regex is never assumed to narrow");
        assert!(t("owner:me").narrows(&t("owner:me")));
    }
}
