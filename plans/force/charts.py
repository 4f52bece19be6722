"""The milestone timeline chart of the force-wide plan (SVG geometry)."""

import datetime as dt


def timeline_chart(entries, day, *, width=560, row_height=22, label_width=92, top=34):
    """Geometry of the server-rendered SVG timeline: one bar per milestone on a time axis.

    Returns a dict for the template: ``bars`` (x, y, width, entry), ``ticks`` (x, label), the
    ``marker`` for ``day`` (or None when outside the axis) and the SVG's width and height.
    """
    if not entries:
        return None
    start = min(e.milestone.starts for e in entries).replace(month=1, day=1)
    end_year = max(e.milestone.ends for e in entries).year
    end = dt.date(end_year + 1, 1, 1)
    span = (end - start).days
    plot = width - label_width - 12

    def x_of(date):
        return label_width + round(plot * (date - start).days / span, 1)

    bars = []
    for index, entry in enumerate(entries):
        m = entry.milestone
        x0, x1 = x_of(m.starts), x_of(m.ends + dt.timedelta(days=1))
        bars.append(
            {
                "x": x0,
                "y": top + index * row_height,
                "w": max(round(x1 - x0, 1), 4),
                "cy": top + index * row_height + row_height / 2 - 2,
                "cx": x1,
                "entry": entry,
                "number": index + 1,
            }
        )
    ticks = []
    tick = start
    while tick <= end:
        ticks.append(
            {"x": x_of(tick), "label": tick.strftime("%Y") if tick.month == 1 else tick.strftime("%b")}
        )
        tick = dt.date(tick.year + (tick.month + 5) // 12, (tick.month + 5) % 12 + 1, 1)
    height = top + len(entries) * row_height + 10
    marker = None
    if start <= day <= end:
        marker = {"x": x_of(day), "label": day.strftime("%-d %b %Y")}
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "ticks": ticks,
        "marker": marker,
        "axis_y": top - 6,
        "label_width": label_width,
        "before": day < start,
        "after": day > end,
        "day": day,
    }
