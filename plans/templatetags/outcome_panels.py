"""Tags of the outcome panels: the long lists of a borough dashboard written in one call each
(a figure per quarter of every measure; the actions serving every driver), instead of a
template loop of a dozen nodes a line. Every value is a number, a date or escaped."""

from django import template
from django.utils.safestring import mark_safe

from plans import display
from plans.badges import status_badge
from plans.display import escaped

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


def _ticks(chart):
    """The grid lines of a trend chart and their labels ("45%"), left of the plot."""
    left, right = chart["x_left"], chart["x_right"]
    label_x = left - 4
    return "".join(
        f'<line class="grid" x1="{left}" x2="{right}" y1="{t["y"]}" y2="{t["y"]}"></line>'
        f'<text class="tick" x="{label_x}" y="{t["y"]}" text-anchor="end" dominant-baseline="middle">'
        f"{t['label']}%</text>"
        for t in chart["ticks"]
    )


def _line(css, points):
    return f'<polyline class="{css}" points="{escaped(points)}"></polyline>' if points else ""


@register.simple_tag
def trend_svg(panel, borough_name):
    """A measure's trend chart (``plans.outcomes.charts.trend_chart``): the borough, London and
    the target trajectory, with a title saying what it shows for screen readers."""
    c, slug = panel.chart, escaped(panel.measure.slug)
    first, last = escaped(c["first_label"]), escaped(c["last_label"])
    label_y = c["label_y"]
    title = (
        f"{escaped(panel.measure.name)}, {escaped(borough_name)} against London"
        f"{' and target' if panel.gap else ''}, {first} to {last}: latest {display.fixed(panel.latest)}%."
    )
    return mark_safe(  # noqa: S308 — numbers and escaped text
        f'\n      <svg class="trend-chart" viewBox="0 0 {c["width"]} {c["height"]}" role="img" '
        f'aria-labelledby="m-{slug}-t" xmlns="http://www.w3.org/2000/svg">\n'
        f'        <title id="m-{slug}-t">{title}</title>\n'
        f"        {_ticks(c)}\n        {_line('line-target', c['target'])}\n"
        f"        {_line('line-london', c['london'])}\n"
        f'        <polyline class="line-borough" points="{escaped(c["borough"])}"></polyline>\n'
        f'        <circle class="dot-borough" cx="{c["last"]["x"]}" cy="{c["last"]["y"]}" r="3.5"></circle>\n'
        f'        <text class="axis-label" x="{c["x_left"]}" y="{label_y}">{first}</text>\n'
        f'        <text class="axis-label" x="{c["x_right"]}" y="{label_y}" text-anchor="end">{last}</text>\n'
        "      </svg>\n      "
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
        text = escaped(display.truncate_words(text, 14))
        items.append(f'<li><a href="{link(pk)}">{text}</a> {badge}</li>')
    return mark_safe("".join(items))  # noqa: S308 — the text is escaped, the rest is ours


def _signed_span(value, text):
    """A gap: red below zero, green above it (with a +), plain at zero."""
    css = "gap-neg" if value < 0 else "gap-pos" if value > 0 else ""
    return f'<span class="{css}">{"+" if value > 0 else ""}{text}</span>'


def _headline_cells(cell):
    fixed = display.fixed
    latest = "—"
    if cell.latest is not None:
        trend = cell.trend
        word, arrow = escaped(trend.word), escaped(trend.arrow)
        size = f" {fixed(trend.size)}" if trend.change else ""
        latest = (
            f'{fixed(cell.latest)}% <span class="trend trend-{escaped(trend.direction)}" title="{word}">'
            f'<span aria-hidden="true">{arrow}</span>'
            f'<span class="visually-hidden"> {word}</span>{size}</span>'
        )
    vs_london = cell.vs_london
    vs_london = "—" if vs_london is None else _signed_span(vs_london, fixed(vs_london))
    gap = cell.gap
    if gap:
        to_target = gap.gap_to_target
        css = "gap-neg" if to_target < 0 else "gap-pos"
        london = '<span class="muted"> (London)</span>' if gap.is_london else ""
        gap = f'<span class="{css}">{"+" if to_target > 0 else ""}{fixed(to_target, 1)}</span>{london}'
    return (
        f'\n        <td class="num">{latest}</td>\n        <td class="num">{vs_london}</td>\n'
        f'        <td class="num">{gap or "—"}</td>\n        '
    )


@register.simple_tag
def headline_rows(rows):
    """The London confidence table: a ``<tr>`` per borough (a link to its outcomes panel), then
    for each measure its latest figure with the trend, the gap to London and to target."""
    page = display.url_maker("borough-dashboard")
    return mark_safe(  # noqa: S308 — numbers and escaped text
        "".join(
            f'\n      <tr>\n        <th scope="row"><a href="{page(row.borough.slug)}#outcomes">'
            f"{escaped(row.borough.name)}</a></th>\n        "
            + "".join(_headline_cells(cell) for cell in row.cells)
            + "\n      </tr>\n    "
            for row in rows
        )
    )


def _gap_measure(m):
    """One measure of a driver-gap row: its latest reading, against London and the target."""
    if m.latest is None:
        return f"<div>{escaped(m.measure.name)}: no reading</div>"
    text = f"{escaped(m.measure.name)}: {display.fixed(m.latest)}%"
    if m.vs_london is not None:
        text += f", {_signed_span(m.vs_london, display.fixed(m.vs_london, 1))} vs London"
    if m.gap:
        text += ", <strong>off target</strong>" if m.off_target else ", on target"
    return f"<div>{text}</div>"


def _widthratio(value):
    """``{% widthratio value 1 100 %}``: the share as a whole percentage."""
    try:
        return str(round(float(value) * 100))
    except (ValueError, TypeError, OverflowError):
        return ""


def _gap_row(g):
    measures = "".join(_gap_measure(m) for m in g.measures) or '<span class="muted">No survey measure</span>'
    if g.action_total:
        counts = "".join(
            f'<span class="gap-count">{status_badge(status)} {display.html_text(n)}</span> '
            for status, n in g.status_counts
        )
        listed = ""
        if g.actions:
            plural = "" if g.action_total == 1 else "s"
            listed = (
                f"<details><summary>{display.html_text(g.action_total)} action{plural}</summary>"
                f'<ul class="gap-actions">{gap_action_items(g.actions)}</ul></details>'
            )
        actions = f"{counts}\n          {listed}\n          "
    else:
        actions = '<span class="muted">None</span>'
    flag = "flag-blind" if g.blind else "flag-watch" if g.below else "flag-ok"
    importance = "—" if g.importance is None else f"{_widthratio(g.importance)}%"
    score = g.weighted_score
    score = display.fixed(score, 2) if score is not None and g.has_measure else "—"
    blind = ' class="is-blind"' if g.blind else ""
    return (
        f"\n      <tr{blind}>\n"
        f'        <th scope="row">{escaped(g.driver.name)}</th>\n'
        f"        <td>{measures}</td>\n"
        f"        <td>{actions}</td>\n"
        f'        <td><span class="{flag}">{escaped(g.reason)}</span></td>\n'
        f'        <td class="num">{importance}</td>\n'
        f'        <td class="num">{score}</td>\n'
        "      </tr>\n    "
    )


@register.simple_tag
def driver_gap_rows(rows):
    """``{% driver_gap_rows gaps.rows %}``: a ``<tr>`` per driver of a borough's driver-gap
    panel (``outcomes.DriverGap``): its measures against London and target, the actions serving
    it by status (and listed), its flag, importance and weighted gap score."""
    return mark_safe("".join(_gap_row(g) for g in rows))  # noqa: S308 — numbers and escaped text


def _names(gaps, empty, suffix=None):
    """The drivers of ``gaps`` joined by "; ", each with ``suffix(gap)`` after its name, or
    ``empty`` when there are none."""
    if not gaps:
        return empty
    return "; ".join(f"{escaped(g.driver.name)}{suffix(g) if suffix else ''}" for g in gaps)


def _only_red(gap):
    return " (only Red)" if gap.action_total else " (no action)"


def _london_gap_row(row, link):
    blind, borough = row["blind"], row["borough"]
    css = ' class="is-blind"' if blind else ""
    count = f'<span class="flag-blind">{len(blind)}</span>' if blind else "0"
    which = _names(blind, '<span class="muted">—</span>', _only_red)
    below = _names(row["below"], '<span class="muted">None</span>')
    href = f"{escaped(link(borough.slug))}#driver-gaps"
    return (
        f"\n      <tr{css}>\n"
        f'        <th scope="row"><a href="{href}">{escaped(borough.name)}</a></th>\n'
        f'        <td class="num">{count}</td>\n'
        f"        <td>{which}</td>\n"
        f"        <td>{below}</td>\n"
        f'        <td class="num">{display.fixed(row["score"], 2)}</td>\n'
        "      </tr>\n    "
    )


@register.simple_tag
def london_gap_rows(rows):
    """The rows of the oversight page's "Where plans are blind" table (``outcomes.gaps.
    london_driver_gaps``' rows, dicts): each borough linked to its dashboard's driver gaps, its blind
    drivers and why, its drivers below London or off target, its weighted gap score (two places)."""
    link = display.url_maker("borough-dashboard")
    return mark_safe("".join(_london_gap_row(row, link) for row in rows))  # noqa: S308 — escaped
