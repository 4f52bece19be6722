"""The REST API under /api/v1/: each endpoint and filter, CSV, PATCH with versions, query counts."""

import csv
import datetime as dt
import io
import logging
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from drivers.models import Driver, Framework, Measure
from plans.choices import RAG, Status, UpdateSource
from plans.models import (
    Action,
    Borough,
    Challenge,
    ChallengeReply,
    MeasureReading,
    Objective,
    Plan,
    StatusUpdate,
)
from plans.services import apply_status_update
from tests.api_helpers import api_client_as

pytestmark = pytest.mark.django_db

COMMENT = "Reviewed at the monthly meeting with the team."


@pytest.fixture
def api(world):
    return api_client_as


def southwark_actions():
    return Action.objects.filter(objective__plan__borough__slug="southwark")


def first_action(slug):
    return Action.objects.filter(objective__plan__borough__slug=slug).order_by("pk").first()


def all_results(client, url, params=None):
    """Follow every page of a list; returns the rows."""
    rows, response = [], client.get(url, params or {})
    while True:
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        if not response.json()["next"]:
            return rows
        response = client.get(response.json()["next"])


# --- boroughs, plans, objectives ----------------------------------------------------------------
def test_boroughs_list_carries_bcu_and_current_rag_summary(api):
    response = api("analyst").get(reverse("api:borough-list"), {"page_size": 100})
    assert response.status_code == 200
    rows = {row["slug"]: row for row in response.json()["results"]}
    assert response.json()["count"] == Borough.objects.count() == len(rows)
    southwark = rows["southwark"]
    assert southwark["bcu"]["name"] == Borough.objects.get(slug="southwark").bcu.name
    expected = {s.value: 0 for s in Status}
    for action in southwark_actions():
        expected[action.status.value] += 1
    summary = southwark["summary"]
    assert {k: summary[k] for k in expected} == expected
    assert summary["total"] == southwark_actions().count() == 61
    assert summary["red"] == expected["red"] > 0
    assert southwark["plan"] == Plan.objects.get(borough__slug="southwark").pk
    assert rows["camden"]["summary"]["total"] == 0 and rows["camden"]["plan"] is None


def test_borough_detail_by_slug_and_bcu_filter(api):
    client = api("oversight")
    response = client.get(reverse("api:borough-detail", args=["lambeth"]))
    assert response.status_code == 200
    assert (
        response.json()["summary"]["total"]
        == Action.objects.filter(objective__plan__borough__slug="lambeth").count()
    )
    bcu = Borough.objects.get(slug="southwark").bcu
    rows = client.get(reverse("api:borough-list"), {"bcu": bcu.slug}).json()["results"]
    assert {r["slug"] for r in rows} == set(bcu.boroughs.values_list("slug", flat=True))
    assert client.get(reverse("api:borough-detail", args=["atlantis"])).status_code == 404


def test_boroughs_filter_by_is_synthetic(api):
    made_up = Borough.objects.create(
        slug="synthetic-borough-901",
        name="Synthetic borough 901",
        ons_code="S90000901",
        bcu=Borough.objects.get(slug="southwark").bcu,
        is_synthetic=True,
    )
    client = api("analyst")
    synthetic = all_results(client, reverse("api:borough-list"), {"is_synthetic": "true"})
    assert [r["slug"] for r in synthetic] == [made_up.slug]
    real = all_results(client, reverse("api:borough-list"), {"is_synthetic": "false"})
    assert made_up.slug not in {r["slug"] for r in real} and "southwark" in {r["slug"] for r in real}
    assert len(real) == Borough.objects.filter(is_synthetic=False).count()


def test_plans_filter_by_borough_and_force(api):
    client = api("analyst")
    rows = client.get(reverse("api:plan-list"), {"borough": "lambeth"}).json()["results"]
    assert [r["borough"]["slug"] for r in rows] == ["lambeth"]
    assert rows[0]["action_count"] == Action.objects.filter(objective__plan__borough__slug="lambeth").count()
    forces = client.get(reverse("api:plan-list"), {"is_force": "true"}).json()["results"]
    assert all(r["is_force"] and r["borough"] is None for r in forces)
    assert len(forces) == Plan.objects.filter(borough__isnull=True).count()
    detail = client.get(reverse("api:plan-detail", args=[rows[0]["id"]])).json()
    assert detail["slug"] == Plan.objects.get(borough__slug="lambeth").slug


