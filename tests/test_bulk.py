"""The bulk writer stores rows exactly as the ORM does, and a plan import leaves whole records."""

import datetime as dt

import pytest
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from plans.bulk import history_rows, insert_rows
from plans.choices import RAG, UpdateSource
from plans.imports import import_plan
from plans.models import Action, Borough, Objective, StatusUpdate
from tests.test_import_plan import workbook

AT = dt.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=dt.UTC)
SKIP = {"id", "history_id"}


def field_values(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in SKIP}


@pytest.fixture
def objective(world):
    return Objective.objects.filter(plan__borough__slug="southwark").order_by("pk").first()


def action_fields(objective, n):
    return {
        "objective_id": objective.pk,
        "position": 90 + n,
        "text": f"Bulk action {n} — with “quotes”, 'apostrophes' and %s",
        "due_date": dt.date(2027, 1, n),
        "next_steps": "",
        "rag": RAG.AMBER,
        "completed": n == 2,
        "completed_on": dt.date(2026, 3, 4) if n == 2 else None,
        "last_commentary": "First status",
        "last_reviewed_at": AT,
        "version": 1,
        "created_at": AT,
    }


def test_actions_and_their_history_are_stored_as_the_orm_stores_them(objective, administrator):
    rows = [action_fields(objective, n) for n in (1, 2)]
    keys = insert_rows(Action, rows, returning=True)
    insert_rows(
        Action.history.model,
        history_rows(Action, rows, user=administrator, change_reason="import: x.xlsx", date=AT),
    )
    assert [row["id"] for row in rows] == keys and len(set(keys)) == 2
    bulk = [Action(**action_fields(objective, n)) for n in (1, 2)]
    orm = bulk_create_with_history(
        bulk, Action, default_user=administrator, default_change_reason="import: x.xlsx", default_date=AT
    )
    for key, made in zip(keys, orm, strict=True):
        ours, theirs = Action.objects.get(pk=key), Action.objects.get(pk=made.pk)
        assert field_values(ours) == field_values(theirs)
        assert ours.text.endswith("%s") and ours.last_reviewed_at == AT
        [our_record] = Action.history.filter(id=key)
        [their_record] = Action.history.filter(id=made.pk)
        assert field_values(our_record) == field_values(their_record)
        assert our_record.history_type == "+" and our_record.history_user == administrator
        assert our_record.history_change_reason == "import: x.xlsx"


def test_left_out_fields_take_their_defaults_and_the_rows_are_completed(objective):
    rows = [{"objective_id": objective.pk, "text": "Defaults only"}]
    [key] = insert_rows(Action, rows, returning=True)
    stored = Action.objects.get(pk=key)
    fresh = Action(objective_id=objective.pk, text="Defaults only")
    for name in ("position", "source_plan", "strand", "next_steps", "rag", "completed", "version"):
        assert getattr(stored, name) == getattr(fresh, name) == rows[0][name]
    assert stored.created_at is not None and stored.due_date is None


def test_a_first_status_is_stored_as_the_orm_stores_it(objective):
    ours_action, orm_action = (Action.objects.create(objective=objective, text=f"New {n}") for n in (1, 2))
    row = {
        "action_id": ours_action.pk,
        "author_id": None,
        "author_name": "Import",
        "created_at": AT,
        "from_rag": "",
        "to_rag": RAG.GREEN,
        "from_completed": False,
        "to_completed": True,
        "commentary": "=cmd|' /C calc'!A0",
        "version": 1,
        "source": UpdateSource.IMPORT,
    }
    insert_rows(StatusUpdate, [dict(row)])
    ours = StatusUpdate.objects.get(action=ours_action)
    theirs = StatusUpdate.objects.create(**{**row, "action_id": orm_action.pk})
    theirs.refresh_from_db()
    assert {**field_values(ours), "action_id": orm_action.pk} == field_values(theirs)
    assert ours.to_rag == "green" and ours.source == UpdateSource.IMPORT


def test_an_unknown_field_is_refused_before_anything_is_written(objective):
    before = Action.objects.count()
    with pytest.raises(ValueError, match="no field"):
        insert_rows(Action, [{"objective_id": objective.pk, "text": "x", "colour": "red"}])
    with pytest.raises(ValueError, match="no field"):
        insert_rows(Action, [{"objective": objective, "text": "x"}])  # a relation, not its column
    assert Action.objects.count() == before
    assert insert_rows(Action, []) == []


def test_many_rows_go_out_in_batches_with_their_keys_in_order(objective):
    rows = [{"objective_id": objective.pk, "text": f"Row {n}", "position": n % 30000} for n in range(1, 1300)]
    keys = insert_rows(Action, rows, returning=True)
    assert keys == sorted(keys) and len(set(keys)) == len(rows)
    stored = dict(Action.objects.filter(pk__in=keys).values_list("pk", "text"))
    assert all(stored[row["id"]] == row["text"] for row in rows)


def test_every_new_action_of_an_import_has_its_history_first_status_and_links(world, administrator):
    barnet = Borough.objects.get(slug="barnet")
    rows = [
        ["More Trust", f"{n % 3 + 1}. Objective {n % 3 + 1}", f"Action {n}", "Insp Moss", "", "Amber"]
        for n in range(1, 8)
    ]
    started = timezone.now()
    report = import_plan(
        borough=barnet, workbook_file=workbook(rows), user=administrator, dry_run=False, filename="b.xlsx"
    )
    assert report.applied, report.problems
    actions = Action.objects.filter(objective__plan__borough=barnet)
    assert actions.count() == 7
    for action in actions.prefetch_related("owners", "updates"):
        [record] = action.history.all()
        assert (record.history_type, record.history_user, record.text) == ("+", administrator, action.text)
        assert record.history_change_reason == "import: b.xlsx" and record.history_date >= started
        [first] = action.updates.all()
        assert (first.to_rag, first.version, first.source) == ("amber", 1, UpdateSource.IMPORT)
        assert action.version == 1 and action.rag == "amber"
        assert [o.label for o in action.owners.all()] == ["Insp Moss"]
    for objective in Objective.objects.filter(plan__borough=barnet):
        [record] = objective.history.all()
        assert record.history_type == "+" and record.history_user == administrator


def test_remembered_preparation_tells_equal_values_of_different_types_apart(db):
    from django.db import connection, models

    from plans.bulk import _prepared

    def plain(prepared):  # SQLite gets JSON text; psycopg a Jsonb wrapper around the value
        value = getattr(prepared, "obj", prepared)
        return type(value), value

    convert = _prepared(models.JSONField(), connection)
    assert plain(convert(1)) != plain(convert(True))
    assert plain(convert(True)) == plain(models.JSONField().get_db_prep_save(True, connection))
