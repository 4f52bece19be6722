"""What an export covers: the page it is asked from, its filters, and the names of that scope.

A page's Excel and CSV buttons (``templates/plans/includes/export_buttons.html``) carry exactly
the page's scope and filters, never its presentation parameters (``sort``, ``page``,
``compare``, ``nu_sort``, ``changes``): ``page_export_query`` turns a page's address into the
export's query. Besides the ``ActionFilterSet`` filters the export reads two scope parameters:

- ``scope=boroughs``: borough plans only, not the force-wide plan (the oversight dashboard
  counts borough actions only); ``scope=force``: the force-wide plan's activities only (the
  force plan page);
- ``mine=1``: only the actions the user owns (the action list's and the review's "my actions").

``as_at`` is carried where the page's counts honour it (oversight, borough dashboard, action
list): the export rebuilds each action's status (and its history, stale and overdue) at the end
of that day, as the page does; the survey sheets show the latest figures. The force plan page's
``as_at`` moves only its milestone timeline, so its export, like its activity table, shows today.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.utils.text import slugify

from ..filtersets import ActionFilterSet
from ..models import Action

FILTERS = tuple(ActionFilterSet.base_filters)  # borough, bcu, pillar, … as_at
SCOPE_BOROUGHS, SCOPE_FORCE = "boroughs", "force"
# The plans an export may cover: {scope parameter: (words for the About sheet, file-name part)}.
PLAN_SCOPES = {
    "": ("Every plan you may read (the boroughs' and the force-wide plan)", "all"),
    SCOPE_BOROUGHS: ("Every borough plan you may read (London), not the force-wide plan", "london"),
    SCOPE_FORCE: ("The force-wide plan", "force-plan"),
}
TRUE_WORDS = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class PageScope:
    """How one page's address becomes its export: the filters it honours (``filters``), whether
    its borough comes from the path (``borough_page``), and the scope parameters it adds
    (``plans``: a key of ``PLAN_SCOPES``; ``mine``: passes the page's ``mine=1`` on)."""

    filters: tuple
    borough_page: bool = False
    plans: str = ""
    mine: bool = False


PAGES = {
    "oversight": PageScope(FILTERS, plans=SCOPE_BOROUGHS),
    "action-list": PageScope(FILTERS, mine=True),
    "borough-dashboard": PageScope(
        tuple(f for f in FILTERS if f not in ("borough", "bcu")), borough_page=True
    ),
    "borough-review": PageScope(("stale", "owner"), borough_page=True, mine=True),
    "force-plan": PageScope((), plans=SCOPE_FORCE),
}


def page_export_query(url_name, params, *, borough_slug=None):
    """The export's query (a QueryDict) for the page ``url_name`` opened with ``params`` (its
    GET QueryDict); ``borough_slug`` is the borough of a borough page. None for a page that has
    no export. Values are copied as given (the export validates them); a yes/no written "1"
    (the review's stale box) becomes "true"."""
    page = PAGES.get(url_name)
    if page is None:
        return None
    query = QueryDict(mutable=True)
    if page.borough_page:
        query["borough"] = borough_slug
    for name in page.filters:
        values = [v for v in params.getlist(name) if v != ""]
        if name in ("stale", "overdue"):
            values = ["true" if v.lower() in TRUE_WORDS else v for v in values[:1]]
        if values:
            query.setlist(name, values)
    if page.plans:
        query["scope"] = page.plans
    if page.mine and params.get("mine") == "1":
        query["mine"] = "1"
    return query


def scoped_actions(user, *, plans="", mine=False):
    """The actions ``user`` may read, narrowed to borough plans or to the force-wide plan
    (``plans``, a key of ``PLAN_SCOPES``) and to the actions of owners linked to ``user``
    (``mine``); the export's filters apply to these."""
    queryset = Action.objects.visible_to(user)
    if plans:
        queryset = queryset.filter(objective__plan__borough__isnull=plans == SCOPE_FORCE)
    if mine:
        owned = Action.owners.through.objects.filter(action_id=OuterRef("pk"), owner__user=user)
        queryset = queryset.filter(Exists(owned))
    return queryset


def scope_errors(params):
    """[(parameter, message)] for bad ``scope`` or ``mine`` values; empty when both are usable."""
    errors = []
    if params.get("scope", "") not in PLAN_SCOPES:
        errors.append(
            (
                "scope",
                f'use "{SCOPE_BOROUGHS}" (borough plans only), "{SCOPE_FORCE}" (the force-wide plan only) '
                "or leave it out.",
            )
        )
    if params.get("mine", "1") != "1":
        errors.append(("mine", 'use "1" (only the actions you own) or leave it out.'))
    return errors


def scope_label(filterset, *, plans="", mine=False):
    """The scope in words for the About sheet, e.g. "Southwark", "BCU Central South",
    "Every borough plan (London), not the force-wide plan"; "; only the actions you own" added."""
    data = filterset.form.cleaned_data if filterset.is_bound and filterset.is_valid() else {}
    if data.get("borough"):
        words = "Borough: " + ", ".join(b.name for b in data["borough"])
    elif data.get("bcu"):
        words = "BCU: " + ", ".join(str(b) for b in data["bcu"])
    else:
        words = PLAN_SCOPES[plans][0]
    return words + ("; only the actions you own" if mine else "")


def file_scope(filterset, *, plans="", mine=False, limit=90):
    """The scope and filters as a file-name part, e.g. "southwark-rag-amber" or "london-stale-true".

    Slugs of the filter values as given (ids for objective and owner), in the filters' order;
    ``as_at`` is left to the caller. At most ``limit`` characters, ending "-more" when cut."""
    data = filterset.data if filterset.is_bound else QueryDict()
    boroughs = data.getlist("borough")
    parts = [slugify("-".join(boroughs))] if boroughs else []
    if not boroughs and not data.getlist("bcu"):
        parts.append(PLAN_SCOPES[plans][1])
    for name in FILTERS:
        if name in ("borough", "as_at"):
            continue
        values = [slugify(v) for v in data.getlist(name) if v != ""]
        if values:
            parts.append("-".join([name, *values]))
    if mine:
        parts.append("mine")
    text = "-".join(p for p in parts if p)
    return text if len(text) <= limit else text[: limit - 5].rstrip("-") + "-more"
