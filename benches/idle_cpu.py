#!/usr/bin/env python3
"""Idle CPU of the real binary in a real terminal (tmux, 160×45), left alone for SECONDS, in
five scenarios, with htop measured the same way in the same run as the reference.

  demo     `sparkdeck --demo` (simulator in-process), Sessions pane
  sim      the monitor alone, the simulator in its own process (its CPU not counted)
  editor   `--demo` with the statement editor open (nothing run)
  logs     `--demo` with a session's log followed
  scale10  the All pane over `sparkdeck sim --scale 10` (10k clusters, 100k runs, 10k sessions)

Usage: benches/idle_cpu.py [SECONDS [SCENARIO...]]   (default 60 and all five, then htop; the
release binary must be built). With scenarios named, only those run (no htop) and nothing is
saved: a quick look while working.
"""

import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

WARMUP = 4.0


def measure(pid, seconds):
    """`cpu_percent`: the kernel's tick count (1/HZ s: at 60 s one tick is 0.017 %, too coarse
    for a 0.1 % target alone); `cpu_ns_percent`: the scheduler's run time in nanoseconds
    (`/proc/PID/task/*/schedstat`), with `threads` splitting it (and the wake-ups, context
    switches) between the event loop's thread and the runtime's workers."""
    before, t0 = h.cpu_ticks(pid), time.monotonic()
    threads_before = h.thread_times(pid)
    time.sleep(seconds)
    ticks, wall = h.cpu_ticks(pid) - before, time.monotonic() - t0
    threads_after = h.thread_times(pid)
    split = {}
    for tid, (name, ns, switches) in threads_after.items():
        name0, ns0, switches0 = threads_before.get(tid, (name, 0, 0))
        key = f"{name} {tid}"
        split[key] = {"ms": round((ns - ns0) / 1e6, 2), "switches": switches - switches0}
    ns_total = sum(t["ms"] for t in split.values()) / 1e3
    return {"cpu_percent": round(100.0 * ticks / h.HZ / wall, 3),
            "cpu_ns_percent": round(100.0 * ns_total / wall, 3),
            "wakeups_per_s": round(sum(t["switches"] for t in split.values()) / wall, 1),
            "rss_mib": round(h.rss_kib(pid) / 1024, 1), "threads": split}


def frames_in(tmux, seconds, home):
    """Frames drawn in `seconds`: each frame is wrapped in a synchronized-update escape, so
    counting `CSI ?2026h` in what the program writes to its terminal counts frames exactly."""
    out = os.path.join(home, "pane.out")
    tmux.run("pipe-pane", "-t", "b", "-o", f"cat >> {out}")
    time.sleep(seconds)
    tmux.run("pipe-pane", "-t", "b")
    with open(out, "rb") as f:
        return f.read().count(b"\x1b[?2026h")


def scenario(name, seconds):
    with h.scratch() as home:
        sim = None
        if name in ("sim", "scale10"):
            sim = h.Sim(scale=10 if name == "scale10" else 0)
            config = h.write_config(sim, home)
            command = f"{h.binary()} --config {config}"
        else:
            command = f"{h.binary()} --demo"
        tmux = h.Tmux(command, env=h.env_for(sim, home))
        try:
            if not tmux.wait_for("refreshed", 30):
                raise RuntimeError(f"{name}: the monitor did not start:\n{tmux.screen()}")
            # A quick run (CI) only proves the scenario works.
            quick = seconds < 10
            time.sleep(1 if quick else WARMUP if name != "scale10" else 15)
            if name == "editor":
                tmux.keys("e")
                tmux.wait_for("F5", 10)
            elif name == "logs":
                tmux.keys("l")
            elif name == "scale10":
                tmux.keys("5")
            time.sleep(0.5 if quick else 2)
            pid = tmux.pid()
            # Frames drawn in the measured window itself (each costs: the count explains the CPU).
            counted = os.path.join(home, "measured.out")
            tmux.run("pipe-pane", "-t", "b", "-o", f"cat >> {counted}")
            result = measure(pid, seconds)
            tmux.run("pipe-pane", "-t", "b")
            with open(counted, "rb") as f:
                result["frames"] = f.read().count(b"\x1b[?2026h")
            if name == "editor":
                result["frames_30s"] = frames_in(tmux, min(30, seconds), home)
            return result
        finally:
            tmux.stop()
            if sim:
                sim.stop()


def htop(seconds):
    with h.scratch() as home:
        env = h.env_for(None, home)
        tmux = h.Tmux("htop", env=env)
        try:
            time.sleep(2)
            pid = tmux.pid()
            return measure(pid, seconds)
        finally:
            tmux.stop()


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    results = {"seconds": seconds, "terminal": "160x45"}
    chosen = sys.argv[2:]
    for name in chosen or ("demo", "sim", "editor", "logs", "scale10"):
        results[name] = scenario(name, seconds)
        print(name, results[name], flush=True)
    if chosen:
        return
    if shutil.which("htop"):
        results["htop"] = htop(seconds)
    else:
        results["htop"] = None
        print("htop is not installed: no reference figure (apt-get install htop)", file=sys.stderr)
    h.save("idle_cpu", results)


if __name__ == "__main__":
    main()
