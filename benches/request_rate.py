#!/usr/bin/env python3
"""Requests per minute per workspace at steady state, for each pane, counted by the
simulator's own request log (`GET /__sim/requests`, per `METHOD /path`).

Each pane gets its own simulator (run side by side): the monitor is configured with both
simulated Fabric workspaces and one Databricks workspace (Databricks paths do not name the
workspace, so one is configured to count it alone), opened on the pane, left WARMUP seconds to
reach steady state, then counted for SECONDS. The `quiet` scenario runs the simulator 100×
faster and waits until everything has finished or gone idle: what a workspace with nothing
active costs.

Usage: benches/requests.py [SECONDS] [WARMUP]   (defaults 60 and 20)
"""

import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

PANES = {"sessions": "1", "batches": "2", "clusters": "3", "runs": "4", "all": "5", "quiet": "1"}


def per_workspace(sim, routes):
    out = {w["name"]: 0 for w in sim.fabric}
    out[sim.databricks[0]["name"]] = 0
    for route, n in routes.items():
        m = re.search(r"/v1/workspaces/([0-9a-f-]{36})", route)
        if m:
            for w in sim.fabric:
                if w["id"] == m.group(1):
                    out[w["name"]] += n
        elif " /api/" in route or " /oidc/" in route:
            out[sim.databricks[0]["name"]] += n
    return out


def scenario(pane, seconds, warmup, results):
    quiet = pane == "quiet"
    sim = h.Sim(speed=100.0 if quiet else 1.0)
    with h.scratch() as home:
        config = h.write_config(sim, home, databricks=1)
        tmux = h.Tmux(f"{h.binary()} --config {config}", env=h.env_for(sim, home))
        try:
            if not tmux.wait_for("refreshed", 30):
                raise RuntimeError(f"{pane}: the monitor did not start:\n{tmux.screen()}")
            tmux.keys(PANES[pane])
            time.sleep(warmup * (3 if quiet else 1))
            _, before = h.request_counts(sim)
            t0 = time.monotonic()
            time.sleep(seconds)
            _, after = h.request_counts(sim)
            minutes = (time.monotonic() - t0) / 60
            delta = {k: n - before.get(k, 0) for k, n in after.items() if n - before.get(k, 0) > 0}
            results[pane] = {
                "per_minute": {w: round(n / minutes, 1) for w, n in per_workspace(sim, delta).items()},
                "routes": {k: round(n / minutes, 1) for k, n in sorted(delta.items())},
            }
        finally:
            tmux.stop()
            sim.stop()


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    warmup = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
    results = {"seconds": seconds, "warmup": warmup}
    threads = [threading.Thread(target=scenario, args=(p, seconds, warmup, results)) for p in PANES]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    h.save("requests", results)


if __name__ == "__main__":
    main()
