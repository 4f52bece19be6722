"""Forms of the plan editing pages: an action (new or edited), an objective (new or renamed), and
the confirmation of a retirement. They parse input only; ``plans.services.plan_editing`` and
``plans.services.objectives`` validate and write."""

from django import forms

from drivers.models import Driver

from ..models import Owner, Pillar
from ..models.plan import TEXT_LIMIT
from ..refs import objective_ref
from ..services.plan_editing import objective_choices
from .dates import DateField


class ActionForm(forms.Form):
    """An action's text, objective, owners (picked or added), drivers and due date; ``version``
    (hidden) is the action's version the form was built from (edits only)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        max_value=2**31 - 1,  # a database integer
        required=False,
        error_messages={"required": "This form lacks the version it was made from: reload the page."},
    )
    objective = forms.ModelChoiceField(queryset=None, label="Objective")
    text = forms.CharField(label="Action", widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_LIMIT)
    owners = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Owners",
        help_text="Hold Ctrl (or Cmd) to pick several.",
    )
    new_owners = forms.CharField(
        required=False,
        max_length=300,
        label="Add owners",
        help_text='As the plan names them, e.g. "Supt Brockway and Chief Inspector Barnes".',
    )
    drivers = forms.ModelMultipleChoiceField(
        queryset=Driver.objects.select_related("framework"), required=False, label="Drivers of confidence"
    )
    due_date = DateField(
        required=False,
        label="Due date",
        help_text="Leave empty if the action has no due date.",
    )

    def __init__(self, *args, plan, action=None, **kwargs):
        if action is not None and (not args or args[0] is None) and "initial" not in kwargs:
            kwargs["initial"] = initial_for(action)
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = objective_choices(plan)
        self.fields["objective"].label_from_instance = lambda o: f"{objective_ref(o)}. {o.title}"
        self.fields["owners"].queryset = Owner.objects.filter(borough=plan.borough)
        self.fields["owners"].widget.attrs["size"] = 8
        self.fields["drivers"].widget.attrs["size"] = 8
        if action is None:
            del self.fields["version"]
        else:
            self.fields["version"].required = True  # an edit is checked against what the editor saw

    def service_values(self):
        """The cleaned values as the services take them."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


def initial_for(action):
    """The edit form's initial values: the action as it stands."""
    return {
        "version": action.version,
        "objective": action.objective_id,
        "text": action.text,
        "owners": [o.pk for o in action.owners.all()],
        "drivers": [d.pk for d in action.drivers.all()],
        "due_date": action.due_date,
    }


class ObjectiveForm(forms.Form):
    """A new objective (pillar and title) or a renamed one (title, and the title seen)."""

    seen_title = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    pillar = forms.ModelChoiceField(queryset=Pillar.objects.all(), label="Pillar")
    title = forms.CharField(label="Objective", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, objective=None, **kwargs):
        if objective is not None and (not args or args[0] is None):
            kwargs.setdefault("initial", {"seen_title": objective.title, "title": objective.title})
        super().__init__(*args, **kwargs)
        if objective is None:
            del self.fields["seen_title"]
        else:
            del self.fields["pillar"]


class RetireForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand: it leaves the plan from today and stays in its history and exports.",
        error_messages={"required": "Tick the box to confirm, or go back: nothing was retired."},
    )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(
        choices=[("up", "up"), ("down", "down")],
        error_messages={"required": "Choose to move it up or down."},
    )
