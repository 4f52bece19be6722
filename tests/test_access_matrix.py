"""Every URL pattern × every role × GET, POST, PUT, PATCH and DELETE, against the one table in
tests/access_matrix.py; and every refused request has written nothing."""

import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_matrix import LOGIN, METHODS, ROLES, ROWS, World
from tests.access_rows.security import ADMIN_MODELS
from tests.conftest import ROLE_USERS

pytestmark = pytest.mark.django_db

# The Django admin's URLs are covered like any other: a row for every name. Most admin rows are
# generated per registered ModelAdmin from a hand-written table of who may view, add, change and
# delete (tests/access_rows/security.py, ADMIN_MODELS); the rest are written out in the security block.
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
                    continue  # the admin's own redirect of old object URLs (<id>/ → <id>/change/)
                if pattern.name is None:
                    raise AssertionError(f"URL pattern {pattern.pattern} has no name: name it and add a row.")
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return names


def test_every_url_pattern_has_a_row_in_the_matrix():
    covered = {row.name for row in ROWS}
    missing = sorted(all_url_names() - covered)
    assert not missing, f"URL patterns without a row in tests/access_rows/: {missing}"
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


def test_every_registered_model_admin_has_a_line_in_the_admin_table():
    from django.contrib import admin

    registered = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    listed = {spec.model for spec in ADMIN_MODELS}
    assert registered == listed, (
        f"ModelAdmins without a line in ADMIN_MODELS: {sorted(registered - listed)}; "
        f"lines for models not registered: {sorted(listed - registered)}"
    )


def test_every_role_has_a_user_in_the_test_world():
    assert set(ROLES) - {"anonymous"} == set(ROLE_USERS), "ROLES and tests/conftest.py ROLE_USERS differ"


FINGERPRINTED = [
    "StatusUpdate",
    "Action",
    "Objective",
    "Plan",
    "Owner",
    "Challenge",
    "ChallengeReply",
    "Milestone",
    "MeasureReading",
    "Target",
    "Membership",
    "QuarterlyReturn",
    "ReturnEvent",
]


def fingerprint():
    """What a refused request must not change: row counts of the plan data, of the users, groups,
    API tokens and the admin log, and the sum of the actions' versions (every status write bumps
    a version). One query (the matrix takes two per request)."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Group
    from django.db import connection

    from plans import models

    counted = [getattr(models, name) for name in FINGERPRINTED] + [
        get_user_model(),
        Group,
        models.ApiToken,
        LogEntry,
    ]
    quote = connection.ops.quote_name
    # table names from the models, not from input
    columns = [f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in counted]  # noqa: S608
    columns.append(f"(SELECT SUM({quote('version')}) FROM {quote(models.Action._meta.db_table)})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns))
        values = cursor.fetchone()
    names = [m.__name__ for m in counted] + ["action versions"]
    return dict(zip(names, values, strict=True))


@pytest.fixture(scope="session")
def role_sessions(django_db_setup, django_db_blocker):
    """One logged-in session per role, made once for the whole matrix: logging in costs about
    as much as the requests of a case. Tests roll back, so what a case does to its session
    (a log-out deletes it) does not outlive the case."""
    with django_db_blocker.unblock():
        keys = {}
        for role, username in ROLE_USERS.items():
            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            keys[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def log_in(client, role, sessions):
    from django.contrib.sessions.models import Session

    key = sessions.get(role)
    if key and Session.objects.filter(pk=key).exists():
        client.cookies[settings.SESSION_COOKIE_NAME] = key
    else:  # the session was logged out within this case, or a flushing test removed it
        client.force_login(get_user_model().objects.get(username=ROLE_USERS[role]))
    return client


def still_logged_in(client, role, sessions):
    """The same client serves every method; log in again if a request logged it out (a log-out
    empties the session cookie)."""
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if role != "anonymous" and not (cookie and cookie.value):
        log_in(client, role, sessions)
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


def is_login_redirect(response):
    return response.status_code == LOGIN and "/login/" in response.headers.get("Location", "")


def is_refusal(response, role):
    """4xx, the login redirect of an anonymous request, or any role sent to a log-in page (the
    admin's, for a user who is not staff)."""
    if response.status_code >= 400:
        return True
    return (role == "anonymous" and response.status_code == LOGIN) or is_login_redirect(response)


CASES = [(row, role) for row in ROWS for role in ROLES]
IDS = [f"{r.name}{r.query}{'-' + r.label if r.label else ''}-{ro}".replace(" ", "-") for r, ro in CASES]


@pytest.mark.parametrize(("row", "role"), CASES, ids=IDS)
def test_role_gets_the_expected_status(world, role_sessions, row, role):
    objects = World()
    url = reverse(row.name, args=row.args(objects) if row.args else []) + row.query
    # Build every body first: a World property may create a row, which must not count as a write.
    bodies = {method: row.data(method, objects) for method in METHODS}
    failures = []
    client = Client() if role == "anonymous" else log_in(Client(), role, role_sessions)
    before = None  # the fingerprint after the last refused request (nothing changed since)
    for method in METHODS:
        expected = row.expected(method, role)
        allowed = expected if isinstance(expected, (set, frozenset, tuple, list)) else {expected}
        still_logged_in(client, role, role_sessions)
        before = before or fingerprint()
        response = send(client, method, url, bodies[method], row.json)
        if response.status_code not in allowed:
            failures.append(f"{method} {url} as {role}: got {response.status_code}, expected {expected}")
            before = None
            continue
        if response.status_code == LOGIN and role == "anonymous":
            assert "/login/" in response.headers.get("Location", ""), (
                f"{method} {url}: redirect is not to login"
            )
        if not is_refusal(response, role):
            before = None  # an allowed request may write: take a new fingerprint before the next
            continue
        after = fingerprint()
        if after != before:
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            failures.append(f"{method} {url} as {role} was refused but changed {changed}")
        before = after
    assert not failures, "\n".join(failures)
