"""The documented plan-import template workbook (``/import/template.xlsx``)."""

import datetime as dt

from drivers.models import Driver

from ..marking import mark_workbook
from ..models import Pillar
from ..upload_safety import MAX_ROWS
from ..upload_safety import MAX_UPLOAD_BYTES as MAX_BYTES

TEMPLATE_COLUMNS = [
    (
        "Pillar",
        16,
        "More Trust, Less Crime or Higher Standards. Or leave the column out and put pillar "
        "heading rows above the actions.",
    ),
    ("Objective", 40, "'1. Title' (number and title), or the title alone. Or objective heading rows."),
    ("Action", 60, "The action's text. Re-importing matches actions by this text within their objective."),
    (
        "Owners",
        30,
        "One cell, several owners: 'Supt Brockway and Chief Inspector Barnes', or separated by ';'.",
    ),
    (
        "Drivers",
        30,
        "Confidence drivers by name (as the export writes them) or slug, separated by ';' (see Reference).",
    ),
    (
        "RAG",
        11,
        "Red, Amber, Green, Complete or blank (Not rated), any case; or fill the cell red/amber/green.",
    ),
    ("Due date", 12, "A date (optional)."),
    ("Complete", 10, "Yes or No (optional)."),
    ("Commentary", 50, "Why the RAG is what it is (optional; recorded with any RAG change)."),
]


def build_template(target):
    """Write the documented plan-import template workbook into ``target``."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False})
    header = workbook.add_format({"bold": True, "bg_color": "#e8e8e8", "bottom": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    bold = workbook.add_format({"bold": True})
    _plan_sheet(workbook, header, wrap, date)
    _instructions_sheet(workbook, wrap, bold)
    _reference_sheet(workbook, header)
    mark_workbook(workbook)
    workbook.close()


def _plan_sheet(workbook, header, wrap, date):
    """The Plan sheet: the columns, two example rows, RAG colours and a Yes/No list."""
    from ..choices import STATUS_STYLE, Status

    plan = workbook.add_worksheet("Plan")
    for index, (name, width, _help) in enumerate(TEMPLATE_COLUMNS):
        plan.set_column(index, index, width)
        plan.write_string(0, index, name, header)
    plan.freeze_panes(1, 0)
    examples = [
        (
            "More Trust",
            "1. Engage with communities with lower trust",
            "Quarterly ward panel meetings in each sector",
            "Supt Example and Comms Team",
            "Police local engagement & fair treatment",
            "Green",
            dt.date(2026, 3, 31),
            "No",
            "",
        ),
        (
            "More Trust",
            "1. Engage with communities with lower trust",
            "Publish stop and search data with commentary",
            "CI Example",
            "accountability; information-provision",
            "amber",
            None,
            "No",
            "Data sharing agreement awaited from the council.",
        ),
    ]
    for r, values in enumerate(examples, start=1):
        for c, value in enumerate(values):
            if isinstance(value, dt.date):
                plan.write_datetime(r, c, value, date)
            elif value:
                plan.write_string(r, c, value, wrap if c in (1, 2, 8) else None)
    for status in Status:
        style = STATUS_STYLE[status]
        fmt = workbook.add_format({"bg_color": style["bg"], "font_color": style["fg"], "bold": True})
        plan.conditional_format(
            1,
            5,
            MAX_ROWS,
            5,
            {"type": "text", "criteria": "begins with", "value": status.label, "format": fmt},
        )
    plan.data_validation(1, 7, MAX_ROWS, 7, {"validate": "list", "source": ["Yes", "No"]})
    plan.autofilter(0, 0, len(examples), len(TEMPLATE_COLUMNS) - 1)


def _instructions_sheet(workbook, wrap, bold):
    notes = workbook.add_worksheet("Instructions")
    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 100, wrap)
    lines = [
        (
            "How to use",
            "Replace the two example rows on the Plan sheet with your plan, one row per action. Upload "
            "it on your borough's Import page (or run manage.py import_plan). You will see a preview of "
            "what will be created, changed and left alone before anything is saved.",
        ),
        (
            "All or nothing",
            "If any row has a problem, nothing is imported and you get a list of every problem with its "
            "sheet, row and column.",
        ),
        (
            "Re-importing",
            "Importing the same workbook again updates the plan in place: actions are matched by their "
            "text within their objective. A changed RAG becomes a status update by you; actions missing "
            "from the workbook are left alone, never deleted. A blank cell leaves the plan's value as "
            "it is (unless you ask for blanks to clear); the preview lists anything that would be lost.",
        ),
        (
            "Other layouts",
            "Pillars and objectives may be heading rows instead of columns ('More Trust' on a row of "
            "its own, then '1. Engage with communities…'). Blank cells under a merged Pillar or "
            "Objective cell take the value above. Column headings are recognised in common wordings "
            "(Action owner, RAG Rating, Status …).",
        ),
        (
            "Limits",
            f"An Excel workbook (.xlsx), a Word document (.docx) with the plan in tables, or a CSV "
            f"file; at most {MAX_BYTES // (1024 * 1024)} MB and {MAX_ROWS:,} rows with data. Formulas "
            "are not evaluated: paste values instead. Macro-enabled files (.xlsm) are refused.",
        ),
    ]
    lines += [(name, text) for name, _w, text in TEMPLATE_COLUMNS]
    for r, (name, text) in enumerate(lines):
        notes.write_string(r, 0, name, bold)
        notes.write_string(r, 1, text, wrap)


def _reference_sheet(workbook, header):
    """Pillars, drivers (name, slug, framework) and RAG words, as the import reads them."""
    reference = workbook.add_worksheet("Reference")
    for index, (name, width) in enumerate([("Kind", 12), ("Name", 50), ("Slug", 30), ("Framework", 50)]):
        reference.set_column(index, index, width)
        reference.write_string(0, index, name, header)
    r = 1
    for pillar in Pillar.objects.order_by("order"):
        for c, value in enumerate(("Pillar", pillar.name, pillar.slug, "")):
            reference.write_string(r, c, value)
        r += 1
    for driver in Driver.objects.select_related("framework"):
        for c, value in enumerate(("Driver", driver.name, driver.slug, driver.framework.name)):
            reference.write_string(r, c, value)
        r += 1
    for word in ("Red", "Amber", "Green", "Complete", "Not rated (blank)"):
        reference.write_string(r, 0, "RAG")
        reference.write_string(r, 1, word)
        r += 1
    reference.freeze_panes(1, 0)
