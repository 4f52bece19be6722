"""The owners I am: a borough editor links their account to owners of their own boroughs."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ..my_owners import claimable_owners, link_owners
from ..scope import scope_for


class MyOwnersForm(forms.Form):
    owners = forms.ModelMultipleChoiceField(
        label="The owners you are",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="As your borough's plan names you (or your team). Owners another person has "
        "claimed are not listed.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owners"].queryset = claimable_owners(user).select_related("borough")
        self.fields["owners"].label_from_instance = lambda o: f"{o.label} ({o.borough})"


@require_http_methods(["GET", "POST"])
def my_owners(request):
    """GET: the form; POST: link exactly the chosen owners to the user."""
    if not scope_for(request.user).edit_borough_ids:
        raise PermissionDenied("Only members of a borough have owners to link.")
    initial = {"owners": list(claimable_owners(request.user).filter(user=request.user))}
    form = MyOwnersForm(
        request.POST if request.method == "POST" else None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = link_owners(user=request.user, owner_ids=[o.pk for o in form.cleaned_data["owners"]])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"You are linked to {count} owner(s): their actions are yours.")
            return redirect("my-owners")
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/my_owners.html", {"form": form}, status=status)
