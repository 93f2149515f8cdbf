//! `ConfigError`: every way configuration can be wrong, each naming where and how to fix it.
//! Messages never contain secret values.

use std::fmt;
use std::path::PathBuf;

/// Custom parse errors carry their fix after this marker; `load` splits it off.
pub(crate) const FIX_MARKER: &str = "\nfix: ";

/// A place in a config file: 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` in `source`.
    pub fn at(path: PathBuf, source: &str, offset: usize) -> Self {
        let before = source.get(..offset.min(source.len())).unwrap_or(source);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Self { path, line, column }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A file named by `--config`, `SPARKDECK_CONFIG` or `DATABRICKS_CONFIG_FILE` could not be read.
    #[error("cannot read {path}: {source}\n  fix: {fix}")]
    Read { path: PathBuf, source: std::io::Error, fix: String },
    /// A problem at a known place in `config.toml`.
    #[error("{location}: {message}{}\n  fix: {fix}", key_suffix(key))]
    Invalid { location: Location, key: Option<String>, message: String, fix: String },
    /// A problem in `~/.databrickscfg` or the `DATABRICKS_*` / `ARM_*` environment; `source_name`
    /// says which (a file and profile, or "environment").
    #[error("{source_name}: {message}\n  fix: {fix}")]
    Databricks { source_name: String, message: String, fix: String },
}

fn key_suffix(key: &Option<String>) -> String {
    key.as_ref().map(|k| format!(" (key `{k}`)")).unwrap_or_default()
}

impl ConfigError {
    /// The config-file location, when the error has one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            ConfigError::Invalid { location, .. } => Some(location),
            _ => None,
        }
    }
}