def test_objectives_filter_by_plan_borough_and_pillar(api, southwark_plan):
    client = api("analyst")
    rows = all_results(client, reverse("api:objective-list"), {"plan": southwark_plan.pk})
    assert len(rows) == southwark_plan.objectives.count() == 10
    assert all(r["borough"]["slug"] == "southwark" and r["pillar"] for r in rows)
    pillar = rows[0]["pillar"]["slug"]
    some = client.get(reverse("api:objective-list"), {"borough": "southwark", "pillar": pillar}).json()
    assert some["count"] == southwark_plan.objectives.filter(pillar__slug=pillar).count() < 10
    assert client.get(reverse("api:objective-list"), {"borough": "atlantis"}).status_code == 400


# --- actions --------------------------------------------------------------------------------------
def test_action_list_names_related_objects(api):
    action = first_action("southwark")
    rows = api("analyst").get(reverse("api:action-list"), {"borough": "southwark", "page_size": 5}).json()
    row = next(r for r in rows["results"] if r["id"] == action.pk)
    assert row["borough"] == {"slug": "southwark", "name": "Southwark"}
    assert row["pillar"]["name"] == action.objective.pillar.name
    assert row["objective"] == {
        "id": action.objective_id,
        "number": action.objective.number,
        "title": action.objective.title,
    }
    assert {o["label"] for o in row["owners"]} == set(action.owners.values_list("label", flat=True))
    assert {d["slug"] for d in row["drivers"]} == set(action.drivers.values_list("slug", flat=True))
    assert row["rag"] == action.rag and row["status"] == action.status.value
    assert row["version"] == action.version
    assert row["stale"] == action.is_stale() and row["overdue"] == action.is_overdue()
    assert row["url"].endswith(reverse("api:action-detail", args=[action.pk]))


def test_red_actions_of_a_borough(api):
    rows = all_results(api("analyst"), reverse("api:action-list"), {"borough": "southwark", "rag": "red"})
    assert len(rows) == 4
    assert {r["status"] for r in rows} == {"red"}
    assert {r["borough"]["slug"] for r in rows} == {"southwark"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"bcu": "__southwark_bcu__"},
            lambda qs: qs.filter(objective__plan__borough__bcu__boroughs__slug="southwark"),
        ),
        ({"pillar": "__first_pillar__"}, None),
        ({"rag": ["amber", "green"]}, lambda qs: qs.filter(rag__in=["amber", "green"], completed=False)),
        ({"overdue": "true"}, None),
        ({"stale": "true"}, None),
        ({"stale": "false"}, None),
    ],
    ids=["bcu", "pillar", "rag-multiple", "overdue", "stale", "not-stale"],
)
def test_action_filters_match_the_one_filterset(api, southwark, params, expected):
    from plans.filtersets import ActionFilterSet

    client = api("oversight")
    params = dict(params)
    if params.get("bcu") == "__southwark_bcu__":
        params["bcu"] = southwark.bcu.slug
    if params.get("pillar") == "__first_pillar__":
        params["pillar"] = southwark_actions().first().objective.pillar.slug
    rows = all_results(client, reverse("api:action-list"), params | {"page_size": 1000})
    filterset = ActionFilterSet(QueryDict(urlencode(params, doseq=True)), user=client.user)
    assert filterset.is_valid()
    want = set(filterset.qs.values_list("pk", flat=True))
    assert {r["id"] for r in rows} == want
    if expected:
        assert want == set(expected(Action.objects.all()).values_list("pk", flat=True))


def test_action_filters_objective_driver_owner(api, southwark_plan):
    client = api("analyst")
    action = Action.objects.filter(
        objective__plan=southwark_plan, drivers__isnull=False, owners__isnull=False
    ).first()
    objective_rows = all_results(client, reverse("api:action-list"), {"objective": action.objective_id})
    assert {r["id"] for r in objective_rows} == set(action.objective.actions.values_list("pk", flat=True))
    driver = action.drivers.first()
    driver_rows = all_results(client, reverse("api:action-list"), {"driver": driver.slug, "page_size": 1000})
    assert {r["id"] for r in driver_rows} == set(driver.actions.values_list("pk", flat=True))
    assert all(driver.slug in {d["slug"] for d in r["drivers"]} for r in driver_rows)
    owner = action.owners.first()
    owner_rows = all_results(client, reverse("api:action-list"), {"owner": owner.pk})
    assert {r["id"] for r in owner_rows} == set(owner.actions.values_list("pk", flat=True))


def test_as_at_gives_the_status_as_it_stood(api, lambeth_editor):
    action = (
        Action.objects.filter(objective__plan__borough__slug="lambeth", completed=False)
        .order_by("pk")
        .first()
    )
    old = action.rag
    new = RAG.RED if old != RAG.RED else RAG.GREEN
    apply_status_update(
        action=action, user=lambeth_editor, seen_version=action.version, rag=new, commentary=COMMENT
    )
    client = api("analyst")
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    then = client.get(reverse("api:action-detail", args=[action.pk]), {"as_at": yesterday}).json()
    now = client.get(reverse("api:action-detail", args=[action.pk])).json()
    assert then["rag"] == old and now["rag"] == new
    rows = all_results(
        client, reverse("api:action-list"), {"borough": "lambeth", "rag": new, "as_at": yesterday}
    )
    assert action.pk not in {r["id"] for r in rows}


