from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from plans import display, refs
from plans.badges import status_badge

register = template.Library()


@register.filter
def fixed(value, places=0):
    """``{{ value|fixed:1 }}``: ``floatformat:1`` for a number, without the locale look-ups
    (``plans.display.fixed``)."""
    return display.fixed(value, int(places))


@register.filter(expects_localtime=True)
def british_date(value):
    """``{{ day|british_date }}``: ``date:"j M Y"`` (31 Mar 2024), without the format look-ups."""
    return display.day_month_year(value)


@register.filter(expects_localtime=True)
def month_year(value):
    """``{{ day|month_year }}``: ``date:"M Y"`` (Mar 2024)."""
    return display.month_year(value)


@register.simple_tag
def rag_badge(status):
    """{% rag_badge action.status %}: a RAG badge with word and glyph."""
    return status_badge(status)


@register.simple_tag
def heat_cell(cell, borough_name, list_url):
    """{% heat_cell cell row.borough.name list_url %}: one heatmap cell, a ``<td>`` with its link.

    Written here rather than in the template because the oversight heatmap has a cell per borough
    and driver (hundreds a page); every value is escaped.
    """
    total = cell.total
    label = cell.label
    mix = ""
    counts = cell.counts
    if counts:
        parts = []
        if counts.red:
            parts.append(f"✖{counts.red} ")
        if counts.amber:
            parts.append(f"▲{counts.amber} ")
        if counts.on_track:
            parts.append(f"●{counts.on_track}")
        mix = f'<span class="heat-mix" aria-hidden="true">{"".join(parts)}</span>'
    return mark_safe(  # noqa: S308 — every interpolated value is escaped or a number
        f'<td class="heat {escape(cell.css)}">'
        f'<a href="{escape(list_url)}?{escape(cell.url)}">'
        f'<span class="visually-hidden">{escape(borough_name)}: </span>'
        f'<span class="heat-glyph" aria-hidden="true">{escape(cell.glyph)}</span> '
        f'<span class="heat-count">{total}</span> <span class="heat-word">{escape(label)}</span>'
        f'<span class="visually-hidden">, {total} action{"" if total == 1 else "s"}</span> {mix}'
        "</a></td>"
    )


@register.filter
def objective_ref(objective):
    """``{{ objective|objective_ref }}`` → "M1" (plans.refs.objective_ref)."""
    return refs.objective_ref(objective)


@register.filter
def action_ref(action):
    """``{{ action|action_ref }}`` → "M1.3" (plans.refs.action_ref)."""
    return refs.action_ref(action)


CHANGE_FIELDS = {
    "text": "text",
    "objective": "objective",
    "owners": "owners",
    "drivers": "drivers",
    "due_date": "due date",
    "position": "place in its objective",
    "number": "number",
    "title": "title",
    "created": "added to the plan",
    "retired": "retired",
}


@register.filter
def change_field(name):
    """A PlanChange field's name in words ("due_date" → "due date")."""
    return CHANGE_FIELDS.get(name, name)
