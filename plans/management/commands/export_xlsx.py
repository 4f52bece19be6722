from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from plans.exports import ExportContext, log_export, user_label, write_workbook
from plans.filtersets import ActionFilterSet
from plans.scope import Scope, scope_for

MULTI = ("borough", "bcu", "pillar", "objective", "driver", "owner", "rag")
SINGLE = ("stale", "overdue", "as_at")


class OperatorUser:
    """The operator at the console: an administrator's read scope, no account of their own."""

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    _trustplan_scope = Scope(read_all=True, edit_all=True, edit_force=True)

    def get_username(self):
        return "manage.py"

    def get_full_name(self):
        return ""

    def __str__(self):
        return "manage.py (administrator scope)"


class Command(BaseCommand):
    help = (
        "Write the actions workbook (Summary, Actions, Status history, Driver coverage, About) to --out, "
        "with the same filters as the dashboards and the web export. Runs with an administrator's "
        "read scope unless --user names the account whose scope to use."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Path of the .xlsx file to write.")
        for name in MULTI:
            parser.add_argument(
                f"--{name}",
                action="append",
                default=[],
                help=f"Filter by {name} (slug; id for objective and owner); repeat for several.",
            )
        parser.add_argument("--stale", choices=["true", "false"])
        parser.add_argument("--overdue", choices=["true", "false"])
        parser.add_argument("--as-at", dest="as_at", help="Status as at the end of this day (YYYY-MM-DD).")
        parser.add_argument("--user", help="Export with this user's read scope.")

    def handle(self, *args, **opts):
        if not opts["out"].lower().endswith(".xlsx"):
            raise CommandError("--out must name an .xlsx file.")
        user = self._user(opts["user"])
        data = QueryDict(mutable=True)
        for name in MULTI:
            if opts[name]:
                data.setlist(name, opts[name])
        for name in SINGLE:
            if opts[name]:
                data[name] = opts[name]
        filterset = ActionFilterSet(data, user=user)
        if not filterset.is_valid():
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items())
            raise CommandError(f"Invalid filters: {problems}")
        ctx = ExportContext(filterset=filterset, user=user, by=user_label(user))
        try:
            counts = write_workbook(ctx, opts["out"])
        except OSError as exc:
            raise CommandError(f"Could not write {opts['out']}: {exc}") from exc
        log_export(ctx, "xlsx (manage.py)")
        summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Wrote {opts['out']} ({summary})."))

    def _user(self, username):
        if not username:
            return OperatorUser()
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user called {username!r}.") from exc
        if not scope_for(user).read_all:
            raise CommandError(f"{username} has no role that may read plans: nothing to export.")
        return user
