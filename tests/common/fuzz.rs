//! What the fuzz tests (`tests/fuzz_*.rs`) share: the seed corpora (bodies from the reference
//! documents and the Fabric specs' examples, sparkdeck's own config fixtures) and proptest
//! strategies that mutate them — type swaps, nulls, removed keys, huge numbers, long and
//! escape-laden strings, deep nesting — or make bytes from nothing.
//!
//! Budgets: each property runs a fixed number of cases (`cases(n)`), so the whole fuzz set stays
//! well under a minute in CI; `SPARKDECK_FUZZ_CASES` multiplies them for a longer local run.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use serde_json::{Map, Value, json};

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

/// `n` cases (times `SPARKDECK_FUZZ_CASES`, default 1), no shrinking beyond a few steps (a
/// failure is printed with its input; shrinking big JSON is slow), no persistence files.
/// The inputs are the same on every run (a fixed seed: CI fails only on a change, never on a
/// lucky draw); `SPARKDECK_FUZZ_SEED=N` picks other inputs, `=random` new ones each run.
pub fn cases(n: u32) -> ProptestConfig {
    let factor = std::env::var("SPARKDECK_FUZZ_CASES").ok().and_then(|f| f.parse().ok()).unwrap_or(1);
    let rng_seed = match std::env::var("SPARKDECK_FUZZ_SEED").ok().as_deref() {
        Some("random") => RngSeed::Random,
        Some(n) => RngSeed::Fixed(n.parse().unwrap_or(DEFAULT_SEED)),
        None => RngSeed::Fixed(DEFAULT_SEED),
    };
    ProptestConfig {
        cases: n.saturating_mul(factor),
        max_shrink_iters: 64,
        failure_persistence: None,
        rng_seed,
        ..ProptestConfig::default()
    }
}

const DEFAULT_SEED: u64 = 0x5eed_0016;

/// Response bodies quoted in `fabric-livy.md`, `databricks.md` and the Fabric REST examples.
pub fn reference_bodies() -> Vec<Value> {
    let text = std::fs::read_to_string(fixture("fuzz/reference_bodies.json")).unwrap_or_default();
    let seeds: Vec<Value> = serde_json::from_str(&text).unwrap_or_default();
    let bodies: Vec<Value> = seeds.into_iter().map(|s| s["body"].clone()).collect();
    assert!(bodies.len() > 40, "the seed corpus is missing");
    bodies
}

/// Values that have broken decoders elsewhere: wrong types, extremes, odd text.
fn nasty_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!(true)),
        Just(json!(0)),
        Just(json!(-1)),
        Just(json!(i64::MIN)),
        Just(json!(u64::MAX)),
        Just(json!(1e308)),
        Just(json!(-0.5)),
        Just(json!("")),
        Just(json!("18446744073709551616")),
        Just(json!("-9223372036854775809")),
        Just(json!("1e400")),
        Just(json!("\u{1b}]52;c;ZXZpbA==\u{7}\u{9b}2J\r\u{0}")),
        Just(json!("x".repeat(20_000))),
        Just(json!([])),
        Just(json!({})),
        Just(json!([null, 1, "a", {}, []])),
        Just(deep(200)),
        Just(Value::Array(vec![json!({}); 2_000])),
        any::<String>().prop_map(Value::String),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
    ]
}

/// `[[[…]]]`, `depth` deep (serde_json's own parser stops at 128; values built in memory do not).
fn deep(depth: usize) -> Value {
    (0..depth).fold(json!("bottom"), |inner, i| if i % 2 == 0 { json!([inner]) } else { json!({"a": inner}) })
}

/// Arbitrary JSON, a few levels deep.
pub fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        "[a-z_]{0,12}".prop_map(Value::String),
        nasty_value(),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Keys: the ones the models read, so mutations hit real fields, and some others.
fn key() -> impl Strategy<Value = String> {
    const KEYS: &[&str] = &[
        "id",
        "state",
        "cluster_id",
        "cluster_name",
        "run_id",
        "job_id",
        "name",
        "value",
        "items",
        "clusters",
        "runs",
        "events",
        "statements",
        "output",
        "data",
        "status",
        "error_code",
        "errorCode",
        "message",
        "next_page_token",
        "continuationToken",
        "has_more",
        "tasks",
        "num_workers",
        "autoscale",
        "start_time",
        "end_time",
        "livyInfo",
        "appInfo",
        "log",
        "results",
        "schema",
        "fields",
        "token_info",
    ];
    prop_oneof![prop::sample::select(KEYS).prop_map(str::to_string), "[a-zA-Z_]{1,10}"]
}

/// How many nodes `v` has (itself included).
fn nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(items) => items.iter().map(nodes).sum(),
        Value::Object(map) => map.values().map(nodes).sum(),
        _ => 0,
    }
}

