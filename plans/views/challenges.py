"""Challenges: oversight asks, the borough answers, both see the thread, oversight closes.

Who may do what (from the scoping chokepoint, never a cached role):
- raise and close: oversight and administrators;
- reply: editors of the challenged borough (their answer) and oversight (a follow-up);
- read: every role that can read plans. Analysts and other boroughs' editors only read.
A refused write answers 403, writes nothing and is logged on ``trustplan.security``.
"""

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import notifications
from ..choices import ChallengeStatus
from ..forms.challenges import ChallengeForm, CloseForm, ReplyForm
from ..models import Borough, Challenge, Plan
from ..scope import ANSWER_CHALLENGE, RAISE_CHALLENGE, REPLY_CHALLENGE, may, refuse, role_required, scope_for
from ..services.challenges import close_challenge, raise_challenge, reply_to_challenge

security_log = logging.getLogger("trustplan.security")


def _refuse(request, what, obj):
    refuse(request.user, f"tried to {what} {obj}", f"Your role does not allow you to {what}.")


def _challenge(request, pk):
    return get_object_or_404(
        Challenge.objects.visible_to(request.user).select_related(
            "plan__borough", "action__objective", "raised_by", "closed_by"
        ),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
@role_required
def challenge_create(request, slug):
    borough = get_object_or_404(Borough.objects.visible_to(request.user), slug=slug)
    if not may(request.user, RAISE_CHALLENGE):
        _refuse(request, "raise a challenge", borough)
    plan = get_object_or_404(Plan.objects.visible_to(request.user), borough=borough)
    initial = {}
    if request.method == "GET" and request.GET.get("action", "").isdigit():
        initial["action"] = request.GET["action"]
    form = ChallengeForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        challenge = raise_challenge(
            plan=plan,
            user=request.user,
            question=data["question"],
            due_date=data["due_date"],
            action=data["action"],
        )
        notifications.challenge_raised(challenge, actor=request.user)
        messages.success(
            request, f"Challenge raised with {borough}. Its editors will see it on their dashboard."
        )
        return redirect("challenge-detail", pk=challenge.pk)
    return render(
        request,
        "plans/challenge_form.html",
        {"borough": borough, "plan": plan, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_safe
@role_required
def challenge_list(request):
    status = request.GET.get("status", "active")
    challenges = Challenge.objects.visible_to(request.user).select_related(
        "plan__borough", "action", "raised_by"
    )
    if status == "active":
        challenges = challenges.exclude(status=ChallengeStatus.CLOSED)
    elif status in ChallengeStatus.values:
        challenges = challenges.filter(status=status)
    elif status != "all":
        status = "active"
        challenges = challenges.exclude(status=ChallengeStatus.CLOSED)
    scope = scope_for(request.user)
    if request.GET.get("mine") == "1" and scope.edit_borough_ids:
        challenges = challenges.filter(plan__borough__in=scope.edit_borough_ids)
    challenges = challenges.annotate(reply_count=Count("replies")).order_by("due_date", "-raised_at")
    page = Paginator(challenges, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/challenge_list.html",
        {
            "page": page,
            "status": status,
            "statuses": [("active", "Open and answered"), *ChallengeStatus.choices, ("all", "All")],
            "mine": request.GET.get("mine") == "1",
            "has_boroughs": bool(scope.edit_borough_ids),
        },
    )


def _detail_context(request, challenge, reply_form=None, close_form=None):
    return {
        "challenge": challenge,
        "replies": challenge.replies.select_related("author"),
        "reply_form": reply_form or ReplyForm(),
        "close_form": close_form or CloseForm(),
        "may_reply": may(request.user, REPLY_CHALLENGE, challenge)
        and challenge.status != ChallengeStatus.CLOSED,
        "may_close": may(request.user, RAISE_CHALLENGE) and challenge.status != ChallengeStatus.CLOSED,
        "answering_for_borough": may(request.user, ANSWER_CHALLENGE, challenge),
    }


@require_safe
@role_required
def challenge_detail(request, pk):
    challenge = _challenge(request, pk)
    return render(request, "plans/challenge_detail.html", _detail_context(request, challenge))


@require_POST
@role_required
def challenge_reply(request, pk):
    challenge = _challenge(request, pk)
    if not may(request.user, REPLY_CHALLENGE, challenge):
        _refuse(request, "reply to this challenge", f"challenge={challenge.pk}")
    form = ReplyForm(request.POST)
    if challenge.status == ChallengeStatus.CLOSED:
        form.is_valid()
        form.add_error(None, "This challenge is closed: nothing was added.")
    elif form.is_valid():
        reply_to_challenge(challenge=challenge, user=request.user, text=form.cleaned_data["text"])
        notifications.challenge_replied(
            challenge, actor=request.user, borough_side=may(request.user, ANSWER_CHALLENGE, challenge)
        )
        messages.success(request, "Your reply was added to the thread.")
        return redirect("challenge-detail", pk=challenge.pk)
    return render(
        request,
        "plans/challenge_detail.html",
        _detail_context(request, challenge, reply_form=form),
        status=400,
    )


@require_POST
@role_required
def challenge_close(request, pk):
    challenge = _challenge(request, pk)
    if not may(request.user, RAISE_CHALLENGE):
        _refuse(request, "close this challenge", f"challenge={challenge.pk}")
    if challenge.status == ChallengeStatus.CLOSED:
        messages.info(request, "This challenge was already closed.")
        return redirect("challenge-detail", pk=challenge.pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "plans/challenge_detail.html",
            _detail_context(request, challenge, close_form=form),
            status=400,
        )
    close_challenge(challenge=challenge, user=request.user, note=form.cleaned_data["note"])
    notifications.challenge_closed(challenge, actor=request.user)
    messages.success(request, "The challenge is closed.")
    return redirect("challenge-detail", pk=challenge.pk)
