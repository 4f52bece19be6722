"""The review's inputs written directly (``form_widgets.field_html``) are exactly what
``str(bound_field)`` writes through ``BoundField.as_widget``: names, ids, values, selected and
checked states, required, aria attributes, bound values after a refused save, escaping."""

import datetime as dt

import pytest
from django import forms
from django.forms.widgets import ChoiceWidget

from plans.forms import widgets
from plans.forms.status import ReviewStatusForm
from plans.models import Action
from plans.templatetags.form_widgets import field_html

HOSTILE = '<script>alert("x")</script> & \'q\' "dq" <b>&amp;'


def _pairs(make):
    """(direct, Django's) for every field, each from its own new form: neither sees the other's
    cached values."""
    direct, django = make(), make()
    return [(name, field_html(direct[name]), str(django[name])) for name in django.fields]


def _assert_same(make):
    for name, ours, theirs in _pairs(make):
        assert ours == theirs, name
        assert "<script>" not in ours, name


def _row(action, **changes):
    prefix = f"a{action.pk}-"
    data = {
        "version": action.version,
        "seen_rag": action.rag,
        "seen_completed": str(action.completed),
        "seen_next_steps": action.next_steps,
        "seen_due_date": action.due_date.isoformat() if action.due_date else "",
        "rag": action.rag,
        "next_steps": action.next_steps,
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "commentary": "",
    }
    if action.completed:
        data["completed"] = "on"
    data.update(changes)
    return {prefix + key: value for key, value in data.items() if value is not None}


def _action():
    return Action.objects.filter(objective__plan__borough__slug="southwark").order_by("pk").first()


@pytest.mark.django_db
def test_an_unbound_row_is_written_as_django_writes_it(world):
    action = _action()
    _assert_same(lambda: ReviewStatusForm(action=action, prefix=f"a{action.pk}"))
    action.next_steps, action.completed, action.due_date = HOSTILE, True, dt.date(2024, 2, 29)
    _assert_same(lambda: ReviewStatusForm(action=action, prefix=f"a{action.pk}"))
    action.due_date, action.completed, action.next_steps = None, False, ""
    _assert_same(lambda: ReviewStatusForm(action=action, prefix=f"a{action.pk}"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"rag": "red", "commentary": "A change with a sentence of reasons given here."},
        {"rag": "purple", "due_date": "not-a-date", "next_steps": HOSTILE},
        {"rag": HOSTILE, "completed": "on", "commentary": HOSTILE, "due_date": HOSTILE},
        {"version": "abc", "seen_rag": HOSTILE, "seen_due_date": "2020-13-45", "seen_completed": HOSTILE},
        {"version": None, "rag": None, "next_steps": "x" * 5000, "commentary": HOSTILE * 400},
        {"completed": "", "seen_next_steps": HOSTILE, "due_date": "2027-01-02"},
    ],
)
def test_a_bound_row_is_written_as_django_writes_it(world, changes):
    action = _action()

    def make():
        form = ReviewStatusForm(_row(action, **changes), action=action, prefix=f"a{action.pk}")
        form.is_valid()
        return form

    _assert_same(make)
    _assert_same(lambda: ReviewStatusForm(_row(action, **changes), action=action, prefix=f"a{action.pk}"))


@pytest.mark.django_db
def test_a_row_with_errors_added_after_cleaning(world):
    """The service's errors (``add_service_errors``) mark the inputs invalid the same way."""
    action = _action()

    def make():
        form = ReviewStatusForm(_row(action, rag="red"), action=action, prefix=f"a{action.pk}")
        form.is_valid()
        form.add_service_errors({"commentary": [HOSTILE], "rag": ["No."], "__all__": ["Row."]})
        return form

    _assert_same(make)


