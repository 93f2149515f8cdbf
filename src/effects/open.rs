//! `Effect::Link`: find the URL of an item's page and, for `o`, open it with the platform's
//! opener (`xdg-open`, `open` on macOS, `wslview` under WSL).
//!
//! Hand-rolled rather than the `open` / `opener` crates: those try every opener they know,
//! even where no browser can show up (over SSH, on a console `xdg-open` falls back to a text
//! browser that would fight the TUI for the terminal), and do not report the opener's exit
//! status. Here the choice looks at the display first, the opener runs in its own process
//! group with no stdio (it never writes on the TUI's terminal nor reads its keys), and its exit
//! status is reported.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::app::{LinkUse, Msg, Opened};
use crate::domain::Target;
use crate::poll::supervise::spawn_reporting;
use crate::workspace::{Workspace, links};

/// How long an opener may take to say it failed; one still running then (it became the
/// browser) is taken to have opened the page.
const OPENER_VERDICT: Duration = Duration::from_secs(3);

/// The program that opens a URL here, or why there is none.
pub(crate) fn opener(os: &str, env: impl Fn(&str) -> Option<String>) -> Result<&'static str, String> {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    let ssh = set("SSH_CONNECTION") || set("SSH_TTY");
    match os {
        "macos" if ssh => Err("over SSH the page would open on the remote Mac".into()),
        "macos" => Ok("open"),
        "windows" => Ok("explorer"),
        _ if set("WSL_DISTRO_NAME") || set("WSL_INTEROP") => Ok("wslview"),
        "linux" | "freebsd" | "openbsd" | "netbsd" | "dragonfly" => {
            if set("DISPLAY") || set("WAYLAND_DISPLAY") {
                Ok("xdg-open")
            } else if ssh {
                Err("over SSH, with no DISPLAY".into())
            } else {
                Err("no DISPLAY or WAYLAND_DISPLAY".into())
            }
        }
        other => Err(format!("no known way to open a browser on {other}")),
    }
}

/// Run `program URL` away from the terminal and say how it went.
pub(crate) async fn launch(program: &str, url: &str) -> Opened {
    let mut command = tokio::process::Command::new(program);
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // Its own process group: ctrl-c in the terminal is not its business.
    #[cfg(unix)]
    command.process_group(0);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Opened::NoBrowser(format!("{program} is not installed"));
        }
        Err(e) => return Opened::Failed(format!("{program}: {e}")),
    };
    match tokio::time::timeout(OPENER_VERDICT, child.wait()).await {
        Ok(Ok(status)) if status.success() => Opened::Browser(program.to_string()),
        Ok(Ok(status)) => Opened::Failed(match (program, status.code()) {
            // xdg-utils' exit codes.
            ("xdg-open", Some(3)) => "xdg-open found no browser (exit 3)".into(),
            ("xdg-open", Some(4)) => "the browser could not open it (xdg-open exit 4)".into(),
            (_, Some(code)) => format!("{program} exited with {code}"),
            (_, None) => format!("{program} was stopped by a signal"),
        }),
        Ok(Err(e)) => Opened::Failed(format!("{program}: {e}")),
        Err(_) => {
            // Still running: it is the browser now. Reap it whenever it ends.
            tokio::spawn(async move { child.wait().await });
            Opened::Browser(program.to_string())
        }
    }
}

/// Find `target`'s page; open it or hand it back, as `then` says.
pub(super) fn link(
    ws: Option<Arc<Workspace>>,
    target: Target,
    raw: Arc<crate::raw_json::Raw>,
    then: LinkUse,
    tx: &mpsc::Sender<Msg>,
) {
    let tx = tx.clone();
    let (failed_tx, failed_target) = (tx.clone(), target.clone());
    let work = async move {
        let url = match &ws {
            Some(ws) => links::page(ws, &target, &raw),
            None => Err(format!("no workspace named {:?}", target.workspace)),
        };
        let opened = match (&url, then) {
            (Ok(url), LinkUse::Browser) => match opener(std::env::consts::OS, |k| std::env::var(k).ok()) {
                Ok(program) => launch(program, url).await,
                Err(why) => Opened::NoBrowser(why),
            },
            _ => Opened::NotAsked,
        };
        let _ = tx.send(Msg::Link { target, url, opened }).await;
    };
    spawn_reporting(work, move |why| async move {
        let url = Err(format!("finding its page failed inside sparkdeck ({why})"));
        let _ = failed_tx.send(Msg::Link { target: failed_target, url, opened: Opened::NotAsked }).await;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn the_opener_follows_the_platform_and_the_display() {
        assert_eq!(opener("linux", env(&[("DISPLAY", ":0")])), Ok("xdg-open"));
        assert_eq!(opener("linux", env(&[("WAYLAND_DISPLAY", "wayland-0")])), Ok("xdg-open"));
        assert_eq!(opener("linux", env(&[("WSL_DISTRO_NAME", "Ubuntu")])), Ok("wslview"));
        // X forwarding over SSH has a display: the page opens there.
        assert_eq!(
            opener("linux", env(&[("SSH_TTY", "/dev/pts/1"), ("DISPLAY", "localhost:10")])),
            Ok("xdg-open")
        );
        assert_eq!(
            opener("linux", env(&[("SSH_TTY", "/dev/pts/1")])),
            Err("over SSH, with no DISPLAY".into())
        );
        assert_eq!(opener("linux", env(&[("DISPLAY", "")])), Err("no DISPLAY or WAYLAND_DISPLAY".into()));
        assert_eq!(opener("macos", env(&[])), Ok("open"));
        assert!(opener("macos", env(&[("SSH_CONNECTION", "1 2 3 4")])).is_err());
        assert_eq!(opener("windows", env(&[])), Ok("explorer"));
    }

    /// A real process: the opener gets the URL as its one argument, nothing reaches our stdio,
    /// and its exit status is what is reported.
    #[cfg(unix)]
    #[tokio::test]
    async fn the_opener_runs_detached_and_its_exit_status_is_reported() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let script = |name: &str, body: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap_or_else(|e| panic!("{e}"));
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .unwrap_or_else(|e| panic!("{e}"));
            path.to_string_lossy().into_owned()
        };
        let got = dir.path().join("got");
        let ok = script("ok", &format!("echo noise; echo \"$#:$1\" > {}", got.display()));
        let url = "https://adb-1.1.azuredatabricks.net/?o=1#job/11/run/455644833";
        assert_eq!(launch(&ok, url).await, Opened::Browser(ok.clone()));
        assert_eq!(std::fs::read_to_string(&got).unwrap_or_default(), format!("1:{url}\n"));
        let failing = script("failing", "exit 4");
        assert!(matches!(launch(&failing, url).await, Opened::Failed(why) if why.contains("exited with 4")));
        let missing = dir.path().join("missing").to_string_lossy().into_owned();
        assert!(
            matches!(launch(&missing, url).await, Opened::NoBrowser(why) if why.contains("not installed"))
        );
    }
}
