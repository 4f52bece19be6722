"""Quarterly returns: submit (borough editors), sign off (borough commander), send back (oversight)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ..choices import STATUS_ORDER
from ..forms.returns import SendBackForm, SignOffForm, SubmitReturnForm
from ..models import Action, Borough, Plan, QuarterlyReturn
from ..reporting import return_summary
from ..scope import SEND_BACK_RETURN, SIGN_OFF_RETURN, SUBMIT_RETURN, may, require, role_required
from ..services.returns import send_back_return, sign_off_return, submit_return


def _error_text(exc):
    if hasattr(exc, "message_dict"):
        return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


@require_http_methods(["GET", "POST"])
@role_required
def borough_returns(request, slug):
    borough = get_object_or_404(Borough.objects.visible_to(request.user), slug=slug)
    plan = get_object_or_404(Plan, borough=borough)
    today = timezone.localdate()
    form = SubmitReturnForm(request.POST or None, today=today)
    if request.method == "POST":
        require(
            request.user, SUBMIT_RETURN, plan, message=f"Only editors of {borough} can submit its return."
        )
        if form.is_valid():
            try:
                ret = submit_return(
                    plan=plan,
                    quarter=form.cleaned_data["quarter"],
                    user=request.user,
                    covering_note=form.cleaned_data["covering_note"],
                )
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(request, f"The {ret.label} return was submitted for sign-off.")
                return redirect("return-detail", pk=ret.pk)
    returns = plan.returns.select_related("submitted_by", "signed_off_by")
    return render(
        request,
        "plans/returns.html",
        {
            "borough": borough,
            "plan": plan,
            "returns": returns,
            "form": form,
            "may_submit": may(request.user, SUBMIT_RETURN, plan),
        },
        status=400 if request.method == "POST" else 200,
    )


def _live_summary(plan):
    counts = (
        Action.objects.filter(objective__plan=plan)
        .with_status()
        .aggregate(**{s.value: Count("pk", filter=Q(eff_status=s.value)) for s in STATUS_ORDER})
    )
    return counts


@require_http_methods(["GET"])
def return_detail(request, pk):
    ret = get_object_or_404(
        QuarterlyReturn.objects.visible_to(request.user).select_related(
            "plan__borough", "submitted_by", "signed_off_by"
        ),
        pk=pk,
    )
    lines = list(ret.lines.all())
    signed = return_summary(lines)
    live = _live_summary(ret.plan)
    comparison = [
        {"status": s, "returned": signed.get(s.value, 0), "live": live.get(s.value, 0)} for s in STATUS_ORDER
    ]
    return render(
        request,
        "plans/return_detail.html",
        {
            "ret": ret,
            "lines": lines,
            "events": ret.events.select_related("user"),
            "comparison": comparison,
            "may_sign_off": ret.status == "submitted" and may(request.user, SIGN_OFF_RETURN, ret.plan),
            "may_send_back": ret.status in ("submitted", "signed_off")
            and may(request.user, SEND_BACK_RETURN),
            "sign_off_form": SignOffForm(initial={"version": ret.version}),
            "send_back_form": SendBackForm(initial={"version": ret.version}),
        },
    )


def _get_return(request, pk):
    return get_object_or_404(
        QuarterlyReturn.objects.visible_to(request.user).select_related("plan__borough"), pk=pk
    )


def _written(request, ret, write, done):
    """Run ``write()`` (a service call on ``ret``): its ValidationError becomes an error message,
    else ``done`` a success message; either way back to the return's page."""
    try:
        write()
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, done)
    return redirect("return-detail", pk=ret.pk)


@require_POST
def return_sign_off(request, pk):
    ret = _get_return(request, pk)
    form = SignOffForm(request.POST)
    require(
        request.user,
        SIGN_OFF_RETURN,
        ret.plan,
        message=f"Only the borough commander of {ret.plan.borough} can sign off its return.",
    )
    if not form.is_valid():
        messages.error(request, "Tick the confirmation to sign off: nothing was signed off.")
        return redirect("return-detail", pk=ret.pk)
    return _written(
        request,
        ret,
        lambda: sign_off_return(ret=ret, user=request.user, seen_version=form.cleaned_data["version"]),
        f"The {ret.label} return is signed off and locked.",
    )


@require_POST
def return_send_back(request, pk):
    ret = _get_return(request, pk)
    require(request.user, SEND_BACK_RETURN, message="Only oversight can send a return back.")
    form = SendBackForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the return is sent back.")
        return redirect("return-detail", pk=ret.pk)
    return _written(
        request,
        ret,
        lambda: send_back_return(
            ret=ret,
            user=request.user,
            reason=form.cleaned_data["reason"],
            seen_version=form.cleaned_data["version"],
        ),
        f"The {ret.label} return was sent back to {ret.plan.borough}.",
    )
