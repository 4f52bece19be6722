"""The dashboards in a real browser: screenshots for the README and the A4 board pack."""

import datetime as dt

import pytest
from django.utils import timezone

from plans.models import Challenge, ChallengeReply, Plan
from plans.synthetic import make_synthetic

pytestmark = pytest.mark.browser


@pytest.fixture
def london_beside_southwark(transactional_world):
    """A synthetic London beside the real Southwark plan (every other plan labelled synthetic)."""
    from django.contrib.auth import get_user_model

    make_synthetic(boroughs=31, months=6, seed=1, actions_per_plan=20)
    users = get_user_model().objects
    challenge = Challenge.objects.create(
        plan=Plan.objects.get(slug="southwark-trust-and-confidence-plan"),
        question="Four actions are Red. What is the recovery plan, and when will they be back on track?",
        raised_by=users.get(username="mopac.oversight"),
        due_date=timezone.localdate() + dt.timedelta(days=14),
    )
    ChallengeReply.objects.create(
        challenge=challenge,
        author=users.get(username="southwark.editor"),
        text="Recovery plans were agreed at the SLT meeting; two actions return to Amber next month.",
    )


def test_oversight_dashboard(page, login, live_server, artifacts, london_beside_southwark):
    login(page, "mopac.oversight")
    page.goto(f"{live_server.url}/oversight/")
    assert page.get_by_role("heading", name="London oversight").is_visible()
    assert page.get_by_role("heading", name="Confidence drivers by borough").is_visible()
    page.screenshot(path=str(artifacts / "oversight-dashboard.png"), full_page=True)
    page.screenshot(path=str(artifacts / "oversight-dashboard-top.png"))  # the first screen

    # sorting works with the script (in place) and leaves a bookmarkable address
    page.locator("table.borough-table thead").get_by_role("link", name="Overdue").click()
    assert "sort=-overdue" in page.url
    first_overdue = page.locator("table.borough-table tbody tr td:nth-child(10)").first.inner_text()
    values = [int(v) for v in page.locator("table.borough-table tbody tr td:nth-child(10)").all_inner_texts()]
    assert int(first_overdue) == max(values)

    # a figure drills down to the actions behind it
    page.goto(f"{live_server.url}/oversight/")
    southwark = page.locator("table.borough-table tbody tr", has_text="Southwark")
    southwark.locator("td.cell-status").first.get_by_role("link").click()
    assert page.get_by_role("heading", name="4 actions").is_visible()
    assert "borough=southwark" in page.url and "rag=red" in page.url


def test_southwark_dashboard_and_its_print_view(page, login, live_server, artifacts, london_beside_southwark):
    login(page, "southwark.editor")
    page.goto(f"{live_server.url}/boroughs/southwark/")
    assert page.get_by_role("heading", name="61 actions").is_visible()
    assert page.get_by_text("Four actions are Red.").is_visible()
    page.screenshot(path=str(artifacts / "southwark-dashboard.png"), full_page=True)
    page.screenshot(path=str(artifacts / "southwark-dashboard-top.png"))  # the first screen

    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert not page.locator("form.filters").is_visible()
    assert page.locator("svg.chart").first.is_visible()
    page.screenshot(path=str(artifacts / "southwark-dashboard-print.png"), full_page=True)
    page.pdf(path=str(artifacts / "southwark-board-pack.pdf"), format="A4", print_background=True)
    assert (artifacts / "southwark-board-pack.pdf").stat().st_size > 10_000


def test_oversight_fits_a_laptop_screen(page, login, live_server, london_beside_southwark):
    """1366 pixels wide, the common police laptop: the borough table and heatmap scroll inside
    their own boxes if at all; the page itself never scrolls sideways."""
    login(page, "mopac.oversight")
    page.goto(f"{live_server.url}/oversight/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366 + 1, f"the oversight page scrolls sideways at 1366px ({width}px)"


def test_dashboard_fits_a_tablet(page, login, live_server, artifacts, london_beside_southwark):
    page.set_viewport_size({"width": 820, "height": 1180})
    login(page, "mopac.oversight")
    page.goto(f"{live_server.url}/boroughs/southwark/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 820 + 1, f"page scrolls sideways on a tablet ({width}px)"
    page.screenshot(path=str(artifacts / "southwark-dashboard-tablet.png"), full_page=False)
