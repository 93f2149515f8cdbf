//! Named filters (`:filter save NAME`) on disk: `<data_dir>/filters.json`, rewritten whole and
//! atomically (a private temporary file beside it, synced, renamed over it), so a crash leaves
//! the old list or the new one, never half of either. A file that does not read is moved aside
//! (`filters.json.unreadable`), never overwritten, and the monitor says so.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::paths::create_private_dir;

/// One saved filter: the `/` text, "mine only" and the pane it was made in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedFilter {
    pub name: String,
    /// The filter line as typed (may be empty when only `mine` is set).
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub mine: bool,
    /// The pane's command name (`runs`, `all`).
    pub pane: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    filters: Vec<NamedFilter>,
}

/// Where the named filters live.
#[derive(Debug, Clone)]
pub struct FilterStore {
    path: PathBuf,
}

impl FilterStore {
    pub fn in_data_dir(data_dir: &Path) -> FilterStore {
        FilterStore { path: data_dir.join("filters.json") }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved filters; a note for the user when the file could not be read (it is then
    /// moved aside and the list starts empty).
    pub fn load(&self) -> (Vec<NamedFilter>, Option<String>) {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Vec::new(), None),
            Err(e) => return (Vec::new(), Some(format!("cannot read {}: {e}", self.path.display()))),
        };
        match serde_json::from_slice::<File>(&bytes) {
            Ok(f) => (f.filters, None),
            Err(e) => {
                let aside = self.path.with_extension("json.unreadable");
                let moved = match std::fs::rename(&self.path, &aside) {
                    Ok(()) => format!("moved to {}", aside.display()),
                    Err(m) => format!("and could not be moved aside: {m}"),
                };
                (
                    Vec::new(),
                    Some(format!("named filters in {} do not read ({e}); {moved}", self.path.display())),
                )
            }
        }
    }

    /// Replace the file with `filters`.
    pub fn save(&self, filters: &[NamedFilter]) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        create_private_dir(dir)?;
        let bytes =
            serde_json::to_vec_pretty(&File { filters: filters.to_vec() }).map_err(std::io::Error::other)?;
        let mut tmp = tempfile::Builder::new().prefix(".filters.json.").tempfile_in(dir)?;
        tmp.write_all(&bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(name: &str) -> NamedFilter {
        NamedFilter {
            name: name.into(),
            text: "state:failed ws:prod".into(),
            mine: true,
            pane: "runs".into(),
        }
    }

    #[test]
    fn filters_survive_a_round_trip_and_a_crash_mid_write() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = FilterStore::in_data_dir(&dir.path().join("data"));
        assert_eq!(store.load(), (Vec::new(), None), "no file: no filters, nothing to say");
        store.save(&[filter("broken"), filter("mine")])?;
        assert_eq!(store.load().0, [filter("broken"), filter("mine")]);
        // A writer killed mid-write leaves only its temporary file: the list is the old one.
        std::fs::write(dir.path().join("data/.filters.json.x1"), b"{\"filters\": [")?;
        assert_eq!(store.load().0.len(), 2);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(store.path())?.permissions().mode() & 0o777, 0o600);
        }
        Ok(())
    }

    #[test]
    fn an_unreadable_file_is_moved_aside_and_said() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = FilterStore::in_data_dir(dir.path());
        std::fs::write(store.path(), b"not json")?;
        let (filters, note) = store.load();
        assert!(filters.is_empty());
        let note = note.unwrap_or_default();
        assert!(note.contains("do not read") && note.contains("filters.json.unreadable"), "{note}");
        assert_eq!(std::fs::read(dir.path().join("filters.json.unreadable"))?, b"not json");
        Ok(())
    }
}
