//! What a read of an item's logs says about the lines before the first one it returned.

/// Whether there is more before the first line shown, and where.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Earlier {
    /// The lines start at the beginning.
    #[default]
    None,
    /// The service has earlier lines: a larger read brings them (`g` at the top).
    More,
    /// The service keeps only these; the rest is elsewhere, as the text says.
    Elsewhere(String),
}

/// Which log of a Fabric Spark application the logs view reads (the picker `l` opens offers
/// them); Databricks items and the Livy API's own log lines have one log each and no source.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LogSource {
    /// The Livy log (monitoring API `type=livy`): from submission on, before the application
    /// starts too.
    Livy,
    /// A driver file: `stderr` (log4j), `stdout`, or one rolled part (`stderr-00001`).
    Driver(String),
    /// One executor's file.
    Executor { executor: String, container: String, file: String },
}

impl LogSource {
    /// "driver stderr", "executor 1 stdout", "Livy log".
    pub fn label(&self) -> String {
        match self {
            LogSource::Livy => "Livy log".into(),
            LogSource::Driver(file) => format!("driver {file}"),
            LogSource::Executor { executor, file, .. } => format!("executor {executor} {file}"),
        }
    }
}

/// One entry of the log picker: a source and what its metadata says (size, last write).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogChoice {
    pub source: LogSource,
    /// "98.2 KiB · modified 2026-12-01T17:02:03.000GMT"; empty when unknown.
    pub about: String,
}

/// Where a page of lines goes in the logs view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Everything there is so far: replaces what is shown.
    Replace,
    /// New lines after the last one (a growing log).
    Append,
    /// Earlier lines before the first one (`g` at the top).
    Prepend,
}

/// One read of a paged log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub lines: Vec<String>,
    pub placement: Placement,
    /// The application has ended: nothing more will be appended.
    pub finished: bool,
    /// What there is before the first line now shown.
    pub earlier: Earlier,
}
