"""PDF board packs: made on the server, read back with pypdf."""

import io
import re

import pytest
from pypdf import PdfReader

from plans.models import Action, Challenge, ChallengeReply
from plans.quarters import Quarter
from tests.publishing_helpers import southwark_plan, user


def pages_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    reader = PdfReader(io.BytesIO(response.content))
    return reader, [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture
def challenge(world):
    plan = southwark_plan()
    found = Challenge.objects.create(
        plan=plan,
        question="Why are four actions Red, and what is the recovery plan?",
        raised_by=user("mopac.oversight"),
    )
    ChallengeReply.objects.create(
        challenge=found, author=user("southwark.editor"), text="Recovery plans agreed at SLT."
    )
    return found


def test_the_borough_pack_has_cover_contents_sections_and_page_numbers(challenge, client_as, settings):
    settings.PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"
    reader, pages = pages_of(client_as("oversight").get("/boroughs/southwark/board-pack.pdf"))
    total = len(pages)
    assert total >= 5
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number}: marking at top and bottom"
        assert f"Page {number} of {total}" in text
    assert "Southwark board pack" in pages[0] and "Changes compared with" in pages[0]
    contents = pages[1]
    last_quarter = Quarter.containing(challenge.raised_at.date()).previous().label
    for heading in [
        "Summary",
        "The plan by pillar",
        f"Changes since {last_quarter}",
        "Challenges and answers",
        "Outcome measures",
    ]:
        found = re.search(re.escape(heading) + r" ?\.+ ?(\d+)", contents)
        assert found, f"{heading} in the contents"
        assert (
            pages[int(found[1]) - 1].startswith(f"OFFICIAL-SENSITIVE {heading}")
            or heading in pages[int(found[1]) - 1]
        )
    text = " ".join(pages)
    assert "Why are four actions Red" in text and "Recovery plans agreed at SLT." in text
    assert "More Trust" in text and "Less Crime" in text and "Higher Standards" in text
    assert "Good job local" in text or "MOPAC Public Attitude Survey" in text


def test_every_action_row_of_the_plan_is_whole_on_one_page(world, client_as):
    _, pages = pages_of(client_as("southwark_editor").get("/boroughs/southwark/board-pack.pdf"))
    squeezed = ["".join(page.split()) for page in pages]
    long_texts = [
        a.text for a in Action.objects.filter(objective__plan=southwark_plan()) if len(a.text) > 150
    ]
    assert len(long_texts) >= 5
    for text in long_texts:
        words = "".join(text.split())
        head, tail = words[:30], words[-25:]
        assert any(head in page and tail in page for page in squeezed), f"row split across pages: {text[:60]}"


def test_charts_are_vector_drawings_not_pictures(world, client_as):
    reader, _ = pages_of(client_as("analyst").get("/boroughs/southwark/board-pack.pdf"))
    assert all(not page.images for page in reader.pages)
    summary = reader.pages[2].get_contents().get_data()
    assert b" re" in summary or b" l" in summary  # rectangles and lines drawn on the summary page


def test_the_oversight_pack_lists_every_borough_with_a_plan(world, client_as):
    _, pages = pages_of(client_as("oversight").get("/oversight/board-pack.pdf"))
    text = " ".join(pages)
    assert "London oversight board pack" in pages[0]
    assert "Southwark" in text and "Lambeth" in text
    assert "Pillars across London" in text and "Confidence and trust by borough" in text
    assert all("OFFICIAL" in page for page in pages)


def test_a_pack_takes_a_fixed_number_of_queries(world, client_as, django_assert_max_num_queries):
    client = client_as("oversight")
    client.get("/boroughs/southwark/")  # the session and role lookups of a first request
    with django_assert_max_num_queries(40):
        assert client.get("/boroughs/southwark/board-pack.pdf").status_code == 200
    with django_assert_max_num_queries(40):
        assert client.get("/oversight/board-pack.pdf").status_code == 200


def test_nothing_is_fetched_while_rendering(world, monkeypatch):
    """Even a pack whose HTML named an outside picture would not fetch it: only data: URLs."""
    import socket

    from plans.publishing import packs

    attempts = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: attempts.append(a) or None)
    real = packs.render_to_string
    monkeypatch.setattr(
        packs,
        "render_to_string",
        lambda *a, **k: real(*a, **k).replace("</body>", '<img src="http://198.51.100.1/t.png"></body>'),
    )
    plan = southwark_plan()
    context = packs.borough_pack_context(borough=plan.borough, plan=plan, user=user("analyst"))
    assert packs.render_pdf("publishing/pack_borough.html", context).startswith(b"%PDF")
    assert attempts == []
