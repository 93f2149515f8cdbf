//! `--json` as the Databricks CLI takes it: inline JSON, `@path` to read a file, or `-` for
//! standard input. A malformed document is reported with where it came from, line and column.

use std::io::Read;

use serde_json::Value;

/// The JSON object `arg` names. Errors read `spec.json:3:14: expected `,` or `}``.
pub fn read(arg: &str) -> Result<Value, String> {
    let (label, text) = if arg == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("--json -: cannot read standard input: {e}"))?;
        ("standard input".to_string(), text)
    } else if let Some(path) = arg.strip_prefix('@') {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("--json @{path}: cannot read it: {e}"))?;
        (path.to_string(), text)
    } else {
        ("--json".to_string(), arg.to_string())
    };
    parse(&label, &text)
}

pub(super) fn parse(label: &str, text: &str) -> Result<Value, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        // serde_json's message ends with " at line L column C"; the place goes in front instead.
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        format!("{label}:{}:{}: {message}", e.line(), e.column())
    })?;
    if !value.is_object() {
        return Err(format!("{label}: expected a JSON object ({{…}}), got {}", kind(&value)));
    }
    Ok(value)
}

pub(super) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Lay `over`'s top-level keys over `base` (a resubmitted request edited by a `--json` spec).
pub fn overlay(base: &mut Value, over: Value) {
    if let (Value::Object(b), Value::Object(o)) = (base, over) {
        for (k, v) in o {
            b.insert(k, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_where() {
        let e = parse("spec.json", "{\n  \"name\": \"x\",\n  \"file\" \"y\"\n}").err().unwrap_or_default();
        assert!(e.starts_with("spec.json:3:10: expected `:`"), "{e}");
        let e = parse("--json", "[1]").err().unwrap_or_default();
        assert_eq!(e, "--json: expected a JSON object ({…}), got an array");
        assert!(parse("x", "{\"a\": 1}").is_ok());
    }

    #[test]
    fn files_are_read_from_at_paths() {
        let dir = std::env::temp_dir().join(format!("sd-spec-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("spec.json");
        let _ = std::fs::write(&path, "{\"a\": }");
        let e = read(&format!("@{}", path.display())).err().unwrap_or_default();
        assert!(e.starts_with(&format!("{}:1:7:", path.display())), "{e}");
        let e = read("@/nonexistent/spec.json").err().unwrap_or_default();
        assert!(e.starts_with("--json @/nonexistent/spec.json: cannot read it"), "{e}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
