//! Colouring of pretty-printed JSON, one line at a time (only the lines on screen are coloured).

use ratatui::text::{Line, Span};

use super::theme::Theme;

/// Split one line of `serde_json::to_string_pretty` output into coloured spans: object keys,
/// strings, numbers, literals (`true`/`false`/`null`) and punctuation.
pub fn line<'a>(text: &'a str, theme: &Theme) -> Line<'a> {
    let mut spans = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                let is_key = text[i..].trim_start().starts_with(':');
                let style = if is_key { theme.json_key } else { theme.json_string };
                spans.push(Span::styled(&text[start..i], style));
            }
            b'-' | b'0'..=b'9' => {
                while i < bytes.len() && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                spans.push(Span::styled(&text[start..i], theme.json_number));
            }
            b't' | b'f' | b'n' => {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                spans.push(Span::styled(&text[start..i], theme.json_literal));
            }
            b' ' => {
                while i < bytes.len() && bytes[i] == b' ' {
                    i += 1;
                }
                spans.push(Span::raw(&text[start..i]));
            }
            _ => {
                // Punctuation, or anything unexpected: one char at a time, kept intact.
                let width = text[i..].chars().next().map_or(1, char::len_utf8);
                i += width;
                spans.push(Span::styled(&text[start..i], theme.json_punctuation));
            }
        }
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_strings_numbers_and_literals_get_their_colours() {
        let theme = Theme::dark();
        let l = line(r#"  "state": "RUNNING", "n": -1.5e3, "ok": true, "x": null"#, &theme);
        let styled: Vec<(&str, ratatui::style::Style)> =
            l.spans.iter().map(|s| (s.content.as_ref(), s.style)).collect();
        assert!(styled.contains(&("\"state\"", theme.json_key)));
        assert!(styled.contains(&("\"RUNNING\"", theme.json_string)));
        assert!(styled.contains(&("-1.5e3", theme.json_number)));
        assert!(styled.contains(&("true", theme.json_literal)));
        assert!(styled.contains(&("null", theme.json_literal)));
        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, r#"  "state": "RUNNING", "n": -1.5e3, "ok": true, "x": null"#);
    }

    #[test]
    fn escaped_quotes_and_unicode_stay_inside_strings() {
        let theme = Theme::dark();
        let src = r#""msg": "say \"hi\" – ok","#;
        let l = line(src, &theme);
        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, src);
        let string = l.spans.iter().find(|s| s.style == theme.json_string).map(|s| s.content.as_ref());
        assert_eq!(string, Some(r#""say \"hi\" – ok""#));
    }
}
