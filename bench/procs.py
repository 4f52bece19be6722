"""Child processes: each measurement runs in a fresh Python with production settings
(DEBUG off, a generated SECRET_KEY) pointed at one benchmark database."""

import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class WorkerFailed(RuntimeError):
    pass


def production_env(database_url, **extra):
    """Production settings for plain HTTP on loopback: DEBUG off, a fresh random key, and the
    HTTPS-only switches off because the benchmark and the load test speak plain HTTP."""
    env = dict(os.environ)
    env.pop("TEST_DATABASE_NAME", None)
    env.update(
        DJANGO_SETTINGS_MODULE="trustplan.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1,testserver",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def run_worker(mode, database_url, params=None, *, timeout=1800, env_extra=None, quiet=False):
    """Run ``python -m bench.worker MODE`` in a fresh process; return the JSON it wrote."""
    with tempfile.TemporaryDirectory(prefix="trustplan-bench-") as tmp:
        out = Path(tmp) / "out.json"
        args = [sys.executable, "-m", "bench.worker", mode, "--out", str(out)]
        args += ["--params", json.dumps(params or {})]
        env = production_env(database_url, **(env_extra or {}))
        completed = subprocess.run(
            args,
            cwd=ROOT,
            env=env,
            timeout=timeout,
            stdout=subprocess.PIPE if quiet else None,
            stderr=subprocess.PIPE if quiet else None,
            text=True,
            check=False,
        )
        if completed.returncode != 0 or not out.exists():
            detail = (completed.stderr or "")[-3000:] if quiet else ""
            raise WorkerFailed(f"bench worker {mode!r} failed (exit {completed.returncode}). {detail}")
        return json.loads(out.read_text())
