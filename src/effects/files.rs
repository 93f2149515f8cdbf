//! The editor's files: `:open` reads one into a tab, `:save` writes a tab's text, `:export`
//! writes a result table as CSV or JSON (`export`). Off the event loop's thread; every outcome
//! is a message naming the file. A leading `~/` is the home directory; files are replaced whole
//! (`write_whole`).

use std::io::Write;
use std::path::{Path, PathBuf};

use tokio::sync::mpsc;

use crate::app::Msg;
use crate::domain::statement::{Table, lines_of};
use crate::export;

/// At most this much is read into the editor (a bigger file is almost certainly not code).
const MAX_OPEN: u64 = 8 * 1024 * 1024;

fn expand(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => path.to_path_buf(),
    }
}

/// Write `path` whole or not at all: a temporary file beside it, synced, renamed over it (a
/// crash or a full disk never leaves half a file where the old one was). An existing file keeps
/// its permissions (and a link is written through); a new one gets the usual 0644.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let full = expand(path);
    let full = if full.exists() { std::fs::canonicalize(&full)? } else { full };
    let dir = match full.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new().prefix(".sparkdeck-").tempfile_in(&dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    let permissions = match std::fs::metadata(&full) {
        Ok(m) => Some(m.permissions()),
        #[cfg(unix)]
        Err(_) => Some(std::os::unix::fs::PermissionsExt::from_mode(0o644)),
        #[cfg(not(unix))]
        Err(_) => None,
    };
    if let Some(p) = permissions {
        std::fs::set_permissions(tmp.path(), p)?;
    }
    tmp.persist(&full).map_err(|e| e.error)?;
    Ok(())
}

pub(super) fn read(tab: u64, path: PathBuf, tx: &mpsc::Sender<Msg>) {
    let tx = tx.clone();
    tokio::task::spawn_blocking(move || {
        let full = expand(&path);
        let result = match std::fs::metadata(&full) {
            Ok(m) if m.is_dir() => Err("it is a directory".to_string()),
            Ok(m) if m.len() > MAX_OPEN => {
                Err(format!("it is {} MiB; the editor opens up to 8 MiB", m.len() >> 20))
            }
            Ok(_) => std::fs::read(&full)
                .map_err(|e| e.to_string())
                .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())),
            Err(e) => Err(e.to_string()),
        };
        let _ = tx.blocking_send(Msg::FileRead { tab, path, result });
    });
}

pub(super) fn write(path: PathBuf, text: String, tx: &mpsc::Sender<Msg>) {
    let tx = tx.clone();
    tokio::task::spawn_blocking(move || {
        let mut text = text;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let result = write_whole(&path, text.as_bytes())
            .map(|()| format!("Saved {} ({}).", path.display(), lines_of(&text)))
            .map_err(|e| format!("Cannot save {}: {e}", path.display()));
        let _ = tx.blocking_send(Msg::FileWritten { result });
    });
}

pub(super) fn export(path: PathBuf, table: Table, tx: &mpsc::Sender<Msg>) {
    let tx = tx.clone();
    tokio::task::spawn_blocking(move || {
        let result = export::Format::of(&path)
            .and_then(|format| export::render(&table, format))
            .and_then(|text| write_whole(&path, text.as_bytes()).map_err(|e| e.to_string()))
            .map(|()| {
                let more = if table.dropped_rows > 0 {
                    format!(" (the service sent {} more that were not kept)", table.dropped_rows)
                } else {
                    String::new()
                };
                format!("Exported {} rows to {}{more}.", table.rows.len(), path.display())
            })
            .map_err(|e| format!("Cannot export to {}: {e}", path.display()));
        let _ = tx.blocking_send(Msg::FileWritten { result });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_keeping_its_permissions_and_links() -> Result<(), Box<dyn std::error::Error>>
    {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("query.sql");
        write_whole(&path, b"SELECT 1\n")?;
        assert_eq!(std::fs::read_to_string(&path)?, "SELECT 1\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o644);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            // Written through a link: the link stays, the file it names changes.
            let link = dir.path().join("link.sql");
            std::os::unix::fs::symlink(&path, &link)?;
            write_whole(&link, b"SELECT 2\n")?;
            assert!(std::fs::symlink_metadata(&link)?.file_type().is_symlink());
            assert_eq!(std::fs::read_to_string(&path)?, "SELECT 2\n");
            assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o600, "kept");
        }
        // Nothing but the file is left beside it; a missing folder is an error, not a panic.
        let names: Vec<_> =
            std::fs::read_dir(dir.path())?.filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
        assert!(names.iter().all(|n| !n.to_string_lossy().starts_with(".sparkdeck-")), "{names:?}");
        assert!(write_whole(&dir.path().join("no/such/dir/x.py"), b"x").is_err());
        Ok(())
    }

    #[tokio::test]
    async fn opening_refuses_folders_and_what_is_not_text_and_names_the_file()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let binary = dir.path().join("blob.py");
        std::fs::write(&binary, [0xff, 0xfe, 0x00])?;
        let text = dir.path().join("ok.py");
        std::fs::write(&text, "print(1)\n")?;
        let (tx, mut rx) = mpsc::channel(4);
        for (path, want) in [
            (dir.path().to_path_buf(), Err("it is a directory".to_string())),
            (binary, Err("it is not UTF-8 text".to_string())),
            (text.clone(), Ok("print(1)\n".to_string())),
        ] {
            read(7, path.clone(), &tx);
            match rx.recv().await {
                Some(Msg::FileRead { tab: 7, path: p, result }) => assert_eq!((p, result), (path, want)),
                other => panic!("{other:?}"),
            }
        }
        // :save answers with what it wrote, a final newline added.
        write(text.clone(), "a\nb".into(), &tx);
        match rx.recv().await {
            Some(Msg::FileWritten { result: Ok(m) }) => assert!(m.ends_with("(2 lines)."), "{m}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read_to_string(&text)?, "a\nb\n");
        Ok(())
    }
}
