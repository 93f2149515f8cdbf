//! The service's JSON of one object, kept as the text it came in until something reads it.
//!
//! Shared by the wire models (`api::Fetched`) and the rows (`domain::Resource`): a leaf that
//! knows only `serde_json`.

use std::borrow::Cow;
use std::ops::Deref;
use std::sync::OnceLock;

use serde_json::Value;
use serde_json::value::RawValue;

/// The service's JSON of one object: the text of a list item as it came (read into a `Value`
/// only when something looks inside: the details view, `-o json`), or a `Value`. A poll of a
/// list decodes each item straight into the typed view; building every item's `Value` tree as
/// well, and dropping it at the next poll, was most of a poller's work.
#[derive(Clone)]
pub struct Raw {
    text: Option<Box<RawValue>>,
    value: OnceLock<Value>,
}

impl Raw {
    /// An item's JSON text (already checked to be JSON by the parser that cut it out).
    pub fn text(text: Box<RawValue>) -> Raw {
        Raw { text: Some(text), value: OnceLock::new() }
    }

    /// The JSON as a `Value`, without keeping it when it was text (a listing printing 10k
    /// rows reads each once: keeping every tree would double what the rows hold).
    pub fn read(&self) -> Cow<'_, Value> {
        match self.value.get() {
            Some(v) => Cow::Borrowed(v),
            None => Cow::Owned(read(self.text.as_deref())),
        }
    }

    /// The JSON as a `Value` of its own.
    pub fn into_value(self) -> Value {
        match self.value.into_inner() {
            Some(v) => v,
            None => read(self.text.as_deref()),
        }
    }
}

/// The text as a `Value` (text the JSON parser cut out always reads back).
pub(crate) fn read(text: Option<&RawValue>) -> Value {
    text.and_then(|t| serde_json::from_str(t.get()).ok()).unwrap_or(Value::Null)
}

impl From<Value> for Raw {
    fn from(v: Value) -> Raw {
        Raw { text: None, value: OnceLock::from(v) }
    }
}

impl Deref for Raw {
    type Target = Value;
    fn deref(&self) -> &Value {
        self.value.get_or_init(|| read(self.text.as_deref()))
    }
}

impl PartialEq for Raw {
    /// Two texts compare as text (the same service sends the same object the same way); else
    /// as values.
    fn eq(&self, other: &Raw) -> bool {
        match (&self.text, &other.text) {
            (Some(a), Some(b)) => a.get() == b.get(),
            _ => **self == **other,
        }
    }
}

impl PartialEq<Value> for Raw {
    fn eq(&self, other: &Value) -> bool {
        **self == *other
    }
}

/// Texts that differ only in layout would compare unequal though their values are equal; the
/// texts compared come from one service's answers, which lay an object out the same way.
impl Eq for Raw {}

impl std::fmt::Debug for Raw {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

/// Written as its `Value` (key order and layout as every other document of ours).
impl serde::Serialize for Raw {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.read().serialize(s)
    }
}

/// The JSON of a [`Raw`] read as a tree that borrows its text (strings without escapes are
/// not copied), with every object's keys in order and a repeated key's last value kept: it
/// serializes exactly as the `Value` would, without the `Value`'s allocation per key, string
/// and map node. `-o json` writes each of 10k rows this way, where reading a `Value` and
/// writing it was a third of the listing.
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    /// A string as it lay in JSON text that had no escapes in it (so no `"`, `\` or
    /// control): written back as it is.
    Plain(&'a str),
    Str(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    /// Keys in order, each once.
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

impl Raw {
    /// The JSON as a [`Node`] borrowing from this `Raw` (`Null` for text that does not read,
    /// which the parser that cut it out never lets through).
    pub fn node(&self) -> Node<'_> {
        match (self.value.get(), &self.text) {
            (Some(v), _) => Node::from(v),
            (None, Some(text)) => serde_json::from_str(text.get()).unwrap_or(Node::Null),
            (None, None) => Node::Null,
        }
    }

    /// The length of the text it came as (0 when it is a `Value`): room to reserve.
    pub fn text_len(&self) -> usize {
        self.text.as_ref().map_or(0, |t| t.get().len())
    }

    /// The text it came as (`None` when it is a `Value`).
    pub fn as_text(&self) -> Option<&str> {
        self.text.as_deref().map(RawValue::get)
    }

    /// The text it came as, or the `Value` it is.
    pub fn into_text(self) -> Result<Box<RawValue>, Value> {
        match self.text {
            Some(text) => Ok(text),
            None => Err(self.value.into_inner().unwrap_or(Value::Null)),
        }
    }
}

/// `text` as a JSON string, escaped as `serde_json` escapes it.
pub fn write_str(text: &str, out: &mut Vec<u8>) {
    // Writing to a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

impl Node<'_> {
    /// The node as compact JSON text, exactly as `serde_json::to_string` writes it, without
    /// serde's machinery: a [`Node::Plain`] string is copied as it is, where the serializer
    /// looks at every byte to escape it; the rest is written by `serde_json` itself.
    pub fn write_compact(&self, out: &mut Vec<u8>) {
        match self {
            Node::Null => out.extend_from_slice(b"null"),
            Node::Bool(true) => out.extend_from_slice(b"true"),
            Node::Bool(false) => out.extend_from_slice(b"false"),
            Node::Number(n) => {
                let _ = serde_json::to_writer(&mut *out, n);
            }
            Node::Plain(text) => {
                out.push(b'"');
                out.extend_from_slice(text.as_bytes());
                out.push(b'"');
            }
            Node::Str(text) => write_str(text, out),
            Node::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write_compact(out);
                }
                out.push(b']');
            }
            Node::Object(entries) => {
                out.push(b'{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_str(key, out);
                    out.push(b':');
                    value.write_compact(out);
                }
                out.push(b'}');
            }
        }
    }
}

