//! `Ctrl-E`: the tab's text in `$VISUAL` / `$EDITOR` (else `vi`). The loop gives the terminal
//! up — raw mode, the alternate screen, mouse capture and its input stream, so the editor gets
//! every key — runs the editor on a private temporary file, takes the terminal back and redraws.
//! The text comes back as a message; if the editor fails to start or exits with an error, the
//! tab keeps its text, and the file (which may hold edits) is kept and named.

use std::io::Write;
use std::path::PathBuf;
use std::pin::Pin;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use crossterm::event::{Event, EventStream};
use futures::Stream;

/// How the loop gives up and takes back the terminal around the outside editor.
pub trait Suspend: Send {
    /// Before the editor starts: stop reading input, leave the full-screen mode.
    fn suspend(&mut self);
    /// After it ends: the full-screen mode back, input read again.
    fn resume(&mut self);
}

/// Terminal input that can be paused: crossterm's `EventStream` reads the terminal from a
/// thread of its own, which would steal the outside editor's keys, so pausing drops it (that
/// stops the thread) and resuming makes a new one.
pub struct Input {
    shared: Arc<Mutex<Pause>>,
    stream: Option<EventStream>,
}

#[derive(Default)]
struct Pause {
    paused: bool,
    waker: Option<Waker>,
}

/// The handle that pauses an [`Input`].
#[derive(Clone)]
pub struct InputPause(Arc<Mutex<Pause>>);

impl Input {
    /// Terminal input (needs a TTY: `EventStream` panics without one) and its pause handle.
    pub fn new() -> (Input, InputPause) {
        let shared = Arc::new(Mutex::new(Pause::default()));
        (Input { shared: shared.clone(), stream: Some(EventStream::new()) }, InputPause(shared))
    }
}

impl InputPause {
    pub fn set(&self, paused: bool) {
        let mut p = self.0.lock().unwrap_or_else(|e| e.into_inner());
        p.paused = paused;
        if !paused && let Some(w) = p.waker.take() {
            w.wake();
        }
    }
}

impl Stream for Input {
    type Item = std::io::Result<Event>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let paused = {
            let mut p = self.shared.lock().unwrap_or_else(|e| e.into_inner());
            if p.paused {
                p.waker = Some(cx.waker().clone());
            }
            p.paused
        };
        if paused {
            self.stream = None;
            return Poll::Pending;
        }
        let stream = self.stream.get_or_insert_with(EventStream::new);
        Pin::new(stream).poll_next(cx)
    }
}

/// The production suspension: the input paused and the terminal restored, then set up again.
pub struct TerminalSuspend {
    pub input: InputPause,
}

impl Suspend for TerminalSuspend {
    fn suspend(&mut self) {
        self.input.set(true);
        super::terminal::restore_terminal();
    }

    fn resume(&mut self) {
        if let Err(e) = super::terminal::reenter() {
            tracing::warn!("taking the terminal back after the outside editor failed: {e}");
        }
        self.input.set(false);
    }
}

/// The outside editor the user asked for: `$VISUAL`, else `$EDITOR`, else `vi`.
pub fn editor() -> String {
    let set = |name| std::env::var(name).ok().filter(|v: &String| !v.trim().is_empty());
    set("VISUAL").or_else(|| set("EDITOR")).unwrap_or_else(|| "vi".into())
}

/// Run `editor` on `text` in a file named for `extension`; what it left, or why nothing comes back.
pub fn edit(editor: &str, text: &str, extension: &str) -> Result<String, String> {
    // A fresh name each time (tempfile: random, created new, 0600), so a file kept from an
    // earlier failed edit, even of a process with the same pid, never stands in the way.
    let path: PathBuf =
        write_private(text, extension).map_err(|e| format!("cannot write a temporary file: {e}"))?;
    // Through the shell, as git does, so `EDITOR="code --wait"` works.
    let status = Command::new("sh").arg("-c").arg(format!("{editor} \"$1\"")).arg("sh").arg(&path).status();
    let kept = || format!("the file is kept: {}", path.display());
    match status {
        Err(e) => Err(format!("cannot start {editor:?}: {e} ({})", kept())),
        Ok(s) if !s.success() => Err(format!("{editor:?} exited with {s} ({})", kept())),
        Ok(_) => {
            let back =
                std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()));
            if back.is_ok() {
                let _ = std::fs::remove_file(&path);
            }
            back
        }
    }
}

/// A new file only its owner can read (the text may name tables, paths or worse), kept on disk.
fn write_private(text: &str, extension: &str) -> std::io::Result<PathBuf> {
    let mut file =
        tempfile::Builder::new().prefix("sparkdeck-").suffix(&format!(".{extension}")).tempfile()?;
    file.write_all(text.as_bytes())?;
    file.into_temp_path().keep().map_err(|e| e.error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(dir: &std::path::Path, body: &str) -> Result<PathBuf, std::io::Error> {
        let path = dir.join("fake-editor");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n"))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
        }
        Ok(path)
    }

    #[test]
    fn the_editor_edits_a_private_file_and_a_failure_keeps_it() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        // An editor with arguments (as `code --wait`), which checks the file is private.
        let ok = script(
            dir.path(),
            "[ \"$(stat -c %a \"$2\")\" = 600 ] || exit 9\nsed -i 's/x = 1/x = 2/' \"$2\"",
        )?;
        let back = edit(&format!("{} --wait", ok.display()), "x = 1\nprint(x)", "py")?;
        assert_eq!(back, "x = 2\nprint(x)");
        // A failing editor: no text comes back, and the file with the edits is named and kept.
        let bad = script(dir.path(), "echo edited > \"$1\"; exit 3")?;
        let err = edit(&bad.display().to_string(), "keep me", "sql").err().unwrap_or_default();
        assert!(err.contains("exited with exit status: 3") && err.contains("the file is kept"), "{err}");
        let kept = err.rsplit("kept: ").next().unwrap_or_default().trim_end_matches(')');
        assert_eq!(std::fs::read_to_string(kept)?, "edited\n");
        std::fs::remove_file(kept)?;
        let err = edit("/no/such/editor", "x", "py").err().unwrap_or_default();
        assert!(err.contains("exited with"), "{err}");
        Ok(())
    }
}
