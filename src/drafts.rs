//! The statement editor's text and statement history on disk, so neither is lost when
//! sparkdeck crashes, is killed or the terminal closes.
//!
//! - `draft.json`: the editor text and language, rewritten (atomically: a temporary file then a
//!   rename) after every change, so a crash leaves either the old or the new text, never half.
//!   A draft that cannot be read for any reason is moved aside, never over an earlier rescue.
//! - `tabs.json`: every editor tab's text, language and target and the tab in front, written and
//!   rescued the same way; without it (an older sparkdeck) `draft.json` is the one tab.
//! - `history.jsonl`: one JSON line per statement run, appended; read back capped at
//!   [`MAX_HISTORY`], skipping lines that do not read, and compacted (atomically) when the file
//!   holds twice that.
//!
//! Both live in `<data_dir>/editor/` (0700), files 0600: they hold code exactly as typed, which
//! may name tables and paths — or, if the user pasted one, a key. sparkdeck's own secrets
//! (tokens, client secrets) are never written here.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::config::paths::create_private_dir;
use crate::domain::statement::Language;

/// Statements kept in the history.
pub const MAX_HISTORY: usize = 500;

/// A draft larger than this is not one sparkdeck wrote (the editor holds code): it is moved
/// aside rather than read into memory. The history is read from its last this-many bytes.
const MAX_FILE_BYTES: u64 = 64 << 20;

/// Rescued copies per file name: `draft.json.unreadable.1` … `.999`.
const MAX_RESCUES: u32 = 999;

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

/// The history as read: its entries, and what could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// The newest [`MAX_HISTORY`] entries, oldest first.
    pub entries: Vec<HistoryEntry>,
    /// Lines that were skipped, torn appends included.
    pub skipped: usize,
    /// Why each skipped line other than a torn append was skipped ("line 7: …").
    pub problems: Vec<String>,
    /// For the user when lines other than torn appends were skipped or the file was rescued.
    pub notice: Option<String>,
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
    /// A REPL of sparkdeck's own in this lakehouse, in the session tagged `tag`.
    Tagged {
        workspace: String,
        lakehouse: String,
        tag: String,
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

impl Draft {
    /// A draft file's bytes, or why they are not one (each reason precise: offset, line, column).
    pub fn from_bytes(bytes: &[u8]) -> Result<Draft, String> {
        let text = std::str::from_utf8(bytes)
            .map_err(|e| format!("not UTF-8 text (invalid byte at offset {})", e.valid_up_to()))?;
        serde_json::from_str(text).map_err(|e| format!("not a sparkdeck draft ({e})"))
    }
}

impl History {
    /// A history file's bytes: every line that reads as an entry, the newest [`MAX_HISTORY`]
    /// kept. A line that does not read is skipped, never the ones after it; a line cut short
    /// (an append torn by a crash) quietly, any other named in `problems`.
    pub fn from_bytes(bytes: &[u8]) -> History {
        let mut history = History::default();
        for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match history_line(line) {
                Ok(entry) => history.entries.push(entry),
                Err(None) => history.skipped += 1,
                Err(Some(why)) => {
                    history.skipped += 1;
                    history.problems.push(format!("line {}: {why}", i + 1));
                }
            }
        }
        let old = history.entries.len().saturating_sub(MAX_HISTORY);
        history.entries.drain(..old);
        history
    }
}

