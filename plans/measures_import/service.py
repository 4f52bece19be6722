"""``import_measures``: check a survey-measures file and, unless it is a dry run, write it."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ..models import MeasureReading
from ..scope import IMPORT_MEASURES, may
from ..upload_safety import CSV, UploadRejected, open_workbook, read_upload, sheet_rows
from .dialect import read_csv_table
from .reader import KNOWN_COLUMNS, Formula, Reader
from .results import LARGE_MOVE_POINTS, MeasuresImportResult, RowError

security_log = logging.getLogger("trustplan.security")
MOPAC_SHEET = "Borough"


def can_import_measures(user):
    """Analysts and administrators may import survey measures (plans.scope, IMPORT_MEASURES)."""
    return may(user, IMPORT_MEASURES)


def import_measures(*, file, user, dry_run, accept_large_moves=False):
    """Check and (unless ``dry_run``) write the readings of ``file``. All or nothing.

    ``file`` is a Django UploadedFile, an open binary file or a path; ``user`` is the person
    importing (analyst or administrator), or None for the command line. Returns a
    MeasuresImportResult; ``result.errors`` lists every problem found, and when it is not empty
    nothing was written. A held figure that would move by more than 10 points is listed in
    ``result.large_moves``; writing it needs ``accept_large_moves=True``, otherwise each such
    move is an error and nothing is written. Raises PermissionDenied for a user who may not import.
    """
    if user is not None and not can_import_measures(user):
        security_log.warning("permission denied: user=%s import survey measures", user)
        raise PermissionDenied("Only analysts and administrators can import survey measures.")
    name = getattr(file, "name", None) or str(file)
    result = MeasuresImportResult(file_name=str(name).replace("\\", "/").rsplit("/", 1)[-1], dry_run=dry_run)
    try:
        upload = read_upload(file)
        result.file_name = upload.name
        sheet_name, rows, notes = _table(upload)
    except UploadRejected as exc:
        result.errors.append(
            RowError(result.file_name, None, "", str(exc), "a .xlsx or .csv file within the limits")
        )
        return result
    reader = Reader(sheet_name)
    changes = reader.read(rows)
    result.layout = reader.layout
    result.notes = notes + reader.notes
    result.errors.extend(reader.errors)
    if result.errors:
        return result
    _compare_with_existing(changes)
    result.readings = changes
    result.created = sum(1 for c in changes if c.kind == "new")
    result.updated = sum(1 for c in changes if c.kind == "updated")
    result.unchanged = sum(1 for c in changes if c.kind == "unchanged")
    if not dry_run and result.large_moves and not accept_large_moves:
        result.errors.extend(_refused_move(result.file_name, c) for c in result.large_moves)
        return result
    if not dry_run:
        _write(changes, user=user, source=f"Imported from {result.file_name}")
    return result


def _refused_move(file_name, change):
    return RowError(
        file_name,
        None,
        "",
        f"{change.describe_move()}: a move of more than {LARGE_MOVE_POINTS} points.",
        "the moves checked in the preview and accepted (--accept-large-moves on the command line)",
    )


def _table(upload):
    """(sheet name, list of rows of plain values, notes on how the file was read)."""
    if upload.kind == CSV:
        table = read_csv_table(upload, KNOWN_COLUMNS)
        notes = [] if table.separator == "," else [f"Columns were separated by a {table.separator_name}."]
        return upload.name, table.rows, notes
    workbook = open_workbook(upload)
    try:
        names = workbook.sheetnames
        chosen = next((n for n in names if n.strip().lower() == MOPAC_SHEET.lower()), names[0])
        sheet = workbook[chosen]
        rows = [[_cell_value(c) for c in row] for row in sheet_rows(upload, sheet)]
    finally:
        workbook.close()
    return chosen, rows, []


def _cell_value(cell):
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")):
        return Formula(value)
    return value


def _compare_with_existing(changes):
    if not changes:
        return
    measure_ids = {c.measure.pk for c in changes}
    periods = {c.period_end for c in changes}
    existing = {
        (m, b, p): v
        for m, b, p, v in MeasureReading.objects.filter(
            measure_id__in=measure_ids, period_end__in=periods
        ).values_list("measure_id", "borough_id", "period_end", "value")
    }
    for change in changes:
        key = (change.measure.pk, change.borough.pk if change.borough else None, change.period_end)
        if key in existing:
            change.old_value = existing[key].quantize(change.value)


def _write(changes, *, user, source):
    new = [
        MeasureReading(
            measure=c.measure,
            borough=c.borough,
            period_end=c.period_end,
            value=c.value,
            source=source,
            imported_by=user,
        )
        for c in changes
        if c.kind == "new"
    ]
    updated = [c for c in changes if c.kind == "updated"]
    with transaction.atomic():
        MeasureReading.objects.bulk_create(new, batch_size=2000)
        for c in updated:
            MeasureReading.objects.filter(
                measure=c.measure, borough=c.borough, period_end=c.period_end
            ).update(value=c.value, source=source, imported_by=user)
