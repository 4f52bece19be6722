"""The API's answer of an action is written by hand (``plans.api.action_json``) for
speed: it must be the JSON DRF writes from the declared fields, key for key and in order, for
every action, every filter and every way an action is answered (list, read, PATCH, conflict)."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from plans.api.serializers import ActionSerializer
from plans.api.views import actions as action_views
from plans.models import Action, Theme

pytestmark = pytest.mark.django_db

COMMENT = "Reviewed at the monthly meeting with the team."


def _both(client, monkeypatch, method, url, **kwargs):
    """The same request answered by the hand-written representation and by DRF's fields."""
    fast = getattr(client, method)(url, **kwargs)
    with monkeypatch.context() as patched:
        _declared_fields_only(patched)
        slow = getattr(client, method)(url, **kwargs)
    return fast, slow


def _declared_fields_only(patched):
    """DRF's declared fields, reading owners and drivers through the relations themselves (not
    the rows ``attach_refs`` reads for the hand-written JSON)."""
    patched.setattr(ActionSerializer, "to_representation", ActionSerializer.field_by_field)
    patched.setattr(action_views, "attach_refs", lambda actions: actions)


def _text(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def varied(world, southwark_plan):
    """Southwark's actions with every kind of value: complete, no due date, a theme, reviewed in
    summer time (BST), owners and drivers."""
    actions = list(Action.objects.filter(objective__plan=southwark_plan).order_by("pk"))
    theme = Theme.objects.first() or Theme.objects.create(slug="visibility", name="Visibility", order=1)
    objective = actions[0].objective
    objective.theme = theme
    objective.save()
    Action.objects.filter(pk=actions[1].pk).update(due_date=None)
    Action.objects.filter(pk=actions[2].pk).update(
        completed=True,
        completed_on=dt.date(2025, 7, 1),
        last_reviewed_at=dt.datetime(2025, 7, 1, 9, 30, tzinfo=dt.UTC),
    )
    Action.objects.filter(pk=actions[3].pk).update(
        last_reviewed_at=dt.datetime(2025, 1, 5, 23, 59, 59, 123456, tzinfo=dt.UTC)
    )
    return southwark_plan


@pytest.mark.parametrize(
    "query",
    [
        "?page_size=1000",
        "?borough=southwark&page_size=1000",
        "?as_at={yesterday}&page_size=1000",
        "?as_at={today}&page_size=1000",
        "?rag=red&rag=amber",
        "?ordering=-due_date&page=2",
    ],
)
def test_the_list_is_the_json_of_the_declared_fields(client_as, varied, monkeypatch, query):
    client = client_as("oversight")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    fast, slow = _both(
        client,
        monkeypatch,
        "get",
        "/api/v1/actions/" + query.format(yesterday=yesterday, today=timezone.localdate()),
    )
    assert fast.status_code == slow.status_code == 200
    assert json.loads(fast.content)["results"], "the filter should find actions"
    assert _text(fast) == _text(slow)


def test_one_action_the_csv_and_a_format_suffix_are_the_same_too(client_as, varied, monkeypatch):
    client = client_as("oversight")
    action = Action.objects.filter(objective__plan=varied).order_by("pk")[2]
    for url in (
        f"/api/v1/actions/{action.pk}/",
        f"/api/v1/actions/{action.pk}/?as_at={timezone.localdate()}",
        f"/api/v1/actions/{action.pk}.json",
        "/api/v1/actions/?borough=southwark&format=csv",
    ):
        fast, slow = _both(client, monkeypatch, "get", url)
        assert fast.status_code == slow.status_code == 200, url
        assert _text(fast) == _text(slow), url
    body = client.get(f"/api/v1/actions/{action.pk}/").json()
    assert body["completed"] is True and body["status"] == "complete"
    assert body["last_reviewed_at"] == "2025-07-01T10:30:00+01:00"  # local time, summer


def _slow_get(client, monkeypatch, url):
    with monkeypatch.context() as patched:
        _declared_fields_only(patched)
        return client.get(url).json()


def test_a_patch_and_a_conflict_answer_what_a_read_of_the_declared_fields_gives(
    client_as, varied, monkeypatch
):
    client = client_as("southwark_editor")
    action = Action.objects.filter(objective__plan=varied, completed=False).order_by("pk").first()
    url = f"/api/v1/actions/{action.pk}/"
    version = client.get(url).json()["version"]
    done = client.patch(
        url, json.dumps({"version": version, "rag": "red", "commentary": COMMENT}), "application/json"
    )
    assert done.status_code == 200
    assert done.json() == _slow_get(client, monkeypatch, url)
    assert list(done.json()) == list(ActionSerializer.Meta.fields)
    refused = client.patch(
        url, json.dumps({"version": version, "rag": "green", "commentary": COMMENT}), "application/json"
    )
    assert refused.status_code == 409
    assert refused.json()["current"] == _slow_get(client, monkeypatch, url)


def test_values_written_as_drf_writes_them_on_every_action(rf, varied, southwark_editor):
    """Action by action, through the serializer itself: every action of the world."""
    from rest_framework.request import Request

    request = rf.get("/api/v1/actions/")
    request.user = southwark_editor
    context = {"request": Request(request)}
    actions = (
        Action.objects.with_status()
        .select_related("objective__plan__borough", "objective__pillar", "objective__theme")
        .prefetch_related("owners", "drivers__framework")
    )
    checked = 0
    for action in actions:
        serializer = ActionSerializer(action, context=context)
        assert serializer.to_representation(action) == serializer.field_by_field(action)
        checked += 1
    assert checked > 100


def test_the_owners_and_drivers_read_as_rows_are_the_relations_in_their_order(
    varied, django_assert_num_queries
):
    """``attach_refs`` (two queries for any number of actions) gives each action its owners
    (label, then id: two owners of one label keep their ids' order) and its drivers (framework,
    order, name), as the relations read them; an action with none gets empty lists."""
    from plans.api.refs import attach_refs
    from plans.models import Owner

    actions = list(Action.objects.filter(objective__plan=varied).order_by("pk"))
    first = actions[0]
    twins = [
        Owner.objects.create(borough=varied.borough, key=f"twin-{n}", label="Neighbourhood Inspector")
        for n in range(2)
    ]
    first.owners.add(*reversed(twins))
    actions[1].owners.clear()
    actions[1].drivers.clear()
    with django_assert_num_queries(2):
        attach_refs(actions)
    for action in actions:
        owners = [(o.pk, o.label, o.rank, o.name, o.team) for o in action.owners.order_by("label", "pk")]
        assert [(o.pk, o.label, o.rank, o.name, o.team) for o in action.owners_prefetched] == owners
        drivers = [(d.slug, d.name, d.framework.slug) for d in action.drivers.all()]
        assert [(d.slug, d.name, d.framework.slug) for d in action.drivers_prefetched] == drivers
    assert [ref.pk for ref in first.owners_prefetched if ref.label == "Neighbourhood Inspector"] == sorted(
        twin.pk for twin in twins
    )
    assert actions[1].owners_prefetched == [] and actions[1].drivers_prefetched == []
    assert sum(len(a.drivers_prefetched) for a in actions) > len(actions)
    with django_assert_num_queries(0):
        assert attach_refs([]) == []
