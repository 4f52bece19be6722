"""The force-wide plan: loaded from its fixture, checked against the seed, shown on /force/,
linked from borough actions, and scoped like the rest of the product."""

import datetime as dt
import logging
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from drivers.models import Measure
from plans.choices import RAG, Status
from plans.force import (
    FORCE_PLAN_FIXTURE,
    borough_force_support,
    force_matrix,
    force_plan_rows,
    get_force_plan,
    link_demo_contributions,
    load_force_plan,
    milestone_rows,
    milestone_state,
    milestone_timeline,
)
from plans.models import Action, Milestone, Owner, Plan, StatusUpdate, Theme
from plans.services import apply_status_update
from plans.services.force_links import set_force_links
from plans.synthetic import make_synthetic

pytestmark = pytest.mark.django_db

SEED = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "met-strategic-oversight-of-trust.txt"

# Every cell of the seed's Trust Test table (7 themes × 3 dimensions) with the number of
# strategic activities it names. Counted from the seed by hand, independently of the fixture.
SEED_CELLS = {
    ("what-matters-most", "capability"): 2,
    ("what-matters-most", "reliability"): 1,
    ("what-matters-most", "shared-values"): 2,
    ("mobilising-partners", "capability"): 1,
    ("mobilising-partners", "reliability"): 1,
    ("mobilising-partners", "shared-values"): 3,
    ("best-outcomes", "capability"): 1,
    ("best-outcomes", "reliability"): 1,
    ("best-outcomes", "shared-values"): 1,
    ("data-digital", "capability"): 2,
    ("data-digital", "reliability"): 0,
    ("data-digital", "shared-values"): 1,
    ("care-for-each-other", "capability"): 2,
    ("care-for-each-other", "reliability"): 3,
    ("care-for-each-other", "shared-values"): 2,
    ("learning-from-experience", "capability"): 2,
    ("learning-from-experience", "reliability"): 1,
    ("learning-from-experience", "shared-values"): 3,
    ("responsible-organisation", "capability"): 2,
    ("responsible-organisation", "reliability"): 3,
    ("responsible-organisation", "shared-values"): 2,
}
SEED_THEMES = [
    "Focusing on what matters most to Londoners",
    "Mobilising partners and public",
    "Achieving the best outcomes in pursuit of justice and in support of victims",
    "Seizing the opportunities of data and digital tech",
    "Care for each other, working as a team, and being an attractive place to work",
    "Learning from experience, from others, and constantly striving to improve",
    "Being recognised as a responsible, exemplary and ethical organisation",
]
MEASURES_PER_THEME = [3, 4, 4, 3, 4, 4, 5]
MILESTONES_PER_PERIOD = {
    "2021": 10,
    "Dec 21": 2,
    "Jan 22": 2,
    "Feb 22": 3,
    "March 22": 4,
    "Apr 22": 1,
    "2022-23": 2,
}


def squash(text):
    return " ".join(text.replace("<i>", " ").replace("</i>", " ").split())


@pytest.fixture
def seed_text():
    return squash(SEED.read_text(encoding="utf-8"))


