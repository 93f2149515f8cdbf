//! Where sparkdeck's files live, and which config file to read.

use std::path::{Path, PathBuf};

use super::env::Env;

/// Environment variable naming the config file (after `--config`).
pub const CONFIG_ENV: &str = "SPARKDECK_CONFIG";
/// Name of the config file inside the platform config directory.
pub const CONFIG_FILE_NAME: &str = "config.toml";

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "sparkdeck")
}

/// `config.toml` in the platform config directory (e.g. `~/.config/sparkdeck/config.toml` on
/// Linux, `~/Library/Application Support/sparkdeck/config.toml` on macOS), for `sparkdeck` to print.
pub fn default_config_file() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.config_dir().join(CONFIG_FILE_NAME))
}

/// Where sparkdeck keeps its own files: device-code refresh tokens, the log, editor drafts and
/// statement history (`~/.local/share/sparkdeck` on Linux). `None` when no home directory is known.
pub fn data_dir() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.data_dir().to_path_buf())
}

/// Create `dir` (and missing parents) readable by its owner only (0700), and close an existing
/// `dir` that group or others may enter: it holds the log, drafts, history and sign-ins. Only
/// `dir` itself is changed, never a parent that already exists (it may be `/tmp`).
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(dir)?;
        let mode = std::fs::metadata(dir)?.permissions().mode();
        if mode & 0o077 != 0 {
            // Not ours to change (another owner) is no reason to stop: the files are 0600.
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode & 0o700));
        }
        Ok(())
    }
    #[cfg(not(unix))]
    builder.create(dir)
}

/// Which config file to read and whether the user named it (a named file must exist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigChoice {
    pub path: PathBuf,
    pub explicit: bool,
}

/// `--config PATH`, then `SPARKDECK_CONFIG`, then the default file.
pub fn choose_config_file(
    cli: Option<&Path>,
    env: &dyn Env,
    default_file: Option<&Path>,
) -> Option<ConfigChoice> {
    if let Some(path) = cli {
        return Some(ConfigChoice { path: expand_home(path, env), explicit: true });
    }
    if let Some(path) = env.var(CONFIG_ENV) {
        return Some(ConfigChoice { path: expand_home(Path::new(&path), env), explicit: true });
    }
    default_file.map(|path| ConfigChoice { path: path.to_path_buf(), explicit: false })
}

/// `~/.databrickscfg`, or `DATABRICKS_CONFIG_FILE` (a leading `~` expanded, as the SDKs do).
pub fn databrickscfg_file(env: &dyn Env) -> Option<PathBuf> {
    match env.var("DATABRICKS_CONFIG_FILE") {
        Some(path) => Some(expand_home(Path::new(&path), env)),
        None => env.home_dir().map(|home| home.join(".databrickscfg")),
    }
}

/// Expand a leading `~` to the home directory; other paths are returned unchanged.
pub fn expand_home(path: &Path, env: &dyn Env) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~")
        && let Some(home) = env.home_dir()
    {
        return home.join(rest);
    }
    path.to_path_buf()
}

/// A path from the config file: `~` expanded, relative paths taken from the file's directory.
pub fn resolve_relative(path: &Path, config_file: Option<&Path>, env: &dyn Env) -> PathBuf {
    let expanded = expand_home(path, env);
    match config_file.and_then(Path::parent) {
        Some(dir) if expanded.is_relative() => dir.join(expanded),
        _ => expanded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::env::MapEnv;

    #[test]
    fn cli_beats_env_beats_default() {
        let env = MapEnv::new().with(CONFIG_ENV, "/etc/sd.toml");
        let default = Path::new("/home/u/.config/sparkdeck/config.toml");
        let cli = choose_config_file(Some(Path::new("/tmp/a.toml")), &env, Some(default));
        assert_eq!(cli, Some(ConfigChoice { path: "/tmp/a.toml".into(), explicit: true }));
        let from_env = choose_config_file(None, &env, Some(default));
        assert_eq!(from_env, Some(ConfigChoice { path: "/etc/sd.toml".into(), explicit: true }));
        let fallback = choose_config_file(None, &MapEnv::new(), Some(default));
        assert_eq!(fallback, Some(ConfigChoice { path: default.into(), explicit: false }));
    }

    #[test]
    fn databrickscfg_follows_env_and_home() {
        let env = MapEnv::new().with_home("/home/u");
        assert_eq!(databrickscfg_file(&env), Some(PathBuf::from("/home/u/.databrickscfg")));
        let env = env.with("DATABRICKS_CONFIG_FILE", "~/cfg/dbx.ini");
        assert_eq!(databrickscfg_file(&env), Some(PathBuf::from("/home/u/cfg/dbx.ini")));
    }

    #[test]
    fn relative_paths_are_taken_from_the_config_directory() {
        let env = MapEnv::new().with_home("/home/u");
        let file = Path::new("/etc/sparkdeck/config.toml");
        assert_eq!(
            resolve_relative(Path::new("sp.pem"), Some(file), &env),
            PathBuf::from("/etc/sparkdeck/sp.pem")
        );
        assert_eq!(
            resolve_relative(Path::new("~/sp.pem"), Some(file), &env),
            PathBuf::from("/home/u/sp.pem")
        );
        assert_eq!(resolve_relative(Path::new("/abs.pem"), Some(file), &env), PathBuf::from("/abs.pem"));
    }

    #[cfg(unix)]
    #[test]
    fn private_dirs_are_0700_and_only_the_leaf_is_closed() -> std::io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777);
        let root = tempfile::tempdir()?;
        std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755))?;
        let new = root.path().join("a/b");
        create_private_dir(&new)?;
        assert_eq!((mode(&root.path().join("a"))?, mode(&new)?), (0o700, 0o700));
        assert_eq!(mode(root.path())?, 0o755, "an existing parent is left alone");
        let old = root.path().join("old");
        std::fs::create_dir(&old)?;
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755))?;
        create_private_dir(&old)?;
        assert_eq!(mode(&old)?, 0o700, "an existing data directory is closed");
        Ok(())
    }
}
