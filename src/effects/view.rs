//! What the monitor keeps of how the user looks at it: who is signed in (asked once per
//! workspace), the named filters (data dir) and the columns per pane (config file; the demo
//! reads none, so there they last for the run).

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::app::Msg;
use crate::saved_filters::{FilterStore, NamedFilter};
use crate::workspace::{Workspace, identity};

/// Asks who is signed in to `ws` and answers with `Msg::Identity`.
pub(super) fn load_identity(name: String, ws: Option<Arc<Workspace>>, tx: &mpsc::Sender<Msg>) {
    let tx = tx.clone();
    tokio::spawn(async move {
        let result = match ws {
            Some(ws) => identity::who_am_i(&ws).await,
            None => Err(format!("no workspace {name:?}")),
        };
        let _ = tx.send(Msg::Identity { workspace: name, result }).await;
    });
}

/// Writes the named filters; only a failure is said.
pub(super) fn save_filters(store: Option<FilterStore>, filters: Vec<NamedFilter>, tx: &mpsc::Sender<Msg>) {
    let Some(store) = store else { return };
    let tx = tx.clone();
    tokio::task::spawn_blocking(move || {
        if let Err(e) = store.save(&filters) {
            let _ = tx.blocking_send(Msg::Warning(format!(
                "cannot keep the named filters in {}: {e}",
                store.path().display()
            )));
        }
    });
}

/// Writes `[columns] pane = [...]` into the config file (`None`: the demo, kept for the run).
pub(super) fn save_columns(
    file: Option<PathBuf>,
    pane: String,
    columns: Vec<String>,
    tx: &mpsc::Sender<Msg>,
) {
    let tx = tx.clone();
    tokio::task::spawn_blocking(move || {
        let result = match &file {
            Some(path) => crate::config::columns::save(path, &pane, &columns)
                .map(|()| format!("Columns of {pane} saved in {}.", path.display())),
            None => Ok(format!("Columns of {pane} kept for this run: the demo reads no config file.")),
        };
        let _ = tx.blocking_send(Msg::FileWritten { result });
    });
}
