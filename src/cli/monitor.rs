//! `sparkdeck` (and `sparkdeck --demo`) with no command: the monitor, full screen.

use jiff::tz::TimeZone;
use std::io::IsTerminal;
use tokio::sync::mpsc;

use super::GlobalArgs;
use super::context::{CmdResult, Context, fail};
use crate::app::{self, App, Console, Targets};
use crate::config::Theme as ThemeName;
use crate::domain::statement::Repl;
use crate::drafts::Drafts;
use crate::effects::Runner;
use crate::ui::Theme;

/// Room for a burst of poll results between two frames.
const MSG_QUEUE: usize = 256;
/// How long quitting waits to give the editor's REPL back.
const RELEASE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The editor as it was left: the saved tabs and the history, and what of them could not be
/// read (shown when the editor opens).
fn saved_editor(drafts: &Drafts) -> Console {
    let (tabs, tabs_notice) = match drafts.load_tabs() {
        Ok(tabs) => (tabs, None),
        Err(e) => (Default::default(), Some(e)),
    };
    let history = drafts.read_history();
    let notices: Vec<String> = tabs_notice.into_iter().chain(history.notice).collect();
    let mut console = Console::new(tabs, history.entries);
    console.notice = (!notices.is_empty()).then(|| notices.join(" · "));
    console
}

/// Where the editor can run code: each Fabric workspace's lakehouses and REPL settings.
pub fn targets(workspaces: &[crate::workspace::Workspace]) -> Targets {
    workspaces.iter().fold(Targets::default(), |t, w| {
        use crate::workspace::statements::{has_unnamed_lakehouses, lakehouse_labels, repl_settings};
        match lakehouse_labels(w) {
            Some(labels) => {
                let t = t.with_fabric(&w.name, labels, repl_settings(w));
                if has_unnamed_lakehouses(w) { t.with_unnamed(&w.name) } else { t }
            }
            None => t,
        }
    })
}

/// Give the editor's REPL back so it stops holding a Spark session (Fabric would end it after
/// 20 idle minutes anyway; deleting the last REPL ends the session now).
async fn release(ws: &crate::workspace::Workspace, repl: &Repl) {
    let (what, fate) = left_alone(repl);
    match tokio::time::timeout(RELEASE_WAIT, crate::workspace::statements::release(ws, repl)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => eprintln!(
            "sparkdeck: could not release the editor's {what} ({fate}): {}",
            super::output::safe(&e.to_string())
        ),
        Err(_) => eprintln!("sparkdeck: releasing the editor's {what} timed out; {fate}"),
    }
}

/// What the editor held, and what becomes of it when sparkdeck leaves it: Fabric's idle timeout
/// is Fabric's; a Databricks context lives as long as its cluster.
fn left_alone(repl: &Repl) -> (&'static str, &'static str) {
    match repl {
        Repl::Databricks { .. } => ("execution context", "it ends when its cluster stops or restarts"),
        _ => ("session", "Fabric ends it after 20 idle minutes"),
    }
}

pub async fn run(global: &GlobalArgs) -> CmdResult {
    // No device-code prompt here: it would scribble over the screen. A sign-in that needs the
    // user shows in its pane, with `sparkdeck doctor` (which prompts) as the fix.
    let mut ctx = Context::open_quiet(global).await?;
    let keymap = match super::keys::keymap(&ctx.settings, ctx.config_path.as_deref()) {
        Ok(k) => k,
        Err(e) => {
            ctx.close().await;
            return Err(fail(2, e));
        }
    };
    let alerts = match super::alerts::alerts(&ctx.settings) {
        Ok(a) => a,
        Err(e) => {
            ctx.close().await;
            return Err(fail(2, e));
        }
    };
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        ctx.close().await;
        return Err(fail(
            2,
            "the monitor needs a terminal (stdin and stdout are not one); for scripts use the \
             headless commands, e.g. `sparkdeck clusters list -o json` (see `sparkdeck --help`)",
        ));
    }
    let workspaces = std::mem::take(&mut ctx.workspaces);
    let app_workspaces =
        workspaces.iter().map(|w| app::WorkspaceRef::new(w.name.clone(), w.service)).collect();
    let drafts = Drafts::in_data_dir(&ctx.data_dir);
    let (form_memory, memory_problem) = crate::effects::create::load_memory(&ctx.data_dir);
    ctx.warnings.extend(memory_problem);
    let clock = ctx.clock.clone();
    let mut app = App::new(app_workspaces, clock.now(), TimeZone::system())
        .with_read_only(ctx.settings.read_only)
        .with_read_only_workspaces(&ctx.read_only)
        .with_alerts(alerts)
        .with_keymap(keymap)
        .with_console(saved_editor(&drafts))
        .with_targets(targets(&workspaces))
        .with_templates(ctx.settings.templates.iter().map(crate::effects::create::template_of).collect())
        .with_form_memory(form_memory);
    for note in &ctx.notes {
        app = app.with_notice(note.clone());
    }
    // NO_COLOR (no-color.org): the terminal's own colours, states told by their words.
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = if no_color {
        Theme::no_color()
    } else {
        Theme::by_name(match ctx.settings.ui.theme {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
        })
        .unwrap_or_else(|_| Theme::dark())
    };
    let (tx, rx) = mpsc::channel(MSG_QUEUE);
    // Printed before the alternate screen hid them: say them again where the user looks.
    if !ctx.warnings.is_empty() {
        let _ = tx.try_send(app::Msg::Warning(format!("warning: {}", ctx.warnings.join(" · "))));
    }
    let kept = workspaces.clone();
    // Templates saved from the form go into the file read (or the default one); the demo reads none.
    let templates_file = match ctx.is_demo() {
        true => None,
        false => ctx.config_path.clone().or_else(crate::config::paths::default_config_file),
    };
    let mut runner = Runner::start(workspaces, ctx.settings.poll.clone(), drafts, clock.clone(), tx)
        .with_form_files(&ctx.data_dir, templates_file);
    let notifications = ctx.settings.notifications.clone();
    let run = move |effect| runner.run(effect);
    let result = crate::tui::run_in_terminal(app, theme, notifications, clock, rx, run).await;
    if let Ok(app) = &result {
        let (give_back, left) = app.console().quit_plan();
        for repl in &give_back {
            if let Some(ws) = kept.iter().find(|w| w.name == repl.workspace()) {
                release(ws, repl).await;
            }
        }
        for repl in &left {
            // Giving it back would stop the statement: let it finish instead.
            let (_, fate) = left_alone(repl);
            eprintln!(
                "sparkdeck: a statement was still running in {} ({}); it was left to finish: {fate}.",
                repl.describe(),
                repl.workspace()
            );
        }
    }
    ctx.close().await;
    result.map(drop).map_err(|e| fail(1, e))
}
