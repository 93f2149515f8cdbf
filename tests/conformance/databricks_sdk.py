"""Drive `sparkdeck sim` with the official Databricks Python SDK.

Usage: DATABRICKS_HOST=http://127.0.0.1:PORT DATABRICKS_TOKEN=dapi... python3 databricks_sdk.py
(or DATABRICKS_CLIENT_ID / DATABRICKS_CLIENT_SECRET for OAuth M2M). Exits non-zero with a
message on the first check that fails.
"""

import datetime
import os
import sys

from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config
from databricks.sdk.service import compute, workspace

TIMEOUT = datetime.timedelta(seconds=60)


def check(cond, what):
    if not cond:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {what}")


def main():
    w = WorkspaceClient(config=Config(retry_timeout_seconds=20))
    mode = "oauth-m2m" if os.environ.get("DATABRICKS_CLIENT_ID") else "pat"

    me = w.current_user.me()
    check(me.user_name and "@" in me.user_name, f"SCIM Me ({mode}): {me.user_name}")
    if mode == "oauth-m2m":
        clusters = list(w.clusters.list())
        check(len(clusters) > 0, "OAuth M2M token lists clusters")
        return

    # Paged cluster list: a small page size forces several pages.
    all_clusters = list(w.clusters.list(page_size=3))
    ids = [c.cluster_id for c in all_clusters]
    check(len(ids) >= 10 and len(ids) == len(set(ids)), f"paged cluster list: {len(ids)} distinct clusters")
    running = list(w.clusters.list(filter_by=compute.ListClustersFilterBy(cluster_states=[compute.State.RUNNING])))
    check(running and all(c.state == compute.State.RUNNING for c in running), "filter_by.cluster_states")

    # Start a terminated all-purpose cluster, wait for RUNNING, then terminate and wait.
    target = next(c for c in all_clusters if c.state == compute.State.TERMINATED and c.cluster_source != compute.ClusterSource.JOB)
    started = w.clusters.start(target.cluster_id).result(timeout=TIMEOUT)
    check(started.state == compute.State.RUNNING, f"start {target.cluster_name} and wait for RUNNING")
    try:
        w.clusters.start(target.cluster_id)
        check(False, "starting a running cluster must fail")
    except Exception as e:  # InvalidState
        check("unexpected state" in str(e), f"start on a running cluster: {e}")
    events = list(w.clusters.events(cluster_id=target.cluster_id, limit=1))
    check(len(events) >= 2, f"cluster events paged via next_page: {len(events)} events")
    stopped = w.clusters.delete(target.cluster_id).result(timeout=TIMEOUT)
    check(stopped.state == compute.State.TERMINATED, "terminate and wait for TERMINATED")
    check(stopped.termination_reason is not None and stopped.termination_reason.code is not None, "termination_reason present")

    # Paged runs list with active_only.
    # limit=1 makes every active run (a queued and a streaming run at least) its own page.
    active = list(w.jobs.list_runs(active_only=True, limit=1))
    check(len(active) >= 2 and len({r.run_id for r in active}) == len(active), f"active runs over several pages: {len(active)}")
    check(all(r.state.life_cycle_state.value in ("QUEUED", "PENDING", "RUNNING", "TERMINATING", "BLOCKED") for r in active), "active_only filters")
    completed = list(w.jobs.list_runs(completed_only=True, limit=25))
    check(len(completed) > 0 and all(r.end_time for r in completed), "completed_only filters")

    # Run a job now and wait for it to finish.
    jobs = list(w.jobs.list())
    quick = next(j for j in jobs if j.settings.name == "hourly-orders-ingest")
    run = w.jobs.run_now(job_id=quick.job_id).result(timeout=TIMEOUT)
    check(run.state.result_state.value == "SUCCESS", f"run-now and wait: {run.state.result_state}")
    out = w.jobs.get_run_output(run.tasks[0].run_id)
    check(out.notebook_output is not None and out.notebook_output.result, f"run output: {out.notebook_output.result}")

    # Cancel a running run (the streaming job runs until cancelled).
    streaming = next(j for j in jobs if j.settings.name == "clickstream-streaming")
    waiter = w.jobs.run_now(job_id=streaming.job_id)
    cancelled = w.jobs.cancel_run(waiter.run_id).result(timeout=TIMEOUT)
    check(cancelled.state.result_state.value == "CANCELED", "cancel a run and wait")

    # Output of a failed run: error and trace.
    failing = next(j for j in jobs if j.settings.name == "customer-churn-model")
    # The SDK's waiter ends on TERMINATED whatever the result; the result says FAILED.
    failed = w.jobs.run_now(job_id=failing.job_id).result(timeout=TIMEOUT)
    check(failed.state.result_state.value == "FAILED", f"failing run ends FAILED: {failed.state.state_message[:60]}")
    failed_runs = list(w.jobs.list_runs(job_id=failing.job_id, completed_only=True, expand_tasks=True, limit=5))
    last_task = failed_runs[0].tasks[-1]
    failed_out = w.jobs.get_run_output(last_task.run_id)
    check(failed_out.error and failed_out.error_trace, f"failed run output has error and trace: {failed_out.error[:60]}")

    # Command execution on a running cluster: context, SQL → table, cancel.
    shared = running[0]
    ctx = w.command_execution.create(cluster_id=shared.cluster_id, language=compute.Language.SQL).result(timeout=TIMEOUT)
    check(ctx.status == compute.ContextStatus.RUNNING, "execution context running")
    res = w.command_execution.execute(
        cluster_id=shared.cluster_id, context_id=ctx.id, language=compute.Language.SQL,
        command="SELECT region, COUNT(*) AS orders FROM sales GROUP BY region ORDER BY region",
    ).result(timeout=TIMEOUT)
    check(res.status == compute.CommandStatus.FINISHED and res.results.result_type == compute.ResultType.TABLE, "SQL returns a table")
    check(len(res.results.data) == 5 and res.results.schema[0]["name"] == "region", f"table rows: {res.results.data[:2]}")
    py = w.command_execution.create(cluster_id=shared.cluster_id, language=compute.Language.PYTHON).result(timeout=TIMEOUT)
    slow = w.command_execution.execute(cluster_id=shared.cluster_id, context_id=py.id, language=compute.Language.PYTHON, command="import time\ntime.sleep(600)")
    done = w.command_execution.cancel(cluster_id=shared.cluster_id, context_id=py.id, command_id=slow.response.id).result(timeout=TIMEOUT)
    check(done.status == compute.CommandStatus.CANCELLED, "cancel a running command")
    w.command_execution.destroy(cluster_id=shared.cluster_id, context_id=ctx.id)

    # Tokens.
    created = w.tokens.create(comment="sdk-conformance", lifetime_seconds=3600)
    check(created.token_value.startswith("dapi"), "token create")
    check(any(t.token_id == created.token_info.token_id for t in w.tokens.list()), "token list")
    other = WorkspaceClient(config=Config(host=w.config.host, token=created.token_value, retry_timeout_seconds=20))
    check(other.current_user.me().user_name == me.user_name, "a created token authenticates")
    w.tokens.delete(created.token_info.token_id)
    check(all(t.token_id != created.token_info.token_id for t in w.tokens.list()), "token delete")

    # Secrets and ACLs.
    w.secrets.create_scope(scope="conformance")
    w.secrets.put_secret(scope="conformance", key="api-key", string_value="s3cr3t")
    check([s.key for s in w.secrets.list_secrets(scope="conformance")] == ["api-key"], "secret put and list")
    w.secrets.put_acl(scope="conformance", principal="data-engineers", permission=workspace.AclPermission.READ)
    check(w.secrets.get_acl(scope="conformance", principal="data-engineers").permission == workspace.AclPermission.READ, "ACL put and get")
    check(any(a.principal == "data-engineers" for a in w.secrets.list_acls(scope="conformance")), "ACL list")
    w.secrets.delete_acl(scope="conformance", principal="data-engineers")
    w.secrets.delete_secret(scope="conformance", key="api-key")
    w.secrets.delete_scope(scope="conformance")
    check(all(s.name != "conformance" for s in w.secrets.list_scopes()), "scope delete")

    # Errors map to the SDK's classes.
    from databricks.sdk.errors import ResourceDoesNotExist
    try:
        w.clusters.get("0000-000000-nope")
        check(False, "missing cluster must raise")
    except ResourceDoesNotExist:
        check(True, "missing cluster → ResourceDoesNotExist")


if __name__ == "__main__":
    main()
