"""Shared helpers of the benchmark scripts: a separate simulator, a configuration pointing at
it, the monitor in a real terminal (tmux, one server per run), CPU and memory of a process,
and the simulator's own request log. Loopback only; every process started here is stopped by
the helper that started it.
"""

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HZ = os.sysconf("SC_CLK_TCK")


def binary():
    """The release binary (SPARKDECK_BIN overrides it, e.g. to measure an older build)."""
    return os.environ.get("SPARKDECK_BIN", os.path.join(ROOT, "target", "release", "sparkdeck"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sim:
    """`sparkdeck sim` in its own process, with what it prints parsed into workspaces."""

    def __init__(self, scale=0, speed=1.0, bin_path=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # SPARKDECK_SIM_BIN: the simulator of another build (an older client against this
        # simulator, which reports when clients saw results).
        args = [bin_path or os.environ.get("SPARKDECK_SIM_BIN") or binary(), "sim", "--listen", f"127.0.0.1:{self.port}", "--scale", str(scale),
                "--speed", str(speed)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.fabric, self.databricks = [], []
        for line in self.proc.stdout:
            m = re.match(r'Fabric "(.+)": workspace (\S+) lakehouse (\S+) \((\S+)\)\s+base \S+\s+token (\S+)', line)
            if m:
                name, ws, lh, lh_name, token = m.groups()
                found = next((w for w in self.fabric if w["name"] == name), None)
                if found is None:
                    found = {"name": name, "id": ws, "lakehouses": [], "token": token}
                    self.fabric.append(found)
                found["lakehouses"].append((lh, lh_name))
            m = re.match(r'Databricks "(.+)": host (\S+)\s+token (\S+)', line)
            if m:
                self.databricks.append({"name": m.group(1), "host": m.group(2), "pat": m.group(3)})
            if line.startswith("Control:"):
                break
        if not self.fabric:
            self.stop()
            raise RuntimeError("the simulator did not start")

    def get(self, path):
        with urllib.request.urlopen(self.base + path, timeout=30) as r:
            return json.loads(r.read())

    def requests(self):
        """Requests served so far, per `METHOD /path`."""
        return self.get("/__sim/requests")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def request_counts(sim):
    data = sim.requests()
    routes = data.get("by_route") or data.get("routes") or {}
    return data.get("total", sum(routes.values())), routes


def write_config(sim, directory, fabric=None, databricks=None, extra=""):
    """A config.toml for the simulator's workspaces (all, or the first `fabric`/`databricks`)."""
    text = extra + "\n"
    for ws in sim.fabric[:fabric]:
        lhs = ", ".join(f'{{ id = "{i}", name = "{n}" }}' for i, n in ws["lakehouses"])
        text += (f'[[fabric]]\nname = "{ws["name"]}"\nworkspace_id = "{ws["id"]}"\nlakehouses = [{lhs}]\n'
                 f'endpoint = "{sim.base}"\nauth = {{ method = "env-token", variable = "SPARKDECK_BENCH_FABRIC" }}\n')
    for ws in sim.databricks[:databricks]:
        text += f'[[databricks]]\nname = "{ws["name"]}"\nhost = "{ws["host"]}"\nauth = {{ method = "pat", token = "{ws["pat"]}" }}\n'
    path = os.path.join(directory, "config.toml")
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)
    return path


def env_for(sim, home):
    """The environment of a sparkdeck client of `sim`: its own HOME and XDG dirs, the token."""
    env = dict(os.environ)
    env.update({"HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config"),
                "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
                "XDG_STATE_HOME": os.path.join(home, ".local", "state"),
                "SPARKDECK_BENCH_FABRIC": sim.fabric[0]["token"] if sim else ""})
    for k in list(env):
        if k.startswith("DATABRICKS_") or k == "SPARKDECK_CONFIG":
            del env[k]
    return env


class Tmux:
    """A command in a real terminal: its own tmux server, one window of `width`×`height`."""

    def __init__(self, command, width=160, height=45, env=None):
        self.socket = f"sparkdeck-bench-{os.getpid()}-{time.monotonic_ns()}"
        self.env = env or dict(os.environ)
        self.run("new-session", "-d", "-s", "b", "-x", str(width), "-y", str(height), command)

    def run(self, *args):
        return subprocess.run(["tmux", "-L", self.socket, *args], env=self.env, capture_output=True, text=True)

    def keys(self, *keys):
        self.run("send-keys", "-t", "b", *keys)

    def screen(self):
        return self.run("capture-pane", "-p", "-t", "b").stdout

    def pid(self):
        out = self.run("list-panes", "-t", "b", "-F", "#{pane_pid}").stdout.strip()
        return int(out) if out else None

    def wait_for(self, text, timeout=20.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if text in self.screen():
                return True
            time.sleep(0.05)
        return False

    def stop(self):
        self.run("kill-server")


def cpu_ticks(pid):
    """User + system CPU ticks of `pid` and its children that ended."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def thread_times(pid):
    """Per live thread of `pid`: (name, nanoseconds run, context switches), by thread id."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        base = f"/proc/{pid}/task/{tid}"
        try:
            with open(f"{base}/comm") as f:
                name = f.read().strip()
            with open(f"{base}/schedstat") as f:
                ns = int(f.read().split()[0])
            switches = 0
            with open(f"{base}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        switches += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue  # the thread ended meanwhile
        out[tid] = (name, ns, switches)
    return out


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def timed(cmd, env=None, stdout=subprocess.DEVNULL):
    """Wall seconds and peak RSS (MiB) of a whole process, from wait4's rusage."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    return wall, usage.ru_maxrss / 1024, proc.returncode, err


def median(xs):
    s = sorted(xs)
    return s[len(s) // 2] if s else float("nan")


def p95(xs):
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))] if s else float("nan")


@contextlib.contextmanager
def scratch():
    d = tempfile.mkdtemp(prefix="sparkdeck-bench-")
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def save(name, data):
    out = os.path.join(ROOT, "target", "bench")
    os.makedirs(out, exist_ok=True)
    label = os.environ.get("BENCH_LABEL")
    with open(os.path.join(out, name + (f".{label}" if label else "") + ".json"), "w") as f:
        json.dump(data, f, indent=1)
    print(json.dumps(data))
