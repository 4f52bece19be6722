"""Our admin customisations name every field (WCAG 1.3.1, 4.1.2): the plan's objectives and the
objective's actions, edited in tables, carry a label per input; the admin carries the marking."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>")


def unnamed_fields(html, prefix):
    """The visible inputs of the inline formset `prefix` without an aria-label."""
    unnamed = []
    for _tag, attrs in FIELD.findall(html):
        name = re.search(r'name="([^"]+)"', attrs)
        if not name or not name.group(1).startswith(f"{prefix}-") or 'type="hidden"' in attrs:
            continue
        if "aria-label=" not in attrs:
            unnamed.append(name.group(1))
    return unnamed


def test_the_plan_forms_objective_table_names_every_field(client_as, southwark_plan):
    html = client_as("administrator").get(reverse("admin:plans_plan_change", args=[southwark_plan.pk])).text
    assert unnamed_fields(html, "objectives") == []
    assert 'aria-label="Pillar (row 1)"' in html and 'aria-label="Number (row 2)"' in html
    assert 'aria-label="Pillar (new row)"' in html  # the template of an added row


def test_the_objective_forms_action_table_names_every_field(client_as, southwark_plan):
    objective = southwark_plan.objectives.order_by("pk").first()
    html = client_as("administrator").get(reverse("admin:plans_objective_change", args=[objective.pk])).text
    assert unnamed_fields(html, "actions") == []
    assert 'aria-label="Due date (row 1)"' in html


def test_labels_do_not_leak_between_forms(client_as, southwark_plan):
    client = client_as("administrator")
    client.get(reverse("admin:plans_plan_change", args=[southwark_plan.pk]))
    html = client.get(reverse("admin:plans_plan_add")).text
    assert "(row 2)" not in html  # a new plan's form has no second objective row
