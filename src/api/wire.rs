//! Building blocks shared by every wire model: string enums that keep values they do not know,
//! fetched objects that keep the service's whole JSON next to the typed view, and path segments
//! that are safe to put in a URL.

use std::ops::Deref;

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use serde_json::value::RawValue;

pub use crate::raw_json::Raw;

use super::error::ApiError;
use crate::raw_json::read;

/// A string enum as the service spells it. Values this build does not know are kept verbatim in
/// `Other(String)` so a new state from the service never breaks a listing.
///
/// ```ignore
/// wire_enum! { pub ClusterState { Pending = "PENDING", Running = "RUNNING" } }
/// ```
/// A variant may list alternative spellings after `|` (Fabric's swagger writes `Error` where
/// the service sends `error`); the first spelling is the one sent.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $vis:vis $name:ident { $($variant:ident = $wire:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($variant,)+
            /// A value this build does not know, exactly as received.
            Other(String),
        }

        impl $name {
            /// The service's spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($wire $(| $alias)* => Self::$variant,)+
                    other => Self::Other(other.to_string()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // Tolerant: a number or other odd value becomes `Other` rather than an error.
                // A known word is matched where it lies in the text (no `String` per field).
                Ok(Self::from(&*d.deserialize_any($crate::api::wire::WireWord)?))
            }
        }
    };
}

pub(crate) use wire_enum;

/// What a [`wire_enum!`] reads: its string (borrowed from the text when it has no escapes),
/// or any other value as its JSON text (a number or an object is no word, so it stays
/// `Other` as written).
#[doc(hidden)]
pub struct WireWord;

impl<'de> serde::de::Visitor<'de> for WireWord {
    type Value = std::borrow::Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(s.into())
    }
    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(s.to_string().into())
    }
    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(s.into())
    }
    fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
        Ok(b.to_string().into())
    }
    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Ok(n.to_string().into())
    }
    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Ok(n.to_string().into())
    }
    fn visit_f64<E>(self, n: f64) -> Result<Self::Value, E> {
        Ok(Value::from(n).to_string().into())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok("null".into())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq)).map(|v| v.to_string().into())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(|v| v.to_string().into())
    }
}

/// An object as fetched: the typed view, and the service's JSON exactly as received (the UI
/// shows "the full API object" and `-o json` keeps every field, including ones this build does
/// not model).
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched<T> {
    pub value: T,
    pub raw: Raw,
}

impl<T> Deref for Fetched<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: DeserializeOwned> Fetched<T> {
    /// Read `raw` as `T`; a mismatch is a `Decode` error naming the field that failed.
    pub fn decode(method: &str, path: &str, raw: Value) -> Result<Self, ApiError> {
        Self::decode_at(method, path, raw, "")
    }

    /// As [`Fetched::decode`], from an item's text (found at `prefix` in the body): straight
    /// into `T`, or, when that fails, through a `Value` (for the repairs and the error's words).
    fn decode_text(
        method: &str,
        path: &str,
        text: Box<RawValue>,
        prefix: impl FnOnce() -> String,
    ) -> Result<Self, ApiError> {
        match serde_json::from_str::<T>(text.get()) {
            Ok(value) => Ok(Fetched { value, raw: Raw::text(text) }),
            Err(_) => Self::decode_at(method, path, read(Some(&text)), &prefix()),
        }
    }

    /// As [`Fetched::decode`], for an object found at `prefix` inside the body.
    fn decode_at(method: &str, path: &str, raw: Value, prefix: &str) -> Result<Self, ApiError> {
        // The plain decode first: tracking the path allocates for every key visited, and is
        // needed only to say where a body that does not decode is wrong.
        if let Ok(value) = T::deserialize(&raw) {
            return Ok(Fetched { value, raw: raw.into() });
        }
        let value =
            serde_path_to_error::deserialize(&raw).or_else(|e| repaired(&raw).ok_or(e)).map_err(|e| {
                let field = match (prefix, e.path().to_string()) {
                    ("", inner) => inner,
                    (outer, inner) if inner == "." => outer.to_string(),
                    (outer, inner) if inner.starts_with('[') => format!("{outer}{inner}"),
                    (outer, inner) => format!("{outer}.{inner}"),
                };
                ApiError::decode(
                    method,
                    path,
                    format!("at `{field}`: {} in: {}", e.inner(), excerpt(&raw.to_string())),
                )
            })?;
        Ok(Fetched { value, raw: raw.into() })
    }
}

