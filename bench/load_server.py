"""The server side of ``python -m bench.load``: gunicorn on loopback, the CPU time its processes
spend, and the time each request spends inside a worker (from gunicorn's access log).

The machine is shared: the throughput of a run moves with what else runs on it. The CPU time
the server spends per request does not (much): ``cores × 1000 / cpu_ms_per_request`` is the
throughput the server could reach on an otherwise idle machine. The time inside a worker, set
beside the time a client waited, tells queueing (a request waiting for a free worker) from
service (a worker busy with it, or waiting for the database's write lock).
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.procs import ROOT, production_env
from bench.stats import summary

# One line per request: when it ended, the worker's process id, method, path, status, and the
# time inside the worker in microseconds.
ACCESS_FORMAT = "%(t)s %(p)s %(m)s %(U)s %(s)s %(D)s"
KINDS = [
    ("api patch", re.compile(r"^PATCH /api/v1/actions/\d+/$")),
    ("api read", re.compile(r"^GET /api/v1/actions/\d+/$")),
    ("api list", re.compile(r"^GET /api/v1/actions/$")),
    ("oversight page", re.compile(r"^GET /oversight/$")),
    ("review page", re.compile(r"^GET /boroughs/[\w-]+/review/$")),
    ("borough dashboard", re.compile(r"^GET /boroughs/[\w-]+/$")),
]


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cpu_seconds(pid):
    """User and system CPU seconds of process ``pid`` (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """gunicorn on loopback; stopped by its own process id."""

    def __init__(self, database_url, secret_key, workers, log_path, env_extra):
        self.port = free_port()
        self.log = open(log_path, "w")  # noqa: SIM115 — closed in stop()
        self.access_path = Path(log_path).with_suffix(".access.log")
        self.access_path.unlink(missing_ok=True)  # gunicorn appends: one run a file
        env = production_env(database_url, SECRET_KEY=secret_key, **env_extra)
        if workers:
            env["WORKERS"] = str(workers)
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "trustplan.wsgi",
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--access-logfile",
                str(self.access_path),
                "--access-logformat",
                ACCESS_FORMAT,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.cpu_start = None

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz in time")

    def settle(self, timeout=60):
        """Wait until every worker has booted (imported the app): until the server's processes
        stop using CPU, so that none of their start-up counts as the run's."""
        deadline = time.monotonic() + timeout
        before = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = self.cpu_seconds()
            if now - before < 0.05:
                return
            before = now

    def children(self):
        """The process ids of gunicorn's workers."""
        try:
            text = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def workers(self):
        """How many workers gunicorn runs (its children)."""
        return len(self.children()) or None

    def cpu_seconds(self):
        """CPU seconds used so far by gunicorn and its workers."""
        return sum(_cpu_seconds(pid) for pid in [self.process.pid, *self.children()])

    def mark(self):
        """Start counting CPU time and access-log lines (after the warm-up)."""
        self.cpu_start = self.cpu_seconds()
        self.access_start = self.access_path.stat().st_size if self.access_path.exists() else 0

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def service_times(self):
        """{kind: summary} of the time each request spent inside a worker, from the access log."""
        try:
            with self.access_path.open("rb") as handle:
                handle.seek(getattr(self, "access_start", 0))
                lines = handle.read().decode(errors="replace").splitlines()
        except OSError:
            return {}
        times = {}
        for line in lines:
            parts = line.split()[-4:]
            if len(parts) != 4 or not parts[3].isdigit():
                continue
            request = f"{parts[0]} {parts[1]}"
            kind = next((name for name, pattern in KINDS if pattern.match(request)), None)
            if kind is not None:
                times.setdefault(kind, []).append(int(parts[3]) / 1_000_000)
        return {kind: summary(values) for kind, values in sorted(times.items())}


class DatabaseCPU:
    """CPU seconds of the PostgreSQL backends serving the load test's database (their share of
    each request's work, on the same machine); nothing on SQLite, which runs inside the workers."""

    def __init__(self, db):
        self.db = db
        self.start = {}

    def _backends(self):
        if not self.db.postgres:
            return []
        import psycopg

        with psycopg.connect(self.db.url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        return [row[0] for row in rows]

    def mark(self):
        self.start = {pid: _cpu_seconds(pid) for pid in self._backends()}

    def seconds(self):
        return sum(_cpu_seconds(pid) - self.start.get(pid, 0.0) for pid in self._backends())
