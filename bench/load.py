"""``python -m bench.load`` (``make load``): the app under gunicorn, 20 clients for 30 seconds.

The server runs with production settings (DEBUG off, a generated SECRET_KEY, whitenoise with
the collected manifest) and the worker settings of ``gunicorn.conf.py`` (the ones the README
recommends), with the page cache off (every page built afresh, as on a review day when writes
keep starting new data generations), on a free loopback port, over a copy of the London
dataset (a SQLite file, or a PostgreSQL database made from the London one as template when
``DATABASE_URL`` names PostgreSQL). Only the switches that demand HTTPS are off, because the
clients speak plain HTTP on loopback, and the per-user API throttle is raised because twenty
busy clients share three accounts.

Each client mixes reads (the oversight and borough dashboards, the monthly review page, the API
action list) with RAG updates: read an action through the API, then PATCH it with the version
read; now and then on purpose with an older version. Several clients update the same few
actions, so some updates are refused (409) — those are expected, not errors. Afterwards the
history is checked: every accepted update is a StatusUpdate row with the version the server
returned, and no refused update left a row. Errors are 5xx answers, connection failures and
any status other than the expected ones.
"""

import argparse
import datetime as dt
import http.client
import json
import os
import random
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import datasets, engines
from bench.baseline import run_baseline
from bench.load_server import DatabaseCPU, Server
from bench.procs import run_worker
from bench.report import load_targets, print_engines
from bench.run import (
    RESULTS,
    add_engine_args,
    collectstatic,
    ensure_dataset,
    log,
    machine_info,
    read_results,
    write_results,
)
from bench.stats import summary

RAGS = ["red", "amber", "green"]
LOAD_ENV = {"THROTTLE_USER": "1000000/minute", "DASHBOARD_CACHE_SECONDS": "0"}


class Run:
    """Shared state of the clients: the request budget, timings, and the ledger of updates."""

    def __init__(self, port, setup, seconds, max_requests):
        self.port = port
        self.setup = setup
        self.deadline = time.monotonic() + seconds
        self.max_requests = max_requests
        self.lock = threading.Lock()
        self.count = 0
        self.timings = {}
        self.statuses = {}
        self.errors = []
        self.ledger = {
            "accepted": [],
            "refused": [],
            "unknown": [],
            "last_update_id": setup["last_update_id"],
        }

    def take(self):
        with self.lock:
            if self.count >= self.max_requests or time.monotonic() >= self.deadline:
                return False
            self.count += 1
            return True

    def request(self, kind, method, path, headers, body=None, expect=(200,)):
        """One request on a fresh connection (gunicorn's sync workers close each one)."""
        if not self.take():
            return None
        started = time.perf_counter()
        status, data = None, b""
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            status, data = response.status, response.read()
            conn.close()
        except OSError as exc:
            status = f"connection error: {type(exc).__name__}"
        elapsed = time.perf_counter() - started
        with self.lock:
            self.timings.setdefault(kind, []).append(elapsed)
            key = f"{kind} {status}"
            self.statuses[key] = self.statuses.get(key, 0) + 1
            if status not in expect:
                self.errors.append(
                    {
                        "kind": kind,
                        "path": path,
                        "status": status,
                        "body": data[:300].decode(errors="replace"),
                    }
                )
        return status, data


def client_loop(run, index, rng):
    try:
        _client_loop(run, index, rng)
    except Exception as exc:  # noqa: BLE001 — a crashed client is an error of the run
        with run.lock:
            run.errors.append({"kind": "client", "path": "", "status": "crashed", "body": repr(exc)})


