"""Selectors of the public page: what the public may read, and nothing else.

The public reads only ``Publication.objects.live()`` and the ``PublicLine`` rows copied into it
when the commander published (see ``build_public_lines``), plus the Public Attitude Survey
readings of the borough and of London (MOPAC's published figures). Internal commentary,
challenges, owners' personal names and unpublished or withdrawn returns are never read here.

Owners appear as ``settings.PUBLIC_OWNER_DETAIL`` says: "team_and_rank" (a team's name, or a
person's rank, never a name), "team" (teams only) or "none".
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.http import Http404

from drivers.choices import MeasureUnit
from drivers.models import Measure

from .. import outcomes
from ..choices import STATUS_ORDER, Status
from ..models import Action, Borough, MeasureReading, Owner, PublicLine, PublicNote
from ..models.publishing import Publication
from ..outcomes.charts import trend_chart
from ..owners import RANK_TITLES
from ..quarters import Quarter

QUARTER_SLUG = re.compile(r"^(?P<fy>\d{4})-(?P<fy2>\d{2})-q(?P<q>[1-4])$")
OWNER_DETAILS = ("team_and_rank", "team", "none")


# --- quarters in URLs -----------------------------------------------------------------------
def quarter_slug(quarter):
    """Quarter(2025, 3) → "2025-26-q3" (the form used in public URLs)."""
    return f"{quarter.fy_start_year}-{(quarter.fy_start_year + 1) % 100:02d}-q{quarter.quarter}"


def parse_quarter_slug(slug):
    """ "2025-26-q3" → Quarter(2025, 3); Http404 for anything else (a URL, not a form)."""
    match = QUARTER_SLUG.match(slug or "")
    if not match or (int(match["fy"]) + 1) % 100 != int(match["fy2"]):
        raise Http404("No such quarter.")
    return Quarter(int(match["fy"]), int(match["q"]))


# --- owners as the public sees them ---------------------------------------------------------
def public_owner(owner, detail=None):
    """What the public sees of one Owner: its team, or its rank written out; "" for a person
    named without rank or team. Never a personal name."""
    detail = detail or settings.PUBLIC_OWNER_DETAIL
    if detail not in OWNER_DETAILS:
        raise ValueError(f"PUBLIC_OWNER_DETAIL '{detail}' is not one of {', '.join(OWNER_DETAILS)}.")
    if detail == "none":
        return ""
    if owner.team:
        return owner.team
    if owner.is_team and not owner.name:
        return owner.label
    if detail == "team_and_rank" and owner.rank:
        return RANK_TITLES.get(owner.rank, owner.rank)
    return ""


def public_owners(owners, detail=None):
    """The public owners text of an action: distinct teams and ranks, in order, joined by "; "."""
    seen = []
    for owner in owners:
        text = public_owner(owner, detail)
        if text and text not in seen:
            seen.append(text)
    return "; ".join(seen)


# --- the copy made at publication -------------------------------------------------------------
def build_public_lines(ret, publication=None):
    """The PublicLine rows (unsaved) of a return: what the public will see, in plan order.

    The objective, text and status are the return's lines (as at the quarter's end); owners are
    the actions' owners as teams and ranks; the progress note is the editors' PublicNote for this
    return. Four queries whatever the size of the plan.
    """
    lines = list(ret.lines.order_by("pk"))
    notes = dict(PublicNote.objects.filter(quarterly_return=ret).values_list("action_id", "text"))
    owners_of = {}
    links = Owner.actions.through.objects.filter(action_id__in=[line.action_id for line in lines] or [0])
    for link in links.select_related("owner").order_by("owner__label"):
        owners_of.setdefault(link.action_id, []).append(link.owner)
    return [
        PublicLine(
            publication=publication,
            position=position,
            pillar=line.pillar,
            objective=line.objective,
            text=line.text,
            owners=public_owners(owners_of.get(line.action_id, [])),
            status=str(line.status),
            progress_note=notes.get(line.action_id, ""),
        )
        for position, line in enumerate(lines, start=1)
    ]


# --- what the public pages show -------------------------------------------------------------
@dataclass
class PublicQuarter:
    """One published quarter of a borough, grouped for the page: pillars → objectives → lines."""

    publication: Publication | None
    quarter: Quarter
    lines: list
    pillars: list = field(default_factory=list)
    counts: list = field(default_factory=list)

    @property
    def slug(self):
        return quarter_slug(self.quarter)

    @property
    def total(self):
        return len(self.lines)


def group_lines(quarter, lines, publication=None):
    """A PublicQuarter of ``lines``: pillars in order of first appearance, each with its
    objectives and their lines, and the count of lines per status (dashboard order)."""
    pillars = {}
    for line in lines:
        objectives = pillars.setdefault(line.pillar, {})
        objectives.setdefault(line.objective, []).append(line)
    tally = Counter(line.status for line in lines)
    return PublicQuarter(
        publication=publication,
        quarter=quarter,
        lines=lines,
        pillars=[
            {"name": name, "objectives": [{"title": t, "lines": ls} for t, ls in objectives.items()]}
            for name, objectives in pillars.items()
        ],
        counts=[(status, tally.get(status.value, 0)) for status in STATUS_ORDER],
    )


def live_publications():
    """Live publications with their return, plan and borough (for listing)."""
    return Publication.objects.live().select_related("quarterly_return__plan__borough")


def published_boroughs():
    """[(borough, latest live Publication)] by borough name: the /public/ index. One query."""
    latest = {}
    for pub in live_publications().order_by("quarterly_return__fy_start_year", "quarterly_return__quarter"):
        latest[pub.quarterly_return.plan.borough_id] = pub
    return sorted(
        ((pub.quarterly_return.plan.borough, pub) for pub in latest.values()), key=lambda bp: bp[0].name
    )


def published_borough(slug):
    """The borough with this slug if it has a live publication, else Http404 (an unpublished
    borough looks exactly like one that does not exist)."""
    borough = Borough.objects.filter(slug=slug).select_related("bcu").first()
    if borough is None or not live_publications().filter(quarterly_return__plan__borough=borough).exists():
        raise Http404("Nothing is published for this borough.")
    return borough


def borough_quarters(borough):
    """Every live published quarter of the borough, latest first, as PublicQuarters. Two queries."""
    pubs = list(
        live_publications()
        .filter(quarterly_return__plan__borough=borough)
        .order_by("-quarterly_return__fy_start_year", "-quarterly_return__quarter")
    )
    lines = {}
    for line in PublicLine.objects.filter(publication__in=pubs).order_by("publication", "position"):
        lines.setdefault(line.publication_id, []).append(line)
    return [
        group_lines(
            Quarter(pub.quarterly_return.fy_start_year, pub.quarterly_return.quarter),
            lines.get(pub.pk, []),
            pub,
        )
        for pub in pubs
    ]


def published_quarter(borough, slug):
    """The borough's live published quarter named by the URL slug, else Http404."""
    quarter = parse_quarter_slug(slug)
    for found in borough_quarters(borough):
        if found.quarter == quarter:
            return found
    raise Http404("That quarter is not published.")


