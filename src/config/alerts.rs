//! `[[alerts]]`: a filter over the polled rows and how to tell the user when an item comes to
//! match it. The filter's syntax is the monitor's (`app::filter`), checked where the
//! monitor starts (`cli::monitor`), with this table's line.
//!
//! ```toml
//! [[alerts]]
//! name = "prod failures"
//! when = "state:failed ws:prod kind:run"
//! notify = ["bell", "osc9"]   # bell | osc9 | osc777; default: all three
//! on_start = false            # also for what already matches at start
//! ```

use serde::Deserialize;
use toml::Spanned;

use super::Location;

/// A notification channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// The terminal bell (BEL).
    Bell,
    /// OSC 9: iTerm2, Windows Terminal, kitty, WezTerm.
    Osc9,
    /// OSC 777: foot, rxvt-unicode, VTE terminals (GNOME Terminal, Tilix).
    Osc777,
}

/// One `[[alerts]]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertEntry {
    pub name: String,
    pub when: Spanned<String>,
    #[serde(default = "every_channel")]
    pub notify: Vec<Channel>,
    #[serde(default)]
    pub on_start: bool,
}

fn every_channel() -> Vec<Channel> {
    vec![Channel::Bell, Channel::Osc9, Channel::Osc777]
}

/// An alert with where its `when` is written (for the monitor's "FILE:LINE:COL: …").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRule {
    pub name: String,
    pub when: String,
    pub notify: Vec<Channel>,
    pub on_start: bool,
    pub at: Option<Location>,
}