def _client_loop(run, index, rng):
    setup = run.setup
    session = setup["sessions"][index % len(setup["sessions"])]
    cookie = {"Cookie": f"sessionid={session['sessionid']}"}
    reads = [
        ("oversight page", "/oversight/"),
        ("borough dashboard", f"/boroughs/{setup['borough']}/"),
        ("api list", f"/api/v1/actions/?borough={rng.choice(setup['boroughs'])}"),
    ]
    if session["user"] == "southwark.editor":
        reads.append(("review page", f"/boroughs/{setup['borough']}/review/"))
    targets = setup["targets"]
    seen = {}
    while True:
        if rng.random() < 0.55:
            kind, path = rng.choice(reads)
            if run.request(kind, "GET", path, cookie) is None:
                return
            continue
        target = rng.choice(targets)
        auth = {"Authorization": f"Token {setup['tokens'][target['writer']]}", "Accept": "application/json"}
        path = f"/api/v1/actions/{target['id']}/"
        stale = target["id"] in seen and rng.random() < 0.25
        if not stale:
            answer = run.request("api read", "GET", path, auth)
            if answer is None:
                return
            if answer[0] != 200:
                continue
            seen[target["id"]] = json.loads(answer[1])["version"]
        version = seen[target["id"]] - (1 if stale and seen[target["id"]] > 0 else 0)
        token = secrets.token_hex(8)
        body = json.dumps(
            {
                "version": version,
                "rag": rng.choice(RAGS),
                "commentary": f"Reviewed under load at the monthly meeting; status confirmed. [load {token}]",
            }
        )
        answer = run.request(
            "api patch", "PATCH", path, {**auth, "Content-Type": "application/json"}, body, expect=(200, 409)
        )
        if answer is None:
            return
        status, data = answer
        entry = {"token": token, "action": target["id"], "sent_version": version}
        with run.lock:
            if status == 200:
                entry["version"] = json.loads(data)["version"]
                run.ledger["accepted"].append(entry)
                seen[target["id"]] = entry["version"]
            elif status == 409:
                run.ledger["refused"].append(entry)
                seen[target["id"]] = json.loads(data)["current"]["version"]
            else:
                run.ledger["unknown"].append(entry)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=0, help="default: gunicorn.conf.py's number")
    parser.add_argument(
        "--baseline-rounds",
        type=int,
        default=2,
        help="runs of each, in the order this, that, that, this …: the machine's speed drifts between runs",
    )
    parser.add_argument("--max-requests", type=int, default=50_000, help="a hard bound on requests")
    parser.add_argument("--tiny", action="store_true", help="run over the tiny dataset (smoke test)")
    parser.add_argument("--data-dir", default=str(datasets.DEFAULT_DATA_DIR))
    parser.add_argument(
        "--baseline",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also run the load test of issue 22's day on this machine (bench/baseline.py); "
        "default: yes, but not with --tiny (which refuses it: the baseline runs over London)",
    )
    parser.add_argument("--out", default=str(RESULTS))
    add_engine_args(parser)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.tiny and args.baseline:
        log(
            "--baseline runs the code of issue 22's day over its own London dataset: it cannot be compared "
            "with a run over the tiny dataset (drop --tiny or --baseline)"
        )
        return 2
    try:
        chosen = engines.chosen(args.engines, args.postgres)
    except ValueError as exc:
        log(str(exc))
        return 2
    everything = read_results(args.out)
    status = 0
    for engine, url in chosen.items():
        with engines.using(url):
            load = run_load(args)
        if args.baseline if args.baseline is not None else not args.tiny:
            compare_with_baseline(args, url, engine, load)
            judge(load)
        everything["engines"].setdefault(engine, {})["load"] = load
        print_load(load)
        status = status or (0 if load["ok"] else 1)
    write_results(args.out, everything)
    print_engines(everything)
    log(f"wrote {args.out}")
    return status


