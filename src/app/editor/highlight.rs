//! Syntax highlighting of a tab's text, cached per line, and bracket matching.
//!
//! syntect (pure-Rust `fancy-regex` backend, Sublime grammars bundled for Python, Scala, SQL and
//! R) was chosen over tree-sitter-highlight, whose grammars are C compiled per language (slow on
//! 2 cores, ABI-pinned crates), and over an editor widget with highlighting built in (edtui),
//! which would replace the ratatui-textarea editing, undo and selection the editor has. Only the
//! grammars' parsing is used (no themes): scopes become a few token classes the UI colours from
//! its own theme.
//!
//! Each line keeps its text, the parser state before it, and its spans. After an edit, lines are
//! parsed again from the first changed one until the parser state before a line equals the cached
//! one (the rest is unchanged), and never past the last line that can be on screen — so a
//! keystroke in a 2,000-line buffer parses a line or two. Lines over `MAX_LINE` bytes stay plain.

use std::sync::OnceLock;

use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};

use crate::domain::statement::Language;

/// What a piece of code is, for colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Comment,
    String,
    Number,
    /// `True`, `NULL`, `null`.
    Constant,
    Keyword,
    Operator,
    Function,
    Type,
}

/// A classified piece of a line: byte range and class.
pub type Span = (std::ops::Range<usize>, Class);

#[derive(Debug, Clone)]
struct Line {
    text: String,
    before: (ParseState, ScopeStack),
    spans: Vec<Span>,
}

/// A tab's highlighted lines.
#[derive(Debug, Clone, Default)]
pub struct Highlight {
    language: Option<Language>,
    lines: Vec<Line>,
}

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_nonewlines)
}

fn syntax(language: Language) -> Option<&'static SyntaxReference> {
    let name = match language {
        Language::PySpark => "Python",
        Language::Scala => "Scala",
        Language::Sql => "SQL",
        Language::R => "R",
    };
    syntaxes().find_syntax_by_name(name)
}

/// Scope prefixes to classes, most specific first (`keyword.operator` before `keyword`).
fn classes() -> &'static [(Scope, Class)] {
    static CLASSES: OnceLock<Vec<(Scope, Class)>> = OnceLock::new();
    CLASSES.get_or_init(|| {
        [
            ("comment", Class::Comment),
            ("string", Class::String),
            ("constant.numeric", Class::Number),
            ("constant.language", Class::Constant),
            ("constant.character", Class::String),
            ("keyword.operator", Class::Operator),
            ("keyword", Class::Keyword),
            // `def`, `val`, `function` are storage.type in these grammars: keywords to a reader.
            ("storage", Class::Keyword),
            ("entity.name.function", Class::Function),
            ("support.function", Class::Function),
            ("variable.function", Class::Function),
            ("meta.function-call.generic", Class::Function),
            ("entity.name.type", Class::Type),
            ("entity.name.class", Class::Type),
            ("support.type", Class::Type),
            ("support.class", Class::Type),
        ]
        .iter()
        .filter_map(|(name, class)| Scope::new(name).ok().map(|s| (s, *class)))
        .collect()
    })
}

fn classify(stack: &ScopeStack) -> Option<Class> {
    stack.as_slice().iter().rev().find_map(|scope| {
        classes().iter().find(|(prefix, _)| prefix.is_prefix_of(*scope)).map(|(_, class)| *class)
    })
}

