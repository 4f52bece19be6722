"""The reporting cycle: reminders, who has not updated, quarterly returns."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from plans.choices import RAG, MembershipRole, ReturnStatus
from plans.models import Action, Membership, Owner, QuarterlyReturn, ReminderLog, ReturnLine
from plans.quarters import Quarter
from plans.reporting import not_updated
from plans.services import apply_status_update
from plans.services.reminders import send_reminders
from plans.services.returns import send_back_return, sign_off_return, submit_return

pytestmark = pytest.mark.django_db
WHY = "Reviewed at SLT: delivery back on track this month."


@pytest.fixture
def lambeth_commander(world, lambeth_plan):
    user = get_user_model().objects.create_user("lambeth.commander", email="lc@example.org")
    Membership.objects.create(user=user, borough=lambeth_plan.borough, role=MembershipRole.COMMANDER)
    return user


@pytest.fixture
def quarter():
    return Quarter.last_ended(timezone.localdate())


@pytest.mark.parametrize(
    ("day", "label", "start", "end"),
    [
        (dt.date(2026, 11, 21), "Q3 2026-27", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        (dt.date(2024, 2, 29), "Q4 2023-24", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        (dt.date(2023, 4, 1), "Q1 2023-24", dt.date(2023, 4, 1), dt.date(2023, 6, 30)),
    ],
)
def test_quarters_follow_the_financial_year(day, label, start, end):
    quarter = Quarter.containing(day)
    assert (quarter.label, quarter.start, quarter.end) == (label, start, end)
    assert Quarter.last_ended(day).next() == quarter


def test_submitted_return_is_the_state_as_at_quarter_end(lambeth_plan, lambeth_editor, quarter):
    expected = dict(
        Action.objects.filter(objective__plan=lambeth_plan)
        .with_status(quarter.end)
        .values_list("pk", "eff_rag")
    )
    assert expected, "the Lambeth demo history covers the last quarter"
    ret = submit_return(
        plan=lambeth_plan, quarter=quarter, user=lambeth_editor, covering_note="Quarter summary."
    )
    assert ret.status == ReturnStatus.SUBMITTED and ret.label == quarter.label
    assert dict(ret.lines.values_list("action_id", "rag")) == expected
    assert [e.kind for e in ret.events.all()] == ["submitted"]


def test_signed_off_return_does_not_change_when_actions_change(
    lambeth_plan, lambeth_editor, lambeth_commander, quarter
):
    ret = submit_return(plan=lambeth_plan, quarter=quarter, user=lambeth_editor)
    sign_off_return(ret=ret, user=lambeth_commander, seen_version=ret.version)
    before = list(ret.lines.order_by("pk").values_list("action_id", "rag", "completed", "commentary"))
    action = Action.objects.filter(objective__plan=lambeth_plan).exclude(rag=RAG.RED).first()
    apply_status_update(
        action=action, user=lambeth_editor, seen_version=action.version, rag="red", commentary=WHY
    )
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SIGNED_OFF and ret.is_locked
    assert list(ret.lines.order_by("pk").values_list("action_id", "rag", "completed", "commentary")) == before
    with pytest.raises(ValidationError):
        submit_return(plan=lambeth_plan, quarter=quarter, user=lambeth_editor)


def test_send_back_reopens_and_resubmission_takes_a_new_snapshot(
    lambeth_plan, lambeth_editor, lambeth_commander, oversight_user, quarter
):
    ret = submit_return(plan=lambeth_plan, quarter=quarter, user=lambeth_editor)
    sign_off_return(ret=ret, user=lambeth_commander, seen_version=ret.version)
    with pytest.raises(ValidationError):
        send_back_return(ret=ret, user=oversight_user, reason="no", seen_version=ret.version)
    send_back_return(
        ret=ret,
        user=oversight_user,
        reason="Red actions lack mitigation commentary.",
        seen_version=ret.version,
    )
    assert ret.status == ReturnStatus.SENT_BACK
    again = submit_return(
        plan=lambeth_plan, quarter=quarter, user=lambeth_editor, covering_note="Mitigations added."
    )
    assert again.pk == ret.pk and again.status == ReturnStatus.SUBMITTED
    assert [e.kind for e in again.events.all()] == ["submitted", "signed_off", "sent_back", "submitted"]
    assert ReturnLine.objects.filter(quarterly_return=again).count() == again.lines.count() > 0


def test_each_step_only_by_its_role(
    lambeth_plan, lambeth_editor, lambeth_commander, southwark_editor, oversight_user, analyst_user, quarter
):
    for user in (southwark_editor, oversight_user, analyst_user):
        with pytest.raises(PermissionDenied):
            submit_return(plan=lambeth_plan, quarter=quarter, user=user)
    ret = submit_return(plan=lambeth_plan, quarter=quarter, user=lambeth_editor)
    for user in (lambeth_editor, southwark_editor, oversight_user, analyst_user):
        with pytest.raises(PermissionDenied):
            sign_off_return(ret=ret, user=user, seen_version=ret.version)
    for user in (lambeth_editor, lambeth_commander, analyst_user):
        with pytest.raises(PermissionDenied):
            send_back_return(
                ret=ret, user=user, reason="Please add more detail here.", seen_version=ret.version
            )
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED and ret.events.count() == 1


def test_a_commander_cannot_sign_off_a_return_they_submitted(lambeth_plan, lambeth_commander, quarter):
    ret = submit_return(plan=lambeth_plan, quarter=quarter, user=lambeth_commander)  # a member may submit
    with pytest.raises(ValidationError, match="another commander"):
        sign_off_return(ret=ret, user=lambeth_commander, seen_version=ret.version)
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED and ret.signed_off_by is None
    assert ret.events.count() == 1


def test_a_quarter_not_yet_ended_or_empty_cannot_be_returned(
    lambeth_plan, southwark_plan, lambeth_editor, southwark_editor
):
    current = Quarter.containing(timezone.localdate())
    with pytest.raises(ValidationError, match="not ended"):
        submit_return(plan=lambeth_plan, quarter=current, user=lambeth_editor)
    long_ago = Quarter(2015, 1)
    with pytest.raises(ValidationError, match="nothing to return"):
        submit_return(plan=southwark_plan, quarter=long_ago, user=southwark_editor)
    assert not QuarterlyReturn.objects.exists()


def test_pages_walk_a_quarter(client_as, lambeth_plan, lambeth_commander, quarter):
    editor = client_as("lambeth_editor")
    url = reverse("borough-returns", args=["lambeth"])
    response = editor.post(
        url, {"quarter": f"{quarter.fy_start_year}-{quarter.quarter}", "covering_note": "Done."}
    )
    ret = QuarterlyReturn.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("return-detail", args=[ret.pk])
    assert (
        client_as("southwark_editor")
        .post(url, {"quarter": f"{quarter.fy_start_year}-{quarter.quarter}"})
        .status_code
        == 403
    )
    assert (
        client_as("oversight").post(reverse("return-sign-off", args=[ret.pk]), {"version": 1}).status_code
        == 403
    )
    from django.test import Client

    commander = Client()
    commander.force_login(lambeth_commander)
    commander.post(reverse("return-sign-off", args=[ret.pk]), {"version": ret.version})
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED  # not without the confirmation
    commander.post(reverse("return-sign-off", args=[ret.pk]), {"version": ret.version, "confirm": "on"})
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SIGNED_OFF
    page = client_as("oversight").get(reverse("return-detail", args=[ret.pk]))
    assert f"As signed off for {quarter.label}".encode() in page.content
    client_as("oversight").post(
        reverse("return-send-back", args=[ret.pk]),
        {"version": ret.version, "reason": "Please explain the two Red actions."},
    )
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SENT_BACK


def _age(plan, days, editor):
    """Make every action of ``plan`` last reviewed ``days`` ago (a fresh review at that time)."""
    at = timezone.now() - dt.timedelta(days=days)
    for action in Action.objects.filter(objective__plan=plan):
        apply_status_update(action=action, user=editor, seen_version=action.version, commentary=WHY, at=at)


def test_reminders_go_to_the_right_people_once_per_interval(settings, southwark_plan, southwark_editor):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _age(southwark_plan, 40, southwark_editor)
    owner = Owner.objects.get(borough__slug="southwark", key="supt:brockway")
    owner_user = get_user_model().objects.create_user("brockway", email="brockway@example.org")
    owner.user = owner_user
    owner.save()
    result = send_reminders()
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "brockway@example.org" in by_recipient and "southwark.editor@example.org" in by_recipient
    own = by_recipient["brockway@example.org"]
    assert own.subject.startswith(f"TrustPlan: {owner.actions.count()} of your Southwark actions")
    assert "/actions/" in own.body
    sent = len(mail.outbox)
    assert result.sent == sent and ReminderLog.objects.count() == sent
    send_reminders()
    assert len(mail.outbox) == sent, "no second reminder within the interval"
    later = timezone.now() + dt.timedelta(days=32)
    send_reminders(now=later)
    assert len(mail.outbox) > sent


def test_escalation_after_two_intervals_goes_to_the_commander(settings, southwark_plan, southwark_editor):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _age(southwark_plan, 40, southwark_editor)
    send_reminders()
    assert not any("escalation" in m.subject for m in mail.outbox)
    _age(southwark_plan, 70, southwark_editor)
    mail.outbox.clear()
    send_reminders(now=timezone.now() + dt.timedelta(days=1))
    escalations = [m for m in mail.outbox if "escalation" in m.subject]
    # Never back to the editor who missed the update (the demo editor is also the lead): the commander.
    assert [m.to for m in escalations] == [["southwark.commander@example.org"]]
    rows = not_updated(Action.objects.filter(objective__plan=southwark_plan))
    assert len(rows) == 61 and all(r.escalated for r in rows)


def test_escalation_goes_to_the_lead_only_and_reminders_to_the_editors(
    settings, southwark_plan, southwark_editor
):
    """With the lead a different person from the editor: the editor gets the reminder, only the
    lead gets the escalation, and the borough's other users get neither."""
    from django.contrib.auth import get_user_model

    from plans.choices import MembershipRole
    from plans.models import Membership

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Membership.objects.filter(user=southwark_editor, role=MembershipRole.LEAD).delete()
    lead = get_user_model().objects.create_user("southwark.lead", email="lead@example.org")
    Membership.objects.create(user=lead, borough=southwark_plan.borough, role=MembershipRole.LEAD)
    _age(southwark_plan, 70, southwark_editor)
    mail.outbox.clear()
    send_reminders(now=timezone.now() + dt.timedelta(days=1))
    sent = {(m.to[0], "escalation" in m.subject) for m in mail.outbox}
    assert ("lead@example.org", True) in sent
    assert ("southwark.editor@example.org", False) in sent
    assert ("southwark.editor@example.org", True) not in sent and ("lead@example.org", False) not in sent