def compare_with_baseline(args, url, engine, load):
    """Run the baseline (``bench/baseline.py``) and this code's load test (its first run is
    ``load``) ``args.baseline_rounds`` times each, in the order this, that, that, this …: a steady
    drift of the machine's speed weighs on both alike. Adds ``baseline`` (its runs, their mean
    requests/s, or why not run) and ``extra_runs`` (this code's other runs' figures) to ``load``."""
    pairs = [
        ("ours", "theirs") if index % 2 == 0 else ("theirs", "ours") for index in range(args.baseline_rounds)
    ]
    order = [side for pair in pairs or [("ours", "theirs")] for side in pair]
    runs, extra = [], []
    for side in order[1:]:  # this code's first run is done
        if side == "ours":
            log(f"this code's load test again ({engine}), run {len(extra) + 2}")
            with engines.using(url):
                again = run_load(args)
            keys = ("requests_per_second", "p50_ms", "p95_ms", "errors", "lost_updates", "load_average")
            extra.append({key: again[key] for key in keys})
            extra[-1]["inconsistent"] = again["history_check"]["inconsistent_actions"]
            continue
        log(f"the code of issue 22's day on this machine ({engine}): its own load test, run {len(runs) + 1}")
        runs.append(run_baseline(url, args.data_dir, args.clients, args.seconds))
        if runs[-1]["status"] != "ok":
            break
    baseline = {"revision": runs[0]["revision"], "runs": runs, "status": runs[-1]["status"]}
    if all(run["status"] == "ok" for run in runs):
        baseline["requests_per_second"] = sum(r["requests_per_second"] for r in runs) / len(runs)
    load["baseline"] = baseline
    load["extra_runs"] = extra


def run_load(args):
    """One load test on the engine ``DATABASE_URL`` names: its figures, targets and verdict."""
    scale = datasets.TINY_LONDON if args.tiny else datasets.LONDON
    log(f"load test ({datasets.engine_name()}): {args.clients} clients, {args.seconds:g} s")
    source, _ = ensure_dataset(scale, args.data_dir)
    db = datasets.Database("load", args.data_dir)
    db.drop()
    db.create(template=source)
    secret_key = secrets.token_urlsafe(64)
    collectstatic(db.url)
    setup = run_worker(
        "load_setup", db.url, {"clients": args.clients}, env_extra={"SECRET_KEY": secret_key}, quiet=True
    )
    server = Server(db.url, secret_key, args.workers, Path(args.data_dir) / "gunicorn-load.log", LOAD_ENV)
    try:
        server.wait_ready()
        server.settle()
        load_before = engines.load_average()
        log(f"gunicorn ready on 127.0.0.1:{server.port}; running (load average {load_before})")
        run = Run(server.port, setup, args.seconds, args.max_requests)
        server.mark()
        database = DatabaseCPU(db)
        database.mark()
        client_cpu = time.process_time()
        started = time.perf_counter()
        threads = [
            threading.Thread(target=client_loop, args=(run, i, random.Random(i)), daemon=True)
            for i in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.perf_counter() - started
        cpu_seconds = server.cpu_seconds() - server.cpu_start
        client_cpu = time.process_time() - client_cpu
        database_cpu = database.seconds()
        load_after = engines.load_average()
        workers = server.workers()
    finally:
        server.stop()
    service = server.service_times()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(run.ledger, handle)
    check = run_worker("load_check", db.url, {"ledger": handle.name}, quiet=True)
    Path(handle.name).unlink()
    everything = [t for values in run.timings.values() for t in values]
    overall = summary(everything) or {"median_ms": None, "p95_ms": None}
    load = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine_info(),
        "clients": args.clients,
        "seconds": round(duration, 1),
        "workers": workers,
        "page_cache": "off",
        "load_average": [load_before, load_after],
        "requests": run.count,
        "requests_per_second": round(run.count / duration, 1),
        "errors": len(run.errors),
        "error_samples": run.errors[:10],
        "statuses": dict(sorted(run.statuses.items())),
        "updates_accepted": check["accepted"],
        "updates_refused_409": check["refused"],
        "lost_updates": check["lost_updates"],
        "history_check": check,
        "p50_ms": overall["median_ms"],
        "p95_ms": overall["p95_ms"],
        "by_kind": {kind: summary(values) for kind, values in sorted(run.timings.items())},
        # CPU time per request of the server, of PostgreSQL's backends and of the clients (all on
        # the same machine), and the throughput they allow when nothing else runs on it.
        "server_cpu_ms_per_request": round(cpu_seconds * 1000 / max(run.count, 1), 1),
        "database_cpu_ms_per_request": round(database_cpu * 1000 / max(run.count, 1), 1),
        "client_cpu_ms_per_request": round(client_cpu * 1000 / max(run.count, 1), 1),
        "idle_machine_requests_per_second": round(
            (os.cpu_count() or 1) * run.count / (cpu_seconds + database_cpu + client_cpu)
            if cpu_seconds
            else 0,
            1,
        ),
        "service_by_kind": service,
    }
    judge(load)
    return load


