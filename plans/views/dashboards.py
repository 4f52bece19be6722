"""The London-wide oversight dashboard, each borough's dashboard and the filtered action list.

Figures come from ``plans.dashboards`` over ``ActionFilterSet(request.GET, user=...).qs``, so
the filters in the URL (and ``as_at``) mean the same here as in exports and the API. A bad
filter value answers 400 with the reason and shows no figures.
"""

from django import forms
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .. import charts, dashboards
from ..choices import STATUS_ORDER
from ..filtersets import EARLIEST_AS_AT, ActionFilterSet
from ..forms.dates import DateField
from ..freshness import cached_page
from ..models import Action, Borough, Owner, Plan
from ..my_owners import mine_first
from ..refs import objective_ref
from ..scope import EDIT_BOROUGH, RAISE_CHALLENGE, may, role_required

PAGE_SIZE = 50
FORM_FIELDS = ("borough", "bcu", "pillar", "driver", "rag", "stale", "overdue", "as_at")
BOROUGH_FORM_FIELDS = ("pillar", "driver", "rag", "stale", "overdue", "as_at")


class DashboardOptionsForm(forms.Form):
    """The dashboard's own options beside the filters: a comparison date and a sort order."""

    compare = DateField(
        required=False,
        label="Compare with (end of day)",
        help_text="Shows which actions moved up or down since this date.",
    )
    sort = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args, reference_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reference_date = reference_date or timezone.localdate()

    def clean_compare(self):
        compare = self.cleaned_data.get("compare")
        if compare and not (EARLIEST_AS_AT <= compare < self.reference_date):
            raise forms.ValidationError(
                f"Choose a comparison date from {EARLIEST_AS_AT} up to the day before "
                f"{self.reference_date} (the date the figures are for)."
            )
        return compare

    def clean_sort(self):
        value = self.cleaned_data.get("sort") or ""
        if value and value.lstrip("-") not in dashboards.SORT_KEYS:
            raise forms.ValidationError(
                "Unknown sort order: use one of "
                + ", ".join(dashboards.SORT_KEYS)
                + " (with - for descending)."
            )
        return value


def _errors(*forms_):
    """[(label, message)] for every field error of the given forms, for the error summary."""
    found = []
    for form in forms_:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else "Filters"
            found.extend((label or name, str(message)) for message in errors)
    return found


def _options(request, filterset):
    reference = filterset.as_at_date if filterset.is_valid() else None
    return DashboardOptionsForm(request.GET, reference_date=reference or timezone.localdate())


def _chosen_extras(filterset):
    """Objective and owner filters in use: not offered as lists (too long), kept as hidden inputs."""
    if not filterset.is_valid():
        return []
    extras = []
    for name in ("objective", "owner"):
        for obj in filterset.form.cleaned_data.get(name) or []:
            extras.append((name, obj.pk, obj))
    return extras


def _base_context(request, filterset, options, fields):
    for name in ("stale", "overdue"):
        # offer "Any" first, so that applying other filters never narrows to stale/overdue by itself
        field = filterset.form.fields[name]
        field.choices = [("", "Any"), *[c for c in field.choices if c[0] != ""]]
    return {
        "filterset": filterset,
        "filter_fields": [filterset.form[name] for name in fields],
        "options": options,
        "hidden_filters": _chosen_extras(filterset),
        "as_at": filterset.as_at_date if filterset.is_valid() else None,
        "applied": filterset.applied(),
        "today": timezone.localdate(),
    }


@require_safe
@cached_page
@role_required
def oversight(request):
    """London-wide: a row per borough by BCU, a borough × driver heatmap, pillars across London."""
    filterset = ActionFilterSet(request.GET, user=request.user)
    options = _options(request, filterset)
    context = _base_context(request, filterset, options, FORM_FIELDS)
    valid = filterset.is_valid() & options.is_valid()
    if not valid:
        context["errors"] = _errors(filterset.form, options)
        return render(request, "plans/oversight.html", context, status=400)
    data = dashboards.oversight_page(
        filterset,
        user=request.user,
        sort=options.cleaned_data["sort"],
        compare=options.cleaned_data["compare"],
        page=request.GET.get("page"),
        nu_sort=request.GET.get("nu_sort"),
    )
    context.update(data)
    pager_query = request.GET.copy()
    pager_query.pop("page", None)
    context["pager_query"] = pager_query.urlencode()
    context["statuses"] = STATUS_ORDER
    context["sort_links"] = _sort_links(request, data["sort_key"], data["sort_descending"])
    context["pillar_chart"] = charts.stacked_bars(
        [(p["pillar"].name, p["counts"]) for p in data["pillars"]],
        title="London-wide status of actions by pillar",
    )
    context["compare_date"] = options.cleaned_data["compare"]
    context["may_challenge"] = may(request.user, RAISE_CHALLENGE)
    context["show_borough"] = True
    return render(request, "plans/oversight.html", context)


