"""The normalised row stream every reader (xlsx, docx, csv) produces and the layout reads.

A file becomes a list of ``Sheet`` (one per worksheet; one for a whole Word document or CSV),
each a list of ``StreamRow`` holding only rows with data. A row knows where it came from for
messages (``sheet``: "Plan", "table 2", "paragraph 14"; ``number``: its row in that sheet or
table) and its place in the stream (``seq``: consecutive rows of the source have consecutive
``seq``, so a continuation row can be told from a row after a gap).
"""

from dataclasses import dataclass, field

from .text import clean


class RawCell:
    """One cell as read: its value, whether it held a formula, its fill colour ("RRGGBB", "" for
    none, "theme" for a colour not given as RGB) and its text (``text.clean`` of the value)."""

    __slots__ = ("value", "formula", "colour", "text")

    def __init__(self, value, formula=False, colour=""):
        self.value = value
        self.formula = formula
        self.colour = colour
        self.text = clean(value)

    def __repr__(self):
        return f"RawCell({self.value!r}, formula={self.formula}, colour={self.colour!r})"


EMPTY = RawCell(None)


@dataclass
class StreamRow:
    seq: int
    sheet: str
    number: int | None
    cells: list  # [RawCell], index = column
    paragraph: bool = False  # text outside any table (Word)

    def where(self):
        return self.sheet if self.number is None else f"{self.sheet} row {self.number}"


@dataclass
class Sheet:
    name: str
    rows: list = field(default_factory=list)  # [StreamRow]
    column_names: str = "letters"  # "letters" (A, B, …) or "numbers" (column 1, 2, …)

    def column(self, index):
        if self.column_names == "numbers":
            return f"column {index + 1}"
        from openpyxl.utils import get_column_letter

        return get_column_letter(index + 1)