def judge(load):
    """Set ``load``'s targets and verdict: every target met, and no history inconsistent in any run."""
    load["targets"] = load_targets(load)
    inconsistent = [load["history_check"]["inconsistent_actions"]]
    inconsistent += [run["inconsistent"] for run in load.get("extra_runs", [])]
    load["ok"] = all(t["result"] == "met" for t in load["targets"]) and not any(inconsistent)


def print_load(load):
    print(
        f"\nLoad test {load['date']}: {load['machine']['cores']} cores, "
        f"{load['machine']['ram_gib']} GiB RAM, "
        f"{load['machine']['db_engine']}; {load['clients']} clients for {load['seconds']} s, "
        f"gunicorn {load['workers']} workers, page cache off; load average {load['load_average']}"
    )
    print(
        f"| {'requests':>8} | {'req/s':>6} | {'errors':>6} | {'accepted':>8} | {'409':>5} | {'lost':>4} "
        f"| {'p50 ms':>7} | {'p95 ms':>7} |"
    )
    print(
        f"| {load['requests']:>8} | {load['requests_per_second']:>6} | {load['errors']:>6} | "
        f"{load['updates_accepted']:>8} | {load['updates_refused_409']:>5} | {load['lost_updates']:>4} | "
        f"{load['p50_ms']:>7} | {load['p95_ms']:>7} |"
    )
    print(
        f"  CPU a request: server {load['server_cpu_ms_per_request']} ms, database "
        f"{load['database_cpu_ms_per_request']} ms, clients "
        f"{load['client_cpu_ms_per_request']} ms: {load['idle_machine_requests_per_second']} "
        "requests/s on an otherwise idle machine"
    )
    service = load.get("service_by_kind", {})
    for kind, figures in load["by_kind"].items():
        inside = service.get(kind) or {}
        print(
            f"  {kind:18} n={figures['n']:>5}  median {figures['median_ms']:>7} ms  "
            f"p95 {figures['p95_ms']:>7} ms  (in a worker: median {inside.get('median_ms')} ms, "
            f"p95 {inside.get('p95_ms')} ms)"
        )
    for index, run in enumerate(load.get("extra_runs", []), start=2):
        print(
            f"  this code, run {index}: {run['requests_per_second']} requests/s, p50 {run['p50_ms']} ms, "
            f"p95 {run['p95_ms']} ms, {run['errors']} errors, {run['lost_updates']} lost updates"
        )
    baseline = load.get("baseline")
    for index, run in enumerate((baseline or {}).get("runs", []), start=1):
        if run["status"] == "ok":
            print(
                f"  the code of issue 22's day ({run['revision']}), its own load test on this machine, run "
                f"{index}: {run['requests_per_second']} requests/s, p50 {run['p50_ms']} ms, p95 "
                f"{run['p95_ms']} ms, {run['errors']} errors, gunicorn {run['workers']} workers"
            )
        else:
            print(f"  the code of issue 22's day ({run['revision']}): {run['status']}")
    for target in load["targets"]:
        print(f"  {target['name']:26} {target['value']!s:>8} (limit {target['limit']}): {target['result']}")
    for sample in load["error_samples"]:
        print(f"  error: {sample['kind']} {sample['path']} → {sample['status']} {sample['body'][:120]!r}")


if __name__ == "__main__":
    sys.exit(main())