def test_invalid_filter_values_are_400_with_the_field(api):
    client = api("analyst")
    for params, field in [
        ({"rag": "purple"}, "rag"),
        ({"borough": "atlantis"}, "borough"),
        ({"as_at": "2199-01-01"}, "as_at"),
        ({"stale": "maybe"}, "stale"),
    ]:
        response = client.get(reverse("api:action-list"), params)
        assert response.status_code == 400, params
        assert field in response.json()


def test_pagination_is_stable_and_complete_under_any_ordering(api):
    client = api("analyst")
    expected = set(southwark_actions().values_list("pk", flat=True))
    for ordering in ["due_date", "-last_reviewed_at", "version", None]:
        params = {"borough": "southwark", "page_size": 7}
        if ordering:
            params["ordering"] = ordering
        ids = [r["id"] for r in all_results(client, reverse("api:action-list"), params)]
        assert len(ids) == len(set(ids)) == len(expected), ordering
        assert set(ids) == expected


def test_ordering_orders(api):
    rows = all_results(
        api("analyst"),
        reverse("api:action-list"),
        {"borough": "southwark", "ordering": "-version", "page_size": 1000},
    )
    versions = [r["version"] for r in rows]
    assert versions == sorted(versions, reverse=True)


def test_action_detail_has_an_etag_of_id_and_version(api):
    action = first_action("lambeth")
    response = api("oversight").get(reverse("api:action-detail", args=[action.pk]))
    assert response.status_code == 200
    assert response["ETag"] == f'"action-{action.pk}-v{action.version}"'
    assert response.json()["version"] == action.version
    assert api("oversight").get(reverse("api:action-detail", args=[10**9])).status_code == 404


# --- status updates ------------------------------------------------------------------------------
def test_updates_of_one_action_newest_first(api):
    action = Action.objects.filter(objective__plan__borough__slug="lambeth").order_by("pk").first()
    rows = all_results(api("analyst"), reverse("api:action-updates", args=[action.pk]))
    assert [r["id"] for r in rows] == list(
        action.updates.order_by("-created_at", "-id").values_list("pk", flat=True)
    )
    assert len(rows) > 1 and {r["action"] for r in rows} == {action.pk}
    assert api("analyst").get(reverse("api:action-updates", args=[10**9])).status_code == 404


def test_status_updates_filter_by_date_range(api):
    client = api("analyst")
    lambeth = StatusUpdate.objects.filter(action__objective__plan__borough__slug="lambeth")
    days = sorted({timezone.localdate(u.created_at) for u in lambeth})
    assert len(days) > 2
    start, end = days[1], days[-2]
    rows = all_results(
        client,
        reverse("api:statusupdate-list"),
        {
            "borough": "lambeth",
            "created_after": start.isoformat(),
            "created_before": end.isoformat(),
            "page_size": 1000,
        },
    )
    expected = {u.pk for u in lambeth if start <= timezone.localdate(u.created_at) <= end}
    assert {r["id"] for r in rows} == expected and expected
    assert all(r["borough"]["slug"] == "lambeth" for r in rows)
    moment = lambeth.order_by("created_at")[2].created_at
    after = client.get(
        reverse("api:statusupdate-list"), {"borough": "lambeth", "created_after": moment.isoformat()}
    ).json()
    assert after["count"] == lambeth.filter(created_at__gte=moment).count()
    bad = client.get(reverse("api:statusupdate-list"), {"created_after": "last tuesday"})
    assert bad.status_code == 400 and "created_after" in bad.json()


def test_status_updates_filter_by_action_source_and_rag(api, southwark_editor):
    action = first_action("southwark")
    apply_status_update(
        action=action,
        user=southwark_editor,
        seen_version=action.version,
        rag=RAG.AMBER if action.rag != RAG.AMBER else RAG.RED,
        commentary=COMMENT,
        source=UpdateSource.API,
    )
    rows = api("analyst").get(reverse("api:statusupdate-list"), {"source": "api"}).json()["results"]
    assert [r["action"] for r in rows] == [action.pk]
    assert rows[0]["author"] == southwark_editor.get_full_name() or southwark_editor.username
    detail = api("analyst").get(reverse("api:statusupdate-detail", args=[rows[0]["id"]])).json()
    assert detail["commentary"] == COMMENT and detail["version"] == action.version


