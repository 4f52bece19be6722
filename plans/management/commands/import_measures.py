from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.measures_import import import_measures


class Command(BaseCommand):
    help = (
        "Import Public Attitude Survey readings from PATH (.csv or .xlsx): a long table "
        "(borough or ONS code or London, period, measure, value in percent) or the Borough sheet of "
        "MOPAC's trust-and-confidence dashboard workbook (Date, Survey, Borough, Measure, Proportion, MPS). "
        "All or nothing, with a row-by-row error report; importing the same figures again changes nothing. "
        "A figure already held that would move by more than 10 points is written only with "
        "--accept-large-moves."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .csv or .xlsx file to import.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )
        parser.add_argument(
            "--accept-large-moves",
            action="store_true",
            help="Write figures already held that move by more than 10 points (listed by --dry-run).",
        )

    def handle(self, *args, **opts):
        path = Path(opts["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        result = import_measures(
            file=path, user=None, dry_run=opts["dry_run"], accept_large_moves=opts["accept_large_moves"]
        )
        if result.errors:
            for error in result.errors[:200]:
                self.stderr.write(str(error))
            more = len(result.errors) - 200
            if more > 0:
                self.stderr.write(f"… and {more} more problems.")
            raise CommandError(f"{path.name}: {len(result.errors)} problem(s) found; nothing was imported.")
        for note in result.notes:
            self.stdout.write(note)
        for change in result.large_moves:
            self.stdout.write(self.style.WARNING(f"Moves by more than 10 points: {change.describe_move()}"))
        prefix = "Dry run, nothing written: " if opts["dry_run"] else ""
        self.stdout.write(
            self.style.SUCCESS(f"{prefix}{result.file_name} ({result.layout}): {result.summary}")
        )
