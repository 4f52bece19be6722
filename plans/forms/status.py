"""The status form of an action: its page and each row of the monthly review.

The form carries the version and the values the user was shown (hidden ``seen_*`` fields), so
that a change is judged against what the user saw, not against what the database holds by the
time they press Save. Only the fields the user changed go to the service; a new commentary is
always a change. Values are checked by ``plans.services`` (``validate_change``); this form only
parses them.
"""

import copy

from django import forms

from ..choices import RAG
from ..models.plan import TEXT_LIMIT
from ..services import MIN_COMMENTARY_WORDS, ReviewRow
from . import widgets
from .dates import DateField

COMMENTARY_HELP = (
    "Required when you change the RAG or completion: at least a sentence "
    f"({MIN_COMMENTARY_WORDS} words or more) saying why."
)


class _SharedFields(dict):
    """Fields that every form given them uses as they are (``copy.deepcopy`` gives them back)."""

    def __deepcopy__(self, memo):
        return self


def _normalise_text(value):
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


class StatusForm(forms.Form):
    version = forms.IntegerField(widget=widgets.HiddenInput, min_value=0, max_value=2**31 - 1)
    seen_rag = forms.ChoiceField(choices=RAG.choices, widget=widgets.HiddenInput)
    seen_completed = forms.BooleanField(required=False, widget=widgets.HiddenInput)
    seen_next_steps = forms.CharField(required=False, strip=False, widget=widgets.HiddenInput)
    seen_due_date = forms.DateField(required=False, widget=widgets.HiddenInput)

    rag = forms.ChoiceField(label="RAG rating", choices=RAG.choices, widget=widgets.Select)
    completed = forms.BooleanField(label="Complete", required=False, widget=widgets.CheckboxInput)
    commentary = forms.CharField(
        label="Commentary",
        required=False,
        max_length=TEXT_LIMIT,
        help_text=COMMENTARY_HELP,
        widget=widgets.Textarea(attrs={"rows": 3}),
    )
    next_steps = forms.CharField(
        label="Next steps",
        required=False,
        max_length=TEXT_LIMIT,
        widget=widgets.Textarea(attrs={"rows": 2}),
    )
    due_date = DateField(
        label="Due date",
        required=False,
        widget=widgets.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Leave empty if the action has no due date.",
    )

    HIDDEN = ("version", "seen_rag", "seen_completed", "seen_next_steps", "seen_due_date")
    SERVICE_FIELDS = ("rag", "completed", "commentary", "next_steps", "due_date")

    def __init__(self, data=None, *, action, prefix=None, fields=None):
        """``fields``: ``shared_fields()``, for many unbound forms on one page (the review's rows),
        which then share one copy of the fields instead of each copying them all."""
        self.action = action
        if fields is not None:
            self.base_fields = fields  # BaseForm.__init__ "copies" it: the same shared copy
        super().__init__(data, prefix=prefix, initial=self.initial_for(action))

    @classmethod
    def shared_fields(cls):
        """One copy of the form's fields for the unbound forms of one page to share: none of
        them changes its fields (an unbound form is only written; a bound one, which may get
        errors, copies its own)."""
        return _SharedFields(copy.deepcopy(cls.base_fields))

    @staticmethod
    def initial_for(action):
        return {
            "version": action.version,
            "seen_rag": action.rag,
            "seen_completed": action.completed,
            "seen_next_steps": action.next_steps,
            "seen_due_date": action.due_date,
            "rag": action.rag,
            "completed": action.completed,
            "next_steps": action.next_steps,
            "due_date": action.due_date,
        }

    @property
    def submitted(self):
        """True when the request carries this form (a review posts only the rows it shows)."""
        return self.is_bound and self.carried(self.data, self.prefix)

    @classmethod
    def carried(cls, data, prefix):
        """True when ``data`` (a POST) carries the form with ``prefix``: its version is there."""
        return (f"{prefix}-version" if prefix else "version") in data

    @property
    def hidden_errors(self):
        return [f"{name}: {error}" for name in self.HIDDEN for error in self.errors.get(name, [])]

    def changes(self):
        """The requested change as keyword arguments for the service: only what the user changed
        compared with what they were shown. Empty when the row is untouched."""
        data = self.cleaned_data
        change = {}
        if data["rag"] != data["seen_rag"]:
            change["rag"] = data["rag"]
        if data["completed"] != data["seen_completed"]:
            change["completed"] = data["completed"]
        if _normalise_text(data["next_steps"]) != _normalise_text(data["seen_next_steps"]):
            change["next_steps"] = _normalise_text(data["next_steps"])
        if data["due_date"] != data["seen_due_date"]:
            change["due_date"] = data["due_date"]
        if _normalise_text(data["commentary"]):
            change["commentary"] = data["commentary"]
        return change

    def review_row(self):
        return ReviewRow(action=self.action, seen_version=self.cleaned_data["version"], **self.changes())

    def add_service_errors(self, message_dict):
        for field, messages in message_dict.items():
            self.add_error(field if field in self.fields else None, messages)

    def rebased(self, current):
        """The same typed values, now against ``current`` (the action as someone else left it):
        submitting the returned form re-applies the user's change over theirs. Fields the user
        did not change take the current values, so re-applying never undoes the other change."""
        changed = self.changes() if hasattr(self, "cleaned_data") else {}
        data = self.data.copy()
        if "rag" not in changed:
            data[self.add_prefix("rag")] = current.rag
        if "completed" not in changed:
            data.pop(self.add_prefix("completed"), None)
            if current.completed:
                data[self.add_prefix("completed")] = "on"
        if "next_steps" not in changed:
            data[self.add_prefix("next_steps")] = current.next_steps
        if "due_date" not in changed:
            data[self.add_prefix("due_date")] = current.due_date.isoformat() if current.due_date else ""
        data[self.add_prefix("version")] = str(current.version)
        data[self.add_prefix("seen_rag")] = current.rag
        data[self.add_prefix("seen_completed")] = "True" if current.completed else "False"
        data[self.add_prefix("seen_next_steps")] = current.next_steps
        data[self.add_prefix("seen_due_date")] = current.due_date.isoformat() if current.due_date else ""
        form = type(self)(data, action=current, prefix=self.prefix)
        form.is_valid()
        return form


class ReviewBoundField(forms.BoundField):
    """A field of a monthly review row. The review writes each help text once, above its rows,
    rather than under each of its sixty rows' inputs: an input names that paragraph
    (``ReviewStatusForm.HELP_IDS``) and, when it has an error, the error written beside it
    (``<input id>_error``) in ``aria-describedby``."""

    @property
    def aria_describedby(self):
        if self.field.widget.attrs.get("aria-describedby") or not self.auto_id or self.is_hidden:
            return None  # as Django's: the widget's own is kept; a hidden input names nothing
        ids = [ReviewStatusForm.HELP_IDS[self.name]] if self.name in ReviewStatusForm.HELP_IDS else []
        if self.errors:
            ids.append(f"{self.auto_id}_error")
        return " ".join(ids)


class ReviewStatusForm(StatusForm):
    """StatusForm as a row of the monthly review (``plans.views.review``): the same fields and
    rules; its inputs name the page's help paragraphs (``templates/plans/review.html``) by these
    ids."""

    HELP_IDS = {"commentary": "commentary-rule", "due_date": "due-date-help"}
    bound_field_class = ReviewBoundField
