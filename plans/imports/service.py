"""``import_plan``: the one entry point of plan import (upload page and ``manage.py import_plan``).

1. **The file** passes ``upload_safety.check_upload`` (type from the content, size, zip bombs,
   macros refused, a legacy .xls/.doc named for what it is) and is read by the reader of its
   format (``xlsx``, ``docx``, ``csvfile``) into one row stream, within the cell and row budgets.
2. **Layout and validation** (``layout``, ``validate``) turn the stream into planned actions;
   every problem is collected with its place; any problem means nothing is written.
3. **Preview** (``preview``) matches the existing plan and lists creations, changes and losses.
4. **Write** (``write``), in one transaction, unless a dry run.
"""

import hashlib
import logging

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from ..models import Pillar, Plan
from ..scope import scope_for
from ..upload_safety import CSV, DOCX, MAX_UPLOAD_BYTES, XLSX, UploadRejected, check_upload
from .csvfile import read_csv
from .docx import read_docx
from .layout import COLUMN_LABELS, REQUIRED, SheetParser, find_layout
from .preview import Differ
from .report import ImportReport
from .text import heading_key
from .validate import Validator
from .write import write
from .xlsx import read_xlsx

security_log = logging.getLogger("trustplan.security")
READERS = {XLSX: read_xlsx, DOCX: read_docx, CSV: read_csv}
FORMATS = (XLSX, DOCX, CSV)


def import_plan(*, borough, workbook_file, user, dry_run, filename="", clear_blanks=False):
    """Import (or, with ``dry_run``, preview) a plan file (.xlsx, .docx or .csv) into ``borough``.

    ``workbook_file`` is bytes, a path or a binary file object. ``clear_blanks``: a blank cell
    clears the plan's value (RAG to Not rated, owners, drivers, due date) instead of leaving it.
    Returns an ImportReport; raises PermissionDenied when the user may not edit the borough's plan.
    On any rejection or problem nothing is written. StaleVersion from ``apply_status_update``
    (someone saved an action while the import ran) rolls the whole import back and propagates.
    """
    if not scope_for(user).can_edit_borough(borough.pk):
        security_log.warning(
            "permission denied: user=%s tried to import a plan into borough=%s", user, borough.slug
        )
        raise PermissionDenied(f"You can only import plans into your own borough; not {borough}.")
    data = _read_bytes(workbook_file)
    name = str(filename or getattr(workbook_file, "name", "") or "")
    report = ImportReport(
        borough=borough,
        filename=name,
        sha256=hashlib.sha256(data).hexdigest(),
        dry_run=dry_run,
        clear_blanks=clear_blanks,
    )
    try:
        upload = check_upload(name or "plan.xlsx", data, kinds=FORMATS)
        report.kind = upload.kind
        sheets, notes, report.rows_read = READERS[upload.kind](upload.data, upload.name)
    except UploadRejected as exc:
        report.rejected = str(exc)
        _log(report, user)
        return report
    report.notes.extend(notes)
    rows = layout_rows(sheets, report)
    plan = Plan.objects.filter(borough=borough).first()
    planned = Validator(borough, report).run(rows)
    if report.ok:
        Differ(planned, plan, borough, report).run()
    if report.ok and not dry_run:
        try:
            with transaction.atomic():
                write(planned, plan, borough, report, user)
        except IntegrityError:
            report.add("", None, "", "The plan could not be saved; nothing was imported", "a consistent plan")
        else:
            report.applied = True
    _log(report, user)
    return report


def _read_bytes(source):
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if isinstance(source, str) or hasattr(source, "__fspath__"):
        with open(source, "rb") as handle:
            return handle.read(MAX_UPLOAD_BYTES + 1)
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read(MAX_UPLOAD_BYTES + 1)


def _log(report, user):
    outcome = "applied" if report.applied else ("dry-run" if report.ok else "refused")
    security_log.info(
        "plan import %s: user=%s borough=%s file=%s sha256=%s rows=%s problems=%s created=%s changed=%s%s",
        outcome,
        user,
        report.borough.slug,
        report.filename,
        report.sha256[:16],
        report.rows_read,
        len(report.problems),
        len(report.created),
        len(report.changed),
        f" rejected={report.rejected}" if report.rejected else "",
    )


def layout_rows(sheets, report):
    """The Rows of every sheet that has a plan layout; problems for a file with none."""
    pillars = {}
    for pillar in Pillar.objects.all():
        pillars[heading_key(pillar.name)] = pillar.name
        pillars[pillar.slug.lower()] = pillar.name
    rows, any_layout = [], False
    for sheet in sheets:
        layout = find_layout(sheet) if sheet.rows else None
        if layout is None:
            continue
        any_layout = True
        missing = [k for k in REQUIRED if k not in layout.columns]
        if missing:
            header = next(r for r in sheet.rows if r.seq == layout.header_seq)
            names = ", ".join(COLUMN_LABELS[k] for k in missing)
            report.add(
                header.sheet,
                header.number,
                names,
                f"Missing column(s): {names}",
                "columns Action, Owners and RAG (see the template)",
            )
            continue
        rows.extend(SheetParser(sheet, layout, pillars, report).parse())
    if not any_layout:
        where = sheets[0].name if sheets else ""
        report.add(
            where,
            None,
            "",
            "No row of column headings was found",
            "a heading row with Action, Owners and RAG (and Pillar, Objective or heading rows), "
            "as in the template",
        )
    elif not rows and report.ok:
        report.add("", None, "", "The file has no actions", "at least one row with an action")
    return rows
