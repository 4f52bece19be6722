"""Read a Word (.docx) plan into the row stream, with python-docx.

Layout expected (the same the exporter of ``plans.publishing`` should write, so that a plan
round-trips):

- paragraphs and tables are read in document order; each paragraph with text is one row of a
  single cell (``paragraph`` set, named "paragraph N", N counting every paragraph of the body);
  text outside the tables (introductions, footers) is ignored unless it is a heading;
- pillar headings as paragraphs ("More Trust:") or as table rows;
- objectives listed as numbered paragraphs ("1. Engage with …", typed or Word's own list
  numbering) give the titles; a table row "1 | *Objective title* | Action owner | RAG Rating"
  starts that objective and its actions follow, one row each (text | owner | RAG);
- a plan may be one table, one table per pillar or per objective, or a table continued after a
  page break in a new table whose first row holds only the rest of the previous action's text;
- RAG as a word, as the cell's shading only, or both (when they disagree: a row error);
- merged cells: a vertically merged cell gives its text to every row it spans; a horizontally
  merged cell is read once, in its first grid column.

Table rows are named "table T row R", columns "column C" (1-based grid columns).
"""

import io
import zipfile

from docx.oxml.ns import qn

from ..upload_safety import CellBudget, UploadRejected
from .stream import EMPTY, RawCell, Sheet, StreamRow

W_P, W_TBL, W_SDT = qn("w:p"), qn("w:tbl"), qn("w:sdt")


def _shading(tc):
    tc_pr = tc.tcPr
    shd = tc_pr.find(qn("w:shd")) if tc_pr is not None else None
    fill = shd.get(qn("w:fill")) if shd is not None else None
    if not fill or fill.lower() == "auto" or len(fill) != 6:
        return ""
    return fill.upper()


def _body_items(element):
    """Paragraphs and tables of the body in order, looking inside content controls."""
    for child in element.iterchildren():
        if child.tag in (W_P, W_TBL):
            yield child
        elif child.tag == W_SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_items(content)


def _check_part(data, name):
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("word/document.xml") as part:
        head = part.read(2048).upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise UploadRejected(f"'{name}' is refused: its part word/document.xml declares a document type.")


def read_docx(data, name):
    """Read a checked .docx. Returns ([Sheet], notes, rows with data read); raises UploadRejected."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _check_part(data, name)
    try:
        document = Document(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - any failure to open an untrusted file is a refusal
        raise UploadRejected(f"'{name}' could not be read as a Word document (.docx).") from None
    sheet = Sheet("document", column_names="numbers")
    budget = CellBudget(name)
    state = {"seq": 0, "paragraph": 0, "table": 0, "listed": 0}
    try:
        for item in _body_items(document.element.body):
            if item.tag == W_P:
                _paragraph(Paragraph(item, document), sheet, state)
            else:
                _table(Table(item, document), sheet, state, budget)
    except UploadRejected:
        raise
    except Exception:  # noqa: BLE001
        raise UploadRejected(f"'{name}' is damaged: its tables could not be read.") from None
    if not state["table"]:
        raise UploadRejected(
            f"'{name}' has no table: a Word plan is read from its tables (one row per action, with "
            "Action owner and RAG columns), and this document has none."
        )
    return [sheet], [], budget.rows


def _paragraph(paragraph, sheet, state):
    state["paragraph"] += 1
    text = paragraph.text.strip()
    p_pr = paragraph._p.pPr
    numbered = p_pr is not None and p_pr.numPr is not None
    if numbered and text:
        state["listed"] += 1
        if not text[:1].isdigit():
            text = f"{state['listed']}. {text}"
    elif text:
        state["listed"] = 0
    if text:
        state["seq"] += 1
        sheet.rows.append(
            StreamRow(state["seq"], f"paragraph {state['paragraph']}", None, [RawCell(text)], paragraph=True)
        )


def _table(table, sheet, state, budget):
    state["table"] += 1
    state["listed"] = 0
    label = f"table {state['table']}"
    for number, row in enumerate(table.rows, start=1):
        cells, previous = [], None
        for cell in row.cells:
            if cell._tc is previous:  # a horizontally merged cell, read in its first column only
                cells.append(EMPTY)
                continue
            previous = cell._tc
            cells.append(RawCell(cell.text, colour=_shading(cell._tc)))
        filled = sum(1 for c in cells if c.text or c.colour)
        if filled:
            budget.add_row(filled)
            state["seq"] += 1
            sheet.rows.append(StreamRow(state["seq"], label, number, cells))
