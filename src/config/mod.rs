//! Configuration: `config.toml`, `~/.databrickscfg` and the environment, resolved into the
//! workspaces to watch. STUB: filled in by the configuration work item.
