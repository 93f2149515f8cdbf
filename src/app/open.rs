//! Open and copy: `o` opens the item's page in the browser, `y` copies its id, `Y` the URL of
//! its page, `alt-y` its API object as JSON. Copies go to the terminal's clipboard (OSC 52, so
//! they work over SSH and inside tmux), written by the event loop; the page's URL comes from
//! the workspace layer (only it knows hosts) through `Effect::Link`, and the browser is started
//! by the effect runner, away from the terminal.

use crate::domain::{Resource, Target};

use super::App;
use super::keymap::Command;
use super::msg::Effect;

/// At most this much text goes to the clipboard. tmux takes escape sequences up to 1 MiB and
/// base64 makes text a third longer; many terminals take less (a copy that does not arrive was
/// too big for them).
pub const COPY_LIMIT: usize = 512 * 1024;

/// What the URL of an item's page is wanted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkUse {
    /// `o`: open it in the browser.
    Browser,
    /// `Y`: copy it.
    Clipboard,
}

/// How opening a page went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// Only the URL was asked for.
    NotAsked,
    /// The platform's opener took it (its name).
    Browser(String),
    /// There is no browser to open it in here (why: no display, over SSH).
    NoBrowser(String),
    /// The opener could not open it (what it said).
    Failed(String),
}

pub(super) fn is_open(c: Command) -> bool {
    matches!(c, Command::OpenBrowser | Command::CopyId | Command::CopyUrl | Command::CopyJson)
}

impl App {
    /// The item open and copy act on: the one in details, else the selected row.
    fn open_item(&self) -> Option<&Resource> {
        if self.details.is_some() { self.details_row() } else { self.selected().map(|e| &e.res) }
    }

    pub(super) fn run_open(&mut self, command: Command) -> Vec<Effect> {
        let Some(r) = self.open_item() else {
            self.error("Nothing selected.".into());
            return Vec::new();
        };
        let target = Target::of(r);
        match command {
            Command::CopyId => {
                let id = r.id.clone();
                self.info(format!("Copied the id of {}: {id}", target.short()));
                vec![Effect::Copy(id)]
            }
            Command::CopyJson => {
                let json = r.raw_pretty();
                if json.len() > COPY_LIMIT {
                    self.error(format!(
                        "The API object of {} is {} of JSON, more than the terminal clipboard carries ({}); \
                         enter shows it whole.",
                        target.short(),
                        size(json.len()),
                        size(COPY_LIMIT)
                    ));
                    return Vec::new();
                }
                self.info(format!(
                    "Copied the API object of {} ({} of JSON).",
                    target.short(),
                    size(json.len())
                ));
                vec![Effect::Copy(json)]
            }
            Command::OpenBrowser | Command::CopyUrl => {
                let then =
                    if command == Command::OpenBrowser { LinkUse::Browser } else { LinkUse::Clipboard };
                let raw = r.raw.clone();
                if then == LinkUse::Browser {
                    self.info(format!("Opening {}…", target.short()));
                }
                vec![Effect::Link { target, raw, then }]
            }
            _ => Vec::new(),
        }
    }

    /// The URL of an item's page (or why it has none), and how opening it went.
    pub(super) fn on_link(
        &mut self,
        target: Target,
        url: Result<String, String>,
        opened: Opened,
    ) -> Vec<Effect> {
        let url = match url {
            Ok(url) => url,
            Err(why) => {
                self.error(format!("No page to open for {}: {why}", target.short()));
                return Vec::new();
            }
        };
        match opened {
            Opened::NotAsked => {
                self.info(format!("Copied the URL of {}: {url}", target.short()));
                return vec![Effect::Copy(url)];
            }
            Opened::Browser(opener) => self.info(format!("Opened {url} ({opener})")),
            Opened::NoBrowser(why) => self.info(format!("{url} — no browser here ({why}); Y copies it")),
            Opened::Failed(why) => self.error(format!("{url} — could not open it: {why}; Y copies it")),
        }
        Vec::new()
    }
}

/// "812 B", "4.2 KB", "1.3 MB".
pub(in crate::app) fn size(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}
