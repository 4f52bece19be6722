from html import escape as html_escape

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from plans import display, refs
from plans.badges import status_badge

register = template.Library()


def _escape(value):
    """Django's ``escape`` (always escapes), without its check for lazy strings."""
    return html_escape(str(value))


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


@register.filter(is_safe=True)
def truncate(value, length):
    """``{{ text|truncate:90 }}``: ``truncatechars:90`` (``plans.display.truncate_chars``)."""
    return display.truncate_chars(value, int(length))


@register.simple_tag(takes_context=True)
def link_to(context, name, key):
    """``{% link_to 'action-detail' a.pk %}``: ``{% url %}`` of a page taking one pk or slug,
    reversed once for a whole loop (``plans.display.url_maker``)."""
    makers = context.render_context.setdefault("link_to", {})
    maker = makers.get(name)
    if maker is None:
        maker = makers[name] = display.url_maker(name)
    return maker(key)


@register.simple_tag
def rag_badge(status):
    """{% rag_badge action.status %}: a RAG badge with word and glyph."""
    return status_badge(status)


@register.simple_tag
def heat_cell(cell, borough_name, list_url):
    """{% heat_cell cell row.borough.name list_url %}: one heatmap cell (``heat_rows`` writes
    the oversight heatmap's)."""
    return mark_safe(heat_cell_html(cell, escape(borough_name), escape(list_url)))  # noqa: S308 — escaped


def heat_cell_html(cell, borough_name, list_url):
    """One heatmap cell, a ``<td>`` with its link; ``borough_name`` and ``list_url`` already
    escaped, every other value escaped here."""
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
    return (
        f'<td class="heat {_escape(cell.css)}">'
        f'<a href="{list_url}?{_escape(cell.url)}">'
        f'<span class="visually-hidden">{borough_name}: </span>'
        f'<span class="heat-glyph" aria-hidden="true">{_escape(cell.glyph)}</span> '
        f'<span class="heat-count">{total}</span> <span class="heat-word">{_escape(label)}</span>'
        f'<span class="visually-hidden">, {total} action{"" if total == 1 else "s"}</span> {mix}'
        "</a></td>"
    )


@register.simple_tag
def heat_rows(rows, list_url):
    """{% heat_rows rows action_list_url %}: the heatmap's body, a ``<tr>`` per borough (its
    name, a link to its dashboard, then a cell per driver), with the template loop's spacing."""
    page, list_url = display.url_maker("borough-dashboard"), escape(list_url)
    html = []
    for row in rows:
        name = escape(row.borough.name)
        cells = "".join(heat_cell_html(cell, name, list_url) + "\n        " for cell in row.drivers)
        html.append(
            f'\n      <tr>\n        <th scope="row"><a href="{page(row.borough.slug)}">{name}</a></th>\n'
            f"        {cells}\n      </tr>\n    "
        )
    return mark_safe("".join(html))  # noqa: S308 — every text is escaped


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
