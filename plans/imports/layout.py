"""Find a plan's layout in the row stream and turn it into one ``Row`` per action.

Layouts read (the same for workbooks, Word tables and CSV files):

- a heading row naming the columns, in common wordings (``ALIASES``: "Action owner", "RAG
  Rating", "Lead", "Target date" …), found in the first ``HEADER_SEARCH_ROWS`` table rows;
- pillars as a column, a sheet name, or heading rows/paragraphs ("More Trust:");
- objectives as a column ("1. Title"), heading rows ("3. Improve communication"), or numbered
  header rows "1 | *Objective* | Action owner | RAG Rating" with their actions below; a numbered
  list of a pillar's objectives above them gives the titles;
- a row holding only the rest of the previous action's text (after a page break) joins it;
- a progress-status column ("Status": In progress / Complete / Not started) beside the RAG
  column is read as completion, never as the RAG; with no RAG column it is the RAG column, and a
  progress word in it is an error.
"""

import re
from dataclasses import dataclass, field

from .text import clean, heading_key, match_key, shown, strip_decoration

HEADER_SEARCH_ROWS = 50
ALIASES = {
    "pillar": {"pillar", "pillars", "pillar name"},
    "objective": {"objective", "objectives", "objective title", "aim"},
    "objective_number": {"objective number", "objective no", "objective ref", "obj no", "no", "#", "number"},
    "action": {"action", "actions", "action text", "activity", "activities", "what we will do"},
    "owners": {
        "owner",
        "owners",
        "action owner",
        "action owners",
        "lead",
        "leads",
        "responsible",
        "owner(s)",
    },
    "drivers": {"driver", "drivers", "confidence driver", "confidence drivers", "drivers of confidence"},
    "rag": {"rag", "rag rating", "rag status", "rating", "rag rating status", "rag rating (red/amber/green)"},
    "progress": {"status", "progress status", "delivery status", "action status", "state"},
    "due": {"due", "due date", "deadline", "by when", "target date", "completion date"},
    "complete": {"complete", "completed", "done"},
    "commentary": {
        "commentary",
        "last commentary",
        "update",
        "progress",
        "progress update",
        "comments",
        "comment",
    },
    "next_steps": {"next steps", "next step"},
    "borough": {"borough"},
    "ignored": {"bcu", "stale", "overdue", "last update", "action id", "id", "ref", "position"},
}
_BY_NAME = {name: key for key, names in ALIASES.items() for name in names}
REQUIRED = ("action", "owners", "rag")
COLUMN_LABELS = {
    "pillar": "Pillar",
    "objective": "Objective",
    "objective_number": "Objective number",
    "action": "Action",
    "owners": "Owners",
    "drivers": "Drivers",
    "rag": "RAG",
    "progress": "Status",
    "due": "Due date",
    "complete": "Complete",
    "commentary": "Commentary",
    "next_steps": "Next steps",
    "borough": "Borough",
}
OBJECTIVE_RE = re.compile(r"^(?:objective\s*)?(\d{1,3})\s*[.:)\-–]?\s+(\S.*)$", re.IGNORECASE | re.DOTALL)
TRUE_WORDS = {"yes", "y", "true", "1", "✔", "✓", "x", "complete", "completed", "done"}
FALSE_WORDS = {"no", "n", "false", "0", ""}
PROGRESS_DONE = {"complete", "completed", "done", "closed", "delivered", "finished", "achieved"}
PROGRESS_OPEN = {
    "in progress", "ongoing", "on going", "not started", "open", "started", "underway", "under way",
    "on track", "off track", "at risk", "delayed", "planned", "not yet started", "pending", "on hold",
}  # fmt: skip


def header_key(value):
    """The column key a heading names (e.g. "Action owner:" -> "owners"), or None."""
    return _BY_NAME.get(heading_key(value)) if isinstance(value, str) else None


@dataclass
class Layout:
    header_seq: int
    columns: dict  # key -> index
    heading_titles: bool = False  # "N | title | Action owner | RAG" header rows are objective headings


@dataclass
class Row:
    """One action as the file states it (texts cleaned, nothing validated yet)."""

    sheet: str
    row: int | None
    pillar: str
    objective_number: int | None
    objective_title: str
    text: str
    owners: str
    drivers: str
    rag: str
    rag_colour: str
    completed: bool | None
    due: object
    commentary: str
    next_steps: str
    borough: str
    has_owners_col: bool
    has_drivers_col: bool
    cells: dict = field(default_factory=dict)  # key -> "F7" / "table 2 row 3 column 4", for messages


