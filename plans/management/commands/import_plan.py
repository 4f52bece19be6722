from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from plans.imports import import_plan
from plans.models import Borough
from plans.services import StaleVersion
from plans.upload_safety import MAX_UPLOAD_BYTES


class Command(BaseCommand):
    help = (
        "Import a borough's plan from an Excel workbook (see /import/template.xlsx), a Word document "
        "(.docx, the plan in tables) or a CSV file. All or nothing: every problem is listed by sheet "
        "(or table or paragraph), row and column and nothing is written. Re-importing the same file "
        "updates the plan in place; a blank cell leaves the plan's value unless --clear-blanks is given. "
        "--dry-run shows what would be created, changed and lost. Status "
        "changes are recorded as updates by --user (default: the first active superuser)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .xlsx workbook, .docx document or .csv file.")
        parser.add_argument("--borough", required=True, help="The borough's slug, e.g. southwark.")
        parser.add_argument("--dry-run", action="store_true", help="Check and preview; write nothing.")
        parser.add_argument(
            "--clear-blanks",
            action="store_true",
            help="Blank cells clear the plan's values (RAG to Not rated, owners, drivers, due dates).",
        )
        parser.add_argument("--user", help="The account the import is made by (must be able to edit).")

    def handle(self, *args, **opts):
        try:
            borough = Borough.objects.get(slug=opts["borough"])
        except Borough.DoesNotExist as exc:
            raise CommandError(f"No borough with the slug {opts['borough']!r}.") from exc
        user = self._user(opts["user"])
        try:
            with open(opts["path"], "rb") as handle:
                data = handle.read(MAX_UPLOAD_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {opts['path']}: {exc}") from exc
        try:
            report = import_plan(
                borough=borough,
                workbook_file=data,
                user=user,
                dry_run=opts["dry_run"],
                filename=opts["path"],
                clear_blanks=opts["clear_blanks"],
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except StaleVersion as exc:
            raise CommandError(f"{exc} Nothing was imported; run the import again.") from exc
        for note in report.notes:
            self.stdout.write(f"note: {note}")
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(report.summary())
        for loss in report.losses:
            self.stdout.write(f"LOSS {loss.kind}: {loss.label} ({'; '.join(loss.details)}) {loss.where()}")
        for change in report.created + report.changed:
            verb = "create" if change in report.created else "change"
            details = f" ({'; '.join(change.details)})" if change.details else ""
            self.stdout.write(f"{verb} {change.kind}: {change.label}{details}")
        prefix = "Dry run, nothing written. " if opts["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))

    def _user(self, username):
        User = get_user_model()
        if username:
            try:
                return User.objects.get(username=username, is_active=True)
            except User.DoesNotExist as exc:
                raise CommandError(f"No active user called {username!r}.") from exc
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("No active superuser to record the import as: give --user USERNAME.")
        return user
