"""What an import of survey measures found: row errors, readings, notes and flagged moves."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from drivers.models import Measure

from ..file_problems import FileProblem
from ..models import Borough

PREVIEW_ROWS = 60
# A figure already held that would move by more than this many percentage points is flagged
# in the preview, and is only written when the import is confirmed with the moves accepted.
LARGE_MOVE_POINTS = Decimal(10)


class RowError(FileProblem):
    """One problem of a survey file: "Sheet, row 3, column B: … (expected …)"."""

    def __str__(self):
        where = f"{self.sheet}, row {self.row}" if self.row else self.sheet
        col = f", column {self.column}" if self.column else ""
        return f"{where}{col}: {self.problem} (expected {self.expected})"


@dataclass
class Change:
    """One reading of the file (value in percent, 0–100) and the figure held now, if any."""

    measure: Measure
    borough: Borough | None
    period_end: dt.date
    value: Decimal
    old_value: Decimal | None = None

    @property
    def where(self):
        return self.borough.name if self.borough else "London"

    @property
    def kind(self):
        if self.old_value is None:
            return "new"
        return "unchanged" if self.old_value == self.value else "updated"

    @property
    def move(self):
        """Points the held figure would move by (signed), or None for a new reading."""
        return None if self.old_value is None else self.value - self.old_value

    @property
    def is_large_move(self):
        return self.move is not None and abs(self.move) > LARGE_MOVE_POINTS

    def describe_move(self):
        return (
            f"{self.measure.name}, {self.where}, quarter ending {self.period_end:%d %b %Y}: "
            f"{self.old_value}% → {self.value}% ({self.move:+} points)"
        )


@dataclass
class MeasuresImportResult:
    """The outcome of ``import_measures``: nothing was written when ``errors`` is not empty.

    ``notes`` says how the file was read (separator, decimal comma, proportions converted,
    quarter labels); ``large_moves`` lists the held figures that would move by more than
    LARGE_MOVE_POINTS.
    """

    file_name: str
    layout: str = ""
    dry_run: bool = True
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    readings: list = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self):
        return not self.errors

    @property
    def preview(self):
        changed = [c for c in self.readings if c.kind != "unchanged"]
        return changed[:PREVIEW_ROWS]

    @property
    def large_moves(self):
        return [c for c in self.readings if c.is_large_move]

    @property
    def periods(self):
        return sorted({c.period_end for c in self.readings})

    @property
    def summary(self):
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.created} new readings {verb} added, {self.updated} {verb} updated, "
            f"{self.unchanged} already held the same figure."
        )
