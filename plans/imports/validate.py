"""Validate the Rows of a file against the reference data: one ``PlannedAction`` per row.

Every problem is added to the report with its place (sheet/table, row, column) and what was
expected; the caller writes nothing when there is any. What a row does not say stays unsaid:
a blank RAG cell gives ``rag=None`` with ``rag_blank`` set, a blank Owners cell ``owners_given``
False, so that a re-import leaves the plan's values alone (``preview``).
"""

import calendar
import colorsys
import datetime as dt
import re
from dataclasses import dataclass, field

from drivers.models import Driver

from ..choices import RAG, parse_rag
from ..models import Borough
from ..models.plan import TEXT_LIMIT
from ..owners import parse_owners
from .text import FOLD, heading_key, match_key, shown

COMPLETE_WORDS = {"complete", "completed", "done", "blue"}
_MONTH_FORMATS = ("%B %Y", "%b %Y", "%b-%Y", "%B-%Y", "%m/%Y", "%b %y", "%B %y", "%b-%y")
_DAY_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d.%m.%Y",
)


def colour_to_rag(hex_colour):
    """Classify a cell fill: red, amber, green, "complete" (blue), not rated (white/grey) or None."""
    if hex_colour == "theme":
        return None
    try:
        r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return None
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    if s < 0.15:
        return RAG.NOT_RATED if v > 0.6 else None  # white or grey: not rated
    hue = h * 360
    if hue < 20 or hue >= 330:
        return RAG.RED
    if hue < 70:
        return RAG.AMBER
    if hue < 170:
        return RAG.GREEN
    if 180 <= hue < 260:
        return "complete"
    return None


def parse_due(value):
    """A due date from a date cell or text. Returns (date or None, month_only).

    A month alone ("November 2026", "Mar 2027", "11/2026") means the month's last day, since an
    action due in a month is not overdue during it. Raises ValueError for anything else.
    """
    if value is None or value == "":
        return None, False
    if isinstance(value, dt.datetime):
        return value.date(), False
    if isinstance(value, dt.date):
        return value, False
    text = match_key(value).replace("sept ", "sep ")
    for fmt in _DAY_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date(), False
        except ValueError:
            continue
    for fmt in _MONTH_FORMATS:
        try:
            first = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return first.replace(day=calendar.monthrange(first.year, first.month)[1]), True
    raise ValueError(text)


@dataclass
class PlannedAction:
    row: object  # layout.Row
    objective_key: tuple
    rag: str | None  # None: the row states no RAG (blank, or only "Complete")
    completed: bool | None  # None: the row does not say
    due: object
    owner_keys: list
    driver_ids: list
    rag_blank: bool = False
    existing: object = None  # the matched Action
    position: int = 1
    status_fields: dict = field(default_factory=dict)
    replace_owners: bool = False  # set by the preview: the row (or clear_blanks) replaces the owners
    replace_drivers: bool = False

    @property
    def new_rag(self):
        return self.rag or (RAG.GREEN if self.completed else RAG.NOT_RATED)

    @property
    def owners_given(self):
        return self.row.has_owners_col and bool(self.row.owners)

    @property
    def drivers_given(self):
        return self.row.has_drivers_col and bool(self.row.drivers)


_INITIALS = re.compile(r"\b((?:[A-Za-z]\.){2,})(?=\s|$)")


def owner_text(cell):
    """An owners cell with dotted ranks undotted ("C.I. Example" -> "CI Example") and typographic
    quotes and dashes made plain, so that one person written differently is one owner."""
    text = _INITIALS.sub(lambda m: m.group(1).replace(".", ""), cell or "")
    return text.translate(FOLD)


def split_list(cell):
    return [part.strip() for part in re.split(r"[;\n]|,(?![^()]*\))", cell or "") if part.strip()]


