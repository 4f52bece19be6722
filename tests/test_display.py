"""Figures, dates and filter inputs written directly (plans/display.py, the ``fixed``,
``british_date`` and ``month_year`` filters, ``{% widget %}``) give exactly the text Django's
``floatformat`` and ``date`` filters and ``{{ field }}`` give."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django import forms
from django.http import QueryDict
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone

from plans import display
from plans.filtersets import ActionFilterSet
from plans.views.dashboards import DashboardOptionsForm

HOSTILE = "\"><script>alert('x')</script> & <b>"


def _numbers():
    rng = random.Random(22)
    numbers = [0, -0.0, Decimal("-0"), Decimal("-0.04"), -0.04, 72.55, 72.45, 0.05, -0.05, 2.675]
    numbers += [1e16, 1.5e-7, Decimal("1E+3"), 10**30, True, None, "", "abc", "12.5", float("nan")]
    for _ in range(3000):
        numbers.append(round(rng.uniform(-200, 200), rng.randint(0, 4)))
        numbers.append(Decimal(str(round(rng.uniform(-100, 100), rng.randint(0, 5)))))
        numbers.append(rng.uniform(-1, 1) * 10 ** rng.randint(-8, 8))
    return numbers


def test_fixed_is_floatformat():
    for number in _numbers():
        for places in (0, 1, 2):
            assert display.fixed(number, places) == str(floatformat(number, places)), (number, places)


def test_dates_are_the_date_filter():
    day = dt.date(2023, 1, 1)
    for offset in range(0, 800, 3):
        shown = day + dt.timedelta(days=offset)
        assert display.day_month_year(shown) == date_filter(shown, "j M Y")
        assert display.month_year(shown) == date_filter(shown, "M Y")
    for other in (None, "", "2024-01-01"):
        assert display.day_month_year(other) == date_filter(other, "j M Y")


def test_the_filters_write_what_floatformat_and_date_write():
    moment = timezone.make_aware(dt.datetime(2024, 3, 31, 23, 30), dt.UTC)  # 1 Apr in London
    context = Context({"n": Decimal("72.55"), "m": -0.04, "d": moment, "e": None})
    ours = Template(
        "{% load trustplan %}{{ n|fixed }} {{ n|fixed:1 }} {{ m|fixed:1 }} {{ e|fixed }} "
        "{{ d|british_date }} {{ d|month_year }} {{ e|british_date }}"
    ).render(context)
    theirs = Template(
        '{{ n|floatformat:0 }} {{ n|floatformat:"1" }} {{ m|floatformat:"1" }} {{ e|floatformat:0 }} '
        '{{ d|date:"j M Y" }} {{ d|date:"M Y" }} {{ e|date:"j M Y" }}'
    ).render(context)
    assert ours == theirs == "73 72.6 0.0  1 Apr 2024 Apr 2024 "


def test_url_maker_is_reverse(world):
    link = display.url_maker("action-detail")
    for pk in (1, 42, 123456):
        assert link(pk) == reverse("action-detail", args=[pk])


def _filter_forms(query, user):
    filterset = ActionFilterSet(QueryDict(query), user=user)
    filterset.is_valid()
    options = DashboardOptionsForm(QueryDict(query))
    options.is_valid()
    return [filterset.form[name] for name in filterset.form.fields] + [options["compare"], options["sort"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "",
        "borough=southwark&borough=lambeth&rag=red&stale=true&overdue=false&as_at=2024-03-31",
        "rag=bogus&borough=nowhere&as_at=31/13/2024&compare=yesterday&sort=x",
        "bcu=central-south&pillar=more-trust&compare=2024-01-01&sort=-red",
        f"as_at={HOSTILE}&compare={HOSTILE}&sort={HOSTILE}",
    ],
)
def test_widget_tag_writes_what_the_field_writes(world, oversight_user, query):
    tag = Template("{% load form_widgets %}{% widget field %}")
    for field in _filter_forms(query, oversight_user):
        assert tag.render(Context({"field": field})) == str(field), field.name


class Hostile(forms.Form):
    choice = forms.MultipleChoiceField(
        choices=[("a&b", HOSTILE), (HOSTILE, [("1", "One"), ("2", "<Two>")]), (3, 3)],
        widget=forms.SelectMultiple(attrs={"data-x": HOSTILE, "autofocus": True, "hidden": False}),
    )
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": HOSTILE}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), help_text="Help")
    hidden = forms.CharField(widget=forms.HiddenInput)
    area = forms.CharField(widget=forms.Textarea)  # not written directly: Django's own
    pick = forms.ChoiceField(choices=[("", "—"), ("x", HOSTILE)], widget=forms.RadioSelect)


@pytest.mark.parametrize(
    "data", [None, {}, {"choice": ["a&b", "2", "3"], "text": HOSTILE, "day": HOSTILE, "hidden": HOSTILE}]
)
def test_widget_tag_escapes_as_the_templates_do(data):
    form = Hostile(data, auto_id="id_%s" if data is None else "f-%s")
    if data is not None:
        form.is_valid()
    tag = Template("{% load form_widgets %}{% widget field %}")
    for field in form:
        assert tag.render(Context({"field": field})) == str(field), field.name
        assert "<script>" not in tag.render(Context({"field": field}))


def test_truncate_chars_is_truncatechars():
    from django.template.defaultfilters import truncatechars
    from django.utils.safestring import mark_safe

    rng = random.Random(7)
    alphabet = "abc de’fé\u0301ñ<&>\"'\u200b…x"
    texts = ["", "short", "x" * 90, "x" * 91, "Cafe\u0301 " * 40, mark_safe("<b>safe</b> " * 20), 12345]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300))) for _ in range(300)]
    words = ["word", "longer", "a"]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(0, 80))) for _ in range(300)]
    for text in texts:
        for length in (0, 1, 2, 14, 90, 120, 220, 280):
            ours, theirs = display.truncate_chars(text, length), truncatechars(text, length)
            assert ours == theirs and type(ours) is type(theirs), (text, length)


def test_truncate_words_is_truncatewords():
    from django.template.defaultfilters import truncatewords

    rng = random.Random(11)
    pieces = ["word", "longer", "a", "…", " …", "\n", "\t", "  ", "é", "<b>", "&", "\u00a0", "\u2003"]
    texts = ["", "one", "one two", "x …", "ends with …", "   spaced   out   ", 12345]
    texts += [
        "".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randint(0, 60)))
        for _ in range(500)
    ]
    for text in texts:
        for length in (0, 1, 2, 14, 30):
            assert display.truncate_words(text, length) == str(truncatewords(text, length)), (text, length)


def test_url_maker_follows_the_url_prefix(world):
    from django.urls import set_script_prefix

    try:
        set_script_prefix("/trustplan/")
        assert display.url_maker("action-detail")(7) == reverse("action-detail", args=[7])
        assert display.url_maker("action-detail")(7).startswith("/trustplan/")
    finally:
        set_script_prefix("/")
    assert display.url_maker("action-detail")(7) == reverse("action-detail", args=[7]) == "/actions/7/"


def test_html_text_is_what_a_template_writes():
    from django.utils.functional import lazy
    from django.utils.safestring import mark_safe

    values = ["plain", HOSTILE, mark_safe("<b>safe</b>"), 0, -7, 12345678, Decimal("72.50"), 1.5, True, None]
    values += [dt.date(2024, 3, 31), lazy(lambda: HOSTILE, str)()]
    template = Template("{{ v }}")
    for value in values:
        assert display.html_text(value) == template.render(Context({"v": value})), value


def test_time_since_is_timesince():
    from django.template.defaultfilters import timesince_filter
    from django.utils import translation

    now = timezone.now()
    seconds = [0, 30, 59, 60, 61, 3599, 3600, 86399, 86400, 7 * 86400 + 1, 31 * 86400, 400 * 86400]
    rng = random.Random(7)
    seconds += [rng.randrange(0, 5 * 365 * 86400) for _ in range(300)]
    moments = [now - dt.timedelta(seconds=s) for s in seconds] + [now + dt.timedelta(days=3), None, ""]
    moments += [dt.date(2020, 2, 29), dt.datetime(2021, 1, 31, 12, 0)]  # a date; a naive datetime
    for language in ("en-gb", "fr", "en-gb"):
        with translation.override(language):
            for moment in moments:
                assert display.time_since(moment, now) == timesince_filter(moment, now), (language, moment)
                day = dt.date(2024, 3, 1)
                assert display.time_since(moment, day) == timesince_filter(moment, day), (language, moment)


RETURN_ROWS_TEMPLATE = (
    "{% for row in return_rows %}\n      <tr>\n"
    "        <td><a href=\"{% url 'borough-returns' row.plan.borough.slug %}\">"
    "{{ row.plan.borough.name }}</a></td>\n"
    "        <td>{% if row.ret %}<a href=\"{% url 'return-detail' row.ret.pk %}\">"
    '<span class="return-status return-{{ row.ret.status }}">{{ row.ret.get_status_display }}</span></a>'
    '{% else %}<span class="return-status return-not_started">Not started</span>{% endif %}</td>\n'
    '        <td>{% if row.ret.signed_off_at %}{{ row.ret.signed_off_at|date:"j M Y" }}'
    "{% else %}—{% endif %}</td>\n"
    "      </tr>\n    {% endfor %}"
)


def test_the_return_status_rows_are_the_templates_rows(world):
    import datetime as dt

    from django.template import engines

    from plans.choices import ReturnStatus
    from plans.models import Plan, QuarterlyReturn
    from plans.templatetags.dashboard_cells import return_status_rows

    plans = list(Plan.objects.filter(borough__isnull=False).select_related("borough")[:3])
    plans[0].borough.name = "Barking & <Dagenham>"
    late = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)  # 1 April in London (BST)
    rows = [{"plan": plans[0], "ret": None}]
    for index, (status, signed) in enumerate(
        ((ReturnStatus.SUBMITTED, None), (ReturnStatus.SIGNED_OFF, late)), start=1
    ):
        plan = plans[index % len(plans)]
        ret = QuarterlyReturn(pk=900 + index, plan=plan, status=status, signed_off_at=signed)
        rows.append({"plan": plan, "ret": ret})
    expected = engines["django"].from_string(RETURN_ROWS_TEMPLATE).render({"return_rows": rows})
    assert str(return_status_rows(rows)) == expected
    assert "&lt;Dagenham&gt;" in expected and "1 Apr 2026" in expected
