"""The board packs (PDF) at London scale: seconds per pack, CPU seconds, and peak memory.

Targets (bench/report.py: PACK_SECONDS, PACK_PEAK_MIB): a borough pack at London scale in ≤ 5 s
and ≤ 400 MiB. Run in a fresh process (``python -m bench.worker pack``) so the peak resident set
(``VmHWM``) read after the borough packs is the borough pack's own; London's oversight pack is
measured after it, in the same process, for the record (no target).

The machine may be shared: beside each wall-clock figure stand the CPU seconds of the process
(``resource.getrusage``: user + system, much less affected by other work) and the load average
while it ran, so a slow figure on a busy machine can be told from a slow pack.
"""

import io
import os
import resource
import time

from django.contrib.auth import get_user_model
from django.test import Client
from pypdf import PdfReader

from bench.build import bench_borough
from bench.export_bench import vm_hwm_kib
from bench.stats import summary

PACK_USER = "analyst"


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _load_average():
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def time_pack(client, url, reps):
    """{"status", "url", "bytes", "pages", "first_ms", "median_ms", "p95_ms", "n",
    "cpu_median_ms", "cpu_first_ms", "load_average"}: ``reps`` packs after a first one (fonts
    and templates loading) timed apart; load average (1, 5, 15 min) taken after the last."""
    wall, cpu, size = [], [], 0
    for _ in range(1 + reps):
        started, started_cpu = time.perf_counter(), _cpu_seconds()
        response = client.get(url)
        if response.status_code != 200:
            return {"status": "missing", "reason": f"HTTP {response.status_code} from {url}"}
        wall.append(time.perf_counter() - started)
        cpu.append(_cpu_seconds() - started_cpu)
        size = len(response.content)
    cpu_summary = summary(cpu[1:])
    return {
        "status": "ok",
        "url": url,
        "bytes": size,
        "pages": len(PdfReader(io.BytesIO(response.content)).pages),
        "first_ms": round(wall[0] * 1000, 1),
        **summary(wall[1:]),
        "cpu_first_ms": round(cpu[0] * 1000, 1),
        "cpu_median_ms": cpu_summary["median_ms"],
        "load_average": _load_average(),
    }


def measure_pack(params):
    """The borough pack's figures (``time_pack``) with ``peak_rss_mib`` read right after it, and
    London's oversight pack under "london" (its ``peak_rss_mib`` is the process's peak so far)."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=PACK_USER))
    reps = params.get("reps", 3)
    result = time_pack(client, f"/boroughs/{bench_borough().slug}/board-pack.pdf", reps)
    result["peak_rss_mib"] = round(vm_hwm_kib() / 1024, 1)
    if result["status"] == "ok":
        london = time_pack(client, "/oversight/board-pack.pdf", reps)
        london["peak_rss_mib"] = round(vm_hwm_kib() / 1024, 1)
        result["london"] = london
    return result