def find_layout(sheet):
    """The first table row naming the columns (Action, or Owners and RAG), or None."""
    table_rows = [r for r in sheet.rows if not r.paragraph][:HEADER_SEARCH_ROWS]
    for stream_row in table_rows:
        keys = {}
        for index, cell in enumerate(stream_row.cells):
            key = header_key(cell.value)
            if key and key != "ignored" and key not in keys:
                keys[key] = index
        if "rag" not in keys and "progress" in keys:
            keys["rag"] = keys.pop("progress")  # a lone Status column is where the RAG is written
        if "action" in keys or ("owners" in keys and "rag" in keys):
            layout = Layout(stream_row.seq, keys)
            if "action" not in keys and keys["owners"] > 0:
                layout.columns["action"] = keys["owners"] - 1
                layout.heading_titles = True
            return layout
    return None


def _is_header_repeat(cells, layout):
    for key in ("owners", "rag"):
        index = layout.columns.get(key)
        if index is not None and index < len(cells) and header_key(cells[index].value) in (key, "progress"):
            return True
    return False


def pillar_from(text, pillars):
    """The pillar a heading names ("Pillar: More Trust", "More Trust:"), or None."""
    return pillars.get(heading_key(re.sub(r"^pillar\s*[:\-–]?\s*", "", clean(text), flags=re.IGNORECASE)))


