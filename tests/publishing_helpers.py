"""Signed-off and published quarterly returns for the publishing tests and access rows."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from plans.choices import ReturnStatus
from plans.models import Plan, QuarterlyReturn, ReturnLine
from plans.publishing.services import publish_return
from plans.quarters import Quarter
from plans.services.returns import sign_off_return, snapshot_lines


def user(username):
    return get_user_model().objects.get(username=username)


def quarters_back(n):
    """The quarter n quarters before the current one (0: the current quarter)."""
    quarter = Quarter.containing(timezone.localdate())
    for _ in range(n):
        quarter = quarter.previous()
    return quarter


def signed_off(plan, quarter, *, submitter="southwark.editor", signer="southwark.commander"):
    """The plan's return for ``quarter``, submitted and signed off, with lines as the plan
    stands now (made directly: the seeded plans have no history for past quarters)."""
    existing = QuarterlyReturn.objects.filter(
        plan=plan, fy_start_year=quarter.fy_start_year, quarter=quarter.quarter
    ).first()
    if existing is not None:
        return existing
    ret = QuarterlyReturn.objects.create(
        plan=plan,
        fy_start_year=quarter.fy_start_year,
        quarter=quarter.quarter,
        status=ReturnStatus.SUBMITTED,
        submitted_by=user(submitter),
        submitted_at=timezone.now(),
    )
    ReturnLine.objects.bulk_create(snapshot_lines(ret, plan, Quarter.containing(timezone.localdate())))
    return sign_off_return(ret=ret, user=user(signer), seen_version=ret.version)


def published(plan, quarter, **kwargs):
    """A signed-off return for ``quarter``, published by the borough's commander (or admin)."""
    ret = signed_off(plan, quarter, **kwargs)
    if not ret.publications.filter(withdrawn_at__isnull=True).exists():
        publish_return(
            ret=ret,
            user=user(kwargs.get("signer", "southwark.commander")),
            seen_version=ret.version,
            confirmed=True,
        )
    return ret


def southwark_plan():
    return Plan.objects.get(slug="southwark-trust-and-confidence-plan")