class Odd(forms.Form):
    """The review's widgets in every state ``build_widget_attrs`` knows."""

    pick = forms.ChoiceField(
        choices=[("", "—"), ("a&b", HOSTILE), (HOSTILE, [("1", "One"), ("2", "<Two>")]), (3, 3)],
        widget=widgets.Select(attrs={"data-x": HOSTILE, "autofocus": True, "hidden": False}),
    )
    plain_pick = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=widgets.Select)
    box = forms.BooleanField(widget=widgets.CheckboxInput(attrs={"id": "own-id"}), help_text="Tick")
    area = forms.CharField(
        widget=widgets.Textarea(attrs={"aria-describedby": "elsewhere", "rows": 3}), help_text="Help"
    )
    off = forms.CharField(disabled=True, required=False, widget=widgets.Textarea)
    day = forms.DateField(widget=widgets.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), localize=True)
    hidden = forms.IntegerField(widget=widgets.HiddenInput, help_text="Not described")
    again = forms.CharField(required=False, show_hidden_initial=True, widget=widgets.HiddenInput)


@pytest.mark.parametrize("auto_id", ["id_%s", "f-%s-x", "plain", False])
@pytest.mark.parametrize("required_attribute", [True, False])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"pick": ["a&b"], "plain_pick": "y", "box": "on", "area": HOSTILE, "day": HOSTILE, "hidden": HOSTILE},
        {"pick": "2", "box": HOSTILE, "day": "2024-02-29", "hidden": "7", "again": HOSTILE, "off": HOSTILE},
    ],
)
def test_the_direct_writer_follows_every_attribute_rule(auto_id, required_attribute, data):
    initial = {"pick": HOSTILE, "box": True, "area": HOSTILE, "day": dt.date(2024, 1, 2), "hidden": 3}

    def make():
        form = Odd(data, auto_id=auto_id, initial=initial, prefix="p" if data else None)
        form.use_required_attribute = required_attribute
        return form

    _assert_same(make)


@pytest.mark.django_db
def test_every_input_of_a_row_is_written_directly(world):
    from plans.templatetags.form_widgets import _direct

    action = _action()
    form = ReviewStatusForm(_row(action, rag=HOSTILE), action=action, prefix=f"a{action.pk}")
    assert all(_direct(form[name]) is not None for name in form.fields)


@pytest.mark.parametrize(
    "widget",
    [
        *(field.widget for field in ReviewStatusForm.base_fields.values()),
        widgets.Select(attrs={"data-x": HOSTILE}, choices=[("a", HOSTILE), ("g", [("1", "One")])]),
        widgets.DateInput(attrs={"type": "date", "id": "x"}, format="%d/%m/%Y"),
    ],
)
def test_a_copied_widget_is_what_django_copies(widget):
    import copy

    django_copy = (ChoiceWidget if isinstance(widget, ChoiceWidget) else forms.Widget).__deepcopy__
    ours, theirs = copy.deepcopy(widget), django_copy(widget, {})
    assert type(ours) is type(theirs) is type(widget)
    assert vars(ours) == vars(theirs) == vars(widget)
    assert ours.attrs is not widget.attrs and ours.attrs == widget.attrs
    if isinstance(widget, ChoiceWidget):
        assert ours.choices is not widget.choices and ours.choices == widget.choices
    memo = {}
    assert copy.deepcopy(widget, memo) is memo[id(widget)]


def test_the_review_rows_share_one_copy_of_the_fields_and_write_the_same_inputs(southwark_plan):
    from plans.forms.status import ReviewStatusForm
    from plans.models import Action

    actions = list(Action.objects.filter(objective__plan=southwark_plan).order_by("pk")[:5])
    shared = ReviewStatusForm.shared_fields()
    forms = [ReviewStatusForm(action=a, prefix=f"a{a.pk}", fields=shared) for a in actions]
    assert all(form.fields is forms[0].fields for form in forms)
    assert forms[0].fields is not ReviewStatusForm.base_fields
    for action, form in zip(actions, forms, strict=True):
        own = ReviewStatusForm(action=action, prefix=f"a{action.pk}")
        assert own.fields is not form.fields
        assert [str(form[name]) for name in form.fields] == [str(own[name]) for name in own.fields]


