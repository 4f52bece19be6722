"""The plan as a Word document, read back with python-docx."""

import io

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from docx.oxml.ns import qn

from plans.choices import RAG
from plans.models import Action, Objective
from tests.publishing_helpers import southwark_plan

RAG_WORDS = {label for _, label in RAG.choices}


def read(response):
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert response["Content-Disposition"].startswith('attachment; filename="southwark-plan-')
    return Document(io.BytesIO(response.content))


def fill_of(cell):
    shd = cell._tc.tcPr.find(qn("w:shd"))
    return shd.get(qn("w:fill")) if shd is not None else None


def test_the_plan_comes_back_in_the_boroughs_layout(world, client_as, settings):
    settings.PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"
    document = read(client_as("southwark_editor").get("/boroughs/southwark/plan.docx"))
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert section.footer.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["More Trust:", "Less Crime:", "Higher Standards:"]
    assert len(document.tables) == 3

    plan = southwark_plan()
    written = []
    for table in document.tables:
        objective = None
        for row in table.rows:
            cells = [c.text for c in row.cells]
            assert len(cells) == 4
            if cells[2:] == ["Action owner", "RAG Rating"]:
                objective = (int(cells[0]), cells[1])
                assert row.cells[1].paragraphs[0].runs[0].italic
                continue
            assert cells[0] == "" and objective is not None
            assert cells[3] in RAG_WORDS
            written.append((objective, cells[1], cells[2], cells[3], fill_of(row.cells[3])))
    actions = list(
        Action.objects.filter(objective__plan=plan)
        .select_related("objective__pillar")
        .order_by("objective__pillar__order", "objective__number", "position", "pk")
    )
    assert len(written) == len(actions) == 61
    for (objective, text, owners, rag, fill), action in zip(written, actions, strict=True):
        assert objective == (action.objective.number, action.objective.title)
        assert text == action.text
        assert owners == " and ".join(o.label for o in action.owners.order_by("label"))
        assert rag == RAG(action.rag).label
        assert (
            fill == {"red": "C8102E", "amber": "F2A900", "green": "00703C", "not_rated": "D9D9D9"}[action.rag]
        )
    assert {w[3] for w in written} == {"Red", "Amber", "Green", "Not rated"}
    assert Objective.objects.filter(plan=plan).count() == len({w[0] for w in written})


def test_the_command_writes_the_same_document(world, tmp_path):
    out = tmp_path / "southwark.docx"
    call_command("export_plan_docx", "--borough", "southwark", "--out", str(out))
    document = Document(str(out))
    assert document.core_properties.title == southwark_plan().title
    assert sum(len(t.rows) for t in document.tables) == 61 + 10
    with pytest.raises(CommandError, match="No plan is recorded for a borough with the slug 'atlantis'"):
        call_command("export_plan_docx", "--borough", "atlantis", "--out", str(out))
    with pytest.raises(CommandError, match="must end in .docx"):
        call_command("export_plan_docx", "--borough", "southwark", "--out", str(tmp_path / "plan.pdf"))
    with pytest.raises(CommandError, match="Could not write"):
        call_command(
            "export_plan_docx", "--borough", "southwark", "--out", str(tmp_path / "missing" / "p.docx")
        )


def test_the_word_plan_takes_a_fixed_number_of_queries(world, client_as, django_assert_max_num_queries):
    client = client_as("analyst")
    client.get("/boroughs/southwark/")
    with django_assert_max_num_queries(14):  # the request's session, user and second-factor device too
        assert client.get("/boroughs/southwark/plan.docx").status_code == 200
