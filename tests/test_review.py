"""The monthly review: every action of a plan on one page, saved all or nothing."""

import datetime as dt
import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.choices import RAG, UpdateSource
from plans.models import Action, StatusUpdate
from plans.services import ReviewRefused, ReviewRow, apply_review, apply_status_update
from tests.access_matrix import World

pytestmark = pytest.mark.django_db
REASONS = [
    "Staffing restored after the summer abstractions.",
    "Ward panels now meet monthly as planned.",
    "Training dates confirmed with the college.",
]


def review_url(slug="southwark", query=""):
    return reverse("borough-review", args=[slug]) + query


def page_data(response):
    """Everything the review page's form would post untouched: each row's hidden and visible
    fields as rendered (unchecked checkboxes are left out, as a browser does)."""
    data = {}
    for row in response.context["groups"]:
        for objective in row.objectives:
            for r in objective.rows:
                form = r.form
                for bound in form:
                    value = bound.value()
                    if bound.name == "completed":
                        if value:
                            data[bound.html_name] = "on"
                        continue
                    if isinstance(value, dt.date):
                        value = value.isoformat()
                    data[bound.html_name] = "" if value is None else str(value)
    return data


def rows_of(response):
    return [r for g in response.context["groups"] for o in g.objectives for r in o.rows]


@pytest.fixture
def editor_client(client_as):
    return client_as("southwark_editor")


@pytest.fixture
def amber_actions(southwark_plan):
    return list(Action.objects.filter(objective__plan=southwark_plan, rag=RAG.AMBER).order_by("pk")[:3])


def change(data, action, **values):
    for name, value in values.items():
        data[f"a{action.pk}-{name}"] = value


# --- who may open and post the review ---


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("southwark_editor", 200),
        ("administrator", 200),
        ("lambeth_editor", 403),
        ("oversight", 403),
        ("analyst", 403),
    ],
)
def test_only_the_boroughs_editors_open_its_review(client_as, role, expected):
    assert client_as(role).get(review_url()).status_code == expected


def test_unknown_borough_is_not_found_and_anonymous_must_log_in(client_as):
    assert client_as("southwark_editor").get(review_url("atlantis")).status_code == 404
    response = client_as("anonymous").get(review_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["lambeth_editor", "oversight", "analyst"])
def test_read_only_roles_posting_a_review_get_403_and_nothing_is_written(
    client_as, editor_client, amber_actions, role, caplog
):
    data = page_data(editor_client.get(review_url()))
    for action, why in zip(amber_actions, REASONS, strict=True):
        change(data, action, rag="green", commentary=why)
    before = StatusUpdate.objects.count()
    with caplog.at_level(logging.WARNING, logger="trustplan.security"):
        response = client_as(role).post(review_url(), data)
    assert response.status_code == 403
    assert StatusUpdate.objects.count() == before
    assert all(Action.objects.get(pk=a.pk).rag == RAG.AMBER for a in amber_actions)
    assert any(
        "refused review page" in r.getMessage() and "southwark" in r.getMessage() for r in caplog.records
    )


def test_rows_of_another_plan_smuggled_into_the_review_are_ignored(editor_client, lambeth_plan):
    lambeth_action = Action.objects.filter(objective__plan=lambeth_plan).first()
    before = (lambeth_action.version, lambeth_action.updates.count())
    data = page_data(editor_client.get(review_url()))
    data.update(World().status_change(lambeth_action, prefix=f"a{lambeth_action.pk}"))
    response = editor_client.post(review_url(), data, follow=True)
    assert "No changes to save" in response.content.decode()
    lambeth_action.refresh_from_db()
    assert (lambeth_action.version, lambeth_action.updates.count()) == before


# --- saving ---


