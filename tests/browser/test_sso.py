"""Signing in with the organisation in a real browser, against the test OpenID Connect provider
(django-oauth-toolkit, started by the tests on loopback)."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import TEST_PASSWORD
from tests.oidc_provider.fixture import at_provider, free_port, oidc_provider  # noqa: F401 — the fixture

pytestmark = pytest.mark.browser

ROLE_MAP = {"tp-southwark": "borough:southwark", "tp-lambeth": "borough:lambeth", "tp-oversight": "Oversight"}


@pytest.fixture
def provider(oidc_provider, live_server, settings, page):  # noqa: F811 — the imported fixture
    # a sign-in crosses two servers and several redirects: give a loaded machine time
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)
    oidc_provider.setup(
        redirect_uris=[f"{live_server.url}/accounts/oidc/callback/"],
        users={
            "officer.one": {
                "password": TEST_PASSWORD,
                "email": "one@force.example",
                "groups": ["tp-southwark"],
            }
        },
    )
    for name, value in oidc_provider.settings(ROLE_MAP).items():
        setattr(settings, name, value)
    return oidc_provider


def sign_in_with_organisation(page, live_server, username="officer.one"):
    """From the log-in page (asked for the profile, a light page) through the provider's."""
    page.goto(f"{live_server.url}/accounts/login/?next=/accounts/profile/")
    page.get_by_role("link", name="Sign in with your organisation").click()
    page.get_by_label("Provider user name").fill(username)
    page.get_by_label("Provider password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in at the provider").click()
    page.wait_for_load_state("networkidle")
    return page


def may_update(page):
    return (
        page.get_by_text("You may update the plans of").locator("xpath=following-sibling::dd[1]").inner_text()
    )


def test_sign_in_claims_become_a_borough_and_a_group_change_moves_it(page, live_server, provider, artifacts):
    sign_in_with_organisation(page, live_server)
    assert page.url.endswith("/accounts/profile/"), page.url
    assert may_update(page) == "Southwark"
    page.screenshot(path=str(artifacts / "sso-profile.png"))
    provider.setup(users={"officer.one": {"groups": ["tp-lambeth"]}})
    page.get_by_role("button", name="Log out").click()  # here and at the provider
    page.wait_for_url("**/accounts/login/")
    sign_in_with_organisation(page, live_server)
    assert may_update(page) == "Lambeth"


def test_a_tampered_state_shows_a_clear_page(page, live_server, provider, artifacts):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with your organisation").click()
    authorize = parse_qs(urlsplit(page.url).query)["next"][0]
    # the provider's answer to this browser's sign-in, with the state altered on the way back
    callback = at_provider(provider, provider.url + authorize, "officer.one", callback=live_server.url)
    state = parse_qs(urlsplit(callback).query)["state"][0]
    page.goto(live_server.url + callback.replace(state, "x" * len(state)))
    assert page.get_by_role("heading", name="Sign-in was refused").is_visible()
    page.screenshot(path=str(artifacts / "sso-refused.png"))
    page.get_by_role("link", name="Back to log in").click()
    assert page.get_by_role("link", name="Sign in with your organisation").is_visible()


def test_a_provider_that_is_down_shows_a_clear_page(page, live_server, provider, settings):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}/o"
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with your organisation").click()
    assert page.get_by_role("heading", name="Your organisation's sign-in service did not answer").is_visible()


def test_the_local_administrator_still_logs_in_when_only_administrators_may(
    page, live_server, provider, settings, login
):
    settings.LOCAL_LOGIN = "admins"
    login(page, "admin")
    assert "/accounts/login/" not in page.url
    login(page, "southwark.editor")
    assert page.get_by_text("password log-in is turned off").is_visible()
