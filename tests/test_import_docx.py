"""Plan import from Word (.docx): the Southwark rendition imports to exactly what load_demo loads."""

import io
import zipfile
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from plans.choices import RAG
from plans.imports import import_plan
from plans.models import Action, Objective
from tests.docx_plans import docx_of, southwark_docx
from tests.test_import_plan import checksum

HEADER = ["1", "Engage with communities", "Action owner", "RAG Rating"]


def state(borough):
    """Objectives and actions (in order, with owners and RAG) of a borough's plan, without ids."""
    objectives = [
        (o.pillar.name, o.number, o.title)
        for o in Objective.objects.filter(plan__borough=borough)
        .select_related("pillar")
        .order_by("pillar__order", "number")
    ]
    actions = [
        (
            a.objective.pillar.name,
            a.objective.number,
            a.position,
            a.text,
            tuple(sorted((o.key, o.label) for o in a.owners.all())),
            a.rag,
            a.completed,
        )
        for a in Action.objects.filter(objective__plan__borough=borough)
        .select_related("objective__pillar")
        .prefetch_related("owners")
        .order_by("objective__pillar__order", "objective__number", "position")
    ]
    return objectives, actions


def run(borough, user, data, *, dry_run=False, name="plan.docx"):
    return import_plan(borough=borough, workbook_file=data, user=user, dry_run=dry_run, filename=name)


def test_the_southwark_word_rendition_imports_to_exactly_what_load_demo_loads(
    southwark, southwark_plan, barnet, administrator
):
    report = run(barnet, administrator, southwark_docx(), name="southwark.docx")
    assert report.applied, report.rejected or [str(p) for p in report.problems]
    imported, loaded = state(barnet), state(southwark)
    assert imported == loaded
    assert len(imported[1]) == 61
    assert Counter(a[5] for a in imported[1]) == {RAG.GREEN: 39, RAG.AMBER: 17, RAG.RED: 4, RAG.NOT_RATED: 1}
    assert any("page break" in note for note in report.notes)


def test_reimporting_the_word_plan_changes_nothing(southwark, southwark_plan, administrator):
    report = run(southwark, administrator, southwark_docx(), dry_run=True)
    assert report.ok and not report.created and not report.changed and not report.losses
    assert len(report.unchanged) == 61


def test_one_table_with_pillar_rows_rag_by_shading_only_and_text_around_it(barnet, administrator):
    data = docx_of(
        [
            "Our plan for the year. Introduction text is ignored.",
            [
                ["Pillar", "Objective", "Action", "Owner", "RAG"],
                ["More Trust", "", "", "", ""],
                ["", "1. Engage with communities", "Ward panels", "CI Example", ("", "00B050")],
                ["", "", "Street briefings", "PS Example", ("Amber", "FFC000")],
                ["Less Crime", "", "", "", ""],
                ["", "2. Target offenders", "Arrest days", "DI Example", "red"],
            ],
            "Footer: OFFICIAL",
        ]
    )
    report = run(barnet, administrator, data)
    assert report.applied, [str(p) for p in report.problems]
    _, actions = state(barnet)
    assert [(a[0], a[1], a[3], a[5]) for a in actions] == [
        ("More Trust", 1, "Ward panels", RAG.GREEN),
        ("More Trust", 1, "Street briefings", RAG.AMBER),
        ("Less Crime", 2, "Arrest days", RAG.RED),
    ]


def test_a_word_and_a_shading_that_disagree_is_a_row_error_naming_the_cell(barnet, administrator):
    data = docx_of(["More Trust:", [HEADER, ["", "Ward panels", "CI Example", ("Green", "FF0000")]]])
    before = checksum()
    report = run(barnet, administrator, data)
    assert not report.applied and checksum() == before
    (problem,) = report.problems
    assert (problem.sheet, problem.row, problem.column) == ("table 1", 2, "RAG")
    assert "column 4" in problem.problem and "red" in problem.problem


@pytest.mark.parametrize(
    "data,name,message",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, "plan.doc", "save it as .docx"),
        (
            docx_of(["More Trust:", "1. Engage with communities", "No table here."]),
            "plan.docx",
            "has no table",
        ),
        (
            docx_of([[["Action", "Owner"], ["Ward panels", "CI Example"]]]),
            "plan.docx",
            "table 1 row 1 RAG: Missing column(s): RAG",
        ),
        (docx_of([[["When", "Where"], ["May", "Here"]]]), "plan.docx", "No row of column headings"),
        (
            docx_of(["More Trust:", [HEADER, ["", "Ward panels", "CI Example", "Purple"]]]),
            "plan.docx",
            "table 1 row 2 RAG: 'Purple'",
        ),
    ],
    ids=["legacy .doc", "no table", "no RAG column", "no headings", "bad RAG"],
)
def test_bad_word_files_get_a_clear_message_naming_where_and_write_nothing(
    barnet, administrator, data, name, message
):
    before = checksum()
    report = run(barnet, administrator, data, name=name)
    text = report.rejected + " ".join(str(p) for p in report.problems)
    assert not report.applied and message in text, text
    assert checksum() == before


def test_a_macro_enabled_word_file_is_refused(barnet, administrator):
    source = zipfile.ZipFile(io.BytesIO(docx_of([[HEADER]])))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item.filename))
        archive.writestr("word/vbaProject.bin", b"\0" * 100)
    report = run(barnet, administrator, target.getvalue())
    assert "macros" in report.rejected and not report.applied


def test_the_command_imports_a_word_plan(barnet, tmp_path):
    path = tmp_path / "southwark.docx"
    path.write_bytes(southwark_docx())
    out = io.StringIO()
    call_command("import_plan", str(path), "--borough", "barnet", "--user", "admin", stdout=out)
    assert Action.objects.filter(objective__plan__borough=barnet).count() == 61
    legacy = tmp_path / "plan.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    with pytest.raises(CommandError, match="save it as .docx"):
        call_command("import_plan", str(legacy), "--borough", "barnet", "--user", "admin")


def test_the_exported_word_plan_imports_back_changing_nothing(
    southwark, southwark_plan, barnet, administrator
):
    """Round trip: /boroughs/<slug>/plan.docx (plans.publishing.worddoc) read by the Word importer.

    Over the plan it came from, it changes nothing; into an empty borough, it gives the same plan.
    """
    from plans.publishing.worddoc import plan_docx_bytes

    data = plan_docx_bytes(southwark_plan)
    again = run(southwark, administrator, data, dry_run=True, name="southwark-plan.docx")
    assert again.ok, again.rejected or [str(p) for p in again.problems]
    assert not again.created and not again.changed and not again.losses
    assert len(again.unchanged) == 61

    copied = run(barnet, administrator, data, name="southwark-plan.docx")
    assert copied.applied, copied.rejected or [str(p) for p in copied.problems]
    assert state(barnet) == state(southwark)