def test_three_changed_rows_make_three_history_rows_and_untouched_rows_none(editor_client, amber_actions):
    page = editor_client.get(review_url())
    data = page_data(page)
    assert len(rows_of(page)) == 61
    for action, why in zip(amber_actions, REASONS, strict=True):
        change(data, action, rag="green", commentary=why)
    versions_before = dict(Action.objects.values_list("pk", "version"))
    before = StatusUpdate.objects.count()

    response = editor_client.post(review_url(), data, follow=True)

    assert "Saved 3 changes." in response.content.decode()
    assert StatusUpdate.objects.count() == before + 3
    new = StatusUpdate.objects.filter(source=UpdateSource.REVIEW)
    assert sorted(new.values_list("action_id", flat=True)) == [a.pk for a in amber_actions]
    assert set(new.values_list("to_rag", flat=True)) == {RAG.GREEN}
    assert len(set(new.values_list("created_at", flat=True))) == 1  # one review, one moment
    changed = {pk for pk, v in Action.objects.values_list("pk", "version") if v != versions_before[pk]}
    assert changed == {a.pk for a in amber_actions}


def test_a_commentary_alone_is_a_review_with_a_history_row(editor_client, amber_actions):
    action = amber_actions[0]
    data = page_data(editor_client.get(review_url()))
    change(data, action, commentary="Still at risk: awaiting the venue booking.")
    assert editor_client.post(review_url(), data).status_code == 302
    latest = action.updates.order_by("-version").first()
    assert (latest.from_rag, latest.to_rag, latest.commentary) == (
        RAG.AMBER,
        RAG.AMBER,
        "Still at risk: awaiting the venue booking.",
    )


def test_an_untouched_review_writes_nothing(editor_client):
    before = StatusUpdate.objects.count()
    response = editor_client.post(review_url(), page_data(editor_client.get(review_url())), follow=True)
    assert "No changes to save" in response.content.decode()
    assert StatusUpdate.objects.count() == before


def test_row_three_of_three_invalid_saves_nothing_and_keeps_what_was_typed(editor_client, amber_actions):
    data = page_data(editor_client.get(review_url()))
    first, second, third = amber_actions
    change(data, first, rag="green", commentary=REASONS[0])
    change(data, second, rag="red", commentary=REASONS[1], next_steps="Escalate to the SLT in March.")
    change(data, third, rag="green", commentary="ok")  # not a sentence
    before = StatusUpdate.objects.count()

    response = editor_client.post(review_url(), data)

    assert response.status_code == 400
    assert StatusUpdate.objects.count() == before
    assert all(Action.objects.get(pk=a.pk).version == a.version for a in amber_actions)
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert REASONS[0] in html and REASONS[1] in html and "Escalate to the SLT in March." in html
    by_pk = {r.action.pk: r for r in rows_of(response)}
    assert by_pk[third.pk].form.errors["commentary"]
    assert not by_pk[first.pk].form.errors and not by_pk[second.pk].form.errors
    assert by_pk[second.pk].form["rag"].value() == "red"
    # The error is beside its row, and the summary links to it.
    row_html = html[html.index(f'id="action-{third.pk}"') :]
    row_html = row_html[: row_html.index("</tr>")]
    assert "needs a commentary of at least a sentence" in row_html
    assert f'href="#action-{third.pk}"' in html


def test_a_row_that_does_not_parse_is_reported_with_the_others_and_nothing_saved(
    editor_client, amber_actions
):
    data = page_data(editor_client.get(review_url()))
    first, second, third = amber_actions
    change(data, first, rag="green", commentary=REASONS[0])
    change(data, second, due_date="32/13/2027")
    change(data, third, rag="green")  # no commentary
    before = StatusUpdate.objects.count()
    response = editor_client.post(review_url(), data)
    assert response.status_code == 400
    assert StatusUpdate.objects.count() == before
    by_pk = {r.action.pk: r for r in rows_of(response)}
    assert "due_date" in by_pk[second.pk].form.errors
    assert "commentary" in by_pk[third.pk].form.errors
    assert Action.objects.get(pk=first.pk).rag == RAG.AMBER


