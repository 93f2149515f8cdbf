//! The JSON documents headless commands print: a row as its API object with ours added
//! ([`RowJson`]), whole lists streamed row by row, and every document with DEL and the C1
//! controls escaped so it is harmless on a terminal and still reads back the same.

use std::borrow::Cow;

use serde_json::Value;

use crate::domain::Resource;
use crate::raw_json::Node;

/// The JSON shape of one row: the API object with `workspace`, `id`, `name` and `state` added
/// where the API has no such key (`workspace` is always ours), plus the unified
/// `sparkdeck_status`. It borrows the row: serializing it copies nothing.
pub struct RowJson<'a>(pub &'a Resource);

impl RowJson<'_> {
    /// The row's entries in key order: the API's (a borrowed tree, see `Node`) and ours, which
    /// replace the API's of the same name, handed to `each`.
    fn entries<E>(&self, mut each: impl FnMut(&str, Entry<'_>) -> Result<(), E>) -> Result<(), E> {
        let r = self.0;
        let api: Vec<(Cow<'_, str>, Node<'_>)> = match r.raw.node() {
            Node::Object(entries) => entries,
            Node::Null => Vec::new(),
            other => vec![(Cow::Borrowed("object"), other)],
        };
        let has = |key: &str| api.binary_search_by(|(k, _)| k.as_ref().cmp(key)).is_ok();
        let status = r.status.to_string();
        // `state` is an object in Databricks runs ({life_cycle_state, ...}): the API's wins there.
        let ours = [
            ("workspace", r.workspace.as_str(), true),
            ("id", r.id.as_str(), false),
            ("name", r.name.as_str(), false),
            ("state", r.raw_state.as_str(), false),
            ("sparkdeck_status", status.as_str(), false),
        ];
        let mut added: Vec<(&str, &str)> = ours
            .iter()
            .filter(|(key, _, replaces)| *replaces || !has(key))
            .map(|(key, value, _)| (*key, *value))
            .collect();
        added.sort_unstable();
        let mut ours = added.iter().peekable();
        for (key, value) in api.iter().filter(|(k, _)| !added.iter().any(|(a, _)| a == k)) {
            while let Some((k, v)) = ours.next_if(|(k, _)| *k < key.as_ref()) {
                each(k, Entry::Ours(v))?;
            }
            each(key, Entry::Api(value))?;
        }
        ours.try_for_each(|(k, v)| each(k, Entry::Ours(v)))
    }

    /// The row as compact JSON text, exactly as `serde_json::to_string` writes it (a test
    /// holds the two equal), written straight (see `Node::write_compact`): what `-o json`
    /// keeps of each row until it prints.
    pub fn compact(&self) -> String {
        let mut out = Vec::with_capacity(self.0.raw.text_len() + 160);
        out.push(b'{');
        let _ = self.entries::<std::convert::Infallible>(|key, value| {
            if out.len() > 1 {
                out.push(b',');
            }
            crate::raw_json::write_str(key, &mut out);
            out.push(b':');
            match value {
                Entry::Api(node) => node.write_compact(&mut out),
                Entry::Ours(text) => crate::raw_json::write_str(text, &mut out),
            }
            Ok(())
        });
        out.push(b'}');
        // Only whole UTF-8 strings and ASCII were written.
        String::from_utf8(out).unwrap_or_default()
    }
}

enum Entry<'a> {
    Api(&'a Node<'a>),
    Ours(&'a str),
}

impl serde::Serialize for RowJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        self.entries(|key, value| match value {
            Entry::Api(node) => map.serialize_entry(key, node),
            Entry::Ours(text) => map.serialize_entry(key, text),
        })?;
        map.end()
    }
}

/// One row's JSON as a value (tests and callers that edit it).
pub fn row_json(r: &Resource) -> Value {
    serde_json::to_value(RowJson(r)).unwrap_or(Value::Null)
}

