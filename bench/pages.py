"""Page timings through Django's test client, with SQL query counts.

Every page is requested as a logged-in user (``force_login``) through the whole middleware
stack under production settings. The floor is ``bench.urls.floor`` (served only in benchmark
processes): login required, session read and saved, the role looked up, ``base.html`` and the
navigation rendered — everything a page does before it does its own work. The home page is not
used because it redirects by role.

The process is set up as a gunicorn worker of ``gunicorn.conf.py`` is (``trustplan.startup``):
warmed, what it holds then frozen out of the garbage collector's reach, and its collector's
thresholds those of a worker; each page, the floor included, is timed as a worker serves it.
"""

import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from bench import urls as bench_urls
from bench.build import bench_borough
from bench.stats import summary
from trustplan import startup

# key -> (URL name, takes the borough slug, user)
PAGES = {
    "floor": ("bench-floor", False, "mopac.oversight"),
    "oversight": ("oversight", False, "mopac.oversight"),
    "borough": ("borough-dashboard", True, "mopac.oversight"),
    "review": ("borough-review", True, "southwark.editor"),
    "api": ("api:action-list", False, "mopac.oversight"),
}


def _consume(response):
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def _get(client, url):
    started = time.perf_counter()
    response = client.get(url)
    size = _consume(response)
    return time.perf_counter() - started, response.status_code, size


def resolve_pages(slug):
    urls, missing = {}, {}
    for key, (name, with_slug, username) in PAGES.items():
        try:
            urls[key] = (reverse(name, args=[slug] if with_slug else []), username)
        except NoReverseMatch:
            missing[key] = f"URL name {name!r} is not defined yet"
    return urls, missing


def measure_pages(params):
    reps, warmup = params.get("reps", 15), params.get("warmup", 2)
    bench_urls.install()
    startup.warm()  # as before a fork (gunicorn.conf.py: when_ready, pre_fork, post_fork)
    startup.freeze()
    startup.collect_less_often()
    borough = bench_borough()
    urls, missing = resolve_pages(borough.slug)
    clients = {}
    for _, username in urls.values():
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(get_user_model().objects.get(username=username))
    results = {key: {"status": "missing", "reason": reason} for key, reason in missing.items()}
    live = {}
    for key, (url, username) in urls.items():
        client = clients[username]
        try:
            _, status, size = _get(client, url)
        except Exception as exc:  # noqa: BLE001 — a page that raises is reported, not fatal
            results[key] = {"status": "error", "reason": f"{type(exc).__name__}: {exc}"[:500], "url": url}
            continue
        if status != 200:
            results[key] = {"status": "error", "reason": f"HTTP {status}", "url": url}
            continue
        live[key] = (url, client, size)
    # Interleaved (floor, page, page, …, floor, …) so that noise falls on every page alike. A
    # page stops repeating once it has spent ``budget`` seconds and has ``min_reps`` samples.
    budget, min_reps = params.get("budget_seconds", 20), min(reps, params.get("min_reps", 4))
    samples = {key: [] for key in live}
    spent = dict.fromkeys(live, 0.0)
    for rep in range(warmup + reps):
        for key, (url, client, _) in live.items():
            if rep >= warmup + min_reps and spent[key] > budget:
                continue
            seconds, _, _ = _get(client, url)
            spent[key] += seconds
            if rep >= warmup:
                samples[key].append(seconds)
    for key, (url, client, size) in live.items():
        with CaptureQueriesContext(connection) as queries:
            _get(client, url)
        results[key] = {
            "status": "ok",
            "url": url,
            "bytes": size,
            "queries": len(queries),
            "samples_ms": [round(s * 1000, 2) for s in samples[key]],
            **summary(samples[key]),
        }
    return {"borough": borough.slug, "pages": results}
