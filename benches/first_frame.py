#!/usr/bin/env python3
"""Start to a complete first frame: `sparkdeck --demo` launched in a real terminal (tmux,
160×45) until the screen shows the Sessions pane's rows and every header line's counts.
The screen is read every few milliseconds, so each figure is late by at most one read.

Usage: benches/first_frame.py [RUNS]   (default 10; the median is reported)
"""

import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402


def complete(screen):
    lines = screen.splitlines()
    header = [l for l in lines[:4] if ("Fabric" in l or "Databricks" in l)]
    counted = len(header) == 4 and all(re.search(r"\d+ (pending|ready|busy|succeeded|failed|cancelled)", l) for l in header)
    rows = re.search(r"Sessions \((\d+)", screen)
    return counted and rows is not None and int(rows.group(1)) > 0


def once():
    with h.scratch() as home:
        t0 = time.monotonic()
        tmux = h.Tmux(f"{h.binary()} --demo", env=h.env_for(None, home))
        try:
            while time.monotonic() - t0 < 30:
                if complete(tmux.screen()):
                    return time.monotonic() - t0
                time.sleep(0.002)
            raise RuntimeError(f"no complete frame:\n{tmux.screen()}")
        finally:
            tmux.stop()


def tmux_alone():
    """What starting tmux and reading its screen cost by themselves (subtracted)."""
    t0 = time.monotonic()
    tmux = h.Tmux("sleep 5")
    tmux.screen()
    d = time.monotonic() - t0
    tmux.stop()
    return d


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    times = [once() for _ in range(runs)]
    overhead = h.median([tmux_alone() for _ in range(5)])
    h.save("first_frame", {"runs": runs, "median_ms": round(1000 * (h.median(times) - overhead), 1),
                           "p95_ms": round(1000 * (h.p95(times) - overhead), 1),
                           "tmux_overhead_ms": round(1000 * overhead, 1)})


if __name__ == "__main__":
    main()
