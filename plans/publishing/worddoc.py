"""A borough's plan as a Word document, in the layout boroughs keep their plans in.

The layout (the Southwark plan's own; the Word import reads the same):

- header and footer of every page: the protective marking (``settings.PROTECTIVE_MARKING``),
  centred, bold;
- a title paragraph (style Title): the plan's title; under it the borough and the date made;
- for each pillar with objectives, in pillar order:
  - a pillar heading paragraph (style Heading 1): the pillar's name and a colon, "More Trust:";
  - one table of four columns (style Table Grid). For each objective, in number order:
    - an objective row: ``number | objective title (italic) | "Action owner" | "RAG Rating"``
      (bold);
    - one row per action in plan order: ``(empty) | action text | owners | RAG``. Owners are the
      owners' labels joined by " and " (as plans write them, "Supt Brockway and CI Barnes").
      The RAG cell holds the word (Red, Amber, Green, Not rated) and is shaded in its colour.

A completed action keeps its RAG word: Word plans have no column for completion.
"""

import io

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ..choices import RAG
from ..models import Action, Objective, Owner

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OBJECTIVE_HEADINGS = ("Action owner", "RAG Rating")
RAG_SHADES = {  # fill, text colour (hex, no #): the dashboards' badge colours
    RAG.RED: ("C8102E", "FFFFFF"),
    RAG.AMBER: ("F2A900", "1A1A1A"),
    RAG.GREEN: ("00703C", "FFFFFF"),
    RAG.NOT_RATED: ("D9D9D9", "1A1A1A"),
}
COLUMN_WIDTHS = (Cm(1.2), Cm(9.3), Cm(4.5), Cm(2.3))


def shade(cell, fill):
    """Shade a table cell (python-docx has no API for it: a w:shd element in the cell's tcPr)."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _write(cell, text, *, bold=False, italic=False, colour=None):
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)
    return run


def _marking(section, marking):
    for part in (section.header, section.footer):
        paragraph = part.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(marking).bold = True


def plan_objectives(plan):
    """The plan's objectives by pillar and number, each with its actions (plan order) and their
    owners: three queries."""
    actions = (
        Action.objects.live()
        .order_by("position", "pk")
        .prefetch_related(Prefetch("owners", queryset=Owner.objects.order_by("label")))
    )
    return list(
        Objective.objects.filter(plan=plan, pillar__isnull=False, retired_at__isnull=True)
        .select_related("pillar")
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("pillar__order", "number")
    )


def _pillar_table(document, objectives):
    table = document.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    for objective in objectives:
        cells = table.add_row().cells
        _write(cells[0], str(objective.number), bold=True)
        _write(cells[1], objective.title, bold=True, italic=True)
        _write(cells[2], OBJECTIVE_HEADINGS[0], bold=True)
        _write(cells[3], OBJECTIVE_HEADINGS[1], bold=True)
        for action in objective.actions.all():
            cells = table.add_row().cells
            _write(cells[1], action.text)
            _write(cells[2], " and ".join(owner.label for owner in action.owners.all()))
            fill, ink = RAG_SHADES[RAG(action.rag)]
            _write(cells[3], RAG(action.rag).label, bold=True, colour=ink)
            shade(cells[3], fill)
    for row in table.rows:
        for cell, width in zip(row.cells, COLUMN_WIDTHS, strict=True):
            cell.width = width


def plan_document(plan, *, now=None):
    """The plan as a python-docx Document in the layout of the module docstring."""
    now = now or timezone.localtime()
    marking = settings.PROTECTIVE_MARKING
    document = Document()
    document.core_properties.title = plan.title
    document.core_properties.keywords = marking
    document.styles["Normal"].font.size = Pt(10)
    _marking(document.sections[0], marking)
    document.add_paragraph(plan.title, style="Title")
    document.add_paragraph(f"{plan.borough.name} · exported from TrustPlan on {now:%d %B %Y at %H:%M}.")
    by_pillar = {}
    for objective in plan_objectives(plan):
        by_pillar.setdefault(objective.pillar, []).append(objective)
    for pillar, objectives in by_pillar.items():
        document.add_paragraph(f"{pillar.name}:", style="Heading 1")
        _pillar_table(document, objectives)
    return document


def plan_docx_bytes(plan, *, now=None):
    """The .docx file of the plan, as bytes."""
    out = io.BytesIO()
    plan_document(plan, now=now).save(out)
    return out.getvalue()


def docx_filename(plan, now=None):
    now = now or timezone.localtime()
    return f"{plan.borough.slug}-plan-{now:%Y-%m-%d}.docx"
