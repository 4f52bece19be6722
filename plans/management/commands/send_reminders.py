from django.core.management.base import BaseCommand

from plans.services.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail reminders about stale actions: each owner with a linked account their own, each "
        "borough's editors the borough's list, each borough lead the actions stale for two intervals. "
        "Safe to run daily from cron: nobody gets the same reminder twice within the review interval."
    )

    def handle(self, *args, **options):
        result = send_reminders()
        for username, kind, count in result.recipients:
            self.stdout.write(f"  {kind:10} → {username} ({count} actions)")
        self.stdout.write(
            self.style.SUCCESS(
                f"Reminders sent: {result.sent}; already sent this interval: {result.skipped}."
            )
        )