def _sort_links(request, key, descending):
    """{column: (url query, aria-sort value or "")}: clicking a sorted column reverses it."""
    links = {}
    for column in dashboards.SORT_KEYS:
        query = request.GET.copy()
        query.pop("page", None)
        if column == key:
            query["sort"] = column if descending else f"-{column}"
            state = "descending" if descending else "ascending"
        else:
            # counts and shares read best largest first; names and dates A→Z / oldest first
            first = (
                f"-{column}"
                if column in dashboards.STATUSES or column in ("total", "stale", "overdue")
                else column
            )
            query["sort"] = first
            state = ""
        links[column] = {"query": query.urlencode(), "state": state}
    return links


def _borough_and_plan(user, slug):
    """(the borough ``slug`` names, its plan or None) as ``user`` may read them; 404 when the
    borough is not theirs to read. One query when the user reads every borough and it has a plan
    (the plan with its borough), two otherwise."""
    boroughs = Borough.objects.visible_to(user).select_related("bcu")
    plans = Plan.objects.visible_to(user).select_related("borough__bcu")
    if boroughs.is_every_row():
        plan = plans.filter(borough__slug=slug).first()
        if plan is not None:
            return plan.borough, plan
    borough = get_object_or_404(boroughs, slug=slug)
    return borough, plans.filter(borough=borough).first()


@require_safe
@cached_page
@role_required
def borough_dashboard(request, slug):
    """One borough: its plan as pillars → objectives → actions, summaries, coverage, trend."""
    borough, plan = _borough_and_plan(request.user, slug)
    data = request.GET.copy()
    for name in ("borough", "bcu"):
        data.pop(name, None)
    queryset = Action.objects.visible_to(request.user).filter(objective__plan=plan)
    filterset = ActionFilterSet(data, queryset=queryset, user=request.user)
    options = _options(request, filterset)
    context = _base_context(request, filterset, options, BOROUGH_FORM_FIELDS)
    context.update(
        {
            "borough": borough,
            "plan": plan,
            "may_edit": may(request.user, EDIT_BOROUGH, borough),
            "may_challenge": may(request.user, RAISE_CHALLENGE) and plan is not None,
            "may_answer": may(request.user, EDIT_BOROUGH, borough),
        }
    )
    valid = filterset.is_valid() & options.is_valid()
    if not valid:
        context["errors"] = _errors(filterset.form, options)
        return render(request, "plans/borough_dashboard.html", context, status=400)
    if plan is None:
        return render(request, "plans/borough_dashboard.html", context)
    figures = dashboards.borough_page(
        filterset,
        borough=borough,
        plan=plan,
        user=request.user,
        compare=options.cleaned_data["compare"],
        nu_sort=request.GET.get("nu_sort"),
    )
    context.update(figures)
    context["compare_date"] = options.cleaned_data["compare"]
    context["pillar_chart"] = charts.stacked_bars(
        [(p["pillar"].name, p["counts"]) for p in figures["pillars"]],
        title=f"{borough.name}: status of actions by pillar",
    )
    context["objective_chart"] = charts.stacked_bars(
        [
            (f"{objective_ref(o['objective'])}. {o['objective'].title}", o["counts"])
            for p in figures["pillars"]
            for o in p["objectives"]
        ],
        title=f"{borough.name}: status of actions by objective",
    )
    context["trend_chart"] = charts.trend_columns(
        figures["trend"], title=f"{borough.name}: status of actions month by month"
    )
    context["statuses"] = STATUS_ORDER
    context["trend_rows"] = [
        (day, [counts.get(s.value, 0) for s in STATUS_ORDER]) for day, counts in figures["trend"]
    ]
    return render(request, "plans/borough_dashboard.html", context)


@require_safe
@role_required
def action_list(request):
    """The filtered list of actions behind every dashboard figure; the filters are in the URL."""
    filterset = ActionFilterSet(request.GET, user=request.user)
    context = _base_context(request, filterset, None, (*FORM_FIELDS[:4], "owner", *FORM_FIELDS[4:]))
    if not filterset.is_valid():
        context["errors"] = _errors(filterset.form)
        return render(request, "plans/action_list.html", context, status=400)
    qs = (
        filterset.qs.select_related("objective__plan__borough", "objective__pillar", "objective__theme")
        .prefetch_related(Prefetch("owners", queryset=Owner.objects.order_by("label")))
        .in_plan_order()
    )
    qs = mine_first(qs, request.user, only_mine=request.GET.get("mine") == "1")
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = dashboards.base_query(request.GET)
    now = filterset.reference_time
    for action in page.object_list:
        action.age_days = (now - action.eff_reviewed_at).days if action.eff_reviewed_at else None
    context.update({"page": page, "query": query.urlencode(), "reference_time": now})
    context["mine_only"] = request.GET.get("mine") == "1"
    return render(request, "plans/action_list.html", context)
