"""Dates are shown and entered the British way in the page forms and the admin, and a bad date is
refused with a message that names the field (trustplan/formats/en_GB, plans/forms/dates.py)."""

import datetime as dt

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from django.utils import formats

from plans.forms.challenges import ChallengeForm
from plans.forms.dates import DateField
from plans.forms.status import StatusForm
from plans.models import Action, Challenge, Milestone, Target
from tests.conftest import ROLE_USERS

MARCH_31 = dt.date(2024, 3, 31)


@pytest.mark.parametrize(
    "text", ["31/03/2024", "31/3/2024", "31/03/24", "31 Mar 2024", "31 March 2024", "2024-03-31"]
)
def test_a_date_field_reads_british_dates_and_the_date_pickers_iso(text):
    assert DateField(label="Due date").clean(text) == MARCH_31


@pytest.mark.parametrize("text", ["03/31/2024", "31/13/2024", "30/02/2024", "next Tuesday"])
def test_a_bad_date_is_refused_naming_the_field_and_the_value(text):
    with pytest.raises(Exception) as refused:
        DateField(label="Answer due by").clean(text)
    (message,) = refused.value.messages
    assert message.startswith("Answer due by:") and text in message and "31/03/2024" in message


def test_dates_are_shown_the_british_way():
    assert formats.date_format(MARCH_31) == "31 Mar 2024"
    assert formats.date_format(MARCH_31, "SHORT_DATE_FORMAT") == "31/03/2024"
    assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"


def test_the_challenge_form_takes_a_british_date_and_names_a_bad_one(southwark_plan):
    today = dt.date(2024, 3, 1)
    form = ChallengeForm(
        {"question": "Why are four actions Red?", "due_date": "31/03/2024"}, plan=southwark_plan, today=today
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due_date"] == MARCH_31
    form = ChallengeForm(
        {"question": "Why are four actions Red?", "due_date": "31/02/2024"}, plan=southwark_plan, today=today
    )
    assert not form.is_valid()
    assert form.errors["due_date"][0].startswith("Answer due by: “31/02/2024” is not a date.")
    # the date picker is given an ISO value, which it shows the reader's way (31/03/2024 in en-GB)
    html = str(ChallengeForm(initial={"due_date": MARCH_31}, plan=southwark_plan)["due_date"])
    assert 'type="date"' in html and 'value="2024-03-31"' in html


def test_the_status_form_names_a_bad_due_date(southwark_plan):
    action = Action.objects.filter(objective__plan=southwark_plan).first()
    form = StatusForm({"due_date": "32/01/2025"}, action=action)
    form.is_valid()
    assert form.errors["due_date"][0].startswith("Due date: “32/01/2025” is not a date.")


@pytest.mark.parametrize("model", [Challenge, Milestone, Target])
def test_every_admin_date_box_reads_british_dates(world, model):
    request = RequestFactory().get("/admin/")
    request.user = _admin_user()
    model_admin = admin.site._registry[model]
    dates = [f for f in model._meta.fields if type(f) is models.DateField and f.editable]
    assert dates
    for db_field in dates:
        field = model_admin.formfield_for_dbfield(db_field, request)
        assert field.clean("31/03/2024") == MARCH_31
        with pytest.raises(Exception) as refused:
            field.clean("2024/31/03")
        assert refused.value.messages[0].startswith(f"{field.label}:")


def test_the_admin_shows_a_date_as_day_month_year(client_as, southwark_plan):
    challenge = Challenge.objects.create(
        plan=southwark_plan, question="Why?", raised_by=_admin_user(), due_date=MARCH_31
    )
    html = client_as("administrator").get(reverse("admin:plans_challenge_change", args=[challenge.pk])).text
    assert 'value="31/03/2024"' in html


def _admin_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=ROLE_USERS["administrator"])


def test_a_dashboard_names_its_as_at_day_the_british_way(client_as, southwark_plan):
    html = client_as("oversight").get("/oversight/?as_at=2023-09-01").content.decode()
    assert "As at (end of day): 1 Sep 2023" in html and "2023-09-01</p>" not in html
