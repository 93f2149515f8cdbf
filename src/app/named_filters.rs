//! `:filter`: named filters — `:filter save NAME` keeps the focused pane's filter (and "mine
//! only") in the data dir, `:filter NAME` brings it back in its pane, `:filter rm NAME` forgets
//! it, `:filter` lists them.

use super::App;
use super::filter::Filter;
use super::msg::Effect;
use super::pane::Pane;
use crate::saved_filters::NamedFilter;

/// The saved filters, as read at start and changed since.
#[derive(Debug, Clone, Default)]
pub struct NamedFilters {
    list: Vec<NamedFilter>,
}

/// `:filter …` as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterCmd {
    List,
    Save(String),
    Remove(String),
    Recall(String),
}

impl FilterCmd {
    pub fn parse(arg: &str) -> Result<FilterCmd, String> {
        let (head, rest) = arg.trim().split_once(' ').map_or((arg.trim(), ""), |(h, r)| (h, r.trim()));
        match head {
            "" => Ok(FilterCmd::List),
            "save" | "rm" | "remove" | "delete" if rest.is_empty() => {
                Err(format!(":filter {head} needs a NAME"))
            }
            "save" => Ok(FilterCmd::Save(rest.to_string())),
            "rm" | "remove" | "delete" => Ok(FilterCmd::Remove(rest.to_string())),
            _ => Ok(FilterCmd::Recall(arg.trim().to_string())),
        }
    }
}

impl App {
    /// Start with the named filters read from the data dir.
    pub fn with_named_filters(mut self, list: Vec<NamedFilter>) -> App {
        self.named_filters.list = list;
        self
    }

    /// The names of the saved filters (completion).
    pub fn filter_names(&self) -> Vec<String> {
        self.named_filters.list.iter().map(|f| f.name.clone()).collect()
    }

    pub(super) fn run_filter_command(&mut self, cmd: FilterCmd) -> Vec<Effect> {
        match cmd {
            FilterCmd::List if self.named_filters.list.is_empty() => {
                self.info("No named filters yet: /… then :filter save NAME keeps one.".into())
            }
            FilterCmd::List => {
                let names: Vec<String> =
                    self.named_filters.list.iter().map(|f| format!("{} ({})", f.name, describe(f))).collect();
                self.info(format!("Filters: {} — :filter NAME recalls one.", names.join(", ")));
            }
            FilterCmd::Save(name) => {
                let vs = &self.panes[self.pane.index()];
                if vs.filter.is_none() && !vs.mine {
                    self.error(
                        "Nothing to save: the pane has no filter (/) and shows everyone's rows (m).".into(),
                    );
                    return Vec::new();
                }
                let saved = NamedFilter {
                    name: name.clone(),
                    text: vs.filter.as_ref().map(|f| f.text.clone()).unwrap_or_default(),
                    mine: vs.mine,
                    pane: self.pane.command().to_string(),
                };
                let list = &mut self.named_filters.list;
                let replaced =
                    list.iter().position(|f| f.name == name).map(|i| list[i] = saved.clone()).is_some();
                if !replaced {
                    list.push(saved);
                }
                let verb = if replaced { "replaced" } else { "saved" };
                self.info(format!("Filter {name:?} {verb}: :filter {name} brings it back."));
                return vec![Effect::SaveFilters(self.named_filters.list.clone())];
            }
            FilterCmd::Remove(name) => {
                let before = self.named_filters.list.len();
                self.named_filters.list.retain(|f| f.name != name);
                if self.named_filters.list.len() == before {
                    self.no_such_filter(&name);
                    return Vec::new();
                }
                self.info(format!("Filter {name:?} removed."));
                return vec![Effect::SaveFilters(self.named_filters.list.clone())];
            }
            FilterCmd::Recall(name) => {
                let Some(saved) = self.named_filters.list.iter().find(|f| f.name == name).cloned() else {
                    self.no_such_filter(&name);
                    return Vec::new();
                };
                let pane = Pane::ALL.into_iter().find(|p| p.command() == saved.pane).unwrap_or(self.pane);
                let filter = match Filter::parse(&saved.text, pane.kind()) {
                    Ok(f) => f,
                    Err(e) => {
                        self.error(format!("Filter {name:?} no longer reads: {e}"));
                        return Vec::new();
                    }
                };
                let mut effects = self.show(pane);
                let vs = &mut self.panes[pane.index()];
                vs.filter = filter;
                vs.mine = saved.mine;
                vs.select(0);
                effects.extend(self.ask_identities());
                self.rebuild(pane);
                self.say_unknown_identities();
                return effects;
            }
        }
        Vec::new()
    }

    fn no_such_filter(&mut self, name: &str) {
        let names = self.filter_names();
        let known = if names.is_empty() { "none saved yet".to_string() } else { names.join(", ") };
        self.error(format!("No filter named {name:?} (saved: {known})."));
    }
}

/// "runs: state:failed, mine".
fn describe(f: &NamedFilter) -> String {
    let mut parts = vec![];
    if !f.text.is_empty() {
        parts.push(f.text.clone());
    }
    if f.mine {
        parts.push("mine".into());
    }
    format!("{}: {}", f.pane, parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_reads() {
        assert_eq!(FilterCmd::parse(""), Ok(FilterCmd::List));
        assert_eq!(FilterCmd::parse("save broken prod"), Ok(FilterCmd::Save("broken prod".into())));
        assert_eq!(FilterCmd::parse("rm x"), Ok(FilterCmd::Remove("x".into())));
        assert_eq!(FilterCmd::parse("nightly"), Ok(FilterCmd::Recall("nightly".into())));
        assert!(FilterCmd::parse("save").is_err_and(|e| e.contains("needs a NAME")));
    }
}
