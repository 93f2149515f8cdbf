#!/usr/bin/env python3
"""Requests per minute per workspace at steady state, for each pane, counted by the
simulator's own request log (`GET /__sim/requests`, per `METHOD /path`).

Each pane gets its own simulator (run side by side): the monitor is configured with both
simulated Fabric workspaces and one Databricks workspace (Databricks paths do not name the
workspace, so one is configured to count it alone), opened on the pane, left WARMUP seconds,
then counted for SECONDS (`first_minutes`), and counted again for SECONDS from STEADY seconds
after it was opened (`per_minute`): the simulator's demo sessions start, go idle and a new one
is created during its first ~100 s (every such change is read at the active pace), so the first
window is the monitor meeting a busy start and the second its steady state. The `quiet`
scenario runs the simulator 100× faster and waits until everything has finished or gone idle:
what a workspace with nothing active costs.

Usage: benches/request_rate.py [SECONDS] [WARMUP] [STEADY]   (defaults 60, 20 and 120)
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


def count(sim, seconds):
    """Requests per minute per workspace and per route over the next `seconds`."""
    _, before = h.request_counts(sim)
    t0 = time.monotonic()
    time.sleep(seconds)
    _, after = h.request_counts(sim)
    minutes = (time.monotonic() - t0) / 60
    delta = {k: n - before.get(k, 0) for k, n in after.items() if n - before.get(k, 0) > 0}
    return ({w: round(n / minutes, 1) for w, n in per_workspace(sim, delta).items()},
            {k: round(n / minutes, 1) for k, n in sorted(delta.items())})


def scenario(pane, seconds, warmup, steady, results):
    quiet = pane == "quiet"
    sim = h.Sim(speed=100.0 if quiet else 1.0)
    with h.scratch() as home:
        config = h.write_config(sim, home, databricks=1)
        tmux = h.Tmux(f"{h.binary()} --config {config}", env=h.env_for(sim, home))
        try:
            if not tmux.wait_for("refreshed", 30):
                raise RuntimeError(f"{pane}: the monitor did not start:\n{tmux.screen()}")
            tmux.keys(PANES[pane])
            opened = time.monotonic()
            out = {}
            if quiet:
                time.sleep(warmup * 3)
            else:
                time.sleep(warmup)
                out["first_minutes"], out["first_routes"] = count(sim, seconds)
                time.sleep(max(0.0, steady - (time.monotonic() - opened)))
            out["per_minute"], out["routes"] = count(sim, seconds)
            results[pane] = out
        finally:
            tmux.stop()
            sim.stop()


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    warmup = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
    steady = float(sys.argv[3]) if len(sys.argv) > 3 else 120.0
    results = {"seconds": seconds, "warmup": warmup, "steady": steady}
    threads = [threading.Thread(target=scenario, args=(p, seconds, warmup, steady, results)) for p in PANES]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    h.save("requests", results)


if __name__ == "__main__":
    main()
