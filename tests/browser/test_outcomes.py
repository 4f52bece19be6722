"""Confidence outcomes in a real browser: the borough dashboard's measures and driver gaps, the
oversight table sorted by a measure, setting a target, and the key-driver page."""

import datetime as dt

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LIVE_YEAR = dt.date.today().year + 2  # a target date still to come


def test_borough_measures_panel_and_driver_gaps(page, login, live_server, artifacts):
    login(page, "mopac.oversight")
    page.goto(f"{live_server.url}/boroughs/southwark/#outcomes")
    panel = page.locator("#outcomes")
    assert panel.get_by_role("heading", name="Confidence outcomes: what the public says").is_visible()
    assert panel.locator("li.measure-card").count() == 8
    assert panel.locator("svg.trend-chart polyline.line-borough").count() == 8
    # London's 59.4 % by March 2012 has expired: history, no target line (issue 18, item 7)
    assert panel.locator("li.measure-card.is-outcome svg polyline.line-target").count() == 0
    assert panel.get_by_text("The last, 59.4% by Mar 2012 (London), has expired").first.is_visible()
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(artifacts / "outcomes-borough-measures.png"))
    gaps = page.locator("#driver-gaps")
    assert gaps.get_by_role("row").count() == 9  # header + eight MPS drivers
    gaps.scroll_into_view_if_needed()
    gaps.screenshot(path=str(artifacts / "outcomes-borough-driver-gaps.png"))
    # The table behind a chart opens from the keyboard.
    summary = panel.locator("summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert panel.locator("details").first.get_by_role("table").is_visible()


def test_oversight_sorts_by_confidence_and_sets_a_target(page, login, live_server, artifacts):
    login(page, "mopac.oversight")
    page.goto(f"{live_server.url}/oversight/")
    page.locator("#outcomes").get_by_role("link", name="Good job local: latest", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "outcomes_sort=good-job-local" in page.url
    values = page.locator("#outcomes tbody tr td:nth-child(2)").all_inner_texts()
    numbers = [int(v.split("%")[0]) for v in values if "%" in v]
    assert numbers == sorted(numbers) and len(numbers) == 32
    page.locator("#outcomes").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "outcomes-oversight.png"))
    page.goto(f"{live_server.url}/boroughs/southwark/targets/")
    page.get_by_label("Measure").select_option(label="Good job local")
    page.get_by_label("Target (%)").fill("58")
    page.get_by_label("Target date").fill(f"{LIVE_YEAR}-03-31")
    page.get_by_role("button", name="Save target").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Target saved: Good job local").is_visible()
    page.goto(f"{live_server.url}/boroughs/southwark/#outcomes")
    assert page.locator("#outcomes").get_by_text(f"Target 58.0% by Mar {LIVE_YEAR}").is_visible()
    assert page.locator("#outcomes svg polyline.line-target").count() >= 1


def test_key_drivers_page(page, login, live_server, artifacts):
    login(page, "analyst")
    page.goto(f"{live_server.url}/drivers/key-drivers/")
    assert page.get_by_role("heading", name="Key drivers of confidence").is_visible()
    assert page.get_by_text("made-up respondents").first.is_visible()
    assert page.locator("svg.kd-chart rect.bar").count() == 7
    page.screenshot(path=str(artifacts / "outcomes-key-drivers.png"), full_page=True)
    page.get_by_label("Show the chart for").select_option("Southwark")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("svg.kd-chart").count() == 2
    assert page.get_by_role("heading", name="Southwark:").is_visible()
