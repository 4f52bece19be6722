"""Plan import against its floor.

The workbook is generated in the layout of the documented template (``plans.imports``
``TEMPLATE_COLUMNS``: Pillar, Objective, Action, Owners, Drivers, RAG, Due date, Complete,
Commentary on a "Plan" sheet), with ``actions`` rows over 30 objectives. Each run imports it for
real (not a dry run) as the administrator into a new borough, inside a transaction that is rolled
back afterwards, so every run does the same work. The floor is a bare openpyxl pass over the
same bytes that honours merged cells as the import does: openpyxl reads merged ranges only when
not read-only, so the floor loads the workbook in full, then visits every cell of every row of
every sheet and fills each merged range's value into the cells it spans.
"""

import datetime as dt
import io
import random
import time

import openpyxl
import xlsxwriter
from django.contrib.auth import get_user_model
from django.db import transaction

from bench.stats import summary

OBJECTIVES = {
    "More Trust": [
        "Engage with communities with lower trust",
        "Provide a better service to victims",
        "Improve communication",
        "Be transparent and open to feedback",
    ],
    "Less Crime": [
        "Visible policing in high crime areas",
        "Target repeat and high harm offenders",
        "Increase detection rates for priority crimes",
    ],
    "Higher Standards": [
        "Visible, approachable leadership",
        "Hold ourselves accountable",
        "Trained and equipped staff",
    ],
}
OWNERS = [
    "Supt Neighbourhoods",
    "Chief Inspector Response",
    "Comms Team",
    "Engagement Team",
    "Town Centre Team",
    "Professional Standards Unit",
    "Schools Team",
    "DCI Investigations",
]
RAG_WORDS = ["Green", "GREEN", "Amber", "amber", "Red", "", "Complete"]


def plan_workbook(actions, driver_slugs, seed=8):
    """A plan workbook of ``actions`` rows in the template layout, as bytes."""
    from plans.imports import TEMPLATE_COLUMNS

    rng = random.Random(seed)
    objectives = [
        (pillar, f"{n}. {title} ({block})")
        for block in range(1, 4)
        for pillar, titles in OBJECTIVES.items()
        for n, title in enumerate(titles, start=(block - 1) * len(titles) + 1)
    ]
    target = io.BytesIO()
    book = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    ws = book.add_worksheet("Plan")
    for c, (name, _width, _help) in enumerate(TEMPLATE_COLUMNS):
        ws.write_string(0, c, name)
    for r in range(1, actions + 1):
        pillar, objective = objectives[(r - 1) * len(objectives) // actions]
        rag = rng.choice(RAG_WORDS)
        owners = " and ".join(rng.sample(OWNERS, rng.choice([1, 1, 2])))
        drivers = "; ".join(sorted(set(rng.choices(driver_slugs, k=rng.randint(1, 3)))))
        ws.write_string(r, 0, pillar)
        ws.write_string(r, 1, objective)
        ws.write_string(
            r, 2, f"Action {r}: quarterly ward panel meetings and follow-up in sector {r % 40 + 1}"
        )
        ws.write_string(r, 3, owners)
        ws.write_string(r, 4, drivers)
        if rag:
            ws.write_string(r, 5, rag)
        if rng.random() < 0.6:
            ws.write_datetime(r, 6, dt.date(2027, 1, 1) + dt.timedelta(days=rng.randint(0, 540)), date)
        ws.write_string(r, 7, "Yes" if rag == "Complete" else "No")
        if rag:
            ws.write_string(
                r, 8, f"Reviewed at the monthly meeting: rated {rag or 'not rated'} with the owner."
            )
    book.close()
    return target.getvalue()


def bare_pass(data):
    """Every row of every sheet, merged ranges filled; returns the number of rows."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    count = 0
    for ws in book.worksheets:
        for merged in ws.merged_cells.ranges:
            value = ws.cell(merged.min_row, merged.min_col).value
            for row in ws.iter_rows(min_row=merged.min_row, max_row=merged.max_row):
                row[merged.min_col - 1].value = value
        for _row in ws.iter_rows(values_only=True):
            count += 1
    book.close()
    return count


def import_once(data, user, number, filename="bench.xlsx"):
    """Import into a new borough and roll everything back; returns (seconds, report)."""
    from plans.imports import import_plan
    from plans.models import BCU, Borough

    with transaction.atomic():
        borough = Borough.objects.create(
            name=f"Benchmark import borough {number}",
            slug=f"benchmark-import-{number}",
            ons_code=f"B{number:08d}",
            bcu=BCU.objects.order_by("pk").first(),
            is_synthetic=True,
        )
        started = time.perf_counter()
        report = import_plan(borough=borough, workbook_file=data, user=user, dry_run=False, filename=filename)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, report


def driver_slugs():
    """Slugs that are no driver's name too, so that each names one driver unambiguously."""
    from drivers.models import Driver

    drivers = list(Driver.objects.values_list("slug", "name"))
    names = {" ".join(name.split()).casefold() for _, name in drivers}
    return sorted({slug for slug, _ in drivers if slug.casefold() not in names})


def measure_import(params):
    try:
        import plans.imports  # noqa: F401
    except ImportError as exc:
        return {"status": "missing", "reason": f"plans.imports is not available yet ({exc})"}

    reps, actions = params.get("reps", 5), params.get("actions", 2000)
    data = plan_workbook(actions, driver_slugs())
    user = get_user_model().objects.get(username="admin")
    seconds, report = import_once(data, user, 0)  # warm-up, and the check that it imports
    if not report.applied:
        problems = "; ".join(str(p) for p in report.problems[:5]) or report.rejected
        return {"status": "error", "reason": f"the workbook was not imported: {problems}"[:800]}
    samples = {"import": [], "floor": []}
    for number in range(1, reps + 1):
        started = time.perf_counter()
        rows = bare_pass(data)
        samples["floor"].append(time.perf_counter() - started)
        samples["import"].append(import_once(data, user, number)[0])
    return {
        "status": "ok",
        "actions": actions,
        "bytes": len(data),
        "rows": rows,
        "created": len(report.created),
        "import": summary(samples["import"]),
        "floor": summary(samples["floor"]),
    }
