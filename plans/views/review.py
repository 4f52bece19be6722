"""The monthly review: every action of a borough's plan on one page, saved all or nothing.

Only editors of the borough (and administrators) may open it: it is an editing page. Readers
use the borough dashboard and the action pages.
"""

import logging
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..dashboards.borough import attach_owners
from ..forms.status import ReviewStatusForm
from ..freshness import cached_page
from ..models import Action, Borough, Plan
from ..my_owners import owner_filter_context, owner_rows
from ..refs import action_ref
from ..scope import EDIT_BOROUGH, NO_ROLE, READ, may
from ..services import ReviewRefused, apply_review, check_review

security_log = logging.getLogger("trustplan.security")


class Row:
    """One action of the review: its status form, whether it is stale and overdue, and the other
    person's change when a save was refused for it.

    The form of a row that was not submitted (every row of a GET) is built only when something
    asks for it: the page writes such a row's inputs from the action (``review_rows``), so a
    page of sixty rows builds no form at all."""

    def __init__(self, action, form=None, *, stale, overdue, shared=None, conflict=None):
        self.action, self.stale, self.overdue, self.conflict = action, stale, overdue, conflict
        self._form, self.shared_fields = form, shared

    @property
    def form(self):
        if self._form is None:
            prefix, fields = f"a{self.action.pk}", self.shared_fields
            self._form = ReviewStatusForm(action=self.action, prefix=prefix, fields=fields)
        return self._form

    @form.setter
    def form(self, form):
        self._form = form

    @property
    def bound(self):
        """True when the row's form holds what the user submitted (a refused save shows it)."""
        return self._form is not None and self._form.is_bound

    @property
    def submitted(self):
        return self.bound and self._form.submitted

    @property
    def ref(self):
        return action_ref(self.action)

    @property
    def has_problem(self):
        return self.conflict is not None or bool(self.bound and self._form.errors)


@dataclass
class ObjectiveGroup:
    objective: object
    rows: list = field(default_factory=list)


@dataclass
class HeadingGroup:
    heading: object
    objectives: list = field(default_factory=list)


def _group(rows):
    groups = []
    for row in rows:
        objective = row.action.objective
        heading = objective.heading
        if not groups or groups[-1].heading != heading:
            groups.append(HeadingGroup(heading))
        objectives = groups[-1].objectives
        if not objectives or objectives[-1].objective != objective:
            objectives.append(ObjectiveGroup(objective))
        objectives[-1].rows.append(row)
    return groups


def _plan_actions(plan):
    """The plan's actions in the plan now, with their objective, pillar, theme, last reviewer
    and owners (``dashboards.attach_owners``): three queries."""
    actions = list(
        Action.objects.live()
        .filter(objective__plan=plan)
        .select_related("objective__pillar", "objective__theme", "last_reviewed_by")
    )
    attach_owners(actions)
    return actions


def _review_target(request, slug):
    if not may(request.user, READ):
        raise PermissionDenied(NO_ROLE)
    borough = get_object_or_404(Borough.objects.visible_to(request.user), slug=slug)
    plan = get_object_or_404(Plan.objects.select_related("borough"), borough=borough)
    if not may(request.user, EDIT_BOROUGH, borough):
        security_log.warning(
            "refused review page: user=%s method=%s borough=%s (not an editor of this borough)",
            request.user,
            request.method,
            borough.slug,
        )
        raise PermissionDenied(f"The monthly review of {borough} is for its editors only.")
    return borough, plan


def _success_message(results):
    count = len(results)
    with_history = sum(1 for r in results if r.update is not None)
    text = f"Saved {count} change{'s' if count != 1 else ''}"
    if with_history != count:
        text += f" ({with_history} with a new history entry)"
    return text + "."


