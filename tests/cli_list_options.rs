//! `list` options beyond the state: `runs list --job-id ID --since …` asked of the service,
//! and `--columns` choosing the table's and CSV's columns. The real binary against the
//! simulator.

#[path = "common/cli.rs"]
mod cli;

use cli::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_of_one_job_since_a_time_come_from_the_service() {
    let h = harness("").await;
    let all = h.run(&["runs", "list", "--workspace", "adb-dev", "--limit", "1000", "-o", "json"]).await;
    assert_eq!(all.code, Some(0), "{}", all.stderr);
    let all = all.json().as_array().cloned().unwrap_or_default();
    let job = all.iter().find_map(|r| r["job_id"].as_i64()).unwrap_or_else(|| panic!("no job runs"));
    let of_job = all.iter().filter(|r| r["job_id"].as_i64() == Some(job)).count();
    assert!(of_job > 0 && of_job < all.len(), "{of_job} of {}", all.len());
    let job_text = job.to_string();
    let out = h
        .run(&[
            "runs",
            "list",
            "--workspace",
            "adb-dev",
            "--job-id",
            &job_text,
            "--limit",
            "1000",
            "-o",
            "json",
        ])
        .await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let rows = out.json().as_array().cloned().unwrap_or_default();
    assert!(rows.len() >= of_job && rows.len() < all.len());
    assert!(rows.iter().all(|r| r["job_id"].as_i64() == Some(job)));
    // An instant: exactly the runs that started at or after it.
    let mut starts: Vec<i64> =
        all.iter().filter_map(|r| r["start_time"].as_i64()).filter(|s| *s > 0).collect();
    starts.sort_unstable();
    let middle = starts[starts.len() / 2];
    let at = jiff::Timestamp::from_millisecond(middle).unwrap_or_else(|e| panic!("{e}")).to_string();
    let out = h
        .run(&["runs", "list", "--workspace", "adb-dev", "--since", &at, "--limit", "1000", "-o", "json"])
        .await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let rows = out.json().as_array().cloned().unwrap_or_default();
    // (The live world may add a run meanwhile.)
    let expected = starts.iter().filter(|s| **s >= middle).count();
    assert!(rows.len() >= expected && rows.len() < all.len(), "since {at}: {} of {}", rows.len(), all.len());
    // (A queued run's start_time is 0 until it starts; the service filters on when it was
    // scheduled.)
    assert!(rows.iter().all(|r| r["start_time"].as_i64().is_none_or(|s| s == 0 || s >= middle)));
    // A time ago, and what is not one.
    let out = h.run(&["runs", "list", "--since", "2h", "-o", "json"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = h.run(&["runs", "list", "--since", "yesterday"]).await;
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("--since \"yesterday\": give a time ago (30m, 2h, 1d"), "{}", out.stderr);
    assert!(h.run(&["runs", "list", "--help"]).await.stdout.contains("--job-id <ID>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn columns_choose_and_order_what_tables_and_csv_print() {
    let h = harness("").await;
    let out = h.run(&["clusters", "list", "--columns", "state,id", "-o", "csv"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let mut lines = out.stdout.lines();
    assert_eq!(lines.next(), Some("STATE,ID"));
    assert!(lines.all(|l| l.split(',').count() == 2), "{}", out.stdout);
    let out = h.run(&["sessions", "list", "--columns", "id,idle-timeout", "-o", "wide"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout
            .lines()
            .next()
            .is_some_and(|l| l.split_whitespace().collect::<Vec<_>>() == ["ID", "IDLE", "TIMEOUT"]),
        "{}",
        out.stdout
    );
    // The monitor's names (`:columns`): a run's result, a cluster's duration, aliases.
    let out = h.run(&["runs", "list", "--columns", "job,result,ws", "-o", "csv"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout.lines().next(), Some("JOB / RUN,RESULT,WORKSPACE"));
    let out = h.run(&["clusters", "list", "--columns", "name,duration", "-o", "csv"]).await;
    assert_eq!(out.stdout.lines().next(), Some("NAME,DURATION"), "{}", out.stderr);
    let out = h.run(&["runs", "list", "--columns", "name,colour"]).await;
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains(
            "no column \"colour\" for runs; valid: workspace,name,id,state,owner,trigger,started,duration,result"
        ),
        "{}",
        out.stderr
    );
    let out = h.run(&["runs", "list", "--columns", "id", "-o", "json"]).await;
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("json and yaml keep every field"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_columns_pick_the_fields_shown() {
    let h = harness("").await;
    let listed =
        h.run(&["clusters", "list", "-o", "csv", "--columns", "id,state,workers", "--no-header"]).await;
    let first = listed.stdout.lines().next().unwrap_or_default().to_string();
    let id = first.split(',').next().unwrap_or_default().to_string();
    assert!(!id.is_empty(), "{}", listed.stderr);
    let out = h.run(&["clusters", "get", &id, "--columns", "id,state,workers", "-o", "csv"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, format!("ID,STATE,WORKERS\n{first}\n"));
    let out = h.run(&["clusters", "get", &id, "--columns", "state,id"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert_eq!(lines[0].split_whitespace().collect::<Vec<_>>(), ["STATE", "ID"]);
    assert!(lines[1].trim_end().ends_with(&id), "{}", out.stdout);
    let bare = h.run(&["clusters", "get", &id, "--columns", "id", "--no-header"]).await;
    assert_eq!(bare.stdout.trim(), id);
    let out = h.run(&["clusters", "get", &id, "--columns", "id,colour"]).await;
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("no column \"colour\" for clusters; valid: workspace,name,id,"),
        "{}",
        out.stderr
    );
    let out = h.run(&["runs", "get", "1", "--columns", "id", "-o", "yaml"]).await;
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("json and yaml keep every field"), "{}", out.stderr);
    assert!(h.run(&["sessions", "get", "--help"]).await.stdout.contains("--columns <A,B,C>"));
}