def test_a_row_changed_by_someone_else_refuses_the_review_and_shows_their_change(
    editor_client, amber_actions, administrator
):
    data = page_data(editor_client.get(review_url()))
    first, second, third = amber_actions
    for action, why in zip(amber_actions, REASONS, strict=True):
        change(data, action, rag="green", commentary=why)
    theirs = "Lead officer moved to another command; plan paused."
    apply_status_update(action=second, user=administrator, seen_version=1, rag="red", commentary=theirs)
    before = StatusUpdate.objects.count()

    response = editor_client.post(review_url(), data)

    assert response.status_code == 409
    assert StatusUpdate.objects.count() == before  # not even the two unconflicted rows
    assert Action.objects.get(pk=first.pk).rag == RAG.AMBER
    second.refresh_from_db()
    assert (second.rag, second.last_commentary) == (RAG.RED, theirs)  # nothing overwritten
    html = response.content.decode()
    row_html = html[html.index(f'id="action-{second.pk}"') :]
    row_html = row_html[: row_html.index("</tr>")]
    assert "Changed by someone else" in row_html
    assert theirs in row_html and (administrator.get_full_name() or administrator.username) in row_html
    assert REASONS[1] in row_html  # the user's own input, beside it
    assert "Re-apply my changes" in html

    # Re-apply: the page now carries the new version for that row; submitting saves all three.
    again = page_data(response)
    assert again[f"a{second.pk}-version"] == "2"
    assert editor_client.post(review_url(), again).status_code == 302
    assert StatusUpdate.objects.count() == before + 3
    second.refresh_from_db()
    latest = second.updates.order_by("-version").first()
    assert (second.rag, latest.from_rag, latest.commentary) == (RAG.GREEN, RAG.RED, REASONS[1])


# --- the service itself ---


def test_apply_review_is_all_or_nothing_when_a_conflict_appears_during_the_write(
    southwark_plan, southwark_editor, amber_actions, monkeypatch
):
    """Someone saves between the check and the write: the rows already written roll back."""
    from plans.services import status as services

    first, second, third = amber_actions
    rows = [
        ReviewRow(action=a, seen_version=a.version, rag="green", commentary=why)
        for a, why in zip(amber_actions, REASONS, strict=True)
    ]
    real_write = services._write
    calls = []

    def write_then_race(**kwargs):
        calls.append(kwargs["action"].pk)
        if kwargs["action"].pk == third.pk:
            Action.objects.filter(pk=third.pk).update(version=5)  # another session got there first
        return real_write(**kwargs)

    monkeypatch.setattr(services, "_write", write_then_race)
    before = StatusUpdate.objects.count()
    with pytest.raises(ReviewRefused) as refused:
        apply_review(plan=southwark_plan, user=southwark_editor, rows=rows)
    assert calls == [first.pk, second.pk, third.pk]
    assert set(refused.value.conflicts) == {third.pk}
    assert StatusUpdate.objects.count() == before
    assert Action.objects.get(pk=first.pk).rag == RAG.AMBER


def test_apply_review_refuses_an_action_of_another_plan(southwark_plan, southwark_editor, lambeth_plan):
    lambeth_action = Action.objects.filter(objective__plan=lambeth_plan).first()
    row = ReviewRow(
        action=lambeth_action, seen_version=lambeth_action.version, commentary="Looks fine to us here."
    )
    with pytest.raises(PermissionDenied):
        apply_review(plan=southwark_plan, user=southwark_editor, rows=[row])
    assert lambeth_action.updates.count() == Action.objects.get(pk=lambeth_action.pk).updates.count()


@pytest.mark.parametrize("username", ["lambeth.editor", "mopac.oversight", "analyst"])
def test_apply_review_refuses_users_who_cannot_edit_the_plan(
    southwark_plan, amber_actions, username, django_user_model
):
    user = django_user_model.objects.get(username=username)
    rows = [ReviewRow(action=amber_actions[0], seen_version=1, rag="green", commentary=REASONS[0])]
    with pytest.raises(PermissionDenied):
        apply_review(plan=southwark_plan, user=user, rows=rows)
    assert amber_actions[0].updates.count() == 1


