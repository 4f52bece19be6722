"""Borough editors add actions to their plan in the browser (plans.plan_editing writes)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from drivers.models import Driver

from ..models import Borough, Objective, Owner, Plan
from ..models.plan import TEXT_LIMIT
from ..plan_editing import action_create
from ..scope import scope_for


class ActionCreateForm(forms.Form):
    objective = forms.ModelChoiceField(queryset=None, label="Objective")
    text = forms.CharField(label="Action", widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_LIMIT)
    owners = forms.ModelMultipleChoiceField(queryset=None, required=False, label="Owners")
    new_owners = forms.CharField(
        required=False,
        max_length=300,
        label="Add owners",
        help_text='As the plan names them, e.g. "Supt Brockway and Chief Inspector Barnes".',
    )
    drivers = forms.ModelMultipleChoiceField(queryset=Driver.objects.all(), required=False, label="Drivers")
    due_date = forms.DateField(
        required=False, label="Due date", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = Objective.objects.filter(plan=plan).select_related("pillar")
        self.fields["objective"].label_from_instance = lambda o: f"{o.pillar}: {o}"
        self.fields["owners"].queryset = Owner.objects.filter(borough=plan.borough)


@require_http_methods(["GET", "POST"])
def action_new(request, slug):
    """GET: the form; POST: add the action and open its page."""
    borough = get_object_or_404(Borough.objects.visible_to(request.user), slug=slug)
    if not scope_for(request.user).can_edit_borough(borough.pk):
        raise PermissionDenied(f"Only editors of {borough} can add actions to its plan.")
    plan = get_object_or_404(Plan, borough=borough)
    form = ActionCreateForm(request.POST if request.method == "POST" else None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            action = action_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "The action was added to the plan (Not rated until reviewed).")
            return redirect("action-detail", pk=action.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "plans/action_new.html", {"form": form, "borough": borough, "plan": plan}, status=status
    )
