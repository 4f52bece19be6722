"""Two people save the same action at the same moment: exactly one is accepted, the other is
refused (StaleVersion) and shown the accepted change; the history holds only the accepted one.

Real threads with their own database connections, committing for real (transactional test).
On PostgreSQL the second conditional UPDATE waits for the first transaction's row lock, then
finds the version moved on; on SQLite IMMEDIATE transactions queue the writers.
"""

import sqlite3
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, connections

from plans.choices import RAG
from plans.models import Action, StatusUpdate
from plans.services import StaleVersion, apply_status_update
from tests.conftest import ROLE_USERS

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 4


@pytest.fixture
def race_database(transactional_world, tmp_path):
    """A database several connections can write at once.

    PostgreSQL: the test database itself. SQLite: the test database is in memory with a shared
    cache, whose table locks fail at once instead of queueing; so the world is copied (online
    backup) into a file database, and every connection of this test, the main one included,
    uses that file, as a deployment would.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    path = tmp_path / "race.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings_dict = connections.settings["default"]
    original_name, original = settings_dict["NAME"], connections["default"]
    settings_dict["NAME"] = str(path)
    connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        connections["default"].close()
        settings_dict["NAME"] = original_name
        connections["default"] = original


def slow_history(monkeypatch, delay=0.15):
    """Hold each writer's transaction open a moment after it claimed the version, so the other
    writer certainly arrives while it is open."""
    real = StatusUpdate.objects.create

    def create(*args, **kwargs):
        time.sleep(delay)
        return real(*args, **kwargs)

    monkeypatch.setattr(StatusUpdate.objects, "create", create)


def race(action_pk, seen_version, attempts):
    """Run the attempts (rag, commentary) at once; return {rag: "accepted" | StaleVersion | error}."""
    user = get_user_model().objects.get(username=ROLE_USERS["southwark_editor"])
    barrier = threading.Barrier(len(attempts))
    outcomes = {}

    def save(rag, commentary):
        try:
            action = Action.objects.get(pk=action_pk)
            barrier.wait(timeout=10)
            apply_status_update(
                action=action, user=user, seen_version=seen_version, rag=rag, commentary=commentary
            )
            outcomes[rag] = "accepted"
        except StaleVersion as exc:
            outcomes[rag] = exc
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            outcomes[rag] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=attempt) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_concurrent_saves_one_accepted_one_refused(race_database, monkeypatch):
    slow_history(monkeypatch)
    action = Action.objects.filter(
        objective__plan__slug="southwark-trust-and-confidence-plan", rag=RAG.GREEN
    ).first()
    for _ in range(ROUNDS):
        action.refresh_from_db()
        seen = action.version
        before = StatusUpdate.objects.filter(action=action).count()
        attempts = [
            (RAG.RED, "Partner withdrew the funding this month, so delivery is off track."),
            (RAG.AMBER, "Two posts still vacant this month, so delivery is at risk."),
        ]
        if action.rag in (RAG.RED, RAG.AMBER):
            attempts = [
                (RAG.GREEN, "Back on track after the posts were filled."),
                attempts[1 if action.rag == RAG.RED else 0],
            ]
        outcomes = race(action.pk, seen, attempts)
        assert len(outcomes) == 2, outcomes
        accepted = [rag for rag, outcome in outcomes.items() if outcome == "accepted"]
        refused = [outcome for outcome in outcomes.values() if isinstance(outcome, StaleVersion)]
        assert len(accepted) == 1 and len(refused) == 1, outcomes
        # The refusal shows the person what the other saved.
        assert refused[0].action.version == seen + 1
        assert [u.to_rag for u in refused[0].newer_updates] == accepted
        action.refresh_from_db()
        assert (action.rag, action.version) == (accepted[0], seen + 1)
        history = StatusUpdate.objects.filter(action=action)
        assert history.count() == before + 1
        latest = history.order_by("-version").first()
        assert (latest.to_rag, latest.version) == (accepted[0], seen + 1)


def test_concurrent_saves_of_different_actions_both_succeed(race_database, monkeypatch):
    slow_history(monkeypatch, delay=0.05)
    user = get_user_model().objects.get(username=ROLE_USERS["southwark_editor"])
    actions = list(
        Action.objects.filter(objective__plan__slug="southwark-trust-and-confidence-plan", rag=RAG.GREEN)[:4]
    )
    barrier = threading.Barrier(len(actions))
    errors = []

    def save(action):
        try:
            barrier.wait(timeout=10)
            apply_status_update(
                action=action,
                user=user,
                seen_version=action.version,
                rag=RAG.AMBER,
                commentary="Slipping this month: the partner meeting moved to next quarter.",
            )
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert set(Action.objects.filter(pk__in=[a.pk for a in actions]).values_list("rag", flat=True)) == {
        RAG.AMBER
    }


def test_the_database_is_one_the_race_can_run_on():
    assert connection.vendor in {"postgresql", "sqlite"}


def test_an_update_waiting_on_a_move_of_its_action_is_not_refused(race_database):
    """The action moves to another objective of its plan in a transaction still open while its
    update arrives: the update waits for it, then is applied (on PostgreSQL the locked read
    checks the moved row against the objective it left and finds nothing, so it reads again
    once before refusing; on SQLite the IMMEDIATE transactions queue)."""
    from django.db import transaction

    from plans.models import Objective

    user = get_user_model().objects.get(username=ROLE_USERS["southwark_editor"])
    action = Action.objects.filter(objective__plan__slug="southwark-trust-and-confidence-plan").first()
    other = Objective.objects.filter(plan=action.objective.plan).exclude(pk=action.objective_id).first()
    moving, outcome = threading.Event(), []

    def move():
        try:
            with transaction.atomic():
                Action.objects.filter(pk=action.pk).update(objective=other)
                moving.set()
                time.sleep(0.6)
        finally:
            connections.close_all()

    def update():
        try:
            moving.wait(timeout=10)
            apply_status_update(
                action=Action.objects.get(pk=action.pk),
                user=user,
                seen_version=action.version,
                rag=RAG.RED if action.rag != RAG.RED else RAG.AMBER,
                commentary="Slipping this month: the partner meeting moved to next quarter.",
            )
            outcome.append("accepted")
        except Exception as exc:  # noqa: BLE001 — the test reports it
            outcome.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=move), threading.Thread(target=update)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcome == ["accepted"], outcome
    action.refresh_from_db()
    assert (action.objective_id, action.version) == (other.pk, action.version)
    assert StatusUpdate.objects.filter(action=action, version=action.version).exists()


def test_a_refused_update_keeps_the_connections_prepared_statements(race_database):
    """A stale or invalid update wrote nothing and ends its transaction with a commit: psycopg
    drops every prepared statement of the connection on a rollback, and a 409 is common on a
    review day."""
    if connection.vendor != "postgresql" or not connection.settings_dict["OPTIONS"].get(
        "server_side_binding"
    ):
        pytest.skip("PostgreSQL with prepared statements only")
    user = get_user_model().objects.get(username=ROLE_USERS["southwark_editor"])
    action = Action.objects.filter(objective__plan__slug="southwark-trust-and-confidence-plan").first()
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("SELECT COUNT(*) FROM plans_borough WHERE slug <> %s", ["nowhere"])

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall() if "slug <> $1" in row[0]]

    assert prepared()
    with pytest.raises(StaleVersion):
        apply_status_update(
            action=action, user=user, seen_version=action.version - 1, rag=RAG.RED, commentary="x" * 20
        )
    with pytest.raises(ValidationError):
        apply_status_update(action=action, user=user, seen_version=action.version, rag="purple")
    assert prepared()
