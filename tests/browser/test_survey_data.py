"""Survey data in a real browser: a measures file of proportions over a published quarter (how it
was read, the large move to accept), and a respondent file kept for the key-driver analysis."""

from pathlib import Path

import pytest

from drivers.analysis import shipped_analysis
from drivers.respondents import make_respondents

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def synthetic_fallback_ready():
    """The analyst lands on the oversight page, whose fallback driver weights come from the shipped
    synthetic analysis: compute it once (the live server shares this process) before logging in."""
    shipped_analysis()


CASES = Path(__file__).resolve().parent.parent / "cases"


def test_proportions_over_a_published_quarter_need_the_large_move_accepted(
    page, login, live_server, artifacts
):
    login(page, "analyst")
    page.goto(f"{live_server.url}/measures/import/")
    page.get_by_label("Survey measures file").set_input_files(
        str(CASES / "02-long-table-proportions/pas_long_proportions_existing_quarter.csv")
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#read-notes").get_by_text("converted to percentages").is_visible()
    moves = page.locator("#large-moves")
    assert moves.get_by_text("50.00% → 62.00%").is_visible()
    page.screenshot(path=str(artifacts / "survey-measures-preview.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 700})
    page.screenshot(path=str(artifacts / "survey-measures-preview-320.png"), full_page=True)
    button = page.get_by_role("button", name="1 of them moving by more than 10 points")
    button.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Tick the box to confirm the large moves").is_visible()
    page.get_by_label("I have checked the figures above").check()
    page.get_by_role("button", name="1 of them moving by more than 10 points").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("pas_long_proportions_existing_quarter.csv imported").is_visible()


def test_a_respondent_file_is_kept_and_gives_the_weights(page, login, live_server, artifacts, tmp_path):
    path = tmp_path / "pas-respondents.csv"
    make_respondents(n=800, seed=6, boroughs=["Camden", "Southwark"]).frame.drop(
        columns=["data_label"]
    ).to_csv(path, index=False)
    login(page, "analyst")
    page.goto(f"{live_server.url}/drivers/key-drivers/")
    page.get_by_label("Respondent-level survey file").set_input_files(str(path))
    page.get_by_role("button", name="Analyse").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("the dashboards' driver weights now come from it").is_visible()
    source = page.locator("#analysis-source")
    assert source.get_by_text("respondent file pas-respondents.csv").is_visible()
    assert page.get_by_text("made-up respondents").count() == 0
    page.screenshot(path=str(artifacts / "key-drivers-kept.png"), full_page=True)
    login(page, "mopac.oversight")
    page.goto(f"{live_server.url}/drivers/key-drivers/")
    page.locator("#analysis-source").get_by_role("link", name="Kept respondent files").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("cell", name="In use by the dashboards").is_visible()
    page.screenshot(path=str(artifacts / "respondent-files.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 700})
    page.screenshot(path=str(artifacts / "respondent-files-320.png"), full_page=True)
    page.goto(f"{live_server.url}/boroughs/southwark/#driver-gaps")
    assert page.locator("#driver-gaps").get_by_text("respondent file pas-respondents.csv").is_visible()
