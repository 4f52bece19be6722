"""The dashboards' page cache (plans/freshness.py): a repeat visit is served from the cache, any
committed write makes the next visit build the page afresh, and a page is never served to
another user or session."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.choices import RAG
from plans.freshness import cached_page
from plans.models import Action, Challenge
from plans.services import apply_status_update

pytestmark = pytest.mark.django_db

OVERSIGHT = "/oversight/"
SOUTHWARK = "/boroughs/southwark/"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    from django.core.cache import cache

    settings.DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def visit(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries.captured_queries)


def test_a_repeat_visit_is_served_from_the_cache_with_the_same_page(client_as):
    client = client_as("oversight")
    first, first_queries = visit(client, OVERSIGHT)
    second, second_queries = visit(client, OVERSIGHT)
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second_queries < first_queries / 3


def test_a_status_update_makes_the_next_visit_fresh(
    client_as, southwark_editor, django_capture_on_commit_callbacks
):
    client = client_as("oversight")
    before, _ = visit(client, SOUTHWARK)
    action = Action.objects.filter(
        objective__plan__borough__slug="southwark", rag=RAG.GREEN, completed=False
    ).first()
    with django_capture_on_commit_callbacks(execute=True):
        apply_status_update(
            action=action,
            user=southwark_editor,
            seen_version=action.version,
            rag=RAG.RED,
            commentary="Delivery has slipped: the venue fell through and the panel is postponed.",
        )
    after, _ = visit(client, SOUTHWARK)
    assert after["X-Page-Cache"] == "miss"
    red_list = after.content.decode().split('id="list-red"', 1)[1].split("</section>", 1)[0]
    assert f"/actions/{action.pk}/" in red_list  # the new Red action is listed at once
    assert (
        f"/actions/{action.pk}/"
        not in before.content.decode().split('id="list-red"', 1)[1].split("</section>", 1)[0]
    )


def test_any_model_write_makes_the_next_visit_fresh(
    client_as, southwark_plan, oversight_user, django_capture_on_commit_callbacks
):
    client = client_as("oversight")
    visit(client, SOUTHWARK)
    with django_capture_on_commit_callbacks(execute=True):
        Challenge.objects.create(
            plan=southwark_plan, question="Why is ward engagement red?", raised_by=oversight_user
        )
    response, _ = visit(client, SOUTHWARK)
    assert response["X-Page-Cache"] == "miss"


def test_a_log_in_elsewhere_does_not_empty_the_cache(
    client_as, analyst_user, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import update_last_login

    client = client_as("oversight")
    visit(client, OVERSIGHT)
    with django_capture_on_commit_callbacks(execute=True):
        update_last_login(None, analyst_user)  # what every log-in does
    response, _ = visit(client, OVERSIGHT)
    assert response["X-Page-Cache"] == "hit"


def test_a_rolled_back_write_changes_nothing(client_as, southwark_plan, oversight_user):
    client = client_as("oversight")
    visit(client, SOUTHWARK)
    Challenge.objects.create(plan=southwark_plan, question="Not committed.", raised_by=oversight_user)
    # the test's transaction never commits: the generation stays, the page is served as before
    response, _ = visit(client, SOUTHWARK)
    assert response["X-Page-Cache"] == "hit"


def test_a_page_is_never_served_to_another_user_or_session(client_as):
    first = client_as("oversight")
    visit(first, OVERSIGHT)
    other_user = client_as("analyst")
    response, _ = visit(other_user, OVERSIGHT)
    assert response["X-Page-Cache"] == "miss"
    same_user_new_session = client_as("oversight")
    response, _ = visit(same_user_new_session, OVERSIGHT)
    assert response["X-Page-Cache"] == "miss"


def test_the_review_form_is_fresh_after_a_save(client_as, southwark_plan, django_capture_on_commit_callbacks):
    """A cached review form would carry old versions: a save through the form makes it fresh."""
    client = client_as("southwark_editor")
    url = reverse("borough-review", args=["southwark"])
    first, _ = visit(client, url)
    assert first["X-Page-Cache"] == "miss"
    assert visit(client, url)[0]["X-Page-Cache"] == "hit"
    action = Action.objects.filter(objective__plan=southwark_plan, completed=False).order_by("pk").first()
    prefix = f"a{action.pk}"
    data = {
        f"{prefix}-version": action.version,
        f"{prefix}-seen_rag": action.rag,
        f"{prefix}-seen_completed": "on" if action.completed else "",
        f"{prefix}-seen_next_steps": action.next_steps,
        f"{prefix}-seen_due_date": action.due_date.isoformat() if action.due_date else "",
        f"{prefix}-rag": action.rag,
        f"{prefix}-due_date": action.due_date.isoformat() if action.due_date else "",
        f"{prefix}-commentary": "Reviewed at the monthly meeting; on track, no change to the rating.",
        f"{prefix}-next_steps": action.next_steps,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    action.refresh_from_db()
    after = client.get(response["Location"])  # shows the "Saved" message: built afresh
    assert after.status_code == 200 and "X-Page-Cache" not in after
    again, _ = visit(client, url)
    assert again["X-Page-Cache"] == "miss"
    assert f'name="{prefix}-version" value="{action.version}"' in again.content.decode()


def test_other_filters_are_other_pages(client_as):
    client = client_as("oversight")
    visit(client, OVERSIGHT)
    response, _ = visit(client, OVERSIGHT + "?rag=red")
    assert response["X-Page-Cache"] == "miss"
    response, _ = visit(client, OVERSIGHT + "?rag=red")
    assert response["X-Page-Cache"] == "hit"


def test_refused_and_bad_requests_are_not_cached(client_as):
    client = client_as("oversight")
    for _ in range(2):
        response = client.get(OVERSIGHT + "?as_at=2022-13-45")
        assert response.status_code == 400
        assert "X-Page-Cache" not in response
    nobody = client_as("no_role")
    for _ in range(2):
        assert nobody.get(OVERSIGHT).status_code == 403


def test_a_page_with_a_message_to_show_is_built_afresh(rf, oversight_user, settings):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    calls = []

    @cached_page
    def view(request):
        calls.append(1)
        return HttpResponse(f"built {len(calls)}; messages: {[str(m) for m in get_messages(request)]}")

    def request(with_message=False):
        req = rf.get(reverse("oversight"))
        req.user = oversight_user
        req.session = session
        req._messages = FallbackStorage(req)
        if with_message:
            req._messages.add(25, "Saved.")
        return req

    session = SessionStore()
    session.create()
    assert view(request())["X-Page-Cache"] == "miss"
    assert view(request())["X-Page-Cache"] == "hit"
    shown = view(request(with_message=True))
    assert "Saved." in shown.content.decode() and "X-Page-Cache" not in shown
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_a_write_outside_a_transaction_is_kept_and_starts_a_new_generation():
    """Autocommit (a command, a view without a transaction): the row is written, and the pages
    cached before it are not served after it. SQLite once lost such an INSERT … RETURNING when
    the generation was started between the statement and the fetch of its new id."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from plans.freshness import generation

    assert connection.get_autocommit() and not connection.in_atomic_block
    before = generation()
    user = get_user_model().objects.create_user("autocommit.user")
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert generation() != before
