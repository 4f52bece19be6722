"""Tags of the outcome panels: the long lists of a borough dashboard written in one call each
(a figure per quarter of every measure; the actions serving every driver), instead of a
template loop of a dozen nodes a line. Every value is a number, a date or escaped."""

from django import template
from django.template.defaultfilters import truncatewords
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from plans import display
from plans.badges import status_badge

register = template.Library()


@register.simple_tag
def quarter_rows(table):
    """The rows of a measure's "Figures by quarter" table, ``[(quarter end, value, London)]``:
    the quarter the British way, each figure rounded as ``floatformat:0``, "—" for no London
    figure."""
    fixed, day = display.fixed, display.day_month_year
    return mark_safe(  # noqa: S308 — dates and numbers only
        "".join(
            f'<tr><td>{day(period)}</td><td class="num">{fixed(value)}%</td>'
            f'<td class="num">{"—" if london is None else fixed(london) + "%"}</td></tr>'
            for period, value, london in table
        )
    )


@register.simple_tag
def chart_ticks(chart):
    """The grid lines of a measure's trend chart and their labels ("45%"), left of the plot."""
    left, right = chart["x_left"], chart["x_right"]
    label_x = left - 4
    return mark_safe(  # noqa: S308 — numbers only
        "".join(
            f'<line class="grid" x1="{left}" x2="{right}" y1="{t["y"]}" y2="{t["y"]}"></line>'
            f'<text class="tick" x="{label_x}" y="{t["y"]}" text-anchor="end" dominant-baseline="middle">'
            f"{t['label']}%</text>"
            for t in chart["ticks"]
        )
    )


@register.simple_tag
def gap_action_items(actions):
    """The ``<li>`` of the actions serving a driver, ``[(pk, text, status)]``: a link to the
    action (its text cut to 14 words) and its RAG badge."""
    link = display.url_maker("action-detail")
    badges = {}
    items = []
    for pk, text, status in actions:
        badge = badges.get(status)
        if badge is None:
            badge = badges[status] = status_badge(status)
        text = conditional_escape(truncatewords(text, 14))
        items.append(f'<li><a href="{link(pk)}">{text}</a> {badge}</li>')
    return mark_safe("".join(items))  # noqa: S308 — the text is escaped, the rest is ours
