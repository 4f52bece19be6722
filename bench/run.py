"""``python -m bench``: build the datasets, measure, write bench/results.json, print a table.

Exit status 0 when every target of DESIGN.md is met, 1 when one is missed (a feature not built
yet counts as missed), 2 when the benchmark itself could not run.
"""

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import baseline, datasets, engines
from bench.procs import ROOT, WorkerFailed, production_env, run_worker
from bench.report import evaluate, print_engines, print_table
from bench.stats import summary

RESULTS = Path(__file__).resolve().parent / "results.json"
PAGE_KEYS = ["floor", "oversight", "borough", "review", "api"]


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def machine_info():
    memory_gib = None
    try:
        with open("/proc/meminfo") as handle:
            kib = int(next(line for line in handle if line.startswith("MemTotal")).split()[1])
        memory_gib = round(kib / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass
    return {
        "cores": os.cpu_count(),
        "ram_gib": memory_gib,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "db_engine": datasets.engine_name(),
    }


def collectstatic(database_url):
    """Production settings serve static files through the manifest: build it once."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=production_env(database_url),
        check=True,
    )


def ensure_dataset(scale, data_dir, rebuild=False):
    """Reuse the scale's database when current; otherwise (re)build it. Returns (db, info)."""
    db = datasets.Database(scale.name, data_dir)
    fresh = rebuild or not datasets.is_current(db, scale)
    if fresh:
        db.drop()
        db.create()
    params = {
        "populate": fresh,
        "boroughs": scale.boroughs,
        "months": scale.months,
        "seed": scale.seed,
        "actions": scale.actions,
    }
    info = run_worker("build", db.url, params, quiet=True)
    if fresh:
        db.write_stamp(datasets.make_stamp(scale))
    info["reused"] = not fresh
    return db, info


def measure_pages(dbs, rounds, reps, warmup, budget, env_extra=None, what="pages"):
    """Alternate the scales round by round, each round a fresh process, and pool the samples."""
    pooled = {scale: {} for scale in dbs}
    loads = {scale: [] for scale in dbs}
    for number in range(rounds):
        for scale, db in dbs.items():
            log(f"{what}, {scale}, round {number + 1}/{rounds} (load average {engines.load_average()})")
            params = {"reps": reps, "warmup": warmup, "budget_seconds": budget}
            loads[scale].append(engines.load_average())
            result = run_worker("pages", db.url, params, quiet=True, env_extra=env_extra)
            loads[scale].append(engines.load_average())
            for key, page in result["pages"].items():
                entry = pooled[scale].setdefault(
                    key, {**page, "samples_ms": [], "query_counts": [], "round_medians_ms": []}
                )
                if page["status"] != "ok":
                    entry.update(page)
                    continue
                entry["samples_ms"] += page["samples_ms"]
                entry["query_counts"].append(page["queries"])
                entry["round_medians_ms"].append(page["median_ms"])
    pages = {}
    for scale, entries in pooled.items():
        pages[scale] = {}
        for key in PAGE_KEYS:
            entry = entries.get(key, {"status": "missing"})
            if entry["status"] == "ok":
                samples = [ms / 1000 for ms in entry.pop("samples_ms")]
                entry.update(summary(samples))
                entry["queries"] = max(entry["query_counts"])
                entry["queries_stable"] = len(set(entry["query_counts"])) == 1
                entry["load_average"] = [value for value in loads[scale] if value is not None]
            else:
                entry.pop("samples_ms", None)
                entry.pop("round_medians_ms", None)
            pages[scale][key] = entry
    return pages


# The generated files of bench.upload_bench.UPLOADS (named here: the orchestrator loads no Django).
UPLOAD_FILES = [
    "plan_20000_rows",
    "formatted_to_1048576",
    "docx_2000",
    "cells_over_budget",
    "wide_csv",
    "zip_bomb",
    "billion_laughs",
]


def measure_uploads(url, tiny):
    """Each generated upload of bench.upload_bench in a fresh process: outcome, seconds, peak RSS."""
    names = ["formatted_to_1048576", "billion_laughs"] if tiny else UPLOAD_FILES
    log("uploads at and over the limits: " + ", ".join(names))
    return {name: run_worker("upload", url, {"file": name}, quiet=True) for name in names}


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--tiny", action="store_true", help="a few rows per scale (the smoke test)")
    parser.add_argument("--rounds", type=int, default=2, help="processes per scale for page timings")
    parser.add_argument("--reps", type=int, default=10, help="timed requests per page per round")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument(
        "--page-budget", type=float, default=20, help="seconds per page per round before repetitions stop"
    )
    parser.add_argument("--export-reps", type=int, default=5)
    parser.add_argument("--import-reps", type=int, default=3)
    parser.add_argument("--import-actions", type=int, default=2000)
    parser.add_argument("--data-dir", default=str(datasets.DEFAULT_DATA_DIR))
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument("--rebuild", action="store_true", help="rebuild the datasets even if current")
    parser.add_argument(
        "--pages-only", action="store_true", help="the page timings only (a quick look while tuning)"
    )
    parser.add_argument("--clean", action="store_true", help="drop the benchmark databases and exit")
    add_engine_args(parser)
    return parser.parse_args(argv)


def add_engine_args(parser):
    parser.add_argument(
        "--engines",
        default="",
        help="comma-separated: sqlite, postgresql (default: both when a PostgreSQL server is named)",
    )
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL (else BENCH_POSTGRES_URL)")


def read_results(out):
    """The results file as {"engines": {engine: results}} (an older single-engine file is read
    as SQLite's)."""
    try:
        previous = json.loads(Path(out).read_text())
    except (OSError, ValueError):
        return {"engines": {}}
    if "engines" not in previous:
        previous = {"engines": {previous.get("machine", {}).get("db_engine", "sqlite"): previous}}
    return previous


def write_results(out, results):
    """Write the file with its overall verdict: every engine measured met every target."""
    measured = list(results["engines"].values())
    results["ok"] = bool(measured) and all(
        r.get("ok") and r.get("load", {}).get("ok", True) for r in measured
    )
    Path(out).write_text(json.dumps(results, indent=1, default=str) + "\n")


def main(argv=None):
    args = parse_args(argv)
    try:
        chosen = engines.chosen(args.engines, args.postgres)
    except ValueError as exc:
        log(str(exc))
        return 2
    scales = (
        [datasets.TINY_LONDON, datasets.TINY_NATIONAL] if args.tiny else [datasets.LONDON, datasets.NATIONAL]
    )
    if args.clean:
        for url in chosen.values():  # this code's databases, and on PostgreSQL the baseline's own
            for each in dict.fromkeys([url, baseline.database_url(url) or url]):
                with engines.using(each):
                    for scale in scales + [datasets.Scale("load", 0, 0, 0)]:
                        datasets.Database(scale.name, args.data_dir).drop()
        log("benchmark databases dropped")
        return 0
    everything = read_results(args.out)
    status = 0
    for engine, url in chosen.items():
        with engines.using(url):
            results = measure_engine(args, scales)
        if results is None:
            return 2
        previous = everything["engines"].get(engine, {})
        if "load" in previous:  # keep the load test's figures, written by python -m bench.load
            results["load"] = previous["load"]
        everything["engines"][engine] = results
        print_table(results)
        status = status or (0 if results["ok"] else 1)
    write_results(args.out, everything)
    print_engines(everything)
    log(f"wrote {args.out}")
    return status


def measure_engine(args, scales):
    """Every measurement on the engine ``DATABASE_URL`` names; None when the run failed."""
    started = time.perf_counter()
    results = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine_info(),
        "scales": {
            s.name: {"boroughs": s.boroughs, "months": s.months, "actions_per_plan": s.actions}
            for s in scales
        },
        "load_average_start": engines.load_average(),
    }
    try:
        measure_all(args, scales, results)
    except (WorkerFailed, subprocess.SubprocessError, OSError) as exc:
        log(f"the benchmark could not run: {exc}")
        return None
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["load_average_end"] = engines.load_average()
    evaluate(results)
    log(f"{results['machine']['db_engine']}: measured in {results['seconds']} s")
    return results


