//! The statement editor's text and statement history on disk, so neither is lost when
//! sparkdeck crashes, is killed or the terminal closes.
//!
//! - `draft.json`: the editor text and language, rewritten (atomically: a temporary file then a
//!   rename) after every change, so a crash leaves either the old or the new text, never half.
//! - `tabs.json`: every editor tab's text and language and the tab in front, rewritten the same
//!   way; without it (an older sparkdeck) `draft.json` is the one tab.
//! - `history.jsonl`: one JSON line per statement run, appended; read back capped at
//!   [`MAX_HISTORY`], and compacted when the file holds twice that.
//!
//! Both live in the data directory, files mode 0600: they hold code exactly as typed, which may
//! name tables and paths — or, if the user pasted one, a key. sparkdeck's own secrets (tokens,
//! client secrets) are never written here.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::domain::statement::Language;

/// Statements kept in the history.
pub const MAX_HISTORY: usize = 500;

/// The editor's text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Draft {
    pub language: Language,
    pub text: String,
}

/// One statement the user ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub language: Language,
    pub code: String,
    pub workspace: String,
    pub at: Timestamp,
}

/// Every editor tab's text, in order, the tab in front, and where each tab ran code: what
/// `tabs.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tabs {
    #[serde(default)]
    pub active: usize,
    pub tabs: Vec<Draft>,
    /// One per tab (missing ones: none chosen yet).
    #[serde(default)]
    pub targets: Vec<Option<Target>>,
}

/// Where a tab ran code: a workspace and a lakehouse, a Livy session or a cluster in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Target {
    /// A REPL of sparkdeck's own in this lakehouse (by label; none: the first).
    Lakehouse {
        workspace: String,
        lakehouse: Option<String>,
    },
    Session {
        workspace: String,
        lakehouse: String,
        id: String,
        name: String,
    },
    Cluster {
        workspace: String,
        id: String,
        name: String,
    },
}

/// Where the files are.
#[derive(Debug, Clone)]
pub struct Drafts {
    dir: PathBuf,
}

impl Drafts {
    /// Files under `<data_dir>/editor/`.
    pub fn in_data_dir(data_dir: &Path) -> Drafts {
        Drafts { dir: data_dir.join("editor") }
    }

    pub fn draft_path(&self) -> PathBuf {
        self.dir.join("draft.json")
    }

    pub fn tabs_path(&self) -> PathBuf {
        self.dir.join("tabs.json")
    }