impl<'a> From<&'a Value> for Node<'a> {
    fn from(v: &'a Value) -> Node<'a> {
        match v {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(*b),
            Value::Number(n) => Node::Number(n.clone()),
            Value::String(s) => Node::Str(Cow::Borrowed(s)),
            Value::Array(items) => Node::Array(items.iter().map(Node::from).collect()),
            // A `Map` is already in key order, each key once.
            Value::Object(map) => {
                Node::Object(map.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Node::from(v))).collect())
            }
        }
    }
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for Node<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor(std::marker::PhantomData))
    }
}

/// A string key, borrowed when the text has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Key<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Node::deserialize(d)? {
            Node::Plain(s) => Ok(Key(Cow::Borrowed(s))),
            Node::Str(s) => Ok(Key(s)),
            _ => Err(serde::de::Error::custom("an object key that is not a string")),
        }
    }
}

struct NodeVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> serde::de::Visitor<'de> for NodeVisitor<'a> {
    type Value = Node<'a>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Node<'a>, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node<'a>, E> {
        Ok(Node::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Node<'a>, E> {
        Ok(Node::Bool(b))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Node<'a>, E> {
        Ok(Node::Number(n.into()))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Node<'a>, E> {
        Ok(Node::Number(n.into()))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Node<'a>, E> {
        // As `Value` reads it: JSON has no NaN or infinity.
        Ok(serde_json::Number::from_f64(n).map_or(Node::Null, Node::Number))
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Node<'a>, E> {
        Ok(Node::Plain(s))
    }
    fn visit_str<E>(self, s: &str) -> Result<Node<'a>, E> {
        Ok(Node::Str(Cow::Owned(s.to_string())))
    }
    fn visit_string<E>(self, s: String) -> Result<Node<'a>, E> {
        Ok(Node::Str(Cow::Owned(s)))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'a>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Node<'a>, A::Error> {
        let mut entries: Vec<(Cow<'a, str>, Node<'a>)> = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some((Key(k), v)) = map.next_entry()? {
            entries.push((k, v));
        }
        // In key order, the last of a repeated key kept (as a `Map` keeps it): a stable sort
        // keeps repeats in their order, and the one kept of each run takes the later value.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, kept| {
            let repeat = later.0 == kept.0;
            if repeat {
                std::mem::swap(later, kept);
            }
            repeat
        });
        Ok(Node::Object(entries))
    }
}

impl serde::Serialize for Node<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Node::Null => s.serialize_unit(),
            Node::Bool(b) => s.serialize_bool(*b),
            Node::Number(n) => n.serialize(s),
            Node::Plain(text) => s.serialize_str(text),
            Node::Str(text) => s.serialize_str(text),
            Node::Array(items) => s.collect_seq(items),
            Node::Object(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k.as_ref(), v)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_writes_exactly_as_the_value_does() {
        let texts = [
            r#"{"z":1,"a":{"y":[1,2.5,-3,1e3,{"k":"v\"w","b":null}],"x":true},"m":"\u00e9\n\\","e":{},"l":[]}"#,
            r#"{"dup":1,"b":2,"dup":3}"#,
            r#"[1, "two", {"b": 1, "a": 0}]"#,
            r#""just a string""#,
            "18446744073709551615",
            "null",
        ];
        for text in texts {
            let raw = Raw::text(RawValue::from_string(text.to_string()).unwrap_or_else(|e| panic!("{e}")));
            let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
            let theirs = serde_json::to_string(&value).unwrap_or_default();
            // Serialized, or written straight, from the text or from a `Value` holding it.
            for node in [raw.node(), Raw::from(value.clone()).node()] {
                assert_eq!(serde_json::to_string(&node).unwrap_or_default(), theirs, "{text}");
                let mut compact = Vec::new();
                node.write_compact(&mut compact);
                assert_eq!(String::from_utf8_lossy(&compact), theirs, "{text}");
            }
        }
        // Strings without escapes borrow the text; a `Value`'s strings are escaped when written.
        let raw =
            Raw::text(RawValue::from_string(r#"{"plain":"abc"}"#.into()).unwrap_or_else(|e| panic!("{e}")));
        match raw.node() {
            Node::Object(entries) => assert!(matches!(entries[0].1, Node::Plain("abc"))),
            other => panic!("{other:?}"),
        }
        let quoted = serde_json::json!({"k\"ey": "say \"hi\"\n"});
        let mut compact = Vec::new();
        Node::from(&quoted).write_compact(&mut compact);
        assert_eq!(String::from_utf8_lossy(&compact), quoted.to_string());
    }
}