def test_dashboards_show_who_has_not_updated_own_actions_first(client_as, southwark_plan, southwark_editor):
    _age(southwark_plan, 40, southwark_editor)
    owner = Owner.objects.get(borough__slug="southwark", key="ci:kent")
    owner.user = southwark_editor
    owner.save()
    response = client_as("southwark_editor").get(reverse("borough-dashboard", args=["southwark"]))
    rows = response.context["not_updated_rows"]
    assert response.context["not_updated_total"] == 61
    assert response.context["not_updated_mine"] == owner.actions.count() == 2
    assert all(owner in r.owners for r in rows[:2]) and all(owner not in r.owners for r in rows[2:])
    assert b"Who has not updated" in response.content


def test_oversight_sees_each_boroughs_return_status(client_as, lambeth_plan, lambeth_editor, quarter):
    submit_return(plan=lambeth_plan, quarter=quarter, user=lambeth_editor)
    response = client_as("oversight").get(reverse("oversight"))
    status = {row["plan"].borough.slug: row["ret"] for row in response.context["return_rows"]}
    assert status["lambeth"].status == ReturnStatus.SUBMITTED and status["southwark"] is None
    assert response.context["return_quarter"] == quarter
    assert f"Quarterly returns — {quarter.label}".encode() in response.content