/// One history line: its entry, or `Err(None)` for a torn append, `Err(Some(why))` otherwise.
fn history_line(line: &[u8]) -> Result<HistoryEntry, Option<String>> {
    // `error_len` is `None` when the line was cut inside a character: a torn append.
    let text = std::str::from_utf8(line).map_err(|e| {
        e.error_len().map(|_| format!("not UTF-8 (invalid byte at column {})", e.valid_up_to() + 1))
    })?;
    serde_json::from_str(text).map_err(|e| {
        // serde_json says "… at line 1 column N": the line is ours to name.
        let why = e.to_string();
        let why = why.rsplit_once(" at line ").map_or(why.as_str(), |(msg, _)| msg);
        (!e.is_eof()).then(|| format!("{why} (column {})", e.column()))
    })
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
    /// tabs), the draft as the one tab. A tabs file that cannot be read is moved aside (as an
    /// unreadable draft is) and reported; the caller starts with one empty tab.
    pub fn load_tabs(&self) -> Result<Tabs, String> {
        let path = self.tabs_path();
        let why = match read_regular(&path, MAX_FILE_BYTES) {
            Ok(None) => {
                return self.load_draft().map(|draft| Tabs {
                    active: 0,
                    tabs: vec![draft],
                    targets: Vec::new(),
                });
            }
            Ok(Some(bytes)) => match std::str::from_utf8(&bytes)
                .map_err(|e| format!("not UTF-8 text (invalid byte at offset {})", e.valid_up_to()))
                .and_then(|t| {
                    serde_json::from_str::<Tabs>(t).map_err(|e| format!("not sparkdeck editor tabs ({e})"))
                }) {
                Ok(tabs) if tabs.tabs.is_empty() => {
                    return Ok(Tabs { tabs: vec![Draft::default()], ..Tabs::default() });
                }
                Ok(tabs) => return Ok(Tabs { active: tabs.active.min(tabs.tabs.len() - 1), ..tabs }),
                Err(why) => why,
            },
            Err(why) => why,
        };
        Err(rescued(&path, &why, "starting with one empty tab"))
    }

    /// Replace the tabs file atomically.
    pub fn save_tabs(&self, tabs: &Tabs) -> io::Result<()> {
        self.ensure_dir()?;
        let bytes = serde_json::to_vec(tabs).map_err(io::Error::other)?;
        self.replace(&self.tabs_path(), &bytes)
    }

    pub fn history_path(&self) -> PathBuf {
        self.dir.join("history.jsonl")
    }

    /// The saved draft; a missing file is an empty draft. One that cannot be read for any reason
    /// (not UTF-8, not a draft, not a regular file, not readable, too large) is moved aside to
    /// the first free `draft.json.unreadable.N`, so the next save cannot overwrite it, and
    /// reported: the caller shows the message (it names where the file went) and starts empty.
    pub fn load_draft(&self) -> Result<Draft, String> {
        self.clear_stale_temporaries();
        let path = self.draft_path();
        let why = match read_regular(&path, MAX_FILE_BYTES) {
            Ok(None) => return Ok(Draft::default()),
            Ok(Some(bytes)) => match Draft::from_bytes(&bytes) {
                Ok(draft) => return Ok(draft),
                Err(why) => why,
            },
            Err(why) => why,
        };
        Err(rescued(&path, &why, "starting with an empty editor"))
    }

    /// Replace the draft atomically.
    pub fn save_draft(&self, draft: &Draft) -> io::Result<()> {
        self.ensure_dir()?;
        let bytes = serde_json::to_vec(draft).map_err(io::Error::other)?;
        self.replace(&self.draft_path(), &bytes)
    }

    /// The last [`MAX_HISTORY`] entries, oldest first (see [`Drafts::read_history`]).
    pub fn load_history(&self) -> Vec<HistoryEntry> {
        self.read_history().entries
    }

    /// The history, with a notice for the user when lines were unreadable or the file had to
    /// be moved aside. The file is compacted to the newest entries once it holds twice
    /// [`MAX_HISTORY`] lines; if some of them did not read, the file as it was is first moved
    /// to `history.jsonl.unreadable.N`.
    pub fn read_history(&self) -> History {
        let path = self.history_path();
        let (bytes, whole) = match read_tail(&path, MAX_FILE_BYTES) {
            Ok(Some(read)) => read,
            Ok(None) => return History::default(),
            Err(why) => {
                let kept = match rescue(&path) {
                    Ok(aside) => format!("it was moved to {}", aside.display()),
                    Err(e) => format!("it could not be moved aside: {e}"),
                };
                let notice = Some(format!("{}: {why}; {kept}", path.display()));
                return History { notice, ..History::default() };
            }
        };
        let lines = bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count();
        let mut history = History::from_bytes(&bytes);
        let mut kept = None;
        // Read from the tail only: what was not read is older than the newest MAX_HISTORY only
        // when that many were read.
        if lines >= 2 * MAX_HISTORY && (whole || history.entries.len() >= MAX_HISTORY) {
            let safe = match history.problems.is_empty() {
                true => Ok(()),
                false => rescue(&path).map(|aside| kept = Some(aside)),
            };
            if safe.is_ok() {
                let _ = self.rewrite_history(&history.entries);
            }
        }
        if let Some(first) = history.problems.first() {
            let more = history.problems.len() - 1;
            let more = if more > 0 { format!(" and {more} more") } else { String::new() };
            let mut notice = format!(
                "{}: skipped {} unreadable line(s) ({first}{more})",
                path.display(),
                history.problems.len()
            );
            if let Some(aside) = kept {
                notice += &format!("; the file as it was is kept as {}", aside.display());
            }
            history.notice = Some(notice);
        }
        history
    }

    pub fn append_history(&self, entry: &HistoryEntry) -> io::Result<()> {
        self.ensure_dir()?;
        let path = self.history_path();
        refuse_special(&path)?;
        let mut line = serde_json::to_vec(entry).map_err(io::Error::other)?;
        line.push(b'\n');
        let mut file = private(OpenOptions::new().read(true).append(true).create(true)).open(&path)?;
        // A crash may have cut the last append short: start on a line of our own, or this
        // entry would be glued to the fragment and lost with it.
        if file.seek(SeekFrom::End(0))? > 0 {
            let mut last = [0u8];
            file.seek(SeekFrom::End(-1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                line.insert(0, b'\n');
            }
        }
        // One write per line, so a crash cuts at most this line.
        file.write_all(&line)
    }

    fn rewrite_history(&self, entries: &[HistoryEntry]) -> io::Result<()> {
        let mut bytes = Vec::new();
        for e in entries {
            serde_json::to_writer(&mut bytes, e).map_err(io::Error::other)?;
            bytes.push(b'\n');
        }
        self.replace(&self.history_path(), &bytes)
    }

    /// Write `path` atomically: a private temporary file beside it (a name of its own, so two
    /// sparkdecks never write into one), synced, then renamed over `path`.
    fn replace(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(TMP_SUFFIX)
            .tempfile_in(&self.dir)?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        // The rename itself reaches the disk with the directory.
        if let Ok(dir) = File::open(&self.dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }

    /// Temporary files left by a writer that was killed mid-write (never the live ones: a
    /// write takes milliseconds).
    fn clear_stale_temporaries(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else { return };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let ours = name.starts_with(".draft.json.") || name.starts_with(".history.jsonl.");
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > STALE_TMP));
            if ours && name.ends_with(TMP_SUFFIX) && stale {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    fn ensure_dir(&self) -> io::Result<()> {
        create_private_dir(&self.dir)
    }
}

const TMP_SUFFIX: &str = ".tmp";
const STALE_TMP: std::time::Duration = std::time::Duration::from_secs(600);

/// Opening a FIFO or a device would block or read forever: only regular files are ours.
fn refuse_special(path: &Path) -> io::Result<()> {
    match fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            Err(io::Error::other(format!("{} is not a regular file", path.display())))
        }
        _ => Ok(()),
    }
}

