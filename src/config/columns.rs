//! `[columns]`: which columns each pane of the monitor shows, in order, by the names of
//! `domain::columns` (`:columns` in the monitor writes it, comments and layout kept).
//!
//! ```toml
//! [columns]
//! sessions = ["name", "state", "owner", "idle_in"]
//! runs = ["workspace", "name", "state", "result", "duration"]
//! ```

use std::path::Path;

use crate::domain::{Column, Kind, columns};

/// The panes `[columns]` can name: their kind (`None`: All).
pub fn pane_kind(pane: &str) -> Option<Option<Kind>> {
    if pane == "all" {
        return Some(None);
    }
    Kind::ALL.into_iter().find(|k| k.plural() == pane).map(Some)
}

/// The pane names `[columns]` takes, for messages.
pub fn pane_names() -> Vec<&'static str> {
    Kind::ALL.iter().map(|k| k.plural()).chain(["all"]).collect()
}

/// The columns `names` asks of `pane`, or which name is wrong (its index) and why.
pub fn read(pane: &str, names: &[String]) -> Result<Vec<Column>, (Option<usize>, String)> {
    let Some(kind) = pane_kind(pane) else {
        return Err((None, format!("no pane {pane:?}: use {}", pane_names().join(", "))));
    };
    let valid = columns::names_of(kind);
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate() {
        match Column::parse(name).filter(|c| columns::columns_of(kind).contains(c)) {
            Some(c) if out.contains(&c) => return Err((Some(i), format!("{name:?} is named twice"))),
            Some(c) => out.push(c),
            None => {
                return Err((Some(i), format!("{pane} has no column {name:?}: use {}", valid.join(", "))));
            }
        }
    }
    if !out.contains(&Column::Name) {
        return Err((None, format!("{pane}: the name column always shows; add \"name\"")));
    }
    Ok(out)
}

/// Set `[columns] pane = [...]` in the configuration file at `path`, keeping everything else as
/// it was (written whole and atomically, with its permissions, as templates are).
pub fn save(path: &Path, pane: &str, names: &[String]) -> Result<(), String> {
    super::templates::edit(path, |doc, shown| {
        let table = doc.entry("columns").or_insert_with(toml_edit::table);
        let Some(table) = table.as_table_like_mut() else {
            return Err(format!("{shown}: `columns` is not a table ([columns]), so it was left alone"));
        };
        let list: toml_edit::Array = names.iter().map(String::as_str).collect();
        // An existing line keeps its key, and the comments around it.
        match table.get_mut(pane).and_then(toml_edit::Item::as_value_mut) {
            Some(value) => {
                let decor = value.decor().clone();
                *value = toml_edit::Value::Array(list);
                *value.decor_mut() = decor;
            }
            None => drop(table.insert(pane, toml_edit::value(list))),
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn names_are_read_per_pane_and_mistakes_named() {
        assert_eq!(
            read("sessions", &names(&["Name", "state", "idle-in"])),
            Ok(vec![Column::Name, Column::State, Column::IdleIn])
        );
        let (at, why) = read("sessions", &names(&["name", "workers"])).err().unwrap_or_default();
        assert_eq!(at, Some(1));
        assert!(why.starts_with("sessions has no column \"workers\": use workspace, name, id"), "{why}");
        assert!(read("sessions", &names(&["name", "name"])).is_err_and(|(at, _)| at == Some(1)));
        assert!(
            read("session", &names(&["name"])).is_err_and(|(_, why)| why.contains("use sessions, batches"))
        );
        assert!(read("runs", &names(&["state"])).is_err_and(|(_, why)| why.contains("always shows")));
    }

    #[test]
    fn saving_keeps_comments_and_the_file_mode() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("config.toml");
        let before =
            "# my settings\nread_only = false # keep\n\n[columns]\n# mine\nruns = [\"name\"] # short\n";
        std::fs::write(&path, before)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640))?;
        }
        save(&path, "sessions", &names(&["name", "state"]))?;
        save(&path, "runs", &names(&["name", "result"]))?;
        let text = std::fs::read_to_string(&path)?;
        assert!(text.starts_with("# my settings\nread_only = false # keep\n\n[columns]\n# mine\n"), "{text}");
        assert!(text.contains("runs = [\"name\", \"result\"] # short\n"), "{text}");
        let read: toml::Table = text.parse()?;
        assert_eq!(read["columns"]["sessions"].as_array().map(Vec::len), Some(2));
        assert_eq!(read["columns"]["runs"][1].as_str(), Some("result"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o640);
        }
        let broken = dir.path().join("broken.toml");
        std::fs::write(&broken, "read_only = \n")?;
        assert!(save(&broken, "runs", &names(&["name"])).is_err_and(|e| e.contains("left alone")));
        assert_eq!(std::fs::read_to_string(&broken)?, "read_only = \n");
        Ok(())
    }
}
