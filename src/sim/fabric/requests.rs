//! Request bodies of the Livy API. One tolerant shape (`LivyRequestBase` plus the
//! high-concurrency extras) serves sessions, batches and HC acquisitions: unknown fields such as
//! `kind` are ignored, wrong types are a 400.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value, json};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LivyRequest {
    pub name: Option<String>,
    pub file: Option<String>,
    pub class_name: Option<String>,
    pub args: Option<Vec<String>>,
    pub jars: Option<Vec<String>>,
    pub files: Option<Vec<String>>,
    pub py_files: Option<Vec<String>>,
    pub archives: Option<Vec<String>>,
    pub conf: Option<BTreeMap<String, String>>,
    pub tags: Option<BTreeMap<String, String>>,
    pub driver_memory: Option<String>,
    pub driver_cores: Option<i32>,
    pub executor_memory: Option<String>,
    pub executor_cores: Option<i32>,
    pub num_executors: Option<i32>,
    /// High-concurrency only: which Livy session to pack into.
    pub session_tag: Option<String>,
}

impl LivyRequest {
    /// The fields Fabric echoes in `livyInfo.jobCreationRequest`: SessionRequest for sessions,
    /// LivyRequestBase (adds file, className, args, jars, files, pyFiles) for batches.
    pub fn echo(&self, batch: bool) -> Map<String, Value> {
        let mut m = Map::new();
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                m.insert(k.to_string(), v);
            }
        };
        put("name", self.name.as_ref().map(|v| json!(v)));
        if batch {
            put("file", self.file.as_ref().map(|v| json!(v)));
            put("className", self.class_name.as_ref().map(|v| json!(v)));
            put("args", self.args.as_ref().map(|v| json!(v)));
            put("jars", self.jars.as_ref().map(|v| json!(v)));
            put("files", self.files.as_ref().map(|v| json!(v)));
            put("pyFiles", self.py_files.as_ref().map(|v| json!(v)));
        }
        put("archives", self.archives.as_ref().map(|v| json!(v)));
        put("conf", self.conf.as_ref().map(|v| json!(v)));
        if !batch {
            put("tags", self.tags.as_ref().map(|v| json!(v)));
        }
        put("driverMemory", self.driver_memory.as_ref().map(|v| json!(v)));
        put("driverCores", self.driver_cores.map(|v| json!(v)));
        put("executorMemory", self.executor_memory.as_ref().map(|v| json!(v)));
        put("executorCores", self.executor_cores.map(|v| json!(v)));
        put("numExecutors", self.num_executors.map(|v| json!(v)));
        m
    }
}
