"""Publishing a signed-off quarterly return: the commander's preview and publish, unpublish,
the editors' public notes, and what the public pages and open data answer."""

import csv
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.choices import ReturnStatus
from plans.models import Owner, PublicNote
from plans.models.publishing import Publication
from plans.publishing.public import public_owner, quarter_slug
from plans.publishing.services import publish_return, save_public_notes, unpublish_return
from plans.quarters import Quarter
from plans.services.returns import send_back_return
from tests.publishing_helpers import published, quarters_back, signed_off, southwark_plan, user


def slug_of(ret):
    return quarter_slug(Quarter(ret.fy_start_year, ret.quarter))


@pytest.fixture
def ret(world):
    return signed_off(southwark_plan(), quarters_back(1))


def test_the_commander_publishes_after_confirming_the_preview(ret, client):
    with pytest.raises(ValidationError, match="Tick the box"):
        publish_return(ret=ret, user=user("southwark.commander"), seen_version=ret.version, confirmed=False)
    assert client.get("/public/southwark/").status_code == 404
    pub = publish_return(ret=ret, user=user("southwark.commander"), seen_version=ret.version, confirmed=True)
    assert pub.lines.count() == ret.lines.count() == 61
    page = client.get("/public/southwark/")
    assert page.status_code == 200
    assert ret.label in page.content.decode()


@pytest.mark.parametrize("username", ["southwark.editor", "lambeth.editor", "mopac.oversight", "analyst"])
def test_only_the_commander_or_an_administrator_publishes(ret, username):
    with pytest.raises(PermissionDenied):
        publish_return(ret=ret, user=user(username), seen_version=ret.version, confirmed=True)
    assert not Publication.objects.exists()
    publish_return(ret=ret, user=user("admin"), seen_version=ret.version, confirmed=True)
    assert Publication.objects.live().count() == 1


def test_a_return_not_signed_off_or_changed_since_the_preview_is_not_published(ret):
    commander = user("southwark.commander")
    with pytest.raises(ValidationError, match="changed since you previewed"):
        publish_return(ret=ret, user=commander, seen_version=ret.version - 1, confirmed=True)
    send_back_return(
        ret=ret,
        user=user("mopac.oversight"),
        reason="Add the Red actions' mitigations.",
        seen_version=ret.version,
    )
    with pytest.raises(ValidationError, match="Only a signed-off return"):
        publish_return(ret=ret, user=commander, seen_version=ret.version, confirmed=True)
    assert not Publication.objects.exists()


def test_publishing_twice_is_refused_and_unpublishing_removes_every_public_url(ret, client):
    commander = user("southwark.commander")
    publish_return(ret=ret, user=commander, seen_version=ret.version, confirmed=True)
    with pytest.raises(ValidationError, match="already published"):
        publish_return(ret=ret, user=commander, seen_version=ret.version, confirmed=True)
    urls = [
        "/public/southwark/",
        f"/public/southwark/{slug_of(ret)}.csv",
        f"/public/southwark/{slug_of(ret)}.json",
    ]
    assert [client.get(u).status_code for u in urls] == [200, 200, 200]
    assert b"Southwark" in client.get("/public/").content
    withdrawn = unpublish_return(ret=ret, user=commander)
    assert withdrawn.withdrawn_by == commander and withdrawn.withdrawn_at is not None
    assert [client.get(u).status_code for u in urls] == [404, 404, 404]
    assert b"Southwark" not in client.get("/public/").content
    with pytest.raises(ValidationError, match="not published"):
        unpublish_return(ret=ret, user=commander)


def test_a_published_return_sent_back_leaves_the_public_page(ret, client):
    publish_return(ret=ret, user=user("southwark.commander"), seen_version=ret.version, confirmed=True)
    send_back_return(
        ret=ret,
        user=user("mopac.oversight"),
        reason="The figures need checking again.",
        seen_version=ret.version,
    )
    assert client.get("/public/southwark/").status_code == 404
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SENT_BACK


def test_public_notes_are_written_by_editors_and_frozen_while_published(ret):
    action_id = ret.lines.order_by("pk").first().action_id
    with pytest.raises(PermissionDenied):
        save_public_notes(ret=ret, user=user("lambeth.editor"), notes={action_id: "Done."})
    with pytest.raises(ValidationError) as too_long:
        save_public_notes(ret=ret, user=user("southwark.editor"), notes={action_id: "x" * 1001})
    assert f"action {action_id}" in str(too_long.value)
    with pytest.raises(ValidationError, match="not in the"):
        save_public_notes(ret=ret, user=user("southwark.editor"), notes={999999: "Elsewhere."})
    assert not PublicNote.objects.exists()
    assert (
        save_public_notes(ret=ret, user=user("southwark.editor"), notes={action_id: " Six sessions held. "})
        == 1
    )
    assert PublicNote.objects.get().text == "Six sessions held."
    publish_return(ret=ret, user=user("southwark.commander"), seen_version=ret.version, confirmed=True)
    with pytest.raises(ValidationError, match="unpublish it"):
        save_public_notes(ret=ret, user=user("southwark.editor"), notes={action_id: "Changed."})


