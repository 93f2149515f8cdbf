//! `[templates.NAME]`: named starting points for the monitor's New form, read with the rest of
//! the configuration and saved from the form into the same file (its comments and layout kept).
//!
//! ```toml
//! [templates.nightly-etl]
//! kind = "batch"                 # session | batch | cluster | run
//! workspace = "fabric-prod"      # optional: the workspace the form starts in
//! lakehouse = "sales_lh"         # optional: sessions and batches
//! [templates.nightly-etl.request]  # the request body, as the API (and --json) take it
//! file = "abfss://…/Files/jobs/etl.py"
//! conf = { "spark.executor.memory" = "8g" }
//! ```

use std::io::Write;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

/// What a template makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TemplateKind {
    Session,
    Batch,
    Cluster,
    Run,
}

impl TemplateKind {
    pub fn word(self) -> &'static str {
        match self {
            TemplateKind::Session => "session",
            TemplateKind::Batch => "batch",
            TemplateKind::Cluster => "cluster",
            TemplateKind::Run => "run",
        }
    }
}

/// One `[templates.NAME]` table as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateEntry {
    pub kind: TemplateKind,
    pub workspace: Option<String>,
    pub lakehouse: Option<String>,
    #[serde(default)]
    pub request: toml::Table,
}

/// A template, its request as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub name: String,
    pub kind: TemplateKind,
    pub workspace: Option<String>,
    pub lakehouse: Option<String>,
    /// A JSON object.
    pub request: Value,
}

impl Template {
    /// A table as read; `Err` says why its request cannot be a JSON body (a TOML date).
    pub fn from_entry(name: String, entry: TemplateEntry) -> Result<Template, String> {
        let request = json_of(&toml::Value::Table(entry.request))
            .map_err(|why| format!("[templates.{name}.request]: {why}"))?;
        Ok(Template {
            name,
            kind: entry.kind,
            workspace: entry.workspace,
            lakehouse: entry.lakehouse,
            request,
        })
    }
}

fn json_of(v: &toml::Value) -> Result<Value, String> {
    Ok(match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .ok_or_else(|| format!("{f} is not a JSON number"))?,
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => {
            return Err(format!("{d} is a TOML date; a request holds strings (quote it)"));
        }
        toml::Value::Array(a) => Value::Array(a.iter().map(json_of).collect::<Result<_, _>>()?),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| Ok((k.clone(), json_of(v)?))).collect::<Result<_, String>>()?)
        }
    })
}

/// A JSON value as TOML (nulls, which TOML has not, are left out).
fn toml_of(v: &Value) -> Option<toml_edit::Value> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None => n.as_f64()?.into(),
        },
        Value::String(s) => s.as_str().into(),
        Value::Array(a) => toml_edit::Value::Array(a.iter().filter_map(toml_of).collect()),
        Value::Object(m) => {
            let mut t = toml_edit::InlineTable::new();
            for (k, v) in m {
                if let Some(v) = toml_of(v) {
                    t.insert(k, v);
                }
            }
            toml_edit::Value::InlineTable(t)
        }
    })
}

/// Add `[templates.NAME]` to the configuration file at `path` (replacing one of that name),
/// keeping everything else as it was. The file is replaced whole (a temporary file renamed over
/// it, with its permissions), so a crash leaves the old or the new file, never half of one; a
/// file that does not exist yet is made, readable by its owner only.
pub fn save(path: &Path, t: &Template) -> Result<(), String> {
    edit(path, |doc, shown| {
        let templates = doc.entry("templates").or_insert_with(toml_edit::table);
        let Some(templates) = templates.as_table_mut() else {
            return Err(format!(
                "{shown}: `templates` is not a table ([templates.NAME]), so it was left alone"
            ));
        };
        templates.set_implicit(true);
        let mut table = toml_edit::Table::new();
        table.insert("kind", toml_edit::value(t.kind.word()));
        for (key, value) in [("workspace", &t.workspace), ("lakehouse", &t.lakehouse)] {
            if let Some(v) = value {
                table.insert(key, toml_edit::value(v.as_str()));
            }
        }
        let mut request = toml_edit::Table::new();
        for (k, v) in t.request.as_object().into_iter().flatten() {
            if let Some(v) = toml_of(v) {
                request.insert(k, toml_edit::Item::Value(v));
            }
        }
        table.insert("request", toml_edit::Item::Table(request));
        templates.insert(&t.name, toml_edit::Item::Table(table));
        Ok(())
    })
}