# --- CSV -----------------------------------------------------------------------------------------
def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="trustplan-')
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def test_actions_csv_has_every_matching_row_unpaged(api):
    rows = read_csv(api("analyst").get(reverse("api:action-list"), {"borough": "southwark", "format": "csv"}))
    assert len(rows) == 61 > 0
    red = read_csv(
        api("analyst").get(
            reverse("api:action-list"), {"borough": "southwark", "rag": "red", "format": "csv"}
        )
    )
    assert len(red) == 4 and {r["status"] for r in red} == {"red"}
    assert all(r["borough"] == "Southwark" for r in red)


def test_safe_cell_prefixes_every_formula_start():
    from plans.api.renderers import safe_cell

    for text in ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"]:
        assert safe_cell(text) == "'" + text
    assert safe_cell("Plain text") == "Plain text" and safe_cell(-3) == "-3" and safe_cell(None) == ""
    assert safe_cell(True) == "true"


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)"])
def test_csv_cells_cannot_become_formulas(api, southwark_editor, payload):
    action = first_action("southwark")
    apply_status_update(
        action=action,
        user=southwark_editor,
        seen_version=action.version,
        commentary=f"{payload} noted at the monthly review meeting",
    )
    rows = read_csv(api("analyst").get(reverse("api:action-updates", args=[action.pk]), {"format": "csv"}))
    latest = rows[0]["commentary"]
    assert latest.startswith("'") and latest[1:].startswith(payload.strip())
    actions = read_csv(
        api("analyst").get(reverse("api:action-list"), {"objective": action.objective_id, "format": "csv"})
    )
    row = next(r for r in actions if int(r["id"]) == action.pk)
    assert row["commentary"].startswith("'")


def test_status_updates_and_readings_as_csv(api):
    client = api("analyst")
    updates = read_csv(client.get(reverse("api:statusupdate-list"), {"borough": "lambeth", "format": "csv"}))
    assert (
        len(updates) == StatusUpdate.objects.filter(action__objective__plan__borough__slug="lambeth").count()
    )
    measure = MeasureReading.objects.filter(borough__isnull=True).first().measure
    readings = read_csv(
        client.get(
            reverse("api:reading-list"), {"measure": measure.slug, "borough": "london", "format": "csv"}
        )
    )
    assert len(readings) == MeasureReading.objects.filter(measure=measure, borough__isnull=True).count() > 0
    assert {r["borough"] for r in readings} == {""}


def test_csv_errors_are_answered_in_json(api):
    response = api("analyst").get(reverse("api:action-list"), {"rag": "purple", "format": "csv"})
    assert response.status_code == 400 and "rag" in response.json()


# --- readings, challenges, drivers ---------------------------------------------------------------
def test_readings_filter_by_borough_and_period(api):
    client = api("analyst")
    reading = MeasureReading.objects.filter(borough__slug="southwark").order_by("period_end").last()
    rows = all_results(
        client,
        reverse("api:reading-list"),
        {
            "borough": "southwark",
            "measure": reading.measure.slug,
            "period_after": reading.period_end.isoformat(),
        },
    )
    assert [r["id"] for r in rows] == [reading.pk]
    assert rows[0]["value"] == str(reading.value) and rows[0]["borough"]["slug"] == "southwark"


def test_challenges_with_replies(api, oversight_user, southwark_editor, southwark_plan):
    action = first_action("southwark")
    challenge = Challenge.objects.create(
        plan=southwark_plan,
        action=action,
        question="Why has this action been Red for three months?",
        raised_by=oversight_user,
    )
    ChallengeReply.objects.create(
        challenge=challenge, author=southwark_editor, text="Staffing; recovery plan agreed."
    )
    client = api("lambeth_editor")
    rows = client.get(reverse("api:challenge-list"), {"borough": "southwark"}).json()["results"]
    assert [r["id"] for r in rows] == [challenge.pk]
    assert (
        rows[0]["action"] == action.pk and rows[0]["replies"][0]["text"] == "Staffing; recovery plan agreed."
    )
    assert client.get(reverse("api:challenge-list"), {"borough": "lambeth"}).json()["count"] == 0
    assert (
        client.get(reverse("api:challenge-detail", args=[challenge.pk])).json()["question"]
        == challenge.question
    )


