//! The log picker of a Fabric session or batch (`l`): the Livy log, the driver's stderr
//! (log4j) and stdout and their rolled parts, each executor's files. It opens inside the logs
//! view with the Livy log chosen, asks the runner for the list (the Spark monitoring API's
//! metadata), and `Enter` (or `l` again) opens the chosen log; `l` in a log comes back here.

use super::keymap::Command;
use super::msg::Effect;
use super::{App, Logs};
use crate::domain::Target;
use crate::domain::logs::{LogChoice, LogSource, Page, Placement};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogPicker {
    pub choices: Vec<LogChoice>,
    pub selected: usize,
    /// The list has not arrived yet.
    pub loading: bool,
    /// Why the list is short (the application has not started) or could not be read.
    pub note: Option<String>,
}

impl LogPicker {
    /// A picker offering the Livy log until the list arrives.
    pub fn new() -> LogPicker {
        LogPicker {
            choices: vec![LogChoice { source: LogSource::Livy, about: String::new() }],
            selected: 0,
            loading: true,
            note: None,
        }
    }

    /// Take in the list, keeping the chosen source chosen when it is still there.
    pub fn receive(&mut self, choices: Vec<LogChoice>, note: Option<String>) {
        let chosen = self.choices.get(self.selected).map(|c| c.source.clone());
        self.selected = chosen.and_then(|s| choices.iter().position(|c| c.source == s)).unwrap_or(0);
        if !choices.is_empty() {
            self.choices = choices;
        }
        self.loading = false;
        self.note = note;
    }

    pub fn chosen(&self) -> Option<&LogSource> {
        self.choices.get(self.selected).map(|c| &c.source)
    }

    /// Move the selection by a motion, within the list.
    fn step(&mut self, command: Command, height: usize) {
        let last = self.choices.len().saturating_sub(1);
        self.selected = super::update::moved(self.selected, last, height, command).min(last);
    }
}

impl Default for LogPicker {
    fn default() -> Self {
        LogPicker::new()
    }
}

impl App {
    /// `l` on a Fabric session or batch: the picker, and the runner reads what there is.
    pub(super) fn open_log_picker(&mut self, target: Target) -> Vec<Effect> {
        let mut logs = Logs::new(target.clone());
        logs.picker = Some(LogPicker::new());
        self.logs = Some(logs);
        vec![Effect::LoadLogSources { target }]
    }

    /// Keys while the picker is open; `None` when the key is the logs view's.
    pub(super) fn run_log_picker(&mut self, command: Command) -> Option<Vec<Effect>> {
        let height = self.logs_height();
        let logs = self.logs.as_mut()?;
        let picker = logs.picker.as_mut()?;
        match command {
            Command::Open | Command::Logs => {
                let source = picker.chosen()?.clone();
                let target = logs.target.clone();
                let mut fresh = Logs::new(target.clone());
                fresh.source = Some(source.clone());
                *logs = fresh;
                Some(vec![Effect::FollowSparkLog { target, source }])
            }
            // Back from the picker of an open log goes back to that log... the log was left,
            // so it closes the view like any Back.
            Command::Back | Command::Help | Command::Quit | Command::Errors => None,
            c if super::update::is_motion(c) => {
                picker.step(c, height);
                Some(Vec::new())
            }
            _ => Some(Vec::new()),
        }
    }

    /// `l` inside a Fabric log: back to the picker (the log stops being followed).
    pub(super) fn reopen_log_picker(&mut self) -> Vec<Effect> {
        let Some(logs) = self.logs.as_ref() else { return Vec::new() };
        let (target, source) = (logs.target.clone(), logs.source.clone());
        let mut effects = vec![Effect::StopLogs];
        effects.extend(self.open_log_picker(target));
        if let (Some(source), Some(picker)) = (source, self.logs.as_mut().and_then(|l| l.picker.as_mut())) {
            picker.choices = vec![LogChoice { source, about: String::new() }];
        }
        effects
    }

    pub(super) fn on_log_sources(
        &mut self,
        target: Target,
        result: Result<(Vec<LogChoice>, Option<String>), String>,
    ) {
        let Some(picker) = self.logs.as_mut().filter(|l| l.target == target).and_then(|l| l.picker.as_mut())
        else {
            return;
        };
        match result {
            Ok((choices, note)) => picker.receive(choices, note),
            Err(why) => {
                picker.loading = false;
                picker.note = Some(format!("could not list the application's logs: {why}"));
            }
        }
        self.dirty = true;
    }