class SheetParser:
    """Walks one sheet's rows, following pillar and objective headings, and collects Rows."""

    def __init__(self, sheet, layout, pillars, report):
        self.sheet, self.layout, self.pillars, self.report = sheet, layout, pillars, report
        self.col = layout.columns
        self.pillar = pillars.get(heading_key(sheet.name), "")
        self.objective = (None, "")
        self.titles = {}  # (pillar, number) -> title from a numbered list of objectives
        self.rows = []
        self.last = None  # the previous StreamRow

    def cell(self, cells, key):
        index = self.col.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def text(self, cells, key):
        found = self.cell(cells, key)
        return found.text if found is not None else ""

    def place(self, stream_row, key):
        index = self.col.get(key)
        if self.sheet.column_names == "letters":
            return f"{self.sheet.column(index)}{stream_row.number}"
        return f"{stream_row.where()} {self.sheet.column(index)}"

    def parse(self):
        for stream_row in self.sheet.rows:
            self.take(stream_row)
            self.last = stream_row
        return self.rows

    def take(self, stream_row):
        """One row of the stream: a heading, a repeated header, a row with no action text, the
        rest of the previous action's text, or an action row."""
        cells = stream_row.cells
        joined = " ".join(c.text for c in cells if c.text)
        if stream_row.seq < self.layout.header_seq or stream_row.paragraph:
            self.heading(joined, listed=True)
            return
        self.formulas(stream_row)
        if _is_header_repeat(cells, self.layout):
            self.header_repeat(cells)
            return
        action_text = self.text(cells, "action")
        if not action_text:
            self.textless(stream_row, joined)
            return
        if self.continues(stream_row, action_text):
            return
        self.row_columns(stream_row)
        self.rows.append(self.make_row(stream_row, action_text))

    def formulas(self, stream_row):
        """Report every formula of the row: formulas are not evaluated."""
        for index, raw in enumerate(stream_row.cells):
            if raw.formula:
                self.report.add(
                    stream_row.sheet,
                    stream_row.number,
                    self.sheet.column(index),
                    f"A formula ({shown(raw.value, 40)}): formulas are not evaluated",
                    "the value itself, typed in (paste as values)",
                )

    def header_repeat(self, cells):
        """A header repeated on a new page; where headings carry titles, it names the objective."""
        first = cells[0].text if cells else ""
        title = strip_decoration(self.text(cells, "action"))
        if self.layout.heading_titles and first.isdigit() and title:
            number = int(first)
            self.objective = (number, self.titles.get((self.pillar, number)) or title)

    def textless(self, stream_row, joined):
        """A row with no action text: a heading, or a row that misses its action (reported)."""
        if not joined or self.heading(joined, listed=False):
            return
        cells = stream_row.cells
        other = [k for k in ("owners", "rag", "drivers", "due") if self.text(cells, k)]
        rag = self.cell(cells, "rag")
        if other or (rag is not None and rag.colour):
            self.report.add(
                stream_row.sheet,
                stream_row.number,
                "Action",
                "The action text is missing",
                "the action's text",
            )
        else:  # said, so that an objective heading without its number is not lost unseen
            self.report.notes.append(
                f"{stream_row.where()}: “{shown(joined, 80)}” is neither an action nor a pillar or numbered "
                "objective heading (“3. Title”): left out; the rows below stay under the heading above it."
            )

    def heading(self, joined, *, listed):
        """Follow a pillar or objective heading; True if ``joined`` was one."""
        if not joined:
            return False
        found = pillar_from(joined, self.pillars)
        if found:
            self.pillar, self.objective = found, (None, "")
            return True
        match = OBJECTIVE_RE.match(joined)
        if match and "objective" not in self.col and self.pillar:
            number, title = int(match.group(1)), strip_decoration(clean(match.group(2)))
            if listed:
                self.titles[(self.pillar, number)] = title
            self.objective = (number, self.titles.get((self.pillar, number)) or title)
            return True
        return False

    def continues(self, stream_row, action_text):
        """Join a row holding only the rest of the previous action's text (a page break)."""
        if not self.rows or self.last is None or self.last.seq != stream_row.seq - 1 or self.last.paragraph:
            return False
        if any(i != self.col["action"] for i, c in enumerate(stream_row.cells) if c.text or c.colour):
            return False
        previous = self.rows[-1]
        new_table = self.last.sheet != stream_row.sheet
        lower = action_text[:1].islower() and not previous.text.endswith((".", "!", "?"))
        if not (new_table or lower):
            return False
        previous.text = f"{previous.text} {action_text}"
        self.report.notes.append(
            f"{stream_row.where()}: text with no owner or RAG joined to the action above (a page break)."
        )
        return True

    def row_columns(self, stream_row):
        cells = stream_row.cells
        if "pillar" in self.col and self.text(cells, "pillar"):
            name = self.text(cells, "pillar")
            found = pillar_from(name, self.pillars)
            if not found:
                self.report.add(
                    stream_row.sheet,
                    stream_row.number,
                    self.sheet.column(self.col["pillar"]),
                    f"Unknown pillar '{shown(name)}'",
                    "one of " + ", ".join(sorted(set(self.pillars.values()))),
                )
            self.pillar = found or name
        if "objective" in self.col and self.text(cells, "objective"):
            title = self.text(cells, "objective")
            number_text = self.text(cells, "objective_number")
            match = OBJECTIVE_RE.match(title)
            if number_text.isdigit():
                same = match and int(match.group(1)) == int(number_text)
                self.objective = (int(number_text), strip_decoration(match.group(2)) if same else title)
            elif match:
                self.objective = (int(match.group(1)), strip_decoration(match.group(2)))
            else:
                self.objective = (None, title)

    def make_row(self, stream_row, action_text):
        cells = stream_row.cells
        rag_cell = self.cell(cells, "rag")
        due_cell = self.cell(cells, "due")
        row = Row(
            sheet=stream_row.sheet,
            row=stream_row.number,
            pillar=self.pillar,
            objective_number=self.objective[0],
            objective_title=self.objective[1],
            text=action_text,
            owners=self.text(cells, "owners"),
            drivers=self.text(cells, "drivers"),
            rag=self.text(cells, "rag"),
            rag_colour=rag_cell.colour if rag_cell is not None else "",
            completed=None,
            due=due_cell.value if due_cell is not None and due_cell.text else None,
            commentary=self.text(cells, "commentary"),
            next_steps=self.text(cells, "next_steps"),
            borough=self.text(cells, "borough"),
            has_owners_col="owners" in self.col,
            has_drivers_col="drivers" in self.col,
            cells={k: self.place(stream_row, k) for k in self.col},
        )
        self.completion(stream_row, row)
        return row

    def completion(self, stream_row, row):
        """Completion from a Complete column (yes/no) and a progress-status column; the two must agree."""
        said = {}
        complete = self.cell(stream_row.cells, "complete")
        if complete is not None:
            word = match_key(complete.text)
            if complete.value is True or word in TRUE_WORDS:
                said["complete"] = True
            elif complete.value is False or word in FALSE_WORDS:
                said["complete"] = False if word else None
            else:
                self.problem(
                    row,
                    "complete",
                    f"'{shown(complete.text)}' is not yes or no",
                    "Yes or No (or leave blank)",
                )
        progress = match_key(self.text(stream_row.cells, "progress")) if "progress" in self.col else ""
        if progress in PROGRESS_DONE:
            said["progress"] = True
        elif progress in PROGRESS_OPEN:
            said["progress"] = False
        elif progress:
            self.problem(
                row,
                "progress",
                f"'{shown(self.text(stream_row.cells, 'progress'))}' is not a progress status",
                "Not started, In progress or Complete (or leave blank); the RAG goes in the RAG column",
            )
        values = {k: v for k, v in said.items() if v is not None}
        if len(set(values.values())) > 1:
            self.report.add(
                row.sheet,
                row.row,
                "Complete",
                f"Complete {row.cells['complete']} and Status {row.cells['progress']} disagree",
                "the same answer in both columns",
            )
        row.completed = next(iter(values.values()), None)

    def problem(self, row, key, problem, expected):
        self.report.add(row.sheet, row.row, COLUMN_LABELS[key], problem, expected)