def test_the_notes_page_saves_and_the_preview_shows_the_note(ret, client_as):
    action_id = ret.lines.order_by("pk").first().action_id
    editor = client_as("southwark_editor")
    response = editor.post(f"/returns/{ret.pk}/public-notes/", {f"note-{action_id}": "Six sessions held."})
    assert response.status_code == 302
    preview = client_as("southwark_commander").get(f"/returns/{ret.pk}/publish/")
    assert preview.status_code == 200
    assert "Six sessions held." in preview.content.decode()
    assert "Preview: exactly what the public will see" in preview.content.decode()


def test_the_commander_publishes_and_unpublishes_through_the_pages(ret, client_as, client):
    commander = client_as("southwark_commander")
    refused = commander.post(f"/returns/{ret.pk}/publish/", {"version": ret.version})
    assert refused.status_code == 400 and "Tick the box" in refused.content.decode()
    assert (
        commander.post(f"/returns/{ret.pk}/publish/", {"version": ret.version, "confirm": "on"}).status_code
        == 302
    )
    assert client.get("/public/southwark/").status_code == 200
    assert commander.post(f"/returns/{ret.pk}/unpublish/").status_code == 302
    assert client.get("/public/southwark/").status_code == 404


def test_owners_are_shown_as_teams_and_ranks_never_names(settings):
    person = Owner(label="Supt Brockway", rank="Supt", name="Brockway")
    in_team = Owner(label="PS Nigel Pearce TCET", rank="PS", name="Nigel Pearce", team="TCET")
    team = Owner(label="Strand leads", team="Strand leads")
    named_only = Owner(label="Aaron Barnes", name="Aaron Barnes")
    assert [public_owner(o) for o in (person, in_team, team, named_only)] == [
        "Superintendent",
        "TCET",
        "Strand leads",
        "",
    ]
    assert [public_owner(o, "team") for o in (person, in_team, team)] == ["", "TCET", "Strand leads"]
    assert [public_owner(o, "none") for o in (person, in_team, team)] == ["", "", ""]
    settings.PUBLIC_OWNER_DETAIL = "names"
    with pytest.raises(ValueError, match="PUBLIC_OWNER_DETAIL"):
        public_owner(person)


def test_public_responses_set_no_cookie_and_are_cacheable(world, client, client_as):
    ret = published(southwark_plan(), quarters_back(1))
    for who in (client, client_as("southwark_editor")):
        for url in ["/public/", "/public/southwark/", f"/public/southwark/{slug_of(ret)}.json"]:
            response = who.get(url)
            assert response.status_code == 200
            assert not response.cookies, url
            assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
            assert "Cookie" not in response.get("Vary", "")


def test_public_pages_are_rate_limited(world, client, settings):
    settings.PUBLIC_RATE_LIMIT = "3/minute"
    assert [client.get("/public/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert "no-store" in client.get("/public/")["Cache-Control"]


def test_public_pages_take_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    """The pages' own queries (the index 1, a borough 7) and the rate limit's (a read and one
    upsert with the database cache), whatever the number of published quarters."""
    plan = southwark_plan()
    counts = []
    for n in (1, 2, 3):
        published(plan, quarters_back(n))
        with django_assert_max_num_queries(7):
            assert client.get("/public/").status_code == 200
        with CaptureQueriesContext(connection) as borough_page:
            assert client.get("/public/southwark/").status_code == 200
        counts.append(len(borough_page.captured_queries))
    assert counts == [9, 9, 9]


def test_open_data_carries_the_licence_and_writes_formulas_as_text(ret, client, settings):
    action_id = ret.lines.order_by("pk").first().action_id
    save_public_notes(ret=ret, user=user("southwark.editor"), notes={action_id: '=HYPERLINK("http://x")'})
    publish_return(ret=ret, user=user("southwark.commander"), seen_version=ret.version, confirmed=True)
    response = client.get(f"/public/southwark/{slug_of(ret)}.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'rel="license"' in response["Link"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 61
    assert rows[0]["progress_note"] == '\'=HYPERLINK("http://x")'
    assert {r["licence"] for r in rows} == {"Open Government Licence v3.0"}
    assert {r["status"] for r in rows} <= {"Red", "Amber", "Green", "Not rated", "Complete"}
    data = json.loads(client.get(f"/public/southwark/{slug_of(ret)}.json").content)
    assert data["licence"]["name"] == "Open Government Licence v3.0"
    assert data["quarter"]["label"] == ret.label
    assert len(data["actions"]) == 61 and data["actions"][0]["progress_note"] == '=HYPERLINK("http://x")'
    assert sum(data["counts"].values()) == 61
    settings.PUBLIC_LICENCE = "Open Government Licence v4.0"
    assert json.loads(client.get(f"/public/southwark/{slug_of(ret)}.json").content)["licence"][
        "name"
    ].endswith("v4.0")


def test_earlier_published_quarters_are_shown_below_the_latest(world, client):
    plan = southwark_plan()
    latest, earlier = published(plan, quarters_back(1)), published(plan, quarters_back(2))
    signed_off(plan, quarters_back(3))  # signed off, never published
    page = client.get("/public/southwark/").content.decode()
    assert page.index(latest.label) < page.index("Earlier quarters") < page.index(earlier.label)
    assert Quarter(*(lambda q: (q.fy_start_year, q.quarter))(quarters_back(3))).label not in page
