//! The statement durations [`super::statement_pace`] learned, on disk
//! (`<data_dir>/statement_pace.json`), so each `sparkdeck sessions exec` / `clusters exec` (a
//! process of its own) starts from what the runs before it learned at the same session or
//! cluster, as the editor does within one process.
//!
//! A cache, not the user's data: rewritten whole and atomically (a temporary file beside it,
//! renamed over it), unsynced (a crash at worst loses what was learned since the last write); a
//! file that does not read, or from another version, is ignored and replaced by the next write.
//! Bounded like the table itself (places and durations each). Processes at the same time: each
//! write keeps the places the file has and the writer does not know, so none loses another's.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// Bumped when the meaning of a field changes: an older file is then ignored.
const VERSION: u32 = 1;

/// How long one statement took, as far as its reads told (see `statement_pace::Took`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TookMs {
    Ended(u64),
    Within(u64),
}

/// One place (a `workspace/session` or `workspace/cluster` key) and its newest durations,
/// oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub place: String,
    pub took: Vec<TookMs>,
}

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    /// Least recently learned first.
    places: Vec<Place>,
}

/// The places in `path`, least recently learned first; none when there is no file or it does
/// not read (said in the log: the next write replaces it).
pub fn load(path: &Path) -> Vec<Place> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            tracing::warn!("cannot read {}: {e}; statement timings are learned afresh", path.display());
            return Vec::new();
        }
    };
    match serde_json::from_slice::<File>(&bytes) {
        Ok(f) if f.version == VERSION => f.places,
        Ok(f) => {
            tracing::info!("{} is of version {}; it is replaced", path.display(), f.version);
            Vec::new()
        }
        Err(e) => {
            tracing::warn!("{} does not read ({e}); it is replaced", path.display());
            Vec::new()
        }
    }
}

/// Write `places` (least recently learned first) to `path`, after the places of the file now
/// there that `places` lacks, keeping the newest `limit` of them.
pub fn save(path: &Path, places: &[Place], limit: usize) -> std::io::Result<()> {
    let mut all: Vec<Place> =
        load(path).into_iter().filter(|p| !places.iter().any(|q| q.place == p.place)).collect();
    all.extend(places.iter().cloned());
    let keep = all.len().saturating_sub(limit);
    all.drain(..keep);
    let dir = path.parent().unwrap_or(Path::new("."));
    crate::config::paths::create_private_dir(dir)?;
    let bytes = serde_json::to_vec(&File { version: VERSION, places: all }).map_err(std::io::Error::other)?;
    let mut tmp = tempfile::Builder::new().prefix(".statement_pace.json.").tempfile_in(dir)?;
    tmp.write_all(&bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(name: &str, ms: u64) -> Place {
        Place { place: name.into(), took: vec![TookMs::Ended(ms), TookMs::Within(ms + 10)] }
    }

    #[test]
    fn places_survive_a_round_trip_bounded_and_merged_with_another_writer()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("data/statement_pace.json");
        assert!(load(&path).is_empty(), "no file: nothing learned");
        save(&path, &[place("ws/a", 400), place("ws/b", 500)], 3)?;
        assert_eq!(load(&path), [place("ws/a", 400), place("ws/b", 500)]);
        // Another process learned at c and again at a: b, which it did not know, is kept.
        save(&path, &[place("ws/c", 600), place("ws/a", 450)], 3)?;
        assert_eq!(load(&path), [place("ws/b", 500), place("ws/c", 600), place("ws/a", 450)]);
        // Bounded: the least recently learned goes first.
        save(&path, &[place("ws/d", 700)], 3)?;
        let names: Vec<String> = load(&path).into_iter().map(|p| p.place).collect();
        assert_eq!(names, ["ws/c", "ws/a", "ws/d"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
        }
        Ok(())
    }

    #[test]
    fn a_broken_or_foreign_file_is_ignored_and_replaced() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("statement_pace.json");
        for broken in [
            &b"{\"version\": 1, \"places\": [{\"place\": "[..],
            b"not json",
            b"{\"version\": 99, \"places\": []}",
        ] {
            std::fs::write(&path, broken)?;
            assert!(load(&path).is_empty());
            save(&path, &[place("ws/a", 400)], 8)?;
            assert_eq!(load(&path), [place("ws/a", 400)]);
        }
        // A writer killed mid-write leaves only its temporary file: the file is the last whole one.
        std::fs::write(dir.path().join(".statement_pace.json.x1"), b"{\"version\"")?;
        assert_eq!(load(&path), [place("ws/a", 400)]);
        Ok(())
    }
}
