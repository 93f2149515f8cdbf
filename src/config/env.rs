//! The process environment, behind a trait so configuration logic stays hermetic in tests:
//! [`SystemEnv`] is the one adapter that reads `std::env`; tests use [`MapEnv`].

use std::collections::HashMap;
use std::path::PathBuf;

/// Environment variables and the user's home directory.
pub trait Env {
    /// The value of `name`; empty values count as unset (as the Databricks SDKs treat them).
    fn var(&self, name: &str) -> Option<String>;
    /// The user's home directory, for `~/.databrickscfg` and `~/` in paths.
    fn home_dir(&self) -> Option<PathBuf>;
}

/// The real process environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemEnv;

impl Env for SystemEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    fn home_dir(&self) -> Option<PathBuf> {
        directories::BaseDirs::new().map(|dirs| dirs.home_dir().to_path_buf())
    }
}

/// A fixed environment: tests, and callers that want to pin one.
#[derive(Clone, Default)]
pub struct MapEnv {
    vars: HashMap<String, String>,
    home: Option<PathBuf>,
}

impl MapEnv {
    pub fn new() -> Self {
        Self::default()
    }

    /// Set a variable (builder style).
    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.vars.insert(name.to_string(), value.to_string());
        self
    }

    /// Set the home directory (builder style).
    pub fn with_home(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }
}

// Values may be secrets (AZURE_CLIENT_SECRET): list only the names.
impl std::fmt::Debug for MapEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<&String> = self.vars.keys().collect();
        names.sort();
        f.debug_struct("MapEnv").field("vars", &names).field("home", &self.home).finish()
    }
}

impl Env for MapEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.vars.get(name).filter(|v| !v.is_empty()).cloned()
    }

    fn home_dir(&self) -> Option<PathBuf> {
        self.home.clone()
    }
}