impl Highlight {
    /// Bring the cache up to date with `lines` in `language`, as far as line `upto` (exclusive).
    pub fn refresh(&mut self, lines: &[String], language: Language, upto: usize) {
        let Some(syntax) = syntax(language) else { return };
        if self.language != Some(language) {
            self.language = Some(language);
            self.lines.clear();
        }
        let upto = upto.min(lines.len());
        let first_changed =
            (0..upto).find(|&i| self.lines.get(i).is_none_or(|l| l.text != lines[i])).unwrap_or(upto);
        if first_changed == upto {
            return;
        }
        let mut state = match self.lines.get(first_changed) {
            Some(line) => line.before.clone(),
            None => match self.lines.last() {
                // Past the cache: parse on from its end.
                Some(_) if first_changed > 0 => self.after(first_changed - 1, syntax),
                _ => (ParseState::new(syntax), ScopeStack::new()),
            },
        };
        for (i, text) in lines.iter().enumerate().take(upto).skip(first_changed) {
            if let Some(old) = self.lines.get(i)
                && i > first_changed
                && old.text == *text
                && old.before == state
            {
                // The parser is where it was before this line: the rest is as cached.
                return;
            }
            let before = state.clone();
            let spans = parse(text, &mut state);
            let line = Line { text: text.clone(), before, spans };
            match self.lines.get_mut(i) {
                Some(slot) => *slot = line,
                None => self.lines.push(line),
            }
        }
        self.lines.truncate(upto);
    }

    /// The parser state after cached line `i`.
    fn after(&self, i: usize, syntax: &SyntaxReference) -> (ParseState, ScopeStack) {
        let mut state = self
            .lines
            .get(i)
            .map_or_else(|| (ParseState::new(syntax), ScopeStack::new()), |l| l.before.clone());
        if let Some(line) = self.lines.get(i) {
            parse(&line.text, &mut state);
        }
        state
    }

    /// The spans of line `i`, when it is highlighted and still holds `text`.
    pub fn spans(&self, i: usize, text: &str) -> &[Span] {
        self.lines.get(i).filter(|l| l.text == text).map_or(&[], |l| l.spans.as_slice())
    }
}

/// Longer lines are shown plain (and leave the parser's state as it was): parsing costs about
/// a microsecond a character, so a pasted line of minified JSON would make every key on it lag.
const MAX_LINE: usize = 4000;

fn parse(text: &str, (parser, stack): &mut (ParseState, ScopeStack)) -> Vec<Span> {
    if text.len() > MAX_LINE {
        return Vec::new();
    }
    let Ok(ops) = parser.parse_line(text, syntaxes()) else { return Vec::new() };
    let mut spans: Vec<Span> = Vec::new();
    let mut at = 0;
    let mut emit = |from: usize, to: usize, stack: &ScopeStack| {
        if to <= from {
            return;
        }
        let Some(class) = classify(stack) else { return };
        match spans.last_mut() {
            Some((range, c)) if *c == class && range.end == from => range.end = to,
            _ => spans.push((from..to, class)),
        }
    };
    for (index, op) in ops {
        emit(at, index, stack);
        let _ = stack.apply(&op);
        at = index;
    }
    emit(at, text.len(), stack);
    spans
}

