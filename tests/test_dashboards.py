"""The borough dashboard, the home landing, and the figures behind both dashboards: against the
Southwark seed, a synthetic London recomputed from its rows, and a hand-made history."""

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans import dashboards
from plans.choices import RAG, UpdateSource
from plans.filtersets import ActionFilterSet
from plans.models import Action, Borough, Objective, Pillar, Plan, StatusUpdate
from plans.querysets import end_of_day
from plans.services import apply_status_update, record_initial_status
from plans.synthetic import make_synthetic

pytestmark = pytest.mark.django_db

SEED_TOTALS = {"total": 61, "green": 39, "amber": 17, "red": 4, "not_rated": 1, "complete": 0}
SEED_PILLARS = {"More Trust": 29, "Less Crime": 16, "Higher Standards": 16}


# --- home ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("oversight", "/oversight/"),
        ("analyst", "/oversight/"),
        ("administrator", "/oversight/"),
        ("force_editor", "/oversight/"),
        ("southwark_editor", "/boroughs/southwark/"),
        ("lambeth_editor", "/boroughs/lambeth/"),
    ],
)
def test_home_offers_each_role_its_dashboard_below_what_waits(client_as, role, target):
    response = client_as(role).get("/")
    assert response.status_code == 200
    assert f'href="{target}"' in response.text.split("Waiting for me</h1>", 1)[1]


def test_home_offers_a_chooser_to_an_editor_of_several_boroughs(client_as, southwark_editor):
    from plans.models import Membership

    Membership.objects.create(user=southwark_editor, borough=Borough.objects.get(slug="lambeth"))
    response = client_as("southwark_editor").get("/")
    assert response.status_code == 200
    assert reverse("borough-dashboard", args=["lambeth"]) in response.text
    assert reverse("borough-dashboard", args=["southwark"]) in response.text


def test_home_refuses_an_account_without_a_role(client, world):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("nobody", password="x-irrelevant-here-123")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 403
    assert "no role" in response.text


# --- Southwark against the seed -----------------------------------------------------------------
def test_southwark_dashboard_matches_the_seed(client_as):
    response = client_as("southwark_editor").get("/boroughs/southwark/")
    assert response.status_code == 200
    totals = response.context["totals"]
    for name, expected in SEED_TOTALS.items():
        assert getattr(totals, name) == expected, name
    pillars = {p["pillar"].name: p["counts"].total for p in response.context["pillars"]}
    assert pillars == SEED_PILLARS
    assert len(response.context["red_actions"]) == 4
    assert sum(len(o["actions"]) for p in response.context["pillars"] for o in p["objectives"]) == 61
    objectives = [o for p in response.context["pillars"] for o in p["objectives"]]
    assert len(objectives) == 10
    assert sum(o["counts"].total for o in objectives) == 61
    # the numbers are in the page's tables, not only in the pictures
    assert response.text.count("<svg") >= 3
    assert "Numbers behind the chart" in response.text


def test_southwark_driver_coverage_matches_the_plan_rows(client_as, southwark_plan):
    response = client_as("oversight").get("/boroughs/southwark/")
    expected = Counter()
    for action in Action.objects.filter(objective__plan=southwark_plan).prefetch_related("drivers"):
        for driver in action.drivers.all():
            expected[driver.slug] += 1
    coverage = {item["driver"].slug: item["cell"] for item in response.context["coverage"]}
    assert len(coverage) == 8  # the MPS confidence model's drivers
    for slug, cell in coverage.items():
        assert cell.total == expected.get(slug, 0), slug
        assert (cell.state == dashboards.GAP) == (expected.get(slug, 0) == 0)
    # each driver's guiding questions from the seed are on the page
    driver = next(item["driver"] for item in response.context["coverage"] if item["driver"].questions)
    assert driver.questions[0][:40] in response.text


def test_southwark_trend_ends_with_todays_counts(client_as):
    response = client_as("oversight").get("/boroughs/southwark/")
    day, counts = response.context["trend"][-1]
    assert day == timezone.localdate()
    assert dict(counts) == {"green": 39, "amber": 17, "red": 4, "not_rated": 1}
    assert len(response.context["trend"]) == dashboards.TREND_MONTHS


def test_filters_in_the_url_narrow_the_borough_dashboard(client_as):
    response = client_as("oversight").get("/boroughs/southwark/?pillar=less-crime&rag=red&rag=amber")
    assert response.status_code == 200
    totals = response.context["totals"]
    assert totals.total == totals.red + totals.amber
    assert (
        totals.total
        == Action.objects.filter(
            objective__plan__borough__slug="southwark",
            objective__pillar__slug="less-crime",
            rag__in=["red", "amber"],
        ).count()
    )