@pytest.fixture
def three_challenges(oversight_user, southwark_plan, lambeth_plan):
    """One open challenge on a Southwark action, one answered on the plan, one closed on Lambeth."""
    action = first_action("southwark")
    return {
        "on_action": Challenge.objects.create(
            plan=southwark_plan, action=action, question="Why Red?", raised_by=oversight_user
        ),
        "answered": Challenge.objects.create(
            plan=southwark_plan, question="Who owns this?", raised_by=oversight_user, status="answered"
        ),
        "lambeth": Challenge.objects.create(
            plan=lambeth_plan, question="When?", raised_by=oversight_user, status="closed"
        ),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (lambda c: {"plan": c["answered"].plan_id}, {"on_action", "answered"}),
        (lambda c: {"plan": c["lambeth"].plan_id}, {"lambeth"}),
        (lambda c: {"action": c["on_action"].action_id}, {"on_action"}),
        (lambda c: {"status": "answered"}, {"answered"}),
        (lambda c: {"status": ["open", "closed"]}, {"on_action", "lambeth"}),
    ],
    ids=["plan", "other-plan", "action", "status", "two-statuses"],
)
def test_challenges_filter_by_plan_action_and_status(api, three_challenges, params, expected):
    rows = all_results(api("analyst"), reverse("api:challenge-list"), params(three_challenges))
    assert {r["id"] for r in rows} == {three_challenges[key].pk for key in expected}


def test_challenge_filters_refuse_bad_values(api, three_challenges):
    client = api("analyst")
    for params in [{"status": "pending"}, {"plan": "first"}, {"action": "0"}]:
        response = client.get(reverse("api:challenge-list"), params)
        assert response.status_code == 400 and set(params) <= set(response.json()), response.json()


def test_frameworks_drivers_measures(api):
    client = api("analyst")
    frameworks = all_results(client, reverse("api:framework-list"))
    assert {f["slug"] for f in frameworks} == set(Framework.objects.values_list("slug", flat=True))
    framework = Framework.objects.filter(drivers__isnull=False).first()
    detail = client.get(reverse("api:framework-detail", args=[framework.slug])).json()
    assert {d["slug"] for d in detail["drivers"]} == set(framework.drivers.values_list("slug", flat=True))
    drivers = all_results(client, reverse("api:driver-list"), {"framework": framework.slug})
    assert {d["slug"] for d in drivers} == set(framework.drivers.values_list("slug", flat=True))
    driver = Driver.objects.filter(measures__isnull=False).first()
    measures = all_results(client, reverse("api:measure-list"), {"driver": driver.slug})
    assert {m["slug"] for m in measures} == set(driver.measures.values_list("slug", flat=True))
    measure = Measure.objects.first()
    assert client.get(reverse("api:measure-detail", args=[measure.slug])).json()["name"] == measure.name
    assert (
        client.get(reverse("api:driver-detail", args=[driver.slug])).json()["framework"]["slug"]
        == driver.framework.slug
    )


# --- PATCH ---------------------------------------------------------------------------------------
def snapshot(action):
    action.refresh_from_db()
    return (
        action.version,
        action.rag,
        action.completed,
        action.next_steps,
        action.due_date,
        StatusUpdate.objects.filter(action=action).count(),
    )


def patch(client, action, data, **headers):
    return client.patch(reverse("api:action-detail", args=[action.pk]), data, format="json", headers=headers)


def test_patch_with_version_updates_through_the_service(api):
    action = first_action("southwark")
    before = action.version
    new = RAG.RED if action.rag != RAG.RED else RAG.AMBER
    response = patch(
        api("southwark_editor"),
        action,
        {
            "version": before,
            "rag": new.value,
            "commentary": COMMENT,
            "next_steps": "Report back in March.",
            "due_date": "2027-03-31",
        },
    )
    assert response.status_code == 200, response.json()
    action.refresh_from_db()
    assert action.version == before + 1 and action.rag == new and action.next_steps == "Report back in March."
    assert action.due_date == dt.date(2027, 3, 31)
    update = action.updates.order_by("-version").first()
    assert (
        update.source == UpdateSource.API
        and update.commentary == COMMENT
        and update.author.username == "southwark.editor"
    )
    assert response.json()["version"] == before + 1 and response.json()["rag"] == new
    assert response["ETag"] == f'"action-{action.pk}-v{before + 1}"'


def test_patch_with_if_match_etag(api):
    action = first_action("southwark")
    client = api("southwark_editor")
    etag = client.get(reverse("api:action-detail", args=[action.pk]))["ETag"]
    response = patch(
        client,
        action,
        {"completed": True, "commentary": "Delivered: every victim is now called back."},
        **{"If-Match": etag},
    )
    assert response.status_code == 200, response.json()
    action.refresh_from_db()
    assert action.completed and action.completed_on == timezone.localdate()
    assert response.json()["status"] == "complete"


def test_patch_words_in_any_case_are_accepted(api):
    action = first_action("southwark")
    target = "Amber" if action.rag != RAG.AMBER else "GREEN"
    response = patch(
        api("southwark_editor"), action, {"version": action.version, "rag": target, "commentary": COMMENT}
    )
    assert response.status_code == 200
    assert response.json()["rag"] == target.lower()


