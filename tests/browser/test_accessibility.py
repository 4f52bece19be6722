"""WCAG 2.2 AA in a real browser: axe-core on every page of ours, as each role, and in the states
with messages, errors, conflicts and empty results.

The pages come from the access matrix (tests/access_matrix.py and tests/access_rows/): every URL
that answers a role's GET with 200 and an HTML page is checked as that role, so a new feature's
pages are checked as soon as its rows are in the matrix. The Django admin's own pages are left
to test_admin_accessibility.py (only our customisations there are ours to fix); API answers and
downloads are not pages.
"""

import pytest
from django.urls import reverse

from tests.access_matrix import ROLES, ROWS, World
from tests.conftest import ROLE_USERS

pytestmark = pytest.mark.browser

PAUSED = "Council funding paused; sessions cancelled until April."
LATE = "Funding restored, but the sessions start a month late."
NOT_PAGES = ("admin:", "api:", "api-schema", "healthz")
DOWNLOADS = (".xlsx", ".csv", ".docx", ".pdf", ".json", ".txt")
# Parts of a page that are not ours: the vendored Swagger UI of the API docs (its operation
# headers nest buttons in buttons); the page around it is checked.
NOT_OURS = {"api-docs": ["#swagger-ui"]}


def pages_for(role, world):
    """{url: row} of every row whose GET answers `role` with exactly 200 and a page (not the admin,
    the API or a download)."""
    pages = {}
    for row in ROWS:
        if row.name.startswith(NOT_PAGES) or row.json or row.expected("GET", role) != 200:
            continue
        path = reverse(row.name, args=row.args(world) if row.args else [])
        if path.endswith(DOWNLOADS) or path.rstrip("/").endswith("/download") or "format=" in row.query:
            continue
        pages[path + row.query] = row
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_as_each_role(page, login, live_server, assert_accessible, role):
    page.set_default_timeout(60_000)  # the live server's first dashboard loads pandas
    if role != "anonymous":
        login(page, ROLE_USERS[role])
    pages = pages_for(role, World())
    assert pages, f"no page of ours answers {role}"
    for url, row in sorted(pages.items()):
        response = page.goto(f"{live_server.url}{url}")
        kind = response.headers["content-type"]
        assert kind.startswith("text/html"), f"{url} is {kind}, not a page: add its ending to DOWNLOADS"
        page.wait_for_load_state("networkidle")
        assert_accessible(page, f"as {role}", exclude=NOT_OURS.get(row.name, ()))


def amber_southwark_action():
    from plans.choices import RAG
    from plans.models import Action

    return (
        Action.objects.filter(objective__plan__borough__slug="southwark", rag=RAG.AMBER)
        .order_by("pk")
        .first()
    )


def test_messages_errors_and_conflicts_pass_axe(page, login, live_server, assert_accessible):
    from django.contrib.auth import get_user_model

    from plans.services import apply_status_update

    page.set_default_timeout(60_000)
    action = amber_southwark_action()
    row = page.locator(f"#action-{action.pk}")
    login(page, "southwark.editor")
    # an error beside a review row (a status change without a commentary), JavaScript's hint shown
    page.goto(f"{live_server.url}/boroughs/southwark/review/")
    row.get_by_label("RAG rating —").select_option("green")
    assert_accessible(page, "review: a row changed, its hint shown")
    page.get_by_role("button", name="Save all changes").click()
    assert page.get_by_role("heading", name="Nothing was saved").is_visible()
    assert_accessible(page, "review: a row needs correcting")
    # a conflict: someone else changed the action meanwhile
    row.get_by_label("New commentary —").fill("Ward panels now meet monthly as planned.")
    other = get_user_model().objects.get(username="admin")
    apply_status_update(action=action, user=other, seen_version=action.version, rag="red", commentary=PAUSED)
    page.get_by_role("button", name="Save all changes").click()
    assert row.locator(".status-conflict").is_visible()
    assert_accessible(page, "review: a conflict")
    # the message after saving
    page.get_by_role("button", name="Re-apply my changes").click()
    assert page.get_by_text("Saved 1 change.").is_visible()
    assert_accessible(page, "review: saved, with a message")
    # the action page: a conflict, then a message
    page.goto(f"{live_server.url}/actions/{action.pk}/")
    action.refresh_from_db()
    apply_status_update(action=action, user=other, seen_version=action.version, rag="amber", commentary=LATE)
    page.get_by_label("RAG rating").select_option("red")
    page.get_by_label("Commentary").fill("Venue lost: sessions suspended for a month.")
    page.get_by_role("button", name="Save update").click()
    assert page.get_by_text("Changed by someone else since you opened this page").is_visible()
    assert_accessible(page, "action page: a conflict")


def test_empty_results_and_refused_forms_pass_axe(page, login, live_server, assert_accessible):
    page.set_default_timeout(60_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("mopac.oversight")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    assert_accessible(page, "login refused")
    login(page, "mopac.oversight")
    for url, state in [
        ("/actions/?borough=lambeth&rag=complete&stale=true", "no actions match"),
        ("/actions/?rag=purple", "a bad filter"),
        ("/oversight/?bcu=no-such-bcu", "a bad filter"),
        ("/boroughs/barnet/", "a borough without a plan"),
        ("/challenges/?status=closed", "no challenges"),
        ("/no-such-page/", "not found"),
    ]:
        page.goto(f"{live_server.url}{url}")
        assert_accessible(page, state)
    page.goto(f"{live_server.url}/boroughs/southwark/challenges/new/")
    page.get_by_role("button", name="Raise the challenge").click()
    assert page.locator(".errorlist, .error-summary").first.is_visible()
    assert_accessible(page, "challenge form refused")
    login(page, "southwark.editor")
    page.goto(f"{live_server.url}/oversight/")
    assert_accessible(page, "forbidden")
    page.goto(f"{live_server.url}/boroughs/southwark/review/?stale=1")
    assert_accessible(page, "review: no stale actions")
