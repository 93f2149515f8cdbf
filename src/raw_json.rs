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
