//! What a create made shows at once: a pending row in its pane, selected, kept until a poll
//! lists the item (or `CREATED_KEPT` has passed: a list that never shows it is the service's
//! word), with a message saying what happened.

use std::sync::Arc;

use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::domain::{Detail, Kind, Resource, Status};

use super::super::App;
use super::CreatedItem;

/// How long a created row waits for a poll to list it.
const CREATED_KEPT: SignedDuration = SignedDuration::from_mins(2);

/// The state a new item starts in, in the service's words.
fn first_state(kind: Kind) -> &'static str {
    match kind {
        Kind::Session | Kind::Batch => "not_started",
        Kind::Cluster | Kind::Run | Kind::Job => "PENDING",
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// The row a create's answer and request describe, until a poll brings the service's own.
fn pending_row(c: &CreatedItem, now: jiff::Timestamp) -> Resource {
    let r = &c.request;
    let detail = match c.kind {
        Kind::Session => Detail::Session {
            idle_timeout_at: None,
            high_concurrency: false,
            read_only: false,
            lakehouse: c.lakehouse.clone(),
            app_id: None,
        },
        Kind::Batch => Detail::Batch { file: text(r, "file"), lakehouse: c.lakehouse.clone(), app_id: None },
        Kind::Cluster => Detail::Cluster {
            workers: match (r.get("num_workers").and_then(Value::as_u64), r.get("autoscale")) {
                (_, Some(a)) => format!(
                    "{}–{}",
                    a.get("min_workers").and_then(Value::as_u64).unwrap_or(0),
                    a.get("max_workers").and_then(Value::as_u64).unwrap_or(0)
                ),
                (Some(0), None) => "single node".into(),
                (Some(n), None) => n.to_string(),
                (None, None) => String::new(),
            },
            runtime: text(r, "spark_version"),
            node_type: text(r, "node_type_id"),
            source: Some("API".into()),
            pinned: false,
        },
        Kind::Run | Kind::Job => Detail::Run {
            job_id: None,
            job_name: c.name.clone(),
            trigger: Some("ONE_TIME".into()),
            result: None,
            tasks: None,
        },
    };
    let state = first_state(c.kind);
    Resource {
        kind: c.kind,
        workspace: c.workspace.clone(),
        id: c.id.clone(),
        name: c.name.clone().unwrap_or_default(),
        status: Status::Pending,
        raw_state: state.into(),
        owner: None,
        started_at: Some(now),
        ended_at: None,
        state_message: Some("just created: the next refresh brings what the service says".into()),
        detail,
        raw: Arc::new(
            json!({"sparkdeck": "created just now; this is the request that was sent", "request": r}).into(),
        ),
    }
}

impl App {
    /// A create succeeded: say so, and show the new item at once, selected.
    pub(super) fn on_created(&mut self, c: CreatedItem) {
        let name = c.name.as_deref().map(|n| format!(" {n:?}")).unwrap_or_default();
        if c.edited {
            let running = self.workspaces.iter().find(|w| w.workspace.name == c.workspace).is_some_and(|w| {
                w.slot(Kind::Cluster).rows.iter().any(|e| e.res.id == c.id && e.res.raw_state == "RUNNING")
            });
            let note = if running { "it restarts with the new configuration" } else { "it stays terminated" };
            return self.info(format!("Cluster{name} ({}) in {} edited: {note}.", c.id, c.workspace));
        }
        let row = pending_row(&c, self.now);
        let ws = self.workspace_index(&c.workspace, crate::domain::Service::of(c.kind));
        self.workspaces[ws].add(c.kind, row.clone(), &self.tz, self.now);
        self.forms.created.push((row, self.now));
        let pane = self.pane_for(c.kind);
        let i = pane.index();
        self.panes[i].keep = Some((c.kind, c.workspace.clone(), c.id.clone()));
        // Selected as if the user had moved to it: it stays selected as refreshes reorder rows.
        self.panes[i].moved = true;
        // A filter that hides it would hide what was just made.
        let rows = &self.workspaces[ws].slot(c.kind).rows;
        let me = &self.workspaces[ws].me;
        let hidden = rows.iter().find(|e| e.res.id == c.id).is_some_and(|e| {
            self.panes[i].filter.as_ref().is_some_and(|f| !f.matches(e, me))
                || (self.panes[i].mine && !super::super::filter::is_mine(e, me))
        });
        if hidden {
            self.panes[i].filter = None;
            self.panes[i].mine = false;
        }
        self.stale[i] = true;
        if pane == self.pane {
            self.rebuild(pane);
        }
        let verb = match c.kind {
            Kind::Batch | Kind::Run | Kind::Job => "submitted",
            Kind::Session | Kind::Cluster => "is starting",
        };
        self.info(format!("{} {}{name} {verb} in {}.", capitalised(c.kind.singular()), c.id, c.workspace));
    }

    /// Rows a poll brought, with the created ones it does not list yet; those it lists (or
    /// that waited too long) are let go.
    pub(in crate::app) fn with_created(
        &mut self,
        workspace: &str,
        kind: Kind,
        mut rows: std::sync::Arc<Vec<Resource>>,
    ) -> std::sync::Arc<Vec<Resource>> {
        if self.forms.created.is_empty() {
            return rows;
        }
        let now = self.now;
        self.forms.created.retain(|(r, at)| {
            let here = r.workspace == workspace && r.kind == kind;
            if here && rows.iter().any(|x| x.id == r.id) {
                return false;
            }
            let keep = now < *at + CREATED_KEPT;
            if keep && here {
                std::sync::Arc::make_mut(&mut rows).push(r.clone());
            }
            keep
        });
        rows
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
