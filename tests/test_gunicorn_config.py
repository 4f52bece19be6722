"""gunicorn.conf.py, the worker settings ``make serve`` and ``make load`` use: the collector's
settings of a worker, and what is frozen before the workers are forked."""

import gc
import runpy
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


@pytest.fixture
def collector():
    """The collector's settings as they were, put back after the test."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_a_worker_collects_after_10000_allocations_unless_told_otherwise(monkeypatch, collector):
    monkeypatch.delenv("GC_THRESHOLD", raising=False)
    config = runpy.run_path(str(CONFIG))
    config["post_fork"](server=None, worker=None)
    assert gc.get_threshold() == (10000, 50, 1000)
    monkeypatch.setenv("GC_THRESHOLD", "2000,20,20")
    runpy.run_path(str(CONFIG))["post_fork"](server=None, worker=None)
    assert gc.get_threshold() == (2000, 20, 20)


def test_what_the_server_holds_is_frozen_before_a_fork(collector):
    config = runpy.run_path(str(CONFIG))
    kept = [[] for _ in range(100)]  # noqa: F841 — tracked by the collector, alive across the fork
    before = gc.get_freeze_count()
    config["pre_fork"](server=None, worker=None)
    assert gc.get_freeze_count() >= before + 100
    assert config["worker_class"] == "sync" and config["preload_app"] is True


def test_a_threshold_that_is_not_three_numbers_is_refused_with_the_setting_named(monkeypatch):
    from trustplan.startup import gc_threshold

    monkeypatch.setenv("GC_THRESHOLD", "10000,50")
    with pytest.raises(ValueError, match="GC_THRESHOLD"):
        gc_threshold()
    monkeypatch.setenv("GC_THRESHOLD", "2000, 20 ,20")
    assert gc_threshold() == (2000, 20, 20)
