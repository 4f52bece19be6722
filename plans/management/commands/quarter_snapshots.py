from django.core.management.base import BaseCommand
from django.utils import timezone

from plans.quarters import Quarter
from plans.snapshots import build_snapshot, quarter_snapshot


class Command(BaseCommand):
    help = (
        "Keep every action's status at the end of the last closed quarter (plans.snapshots), so that "
        "the first oversight page after a quarter closes does not build it; --rebuild writes it afresh. "
        "Safe to run daily from cron: a current snapshot is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Write it again from the history.")

    def handle(self, *args, rebuild=False, **options):
        quarter = Quarter.last_ended(timezone.localdate())
        if rebuild:
            kept = quarter.end if build_snapshot(quarter.end) else None
        else:
            kept = quarter_snapshot(quarter)
        if kept is None:
            self.stderr.write(f"The statuses at the end of {quarter} were being written at once: try again.")
            return
        self.stdout.write(self.style.SUCCESS(f"Statuses at the end of {quarter} ({kept:%d %b %Y}) kept."))
