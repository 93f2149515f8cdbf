//! What time alone changes on screen: whether the event loop's clock must run at all
//! ([`App::needs_clock`]), and whether a tick changed anything drawn ([`App::on_tick`]).
//!
//! A tick redraws only when the text it changes differs: durations are shown to the minute
//! from ten minutes on (`domain::format_duration`), so an old session's duration or an idle
//! countdown far from its end draws once a minute, not once a second, although the clock
//! still ticks each second while such a cell is on screen (a tick that changes nothing costs
//! a comparison of a few dozen short strings, no frame). A tick that changes only the text of
//! live cells asks for [`Redraw::Live`]: those cells alone are drawn again (`ui::redraw_live`).

use std::hash::{DefaultHasher, Hash, Hasher};

use jiff::Timestamp;

use super::{App, FLASH};
use crate::domain::{Kind, format_duration};

impl App {
    /// Whether the screen changes with time alone right now, so the event loop must send
    /// `Msg::Tick` once a second: a live row in the focused pane (durations, idle countdowns),
    /// a flash still fading in it, a throttle wait counting down, or the age of stale rows ("stale
    /// 45s" in the header). Otherwise no timer runs; none runs either while the terminal is
    /// unfocused and pausing (`[poll] pause_unfocused`).
    pub fn needs_clock(&self) -> bool {
        if self.is_paused() {
            return false;
        }
        (self.pane_on_screen() && self.live_on_screen())
            || self.workspaces.iter().any(|w| Kind::ALL.iter().any(|k| w.slot(*k).is_stale()))
            || (self.editing && (self.console.is_busy() || self.editor().idle_timeout_at().is_some()))
            || (self.pane_on_screen() && self.last_change.is_some_and(|t| self.now < t + FLASH))
            || self.workspaces.iter().any(|w| w.throttled_until.is_some_and(|t| t > self.now))
    }

    /// The time is `now`: dirty only if something drawn reads differently than it did, and
    /// only the live cells if nothing else does. The face before is the last tick's when only
    /// ticks came since (nothing else changed what it reads): one digest a tick, not two.
    pub(super) fn on_tick(&mut self, now: Timestamp) {
        let before = match self.tick_face.take() {
            Some((at, face)) if at == self.now => face,
            _ => self.clock_face(self.now),
        };
        self.now = now;
        let after = self.clock_face(now);
        if after.rest != before.rest {
            self.dirty = true;
        } else if after.live != before.live {
            self.live_dirty = true;
        }
        self.tick_face = Some((now, after));
    }

    /// Digests of everything on screen that time alone changes, as it reads at `now`: the
    /// text of the live cells of the rows on screen apart from the rest (the rows' flashes,
    /// the header's stale ages and throttle waits, the editor's spinner and idle countdown).
    /// Equal digests draw the same frame.
    fn clock_face(&self, now: Timestamp) -> Face {
        let (mut live, mut h) = (DefaultHasher::new(), DefaultHasher::new());
        if self.pane_on_screen() {
            let vs = &self.panes[self.pane.index()];
            let end = (vs.offset + self.body_height()).min(vs.rows.len());
            for r in &vs.rows[vs.offset.min(end)..end] {
                let (Some(e), Some(slot)) = (self.entry(*r), self.slot_of(*r)) else { continue };
                // A stale row's cells count to its last poll (ui::table): they do not move.
                if slot.is_stale() {
                    continue;
                }
                e.changed_at.is_some_and(|t| now < t + FLASH).hash(&mut h);
                if e.is_live() {
                    e.res.duration(now).map(format_duration).hash(&mut live);
                    e.res.idle_countdown(now).hash(&mut live);
                }
            }
        }
        for w in &self.workspaces {
            for kind in Kind::ALL {
                let slot = w.slot(kind);
                if let Some(at) = slot.fetched_at.filter(|_| slot.is_stale()) {
                    format_duration(now.duration_since(at)).hash(&mut h);
                }
            }
            w.throttled_until
                .filter(|t| *t > now)
                .map(|t| format_duration(t.duration_since(now)))
                .hash(&mut h);
        }
        if self.editing {
            // A busy tab spins once a second (ui::editor).
            if self.console.is_busy() {
                now.as_second().hash(&mut h);
            }
            self.editor().idle_timeout_at().map(|at| format_duration(at.duration_since(now))).hash(&mut h);
        }
        Face { live: live.finish(), rest: h.finish() }
    }
}

/// What time changes on screen, as [`App::clock_face`] digests it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Face {
    live: u64,
    rest: u64,
}

/// What the next frame must draw again (`App::take_redraw`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Redraw {
    #[default]
    Nothing,
    /// Only the text of live cells (durations, countdowns) of the rows on screen changed.
    Live,
    All,
}
