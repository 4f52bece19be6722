"""Property-based tests (hypothesis): any input to the status service and the importers either
writes a consistent result or is refused with a clear error and writes nothing."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from plans.choices import RAG
from plans.models import Action, Borough, MeasureReading, StatusUpdate
from plans.models.plan import TEXT_LIMIT
from plans.services import EARLIEST_DATE, LATEST_DATE, UNCHANGED, apply_status_update
from tests.test_faults import database_state as full_state

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

RAG_WORDS = ["red", "amber", "green", "not rated", "RED", "Green", " aMbEr ", "", "Not Rated"]
HOSTILE = [
    "<script>alert(1)</script>",
    '"onmouseover="alert(1)',
    "javascript:alert(1)",
    '=HYPERLINK("http://x")',
    "+1-2",
    "@SUM(A1)",
    "\x00\x07\x1b",
    "line\r\nbreak",
    "\u202ereversed",
    "x" * (TEXT_LIMIT + 1),
]
texts = st.one_of(
    st.text(max_size=300), st.sampled_from(HOSTILE), st.text(min_size=TEXT_LIMIT - 5, max_size=TEXT_LIMIT + 5)
)
rags = st.one_of(
    st.just(UNCHANGED), st.sampled_from(RAG_WORDS), st.text(max_size=20), st.integers(), st.none()
)
dates = st.one_of(
    st.just(UNCHANGED),
    st.none(),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.text(max_size=12),
    st.integers(),
)
completions = st.one_of(st.just(UNCHANGED), st.booleans(), st.sampled_from(["yes", 1, 0, None]))


def database_state():
    """Every table digested, except the survey readings (thousands of rows): counted and summed;
    and the borough stamps, which say "counted again" and may change when nothing else did (an
    update with no change claims a version and gives it back: two writes to the action's row)."""
    return full_state(summarise=("plans_measurereading",), skip=("plans_boroughstamp",))


def in_savepoint(test):
    """Run one example inside a savepoint that is rolled back: examples do not see each other."""
    with transaction.atomic():
        try:
            test()
        finally:
            transaction.set_rollback(True)


@PROPERTY
@given(
    rag=rags,
    completed=completions,
    commentary=texts,
    next_steps=st.one_of(st.just(UNCHANGED), texts),
    due=dates,
)
def test_a_status_update_is_one_consistent_row_or_nothing(
    southwark_plan, southwark_editor, rag, completed, commentary, next_steps, due
):
    def example():
        action = Action.objects.filter(objective__plan=southwark_plan).order_by("pk").first()
        before_state = database_state()
        before_updates = StatusUpdate.objects.count()
        before = Action.objects.get(pk=action.pk)
        try:
            result = apply_status_update(
                action=action,
                user=southwark_editor,
                seen_version=action.version,
                rag=rag,
                completed=completed,
                commentary=commentary,
                next_steps=next_steps,
                due_date=due,
            )
        except ValidationError as exc:
            assert exc.message_dict, "a refusal names the fields at fault"
            assert set(exc.message_dict) <= {"rag", "completed", "commentary", "next_steps", "due_date"}
            assert database_state() == before_state
            return
        after = Action.objects.get(pk=action.pk)
        written = StatusUpdate.objects.count() - before_updates
        if not result.changed_fields:
            assert written == 0
            assert database_state() == before_state
            return
        assert after.version == before.version + 1
        assert written == (1 if result.update else 0)
        # Whatever was accepted is well-formed: a real RAG, a date in range, clean bounded text.
        assert after.rag in RAG.values
        assert after.due_date is None or EARLIEST_DATE <= after.due_date <= LATEST_DATE
        for text in (after.next_steps, after.last_commentary):
            assert len(text) <= TEXT_LIMIT
            assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in text)
        if result.update:
            update = StatusUpdate.objects.get(pk=result.update.pk)
            assert (update.from_rag, update.to_rag) == (before.rag, after.rag)
            assert (update.from_completed, update.to_completed) == (before.completed, after.completed)
            assert update.version == after.version
            assert update.author == southwark_editor
            assert after.last_commentary == (update.commentary or before.last_commentary)
        else:
            assert (after.rag, after.completed) == (before.rag, before.completed)

    in_savepoint(example)