# --- survey measures beside the plan ----------------------------------------------------------
def public_measures(borough, quarter):
    """The borough's and London's Public Attitude Survey readings up to the quarter's end, one
    panel per quantitative measure (``plans.outcomes.MeasurePanel`` with its chart; no targets).
    Three queries. Figures: MOPAC Public Attitude Survey, % of residents agreeing."""
    measures = list(Measure.objects.exclude(unit=MeasureUnit.QUALITATIVE).order_by("order", "name"))
    readings = MeasureReading.objects.filter(
        Q(borough=borough) | Q(borough__isnull=True),
        measure__in=measures,
        period_end__lte=quarter.end,
    ).values_list("measure_id", "borough_id", "period_end", "value")
    series = {}
    for measure_id, borough_id, period, value in readings.order_by("period_end"):
        series.setdefault((measure_id, borough_id), []).append((period, Decimal(value)))
    panels = []
    for measure in measures:
        panel, _ = outcomes.measure_panel(measure, borough.pk, series, {})
        if panel.latest is not None:
            panel.chart = trend_chart(panel.points[-12:], panel.london_points, None)
            panels.append(panel)
    return panels


def preview_quarter(ret):
    """The PublicQuarter the public would see if ``ret`` were published now (nothing saved)."""
    return group_lines(Quarter(ret.fy_start_year, ret.quarter), build_public_lines(ret))


def actions_of_return(ret):
    """The return's actions in line order, each with ``line`` (its ReturnLine), for the notes form."""
    lines = list(ret.lines.order_by("pk"))
    actions = Action.objects.in_bulk([line.action_id for line in lines])
    return [(line, actions[line.action_id]) for line in lines if line.action_id in actions]


def status_word(value):
    """The public word of a PublicLine status ("Green", "Complete")."""
    return Status(value).label