def test_patch_without_version_is_refused_and_writes_nothing(api):
    action = first_action("southwark")
    before = snapshot(action)
    response = patch(api("southwark_editor"), action, {"rag": "red", "commentary": COMMENT})
    assert response.status_code == 428
    assert "version" in response.json()["detail"] and "If-Match" in response.json()["detail"]
    assert snapshot(action) == before


@pytest.mark.parametrize("role", ["southwark_editor", "lambeth_editor", "oversight"])
def test_an_action_taken_out_of_the_plan_is_a_404_that_says_so_and_nothing_is_written(api, role):
    """GET and PATCH of a retired action: 404 naming the day it left the plan (London time) and
    where its history stays, which answers; an unknown id is still "No such action."."""
    action = first_action("southwark")
    Action.objects.filter(pk=action.pk).update(retired_at=dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC))
    before = snapshot(action)
    client = api(role)
    url = reverse("api:action-detail", args=[action.pk])
    history = reverse("api:action-updates", args=[action.pk])
    said = (
        "This action was taken out of the plan on 02 Jul 2026: it is no longer read or updated here. "
        f"Its status history stays at {history}."
    )
    read = client.get(url)
    patched = patch(client, action, {"version": action.version, "rag": "red", "commentary": COMMENT})
    assert (read.status_code, read.json()) == (404, {"detail": said})
    assert (patched.status_code, patched.json()) == (404, {"detail": said})
    assert snapshot(action) == before
    assert client.get(history).json()["count"] == before[-1] > 0
    missing = client.get(reverse("api:action-detail", args=[10**9]))
    assert (missing.status_code, missing.json()) == (404, {"detail": "No such action."})
    # Retired just after its first status: as at the day before it did not exist yet, and was
    # not taken out then; as at that day it was.
    first_at = action.updates.order_by("created_at").first().created_at
    Action.objects.filter(pk=action.pk).update(retired_at=first_at + dt.timedelta(seconds=1))
    first = timezone.localdate(first_at)
    yesterday = client.get(url + f"?as_at={first - dt.timedelta(days=1):%Y-%m-%d}")
    assert (yesterday.status_code, yesterday.json()) == (404, {"detail": "No such action."})
    today = client.get(url + f"?as_at={first:%Y-%m-%d}")
    assert today.status_code == 404 and "taken out of the plan on" in today.json()["detail"]


@pytest.mark.parametrize("via", ["body", "if-match"])
def test_patch_with_a_stale_version_is_refused_with_the_current_state(api, southwark_editor, via):
    action = first_action("southwark")
    seen = action.version
    other = RAG.GREEN if action.rag != RAG.GREEN else RAG.AMBER
    apply_status_update(
        action=action, user=southwark_editor, seen_version=seen, rag=other, commentary=COMMENT
    )
    before = snapshot(action)
    data = {"rag": "red", "commentary": "My change made from an old copy of the page."}
    if via == "body":
        response = patch(api("southwark_editor"), action, data | {"version": seen})
        assert response.status_code == 409
    else:
        response = patch(
            api("southwark_editor"), action, data, **{"If-Match": f'"action-{action.pk}-v{seen}"'}
        )
        assert response.status_code == 412
    body = response.json()
    assert body["code"] == "stale_version" and body["your_version"] == seen
    assert body["current"]["version"] == seen + 1 and body["current"]["rag"] == other
    assert [u["version"] for u in body["newer_updates"]] == [seen + 1]
    assert "Nothing was saved" in body["detail"]
    assert snapshot(action) == before


