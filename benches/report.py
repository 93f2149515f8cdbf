#!/usr/bin/env python3
"""BENCHMARKS.md from the figures in target/bench/*.json (this build) and *.before.json (the
build before the performance work, when measured), the machine, and benches/notes.md."""

import json
import os
import platform
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

OUT = os.path.join(h.ROOT, "target", "bench")


def load(name, label=None):
    path = os.path.join(OUT, name + (f".{label}" if label else "") + ".json")
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def get(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def fmt(v, unit=""):
    if v is None:
        return "—"
    if isinstance(v, float):
        v = f"{v:.3f}".rstrip("0").rstrip(".") if abs(v) < 10 else f"{v:.1f}".rstrip("0").rstrip(".")
    return f"{v}{unit}"


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=h.ROOT, capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, {platform.system()} {platform.release()}; commit {rev}"


def main():
    idle, idle_b = load("idle_cpu"), load("idle_cpu", "before")
    req, req_b = load("requests"), load("requests", "before")
    st, st_b = load("statements"), load("statements", "before")
    ls, ls_b = load("listing"), load("listing", "before")
    ff, ff_b = load("first_frame"), load("first_frame", "before")
    mon = load("monitor")
    mon_b = {}
    try:
        with open(os.path.join(OUT, "monitor.before.json")) as f:
            mon_b = json.load(f)
    except (OSError, ValueError):
        pass

    fab = "Sales Analytics"
    rows = []

    def row(what, before, after, target, anchor="—"):
        rows.append(f"| {what} | {before} | {after} | {target} | {anchor} |")

    htop = fmt(get(idle, "htop", "cpu_percent"), " %")
    row("Idle CPU, monitor alone (separate simulator), 60 s, 160×45", fmt(get(idle_b, "sim", "cpu_percent"), " %"),
        fmt(get(idle, "sim", "cpu_percent"), " %"), "≤ 0.1 %", f"htop {htop}")
    row("Idle CPU, `--demo` (simulator in-process)", fmt(get(idle_b, "demo", "cpu_percent"), " %"),
        fmt(get(idle, "demo", "cpu_percent"), " %"), "—", f"htop {htop}")
    row("Idle CPU, `--demo`, editor open", fmt(get(idle_b, "editor", "cpu_percent"), " %"),
        fmt(get(idle, "editor", "cpu_percent"), " %"), "≤ 0.2 %")
    row("Idle CPU, `--demo`, logs following", fmt(get(idle_b, "logs", "cpu_percent"), " %"),
        fmt(get(idle, "logs", "cpu_percent"), " %"), "≤ 0.2 %")
    row("Idle CPU, All pane on `sim --scale 10`", fmt(get(idle_b, "scale10", "cpu_percent"), " %"),
        fmt(get(idle, "scale10", "cpu_percent"), " %"), "≤ 0.3 %")
    row("Frames drawn in 30 s idle, editor open", fmt(get(idle_b, "editor", "frames_30s")),
        fmt(get(idle, "editor", "frames_30s")), "≤ 1 per visible change")
    for pane in ("sessions", "batches", "clusters", "runs", "all", "quiet"):
        ws = fab if pane not in ("clusters", "runs") else "adb-analytics-prod"
        what = f"Requests/min, {'Sessions pane, nothing active (sim 100× fast, settled)' if pane == 'quiet' else pane.capitalize() + ' pane'}, {ws}"
        # Steady state, and (where counted) the first minute after the pane opened.
        def seen(data):
            first = get(data, pane, "first_minutes", ws)
            steady = fmt(get(data, pane, "per_minute", ws))
            return steady if first is None else f"{steady} (first minute {fmt(first)})"
        row(what, seen(req_b), seen(req), "≤ 6" if pane == "quiet" else ("≤ 20" if pane == "sessions" else "—"))
    for key, what in (("fabric", "Fabric statement (`sessions exec --session`)"),
                      ("databricks", "Databricks `clusters exec`")):
        anchor_key = "sdk" if key == "databricks" else "fabric-loop"
        anchor_name = "databricks-sdk" if key == "databricks" else "naïve 1 s loop"
        a = get(st, anchor_key) or {}
        row(f"{what}: result seen after the service finished, median / p95",
            f"{fmt(get(st_b, key, 'late_ms_median'), ' ms')} / {fmt(get(st_b, key, 'late_ms_p95'), ' ms')}",
            f"{fmt(get(st, key, 'late_ms_median'), ' ms')} / {fmt(get(st, key, 'late_ms_p95'), ' ms')}",
            "≤ 100 / ≤ 250 ms",
            f"{anchor_name} {fmt(a.get('late_ms_median'), ' ms')} / {fmt(a.get('late_ms_p95'), ' ms')}")
        row(f"{what}: requests per statement", fmt(get(st_b, key, "requests_per_statement")),
            fmt(get(st, key, "requests_per_statement")), "never more than the anchor",
            f"{anchor_name} {fmt(a.get('requests_per_statement'))}")
        # Short statements (done by the first read) apart from the rest, where counted.
        for band, which in (("<= 400 ms", "short statement (done within 400 ms)"),
                            ("> 400 ms", "longer statement (over 400 ms)")):
            if get(st, key, "by_duration", band) is None:
                continue
            per = lambda d: get(d, key, "by_duration", band, "requests_per_statement")
            row(f"{what}: requests per {which}", fmt(per(st_b)), fmt(per(st)),
                "never more than the anchor" if band == "<= 400 ms" else "—",
                f"{anchor_name} {fmt(get(a, 'by_duration', band, 'requests_per_statement'))}")
    row("Databricks context: seen ready after it is ready, median / p95",
        f"{fmt(get(st_b, 'databricks', 'context_late_ms_median'), ' ms')} / {fmt(get(st_b, 'databricks', 'context_late_ms_p95'), ' ms')}",
        f"{fmt(get(st, 'databricks', 'context_late_ms_median'), ' ms')} / {fmt(get(st, 'databricks', 'context_late_ms_p95'), ' ms')}",
        "≤ 150 ms",
        f"databricks-sdk {fmt(get(st, 'sdk', 'context_late_ms_median'), ' ms')} / {fmt(get(st, 'sdk', 'context_late_ms_p95'), ' ms')}")
    row("`clusters list -o json`, 10k clusters: peak RSS", fmt(get(ls_b, "clusters_json", "peak_rss_mib"), " MiB"),
        fmt(get(ls, "clusters_json", "peak_rss_mib"), " MiB"), "≤ 40 MiB",
        f"SDK {fmt(get(ls, 'sdk_clusters', 'peak_rss_mib'), ' MiB')}")
    for name, what in (("clusters_json", "`clusters list -o json`, 10k clusters"), ("runs_100", "`runs list --limit 100` of 100k runs")):
        sdk_key = "sdk_clusters" if name == "clusters_json" else "sdk_runs_100"
        sdk_in = get(ls, sdk_key, "in_process_s")
        ratio = lambda d: (f"{fmt(get(d, name, 'wall_s'), ' s')} ({sdk_in / get(d, name, 'wall_s'):.1f}× the SDK in-process)"
                           if sdk_in and get(d, name, "wall_s") else fmt(get(d, name, "wall_s"), " s"))
        row(f"{what}: wall (whole process), requests", f"{ratio(ls_b)}, {fmt(get(ls_b, name, 'requests'))}",
            f"{ratio(ls)}, {fmt(get(ls, name, 'requests'))}", "≥ 8× the SDK" if name == "clusters_json" else "—",
            f"SDK {fmt(get(ls, sdk_key, 'wall_s'), ' s')} whole, {fmt(sdk_in, ' s')} in-process, {fmt(get(ls, sdk_key, 'requests'))} requests")
    row("Start to a complete first frame, `--demo`, median", fmt(get(ff_b, "median_ms"), " ms"),
        fmt(get(ff, "median_ms"), " ms"), "≤ 40 ms")
    resort = next((k for k in mon if k.startswith("key: s")), None)
    filt = next((k for k in mon if k.startswith("filter: the first")), None)
    narrow = next((k for k in mon if k.startswith("filter: a keystroke")), None)
    row("Re-sort 10k rows / first filter keystroke / a narrowing keystroke",
        " / ".join(fmt(mon_b.get(k), " ms") for k in (resort, filt, narrow)),
        " / ".join(fmt(mon.get(k), " ms") for k in (resort, filt, narrow)), "≤ 0.5 ms / ≤ 1 ms")
    f1, f100 = mon.get("frame: Runs 200x60, 1000 rows"), mon.get("frame: Runs 200x60, 100000 rows")
    row("Frame at 100k rows vs 1k rows (Runs, 200×60)",
        "—", f"{fmt(f100, ' ms')} vs {fmt(f1, ' ms')}" if f1 else "—", "within 20 %")

    print("# Benchmarks\n")
    print("Measured by `benches/run.sh` (see README) on the simulator; anchors in the same run.\n")
    print(f"Machine: {machine()}. The machine is shared: other builds ran at the same time, so")
    print("wall times carry noise; CPU figures count the measured process's own CPU time.\n")
    print("| What | Before | After | Target | Anchor |\n|---|---|---|---|---|")
    print("\n".join(rows))
    print("\n## `cargo bench --bench monitor` (median, ms)\n")
    print("| Case | Before | After |\n|---|---|---|")
    for k, v in mon.items():
        print(f"| {k} | {fmt(mon_b.get(k))} | {fmt(v)} |")
    notes = os.path.join(h.ROOT, "benches", "notes.md")
    if os.path.exists(notes):
        with open(notes) as f:
            print("\n" + f.read())
    print("\n## Raw figures\n\n`target/bench/*.json` after a run; requests per route are in `requests.json`.")


if __name__ == "__main__":
    main()
