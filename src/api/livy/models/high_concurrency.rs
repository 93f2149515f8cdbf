//! High-concurrency sessions: REPLs in a shared Livy session.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::sessions::{FabricSessionState, FabricStateInfo};
use crate::api::wire::wire_enum;

wire_enum! {
    /// High-concurrency session `state` (`starting` and `Error` accepted defensively, as
    /// Microsoft's own sample does).
    pub HcState {
        NotStarted = "NotStarted",
        Starting = "starting",
        AcquiringHighConcurrencySession = "AcquiringHighConcurrencySession",
        Idle = "Idle",
        Dead = "Dead",
        Killed = "Killed",
        Failed = "Failed",
        Error = "Error",
        Deleting = "Deleting",
    }
}

impl HcState {
    pub fn is_failed(&self) -> bool {
        matches!(self, Self::Dead | Self::Killed | Self::Failed | Self::Error)
    }
}

/// `POST /highConcurrencySessions`. Acquisition is not idempotent: every POST is a new REPL.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HighConcurrencySessionRequest {
    /// Sessions with the same tag share one Livy session (at most 5 REPLs each).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_tag: Option<String>,
    /// Lakehouse name; the monitoring hub shows `HC_<artifactName>_<sessionId>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub conf: BTreeMap<String, String>,
    /// Driver and executor sizes (Learn's HC body: `driverMemory`, `numExecutors`, …).
    #[serde(flatten)]
    pub resources: super::SparkResources,
}

/// `HighConcurrencySessionResponse`. `session_id`/`repl_id` appear only once `Idle`; statement
/// paths use them, while get/delete use `id`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HighConcurrencySessionResponse {
    pub id: Option<String>,
    pub state: Option<HcState>,
    pub fabric_session_state_info: Option<FabricStateInfo<FabricSessionState>>,
    pub session_id: Option<String>,
    pub repl_id: Option<String>,
    pub workspace_id: Option<String>,
    pub artifact_id: Option<String>,
    pub creator_id: Option<String>,
    pub created_at: Option<String>,
    pub session_tag: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::wire::decoded as decode;

    #[test]
    fn the_hc_202_and_idle_bodies_read() {
        let hc: HighConcurrencySessionResponse = decode(json!({
            "id": "hc1", "state": "NotStarted", "sessionId": null, "replId": null, "workspaceId": "ws",
            "fabricSessionStateInfo": {"state": "queued", "errorMessage": null}, "sessionTag": "t"}));
        assert_eq!((hc.state, hc.session_id), (Some(HcState::NotStarted), None));
        let hc: HighConcurrencySessionResponse =
            decode(json!({"id": "hc1", "state": "Idle", "sessionId": "s", "replId": "r"}));
        assert_eq!(hc.repl_id.as_deref(), Some("r"));
    }
}
