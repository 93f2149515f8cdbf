//! The log: a file in the data directory (`sparkdeck.YYYY-MM-DD.log`, a week kept), never the
//! terminal, which the monitor owns. `SPARKDECK_LOG` sets the filter (e.g. `debug`,
//! `sparkdeck=trace`); the default records warnings and sparkdeck's own notes.
//! Nothing logged carries a secret: tokens live in `SecretString`s and headers marked sensitive.
//! Still, the log names workspaces and resources: the file is 0600 in a 0700 directory.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;

const PREFIX: &str = "sparkdeck";
const SUFFIX: &str = "log";

/// Start logging to a file; keep the guard alive until exit so buffered lines are written.
/// Without a writable data directory there is simply no log.
pub fn init() -> Option<WorkerGuard> {
    let dir = crate::config::paths::data_dir()?;
    let writer = PrivateLog::open(&dir).ok()?;
    let (writer, guard) = tracing_appender::non_blocking(writer);
    let filter =
        EnvFilter::try_from_env("SPARKDECK_LOG").unwrap_or_else(|_| EnvFilter::new("warn,sparkdeck=info"));
    tracing_subscriber::fmt().with_writer(writer).with_ansi(false).with_env_filter(filter).try_init().ok()?;
    Some(guard)
}

/// The daily rolling file, each day's file created 0600. tracing-appender creates files with
/// the default mode but opens an existing one as it is, so the day's file is made (private)
/// just before the appender first writes to it.
pub struct PrivateLog {
    dir: PathBuf,
    appender: RollingFileAppender,
    /// The day (UTC, as the appender names its files) whose file is known to be private.
    day: String,
}

impl PrivateLog {
    pub fn open(dir: &Path) -> io::Result<PrivateLog> {
        crate::config::paths::create_private_dir(dir)?;
        let day = today();
        make_private(&dir.join(file_name(&day)))?;
        let appender = RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix(PREFIX)
            .filename_suffix(SUFFIX)
            .max_log_files(7)
            .build(dir)
            .map_err(io::Error::other)?;
        Ok(PrivateLog { dir: dir.to_path_buf(), appender, day })
    }
}

impl Write for PrivateLog {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let day = today();
        if day != self.day {
            // A new day: the appender opens a new file on this write.
            make_private(&self.dir.join(file_name(&day)))?;
            self.day = day;
        }
        self.appender.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.appender.flush()
    }
}

/// The appender's date format (`Rotation::DAILY`: UTC, `YYYY-MM-DD`).
fn today() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%d").to_string()
}

fn file_name(day: &str) -> String {
    format!("{PREFIX}.{day}.{SUFFIX}")
}

/// Create `path` 0600 if missing; an existing one (from an older sparkdeck) is closed to 0600.
fn make_private(path: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        if file.metadata()?.permissions().mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    options.open(path).map(drop)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn the_log_is_0600_in_a_0700_directory_even_when_an_older_one_was_open() -> io::Result<()> {
        let root = tempfile::tempdir()?;
        let dir = root.path().join("data");
        std::fs::create_dir(&dir)?;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))?;
        let path = dir.join(file_name(&today()));
        std::fs::write(&path, "older line\n")?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))?;
        let mut log = PrivateLog::open(&dir)?;
        log.write_all(b"a line\n")?;
        log.flush()?;
        let mode = |p: &Path| std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777);
        assert_eq!((mode(&dir)?, mode(&path)?), (0o700, 0o600));
        assert_eq!(std::fs::read_to_string(&path)?, "older line\na line\n");
        Ok(())
    }
}
