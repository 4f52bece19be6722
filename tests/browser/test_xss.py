"""Hostile text typed into an action, its commentary, next steps and a challenge is shown as
text on every page that shows it: no dialog opens, no script element or event handler or
javascript: link is created from it, and the words are visible as typed."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.choices import RAG
from plans.models import Action, Challenge, Objective
from plans.services import apply_status_update

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert('xss-commentary')</script> delivery slipped"
ATTRIBUTE = '"onmouseover="alert(\'xss-attribute\')" x="'
LINK = "javascript:alert('xss-link')"
ACTION_TEXT = f"Ward panels {SCRIPT[:40]} {ATTRIBUTE} {LINK}"


@pytest.fixture
def hostile_action(transactional_world):
    user = get_user_model().objects.get(username="southwark.editor")
    action = (
        Action.objects.filter(objective__plan__borough__slug="southwark", rag=RAG.GREEN, completed=False)
        .order_by("pk")
        .first()
    )
    Action.objects.filter(pk=action.pk).update(text=ACTION_TEXT)  # as an admin edit of the text would
    # the objective's title is a label of the dashboard's charts (SVG) and of the plan tree
    Objective.objects.filter(pk=action.objective_id).update(title=f"Ward engagement {SCRIPT} {ATTRIBUTE}")
    action.refresh_from_db()
    apply_status_update(
        action=action,
        user=user,
        seen_version=action.version,
        rag=RAG.RED,
        commentary=f"{SCRIPT} {ATTRIBUTE} see {LINK}",
        next_steps=f"Next: {ATTRIBUTE} and {LINK}",
    )
    Challenge.objects.create(
        plan=action.objective.plan,
        action=action,
        question=f"Why red? {SCRIPT} {ATTRIBUTE}",
        raised_by=get_user_model().objects.get(username="mopac.oversight"),
    )
    action.refresh_from_db()
    return action


def assert_shown_as_text(page, where, expect_visible=()):
    page.wait_for_load_state("networkidle")
    # Send a mouseover to everything that shows the text, so an injected handler would fire
    # (dispatched, not hovered: a sticky save bar or a visually hidden label may cover it).
    for element in page.locator("text=xss-").all()[:10]:
        element.dispatch_event("mouseover")
    assert page.dialogs == [], f"{where}: a dialog opened: {page.dialogs}"
    injected = page.evaluate(
        """() => ({
            scripts: [...document.scripts].filter(s => s.textContent.includes('xss-')).length,
            handlers: [...document.querySelectorAll('*')].filter(e =>
                [...e.attributes].some(a => a.name.startsWith('on'))).length,
            links: [...document.querySelectorAll('[href], [src], [action], [formaction]')].filter(e =>
                ['href', 'src', 'action', 'formaction'].some(n =>
                    (e.getAttribute(n) || '').trim().toLowerCase().startsWith('javascript:'))).length,
        })"""
    )
    assert injected == {"scripts": 0, "handlers": 0, "links": 0}, f"{where}: {injected}"
    body = page.locator("body").inner_text()
    for text in expect_visible:
        assert text in body, f"{where}: {text!r} is not shown as text"


def test_hostile_text_is_shown_as_text_everywhere(page, login, live_server, artifacts, hostile_action):
    action = hostile_action
    southwark = "southwark"
    login(page, "southwark.editor")
    pages = [
        ("action page", reverse("action-detail", args=[action.pk]), [SCRIPT, LINK]),
        (
            "monthly review",
            reverse("borough-review", args=[southwark]),
            ["<script>alert('xss-commentary')</script>"],
        ),
        ("borough dashboard", reverse("borough-dashboard", args=[southwark]), ["Ward engagement <script>"]),
        ("action list", reverse("action-list") + "?borough=southwark&rag=red", ["Ward panels <script>"]),
        ("challenge list", reverse("challenge-list"), []),
        ("returns", reverse("borough-returns", args=[southwark]), []),
        ("admin change page", reverse("admin:plans_action_change", args=[action.pk]), [LINK]),
        ("admin history", reverse("admin:plans_statusupdate_changelist") + "?q=xss", ["xss-commentary"]),
    ]
    for where, url, visible in pages:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, f"{where}: {response.status}"
        assert_shown_as_text(page, where, visible)
    page.goto(f"{live_server.url}{reverse('action-detail', args=[action.pk])}")
    page.screenshot(path=str(artifacts / "xss-action-page.png"), full_page=True)
    login(page, "mopac.oversight")
    for where, url in (
        ("oversight", reverse("oversight")),
        ("challenge", reverse("challenge-detail", args=[Challenge.objects.get(action=action).pk])),
        ("force plan", reverse("force-plan")),
    ):
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, f"{where}: {response.status}"
        assert_shown_as_text(page, where)
    page.screenshot(path=str(artifacts / "xss-oversight.png"), full_page=True)