def test_invalid_filters_say_what_is_wrong_and_show_no_figures(client_as):
    response = client_as("oversight").get("/boroughs/southwark/?rag=purple&as_at=tomorrow")
    assert response.status_code == 400
    assert "These filters cannot be used" in response.text
    assert "purple" in response.text
    assert "totals" not in response.context
    assert "<svg" not in response.text


def test_compare_date_must_be_before_the_figures_date(client_as):
    today = timezone.localdate()
    response = client_as("oversight").get(f"/boroughs/southwark/?compare={today.isoformat()}")
    assert response.status_code == 400
    assert "comparison date" in response.text


def test_borough_without_a_plan_says_so(client_as):
    slug = Borough.objects.filter(plans__isnull=True).order_by("slug").first().slug
    response = client_as("oversight").get(f"/boroughs/{slug}/")
    assert response.status_code == 200
    assert "No plan is recorded" in response.text


def test_the_dashboard_marks_the_include_points_for_other_panels():
    from pathlib import Path

    for name in ("oversight.html", "borough_dashboard.html"):
        text = (Path(__file__).resolve().parents[1] / "templates" / "plans" / name).read_text()
        for panel in ("outcomes panel", "reporting cycle panel", "force plan panel"):
            assert f"{{# --- {panel} --- #}}" in text and f"{{# --- end {panel} --- #}}" in text


# --- a hand-made history ------------------------------------------------------------------------
@pytest.fixture
def history(world, administrator):
    """A small plan for a borough without one: three actions with a known history.

    day 0 (100 days ago): A green, B amber, C red; day 30: B → red; day 60: C → amber,
    A → complete; day 90: D is added (not rated).
    """
    borough = Borough.objects.filter(plans__isnull=True).order_by("slug").first()
    plan = Plan.objects.create(slug=f"{borough.slug}-history", borough=borough, title="History plan")
    objective = Objective.objects.create(
        plan=plan, pillar=Pillar.objects.get(slug="more-trust"), number=1, title="O"
    )
    today = timezone.localdate()
    day = {
        n: timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=100 - n), dt.time(10)))
        for n in (0, 30, 60, 90)
    }
    actions = {}
    for position, (key, rag) in enumerate([("A", RAG.GREEN), ("B", RAG.AMBER), ("C", RAG.RED)], start=1):
        action = Action.objects.create(objective=objective, position=position, text=f"Action {key}")
        record_initial_status(
            action=action,
            rag=rag,
            commentary="Start",
            author_name="Test",
            at=day[0],
            source=UpdateSource.IMPORT,
        )
        actions[key] = Action.objects.get(pk=action.pk)

    def update(key, when, **change):
        action = Action.objects.get(pk=actions[key].pk)
        apply_status_update(
            action=action,
            user=administrator,
            seen_version=action.version,
            at=when,
            commentary="Reviewed at the monthly meeting with partners.",
            **change,
        )

    update("B", day[30], rag="red")
    update("C", day[60], rag="amber")
    update("A", day[60], completed=True)
    d = Action.objects.create(objective=objective, position=4, text="Action D")
    record_initial_status(
        action=d,
        rag=RAG.NOT_RATED,
        commentary="Added",
        author_name="Test",
        at=day[90],
        source=UpdateSource.IMPORT,
    )
    return {"borough": borough, "plan": plan, "day": {n: v.date() for n, v in day.items()}}


def _totals(client, borough, query):
    response = client.get(f"/boroughs/{borough.slug}/?{query}")
    assert response.status_code == 200, response.text[:500]
    return response


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (0, {"green": 1, "amber": 1, "red": 1}),
        (30, {"green": 1, "red": 2}),
        (60, {"complete": 1, "red": 1, "amber": 1}),
        (90, {"complete": 1, "red": 1, "amber": 1, "not_rated": 1}),
    ],
)
def test_as_at_rebuilds_the_borough_dashboard_from_the_history(client_as, history, offset, expected):
    day = history["day"][offset]
    response = _totals(client_as("oversight"), history["borough"], f"as_at={day.isoformat()}")
    totals = response.context["totals"]
    got = {s: totals.count(s) for s in dashboards.STATUSES if totals.count(s)}
    assert got == expected
    assert f"As at the end of {day.day} {day:%B %Y}" in response.text
    # the trend's last point is the as-at day and agrees with the totals
    last_day, counts = response.context["trend"][-1]
    assert last_day == day and dict(counts) == expected


def test_as_at_before_the_plan_existed_shows_nothing(client_as, history):
    day = history["day"][0] - dt.timedelta(days=1)
    response = _totals(client_as("oversight"), history["borough"], f"as_at={day.isoformat()}")
    assert response.context["totals"].total == 0


