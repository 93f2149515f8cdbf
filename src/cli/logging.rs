//! The log: a file in the data directory (`sparkdeck.YYYY-MM-DD.log`, a week kept), never the
//! terminal, which the monitor owns. `SPARKDECK_LOG` sets the filter (e.g. `debug`,
//! `sparkdeck=trace`); the default records warnings and sparkdeck's own notes.
//! Nothing logged carries a secret: tokens live in `SecretString`s and headers marked sensitive.

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;

/// Start logging to a file; keep the guard alive until exit so buffered lines are written.
/// Without a writable data directory there is simply no log.
pub fn init() -> Option<WorkerGuard> {
    let dir = crate::config::paths::data_dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("sparkdeck")
        .filename_suffix("log")
        .max_log_files(7)
        .build(&dir)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter =
        EnvFilter::try_from_env("SPARKDECK_LOG").unwrap_or_else(|_| EnvFilter::new("warn,sparkdeck=info"));
    tracing_subscriber::fmt().with_writer(writer).with_ansi(false).with_env_filter(filter).try_init().ok()?;
    Some(guard)
}
