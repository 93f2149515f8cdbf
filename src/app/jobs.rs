//! The Jobs pane's actions: run now (`r`), run with parameters (`p`: a `KEY=VALUE ...` line,
//! starting from the job's declared parameters and defaults), repair the last failed run (`R`)
//! and cancel every active run (`C`); each asks first, naming what it will do.

use crate::domain::job::{RunParameters, parameters_template, parse_parameters};
use crate::domain::{Action, Detail, Kind, Resource, Target};

use super::confirm::Confirm;
use super::{App, PromptMode};

impl App {
    /// The confirmation of a job action on row `r` (a job, or a run for a repair), or why
    /// there is none.
    pub(super) fn job_confirm(&self, action: Action, r: &Resource) -> Result<Confirm, String> {
        let mut confirm = Confirm::new(action, Target::of(r));
        let Detail::Job { recent, .. } = &r.detail else {
            return Ok(confirm);
        };
        match action {
            Action::RunJob => confirm.change = Some("with its default parameters".into()),
            Action::RepairRun => {
                let Some(failed) = recent.iter().find(|run| run.status.is_terminal()) else {
                    return Err(format!("Job \"{}\" has no finished run to repair.", r.name));
                };
                if failed.status == crate::domain::Status::Succeeded {
                    return Err(format!(
                        "Nothing to repair: the last finished run of job \"{}\" ({}) succeeded.",
                        r.name, failed.run_id
                    ));
                }
                confirm.target = Target { kind: Kind::Run, id: failed.run_id.clone(), ..Target::of(r) };
                confirm.change = Some(format!(
                    "its last finished run {} ({}): its failed tasks and those after them run again",
                    failed.run_id, failed.state
                ));
            }
            Action::CancelAllRuns => {
                let active = recent.iter().filter(|run| run.status.is_active()).count();
                if active == 0 {
                    return Err(format!("Nothing to cancel: no run of job \"{}\" is active.", r.name));
                }
                let more = if active == recent.len() && active >= crate::domain::job::RECENT_RUNS {
                    " or more"
                } else {
                    ""
                };
                confirm.change =
                    Some(format!("{active}{more} active run{}", if active == 1 { "" } else { "s" }));
            }
            _ => {}
        }
        Ok(confirm)
    }

    /// `p`: the parameters line for the selected job, filled with its declared parameters.
    pub(super) fn ask_parameters(&mut self) {
        let Some(e) = self.selected().filter(|e| e.res.kind == Kind::Job) else { return };
        if let Some(text) = self.refused(Action::RunJob, &e.res) {
            return self.error(text);
        }
        let template = match &e.res.detail {
            Detail::Job { parameters, .. } => parameters_template(parameters),
            _ => String::new(),
        };
        self.open_prompt_with(PromptMode::Parameters, template);
    }

    /// The line typed after `p`: the confirmation names every parameter and how it is passed;
    /// a line that does not parse stays open with the reason.
    pub(super) fn confirm_parameters(&mut self, text: &str) {
        let Some(e) = self.selected().filter(|e| e.res.kind == Kind::Job) else { return };
        let declared: Vec<String> = match &e.res.detail {
            Detail::Job { parameters, .. } => parameters.iter().map(|(k, _)| k.clone()).collect(),
            _ => Vec::new(),
        };
        match parse_parameters(text, &declared) {
            Ok(pairs) => {
                let params = RunParameters::for_job(&declared, pairs);
                let mut confirm = Confirm::new(Action::RunJob, Target::of(&e.res));
                confirm.change = Some(format!("with {}", params.describe()));
                confirm.parameters = params.pairs().to_vec();
                self.confirm = Some(confirm);
            }
            Err(reason) => {
                self.open_prompt_with(PromptMode::Parameters, text.to_string());
                if let Some(p) = &mut self.prompt {
                    p.selected = false;
                    p.error = Some(reason);
                }
            }
        }
    }
}