/// The `n`-th node of `v` in pre-order (`n` counts down to it).
fn nth<'v>(v: &'v mut Value, n: &mut usize) -> Option<&'v mut Value> {
    if *n == 0 {
        return Some(v);
    }
    *n -= 1;
    let children: Box<dyn Iterator<Item = &'v mut Value>> = match v {
        Value::Array(items) => Box::new(items.iter_mut()),
        Value::Object(map) => Box::new(map.values_mut()),
        _ => return None,
    };
    for child in children {
        if let Some(found) = nth(child, n) {
            return Some(found);
        }
    }
    None
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, Value),
    RemoveKey(usize, usize),
    AddKey(usize, String, Value),
    Duplicate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), nasty_value()).prop_map(|(n, v)| Mutation::Replace(n, v)),
        2 => (any::<usize>(), any_json()).prop_map(|(n, v)| Mutation::Replace(n, v)),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(n, k)| Mutation::RemoveKey(n, k)),
        1 => (any::<usize>(), key(), nasty_value()).prop_map(|(n, k, v)| Mutation::AddKey(n, k, v)),
        1 => any::<usize>().prop_map(Mutation::Duplicate),
    ]
}

fn apply(v: &mut Value, m: &Mutation) {
    let count = nodes(v);
    let at = |n: usize| n % count;
    match m {
        Mutation::Replace(n, new) => {
            if let Some(node) = nth(v, &mut at(*n)) {
                *node = new.clone();
            }
        }
        Mutation::RemoveKey(n, k) => {
            if let Some(Value::Object(map)) = nth(v, &mut at(*n))
                && !map.is_empty()
            {
                let key = map.keys().nth(k % map.len()).cloned().unwrap_or_default();
                map.remove(&key);
            }
        }
        Mutation::AddKey(n, key, new) => {
            if let Some(Value::Object(map)) = nth(v, &mut at(*n)) {
                map.insert(key.clone(), new.clone());
            }
        }
        Mutation::Duplicate(n) => {
            if let Some(node) = nth(v, &mut at(*n)) {
                let copy = node.clone();
                *node = json!([copy.clone(), copy]);
            }
        }
    }
}

/// A seed with 1–6 mutations, or (one case in five) the seed as it is.
pub fn mutated(seeds: Vec<Value>) -> impl Strategy<Value = Value> {
    let n = seeds.len();
    (0..n, prop::collection::vec(mutation(), 0..6)).prop_map(move |(i, ms)| {
        let mut v = seeds[i].clone();
        for m in &ms {
            apply(&mut v, m);
        }
        v
    })
}

/// Wrap a body the way list endpoints do (`{"clusters": [...]}`), so item decoders see it.
pub fn as_page(item: Value, key: &str) -> Value {
    let mut map = Map::new();
    map.insert(key.into(), json!([item]));
    Value::Object(map)
}

/// Text mutations for config-like files: flip, insert, delete and duplicate bytes or lines.
#[derive(Debug, Clone)]
pub enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    Truncate(usize),
}

pub fn edit() -> impl Strategy<Value = Edit> {
    let junk = prop_oneof![
        Just("\n".to_string()),
        Just("[".to_string()),
        Just("]]".to_string()),
        Just("\"".to_string()),
        Just("=".to_string()),
        Just("{".to_string()),
        Just("'''".to_string()),
        Just("\\u{".to_string()),
        Just("[keys]\n".to_string()),
        Just("[[databricks]]\n".to_string()),
        Just(" = 18446744073709551616".to_string()),
        Just("\u{0}\u{1b}[2J".to_string()),
        Just("http//::".to_string()),
        "[ -~]{0,12}",
        any::<String>(),
    ];
    prop_oneof![
        (any::<usize>(), 1..40usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), junk).prop_map(|(at, s)| Edit::Insert(at, s)),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

/// `text` with `edits` applied (always valid UTF-8: edits happen at character boundaries).
pub fn edited(text: &str, edits: &[Edit]) -> String {
    let mut s = text.to_string();
    let boundary = |s: &str, at: usize| {
        let mut at = if s.is_empty() { 0 } else { at % (s.len() + 1) };
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    for e in edits {
        match e {
            Edit::Delete(at, n) => {
                let from = boundary(&s, *at);
                let to = boundary(&s, from + n);
                s.replace_range(from..to.max(from), "");
            }
            Edit::Insert(at, text) => {
                let at = boundary(&s, *at);
                s.insert_str(at, text);
            }
            Edit::DuplicateLine(n) | Edit::Truncate(n) if s.is_empty() => {
                let _ = n;
            }
            Edit::DuplicateLine(n) => {
                let lines: Vec<&str> = s.lines().collect();
                if !lines.is_empty() {
                    let i = n % lines.len();
                    let mut out: Vec<&str> = lines.clone();
                    out.insert(i, lines[i]);
                    s = out.join("\n");
                }
            }
            Edit::SwapLines(a, b) => {
                let mut lines: Vec<&str> = s.lines().collect();
                if !lines.is_empty() {
                    let (a, b) = (a % lines.len(), b % lines.len());
                    lines.swap(a, b);
                    s = lines.join("\n");
                }
            }
            Edit::Truncate(n) => {
                let at = boundary(&s, *n);
                s.truncate(at);
            }
        }
    }
    s
}
