"""Admin of owners: an owner belongs to one of the editor's boroughs, and its linked account (who
gets the reminders of its actions) is a member of that borough.

The account choices are the members of the boroughs the user may change (and, for force editors
and administrators, the force editors, for owners of the force-wide plan): an editor is never
shown an account outside them.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q

from ..choices import Role
from ..models import Borough, Membership, Owner
from ..scope import scope_for
from .scoped import ScopedAdmin


def linkable_users(user):
    """Accounts ``user`` may link to an owner: members of the boroughs they may change, and the
    force editors if they may change the force-wide plan. Active accounts only."""
    scope = scope_for(user)
    boroughs = Borough.objects.editable_by(user)
    condition = Q(pk__in=Membership.objects.filter(borough__in=boroughs).values("user_id"))
    if scope.edit_force:
        condition |= Q(groups__name=Role.FORCE_EDITOR)
    return get_user_model().objects.filter(condition, is_active=True).distinct().order_by("username")


def may_be_linked(account, borough):
    """True when ``account`` may receive the reminders of an owner of ``borough`` (None: the
    force-wide plan): a member of that borough, or a force editor for the force-wide plan."""
    if borough is None:
        return account.groups.filter(name=Role.FORCE_EDITOR).exists()
    return Membership.objects.filter(user=account, borough=borough).exists()


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class OwnerAdminForm(forms.ModelForm):
    user = AccountChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Account",
        help_text="Gets the reminders of this owner's actions: a member of the owner's borough.",
    )
    requester = None  # the requesting user, set by ScopedAdmin.get_form

    class Meta:
        model = Owner
        fields = ["borough", "key", "label", "rank", "name", "team", "user"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = linkable_users(self.requester)

    def clean(self):
        data = super().clean()
        account = data.get("user")
        if account is not None and "borough" not in self.errors:
            borough = data.get("borough")
            if not may_be_linked(account, borough):
                where = f"a member of {borough}" if borough else "a force editor"
                self.add_error(
                    "user",
                    ValidationError(
                        f"{account.get_username()} is not {where}: an owner's account must be. "
                        "Nothing was saved.",
                        code="out_of_scope",
                    ),
                )
        return data


@admin.register(Owner)
class OwnerAdmin(ScopedAdmin):
    form = OwnerAdminForm
    list_display = ["label", "rank", "name", "team", "borough", "user"]
    list_filter = ["borough"]
    search_fields = ["label", "name", "team"]