/// The bracket at (or just before) the cursor and its partner, as (row, char column) pairs.
/// Brackets inside quotes are counted too: good enough to see where a call or list ends.
pub fn matching_bracket(
    lines: &[String],
    (row, col): (usize, usize),
) -> Option<((usize, usize), (usize, usize))> {
    const MAX_SCAN: usize = 4000;
    let at = |r: usize, c: usize| lines.get(r).and_then(|l| l.chars().nth(c));
    let (r, c, ch) = match at(row, col) {
        Some(ch) if "()[]{}".contains(ch) => (row, col, ch),
        _ => match col.checked_sub(1).and_then(|c| at(row, c).map(|ch| (c, ch))) {
            Some((c, ch)) if "()[]{}".contains(ch) => (row, c, ch),
            _ => return None,
        },
    };
    let (open, close, forward) = match ch {
        '(' => ('(', ')', true),
        '[' => ('[', ']', true),
        '{' => ('{', '}', true),
        ')' => ('(', ')', false),
        ']' => ('[', ']', false),
        _ => ('{', '}', false),
    };
    let mut depth = 0usize;
    let rows: Box<dyn Iterator<Item = usize>> = if forward {
        Box::new(r..lines.len().min(r + MAX_SCAN))
    } else {
        Box::new((r.saturating_sub(MAX_SCAN)..=r).rev())
    };
    for y in rows {
        let chars: Vec<char> = lines[y].chars().collect();
        let cols: Box<dyn Iterator<Item = usize>> = match (forward, y == r) {
            (true, true) => Box::new(c..chars.len()),
            (true, false) => Box::new(0..chars.len()),
            (false, true) => Box::new((0..=c).rev()),
            (false, false) => Box::new((0..chars.len()).rev()),
        };
        for x in cols {
            let k = chars[x];
            if k == open || k == close {
                let opening = (k == open) == forward;
                if opening {
                    depth += 1;
                } else {
                    depth -= 1;
                    if depth == 0 {
                        return Some(((r, c), (y, x)));
                    }
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    fn class_of(h: &Highlight, lines: &[String], row: usize, word: &str) -> Option<Class> {
        let at = lines[row].find(word)?;
        h.spans(row, &lines[row]).iter().find(|(r, _)| r.contains(&at)).map(|(_, c)| *c)
    }

    #[test]
    fn each_language_gets_its_keywords_strings_numbers_and_comments() {
        let cases = [
            (Language::PySpark, "def f(x):\n    return 'a' + 42  # note", "def", "'a'", "42", "# note"),
            (Language::Scala, "val x = \"s\" + 42 // note", "val", "\"s\"", "42", "// note"),
            (Language::Sql, "SELECT 'a', 42 FROM t -- note", "SELECT", "'a'", "42", "-- note"),
            (Language::R, "x <- function(a) 'a' + 42 # note", "function", "'a'", "42", "# note"),
        ];
        for (language, text, keyword, string, number, comment) in cases {
            let text = lines(text);
            let mut h = Highlight::default();
            h.refresh(&text, language, text.len());
            let last = text.len() - 1;
            assert_eq!(class_of(&h, &text, 0, keyword), Some(Class::Keyword), "{language:?} {keyword}");
            assert_eq!(class_of(&h, &text, last, string), Some(Class::String), "{language:?} {string}");
            assert_eq!(class_of(&h, &text, last, number), Some(Class::Number), "{language:?} {number}");
            assert_eq!(class_of(&h, &text, last, comment), Some(Class::Comment), "{language:?} {comment}");
        }
    }

    #[test]
    fn an_edit_reparses_until_the_state_settles_and_a_string_opened_spreads() {
        let mut text = lines("x = 1\ny = \"\"\"\nz = 2\n\"\"\"\nw = 3");
        let mut h = Highlight::default();
        h.refresh(&text, Language::PySpark, text.len());
        assert_eq!(class_of(&h, &text, 2, "z"), Some(Class::String), "inside the triple-quoted string");
        assert_ne!(class_of(&h, &text, 4, "3"), Some(Class::String));
        // Close the string early: the lines after it change.
        text[1] = "y = \"\"\"\"\"\"".into();
        h.refresh(&text, Language::PySpark, text.len());
        assert_ne!(class_of(&h, &text, 2, "z"), Some(Class::String));
        // Only as far as asked: the rest is not highlighted yet.
        let mut h = Highlight::default();
        h.refresh(&text, Language::PySpark, 2);
        assert!(h.spans(3, &text[3]).is_empty());
    }

    #[test]
    fn a_very_long_line_is_shown_plain_and_the_lines_after_it_still_highlight() {
        let long = format!("x = '{}'", "a".repeat(MAX_LINE));
        let text = vec![long, "def f(): pass".to_string()];
        let mut h = Highlight::default();
        h.refresh(&text, Language::PySpark, text.len());
        assert!(h.spans(0, &text[0]).is_empty());
        assert_eq!(class_of(&h, &text, 1, "def"), Some(Class::Keyword));
    }

    #[test]
    fn brackets_match_across_lines_and_nesting() {
        let text = lines("f(a, [1, 2],\n  g(3))");
        assert_eq!(matching_bracket(&text, (0, 1)), Some(((0, 1), (1, 6))));
        assert_eq!(matching_bracket(&text, (0, 11)), Some(((0, 10), (0, 5))), "just after ]");
        assert_eq!(matching_bracket(&text, (1, 6)), Some(((1, 6), (0, 1))));
        assert_eq!(matching_bracket(&text, (1, 5)), Some(((1, 5), (1, 3))));
        assert_eq!(matching_bracket(&text, (0, 3)), None);
    }
}
