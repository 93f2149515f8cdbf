//! The `/` filter of a pane.
//!
//! Rule (shown in `?` help):
//! - a leading `!` inverts the filter (keeps rows that do NOT match);
//! - then a leading `~` forces a regular expression;
//! - otherwise the text is a regular expression when it contains a regex metacharacter
//!   (`^ $ . * + ? ( ) [ ] { } | \`), and a plain substring when it does not; a regular
//!   expression that does not parse is an error (shown), never silently a substring;
//! - matching is case-insensitive and looks at workspace, kind, name, id, state (raw and
//!   unified), owner and the per-kind columns, each on its own: `^` and `$` anchor to a field.

use regex::{Regex, RegexBuilder};

const META: &[char] = &['^', '$', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '\\'];

#[derive(Debug, Clone)]
pub struct Filter {
    /// The text as typed, for display.
    pub text: String,
    matcher: Matcher,
    inverted: bool,
}

#[derive(Debug, Clone)]
enum Matcher {
    /// Lower-cased needle; haystacks are lower-cased when rows arrive.
    Substring(String),
    Regex(Regex),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid regex: {0} (a \\ before a metacharacter matches it as text)")]
pub struct FilterError(String);

/// The regex crate's reason in one line (its message also draws the pattern with a caret).
fn reason(e: &regex::Error) -> String {
    let text = e.to_string();
    let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(&text);
    last.trim().trim_start_matches("error:").trim().to_string()
}

impl Filter {
    /// `Ok(None)` for an empty filter (show everything).
    pub fn parse(text: &str) -> Result<Option<Filter>, FilterError> {
        let (inverted, rest) = match text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (forced, pattern) = match rest.strip_prefix('~') {
            Some(p) => (true, p),
            None => (false, rest),
        };
        if pattern.is_empty() {
            return Ok(None);
        }
        let compiled =
            RegexBuilder::new(pattern).case_insensitive(true).multi_line(true).size_limit(1 << 20).build();
        let matcher = match compiled {
            Ok(re) if forced || pattern.contains(META) => Matcher::Regex(re),
            Err(e) if forced || pattern.contains(META) => return Err(FilterError(reason(&e))),
            _ => Matcher::Substring(pattern.to_lowercase()),
        };
        Ok(Some(Filter { text: text.to_string(), matcher, inverted }))
    }

    /// `haystack` must be the row's lower-cased search text, one field per line.
    pub fn matches(&self, haystack: &str) -> bool {
        let hit = match &self.matcher {
            Matcher::Substring(needle) => haystack.contains(needle.as_str()),
            Matcher::Regex(re) => re.is_match(haystack),
        };
        hit != self.inverted
    }

    /// Whether every row this filter keeps is also kept by `previous` (typing on extends a
    /// plain substring), so only the rows `previous` kept need testing.
    pub fn narrows(&self, previous: &Filter) -> bool {
        match (&self.matcher, &previous.matcher) {
            (Matcher::Substring(new), Matcher::Substring(old)) => {
                !self.inverted && !previous.inverted && new.contains(old.as_str())
            }
            _ => false,
        }
    }

    pub fn is_regex(&self) -> bool {
        matches!(self.matcher, Matcher::Regex(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Filter {
        match Filter::parse(text) {
            Ok(Some(f)) => f,
            other => panic!("{text:?} should parse to a filter, got {other:?}"),
        }
    }

    #[test]
    fn plain_text_is_a_case_insensitive_substring() {
        let f = parse("ETL");
        assert!(!f.is_regex());
        assert!(f.matches("nightly etl job"));
        assert!(!f.matches("adhoc"));
    }

    #[test]
    fn metacharacters_make_a_regex_and_bad_ones_are_said() {
        let f = parse("^night.*job$");
        assert!(f.is_regex());
        assert!(f.matches("adb-prod\nnightly etl job"), "anchors apply per field");
        let err = Filter::parse("a(b").err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(err, "invalid regex: unclosed group (a \\ before a metacharacter matches it as text)");
        assert!(parse("a\\(b").matches("xa(by"), "escaped, it is text");
    }

    #[test]
    fn tilde_forces_a_regex_and_reports_errors() {
        assert!(parse("~etl").is_regex());
        assert!(Filter::parse("~a(b").is_err());
    }

    #[test]
    fn bang_inverts() {
        let f = parse("!etl");
        assert!(!f.matches("nightly etl job"));
        assert!(f.matches("adhoc"));
        assert!(parse("!~^ad").matches("nightly"));
    }

    #[test]
    fn only_a_longer_plain_substring_narrows() {
        assert!(parse("etl").narrows(&parse("et")));
        assert!(parse("etl").narrows(&parse("etl")));
        assert!(!parse("et").narrows(&parse("etl")));
        assert!(!parse("!etl").narrows(&parse("!et")), "inverted filters widen as they grow");
        assert!(!parse("^etl").narrows(&parse("etl")), "a regex is never assumed to narrow");
    }

    #[test]
    fn empty_filters_show_everything() {
        assert!(matches!(Filter::parse(""), Ok(None)));
        assert!(matches!(Filter::parse("!"), Ok(None)));
    }
}
