//! The `:` command line: parsing and Tab completion.

use super::pane::Pane;

/// Command names offered by completion, in the order shown.
pub const COMMANDS: &[&str] = &[
    "sessions", "batches", "clusters", "runs", "all", "ws", "editor", "open", "save", "export", "events",
    "errors", "ro", "rw", "help", "quit",
];

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cmd {
    Show(Pane),
    /// `:ws NAME` (one workspace) or `:ws` (all workspaces).
    Workspace(Option<String>),
    /// `:editor [WORKSPACE]`: the statement editor.
    Editor(Option<String>),
    /// `:events [WORKSPACE]`: the event log.
    Events(Option<String>),
    /// `:errors`: every error, whole.
    Errors,
    /// `:ro [NAME|all]`: refuse changes there; `:rw [NAME|all]`: allow them again.
    ReadOnly(Option<String>),
    ReadWrite(Option<String>),
    /// `:open PATH`, `:save PATH`: the editor tab's text from / to a file.
    Open(String),
    Save(String),
    /// `:export PATH.csv|.json`: the newest result table (or the one open full screen).
    Export(String),
    Help,
    Quit,
    Nothing,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnknownCommand(String);

pub fn parse(line: &str) -> Result<Cmd, UnknownCommand> {
    let mut words = line.split_whitespace();
    let Some(head) = words.next() else { return Ok(Cmd::Nothing) };
    let arg = words.collect::<Vec<_>>().join(" ");
    let cmd = match head.to_lowercase().as_str() {
        "sessions" | "session" | "se" | "livy" => Cmd::Show(Pane::Sessions),
        "batches" | "batch" | "ba" => Cmd::Show(Pane::Batches),
        "clusters" | "cluster" | "cl" => Cmd::Show(Pane::Clusters),
        "runs" | "run" | "jobs" => Cmd::Show(Pane::Runs),
        "all" => Cmd::Show(Pane::All),
        "ws" | "workspace" => Cmd::Workspace(Some(arg).filter(|a| !a.is_empty())),
        "editor" | "edit" | "e" => Cmd::Editor(Some(arg).filter(|a| !a.is_empty())),
        "events" | "event" | "log" => Cmd::Events(Some(arg).filter(|a| !a.is_empty())),
        "errors" | "error" | "err" => Cmd::Errors,
        "ro" | "readonly" | "read-only" => Cmd::ReadOnly(Some(arg).filter(|a| !a.is_empty())),
        "rw" | "readwrite" | "read-write" => Cmd::ReadWrite(Some(arg).filter(|a| !a.is_empty())),
        "open" | "o" | "save" | "w" | "export" if arg.is_empty() => {
            return Err(UnknownCommand(format!(":{head} needs a path (:{head} PATH)")));
        }
        "open" | "o" => Cmd::Open(arg),
        "save" | "w" => Cmd::Save(arg),
        "export" => Cmd::Export(arg),
        "help" | "h" => Cmd::Help,
        "q" | "q!" | "quit" | "exit" => Cmd::Quit,
        _ => {
            return Err(UnknownCommand(format!(
                "unknown command :{} (try :sessions :batches :clusters :runs :all :ws NAME :editor :open :save :export :events :ro :rw :q)",
                line.trim()
            )));
        }
    };
    Ok(cmd)
}

/// Candidates for the text typed so far: command names, or workspace names after `ws `.
/// Returns the full line each candidate would produce.
pub fn candidates(line: &str, workspaces: &[&str]) -> Vec<String> {
    match line.split_once(' ') {
        None => COMMANDS
            .iter()
            .filter(|c| c.starts_with(&line.to_lowercase()))
            .map(|c| if matches!(*c, "ws" | "ro" | "rw") { format!("{c} ") } else { c.to_string() })
            .collect(),
        Some((head, arg))
            if matches!(head, "ws" | "workspace" | "editor" | "edit" | "events" | "ro" | "rw") =>
        {
            let arg = arg.trim_start().to_lowercase();
            workspaces
                .iter()
                .filter(|w| w.to_lowercase().starts_with(&arg))
                .map(|w| format!("{head} {w}"))
                .collect()
        }
        Some(_) => Vec::new(),
    }
}

/// The longest prefix shared by every candidate.
pub fn common_prefix(candidates: &[String]) -> String {
    let Some(first) = candidates.first() else { return String::new() };
    let shared = candidates.iter().fold(first.chars().count(), |n, c| {
        first.chars().zip(c.chars()).take_while(|(a, b)| a == b).count().min(n)
    });
    first.chars().take(shared).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_aliases_parse() {
        assert_eq!(parse("clusters"), Ok(Cmd::Show(Pane::Clusters)));
        assert_eq!(parse(" runs "), Ok(Cmd::Show(Pane::Runs)));
        assert_eq!(parse("ws adb-dev"), Ok(Cmd::Workspace(Some("adb-dev".into()))));
        assert_eq!(parse("ws"), Ok(Cmd::Workspace(None)));
        assert_eq!(parse("q"), Ok(Cmd::Quit));
        assert_eq!(parse(""), Ok(Cmd::Nothing));
        assert!(parse("frobnicate").is_err());
    }

    #[test]
    fn completion_offers_commands_then_workspaces() {
        assert_eq!(candidates("cl", &[]), vec!["clusters"]);
        assert_eq!(candidates("w", &[]), vec!["ws "]);
        assert_eq!(
            candidates("ws adb", &["adb-dev", "adb-prod", "fabric"]),
            vec!["ws adb-dev", "ws adb-prod"]
        );
        assert_eq!(common_prefix(&candidates("ws a", &["adb-dev", "adb-prod"])), "ws adb-");
        assert_eq!(common_prefix(&candidates("se", &[])), "sessions");
        assert_eq!(candidates("s", &[]), vec!["sessions", "save"]);
        assert_eq!(parse("open ~/q.sql"), Ok(Cmd::Open("~/q.sql".into())));
        assert_eq!(parse("export out/a b.csv"), Ok(Cmd::Export("out/a b.csv".into())));
        assert!(parse("save").is_err_and(|e| e.to_string().contains(":save needs a path")));
    }
}
