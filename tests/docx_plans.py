"""Word (.docx) plans built for the tests with python-docx, in the layouts boroughs use.

``southwark_docx()`` renders the published Southwark plan (``fixtures``' seed text, the file
``load_demo`` reads with ``plans.seedplan``) the way the borough's Word document lays it out:
introduction paragraphs, each pillar as a heading paragraph ("More Trust:") followed by its
objectives as a numbered list, then per objective a table whose first row is "1 | *Objective* |
Action owner | RAG Rating" and whose rows are the actions. Where the seed has a page break (a
blank line) inside a table, the table ends, a page break follows and a new table continues it,
so the row after a break may hold only the rest of the previous action's text. RAG is written as
a word and the cell shaded in its colour; every seventh rated action has the shading only.
"""

import io
import re

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from plans.demo import SOUTHWARK_SEED

SHADES = {"red": "FF0000", "amber": "FFC000", "green": "00B050"}
PILLAR_RE = re.compile(r"^(More Trust|Less Crime|Higher Standards):\s*$")
HEADER_RE = re.compile(r"^(\d+)\t(.*?)\tAction owner\tRAG Rating\s*$", re.IGNORECASE)


def shade(cell, hex_colour):
    """Give a table cell a solid background (``w:shd`` with ``w:fill``)."""
    properties = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_colour)
    properties.append(shd)


class _Renderer:
    def __init__(self):
        self.document = Document()
        self.table = None
        self.header = None  # the current objective's header row values
        self.rated = 0

    def page_break(self):
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        self.table = None

    def new_table(self):
        self.table = self.document.add_table(rows=0, cols=4)
        self.table.style = "Table Grid"

    def header_row(self, number, title):
        self.new_table()
        cells = self.table.add_row().cells
        cells[0].text = number
        cells[1].paragraphs[0].add_run(title).italic = True
        cells[2].text, cells[3].text = "Action owner", "RAG Rating"

    def action_row(self, text, owner, rag):
        if self.table is None:  # continued after a page break
            self.new_table()
        cells = self.table.add_row().cells
        cells[1].text, cells[2].text = text, owner
        colour = SHADES.get(rag.strip().lower())
        if colour:
            self.rated += 1
            shade(cells[3], colour)
            if self.rated % 7:
                cells[3].text = rag
        else:
            cells[3].text = rag

    def line(self, raw, state):
        line = raw.rstrip("\n")
        if match := PILLAR_RE.match(line.strip()):
            state["pillar"], state["in_tables"] = match.group(1), False
            self.table = None
            self.document.add_paragraph(line.strip(), style="Heading 2")
        elif match := HEADER_RE.match(line):
            state["in_tables"] = True
            self.header_row(match.group(1), re.sub(r"</?i>", "", match.group(2)))
        elif not line.strip():
            if state["in_tables"] and self.table is not None:
                self.page_break()
        elif state["in_tables"] and line.startswith("\t"):
            cells = (line.split("\t") + ["", "", ""])[:4]
            self.action_row(cells[1].strip(), cells[2].strip(), cells[3].strip())
        else:
            self.document.add_paragraph(re.sub(r"\*\*", "", line.strip()))


def southwark_docx(seed_path=SOUTHWARK_SEED):
    """The Southwark plan as a Word document, as bytes."""
    renderer = _Renderer()
    state = {"pillar": None, "in_tables": False}
    for raw in seed_path.read_text(encoding="utf-8").splitlines():
        renderer.line(raw, state)
    renderer.document.add_paragraph("Southwark BCU · OFFICIAL · Page footer text, not part of the plan.")
    target = io.BytesIO()
    renderer.document.save(target)
    return target.getvalue()


def docx_of(blocks):
    """A small .docx from blocks: a str is a paragraph, a list of rows (lists of str, or of
    (text, fill hex) pairs) is a table. Returns bytes."""
    document = Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=0, cols=max(len(r) for r in block))
        for values in block:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=False):
                text, fill = value if isinstance(value, tuple) else (value, None)
                cell.text = text
                if fill:
                    shade(cell, fill)
    target = io.BytesIO()
    document.save(target)
    return target.getvalue()
