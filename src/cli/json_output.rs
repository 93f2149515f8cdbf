//! The JSON documents headless commands print: a row as its API object with ours added
//! ([`RowJson`]), whole lists streamed row by row, and every document with DEL and the C1
//! controls escaped so it is harmless on a terminal and still reads back the same.

use serde_json::{Map, Value};

use crate::domain::Resource;

/// The JSON shape of one row: the API object with `workspace`, `id`, `name` and `state` added
/// where the API has no such key (`workspace` is always ours), plus the unified
/// `sparkdeck_status`. It borrows the row: serializing it copies nothing.
pub struct RowJson<'a>(pub &'a Resource);

impl serde::Serialize for RowJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let r = self.0;
        let (wrapped, raw);
        raw = r.raw.read();
        let api: &Map<String, Value> = match raw.as_ref() {
            Value::Object(map) => map,
            Value::Null => {
                wrapped = Map::new();
                &wrapped
            }
            other => {
                wrapped = Map::from_iter([("object".to_string(), other.clone())]);
                &wrapped
            }
        };
        let status = r.status.to_string();
        // `state` is an object in Databricks runs ({life_cycle_state, ...}): the API's wins there.
        let ours = [
            ("workspace", r.workspace.as_str(), true),
            ("id", r.id.as_str(), false),
            ("name", r.name.as_str(), false),
            ("state", r.raw_state.as_str(), false),
            ("sparkdeck_status", status.as_str(), false),
        ];
        let added: Vec<(&str, &str)> = ours
            .iter()
            .filter(|(key, _, replaces)| *replaces || !api.contains_key(*key))
            .map(|(key, value, _)| (*key, *value))
            .collect();
        // Keys in order, as a JSON object map keeps them.
        let mut entries: Vec<(&str, Entry<'_>)> = api
            .iter()
            .filter(|(k, _)| !added.iter().any(|(a, _)| a == k))
            .map(|(k, v)| (k.as_str(), Entry::Api(v)))
            .chain(added.iter().map(|(k, v)| (*k, Entry::Ours(v))))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let mut map = s.serialize_map(Some(entries.len()))?;
        for (key, value) in entries {
            match value {
                Entry::Api(v) => map.serialize_entry(key, v)?,
                Entry::Ours(v) => map.serialize_entry(key, v)?,
            }
        }
        map.end()
    }
}

enum Entry<'a> {
    Api(&'a Value),
    Ours(&'a str),
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
/// a fifth of a 10k-row listing's time.
fn indent_compact(compact: &str, depth: usize, out: &mut Vec<u8>) {
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', 2 * depth));
    };
    let bytes = compact.as_bytes();
    let (mut depth, mut in_string, mut escaped) = (depth, false, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            out.push(b);
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                out.push(b);
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
        for (i, &b) in buf.iter().enumerate() {
            if std::mem::take(&mut self.lead) {
                if (0x80..=0x9f).contains(&b) {
                    write!(self.out, "\\u{b:04x}")?;
                } else {
                    self.out.write_all(&[0xc2, b])?;
                }
                start = i + 1;
            } else if b == 0x7f || b == 0xc2 {
                self.out.write_all(&buf[start..i])?;
                if b == 0x7f {
                    self.out.write_all(b"\\u007f")?;
                } else {
                    self.lead = true;
                }
                start = i + 1;
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