# --- the borough dashboard: as signed off beside live -------------------------------------------
def _signed_off_panel(client):
    response = client.get(reverse("borough-dashboard", args=["lambeth"]))
    assert response.status_code == 200
    rows = {
        row["status"].value: (row["signed_off"], row["live"]) for row in response.context["signed_off_rows"]
    }
    return response, rows


def test_borough_dashboard_shows_the_signed_off_return_beside_live(
    client_as, lambeth_plan, lambeth_editor, lambeth_commander, oversight_user, quarter
):
    from collections import Counter

    client = client_as("lambeth_editor")
    ret = submit_return(plan=lambeth_plan, quarter=quarter, user=lambeth_editor)
    response, rows = _signed_off_panel(client)
    assert response.context["signed_off_return"] is None and rows == {}
    assert 'id="signed-off"' not in response.text, "a return only submitted is not shown"

    sign_off_return(ret=ret, user=lambeth_commander, seen_version=ret.version)
    response, before = _signed_off_panel(client)
    assert response.context["signed_off_return"] == ret
    signed = Counter(line.status.value for line in ret.lines.all())
    live = Counter(a.status.value for a in Action.objects.filter(objective__plan=lambeth_plan))
    assert before == {s: (signed[s], live[s]) for s in ("red", "amber", "green", "not_rated", "complete")}
    assert response.context["signed_off_totals"] == {
        "signed_off": ret.lines.count(),
        "live": sum(live.values()),
    }
    assert f"As signed off for {quarter.label}" in response.text
    assert f'href="{reverse("return-detail", args=[ret.pk])}"' in response.text

    # later edits change "now", never the signed-off column
    action = Action.objects.filter(objective__plan=lambeth_plan, completed=False).exclude(rag=RAG.RED).first()
    was = action.status.value
    apply_status_update(
        action=action, user=lambeth_editor, seen_version=action.version, rag="red", commentary=WHY
    )
    _, after = _signed_off_panel(client)
    assert {s: n[0] for s, n in after.items()} == {s: n[0] for s, n in before.items()}
    assert after["red"][1] == before["red"][1] + 1 and after[was][1] == before[was][1] - 1

    # the dashboard's filters narrow its own figures, not the comparison with the whole return
    filtered = client.get(reverse("borough-dashboard", args=["lambeth"]) + "?rag=green")
    assert {
        r["status"].value: (r["signed_off"], r["live"]) for r in filtered.context["signed_off_rows"]
    } == after

    send_back_return(
        ret=ret, user=oversight_user, reason="Please explain the Red actions.", seen_version=ret.version
    )
    response, rows = _signed_off_panel(client)
    assert response.context["signed_off_return"] is None and 'id="signed-off"' not in response.text


