"""apply_status_update: the one write path of an action's status."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plans.choices import RAG, UpdateSource
from plans.models import Action, StatusUpdate
from plans.services import StaleVersion, apply_status_update

pytestmark = pytest.mark.django_db
WHY = "Patrol plan agreed with the council and staffed."


@pytest.fixture
def amber_action(southwark_plan):
    return Action.objects.filter(objective__plan=southwark_plan, rag=RAG.AMBER).first()


def test_an_update_writes_the_history_row_and_the_current_state_together(amber_action, southwark_editor):
    result = apply_status_update(
        action=amber_action, user=southwark_editor, seen_version=1, rag="Green", commentary=WHY
    )
    amber_action.refresh_from_db()
    assert (amber_action.rag, amber_action.version, amber_action.last_commentary) == (
        RAG.GREEN,
        2,
        WHY,
    )
    assert amber_action.last_reviewed_by == southwark_editor
    row = result.update
    assert (row.from_rag, row.to_rag, row.author, row.version, row.source) == (
        RAG.AMBER,
        RAG.GREEN,
        southwark_editor,
        2,
        UpdateSource.PAGE,
    )


def test_changing_the_rag_needs_a_sentence_of_commentary(amber_action, southwark_editor):
    with pytest.raises(ValidationError) as err:
        apply_status_update(
            action=amber_action, user=southwark_editor, seen_version=1, rag="green", commentary="ok"
        )
    assert "commentary" in err.value.message_dict
    assert amber_action.updates.count() == 1


def test_a_wrong_rag_word_is_refused_with_a_clear_message(amber_action, southwark_editor):
    with pytest.raises(ValidationError) as err:
        apply_status_update(
            action=amber_action, user=southwark_editor, seen_version=1, rag="purple", commentary=WHY
        )
    assert "Red, Amber, Green" in err.value.message_dict["rag"][0]
    amber_action.refresh_from_db()
    assert (amber_action.rag, amber_action.version) == (RAG.AMBER, 1)


@pytest.mark.parametrize("username", ["lambeth.editor", "mopac.oversight", "analyst"])
def test_only_an_editor_of_the_borough_can_update(amber_action, username, django_user_model):
    user = django_user_model.objects.get(username=username)
    with pytest.raises(PermissionDenied):
        apply_status_update(action=amber_action, user=user, seen_version=1, rag="green", commentary=WHY)
    assert amber_action.updates.count() == 1


def test_an_update_against_an_old_version_is_refused_and_shows_the_newer_change(
    amber_action, southwark_editor
):
    apply_status_update(
        action=amber_action,
        user=southwark_editor,
        seen_version=1,
        rag="red",
        commentary="Funding withdrawn for the sessions this quarter.",
    )
    stale = Action.objects.get(pk=amber_action.pk)
    with pytest.raises(StaleVersion) as err:
        apply_status_update(action=stale, user=southwark_editor, seen_version=1, rag="green", commentary=WHY)
    assert err.value.action.rag == RAG.RED
    assert [u.to_rag for u in err.value.newer_updates] == [RAG.RED]
    assert StatusUpdate.objects.filter(action=amber_action).count() == 2
    assert Action.objects.get(pk=amber_action.pk).version == 2


def test_no_change_writes_nothing(amber_action, southwark_editor):
    result = apply_status_update(action=amber_action, user=southwark_editor, seen_version=1, rag="Amber")
    assert result.changed_fields == [] and result.update is None
    assert Action.objects.get(pk=amber_action.pk).version == 1
    assert amber_action.updates.count() == 1


def test_next_steps_and_due_date_change_without_a_history_row(amber_action, southwark_editor):
    import datetime as dt

    result = apply_status_update(
        action=amber_action,
        user=southwark_editor,
        seen_version=1,
        next_steps="Book the venue.",
        due_date=dt.date(2027, 3, 31),
    )
    assert result.update is None and set(result.changed_fields) == {"next_steps", "due_date"}
    amber_action.refresh_from_db()
    assert (amber_action.next_steps, amber_action.version) == ("Book the venue.", 2)
    assert amber_action.history.count() >= 1


def test_completion_is_recorded_and_shown_as_complete(amber_action, southwark_editor):
    apply_status_update(
        action=amber_action,
        user=southwark_editor,
        seen_version=1,
        completed=True,
        rag="green",
        commentary="Delivered: all sessions held and evaluated.",
    )
    amber_action.refresh_from_db()
    assert amber_action.status == "complete" and amber_action.completed_on is not None


def _statements(queries, verb, table):
    return [
        q["sql"] for q in queries if q["sql"].startswith(verb) and f'"{table}"' in q["sql"].split("WHERE")[0]
    ]


def test_an_update_reads_the_action_once_locked_and_writes_it_once(amber_action, southwark_editor):
    """Permission, version and state come from one read of the action's row, locked until the
    write commits (PostgreSQL: FOR NO KEY UPDATE of the action's row alone, not of its objective
    or plan, as the UPDATE itself would lock it); then one UPDATE of the action. A second writer
    holding the same version is refused."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    stale_copy = Action.objects.get(pk=amber_action.pk)
    with CaptureQueriesContext(connection) as ctx:
        apply_status_update(
            action=amber_action, user=southwark_editor, seen_version=1, rag="Green", commentary=WHY
        )
    reads = _statements(ctx.captured_queries, "SELECT", "plans_action")
    assert len(reads) == 1, reads
    assert len(_statements(ctx.captured_queries, "UPDATE", "plans_action")) == 1
    if connection.vendor == "postgresql":
        assert reads[0].endswith('FOR NO KEY UPDATE OF "plans_action"'), reads[0]
    with pytest.raises(StaleVersion):
        apply_status_update(
            action=stale_copy, user=southwark_editor, seen_version=1, rag="Red", commentary=WHY
        )
    assert StatusUpdate.objects.filter(action=amber_action).count() == 2


def test_a_change_that_changes_nothing_writes_no_statement(amber_action, southwark_editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        apply_status_update(action=amber_action, user=southwark_editor, seen_version=1, rag="Amber")
    writes = [
        q["sql"] for q in ctx.captured_queries if q["sql"].split(" ", 1)[0] in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes == []
