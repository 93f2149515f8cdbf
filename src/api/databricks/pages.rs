//! The addresses of a workspace's own web pages (not API endpoints), for opening in the
//! browser: a cluster's page (its Spark UI is a tab of it), a run's page when the run does not
//! carry its `run_page_url`.

/// `https://HOST/#setting/clusters/ID/configuration`.
pub fn cluster(host: &str, cluster_id: &str) -> String {
    format!("{}/#setting/clusters/{}/configuration", host.trim_end_matches('/'), fragment(cluster_id))
}

/// `https://HOST/#job/JOB/run/RUN`, the shape of `run_page_url` (which also names the workspace
/// with `?o=`; the host alone names it on Azure).
pub fn run(host: &str, job_id: i64, run_id: &str) -> String {
    format!("{}/#job/{job_id}/run/{}", host.trim_end_matches('/'), fragment(run_id))
}

/// `https://HOST/#job/JOB`: a job's page (its runs, tasks and settings).
pub fn job(host: &str, job_id: &str) -> String {
    format!("{}/#job/{}", host.trim_end_matches('/'), fragment(job_id))
}

/// An id as a part of the fragment: only what ids are made of, so nothing else can be slipped in.
fn fragment(id: &str) -> String {
    id.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_under_the_host_and_ids_cannot_escape_the_fragment() {
        let host = "https://adb-1.1.azuredatabricks.net/";
        assert_eq!(
            cluster(host, "1122-103040-a1b2c3d4"),
            "https://adb-1.1.azuredatabricks.net/#setting/clusters/1122-103040-a1b2c3d4/configuration"
        );
        assert_eq!(job(host, "11"), "https://adb-1.1.azuredatabricks.net/#job/11");
        assert_eq!(run(host, 11, "455644833"), "https://adb-1.1.azuredatabricks.net/#job/11/run/455644833");
        assert_eq!(
            cluster(host, "a/../b?x=1"),
            "https://adb-1.1.azuredatabricks.net/#setting/clusters/a..bx1/configuration"
        );
    }
}
