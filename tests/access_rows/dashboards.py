"""Access-matrix rows: Dashboards, the action list and challenges."""

from tests.access_rows.base import LOGIN, Row

ROWS = [
    Row("oversight", GET={"anonymous": LOGIN, "no_role": 403, "*": 200}, POST=None),
    Row(
        "oversight",
        query="?rag=purple",
        label="bad filter",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 400},
        POST=None,
    ),
    Row("action-list", GET={"anonymous": LOGIN, "no_role": 403, "*": 200}, POST=None),
    Row(
        "action-list",
        query="?as_at=1999-01-01",
        label="bad filter",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 400},
        POST=None,
    ),
    Row(
        "borough-dashboard",
        args=lambda w: ["southwark"],
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST=None,
    ),
    Row(
        "borough-dashboard",
        args=lambda w: ["atlantis"],
        label="unknown borough",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 404},
        POST=None,
    ),
    Row(
        "challenge-create",
        args=lambda w: ["southwark"],
        GET={"anonymous": LOGIN, "oversight": 200, "administrator": 200, "*": 403},
        POST={"anonymous": LOGIN, "oversight": 400, "administrator": 400, "*": 403},
    ),
    Row("challenge-list", GET={"anonymous": LOGIN, "no_role": 403, "*": 200}, POST=None),
    Row(
        "challenge-detail",
        args=lambda w: [w.southwark_challenge.pk],
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST=None,
    ),
    Row(
        "challenge-reply",
        args=lambda w: [w.southwark_challenge.pk],
        GET=None,
        POST={
            "anonymous": LOGIN,
            "southwark_editor": 400,
            "southwark_commander": 400,
            "oversight": 400,
            "administrator": 400,
            "*": 403,
        },
    ),
    Row(
        "challenge-reply",
        args=lambda w: [w.lambeth_challenge.pk],
        label="other borough",
        GET=None,
        post_data={"text": "We have answered this one already, see the minutes."},
        POST={
            "anonymous": LOGIN,
            "lambeth_editor": 302,
            "oversight": 302,
            "administrator": 302,
            "*": 403,
        },
    ),
    Row(
        "challenge-close",
        args=lambda w: [w.southwark_challenge.pk],
        GET=None,
        POST={"anonymous": LOGIN, "oversight": 302, "administrator": 302, "*": 403},
    ),
]


class World:
    """The objects the URLs of this block are built from."""

    def _challenge(self, plan, question):
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from plans.models import Challenge

        existing = Challenge.objects.filter(plan=plan, question=question).first()
        if existing:
            return existing
        return Challenge.objects.create(
            plan=plan,
            question=question,
            raised_by=get_user_model().objects.get(username="mopac.oversight"),
            due_date=timezone.localdate(),
        )

    @property
    def southwark_challenge(self):
        return self._challenge(
            self.southwark_plan, "Why are four actions Red, and what is the recovery plan?"
        )

    @property
    def lambeth_challenge(self):
        return self._challenge(self.lambeth_plan, "How will the amber actions return to green this quarter?")
