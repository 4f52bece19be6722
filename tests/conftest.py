"""The cast and the world of the tests.

Reference data, the real Southwark plan, Lambeth's small synthetic plan and the demo users are
loaded once per test database and reloaded only if a transactional test flushed them.
"""

import os

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

ROLE_USERS = {
    "southwark_editor": "southwark.editor",
    "southwark_commander": "southwark.commander",
    "lambeth_editor": "lambeth.editor",
    "oversight": "mopac.oversight",
    "analyst": "analyst",
    "force_editor": "force.editor",
    "administrator": "admin",
    "no_role": "no.role",  # logged in, active, no group, no membership, not staff
}
TEST_PASSWORD = "correct-horse-battery-staple-42"


def pytest_configure(config):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Administrators owe a second factor after a password log-in; tests/test_mfa.py turns it on.
    settings.MFA_REQUIRED_FOR_ADMINS = False
    # The test server speaks plain HTTP; production keeps these on.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in live-server tests


def ensure_world():
    """Load the world if it is missing (first use, or after a transactional test's flush)."""
    from plans.models import Plan

    if Plan.objects.filter(slug="southwark-trust-and-confidence-plan").exists():
        return
    from django.core.management import call_command

    from plans.demo import ensure_demo_users, load_lambeth, load_southwark
    from plans.force import load_force_plan

    call_command("load_reference", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    # Southwark as reviewed today, so that tests of freshness start from a fresh plan; load_demo
    # records the ratings at the plan's date (demo_world below loads the world exactly so).
    load_southwark(at=timezone.now())
    load_force_plan()
    load_lambeth()
    ensure_demo_users(TEST_PASSWORD)
    ensure_no_role_user()


def ensure_no_role_user():
    """A user who can log in but has no role: no group, no membership, not staff."""
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username=ROLE_USERS["no_role"], defaults={"email": "no.role@example.org"}
    )
    if created:
        user.set_password(TEST_PASSWORD)
        user.save(update_fields=["password"])
    return user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_world()


@pytest.fixture
def world(db):
    ensure_world()


@pytest.fixture
def transactional_world(transactional_db):
    ensure_world()


@pytest.fixture
def demo_world(transactional_db):
    """The world exactly as ``load_demo`` makes it (Southwark rated at the plan's date, Lambeth
    with a year of synthetic history), in a flushed database."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    with override_settings(DEBUG=True):
        call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    from plans.demo import ensure_demo_users

    ensure_demo_users(TEST_PASSWORD)
    ensure_no_role_user()


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _client(username):
    client = Client()
    client.force_login(_user(username))
    return client


@pytest.fixture
def kept(settings):
    """Keep the reference tables, the snapshots' figures and the boroughs' counts of today between
    requests, as production does (the suite keeps nothing: its writes are rolled back), starting
    and ending with nothing kept."""
    from plans import shared_tables, snapshots
    from plans.dashboards import kept_counts

    settings.REFERENCE_TABLES_SECONDS = 60
    shared_tables.forget()
    snapshots.forget_figures()
    kept_counts.forget()
    yield
    shared_tables.forget()
    snapshots.forget_figures()
    kept_counts.forget()


@pytest.fixture
def southwark_editor(world):
    return _user("southwark.editor")


@pytest.fixture
def lambeth_editor(world):
    return _user("lambeth.editor")


@pytest.fixture
def oversight_user(world):
    return _user("mopac.oversight")


@pytest.fixture
def analyst_user(world):
    return _user("analyst")


@pytest.fixture
def administrator(world):
    return _user("admin")


@pytest.fixture
def no_role_user(world):
    return _user(ROLE_USERS["no_role"])


@pytest.fixture
def client_as(world):
    """client_as("southwark_editor") → a logged-in test client for that role (or "anonymous")."""

    def make(role):
        if role == "anonymous":
            return Client()
        return _client(ROLE_USERS[role])

    return make


@pytest.fixture
def barnet(world):
    """Barnet, a borough with no plan yet (the plan import tests import into it)."""
    from plans.models import Borough

    borough = Borough.objects.get(slug="barnet")
    assert not borough.plans.exists()
    return borough


@pytest.fixture
def southwark(world):
    from plans.models import Borough

    return Borough.objects.get(slug="southwark")


@pytest.fixture
def southwark_plan(world):
    from plans.models import Plan

    return Plan.objects.get(slug="southwark-trust-and-confidence-plan")


@pytest.fixture
def lambeth_plan(world):
    from plans.models import Plan

    return Plan.objects.get(borough__slug="lambeth")


def pytest_collection_modifyitems(config, items):
    """Run tests that flush the database (transactional, live server, browser) last, so the
    world loaded once for the rest is not reloaded before every test."""
    flushing = {
        "transactional_db",
        "live_server",
        "transactional_world",
        "django_db_reset_sequences",
    }

    def flushes(item):
        marker = item.get_closest_marker("django_db")
        return bool(flushing & set(getattr(item, "fixturenames", ()))) or bool(
            marker and marker.kwargs.get("transaction")
        )

    items.sort(key=flushes)
