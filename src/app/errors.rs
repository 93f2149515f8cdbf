//! The whole errors (`!`, or Enter on an empty pane that has errors): the last action that
//! failed and every failing poll in scope, each with its request, status, code, message,
//! request id and fix.

use super::App;
use super::details::DetailLine;
use crate::domain::Problem;

impl App {
    /// Whether there is an error to show whole.
    pub fn has_errors(&self) -> bool {
        self.last_failure.is_some()
            || self.workspaces.iter().any(|w| w.errors(w.workspace.service.kinds()).next().is_some())
    }

    pub(super) fn errors_sheet(&self) -> (String, Vec<DetailLine>) {
        let mut lines = Vec::new();
        let time = |t: jiff::Timestamp| t.to_zoned(self.tz.clone()).strftime("%H:%M:%S").to_string();
        if let Some((what, problem)) = &self.last_failure {
            lines.push(DetailLine::Heading(what.clone()));
            push(&mut lines, problem);
        }
        for w in self.in_scope() {
            let kinds = w.workspace.service.kinds();
            for (kind, e) in w.errors(kinds) {
                let stale = match w.slot(kind).fetched_at {
                    Some(at) => format!("rows from {} shown, stale", time(at)),
                    None => "no rows read yet".into(),
                };
                lines.push(DetailLine::Heading(format!(
                    "{} {}: failing since {} ({stale})",
                    w.workspace.name,
                    kind.plural(),
                    time(e.since)
                )));
                push(&mut lines, &e.problem);
            }
        }
        if lines.is_empty() {
            lines.push(DetailLine::Text("No errors: every workspace answers.".into()));
        }
        (" Errors ".into(), lines)
    }
}

fn push(lines: &mut Vec<DetailLine>, p: &Problem) {
    for (label, value) in p.fields() {
        lines.push(DetailLine::Field { label, value });
    }
}
