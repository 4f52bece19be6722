"""PDF board packs, made on the server with WeasyPrint from templates/publishing/.

A borough's pack: cover (protective marking, borough, date), contents with page numbers, the
dashboard summary, the plan by pillar with each action's RAG, the changes since the end of the
last quarter, the open challenges with their answers, and the survey outcome measures with their
charts. London's oversight pack: cover, contents, the borough table, pillars across London, the
changes since the last quarter and the survey headline.

Figures come from the dashboards' own selectors (``plans.dashboards``, ``plans.outcomes``) over
the user's scoped ``ActionFilterSet``; charts are the dashboards' SVG (``plans.charts``) with
their colours written into each chart, since WeasyPrint draws SVG without the page's CSS. The
page layout (margin boxes with the marking and "Page n of m", table rows kept whole, repeated
table headers) is static/css/pack.css. Nothing is fetched while rendering: only ``data:`` URLs
are allowed, and fonts come from the system's fontconfig (Debian's fonts-liberation and
fonts-dejavu-core).
"""

import functools
import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from .. import charts, dashboards, outcomes
from ..choices import STATUS_ORDER
from ..filtersets import ActionFilterSet
from ..models import Action
from ..quarters import Quarter

PDF_CONTENT_TYPE = "application/pdf"


@functools.cache
def _static_text(name):
    with open(finders.find(name), encoding="utf-8") as handle:
        return handle.read()


# What a printed chart does not show (pointer tooltips, names for screen readers: the pack prints
# each chart's numbers in the table beside it) and WeasyPrint would still parse.
_NOT_PRINTED = re.compile(r"<(title|desc)\b[^>]*>[^<]*</\1>| (?:role|aria-[a-z]+)=\"[^\"]*\"")


def styled_svg(svg):
    """An SVG string of ``plans.charts`` made for print: the chart stylesheet inside it
    (WeasyPrint ignores page CSS in SVG), without its tooltips and ARIA attributes."""
    svg = _NOT_PRINTED.sub("", str(svg))
    if not svg:
        return ""
    end = svg.index(">") + 1
    return mark_safe(svg[:end] + "<style>" + _static_text("css/pack-svg.css") + "</style>" + svg[end:])  # noqa: S308 — our own SVG and stylesheet


def _base_context(title, subtitle, today):
    quarter = Quarter.last_ended(today)
    return {
        "title": title,
        "subtitle": subtitle,
        "marking": settings.PROTECTIVE_MARKING,
        "made_on": timezone.localtime(),
        "last_quarter": quarter,
        "compare_date": quarter.end,
        "pack_css": mark_safe(_static_text("css/pack.css")),  # noqa: S308 — our own stylesheet
        "svg_css": mark_safe(_static_text("css/pack-svg.css")),  # noqa: S308
        "statuses": STATUS_ORDER,
        "today": today,
    }


def _filterset(user, queryset=None):
    filterset = ActionFilterSet(QueryDict(""), queryset=queryset, user=user)
    filterset.is_valid()
    return filterset


def borough_pack_context(*, borough, plan, user, today=None):
    """Context of templates/publishing/pack_borough.html for a plan the user may read.

    Changes are since the end of the last ended quarter of the UK financial year; challenges are
    the open ones with their answers. A fixed number of queries whatever the size of the plan."""
    today = today or timezone.localdate()
    context = _base_context(f"{borough.name} board pack", plan.title, today)
    filterset = _filterset(user, Action.objects.visible_to(user).filter(objective__plan=plan))
    figures = dashboards.borough_dashboard(filterset, plan=plan, user=user, compare=context["compare_date"])
    context.update(figures)
    context.update(
        {
            "borough": borough,
            "plan": plan,
            "pillar_chart": styled_svg(
                charts.stacked_bars(
                    [(p["pillar"].name, p["counts"]) for p in figures["pillars"]],
                    title=f"{borough.name}: status of actions by pillar",
                )
            ),
            "trend_chart": styled_svg(
                charts.trend_columns(
                    figures["trend"], title=f"{borough.name}: status of actions month by month"
                )
            ),
            "measures": outcomes.borough_measures(borough, user),
        }
    )
    return context


def oversight_pack_context(*, user, today=None):
    """Context of templates/publishing/pack_oversight.html: every borough the user may read,
    grouped by BCU, changes since the end of the last quarter, pillars and survey headline."""
    today = today or timezone.localdate()
    context = _base_context("London oversight board pack", "Trust and confidence plans across London", today)
    figures = dashboards.oversight(_filterset(user), user=user, compare=context["compare_date"], page=1)
    context.update(figures)
    context["pillar_chart"] = styled_svg(
        charts.stacked_bars(
            [(p["pillar"].name, p["counts"]) for p in figures["pillars"]],
            title="London-wide status of actions by pillar",
        )
    )
    context["headline"] = outcomes.oversight_measures(user)
    return context


def render_pdf(template, context, request=None):
    """The PDF bytes of ``template`` rendered with ``context``; nothing is fetched from outside."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, context, request=request)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf()
