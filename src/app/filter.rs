//! The `/` filter of a pane: its terms (`filter_query` reads them) tested against a row.
//!
//! Speed: every row carries its lower-cased search text (`Entry::haystack`, one field per
//! line) made when it arrived, so a keystroke lower-cases nothing but the needle; a plain
//! substring is one SIMD searcher built per keystroke (memchr's `memmem`); a keystroke that
//! extends the line (`narrows`) tests only the rows shown.

use super::filter_query::{self, Matcher, QueryError, StateGroup, Term, Test};
use super::store::{Entry, Me};
use crate::domain::Kind;

#[derive(Debug, Clone)]
pub struct Filter {
    /// The text as typed, for display.
    pub text: String,
    terms: Vec<Term>,
}

impl Filter {
    /// The filter of a pane showing `kind` (`None`: All); `Ok(None)` for an empty filter (show
    /// everything).
    pub fn parse(text: &str, kind: Option<Kind>) -> Result<Option<Filter>, QueryError> {
        let terms = filter_query::parse(text, kind)?;
        Ok((!terms.is_empty()).then(|| Filter { text: text.to_string(), terms }))
    }

    /// Whether row `e` passes every term; `me` is who is signed in to its workspace.
    pub fn matches(&self, e: &Entry, me: &Me) -> bool {
        self.terms.iter().all(|t| test(&t.test, e, me) != t.negated)
    }

    /// Whether every row this filter keeps is also kept by `previous` (the line typed on: each
    /// old term extended, new terms added), so only the rows `previous` kept need testing.
    pub fn narrows(&self, previous: &Filter) -> bool {
        self.terms.len() >= previous.terms.len()
            && self.terms.iter().zip(&previous.terms).all(|(new, old)| new.narrows(old))
    }

    /// Whether a term asks for the signed-in identity (`owner:me`).
    pub fn uses_me(&self) -> bool {
        self.terms.iter().any(|t| matches!(t.test, Test::Me))
    }

    /// Whether a term is a regular expression (the title says "regex").
    pub fn is_regex(&self) -> bool {
        self.terms
            .iter()
            .any(|t| matches!(t.test, Test::Anywhere(Matcher::Regex(_)) | Test::Field(_, Matcher::Regex(_))))
    }
}

fn test(test: &Test, e: &Entry, me: &Me) -> bool {
    match test {
        Test::Anywhere(m) => m.is_match(&e.haystack),
        Test::Field(column, m) => e.field(*column).is_some_and(|text| m.is_match(text)),
        Test::Group(StateGroup::Active) => e.res.status.is_active(),
        Test::Group(StateGroup::Terminal) => e.res.status.is_terminal(),
        Test::Me => is_mine(e, me),
    }
}

/// Whether `e` belongs to the signed-in identity `me` of its workspace (never, while who that
/// is is not known: the pane says so).
pub fn is_mine(e: &Entry, me: &Me) -> bool {
    match (me, e.lower_owner()) {
        (Me::Known(names), Some(owner)) => names.iter().any(|n| n == owner),
        _ => false,
    }
}
