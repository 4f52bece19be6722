"""The trend chart of a measure panel (SVG geometry)."""

from .targets import trajectory_value


def trend_chart(points, london_points, target, *, width=320, height=150):
    """Coordinates of a small SVG line chart: the borough, London, and the target trajectory."""
    pad_left, pad_right, pad_top, pad_bottom = 34, 8, 8, 22
    if not points:
        return {}
    first, last = points[0][0], points[-1][0]
    london = [(d, v) for d, v in london_points if first <= d <= last]
    values = [v for _, v in points] + [v for _, v in london]
    target_points = []
    if target is not None:
        target_points = [(first, trajectory_value(target, first)), (last, trajectory_value(target, last))]
        values += [v for _, v in target_points]
    low = int(min(values) // 5 * 5)
    high = int(-(-max(values) // 5) * 5)
    if high - low < 10:
        high = low + 10
    span_days = max((last - first).days, 1)
    inner_w, inner_h = width - pad_left - pad_right, height - pad_top - pad_bottom

    def x(day):
        return round(pad_left + inner_w * (day - first).days / span_days, 1)

    def y(value):
        return round(pad_top + inner_h * (high - float(value)) / (high - low), 1)

    def line(pts):
        return " ".join(f"{x(d)},{y(v)}" for d, v in pts)

    ticks = [{"y": y(v), "label": v} for v in range(low, high + 1, max(5, (high - low) // 4 // 5 * 5 or 5))]
    return {
        "width": width,
        "height": height,
        "borough": line(points),
        "london": line(london),
        "target": line(target_points),
        "last": {"x": x(last), "y": y(points[-1][1])},
        "ticks": ticks,
        "x_left": pad_left,
        "x_right": width - pad_right,
        "y_bottom": height - pad_bottom,
        "label_y": height - 6,
        "first_label": first.strftime("%b %Y"),
        "last_label": last.strftime("%b %Y"),
    }
