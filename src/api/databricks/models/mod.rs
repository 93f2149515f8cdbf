//! Databricks wire models, as the official SDKs read them: every field optional, unknown fields
//! ignored, unknown enum values kept. Timestamps are epoch milliseconds. Deep or rarely shown
//! structures (cloud attributes, task definitions) stay `serde_json::Value`.
//!
//! One file per API area, like the clients: `clusters`, `jobs` (and runs), `commands`
//! (execution 1.2), `tokens`, `secrets`, `scim`. Everything is re-exported here, so
//! `models::X` names every model.

mod clusters;
mod commands;
mod jobs;
mod scim;
mod secrets;
mod tokens;

pub use clusters::*;
pub use commands::*;
pub use jobs::*;
pub use scim::*;
pub use secrets::*;
pub use tokens::*;

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;
    use serde_json::json;

    use super::*;
    use crate::api::wire::decoded as decode;

    #[test]
    fn nulls_and_string_numbers_from_gateways_read() {
        let r: Run =
            decode(json!({"run_id": "455644833", "job_id": 11, "tasks": null, "job_parameters": null,
            "cluster_instance": {"cluster_id": "c", "spark_context_id": 4348585301701786482i64},
            "start_time": "1718000000000", "repair_history": [null]}));
        assert_eq!(
            (r.run_id, r.start_time, r.tasks.as_ref().map_or(0, Vec::len)),
            (Some(455644833), Some(1718000000000), 0)
        );
        assert_eq!(
            r.cluster_instance.and_then(|c| c.spark_context_id).as_deref(),
            Some("4348585301701786482")
        );
        let c: ClusterDetails = decode(json!({"cluster_id": "c", "spark_conf": null, "custom_tags": null,
            "termination_reason": {"code": "INACTIVITY", "parameters": null}, "num_workers": "2"}));
        assert_eq!((c.cluster_id.as_deref(), c.num_workers), (Some("c"), Some(2)));
    }

    #[test]
    fn tokens_secrets_and_scim_read() {
        let created: CreatedToken = serde_json::from_value(json!({"token_value":"dapi0123456789abcdef0123456789abcdef",
            "token_info":{"token_id":"5715","creation_time":1718000000000i64,"expiry_time":1725776000000i64,"comment":"ci"}}))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(created.token_info.comment.as_deref(), Some("ci"));
        assert!(!format!("{created:?}").contains("0123456789abcdef"), "the value never shows in Debug");
        assert_eq!(created.token_value.expose_secret().len(), 36);
        let me: User =
            decode(json!({"id":"8563246545823","userName":"me@corp.com","displayName":"Me","active":true,
            "emails":[{"value":"me@corp.com","type":"work","primary":true}],
            "groups":[{"display":"admins","value":"112233","$ref":"Groups/112233","type":"direct"}],
            "schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}));
        assert_eq!(me.groups[0].reference.as_deref(), Some("Groups/112233"));
        let acl: AclItem = decode(json!({"principal": "users", "permission": "READ"}));
        assert_eq!(acl.permission, Some(AclPermission::Read));
        let body = serde_json::to_value(NewServicePrincipal::new(Some("app".into()), Some("ci-sp".into())));
        assert_eq!(
            body.ok(),
            Some(
                json!({"schemas": [NewServicePrincipal::SCHEMA], "applicationId": "app", "displayName": "ci-sp", "active": true})
            )
        );
    }
}
