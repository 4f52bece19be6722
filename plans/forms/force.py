"""Forms of the force-wide plan pages."""

import datetime as dt

from django import forms

from .dates import DateField


class AsAtForm(forms.Form):
    """The date milestones are judged against (done, due now, upcoming, overdue)."""

    as_at = DateField(
        label="Milestone status as at",
        required=False,
        help_text="Leave empty for today.",
    )

    def clean_as_at(self):
        day = self.cleaned_data.get("as_at")
        if day and not (dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31)):
            raise forms.ValidationError("Enter a date between 01/01/2000 and 31/12/2100.")
        return day


class ForceLinksForm(forms.Form):
    """Which force activities a borough action delivers. Choices are force-plan actions only."""

    activities = forms.ModelMultipleChoiceField(
        label="Force activities this action delivers",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "%(value)s is not a force activity. Nothing was saved.",
            "invalid_pk_value": "“%(pk)s” is not a force activity. Nothing was saved.",
        },
    )

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].queryset = activities