@pytest.fixture
def fixture_data():
    return yaml.safe_load(FORCE_PLAN_FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def plan(world):
    return get_force_plan()


def user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def force_editor(world):
    return user("force.editor")


@pytest.fixture
def vawg_action(southwark_plan):
    return Action.objects.get(
        objective__plan=southwark_plan, text__startswith="Effective delivery of BCU VAWG Plan"
    )


# --------------------------------------------------------------------------- the seed, loaded


def test_the_force_plan_is_a_plan_without_a_borough(plan):
    assert plan is not None and plan.borough is None and plan.is_force
    assert plan.objectives.count() == 7
    assert list(plan.objectives.values_list("theme__name", flat=True)) == SEED_THEMES


def matrix_counts(rows):
    """{(theme slug, dimension slug): number of activities} for every cell of the matrix."""
    return {(row.theme.slug, cell.dimension.slug): len(cell.activities) for row in rows for cell in row.cells}


def test_every_cell_of_the_seed_table_has_its_activities(plan):
    _dimensions, rows, activities = force_matrix(plan)
    assert matrix_counts(rows) == SEED_CELLS
    assert len(activities) == sum(SEED_CELLS.values()) == 36


def test_every_activity_of_the_fixture_is_loaded_as_written(plan, fixture_data, seed_text):
    loaded = list(
        Action.objects.filter(objective__plan=plan)
        .select_related("objective__theme")
        .prefetch_related("drivers", "owners")
        .order_by("objective__theme__order", "position")
    )
    assert len(loaded) == len(fixture_data["activities"]) == 36
    for item, action in zip(fixture_data["activities"], loaded, strict=True):
        assert action.objective.theme.slug == item["theme"]
        assert [d.slug for d in action.drivers.all()] == [item["dimension"]]
        assert action.source_plan == item["source_plan"]
        assert action.strand == (item["strand"] or "")
        assert action.text == item["text"]
        assert [o.label for o in action.owners.all()] == ([item["lead"]] if item["lead"] else [])
        # The text is the seed's: whole, or (over the seed's page break) both of its ends.
        words = action.text.split()
        assert action.text in seed_text or (
            " ".join(words[:4]) in seed_text and " ".join(words[-3:]) in seed_text
        ), action.text
    assert {a.source_plan for a in loaded} == {"Rebuilding Trust", "VAWG Action Plan", "STRIDE", "DCDG"}


def test_each_activity_starts_not_rated_with_a_note_of_its_source(plan):
    updates = StatusUpdate.objects.filter(action__objective__plan=plan)
    assert updates.count() == 36
    assert set(updates.values_list("to_rag", flat=True)) == {RAG.NOT_RATED}
    assert all("January 2022 audit panel paper" in c for c in updates.values_list("commentary", flat=True))
    assert set(Action.objects.filter(objective__plan=plan).values_list("version", flat=True)) == {1}


def test_measures_of_success_are_qualitative_measures_beside_their_theme(plan, fixture_data, seed_text):
    themes = list(Theme.objects.filter(objectives__plan=plan).order_by("order"))
    assert [t.measures.count() for t in themes] == MEASURES_PER_THEME
    for spec, theme in zip(fixture_data["themes"], themes, strict=True):
        names = list(theme.measures.order_by("order").values_list("name", flat=True))
        assert names == spec["measures_of_success"]
        assert all(name in seed_text for name in names)
    measures = Measure.objects.filter(themes__in=themes)
    assert measures.count() == 27
    assert set(measures.values_list("unit", flat=True)) == {"qualitative"}


def test_every_milestone_of_the_timetable_is_loaded(plan, fixture_data, seed_text):
    milestones = list(Milestone.objects.filter(plan=plan).order_by("position"))
    assert len(milestones) == 24
    periods = {}
    for m in milestones:
        periods[m.period_label] = periods.get(m.period_label, 0) + 1
        assert m.description in seed_text, m.description
    assert periods == MILESTONES_PER_PERIOD
    for item, m in zip(fixture_data["milestones"], milestones, strict=True):
        assert (m.starts, m.ends, m.lead) == (item["starts"], item["ends"], item["lead"])
    apr = next(m for m in milestones if m.period_label == "Apr 22")
    assert (
        apr.description == "Final Violence Against Women and Girls Action Plan" and apr.lead == "AC Met Ops"
    )


def test_external_milestones_are_the_seeds_italics(plan):
    italic = {
        squash(t).rstrip(".")
        for t in re.findall(r"<i>(.*?)</i>", SEED.read_text(encoding="utf-8"), flags=re.S)
    }
    external = {m.description.rstrip(".") for m in Milestone.objects.filter(plan=plan, is_external=True)}
    assert external == italic
    assert len(external) == 3
    assert Milestone.objects.filter(plan=plan, is_external=False).count() == 21


def test_loading_twice_changes_nothing(plan):
    def snapshot():
        return (
            Plan.objects.filter(borough__isnull=True).count(),
            Theme.objects.count(),
            Measure.objects.count(),
            Action.objects.count(),
            StatusUpdate.objects.count(),
            Milestone.objects.count(),
            Owner.objects.filter(borough__isnull=True).count(),
            sorted(Action.objects.filter(objective__plan=plan).values_list("pk", "version", "text")),
        )

    before = snapshot()
    assert load_force_plan().pk == plan.pk
    assert snapshot() == before


def test_loading_again_keeps_what_force_editors_changed(plan):
    activity = Action.objects.filter(objective__plan=plan).first()
    Action.objects.filter(pk=activity.pk).update(text="Reworded by the force editor")
    Milestone.objects.filter(plan=plan, position=24).update(completed_on=dt.date(2022, 10, 31))
    load_force_plan()
    assert Action.objects.get(pk=activity.pk).text == "Reworded by the force editor"
    assert Milestone.objects.get(plan=plan, position=24).completed_on == dt.date(2022, 10, 31)


def test_a_fixture_whose_cells_do_not_add_up_is_refused(tmp_path, fixture_data, world):
    from django.core.exceptions import ImproperlyConfigured

    fixture_data["cells"][0]["activities"] = 3
    broken = tmp_path / "force.yaml"
    broken.write_text(yaml.safe_dump(fixture_data), encoding="utf-8")
    count = Action.objects.count()
    with pytest.raises(ImproperlyConfigured, match="what-matters-most / capability"):
        load_force_plan(broken)
    assert Action.objects.count() == count


# --------------------------------------------------------------------------- milestones as at


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Before the paper: the 2021 items are under way, nothing is overdue yet.
        (dt.date(2021, 3, 1), {"done": 0, "current": 10, "upcoming": 14, "overdue": 0}),
        # "Raising Concerns" and the Daniel Morgan report (June 21) are done by July.
        (dt.date(2021, 7, 1), {"done": 2, "current": 8, "upcoming": 14, "overdue": 0}),
        # Mid-February 2022: 2021 and Dec 21 done, Jan 22 overdue, Feb 22 due now, rest upcoming.
        (dt.date(2022, 2, 15), {"done": 12, "current": 3, "upcoming": 7, "overdue": 2}),
        # After 2022-23 nothing open remains on time.
        (dt.date(2023, 6, 1), {"done": 12, "current": 0, "upcoming": 0, "overdue": 12}),
    ],
)
def test_milestone_status_at_a_date(plan, day, expected):
    entries = milestone_timeline(plan, day)
    counts = {state: sum(1 for e in entries if e.state == state) for state in expected}
    assert counts == expected


