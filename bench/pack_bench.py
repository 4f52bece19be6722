"""The borough board pack (PDF) at London scale: seconds per pack and the process's peak memory.

Targets (bench/report.py: PACK_SECONDS, PACK_PEAK_MIB): a borough pack at London scale in ≤ 5 s
and ≤ 400 MiB. Run in a fresh process
(``python -m bench.worker pack``) so the peak resident set (``VmHWM``) is the pack's own.
"""

import time

from django.contrib.auth import get_user_model
from django.test import Client

from bench.build import bench_borough
from bench.export_bench import vm_hwm_kib
from bench.stats import summary

PACK_USER = "analyst"


def measure_pack(params):
    """{"status", "borough", "pages", "bytes", "median_ms", …, "peak_rss_mib"}; the first pack
    (fonts and templates loading) is timed apart as ``first_ms``."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=PACK_USER))
    url = f"/boroughs/{bench_borough().slug}/board-pack.pdf"
    samples, size = [], 0
    for _ in range(1 + params.get("reps", 3)):
        started = time.perf_counter()
        response = client.get(url)
        if response.status_code != 200:
            return {"status": "missing", "reason": f"HTTP {response.status_code} from {url}"}
        samples.append(time.perf_counter() - started)
        size = len(response.content)
    return {
        "status": "ok",
        "url": url,
        "bytes": size,
        "pages": response.content.count(b"/Type /Page\n") or response.content.count(b"/Type /Page"),
        "first_ms": round(samples[0] * 1000, 1),
        **summary(samples[1:]),
        "peak_rss_mib": round(vm_hwm_kib() / 1024, 1),
    }
