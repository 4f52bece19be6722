"""Server-rendered SVG charts. Colours come from CSS classes (static/css/dashboard.css); every
segment carries its glyph and number where it fits, a <title> for pointer users, and every chart
is shown beside a table of the same numbers, so nothing depends on colour or on the picture.
"""

import functools
from html import escape as html_escape

from django.utils.safestring import SafeData, mark_safe

from .choices import STATUS_ORDER, STATUS_STYLE

BAR_HEIGHT = 22
BAR_GAP = 10
LABEL_WIDTH = 220  # room for 26 characters at 12px: labels are never cut at the left edge
BAR_WIDTH = 460
MIN_TEXT_WIDTH = 30


def _n(value):
    """A coordinate as text: at most one decimal, no trailing zeros."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _e(value):
    """``value`` as HTML text, escaped as ``format_html`` escapes its arguments (the charts' text
    is written with f-strings: ``format_html`` per element cost more than the rest of a chart)."""
    return value if isinstance(value, SafeData) else html_escape(str(value))


def _svg(width, height, title, desc, body):
    chart_id = _e(_chart_id(title))
    return mark_safe(  # noqa: S308 — numbers, escaped text and the body's safe markup
        f'<svg class="chart" viewBox="0 0 {_n(width)} {_n(height)}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{chart_id}-t">{_e(title)}</title>'
        f'<desc id="{chart_id}-d">{_e(desc)}</desc>{body}</svg>'
    )


def _chart_id(title):
    return "chart-" + "".join(ch if ch.isalnum() else "-" for ch in title.lower())[:40]


def _segment(status, *, x, y, w, h, title):
    """One coloured segment of a bar or column, with its tooltip ``title``."""
    return (
        f'<rect class="seg seg-{_e(status.value)}" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" '
        f'height="{_n(h)}"><title>{_e(title)}</title></rect>'
    )


def _segment_text(status, *, x, y, text):
    """The number (and glyph) written on a segment, centred on ``x``; hidden from screen readers
    (the segment's title and the table say it)."""
    return (
        f'<text class="seg-text seg-text-{_e(status.value)}" x="{_n(x)}" y="{_n(y)}" '
        f'text-anchor="middle" aria-hidden="true">{_e(text)}</text>'
    )


def _segments(counts, x0, y, width, height):
    """Stacked segments of one bar, in dashboard order, with glyph and number where they fit."""
    parts = []
    x = x0
    total = counts.total
    for status in STATUS_ORDER:
        n = counts.count(status)
        if not n or not total:
            continue
        w = width * n / total
        parts.append(_segment(status, x=x, y=y, w=w, h=height, title=f"{status.label}: {n} of {total}"))
        if w >= MIN_TEXT_WIDTH:
            parts.append(
                _segment_text(
                    status, x=x + w / 2, y=y + height / 2 + 4, text=f"{STATUS_STYLE[status]['icon']} {n}"
                )
            )
        x += w
    return "".join(parts)


@functools.lru_cache(maxsize=32)
def legend(y, x0=0):
    """One line of legend: glyph, swatch and word for each status (the same for every chart
    at the same place: written once)."""
    parts = []
    x = x0
    for status in STATUS_ORDER:
        parts.append(
            f'<rect class="seg seg-{_e(status.value)}" x="{_n(x)}" y="{_n(y)}" width="12" height="12"></rect>'
            f'<text class="legend-text" x="{_n(x + 16)}" y="{_n(y + 10)}">'
            f"{_e(STATUS_STYLE[status]['icon'])} {_e(status.label)}</text>"
        )
        x += 24 + 8 * len(status.label) + 14
    return mark_safe("".join(parts))  # noqa: S308 — numbers and escaped text


def stacked_bars(rows, *, title, desc=""):
    """Horizontal 100% stacked bars: ``rows`` is [(label, Counts)]. Returns safe SVG markup."""
    height = len(rows) * (BAR_HEIGHT + BAR_GAP) + 30
    width = LABEL_WIDTH + BAR_WIDTH + 50
    body = []
    for i, (label, counts) in enumerate(rows):
        y = i * (BAR_HEIGHT + BAR_GAP)
        short = label if len(label) <= 26 else label[:25] + "…"
        middle = _n(y + BAR_HEIGHT / 2 + 4)
        body.append(
            f'<text class="bar-label" x="{_n(LABEL_WIDTH - 8)}" y="{middle}" text-anchor="end">'
            f"{_e(short)}</text>"
        )
        if counts.total:
            body.append(_segments(counts, LABEL_WIDTH, y, BAR_WIDTH, BAR_HEIGHT))
        else:
            body.append(
                f'<rect class="seg seg-empty" x="{_n(LABEL_WIDTH)}" y="{_n(y)}" width="{_n(BAR_WIDTH)}" '
                f'height="{_n(BAR_HEIGHT)}"></rect>'
                f'<text class="seg-text" x="{_n(LABEL_WIDTH + 6)}" y="{middle}">no actions</text>'
            )
        body.append(
            f'<text class="bar-total" x="{_n(LABEL_WIDTH + BAR_WIDTH + 6)}" y="{middle}">'
            f"{_e(counts.total)}</text>"
        )
    body.append(legend(height - 18))
    desc = desc or "; ".join(
        f"{label}: " + ", ".join(f"{s.label} {counts.count(s)}" for s in STATUS_ORDER)
        for label, counts in rows
    )
    return _svg(width, height, title, desc, "".join(body))


TREND_HEIGHT = 180
TREND_COLUMN = 40
TREND_GAP = 14


def _trend_column(day, counts, *, x, bottom, largest):
    """One month's column of ``trend_columns``: its segments, bottom up, and its month label."""
    parts = []
    y = bottom
    for status in STATUS_ORDER:
        n = counts.get(status.value, 0)
        if not n:
            continue
        h = TREND_HEIGHT * n / largest
        y -= h
        parts.append(
            _segment(
                status, x=x, y=y, w=TREND_COLUMN, h=h, title=f"{day.day} {day:%b %Y}: {status.label} {n}"
            )
        )
        if h >= 14:
            parts.append(_segment_text(status, x=x + TREND_COLUMN / 2, y=y + h / 2 + 4, text=n))
    parts.append(
        f'<text class="axis-text" x="{_n(x + TREND_COLUMN / 2)}" y="{_n(bottom + 14)}" '
        f'text-anchor="middle">{_e(day.strftime("%b %y"))}</text>'
    )
    return parts


def trend_columns(points, *, title):
    """Stacked columns of RAG counts per month: ``points`` is [(date, {status: n})]."""
    left, top = 36, 10
    largest = max([sum(c.values()) for _, c in points] + [1])
    width = left + len(points) * (TREND_COLUMN + TREND_GAP) + 10
    height = top + TREND_HEIGHT + 60
    x, y0, y1 = _n(left - 4), _n(top), _n(top + TREND_HEIGHT)
    body = [
        f'<line class="axis" x1="{x}" y1="{y0}" x2="{x}" y2="{y1}"></line>'
        f'<line class="axis" x1="{x}" y1="{y1}" x2="{_n(width - 6)}" y2="{y1}"></line>'
        f'<text class="axis-text" x="{_n(left - 8)}" y="{_n(top + 8)}" text-anchor="end">{_e(largest)}</text>'
        f'<text class="axis-text" x="{_n(left - 8)}" y="{_n(top + TREND_HEIGHT)}" text-anchor="end">0</text>'
    ]
    for i, (day, counts) in enumerate(points):
        x = left + i * (TREND_COLUMN + TREND_GAP)
        body.extend(_trend_column(day, counts, x=x, bottom=top + TREND_HEIGHT, largest=largest))
    body.append(legend(height - 22, x0=left))
    desc = "; ".join(
        f"{day:%d %b %Y}: " + ", ".join(f"{s.label} {counts.get(s.value, 0)}" for s in STATUS_ORDER)
        for day, counts in points
    )
    return _svg(width, height, title, desc, "".join(body))
