//! The status line's message: what the last key or answer did, shown until the next key.

use super::App;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

/// A one-line message in the status line, until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub level: Level,
    pub text: String,
}

impl App {
    pub(super) fn info(&mut self, text: String) {
        self.message = Some(Message { level: Level::Info, text });
    }

    pub(super) fn error(&mut self, text: String) {
        self.message = Some(Message { level: Level::Error, text });
    }
}
