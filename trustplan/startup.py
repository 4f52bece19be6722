"""Work a server does once before its workers start (gunicorn.conf.py, ``preload_app``).

A fresh worker spent its first requests importing every view (Django reads the URLconf at the
first request), compiling the templates it renders (the cached loader compiles a template at
its first use) and fitting the key-driver analysis of the shipped synthetic sample (computed
once per process, for the dashboards' driver weights): about 2.5 s of CPU per worker, measured.
Done once in the process the workers are forked from, that work is shared by every worker and
by every worker gunicorn starts later. Nothing here touches the database.

The garbage collector's settings of a server process are here too (``gunicorn.conf.py`` applies
them around the fork; the benchmark's page timings apply them the same way, so that a page is
timed as a worker serves it).
"""

import gc
import os

from django.conf import settings
from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver


def template_names():
    """The project's own templates (``templates/``), by their names."""
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(directory.rglob("*.html")):
            yield path.relative_to(directory).as_posix()


def warm():
    """Import every view, compile the project's templates and fit the shipped analysis, then
    close any connection."""
    from drivers.analysis import shipped_analysis

    get_resolver().url_patterns  # noqa: B018 — imports the URLconf and every view
    shipped_analysis()
    engine = engines["django"]
    for name in template_names():
        try:
            engine.get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):
            continue
    connections.close_all()


def gc_threshold():
    """The collector's thresholds of a worker, ``(youngest, middle, oldest)``: the environment's
    ``GC_THRESHOLD`` (three whole numbers separated by commas), else ``(10000, 50, 1000)``:
    the youngest objects collected after 10,000 allocations instead of Python's 700. A page
    allocates tens of thousands of objects, few in cycles; with Python's defaults the collector
    ran about three times a request (measured in-process over the load test's mix: 3.1 ms a
    request with the defaults, 1.0 ms frozen and with these). Raises ValueError when the setting
    is not three whole numbers."""
    raw = os.environ.get("GC_THRESHOLD", "10000,50,1000")
    numbers = tuple(int(part) for part in raw.split(","))
    if len(numbers) != 3:
        raise ValueError(f"GC_THRESHOLD must be three whole numbers separated by commas, not {raw!r}")
    return numbers


def freeze():
    """Move what the process holds now (the warmed application) out of the collector's reach:
    never freed, never walked again, its memory pages left shared with forked workers."""
    gc.collect()
    gc.freeze()


def collect_less_often():
    """Set the collector's thresholds of a worker (``gc_threshold``)."""
    gc.set_threshold(*gc_threshold())