def _rows(actions, data, *, interval, now, today):
    """One Row per action: its form bound to ``data`` when the row was submitted (else built
    only when asked for, from fields the unbound forms share), stale, overdue."""
    rows = []
    shared = ReviewStatusForm.shared_fields()  # for the unbound forms: written, never changed
    for action in actions:
        prefix = f"a{action.pk}"
        form = None
        if data is not None and ReviewStatusForm.carried(data, prefix):
            form = ReviewStatusForm(data, action=action, prefix=prefix)
        rows.append(
            Row(
                action,
                form,
                stale=action.is_stale(now, interval_days=interval),
                overdue=action.is_overdue(today),
                shared=shared,
            )
        )
    return rows


def _refuse(rows, exc):
    """Put a refused save's errors and conflicts on their rows."""
    by_pk = {row.action.pk: row for row in rows}
    for pk, message_dict in exc.errors.items():
        by_pk[pk].form.add_service_errors(message_dict)
    for pk, conflict in exc.conflicts.items():
        row = by_pk[pk]
        row.conflict = conflict
        row.form = row.form.rebased(conflict.action)


def _save(request, plan, rows):
    """A POST: (redirect, None, 302) once saved or when nothing changed, else (None, the
    ReviewRefused, 400 or 409) with the problems put on their rows."""
    submitted = [row for row in rows if row.submitted]
    valid = all(row.form.is_valid() for row in submitted)
    changed = [row for row in submitted if row.form.is_valid() and row.form.changes()]
    if valid and not changed:
        messages.info(request, "No changes to save: nothing was written.")
        return HttpResponseRedirect(request.get_full_path()), None, 302
    review_rows = [row.form.review_row() for row in changed]
    try:
        if not valid:
            # Still check the rows that parsed, so every problem shows at once.
            _, errors, conflicts = check_review(plan=plan, user=request.user, rows=review_rows)
            raise ReviewRefused(errors, conflicts)
        results = apply_review(plan=plan, user=request.user, rows=review_rows)
    except ReviewRefused as exc:
        _refuse(rows, exc)
        return None, exc, 409 if exc.conflicts and not exc.errors and valid else 400
    messages.success(request, _success_message(results))
    return HttpResponseRedirect(request.get_full_path()), None, 302


def _page_context(request, borough, plan, rows, *, stale_only, refused):
    """The template's context: the rows shown, grouped, with the counts of the summary."""
    # Rows the user submitted stay on the page, so nothing they typed is lost.
    shown = [row for row in rows if row.stale or row.submitted] if stale_only else rows
    shown = owner_rows(shown, request)
    problems = [row for row in rows if row.has_problem]
    conflicts = [row for row in problems if row.conflict is not None]
    return {
        "borough": borough,
        "plan": plan,
        "groups": _group(shown),
        "row_count": len(rows),
        "shown_count": len(shown),
        "stale_count": sum(1 for row in rows if row.stale),
        "stale_only": stale_only,
        "problems": problems,
        "error_count": len(problems) - len(conflicts),
        "conflict_count": len(conflicts),
        "refused": refused,
        "review_url": reverse("borough-review", args=[borough.slug]),
        **owner_filter_context(rows, request),
    }


@require_http_methods(["GET", "POST"])
@cached_page  # GET only; a POST always runs, and the page after a save carries its message
def borough_review(request, slug):
    """The review page of a borough's plan (GET), or its save, all rows or none (POST).

    A refused save answers 400 (an invalid row) or 409 (only conflicts: someone saved first),
    with every problem on its row and everything typed kept.
    """
    borough, plan = _review_target(request, slug)
    stale_only = request.GET.get("stale") in ("1", "true", "yes", "on")
    data = request.POST if request.method == "POST" else None
    rows = _rows(
        _plan_actions(plan),
        data,
        interval=plan.review_interval_days,
        now=timezone.now(),
        today=timezone.localdate(),
    )
    refused, status = None, 200
    if data is not None:
        redirect, refused, status = _save(request, plan, rows)
        if redirect is not None:
            return redirect
    context = _page_context(request, borough, plan, rows, stale_only=stale_only, refused=refused)
    return render(request, "plans/review.html", context, status=status)
