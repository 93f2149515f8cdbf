//! The web page of an item, for `o` (open in the browser) and `Y` (copy its URL): a run's
//! `run_page_url` as Databricks gives it, a cluster's or a job's page under the workspace's host. Fabric
//! documents no address for an item of its Monitoring hub, so its items have none.

use serde_json::Value;

use crate::api::databricks::models::Run;
use crate::api::databricks::pages;
use crate::domain::{Kind, Service, Target};

use super::Workspace;

/// The URL of `target`'s page (`raw`: its API object as listed), or why it has none.
pub fn page(ws: &Workspace, target: &Target, raw: &Value) -> Result<String, String> {
    let host = ws.base_url.as_str();
    let url = match (ws.service, target.kind) {
        (Service::Databricks, Kind::Cluster) => pages::cluster(host, &target.id),
        (Service::Databricks, Kind::Job) => pages::job(host, &target.id),
        (Service::Databricks, Kind::Run) => {
            let run: Run = serde_json::from_value(raw.clone()).unwrap_or_default();
            match run.run_page_url {
                Some(url) if web(&url) => url,
                _ => match run.job_id {
                    Some(job) => pages::run(host, job, &target.id),
                    None => return Err("Databricks gave no run_page_url for this run".into()),
                },
            }
        }
        _ => {
            return Err(format!(
                "Fabric documents no address for a Monitoring hub item; find it in the Monitoring hub by its id {} (y copies it)",
                target.id
            ));
        }
    };
    if web(&url) { Ok(url) } else { Err(format!("the workspace's address {host:?} is not a web address")) }
}

/// An http(s) address with nothing in it that a terminal or an opener would take as more than
/// text (control characters, spaces), and that no opener can read as an option.
fn web(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Origin;

    fn ws(service: Service, base_url: &str) -> Workspace {
        Workspace {
            name: "w".into(),
            service,
            origin: Origin::default(),
            base_url: base_url.into(),
            clients: Err(super::super::Error::Unsupported { workspace: "w".into(), what: "test".into() }),
        }
    }

    fn target(kind: Kind, id: &str) -> Target {
        Target { workspace: "w".into(), kind, id: id.into(), name: "n".into(), lakehouse: None }
    }

    #[test]
    fn runs_open_their_run_page_url_and_clusters_their_page() {
        let adb = ws(Service::Databricks, "https://adb-1.1.azuredatabricks.net");
        let raw = serde_json::json!({"run_id": 455644833, "job_id": 11,
            "run_page_url": "https://adb-1.1.azuredatabricks.net/?o=1#job/11/run/455644833"});
        assert_eq!(
            page(&adb, &target(Kind::Run, "455644833"), &raw).as_deref(),
            Ok("https://adb-1.1.azuredatabricks.net/?o=1#job/11/run/455644833")
        );
        // Without it (or with something that is no address), the page is built from the job.
        let bad = serde_json::json!({"run_id": 7, "job_id": 3, "run_page_url": "javascript:alert(1)"});
        assert_eq!(
            page(&adb, &target(Kind::Run, "7"), &bad).as_deref(),
            Ok("https://adb-1.1.azuredatabricks.net/#job/3/run/7")
        );
        assert!(page(&adb, &target(Kind::Run, "7"), &serde_json::json!({})).is_err());
        assert_eq!(
            page(&adb, &target(Kind::Cluster, "0427-062813-aifbfjgf"), &Value::Null).as_deref(),
            Ok("https://adb-1.1.azuredatabricks.net/#setting/clusters/0427-062813-aifbfjgf/configuration")
        );
        let fabric = ws(Service::Fabric, "https://api.fabric.microsoft.com/v1");
        let none = page(&fabric, &target(Kind::Session, "9611f500"), &Value::Null);
        assert!(none.is_err_and(|e| e.contains("Monitoring hub") && e.contains("9611f500")));
    }
}