    /// The saved tabs. Without a tabs file (a first start, or a draft from a sparkdeck without
    /// tabs), the draft as the one tab. An unreadable tabs file is moved aside to
    /// `tabs.json.unreadable` and reported, as an unreadable draft is.
    pub fn load_tabs(&self) -> Result<Tabs, String> {
        let path = self.tabs_path();
        match fs::read_to_string(&path) {
            Ok(text) => match serde_json::from_str::<Tabs>(&text) {
                Ok(tabs) if !tabs.tabs.is_empty() => {
                    Ok(Tabs { active: tabs.active.min(tabs.tabs.len() - 1), ..tabs })
                }
                Ok(_) => Ok(Tabs { active: 0, tabs: vec![Draft::default()], targets: Vec::new() }),
                Err(e) => {
                    let aside = self.dir.join("tabs.json.unreadable");
                    let kept = match fs::rename(&path, &aside) {
                        Ok(()) => format!("kept as {}", aside.display()),
                        Err(_) => "left in place".into(),
                    };
                    Err(format!(
                        "{}: not sparkdeck editor tabs ({e}); {kept}; starting with one empty tab",
                        path.display()
                    ))
                }
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                self.load_draft().map(|draft| Tabs { active: 0, tabs: vec![draft], targets: Vec::new() })
            }
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Replace the tabs file atomically.
    pub fn save_tabs(&self, tabs: &Tabs) -> io::Result<()> {
        self.ensure_dir()?;
        let tmp = self.dir.join("tabs.json.tmp");
        let mut file = private(OpenOptions::new().write(true).create(true).truncate(true)).open(&tmp)?;
        file.write_all(&serde_json::to_vec(tabs).map_err(io::Error::other)?)?;
        file.sync_all()?;
        fs::rename(&tmp, self.tabs_path())
    }

    pub fn history_path(&self) -> PathBuf {
        self.dir.join("history.jsonl")
    }

    /// The saved draft; a missing file is an empty draft. An unreadable one is moved aside to
    /// `draft.json.unreadable` (so the next save cannot overwrite it) and reported: the caller
    /// shows the message and starts empty.
    pub fn load_draft(&self) -> Result<Draft, String> {
        let path = self.draft_path();
        match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                let aside = self.dir.join("draft.json.unreadable");
                let kept = match fs::rename(&path, &aside) {
                    Ok(()) => format!("kept as {}", aside.display()),
                    Err(_) => "left in place".into(),
                };
                format!(
                    "{}: not a sparkdeck draft ({e}); {kept}; starting with an empty editor",
                    path.display()
                )
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Draft::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Replace the draft atomically.
    pub fn save_draft(&self, draft: &Draft) -> io::Result<()> {
        self.ensure_dir()?;
        let path = self.draft_path();
        let tmp = self.dir.join("draft.json.tmp");
        let mut file = private(OpenOptions::new().write(true).create(true).truncate(true)).open(&tmp)?;
        file.write_all(&serde_json::to_vec(draft).map_err(io::Error::other)?)?;
        file.sync_all()?;
        fs::rename(&tmp, &path)
    }

    /// The last [`MAX_HISTORY`] entries, oldest first. Lines that do not parse (a crash in the
    /// middle of an append) are skipped; the file is compacted when it has grown to twice the cap.
    pub fn load_history(&self) -> Vec<HistoryEntry> {
        let path = self.history_path();
        let Ok(file) = File::open(&path) else { return Vec::new() };
        let mut lines = 0;
        let mut entries: Vec<HistoryEntry> = Vec::new();
        for line in BufReader::new(file).lines().map_while(Result::ok) {
            lines += 1;
            if let Ok(entry) = serde_json::from_str(&line) {
                entries.push(entry);
            }
        }
        let skip = entries.len().saturating_sub(MAX_HISTORY);
        entries.drain(..skip);
        if lines >= 2 * MAX_HISTORY {
            let _ = self.rewrite_history(&entries);
        }
        entries
    }

    pub fn append_history(&self, entry: &HistoryEntry) -> io::Result<()> {
        self.ensure_dir()?;
        let mut line = serde_json::to_vec(entry).map_err(io::Error::other)?;
        line.push(b'\n');
        let mut file = private(OpenOptions::new().append(true).create(true)).open(self.history_path())?;
        // One write per line, so a crash cuts at most this line.
        file.write_all(&line)
    }

    fn rewrite_history(&self, entries: &[HistoryEntry]) -> io::Result<()> {
        let tmp = self.dir.join("history.jsonl.tmp");
        let mut file = private(OpenOptions::new().write(true).create(true).truncate(true)).open(&tmp)?;
        for e in entries {
            let mut line = serde_json::to_vec(e).map_err(io::Error::other)?;
            line.push(b'\n');
            file.write_all(&line)?;
        }
        file.sync_all()?;
        fs::rename(tmp, self.history_path())
    }

    fn ensure_dir(&self) -> io::Result<()> {
        fs::create_dir_all(&self.dir)
    }
}

/// Files readable by their owner only.
fn private(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(i: usize) -> HistoryEntry {
        HistoryEntry {
            language: Language::Sql,
            code: format!("SELECT {i}"),
            workspace: "w".into(),
            at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn drafts_round_trip_atomically_and_privately() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let drafts = Drafts::in_data_dir(dir.path());
        assert_eq!(drafts.load_draft(), Ok(Draft::default()), "no file yet: an empty draft");
        let draft = Draft { language: Language::Scala, text: "val x = 1\nx + 1".into() };
        drafts.save_draft(&draft)?;
        assert_eq!(drafts.load_draft(), Ok(draft));
        assert!(!dir.path().join("editor/draft.json.tmp").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(drafts.draft_path())?.permissions().mode() & 0o777, 0o600);
        }
        fs::write(drafts.draft_path(), "{not json")?;
        assert!(
            drafts
                .load_draft()
                .is_err_and(|e| e.contains("draft.json.unreadable") && e.contains("empty editor"))
        );
        assert_eq!(fs::read_to_string(dir.path().join("editor/draft.json.unreadable"))?, "{not json");
        assert_eq!(
            drafts.load_draft(),
            Ok(Draft::default()),
            "moved aside, so the next save cannot overwrite it"
        );
        Ok(())
    }

    #[test]
    fn tabs_round_trip_and_an_old_draft_is_the_first_tab() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let drafts = Drafts::in_data_dir(dir.path());
        let old = Draft { language: Language::Sql, text: "SELECT 1".into() };
        drafts.save_draft(&old)?;
        assert_eq!(drafts.load_tabs(), Ok(Tabs { active: 0, tabs: vec![old.clone()], targets: Vec::new() }));
        let cluster = Target::Cluster { workspace: "adb".into(), id: "0101".into(), name: "etl".into() };
        let tabs = Tabs {
            active: 1,
            tabs: vec![old, Draft { language: Language::R, text: "x <- 1".into() }],
            targets: vec![None, Some(cluster)],
        };
        drafts.save_tabs(&tabs)?;
        assert_eq!(drafts.load_tabs(), Ok(tabs));
        fs::write(drafts.tabs_path(), "[")?;
        assert!(drafts.load_tabs().is_err_and(|e| e.contains("tabs.json.unreadable")));
        assert_eq!(fs::read_to_string(dir.path().join("editor/tabs.json.unreadable"))?, "[");
        Ok(())
    }

    #[test]
    fn history_keeps_the_newest_and_survives_a_torn_line() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let drafts = Drafts::in_data_dir(dir.path());
        for i in 0..(2 * MAX_HISTORY + 3) {
            drafts.append_history(&entry(i))?;
        }
        // A crash in the middle of an append.
        let mut file = OpenOptions::new().append(true).open(drafts.history_path())?;
        file.write_all(b"{\"language\":\"sql\",\"co")?;
        let loaded = drafts.load_history();
        assert_eq!(loaded.len(), MAX_HISTORY);
        assert_eq!(loaded.last(), Some(&entry(2 * MAX_HISTORY + 2)));
        // Compacted on that load.
        let lines = fs::read_to_string(drafts.history_path())?.lines().count();
        assert_eq!(lines, MAX_HISTORY);
        drafts.append_history(&entry(9999))?;
        assert_eq!(drafts.load_history().last(), Some(&entry(9999)));
        Ok(())
    }
}