/// Change the configuration file at `path` with `change` (given the document and the path as
/// shown), keeping everything else as it was; written whole and atomically (see `save`).
pub(super) fn edit(
    path: &Path,
    change: impl FnOnce(&mut toml_edit::DocumentMut, &str) -> Result<(), String>,
) -> Result<(), String> {
    let shown = path.display().to_string();
    // Write through a symlink to the file it points at.
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let (text, permissions) = match std::fs::read_to_string(&path) {
        Ok(text) => (text, std::fs::metadata(&path).ok().map(|m| m.permissions())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (String::new(), None),
        Err(e) => return Err(format!("cannot read {shown}: {e}")),
    };
    let mut doc: toml_edit::DocumentMut =
        text.parse().map_err(|e| format!("{shown} does not parse as TOML, so it was left alone: {e}"))?;
    change(&mut doc, &shown)?;
    write_whole(&path, doc.to_string().as_bytes(), permissions)
        .map_err(|e| format!("cannot write {shown}: {e}"))
}

fn write_whole(path: &Path, bytes: &[u8], permissions: Option<std::fs::Permissions>) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // tempfile makes it 0600; an existing file keeps its own mode.
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    if let Some(p) = permissions {
        std::fs::set_permissions(file.path(), p)?;
    }
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn template(name: &str) -> Template {
        Template {
            name: name.into(),
            kind: TemplateKind::Batch,
            workspace: Some("fabric-prod".into()),
            lakehouse: None,
            request: json!({"file": "Files/etl.py", "args": ["--day", "1"], "numExecutors": 2,
                            "conf": {"spark.executor.memory": "8g"}, "none": null}),
        }
    }

    #[test]
    fn a_saved_template_reads_back_and_the_rest_of_the_file_stays() -> Result<(), Box<dyn std::error::Error>>
    {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("config.toml");
        let before = "# my settings\nread_only = false # keep\n\n[[fabric]]\nname = \"x\"\n";
        std::fs::write(&path, before)?;
        save(&path, &template("nightly etl"))?;
        save(&path, &template("second"))?;
        let mut again = template("second");
        again.request = json!({"file": "Files/other.py"});
        save(&path, &again)?;
        let text = std::fs::read_to_string(&path)?;
        assert!(text.starts_with(before), "{text}");
        assert_eq!(text.matches("[templates.second]").count(), 1, "replaced, not added twice:\n{text}");
        let read: toml::Table = text.parse()?;
        let entries: std::collections::BTreeMap<String, TemplateEntry> =
            read["templates"].clone().try_into()?;
        let first = Template::from_entry("nightly etl".into(), entries["nightly etl"].clone())?;
        let mut expected = template("nightly etl");
        expected.request.as_object_mut().map(|m| m.remove("none"));
        assert_eq!(first, expected);
        assert_eq!(entries["second"].request.get("file").and_then(|f| f.as_str()), Some("Files/other.py"));
        Ok(())
    }

    #[test]
    fn a_new_file_is_private_and_a_broken_one_is_left_alone() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("new/config.toml");
        save(&path, &template("t"))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
        }
        let broken = dir.path().join("broken.toml");
        std::fs::write(&broken, "read_only = \n")?;
        let e = save(&broken, &template("t")).err().unwrap_or_default();
        assert!(e.contains("does not parse") && e.contains("left alone"), "{e}");
        assert_eq!(std::fs::read_to_string(&broken)?, "read_only = \n");
        Ok(())
    }

    #[test]
    fn dates_are_refused_with_the_table_named() {
        let entry: TemplateEntry = toml::from_str("kind = \"run\"\n[request]\nwhen = 2026-11-22\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let e = Template::from_entry("t".into(), entry).err().unwrap_or_default();
        assert!(e.contains("[templates.t.request]") && e.contains("TOML date"), "{e}");
    }
}