def test_compare_lists_which_actions_moved_up_and_down(client_as, history):
    day = history["day"]
    response = _totals(client_as("oversight"), history["borough"], f"as_at={day[60]}&compare={day[0]}")
    moves = {m.action.text: m.direction for m in response.context["moves"]}
    # A green → complete (up), B amber → red (down), C red → amber (up)
    assert moves == {"Action A": "up", "Action B": "down", "Action C": "up"}
    assert response.context["moves_up"] == 2 and response.context["moves_down"] == 1
    response = _totals(client_as("oversight"), history["borough"], f"compare={day[60]}")
    moves = {m.action.text: m.direction for m in response.context["moves"]}
    assert moves == {"Action D": "new"}


def test_monthly_trend_counts_each_action_by_its_latest_update(history):
    plan = history["plan"]
    points = dashboards.monthly_trend(
        Action.objects.filter(objective__plan=plan).with_status(), end_day=timezone.localdate(), months=12
    )
    for day, counts in points:
        expected = Counter()
        for action in Action.objects.filter(objective__plan=plan):
            latest = (
                StatusUpdate.objects.filter(action=action, created_at__lt=end_of_day(day))
                .order_by("-created_at", "-version")
                .first()
            )
            if latest:
                expected["complete" if latest.to_completed else latest.to_rag] += 1
        assert counts == expected, day


# --- synthetic London against a direct recomputation --------------------------------------------
@pytest.fixture
def synthetic_london(world):
    make_synthetic(boroughs=32, months=6, seed=1, actions_per_plan=20)


def _expected_by_borough(actions, now, today):
    expected = {}
    for action in actions:
        borough_id = action.objective.plan.borough_id
        counts = expected.setdefault(borough_id, Counter())
        counts["total"] += 1
        counts[action.status.value] += 1
        counts["stale"] += action.is_stale(now=now)
        counts["overdue"] += action.is_overdue(today=today)
    return expected


def test_oversight_figures_match_a_recomputation_from_the_rows(synthetic_london, oversight_user):
    filterset = ActionFilterSet(QueryDict(""), user=oversight_user)
    assert filterset.is_valid()
    data = dashboards.oversight(filterset, user=oversight_user)
    actions = Action.objects.filter(objective__plan__borough__isnull=False).select_related("objective__plan")
    expected = _expected_by_borough(actions, filterset.reference_time, filterset.reference_date)
    assert len(data["rows"]) == Plan.objects.filter(borough__isnull=False).count() >= 32
    for row in data["rows"]:
        want = expected.get(row.borough.pk, Counter())
        for name in ("total", "red", "amber", "green", "not_rated", "complete", "stale", "overdue"):
            assert getattr(row.counts, name) == want[name], (row.borough.name, name)
    assert data["london"].total == actions.count()
    assert sum(p["counts"].total for p in data["pillars"]) == actions.count()


def test_as_at_figures_match_a_recomputation_from_the_history(synthetic_london, oversight_user):
    as_at = timezone.localdate() - dt.timedelta(days=75)
    filterset = ActionFilterSet(QueryDict(f"as_at={as_at}"), user=oversight_user)
    assert filterset.is_valid()
    data = dashboards.oversight(filterset, user=oversight_user)
    cutoff = end_of_day(as_at)
    expected = {}
    latest = {}
    for update in StatusUpdate.objects.filter(created_at__lt=cutoff).order_by("created_at", "version"):
        latest[update.action_id] = update
    plans = dict(Action.objects.values_list("pk", "objective__plan__borough_id"))
    for action_id, update in latest.items():
        borough_id = plans[action_id]
        if borough_id is None:
            continue
        counts = expected.setdefault(borough_id, Counter())
        counts["total"] += 1
        counts["complete" if update.to_completed else update.to_rag] += 1
    checked = 0
    for row in data["rows"]:
        want = expected.get(row.borough.pk, Counter())
        for status in dashboards.STATUSES + ["total"]:
            assert getattr(row.counts, status) == want[status], (row.borough.name, status)
        checked += want["total"]
    assert checked > 0


# --- query counts do not grow with boroughs, actions or updates ---------------------------------
def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# The first oversight page after a quarter closes, or after history dated before its end is
# written, keeps every action's status at that end (plans.snapshots): these few queries more, once.
SNAPSHOT_BUILD_QUERIES = 9  # 7, and on PostgreSQL the lock on the history and ANALYZE


def _keep_snapshot(client, url):
    """Request ``url`` once, so that its quarter-end snapshot is kept: within the limit and at most
    ``SNAPSHOT_BUILD_QUERIES`` more than the page then needs."""
    first = _count_queries(client, url)
    assert first <= DASHBOARD_QUERY_LIMIT + SNAPSHOT_BUILD_QUERIES
    return first


# With the panels other features include (outcomes, reporting cycle, force plan), and the session
# renewed on every request in the suite. Issue 22 asks for 20 at most: not reached yet (the bench's
# oversight page runs 25, its borough page 25, each with the 7 of the session, user and roles).
DASHBOARD_QUERY_LIMIT = 33
BOROUGH_QUERY_LIMIT = 29  # the borough dashboard, with the same session and panels


