//! Headless commands honour `read_only = true` in one workspace's table: every command that
//! would change something there exits 2 and sends nothing; the other workspaces are untouched.

#[path = "common/cli.rs"]
mod cli;

use cli::*;

/// Requests that change something, as the simulator counted them.
fn changes(h: &Harness) -> u64 {
    ["POST", "DELETE", "PATCH", "PUT"].iter().map(|m| sent(h, m, "")).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_workspace_refuses_every_change_and_sends_nothing() {
    let h = harness("").await;
    let text_now = std::fs::read_to_string(&h.config).unwrap_or_default();
    let marked = text_now
        .replace("name = \"adb-dev\"\n", "name = \"adb-dev\"\nread_only = true\n")
        .replace("name = \"Sales Analytics\"\n", "name = \"Sales Analytics\"\nread_only = true\n");
    assert_ne!(marked, text_now);
    std::fs::write(&h.config, marked).unwrap_or_else(|e| panic!("{e}"));
    let cluster = h.first("clusters", "adb-dev", "TERMINATED").await;
    let running = h.first("clusters", "adb-dev", "RUNNING").await;
    let run = h.first("runs", "adb-dev", "active").await;
    let session = h.first("sessions", "Sales Analytics", "active").await;
    let batch = h.first("batches", "Sales Analytics", "active").await;
    let (c, r, rc, s, b) = (
        text(&cluster, "cluster_id"),
        text(&running, "cluster_id"),
        text(&run, "run_id"),
        text(&session, "id"),
        text(&batch, "id"),
    );
    let before = changes(&h);
    let adb = ["--workspace", "adb-dev"];
    let sales = ["--workspace", "Sales Analytics"];
    let commands: Vec<Vec<&str>> = vec![
        vec!["clusters", "start", &c],
        vec!["clusters", "restart", &r],
        vec!["clusters", "terminate", &r],
        vec!["clusters", "resize", &r, "--workers", "3"],
        vec!["clusters", "pin", &c],
        vec!["clusters", "unpin", &c],
        vec!["clusters", "exec", &r, "print(1)"],
        vec![
            "clusters",
            "create",
            "--name",
            "x",
            "--spark-version",
            "15.4.x-scala2.12",
            "--node-type",
            "Standard_DS3_v2",
            "--workers",
            "1",
        ],
        vec!["clusters", "edit", &c, "--workers", "2"],
        vec!["clusters", "delete-permanently", &c, "--yes"],
        vec!["runs", "cancel", &rc],
        vec!["runs", "cancel-all", "--job-id", "1"],
        vec!["runs", "run-now", "1"],
        vec!["runs", "repair", &rc],
        vec!["jobs", "run-now", "1"],
        vec!["jobs", "run-now", "1", "--param", "env=dev"],
        vec!["jobs", "repair", &rc, "--task", "ingest"],
        vec!["jobs", "cancel-all", "1"],
        vec!["tokens", "create"],
        vec!["tokens", "revoke", "abc"],
        vec!["secrets", "put", "scope", "key", "--value-env", "HOME"],
        vec!["secrets", "delete", "scope", "key"],
        vec!["secrets", "create-scope", "scope"],
        vec!["secrets", "delete-scope", "scope"],
        vec!["secrets", "acl", "put", "scope", "ada@contoso.com", "--permission", "read"],
        vec!["secrets", "acl", "delete", "scope", "ada@contoso.com"],
        vec!["principals", "add", "00000000-0000-0000-0000-000000000009"],
    ];
    for args in commands {
        let mut args = args.clone();
        if !args.contains(&c.as_str()) && !args.contains(&r.as_str()) && !args.contains(&rc.as_str()) {
            args.extend(adb);
        }
        let out = h.run(&args).await;
        // A usage error from clap (exit 2 too) would not name read_only: the refusal does.
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("adb-dev is read-only (read_only = true in its table)"),
            "{args:?}: {}",
            out.stderr
        );
    }
    let fabric: Vec<Vec<&str>> = vec![
        vec!["sessions", "delete", &s],
        vec!["sessions", "keep-alive", &s],
        vec!["sessions", "exec", "print(1)"],
        vec!["sessions", "create"],
        vec!["batches", "cancel", &b],
        vec!["batches", "submit", "abfss://x@onelake.dfs.fabric.microsoft.com/y/Files/a.py"],
        vec!["batches", "resubmit", &b],
    ];
    for args in fabric {
        let mut args = args.clone();
        if !args.contains(&s.as_str()) && !args.contains(&b.as_str()) {
            args.extend(sales);
        }
        let out = h.run(&args).await;
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("Sales Analytics is read-only"), "{args:?}: {}", out.stderr);
    }
    assert_eq!(changes(&h), before, "nothing that changes anything was sent");
    // Dry runs change nothing and stay allowed; the other workspaces take changes.
    let out = h.run(&["sessions", "create", "--workspace", "Sales Analytics", "--dry-run"]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let other = h.first("clusters", "adb-analytics-prod", "TERMINATED").await;
    let out = h.run(&["clusters", "pin", &text(&other, "cluster_id")]).await;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = h.run(&["doctor"]).await;
    assert!(
        out.stdout.contains("read-only (read_only = true in their table): Sales Analytics, adb-dev"),
        "{}",
        out.stdout
    );
}