@PROPERTY
@given(seen=st.integers(min_value=-(2**31), max_value=2**31))
def test_a_wrong_version_never_writes(southwark_plan, southwark_editor, seen):
    action = Action.objects.filter(objective__plan=southwark_plan).order_by("pk").first()
    assume(seen != action.version)

    def example():
        from plans.services import StaleVersion

        before = database_state()
        with pytest.raises(StaleVersion):
            apply_status_update(
                action=action,
                user=southwark_editor,
                seen_version=seen,
                rag="red",
                commentary="A change made against an old version of the page.",
            )
        assert database_state() == before

    in_savepoint(example)


# --- plan import ------------------------------------------------------------------------------

cells = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.sampled_from(HOSTILE[:-1] + ["More Trust", "Less Crime", "1. Objective", "Green", "RED", "Complete"]),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.booleans(),
)
HEADERS = ["Pillar", "Objective", "Action", "Owners", "Drivers", "RAG", "Due date", "Complete", "Commentary"]


def workbook(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _illegal(value):
    return isinstance(value, str) and any(ord(c) < 32 and c not in "\t\n\r" for c in value)


@PROPERTY
@given(rows=st.lists(st.lists(cells, min_size=len(HEADERS), max_size=len(HEADERS)), min_size=1, max_size=6))
def test_a_plan_import_is_all_or_nothing_for_any_cells(world, administrator, rows):
    from plans.imports import import_plan

    assume(not any(_illegal(cell) for row in rows for cell in row))  # openpyxl cannot write these

    def example():
        borough = Borough.objects.get(slug="barnet")
        before = database_state()
        report = import_plan(borough=borough, workbook_file=workbook(rows), user=administrator, dry_run=False)
        if report.applied:
            assert report.ok
            assert borough.plans.exists()
            actions = Action.objects.filter(objective__plan__borough=borough)
            assert actions.exists()
            assert all(a.rag in RAG.values and len(a.text) <= TEXT_LIMIT for a in actions)
        else:
            assert report.rejected or report.problems, "a refusal says why"
            assert database_state() == before

    in_savepoint(example)


@PROPERTY
@given(data=st.binary(max_size=4000))
def test_any_bytes_as_a_plan_workbook_are_refused_cleanly(world, administrator, data):
    from plans.imports import import_plan

    def example():
        before = database_state()
        report = import_plan(
            borough=Borough.objects.get(slug="barnet"), workbook_file=data, user=administrator, dry_run=False
        )
        assert not report.applied
        assert report.rejected or report.problems
        assert database_state() == before

    in_savepoint(example)


# --- survey measures import -------------------------------------------------------------------

csv_cells = st.one_of(
    st.sampled_from(["Southwark", "E09000022", "London", "Nowhere", "", "MPS"]),
    st.sampled_from(["2023-06-30", "30/06/2023", "Q1 2023-24", "2023-13-45", "0000-00-00", "yesterday"]),
    st.sampled_from(["Good job local", "Trust MPS", "Unknown measure"]),
    st.sampled_from(["51.5", "66", "-1", "101", "1e309", "NaN", "abc", ""]),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters=',"\r\n'), max_size=20),
)


@PROPERTY
@given(rows=st.lists(st.lists(csv_cells, min_size=4, max_size=4), min_size=1, max_size=8))
def test_a_measures_import_is_all_or_nothing_for_any_rows(world, analyst_user, rows):
    from plans.measures_import import import_measures

    text = "borough,period,measure,value\n" + "\n".join(",".join(row) for row in rows) + "\n"

    def example():
        before = MeasureReading.objects.count()
        state = database_state()
        result = import_measures(
            file=SimpleUploadedFile("measures.csv", text.encode("utf-8"), content_type="text/csv"),
            user=analyst_user,
            dry_run=False,
        )
        if result.errors:
            assert all(str(error) for error in result.errors)
            assert database_state() == state
        else:
            assert MeasureReading.objects.count() == before + result.created
            values = MeasureReading.objects.values_list("value", flat=True)
            assert all(0 <= v <= 100 for v in values if v is not None)

    in_savepoint(example)
