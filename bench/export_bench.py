"""The Excel export against its floor, and its peak memory.

The export is requested as the analyst through ``/export/actions.xlsx`` with no filter: every
action and every status update of the dataset. Its floor is the same cells — read back from the
exported workbook, so the rows are exactly the same — written from a Python list by the fastest
raw writer measured in the same process (XlsxWriter in constant-memory and in normal mode,
openpyxl write-only): each writer within 1.5× of the best in a trial pass is timed in every
repetition, interleaved with the export, and the floor is the one with the lowest median.
Peak memory is the process's high-water resident set (``VmHWM``) in a fresh process that does
nothing but one export.
"""

import gc
import io
import time

import openpyxl
import xlsxwriter
from django.contrib.auth import get_user_model
from django.test import Client

from bench.stats import summary

EXPORT_PATH = "/export/actions.xlsx"
EXPORT_USER = "analyst"


def vm_hwm_kib():
    """Peak resident set of this process in KiB (Linux ``VmHWM``; ru_maxrss elsewhere)."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _client():
    client = Client()
    client.force_login(get_user_model().objects.get(username=EXPORT_USER))
    return client


def export_once(client, sink=None):
    """One export through the whole stack; returns (seconds, bytes). Raises on a non-200."""
    started = time.perf_counter()
    response = client.get(EXPORT_PATH)
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code} from {EXPORT_PATH}")
    size = 0
    chunks = response.streaming_content if response.streaming else [response.content]
    for chunk in chunks:
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    response.close()
    return time.perf_counter() - started, size


def read_back(data):
    """Every sheet of a workbook as (name, rows of values)."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = []
        for ws in book.worksheets:
            ws.reset_dimensions()
            sheets.append((ws.title, [list(row) for row in ws.iter_rows(values_only=True)]))
        return sheets
    finally:
        book.close()


def _xlsxwriter(sheets, constant_memory):
    target = io.BytesIO()
    book = xlsxwriter.Workbook(target, {"constant_memory": constant_memory, "in_memory": not constant_memory})
    date_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for name, rows in sheets:
        ws = book.add_worksheet(name)
        write_string, write_number = ws.write_string, ws.write_number
        write_boolean, write_datetime = ws.write_boolean, ws.write_datetime
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    write_string(r, c, value)
                elif isinstance(value, bool):
                    write_boolean(r, c, value)
                elif isinstance(value, (int, float)):
                    write_number(r, c, value)
                else:
                    write_datetime(r, c, value, date_format)
    book.close()
    return target.tell()


def _openpyxl(sheets):
    target = io.BytesIO()
    book = openpyxl.Workbook(write_only=True)
    for name, rows in sheets:
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(target)
    return target.tell()


FLOOR_WRITERS = {
    "xlsxwriter_constant_memory": lambda sheets: _xlsxwriter(sheets, True),
    "xlsxwriter_in_memory": lambda sheets: _xlsxwriter(sheets, False),
    "openpyxl_write_only": _openpyxl,
}


def measure_export(params):
    reps = params.get("reps", 5)
    client = _client()
    try:
        sink = io.BytesIO()
        export_once(client, sink)  # warm-up, and the workbook whose cells the floor writes
    except Exception as exc:  # noqa: BLE001 — a missing or failing export is reported
        return {"status": "missing", "reason": f"{type(exc).__name__}: {exc}"[:500]}
    sheets = read_back(sink.getvalue())
    # The floor's copy of the cells (some 800,000 values) stays alive for the whole run: keep it
    # out of the garbage collector's sweeps, which would otherwise slow both sides for nothing.
    gc.collect()
    gc.freeze()
    rows = {name: len(values) - 1 for name, values in sheets}
    trial = {}  # one pass of each raw writer; those within 1.5× of the best are timed with the export
    for name, writer in FLOOR_WRITERS.items():
        started = time.perf_counter()
        writer(sheets)
        trial[name] = round((time.perf_counter() - started) * 1000, 1)
    best = min(trial.values())
    contenders = [name for name, ms in trial.items() if ms <= 1.5 * best]
    samples = {"export": [], **{name: [] for name in contenders}}
    for _ in range(reps):  # interleaved, so that noise falls on every side alike
        seconds, size = export_once(client)
        samples["export"].append(seconds)
        for name in contenders:
            started = time.perf_counter()
            FLOOR_WRITERS[name](sheets)
            samples[name].append(time.perf_counter() - started)
    writers = {name: summary(samples[name]) for name in contenders}
    fastest = min(writers, key=lambda name: writers[name]["median_ms"])
    gc.unfreeze()
    return {
        "status": "ok",
        "path": EXPORT_PATH,
        "bytes": size,
        "rows": rows,
        "cells": sum(len(row) for _, values in sheets for row in values),
        "export": summary(samples["export"]),
        "floor": {**writers[fastest], "writer": fastest},
        "floor_writers": writers,
        "floor_writers_trial_ms": trial,
    }


def measure_export_rss(params):
    client = _client()
    baseline = vm_hwm_kib()
    try:
        seconds, size = export_once(client)
    except Exception as exc:  # noqa: BLE001
        return {"status": "missing", "reason": f"{type(exc).__name__}: {exc}"[:500]}
    peak = vm_hwm_kib()
    return {
        "status": "ok",
        "seconds": round(seconds, 2),
        "bytes": size,
        "baseline_rss_mib": round(baseline / 1024, 1),
        "peak_rss_mib": round(peak / 1024, 1),
        "export_rss_mib": round((peak - baseline) / 1024, 1),
    }
