//! The editor's files: `:open` reads one into a tab, `:save` writes a tab's text, `:export`
//! writes a result table as CSV or JSON (`export`). Off the event loop's thread; every outcome
//! is a message naming the file. A leading `~/` is the home directory.

use std::path::{Path, PathBuf};

use tokio::sync::mpsc;

use crate::app::Msg;
use crate::domain::statement::Table;
use crate::export;

/// At most this much is read into the editor (a bigger file is almost certainly not code).
const MAX_OPEN: u64 = 8 * 1024 * 1024;

fn expand(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => path.to_path_buf(),
    }
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
        let result = std::fs::write(expand(&path), &text)
            .map(|()| format!("Saved {} ({} lines).", path.display(), text.lines().count()))
            .map_err(|e| format!("Cannot save {}: {e}", path.display()));
        let _ = tx.blocking_send(Msg::FileWritten { result });
    });
}

pub(super) fn export(path: PathBuf, table: Table, tx: &mpsc::Sender<Msg>) {
    let tx = tx.clone();
    tokio::task::spawn_blocking(move || {
        let result = export::Format::of(&path)
            .and_then(|format| export::render(&table, format))
            .and_then(|text| std::fs::write(expand(&path), text).map_err(|e| e.to_string()))
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