def test_a_conflict_answer_reads_the_same_number_of_rows_however_many_updates_came_since(
    api, southwark_editor
):
    """The 409 names every newer update with its action's borough: read with the action once,
    not four queries per update (a review day's conflicts come after several updates)."""
    action = first_action("southwark")
    seen = action.version
    counts = []
    for rag in (RAG.GREEN, RAG.AMBER, RAG.RED, RAG.GREEN):
        action.refresh_from_db()
        apply_status_update(
            action=action, user=southwark_editor, seen_version=action.version, rag=rag, commentary=COMMENT
        )
        with CaptureQueriesContext(connection) as queries:
            response = patch(
                api("southwark_editor"), action, {"rag": "red", "commentary": COMMENT, "version": seen}
            )
        assert response.status_code == 409
        body = response.json()
        assert len(body["newer_updates"]) == action.version - seen
        assert {u["borough"]["slug"] for u in body["newer_updates"]} == {"southwark"}
        counts.append(len(queries))
    assert counts[-1] == counts[0], counts


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"rag": "purple", "commentary": COMMENT}, "rag"),
        ({"rag": "red"}, "commentary"),
        ({"rag": "red", "commentary": "bad"}, "commentary"),
        ({"due_date": "31/03/2027"}, "due_date"),
        ({"due_date": "1899-01-01"}, "due_date"),
        ({"completed": "perhaps", "commentary": COMMENT}, "completed"),
        ({"commentary": "x" * 5000}, "commentary"),
        ({"text": "Rewrite the action"}, "text"),
        ({"version": -1}, "version"),
        ({"version": "four"}, "version"),
    ],
    ids=[
        "rag-word",
        "no-commentary",
        "short-commentary",
        "date-format",
        "date-range",
        "completed",
        "too-long",
        "read-only-field",
        "negative-version",
        "version-type",
    ],
)
def test_patch_with_invalid_values_is_400_per_field_and_writes_nothing(api, data, field):
    action = first_action("southwark")
    if action.rag == RAG.RED and data.get("rag") == "red":
        data = data | {"rag": "green"}
    before = snapshot(action)
    response = patch(api("southwark_editor"), action, {"version": action.version} | data)
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    assert isinstance(response.json()[field], list) and response.json()[field][0]
    assert snapshot(action) == before


def test_patch_with_a_malformed_or_wildcard_if_match_is_400(api):
    action = first_action("southwark")
    before = snapshot(action)
    for header in ["*", "v3", f'"action-{action.pk + 1}-v{action.version}"']:
        response = patch(api("southwark_editor"), action, {"commentary": COMMENT}, **{"If-Match": header})
        assert response.status_code == 400 and "If-Match" in response.json()
    response = patch(
        api("southwark_editor"),
        action,
        {"version": action.version + 3, "commentary": COMMENT},
        **{"If-Match": f'"action-{action.pk}-v{action.version}"'},
    )
    assert response.status_code == 400 and "version" in response.json()
    assert snapshot(action) == before


