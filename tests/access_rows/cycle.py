"""Access-matrix rows: Quarterly returns: submit, sign off, send back."""

from tests.access_rows.base import LOGIN, Row

ROWS = [
    Row(
        "borough-returns",
        args=lambda w: ["southwark"],
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST={
            "anonymous": LOGIN,
            "southwark_editor": 400,
            "southwark_commander": 400,
            "administrator": 400,
            "*": 403,
        },
    ),
    # A user without a role sees no return: not found (404), before any permission check.
    Row(
        "return-detail",
        args=lambda w: [w.lambeth_return.pk],
        GET={"anonymous": LOGIN, "no_role": 404, "*": 200},
        POST={"anonymous": LOGIN, "*": 405},
    ),
    Row(
        "return-sign-off",
        args=lambda w: [w.lambeth_return.pk],
        post_data=lambda w: {"version": w.lambeth_return.version},
        GET={"anonymous": LOGIN, "*": 405},
        POST={"anonymous": LOGIN, "administrator": 302, "no_role": 404, "*": 403},
    ),
    Row(  # Southwark's commander signs off Southwark's return (and not Lambeth's, above)
        "return-sign-off",
        label="own borough",
        args=lambda w: [w.southwark_return.pk],
        post_data=lambda w: {"version": w.southwark_return.version},
        GET={"anonymous": LOGIN, "*": 405},
        POST={
            "anonymous": LOGIN,
            "southwark_commander": 302,
            "administrator": 302,
            "no_role": 404,
            "*": 403,
        },
    ),
    Row(
        "return-send-back",
        args=lambda w: [w.lambeth_return.pk],
        GET={"anonymous": LOGIN, "*": 405},
        POST={"anonymous": LOGIN, "oversight": 302, "administrator": 302, "no_role": 404, "*": 403},
    ),
]


class World:
    """The objects the URLs of this block are built from."""

    @property
    def lambeth_return(self):
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from plans.models import QuarterlyReturn
        from plans.quarters import Quarter
        from plans.services.returns import submit_return

        existing = QuarterlyReturn.objects.filter(plan=self.lambeth_plan).first()
        if existing:
            return existing
        editor = get_user_model().objects.get(username="lambeth.editor")
        quarter = Quarter.last_ended(timezone.localdate())
        return submit_return(plan=self.lambeth_plan, quarter=quarter, user=editor)

    @property
    def southwark_return(self):
        """Southwark's return for the last ended quarter, submitted by its editor and awaiting
        sign-off. Made directly: the Southwark plan has no status history before today."""
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from plans.choices import ReturnStatus
        from plans.models import QuarterlyReturn
        from plans.quarters import Quarter

        quarter = Quarter.last_ended(timezone.localdate())
        ret, _ = QuarterlyReturn.objects.get_or_create(
            plan=self.southwark_plan,
            fy_start_year=quarter.fy_start_year,
            quarter=quarter.quarter,
            defaults={
                "status": ReturnStatus.SUBMITTED,
                "submitted_by": get_user_model().objects.get(username="southwark.editor"),
                "submitted_at": timezone.now(),
            },
        )
        return ret
