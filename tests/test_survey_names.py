"""Borough names as official sources write them (all 32 boroughs), and quarter labels as
government publications write them, read by the survey-measures import."""

import csv
from pathlib import Path

import pytest

from plans.measures_import import BoroughNames, parse_period
from plans.measures_import.boroughs import ALIASES
from plans.models import Borough
from plans.quarters import Quarter, QuarterLabelError, parse_quarter_label

REFERENCE = Path(__file__).resolve().parent.parent / "fixtures" / "london_boroughs.csv"
ROYAL = {"Greenwich", "Kensington and Chelsea", "Kingston upon Thames"}


def met_boroughs():
    with open(REFERENCE, encoding="utf-8", newline="") as handle:
        return [
            (r["ons_code"], r["borough"])
            for r in csv.DictReader(handle)
            if r["in_met_police_district"] == "True"
        ]


def official_forms(name):
    """The ways ONS, the councils and government publications write a borough's name."""
    style = "Royal Borough of" if name in ROYAL else "London Borough of"
    forms = [
        name,
        name.upper(),
        name.replace(" and ", " & "),
        name.replace(" upon ", "-upon-"),
        f"{style} {name}",
        f"The {style} {name}",
        f"{style} {name.replace(' and ', ' & ')}",
        f"{name} Council",
        f"LB {name}",
        f"{name}\u00a0",  # a no-break space, as copied from a web page
        f"\u200b{name}",  # a zero-width space
    ]
    if name == "Westminster":
        forms += ["City of Westminster", "Westminster City Council"]
    return forms


@pytest.fixture
def names(world):
    return BoroughNames(Borough.objects.filter(is_synthetic=False))


@pytest.mark.django_db
def test_all_32_boroughs_are_recognised_in_every_official_form(names):
    boroughs = met_boroughs()
    assert len(boroughs) == 32
    for code, name in boroughs:
        for form in [code, code.lower(), *official_forms(name)]:
            borough, problem = names.resolve(form)
            assert problem is None and borough is not None, form
            assert borough.ons_code == code, form


@pytest.mark.django_db
def test_every_short_form_names_a_real_borough(names):
    codes = dict(met_boroughs())
    for alias, code in ALIASES.items():
        assert code in codes, alias
        borough, problem = names.resolve(alias.upper())
        assert problem is None and borough.ons_code == code, alias
    shorts = [("H&F", "E09000013"), ("RBKC", "E09000020"), ("K&C", "E09000020"), ("Kingston", "E09000021"),
              ("Richmond", "E09000027"), ("B&D", "E09000002")]  # fmt: skip
    for form, code in shorts:
        assert names.resolve(form)[0].ons_code == code, form


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["London", "MPS", "Metropolitan Police Service", "London (MPS)", "LONDON"])
def test_london_words_mean_the_london_figure(names, form):
    assert names.resolve(form) == (None, None)


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["City of London", "E09000001", "The City of London"])
def test_the_city_of_london_is_refused_saying_why(names, form):
    borough, problem = names.resolve(form)
    assert borough is None and "City of London Police" in problem


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["Gotham", "Barnet and Bexley", "South London", "Lambeth North"])
def test_other_names_are_unknown(names, form):
    borough, problem = names.resolve(form)
    assert borough is None and "Unknown borough" in problem


Q4_2022_23 = Quarter(2022, 4)


@pytest.mark.parametrize(
    "label",
    ["Q4 2022-23", "Q4 2022/23", "2022-23 Q4", "2022/23 Q4", "Q4 22/23", "Q4 22-23", "Q4 2022\u201323",
     "Q4 2022\u201423", "Q4 2022 \u2013 23", "FY2022-23 Q4", "FY22/23 Q4", "Q4 FY22-23", "Q4 FY 2022/23",
     "q4 2022-23", "Quarter 4 2022-23", "Q4 2022 to 2023", "Q4 2022-2023", "2022/2023 Q4", "Q4\u00a02022-23",
     "Jan-Mar 2023", "January to March 2023", "Jan 23 - Mar 23", "Jan-23 to Mar-23", "Jan\u2013Mar 2023",
     "Q1 2023", "2023 Q1"],
)  # fmt: skip
def test_quarter_labels_of_government_publications(label):
    quarter, _ = parse_quarter_label(label)
    assert quarter == Q4_2022_23 and quarter.end.isoformat() == "2023-03-31"


@pytest.mark.parametrize(
    ("label", "quarter"),
    [("Q1 2023-24", Quarter(2023, 1)), ("2023/24 Q3", Quarter(2023, 3)), ("Q2 24/25", Quarter(2024, 2)),
     ("Oct-Dec 2022", Quarter(2022, 3)), ("Apr-Jun 2023", Quarter(2023, 1)),
     ("Q3 23\u201324", Quarter(2023, 3))],
)  # fmt: skip
def test_quarter_labels_of_other_quarters(label, quarter):
    assert parse_quarter_label(label)[0] == quarter


@pytest.mark.parametrize(
    ("label", "message"),
    [("Q4 2022-25", "2022-25 is not one"), ("Q3 2023-22", "2023-22 is not one"), ("Q4 2022/2024", "not one"),
     ("Q5 2022-23", "no quarter 5"), ("Q0 2022-23", "no quarter 0"), ("Feb-Apr 2023", "not the three months"),
     ("Jan-Jun 2023", "not the three months")],
)  # fmt: skip
def test_impossible_quarter_labels_are_refused(label, message):
    with pytest.raises(QuarterLabelError, match=message):
        parse_quarter_label(label)


@pytest.mark.parametrize(
    ("text", "day"),
    [("31-Mar-2023", "2023-03-31"), ("Mar-23", "2023-03-31"), ("March 2023", "2023-03-31"),
     ("31/03/2023", "2023-03-31"), ("2023-03-31", "2023-03-31"), ("Dec 2022", "2022-12-31"),
     ("31.12.2022", "2022-12-31")],
)  # fmt: skip
def test_dates_and_quarter_end_months(text, day):
    assert parse_period(text).isoformat() == day


def test_text_that_is_no_period_is_none():
    assert parse_period("spring") is None and parse_quarter_label("2023-03-31") is None
