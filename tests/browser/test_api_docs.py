"""The API documentation renders in Chromium under the Content Security Policy."""

import pytest

pytestmark = pytest.mark.browser


def test_api_docs_render_operations_without_csp_errors(page, login, live_server, artifacts):
    problems = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" or "Content Security Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    login(page, "analyst")
    problems.clear()  # only the docs page counts (the login page has no favicon of its own)
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 20
    assert page.get_by_text("/api/v1/actions/{id}/").first.is_visible()
    assert page.locator(".opblock-patch").count() == 1
    page.screenshot(path=str(artifacts / "api-docs.png"), full_page=False)
    csp = [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    assert not csp, csp
    assert not problems, problems


def test_api_docs_send_a_visitor_to_log_in_first(page, live_server):
    page.goto(f"{live_server.url}/api/docs/")
    assert "/accounts/login/" in page.url


def test_profile_creates_and_shows_a_token_once(page, login, live_server, artifacts):
    login(page, "analyst")
    page.goto(f"{live_server.url}/accounts/profile/")
    page.get_by_label("Name").fill("Power BI")
    page.get_by_role("button", name="Create a token").click()
    token = page.get_by_label("Your API token").input_value()
    assert token.startswith("tp_") and len(token) > 40
    page.screenshot(path=str(artifacts / "profile-token.png"))
    page.goto(f"{live_server.url}/accounts/profile/")
    assert token not in page.content()
    response = page.request.get(
        f"{live_server.url}/api/v1/actions/?borough=southwark&rag=red",
        headers={"Authorization": f"Token {token}"},
    )
    assert response.status == 200 and response.json()["count"] == 4
