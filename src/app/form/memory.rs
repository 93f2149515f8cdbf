//! What the New form remembers between runs (the effect runner keeps it in the data directory):
//! per workspace, the runtime, node type, lakehouse and run cluster last used; and the runtime
//! and node type last used anywhere, so a first cluster in another workspace starts there too.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::create::{NewItem, RunCompute};

/// The choices last made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Remembered {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spark_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lakehouse: Option<String>,
    /// The cluster a one-time run last ran on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
}

/// Everything remembered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FormMemory {
    pub workspaces: BTreeMap<String, Remembered>,
    /// The runtime and node type last used in any workspace.
    pub last: Remembered,
}

impl FormMemory {
    fn of(&self, workspace: &str) -> Option<&Remembered> {
        self.workspaces.get(workspace)
    }

    pub fn spark_version(&self, workspace: &str) -> Option<&str> {
        self.of(workspace).and_then(|r| r.spark_version.as_deref()).or(self.last.spark_version.as_deref())
    }

    pub fn node_type(&self, workspace: &str) -> Option<&str> {
        self.of(workspace).and_then(|r| r.node_type.as_deref()).or(self.last.node_type.as_deref())
    }

    pub fn lakehouse(&self, workspace: &str) -> Option<&str> {
        self.of(workspace).and_then(|r| r.lakehouse.as_deref())
    }

    pub fn cluster(&self, workspace: &str) -> Option<&str> {
        self.of(workspace).and_then(|r| r.cluster.as_deref())
    }

    /// Note what a create in `workspace` used; whether anything changed.
    pub fn note(&mut self, workspace: &str, item: &NewItem, lakehouse: Option<&str>) -> bool {
        let before = self.clone();
        let r = self.workspaces.entry(workspace.to_string()).or_default();
        match item {
            NewItem::Cluster(c) => {
                for (slot, value) in
                    [(&mut r.spark_version, &c.spark_version), (&mut r.node_type, &c.node_type)]
                {
                    if value.is_some() {
                        slot.clone_from(value);
                    }
                }
                let last = &mut self.last;
                if c.spark_version.is_some() {
                    last.spark_version.clone_from(&c.spark_version);
                }
                if c.node_type.is_some() {
                    last.node_type.clone_from(&c.node_type);
                }
            }
            NewItem::Session(_) | NewItem::Batch(_) => {
                if let Some(l) = lakehouse {
                    r.lakehouse = Some(l.to_string());
                }
            }
            NewItem::Run(run) => {
                if let Some(RunCompute::Existing(id)) = &run.compute {
                    r.cluster = Some(id.clone());
                }
            }
        }
        *self != before
    }
}