def measure_all(args, scales, results):
    log(f"datasets ({datasets.engine_name()}): " + ", ".join(s.name for s in scales))
    with ThreadPoolExecutor(max_workers=len(scales)) as pool:
        built = list(pool.map(lambda s: ensure_dataset(s, args.data_dir, args.rebuild), scales))
    dbs = {"london": built[0][0], "national": built[1][0]}
    results["datasets"] = {"london": built[0][1], "national": built[1][1]}
    for name, info in results["datasets"].items():
        how = "reused" if info["reused"] else f"built in {info['seconds']} s"
        log(f"  {name}: {info['actions']} actions, {info['status_updates']} status updates ({how})")
    results["machine"]["db_version"] = built[0][1].get("db_version")
    collectstatic(dbs["london"].url)
    # A repeat visit (the page cache on, as in production), then every page built afresh
    # (the cache off): the targets of a page built afresh are the ones a review day needs.
    results["pages"] = measure_pages(
        dbs, args.rounds, args.reps, args.warmup, args.page_budget, what="pages (repeat visits)"
    )
    results["pages_cold"] = measure_pages(
        dbs,
        args.rounds,
        args.reps,
        args.warmup,
        args.page_budget / 2,
        env_extra={"DASHBOARD_CACHE_SECONDS": "0"},
        what="pages (built afresh, page cache off)",
    )
    if args.pages_only:
        return
    log("export, London: timed against the raw-writer floor")
    results["export"] = run_worker("export", dbs["london"].url, {"reps": args.export_reps}, quiet=True)
    # Memory, not time: both scales at once, each in its own fresh process.
    log("export peak memory, London and National (a fresh process each, side by side)")
    with ThreadPoolExecutor(max_workers=2) as pool:
        peaks = pool.map(lambda db: run_worker("export_rss", db.url, quiet=True), dbs.values())
        results["export_rss"] = dict(zip(dbs, peaks, strict=True))
    for mode, what in (("import", "workbook"), ("import_docx", "Word plan")):
        log(f"import of a {args.import_actions}-action {what} against a bare pass over it")
        results[mode] = run_worker(
            mode,
            dbs["london"].url,
            {"reps": args.import_reps, "actions": args.import_actions},
            quiet=True,
        )
    results["uploads"] = measure_uploads(dbs["london"].url, args.tiny)
    log("board pack (PDF) of a London borough")
    results["pack"] = run_worker("pack", dbs["london"].url, {"reps": 1 if args.tiny else 3}, quiet=True)
