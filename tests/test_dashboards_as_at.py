"""With ``?as_at=``, every panel of the borough dashboard and of the oversight page shows the
figures of that day, or is marked "Today": a world where today and the as-at day differ.

Action A (effectiveness): Red from 200 days ago, Green today: stale as at 30 days ago, fresh now.
Action B: Amber from 200 days ago, reviewed 40 days ago: fresh then, stale now (interval 31 days).
"Relied on to be there": 50 % (London 60 %) in the quarter ending 100 days ago, 70 % ten days ago.
"""

import datetime as dt

import pytest
from django.utils import timezone

from drivers.models import Driver, Measure
from plans.choices import RAG, ReturnStatus, UpdateSource
from plans.force import force_activities
from plans.models import Action, Borough, MeasureReading, Objective, Pillar, Plan, QuarterlyReturn
from plans.services import apply_status_update, record_initial_status

pytestmark = pytest.mark.django_db
WHY = "Reviewed at the monthly meeting with partners."
MEASURE = "Relied on to be there"


@pytest.fixture
def then(world, administrator):
    """The borough, its plan, actions A and B, and the as-at day (30 days ago)."""
    borough = Borough.objects.filter(plans__isnull=True, is_synthetic=False).order_by("slug").first()
    plan = Plan.objects.create(slug=f"{borough.slug}-as-at", borough=borough, title="As-at plan")
    objective = Objective.objects.create(
        plan=plan, pillar=Pillar.objects.get(slug="more-trust"), number=1, title="O"
    )
    now = timezone.now()
    long_ago = now - dt.timedelta(days=200)
    actions = {}
    for position, (key, rag) in enumerate([("A", RAG.RED), ("B", RAG.AMBER)], start=1):
        action = Action.objects.create(objective=objective, position=position, text=f"Action {key}")
        record_initial_status(
            action=action,
            rag=rag,
            commentary="Start",
            author_name="Test",
            at=long_ago,
            source=UpdateSource.IMPORT,
        )
        actions[key] = action
    actions["A"].drivers.add(Driver.objects.get(slug="effectiveness"))
    for key, rag, when in (
        ("B", "amber", now - dt.timedelta(days=40)),
        ("A", "green", now - dt.timedelta(hours=1)),
    ):
        action = Action.objects.get(pk=actions[key].pk)
        apply_status_update(
            action=action, user=administrator, seen_version=action.version, at=when, rag=rag, commentary=WHY
        )
    measure = Measure.objects.get(name=MEASURE)
    today = timezone.localdate()
    for days, value in ((100, 50), (10, 70)):
        day = today - dt.timedelta(days=days)
        MeasureReading.objects.create(measure=measure, borough=borough, period_end=day, value=value)
        MeasureReading.objects.update_or_create(
            measure=measure, borough=None, period_end=day, defaults={"value": 60}
        )
    return {
        "borough": borough,
        "plan": plan,
        "A": actions["A"],
        "B": actions["B"],
        "day": today - dt.timedelta(days=30),
    }


def _borough(client_as, then, as_at=True):
    query = f"?as_at={then['day'].isoformat()}" if as_at else ""
    response = client_as("oversight").get(f"/boroughs/{then['borough'].slug}/{query}")
    assert response.status_code == 200
    return response


def test_who_has_not_updated_honours_as_at_and_agrees_with_the_stale_tile(client_as, then):
    past, today = _borough(client_as, then).context, _borough(client_as, then, as_at=False).context
    assert [r.action.pk for r in past["not_updated_rows"]] == [then["A"].pk]
    assert [r.action.pk for r in today["not_updated_rows"]] == [then["B"].pk]
    assert past["not_updated_total"] == past["totals"].stale == 1
    assert past["not_updated_rows"][0].age_days == 170  # days from the review to the as-at day
    html = _borough(client_as, then).text
    assert f"?as_at={then['day'].isoformat()}&amp;nu_sort=owner#not-updated" in html  # the sort keeps the day


def test_oversight_who_has_not_updated_honours_as_at(client_as, then):
    response = client_as("oversight").get(
        f"/oversight/?as_at={then['day'].isoformat()}&borough={then['borough'].slug}"
    )
    stale = {r.action.pk for r in response.context["not_updated_rows"]}
    assert then["A"].pk in stale and then["B"].pk not in stale
    today = client_as("oversight").get("/oversight/").context
    assert then["B"].pk in {r.action.pk for r in today["not_updated_rows"]}


