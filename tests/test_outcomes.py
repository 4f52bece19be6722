"""Outcomes beside delivery: target arithmetic, driver-gap flags on hand-made data, the
dashboard panels (constant query counts), the targets page and the export sheet."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from drivers.models import Measure
from plans.choices import RAG
from plans.models import BCU, Action, Borough, MeasureReading, Objective, Pillar, Plan, Target
from plans.outcomes import (
    DRIVER_GAP_COLUMNS,
    borough_measures,
    borough_panel,
    driver_gap_rows,
    driver_gaps,
    load_targets,
    measure_rows,
    oversight_measures,
    oversight_panel,
    target_gap,
    trajectory_value,
    trend,
)
from plans.services.targets import set_target

pytestmark = pytest.mark.django_db

P = dt.date(2023, 6, 30)  # a quarter after the shipped data, so the hand-made one is the latest
LIVE = dt.date(dt.date.today().year + 2, 3, 31)  # a target date still to come: the target is current


# --- target arithmetic ---


def make_target(**kw):
    defaults = dict(
        baseline_value=Decimal("48.0"),
        baseline_date=dt.date(2009, 3, 31),
        target_value=Decimal("59.4"),
        target_date=dt.date(2012, 3, 31),
    )
    return Target(**{**defaults, **kw})


def test_trajectory_runs_straight_from_baseline_to_target_then_holds():
    target = make_target()
    assert trajectory_value(target, dt.date(2009, 3, 31)) == Decimal("48.00")
    assert trajectory_value(target, dt.date(2008, 1, 1)) == Decimal("48.00")  # before the baseline
    # 2010-09-30 is 548 of 1096 days: 48 + 11.4 × 0.5 = 53.70
    assert trajectory_value(target, dt.date(2010, 9, 30)) == Decimal("53.70")
    assert trajectory_value(target, dt.date(2012, 3, 31)) == Decimal("59.40")
    assert trajectory_value(target, dt.date(2023, 3, 31)) == Decimal("59.40")


def test_gap_to_target_and_off_target():
    target = make_target()
    gap = target_gap(target, Decimal("50"), dt.date(2023, 3, 31))
    reached = gap.gap_to_target >= 0
    assert gap.gap_to_target == Decimal("-9.4") and gap.off_target and not reached
    midway = target_gap(target, Decimal("54"), dt.date(2010, 9, 30))
    assert midway.expected == Decimal("53.70") and midway.gap_to_trajectory == Decimal("0.30")
    assert not midway.off_target and midway.gap_to_target == Decimal("-5.4")
    assert target_gap(None, Decimal("50"), P) is None


def test_trend_arrows_compare_with_the_previous_quarter():
    assert (trend(52, 50).direction, trend(52, 50).arrow, trend(52, 50).size) == ("up", "▲", 2)
    assert trend(48, 50).direction == "down" and trend(48, 50).word == "down"
    assert trend(50, 50).direction == "flat"
    assert trend(50, None).direction == "none"


def test_the_shipped_london_target_is_loaded_idempotently(world):
    target = Target.objects.get(measure__slug="good-job-local", borough__isnull=True)
    assert (target.baseline_value, target.target_value) == (Decimal("48.00"), Decimal("59.40"))
    assert (target.baseline_date, target.target_date) == (dt.date(2009, 3, 31), dt.date(2012, 3, 31))
    assert "MPA confidence project summary" in target.note
    load_targets()
    assert Target.objects.filter(borough__isnull=True).count() == 1


# --- driver gaps on hand-made data ---


@pytest.fixture
def gapland(world):
    """A made-up borough with readings for one quarter and a small plan:
    - effectiveness ("Relied on to be there") 50 vs London 60, only a Red action → blind;
    - information provision ("Informed local") 70 vs London 60 but off its target, no action → blind;
    - patrol visibility ("Contact ward officer") 30 vs London 40, no action → blind;
    - engagement & fair treatment (also "Contact ward officer") below London, a Green action → not blind;
    - accountability: no survey measure → never flagged;
    - community cohesion: no measure, a Red action → not flagged."""
    borough = Borough.objects.create(
        name="Gapland", slug="gapland", ons_code="X99999999", bcu=BCU.objects.first(), is_synthetic=True
    )
    plan = Plan.objects.create(slug="gapland-plan", borough=borough, title="Gapland plan", is_synthetic=True)
    objective = Objective.objects.create(
        plan=plan, pillar=Pillar.objects.first(), number=1, title="Objective"
    )

    def action(text, rag, *driver_slugs, completed=False):
        a = Action.objects.create(
            objective=objective,
            text=text,
            rag=rag,
            completed=completed,
            completed_on=P if completed else None,
        )
        a.drivers.set(list(__import__("drivers.models").models.Driver.objects.filter(slug__in=driver_slugs)))
        return a

    action("Answer 999 calls faster", RAG.RED, "effectiveness")
    action("Second response car", RAG.RED, "effectiveness")
    action("Ward panels", RAG.GREEN, "engagement-fair-treatment")
    action("Neighbourhood watch", RAG.RED, "community-cohesion")
    measures = {m.name: m for m in Measure.objects.all()}
    for name, ours, london in (
        ("Relied on to be there", 50, 60),
        ("Informed local", 70, 60),
        ("Contact ward officer", 30, 40),
    ):
        MeasureReading.objects.create(measure=measures[name], borough=borough, period_end=P, value=ours)
        MeasureReading.objects.update_or_create(
            measure=measures[name], borough=None, period_end=P, defaults={"value": london}
        )
    Target.objects.create(  # current, and asking for 80 all along
        measure=measures["Informed local"],
        borough=borough,
        baseline_value=80,
        baseline_date=dt.date(2022, 6, 30),
        target_value=80,
        target_date=LIVE,
    )
    return borough


def by_slug(rows):
    return {row.driver.slug: row for row in rows}


def test_driver_gap_flags(gapland, oversight_user):
    rows = by_slug(driver_gaps(oversight_user, boroughs=[gapland])[gapland.pk])
    assert len(rows) == 8  # the eight drivers of the MPS confidence model
    eff = rows["effectiveness"]
    assert eff.below and eff.only_red and eff.blind and "every action serving it is Red" in eff.reason
    info = rows["information-provision"]
    assert not info.measures[0].below_london and info.measures[0].off_target
    assert info.blind and info.action_total == 0 and "off target" in info.reason
    patrol = rows["patrol-visibility"]
    assert patrol.blind and "below London" in patrol.reason and "no action" in patrol.reason
    engagement = rows["engagement-fair-treatment"]
    assert engagement.below and not engagement.blind and engagement.counts == {"green": 1}
    assert not rows["accountability"].has_measure and not rows["accountability"].blind
    assert not rows["community-cohesion"].blind and rows["community-cohesion"].only_red
    assert {slug for slug, row in rows.items() if row.blind} == {
        "effectiveness",
        "information-provision",
        "patrol-visibility",
    }


def test_a_completed_action_means_the_driver_is_not_blind(gapland, oversight_user):
    action = Action.objects.get(text="Second response car")
    Action.objects.filter(pk=action.pk).update(rag=RAG.GREEN, completed=True, completed_on=P)
    rows = by_slug(driver_gaps(oversight_user, boroughs=[gapland])[gapland.pk])
    assert rows["effectiveness"].below and not rows["effectiveness"].blind


def test_weighted_gap_score_is_importance_times_shortfall(gapland, oversight_user):
    shares = {"effectiveness": 0.3, "information-provision": 0.1, "patrol-visibility": 0.05}
    rows = by_slug(driver_gaps(oversight_user, boroughs=[gapland], importance=shares)[gapland.pk])
    assert rows["effectiveness"].shortfall == Decimal(10)
    assert rows["effectiveness"].weighted_score == pytest.approx(3.0)
    # 70 now, the trajectory asks for 80 by this quarter: 10 points short of target, above London
    assert rows["information-provision"].weighted_score == pytest.approx(1.0)
    assert rows["patrol-visibility"].weighted_score == pytest.approx(0.5)
    assert (
        rows["accountability"].weighted_score == pytest.approx(0.0)
        or rows["accountability"].importance is None
    )


def test_export_rows_name_the_blind_drivers(gapland, analyst_user):
    rows = driver_gap_rows(analyst_user, boroughs=[gapland])
    effectiveness = [r for r in rows if r[1] == "Police effectiveness"]
    assert len(effectiveness) == 1, "one row per borough and driver: a pivot counts the score once"
    row = dict(zip(DRIVER_GAP_COLUMNS, effectiveness[0], strict=True))
    assert "Relied on to be there" in row["Measures"]
    assert row["Measures below London"] == 1 and row["Shortfall (points)"] == pytest.approx(10.0)
    assert row["Flag"].startswith("Blind")
    assert row["Importance share"] is not None and row["Weighted gap score"] == pytest.approx(
        10 * row["Importance share"], abs=0.01
    )


def test_driver_gaps_sheet_is_written_safely(gapland, analyst_user):
    import xlsxwriter

    from plans import exports
    from plans.exports.outcomes import write_driver_gaps
    from plans.exports.sheet import _formats
    from plans.filtersets import ActionFilterSet

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    ctx = exports.ExportContext(
        filterset=ActionFilterSet({"borough": ["gapland"]}, user=analyst_user), user=analyst_user
    )
    ctx.workbook = workbook
    ctx.formats = _formats(workbook)
    written = write_driver_gaps(ctx)
    workbook.close()
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["Driver gaps"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("Borough", "Driver", "Measures") and written == len(values) - 1
    assert {row[0] for row in values[1:]} == {"Gapland"}
    assert any(row[1] == "Police effectiveness" and str(row[-3]).startswith("Blind") for row in values[1:])


# --- the dashboard panels ---


def test_borough_panel_shows_trend_london_and_target(southwark, oversight_user):
    panels = {p.measure.slug: p for p in borough_panel(southwark, oversight_user)["panels"]}
    good = panels["good-job-local"]
    shipped = list(
        MeasureReading.objects.filter(measure__slug="good-job-local", borough=southwark)
        .order_by("period_end")
        .values_list("period_end", "value")
    )
    assert good.points == [(d, Decimal(v)) for d, v in shipped] and len(good.points) > 30
    london = MeasureReading.objects.get(
        measure__slug="good-job-local", borough=None, period_end=good.latest_date
    )
    assert good.vs_london == good.latest - london.value
    # London's 59.4 % by March 2012 has expired: history, never the live target (issue 18, item 7)
    assert (
        good.gap is None and good.expired.target_value == Decimal("59.4") and good.expired.borough_id is None
    )
    assert good.chart["borough"].count(",") == len(good.points) and not good.chart["target"]


def test_borough_target_overrides_london(southwark, oversight_user):
    set_target(
        borough=southwark,
        user=oversight_user,
        measure=Measure.objects.get(slug="good-job-local"),
        target_value=Decimal("60"),
        target_date=LIVE,
    )
    good = {p.measure.slug: p for p in borough_panel(southwark, oversight_user)["panels"]}["good-job-local"]
    assert not good.gap.is_london and good.gap.target.target_value == Decimal("60")
    assert good.gap.target.baseline_value == good.latest and good.gap.target.baseline_date == good.latest_date


def test_oversight_headline_sorts_lowest_first(oversight_user):
    data = oversight_measures(oversight_user, sort="good-job-local")
    values = [row.cells[0].latest for row in data["rows"] if row.cells[0].latest is not None]
    assert values == sorted(values) and len(values) == 32
    by_change = oversight_measures(oversight_user, sort="trust-mps-change")
    changes = [
        row.cells[1].trend.change for row in by_change["rows"] if row.cells[1].trend.change is not None
    ]
    assert changes == sorted(changes)
    by_name = oversight_measures(oversight_user, sort="nonsense")
    assert [r.borough.name for r in by_name["rows"]] == sorted(r.borough.name for r in by_name["rows"])


def test_panels_run_a_fixed_number_of_queries(southwark, oversight_user, gapland):
    oversight_panel(oversight_user)  # warm the key-driver analysis cache (no queries either way)
    with CaptureQueriesContext(connection) as small_borough:
        borough_panel(southwark, oversight_user)
    with CaptureQueriesContext(connection) as small_london:
        oversight_panel(oversight_user)
    from plans.synthetic import make_synthetic

    make_synthetic(boroughs=6, months=2, seed=5, actions_per_plan=20)
    Target.objects.bulk_create(
        Target(
            measure=Measure.objects.get(slug="trust-mps"),
            borough=b,
            baseline_value=60,
            baseline_date=dt.date(2023, 3, 31),
            target_value=70,
            target_date=dt.date(2026, 3, 31),
        )
        for b in Borough.objects.filter(is_synthetic=False)
    )
    with CaptureQueriesContext(connection) as big_borough:
        borough_panel(southwark, oversight_user)
    with CaptureQueriesContext(connection) as big_london:
        oversight_panel(oversight_user)
    assert len(big_borough) == len(small_borough) <= 12
    assert len(big_london) == len(small_london) <= 14


def test_dashboards_show_the_outcome_panels(client_as, django_assert_max_num_queries):
    client = client_as("oversight")
    response = client.get("/boroughs/southwark/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Confidence outcomes" in body and "Driver gaps: where the plan is blind" in body
    assert "trend-chart" in body and "css/outcomes.css" in body
    response = client.get("/oversight/?outcomes_sort=good-job-local")
    body = response.content.decode()
    assert "Confidence and trust by borough" in body and "Where plans are blind" in body


# --- the targets page ---


def test_oversight_sets_a_target_with_the_latest_reading_as_baseline(client_as, southwark):
    measure = Measure.objects.get(slug="trust-mps")
    latest = MeasureReading.objects.filter(measure=measure, borough=southwark).order_by("-period_end").first()
    response = client_as("oversight").post(
        "/boroughs/southwark/targets/",
        {
            "measure": measure.pk,
            "target_value": "72.5",
            "target_date": "2026-03-31",
            "note": "Three-year aim",
        },
    )
    assert response.status_code == 302
    target = Target.objects.get(measure=measure, borough=southwark)
    assert (target.baseline_value, target.baseline_date) == (latest.value, latest.period_end)
    assert target.target_value == Decimal("72.50") and target.set_by.username == "mopac.oversight"
    response = client_as("administrator").post(
        "/boroughs/southwark/targets/",
        {
            "target_id": target.pk,
            "measure": measure.pk,
            "baseline_value": "60",
            "baseline_date": "2023-03-31",
            "target_value": "75",
            "target_date": "2027-03-31",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.target_value, target.target_date) == (Decimal("75.00"), dt.date(2027, 3, 31))
    assert Target.objects.filter(borough=southwark).count() == 1


def test_target_before_baseline_is_refused_beside_the_field(client_as):
    measure = Measure.objects.get(slug="trust-mps")
    response = client_as("oversight").post(
        "/boroughs/southwark/targets/",
        {
            "measure": measure.pk,
            "baseline_value": "60",
            "baseline_date": "2023-03-31",
            "target_value": "70",
            "target_date": "2022-03-31",
        },
    )
    assert response.status_code == 400 and "must be after the baseline date" in response.content.decode()
    assert not Target.objects.filter(borough__slug="southwark").exists()


def test_editors_and_analysts_read_targets_but_cannot_set_them(client_as, southwark, southwark_editor):
    measure = Measure.objects.get(slug="trust-mps")
    data = {"measure": measure.pk, "target_value": "90", "target_date": "2026-03-31"}
    for role in ("southwark_editor", "analyst"):
        client = client_as(role)
        page = client.get("/boroughs/southwark/targets/")
        assert page.status_code == 200 and b"Save target" not in page.content
        assert client.post("/boroughs/southwark/targets/", data).status_code == 403
    assert not Target.objects.filter(borough=southwark).exists()
    with pytest.raises(PermissionDenied):
        set_target(borough=southwark, user=southwark_editor, measure=measure, target_value=90, target_date=P)


def test_excel_export_has_the_driver_gaps_sheet(client_as):
    response = client_as("analyst").get("/export/actions.xlsx?borough=southwark")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    assert "Driver gaps" in workbook.sheetnames
    names = workbook.sheetnames
    assert names.index("Driver gaps") == names.index("Driver coverage") + 1  # beside the coverage
    assert names[-1] == "About"
    rows = list(workbook["Driver gaps"].iter_rows(values_only=True))
    assert {row[0] for row in rows[1:]} == {"Southwark"}
    assert {row[1] for row in rows[1:]} >= {"Police effectiveness", "Information provision"}


def test_excel_export_has_the_measures_sheet_with_the_dashboards_figures(
    client_as, southwark, analyst_user, oversight_user
):
    """The "Measures" sheet, read back with openpyxl, carries the borough dashboard's figures
    (``borough_measures``) for Southwark as typed cells: dates, percentages, points."""
    trust = Measure.objects.get(slug="trust-mps")
    set_target(
        borough=southwark,
        user=oversight_user,
        measure=trust,
        target_value=Decimal("75"),
        target_date=LIVE,
    )
    # a measure counted rather than a percentage, whose name a spreadsheet would take for a formula
    counted = Measure.objects.create(slug="counted", name="=SUM(1,1)", unit="count", order=99)
    MeasureReading.objects.create(measure=counted, borough=southwark, period_end=P, value=12)
    response = client_as("analyst").get("/export/actions.xlsx?borough=southwark")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = workbook.sheetnames
    assert names.index("Measures") == names.index("Driver gaps") + 1 and names[-1] == "About"
    ws = workbook["Measures"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:T{ws.max_row}"
    header = [c.value for c in ws[1]]
    rows = {}
    for cells in ws.iter_rows(min_row=2):
        row = dict(zip(header, cells, strict=True))
        rows[row["Measure"].value] = row
    panels = {p.measure.name: p for p in borough_measures(southwark, analyst_user)}
    assert set(rows) == set(panels) and len(rows) == 9  # the 8 survey measures and the counted one
    assert {name for name, p in panels.items() if p.gap} == {"Trust MPS"}  # London's 2012 one expired
    assert {row["Borough"].value for row in rows.values()} == {"Southwark"}

    def pct(cell, value):
        assert cell.number_format == "0.0%" and isinstance(cell.value, float)
        assert cell.value == pytest.approx(float(value) / 100, abs=1e-9)

    def points(cell, value):
        assert cell.number_format == "+0.0;-0.0;0.0" and cell.value == pytest.approx(float(value))

    def day(cell, value):
        assert cell.number_format == "yyyy-mm-dd" and cell.value == dt.datetime.combine(value, dt.time())

    for name, panel in panels.items():
        if panel.measure.unit != "percent":
            continue
        row = rows[name]
        assert panel.latest is not None and panel.previous is not None, name  # real figures
        day(row["Quarter ending"], panel.latest_date)
        pct(row["Borough %"], panel.latest)
        pct(row["London %"], panel.london_latest)
        points(row["vs London (points)"], panel.vs_london)
        day(row["Previous quarter"], panel.points[-2][0])
        pct(row["Previous %"], panel.previous)
        points(row["Change (points)"], panel.trend.change)
        assert row["Trend"].value == panel.trend.word
        if panel.gap is None:  # no target for this measure: the target columns are empty
            assert row["Target %"].value is None and row["Gap to target (points)"].value is None
            assert row["Off target"].value is None
            continue
        pct(row["Target %"], panel.gap.target.target_value)
        day(row["Target date"], panel.gap.target.target_date)
        pct(row["On trajectory %"], panel.gap.expected)
        points(row["Gap to target (points)"], panel.gap.gap_to_target)
        points(row["vs trajectory (points)"], panel.gap.gap_to_trajectory)
        assert row["Off target"].value == ("Yes" if panel.gap.off_target else "No")
    # Southwark's figures, independently of the dashboard code: the shipped readings and targets
    good = rows["Good job local"]
    latest = MeasureReading.objects.filter(measure__slug="good-job-local", borough=southwark).latest(
        "period_end"
    )
    london = MeasureReading.objects.get(
        measure__slug="good-job-local", borough=None, period_end=latest.period_end
    )
    pct(good["Borough %"], latest.value)
    pct(good["London %"], london.value)
    assert good["Target %"].value is None  # London's 59.4 % by 2012 is history, not a target of today
    mine = rows["Trust MPS"]
    assert mine["Target set for"].value == "Southwark"
    pct(mine["Target %"], 75)
    pct(mine["Baseline %"], mine["Borough %"].value * 100)
    # the counted measure: a plain number, its formula-like name written as quoted text
    evil = rows["=SUM(1,1)"]
    assert evil["Measure"].data_type == "s" and evil["Measure"].quotePrefix
    assert evil["Borough %"].value == 12 and evil["Borough %"].number_format != "0.0%"
    assert evil["Trend"].value == "no earlier quarter"


def test_the_measures_rows_take_a_fixed_number_of_queries(southwark, analyst_user):
    boroughs = list(Borough.objects.filter(is_synthetic=False))
    measure_rows(analyst_user, boroughs=[southwark])  # the user's scope is read once, then kept
    with CaptureQueriesContext(connection) as one:
        measure_rows(analyst_user, boroughs=[southwark])
    with CaptureQueriesContext(connection) as all_:
        rows = measure_rows(analyst_user, boroughs=boroughs)
    assert len(one) == len(all_) <= 3 and len(rows) == 8 * len(boroughs) == 8 * 32
    nobody = get_user_model().objects.create_user("no.role.measures", password="x-unused-x")
    assert measure_rows(nobody, boroughs=[southwark]) == []


# The driver-gap rows as the template wrote them before ``{% driver_gap_rows %}``.
DRIVER_GAP_ROWS_TEMPLATE = "{% load outcome_panels trustplan %}" + (
    "{% for g in gaps.rows %}\n"
    '      <tr{% if g.blind %} class="is-blind"{% endif %}>\n'
    '        <th scope="row">{{ g.driver.name }}</th>\n'
    "        <td>{% for m in g.measures %}<div>{{ m.measure.name }}: {% if m.latest i"
    "s not None %}{{ m.latest|fixed }}%{% if m.vs_london is not None %}, <span class="
    '"{% if m.vs_london < 0 %}gap-neg{% elif m.vs_london > 0 %}gap-pos{% endif %}">{%'
    " if m.vs_london > 0 %}+{% endif %}{{ m.vs_london|fixed:1 }}</span> vs London{% e"
    "ndif %}{% if m.gap %}, {% if m.off_target %}<strong>off target</strong>{% else %"
    "}on target{% endif %}{% endif %}{% else %}no reading{% endif %}</div>{% empty %}"
    '<span class="muted">No survey measure</span>{% endfor %}</td>\n'
    "        <td>{% if g.action_total %}{% for status, n in g.status_counts %}<span c"
    'lass="gap-count">{% rag_badge status %} {{ n }}</span> {% endfor %}\n'
    "          {% if g.actions %}<details><summary>{{ g.action_total }} action{{ g.ac"
    'tion_total|pluralize }}</summary><ul class="gap-actions">{% gap_action_items g.a'
    "ctions %}</ul></details>{% endif %}\n"
    '          {% else %}<span class="muted">None</span>{% endif %}</td>\n'
    '        <td>{% if g.blind %}<span class="flag-blind">{{ g.reason }}</span>{% eli'
    'f g.below %}<span class="flag-watch">{{ g.reason }}</span>{% else %}<span class='
    '"flag-ok">{{ g.reason }}</span>{% endif %}</td>\n'
    '        <td class="num">{% if g.importance is not None %}{% widthratio g.importa'
    "nce 1 100 %}%{% else %}—{% endif %}</td>\n"
    '        <td class="num">{% if g.weighted_score is not None and g.has_measure %}{'
    "{ g.weighted_score|fixed:2 }}{% else %}—{% endif %}</td>\n"
    "      </tr>\n"
    "    {% endfor %}"
)


def test_the_driver_gap_rows_are_the_templates_rows(gapland, southwark, oversight_user):
    from django.template import engines

    from plans.templatetags.outcome_panels import driver_gap_rows

    template = engines["django"].from_string(DRIVER_GAP_ROWS_TEMPLATE)
    gaps = driver_gaps(oversight_user, boroughs=[gapland, southwark])
    assert {row.blind for row in gaps[gapland.pk]} == {True, False}
    for rows in gaps.values():
        rows[0].driver.name = "Trust & <confidence>"  # escaped alike
        assert str(driver_gap_rows(rows)) == template.render({"gaps": {"rows": rows}})