def test_a_recorded_completion_makes_a_milestone_done_from_that_day(plan):
    m = Milestone.objects.get(plan=plan, position=22)  # Apr 22: final VAWG Action Plan
    m.completed_on = dt.date(2022, 4, 20)
    assert milestone_state(m, dt.date(2022, 4, 19)) == "current"
    assert milestone_state(m, dt.date(2022, 4, 20)) == "done"
    assert milestone_state(m, dt.date(2025, 1, 1)) == "done"
    m.completed_on = None
    assert milestone_state(m, dt.date(2022, 5, 1)) == "overdue"
    assert milestone_state(m, dt.date(2022, 3, 1)) == "upcoming"


def test_the_page_shows_milestone_status_as_at_the_chosen_date(client_as, plan):
    response = client_as("oversight").get(reverse("force-plan"), {"as_at": "2022-02-15"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "15 February 2022" in html
    assert "Done: 12" in html and "Overdue: 2" in html and "Due now: 3" in html and "Upcoming: 7" in html
    assert html.count('class="ms-state ms-overdue"') == 2
    # External and Met-led are told apart by words and a glyph, not colour alone.
    assert html.count("◆</span> External") == 3 and html.count("●</span> Met-led") == 21
    assert "<svg" in html and "as-at-line" in html


def test_a_bad_as_at_date_is_a_400_with_the_message_beside_the_field(client_as, plan):
    response = client_as("oversight").get(reverse("force-plan"), {"as_at": "2022-02-31"})
    assert response.status_code == 400
    assert "Milestone status as at: “2022-02-31” is not a date." in response.content.decode()


# --------------------------------------------------------------------------- the matrix on the page


def test_the_matrix_shows_every_cell_with_its_count_and_a_heat_class(client_as, plan, force_editor):
    red = Action.objects.filter(objective__plan=plan, objective__theme__slug="best-outcomes").get(
        drivers__slug="capability"
    )
    green = Action.objects.filter(objective__plan=plan, objective__theme__slug="what-matters-most").filter(
        drivers__slug="capability"
    )[0]
    apply_status_update(
        action=red, user=force_editor, seen_version=1, rag="Red", commentary="Charge rates fell this quarter."
    )
    apply_status_update(
        action=green, user=force_editor, seen_version=1, rag="Green", commentary="Teams are in place now."
    )
    html = client_as("southwark_editor").get(reverse("force-plan")).content.decode()
    cells = re.findall(
        r'<td class="force-cell ([^"]+)" data-theme="([^"]+)" data-dimension="([^"]+)" data-count="(\d+)"',
        html,
    )
    assert {(t, d): int(n) for _c, t, d, n in cells} == SEED_CELLS
    heat = {(t, d): c for c, t, d, _n in cells}
    assert heat[("best-outcomes", "capability")] == "heat-red"
    assert heat[("what-matters-most", "capability")] == "heat-not_rated heat-mixed"
    assert heat[("data-digital", "reliability")] == "heat-empty"
    assert heat[("mobilising-partners", "reliability")] == "heat-not_rated"
    assert "worst: Red" in html
    assert 'class="rag rag-red"' in html and "Red</span>" in html


def test_the_page_shows_measures_of_success_beside_each_theme(client_as, plan):
    html = client_as("analyst").get(reverse("force-plan")).content.decode()
    for measure in Measure.objects.filter(unit="qualitative", themes__isnull=False):
        assert measure.name.replace("'", "&#x27;") in html


def test_activities_link_to_their_action_page(client_as, plan):
    html = client_as("oversight").get(reverse("force-plan")).content.decode()
    activity = Action.objects.filter(objective__plan=plan).first()
    assert f'href="{reverse("action-detail", args=[activity.pk])}"' in html
    assert f'id="activity-{activity.pk}"' in html


def test_the_page_runs_a_fixed_number_of_queries(client_as, plan, django_assert_max_num_queries):
    client = client_as("oversight")
    with django_assert_max_num_queries(25) as small:
        client.get(reverse("force-plan"))
    make_synthetic(boroughs=4, months=2, seed=11, actions_per_plan=6)
    activities = list(Action.objects.filter(objective__plan=plan))
    for index, borough_action in enumerate(Action.objects.filter(objective__plan__is_synthetic=True)):
        borough_action.delivers.add(
            activities[index % len(activities)], activities[(index * 7) % len(activities)]
        )
    link_demo_contributions()
    with django_assert_max_num_queries(25) as large:
        response = client.get(reverse("force-plan"))
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


# --------------------------------------------------------------------------- borough → force links


def test_the_demo_link_ties_southwark_vawg_delivery_to_the_vawg_activities(plan, vawg_action):
    assert link_demo_contributions() == 4
    assert set(vawg_action.delivers.values_list("source_plan", flat=True)) == {"VAWG Action Plan"}
    assert vawg_action.delivers.count() == 4
    assert link_demo_contributions() == 4 and vawg_action.delivers.count() == 4


def test_the_force_page_shows_which_boroughs_contribute_and_how_they_stand(client_as, plan, vawg_action):
    link_demo_contributions()
    html = client_as("oversight").get(reverse("force-plan")).content.decode()
    assert "Contributions by borough" in html
    assert re.search(
        r"<th scope=\"row\">Southwark</th><td class=\"num\">4</td><td class=\"num\">1</td>", html
    )
    assert html.count("Effective delivery of BCU VAWG Plan") == 4
    assert f'rag-{vawg_action.status.value}"' in html


def test_borough_dashboard_support_lists_the_force_activities_a_borough_supports(
    plan, vawg_action, southwark
):
    assert borough_force_support(southwark) == []
    link_demo_contributions()
    support = borough_force_support(southwark)
    assert len(support) == 4
    assert {item["activity"].source_plan for item in support} == {"VAWG Action Plan"}
    assert all([a.pk for a in item["actions"]] == [vawg_action.pk] for item in support)
    assert all(item["actions"][0].eff_status == vawg_action.status for item in support)
    from plans.models import Borough

    assert borough_force_support(Borough.objects.get(slug="lambeth")) == []


def test_the_support_panel_renders(plan, vawg_action, southwark):
    from django.template.loader import render_to_string

    link_demo_contributions()
    html = render_to_string(
        "plans/includes/force_support.html", {"force_support": borough_force_support(southwark)}
    )
    assert html.count("Effective delivery of BCU VAWG Plan") == 4
    assert reverse("action-force-links", args=[vawg_action.pk]) in html


def test_a_borough_editor_links_their_own_action(client_as, plan, vawg_action):
    activities = list(Action.objects.filter(objective__plan=plan, source_plan="STRIDE")[:2])
    url = reverse("action-force-links", args=[vawg_action.pk])
    response = client_as("southwark_editor").post(url, {"activities": [a.pk for a in activities]})
    assert response.status_code == 302
    assert set(vawg_action.delivers.all()) == set(activities)
    page = client_as("southwark_editor").get(url).content.decode()
    assert all(f'value="{a.pk}" id="activity-{a.pk}" checked' in page for a in activities)
    assert page.count("<fieldset") == 7  # the force activities, grouped by theme
    response = client_as("southwark_editor").post(url, {})
    assert response.status_code == 302 and vawg_action.delivers.count() == 0


def test_linking_another_boroughs_action_is_refused_and_logged(client_as, plan, lambeth_plan, caplog):
    action = Action.objects.filter(objective__plan=lambeth_plan).first()
    activity = Action.objects.filter(objective__plan=plan).first()
    with caplog.at_level(logging.WARNING, logger="trustplan.security"):
        response = client_as("southwark_editor").post(
            reverse("action-force-links", args=[action.pk]), {"activities": [activity.pk]}
        )
    assert response.status_code == 403
    assert action.delivers.count() == 0
    assert any(
        "southwark.editor" in r.getMessage() and str(action.pk) in r.getMessage() for r in caplog.records
    )


@pytest.mark.parametrize("role", ["oversight", "analyst", "force_editor", "lambeth_editor"])
def test_only_the_boroughs_editors_may_link(client_as, plan, vawg_action, role):
    activity = Action.objects.filter(objective__plan=plan).first()
    url = reverse("action-force-links", args=[vawg_action.pk])
    assert client_as(role).get(url).status_code == 200
    assert "Save links" not in client_as(role).get(url).content.decode()
    assert client_as(role).post(url, {"activities": [activity.pk]}).status_code == 403
    assert vawg_action.delivers.count() == 0


def test_an_administrator_may_link_any_boroughs_action(client_as, plan, lambeth_plan):
    action = Action.objects.filter(objective__plan=lambeth_plan).first()
    activity = Action.objects.filter(objective__plan=plan).first()
    response = client_as("administrator").post(
        reverse("action-force-links", args=[action.pk]), {"activities": [activity.pk]}
    )
    assert response.status_code == 302
    assert list(action.delivers.all()) == [activity]


def test_only_force_activities_can_be_linked(client_as, plan, vawg_action, southwark_plan, lambeth_plan):
    good = Action.objects.filter(objective__plan=plan).first()
    url = reverse("action-force-links", args=[vawg_action.pk])
    for bad in (
        Action.objects.filter(objective__plan=southwark_plan).exclude(pk=vawg_action.pk).first().pk,
        Action.objects.filter(objective__plan=lambeth_plan).first().pk,
        999999,
        "not-a-number",
    ):
        response = client_as("southwark_editor").post(url, {"activities": [good.pk, bad]})
        assert response.status_code == 400, bad
        assert "not a force activity" in response.content.decode()
        assert vawg_action.delivers.count() == 0


def test_a_force_activity_has_no_links_page(client_as, plan):
    activity = Action.objects.filter(objective__plan=plan).first()
    assert client_as("force_editor").get(reverse("action-force-links", args=[activity.pk])).status_code == 404


def test_the_linking_service_checks_scope_itself(plan, vawg_action, lambeth_plan, force_editor):
    activity = Action.objects.filter(objective__plan=plan).first()
    with pytest.raises(PermissionDenied):
        set_force_links(action=vawg_action, user=user("lambeth.editor"), activity_ids=[activity.pk])
    with pytest.raises(PermissionDenied):
        set_force_links(action=vawg_action, user=force_editor, activity_ids=[activity.pk])
    other = Action.objects.filter(objective__plan=lambeth_plan).first()
    with pytest.raises(ValidationError):
        set_force_links(action=vawg_action, user=user("southwark.editor"), activity_ids=[other.pk])
    assert vawg_action.delivers.count() == 0
    assert set_force_links(action=vawg_action, user=user("southwark.editor"), activity_ids=[activity.pk]) == [
        activity
    ]


# --------------------------------------------------------------------------- roles


@pytest.mark.parametrize(
    "role", ["southwark_editor", "lambeth_editor", "oversight", "analyst", "force_editor", "administrator"]
)
def test_every_role_reads_the_force_plan(client_as, plan, role):
    response = client_as(role).get(reverse("force-plan"))
    assert response.status_code == 200
    assert "Trust Test matrix" in response.content.decode()
    assert client_as(role).post(reverse("force-plan")).status_code == 405


def test_a_user_without_a_role_is_refused(plan, client):
    nobody, _ = get_user_model().objects.get_or_create(username="no.role")  # no group, no membership
    client.force_login(nobody)
    assert client.get(reverse("force-plan")).status_code == 403
    assert client.get(reverse("action-force-links", args=[Action.objects.first().pk])).status_code in (
        403,
        404,
    )


def test_anonymous_is_sent_to_log_in(plan, client):
    response = client.get(reverse("force-plan"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --------------------------------------------------------------------------- admin


def test_a_force_editor_edits_only_the_force_plan_in_the_admin(client_as, plan, southwark_plan):
    client = client_as("force_editor")
    plans = client.get(reverse("admin:plans_plan_changelist")).content.decode()
    assert plan.title in plans and southwark_plan.title not in plans
    assert client.get(reverse("admin:plans_plan_change", args=[plan.pk])).status_code == 200
    assert client.get(reverse("admin:plans_plan_change", args=[southwark_plan.pk])).status_code == 404
    milestones = client.get(reverse("admin:plans_milestone_changelist")).content.decode()
    assert "24 milestones" in milestones
    milestone = Milestone.objects.get(plan=plan, position=22)
    assert client.get(reverse("admin:plans_milestone_change", args=[milestone.pk])).status_code == 200
    activity = Action.objects.filter(objective__plan=plan).first()
    assert client.get(reverse("admin:plans_action_change", args=[activity.pk])).status_code == 200
    southwark_action = Action.objects.filter(objective__plan=southwark_plan).first()
    assert client.get(reverse("admin:plans_action_change", args=[southwark_action.pk])).status_code == 404


def test_a_borough_editor_cannot_see_or_edit_the_force_plan_in_the_admin(client_as, plan):
    client = client_as("southwark_editor")
    assert plan.title not in client.get(reverse("admin:plans_plan_changelist")).content.decode()
    assert client.get(reverse("admin:plans_plan_change", args=[plan.pk])).status_code == 404
    milestone = Milestone.objects.filter(plan=plan).first()
    assert client.get(reverse("admin:plans_milestone_change", args=[milestone.pk])).status_code in (403, 404)
    before = milestone.description
    client.post(reverse("admin:plans_milestone_change", args=[milestone.pk]), {"description": "Changed"})
    assert Milestone.objects.get(pk=milestone.pk).description == before
    activity = Action.objects.filter(objective__plan=plan).first()
    assert client.get(reverse("admin:plans_action_change", args=[activity.pk])).status_code == 404


# --------------------------------------------------------------------------- export rows


def test_export_rows_for_the_force_plan_and_milestones(plan, oversight_user, vawg_action):
    link_demo_contributions()
    rows = force_plan_rows(oversight_user)
    assert len(rows) == 36
    vawg = [r for r in rows if r[2] == "VAWG Action Plan"]
    assert len(vawg) == 4 and all(r[8] == "Southwark" and r[9] == 1 for r in vawg)
    assert all(isinstance(cell, str) for row in rows for cell in row[:-1])
    assert all(isinstance(row[-1], int) for row in rows), "the count of actions is a number"
    milestones = milestone_rows(oversight_user, dt.date(2022, 2, 15))
    assert len(milestones) == 24
    assert [r[6] for r in milestones].count("Overdue") == 2
    assert sum(1 for r in milestones if r[5] == "External") == 3
    nobody = get_user_model().objects.create_user("no.role.2", password="x-unused-x")
    assert force_plan_rows(nobody) == [] and milestone_rows(nobody) == []


def test_status_changes_reach_the_matrix(plan, force_editor):
    activity = Action.objects.filter(objective__plan=plan).first()
    apply_status_update(
        action=activity,
        user=force_editor,
        seen_version=1,
        completed=True,
        commentary="Delivered across the Met.",
    )
    _d, rows, _a = force_matrix(plan)
    cell = next(c for r in rows for c in r.cells if activity.pk in {a.pk for a in c.activities})
    assert (Status.COMPLETE, 1) in cell.counts


def test_the_borough_dashboard_shows_the_force_activities_it_supports(client_as, plan, vawg_action):
    link_demo_contributions()
    html = client_as("oversight").get(reverse("borough-dashboard", args=["southwark"])).content.decode()
    assert "Force-wide plan activities this borough supports" in html
    assert html.count('href="/force/#activity-') == 4
    lambeth = client_as("oversight").get(reverse("borough-dashboard", args=["lambeth"])).content.decode()
    assert "No action of this borough is linked to a force-wide activity yet." in lambeth


def test_the_excel_export_has_the_force_plan_and_its_milestones(client_as, plan, vawg_action):
    import io

    import openpyxl

    link_demo_contributions()
    activity = Action.objects.filter(objective__plan=plan).order_by("pk").first()
    Action.objects.filter(pk=activity.pk).update(text='=HYPERLINK("http://example.org")')
    response = client_as("analyst").get(
        reverse("export-actions-xlsx") + "?as_at=2022-02-15&borough=southwark"
    )
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames.index("Force plan") < workbook.sheetnames.index("Milestones")
    force = list(workbook["Force plan"].iter_rows(values_only=True))
    assert force[0][:5] == ("Theme", "Trust Test dimension", "Source plan", "Strand", "Activity")
    assert len(force) == 37
    cell = next(
        c
        for row in workbook["Force plan"].iter_rows(min_row=2)
        for c in row
        if c.value and "HYPERLINK" in c.value
    )
    assert cell.data_type == "s"  # text, never a formula
    assert sum(1 for row in force[1:] if row[8] == "Southwark") == 4
    milestones = list(workbook["Milestones"].iter_rows(values_only=True))
    assert len(milestones) == 25
    assert [row[6] for row in milestones[1:]].count("Overdue") == 2  # as at the export's date
    assert {row[5] for row in milestones[1:]} == {"External", "Met-led"}


def admin_action_form(action, **changes):
    """The admin change form of an action as posted unchanged, with ``changes`` applied."""
    form = {
        "objective": action.objective_id,
        "position": action.position,
        "text": action.text,
        "owners": [o.pk for o in action.owners.all()],
        "drivers": [d.pk for d in action.drivers.all()],
        "delivers": [a.pk for a in action.delivers.all()],
        "new_rag": action.rag,
        "new_completed": "on" if action.completed else "",
        "commentary": "",
        "seen_version": action.version,
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "next_steps": action.next_steps,
        "source_plan": action.source_plan,
        "strand": action.strand,
    }
    form.update(changes)
    return form


@pytest.mark.parametrize("role", ["southwark_editor", "administrator"])
def test_the_admin_offers_and_accepts_only_force_activities(
    client_as, plan, vawg_action, southwark_plan, lambeth_plan, role
):
    client = client_as(role)
    url = reverse("admin:plans_action_change", args=[vawg_action.pk])
    offered = client.get(url).context["adminform"].form.fields["delivers"].queryset
    assert set(offered) == set(Action.objects.filter(objective__plan=plan)) and len(offered) == 36
    good = Action.objects.filter(objective__plan=plan).first()
    before = (vawg_action.text, vawg_action.version)
    for bad in (
        Action.objects.filter(objective__plan=southwark_plan).exclude(pk=vawg_action.pk).first(),
        Action.objects.filter(objective__plan=lambeth_plan).first(),
    ):
        response = client.post(
            url, admin_action_form(vawg_action, delivers=[good.pk, bad.pk], text="Renamed")
        )
        assert response.status_code == 200, "the form is shown again with its error"
        errors = response.context["adminform"].form.errors
        assert "Not a force activity" in " ".join(errors["delivers"]) and str(bad.pk) in str(errors)
        vawg_action.refresh_from_db()
        assert vawg_action.delivers.count() == 0 and (vawg_action.text, vawg_action.version) == before
        assert not bad.delivered_by.exists()
    response = client.post(url, admin_action_form(vawg_action, delivers=[good.pk]))
    assert response.status_code == 302
    assert list(vawg_action.delivers.all()) == [good]
    response = client.post(url, admin_action_form(vawg_action, delivers=[]))
    assert response.status_code == 302 and vawg_action.delivers.count() == 0


def test_the_admin_saves_links_through_the_linking_service(client_as, plan, vawg_action, monkeypatch):
    import plans.admin.actions

    calls = []
    real = plans.admin.actions.set_force_links

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(plans.admin.actions, "set_force_links", spy)
    activity = Action.objects.filter(objective__plan=plan).first()
    url = reverse("admin:plans_action_change", args=[vawg_action.pk])
    response = client_as("southwark_editor").post(url, admin_action_form(vawg_action, delivers=[activity.pk]))
    assert response.status_code == 302
    assert [(c["action"].pk, c["user"].username, c["activity_ids"]) for c in calls] == [
        (vawg_action.pk, "southwark.editor", [activity.pk])
    ]
    calls.clear()
    vawg_action.refresh_from_db()
    client_as("southwark_editor").post(url, admin_action_form(vawg_action, text="Only the text changed"))
    assert calls == [] and list(vawg_action.delivers.all()) == [activity]


def test_a_force_activity_delivers_nothing_in_the_admin(client_as, plan):
    activity, other = Action.objects.filter(objective__plan=plan).order_by("pk")[:2]
    url = reverse("admin:plans_action_change", args=[activity.pk])
    response = client_as("force_editor").post(url, admin_action_form(activity, delivers=[other.pk]))
    assert response.status_code == 200
    assert "only borough actions deliver force activities" in " ".join(
        response.context["adminform"].form.errors["delivers"]
    )
    assert activity.delivers.count() == 0
