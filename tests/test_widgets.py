"""The review's direct-render widgets write the same HTML as Django's widget templates, escaped
the same way, for every kind of value the status form shows (and hostile ones)."""

import datetime as dt

import pytest
from django import forms
from django.test.html import parse_html

from plans.forms import widgets

HOSTILE = "\"><script>alert('x')</script> & <b>"
CASES = [
    (widgets.HiddenInput(), forms.HiddenInput(), [None, "", 0, 7, "red", HOSTILE, True, False]),
    (
        widgets.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        [None, "", dt.date(2026, 3, 31), "2026-13-45", HOSTILE],
    ),
    (widgets.CheckboxInput(), forms.CheckboxInput(), [None, "", True, False, "on", "false"]),
    (
        widgets.Textarea(attrs={"rows": 3}),
        forms.Textarea(attrs={"rows": 3}),
        [None, "", "one line", "two\nlines", HOSTILE],
    ),
    (
        widgets.Select(choices=[("red", "Red"), ("amber", "Amber"), ("", "Not <rated>")]),
        forms.Select(choices=[("red", "Red"), ("amber", "Amber"), ("", "Not <rated>")]),
        [None, "", "red", "amber", HOSTILE],
    ),
    (
        widgets.Select(choices=[("Group & co", [("a", "A"), ("b", HOSTILE)]), ("c", "C")]),
        forms.Select(choices=[("Group & co", [("a", "A"), ("b", HOSTILE)]), ("c", "C")]),
        ["b", "c", None],
    ),
]
ATTRS = [
    None,
    {"id": "id_a1-rag", "required": True, "aria-describedby": f"hint {HOSTILE}", "disabled": False},
]


@pytest.mark.parametrize(("direct", "django_widget", "values"), CASES)
def test_direct_widgets_write_what_the_templates_write(direct, django_widget, values):
    for value in values:
        for attrs in ATTRS:
            ours = direct.render("a1-field", value, attrs=attrs)
            theirs = django_widget.render("a1-field", value, attrs=attrs)
            assert parse_html(ours) == parse_html(theirs), (value, attrs, ours, theirs)
            assert "<script>" not in ours
