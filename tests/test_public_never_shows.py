"""What the public can never see, by enumeration: every public URL pattern, with every borough
and quarter as arguments, fetched as an anonymous client, against a world holding unpublished,
withdrawn and sent-back quarters, internal commentary, challenges and their answers, owners'
names, another borough's return and hostile text. None of it appears; hostile text is escaped."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from plans.choices import RAG
from plans.models import Action, Challenge, ChallengeReply, Owner, Plan, PublicNote, ReturnLine
from plans.publishing.public import quarter_slug
from plans.publishing.services import save_public_notes, unpublish_return
from plans.quarters import Quarter
from plans.services import apply_status_update
from plans.services.returns import send_back_return
from tests.publishing_helpers import published, quarters_back, signed_off, southwark_plan, user

HOSTILE = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
SECRETS = {
    "commentary": "INTERNAL-COMMENTARY-7f3a",
    "line commentary": "RETURN-LINE-COMMENTARY-1c9e",
    "challenge": "CHALLENGE-QUESTION-5b2d",
    "answer": "CHALLENGE-ANSWER-8e4f",
    "unpublished note": "UNPUBLISHED-NOTE-2a6c",
    "withdrawn note": "WITHDRAWN-NOTE-9d1b",
    "sent-back note": "SENT-BACK-NOTE-4e7a",
    "other borough note": "LAMBETH-NOTE-3f8c",
    "covering note": "COVERING-NOTE-6a2e",
}


def note_first_line(ret, text, username="southwark.editor"):
    action_id = ret.lines.order_by("pk").first().action_id
    save_public_notes(ret=ret, user=user(username), notes={action_id: text})


def build_world():
    plan = southwark_plan()
    action = Action.objects.filter(objective__plan=plan).order_by("pk").first()
    action.text = f"Engage communities {HOSTILE}"
    action.save(update_fields=["text"])
    apply_status_update(
        action=action,
        user=user("southwark.editor"),
        seen_version=action.version,
        rag=RAG.RED if action.rag != RAG.RED else RAG.AMBER,
        commentary=f"{SECRETS['commentary']} the inspector is off sick again.",
    )
    challenge = Challenge.objects.create(
        plan=plan, question=SECRETS["challenge"], raised_by=user("mopac.oversight")
    )
    ChallengeReply.objects.create(
        challenge=challenge, author=user("southwark.editor"), text=SECRETS["answer"]
    )

    latest = signed_off(plan, quarters_back(1))
    ReturnLine.objects.filter(quarterly_return=latest).update(commentary=SECRETS["line commentary"])
    latest.covering_note = SECRETS["covering note"]
    latest.save(update_fields=["covering_note"])
    note_first_line(latest, f"Six sessions held. {HOSTILE} =cmd|' /C calc'!A0")
    published(plan, quarters_back(1))

    sent_back = signed_off(plan, quarters_back(2))
    note_first_line(sent_back, SECRETS["sent-back note"])
    published(plan, quarters_back(2))
    send_back_return(
        ret=sent_back,
        user=user("mopac.oversight"),
        reason="The figures need checking.",
        seen_version=sent_back.version,
    )

    note_first_line(signed_off(plan, quarters_back(3)), SECRETS["unpublished note"])

    withdrawn = signed_off(plan, quarters_back(4))
    note_first_line(withdrawn, SECRETS["withdrawn note"])
    published(plan, quarters_back(4))
    unpublish_return(ret=withdrawn, user=user("southwark.commander"))

    lambeth = signed_off(
        Plan.objects.get(borough__slug="lambeth"),
        quarters_back(1),
        submitter="lambeth.editor",
        signer="admin",
    )
    note_first_line(lambeth, SECRETS["other borough note"], username="lambeth.editor")
    return plan


def personal_names(plan):
    """Surnames of the plan's owners that appear nowhere in its published words (so that finding
    one on a public page can only mean a name leaked)."""
    words = " ".join(Action.objects.filter(objective__plan=plan).values_list("text", flat=True)).lower()
    surnames = {o.name.split()[-1] for o in Owner.objects.filter(borough=plan.borough).exclude(name="")}
    return sorted(s for s in surnames if len(s) > 3 and s.lower() not in words)


def public_urls():
    """Every public URL pattern × every borough (and an unknown one) × every quarter with a return."""
    from plans.models import Borough, QuarterlyReturn

    patterns = [p for p in get_resolver().url_patterns if isinstance(p, URLPattern) and p.name]
    from plans import urls as plan_urls

    patterns += [p for p in plan_urls.urlpatterns if p.name and p.name.startswith("public-")]
    slugs = [*Borough.objects.values_list("slug", flat=True), "atlantis"]
    quarters = {quarter_slug(Quarter(r.fy_start_year, r.quarter)) for r in QuarterlyReturn.objects.all()}
    quarters.add(quarter_slug(quarters_back(0)))
    urls = set()
    for pattern in patterns:
        if not pattern.name.startswith("public-"):
            continue
        params = set(pattern.pattern.regex.groupindex)
        if not params:
            urls.add(reverse(pattern.name))
        elif params == {"slug"}:
            urls.update(reverse(pattern.name, kwargs={"slug": s}) for s in slugs)
        else:
            assert params == {"slug", "quarter"}, f"{pattern.name}: unexpected parameters {params}"
            urls.update(
                reverse(pattern.name, kwargs={"slug": s, "quarter": q}) for s in slugs for q in quarters
            )
    return sorted(urls)


@pytest.mark.django_db
def test_no_public_url_shows_what_was_not_published(world, settings):
    settings.PUBLIC_RATE_LIMIT = "100000/minute"
    plan = build_world()
    names = personal_names(plan)
    assert len(names) >= 5, names  # the check below means something
    usernames = list(get_user_model().objects.values_list("username", flat=True))
    client = Client()
    urls = public_urls()
    answered = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert not response.cookies, url
        answered[url] = response.status_code
        if response.status_code != 200:
            continue
        body = response.content.decode()
        for label, secret in SECRETS.items():
            assert secret not in body, f"{label} on {url}"
        for name in names:
            assert name not in body, f"owner's name {name} on {url}"
        for username in usernames:
            assert username not in body, f"user {username} on {url}"
        assert "Lambeth" not in body, url
        if not url.endswith((".json", ".csv")):
            assert "<script>alert" not in body and "<img src=x" not in body, url
            assert "&lt;script&gt;alert" in body or url == "/public/", url
        if url.endswith(".csv"):
            assert ",=cmd" not in body and '"=cmd' not in body, url
    ok = sorted(u for u, s in answered.items() if s == 200)
    latest = quarter_slug(quarters_back(1))
    assert ok == sorted(
        [
            "/public/",
            "/public/southwark/",
            f"/public/southwark/{latest}.csv",
            f"/public/southwark/{latest}.json",
        ]
    )
    assert len(urls) > 100
    assert PublicNote.objects.filter(text=SECRETS["unpublished note"]).exists()
