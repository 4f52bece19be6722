"""Server-rendered SVG charts. Colours come from CSS classes (static/css/dashboard.css); every
segment carries its glyph and number where it fits, a <title> for pointer users, and every chart
is shown beside a table of the same numbers, so nothing depends on colour or on the picture.
"""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .choices import STATUS_ORDER, STATUS_STYLE

BAR_HEIGHT = 22
BAR_GAP = 10
LABEL_WIDTH = 220  # room for 26 characters at 12px: labels are never cut at the left edge
BAR_WIDTH = 460
MIN_TEXT_WIDTH = 30


def _n(value):
    """A coordinate as text: at most one decimal, no trailing zeros."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(width, height, title, desc, body):
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'role="img" aria-labelledby="{id}-t {id}-d" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>{body}</svg>',
        w=_n(width),
        h=_n(height),
        id=_chart_id(title),
        title=title,
        desc=desc,
        body=body,
    )


def _chart_id(title):
    return "chart-" + "".join(ch if ch.isalnum() else "-" for ch in title.lower())[:40]


def _segment(status, *, x, y, w, h, title):
    """One coloured segment of a bar or column, with its tooltip ``title``."""
    return format_html(
        '<rect class="seg seg-{s}" x="{x}" y="{y}" width="{w}" height="{h}"><title>{title}</title></rect>',
        s=status.value,
        x=_n(x),
        y=_n(y),
        w=_n(w),
        h=_n(h),
        title=title,
    )


def _segment_text(status, *, x, y, text):
    """The number (and glyph) written on a segment, centred on ``x``; hidden from screen readers
    (the segment's title and the table say it)."""
    return format_html(
        '<text class="seg-text seg-text-{s}" x="{x}" y="{y}" text-anchor="middle" '
        'aria-hidden="true">{text}</text>',
        s=status.value,
        x=_n(x),
        y=_n(y),
        text=text,
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
    return mark_safe("".join(parts))


def legend(y, x0=0):
    """One line of legend: glyph, swatch and word for each status."""
    parts = []
    x = x0
    for status in STATUS_ORDER:
        parts.append(
            format_html(
                '<rect class="seg seg-{s}" x="{x}" y="{y}" width="12" height="12"></rect>'
                '<text class="legend-text" x="{tx}" y="{ty}">{icon} {label}</text>',
                s=status.value,
                x=_n(x),
                y=_n(y),
                tx=_n(x + 16),
                ty=_n(y + 10),
                icon=STATUS_STYLE[status]["icon"],
                label=status.label,
            )
        )
        x += 24 + 8 * len(status.label) + 14
    return mark_safe("".join(parts))


def stacked_bars(rows, *, title, desc=""):
    """Horizontal 100% stacked bars: ``rows`` is [(label, Counts)]. Returns safe SVG markup."""
    height = len(rows) * (BAR_HEIGHT + BAR_GAP) + 30
    width = LABEL_WIDTH + BAR_WIDTH + 50
    body = []
    for i, (label, counts) in enumerate(rows):
        y = i * (BAR_HEIGHT + BAR_GAP)
        short = label if len(label) <= 26 else label[:25] + "…"
        body.append(
            format_html(
                '<text class="bar-label" x="{x}" y="{ty}" text-anchor="end">{label}</text>',
                x=_n(LABEL_WIDTH - 8),
                ty=_n(y + BAR_HEIGHT / 2 + 4),
                label=short,
            )
        )
        if counts.total:
            body.append(_segments(counts, LABEL_WIDTH, y, BAR_WIDTH, BAR_HEIGHT))
        else:
            body.append(
                format_html(
                    '<rect class="seg seg-empty" x="{x}" y="{y}" width="{w}" height="{h}"></rect>'
                    '<text class="seg-text" x="{tx}" y="{ty}">no actions</text>',
                    x=_n(LABEL_WIDTH),
                    y=_n(y),
                    w=_n(BAR_WIDTH),
                    h=_n(BAR_HEIGHT),
                    tx=_n(LABEL_WIDTH + 6),
                    ty=_n(y + BAR_HEIGHT / 2 + 4),
                )
            )
        body.append(
            format_html(
                '<text class="bar-total" x="{x}" y="{ty}">{n}</text>',
                x=_n(LABEL_WIDTH + BAR_WIDTH + 6),
                ty=_n(y + BAR_HEIGHT / 2 + 4),
                n=counts.total,
            )
        )
    body.append(legend(height - 18))
    desc = desc or "; ".join(
        f"{label}: " + ", ".join(f"{s.label} {counts.count(s)}" for s in STATUS_ORDER)
        for label, counts in rows
    )
    return _svg(width, height, title, desc, mark_safe("".join(str(b) for b in body)))


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
        format_html(
            '<text class="axis-text" x="{tx}" y="{ty}" text-anchor="middle">{label}</text>',
            tx=_n(x + TREND_COLUMN / 2),
            ty=_n(bottom + 14),
            label=day.strftime("%b %y"),
        )
    )
    return parts


def trend_columns(points, *, title):
    """Stacked columns of RAG counts per month: ``points`` is [(date, {status: n})]."""
    left, top = 36, 10
    largest = max([sum(c.values()) for _, c in points] + [1])
    width = left + len(points) * (TREND_COLUMN + TREND_GAP) + 10
    height = top + TREND_HEIGHT + 60
    body = [
        format_html(
            '<line class="axis" x1="{x}" y1="{y0}" x2="{x}" y2="{y1}"></line>'
            '<line class="axis" x1="{x}" y1="{y1}" x2="{x2}" y2="{y1}"></line>'
            '<text class="axis-text" x="{tx}" y="{ty0}" text-anchor="end">{top}</text>'
            '<text class="axis-text" x="{tx}" y="{ty1}" text-anchor="end">0</text>',
            x=_n(left - 4),
            y0=_n(top),
            y1=_n(top + TREND_HEIGHT),
            x2=_n(width - 6),
            tx=_n(left - 8),
            ty0=_n(top + 8),
            ty1=_n(top + TREND_HEIGHT),
            top=largest,
        )
    ]
    for i, (day, counts) in enumerate(points):
        x = left + i * (TREND_COLUMN + TREND_GAP)
        body.extend(_trend_column(day, counts, x=x, bottom=top + TREND_HEIGHT, largest=largest))
    body.append(legend(height - 22, x0=left))
    desc = "; ".join(
        f"{day:%d %b %Y}: " + ", ".join(f"{s.label} {counts.get(s.value, 0)}" for s in STATUS_ORDER)
        for day, counts in points
    )
    return _svg(width, height, title, desc, mark_safe("".join(str(b) for b in body)))