@pytest.mark.django_db
def test_a_row_not_submitted_is_written_from_its_action_as_its_form_writes_it(southwark_plan):
    """The review writes an unbound row's inputs without building its form: the same markup as
    the form's for every action of the Southwark plan, and for every kind of value."""
    from plans.templatetags.review_rows import _form_fields, _unbound_fields

    shared = ReviewStatusForm.shared_fields()
    actions = list(Action.objects.filter(objective__plan=southwark_plan).order_by("pk"))
    assert len(actions) > 20
    variants = [
        {},
        {"next_steps": HOSTILE, "completed": True, "due_date": dt.date(2024, 2, 29), "rag": "red"},
        {"next_steps": "", "completed": False, "due_date": None, "rag": "not_rated", "version": 2**31 - 1},
        {"next_steps": "0", "rag": "amber", "version": 0},
        {"next_steps": "v918273645v a918273645 \r\n line", "rag": "green"},
    ]
    for action in actions:
        for variant in variants:
            for name, value in variant.items():
                setattr(action, name, value)
            form = ReviewStatusForm(action=action, prefix=f"a{action.pk}", fields=shared)
            assert _unbound_fields(action, shared) == _form_fields(form), (action.pk, variant)


@pytest.mark.django_db
def test_the_review_page_builds_no_form_for_the_rows_not_submitted(client, southwark_plan, django_user_model):
    """A page opened builds no form; after a refused save, only the submitted row has one."""
    from plans.views import review

    built = []
    original = review.ReviewStatusForm.__init__

    def counting(self, *args, **kwargs):
        built.append(kwargs.get("prefix"))
        original(self, *args, **kwargs)

    editor = django_user_model.objects.get(username="southwark.editor")
    client.force_login(editor)
    url = "/boroughs/southwark/review/"
    client.get(url)  # the process's first review writes each input's markup once, with a form of its own
    review.ReviewStatusForm.__init__ = counting
    try:
        page = client.get(url)
        assert page.status_code == 200 and built == []
        action = Action.objects.filter(objective__plan=southwark_plan).order_by("pk").first()
        refused = client.post(url, _row(action, rag="purple"))
    finally:
        review.ReviewStatusForm.__init__ = original
    assert refused.status_code == 400
    assert built == [f"a{action.pk}"]
    assert b"has-error" in refused.content and f'id="id_a{action.pk}-rag"'.encode() in refused.content


@pytest.mark.django_db
def test_every_input_names_help_and_errors_that_the_page_holds(client, southwark_plan, django_user_model):
    """``aria-describedby`` names only elements of the page: the help written once above the
    rows (commentary, due date), and beside a refused row's field its error, for a page opened
    and after a refused save."""
    import re

    client.force_login(django_user_model.objects.get(username="southwark.editor"))
    url = "/boroughs/southwark/review/"
    action = Action.objects.filter(objective__plan=southwark_plan).order_by("pk").first()
    opened = client.get(url).content.decode()
    refused = client.post(url, _row(action, rag="purple", due_date="31/02/2025")).content.decode()
    for html in (opened, refused):
        ids = set(re.findall(r'\sid="([^"]+)"', html))
        named = [name for names in re.findall(r'aria-describedby="([^"]+)"', html) for name in names.split()]
        assert len(named) >= 2 * Action.objects.filter(objective__plan=southwark_plan).count()
        assert set(named) <= ids, sorted(set(named) - ids)[:5]
    rag = re.search(rf'<select name="a{action.pk}-rag"[^>]*>', refused).group(0)
    assert f'aria-describedby="id_a{action.pk}-rag_error"' in rag and 'aria-invalid="true"' in rag
    due = re.search(rf'<input type="date" name="a{action.pk}-due_date"[^>]*>', refused).group(0)
    assert f'aria-describedby="due-date-help id_a{action.pk}-due_date_error"' in due
    assert f'<div class="field-errors" id="id_a{action.pk}-rag_error"><p class="field-error">' in refused