/// All rows as one pretty-printed JSON array, written to `out` row by row (no document is
/// built first: 10k clusters print in the memory of the rows themselves).
pub fn write_json(rows: &[Resource], out: &mut impl std::io::Write) -> std::io::Result<()> {
    struct All<'a>(&'a [Resource]);
    impl serde::Serialize for All<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().map(RowJson))
        }
    }
    let mut escaped = EscapeC1::new(&mut *out);
    serde_json::to_writer_pretty(&mut escaped, &All(rows))?;
    escaped.finish()?.write_all(b"\n")
}

/// Rows kept as compact JSON text (see [`RowJson`]), written as one pretty-printed array
/// exactly as [`write_json`] writes them, each re-indented as it is written (never parsed
/// again) and written in one piece.
pub fn write_json_texts<'a>(
    rows: impl Iterator<Item = &'a str> + Clone,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    use std::io::Write;
    let mut escaped = EscapeC1::new(&mut *out);
    let mut piece = Vec::with_capacity(4096);
    let mut any = false;
    for row in rows {
        piece.clear();
        piece.extend_from_slice(if any { b",\n  " } else { b"[\n  " });
        indent_compact(row, 1, &mut piece);
        escaped.write_all(&piece)?;
        any = true;
    }
    escaped.write_all(if any { b"\n]" } else { b"[]" })?;
    escaped.finish()?.write_all(b"\n")
}

/// `compact` (JSON as `serde_json::to_string` writes it: no space outside strings) laid out
/// as `serde_json::to_writer_pretty` would at nesting `depth`. Hand-written because it is a
/// byte walk over text we wrote ourselves, where parsing it into a tree again to print it was
/// a fifth of a 10k-row listing's time. Strings (most of the bytes) are copied whole, found
/// with `memchr`: a byte-at-a-time walk was an eighth of the listing.
fn indent_compact(compact: &str, depth: usize, out: &mut Vec<u8>) {
    const SPACES: &[u8] = &[b' '; 64];
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        let mut left = 2 * depth;
        while left > 0 {
            let n = left.min(SPACES.len());
            out.extend_from_slice(&SPACES[..n]);
            left -= n;
        }
    };
    let bytes = compact.as_bytes();
    out.reserve(bytes.len() + bytes.len() / 2);
    let mut depth = depth;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                // To the closing quote: the first `"` not escaped by a `\`.
                let mut end = i + 1;
                while end < bytes.len() {
                    match memchr::memchr2(b'"', b'\\', &bytes[end..]) {
                        Some(at) if bytes[end + at] == b'\\' => end += at + 2,
                        Some(at) => {
                            end += at;
                            break;
                        }
                        None => end = bytes.len(),
                    }
                }
                let end = (end + 1).min(bytes.len());
                out.extend_from_slice(&bytes[i..end]);
                i = end;
                continue;
            }
            b'{' | b'[' => {
                out.push(b);
                // An empty container stays "{}" / "[]".
                if matches!(bytes.get(i + 1), Some(b'}' | b']')) {
                    out.push(bytes[i + 1]);
                    i += 1;
                } else {
                    depth += 1;
                    newline(out, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(out, depth);
                out.push(b);
            }
            b',' => {
                out.push(b);
                newline(out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            _ => out.push(b),
        }
        i += 1;
    }
}

/// Rows kept as compact JSON text, serialized (in any format) as one sequence of their values.
pub struct JsonTexts<I>(pub I);

impl<'a, I: Iterator<Item = &'a str> + Clone> serde::Serialize for JsonTexts<I> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Text<'a>(&'a str);
        impl serde::Serialize for Text<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let value: Value = serde_json::from_str(self.0).map_err(serde::ser::Error::custom)?;
                value.serialize(s)
            }
        }
        s.collect_seq(self.0.clone().map(Text))
    }
}