/// The typed view of `raw` after the repairs real services make necessary, or `None` when the
/// body is wrong in a way no repair explains. Only reached when the plain decode failed, so the
/// common case pays nothing; `raw` itself is never changed (the UI and `-o json` show it as sent).
///
/// Repairs, each at the exact place serde reports: an explicit `null` where the model has a
/// default (Fabric sends `"tags": null`, Databricks `"spark_conf": null`) is treated as absent;
/// a number sent as a string (`"run_id": "123"`, as some Databricks gateways do) is read as the
/// number; a number where the model expects a string is read as its text.
fn repaired<T: DeserializeOwned>(raw: &Value) -> Option<T> {
    /// Each repair fixes one field; a body needing more than this is not a quirk but garbage.
    const MAX_REPAIRS: usize = 64;
    let mut fixed = raw.clone();
    for _ in 0..MAX_REPAIRS {
        let err = match serde_path_to_error::deserialize::<_, T>(&fixed) {
            Ok(value) => return Some(value),
            Err(err) => err,
        };
        let (parent, last) = parent_of(&mut fixed, err.path())?;
        let slot = match (&mut *parent, &last) {
            (Value::Object(map), Segment::Key(key)) => map.get_mut(key.as_str())?,
            (Value::Array(items), Segment::Index(i)) => items.get_mut(*i)?,
            _ => return None,
        };
        match slot {
            Value::Null => match (parent, last) {
                (Value::Object(map), Segment::Key(key)) => drop(map.remove(&key)),
                (Value::Array(items), Segment::Index(i)) => drop(items.remove(i)),
                _ => return None,
            },
            Value::String(text) => *slot = number_in(text)?,
            Value::Number(n) if err.inner().to_string().contains("expected a string") => {
                *slot = Value::String(n.to_string())
            }
            _ => return None,
        }
    }
    None
}

enum Segment {
    Key(String),
    Index(usize),
}

/// The container holding the value at `path`, and that value's key or index in it.
fn parent_of<'v>(root: &'v mut Value, path: &serde_path_to_error::Path) -> Option<(&'v mut Value, Segment)> {
    use serde_path_to_error::Segment as S;
    let segments: Vec<Segment> = path
        .iter()
        .filter_map(|s| match s {
            S::Seq { index } => Some(Segment::Index(*index)),
            S::Map { key } => Some(Segment::Key(key.clone())),
            S::Enum { .. } | S::Unknown => None,
        })
        .collect();
    let (last, walk) = segments.split_last()?;
    let mut at = root;
    for step in walk {
        at = match step {
            Segment::Key(key) => at.get_mut(key.as_str())?,
            Segment::Index(i) => at.get_mut(*i)?,
        };
    }
    let last = match last {
        Segment::Key(key) => Segment::Key(key.clone()),
        Segment::Index(i) => Segment::Index(*i),
    };
    Some((at, last))
}

/// `"123"` → `123`, `"1.5"` → `1.5`; anything else is not a number in disguise.
fn number_in(text: &str) -> Option<Value> {
    let text = text.trim();
    if let Ok(n) = text.parse::<i64>() {
        return Some(Value::from(n));
    }
    if let Ok(n) = text.parse::<u64>() {
        return Some(Value::from(n));
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite()).map(Value::from)
}

/// `deserialize_with` for an optional field whose old by-key reader ignored a value of the
/// wrong type: such a value reads as absent instead of failing the whole object (and the page
/// it came in). No repairs happen inside; `raw` keeps the value as sent.
pub(crate) fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    Ok(serde_json::from_value(Value::deserialize(d)?).ok())
}

/// `deserialize_with` for a list read item by item: an item that is not a `T` reads as
/// `T::default()` instead of failing the list. A value that is not a list is still an error
/// (an explicit `null` is then repaired to the default like any other).
pub(crate) fn items<'de, D: Deserializer<'de>, T: DeserializeOwned + Default>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    match Value::deserialize(d)? {
        Value::Array(items) => {
            Ok(items.into_iter().map(|item| serde_json::from_value(item).unwrap_or_default()).collect())
        }
        other => {
            Err(D::Error::custom(format!("invalid type: {}, expected a list", excerpt(&other.to_string()))))
        }
    }
}