def test_apply_review_collects_every_rows_errors(southwark_plan, southwark_editor, amber_actions):
    rows = [
        ReviewRow(action=amber_actions[0], seen_version=1, rag="purple", commentary=REASONS[0]),
        ReviewRow(action=amber_actions[1], seen_version=1, rag="green", commentary=REASONS[1]),
        ReviewRow(action=amber_actions[2], seen_version=1, completed=True),
    ]
    with pytest.raises(ReviewRefused) as refused:
        apply_review(plan=southwark_plan, user=southwark_editor, rows=rows)
    assert set(refused.value.errors) == {amber_actions[0].pk, amber_actions[2].pk}
    assert "rag" in refused.value.errors[amber_actions[0].pk]
    assert "commentary" in refused.value.errors[amber_actions[2].pk]
    assert StatusUpdate.objects.filter(source=UpdateSource.REVIEW).count() == 0


# --- stale actions ---


@pytest.fixture
def three_stale(southwark_plan):
    """Three actions last reviewed 40 days ago (the plan's interval is 31)."""
    actions = list(Action.objects.filter(objective__plan=southwark_plan, completed=False).order_by("-pk")[:3])
    Action.objects.filter(pk__in=[a.pk for a in actions]).update(
        last_reviewed_at=timezone.now() - dt.timedelta(days=40)
    )
    return actions


def test_stale_actions_are_counted_highlighted_and_can_be_shown_alone(editor_client, three_stale):
    response = editor_client.get(review_url())
    html = response.content.decode()
    assert response.context["stale_count"] == 3
    assert "<strong data-stale-count>3</strong> of 61 actions are stale" in html
    for action in three_stale:
        row_html = html[html.index(f'id="action-{action.pk}"') :]
        assert row_html[: row_html.index(">")].count("stale") >= 1
        assert '<span class="stale-flag">Stale</span>' in row_html[: row_html.index("</tr>")]
    only = editor_client.get(review_url(query="?stale=1"))
    assert {r.action.pk for r in rows_of(only)} == {a.pk for a in three_stale}
    assert "showing 3" in only.content.decode()


def test_saving_from_the_stale_view_reviews_the_action(editor_client, three_stale):
    page = editor_client.get(review_url(query="?stale=1"))
    data = page_data(page)
    change(data, three_stale[0], commentary="Reviewed: on course, no change this month.")
    response = editor_client.post(review_url(query="?stale=1"), data)
    assert response.status_code == 302 and response["Location"].endswith("?stale=1")
    assert editor_client.get(review_url()).context["stale_count"] == 2


# --- speed ---


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_review_renders_in_a_constant_number_of_queries(client_as, django_assert_max_num_queries):
    client = client_as("administrator")
    assert Action.objects.filter(objective__plan__borough__slug="lambeth").count() == 12
    assert Action.objects.filter(objective__plan__borough__slug="southwark").count() == 61
    with django_assert_max_num_queries(12):
        assert client.get(review_url("southwark")).status_code == 200
    assert count_queries(client, review_url("lambeth")) == count_queries(client, review_url("southwark"))


def test_query_count_is_the_same_for_a_synthetic_plan_of_sixty_actions(client_as):
    from plans.models import Plan
    from plans.synthetic import make_synthetic

    existing = Plan.objects.filter(is_synthetic=True).count()  # Lambeth's demo plan counts
    make_synthetic(boroughs=existing + 1, months=2, seed=7, actions_per_plan=60)
    plan = Plan.objects.filter(is_synthetic=True).exclude(borough__slug="lambeth").get()
    assert Action.objects.filter(objective__plan=plan).count() == 60
    client = client_as("administrator")
    assert count_queries(client, review_url(plan.borough.slug)) == count_queries(
        client, review_url("lambeth")
    )
