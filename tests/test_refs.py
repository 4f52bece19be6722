"""Action references are unique within a plan wherever actions are listed: "M1.3", the pillar's
initial as the dashboard charts write it (objective numbers restart in each pillar)."""

import re

import pytest
from django.urls import reverse

from plans.forms.challenges import ChallengeForm
from plans.models import Action
from plans.refs import action_ref, objective_ref

pytestmark = pytest.mark.django_db


def test_a_reference_is_the_pillars_initial_the_objective_and_the_position(southwark_plan):
    action = Action.objects.filter(
        objective__plan=southwark_plan, objective__pillar__name="Less Crime"
    ).first()
    objective = action.objective
    assert objective_ref(objective) == f"L{objective.number}"
    assert action_ref(action) == f"L{objective.number}.{action.position}"


def test_every_action_of_the_southwark_plan_has_its_own_reference(southwark_plan):
    actions = Action.objects.filter(objective__plan=southwark_plan).select_related("objective__pillar")
    refs = [action_ref(a) for a in actions]
    assert len(refs) == 61 and len(set(refs)) == 61


def test_the_challenge_forms_action_choices_are_unique(southwark_plan):
    form = ChallengeForm(plan=southwark_plan)
    labels = [label for value, label in form.fields["action"].choices if value]
    prefixes = [label.split(" ", 1)[0] for label in labels]
    assert len(prefixes) == 61 and len(set(prefixes)) == 61
    assert all(re.fullmatch(r"[MLH]\d+\.\d+", prefix) for prefix in prefixes)


def test_the_review_and_the_dashboard_list_actions_by_their_references(client_as, southwark_plan):
    review = client_as("southwark_editor").get(reverse("borough-review", args=["southwark"])).text
    refs = re.findall(r'<span class="review-ref">([^<]+)</span>', review)
    assert len(refs) == 61 and len(set(refs)) == 61 and "M1.1" in refs
    dashboard = client_as("southwark_editor").get(reverse("borough-dashboard", args=["southwark"])).text
    assert "<td>M1.1</td>" in dashboard and "<td>1.1</td>" not in dashboard
