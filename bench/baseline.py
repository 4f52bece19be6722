"""The load test of the code of issue 22's day, run on this machine: what "3× today's throughput"
is measured against.

Issue 22 asked ``make load`` for three times the throughput of the code of its day: 28.6
requests/s on the machine it was measured on, hence its ≥ 86. The same code serves a different
number on another machine (12.0 requests/s on one where the code of this file's day served
41.2), so the 86 holds only on a machine as fast as that one. This module measures the ratio on
the machine at hand instead: it takes that revision (``BASELINE_REVISION``, main when the issue
was filed) out of git into the data folder, unchanged, and runs its own ``python -m bench.load``
there: its own London dataset, its own server settings (two gunicorn workers, its page cache as
it was), the same clients and seconds, the same engine. No Django here: this runs in the
orchestrator.
"""

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import datasets

BASELINE_REVISION = "bd2b3263dc1fdfce14926c396252da61d9495eaa"
BASELINE_TIMEOUT_SECONDS = 1800  # its first run builds its own London dataset


def source_dir(data_dir, revision=BASELINE_REVISION):
    """The revision's files under the data folder (extracted once from git; ``git archive``):
    the folder's path. Raises RuntimeError when git cannot give the revision (a shallow clone)."""
    target = Path(data_dir) / f"baseline-{revision[:12]}"
    if (target / "manage.py").exists():
        return target
    done = subprocess.run(
        ["git", "-C", str(datasets.ROOT), "archive", "--format=tar", revision],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        why = done.stderr.decode(errors="replace").strip()
        raise RuntimeError(f"git cannot give revision {revision[:12]}: {why}")
    partial = Path(tempfile.mkdtemp(prefix="baseline-", dir=data_dir))
    try:
        with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
            archive.extractall(partial, filter="data")
        partial.rename(target)
    except OSError:
        if not (target / "manage.py").exists():  # not another run's finished copy
            raise
    finally:
        if partial.exists():
            shutil.rmtree(partial, ignore_errors=True)
    return target


def database_url(url):
    """The engine's URL with its own database prefix (``<name>_baseline``), so that the old
    code's benchmark databases never meet this code's ones; "" for SQLite."""
    if not datasets.is_postgres(url):
        return ""
    parts = urlsplit(url)
    base = parts.path.lstrip("/") or "trustplan"
    return urlunsplit(parts._replace(path=f"/{base}_baseline"))


def run_baseline(url, data_dir, clients, seconds):
    """The old code's load test on the engine ``url`` names ("" for SQLite).

    Returns {"revision", "requests_per_second", "p50_ms", "p95_ms", "errors", "lost_updates",
    "workers", "date", "status": "ok"}, or {"revision", "status": "not run: <why>"} when git, the
    old code or its run fails (the caller reports the ratio as missing then).
    """
    found = {"revision": BASELINE_REVISION[:12]}
    try:
        src = source_dir(Path(data_dir).resolve())
    except (OSError, RuntimeError, TypeError) as exc:  # TypeError: a Python without tarfile filters
        return {**found, "status": f"not run: {exc}"}
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DATABASE_NAME"}}
    if url:
        env["DATABASE_URL"] = database_url(url)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.json"
        command = [sys.executable, "-m", "bench.load", "--clients", str(clients), "--seconds", str(seconds)]
        command += ["--data-dir", str(src / "bench" / "data"), "--out", str(out)]
        # Its own process group: on a timeout its gunicorn goes too, not only the orchestrator.
        process = subprocess.Popen(
            command,
            cwd=src,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=BASELINE_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return {**found, "status": f"not run: no answer in {BASELINE_TIMEOUT_SECONDS} s"}
        if not out.exists():
            tail = (stderr or stdout)[-400:]
            return {**found, "status": f"not run: exit {process.returncode}: {tail}"}
        load = json.loads(out.read_text()).get("load", {})
    keys = ("requests_per_second", "p50_ms", "p95_ms", "errors", "lost_updates", "workers", "date")
    return {**found, **{key: load.get(key) for key in keys}, "status": "ok"}
