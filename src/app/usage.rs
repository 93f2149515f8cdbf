//! Resource usage in the details of a Fabric session or batch: while the details are on
//! screen the runner reads the application's `resourceUsage` timeline and re-reads it while the
//! application runs (`Effect::WatchUsage`); closing the details (or opening its logs over them)
//! stops it (`Effect::StopUsage`). Decided in one place after every update, so no way of
//! closing the details can leave the watch running.

use super::App;
use super::msg::Effect;
use crate::domain::usage::Usage;
use crate::domain::{Kind, Target};

/// The usage shown for the details' item.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageView {
    pub target: Target,
    /// `None` until the first read arrives.
    pub usage: Option<Usage>,
    /// The application has ended: the timeline is complete.
    pub finished: bool,
    /// Why the last read failed (shown until the next success).
    pub error: Option<String>,
}

impl App {
    /// The item whose usage is on screen: the details of a Fabric session or batch, with
    /// nothing over them.
    fn usage_wanted(&self) -> Option<Target> {
        if self.logs.is_some() || self.editing {
            return None;
        }
        let row = self.details_row()?;
        matches!(row.kind, Kind::Session | Kind::Batch).then(|| Target::of(row))
    }

    /// Start or stop watching usage when what is on screen asks for it.
    pub(super) fn usage_effect(&mut self) -> Option<Effect> {
        let wanted = self.usage_wanted();
        if wanted.as_ref() == self.usage.as_ref().map(|u| &u.target) {
            return None;
        }
        match wanted {
            Some(target) => {
                self.usage =
                    Some(UsageView { target: target.clone(), usage: None, finished: false, error: None });
                Some(Effect::WatchUsage { target })
            }
            None => {
                self.usage = None;
                Some(Effect::StopUsage)
            }
        }
    }

    pub(super) fn on_usage(&mut self, target: Target, result: Result<(Usage, bool), String>) {
        let Some(view) = self.usage.as_mut().filter(|u| u.target == target) else { return };
        match result {
            Ok((usage, finished)) => {
                view.usage = Some(usage);
                view.finished = finished;
                view.error = None;
            }
            Err(e) => view.error = Some(e),
        }
        self.dirty = true;
    }

    /// The usage of the details' item, while they are on screen.
    pub fn usage(&self) -> Option<&UsageView> {
        self.usage.as_ref()
    }
}
