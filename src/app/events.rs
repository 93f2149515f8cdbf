//! The error and event log (`:events`): failures, throttles, retries, recoveries and the user's
//! actions with their results, newest first, per workspace. Bounded: the oldest go first.

use std::collections::VecDeque;

use jiff::Timestamp;

use super::App;
use super::details::DetailLine;
use super::message::Level;

/// Events kept.
pub const MAX_EVENTS: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at: Timestamp,
    /// The workspace it concerns (`None`: sparkdeck itself).
    pub workspace: Option<String>,
    pub level: Level,
    pub text: String,
}

impl App {
    /// Add an event (and refresh the log if it is open).
    pub(super) fn record(&mut self, workspace: Option<&str>, level: Level, text: String) {
        let at = self.now;
        self.events.push_front(Event { at, workspace: workspace.map(str::to_string), level, text });
        self.events.truncate(MAX_EVENTS);
        if matches!(self.sheet.as_ref().map(|s| &s.kind), Some(super::SheetKind::Events { .. })) {
            self.refresh_sheet();
            self.dirty = true;
        }
    }

    pub fn events(&self) -> &VecDeque<Event> {
        &self.events
    }

    /// The log's title and lines: newest first, of `workspace` or of all.
    pub(super) fn events_sheet(&self, workspace: Option<&str>) -> (String, Vec<DetailLine>) {
        let shown: Vec<&Event> = self
            .events
            .iter()
            .filter(|e| {
                workspace.is_none_or(|w| e.workspace.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(w)))
            })
            .collect();
        let title = match workspace {
            Some(w) => format!(" Events: {w} (newest first) "),
            None => " Events (newest first) ".to_string(),
        };
        let mut lines: Vec<DetailLine> = shown
            .iter()
            .map(|e| {
                let at = e.at.to_zoned(self.tz.clone()).strftime("%H:%M:%S").to_string();
                let mark = if e.level == Level::Error { "✗" } else { "·" };
                let ws = e.workspace.as_deref().unwrap_or("sparkdeck");
                DetailLine::Text(format!("{at}  {mark} {ws}: {}", e.text))
            })
            .collect();
        if lines.is_empty() {
            lines.push(DetailLine::Text(
                "Nothing has happened yet: failures, throttles, retries and actions show here.".into(),
            ));
        }
        (title, lines)
    }
}
