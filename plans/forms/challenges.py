"""Challenges: oversight raises a question on a borough plan or action; the borough answers;
both sides add to the thread; oversight closes it. The forms clean what was typed; the writes are
plans.services.challenges."""

import datetime as dt

from django import forms
from django.utils import timezone

from ..models import Action, Challenge
from ..models.plan import TEXT_LIMIT
from ..refs import action_ref
from ..services.status import clean_text
from .dates import DateField, DateInput

LATEST_DUE = dt.date(2100, 12, 31)
MIN_WORDS = 3


def _clean_message(value, label):
    errors = {}
    text = clean_text(value, field="text", errors=errors)
    if errors:
        raise forms.ValidationError(errors["text"])
    if len(text.split()) < MIN_WORDS:
        raise forms.ValidationError(
            f"Write the {label} as at least a short sentence ({MIN_WORDS} words or more)."
        )
    return text


class ChallengeForm(forms.ModelForm):
    """Raise a challenge on a plan, or on one of its actions."""

    class Meta:
        model = Challenge
        fields = ["action", "question", "due_date"]
        labels = {
            "action": "Action challenged (optional)",
            "question": "Question for the borough",
            "due_date": "Answer due by",
        }
        help_texts = {
            "action": "Leave empty to challenge the plan as a whole.",
            "due_date": "The date the borough should answer by.",
        }
        widgets = {
            "question": forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_LIMIT}),
            "due_date": DateInput(),
        }
        field_classes = {"due_date": DateField}

    def __init__(self, *args, plan, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan  # the model's clean() checks the action belongs to it
        self.today = today or timezone.localdate()
        field = self.fields["action"]
        field.queryset = (
            Action.objects.live().filter(objective__plan=plan).select_related("objective__pillar")
        )
        field.required = False
        field.empty_label = "The plan as a whole"
        field.label_from_instance = lambda a: f"{action_ref(a)} {a}"
        self.fields["due_date"].required = True

    def clean_question(self):
        return _clean_message(self.cleaned_data.get("question"), "question")

    def clean_due_date(self):
        due = self.cleaned_data.get("due_date")
        if due and not (self.today <= due <= LATEST_DUE):
            raise forms.ValidationError(f"Choose a date from today ({self.today}) onwards.")
        return due


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_LIMIT}),
        max_length=TEXT_LIMIT,
    )

    def clean_text(self):
        return _clean_message(self.cleaned_data.get("text"), "reply")


class CloseForm(forms.Form):
    note = forms.CharField(
        label="Closing note (optional)",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_LIMIT}),
    )

    def clean_note(self):
        errors = {}
        note = clean_text(self.cleaned_data.get("note"), field="note", errors=errors)
        if errors:
            raise forms.ValidationError(errors["note"])
        return note