def _measure(context):
    # The measures panel is written apart (outcomes.borough_panel's measures_html): its own
    # template's context holds the panels.
    panels = context["outcomes"].get("panels") or context["panels"]
    return next(p for p in panels if p.measure.name == MEASURE)


def test_outcome_measures_show_the_quarters_ended_by_the_as_at_day(client_as, then):
    assert _measure(_borough(client_as, then).context).latest == 50
    assert _measure(_borough(client_as, then, as_at=False).context).latest == 70


def test_driver_gaps_use_readings_and_statuses_as_at(client_as, then):
    def effectiveness(context):
        return next(g for g in context["outcomes"]["gaps"]["rows"] if g.driver.slug == "effectiveness")

    past, today = (
        effectiveness(_borough(client_as, then).context),
        effectiveness(_borough(client_as, then, as_at=False).context),
    )
    assert past.blind and past.only_red and past.actions[0][2] == "red"
    assert not today.blind and today.actions[0][2] == "green"


def test_oversight_outcomes_honour_as_at(client_as, then):
    day = then["day"].isoformat()
    context = client_as("oversight").get(f"/oversight/?as_at={day}").context
    rows = {r["borough"].pk: r for r in context["outcomes"]["gaps"]["rows"]}
    assert "effectiveness" in {g.driver.slug for g in rows[then["borough"].pk]["blind"]}
    today = client_as("oversight").get("/oversight/").context
    rows = {r["borough"].pk: r for r in today["outcomes"]["gaps"]["rows"]}
    assert "effectiveness" not in {g.driver.slug for g in rows[then["borough"].pk]["blind"]}


def test_force_support_shows_the_statuses_as_at(client_as, then):
    then["A"].delivers.add(force_activities().first())
    past = _borough(client_as, then).context["force_support"]
    today = _borough(client_as, then, as_at=False).context["force_support"]
    assert past[0]["actions"][0].eff_status == "red"
    assert today[0]["actions"][0].eff_status == "green"


def test_signed_off_panel_takes_the_return_signed_off_by_the_as_at_day(client_as, then):
    QuarterlyReturn.objects.create(
        plan=then["plan"],
        fy_start_year=2026,
        quarter=1,
        status=ReturnStatus.SIGNED_OFF,
        signed_off_at=timezone.now(),
    )
    assert _borough(client_as, then).context["signed_off_return"] is None
    assert _borough(client_as, then, as_at=False).context["signed_off_return"] is not None


def test_challenges_and_returns_are_marked_as_today(client_as, then):
    day = then["day"].isoformat()
    borough_html = _borough(client_as, then).text
    challenges = borough_html.split('id="challenges-title"', 1)[1].split("</section>", 1)[0]
    assert "<strong>Today:</strong> this panel shows the state on" in challenges
    oversight_html = client_as("oversight").get(f"/oversight/?as_at={day}").text
    returns = oversight_html.split('id="returns-title"', 1)[1].split("</section>", 1)[0]
    assert "<strong>Today:</strong>" in returns
    assert "except in the panels marked “Today”" in oversight_html
    assert "<strong>Today:</strong>" not in client_as("oversight").get("/oversight/").text


def test_the_not_updated_panel_says_when_the_filters_do_not_narrow_it(client_as, southwark_plan):
    client = client_as("oversight")
    plain = client.get("/boroughs/southwark/").content.decode()
    filtered = client.get("/boroughs/southwark/?rag=amber").content.decode()
    london = client.get("/oversight/?bcu=central-south").content.decode()
    assert "Not filtered:" not in plain
    assert "Not filtered:</strong> this panel counts every action of the plan" in filtered
    assert "every action of every borough plan" in london


def test_the_pack_buttons_say_they_make_todays_pack_when_the_page_is_filtered(client_as, southwark_plan):
    client = client_as("oversight")
    assert "Board pack (PDF)" in client.get("/boroughs/southwark/").content.decode()
    borough = client.get("/boroughs/southwark/?as_at=2023-09-01").content.decode()
    assert "Today's board pack, every action (PDF)" in borough and "Today's plan (Word)" in borough
    london = client.get("/oversight/?rag=red").content.decode()
    assert "Today's board pack, every borough (PDF)" in london
