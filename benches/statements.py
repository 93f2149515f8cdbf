#!/usr/bin/env python3
"""How late a statement's result is seen after the service finished it, median and p95 over N
statements, with the requests each took; and how late a starting Databricks execution context
is seen ready. The service's own finish times come from the simulator (`GET /__sim/timings`,
simulated epoch ms): when a statement finished and when a client's read first answered that
it had, so every client is measured the same way, whatever it does after that read.

  fabric       `sparkdeck sessions exec --session ID CODE` (the whole process, to its exit)
  fabric-loop  a naive loop: POST the statement, then GET it every second until available
  databricks   `sparkdeck clusters exec CLUSTER CODE` (acquires a context each time, like the SDK)
  sdk          the official Python `databricks-sdk`: create_and_wait, execute_and_wait, destroy

Usage: benches/statements.py [N] [CLIENT,...]   (default 50, every client; e.g. `20 fabric,databricks`)
"""

import json
import os
import re
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402


def now_ms():
    return time.time() * 1000.0


def code(i):
    # Different text, different simulated duration (200–1000 ms for Python).
    return f"x = {i} * 7\nprint(x)"


def route_name(route):
    """A route with its ids and query left out: what kind of request it is."""
    path = route.split("?")[0]
    path = re.sub(r"/[0-9a-f]{8}-[0-9a-f-]{27}", "/ID", path)
    return re.sub(r"/\d+(/|$)", r"/N\1", path)


def add_routes(total, before, after):
    for k, v in after.items():
        if v - before.get(k, 0) > 0:
            total[route_name(k)] = total.get(route_name(k), 0) + v - before.get(k, 0)


def per_statement(total, n):
    return {k: round(v / max(1, n), 2) for k, v in sorted(total.items())}


# A short statement: done within this long of its submission (the simulator's Python ones take
# 200–1000 ms). One read after it is all a timely client needs, and all the naïve loop makes.
SHORT_MS = 400


def by_duration(durations, requests):
    """Requests per statement of the short statements and of the rest."""
    out = {}
    for name, pick in ((f"<= {SHORT_MS} ms", lambda d: d <= SHORT_MS), (f"> {SHORT_MS} ms", lambda d: d > SHORT_MS)):
        chosen = [r for d, r in zip(durations, requests) if pick(d)]
        out[name] = {"n": len(chosen), "requests_per_statement": round(sum(chosen) / max(1, len(chosen)), 2)}
    return out


def summary(late, requests, extra=None):
    out = {"n": len(late), "late_ms_median": round(h.median(late), 1), "late_ms_p95": round(h.p95(late), 1),
           "requests_per_statement": round(sum(requests) / max(1, len(requests)), 1)}
    out.update(extra or {})
    return out


def idle_session(sim, env, config):
    listed = subprocess_json([h.binary(), "--config", config, "sessions", "list", "-o", "json", "--limit", "500"], env)
    ws = sim.fabric[0]
    lakehouses = {i for i, _ in ws["lakehouses"]}
    for s in listed:
        if s.get("workspace") == ws["name"] and s.get("sparkdeck_status") == "ready" and s.get("artifactId") in lakehouses:
            return s
    raise RuntimeError(f"no idle session in {ws['name']}: {listed[:3]}")


def subprocess_json(cmd, env):
    import subprocess
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"{cmd}: {out.stderr}")
    data = json.loads(out.stdout)
    return data.get("items", data) if isinstance(data, dict) else data


def fabric_cli(sim, env, config, n):
    session = idle_session(sim, env, config)
    late, requests, routes, durations = [], [], {}, []
    for i in range(n):
        total0, before = h.request_counts(sim)
        _, _, code_, err = h.timed([h.binary(), "--config", config, "sessions", "exec", "--session", session["id"],
                                    "--workspace", sim.fabric[0]["name"], code(i)], env=env)
        if code_ != 0:
            raise RuntimeError(f"sessions exec failed: {err}")
        total1, after = h.request_counts(sim)
        add_routes(routes, before, after)
        mine = [s for s in sim.get("/__sim/timings")["statements"] if s["session"] == session["id"] and s["seen_ms"]]
        last = max(mine, key=lambda s: s["submitted_ms"])
        late.append(last["seen_ms"] - last["finished_ms"])
        durations.append(last["finished_ms"] - last["submitted_ms"])
        requests.append(total1 - total0)  # the simulator does not count its /__sim/ control requests
    return summary(late, requests, {"routes_per_statement": per_statement(routes, n),
                                    "by_duration": by_duration(durations, requests)})


def livy_base(sim, lakehouse_id):
    ws = sim.fabric[0]
    lh = lakehouse_id
    return f"{sim.base}/v1/workspaces/{ws['id']}/lakehouses/{lh}/livyapi/versions/2023-12-01", ws["token"]


def call(method, url, token, body=None):
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"{}")


