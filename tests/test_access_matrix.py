"""Every URL pattern × every role × GET, POST, PUT, PATCH and DELETE, against the one table in
tests/access_matrix.py; and every refused request has written nothing."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_matrix import LOGIN, METHODS, ROLES, ROWS, World
from tests.conftest import ROLE_USERS

pytestmark = pytest.mark.django_db

# The Django admin generates hundreds of patterns: they are matched by namespace, and
# representative admin rows (changelists, change pages in and out of scope, the read-only
# history) are in the security block of the table.
ADMIN_NAMESPACE = "admin"


def all_url_names():
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or ""
                walk(pattern.url_patterns, f"{namespace}{ns}:" if ns else namespace)
            elif isinstance(pattern, URLPattern):
                if pattern.name is None and namespace.startswith(f"{ADMIN_NAMESPACE}:"):
                    continue  # the admin's own redirect of old object URLs
                if pattern.name is None:
                    raise AssertionError(f"URL pattern {pattern.pattern} has no name: name it and add a row.")
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return names


def test_every_url_pattern_has_a_row_in_the_matrix():
    covered = {row.name for row in ROWS}
    missing = sorted(
        n for n in all_url_names() if n not in covered and not n.startswith(f"{ADMIN_NAMESPACE}:")
    )
    assert not missing, f"URL patterns without a row in tests/access_matrix.py: {missing}"
    unknown = sorted(covered - all_url_names())
    assert not unknown, f"Rows for URL names that do not exist: {unknown}"


def test_the_matrix_has_one_row_per_url_and_an_answer_for_every_role():
    names = [(row.name, row.label, row.query) for row in ROWS]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    assert not duplicated, f"Rows given twice (merge them): {duplicated}"
    for row in ROWS:
        for method in METHODS:
            for role in ROLES:
                assert row.expected(method, role) is not None, f"{row.name}: no {method} status for {role}"


def test_the_admin_is_covered_by_representative_rows():
    admin_rows = {row.name for row in ROWS if row.name.startswith(f"{ADMIN_NAMESPACE}:")}
    for name in (
        "admin:index",
        "admin:plans_action_changelist",
        "admin:plans_action_change",
        "admin:plans_statusupdate_change",
        "admin:plans_statusupdate_delete",
        "admin:auth_user_changelist",
    ):
        assert name in admin_rows, f"{name} needs a row in the security block"


def fingerprint():
    """What a refused request must not change: row counts of the plan data and the sum of the
    actions' versions (every status write bumps a version)."""
    from plans import models

    counted = [
        models.StatusUpdate,
        models.Action,
        models.Objective,
        models.Plan,
        models.Owner,
        models.Challenge,
        models.ChallengeReply,
        models.Milestone,
        models.MeasureReading,
        models.Target,
        models.Membership,
        models.QuarterlyReturn,
        models.ReturnEvent,
        get_user_model(),
    ]
    state = {model.__name__: model._base_manager.count() for model in counted}
    state["action versions"] = models.Action._base_manager.aggregate(v=Sum("version"))["v"]
    return state


def client_for(role):
    client = Client()
    if role != "anonymous":
        client.force_login(get_user_model().objects.get(username=ROLE_USERS[role]))
    return client


def still_logged_in(client, role):
    """The same client serves every method; log in again if a request logged it out."""
    if role != "anonymous" and "_auth_user_id" not in client.session:
        client.force_login(get_user_model().objects.get(username=ROLE_USERS[role]))
    return client


def send(client, method, url, data, as_json):
    if method == "GET":
        return client.get(url)
    if method == "DELETE":
        return client.delete(url)
    call = getattr(client, method.lower())
    if as_json:
        return call(url, json.dumps(data or {}), content_type="application/json")
    if method == "POST":
        return call(url, data or {})
    # Django's test client sends PUT/PATCH bodies as given; form-encode them like a browser would.
    from urllib.parse import urlencode

    return call(url, urlencode(data or {}, doseq=True), content_type="application/x-www-form-urlencoded")


def is_refusal(response, role):
    if response.status_code >= 400:
        return True
    return role == "anonymous" and response.status_code == LOGIN


CASES = [(row, role) for row in ROWS for role in ROLES]
IDS = [f"{r.name}{r.query}{'-' + r.label if r.label else ''}-{ro}".replace(" ", "-") for r, ro in CASES]


@pytest.mark.parametrize(("row", "role"), CASES, ids=IDS)
def test_role_gets_the_expected_status(world, row, role):
    objects = World()
    url = reverse(row.name, args=row.args(objects) if row.args else []) + row.query
    failures = []
    client = client_for(role)
    for method in METHODS:
        expected = row.expected(method, role)
        allowed = expected if isinstance(expected, (set, frozenset, tuple, list)) else {expected}
        data = row.data(method, objects)
        still_logged_in(client, role)
        before = fingerprint()
        response = send(client, method, url, data, row.json)
        if response.status_code not in allowed:
            failures.append(f"{method} {url} as {role}: got {response.status_code}, expected {expected}")
            continue
        if response.status_code == LOGIN and role == "anonymous":
            assert "/login/" in response.headers.get("Location", ""), (
                f"{method} {url}: redirect is not to login"
            )
        if is_refusal(response, role):
            after = fingerprint()
            if after != before:
                changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
                failures.append(f"{method} {url} as {role} was refused but changed {changed}")
    assert not failures, "\n".join(failures)