/// One page of a list as read: the body without its items, and the items' text when the
/// body was an object (see [`ListPage::read`]).
#[derive(Debug, Clone, Default)]
pub struct ListPage {
    pub body: Value,
    items: Option<(String, Listed)>,
}

/// What a page has under its list's key: each item's text when it is a list, else the value.
#[derive(Debug, Clone)]
enum Listed {
    Items(Vec<Box<RawValue>>),
    Other(Value),
}

/// The body without its items: the cursor, the total.
impl Deref for ListPage {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.body
    }
}

impl From<Value> for ListPage {
    fn from(body: Value) -> ListPage {
        ListPage { body, items: None }
    }
}

impl ListPage {
    /// The same items with `body` as the rest.
    pub(crate) fn with_body(mut self, body: Value) -> ListPage {
        self.body = body;
        self
    }

    /// A page's JSON `bytes`, the list under `key`: every other field read as a `Value` (the
    /// cursor, the total, an error's words), the list's items cut out as text for
    /// [`decode_items`], in one pass over the body (reading the list as one text first and
    /// cutting it up after read a 10k-cluster listing's bytes twice more). `None` when the
    /// body is not an object (the caller reads it whole, and says what is wrong).
    pub(crate) fn read(bytes: &[u8], key: &str) -> Option<ListPage> {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let page = serde::de::DeserializeSeed::deserialize(PageSeed(key), &mut de).ok()?;
        de.end().ok()?;
        Some(page)
    }
}

/// Reads a page's object, its list under the key (see [`ListPage::read`]).
struct PageSeed<'k>(&'k str);

impl<'de> serde::de::DeserializeSeed<'de> for PageSeed<'_> {
    type Value = ListPage;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ListPage, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for PageSeed<'_> {
    type Value = ListPage;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<ListPage, A::Error> {
        // A repeated key: the last one counts, as in a `Value`.
        let mut body = serde_json::Map::new();
        let mut items = None;
        while let Some(k) = map.next_key::<String>()? {
            if k == self.0 {
                items = Some((k, map.next_value::<Listed>()?));
            } else {
                body.insert(k, map.next_value::<Value>()?);
            }
        }
        Ok(ListPage { body: Value::Object(body), items })
    }
}

