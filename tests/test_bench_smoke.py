"""The benchmark machinery on a tiny dataset, so that it does not rot.

Speed is not tested here (benchmarks measure it, tests never time anything): these tests check
that ``python -m bench`` and ``python -m bench.load`` run end to end and write results of the
documented shape, and that the verdicts follow the targets of DESIGN.md.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.report import BOUNDED_QUERIES, BUILT_TARGETS, TARGETS, evaluate, load_targets
from bench.stats import summary

ROOT = Path(__file__).resolve().parent.parent
RATIOS = {
    "oversight_vs_floor",
    "borough_vs_floor",
    "review_vs_floor",
    "oversight_national_vs_london",
    "borough_national_vs_london",
    "export_vs_floor",
    "export_peak_national_vs_london",
    "import_vs_floor",
    "import_docx_vs_floor",
}
PAGES = ["floor", "oversight", "borough", "review", "api"]


def _run(module, *args, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DATABASE_NAME"}}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            module,
            "--tiny",
            "--data-dir",
            str(tmp_path),
            "--out",
            str(tmp_path / "r.json"),
            *args,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,  # a shared machine under load: the tiny run took over 10 minutes
        check=False,
    )


def test_bench_runs_on_a_tiny_dataset_and_writes_results(tmp_path):
    done = _run(
        "bench",
        *("--rounds", "1", "--reps", "1", "--warmup", "0"),
        *("--export-reps", "1", "--import-reps", "1", "--import-actions", "20"),
        tmp_path=tmp_path,
    )
    assert done.returncode in (0, 1), done.stdout[-2000:] + done.stderr[-3000:]  # 2: could not run
    written = json.loads((tmp_path / "r.json").read_text())
    assert list(written["engines"]) == ["sqlite"]  # no PostgreSQL server named
    results = written["engines"]["sqlite"]

    assert set(results["ratios"]) == RATIOS
    built = {name for name, _ in BUILT_TARGETS} | {f"{key}_built_queries" for key in BOUNDED_QUERIES}
    assert {t["name"] for t in results["targets"]} >= built
    assert {t["name"] for t in results["targets"]} >= RATIOS
    assert results["ok"] is (done.returncode == 0)
    for scale in ("london", "national"):
        planned = results["scales"][f"tiny_{scale}"]
        assert results["datasets"][scale]["actions"] == planned["boroughs"] * planned["actions_per_plan"]
    assert results["datasets"]["national"]["status_updates"] > results["datasets"]["london"]["status_updates"]
    for key in ("cores", "ram_gib", "python", "db_engine", "db_version"):
        assert results["machine"][key]
    assert results["date"]
    for page in PAGES:
        assert set(results["queries"][page]) == {"london", "national"}
        for scale in ("london", "national"):
            assert results["pages"][scale][page]["status"] in {"ok", "missing", "error"}
    floor = results["pages"]["london"]["floor"]
    assert floor["status"] == "ok" and floor["n"] == 1 and floor["median_ms"] > 0
    assert results["queries"]["floor"]["london"] > 0
    assert "Floor: a minimal logged-in page" in done.stdout
    for section in ("export", "import"):
        assert results[section]["status"] in {"ok", "missing"}
    for scale in ("london", "national"):
        rss = results["export_rss"][scale]
        assert rss["status"] in {"ok", "missing"}
        if rss["status"] == "ok":
            assert rss["peak_rss_mib"] >= rss["baseline_rss_mib"] > 0


def test_load_test_runs_and_checks_the_history(tmp_path):
    done = _run("bench.load", "--clients", "4", "--seconds", "3", tmp_path=tmp_path)
    load = json.loads((tmp_path / "r.json").read_text())["engines"]["sqlite"]["load"]
    for key in ("requests", "errors", "lost_updates", "p50_ms", "p95_ms"):
        assert key in load
    assert load["requests"] > 0
    assert load["history_check"]["accepted"] == load["updates_accepted"]
    assert load["page_cache"] == "off" and load["workers"] >= 1
    assert {t["name"] for t in load["targets"]} >= {"load_requests_per_second", "load_lost_updates"}
    assert done.returncode == (0 if load["ok"] else 1)


def _results(**medians):
    def page(ms, queries=5):
        return {"status": "ok", "median_ms": ms, "p95_ms": ms, "queries": queries}

    return {
        "pages": {
            "london": {k: page(medians.get(k, 10)) for k in PAGES},
            "national": {k: page(medians.get(f"{k}_national", 10)) for k in PAGES},
        },
        "pages_cold": {scale: {k: page(10) for k in PAGES} for scale in ("london", "national")},
        "export": {"status": "ok", "export": {"median_ms": 120}, "floor": {"median_ms": 100}},
        "export_rss": {"london": {"peak_rss_mib": 100}, "national": {"peak_rss_mib": 120}},
        "import": {"status": "ok", "import": {"median_ms": 200}, "floor": {"median_ms": 100}},
        "import_docx": {"status": "ok", "import": {"median_ms": 250}, "floor": {"median_ms": 100}},
    }


def test_targets_are_met_within_their_limits():
    results = evaluate(_results(floor=10, oversight=49, oversight_national=190))
    assert results["ok"], results["targets"]
    assert results["ratios"]["oversight_vs_floor"] == 4.9
    assert results["ratios"]["oversight_national_vs_london"] == 3.88
    assert len(results["targets"]) == len(TARGETS) + 4 + len(BUILT_TARGETS) + len(BOUNDED_QUERIES)


def test_a_slow_page_a_growing_query_count_or_a_missing_feature_is_a_miss():
    slow = evaluate(_results(floor=10, borough=51))
    assert not slow["ok"]
    assert {t["name"]: t["result"] for t in slow["targets"]}["borough_vs_floor"] == "missed"

    growing = _results()
    growing["pages_cold"]["national"]["oversight"]["queries"] = 6
    verdicts = {t["name"]: t["result"] for t in evaluate(growing)["targets"]}
    assert verdicts["oversight_queries_constant"] == "missed"

    missing = _results()
    missing["pages"]["london"]["review"] = {"status": "missing", "reason": "not built"}
    missing["import"] = {"status": "missing"}
    verdicts = {t["name"]: t["result"] for t in evaluate(missing)["targets"]}
    assert verdicts["review_vs_floor"] == "missing"
    assert verdicts["import_vs_floor"] == "missing"


def test_summary_gives_median_and_nearest_rank_p95():
    figures = summary([i / 1000 for i in range(1, 101)])
    assert figures == {"median_ms": 50.5, "p95_ms": 95.0, "n": 100}
    assert summary([]) is None


def test_pages_built_afresh_have_their_own_targets():
    results = _results(floor=10)
    results["pages_cold"] = {
        "london": {
            k: {"status": "ok", "median_ms": ms, "queries": 12}
            for k, ms in {"floor": 10, "oversight": 100, "borough": 81, "review": 80, "api": 50}.items()
        },
        "national": {
            k: {"status": "ok", "median_ms": ms, "queries": 21 if k == "review" else 12}
            for k, ms in {"floor": 10, "oversight": 200, "borough": 120, "review": 80, "api": 50}.items()
        },
    }
    verdicts = {t["name"]: t["result"] for t in evaluate(results)["targets"]}
    assert verdicts["oversight_built_vs_floor"] == "met"  # 10× exactly
    assert verdicts["borough_built_vs_floor"] == "missed"  # 8.1×
    assert verdicts["oversight_built_national_vs_london"] == "met"  # 2×
    assert verdicts["borough_built_national_vs_london"] == "met"  # 1.48×
    assert verdicts["oversight_built_queries"] == "met"
    assert verdicts["review_built_queries"] == "missed"  # 21 at National scale


def test_load_targets_ask_for_throughput_p95_and_no_lost_update():
    good = {"requests_per_second": 86, "p95_ms": 400, "errors": 0, "lost_updates": 0}
    assert all(t["result"] == "met" for t in load_targets(good))
    slow = {name: t["result"] for name, t in ((t["name"], t) for t in load_targets({**good, "p95_ms": 401}))}
    assert slow["load_p95_ms"] == "missed" and slow["load_requests_per_second"] == "met"
    lost = {
        t["name"]: t["result"] for t in load_targets({**good, "lost_updates": 1, "requests_per_second": 85})
    }
    assert lost["load_lost_updates"] == "missed" and lost["load_requests_per_second"] == "missed"


def test_each_ratio_built_afresh_carries_its_spread_over_the_rounds():
    results = _results(floor=10)

    def page(*rounds):
        return {
            "status": "ok",
            "median_ms": sorted(rounds)[len(rounds) // 2],
            "queries": 12,
            "round_medians_ms": list(rounds),
        }

    results["pages_cold"] = {
        "london": {
            "floor": page(10, 5),
            "oversight": page(80, 60),
            "borough": page(40, 30),
            "review": page(40, 20),
            "api": page(10, 10),
        },
        "national": {
            "floor": page(10, 5),
            "oversight": page(120, 150),
            "borough": page(40, 30),
            "review": page(40, 20),
            "api": page(10, 10),
        },
    }
    targets = {t["name"]: t for t in evaluate(results)["targets"]}
    # Round 1: 80 / 10 = 8; round 2: 60 / 5 = 12 (the floor of the same round).
    assert targets["oversight_built_vs_floor"]["spread"] == [8.0, 12.0]
    assert targets["oversight_built_national_vs_london"]["spread"] == [1.5, 2.5]
    assert targets["review_built_vs_floor"]["spread"] == [4.0, 4.0]
    single = _results(floor=10)
    assert {t["name"]: t for t in evaluate(single)["targets"]}["borough_built_vs_floor"]["spread"] is None


def test_load_targets_compare_with_the_issue_day_code_run_on_the_same_machine():
    good = {"requests_per_second": 41.2, "p95_ms": 700, "errors": 0, "lost_updates": 0}
    assert "load_rps_vs_issue_day_code" not in {t["name"] for t in load_targets(good)}
    found = {
        t["name"]: t
        for t in load_targets({**good, "baseline": {"status": "ok", "requests_per_second": 12.0}})
    }
    assert found["load_rps_vs_issue_day_code"]["value"] == 3.43
    assert found["load_rps_vs_issue_day_code"]["result"] == "met"
    assert found["load_requests_per_second"]["result"] == "missed"  # the 86 still printed as it is
    slower = load_targets({**good, "baseline": {"status": "ok", "requests_per_second": 14.0}})
    assert {t["name"]: t["result"] for t in slower}["load_rps_vs_issue_day_code"] == "missed"  # 2.94×
    failed = load_targets({**good, "baseline": {"status": "not run: no git"}})
    assert {t["name"]: t["result"] for t in failed}["load_rps_vs_issue_day_code"] == "missing"
    # Alternating runs: the means are compared, and an error or a lost update in any run counts.
    again = {"requests_per_second": 30.0, "errors": 1, "lost_updates": 0}
    both = {
        t["name"]: t
        for t in load_targets(
            {**good, "extra_runs": [again], "baseline": {"status": "ok", "requests_per_second": 12.0}}
        )
    }
    assert both["load_rps_vs_issue_day_code"]["value"] == 2.96  # (41.2 + 30) / 2 / 12, rounded down
    edge = load_targets(
        {**good, "requests_per_second": 35.99, "baseline": {"status": "ok", "requests_per_second": 12}}
    )
    assert {t["name"]: t["result"] for t in edge}["load_rps_vs_issue_day_code"] == "missed"  # 2.999…, not 3.0
    assert both["load_errors"]["value"] == 1 and both["load_errors"]["result"] == "missed"


def test_the_baseline_keeps_its_own_databases_and_its_own_copy_of_the_code(tmp_path, monkeypatch):
    from bench import baseline

    assert baseline.database_url("postgres://root@127.0.0.1:5432/main") == (
        "postgres://root@127.0.0.1:5432/main_baseline"
    )
    assert baseline.database_url("") == ""
    revision = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if not revision:
        pytest.skip("not a git checkout")
    calls = []
    real_run = subprocess.run

    def fake_run(command, **kwargs):
        calls.append(command)
        return real_run(command, **kwargs)

    monkeypatch.setattr(baseline.subprocess, "run", fake_run)
    src = baseline.source_dir(tmp_path, revision)
    assert (src / "manage.py").read_bytes() == (ROOT / "manage.py").read_bytes()
    assert baseline.source_dir(tmp_path, revision) == src and len(calls) == 1  # extracted once
    missing = baseline.run_baseline("", tmp_path / "nowhere", 1, 1)
    assert missing["status"].startswith("not run")


def test_clean_drops_this_codes_and_the_baselines_databases(monkeypatch):
    """``--clean`` on PostgreSQL drops the London, National and load databases of this code and
    of the code of issue 22's day (which keeps its own, ``<prefix>_baseline``)."""
    from bench import datasets
    from bench.run import main

    dropped = []
    monkeypatch.setattr(datasets.Database, "drop", lambda self: dropped.append(self.name))
    assert (
        main(["--clean", "--engines", "postgresql", "--postgres", "postgres://root@127.0.0.1:5432/main"]) == 0
    )
    assert sorted(dropped) == sorted(
        f"{prefix}_bench_{label}"
        for prefix in ("main", "main_baseline")
        for label in ("london", "national", "load")
    )


def test_a_tiny_load_test_is_not_compared_with_the_baseline_over_london(capsys):
    """``--tiny --baseline`` would divide a tiny run's throughput by the old code's London one:
    refused (exit 2) before anything runs, with what to drop."""
    from bench.load import main

    assert main(["--tiny", "--baseline", "--engines", "sqlite"]) == 2
    assert "drop --tiny or --baseline" in capsys.readouterr().out
