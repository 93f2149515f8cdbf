//! Quitting: at once, unless the editor holds a REPL of sparkdeck's own or a statement still
//! runs — then a question says what quitting does to them (`y` quits, `n`/esc stays).

use super::App;
use super::msg::Effect;
use crate::domain::statement::Repl;

impl App {
    /// `q` in a pane, `ctrl-c` anywhere, `:q`.
    pub(super) fn quit(&mut self) -> Vec<Effect> {
        let (give_back, left) = self.console.quit_plan();
        if give_back.is_empty() && left.is_empty() {
            return vec![Effect::Quit];
        }
        let mut lines: Vec<String> = give_back
            .iter()
            .map(|r| format!("The editor's {} is given back: its variables are lost.", what(r)))
            .collect();
        lines.extend(left.iter().map(|r| {
            format!("A statement still runs in the {} ({}): it is left to finish.", what(r), r.workspace())
        }));
        self.quitting = Some(lines);
        Vec::new()
    }

    /// What quitting would do, while the question is open.
    pub fn quitting(&self) -> Option<&[String]> {
        self.quitting.as_deref()
    }
}

fn what(r: &Repl) -> String {
    match r {
        // "context 12 on cluster 0101-…" reads "execution context 12 on cluster 0101-…".
        Repl::Databricks { .. } => format!("execution {}", r.describe()),
        _ => format!("REPL ({})", r.describe()),
    }
}