class Validator:
    """Checks rows one by one; ``planned`` holds the result, ``report`` the problems."""

    def __init__(self, borough, report):
        self.borough, self.report = borough, report
        self.by_name, self.by_slug, self.ambiguous = {}, {}, set()
        for driver in Driver.objects.select_related("framework"):
            self.by_slug[driver.slug.lower()] = driver
            name = match_key(driver.name)
            if name in self.by_name and self.by_name[name].pk != driver.pk:
                self.ambiguous.add(name)
            self.by_name[name] = driver
        self.boroughs = {}
        for b in Borough.objects.all():
            for key in (
                b.name,
                b.slug,
                b.ons_code,
                f"london borough of {b.name}",
                b.name.replace(" and ", " & "),
            ):
                self.boroughs[heading_key(key)] = b
        self.named_boroughs, self.owner_cells, self.seen, self.titles = {}, {}, {}, {}
        self.planned = []

    def add(self, row, column, problem, expected):
        self.report.add(row.sheet, row.row, column, problem, expected)

    def run(self, rows):
        for row in rows:
            self.check_place(row)
            rag, completed = self.rag(row)
            due = self.due(row)
            owners = self.owner_cells.get(row.owners)
            if owners is None:  # the same few owner cells repeat down a plan
                owners = self.owner_cells[row.owners] = parse_owners(owner_text(row.owners))
            if row.has_owners_col and not owners:
                self.report.notes.append(f"{row.sheet} row {row.row}: no owner named.")
            self.check_duplicate(row)
            self.planned.append(
                PlannedAction(
                    row=row,
                    objective_key=(row.pillar, row.objective_number, match_key(row.objective_title)),
                    rag=rag,
                    completed=completed,
                    due=due,
                    owner_keys=owners,
                    driver_ids=list(dict.fromkeys(self.drivers(row))),
                    rag_blank=not row.rag and not row.rag_colour,
                )
            )
        self.check_plan_wide(rows)
        return self.planned

    def check_place(self, row):
        if row.borough:
            found = self.boroughs.get(heading_key(row.borough))
            if not found:
                self.add(
                    row,
                    "Borough",
                    f"Unknown borough '{shown(row.borough)}'",
                    "a London borough's name or ONS code",
                )
            else:
                self.named_boroughs.setdefault(found.pk, found)
        if not row.pillar:
            self.add(
                row,
                "Pillar",
                "No pillar for this action",
                "a Pillar column or a pillar heading above (e.g. 'More Trust')",
            )
        if not row.objective_title:
            self.add(
                row,
                "Objective",
                "No objective for this action",
                "an Objective column or an objective heading above (e.g. '1. Engage with …')",
            )
        if len(row.text) > TEXT_LIMIT:
            self.add(
                row, "Action", f"Too long ({len(row.text)} characters)", f"at most {TEXT_LIMIT} characters"
            )

    def rag(self, row):
        """(rag or None, completed or None) from the RAG word and/or fill; disagreements are errors."""
        shade = self.shade(row)
        if row.rag and match_key(row.rag) in COMPLETE_WORDS or not row.rag and shade == "complete":
            self.completion_agrees(row)
            return None, True
        word = None
        if row.rag:
            try:
                word = parse_rag(row.rag)
            except ValueError:
                self.add(
                    row,
                    "RAG",
                    f"'{shown(row.rag)}' is not a RAG rating",
                    "Red, Amber, Green, Complete or blank (Not rated), in any case",
                )
                return None, row.completed
        if word and shade in (RAG.RED, RAG.AMBER, RAG.GREEN) and shade != word:
            self.word_against_shading(row, shade)
        return word or (shade if shade not in (None, "complete") else None), row.completed

    def shade(self, row):
        """The RAG of the cell's fill (a RAG value, "complete" or None); a fill that is no RAG
        colour, with no word beside it, is an error."""
        shade = colour_to_rag(row.rag_colour) if row.rag_colour else None
        if row.rag_colour and not row.rag and shade is None:
            self.add(
                row,
                "RAG",
                f"The cell colour (#{row.rag_colour}) is not a RAG colour",
                "a red, amber or green fill, or the word Red, Amber or Green",
            )
        return shade

    def completion_agrees(self, row):
        """A RAG of Complete (word or blue fill) against a Complete or Status cell saying no."""
        if row.completed is False:
            self.add(
                row,
                "RAG",
                f"RAG {row.cells.get('rag', '')} says '{row.rag or 'blue fill'}' but "
                f"{row.cells.get('complete') or row.cells.get('progress')} says it is not complete",
                "the same answer in both cells: Complete with Yes, or a RAG rating with No",
            )

    def word_against_shading(self, row, shade):
        """The word wins over a different fill in a workbook (a note: fills are left over from
        before); elsewhere the two must agree."""
        if self.report.kind == "xlsx":
            self.report.notes.append(
                f"{row.sheet} row {row.row}: RAG '{row.rag}' read from the word; the cell's "
                f"{RAG(shade).label.lower()} fill was left over from before."
            )
        else:
            self.add(
                row,
                "RAG",
                f"RAG {row.cells.get('rag', '')} says '{row.rag}' but is shaded {RAG(shade).label.lower()}",
                "the word and the shading to agree (or only one of them)",
            )

    def due(self, row):
        try:
            due, month_only = parse_due(row.due)
        except ValueError:
            self.add(
                row,
                "Due date",
                f"'{shown(row.due)}' is not a date",
                "a date cell, or YYYY-MM-DD, DD/MM/YYYY or 'November 2026'",
            )
            return None
        if month_only:
            self.report.notes.append(
                f"{row.sheet} row {row.row}: due '{row.due}' read as {due:%d %B %Y}, the month's last day."
            )
        return due

    def drivers(self, row):
        for name in split_list(row.drivers):
            key = match_key(name)
            driver = self.by_name.get(key) if key not in self.ambiguous else None
            driver = driver or self.by_slug.get(key)
            if key in self.ambiguous and driver is None:
                self.add(
                    row,
                    "Drivers",
                    f"'{shown(name)}' names drivers of several frameworks",
                    "the driver's slug (see the template's Reference sheet)",
                )
            elif driver is None:
                self.add(
                    row,
                    "Drivers",
                    f"Unknown driver '{shown(name)}'",
                    "driver names or slugs from the template's Reference sheet, separated by ';'",
                )
            else:
                yield driver.pk

    def check_duplicate(self, row):
        dkey = (row.pillar, row.objective_number or match_key(row.objective_title), match_key(row.text))
        if dkey in self.seen:
            first = self.seen[dkey]
            self.add(
                row, "Action", f"Duplicate of {first.sheet} row {first.row}", "each action once per objective"
            )
        self.seen[dkey] = row
        if row.objective_number is not None:
            nkey = (row.pillar, row.objective_number)
            title, first = self.titles.setdefault(nkey, (row.objective_title, row))
            if match_key(title) != match_key(row.objective_title):
                self.add(
                    row,
                    "Objective",
                    f"Objective {row.objective_number} of {row.pillar} is titled differently "
                    f"from row {first.row}",
                    f"the same title: '{title}'",
                )

    def check_plan_wide(self, rows):
        if len(self.named_boroughs) > 1:
            names = ", ".join(sorted(b.name for b in self.named_boroughs.values()))
            self.report.add(
                "",
                None,
                "Borough",
                f"The file holds actions of several boroughs ({names})",
                "one borough's plan per import",
            )
        elif self.named_boroughs:
            (named,) = self.named_boroughs.values()
            if named.pk != self.borough.pk:
                self.report.notes.append(
                    f"The rows are labelled {named}; they are imported into {self.borough}'s plan."
                )
        numbered = {}
        for row in rows:
            numbered.setdefault(row.pillar, set()).add(row.objective_number is not None)
        for pillar, kinds in numbered.items():
            if len(kinds) > 1:
                self.report.add(
                    "",
                    None,
                    "Objective",
                    f"Some objectives of {pillar} are numbered and some are not",
                    "number every objective of a pillar ('1. Title') or none",
                )