/// All rows as one JSON array, pretty-printed.
pub fn json(rows: &[Resource]) -> String {
    let mut out = Vec::new();
    let _ = write_json(rows, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// A JSON document, pretty-printed, as every `-o json` prints it: the values exactly, with DEL
/// and the C1 controls (U+007F–U+009F: `U+009B` is a CSI to many terminals) written as `\u00XX`
/// escapes — serde_json escapes only C0 — so the document is the same and still harmless on a
/// terminal. (In JSON text such characters can only sit inside strings.)
pub fn json_text(doc: &impl serde::Serialize) -> String {
    escape_c1(serde_json::to_string_pretty(doc).unwrap_or_default())
}

/// Serialized JSON with DEL and C1 controls escaped (see [`json_text`]).
pub fn escape_c1(text: String) -> String {
    if !text.chars().any(|c| ('\u{7f}'..='\u{9f}').contains(&c)) {
        return text;
    }
    text.chars()
        .map(|c| match c {
            '\u{7f}'..='\u{9f}' => format!("\\u{:04x}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

/// Writes what it is given with DEL and the C1 controls escaped as [`escape_c1`] does, as the
/// JSON streams through (a C1 control is the UTF-8 pair C2 80–9F, which may be split between
/// two writes).
pub struct EscapeC1<W: std::io::Write> {
    out: W,
    /// The last write ended with a C2 byte not yet written.
    lead: bool,
}

impl<W: std::io::Write> EscapeC1<W> {
    pub fn new(out: W) -> Self {
        EscapeC1 { out, lead: false }
    }

    /// Write what is pending and return the writer.
    pub fn finish(mut self) -> std::io::Result<W> {
        if std::mem::take(&mut self.lead) {
            self.out.write_all(&[0xc2])?;
        }
        Ok(self.out)
    }
}

impl<W: std::io::Write> std::io::Write for EscapeC1<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut start = 0;
        if std::mem::take(&mut self.lead) {
            match buf.first() {
                Some(&b) if (0x80..=0x9f).contains(&b) => {
                    write!(self.out, "\\u{b:04x}")?;
                    start = 1;
                }
                Some(_) => self.out.write_all(&[0xc2])?,
                None => self.lead = true,
            }
        }
        // Only DEL and C2 (the lead byte of U+0080–U+00BF) need a look; `memchr` finds them.
        while let Some(at) = memchr::memchr2(0x7f, 0xc2, &buf[start..]) {
            let i = start + at;
            self.out.write_all(&buf[start..i])?;
            start = i + 1;
            if buf[i] == 0x7f {
                self.out.write_all(b"\\u007f")?;
            } else {
                match buf.get(i + 1) {
                    Some(&b) if (0x80..=0x9f).contains(&b) => {
                        write!(self.out, "\\u{b:04x}")?;
                        start = i + 2;
                    }
                    Some(_) => self.out.write_all(&[0xc2])?,
                    None => self.lead = true,
                }
            }
        }
        self.out.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_rows_are_laid_out_as_the_pretty_printer_does() {
        let rows = [
            serde_json::json!({"a": 1, "b": [1, 2, {"c": "x,y:[z]{\"q\"}\\"}], "e": {}, "f": [], "g": null}),
            serde_json::json!({"name": "数据 \u{0085}", "nested": {"deep": [[], [{}], [true, false]]}}),
        ];
        let texts: Vec<String> = rows.iter().map(|r| serde_json::to_string(r).unwrap_or_default()).collect();
        let mut ours = Vec::new();
        write_json_texts(texts.iter().map(String::as_str), &mut ours).unwrap_or_else(|e| panic!("{e}"));
        let mut theirs = EscapeC1::new(Vec::new());
        serde_json::to_writer_pretty(&mut theirs, &rows).unwrap_or_else(|e| panic!("{e}"));
        let mut theirs = theirs.finish().unwrap_or_else(|e| panic!("{e}"));
        theirs.push(b'\n');
        assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs));
        let mut empty = Vec::new();
        write_json_texts(std::iter::empty(), &mut empty).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(empty, b"[]\n");
    }

    #[test]
    fn json_text_escapes_c1_and_del_but_reads_back_the_same() {
        let doc = serde_json::json!({"name": "a\u{9b}2J\u{7f}b\u{1b}c", "n": 1});
        let text = json_text(&doc);
        assert!(text.chars().all(|c| c == '\n' || !c.is_control()), "{text:?}");
        assert!(text.contains("a\\u009b2J\\u007fb\\u001bc"), "{text}");
        assert_eq!(serde_json::from_str::<Value>(&text).ok(), Some(doc));
    }
}