def fabric_loop(sim, env, config, n):
    session = idle_session(sim, env, config)
    base, token = livy_base(sim, session["artifactId"])
    late, requests, durations = [], [], []
    for i in range(n):
        st = call("POST", f"{base}/sessions/{session['id']}/statements", token, {"code": code(1000 + i), "kind": "pyspark"})
        count = 1
        while True:
            time.sleep(1.0)
            got = call("GET", f"{base}/sessions/{session['id']}/statements/{st['id']}", token)
            count += 1
            if got.get("state") in ("available", "error", "cancelled"):
                break
        mine = [s for s in sim.get("/__sim/timings")["statements"]
                if s["session"] == session["id"] and s["id"] == st["id"] and s["seen_ms"]]
        late.append(mine[-1]["seen_ms"] - mine[-1]["finished_ms"])
        durations.append(mine[-1]["finished_ms"] - mine[-1]["submitted_ms"])
        requests.append(count)
    return summary(late, requests, {"by_duration": by_duration(durations, requests)})


def running_cluster(env, config):
    listed = subprocess_json([h.binary(), "--config", config, "clusters", "list", "-o", "json", "--state", "RUNNING"], env)
    for c in listed:
        if str(c.get("source", "")).upper() not in ("JOB",):
            return c["id"]
    raise RuntimeError("no running all-purpose cluster")


def context_late(timings, since_ms):
    """How late each context made since `since_ms` was seen ready."""
    return [c["seen_ms"] - c["ready_ms"] for c in timings["contexts"] if c["created_ms"] >= since_ms and c["seen_ms"]]


def command_late(timings, command_id):
    cmd = next(c for c in timings["commands"] if c["id"] == command_id)
    return cmd["seen_ms"] - cmd["finished_ms"]


def databricks_cli(sim, env, config, n):
    cluster = running_cluster(env, config)
    late, requests, routes, t0 = [], [], {}, now_ms() - 1
    for i in range(n):
        total0, before = h.request_counts(sim)
        _, _, code_, err = h.timed([h.binary(), "--config", config, "clusters", "exec", cluster,
                                    "--workspace", sim.databricks[0]["name"], code(2000 + i)], env=env)
        if code_ != 0:
            raise RuntimeError(f"clusters exec failed: {err}")
        total1, after = h.request_counts(sim)
        add_routes(routes, before, after)
        timings = sim.get("/__sim/timings")
        cmd = max(timings["commands"], key=lambda c: c["started_ms"])
        late.append(command_late(timings, cmd["id"]))
        requests.append(total1 - total0)
    ctx = context_late(sim.get("/__sim/timings"), t0)
    return summary(late, requests, {"context_late_ms_median": round(h.median(ctx), 1),
                                    "context_late_ms_p95": round(h.p95(ctx), 1),
                                    "routes_per_statement": per_statement(routes, n)})


def sdk(sim, n):
    for k in [k for k in os.environ if k.startswith("DATABRICKS_")]:
        del os.environ[k]
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.config import Config
    from databricks.sdk.service import compute
    ws = sim.databricks[0]
    w = WorkspaceClient(config=Config(host=ws["host"], token=ws["pat"], auth_type="pat"))
    cluster = next(c.cluster_id for c in w.clusters.list() if c.state == compute.State.RUNNING
                   and c.cluster_source != compute.ClusterSource.JOB)
    late, requests, t0 = [], [], now_ms() - 1
    for i in range(n):
        total0, _ = h.request_counts(sim)
        ctx = w.command_execution.create_and_wait(cluster_id=cluster, language=compute.Language.PYTHON)
        res = w.command_execution.execute_and_wait(cluster_id=cluster, context_id=ctx.id,
                                                   language=compute.Language.PYTHON, command=code(3000 + i))
        w.command_execution.destroy(cluster_id=cluster, context_id=ctx.id)
        total1, _ = h.request_counts(sim)
        late.append(command_late(sim.get("/__sim/timings"), res.id))
        requests.append(total1 - total0)
    ctx = context_late(sim.get("/__sim/timings"), t0)
    return summary(late, requests, {"context_late_ms_median": round(h.median(ctx), 1),
                                    "context_late_ms_p95": round(h.p95(ctx), 1)})


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    only = set(sys.argv[2].split(",")) if len(sys.argv) > 2 else None
    results = {"n": n}
    sim = h.Sim()
    try:
        with h.scratch() as home:
            config = h.write_config(sim, home, databricks=1)
            env = h.env_for(sim, home)
            for name, run in (("fabric", lambda: fabric_cli(sim, env, config, n)),
                              ("fabric-loop", lambda: fabric_loop(sim, env, config, n)),
                              ("databricks", lambda: databricks_cli(sim, env, config, n)),
                              ("sdk", lambda: sdk(sim, n))):
                if only is not None and name not in only:
                    continue
                results[name] = run()
                print(name, results[name], flush=True)
    finally:
        sim.stop()
    h.save("statements", results)


if __name__ == "__main__":
    main()
