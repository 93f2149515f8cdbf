//! A read-only overlay of labelled lines: the whole errors (`!`) and the event log
//! (`:events`). Built when opened and rebuilt when what it shows changes; scrolled like the
//! details view.

use super::App;
use super::details::DetailLine;
use super::keymap::Command;
use super::update::{is_motion, moved};

/// What a sheet shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetKind {
    /// Every failure on screen, whole.
    Errors,
    /// The event log, newest first; of one workspace, or all.
    Events { workspace: Option<String> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub kind: SheetKind,
    pub title: String,
    pub lines: Vec<DetailLine>,
    pub scroll: usize,
}

impl App {
    pub fn sheet(&self) -> Option<&Sheet> {
        self.sheet.as_ref()
    }

    pub(super) fn open_sheet(&mut self, kind: SheetKind) {
        self.sheet = Some(Sheet { kind, title: String::new(), lines: Vec::new(), scroll: 0 });
        self.refresh_sheet();
    }

    /// Rebuild the open sheet from the current errors or events, keeping its scroll.
    pub(super) fn refresh_sheet(&mut self) {
        let Some(kind) = self.sheet.as_ref().map(|s| s.kind.clone()) else { return };
        let (title, lines) = match &kind {
            SheetKind::Errors => self.errors_sheet(),
            SheetKind::Events { workspace } => self.events_sheet(workspace.as_deref()),
        };
        if let Some(s) = &mut self.sheet {
            s.title = title;
            s.lines = lines;
            s.scroll = s.scroll.min(s.lines.len().saturating_sub(1));
        }
    }

    /// A key while a sheet is open.
    pub(super) fn run_sheet(&mut self, command: Command) {
        match command {
            Command::Back => self.sheet = None,
            Command::Help => {
                self.help = Some(super::Help { scope: super::Scope::Sheet, kind: None, scroll: 0 });
            }
            c if is_motion(c) => {
                let height =
                    usize::from(super::layout::details(self.areas().body).height).saturating_sub(2).max(1);
                if let Some(s) = &mut self.sheet {
                    let last = s.lines.len().saturating_sub(height);
                    s.scroll = moved(s.scroll, last, height, c);
                }
            }
            _ => {}
        }
    }
}
