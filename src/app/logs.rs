//! The logs view (`l`): a session's or batch's Livy log, a cluster's events, a run's output.
//! The effect runner follows the item and sends what it reads; this keeps a bounded buffer,
//! the scroll position, follow mode and the search.

use super::keymap::Command;
use super::msg::Effect;
use super::update::{is_motion, moved};
use super::{App, PromptMode};
use crate::domain::logs::{Earlier, LogSource};
use crate::domain::{Kind, Target};

/// Lines kept; older ones are dropped and counted, and the view says so.
pub const MAX_LOG_LINES: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logs {
    pub target: Target,
    pub lines: Vec<String>,
    /// Lines dropped from the front to stay within `MAX_LOG_LINES`.
    pub dropped: usize,
    /// First line on screen.
    pub scroll: usize,
    /// Keep the newest line in view as lines arrive (`G` turns it on, scrolling up off).
    pub follow: bool,
    /// The item has ended; no more lines will come.
    pub finished: bool,
    /// Nothing received yet.
    pub loading: bool,
    /// Why the last read failed (shown until the next success).
    pub error: Option<String>,
    /// The search text (lower-cased), highlighted and stepped through with `n` / `N`.
    pub search: Option<String>,
    /// What there is before the first line (more to read with `g`, or where it is).
    pub earlier: Earlier,
    /// Earlier lines were asked for and have not arrived yet.
    pub reading_earlier: bool,
    /// Whether the view already jumped to the error once (the user may scroll away after).
    jumped: bool,
    /// Which log of a Fabric Spark application this is (`None`: the item's one log).
    pub source: Option<LogSource>,
    /// The log picker, while it is open (`l` on a Fabric session or batch).
    pub picker: Option<super::log_source::LogPicker>,
    /// Open at this task's part of a run's output (`l` on a task of the timeline).
    at_task: Option<String>,
}

impl Logs {
    pub fn new(target: Target) -> Logs {
        Logs {
            target,
            lines: Vec::new(),
            dropped: 0,
            scroll: 0,
            follow: true,
            finished: false,
            loading: true,
            error: None,
            search: None,
            earlier: Earlier::None,
            reading_earlier: false,
            jumped: false,
            source: None,
            picker: None,
            at_task: None,
        }
    }

    /// Open at `task`'s part of the output once it arrives (instead of at its end or error).
    pub fn open_at_task(&mut self, task: String) {
        self.at_task = Some(task);
    }

    /// Take in one read. `whole`: the lines are everything (replace); otherwise they are the
    /// newest lines and are appended after the part already shown. `error_at` opens a failed
    /// run at its error, once.
    pub fn receive(
        &mut self,
        lines: Vec<String>,
        whole: bool,
        finished: bool,
        error_at: Option<usize>,
        earlier: Earlier,
        height: usize,
    ) {
        self.earlier = earlier;
        // Earlier lines asked for with `g`: show them from the top.
        if std::mem::take(&mut self.reading_earlier) {
            self.follow = false;
            self.jumped = true;
        }
        if whole {
            self.lines = lines;
            self.dropped = 0;
        } else {
            let overlap = overlap(&self.lines, &lines);
            self.lines.extend(lines.into_iter().skip(overlap));
        }
        if self.lines.len() > MAX_LOG_LINES {
            let excess = self.lines.len() - MAX_LOG_LINES;
            self.lines.drain(..excess);
            self.dropped += excess;
            self.scroll = self.scroll.saturating_sub(excess);
        }
        self.finished = finished;
        self.loading = false;
        self.error = None;
        let heading = self.at_task.as_ref().map(|t| format!("── task {t} ──"));
        let task_at = heading.and_then(|h| self.lines.iter().position(|l| *l == h));
        match task_at.or(error_at) {
            Some(at) if !self.jumped => {
                self.jumped = true;
                self.follow = false;
                self.scroll = at.min(self.bottom(height));
            }
            _ if self.follow => self.scroll = self.bottom(height),
            _ => self.scroll = self.scroll.min(self.bottom(height)),
        }
    }

    /// The first line of the last page.
    pub fn bottom(&self, height: usize) -> usize {
        self.lines.len().saturating_sub(height.max(1))
    }

    pub fn matches(&self, line: &str) -> bool {
        self.search.as_deref().is_some_and(|s| !s.is_empty() && line.to_lowercase().contains(s))
    }

    /// A new search: the first matching line of the whole buffer (the view stays when none).
    pub fn first_match(&mut self) -> bool {
        let Some(i) = self.lines.iter().position(|l| self.matches(l)) else { return false };
        self.scroll = i;
        self.follow = false;
        true
    }

    /// Scroll to the next (or previous) line matching the search, wrapping around; false when
    /// nothing matches.
    pub fn find(&mut self, forward: bool, from_current: bool) -> bool {
        let n = self.lines.len();
        if n == 0 || self.search.as_deref().is_none_or(str::is_empty) {
            return false;
        }
        let start = if from_current {
            self.scroll
        } else if forward {
            self.scroll + 1
        } else {
            self.scroll + n - 1
        };
        for step in 0..n {
            let i = if forward { (start + step) % n } else { (start + n - step % n) % n };
            if self.matches(&self.lines[i]) {
                self.scroll = i;
                self.follow = false;
                return true;
            }
        }
        false
    }
}