def test_signed_off_panel_queries_do_not_grow_with_the_return(
    client_as, lambeth_plan, lambeth_editor, lambeth_commander, oversight_user, quarter
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plans.choices import UpdateSource
    from plans.services import record_initial_status

    client = client_as("oversight")
    url = reverse("borough-dashboard", args=["lambeth"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200 and response.context["signed_off_return"] is not None
        return len(ctx.captured_queries)

    ret = submit_return(plan=lambeth_plan, quarter=quarter, user=lambeth_editor)
    sign_off_return(ret=ret, user=lambeth_commander, seen_version=ret.version)
    small = count()
    send_back_return(
        ret=ret, user=oversight_user, reason="Please add the new actions.", seen_version=ret.version
    )
    objective = lambeth_plan.objectives.order_by("pk").first()
    at = timezone.make_aware(dt.datetime.combine(quarter.end - dt.timedelta(days=10), dt.time(10)))
    for position in range(100, 130):
        action = Action.objects.create(objective=objective, position=position, text=f"Extra {position}")
        record_initial_status(
            action=action,
            rag=RAG.AMBER,
            commentary="Added",
            author_name="Test",
            at=at,
            source=UpdateSource.IMPORT,
        )
    ret = submit_return(plan=lambeth_plan, quarter=quarter, user=lambeth_editor)
    sign_off_return(ret=ret, user=lambeth_commander, seen_version=ret.version)
    assert ret.lines.count() >= 40
    assert count() == small


@pytest.mark.parametrize("as_at", [None, "yesterday"])
def test_the_borough_page_lists_who_has_not_updated_as_the_query_does(
    client_as, southwark_plan, southwark_editor, as_at
):
    """The unfiltered borough page takes its stale list from the actions it has read
    (``stale_rows_of``): the same rows, in the same order, as ``not_updated``'s query."""
    _age(southwark_plan, 40, southwark_editor)
    actions = list(Action.objects.filter(objective__plan=southwark_plan).order_by("pk"))
    Action.objects.filter(pk__in=[a.pk for a in actions[:5]]).update(last_reviewed_at=None)  # never reviewed
    Action.objects.filter(pk=actions[7].pk).update(last_reviewed_at=timezone.now())  # not stale
    owner = Owner.objects.get(borough__slug="southwark", key="ci:kent")
    owner.user = southwark_editor
    owner.save()
    day = timezone.localdate() - dt.timedelta(days=1) if as_at else None
    query = {"as_at": day.isoformat()} if day else {}
    response = client_as("southwark_editor").get(reverse("borough-dashboard", args=["southwark"]), query)
    expected = not_updated(
        Action.objects.filter(objective__plan=southwark_plan),
        user=southwark_editor,
        limit=25,
        as_at=day,
        now=response.context["filterset"].reference_time,
    )
    shown = response.context["not_updated_rows"]
    assert len(shown) == 25
    assert [(r.action.pk, r.age_days, r.escalated, [o.pk for o in r.owners]) for r in shown] == [
        (r.action.pk, r.age_days, r.escalated, [o.pk for o in r.owners]) for r in expected
    ]
    assert [r.action.is_mine for r in shown] == [r.action.is_mine for r in expected]
    assert response.context["not_updated_mine"] == sum(1 for r in expected if r.action.is_mine)
    # Sorted by owner, the page asks the database (its collation orders the names).
    by_owner = client_as("southwark_editor").get(
        reverse("borough-dashboard", args=["southwark"]), {**query, "nu_sort": "owner"}
    )
    assert by_owner.context["not_updated_sort"] == "owner"
