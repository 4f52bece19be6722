"""Every ``aria-describedby`` and ``aria-labelledby`` of every page names an element the page
holds: on each page a role may open (GET), and on each form sent back empty (a POST the role
may make, re-shown with its errors). Django names a field's help ``<id>_helptext`` and its errors
``<id>_error``; a template that writes them under other ids leaves screen readers nothing."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.access_matrix import ROWS, World
from tests.conftest import ROLE_USERS

pytestmark = pytest.mark.django_db

ROLES = ["southwark_editor", "southwark_commander", "oversight", "analyst", "force_editor", "administrator"]
PAGES = [row for row in ROWS if not row.name.startswith(("admin:", "api:"))]
IDS = re.compile(r'\sid="([^"]+)"')
NAMED = re.compile(r'aria-(?:describedby|labelledby)="([^"]*)"')


def dangling(html):
    """The ids that ``aria-describedby`` or ``aria-labelledby`` name and the page lacks."""
    ids = set(IDS.findall(html))
    return sorted({name for names in NAMED.findall(html) for name in names.split()} - ids)


def test_the_check_finds_a_help_text_or_an_error_the_page_lacks():
    assert dangling('<input aria-describedby="id_a_helptext id_a_error"><p id="id_a_error">') == [
        "id_a_helptext"
    ]
    assert dangling('<input aria-describedby="x"><p id="x">') == []


def _html(response):
    kind = response.headers.get("Content-Type", "")
    return response.content.decode() if response.status_code in (200, 400) and "text/html" in kind else None


@pytest.mark.parametrize("row", PAGES, ids=[f"{r.name}{r.query}-{r.label}" for r in PAGES])
def test_every_described_and_labelled_element_is_on_the_page(world, django_user_model, row):
    objects = World()
    url = reverse(row.name, args=row.args(objects) if row.args else []) + row.query
    for role in ROLES:
        client = Client()
        client.force_login(django_user_model.objects.get(username=ROLE_USERS[role]))
        pages = []
        if row.expected("GET", role) == 200:
            pages.append(("GET", client.get(url)))
        if row.expected("POST", role) in (200, 400) and not row.json:
            pages.append(("POST", client.post(url, {})))
        for method, response in pages:
            html = _html(response)
            if html is None:
                continue
            assert not dangling(html), f"{method} {url} as {role}: {dangling(html)[:8]}"
