//! The monitor's effect runner: turns the app's `Effect`s into polling changes and API calls,
//! answering with `Msg`s on the app's channel. Every call runs in its own task, so a slow or
//! failing workspace never holds up the screen.

use std::sync::Arc;

use tokio::sync::mpsc;

use super::Poller;
use crate::app::{Effect, Msg};
use crate::config::PollSettings;
use crate::tui::EffectRunner;
use crate::workspace::{Workspace, actions};

pub struct Runner {
    workspaces: Vec<Arc<Workspace>>,
    poller: Arc<Poller>,
    tx: mpsc::Sender<Msg>,
}

impl Runner {
    /// Start polling every workspace (all hidden until the app says what is on screen).
    pub fn start(workspaces: Vec<Workspace>, settings: PollSettings, tx: mpsc::Sender<Msg>) -> Runner {
        let workspaces: Vec<Arc<Workspace>> = workspaces.into_iter().map(Arc::new).collect();
        let poller = Arc::new(Poller::start(&workspaces, settings, tx.clone()));
        Runner { workspaces, poller, tx }
    }
}

impl EffectRunner for Runner {
    fn run(&mut self, effect: Effect) {
        match effect {
            Effect::SetVisible { workspaces, kinds } => self.poller.set_visible(&workspaces, &kinds),
            Effect::RunAction { action, target } => {
                let ws = self.workspaces.iter().find(|w| w.name == target.workspace).cloned();
                let (tx, poller) = (self.tx.clone(), self.poller.clone());
                tokio::spawn(async move {
                    let outcome = match ws {
                        Some(ws) => {
                            actions::perform(&ws, action, &target.id).await.map_err(|e| e.to_string())
                        }
                        None => Err(format!("no workspace named {:?}", target.workspace)),
                    };
                    poller.refresh(&target.workspace, target.kind);
                    let _ = tx.send(Msg::ActionFinished { action, target, outcome }).await;
                });
            }
            Effect::Quit => {}
        }
    }
}
