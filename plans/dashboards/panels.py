"""The panels both dashboards take from other features (outcomes, force plan, reporting cycle),
each built from the page's Frame: the filters, the scope and the as-at day of the page.

``oversight_page`` and ``borough_page`` are what the views render: the figures of
``oversight``/``borough_dashboard`` and these panels, in a fixed number of queries.
"""

from django.http import QueryDict

from .. import outcomes, reporting
from ..choices import Status
from ..force import borough_force_support
from ..scope import SET_TARGETS, may
from .borough import borough_figures
from .frame import Frame
from .london import in_boroughs, oversight_figures


def not_updated_panel(frame, actions, *, sort, borough=None):
    """The "who has not updated" panel: the stale actions among ``actions`` (the page's scope,
    whatever its other filters: ``not_updated_unfiltered`` tells the page to say so when it has
    any), as at the page's day; its links keep the as-at day."""
    counted = listed = None
    if frame.unfiltered and frame.counts_in_view is not None:  # the page's counts are of the same actions
        counted = frame.counts_in_view.stale, frame.counts_in_view.escalated
    if borough is not None and frame.unfiltered and frame.listed_actions is not None:
        listed = frame.listed_actions, frame.intervals[0]  # the plan's every action, read already
    context = reporting.not_updated_panel(
        actions,
        user=frame.user,
        sort=sort,
        now=frame.now,
        as_at=frame.as_at,
        lengths=frame.intervals,
        counted=counted,
        listed=listed,
    )
    keep = QueryDict(mutable=True)
    if frame.as_at:
        keep["as_at"] = frame.as_at.isoformat()
    context["not_updated_keep"] = keep.urlencode() + "&" if keep else ""
    stale = keep.copy()
    stale["stale"] = "true"
    if borough is not None:
        stale["borough"] = borough.slug
    context["not_updated_all_query"] = stale.urlencode()
    # The panel is about who has not updated: the page's other filters do not narrow it (said so).
    own = {"as_at"} if borough is None else {"as_at", "borough"}
    context["not_updated_unfiltered"] = any(key not in own for key in frame.query)
    return context


def return_status_panel(frame):
    """Each real borough's return for the last ended quarter: today's state, whatever the page's
    as-at day (the page marks it so)."""
    plans = [p for p in frame.tables.plans if p.borough is not None and not p.borough.is_synthetic]
    return reporting.return_status_panel(sorted(plans, key=lambda p: (p.borough.name, p.pk)))


def no_plan_panel(frame):
    """The boroughs in view with no plan recorded (listed apart, never counted)."""
    planned = {plan.borough_id for plan in frame.tables.plans}
    return {"no_plan": [b for b in frame.tables.boroughs if b.pk not in planned]}


def oversight_outcomes_panel(frame):
    """Survey headline and "where plans are blind" across London."""
    tables = frame.tables
    boroughs = [b for b in tables.boroughs if not b.is_synthetic]  # the panel scores real boroughs only
    action_counts = None
    if frame.unfiltered and frame.by_borough_driver is not None:  # the heatmap counted the same actions
        scored = {b.pk for b in boroughs}
        action_counts = {
            key: counts.by_status() for key, counts in frame.by_borough_driver.items() if key[0] in scored
        }
    return {
        "outcomes": outcomes.oversight_panel(
            frame.user,
            frame.filterset.data,
            as_at=frame.as_at,
            known=outcomes.Known(
                boroughs=boroughs,
                planned={plan.borough_id for plan in tables.plans},
                drivers=tables.confidence_drivers,
                measures=tables.measures,
                action_counts=action_counts,
                weights=tables.driver_weights,
                survey=tables.survey,
                measure_gaps=tables.kept_store(("oversight measure gaps", frame.as_at or frame.today)),
            ),
        )
    }


def borough_outcomes_panel(frame, borough):
    """The borough's survey measures and driver gaps."""
    tables = frame.tables
    known = outcomes.Known(
        drivers=tables.confidence_drivers,
        measures=tables.measures,
        weights=tables.driver_weights,
        survey=tables.survey,
        measure_gaps=tables.kept_store(("borough measure gaps", frame.as_at or frame.today)),
    )
    if frame.unfiltered and frame.listed_actions is not None:  # one plan per borough: the same actions
        known.action_counts, known.action_lists = _serving_drivers(borough, frame.listed_actions)
    measures_html = None
    if known.survey is not None:
        # The measures panel depends on the survey alone (kept with the reference tables), the
        # day (the targets current then) and whether the user may set targets: written once
        # for them under this reference generation, whatever the actions' writes.
        key = ("borough measures panel", borough.pk, frame.as_at or frame.today, may(frame.user, SET_TARGETS))

        def measures_html(render):
            return tables.kept_markup(key, render)

    return {
        "outcomes": outcomes.borough_panel(
            borough, frame.user, as_at=frame.as_at, known=known, measures_html=measures_html
        )
    }


def _serving_drivers(borough, actions):
    """({(borough_id, driver_id): {Status: n}}, {(borough_id, driver_id): [(pk, text, Status)]}):
    the actions serving each driver, by status and listed in objective number, position and id
    order, as ``outcomes.gaps._action_counts`` gives them, from actions with their drivers."""
    counts, listed = {}, {}
    for action in sorted(actions, key=lambda a: (a.objective.number, a.position, a.pk)):
        status = Status(action.eff_status)
        for driver in action.driver_list:
            key = (borough.pk, driver.pk)
            counts.setdefault(key, {}).setdefault(status, 0)
            counts[key][status] += 1
            listed.setdefault(key, []).append((action.pk, action.text, status))
    return counts, listed


def force_support_panel(frame, borough):
    """Which force activities the borough's actions deliver, and how those actions stand."""
    return {"force_support": borough_force_support(borough, as_at=frame.as_at)}


def oversight_page(filterset, *, user, sort="bcu", compare=None, page=1, nu_sort="age"):
    """Everything the oversight page shows, from a valid ActionFilterSet: the figures of
    ``oversight`` and the outcomes, reporting-cycle and no-plan panels."""
    frame = Frame.of(filterset, user=user)
    context = oversight_figures(frame, sort=sort, compare=compare, page=page)
    context.update(no_plan_panel(frame))
    context.update(oversight_outcomes_panel(frame))
    context.update(not_updated_panel(frame, in_boroughs(filterset.queryset), sort=nu_sort))
    context.update(return_status_panel(frame))
    frame.tables.share_choices(filterset.form)
    return context


def borough_page(filterset, *, borough, plan, user, compare=None, nu_sort="age"):
    """Everything a borough dashboard shows, from a valid ActionFilterSet scoped to ``plan``: the
    figures of ``borough_dashboard`` and the outcomes, force-support and not-updated panels."""
    frame = Frame.of(filterset, user=user, intervals=[plan.review_interval_days])
    if plan.borough_id == borough.pk:
        plan.borough = borough  # read by the view already
    context = borough_figures(frame, plan=plan, compare=compare)
    context.update(borough_outcomes_panel(frame, borough))
    context.update(force_support_panel(frame, borough))
    context.update(not_updated_panel(frame, filterset.queryset, sort=nu_sort, borough=borough))
    frame.tables.share_choices(filterset.form)
    return context
