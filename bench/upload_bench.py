"""Plan import from Word against its floor, and the bounds of the upload limits.

``measure_import_docx``: a plan of ``actions`` actions as a Word document (pillar heading
paragraphs, one table per objective with a numbered header row, RAG as a word and a shading),
imported for real into a new borough inside a rolled-back transaction; the floor is a bare
python-docx pass over the same bytes: open the document, every cell's text of every table row.

``measure_upload``: one generated file (``UPLOADS``) imported in a fresh process; reports the
outcome (accepted or refused, and the message), the seconds it took and the process's peak
resident memory (VmHWM) with its baseline. Files the limits accept must stay under 300 MiB;
files they refuse must be refused in under 5 s.
"""

import io
import random
import time
import zipfile

import xlsxwriter
from django.contrib.auth import get_user_model

from bench.export_bench import vm_hwm_kib
from bench.import_bench import OBJECTIVES, OWNERS, driver_slugs, import_once, plan_workbook
from bench.stats import summary

RAG_SHADES = [("Green", "00B050"), ("Amber", "FFC000"), ("Red", "FF0000"), ("", "")]


def plan_docx(actions, seed=8):
    """A Word plan of ``actions`` actions over the ten objectives, as bytes."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rng = random.Random(seed)
    document = Document()
    document.add_paragraph("Trust and Confidence Plan: introduction text, not part of the plan.")
    per_objective = max(1, actions // sum(len(t) for t in OBJECTIVES.values()))
    made = 0
    for pillar, titles in OBJECTIVES.items():
        document.add_paragraph(f"{pillar}:")
        for number, title in enumerate(titles, start=1):
            table = document.add_table(rows=0, cols=4)
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text, cells[3].text = (
                str(number),
                title,
                "Action owner",
                "RAG",
            )
            count = per_objective if made + per_objective <= actions else actions - made
            for _ in range(count):
                made += 1
                word, fill = rng.choice(RAG_SHADES)
                cells = table.add_row().cells
                cells[
                    1
                ].text = f"Action {made}: quarterly ward panel meetings and follow-up in sector {made % 40}"
                cells[2].text = " and ".join(rng.sample(OWNERS, rng.choice([1, 1, 2])))
                cells[3].text = word
                if fill:
                    shd = OxmlElement("w:shd")
                    shd.set(qn("w:val"), "clear")
                    shd.set(qn("w:fill"), fill)
                    cells[3]._tc.get_or_add_tcPr().append(shd)
    target = io.BytesIO()
    document.save(target)
    return target.getvalue()


def bare_docx_pass(data):
    from docx import Document

    document = Document(io.BytesIO(data))
    count = 0
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                count += len(cell.text)
    return count


def measure_import_docx(params):
    reps, actions = params.get("reps", 3), params.get("actions", 2000)
    data = plan_docx(actions)
    user = get_user_model().objects.get(username="admin")
    seconds, report = import_once(data, user, 0, filename="bench.docx")
    if not report.applied:
        problems = "; ".join(str(p) for p in report.problems[:5]) or report.rejected
        return {"status": "error", "reason": f"the document was not imported: {problems}"[:800]}
    samples = {"import": [], "floor": []}
    for number in range(1, reps + 1):
        started = time.perf_counter()
        bare_docx_pass(data)
        samples["floor"].append(time.perf_counter() - started)
        samples["import"].append(import_once(data, user, number, filename="bench.docx")[0])
    return {
        "status": "ok",
        "actions": actions,
        "bytes": len(data),
        "import": summary(samples["import"]),
        "floor": summary(samples["floor"]),
    }


# --- the upload limits ---------------------------------------------------------------------------


def _dense_sheet(rows, columns):
    """A workbook of ``rows`` x ``columns`` short text cells (constant memory)."""
    target = io.BytesIO()
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False})
    ws = book.add_worksheet("Plan")
    for c, name in enumerate(
        ["Pillar", "Objective", "Action", "Owners", "RAG"] + [f"Note {n}" for n in range(columns)]
    ):
        ws.write_string(0, c, name)
    for r in range(1, rows + 1):
        ws.write_string(r, 0, "More Trust")
        ws.write_string(r, 1, f"{r % 9 + 1}. Objective {r % 9 + 1}")
        ws.write_string(r, 2, f"Action {r}")
        ws.write_string(r, 3, "CI Example")
        ws.write_string(r, 4, "Green")
        for c in range(columns):
            ws.write_number(r, 5 + c, r * c)
    book.close()
    return target.getvalue()


def _formatted_to_last_row():
    """Three actions, then empty formatted rows down to row 1,048,576 (the case 05 kind)."""
    head = ["Pillar", "Objective", "Action", "Owners", "RAG"]
    body = [["More Trust", "1. Engage", f"Action {n}", "CI Example", "Green"] for n in range(1, 4)]
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values) + "</row>"
        for r, values in enumerate([head, *body], start=1)
    )
    rows += "".join(f'<row r="{r}" s="1" customFormat="1"/>' for r in range(5, 1_048_577))
    return _workbook_with_sheet(rows)


def _workbook_with_sheet(sheet_data, *, doctype=""):
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "xl/workbook.xml": (
            f'<workbook {ns} {rel_ns}><sheets><sheet name="Plan" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f"{doctype}<worksheet {ns}><sheetData>{sheet_data}</sheetData></worksheet>"
        ),
    }
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return target.getvalue()


def _billion_laughs():
    entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10))
    return _workbook_with_sheet(
        '<row r="1"><c t="inlineStr"><is><t>&a9;</t></is></c></row>', doctype=f"<!DOCTYPE w [{entities}]>"
    )


def _zip_bomb():
    return _workbook_with_sheet("<row/>" * 2 + " " * (64 * 1024 * 1024))


def _wide_csv():
    line = ",".join(["More Trust", "1. Engage", "Ward panels", "CI Example", "Green"] + ["12345"] * 300)
    text = "Pillar,Objective,Action,Owners,RAG" + ",x" * 300 + "\n" + (line + "\n") * 6000
    return text.encode()[: 10 * 1024 * 1024 - 1]


# name: (what it is, maker, file name, expected outcome)
UPLOADS = {
    "plan_20000_rows": (
        "20,000 actions x 9 columns (within the limits)",
        lambda: plan_workbook(19_999, driver_slugs()),
        "big.xlsx",
        "accepted",
    ),
    "formatted_to_1048576": (
        "3 actions, rows formatted to 1,048,576",
        _formatted_to_last_row,
        "formatted.xlsx",
        "accepted",
    ),
    "docx_2000": ("a 2,000-action Word plan", lambda: plan_docx(2000), "plan.docx", "accepted"),
    "cells_over_budget": (
        "20,000 rows x 45 columns: over the cell budget",
        lambda: _dense_sheet(19_000, 40),
        "wide.xlsx",
        "refused",
    ),
    "wide_csv": ("a 10 MB CSV of 300 columns", _wide_csv, "wide.csv", "refused"),
    "zip_bomb": ("64 MB of XML in a small zip", _zip_bomb, "bomb.xlsx", "refused"),
    "billion_laughs": ("nested XML entities", _billion_laughs, "laughs.xlsx", "refused"),
}


def measure_upload(params):
    """Import one generated file of ``UPLOADS`` (``params["file"]``) and report time and memory."""
    what, make, name, expected = UPLOADS[params["file"]]
    data = make()
    user = get_user_model().objects.get(username="admin")
    baseline = vm_hwm_kib()
    seconds, report = import_once(data, user, 0, filename=name)
    peak = vm_hwm_kib()
    outcome = "accepted" if report.ok else "refused"
    return {
        "status": "ok",
        "what": what,
        "bytes": len(data),
        "expected": expected,
        "outcome": outcome,
        "message": (report.rejected or "; ".join(str(p) for p in report.problems[:2]))[:300],
        "seconds": round(seconds, 2),
        "baseline_rss_mib": round(baseline / 1024, 1),
        "peak_rss_mib": round(peak / 1024, 1),
    }
