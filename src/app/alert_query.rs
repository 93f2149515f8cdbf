//! The `when` of an alert: the field filter syntax of `/` (`state:failed ws:prod kind:run
//! name~etl !owner:bot`), terms ANDed. `field:value` is a case-insensitive substring (for
//! `state`, a unified status or group — `failed`, `active`, `ended` — or the service's own word;
//! for `kind`, session/batch/cluster/run), `field~re` a regular expression, `!` negates a term,
//! a bare word is searched in the whole row.
//!
//! A minimal parser of that syntax kept to one function with one `matches`, so that it can give
//! way to the "filters" query (`app/filter.rs`) when that lands; the accepted forms are the same.

use regex::{Regex, RegexBuilder};

use crate::domain::{Kind, Resource, Status};

use super::store::Entry;

/// The fields a term can name.
pub const FIELDS: &[&str] = &["ws", "kind", "state", "name", "id", "owner"];

#[derive(Debug, Clone)]
pub struct Query {
    terms: Vec<Term>,
}

#[derive(Debug, Clone)]
struct Term {
    field: Option<Field>,
    test: Test,
    negated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Ws,
    Kind,
    State,
    Name,
    Id,
    Owner,
}

#[derive(Debug, Clone)]
enum Test {
    /// Lower-cased needle.
    Contains(String),
    Regex(Regex),
}

impl Query {
    /// Parse `text`; the error says which term is wrong and what would be right.
    pub fn parse(text: &str) -> Result<Query, String> {
        let mut terms = Vec::new();
        for word in text.split_whitespace() {
            let (negated, word) = match word.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, word),
            };
            let split = word.find([':', '~']).map(|i| (&word[..i], &word[i..i + 1], &word[i + 1..]));
            let (field, op, value) = match split {
                Some((name, op, value)) if !name.is_empty() => (Some(field(name)?), op, value),
                _ => (None, ":", word),
            };
            if value.is_empty() {
                return Err(format!("`{word}` has no value: write it as field:value, e.g. state:failed"));
            }
            let test = if op == "~" {
                let re = RegexBuilder::new(value).case_insensitive(true).size_limit(1 << 20).build();
                Test::Regex(re.map_err(|e| format!("`{word}`: invalid regex ({})", one_line(&e)))?)
            } else {
                check_value(field, value)?;
                Test::Contains(value.to_lowercase())
            };
            terms.push(Term { field, test, negated });
        }
        if terms.is_empty() {
            return Err(
                "an empty filter would match everything: e.g. \"state:failed ws:prod kind:run\"".into()
            );
        }
        Ok(Query { terms })
    }

    /// Whether the row meets every term.
    pub fn matches(&self, e: &Entry) -> bool {
        self.terms.iter().all(|t| t.matches(e) != t.negated)
    }
}

fn field(name: &str) -> Result<Field, String> {
    Ok(match name.to_lowercase().as_str() {
        "ws" | "workspace" => Field::Ws,
        "kind" => Field::Kind,
        "state" | "status" => Field::State,
        "name" => Field::Name,
        "id" => Field::Id,
        "owner" | "user" => Field::Owner,
        _ => return Err(format!("unknown field `{name}`: valid fields are {}", FIELDS.join(", "))),
    })
}

/// Values that cannot match anything are said now, not found out by an alert that never fires.
fn check_value(field: Option<Field>, value: &str) -> Result<(), String> {
    match field {
        Some(Field::Kind) if kind(value).is_none() => {
            Err(format!("kind:{value}: a kind is session, batch, cluster, run or job"))
        }
        Some(Field::Owner) if value.eq_ignore_ascii_case("me") => {
            Err("owner:me needs the signed-in identity, which alerts do not read: write the owner's name"
                .into())
        }
        _ => Ok(()),
    }
}

fn kind(value: &str) -> Option<Kind> {
    Kind::ALL
        .into_iter()
        .find(|k| value.eq_ignore_ascii_case(k.singular()) || value.eq_ignore_ascii_case(k.plural()))
}

fn one_line(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(&text)
        .trim()
        .trim_start_matches("error:")
        .trim()
        .into()
}

impl Term {
    fn matches(&self, e: &Entry) -> bool {
        let r = &e.res;
        match (&self.field, &self.test) {
            (None, test) => test.hit(&e.haystack),
            (Some(Field::Kind), Test::Contains(v)) => kind(v) == Some(r.kind),
            (Some(Field::State), Test::Contains(v)) => state_is(r, v),
            (Some(f), test) => match f {
                Field::Ws => test.hit(&r.workspace),
                Field::Name => test.hit(&r.name),
                Field::Id => test.hit(&r.id),
                Field::Owner => r.owner.as_deref().is_some_and(|o| test.hit(o)),
                Field::Kind => test.hit(r.kind.singular()),
                Field::State => test.hit(&r.state_label()),
            },
        }
    }
}

impl Test {
    fn hit(&self, text: &str) -> bool {
        match self {
            Test::Contains(needle) => text.to_lowercase().contains(needle.as_str()),
            Test::Regex(re) => re.is_match(text),
        }
    }
}

/// `state:failed` (unified), `state:active` / `state:ended` (groups), or a word of the
/// service's own state (`state:TERMINATED`, a run's `FAILED`).
fn state_is(r: &Resource, wanted: &str) -> bool {
    match wanted {
        "active" => r.status.is_active(),
        "ended" | "finished" | "done" => r.status.is_terminal(),
        _ => match Status::parse(wanted) {
            Some(s) => r.status == s,
            None => r.state_label().to_lowercase().split([' ', '/']).any(|w| w == wanted),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        Query::parse(text).err().unwrap_or_default()
    }

    #[test]
    fn every_form_parses_and_mistakes_are_said() {
        for ok in ["state:failed", "ws:prod kind:run", "name~^etl", "!owner:bot etl", "kind:runs"] {
            assert!(Query::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            err("stat:failed"),
            "unknown field `stat`: valid fields are ws, kind, state, name, id, owner"
        );
        assert!(err("kind:jib").contains("session, batch, cluster, run or job"));
        assert!(err("name~(").starts_with("`name~(`: invalid regex"));
        assert!(err("state:").contains("has no value"));
        assert!(err("  ").contains("match everything"));
        assert!(err("owner:me").contains("signed-in identity"));
    }
}