impl App {
    /// Open the logs of `target` and ask the runner to follow them. A Fabric session or batch
    /// (the monitoring list's too) has several: the picker offers them.
    pub(super) fn open_logs(&mut self, target: Target) -> Vec<Effect> {
        if matches!(target.kind, Kind::Session | Kind::Batch) {
            return self.open_log_picker(target);
        }
        self.logs = Some(Logs::new(target.clone()));
        vec![Effect::FollowLogs { target }]
    }

    /// Lines of log text on screen (inside the view's borders).
    pub(super) fn logs_height(&self) -> usize {
        usize::from(self.areas().body.height).saturating_sub(2).max(1)
    }

    pub(super) fn run_logs(&mut self, command: Command) -> Vec<Effect> {
        if let Some(effects) = self.run_log_picker(command) {
            return effects;
        }
        if command == Command::Logs && self.logs.as_ref().is_some_and(|l| l.source.is_some()) {
            return self.reopen_log_picker();
        }
        let height = self.logs_height();
        let Some(logs) = self.logs.as_mut() else { return Vec::new() };
        match command {
            Command::Back => {
                self.logs = None;
                return vec![Effect::StopLogs];
            }
            Command::Help => {
                self.help = Some(super::Help { scope: super::Scope::Logs, kind: None, scroll: 0 });
            }
            Command::FilterLine => {
                let text = logs.search.clone().unwrap_or_default();
                self.open_prompt_with(PromptMode::Search, text);
            }
            Command::NextMatch | Command::PrevMatch if !logs.find(command == Command::NextMatch, false) => {
                self.error("No match.".into());
            }
            Command::Follow => {
                logs.follow = !logs.follow;
                if logs.follow {
                    logs.scroll = logs.bottom(height);
                }
            }
            // At the top, `g` reads further back when the service has more.
            Command::Top if logs.scroll == 0 && logs.earlier == Earlier::More && !logs.reading_earlier => {
                logs.reading_earlier = true;
                logs.follow = false;
                return vec![Effect::EarlierLogs { target: logs.target.clone() }];
            }
            c if is_motion(c) => {
                logs.scroll = moved(logs.scroll, logs.bottom(height), height, c);
                logs.follow = logs.scroll == logs.bottom(height) && c != Command::Up;
            }
            _ => {}
        }
        Vec::new()
    }

    /// Typing in the search line: jump to the first match from where the view is.
    pub(super) fn search_logs(&mut self, text: &str) {
        let Some(logs) = self.logs.as_mut() else { return };
        logs.search = Some(text.to_lowercase()).filter(|t| !t.is_empty());
        let found = logs.search.is_none() || logs.first_match();
        if let Some(p) = &mut self.prompt {
            p.error = (!found).then(|| "no match".to_string());
        }
    }
}

/// How many of `new`'s first lines repeat the end of `old` (Livy sends the last few lines
/// every time).
pub fn overlap(old: &[String], new: &[String]) -> usize {
    (1..=old.len().min(new.len())).rev().find(|&k| old[old.len() - k..] == new[..k]).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Kind;

    fn target() -> Target {
        Target { workspace: "w".into(), kind: Kind::Batch, id: "b".into(), name: "n".into(), lakehouse: None }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn tails_are_appended_where_they_overlap() {
        let mut logs = Logs::new(target());
        logs.receive(strings(&["a", "b", "c"]), false, false, None, Earlier::None, 10);
        logs.receive(strings(&["b", "c", "d", "e"]), false, false, None, Earlier::None, 10);
        logs.receive(strings(&["d", "e"]), false, true, None, Earlier::None, 10);
        assert_eq!(logs.lines, strings(&["a", "b", "c", "d", "e"]));
        assert!(logs.finished && !logs.loading);
    }

    #[test]
    fn follow_keeps_the_end_in_view_and_errors_open_once() {
        let mut logs = Logs::new(target());
        let many: Vec<String> = (0..50).map(|i| format!("line {i}")).collect();
        logs.receive(many.clone(), true, false, None, Earlier::None, 10);
        assert_eq!(logs.scroll, 40);
        logs.receive(many.clone(), true, true, Some(5), Earlier::None, 10);
        assert_eq!((logs.scroll, logs.follow), (5, false));
        logs.scroll = 20;
        logs.receive(many, true, true, Some(5), Earlier::None, 10);
        assert_eq!(logs.scroll, 20, "the jump to the error happens once");
    }

    #[test]
    fn the_buffer_is_bounded_and_counts_what_it_dropped() {
        let mut logs = Logs::new(target());
        let lines: Vec<String> = (0..MAX_LOG_LINES + 7).map(|i| i.to_string()).collect();
        logs.receive(lines, false, false, None, Earlier::None, 10);
        assert_eq!((logs.lines.len(), logs.dropped), (MAX_LOG_LINES, 7));
        assert_eq!(logs.lines[0], "7");
    }

    #[test]
    fn search_wraps_in_both_directions() {
        let mut logs = Logs::new(target());
        logs.receive(strings(&["x", "Error one", "y", "error two", "z"]), true, true, None, Earlier::None, 2);
        logs.search = Some("error".into());
        logs.scroll = 0;
        assert!(logs.find(true, true));
        assert_eq!(logs.scroll, 1);
        assert!(logs.find(true, false));
        assert_eq!(logs.scroll, 3);
        assert!(logs.find(true, false));
        assert_eq!(logs.scroll, 1, "wraps");
        assert!(logs.find(false, false));
        assert_eq!(logs.scroll, 3, "backwards wraps too");
        logs.search = Some("nothing".into());
        assert!(!logs.find(true, false));
    }
}