@pytest.mark.parametrize(
    "query",
    ["", "?as_at={past}", "?compare={past}&sort=-red", "?pillar=more-trust&driver=effectiveness"],
)
def test_oversight_queries_do_not_grow_with_london(client_as, world, query, django_assert_max_num_queries):
    past = (timezone.localdate() - dt.timedelta(days=40)).isoformat()
    url = "/oversight/" + query.format(past=past)
    client = client_as("oversight")
    make_synthetic(boroughs=2, months=3, seed=1, actions_per_plan=10)  # Lambeth's is synthetic too
    assert Plan.objects.filter(borough__isnull=False).count() == 3
    first = _keep_snapshot(client, url)
    with django_assert_max_num_queries(DASHBOARD_QUERY_LIMIT):
        small = _count_queries(client, url)
    assert small <= first <= small + SNAPSHOT_BUILD_QUERIES
    make_synthetic(boroughs=32, months=6, seed=1, actions_per_plan=20)
    assert Plan.objects.filter(borough__isnull=False).count() >= 32
    _keep_snapshot(client, url)
    with django_assert_max_num_queries(DASHBOARD_QUERY_LIMIT):
        large = _count_queries(client, url)
    assert small == large
    # National in shape: more boroughs than one page of the table shows.
    make_synthetic(boroughs=72, months=2, seed=2, actions_per_plan=3)
    assert Plan.objects.filter(borough__isnull=False).count() > 2 * 32
    _keep_snapshot(client, url)
    with django_assert_max_num_queries(DASHBOARD_QUERY_LIMIT):
        national = _count_queries(client, url)
    assert national == small


@pytest.mark.parametrize("query", ["", "?as_at={past}", "?compare={past}"])
def test_borough_dashboard_queries_do_not_grow_with_actions_or_updates(
    client_as, world, query, django_assert_max_num_queries
):
    past = (timezone.localdate() - dt.timedelta(days=40)).isoformat()
    client = client_as("oversight")
    make_synthetic(boroughs=3, months=3, seed=7, actions_per_plan=6)
    small_plan = Plan.objects.filter(is_synthetic=True).order_by("-pk").first()
    small = _count_queries(client, f"/boroughs/{small_plan.borough.slug}/" + query.format(past=past))
    make_synthetic(boroughs=32, months=12, seed=8, actions_per_plan=60)
    large_plan = Plan.objects.filter(is_synthetic=True).order_by("-pk").first()
    assert large_plan.objectives.filter(actions__isnull=False).count() >= 10
    assert (
        StatusUpdate.objects.filter(action__objective__plan=large_plan).count()
        > 10 * Action.objects.filter(objective__plan=small_plan).count()
    )
    with django_assert_max_num_queries(BOROUGH_QUERY_LIMIT):
        large = _count_queries(client, f"/boroughs/{large_plan.borough.slug}/" + query.format(past=past))
    assert small == large


SHORT_LIST_TEMPLATE = (
    '{% load trustplan %}{% for a in items|slice:":8" %}\n'
    "    {% link_to 'action-detail' a.pk as detail_url %}\n"
    '    <li>{% rag_badge a.eff_status %} {% if detail_url %}<a href="{{ detail_url }}">'
    "{{ a.text|truncate:90 }}</a>{% else %}{{ a.text|truncate:90 }}{% endif %} "
    '<span class="muted">{% for owner in a.owner_list %}{{ owner.label }}{% if not forloop.last %}; '
    "{% endif %}{% endfor %}{% if a.age_days is not None %} · {{ a.age_days }} days since review{% endif %}"
    "{% if a.due_date %} · due {{ a.due_date|british_date }}{% endif %}</span></li>\n"
    "    {% endfor %}"
)


def test_the_short_lists_are_the_templates_lists(southwark_plan, oversight_user):
    from django.template import engines

    from plans.templatetags.dashboard_cells import short_list_items

    queryset = Action.objects.visible_to(oversight_user).filter(objective__plan=southwark_plan)
    filterset = ActionFilterSet(QueryDict(""), queryset=queryset, user=oversight_user)
    assert filterset.is_valid()
    actions = dashboards.borough_dashboard(filterset, plan=southwark_plan, user=oversight_user)["actions"]
    actions[0].text = "Stop & <search> " * 10  # cut at 90 characters and escaped alike
    actions[1].due_date, actions[1].age_days = dt.date(2026, 4, 1), None
    template = engines["django"].from_string(SHORT_LIST_TEMPLATE)
    for items in (actions, actions[:3], actions[1:2], []):
        assert str(short_list_items(items)) == template.render({"items": items})
    assert any(a.owner_list for a in actions[:8])