/// The metadata of `path` if it is a regular file; `None` when it does not exist.
fn regular(path: &Path) -> Result<Option<fs::Metadata>, String> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(Some(meta)),
        Ok(_) => Err("not a regular file".into()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// The bytes of a regular file of at most `max` bytes; `None` when it does not exist.
fn read_regular(path: &Path, max: u64) -> Result<Option<Vec<u8>>, String> {
    let Some(meta) = regular(path)? else { return Ok(None) };
    if meta.len() > max {
        return Err(format!("{} bytes: far too large for a draft", meta.len()));
    }
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// The last `max` bytes of a regular file, from a line start, and whether that is all of it;
/// `None` when it does not exist.
fn read_tail(path: &Path, max: u64) -> Result<Option<(Vec<u8>, bool)>, String> {
    let Some(meta) = regular(path)? else { return Ok(None) };
    let read = || -> io::Result<(Vec<u8>, bool)> {
        let mut file = File::open(path)?;
        let start = meta.len().saturating_sub(max);
        file.seek(SeekFrom::Start(start))?;
        let mut bytes = Vec::new();
        file.take(max).read_to_end(&mut bytes)?;
        if start > 0 {
            // Drop the line the cut fell into.
            let first = bytes.iter().position(|b| *b == b'\n').map_or(bytes.len(), |i| i + 1);
            bytes.drain(..first);
        }
        Ok((bytes, start == 0))
    };
    match read() {
        Ok(read) => Ok(Some(read)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// Move the unreadable file `path` aside and say so: why it did not read, where it went, and
/// what happens `then`. If it cannot be moved, the directory is not writable: saving fails
/// too, so the file is still not overwritten.
fn rescued(path: &Path, why: &str, then: &str) -> String {
    let kept = match rescue(path) {
        Ok(aside) => format!("it was moved to {}", aside.display()),
        Err(e) => format!("it could not be moved aside ({e}) and is left in place"),
    };
    format!("{}: {why}; {kept}; {then}", path.display())
}

/// Move `path` to the first free `<name>.unreadable.N`. A hard link then an unlink never
/// replaces an earlier rescue (a rename would); what cannot be linked (a directory, a file
/// system without links) is renamed to a name checked free.
fn rescue(path: &Path) -> io::Result<PathBuf> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for n in 1..=MAX_RESCUES {
        let aside = path.with_file_name(format!("{name}.unreadable.{n}"));
        match fs::hard_link(path, &aside) {
            Ok(()) => {
                // Even if the unlink fails the content is safe: sparkdeck replaces files by
                // renaming over them, which leaves the linked copy as it was.
                let _ = fs::remove_file(path);
                return Ok(aside);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(_) if fs::symlink_metadata(&aside).is_ok() => continue,
            Err(_) => {
                fs::rename(path, &aside)?;
                return Ok(aside);
            }
        }
    }
    Err(io::Error::other(format!("{MAX_RESCUES} rescued copies exist already; remove some")))
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
        assert!(drafts.load_tabs().is_err_and(|e| e.contains("tabs.json.unreadable.1")), "rescued");
        assert_eq!(fs::read_to_string(dir.path().join("editor/tabs.json.unreadable.1"))?, "[");
        assert_eq!(
            drafts.load_tabs().map(|t| t.tabs[0].text.clone()),
            Ok("SELECT 1".into()),
            "back to the draft"
        );
        Ok(())
    }

    use super::*;

    fn entry(i: usize) -> HistoryEntry {
        HistoryEntry {
            language: Language::Sql,
            code: format!("SELECT {i}"),
            workspace: "w".into(),
            at: Timestamp::UNIX_EPOCH,
        }
    }

    /// A fresh data directory with its `editor/` made (kept alive by the returned guard).
    fn editor_dir() -> io::Result<(tempfile::TempDir, Drafts)> {
        let dir = tempfile::tempdir()?;
        let drafts = Drafts::in_data_dir(dir.path());
        fs::create_dir_all(&drafts.dir)?;
        Ok((dir, drafts))
    }

    fn line(i: usize) -> String {
        serde_json::to_string(&entry(i)).unwrap_or_default() + "\n"
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).map(|m| m.permissions().mode() & 0o777).unwrap_or(0)
    }

    #[test]
    fn drafts_round_trip_atomically_and_privately() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let drafts = Drafts::in_data_dir(dir.path());
        assert_eq!(drafts.load_draft(), Ok(Draft::default()), "no file yet: an empty draft");
        let draft = Draft { language: Language::Scala, text: "val x = 1\nx + 1\n".into() };
        drafts.save_draft(&draft)?;
        assert_eq!(drafts.load_draft(), Ok(draft), "the text comes back exactly, final newline included");
        let names: Vec<String> = fs::read_dir(&drafts.dir)?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["draft.json"], "no temporary file is left behind");
        #[cfg(unix)]
        assert_eq!((mode(&drafts.draft_path()), mode(&drafts.dir)), (0o600, 0o700));
        Ok(())
    }

    #[test]
    fn an_unreadable_draft_is_moved_aside_never_over_an_earlier_rescue() -> io::Result<()> {
        let (_dir, drafts) = editor_dir()?;
        let aside = |n: u32| drafts.dir.join(format!("draft.json.unreadable.{n}"));
        // Not UTF-8: neither loaded nor lost.
        let latin1 = b"{\"language\":\"sql\",\"text\":\"caf\xe9\"}".to_vec();
        fs::write(drafts.draft_path(), &latin1)?;
        let err = drafts.load_draft().err().unwrap_or_default();
        assert!(err.contains("not UTF-8") && err.contains("offset 29"), "{err}");
        assert!(err.contains(&aside(1).display().to_string()) && err.contains("empty editor"), "{err}");
        assert_eq!(fs::read(aside(1))?, latin1);
        assert_eq!(
            drafts.load_draft(),
            Ok(Draft::default()),
            "moved aside: the next save cannot overwrite it"
        );
        // A second bad draft gets the next number; the first rescue is untouched.
        fs::write(drafts.draft_path(), "{not json")?;
        let err = drafts.load_draft().err().unwrap_or_default();
        assert!(err.contains("not a sparkdeck draft") && err.contains("line 1 column 2"), "{err}");
        assert_eq!((fs::read(aside(1))?, fs::read_to_string(aside(2))?), (latin1, "{not json".to_string()));
        // Valid JSON of another shape, and something that is not a file at all.
        fs::write(drafts.draft_path(), "[1, 2]")?;
        assert!(drafts.load_draft().is_err_and(|e| e.contains("unreadable.3")));
        fs::create_dir(drafts.draft_path())?;
        let err = drafts.load_draft().err().unwrap_or_default();
        assert!(err.contains("not a regular file") && err.contains("unreadable.4"), "{err}");
        assert!(aside(4).is_dir());
        drafts.save_draft(&Draft { language: Language::R, text: "1".into() })?;
        assert_eq!(drafts.load_draft().map(|d| d.text), Ok("1".into()));
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_for_a_draft_or_history_never_blocks() -> io::Result<()> {
        let (_dir, drafts) = editor_dir()?;
        for path in [drafts.draft_path(), drafts.history_path()] {
            let made = std::process::Command::new("mkfifo").arg(&path).status()?;
            assert!(made.success());
        }
        assert!(
            drafts.append_history(&entry(1)).is_err_and(|e| e.to_string().contains("not a regular file"))
        );
        assert!(drafts.load_draft().is_err_and(|e| e.contains("not a regular file")));
        let history = drafts.read_history();
        assert!(history.notice.is_some_and(|n| n.contains("history.jsonl.unreadable.1")));
        drafts.append_history(&entry(2))?;
        assert_eq!(drafts.load_history(), [entry(2)]);
        Ok(())
    }

    #[test]
    fn history_keeps_the_newest_and_survives_a_torn_line() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let drafts = Drafts::in_data_dir(dir.path());
        for i in 0..(2 * MAX_HISTORY + 3) {
            drafts.append_history(&entry(i))?;
        }
        // A crash in the middle of an append, then sparkdeck runs again and appends.
        let mut file = OpenOptions::new().append(true).open(drafts.history_path())?;
        file.write_all(b"{\"language\":\"sql\",\"co")?;
        drafts.append_history(&entry(7777))?;
        let history = drafts.read_history();
        assert_eq!(history.entries.len(), MAX_HISTORY);
        assert_eq!(history.entries.last(), Some(&entry(7777)), "the append after the torn one is kept");
        assert_eq!((history.skipped, history.notice), (1, None), "a torn append is skipped quietly");
        // Compacted on that load, to the newest.
        let text = fs::read_to_string(drafts.history_path())?;
        assert_eq!(text.lines().count(), MAX_HISTORY);
        assert!(text.ends_with(&line(7777)));
        #[cfg(unix)]
        assert_eq!(mode(&drafts.history_path()), 0o600);
        drafts.append_history(&entry(9999))?;
        assert_eq!(drafts.load_history().last(), Some(&entry(9999)));
        Ok(())
    }

    #[test]
    fn a_bad_history_line_hides_nothing_and_compaction_keeps_the_newest() -> io::Result<()> {
        let (_dir, drafts) = editor_dir()?;
        // 1,151 lines, one of them not UTF-8 near the end: the 50 after it are the newest.
        let mut bytes = Vec::new();
        for i in 0..1100 {
            bytes.extend(line(i).into_bytes());
        }
        bytes.extend(b"{\"language\":\"sql\",\"code\":\"\xff\"}\n");
        for i in 1100..1150 {
            bytes.extend(line(i).into_bytes());
        }
        fs::write(drafts.history_path(), &bytes)?;
        let history = drafts.read_history();
        assert_eq!(history.entries.len(), MAX_HISTORY);
        assert_eq!(history.entries.first(), Some(&entry(650)));
        assert_eq!(history.entries.last(), Some(&entry(1149)));
        let notice = history.notice.unwrap_or_default();
        assert!(notice.contains("line 1101: not UTF-8 (invalid byte at column 27)"), "{notice}");
        let aside = drafts.dir.join("history.jsonl.unreadable.1");
        assert!(notice.contains(&aside.display().to_string()), "{notice}");
        assert_eq!(fs::read(&aside)?, bytes, "the file as it was is rescued before compaction");
        assert_eq!(
            drafts.load_history(),
            history.entries,
            "the compacted file holds the same newest entries"
        );
        Ok(())
    }

    #[test]
    fn history_problems_are_named_by_line() {
        let mut bytes = line(1).into_bytes();
        bytes.extend(b"\n   \n{\"language\":\"cobol\"}\nnot json\n");
        bytes.extend(line(2).into_bytes());
        let h = History::from_bytes(&bytes);
        assert_eq!(h.entries, [entry(1), entry(2)]);
        assert_eq!(h.skipped, 2);
        assert_eq!(h.problems.len(), 2, "{:?}", h.problems);
        assert!(h.problems[0].starts_with("line 4: unknown variant `cobol`"), "{:?}", h.problems);
        assert!(h.problems[1].starts_with("line 5: expected ident (column 2)"), "{:?}", h.problems);
    }
}
