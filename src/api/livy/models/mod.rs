//! Fabric Livy wire models (swagger `2023-12-01` plus what the service really sends): every
//! field optional, unknown fields ignored, unknown enum values kept. Early session bodies may
//! hold nothing but `fabricSessionStateInfo`.
//!
//! One file per API area: `sessions` (and batches), `statements`, `high_concurrency`
//! sessions, the `monitoring` lists, `spark_monitoring` (logs and resource usage of a Spark
//! application). Everything is re-exported here, so `models::X` names
//! every model.

mod high_concurrency;
mod monitoring;
mod sessions;
mod spark_monitoring;
mod statements;

pub use high_concurrency::*;
pub use monitoring::*;
pub use sessions::*;
pub use spark_monitoring::*;
pub use statements::*;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::{Value, json};

    use super::*;
    use crate::api::wire::decoded as decode;

    #[test]
    fn fields_read_for_rows_tolerate_unexpected_shapes() {
        // `livyInfo.jobCreationRequest.file` (a batch's file): a value of another type is absent,
        // not a failed body.
        let file = |v: Value| {
            let b: BatchResponse = decode(v);
            b.livy_info.and_then(|l| l.job_creation_request).and_then(|r| r.file)
        };
        assert_eq!(
            file(json!({"livyInfo": {"jobCreationRequest": {"file": "abfss://x/a.py", "conf": {"k": 1}}}})),
            Some("abfss://x/a.py".into())
        );
        assert_eq!(file(json!({"id": "b", "livyInfo": {"jobCreationRequest": {"file": 5}}})), None);
        assert_eq!(file(json!({"id": "b", "livyInfo": {"jobCreationRequest": "file.py"}})), None);
        // SQL tables: a nameless or odd column and a row that is not a list still make a table;
        // an envelope without a schema or rows is not a table.
        let table = |v: Value| {
            let out: StatementOutput = decode(json!({"status": "ok", "data": {"application/json": v}}));
            out.table()
        };
        let t = table(json!({"schema": {"fields": [{"name": 1, "nullable": "yes"}, "c", {"name": "n"}]},
                             "data": [[1, 2, 3], {"x": 1}, null]}))
        .unwrap_or_default();
        let names: Vec<_> = t.schema.fields.iter().map(|f| f.name.as_deref()).collect();
        assert_eq!(names, [None, None, Some("n")]);
        assert_eq!(t.data, [vec![json!(1), json!(2), json!(3)], vec![], vec![]]);
        assert_eq!(table(json!({"data": [[1]]})), None);
        assert_eq!(table(json!({"schema": {}, "data": [[1]]})), None);
        assert_eq!(table(json!({"schema": {"fields": []}, "data": null})), None);
        assert_eq!(table(json!({"a": 1})), None);
    }

    #[test]
    fn the_monitoring_list_example_reads() {
        let s: LivySession = decode(json!({
            "sparkApplicationId": "application_1730933685452_0001", "state": "Cancelled",
            "livyId": "9611f500-bf44-42e0-a0de-78dacb374398", "origin": "SubmittedJob",
            "attemptNumber": 1, "maxNumberOfAttempts": 1, "livyName": "random_test_name_app",
            "submitter": {"id": "6f23a8a6-d954-4550-b91a-4df73ccd0311", "type": "User"},
            "item": {"workspaceId": "f8113ba8", "itemId": "8cee7699", "referenceType": "ById"},
            "itemName": "lh_itemName", "itemType": "Lakehouse", "jobType": "SparkBatch",
            "submittedDateTime": "2025-01-31T15:32:03Z", "startDateTime": "2025-01-31T15:34:11Z",
            "endDateTime": "2025-01-31T15:37:30Z",
            "queuedDuration": {"value": 1, "timeUnit": "Seconds"},
            "runningDuration": {"value": 180, "timeUnit": "Seconds"},
            "totalDuration": {"value": 360, "timeUnit": "Seconds"},
            "jobInstanceId": "c2baabbd-5327-430c-87a6-ff4f98285601",
            "cancellationReason": "User cancelled the Spark batch",
            "capacityId": "3c0cd366-dc28-4b6d-a525-4d415a8666e7", "operationName": "Batch Livy Run",
            "runtimeVersion": "1.3", "livySessionItemResourceUri": "",
            "driverMemory": 4, "driverCores": 2, "executorMemory": 8, "executorCores": 4, "numExecutors": 10,
            "isDynamicAllocationEnabled": true, "dynamicAllocationMaxExecutors": 20}));
        assert_eq!(s.state, Some(MonitoringState::Cancelled));
        assert_eq!(s.job_type, Some(JobType::SparkBatch));
        assert_eq!(s.running_duration.and_then(|d| d.value), Some(180.0));
        let item: LivySparkActivity =
            decode(json!({"id": "x", "livyState": "busy", "schedulerState": "Scheduled",
            "pluginState": "Monitoring", "result": "Uncertain", "isJobTimedOut": false}));
        assert_eq!(item.livy_state, Some(LivyState::Busy));
    }

    #[test]
    fn requests_send_only_what_is_set() {
        let body = serde_json::to_value(SessionRequest { name: Some("s".into()), ..Default::default() });
        assert_eq!(body.ok(), Some(json!({"name": "s"})));
        let resources = SparkResources {
            driver_memory: Some("28g".into()),
            num_executors: Some(2),
            ..Default::default()
        };
        let body = serde_json::to_value(SessionRequest { resources, ..Default::default() });
        assert_eq!(body.ok(), Some(json!({"driverMemory": "28g", "numExecutors": 2})));
        let body = serde_json::to_value(StatementRequest {
            code: "1+1".into(),
            kind: StatementKind::PySpark,
            source_id: None,
        });
        assert_eq!(body.ok(), Some(json!({"code": "1+1", "kind": "pyspark"})));
        let mut conf = BTreeMap::new();
        conf.insert("spark.targetLakehouse".to_string(), "lh".to_string());
        let body = serde_json::to_value(BatchRequest {
            file: "abfss://x/Files/a.py".into(),
            class_name: Some("Main".into()),
            conf,
            ..Default::default()
        });
        assert_eq!(
            body.ok(),
            Some(
                json!({"file": "abfss://x/Files/a.py", "className": "Main", "conf": {"spark.targetLakehouse": "lh"}})
            )
        );
    }
}
