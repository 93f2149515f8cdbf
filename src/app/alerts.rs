//! Alerts (`[[alerts]]` in config): a filter over every polled row, and how to tell the user when
//! an item comes to match it — the terminal bell, OSC 9, OSC 777 — with a line in `:events`.
//!
//! An alert fires once per item entering its match: an item already matching when its workspace
//! and kind are first polled does not fire (unless `on_start`), one that stops matching and
//! matches again fires again. Only polled rows are seen: the pane on screen, and the others at
//! the pollers' background pace.

use std::collections::HashSet;

use crate::domain::{Kind, Status};

use super::filter::Filter;
use super::message::Level;
use super::msg::Effect;
use super::store::Me;
use super::{App, Message};

/// Which notification escapes an alert writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Channels {
    pub bell: bool,
    pub osc9: bool,
    pub osc777: bool,
}

/// One configured alert.
#[derive(Debug, Clone)]
pub struct Alert {
    pub name: String,
    /// The `/` filter of the All pane (every kind's fields).
    when: Filter,
    pub notify: Channels,
    /// Also fire for what already matches when sparkdeck starts.
    pub on_start: bool,
    /// What matches now: (workspace, kind, id). Rebuilt from each poll, so an item gone from
    /// the services' lists is forgotten and memory stays bounded by what they list.
    matching: HashSet<(String, Kind, String)>,
}

impl Alert {
    /// An alert named `name` on the filter `when`; the error says what is wrong with `when`.
    pub fn new(name: &str, when: &str, notify: Channels, on_start: bool) -> Result<Alert, String> {
        let filter = Filter::parse(when, None).map_err(|e| e.to_string())?.ok_or_else(|| {
            "an empty filter would match everything: e.g. \"state:failed ws:prod kind:run\"".to_string()
        })?;
        if filter.uses_me() {
            return Err(
                "owner:me needs the signed-in identity, which alerts do not read: write the owner's name"
                    .into(),
            );
        }
        // A kind that does not exist is said now, not found out by an alert that never fires.
        for word in when.split_whitespace() {
            if let Some(value) = word.trim_start_matches('!').strip_prefix("kind:")
                && !Kind::ALL.iter().any(|k| k.singular().contains(&value.to_lowercase()))
            {
                return Err(format!("kind:{value}: a kind is session, batch, cluster, run or job"));
            }
        }
        Ok(Alert { name: name.to_string(), when: filter, notify, on_start, matching: HashSet::new() })
    }
}

/// The alerts and which workspace × kind has been polled once (what matched then is the start).
#[derive(Debug, Clone, Default)]
pub struct Alerts {
    list: Vec<Alert>,
    primed: HashSet<(usize, Kind)>,
}

impl App {
    pub fn with_alerts(mut self, alerts: Vec<Alert>) -> App {
        self.alerts.list = alerts;
        self
    }

    /// After rows of `kind` arrived for workspace `ws`: every alert's newly matching items.
    pub(super) fn check_alerts(&mut self, ws: usize, kind: Kind) -> Vec<Effect> {
        if self.alerts.list.is_empty() {
            return Vec::new();
        }
        let first = self.alerts.primed.insert((ws, kind));
        let workspace = self.workspaces[ws].workspace.name.clone();
        let rows = &self.workspaces[ws].slot(kind).rows;
        let mut fired = Vec::new();
        for alert in &mut self.alerts.list {
            let mut before = std::mem::take(&mut alert.matching);
            // The other workspaces' and kinds' matches stay; this slot's are seen anew.
            alert.matching = before.extract_if(|(w, k, _)| !(*w == workspace && *k == kind)).collect();
            // Alerts read no identity (owner:me is refused), so who is signed in does not matter.
            for e in rows.iter().filter(|e| alert.when.matches(e, &Me::NotAsked)) {
                let r = &e.res;
                let key = (workspace.clone(), kind, r.id.clone());
                let entered = !before.contains(&key);
                alert.matching.insert(key);
                if entered && (!first || alert.on_start) {
                    let what =
                        if r.name.is_empty() { r.id.clone() } else { format!("{} ({})", r.name, r.id) };
                    let text = format!(
                        "alert \"{}\": {} {what} is {}",
                        alert.name,
                        kind.singular(),
                        r.state_label()
                    );
                    fired.push((alert.notify, r.status, text));
                }
            }
        }
        let mut effects = Vec::new();
        for (notify, status, text) in fired {
            let level =
                if matches!(status, Status::Failed | Status::Cancelled) { Level::Error } else { Level::Info };
            self.record(Some(&workspace), level, text.clone());
            self.message = Some(Message { level, text: format!("{workspace}: {text}") });
            self.dirty = true;
            effects.push(Effect::Alert { title: format!("sparkdeck: {workspace}"), body: text, notify });
        }
        effects
    }
}
