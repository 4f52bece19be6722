"""A crash in the middle of a write leaves the database exactly as it was.

Each test makes a real write path fail part-way, after some rows were written inside its
transaction, and compares a digest of every table of the plans app (history tables included)
before and after.
"""

import hashlib

import pytest
from django.apps import apps

from plans.choices import RAG
from plans.imports import import_plan
from plans.imports import write as import_writer
from plans.models import Action, Borough, StatusUpdate
from plans.services import ReviewRow, apply_review, apply_status_update
from plans.services import status as services

pytestmark = pytest.mark.django_db


class Crash(Exception):
    """The fault injected into a write path."""


def database_state(summarise=(), skip=()):
    """Row count and digest of every table of the plans and drivers apps (history included).
    Tables named in ``summarise`` (large reference tables) get count, largest id and a sum;
    those named in ``skip`` are left out."""
    from django.db.models import Count, Max, Sum

    state = {}
    for label in ("plans", "drivers"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.db_table in skip:
                continue
            if model._meta.db_table in summarise:
                state[model._meta.db_table] = model._base_manager.aggregate(
                    n=Count("pk"), last=Max("pk"), total=Sum("value")
                )
                continue
            rows = list(model._base_manager.order_by("pk").values_list())
            state[model._meta.db_table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


def fail_on_call(n, real):
    """A stand-in for ``real`` that does the work, then fails on its n-th call."""
    calls = {"count": 0}

    def wrapper(*args, **kwargs):
        calls["count"] += 1
        result = real(*args, **kwargs)
        if calls["count"] == n:
            raise Crash(f"injected fault on call {n}")
        return result

    wrapper.calls = calls
    return wrapper


def review_rows(plan, count):
    actions = Action.objects.filter(objective__plan=plan, completed=False).order_by("pk")[:count]
    rows = []
    for action in actions:
        new = RAG.RED if action.rag != RAG.RED else RAG.AMBER
        rows.append(
            ReviewRow(
                action=action,
                seen_version=action.version,
                rag=new,
                commentary="Reviewed at the monthly meeting: delivery has moved.",
                next_steps="Report again next month.",
            )
        )
    return rows


def test_a_crash_in_the_middle_of_a_monthly_review_writes_nothing(
    monkeypatch, southwark_plan, southwark_editor
):
    rows = review_rows(southwark_plan, 6)
    before = database_state()
    failing = fail_on_call(2, services._write)
    monkeypatch.setattr(services, "_write", failing)
    with pytest.raises(Crash):
        apply_review(plan=southwark_plan, user=southwark_editor, rows=rows)
    assert failing.calls["count"] == 2  # the first row (and the second) had been written
    assert database_state() == before


def test_a_crash_while_writing_a_status_row_writes_nothing(monkeypatch, southwark_plan, southwark_editor):
    rows = review_rows(southwark_plan, 3)
    before = database_state()
    monkeypatch.setattr(StatusUpdate.objects, "create", fail_on_call(3, StatusUpdate.objects.create))
    with pytest.raises(Crash):
        apply_review(plan=southwark_plan, user=southwark_editor, rows=rows)
    assert database_state() == before


def test_the_same_review_succeeds_once_the_fault_is_gone(southwark_plan, southwark_editor):
    rows = review_rows(southwark_plan, 6)
    before = StatusUpdate.objects.count()
    results = apply_review(plan=southwark_plan, user=southwark_editor, rows=rows)
    assert len(results) == 6
    assert StatusUpdate.objects.count() == before + 6


def test_a_crash_after_the_history_row_of_one_update_writes_nothing(
    monkeypatch, southwark_plan, southwark_editor
):
    action = Action.objects.filter(objective__plan=southwark_plan, rag=RAG.GREEN).order_by("pk").first()
    before = database_state()

    def broken_save(self, *args, **kwargs):
        raise Crash("disk full")

    monkeypatch.setattr(Action, "save", broken_save)
    with pytest.raises(Crash):
        apply_status_update(
            action=action,
            user=southwark_editor,
            seen_version=action.version,
            rag="red",
            commentary="Funding withdrawn this month, so delivery has stopped.",
        )
    assert database_state() == before


def plan_workbook(rows):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Pillar", "Objective", "Action", "Owners", "Drivers", "RAG"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_crash_in_the_middle_of_a_plan_import_writes_nothing(monkeypatch, world, administrator):
    borough = Borough.objects.get(slug="barnet")
    assert not borough.plans.exists()
    data = plan_workbook(
        [
            [
                "More Trust",
                "1. Listen to communities",
                f"Hold a ward panel every month in area {n}",
                "Insp Moss",
                "",
                "Green",
            ]
            for n in range(1, 6)
        ]
    )
    preview = import_plan(borough=borough, workbook_file=data, user=administrator, dry_run=True)
    assert preview.ok, preview.problems
    before = database_state()
    failing = fail_on_call(3, import_writer.initial_status_row)  # after the actions' bulk insert
    monkeypatch.setattr(import_writer, "initial_status_row", failing)
    with pytest.raises(Crash):
        import_plan(borough=borough, workbook_file=data, user=administrator, dry_run=False)
    assert failing.calls["count"] == 3
    assert database_state() == before
    assert not borough.plans.exists()


def test_a_crash_in_the_middle_of_a_synthetic_plan_writes_nothing_of_it(monkeypatch, world):
    from plans import synthetic

    before = database_state()
    monkeypatch.setattr(
        StatusUpdate.objects, "bulk_create", fail_on_call(1, StatusUpdate.objects.bulk_create)
    )
    with pytest.raises(Crash):
        synthetic.make_borough_plan(Borough.objects.get(slug="camden"), months=2, actions=5, seed=3)
    assert database_state() == before
