#!/usr/bin/env python3
"""Listing at volume against `sparkdeck sim --scale 10` (10k clusters, 100k runs, 10k
sessions): `clusters list -o json` of every cluster (both simulated workspaces) and `runs list --limit
100` (one workspace), wall time,
requests and peak RSS of the whole process; the same lists through the official Python
`databricks-sdk`, as a whole process (import included) and in-process (after the import).

Usage: benches/listing.py [REPEAT]   (default 5; the median is reported)
"""

import json
import os
import subprocess
import sys
import textwrap
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

SDK = textwrap.dedent("""
    import json, os, resource, sys, time
    t0 = time.monotonic()
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.config import Config
    clients = [WorkspaceClient(config=Config(host=os.environ["BENCH_HOST"], token=pat, auth_type="pat"))
               for pat in os.environ["BENCH_PATS"].split(",")]
    w = clients[0]
    t1 = time.monotonic()
    if sys.argv[1] == "clusters":
        # Every workspace's clusters, as `sparkdeck clusters list` lists them.
        items = [c.as_dict() for w in clients for c in w.clusters.list()]
    else:
        import itertools
        items = [r.as_dict() for r in itertools.islice(w.jobs.list_runs(limit=25), 100)]
    out = json.dumps(items, indent=2)
    t2 = time.monotonic()
    sys.stdout.write(out)
    sys.stderr.write(json.dumps({"in_process_s": t2 - t1, "items": len(items),
                                 "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")


def counted(sim, fn):
    before, _ = h.request_counts(sim)
    out = fn()
    after, _ = h.request_counts(sim)
    return out, after - before - 1


def ours(sim, env, config, args, repeat):
    walls, rss, requests = [], [], 0
    for _ in range(repeat):
        (wall, peak, code, err), requests = counted(
            sim, lambda: h.timed([h.binary(), "--config", config, *args], env=env))
        if code != 0:
            raise RuntimeError(f"{args}: {err}")
        walls.append(wall)
        rss.append(peak)
    return {"wall_s": round(h.median(walls), 3), "peak_rss_mib": round(max(rss), 1), "requests": requests}


def sdk(sim, what, repeat):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_")}
    ws = sim.databricks[0]
    env.update({"BENCH_HOST": ws["host"], "BENCH_PATS": ",".join(w["pat"] for w in sim.databricks)})
    walls, inproc, rss, requests = [], [], [], 0
    for _ in range(repeat):
        def go():
            return subprocess.run([sys.executable, "-c", SDK, what], env=env, capture_output=True, text=True,
                                  timeout=600)
        t = time.monotonic()
        out, requests = counted(sim, go)
        walls.append(time.monotonic() - t)
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-2000:])
        info = json.loads(out.stderr.strip().splitlines()[-1])
        inproc.append(info["in_process_s"])
        rss.append(info["rss_mib"])
    return {"wall_s": round(h.median(walls), 3), "in_process_s": round(h.median(inproc), 3),
            "peak_rss_mib": round(max(rss), 1), "requests": requests}


def main():
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    sim = h.Sim(scale=10)
    results = {"repeat": repeat}
    try:
        with h.scratch() as home:
            config = h.write_config(sim, home, fabric=0)
            env = h.env_for(sim, home)
            results["clusters_json"] = ours(sim, env, config, ["clusters", "list", "-o", "json", "--limit", "100000"], repeat)
            results["runs_100"] = ours(sim, env, config, ["runs", "list", "--limit", "100",
                                                          "--workspace", sim.databricks[0]["name"]], repeat)
            results["sdk_clusters"] = sdk(sim, "clusters", repeat)
            results["sdk_runs_100"] = sdk(sim, "runs", repeat)
    finally:
        sim.stop()
    h.save("listing", results)


if __name__ == "__main__":
    main()
