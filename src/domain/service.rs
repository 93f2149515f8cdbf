//! The two services sparkdeck speaks to, and which kinds of item each has.

use super::Kind;

/// Which service a workspace belongs to; it decides which panes it can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// Microsoft Fabric (Livy sessions and batches).
    Fabric,
    /// Azure Databricks (clusters and job runs).
    Databricks,
}

impl Service {
    pub fn kinds(self) -> &'static [Kind] {
        match self {
            Service::Fabric => &[Kind::Session, Kind::Batch],
            Service::Databricks => &[Kind::Cluster, Kind::Run, Kind::Job],
        }
    }

    pub fn of(kind: Kind) -> Service {
        match kind {
            Kind::Session | Kind::Batch => Service::Fabric,
            Kind::Cluster | Kind::Run | Kind::Job => Service::Databricks,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Service::Fabric => "Fabric",
            Service::Databricks => "Databricks",
        }
    }
}
