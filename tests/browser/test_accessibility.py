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
        if path.endswith(DOWNLOADS) or "format=" in row.query:
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
