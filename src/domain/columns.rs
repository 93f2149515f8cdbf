//! The columns a list of rows can show, by the names users type (`:columns`, `[columns]` in
//! the config, field filters `state:failed`, headless `list --columns`): one list per pane, in
//! one place, so every front end spells a column the same way.

use super::Kind;

/// One column of a pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    Workspace,
    Kind,
    Name,
    Id,
    State,
    Result,
    Trigger,
    File,
    Workers,
    Runtime,
    Owner,
    Started,
    Duration,
    IdleIn,
    Flags,
    Lakehouse,
    /// A job's last runs, one coloured mark each.
    Runs,
    /// A sparkline of a job's last runs' durations.
    Durations,
    /// A job's schedule or trigger.
    Schedule,
}

impl Column {
    pub const ALL: [Column; 19] = [
        Column::Workspace,
        Column::Kind,
        Column::Name,
        Column::Id,
        Column::State,
        Column::Result,
        Column::Trigger,
        Column::File,
        Column::Workers,
        Column::Runtime,
        Column::Owner,
        Column::Started,
        Column::Duration,
        Column::IdleIn,
        Column::Flags,
        Column::Lakehouse,
        Column::Runs,
        Column::Durations,
        Column::Schedule,
    ];

    /// The name users type: lower case, `_` for a space.
    pub const fn name(self) -> &'static str {
        match self {
            Column::Workspace => "workspace",
            Column::Kind => "kind",
            Column::Name => "name",
            Column::Id => "id",
            Column::State => "state",
            Column::Result => "result",
            Column::Trigger => "trigger",
            Column::File => "file",
            Column::Workers => "workers",
            Column::Runtime => "runtime",
            Column::Owner => "owner",
            Column::Started => "started",
            Column::Duration => "duration",
            Column::IdleIn => "idle_in",
            Column::Flags => "flags",
            Column::Lakehouse => "lakehouse",
            Column::Runs => "runs",
            Column::Durations => "durations",
            Column::Schedule => "schedule",
        }
    }

    /// A column by its name, in any case; `ws` is the workspace, `idle-in` / `idle in` the
    /// idle countdown, `job` the Runs pane's name column.
    pub fn parse(text: &str) -> Option<Column> {
        let name = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        match name.as_str() {
            "ws" => Some(Column::Workspace),
            "job" | "run" => Some(Column::Name),
            "status" => Some(Column::State),
            "user" | "creator" | "submitter" => Some(Column::Owner),
            "idle" => Some(Column::IdleIn),
            _ => Column::ALL.into_iter().find(|c| c.name() == name),
        }
    }

    /// The column's heading.
    pub const fn title(self) -> &'static str {
        match self {
            Column::Workspace => "WORKSPACE",
            Column::Kind => "KIND",
            Column::Name => "NAME",
            Column::Id => "ID",
            Column::State => "STATE",
            Column::Result => "RESULT",
            Column::Trigger => "TRIGGER",
            Column::File => "FILE",
            Column::Workers => "WORKERS",
            Column::Runtime => "RUNTIME",
            Column::Owner => "OWNER",
            Column::Started => "STARTED",
            Column::Duration => "DURATION",
            Column::IdleIn => "IDLE IN",
            Column::Flags => "FLAGS",
            Column::Lakehouse => "LAKEHOUSE",
            Column::Runs => "RUNS",
            Column::Durations => "DURATIONS",
            Column::Schedule => "SCHEDULE",
        }
    }

    /// Whether its cells are text a filter can match (durations, countdowns and the duration
    /// sparkline move with the clock; flags are marks). A job's RUNS strip matches as the words
    /// of its marks.
    pub fn is_text(self) -> bool {
        !matches!(self, Column::Duration | Column::IdleIn | Column::Flags | Column::Durations)
    }
}

/// The columns of the pane showing `kind` (`None`: every kind, the All pane), in their default
/// order. WORKSPACE shows only while the pane can show rows of two workspaces.
pub fn columns_of(kind: Option<Kind>) -> &'static [Column] {
    use Column as C;
    match kind {
        Some(Kind::Session) => &[
            C::Workspace,
            C::Name,
            C::Id,
            C::State,
            C::Owner,
            C::Started,
            C::Duration,
            C::IdleIn,
            C::Flags,
            C::Lakehouse,
        ],
        Some(Kind::Batch) => &[
            C::Workspace,
            C::Name,
            C::Id,
            C::State,
            C::File,
            C::Owner,
            C::Started,
            C::Duration,
            C::Flags,
            C::Lakehouse,
        ],
        Some(Kind::Cluster) => &[
            C::Workspace,
            C::Name,
            C::Id,
            C::State,
            C::Workers,
            C::Runtime,
            C::Owner,
            C::Started,
            C::Duration,
            C::Flags,
        ],
        Some(Kind::Run) => &[
            C::Workspace,
            C::Name,
            C::Id,
            C::State,
            C::Result,
            C::Trigger,
            C::Owner,
            C::Started,
            C::Duration,
            C::Flags,
        ],
        Some(Kind::Job) => &[
            C::Workspace,
            C::Name,
            C::Id,
            C::State,
            C::Runs,
            C::Durations,
            C::Schedule,
            C::Owner,
            C::Started,
            C::Flags,
        ],
        None => {
            &[C::Kind, C::Workspace, C::Name, C::Id, C::State, C::Owner, C::Started, C::Duration, C::Flags]
        }
    }
}

/// The names of `kind`'s columns, for messages ("valid: name, id, …").
pub fn names_of(kind: Option<Kind>) -> Vec<&'static str> {
    columns_of(kind).iter().map(|c| c.name()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_aliases_are_known() {
        for c in Column::ALL {
            assert_eq!(Column::parse(c.name()), Some(c));
            assert_eq!(Column::parse(&c.title().to_lowercase()), Some(c), "{c:?} by its title");
        }
        assert_eq!(Column::parse("WS"), Some(Column::Workspace));
        assert_eq!(Column::parse("idle-in"), Some(Column::IdleIn));
        assert_eq!(Column::parse("colour"), None);
    }

    #[test]
    fn every_pane_lists_each_column_once() {
        for kind in [
            None,
            Some(Kind::Session),
            Some(Kind::Batch),
            Some(Kind::Cluster),
            Some(Kind::Run),
            Some(Kind::Job),
        ] {
            let cols = columns_of(kind);
            let mut unique = cols.to_vec();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), cols.len(), "{kind:?}");
            assert!(cols.contains(&Column::Name) && cols.contains(&Column::State));
        }
    }
}