impl<'de> Deserialize<'de> for Listed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Listed;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Listed, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(item) = seq.next_element::<Box<RawValue>>()? {
                    items.push(item);
                }
                Ok(Listed::Items(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Listed, A::Error> {
                Value::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Listed::Other)
            }
            fn visit_unit<E>(self) -> Result<Listed, E> {
                Ok(Listed::Other(Value::Null))
            }
            fn visit_bool<E>(self, b: bool) -> Result<Listed, E> {
                Ok(Listed::Other(b.into()))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Listed, E> {
                Ok(Listed::Other(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Listed, E> {
                Ok(Listed::Other(n.into()))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Listed, E> {
                Ok(Listed::Other(n.into()))
            }
            fn visit_str<E>(self, s: &str) -> Result<Listed, E> {
                Ok(Listed::Other(s.into()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A list item not decoded yet: its text (in the `Fetched`'s `raw`) and where it came from,
/// decoded when asked ([`Fetched::decoded`]). A poller that still holds the row made from the
/// same text keeps that row instead: at `sim --scale 10` most of a Livy list's items are ended
/// sessions whose text never changes, and decoding them again each pass was a sixth of the
/// monitor's idle work.
#[derive(Debug, Clone, PartialEq)]
pub struct Unread {
    method: &'static str,
    path: std::sync::Arc<str>,
    key: &'static str,
    index: usize,
}

impl Fetched<Unread> {
    /// The item as `T`, with the same errors as [`decode_items`] gives.
    pub fn decoded<T: DeserializeOwned>(self) -> Result<Fetched<T>, ApiError> {
        let Unread { method, path, key, index } = self.value;
        match self.raw.into_text() {
            Ok(text) => Fetched::decode_text(method, &path, text, || format!("{key}[{index}]")),
            Err(value) => Fetched::decode_at(method, &path, value, &format!("{key}[{index}]")),
        }
    }
}

/// How a page's items are read: [`decode_items`] or [`unread_items`].
pub(crate) type ItemsOf<T> =
    fn(&'static str, &str, &mut ListPage, &'static str) -> Result<Vec<Fetched<T>>, ApiError>;

/// Items of a list body, each kept as it came for [`Fetched::decoded`] later; a body that is
/// wrong is the same error as [`decode_items`] gives.
pub(crate) fn unread_items(
    method: &'static str,
    path: &str,
    page: &mut ListPage,
    key: &'static str,
) -> Result<Vec<Fetched<Unread>>, ApiError> {
    let origin: std::sync::Arc<str> = path.into();
    let unread = |index, raw| Fetched { value: Unread { method, path: origin.clone(), key, index }, raw };
    match page.items.take() {
        Some((k, Listed::Items(items))) if k == key => {
            return Ok(items.into_iter().enumerate().map(|(i, text)| unread(i, Raw::text(text))).collect());
        }
        other => page.items = other,
    }
    // Anything else: read as `decode_items` reads it (and said to be wrong as it says).
    let items = decode_items::<Value>(method, path, page, key)?;
    Ok(items.into_iter().enumerate().map(|(i, item)| unread(i, item.raw)).collect())
}

/// Items of a list body (`{"clusters": [...]}`), each decoded with its own raw object.
pub(crate) fn decode_items<T: DeserializeOwned>(
    method: &str,
    path: &str,
    page: &mut ListPage,
    key: &str,
) -> Result<Vec<Fetched<T>>, ApiError> {
    match page.items.take() {
        Some((k, Listed::Items(items))) if k == key => {
            return items
                .into_iter()
                .enumerate()
                .map(|(i, item)| Fetched::decode_text(method, path, item, || format!("{key}[{i}]")))
                .collect();
        }
        // Asked for under another key: read as any other field.
        Some((k, Listed::Items(items))) => {
            let items = items.iter().map(|text| read(Some(text))).collect();
            drop(insert(&mut page.body, k, Value::Array(items)));
        }
        // Not a list: read as any other field (and said to be wrong below).
        Some((k, Listed::Other(value))) => drop(insert(&mut page.body, k, value)),
        None => {}
    }
    let body = &mut page.body;
    let items = match body.get_mut(key).map(Value::take) {
        Some(Value::Array(items)) => items,
        // A list with nothing in it comes as `{}`; one that says why it has nothing is an error.
        None | Some(Value::Null) if says_why(body) => {
            let message =
                format!("no `{key}` in an answer that reads as an error: {}", excerpt(&body.to_string()));
            return Err(ApiError::decode(method, path, message));
        }
        None | Some(Value::Null) => Vec::new(),
        Some(other) => {
            let message = format!("at `{key}`: expected a list in: {}", excerpt(&other.to_string()));
            return Err(ApiError::decode(method, path, message));
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, raw)| Fetched::decode_at(method, path, raw, &format!("{key}[{i}]")))
        .collect()
}

fn insert(body: &mut Value, key: String, value: Value) -> Option<Value> {
    body.as_object_mut().and_then(|m| m.insert(key, value))
}

/// A body that carries an error's words (`{"error": …}`, `{"message": …}`) instead of a list.
fn says_why(body: &Value) -> bool {
    ["error", "message", "error_description", "detail"]
        .iter()
        .any(|k| body.get(k).is_some_and(Value::is_string))
}

/// A test body as fetched: decoded (and repaired) as a real answer would be.
#[cfg(test)]
pub(crate) fn fetched<T: DeserializeOwned>(raw: Value) -> Fetched<T> {
    Fetched::decode("GET", "/test", raw).unwrap_or_else(|e| panic!("{e}"))
}

/// The typed view of a test body.
#[cfg(test)]
pub(crate) fn decoded<T: DeserializeOwned>(raw: Value) -> T {
    fetched(raw).value
}

/// At most 120 characters of a body, for error messages (never the whole page).
pub(crate) fn excerpt(text: &str) -> String {
    const MAX: usize = 120;
    let text = text.trim();
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        text.chars().take(MAX).collect::<String>() + "…"
    }
}

/// One URL path segment: ids typed by users are percent-encoded so they cannot change the path.
/// Empty and dot-only ids are refused (URL parsers resolve `..` even when encoded).
pub(crate) fn seg(id: &str) -> Result<String, ApiError> {
    if id.trim_matches('.').is_empty() {
        return Err(ApiError::invalid_input(format!("{id:?} is not a valid id")));
    }
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    wire_enum! { Colour { Red = "RED", Error = "error" | "Error" } }

    #[test]
    fn wire_words_read_from_text_and_values_alike_and_odd_values_are_kept() {
        let cases = [
            (r#""RED""#, Colour::Red),
            (r#""Error""#, Colour::Error),
            (r#""R\u0045D""#, Colour::Red),
            (r#""PURPLE""#, Colour::Other("PURPLE".into())),
            ("7", Colour::Other("7".into())),
            ("true", Colour::Other("true".into())),
            (r#"{"b":1}"#, Colour::Other(r#"{"b":1}"#.into())),
            ("[1,2]", Colour::Other("[1,2]".into())),
        ];
        for (text, expected) in cases {
            let from_text: Colour = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            let from_value = Colour::deserialize(&value).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!((&from_text, &from_value), (&expected, &expected), "{text}");
        }
        let absent: Thing = serde_json::from_str(r#"{"colour": null}"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(absent.colour, None);
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Thing {
        #[serde(default)]
        colour: Option<Colour>,
        #[serde(default)]
        count: Option<u32>,
    }

    #[test]
    fn unknown_values_are_kept_and_aliases_accepted() {
        let t: Colour = serde_json::from_value(json!("MAUVE")).unwrap_or(Colour::Red);
        assert_eq!(t, Colour::Other("MAUVE".into()));
        assert_eq!(t.to_string(), "MAUVE");
        assert_eq!(Colour::from("Error"), Colour::Error);
        assert_eq!(serde_json::to_value(Colour::Error).ok(), Some(json!("error")));
        assert_eq!(Colour::from("RED").as_str(), "RED");
    }

    #[test]
    fn decode_errors_name_the_field() {
        let ok = Fetched::<Thing>::decode("GET", "/x", json!({"colour": "RED", "count": 2, "new": true}));
        assert!(
            ok.is_ok_and(|t| t.colour == Some(Colour::Red) && t.count == Some(2) && t.raw["new"] == true)
        );
        let err = Fetched::<Thing>::decode("GET", "/x", json!({"colour": "RED", "count": "many"}))
            .err()
            .map(|e| e.message.clone());
        assert!(err.as_deref().is_some_and(|m| m.starts_with("at `count`: invalid type")), "{err:?}");
        let body = json!({"things": [{"count": 1}, {"count": -1}]});
        for mut page in [ListPage::from(body.clone()), text_page(&body, "things")] {
            let err =
                decode_items::<Thing>("GET", "/x", &mut page, "things").err().map(|e| e.message.clone());
            assert!(err.as_deref().is_some_and(|m| m.starts_with("at `things[1].count`")), "{err:?}");
        }
        // An empty list is `{}`; an answer that says why it has none is an error naming it.
        let mut empty = ListPage::from(json!({}));
        assert!(decode_items::<Thing>("GET", "/x", &mut empty, "things").is_ok_and(|t| t.is_empty()));
        let mut body = text_page(&json!({"message": "Internal error, please retry"}), "things");
        let err = decode_items::<Thing>("GET", "/x", &mut body, "things").err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "GET /x: no `things` in an answer that reads as an error: {\"message\":\"Internal error, please retry\"}"
            )
        );
    }

    /// A page as `Call::send_list` reads it: the items kept as text.
    fn text_page(body: &Value, key: &str) -> ListPage {
        ListPage::read(body.to_string().as_bytes(), key).unwrap_or_else(|| panic!("not an object: {body}"))
    }

    #[test]
    fn items_read_from_their_text_are_what_the_value_path_reads() {
        // Plain, repaired (a number as a string, an explicit null) and unknown fields; the
        // cursor beside the list stays readable.
        let body = json!({"things": [{"colour": "RED", "count": 2, "new": true}, {"count": "3", "colour": null}],
            "next_page_token": "t2"});
        let mut by_value = ListPage::from(body.clone());
        let mut by_text = text_page(&body, "things");
        assert_eq!(by_text.get("next_page_token"), Some(&json!("t2")));
        let a = decode_items::<Thing>("GET", "/x", &mut by_value, "things").unwrap_or_default();
        let b = decode_items::<Thing>("GET", "/x", &mut by_text, "things").unwrap_or_default();
        assert_eq!((a.len(), &a), (2, &b));
        assert_eq!(b[0].raw["new"], true);
        assert_eq!(*b[1].raw, json!({"count": "3", "colour": null}), "raw kept as sent");
        // A list key that is not a list is the same error either way.
        let body = json!({"things": {"count": 1}});
        let errs: Vec<String> = [ListPage::from(body.clone()), text_page(&body, "things")]
            .iter_mut()
            .map(|p| {
                decode_items::<Thing>("GET", "/x", p, "things")
                    .err()
                    .map(|e| e.message.clone())
                    .unwrap_or_default()
            })
            .collect();
        assert!(errs[0].starts_with("at `things`: expected a list") && errs[0] == errs[1], "{errs:?}");
        // Items read under one key and asked for under another are the body's as sent.
        let body = json!({"things": [{"count": 1}, {"count": 2}], "n": 2});
        let mut page = text_page(&body, "things");
        assert!(decode_items::<Thing>("GET", "/x", &mut page, "others").is_ok_and(|t| t.is_empty()));
        assert_eq!(page.body, body);
        // A body that is not an object, or not JSON to its end, is read whole by the caller.
        assert!(ListPage::read(b"[1, 2]", "things").is_none());
        assert!(ListPage::read(br#"{"things": []} trailing"#, "things").is_none());
    }

    #[test]
    fn items_left_unread_decode_later_to_what_decode_items_reads_errors_included() {
        let bodies = [
            json!({"things": [{"colour": "RED", "count": 2, "new": true}, {"count": "3", "colour": null}]}),
            json!({"things": [{"count": 1}, {"count": -1}]}),
            json!({"things": {"count": 1}}),
            json!({"message": "Internal error, please retry"}),
            json!({}),
        ];
        for body in bodies {
            for by_text in [false, true] {
                let page = || if by_text { text_page(&body, "things") } else { ListPage::from(body.clone()) };
                let now =
                    decode_items::<Thing>("GET", "/x", &mut page(), "things").map_err(|e| e.to_string());
                let later = unread_items("GET", "/x", &mut page(), "things")
                    .map_err(|e| e.to_string())
                    .and_then(|items| {
                        let as_came = items.iter().all(|i| i.raw.as_text().is_some() == by_text);
                        assert!(as_came, "{body}: text kept only as it came");
                        items.into_iter().map(|i| i.decoded::<Thing>().map_err(|e| e.to_string())).collect()
                    });
                assert_eq!(later, now, "{body} (as text: {by_text})");
            }
        }
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Run {
        #[serde(default)]
        run_id: i64,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        conf: std::collections::BTreeMap<String, String>,
        #[serde(default)]
        context: Option<String>,
        #[serde(default)]
        inner: Option<Box<Run>>,
    }

    #[test]
    fn nulls_and_numbers_in_disguise_are_repaired_and_raw_is_kept() {
        let raw = json!({
            "run_id": "123", "tags": ["a", null], "conf": null, "context": 42,
            "inner": {"run_id": "7", "tags": null}
        });
        let got = Fetched::<Run>::decode("GET", "/x", raw.clone());
        let got = got.as_ref().map(|f| (&f.value, &*f.raw));
        let inner = Run { run_id: 7, tags: vec![], conf: Default::default(), context: None, inner: None };
        let want = Run {
            run_id: 123,
            tags: vec!["a".into()],
            conf: Default::default(),
            context: Some("42".into()),
            inner: Some(Box::new(inner)),
        };
        assert_eq!(got.ok(), Some((&want, &raw)));
        // Garbage is still an error, naming the field.
        let err =
            Fetched::<Run>::decode("GET", "/x", json!({"run_id": "soon"})).err().map(|e| e.message.clone());
        assert!(err.as_deref().is_some_and(|m| m.starts_with("at `run_id`: invalid type")), "{err:?}");
    }

    #[test]
    fn ids_cannot_escape_their_segment() {
        assert_eq!(seg("0101-120000-abcd1234").ok().as_deref(), Some("0101-120000-abcd1234"));
        assert_eq!(seg("../x?y=1").ok().as_deref(), Some("..%2Fx%3Fy%3D1"));
        assert!(seg("..").is_err() && seg("").is_err());
    }
}
