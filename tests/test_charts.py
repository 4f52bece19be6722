"""The dashboards' SVG charts (plans/charts.py) write their text escaped, as ``format_html``
would, and every figure they show."""

import datetime as dt

from django.utils.html import format_html

from plans import charts
from plans.choices import Status
from plans.dashboards.counts import Counts

HOSTILE = "<script>alert('x')</script> & \"quoted\""


def test_labels_titles_and_descriptions_are_escaped():
    counts = Counts(total=3, red=1, green=2)
    svg = str(charts.stacked_bars([(HOSTILE, counts)], title=HOSTILE, desc=HOSTILE))
    assert "<script>" not in svg
    assert format_html("{}", HOSTILE) in svg  # the title and description, escaped alike
    assert format_html("{}", HOSTILE[:25] + "…") in svg  # the label, cut at 25 characters
    trend = str(charts.trend_columns([(dt.date(2026, 3, 31), {"red": 2})], title=HOSTILE))
    assert "<script>" not in trend and format_html("{}", HOSTILE) in trend


def test_a_segment_is_written_as_format_html_writes_it():
    written = charts._segment(Status.RED, x=10, y=2.25, w=33.333, h=22, title="Red: 1 of 3 <b>")
    expected = format_html(
        '<rect class="seg seg-{s}" x="{x}" y="{y}" width="{w}" height="{h}"><title>{title}</title></rect>',
        s="red",
        x="10",
        y="2.2",
        w="33.3",
        h="22",
        title="Red: 1 of 3 <b>",
    )
    assert written == str(expected)


def test_every_figure_is_on_the_chart_and_in_its_description():
    counts = Counts(total=60, red=5, amber=20, green=30, not_rated=1, complete=4)
    svg = str(charts.stacked_bars([("Pillar 1", counts), ("Empty", Counts())], title="Pillars"))
    for label, n in (("Red", 5), ("Amber", 20), ("Green", 30), ("Complete", 4)):
        assert f"{label}: {n} of 60" in svg
    assert "no actions" in svg
    assert "Pillar 1: Red 5, Amber 20, Green 30" in svg