def test_patch_with_truncated_json_is_400_with_a_message_and_writes_nothing(api):
    action = first_action("southwark")
    before = snapshot(action)
    body = f'{{"version": {action.version}, "rag": "red", "commentary": "{COMMENT}'  # cut short
    response = api("southwark_editor").patch(
        reverse("api:action-detail", args=[action.pk]), body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert detail.startswith("The request body is not valid JSON (") and "line 1, column" in detail
    assert "Nothing was saved" in detail
    assert snapshot(action) == before


def test_patch_with_a_body_that_is_not_json_is_415_and_writes_nothing(api):
    action = first_action("southwark")
    before = snapshot(action)
    response = api("southwark_editor").patch(
        reverse("api:action-detail", args=[action.pk]),
        f"version={action.version}&rag=red&commentary={COMMENT}",
        content_type="text/plain",
    )
    assert response.status_code == 415, response.content
    detail = response.json()["detail"]
    assert '"text/plain"' in detail and "application/json" in detail and "Nothing was saved" in detail
    assert snapshot(action) == before


def test_patch_of_another_boroughs_action_is_403_logged_and_writes_nothing(api, caplog):
    action = first_action("lambeth")
    before = snapshot(action)
    with caplog.at_level(logging.WARNING, logger="trustplan.security"):
        response = patch(
            api("southwark_editor"), action, {"version": action.version, "rag": "red", "commentary": COMMENT}
        )
    assert response.status_code == 403
    assert "own borough" in response.json()["detail"]
    assert snapshot(action) == before
    assert any(
        str(action.pk) in r.getMessage() and "southwark.editor" in r.getMessage() for r in caplog.records
    )


def test_patch_of_an_unknown_action_is_404(api):
    response = api("administrator").patch(
        reverse("api:action-detail", args=[10**9]), {"version": 1}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["put", "post", "delete"])
def test_actions_and_updates_cannot_be_replaced_created_or_deleted(api, method):
    client = api("administrator")
    action = first_action("southwark")
    update = action.updates.first()
    before = snapshot(action)
    for url in [
        reverse("api:action-detail", args=[action.pk]),
        reverse("api:action-list"),
        reverse("api:statusupdate-detail", args=[update.pk]),
        reverse("api:statusupdate-list"),
        reverse("api:action-updates", args=[action.pk]),
    ]:
        response = getattr(client, method)(url, {"version": action.version, "rag": "red"}, format="json")
        assert response.status_code == 405, (method, url)
    assert (
        api("administrator")
        .patch(reverse("api:statusupdate-detail", args=[update.pk]), {}, format="json")
        .status_code
        == 405
    )
    assert snapshot(action) == before


def test_session_patch_needs_the_csrf_token(world, southwark_editor):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(southwark_editor)
    action = first_action("southwark")
    before = snapshot(action)
    response = client.patch(
        reverse("api:action-detail", args=[action.pk]),
        {"version": action.version, "commentary": COMMENT},
        format="json",
    )
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert snapshot(action) == before


# --- throttling --------------------------------------------------------------------------------
def test_users_are_throttled(api, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import UserRateThrottle

    cache.clear()
    monkeypatch.setattr(UserRateThrottle, "rate", "3/minute", raising=False)
    client = api("analyst")
    codes = [client.get(reverse("api:framework-list")).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    cache.clear()


def test_throttling_counts_the_client_not_the_forwarded_header(settings):
    from rest_framework.settings import api_settings

    assert "NUM_PROXIES" in settings.REST_FRAMEWORK
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == api_settings.NUM_PROXIES
    assert set(api_settings.DEFAULT_THROTTLE_RATES) >= {"anon", "user"}


# --- query counts ----------------------------------------------------------------------------
LIST_PAGES = [
    ("api:borough-list", {}),
    ("api:plan-list", {}),
    ("api:objective-list", {}),
    ("api:action-list", {}),
    ("api:action-list", {"rag": "red", "stale": "false", "overdue": "false"}),
    ("api:action-list", {"as_at": "__yesterday__"}),
    ("api:statusupdate-list", {}),
    ("api:challenge-list", {}),
    ("api:reading-list", {}),
    ("api:framework-list", {}),
    ("api:driver-list", {}),
    ("api:measure-list", {}),
]


def count_queries(client, name, params):
    params = {
        k: (timezone.localdate() - dt.timedelta(days=1)).isoformat() if v == "__yesterday__" else v
        for k, v in params.items()
    }
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    return len(ctx), response.json()["count"]


def add_challenges(n, oversight_user):
    from django.contrib.auth import get_user_model

    author = get_user_model().objects.get(username="southwark.editor")
    for plan in Plan.objects.filter(borough__isnull=False)[:n]:
        action = plan.objectives.first().actions.first()
        challenge = Challenge.objects.create(
            plan=plan, action=action, question="Why?", raised_by=oversight_user
        )
        ChallengeReply.objects.create(challenge=challenge, author=author, text="Because.")


def test_list_query_counts_do_not_grow_with_data(api, oversight_user, django_assert_max_num_queries):
    from plans.synthetic import make_synthetic

    client = api("analyst")
    client.get(reverse("api:borough-list"))  # the token's last use is written at most once a minute
    add_challenges(2, oversight_user)
    small = {(name, str(params)): count_queries(client, name, params) for name, params in LIST_PAGES}
    make_synthetic(boroughs=4, months=3, seed=7, actions_per_plan=40)
    add_challenges(6, oversight_user)
    Objective.objects.count()
    for name, params in LIST_PAGES:
        queries, rows = small[(name, str(params))]
        with django_assert_max_num_queries(queries):
            response = client.get(
                reverse(name),
                {
                    k: (timezone.localdate() - dt.timedelta(days=1)).isoformat()
                    if v == "__yesterday__"
                    else v
                    for k, v in params.items()
                },
            )
        assert response.status_code == 200
        large_queries, large_rows = count_queries(client, name, params)
        assert large_queries == queries, (name, params, queries, large_queries)
        if name in ("api:action-list", "api:statusupdate-list", "api:challenge-list", "api:plan-list"):
            assert large_rows > rows, (name, rows, large_rows)


def test_patch_answers_with_the_action_as_updated_whatever_the_query_string(api):
    """A PATCH names its action by id: a filter in the query string (which the updated action may
    no longer match) neither hides the answer nor changes what is written."""
    action = first_action("southwark")
    before = action.version
    old = action.rag
    new = RAG.RED if old != RAG.RED else RAG.AMBER
    url = reverse("api:action-detail", args=[action.pk]) + f"?rag={old}"
    response = api("southwark_editor").patch(
        url, {"version": before, "rag": new.value, "commentary": COMMENT}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == before + 1 and response.json()["rag"] == new
    assert StatusUpdate.objects.filter(action=action).count() == snapshot(action)[-1]


def test_serializers_build_their_fields_once_and_hand_each_use_its_own_copy():
    from plans.api.serializers import ActionSerializer, BoroughRefSerializer

    first, second = ActionSerializer().fields, ActionSerializer().fields
    assert list(first) == list(second)
    assert all(first[name] is not second[name] for name in first)
    assert first["borough"].parent is not second["borough"].parent
    kept = ActionSerializer.__dict__["_kept_fields"]
    assert all(field.parent is None for field in kept.values() if hasattr(field, "parent"))
    assert BoroughRefSerializer().fields["slug"] is not BoroughRefSerializer().fields["slug"]
