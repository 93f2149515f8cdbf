"""Drive `sparkdeck sim` with the official Databricks Python SDK.

Usage: DATABRICKS_HOST=http://127.0.0.1:PORT DATABRICKS_TOKEN=dapi... python3 databricks_sdk.py
(or DATABRICKS_CLIENT_ID / DATABRICKS_CLIENT_SECRET for OAuth M2M). Exits non-zero with a
message on the first check that fails.
"""

import datetime
import os
import sys
import time

from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config
from databricks.sdk.errors import DatabricksError
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

    # Jobs: every page of jobs/list (limit=2 makes several), the exact-name filter, expanded
    # tasks, jobs/get with its job clusters, and an unknown job's error.
    jobs = list(w.jobs.list())
    paged = list(w.jobs.list(limit=2))
    check(len(jobs) > 2 and [j.job_id for j in paged] == [j.job_id for j in jobs], f"jobs.list over pages: {len(paged)}")
    named = list(w.jobs.list(name="NIGHTLY-sales-etl"))
    check([j.settings.name for j in named] == ["nightly-sales-etl"], f"jobs.list(name=...) exact, any case: {[j.settings.name for j in named]}")
    check(all(not j.settings.tasks for j in jobs), "jobs.list leaves tasks out without expand_tasks")
    expanded = list(w.jobs.list(expand_tasks=True, limit=25))
    check(all(j.settings.tasks for j in expanded), "jobs.list(expand_tasks=True) has tasks")
    full = w.jobs.get(named[0].job_id)
    keys = {t.job_cluster_key for t in full.settings.tasks if t.job_cluster_key}
    check(keys and keys <= {c.job_cluster_key for c in full.settings.job_clusters}, "jobs.get: tasks' job clusters are defined")
    try:
        w.jobs.get(123)
        check(False, "jobs.get(unknown) raises")
    except DatabricksError as e:
        check(e.error_code == "INVALID_PARAMETER_VALUE" and "does not exist" in str(e), f"jobs.get(unknown): {e.error_code} {e}")

    # Run a job now and wait for it to finish.
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

    # Repair: only the failed task runs again, as a new task run; repair_history grows.
    before = {t.task_key: t.run_id for t in w.jobs.get_run(failed.run_id).tasks}
    repaired = w.jobs.repair_run(run_id=failed.run_id, rerun_all_failed_tasks=True).result(timeout=TIMEOUT)
    after = {t.task_key: t for t in repaired.tasks}
    check(after["prepare_features"].run_id == before["prepare_features"], "repair keeps the task that succeeded")
    check(after["train"].run_id != before["train"] and after["train"].attempt_number == 1, "repair reruns the failed task")
    check(repaired.state.result_state.value == "SUCCESS", f"the repaired run succeeds: {repaired.state.result_state}")
    history = w.jobs.get_run(failed.run_id).repair_history
    check([h.type.value for h in history] == ["ORIGINAL", "REPAIR"], f"repair_history: {[h.type for h in history]}")

    # Job parameters, runs of one job, cancel-all.
    etl = next(j for j in jobs if j.settings.name == "nightly-sales-etl")
    declared = [p.name for p in w.jobs.get(etl.job_id).settings.parameters]
    check(declared == ["run_date", "env"], f"declared job parameters: {declared}")
    started = w.jobs.run_now(job_id=etl.job_id, job_parameters={"env": "dev"})
    got = w.jobs.get_run(started.run_id)
    check({p.name: p.value for p in got.job_parameters}.get("env") == "dev", "run-now job_parameters reach the run")
    check(len(got.tasks) == 4 and any(len(t.depends_on or []) == 2 for t in got.tasks), "tasks with dependencies")
    of_job = list(w.jobs.list_runs(job_id=etl.job_id, limit=25))
    check(of_job and all(r.job_id == etl.job_id for r in of_job), f"list_runs(job_id=...): {len(of_job)} runs")
    w.jobs.cancel_all_runs(job_id=etl.job_id)
    deadline = time.time() + TIMEOUT.total_seconds()
    left = list(w.jobs.list_runs(job_id=etl.job_id, active_only=True))
    while left and time.time() < deadline:
        time.sleep(0.5)
        left = list(w.jobs.list_runs(job_id=etl.job_id, active_only=True))
    check(not left, f"cancel_all_runs leaves no active run: {len(left)}")

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

    # Creating: runtimes and node types, a cluster created, edited and deleted for good.
    versions = [v.key for v in w.clusters.spark_versions().versions]
    check("15.4.x-scala2.12" in versions, f"spark_versions: {len(versions)} runtimes")
    nodes = [n.node_type_id for n in w.clusters.list_node_types().node_types]
    check("Standard_DS3_v2" in nodes, f"list_node_types: {len(nodes)} node types")
    made = w.clusters.create(
        spark_version="15.4.x-scala2.12", cluster_name="sdk-created", node_type_id="Standard_DS3_v2",
        num_workers=1, autotermination_minutes=30, custom_tags={"origin": "sdk"},
    ).result(timeout=TIMEOUT)
    check(made.state == compute.State.RUNNING and made.cluster_name == "sdk-created", "clusters.create(...).result() → RUNNING")
    check(made.custom_tags.get("origin") == "sdk", "the created cluster keeps its custom tags")
    edited = w.clusters.edit(
        cluster_id=made.cluster_id, spark_version="15.4.x-scala2.12", cluster_name="sdk-edited",
        node_type_id="Standard_DS3_v2", num_workers=2,
    ).result(timeout=TIMEOUT)
    check(edited.cluster_name == "sdk-edited" and edited.num_workers == 2, "clusters.edit(...).result() restarts with the new spec")
    from databricks.sdk.errors import InvalidParameterValue
    try:
        w.clusters.create(spark_version="1.0.x-nope", node_type_id="Standard_DS3_v2", num_workers=1)
        check(False, "an unknown spark version must be refused")
    except InvalidParameterValue as e:
        check("Invalid spark version" in str(e), f"unknown spark version → InvalidParameterValue: {e}")
    try:
        w.clusters.create(spark_version="15.4.x-scala2.12", node_type_id="Standard_DS3_v2")
        check(False, "a cluster without a size must be refused")
    except InvalidParameterValue as e:
        check("size" in str(e), f"no size → InvalidParameterValue: {e}")

    # A one-time run on the new cluster; the same idempotency token gives the same run.
    from databricks.sdk.service import jobs as jobs_service
    task = jobs_service.SubmitTask(
        task_key="main", existing_cluster_id=made.cluster_id,
        notebook_task=jobs_service.NotebookTask(notebook_path="/Users/me/report", base_parameters={"day": "1"}),
    )
    submitted = w.jobs.submit(run_name="sdk-one-time", tasks=[task], idempotency_token="sdk-token-1")
    done = submitted.result(timeout=TIMEOUT)
    check(done.state.result_state.value == "SUCCESS" and done.run_type.value == "SUBMIT_RUN", "jobs.submit(...).result() → SUCCESS")
    check(done.tasks[0].notebook_task.notebook_path == "/Users/me/report", "the submitted task is shown back")
    again = w.jobs.submit(run_name="sdk-one-time", tasks=[task], idempotency_token="sdk-token-1")
    check(again.run_id == submitted.run_id, "the same idempotency token gives the same run")

    w.clusters.delete(made.cluster_id).result(timeout=TIMEOUT)
    w.clusters.permanent_delete(made.cluster_id)
    try:
        w.clusters.get(made.cluster_id)
        check(False, "a permanently deleted cluster must be gone")
    except Exception as e:
        check("does not exist" in str(e), "clusters.permanent_delete: get fails afterwards")
    check(all(c.cluster_id != made.cluster_id for c in w.clusters.list()), "and list omits it")

    # Service principals (SCIM).
    sp = w.service_principals.create(application_id="7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f", display_name="sdk-sp")
    check(sp.id and sp.application_id == "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f", f"service_principals.create: id {sp.id}")
    found = list(w.service_principals.list(filter='applicationId eq "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f"'))
    check(len(found) == 1 and found[0].display_name == "sdk-sp", "service principals found by application id")

    # Errors map to the SDK's classes.
    from databricks.sdk.errors import ResourceDoesNotExist
    try:
        w.clusters.get("0000-000000-nope")
        check(False, "missing cluster must raise")
    except ResourceDoesNotExist:
        check(True, "missing cluster → ResourceDoesNotExist")


if __name__ == "__main__":
    main()