    pub(super) fn on_log_page(&mut self, target: Target, source: LogSource, page: Page) {
        let height = self.logs_height();
        let Some(logs) =
            self.logs.as_mut().filter(|l| l.target == target && l.source.as_ref() == Some(&source))
        else {
            return;
        };
        logs.take_page(page, height);
        self.dirty = true;
    }
}

impl Logs {
    /// Take in one page of a paged log (see `domain::logs::Placement`).
    pub fn take_page(&mut self, page: Page, height: usize) {
        let Page { lines, placement, finished, earlier } = page;
        match placement {
            Placement::Prepend => {
                let added = lines.len();
                self.reading_earlier = false;
                self.follow = false;
                self.lines.splice(0..0, lines);
                // The view stays on the line it showed, now `added` further down; the first of
                // the new lines is one step up.
                self.scroll = added.saturating_sub(height / 2).min(self.scroll + added);
                if self.lines.len() > super::logs::MAX_LOG_LINES {
                    // Reading back through a big log keeps the newest part read last: the end
                    // is dropped (and is read again when followed).
                    self.lines.truncate(super::logs::MAX_LOG_LINES);
                }
                self.earlier = earlier;
                self.finished = finished;
                self.loading = false;
                self.error = None;
                self.scroll = self.scroll.min(self.bottom(height));
            }
            // Exactly after the last line (no overlap matching: a log may repeat a line).
            Placement::Append => {
                self.lines.extend(lines);
                self.receive(Vec::new(), false, finished, None, earlier, height);
            }
            Placement::Replace => self.receive(lines, true, finished, None, earlier, height),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Kind;
    use crate::domain::logs::Earlier;

    fn choice(source: LogSource) -> LogChoice {
        LogChoice { source, about: String::new() }
    }

    #[test]
    fn the_picker_keeps_its_choice_when_the_list_arrives() {
        let mut p = LogPicker::new();
        assert_eq!(p.chosen(), Some(&LogSource::Livy));
        p.receive(
            vec![
                choice(LogSource::Driver("stderr".into())),
                choice(LogSource::Livy),
                choice(LogSource::Driver("stdout".into())),
            ],
            None,
        );
        assert_eq!((p.selected, p.loading), (1, false));
        p.step(Command::Down, 10);
        assert_eq!(p.chosen(), Some(&LogSource::Driver("stdout".into())));
        p.step(Command::Down, 10);
        assert_eq!(p.selected, 2, "stays on the last");
        p.step(Command::Top, 10);
        assert_eq!(p.selected, 0);
        // An empty answer keeps what there was.
        p.receive(Vec::new(), Some("not started".into()));
        assert_eq!(p.choices.len(), 3);
    }

    #[test]
    fn earlier_pages_go_before_and_keep_the_view_still() {
        let target = Target {
            workspace: "w".into(),
            kind: Kind::Batch,
            id: "b".into(),
            name: "n".into(),
            lakehouse: None,
        };
        let mut logs = Logs::new(target);
        let lines = |r: std::ops::Range<usize>| r.map(|i| format!("l{i}")).collect::<Vec<_>>();
        logs.take_page(
            Page {
                lines: lines(100..120),
                placement: Placement::Replace,
                finished: false,
                earlier: Earlier::More,
            },
            10,
        );
        assert_eq!(logs.scroll, 10, "follows the end");
        logs.scroll = 0;
        logs.take_page(
            Page {
                lines: lines(80..100),
                placement: Placement::Prepend,
                finished: false,
                earlier: Earlier::None,
            },
            10,
        );
        assert_eq!(logs.lines.first().map(String::as_str), Some("l80"));
        assert_eq!(logs.lines.len(), 40);
        assert_eq!(logs.scroll, 15, "the newest earlier lines are in view");
        assert_eq!(logs.earlier, Earlier::None);
        logs.take_page(
            Page {
                lines: lines(120..122),
                placement: Placement::Append,
                finished: true,
                earlier: Earlier::None,
            },
            10,
        );
        assert_eq!(logs.lines.last().map(String::as_str), Some("l121"));
        assert!(logs.finished);
    }
}
